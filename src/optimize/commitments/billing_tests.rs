//! Tests of [`super::bill_usage`] on the bundled FOCUS 1.2 sample, whose truth is in
//! `src/generate/commitments.rs`: a Reserved Instance for 5 (`RI_COUNT`) m5.xlarge (4 vCPU,
//! normalization factor 8) in us-east-1, 1 year all upfront at 0.12 (`RI_HOURLY`) per
//! instance-hour amortized, and a Compute Savings Plan, 3 years no upfront, 1.45 (`SP_HOURLY`)
//! USD per hour.

use std::sync::OnceLock;

use polars::prelude::*;

use super::*;
use crate::ingest::{read_billing, BillingOptions};
use crate::optimize::catalog::Catalog;

const SAMPLE: &str = "data/sample/billing/focus-1.2-sample.csv.gz";

fn costs() -> &'static DataFrame {
    static COSTS: OnceLock<DataFrame> = OnceLock::new();
    COSTS.get_or_init(|| {
        read_billing(&[SAMPLE], &BillingOptions::default())
            .unwrap()
            .costs
            .collect()
            .unwrap()
    })
}

fn bill() -> BillUsage {
    bill_usage(costs().clone().lazy(), &BillingParams::default()).unwrap()
}

#[test]
fn the_owned_ri_and_savings_plan_are_found_with_the_generators_quantities() {
    let bill = bill();
    assert_eq!(bill.owned.len(), 2, "{:?}", bill.owned);
    let ri = bill
        .owned
        .iter()
        .find(|c| c.kind == "reserved_instance")
        .unwrap();
    // 5 instances x factor 8 = 40 normalized units; 0.12 per instance-hour = 0.015 per
    // NU-hour (1e-9: the generator's amounts have ten decimals).
    assert!((ri.quantity - 40.0).abs() < 1e-9, "{ri:?}");
    assert!((ri.unit_price - 0.015).abs() < 1e-9, "{ri:?}");
    assert_eq!(ri.unit, "normalized units");
    assert_eq!(ri.scope, "m5/us-east-1");
    assert_eq!(ri.term_years, 1);
    assert_eq!(ri.end_source, "bill term");
    let sp = bill
        .owned
        .iter()
        .find(|c| c.kind == "savings_plan_compute")
        .unwrap();
    assert!((sp.quantity - 1.45).abs() < 1e-9, "{sp:?}");
    assert!((sp.unit_price - 1.0).abs() < 1e-9, "{sp:?}");
    assert_eq!(sp.term_years, 3);
    assert_eq!(sp.scope, "all");
    // Its type is read from CommitmentDiscountName ("Compute Savings Plan, 3 yr ..."), not
    // assumed; FOCUS 1.2 has no end date: both ends are said to be assumed.
    assert_eq!(bill.assumptions.len(), 2, "{:?}", bill.assumptions);
    assert!(bill.assumptions.iter().all(|a| a.contains("no end date")));
}

#[test]
fn usage_per_pool_sums_to_the_bills_instance_hours() {
    let bill = bill();
    // Independently: EC2 instance rows in hours, ConsumedQuantity x the normalization factor
    // of the InstanceType in SkuPriceDetails (the sample has large 4, xlarge 8, 2xlarge 16,
    // medium 2: AWS's table).
    let rows = costs()
        .clone()
        .lazy()
        .filter(
            col("ResourceType")
                .eq(lit("Instance"))
                .and(col("ConsumedUnit").eq(lit("Hours"))),
        )
        .select([
            col("ConsumedQuantity").cast(DataType::Float64),
            col("SkuPriceDetails"),
        ])
        .collect()
        .unwrap();
    let q = rows
        .column("ConsumedQuantity")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    let d = rows
        .column("SkuPriceDetails")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let mut hours = 0.0;
    let mut units = 0.0;
    for (q, d) in q.iter().zip(d.iter()) {
        let json: serde_json::Value = serde_json::from_str(d.unwrap()).unwrap();
        hours += q.unwrap();
        let factor = match json["InstanceType"].as_str().unwrap().rsplit('.').next() {
            Some("medium") => 2.0,
            Some("large") => 4.0,
            Some("xlarge") => 8.0,
            Some("2xlarge") => 16.0,
            other => panic!("size {other:?} not in the sample"),
        };
        units += q.unwrap() * factor;
    }
    assert_eq!(bill.eligible_rows, rows.height());
    assert_eq!(bill.eligible_rows + bill.ineligible_rows, costs().height());
    assert!((bill.instance_hours - hours).abs() < 1e-6 * hours);
    let total: f64 = bill.values.iter().sum();
    assert!((total - units).abs() < 1e-6 * units, "{total} {units}");
    assert_eq!(bill.values.len(), bill.pools.len() * bill.hours);
    // Four months of hours, May to August 2026.
    assert_eq!(bill.hours, (31 + 30 + 31 + 31) * 24);
}

