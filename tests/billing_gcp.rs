//! GCP billing export loading: the same hand-made export as CSV (dotted headers, JSON text
//! cells) and as JSON lines (nested records, also gzip), hand-computed totals, identical
//! frames, invoice months in Pacific time, committed use discounts, labels, and bad input.

use std::path::Path;

use capcast::ingest::{read_billing, LoadReport};
use polars::prelude::*;
use serde_json::{json, Value};

use crate::common::{assert_close, gzip, numbers, strict, texts, total, write_file};

/// One export row as BigQuery nests it.
#[allow(clippy::too_many_arguments)]
fn row(
    service: &str,
    sku: &str,
    start: &str,
    end: &str,
    project: &str,
    labels: Value,
    cost: f64,
    list: f64,
    credits: Value,
    month: &str,
    cost_type: &str,
) -> Value {
    json!({
        "billing_account_id": "0123AB-4567CD-89EF01",
        "service": {"id": format!("id-{service}"), "description": service},
        "sku": {"id": format!("sku-{sku}"), "description": sku},
        "usage_start_time": start,
        "usage_end_time": end,
        "project": {"id": project, "name": format!("{project} project")},
        "labels": labels,
        "location": {"region": "us-central1", "zone": "us-central1-a"},
        "resource": {"name": "vm-1", "global_name": "//compute.googleapis.com/projects/p1/zones/us-central1-a/instances/1"},
        "cost": cost,
        "cost_at_list": list,
        "currency": "USD",
        "usage": {"amount": 3600, "unit": "seconds", "amount_in_pricing_units": 1.0, "pricing_unit": "hour"},
        "credits": credits,
        "invoice": {"month": month},
        "cost_type": cost_type,
    })
}

/// The hand-made export. Costs 10.5 + 3.2 + 0.75 + 1.39 - 0.5 = 15.34; credits -2.25 - 0.4 -
/// 0.1 = -2.75; cost + credits = 12.59.
fn export() -> Vec<Value> {
    let cud = json!([{
        "name": "Committed use discount: CPU",
        "amount": -2.25,
        "type": "COMMITTED_USAGE_DISCOUNT",
        "id": "commit-1",
        "full_name": "projects/p1/regions/us-central1/commitments/c1"
    }]);
    let sud = json!([
        {"name": "Sustained usage discount", "amount": -0.4, "type": "SUSTAINED_USAGE_DISCOUNT"},
        {"name": "Free tier", "amount": -0.1, "type": "FREE_TIER"}
    ]);
    vec![
        row(
            "Compute Engine",
            "N2 Instance Core running in Americas",
            "2024-01-15 10:00:00 UTC",
            "2024-01-15 11:00:00 UTC",
            "p1",
            json!([{"key": "env", "value": "prod"}, {"key": "team", "value": "payments"}]),
            10.5,
            12.0,
            cud,
            "202401",
            "regular",
        ),
        // Late on 31 January UTC, still January in Pacific time.
        row(
            "Cloud Storage",
            "Standard Storage US Multi-region",
            "2024-01-31 23:00:00 UTC",
            "2024-02-01 00:00:00 UTC",
            "p2",
            json!([{"key": "env", "value": "dev"}]),
            3.2,
            3.2,
            sud,
            "202401",
            "regular",
        ),
        // 1 February 05:00 UTC is 31 January 21:00 in Pacific time: the January invoice.
        row(
            "BigQuery",
            "Analysis",
            "2024-02-01 05:00:00 UTC",
            "2024-02-01 06:00:00 UTC",
            "p2",
            json!([]),
            0.75,
            0.75,
            json!([]),
            "202401",
            "regular",
        ),
        row(
            "Invoice",
            "Tax",
            "2024-01-01 08:00:00 UTC",
            "2024-02-01 08:00:00 UTC",
            "p1",
            json!([]),
            1.39,
            1.39,
            json!([]),
            "202401",
            "tax",
        ),
        // A December correction on the January invoice.
        row(
            "Compute Engine",
            "N2 Instance Core running in Americas",
            "2023-12-20 00:00:00 UTC",
            "2023-12-20 01:00:00 UTC",
            "p1",
            json!([{"key": "env", "value": "prod"}]),
            -0.5,
            -0.5,
            json!([]),
            "202401",
            "adjustment",
        ),
    ]
}

const COST: f64 = 10.5 + 3.2 + 0.75 + 1.39 - 0.5;
const EFFECTIVE: f64 = COST - 2.25 - 0.4 - 0.1;

