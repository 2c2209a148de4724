//! AWS CUR loading: the real legacy sample (exact totals), a synthetic legacy CUR with every
//! commitment line item type (EffectiveCost worked by hand), gzip parts and re-delivered
//! parts, CUR 2.0 as Parquet and gzip CSV with map columns, tags, and bad input.

use capcast::ingest::{read_billing, BillingOptions};
use polars::prelude::*;

use crate::common::{
    assert_close, csv_rows, csv_sum, gzip, numbers, shared, strict, sum, texts, total, write_file,
};

fn json(text: &Option<String>) -> serde_json::Value {
    text.as_deref()
        .map(|t| serde_json::from_str(t).expect("valid JSON"))
        .unwrap_or(serde_json::Value::Null)
}

#[test]
fn real_legacy_sample_loads_strictly_with_exact_totals() {
    let path = shared("billing/aws-cur/legacy-cur-sample.csv");
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let report = &billing.report;
    assert_eq!(report.format, "aws-cur-legacy");
    assert_eq!(report.rows_read, 1281);
    assert_eq!(report.rows_read, csv_rows(&path));
    assert_eq!(report.rows_kept, 1281);
    assert_eq!(report.rows_rejected, 0);
    assert!(report.duplicates.checked);
    assert_eq!(report.duplicates.rows, 0);
    let unblended = csv_sum(&path, "lineItem/UnblendedCost");
    for column in ["BilledCost", "EffectiveCost"] {
        let (read, returned) = total(report, column);
        assert_close(read, unblended, 1e-9, column);
        assert_close(returned, unblended, 1e-9, column);
    }
    let frame = billing.costs.collect().expect("collects");
    assert_eq!(frame.height(), 1281);
    assert_close(
        sum(&frame, "BilledCost"),
        unblended,
        1e-9,
        "frame BilledCost",
    );
    assert_close(
        sum(&frame, "EffectiveCost"),
        unblended,
        1e-9,
        "frame EffectiveCost",
    );
    assert_close(
        sum(&frame, "ListCost"),
        csv_sum(&path, "pricing/publicOnDemandCost"),
        1e-9,
        "ListCost",
    );

    let count = |column: &str, value: &str| {
        texts(&frame, column)
            .iter()
            .filter(|v| v.as_deref() == Some(value))
            .count()
    };
    assert_eq!(count("ChargeCategory", "Usage"), 1269);
    assert_eq!(count("ChargeCategory", "Tax"), 12);
    assert_eq!(count("ChargeFrequency", "Usage-Based"), 1281);
    assert_eq!(count("PricingCategory", "Standard"), 901);
    assert_eq!(count("ProviderName", "AWS"), 1281);
    assert_eq!(count("BillingAccountId", "123412340534"), 1281);
    assert_eq!(count("ServiceName", "Amazon Simple Storage Service"), 799);
    assert_eq!(count("ServiceCategory", "Storage"), 799 + 15);
    assert_eq!(
        count("InvoiceIssuerName", "Amazon Web Services Canada, Inc."),
        1281
    );
    assert_eq!(texts(&frame, "BillingAccountName")[0], None);
    // Every other column stays, with an x_ prefix.
    for extension in [
        "x_product/storageClass",
        "x_lineItem/UsageType",
        "x_identity/LineItemId",
    ] {
        assert!(frame.column(extension).is_ok(), "{extension} kept");
    }
    assert_eq!(
        frame.column("ChargePeriodStart").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
    // The sample's first row: tax for November 2023, 2023-11-01T00:00:00Z.
    let start = frame
        .column("BillingPeriodStart")
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .get(0);
    assert_eq!(start, Some(1_698_796_800_000_000));
}

/// The legacy CUR columns of the synthetic files.
const HEADER: &[&str] = &[
    "identity/LineItemId",
    "identity/TimeInterval",
    "bill/InvoiceId",
    "bill/BillingEntity",
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/ResourceId",
    "lineItem/UsageAmount",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedRate",
    "lineItem/UnblendedCost",
    "product/ProductName",
    "product/instanceType",
    "product/vcpu",
    "product/memory",
    "product/regionCode",
    "pricing/publicOnDemandRate",
    "pricing/publicOnDemandCost",
    "pricing/term",
    "pricing/unit",
    "reservation/ReservationARN",
    "reservation/EffectiveCost",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
    "reservation/UnusedRecurringFee",
    "savingsPlan/SavingsPlanARN",
    "savingsPlan/SavingsPlanEffectiveCost",
    "savingsPlan/TotalCommitmentToDate",
    "savingsPlan/UsedCommitment",
    "resourceTags/user:team",
    "resourceTags/aws:createdBy",
];

const RI: &str = "arn:aws:ec2:us-east-1:111122223333:reserved-instances/ri-1";
const SP: &str = "arn:aws:savingsplans::111122223333:savingsplan/sp-1";

/// One synthetic line item. `ri`: (ARN, reservation/EffectiveCost, unused amortized upfront,
/// unused recurring); `sp`: (ARN, SavingsPlanEffectiveCost, TotalCommitmentToDate,
/// UsedCommitment).
struct Line {
    id: &'static str,
    kind: &'static str,
    hour: u32,
    amount: &'static str,
    unblended: &'static str,
    public_cost: &'static str,
    term: &'static str,
    ri: (&'static str, &'static str, &'static str, &'static str),
    sp: (&'static str, &'static str, &'static str, &'static str),
    team: &'static str,
}

fn line(id: &'static str, kind: &'static str, hour: u32, unblended: &'static str) -> Line {
    Line {
        id,
        kind,
        hour,
        amount: "1",
        unblended,
        public_cost: "",
        term: "",
        ri: ("", "", "", ""),
        sp: ("", "", "", ""),
        team: "",
    }
}

/// The hand-worked synthetic CUR: every commitment line item type, EffectiveCost per
/// FORMATS.md 1.2 in the comments.
fn synthetic_lines() -> Vec<Line> {
    vec![
        // On-demand usage: EffectiveCost = UnblendedCost = 1.0.
        Line {
            amount: "10",
            public_cost: "1.0",
            term: "OnDemand",
            team: "payments",
            ..line("a1", "Usage", 0, "1.0")
        },
        // RI-covered usage: EffectiveCost = reservation/EffectiveCost = 1.44; list 2.4.
        Line {
            amount: "24",
            public_cost: "2.4",
            term: "Reserved",
            ri: (RI, "1.44", "", ""),
            ..line("a2", "DiscountedUsage", 1, "0.0")
        },
        // RI fee: EffectiveCost = unused upfront 3.5 + unused recurring 1.25 = 4.75.
        Line {
            ri: (RI, "", "3.5", "1.25"),
            ..line("a3", "RIFee", 0, "50.0")
        },
        // SP-covered usage: EffectiveCost = SavingsPlanEffectiveCost = 0.35.
        Line {
            amount: "5",
            public_cost: "0.5",
            term: "OnDemand",
            sp: (SP, "0.35", "", ""),
            team: "search",
            ..line("a4", "SavingsPlanCoveredUsage", 2, "0.5")
        },
        // Its negation: EffectiveCost = 0.
        Line {
            sp: (SP, "", "", ""),
            ..line("a5", "SavingsPlanNegation", 2, "-0.5")
        },
        // SP recurring fee: EffectiveCost = 10.0 - 8.25 = 1.75 (the unused commitment).
        Line {
            sp: (SP, "", "10.0", "8.25"),
            ..line("a6", "SavingsPlanRecurringFee", 0, "10.0")
        },
        // Tax: EffectiveCost = UnblendedCost = 0.8.
        line("a7", "Tax", 0, "0.8"),
        // RI upfront fee: EffectiveCost = 0.
        Line {
            ri: (RI, "", "", ""),
            ..line("a8", "Fee", 0, "100.0")
        },
    ]
}

const SYNTHETIC_BILLED: f64 = 1.0 + 0.0 + 50.0 + 0.5 - 0.5 + 10.0 + 0.8 + 100.0;
const SYNTHETIC_EFFECTIVE: [f64; 8] = [1.0, 1.44, 4.75, 0.35, 0.0, 1.75, 0.8, 0.0];

fn record(l: &Line) -> Vec<String> {
    let start = format!("2026-05-03T{:02}:00:00Z", l.hour);
    let end = format!("2026-05-03T{:02}:00:00Z", l.hour + 1);
    let ec2 = matches!(
        l.kind,
        "Usage" | "DiscountedUsage" | "SavingsPlanCoveredUsage"
    );
    let pick = |yes: &str| if ec2 { yes.to_string() } else { String::new() };
    vec![
        l.id.to_string(),
        "2026-05-03T00:00:00Z/2026-05-04T00:00:00Z".into(),
        "INV-1".into(),
        "AWS".into(),
        "111122223333".into(),
        "2026-05-01T00:00:00Z".into(),
        "2026-06-01T00:00:00Z".into(),
        "444455556666".into(),
        l.kind.into(),
        start,
        end,
        if l.kind == "Tax" {
            "AWSCloudTrail".into()
        } else {
            "AmazonEC2".into()
        },
        pick("USE1-BoxUsage:m5.large"),
        pick("i-0abc"),
        l.amount.into(),
        "USD".into(),
        pick("0.1"),
        l.unblended.into(),
        "Amazon Elastic Compute Cloud".into(),
        pick("m5.large"),
        pick("2"),
        pick("8 GiB"),
        pick("us-east-1"),
        pick("0.1"),
        l.public_cost.into(),
        l.term.into(),
        pick("Hrs"),
        l.ri.0.into(),
        l.ri.1.into(),
        l.ri.2.into(),
        l.ri.3.into(),
        l.sp.0.into(),
        l.sp.1.into(),
        l.sp.2.into(),
        l.sp.3.into(),
        l.team.into(),
        if l.team.is_empty() {
            String::new()
        } else {
            "alice \"the admin\"".into()
        },
    ]
}

fn csv_text(lines: &[Line]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).unwrap();
    for l in lines {
        writer.write_record(record(l)).unwrap();
    }
    writer.into_inner().unwrap()
}

