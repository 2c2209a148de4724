//! FOCUS loading: the public FOCUS 1.0 sample (real, messy), the FOCUS 1.2 specification's
//! commitment-discount scenarios (exact oracles), version names, and bad input.

use capcast::ingest::{read_billing, BillingOptions};
use capcast::Error;
use polars::prelude::*;

use crate::common::{assert_close, csv_rows, csv_sum, shared, strict, total, write};

#[test]
fn focus_1_0_sample_loads_with_exact_totals_and_counted_repairs() {
    let path = shared("billing/focus/focus-1.0-sample.csv");
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let report = &billing.report;
    assert_eq!(report.format, "focus-1.0");
    assert_eq!(report.rows_read, csv_rows(&path));
    assert_eq!(report.rows_read, 1000);
    assert_eq!(report.rows_kept, 1000);
    assert_eq!(report.rows_rejected, 0);
    for column in ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"] {
        let expected = csv_sum(&path, column);
        let (read, returned) = total(report, column);
        assert_close(read, expected, 1e-9, column);
        assert_close(returned, expected, 1e-9, column);
    }
    let frame = billing.costs.collect().expect("collects");
    assert_eq!(frame.height(), 1000);
    let billed: f64 = frame
        .column("BilledCost")
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap();
    assert_close(
        billed,
        csv_sum(&path, "BilledCost"),
        1e-9,
        "frame BilledCost",
    );

    // Repairs the sample is known for: NULL strings, space-separated dates, `Usage-based`.
    let count = |column: &str, kind: &str| {
        report
            .repairs
            .iter()
            .filter(|r| r.column == column && r.kind.starts_with(kind))
            .map(|r| r.count)
            .sum::<u64>()
    };
    assert_eq!(count("ChargeFrequency", "enum spelling"), 7, "{report}");
    assert_eq!(count("ChargePeriodStart", "non-ISO date"), 1000);
    assert_eq!(count("ChargeClass", "NULL string"), 1000);
    assert!(report.rows_repaired >= 1000);
    let freq = frame
        .column("ChargeFrequency")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(freq.iter().flatten().all(|v| v != "Usage-based"));
    assert_eq!(frame.column("ChargeClass").unwrap().null_count(), 1000);

    // Types: UTC datetimes, float costs, the non-spec `Id` column kept.
    assert_eq!(
        frame.column("ChargePeriodStart").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
    assert!(frame.column("Id").is_ok());
    let first = frame
        .column("ChargePeriodStart")
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .get(0)
        .unwrap();
    // 2024-09-18 22:00:00 UTC in microseconds.
    assert_eq!(first, 1_726_696_800_000_000);
}

#[test]
fn focus_tags_can_be_grouped_by_key() {
    let path = shared("billing/focus/focus-1.0-sample.csv");
    let billing = read_billing(&[&path], &strict()).unwrap();
    let by_env = billing
        .costs
        .group_by([col("Tags")
            .str()
            .json_path_match(lit("$.environment"))
            .alias("env")])
        .agg([col("BilledCost").sum()])
        .collect()
        .unwrap();
    let envs: Vec<String> = by_env
        .column("env")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    assert!(
        envs.contains(&"prod".to_string()) && envs.contains(&"dev".to_string()),
        "{envs:?}"
    );
    let sum: f64 = by_env
        .column("BilledCost")
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap();
    assert_close(sum, csv_sum(&path, "BilledCost"), 1e-9, "grouped total");
}