/// The CSV columns (BigQuery's dotted names) and each one's path in the nested row.
const CSV_COLUMNS: &[&str] = &[
    "billing_account_id",
    "service.id",
    "service.description",
    "sku.id",
    "sku.description",
    "usage_start_time",
    "usage_end_time",
    "project.id",
    "project.name",
    "labels",
    "location.region",
    "location.zone",
    "resource.name",
    "resource.global_name",
    "cost",
    "cost_at_list",
    "currency",
    "usage.amount",
    "usage.unit",
    "usage.amount_in_pricing_units",
    "usage.pricing_unit",
    "credits",
    "invoice.month",
    "cost_type",
];

/// Flattens rows the way a CSV export does: dotted names, arrays as JSON text.
fn csv_bytes(rows: &[Value]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).unwrap();
    for r in rows {
        let record: Vec<String> = CSV_COLUMNS
            .iter()
            .map(|name| {
                let value = name.split('.').fold(r, |v, part| &v[part]);
                match value {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                }
            })
            .collect();
        writer.write_record(&record).unwrap();
    }
    writer.into_inner().unwrap()
}

fn jsonl_bytes(rows: &[Value]) -> Vec<u8> {
    rows.iter()
        .map(|r| format!("{r}\n"))
        .collect::<String>()
        .into_bytes()
}