fn sorted(frame: DataFrame, by: &str) -> DataFrame {
    frame
        .lazy()
        .sort([by], SortMultipleOptions::default())
        .collect()
        .unwrap()
}

#[test]
fn commitment_line_items_amortize_per_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir.path().join("cur.csv"), &csv_text(&synthetic_lines()));
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let report = &billing.report;
    assert_eq!(report.rows_read, 8);
    assert_close(
        total(report, "BilledCost").1,
        SYNTHETIC_BILLED,
        1e-12,
        "billed",
    );
    let effective: f64 = SYNTHETIC_EFFECTIVE.iter().sum();
    assert_close(
        total(report, "EffectiveCost").1,
        effective,
        1e-12,
        "effective",
    );
    assert_close(effective, 10.09, 1e-12, "hand-worked effective total");

    let frame = sorted(billing.costs.collect().unwrap(), "x_identity/LineItemId");
    let got = numbers(&frame, "EffectiveCost");
    for (i, expected) in SYNTHETIC_EFFECTIVE.iter().enumerate() {
        assert_close(
            got[i].unwrap(),
            *expected,
            1e-12,
            &format!("row {i} EffectiveCost"),
        );
    }
    let category = texts(&frame, "ChargeCategory");
    let expected = [
        "Usage", "Usage", "Purchase", "Usage", "Usage", "Purchase", "Tax", "Purchase",
    ];
    for (got, want) in category.iter().zip(expected) {
        assert_eq!(got.as_deref(), Some(want));
    }
    let frequency = texts(&frame, "ChargeFrequency");
    assert_eq!(frequency[2].as_deref(), Some("Recurring"));
    assert_eq!(frequency[5].as_deref(), Some("Recurring"));
    assert_eq!(frequency[7].as_deref(), Some("One-Time"));
    assert_eq!(frequency[0].as_deref(), Some("Usage-Based"));

    // Commitment columns.
    let id = texts(&frame, "CommitmentDiscountId");
    let kind = texts(&frame, "CommitmentDiscountType");
    let cat = texts(&frame, "CommitmentDiscountCategory");
    let status = texts(&frame, "CommitmentDiscountStatus");
    assert_eq!(id[0], None);
    assert_eq!(id[1].as_deref(), Some(RI));
    assert_eq!(kind[1].as_deref(), Some("Reserved Instance"));
    assert_eq!(cat[1].as_deref(), Some("Usage"));
    assert_eq!(status[1].as_deref(), Some("Used"));
    assert_eq!(status[2], None, "purchase rows have no status");
    assert_eq!(id[3].as_deref(), Some(SP));
    assert_eq!(kind[3].as_deref(), Some("Savings Plan"));
    assert_eq!(cat[3].as_deref(), Some("Spend"));
    assert_eq!(status[3].as_deref(), Some("Used"));

    // Pricing: on-demand Standard, covered usage Committed, purchases Standard, tax null.
    let pricing = texts(&frame, "PricingCategory");
    assert_eq!(pricing[0].as_deref(), Some("Standard"));
    assert_eq!(pricing[1].as_deref(), Some("Committed"));
    assert_eq!(pricing[2].as_deref(), Some("Standard"));
    assert_eq!(pricing[3].as_deref(), Some("Committed"));
    assert_eq!(pricing[6], None);
    // List and contracted cost of the RI-covered row: its public on-demand cost.
    assert_close(numbers(&frame, "ListCost")[1].unwrap(), 2.4, 1e-12, "list");
    assert_close(
        numbers(&frame, "ContractedCost")[1].unwrap(),
        2.4,
        1e-12,
        "contracted",
    );
    assert_close(
        numbers(&frame, "ListCost")[4].unwrap(),
        0.0,
        1e-12,
        "negation list",
    );
    assert_eq!(numbers(&frame, "ConsumedQuantity")[0], Some(10.0));
    assert_eq!(numbers(&frame, "ConsumedQuantity")[2], None);

    // SKU details and tags as JSON.
    let details = json(&texts(&frame, "SkuPriceDetails")[0]);
    assert_eq!(
        details,
        serde_json::json!({"InstanceType": "m5.large", "CoreCount": 2, "MemorySize": 8})
    );
    let tags = json(&texts(&frame, "Tags")[0]);
    assert_eq!(
        tags,
        serde_json::json!({"team": "payments", "aws:createdBy": "alice \"the admin\""})
    );
    assert_eq!(texts(&frame, "Tags")[6], None, "no tags: null");
    assert_eq!(
        texts(&frame, "ServiceCategory")[0].as_deref(),
        Some("Compute")
    );
    assert_eq!(
        texts(&frame, "ServiceCategory")[6].as_deref(),
        Some("Management and Governance")
    );
    assert_eq!(
        texts(&frame, "ResourceType")[0],
        None,
        "no product family in the file"
    );
    assert!(frame.column("x_product/instanceType").is_ok());
}