/// The FOCUS 1.2 specification's commitment-discount scenarios (FOCUS_Spec v1.2,
/// `specification/data/commitment_discount_*`): per commitment, the EffectiveCost of the usage
/// rows equals the BilledCost of the purchase rows in the same file; Used + Unused equals the
/// commitment; purchase rows carry EffectiveCost 0.
#[test]
fn focus_1_2_spec_scenarios_satisfy_the_amortization_identities() {
    let dir = shared("billing/focus/spec-1.2-scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 11);
    for file in &files {
        let billing =
            read_billing(&[file], &strict()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let report = &billing.report;
        assert_eq!(report.rows_read, csv_rows(file));
        for column in ["BilledCost", "EffectiveCost"] {
            assert_close(total(report, column).1, csv_sum(file, column), 1e-9, column);
        }
        let frame = billing.costs.collect().unwrap();
        let purchases = frame
            .clone()
            .lazy()
            .filter(col("ChargeCategory").eq(lit("Purchase")))
            .collect()
            .unwrap();
        let purchase_effective: f64 = purchases
            .column("EffectiveCost")
            .unwrap()
            .f64()
            .unwrap()
            .sum()
            .unwrap_or(0.0);
        assert_eq!(
            purchase_effective,
            0.0,
            "{}: purchases carry EffectiveCost 0",
            file.display()
        );
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let committed = frame
            .clone()
            .lazy()
            .filter(
                col("ChargeCategory")
                    .eq(lit("Usage"))
                    .and(col("CommitmentDiscountId").is_not_null()),
            )
            .collect()
            .unwrap();
        let usage_effective: f64 = committed
            .column("EffectiveCost")
            .unwrap()
            .f64()
            .unwrap()
            .sum()
            .unwrap_or(0.0);
        let purchase_billed: f64 = purchases
            .column("BilledCost")
            .unwrap()
            .f64()
            .unwrap()
            .sum()
            .unwrap_or(0.0);
        if name.contains("utilization") {
            // Hourly purchase and its usage in one file: amortization is exact.
            assert_close(usage_effective, purchase_billed, 1e-12, &name);
        }
        if name == "commitment_discount_usage_scenario_3.csv" {
            // 0.75 Used + 0.25 Unused = the 1.00 USD hourly commitment.
            let q: f64 = committed
                .column("CommitmentDiscountQuantity")
                .unwrap()
                .f64()
                .unwrap()
                .sum()
                .unwrap();
            assert_close(q, 1.0, 1e-12, &name);
            assert_close(usage_effective, 1.0, 1e-12, &name);
            let status = committed
                .column("CommitmentDiscountStatus")
                .unwrap()
                .str()
                .unwrap()
                .clone();
            let values: Vec<&str> = status.iter().flatten().collect();
            assert_eq!(values, ["Used", "Unused"]);
        }
    }
}

const HEADER_12: &str = "BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,ChargeDescription,BilledCost,EffectiveCost,ListCost,ContractedCost,PricingQuantity,PricingUnit,ProviderName,PublisherName,InvoiceIssuerName,ServiceCategory,ServiceName,InvoiceId,Tags";

fn row(currency: &str, start: &str, billed: &str) -> String {
    format!(
        "1,acme,{currency},2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,{start},2026-05-02T01:00:00Z,Usage,,vm,{billed},1.0,1.5,1.0,1,Hours,AWS,AWS,AWS,Compute,EC2,inv-1,\"{{\"\"team\"\":\"\"web\"\"}}\""
    )
}

#[test]
fn focus_1_3_names_map_onto_1_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{},ServiceProviderName,HostProviderName\n{},AWS,AWS\n",
        HEADER_12.replace(",ProviderName", ""),
        row("USD", "2026-05-02T00:00:00Z", "2.5").replacen(",AWS,AWS,AWS,", ",AWS,AWS,", 1)
    );
    let path = write(&dir, "focus13.csv", &text);
    let billing = read_billing(&[&path], &strict()).unwrap();
    assert_eq!(billing.report.format, "focus-1.3");
    let frame = billing.costs.collect().unwrap();
    assert_eq!(
        frame.column("ProviderName").unwrap().str().unwrap().get(0),
        Some("AWS")
    );
    assert_eq!(
        frame
            .column("HostProviderName")
            .unwrap()
            .str()
            .unwrap()
            .get(0),
        Some("AWS")
    );
}