fn load_sorted(path: &Path) -> (LoadReport, DataFrame) {
    let billing = read_billing(&[path], &strict()).expect("loads");
    let frame = billing
        .costs
        .sort(
            ["ChargePeriodStart"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
        .unwrap();
    (billing.report, frame)
}

#[test]
fn csv_and_json_lines_give_the_same_frame_and_exact_totals() {
    let dir = tempfile::tempdir().unwrap();
    let rows = export();
    let csv = write_file(&dir.path().join("billing.csv"), &csv_bytes(&rows));
    let jsonl = write_file(&dir.path().join("billing.jsonl"), &jsonl_bytes(&rows));
    let jsonl_gz = write_file(
        &dir.path().join("billing.jsonl.gz"),
        &gzip(&jsonl_bytes(&rows)),
    );

    let (csv_report, csv_frame) = load_sorted(&csv);
    let (json_report, json_frame) = load_sorted(&jsonl);
    let (gz_report, gz_frame) = load_sorted(&jsonl_gz);
    assert_eq!(csv_report.format, "gcp-billing-csv");
    assert_eq!(json_report.format, "gcp-billing-jsonl");
    assert_eq!(gz_report.format, "gcp-billing-jsonl");
    for report in [&csv_report, &json_report, &gz_report] {
        assert_eq!(report.rows_read, 5);
        assert_eq!(report.rows_kept, 5, "{report}");
        assert_close(total(report, "BilledCost").1, COST, 1e-9, "BilledCost");
        assert_close(
            total(report, "EffectiveCost").1,
            EFFECTIVE,
            1e-9,
            "EffectiveCost",
        );
        assert_close(
            total(report, "ContractedCost").1,
            COST,
            1e-9,
            "ContractedCost",
        );
        assert_close(total(report, "ListCost").1, COST + 1.5, 1e-9, "ListCost");
    }
    assert_close(EFFECTIVE, 12.59, 1e-12, "hand-computed");

    // Identical frames, column by column (the JSON file lists its columns in its own order).
    let mut names: Vec<String> = csv_frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    names.sort();
    let mut json_names: Vec<String> = json_frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    json_names.sort();
    assert_eq!(names, json_names);
    for frame in [&json_frame, &gz_frame] {
        let a = csv_frame.select(names.iter().map(|n| n.as_str())).unwrap();
        let b = frame.select(names.iter().map(|n| n.as_str())).unwrap();
        assert!(a.equals_missing(&b), "frames differ:\n{a}\n{b}");
    }

    let frame = &csv_frame;
    // Rows by ChargePeriodStart: adjustment (Dec), tax, compute, storage, BigQuery.
    assert_eq!(
        texts(frame, "ChargeCategory"),
        ["Adjustment", "Tax", "Usage", "Usage", "Usage"]
            .map(|s| Some(s.to_string()))
            .to_vec()
    );
    assert_eq!(
        texts(frame, "ChargeClass")[0].as_deref(),
        Some("Correction")
    );
    assert_eq!(texts(frame, "ChargeClass")[2], None);
    let effective = numbers(frame, "EffectiveCost");
    assert_close(
        effective[2].unwrap(),
        10.5 - 2.25,
        1e-12,
        "compute effective",
    );
    assert_close(effective[3].unwrap(), 3.2 - 0.5, 1e-12, "storage effective");
    assert_close(effective[4].unwrap(), 0.75, 1e-12, "BigQuery effective");

    // Invoice month in Pacific time: 2024-01-01T08:00:00Z to 2024-02-01T08:00:00Z.
    let period = |column: &str| {
        frame
            .column(column)
            .unwrap()
            .datetime()
            .unwrap()
            .physical()
            .get(4)
    };
    assert_eq!(period("BillingPeriodStart"), Some(1_704_096_000_000_000));
    assert_eq!(period("BillingPeriodEnd"), Some(1_706_774_400_000_000));
    // `2024-02-01 05:00:00 UTC` read as UTC.
    assert_eq!(period("ChargePeriodStart"), Some(1_706_763_600_000_000));

    // Committed use discount on the compute row.
    assert_eq!(
        texts(frame, "CommitmentDiscountId")[2].as_deref(),
        Some("commit-1")
    );
    assert_eq!(
        texts(frame, "CommitmentDiscountName")[2].as_deref(),
        Some("projects/p1/regions/us-central1/commitments/c1")
    );
    assert_eq!(
        texts(frame, "CommitmentDiscountCategory")[2].as_deref(),
        Some("Usage")
    );
    assert_eq!(
        texts(frame, "CommitmentDiscountType")[2].as_deref(),
        Some("Committed Use Discount")
    );
    assert_eq!(
        texts(frame, "CommitmentDiscountStatus")[2].as_deref(),
        Some("Used")
    );
    assert_eq!(texts(frame, "CommitmentDiscountId")[3], None);
    let pricing = texts(frame, "PricingCategory");
    assert_eq!(pricing[2].as_deref(), Some("Committed"));
    assert_eq!(pricing[3].as_deref(), Some("Standard"));
    assert_eq!(pricing[1], None, "tax has no pricing category");

    assert_eq!(
        texts(frame, "ProviderName")[0].as_deref(),
        Some("Google Cloud")
    );
    assert_eq!(
        texts(frame, "ServiceCategory")[2].as_deref(),
        Some("Compute")
    );
    assert_eq!(
        texts(frame, "ServiceCategory")[3].as_deref(),
        Some("Storage")
    );
    assert_eq!(
        texts(frame, "SubAccountName")[2].as_deref(),
        Some("p1 project")
    );
    assert_eq!(numbers(frame, "ConsumedQuantity")[2], Some(3600.0));
    assert_eq!(numbers(frame, "PricingQuantity")[2], Some(1.0));
    assert_eq!(
        texts(frame, "Tags")[2].as_deref(),
        Some(r#"{"env":"prod","team":"payments"}"#)
    );
    assert_eq!(texts(frame, "Tags")[4], None);
    assert!(frame.column("x_service.id").is_ok());
    assert!(frame.column("x_credits").is_ok());
}

#[test]
fn labels_group_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir.path().join("billing.csv"), &csv_bytes(&export()));
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let by_env = billing
        .costs
        .group_by([col("Tags").str().json_path_match(lit("$.env")).alias("env")])
        .agg([col("BilledCost").sum(), col("EffectiveCost").sum()])
        .sort(
            ["env"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()
        .unwrap();
    assert_eq!(
        texts(&by_env, "env"),
        vec![Some("dev".into()), Some("prod".into()), None]
    );
    let billed = numbers(&by_env, "BilledCost");
    assert_close(billed[0].unwrap(), 3.2, 1e-12, "dev");
    assert_close(billed[1].unwrap(), 10.5 - 0.5, 1e-12, "prod");
    assert_close(billed[2].unwrap(), 0.75 + 1.39, 1e-12, "unlabelled");
    let effective = numbers(&by_env, "EffectiveCost");
    assert_close(
        effective[1].unwrap(),
        10.5 - 0.5 - 2.25,
        1e-12,
        "prod effective",
    );
}

#[test]
fn a_bad_json_line_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from_utf8(jsonl_bytes(&export())).unwrap();
    text.push_str("{\"cost\": 1.0, \"usage_start_time\": \n");
    let path = write_file(&dir.path().join("billing.jsonl"), text.as_bytes());
    let message = read_billing(&[&path], &strict())
        .err()
        .expect("refused")
        .to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("line 6"), "{message}");
    assert!(message.contains("not valid JSON"), "{message}");
}

#[test]
fn text_in_cost_names_file_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = export();
    rows[1]["cost"] = json!("3,2");
    let path = write_file(&dir.path().join("billing.csv"), &csv_bytes(&rows));
    let message = read_billing(&[&path], &strict())
        .err()
        .expect("refused")
        .to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("row 2"), "{message}");
    assert!(message.contains("column 'cost'"), "{message}");
    assert!(message.contains("value '3,2'"), "{message}");
}

#[test]
fn unreadable_credits_name_file_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = export();
    rows[2]["credits"] = json!("[{\"amount\": oops}]");
    // `csv_bytes` writes a string cell verbatim: the cell is the broken array text.
    let path = write_file(&dir.path().join("billing.csv"), &csv_bytes(&rows));
    let message = read_billing(&[&path], &strict())
        .err()
        .expect("refused")
        .to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("row 3"), "{message}");
    assert!(message.contains("column 'credits'"), "{message}");
    assert!(message.contains("oops"), "{message}");
}