#[test]
fn tags_group_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir.path().join("cur.csv"), &csv_text(&synthetic_lines()));
    let billing = read_billing(&[&path], &strict()).expect("loads");
    let by_team = billing
        .costs
        .group_by([col("Tags")
            .str()
            .json_path_match(lit("$.team"))
            .alias("team")])
        .agg([col("BilledCost").sum()])
        .sort(
            ["team"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()
        .unwrap();
    assert_eq!(
        texts(&by_team, "team"),
        vec![
            Some("payments".to_string()),
            Some("search".to_string()),
            None
        ]
    );
    let billed = numbers(&by_team, "BilledCost");
    assert_close(billed[0].unwrap(), 1.0, 1e-12, "payments");
    assert_close(billed[1].unwrap(), 0.5, 1e-12, "search");
    assert_close(
        billed[2].unwrap(),
        SYNTHETIC_BILLED - 1.5,
        1e-12,
        "untagged",
    );
}

#[test]
fn gzip_part_and_redelivered_parts() {
    let dir = tempfile::tempdir().unwrap();
    let lines = synthetic_lines();
    let (first, second) = lines.split_at(3);
    let first_billed: f64 = 1.0 + 0.0 + 50.0;
    let second_billed = SYNTHETIC_BILLED - first_billed;

    // One gzip part.
    let single = write_file(&dir.path().join("single.csv.gz"), &gzip(&csv_text(&lines)));
    let billing = read_billing(&[&single], &strict()).expect("gzip loads");
    assert_eq!(billing.report.rows_read, 8);
    assert_close(
        total(&billing.report, "BilledCost").1,
        SYNTHETIC_BILLED,
        1e-12,
        "gzip",
    );

    // A folder of three parts; the third is the second delivered again.
    let folder = dir.path().join("2026-05");
    std::fs::create_dir(&folder).unwrap();
    write_file(&folder.join("cur-00001.csv.gz"), &gzip(&csv_text(first)));
    write_file(&folder.join("cur-00002.csv.gz"), &gzip(&csv_text(second)));
    write_file(&folder.join("cur-00003.csv.gz"), &gzip(&csv_text(second)));

    let kept = read_billing(&[&folder], &strict()).expect("folder loads");
    let report = &kept.report;
    assert_eq!(report.files.len(), 3);
    assert_eq!(report.rows_read, 13);
    assert!(report.duplicates.checked);
    assert_eq!(report.duplicates.rows, 5);
    assert_close(
        report.duplicates.billed_cost,
        second_billed,
        1e-12,
        "duplicate billed",
    );
    assert!(!report.duplicates.dropped);
    assert_eq!(report.rows_kept, 13);
    assert!(
        report.warnings.iter().any(|w| w.contains("duplicate")),
        "{report}"
    );
    assert_close(
        total(report, "BilledCost").1,
        first_billed + 2.0 * second_billed,
        1e-12,
        "kept duplicates",
    );

    let options = BillingOptions {
        dedupe: true,
        ..strict()
    };
    let deduped = read_billing(&[&folder], &options).expect("folder loads");
    let report = &deduped.report;
    assert_eq!(report.duplicates.rows, 5);
    assert!(report.duplicates.dropped);
    assert_eq!(report.rows_kept, 8);
    assert_close(
        total(report, "BilledCost").1,
        SYNTHETIC_BILLED,
        1e-12,
        "deduped",
    );
    let frame = deduped.costs.collect().unwrap();
    assert_eq!(frame.height(), 8);
    assert_close(
        sum(&frame, "BilledCost"),
        SYNTHETIC_BILLED,
        1e-12,
        "deduped frame",
    );
}

/// CUR 2.0 rows: (id, type, unblended, SP effective, resource_tags JSON, product JSON).
fn cur2_frame() -> DataFrame {
    let tags =
        r#"[{"key":"user_team","value":"payments"},{"key":"aws_createdBy","value":"alice"}]"#;
    let no_tags = "[]";
    let product = r#"[{"key":"product_name","value":"Amazon Elastic Compute Cloud"},{"key":"vcpu","value":"2"}]"#;
    let frame = df!(
        "identity_line_item_id" => ["b1", "b2", "b3"],
        "identity_time_interval" => ["2026-05-03T00:00:00Z/2026-05-04T00:00:00Z"; 3],
        "bill_payer_account_id" => ["111122223333"; 3],
        "bill_payer_account_name" => ["Payer Ltd"; 3],
        "bill_billing_period_start_date" => ["2026-05-01 00:00:00"; 3],
        "bill_billing_period_end_date" => ["2026-06-01 00:00:00"; 3],
        "line_item_usage_account_id" => ["444455556666"; 3],
        "line_item_usage_account_name" => ["prod"; 3],
        "line_item_line_item_type" => ["Usage", "SavingsPlanCoveredUsage", "SavingsPlanNegation"],
        "line_item_usage_start_date" => ["2026-05-03 01:00:00"; 3],
        "line_item_usage_end_date" => ["2026-05-03 02:00:00"; 3],
        "line_item_product_code" => ["AmazonEC2"; 3],
        "line_item_usage_amount" => [2.0, 1.0, 1.0],
        "line_item_currency_code" => ["USD"; 3],
        "line_item_unblended_cost" => [0.192, 0.096, -0.096],
        "line_item_net_unblended_cost" => [0.182, 0.096, -0.096],
        "savings_plan_savings_plan_a_r_n" => [None, Some(SP), Some(SP)],
        "savings_plan_savings_plan_effective_cost" => [None, Some(0.07), None],
        "product_instance_type" => ["m5.large"; 3],
        "resource_tags" => [tags, no_tags, tags],
        "product" => [product; 3],
    )
    .unwrap();
    let dtype = DataType::List(Box::new(DataType::Struct(vec![
        Field::new("key".into(), DataType::String),
        Field::new("value".into(), DataType::String),
    ])));
    let time = |name: &str| {
        col(name)
            .str()
            .to_datetime(
                Some(TimeUnit::Milliseconds),
                None,
                StrptimeOptions {
                    format: Some("%Y-%m-%d %H:%M:%S".into()),
                    ..Default::default()
                },
                lit("raise"),
            )
            .alias(name)
    };
    frame
        .lazy()
        .with_columns([
            col("resource_tags")
                .str()
                .json_decode(dtype.clone())
                .alias("resource_tags"),
            col("product").str().json_decode(dtype).alias("product"),
            time("bill_billing_period_start_date"),
            time("bill_billing_period_end_date"),
            time("line_item_usage_start_date"),
            time("line_item_usage_end_date"),
        ])
        .collect()
        .unwrap()
}

fn check_cur2(billing: capcast::ingest::Billing, format: &str) {
    let report = &billing.report;
    assert_eq!(report.format, format);
    assert_eq!(report.rows_read, 3);
    // BilledCost: the net unblended cost; EffectiveCost: 0.192 + 0.07 + 0.
    assert_close(total(report, "BilledCost").1, 0.182, 1e-12, "billed");
    assert_close(total(report, "EffectiveCost").1, 0.262, 1e-12, "effective");
    let frame = sorted(billing.costs.collect().unwrap(), "x_identity_line_item_id");
    assert_eq!(
        texts(&frame, "BillingAccountName")[0].as_deref(),
        Some("Payer Ltd")
    );
    assert_eq!(texts(&frame, "SubAccountName")[0].as_deref(), Some("prod"));
    assert_eq!(
        texts(&frame, "ServiceName")[0].as_deref(),
        Some("Amazon Elastic Compute Cloud")
    );
    assert_eq!(
        json(&texts(&frame, "Tags")[0]),
        serde_json::json!({"team": "payments", "aws:createdBy": "alice"})
    );
    assert_eq!(texts(&frame, "Tags")[1], None);
    assert_eq!(
        json(&texts(&frame, "SkuPriceDetails")[0]),
        serde_json::json!({"InstanceType": "m5.large", "CoreCount": 2})
    );
    assert_eq!(
        json(&texts(&frame, "x_product")[0]),
        serde_json::json!({"product_name": "Amazon Elastic Compute Cloud", "vcpu": "2"})
    );
    assert_eq!(
        texts(&frame, "CommitmentDiscountType")[1].as_deref(),
        Some("Savings Plan")
    );
    let start = frame
        .column("ChargePeriodStart")
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .get(0);
    // 2026-05-03T01:00:00Z.
    assert_eq!(start, Some(1_777_770_000_000_000));
    let by_team = frame
        .lazy()
        .group_by([col("Tags")
            .str()
            .json_path_match(lit("$.team"))
            .alias("team")])
        .agg([col("BilledCost").sum()])
        .sort(
            ["team"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()
        .unwrap();
    assert_eq!(texts(&by_team, "team")[0].as_deref(), Some("payments"));
    assert_close(
        numbers(&by_team, "BilledCost")[0].unwrap(),
        0.086,
        1e-12,
        "payments",
    );
}

#[test]
fn cur2_parquet_with_map_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cur2-00001.snappy.parquet");
    let mut frame = cur2_frame();
    let file = std::fs::File::create(&path).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
    let billing = read_billing(&[&path], &strict()).expect("parquet loads");
    check_cur2(billing, "aws-cur-2.0");
}

#[test]
fn cur2_gzip_csv_with_json_map_columns() {
    let dir = tempfile::tempdir().unwrap();
    let frame = cur2_frame();
    // CSV exports write map columns as JSON objects.
    let mut writer = csv::Writer::from_writer(Vec::new());
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    writer.write_record(&names).unwrap();
    let object = |pairs: &[(&str, &str)]| {
        let map: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        serde_json::Value::Object(map).to_string()
    };
    let tags = object(&[("user_team", "payments"), ("aws_createdBy", "alice")]);
    let product = object(&[
        ("product_name", "Amazon Elastic Compute Cloud"),
        ("vcpu", "2"),
    ]);
    for row in 0..frame.height() {
        let mut record = Vec::new();
        for name in &names {
            let value = match name.as_str() {
                "resource_tags" => {
                    if row == 1 {
                        "{}".to_string()
                    } else {
                        tags.clone()
                    }
                }
                "product" => product.clone(),
                _ => {
                    let v = frame.column(name).unwrap().get(row).unwrap();
                    match v {
                        AnyValue::Null => String::new(),
                        AnyValue::String(s) => s.to_string(),
                        AnyValue::Datetime(ms, _, _) => chrono::DateTime::from_timestamp_millis(ms)
                            .unwrap()
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string(),
                        other => other.to_string(),
                    }
                }
            };
            record.push(value);
        }
        writer.write_record(&record).unwrap();
    }
    let path = write_file(
        &dir.path().join("cur2-00001.csv.gz"),
        &gzip(&writer.into_inner().unwrap()),
    );
    let billing = read_billing(&[&path], &strict()).expect("gzip CSV loads");
    check_cur2(billing, "aws-cur-2.0");
}

#[test]
fn text_in_unblended_cost_names_file_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = synthetic_lines();
    lines[1].unblended = "abc";
    let path = write_file(&dir.path().join("bad.csv"), &csv_text(&lines));
    let message = read_billing(&[&path], &strict())
        .err()
        .expect("refused")
        .to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("row 2"), "{message}");
    assert!(
        message.contains("column 'lineItem/UnblendedCost'"),
        "{message}"
    );
    assert!(message.contains("value 'abc'"), "{message}");
    assert!(message.contains("expected a number"), "{message}");

    // Lenient: the row is dropped and listed, the money accounted for.
    let options = BillingOptions {
        lenient: true,
        ..strict()
    };
    let billing = read_billing(&[&path], &options).expect("lenient loads");
    assert_eq!(billing.report.rows_rejected, 1);
    assert_eq!(billing.report.rows_kept, 7);
    assert_eq!(billing.report.rejections[0].value, "abc");
}

#[test]
fn truncated_gzip_part_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = gzip(&csv_text(&synthetic_lines()));
    let path = write_file(
        &dir.path().join("cur-00001.csv.gz"),
        &bytes[..bytes.len() / 2],
    );
    let message = read_billing(&[&path], &strict())
        .err()
        .expect("refused")
        .to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn missing_unblended_cost_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir.path().join("cur.csv"),
        b"identity/LineItemId,lineItem/LineItemType,lineItem/UsageStartDate\nx,Usage,2026-05-01T00:00:00Z\n",
    );
    let message = read_billing(&[&path], &strict())
        .err()
        .expect("refused")
        .to_string();
    assert!(message.contains("lineItem/UnblendedCost"), "{message}");
    assert!(message.contains("missing mandatory column"), "{message}");
}