#[test]
fn the_plan_on_the_bill_nets_out_owned_commitments_and_saves() {
    let bill = bill();
    let catalog = Catalog::bundled().unwrap();
    let PricedBill {
        bill,
        pools,
        instruments,
        ..
    } = bill.priced(&catalog).unwrap();
    let usage = bill.scenarios(pools, 24 * 28, 4, 0).unwrap();
    assert_eq!((usage.hours(), usage.scenarios()), (24 * 28, 4));
    let (existing, _) = bill.existing(&instruments, bill.end_us());
    assert_eq!(existing.len(), 2);
    let problem = Problem {
        usage,
        instruments,
        existing,
    };
    let plan = CommitmentParams::default()
        .max_samples(5_000)
        .solve(&problem)
        .unwrap();
    let s = &plan.summary;
    assert!(s.cost_without_purchase < s.on_demand_cost, "{s:?}");
    assert!(s.expected_cost <= s.cost_without_purchase + 1e-6, "{s:?}");
    assert!(
        plan.monthly[0].coverage_before > 0.5,
        "{:?}",
        plan.monthly[0]
    );
}

#[test]
fn a_bill_without_compute_usage_or_columns_says_what_is_missing() {
    let no_details = costs().clone().drop("SkuPriceDetails").unwrap();
    let err = bill_usage(no_details.lazy(), &BillingParams::default()).unwrap_err();
    assert!(err.to_string().contains("SkuPriceDetails"), "{err}");
    let storage = costs()
        .clone()
        .lazy()
        .filter(col("ResourceType").eq(lit("Volume")))
        .collect()
        .unwrap();
    let err = bill_usage(storage.lazy(), &BillingParams::default()).unwrap_err();
    assert!(
        err.to_string().contains("no eligible compute usage"),
        "{err}"
    );
}

#[test]
fn a_given_end_date_wins_over_the_bills_term() {
    let id = "arn:aws:savingsplans::678901234567:savingsplan/c298d57f-8bc2-4d8b-b71a-0cbbd91a448d";
    let bill = bill_usage(
        costs().clone().lazy(),
        &BillingParams::default().end(id, 1_800_000_000_000_000),
    )
    .unwrap();
    let sp = bill.owned.iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        (sp.end_us, sp.end_source.as_str()),
        (1_800_000_000_000_000, "given")
    );
    assert_eq!(bill.assumptions.len(), 1);
}

#[test]
fn terms_are_read_in_every_providers_spelling() {
    use super::bill_columns::term_years_of;
    for (text, years) in [
        ("1yr", 1),
        ("3yr", 3),
        ("12", 1),
        ("36", 3),
        ("P1Y", 1),
        ("3 Years", 3),
        ("36 months", 3),
    ] {
        assert_eq!(term_years_of(text), Some(years), "{text}");
    }
    for text in ["", "forever", "7", "18", "P9Y"] {
        assert_eq!(term_years_of(text), None, "{text}");
    }
}

#[test]
fn a_daily_row_is_spread_over_its_24_hours() {
    // One m5.xlarge (8 normalized units) for 12 instance-hours on one day, as daily CUR and
    // Azure exports give it: half an instance each hour, 4 units an hour.
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let day = 1_777_593_600_000_000_i64; // 2026-05-01
    let df = df!(
        "ChargeCategory" => ["Usage"],
        "ConsumedQuantity" => [12.0],
        "ConsumedUnit" => ["Hrs"],
        "SkuPriceDetails" => [r#"{"InstanceType":"m5.xlarge","CoreCount":"4"}"#],
        "RegionId" => ["us-east-1"],
        "ProviderName" => ["AWS"],
        "ServiceCategory" => ["Compute"],
        "ChargePeriodStart" => [day],
        "ChargePeriodEnd" => [day + 24 * super::billing::HOUR_US],
    )
    .unwrap()
    .lazy()
    .with_columns([
        col("ChargePeriodStart").cast(utc.clone()),
        col("ChargePeriodEnd").cast(utc),
    ]);
    let read = bill_usage(df, &BillingParams::default()).unwrap();
    assert_eq!(read.hours, 24);
    assert!(
        read.values.iter().all(|v| (v - 4.0).abs() < 1e-12),
        "{:?}",
        read.values
    );
    assert_eq!(read.instance_hours, 12.0);
}

#[test]
fn a_row_with_an_end_years_away_stays_at_its_start_hour() {
    // A malformed 10-year charge period is not spread over 87,600 hours.
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let day = 1_777_593_600_000_000_i64; // 2026-05-01
    let hour = super::billing::HOUR_US;
    let df = df!(
        "ChargeCategory" => ["Usage"],
        "ConsumedQuantity" => [1.0],
        "ConsumedUnit" => ["Hours"],
        "SkuPriceDetails" => [r#"{"InstanceType":"m5.xlarge","CoreCount":4}"#],
        "RegionId" => ["us-east-1"],
        "ProviderName" => ["AWS"],
        "ChargePeriodStart" => [day],
        "ChargePeriodEnd" => [day + 87_600 * hour],
    )
    .unwrap()
    .lazy()
    .with_columns([
        col("ChargePeriodStart").cast(utc.clone()),
        col("ChargePeriodEnd").cast(utc),
    ]);
    let read = bill_usage(df, &BillingParams::default()).unwrap();
    assert_eq!(read.hours, 1);
    assert_eq!(read.values, [8.0]);
}