#[test]
fn text_in_a_cost_column_names_file_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER_12}\n{}\n{}\n",
        row("USD", "2026-05-02T00:00:00Z", "2.5"),
        row("USD", "2026-05-02T00:00:00Z", "twelve")
    );
    let path = write(&dir, "bad-cost.csv", &text);
    let err = read_billing(&[&path], &strict())
        .err()
        .expect("strict mode rejects");
    let message = err.to_string();
    assert!(matches!(err, Error::Data { .. }));
    for needle in [
        "bad-cost.csv",
        "row 2",
        "column 'BilledCost'",
        "value 'twelve'",
        "expected a number",
    ] {
        assert!(message.contains(needle), "{needle} missing from: {message}");
    }
    // Lenient mode keeps the good row, reports the bad one, and reconciles the money.
    let lenient = BillingOptions {
        lenient: true,
        ..strict()
    };
    let billing = read_billing(&[&path], &lenient).unwrap();
    assert_eq!(billing.report.rows_read, 2);
    assert_eq!(billing.report.rows_kept, 1);
    assert_eq!(billing.report.rows_rejected, 1);
    assert_eq!(billing.report.rejections[0].row, 2);
    assert_eq!(billing.report.rejections[0].value, "twelve");
    assert_eq!(total(&billing.report, "EffectiveCost"), (2.0, 1.0));
    assert_eq!(billing.costs.collect().unwrap().height(), 1);
}

#[test]
fn empty_and_header_only_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(&dir, "empty.csv", "");
    let message = read_billing(&[&empty], &strict())
        .err()
        .unwrap()
        .to_string();
    assert!(
        message.contains("empty.csv") && message.contains("file is empty"),
        "{message}"
    );
    let header = write(&dir, "header.csv", &format!("{HEADER_12}\n"));
    let message = read_billing(&[&header], &strict())
        .err()
        .unwrap()
        .to_string();
    assert!(
        message.contains("header.csv") && message.contains("no data rows"),
        "{message}"
    );
}

#[test]
fn truncated_gzip_is_refused() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("{HEADER_12}\n");
    for _ in 0..2000 {
        text.push_str(&row("USD", "2026-05-02T00:00:00Z", "2.5"));
        text.push('\n');
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    let bytes = encoder.finish().unwrap();
    let path = dir.path().join("part.csv.gz");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let message = read_billing(&[&path], &strict()).err().unwrap().to_string();
    assert!(
        message.contains("part.csv.gz") && message.contains("truncated"),
        "{message}"
    );
    // The complete file loads.
    std::fs::write(&path, &bytes).unwrap();
    let billing = read_billing(&[&path], &strict()).unwrap();
    assert_eq!(billing.report.rows_read, 2000);
    assert_close(
        total(&billing.report, "BilledCost").1,
        5000.0,
        1e-12,
        "gzip total",
    );
}

#[test]
fn wrong_delimiter_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n{}\n",
        HEADER_12.replace(',', ";"),
        row("USD", "2026-05-02T00:00:00Z", "1").replace(',', ";")
    );
    let path = write(&dir, "semi.csv", &text);
    let message = read_billing(&[&path], &strict()).err().unwrap().to_string();
    assert!(
        message.contains("semi.csv") && message.contains("semicolon-separated"),
        "{message}"
    );
}

#[test]
fn missing_mandatory_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let header = HEADER_12.replace("BilledCost,", "");
    let line = row("USD", "2026-05-02T00:00:00Z", "REMOVE").replace("REMOVE,", "");
    let path = write(&dir, "nobilled.csv", &format!("{header}\n{line}\n"));
    let message = read_billing(&[&path], &strict()).err().unwrap().to_string();
    assert!(
        message.contains("nobilled.csv")
            && message.contains("'BilledCost'")
            && message.contains("missing mandatory column"),
        "{message}"
    );
}

