//! Azure exports: every sample and header variant loads; BilledCost and EffectiveCost match
//! totals computed here, independently, from the CSV text with the cost-view rules; actual and
//! amortized are told apart; dates, localized headers, tags and bad input.

use std::path::{Path, PathBuf};

use capcast::ingest::{read_billing, BillingOptions};
use capcast::Error;
use polars::prelude::*;

use crate::common::{assert_close, shared, strict, sum, texts, write};

fn azure(rel: &str) -> PathBuf {
    shared(&format!("billing/azure/{rel}"))
}

/// A CSV file read with the `csv` crate: header by canonical name (the English name in
/// parentheses of a localized header), lower-cased.
struct Text {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn canonical(h: &str) -> String {
    let h = h.trim();
    let inner = h
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
        .map(|(_, inner)| inner);
    inner.unwrap_or(h).to_lowercase()
}

impl Text {
    fn read(path: &Path) -> Text {
        let bytes = std::fs::read(path).expect("test file readable");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .expect("header")
            .iter()
            .map(canonical)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                r.expect("row")
                    .iter()
                    .map(|v| v.trim().to_string())
                    .collect()
            })
            .collect();
        Text { header, rows }
    }

    fn get<'a>(&self, row: &'a [String], names: &[&str]) -> &'a str {
        names
            .iter()
            .find_map(|n| self.header.iter().position(|h| h == &n.to_lowercase()))
            .and_then(|i| row.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// (BilledCost, EffectiveCost) totals by the cost-view rules.
    fn expected(&self, amortized: bool) -> (f64, f64) {
        let (mut billed, mut effective) = (0.0, 0.0);
        for row in &self.rows {
            let cost = self.get(row, &["CostInBillingCurrency", "Cost", "PreTaxCost"]);
            let Ok(cost) = cost.parse::<f64>() else {
                continue;
            };
            let charge = self.get(row, &["ChargeType"]).to_lowercase();
            let model = self
                .get(row, &["PricingModel"])
                .to_lowercase()
                .replace(' ', "");
            let has_id = !self.get(row, &["benefitId"]).is_empty()
                || !self.get(row, &["ReservationId"]).is_empty();
            let committed =
                model == "reservation" || model == "savingsplan" || (model.is_empty() && has_id);
            let usage = charge.is_empty() || charge == "usage";
            let unused = charge.starts_with("unused");
            let purchase = (charge == "purchase" || charge == "refund") && committed;
            let b = if amortized && ((usage && committed) || unused) {
                0.0
            } else {
                cost
            };
            let e = if purchase { 0.0 } else { cost };
            billed += b;
            effective += e;
        }
        (billed, effective)
    }
}

/// Microseconds since the epoch of a UTC date/time column's values.
fn micros(frame: &DataFrame, column: &str) -> Vec<Option<i64>> {
    frame
        .column(column)
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .iter()
        .collect()
}

fn at(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros()
}

/// Every Azure sample, the format it must be recognised as, and whether its cost is amortized.
const FILES: &[(&str, &str, bool)] = &[
    ("ea-actual-small.csv", "azure-ea-actual", false),
    ("ea-amortized-small.csv", "azure-ea-amortized", true),
    ("ea-export-sample.csv", "azure-ea-actual", false),
    ("headersets/BOM.csv", "azure-payg", false),
    ("headersets/Enterprise.csv", "azure-ea-actual", false),
    ("headersets/EnterpriseCamel.csv", "azure-mca-actual", false),
    ("headersets/German.csv", "azure-payg", false),
    ("headersets/PayAsYouGo.csv", "azure-payg", false),
    ("headersets/YA.csv", "azure-mca-actual", false),
];