#[test]
fn mixed_currencies_are_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER_12}\n{}\n{}\n{}\n",
        row("USD", "2026-05-02T00:00:00Z", "1"),
        row("USD", "2026-05-02T00:00:00Z", "2"),
        row("EUR", "2026-05-02T00:00:00Z", "4")
    );
    let path = write(&dir, "mixed.csv", &text);
    let message = read_billing(&[&path], &strict()).err().unwrap().to_string();
    for needle in [
        "mixed.csv",
        "row 3",
        "column 'BillingCurrency'",
        "value 'EUR'",
        "mixed currencies",
    ] {
        assert!(message.contains(needle), "{needle} missing from: {message}");
    }
    let allowed = BillingOptions {
        allow_mixed_currencies: true,
        ..strict()
    };
    let billing = read_billing(&[&path], &allowed).unwrap();
    let eur: f64 = billing
        .report
        .totals
        .iter()
        .filter(|t| t.column == "BilledCost" && t.currency == "EUR")
        .map(|t| t.returned)
        .sum();
    assert_eq!(eur, 4.0);
}

#[test]
fn charges_outside_their_billing_period_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER_12}\n{}\n{}\n",
        row("USD", "2026-05-02T00:00:00Z", "1"),
        row("USD", "2026-07-02T00:00:00Z", "2")
    );
    let path = write(&dir, "period.csv", &text);
    let message = read_billing(&[&path], &strict()).err().unwrap().to_string();
    for needle in [
        "period.csv",
        "row 2",
        "ChargePeriodStart",
        "2026-07-02T00:00:00Z",
        "billing period",
    ] {
        assert!(message.contains(needle), "{needle} missing from: {message}");
    }
    let off = BillingOptions {
        check_billing_period: false,
        ..strict()
    };
    assert_eq!(read_billing(&[&path], &off).unwrap().report.rows_kept, 2);
}

#[test]
fn unknown_format_lists_what_was_seen_and_what_is_supported() {
    let path = shared("billing/oci/cost-report-sample.csv");
    let err = read_billing(&[&path], &strict()).err().unwrap();
    assert!(matches!(err, Error::UnknownFormat { .. }));
    let message = err.to_string();
    for needle in [
        "cost-report-sample.csv",
        "unrecognised format",
        "lineItem/referenceNo",
        "Oracle",
        "supported formats",
        "FOCUS 1.0",
        "AWS CUR",
        "Azure",
        "GCP",
    ] {
        assert!(message.contains(needle), "{needle} missing from: {message}");
    }
}

#[test]
fn missing_path_is_not_found() {
    let err = read_billing(&["/nonexistent/bill.csv"], &strict())
        .err()
        .unwrap();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

#[test]
fn contract_commitment_dataset_is_loaded_separately() {
    let dir = tempfile::tempdir().unwrap();
    let costs = write(
        &dir,
        "costs.csv",
        &format!("{HEADER_12}\n{}\n", row("USD", "2026-05-02T00:00:00Z", "1")),
    );
    let commitments = write(
        &dir,
        "commitments.csv",
        "BillingAccountId,BillingCurrency,ContractId,ContractCommitmentId,ContractCommitmentCategory,ContractCommitmentType,ContractCommitmentPeriodStart,ContractCommitmentPeriodEnd,ContractCommitmentCost,ContractCommitmentQuantity,ContractCommitmentUnit\n\
1,USD,c-1,ri-1,Usage,Reserved Instance,2026-01-01T00:00:00Z,2027-01-01T00:00:00Z,8760.00,1,Instance\n\
1,USD,c-1,sp-1,Spend,Savings Plan,2025-06-01T00:00:00Z,2028-06-01T00:00:00Z,26280.00,1.0,USD\n",
    );
    let billing = read_billing(&[&costs, &commitments], &strict()).unwrap();
    assert_eq!(billing.report.rows_read, 3);
    assert_eq!(billing.report.commitment_rows, 2);
    assert_eq!(billing.report.rows_kept, 1);
    assert_eq!(billing.costs.collect().unwrap().height(), 1);
    let c = billing.commitments.expect("commitment dataset");
    assert_eq!(c.height(), 2);
    let end = c.column("ContractCommitmentPeriodEnd").unwrap();
    assert_eq!(
        end.dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
    assert_eq!(
        c.column("ContractCommitmentCost")
            .unwrap()
            .f64()
            .unwrap()
            .sum(),
        Some(35040.0)
    );
}