#[test]
fn every_azure_file_loads_with_independent_totals() {
    let mut seen = 0;
    for (rel, format, amortized) in FILES {
        let path = azure(rel);
        // Enterprise.csv's one row is dated 02/02/2021 in the billing period 05/01-05/31/2021:
        // a strict load rejects it (tested below); the totals are checked without that check.
        let options = BillingOptions {
            check_billing_period: !rel.ends_with("Enterprise.csv"),
            ..strict()
        };
        let billing = read_billing(&[&path], &options).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let report = &billing.report;
        let text = Text::read(&path);
        assert_eq!(report.format, *format, "{rel}");
        assert_eq!(report.rows_read, text.rows.len() as u64, "{rel}");
        assert_eq!(report.rows_kept, report.rows_read, "{rel}");
        let notes = report.files[0].notes.join("\n");
        let view = if *amortized {
            "cost view: amortized"
        } else {
            "cost view: actual"
        };
        assert!(notes.contains(view), "{rel}: {notes}");

        let frame = billing
            .costs
            .collect()
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(frame.height(), text.rows.len(), "{rel}");
        let (billed, effective) = text.expected(*amortized);
        assert_close(
            sum(&frame, "BilledCost"),
            billed,
            1e-9,
            &format!("{rel} BilledCost"),
        );
        assert_close(
            sum(&frame, "EffectiveCost"),
            effective,
            1e-9,
            &format!("{rel} EffectiveCost"),
        );
        for t in &report.totals {
            assert_close(
                t.read,
                t.returned,
                1e-12,
                &format!("{rel} {} read vs returned", t.column),
            );
        }
        for column in ["ProviderName", "InvoiceIssuerName", "PublisherName"] {
            assert!(
                texts(&frame, column).iter().all(|v| v.is_some()),
                "{rel} {column}"
            );
        }
        assert!(texts(&frame, "ProviderName")
            .iter()
            .all(|v| v.as_deref() == Some("Microsoft")));
        seen += 1;
    }
    // Every file of the folder is in the list above.
    let mut on_disk = 0;
    for dir in [azure(""), azure("headersets")] {
        on_disk += std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "csv")
            })
            .count();
    }
    assert_eq!(seen, on_disk);
}

#[test]
fn the_actual_export_has_its_reservation_purchase_at_effective_cost_zero() {
    let path = azure("ea-actual-small.csv");
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let frame = billing.costs.collect().unwrap();
    let purchases = frame
        .clone()
        .lazy()
        .filter(col("ChargeCategory").eq(lit("Purchase")))
        .collect()
        .unwrap();
    assert_eq!(purchases.height(), 1);
    let frequency = texts(&purchases, "ChargeFrequency")[0].clone().unwrap();
    assert!(
        frequency == "Recurring" || frequency == "One-Time",
        "{frequency}"
    );
    assert_eq!(sum(&purchases, "BilledCost"), 3.25);
    assert_eq!(sum(&purchases, "EffectiveCost"), 0.0);
    assert_eq!(
        texts(&purchases, "CommitmentDiscountType")[0].as_deref(),
        Some("Reservation")
    );
    assert_eq!(
        texts(&purchases, "CommitmentDiscountCategory")[0].as_deref(),
        Some("Usage")
    );
    assert_eq!(
        texts(&purchases, "PricingCategory")[0].as_deref(),
        Some("Committed")
    );
    assert_eq!(
        texts(&purchases, "CommitmentDiscountId")[0].as_deref(),
        Some("/providers/Microsoft.Capacity/reservationOrders/49ed0e4d-8e0c-4f1f-af2c-67c865056615/reservations/")
    );
    assert_eq!(
        texts(&purchases, "CommitmentDiscountName")[0].as_deref(),
        Some("VM_RI_06-21-2023_18-56")
    );
    assert_eq!(texts(&purchases, "ResourceName")[0], None);
    assert_eq!(texts(&purchases, "CommitmentDiscountStatus")[0], None);
    // Everything else is on-demand usage at BilledCost == EffectiveCost.
    let usage = frame
        .lazy()
        .filter(col("ChargeCategory").eq(lit("Usage")))
        .collect()
        .unwrap();
    assert_eq!(usage.height(), 10);
    assert_eq!(sum(&usage, "BilledCost"), sum(&usage, "EffectiveCost"));
    assert!(texts(&usage, "PricingCategory")
        .iter()
        .all(|v| v.as_deref() == Some("Standard")));
    assert!(texts(&usage, "ChargeFrequency")
        .iter()
        .all(|v| v.as_deref() == Some("Usage-Based")));
}

#[test]
fn the_amortized_export_has_committed_usage_at_billed_cost_zero() {
    let path = azure("ea-amortized-small.csv");
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let notes = billing.report.files[0].notes.join("\n");
    assert!(
        notes.contains("2 reservation/savings plan covered usage rows carry a cost"),
        "{notes}"
    );
    let frame = billing.costs.collect().unwrap();
    let committed = frame
        .lazy()
        .filter(col("PricingCategory").eq(lit("Committed")))
        .sort(["CommitmentDiscountType"], Default::default())
        .collect()
        .unwrap();
    assert_eq!(committed.height(), 2);
    assert_eq!(sum(&committed, "BilledCost"), 0.0);
    let effective: Vec<Option<f64>> = committed
        .column("EffectiveCost")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(effective, vec![Some(0.493152), Some(0.006000000468)]);
    assert_eq!(
        texts(&committed, "CommitmentDiscountType"),
        vec![
            Some("Reservation".to_string()),
            Some("Savings Plan".to_string())
        ]
    );
    assert_eq!(
        texts(&committed, "CommitmentDiscountCategory"),
        vec![Some("Usage".to_string()), Some("Spend".to_string())]
    );
    assert!(texts(&committed, "CommitmentDiscountStatus")
        .iter()
        .all(|v| v.as_deref() == Some("Used")));
    assert!(texts(&committed, "ChargeCategory")
        .iter()
        .all(|v| v.as_deref() == Some("Usage")));
    let ids = texts(&committed, "CommitmentDiscountId");
    assert!(
        ids[0].as_deref().unwrap().contains("/reservationOrders/"),
        "{ids:?}"
    );
    assert!(
        ids[1].as_deref().unwrap().contains("/savingsPlanOrders/"),
        "{ids:?}"
    );
    // SkuPriceDetails from AdditionalInfo of the covered VM usage.
    assert_eq!(
        texts(&committed, "SkuPriceDetails")[0].as_deref(),
        Some(r#"{"ServiceType":"Standard_DS2_v2","VCPUs":2}"#)
    );
}

#[test]
fn us_dates_become_utc_instants_and_the_inclusive_period_end_the_next_day() {
    let billing = read_billing(&[azure("ea-actual-small.csv")], &strict()).expect("loads");
    let frame = billing.costs.collect().unwrap();
    // Row 2 is dated 09/04/2023 in the billing period 09/01/2023 - 09/30/2023.
    assert_eq!(
        micros(&frame, "ChargePeriodStart")[1],
        Some(at("2023-09-04"))
    );
    assert_eq!(micros(&frame, "ChargePeriodEnd")[1], Some(at("2023-09-05")));
    assert!(micros(&frame, "BillingPeriodStart")
        .iter()
        .all(|v| *v == Some(at("2023-09-01"))));
    assert!(micros(&frame, "BillingPeriodEnd")
        .iter()
        .all(|v| *v == Some(at("2023-10-01"))));
    assert_eq!(
        frame.column("ChargePeriodStart").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
    let repairs: u64 = billing
        .report
        .repairs
        .iter()
        .filter(|r| r.column == "Date" && r.kind.starts_with("non-ISO date"))
        .map(|r| r.count)
        .sum();
    assert_eq!(repairs, 11);

    // Unpadded `9/2/2023` and `9/30/2023`.
    let frame = read_billing(&[azure("ea-export-sample.csv")], &strict())
        .expect("loads")
        .costs
        .collect()
        .unwrap();
    assert!(micros(&frame, "ChargePeriodStart")
        .iter()
        .all(|v| *v == Some(at("2023-09-02"))));
    assert!(micros(&frame, "BillingPeriodEnd")
        .iter()
        .all(|v| *v == Some(at("2023-10-01"))));

    // No billing period columns (pay-as-you-go): the calendar month of the usage date.
    let frame = read_billing(&[azure("headersets/PayAsYouGo.csv")], &strict())
        .expect("loads")
        .costs
        .collect()
        .unwrap();
    assert_eq!(
        micros(&frame, "ChargePeriodStart"),
        vec![Some(at("2021-02-02"))]
    );
    assert_eq!(
        micros(&frame, "BillingPeriodStart"),
        vec![Some(at("2021-02-01"))]
    );
    assert_eq!(
        micros(&frame, "BillingPeriodEnd"),
        vec![Some(at("2021-03-01"))]
    );

    // Billing period columns present but blank (EnterpriseCamel): the same fallback, per row.
    let frame = read_billing(&[azure("headersets/EnterpriseCamel.csv")], &strict())
        .expect("loads")
        .costs
        .collect()
        .unwrap();
    assert_eq!(
        micros(&frame, "BillingPeriodStart"),
        vec![Some(at("2021-02-01"))]
    );
    assert_eq!(
        micros(&frame, "BillingPeriodEnd"),
        vec![Some(at("2021-03-01"))]
    );
}

#[test]
fn german_headers_map_like_the_english_ones() {
    let load = |rel: &str| {
        read_billing(&[azure(rel)], &strict())
            .expect("loads")
            .costs
            .collect()
            .unwrap()
    };
    let english = load("headersets/PayAsYouGo.csv");
    let german = load("headersets/German.csv");
    let focus: Vec<&str> = capcast::ingest::billing::schema::COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let e = english.select(focus.clone()).unwrap();
    let g = german.select(focus).unwrap();
    assert!(e.equals_missing(&g), "english:\n{e}\ngerman:\n{g}");
    // The same extension columns, named by the English name in parentheses.
    assert_eq!(english.get_column_names(), german.get_column_names());
    assert_eq!(
        texts(&german, "x_ResourceGroup"),
        vec![Some("Example-Resource-Group".to_string())]
    );
    assert_eq!(
        texts(&german, "SubAccountId"),
        vec![Some("11111111-12ab-34dc-56ef-123456abcdef".to_string())]
    );
    assert_eq!(sum(&german, "BilledCost"), 0.075);
    assert_eq!(
        texts(&german, "PricingUnit"),
        vec![Some("100 Hours".to_string())]
    );
    assert_eq!(
        texts(&german, "ServiceName"),
        vec![Some("Load Balancer".to_string())]
    );
    assert_eq!(
        texts(&german, "ServiceCategory"),
        vec![Some("Networking".to_string())]
    );
    assert_eq!(texts(&german, "RegionId"), vec![Some("eastus".to_string())]);
    assert_eq!(
        texts(&german, "RegionName"),
        vec![Some("East US".to_string())]
    );
    assert_eq!(
        texts(&german, "ResourceType"),
        vec![Some("Microsoft.Network/loadBalancers".to_string())]
    );
    assert_eq!(
        texts(&german, "ResourceName"),
        vec![Some("kubernetes".to_string())]
    );
    assert_eq!(
        texts(&german, "ChargeCategory"),
        vec![Some("Usage".to_string())]
    );
    assert_eq!(
        texts(&german, "BillingCurrency"),
        vec![Some("USD".to_string())]
    );
    // The mixed file (camelCase, German, legacy names) reads the same values.
    let mixed = load("headersets/YA.csv");
    for column in [
        "SubAccountId",
        "ResourceId",
        "ServiceName",
        "RegionId",
        "PricingUnit",
        "BillingCurrency",
    ] {
        assert_eq!(texts(&mixed, column), texts(&german, column), "{column}");
    }
    assert_eq!(
        micros(&mixed, "ChargePeriodStart"),
        micros(&german, "ChargePeriodStart")
    );
    assert_eq!(sum(&mixed, "PricingQuantity"), 3.0);
}

#[test]
fn tags_are_json_objects_queryable_by_key() {
    for (rel, key, value) in [
        ("ea-actual-small.csv", "env", "prod"),
        ("ea-amortized-small.csv", "env", "prod"),
        ("ea-export-sample.csv", "tagA", "valueA"),
    ] {
        // Independently: rows whose raw Tags text holds `"key": "value"`.
        let text = Text::read(&azure(rel));
        let pair = format!("\"{key}\": \"{value}\"");
        let rows = text
            .rows
            .iter()
            .filter(|row| text.get(row, &["Tags"]).contains(&pair))
            .count();
        assert!(rows > 0, "{rel}");
        let frame = read_billing(&[azure(rel)], &strict())
            .expect("loads")
            .costs
            .select([col("Tags")
                .str()
                .json_path_match(lit(format!("$.{key}")))
                .alias("v")])
            .collect()
            .unwrap();
        let hits = texts(&frame, "v")
            .iter()
            .filter(|v| v.as_deref() == Some(value))
            .count();
        assert_eq!(hits, rows, "{rel}: Tags.{key}");
    }
    // CostCenter stays an extension column.
    let frame = read_billing(&[azure("ea-actual-small.csv")], &strict())
        .expect("loads")
        .costs
        .collect()
        .unwrap();
    assert_eq!(texts(&frame, "x_CostCenter")[0].as_deref(), Some("acm9000"));
    // `{ ... }` tags (MCA) are kept as they are.
    let frame = read_billing(&[azure("headersets/EnterpriseCamel.csv")], &strict())
        .expect("loads")
        .costs
        .select([col("Tags")
            .str()
            .json_path_match(lit("$.Vendor"))
            .alias("v")])
        .collect()
        .unwrap();
    assert_eq!(texts(&frame, "v"), vec![Some("Databricks".to_string())]);
}

#[test]
fn the_enterprise_headerset_row_outside_its_billing_period_is_rejected_with_its_position() {
    let path = azure("headersets/Enterprise.csv");
    let error = read_billing(&[&path], &strict()).err().expect("rejected");
    let message = error.to_string();
    match &error {
        Error::Data { position, .. } => {
            assert_eq!(position.row, Some(1));
            assert_eq!(position.column.as_deref(), Some("ChargePeriodStart"));
            assert_eq!(position.value.as_deref(), Some("2021-02-02T00:00:00Z"));
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(message.contains("Enterprise.csv"), "{message}");
    assert!(
        message.contains("2021-05-01T00:00:00Z, 2021-06-01T00:00:00Z"),
        "{message}"
    );

    // Without the check it loads, and its other columns map.
    let options = BillingOptions {
        check_billing_period: false,
        ..strict()
    };
    let frame = read_billing(&[&path], &options)
        .expect("loads")
        .costs
        .collect()
        .unwrap();
    let one = |c: &str| texts(&frame, c)[0].clone();
    assert_eq!(
        one("SkuPriceDetails").as_deref(),
        Some(r#"{"ServiceType":"Standard_E4s_v3","VCPUs":4}"#)
    );
    assert_eq!(
        one("ResourceType").as_deref(),
        Some("Microsoft.Compute/virtualMachineScaleSets")
    );
    assert_eq!(one("RegionId").as_deref(), Some("canadacentral"));
    assert_eq!(one("RegionName").as_deref(), Some("Canada Central"));
    assert_eq!(one("BillingCurrency").as_deref(), Some("CAD"));
    assert_eq!(
        one("CommitmentDiscountType").as_deref(),
        Some("Reservation")
    );
    assert_eq!(one("CommitmentDiscountStatus").as_deref(), Some("Used"));
    assert_eq!(one("PricingCategory").as_deref(), Some("Committed"));
    assert_eq!(one("ServiceCategory").as_deref(), Some("Compute"));
    assert_eq!(one("x_CostCenter"), None);
    assert_eq!(sum(&frame, "ContractedCost"), 0.1 * 10.0);
}

#[test]
fn a_blank_row_with_only_a_date_loads_as_a_row_without_cost() {
    let billing = read_billing(&[azure("headersets/BOM.csv")], &strict()).expect("loads");
    let frame = billing.costs.collect().unwrap();
    assert_eq!(frame.height(), 1);
    assert_eq!(
        micros(&frame, "ChargePeriodStart"),
        vec![Some(at("2022-11-03"))]
    );
    assert_eq!(frame.column("BilledCost").unwrap().null_count(), 1);
    assert_eq!(texts(&frame, "BillingCurrency"), vec![None]);
    // The BOM is gone from the first header.
    assert_eq!(texts(&frame, "SubAccountId"), vec![None]);
    let warnings = billing.report.warnings.join("\n");
    assert!(
        warnings.is_empty() || !warnings.contains("SubAccountId"),
        "{warnings}"
    );
}

const EA_HEADER: &str = "BillingAccountId,BillingPeriodStartDate,BillingPeriodEndDate,SubscriptionId,Date,MeterId,MeterCategory,Quantity,Cost,UnitPrice,PayGPrice,BillingCurrency,ChargeType,Frequency,PricingModel,benefitId,benefitName\n";

#[test]
fn a_row_without_a_date_loads_with_null_periods_and_keeps_its_cost() {
    // Decision: Azure rows always carry a date; one without is kept (its money stays in the
    // totals) with null charge and billing periods, rather than failing the load.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "payg.csv",
        "SubscriptionGuid,UsageDateTime,MeterCategory,UsageQuantity,PreTaxCost,Currency\n\
         s1,2021-02-02,Storage,1,0.5,USD\n\
         s1,,Storage,1,0.25,USD\n",
    );
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let frame = billing.costs.collect().unwrap();
    assert_eq!(frame.height(), 2);
    assert_eq!(sum(&frame, "BilledCost"), 0.75);
    assert_eq!(micros(&frame, "ChargePeriodStart")[1], None);
    assert_eq!(micros(&frame, "BillingPeriodStart")[1], None);
}

#[test]
fn an_amortized_mca_file_with_unused_commitments_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "mca.csv",
        "billingProfileId,billingProfileName,date,meterCategory,quantity,costInBillingCurrency,paygCostInBillingCurrency,billingCurrency,chargeType,pricingModel,benefitId,benefitName\n\
         bp1,Profile,2024-03-05,Virtual Machines,24,1.5,3,EUR,Usage,SavingsPlan,/providers/Microsoft.BillingBenefits/savingsPlanOrders/o/savingsPlans/p,sp\n\
         bp1,Profile,2024-03-05,Virtual Machines,0,0.5,0,EUR,UnusedSavingsPlan,SavingsPlan,/providers/Microsoft.BillingBenefits/savingsPlanOrders/o/savingsPlans/p,sp\n\
         bp1,Profile,2024-03-05,Storage,10,0.2,0.2,EUR,Usage,On Demand,,\n\
         bp1,Profile,2024-03-31,Tax,1,0.4,0.4,EUR,Tax,,,\n\
         bp1,Profile,2024-03-20,Virtual Machines,1,-5,-5,EUR,Refund,Reservation,/providers/Microsoft.Capacity/reservationOrders/r/reservations/x,ri\n",
    );
    let billing = read_billing(&[&path], &strict()).expect("loads");
    assert_eq!(billing.report.format, "azure-mca-amortized");
    let frame = billing.costs.collect().unwrap();
    let col_f =
        |c: &str| -> Vec<Option<f64>> { frame.column(c).unwrap().f64().unwrap().iter().collect() };
    assert_eq!(
        col_f("BilledCost"),
        vec![Some(0.0), Some(0.0), Some(0.2), Some(0.4), Some(-5.0)]
    );
    assert_eq!(
        col_f("EffectiveCost"),
        vec![Some(1.5), Some(0.5), Some(0.2), Some(0.4), Some(0.0)]
    );
    assert_eq!(
        col_f("ListCost"),
        vec![Some(3.0), Some(0.0), Some(0.2), Some(0.4), Some(-5.0)]
    );
    let t = |c: &str| {
        texts(&frame, c)
            .into_iter()
            .map(|v| v.unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        t("ChargeCategory"),
        ["Usage", "Usage", "Usage", "Tax", "Purchase"]
    );
    assert_eq!(t("ChargeClass"), ["", "", "", "", "Correction"]);
    assert_eq!(
        t("CommitmentDiscountStatus"),
        ["Used", "Unused", "", "", ""]
    );
    assert_eq!(
        t("PricingCategory"),
        ["Committed", "Committed", "Standard", "", "Committed"]
    );
    assert_eq!(
        t("CommitmentDiscountType"),
        ["Savings Plan", "Savings Plan", "", "", "Reservation"]
    );
    assert_eq!(t("BillingAccountId"), ["bp1"; 5]);
    assert_eq!(t("BillingAccountType"), ["Billing Profile"; 5]);
    // `On Demand` is repaired to OnDemand and counted.
    let repaired: u64 = billing
        .report
        .repairs
        .iter()
        .filter(|r| r.column == "pricingModel" && r.kind == "enum spelling")
        .map(|r| r.count)
        .sum();
    assert_eq!(repaired, 1);
}

#[test]
fn a_cost_that_is_not_a_number_is_rejected_naming_file_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "ea.csv",
        &format!("{EA_HEADER}a,09/01/2023,09/30/2023,s,09/04/2023,m,Storage,1,0.5,0.5,0.5,USD,Usage,UsageBased,OnDemand,,\n\
                  a,09/01/2023,09/30/2023,s,09/04/2023,m,Storage,1,1.2.3,0.5,0.5,USD,Usage,UsageBased,OnDemand,,\n"),
    );
    let error = read_billing(&[&path], &strict()).err().expect("rejected");
    let message = error.to_string();
    match &error {
        Error::Data { position, .. } => {
            assert_eq!(position.file.as_deref(), Some(path.as_path()));
            assert_eq!(position.row, Some(2));
            assert_eq!(position.column.as_deref(), Some("Cost"));
            assert_eq!(position.value.as_deref(), Some("1.2.3"));
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(message.contains("expected a number"), "{message}");

    // The same in a localized file names the column as the file spells it.
    let path = write(
        &dir,
        "de.csv",
        "Abonnement-GUID (SubscriptionGuid),UsageDateTime (UsageDateTime),Kategorie der Verbrauchseinheit (MeterCategory),PreTaxCost (PreTaxCost)\n\
         s,2021-02-02,Storage,zwei\n",
    );
    let error = read_billing(&[&path], &strict()).err().expect("rejected");
    match &error {
        Error::Data { position, .. } => {
            assert_eq!(position.row, Some(1));
            assert_eq!(position.column.as_deref(), Some("PreTaxCost (PreTaxCost)"));
            assert_eq!(position.value.as_deref(), Some("zwei"));
        }
        other => panic!("unexpected error {other}"),
    }

    // Lenient: the row is dropped and listed; the other row's money is returned.
    let options = BillingOptions {
        lenient: true,
        ..strict()
    };
    let billing = read_billing(&[dir.path().join("ea.csv")], &options).expect("loads");
    assert_eq!(billing.report.rows_rejected, 1);
    assert_eq!(billing.report.rejections[0].value, "1.2.3");
    assert_eq!(sum(&billing.costs.collect().unwrap(), "BilledCost"), 0.5);
}

#[test]
fn an_unreadable_date_is_rejected_naming_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "ea.csv",
        &format!("{EA_HEADER}a,09/01/2023,09/30/2023,s,09/04/2023,m,Storage,1,0.5,0.5,0.5,USD,Usage,UsageBased,OnDemand,,\n\
                  a,09/01/2023,09/30/2023,s,31/09/2023,m,Storage,1,0.5,0.5,0.5,USD,Usage,UsageBased,OnDemand,,\n"),
    );
    let error = read_billing(&[&path], &strict()).err().expect("rejected");
    match &error {
        Error::Data { position, message } => {
            assert_eq!(position.row, Some(2));
            assert_eq!(position.column.as_deref(), Some("Date"));
            assert_eq!(position.value.as_deref(), Some("31/09/2023"));
            assert!(message.contains("%m/%d/%Y"), "{message}");
        }
        other => panic!("unexpected error {other}"),
    }
}
