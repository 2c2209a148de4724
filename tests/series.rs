//! Integration tests of `capcast::series`: aggregation, gap filling, spreading, tag coverage
//! and top movers, on small frames built by hand with hand-worked expected values.

use capcast::series::{
    aggregate, tag_coverage, top_movers, CostColumn, Frequency, GapFill, Measure, QuantityColumn,
    SeriesParams, MISSING, UNTAGGED,
};
use chrono::{DateTime, Utc};
use polars::prelude::*;
use proptest::prelude::*;

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

/// Microseconds since the epoch of an RFC 3339 instant.
fn us(s: &str) -> i64 {
    at(s).timestamp_micros()
}

/// An RFC 3339 instant.
fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("test instant")
        .with_timezone(&Utc)
}

fn utc() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// One billing row: charge period (start, end), service, account, Tags, BilledCost.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, Option<&'a str>, f64);

/// A FOCUS-like frame: EffectiveCost is half the BilledCost, ConsumedQuantity is the cost
/// times ten, ChargeCategory is `Purchase` for costs of 100 and more (else `Usage`).
fn frame(rows: &[Row]) -> LazyFrame {
    let starts: Vec<i64> = rows.iter().map(|r| us(r.0)).collect();
    let ends: Vec<i64> = rows.iter().map(|r| us(r.1)).collect();
    frame_us(rows, &starts, &ends)
}

fn frame_us(rows: &[Row], starts: &[i64], ends: &[i64]) -> LazyFrame {
    let cost: Vec<f64> = rows.iter().map(|r| r.5).collect();
    df!(
        "ChargePeriodStart" => starts,
        "ChargePeriodEnd" => ends,
        "ServiceName" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
        "SubAccountId" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        "Tags" => rows.iter().map(|r| r.4).collect::<Vec<_>>(),
        "ChargeCategory" => cost.iter().map(|c| if *c >= 100.0 { "Purchase" } else { "Usage" }).collect::<Vec<_>>(),
        "BilledCost" => &cost,
        "EffectiveCost" => cost.iter().map(|c| c / 2.0).collect::<Vec<_>>(),
        "ConsumedQuantity" => cost.iter().map(|c| c * 10.0).collect::<Vec<_>>(),
    )
    .expect("test frame")
    .lazy()
    .with_columns([
        col("ChargePeriodStart").cast(utc()),
        col("ChargePeriodEnd").cast(utc()),
    ])
}

/// The output as (unique_id, ds in microseconds, y) triples, in output order.
fn triples(df: &DataFrame) -> Vec<(String, i64, Option<f64>)> {
    let ids = df.column("unique_id").unwrap().str().unwrap().clone();
    let ds = df.column("ds").unwrap().cast(&DataType::Int64).unwrap();
    let ds = ds.i64().unwrap().clone();
    let y = df.column("y").unwrap().f64().unwrap().clone();
    ids.iter()
        .zip(ds.iter())
        .zip(y.iter())
        .map(|((i, d), y)| (i.unwrap().to_string(), d.unwrap(), y))
        .collect()
}

fn y_sum(df: &DataFrame) -> f64 {
    df.column("y").unwrap().f64().unwrap().sum().unwrap_or(0.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn sample() -> Vec<Row<'static>> {
    vec![
        (
            "2025-01-01T00:00:00Z",
            "2025-01-01T01:00:00Z",
            "EC2",
            "111",
            Some(r#"{"team":"web"}"#),
            1.25,
        ),
        (
            "2025-01-01T05:00:00Z",
            "2025-01-01T06:00:00Z",
            "EC2",
            "111",
            Some(r#"{"team":"web"}"#),
            2.5,
        ),
        (
            "2025-01-03T10:00:00Z",
            "2025-01-03T11:00:00Z",
            "S3",
            "222",
            None,
            0.75,
        ),
        (
            "2025-01-01T00:00:00Z",
            "2025-02-01T00:00:00Z",
            "Support",
            "111",
            Some("{}"),
            744.0,
        ),
        (
            "2025-01-06T23:00:00Z",
            "2025-01-07T00:00:00Z",
            "EC2",
            "222",
            Some(r#"{"team":"data"}"#),
            3.0,
        ),
        (
            "2025-01-31T12:00:00Z",
            "2025-01-31T13:00:00Z",
            "S3",
            "111",
            Some(r#"{"team":""}"#),
            0.1,
        ),
    ]
}

#[test]
fn output_columns_and_types() {
    let out = aggregate(
        frame(&sample()),
        &SeriesParams::new().dimensions(["ServiceName", "tag:team"]),
    )
    .unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(names, ["unique_id", "ServiceName", "Tags.team", "ds", "y"]);
    assert_eq!(out.column("unique_id").unwrap().dtype(), &DataType::String);
    assert_eq!(out.column("ds").unwrap().dtype(), &utc());
    assert_eq!(out.column("y").unwrap().dtype(), &DataType::Float64);
}

#[test]
fn totals_are_preserved_for_every_frequency_fill_and_spread() {
    let rows = sample();
    let billed: f64 = rows.iter().map(|r| r.5).sum();
    for frequency in [
        Frequency::Hour,
        Frequency::Day,
        Frequency::Week,
        Frequency::Month,
    ] {
        for gap_fill in [GapFill::None, GapFill::Zero, GapFill::Null] {
            for spread in [false, true] {
                let params = SeriesParams::new()
                    .dimensions(["ServiceName", "SubAccountId", "Tags.team"])
                    .frequency(frequency)
                    .measure(Measure::Cost(CostColumn::Billed))
                    .gap_fill(gap_fill)
                    .spread(spread);
                let out = aggregate(frame(&rows), &params).unwrap();
                let total = y_sum(&out);
                assert!(
                    close(total, billed),
                    "{frequency} {gap_fill:?} spread={spread}: {total} != {billed}"
                );
            }
        }
    }
}

#[test]
fn totals_over_filtered_rows_with_other_measures() {
    let rows = sample();
    // Usage rows only (cost below 100): everything but the support fee.
    let usage: f64 = rows.iter().filter(|r| r.5 < 100.0).map(|r| r.5).sum();
    let params = SeriesParams::new()
        .dimension("ServiceName")
        .measure(Measure::Cost(CostColumn::Effective))
        .filter("ChargeCategory", ["Usage"])
        .spread(true);
    let out = aggregate(frame(&rows), &params).unwrap();
    assert!(close(y_sum(&out), usage / 2.0), "{}", y_sum(&out));
    assert!(!out
        .column("ServiceName")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .any(|s| s == Some("Support")));

    let params = SeriesParams::new()
        .measure(Measure::Usage {
            quantity: QuantityColumn::Consumed,
        })
        .frequency(Frequency::Week);
    let out = aggregate(frame(&rows), &params).unwrap();
    let all: f64 = rows.iter().map(|r| r.5 * 10.0).sum();
    assert!(close(y_sum(&out), all));
}

#[test]
fn gap_filling_on_a_hand_worked_frame() {
    // Series A has rows on days 1 and 3, series B on day 4.
    let rows: Vec<Row> = vec![
        (
            "2025-03-01T02:00:00Z",
            "2025-03-01T03:00:00Z",
            "A",
            "1",
            None,
            1.0,
        ),
        (
            "2025-03-01T20:00:00Z",
            "2025-03-01T21:00:00Z",
            "A",
            "1",
            None,
            2.0,
        ),
        (
            "2025-03-03T00:00:00Z",
            "2025-03-03T01:00:00Z",
            "A",
            "1",
            None,
            5.0,
        ),
        (
            "2025-03-04T23:59:59Z",
            "2025-03-05T00:00:00Z",
            "B",
            "1",
            None,
            7.0,
        ),
    ];
    let d = |day: u32| us(&format!("2025-03-0{day}T00:00:00Z"));
    let run = |gap_fill| {
        let params = SeriesParams::new()
            .dimension("ServiceName")
            .measure(Measure::Cost(CostColumn::Billed))
            .gap_fill(gap_fill);
        triples(&aggregate(frame(&rows), &params).unwrap())
    };
    let s = |id: &str, day: u32, y: Option<f64>| (id.to_string(), d(day), y);

    assert_eq!(
        run(GapFill::None),
        [
            s("A", 1, Some(3.0)),
            s("A", 3, Some(5.0)),
            s("B", 4, Some(7.0))
        ]
    );
    assert_eq!(
        run(GapFill::Zero),
        [
            s("A", 1, Some(3.0)),
            s("A", 2, Some(0.0)),
            s("A", 3, Some(5.0)),
            s("A", 4, Some(0.0)),
            s("B", 1, Some(0.0)),
            s("B", 2, Some(0.0)),
            s("B", 3, Some(0.0)),
            s("B", 4, Some(7.0)),
        ]
    );
    assert_eq!(
        run(GapFill::Null),
        [
            s("A", 1, Some(3.0)),
            s("A", 2, None),
            s("A", 3, Some(5.0)),
            s("A", 4, None),
            s("B", 1, None),
            s("B", 2, None),
            s("B", 3, None),
            s("B", 4, Some(7.0)),
        ]
    );
    assert_eq!(
        run(GapFill::Forward),
        [
            s("A", 1, Some(3.0)),
            s("A", 2, Some(3.0)),
            s("A", 3, Some(5.0)),
            s("A", 4, Some(5.0)),
            s("B", 1, None),
            s("B", 2, None),
            s("B", 3, None),
            s("B", 4, Some(7.0)),
        ]
    );
}

#[test]
fn start_and_end_set_the_window_exactly() {
    let rows: Vec<Row> = vec![
        (
            "2025-03-01T02:00:00Z",
            "2025-03-01T03:00:00Z",
            "A",
            "1",
            None,
            1.0,
        ),
        (
            "2025-03-03T00:00:00Z",
            "2025-03-03T01:00:00Z",
            "A",
            "1",
            None,
            5.0,
        ),
        (
            "2025-03-05T00:00:00Z",
            "2025-03-05T01:00:00Z",
            "A",
            "1",
            None,
            9.0,
        ),
    ];
    // start 2025-02-28 12:00 rounds down to 2025-02-28; end 2025-03-04 00:00 is exclusive, so
    // the last period is 2025-03-03 and the row of 2025-03-05 is left out.
    let params = SeriesParams::new()
        .measure(Measure::Cost(CostColumn::Billed))
        .start(at("2025-02-28T12:00:00Z"))
        .end(at("2025-03-04T00:00:00Z"));
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    let total = |day: &str, y: f64| ("total".to_string(), us(day), Some(y));
    assert_eq!(
        out,
        [
            total("2025-02-28T00:00:00Z", 0.0),
            total("2025-03-01T00:00:00Z", 1.0),
            total("2025-03-02T00:00:00Z", 0.0),
            total("2025-03-03T00:00:00Z", 5.0),
        ]
    );
    // A window with no rows at all gives an empty frame with the right columns.
    let params = SeriesParams::new()
        .start(at("2030-01-01T00:00:00Z"))
        .end(at("2030-02-01T00:00:00Z"));
    let out = aggregate(frame(&rows), &params).unwrap();
    assert_eq!(out.height(), 0);
    assert_eq!(out.width(), 3);
}

#[test]
fn tag_dimension_marks_untagged_rows() {
    let params = SeriesParams::new()
        .dimension("Tags.team")
        .frequency(Frequency::Month)
        .measure(Measure::Cost(CostColumn::Billed));
    let out = triples(&aggregate(frame(&sample()), &params).unwrap());
    let jan = us("2025-01-01T00:00:00Z");
    // Untagged: S3 with null Tags (0.75), Support with {} (744), S3 with an empty value (0.1).
    let expected = [(UNTAGGED, 744.85), ("data", 3.0), ("web", 3.75)];
    assert_eq!(out.len(), expected.len());
    for (got, (id, y)) in out.iter().zip(expected) {
        assert_eq!((got.0.as_str(), got.1), (id, jan));
        assert!(close(got.2.unwrap(), y), "{got:?}");
    }
    // The marker can be filtered on.
    let params = params.filter("Tags.team", [UNTAGGED]);
    let out = aggregate(frame(&sample()), &params).unwrap();
    assert!(close(y_sum(&out), 744.85));
    assert_eq!(out.height(), 1);
}

#[test]
fn unique_id_joins_dimension_values() {
    let params = SeriesParams::new()
        .dimensions(["ServiceName", "SubAccountId"])
        .frequency(Frequency::Month)
        .measure(Measure::Cost(CostColumn::Billed));
    let out = aggregate(frame(&sample()), &params).unwrap();
    let ids: Vec<&str> = out
        .column("unique_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(
        ids,
        ["EC2/111", "EC2/222", "S3/111", "S3/222", "Support/111"]
    );
    let services: Vec<&str> = out
        .column("ServiceName")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(services, ["EC2", "EC2", "S3", "S3", "Support"]);
}

#[test]
fn weeks_start_on_monday() {
    // 2025-01-01 is a Wednesday, 2025-01-05 a Sunday, 2025-01-06 a Monday.
    let rows: Vec<Row> = vec![
        (
            "2025-01-01T00:00:00Z",
            "2025-01-01T01:00:00Z",
            "A",
            "1",
            None,
            1.0,
        ),
        (
            "2025-01-05T23:59:59Z",
            "2025-01-06T00:00:00Z",
            "A",
            "1",
            None,
            2.0,
        ),
        (
            "2025-01-06T00:00:00Z",
            "2025-01-06T01:00:00Z",
            "A",
            "1",
            None,
            4.0,
        ),
    ];
    let params = SeriesParams::new()
        .frequency(Frequency::Week)
        .measure(Measure::Cost(CostColumn::Billed));
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    assert_eq!(
        out,
        [
            ("total".to_string(), us("2024-12-30T00:00:00Z"), Some(3.0)),
            ("total".to_string(), us("2025-01-06T00:00:00Z"), Some(4.0)),
        ]
    );
}

#[test]
fn months_truncate_across_a_year_boundary() {
    let rows: Vec<Row> = vec![
        (
            "2024-11-15T00:00:00Z",
            "2024-11-15T01:00:00Z",
            "A",
            "1",
            None,
            1.0,
        ),
        (
            "2024-12-31T23:59:59Z",
            "2025-01-01T00:00:00Z",
            "A",
            "1",
            None,
            2.0,
        ),
        (
            "2025-01-01T00:00:00Z",
            "2025-01-01T01:00:00Z",
            "A",
            "1",
            None,
            4.0,
        ),
        (
            "2025-03-01T00:00:00Z",
            "2025-03-01T01:00:00Z",
            "A",
            "1",
            None,
            8.0,
        ),
    ];
    let params = SeriesParams::new()
        .frequency(Frequency::Month)
        .measure(Measure::Cost(CostColumn::Billed));
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    let m = |s: &str, y: f64| ("total".to_string(), us(s), Some(y));
    assert_eq!(
        out,
        [
            m("2024-11-01T00:00:00Z", 1.0),
            m("2024-12-01T00:00:00Z", 2.0),
            m("2025-01-01T00:00:00Z", 4.0),
            m("2025-02-01T00:00:00Z", 0.0),
            m("2025-03-01T00:00:00Z", 8.0),
        ]
    );
}

#[test]
fn hourly_series_fill_every_hour() {
    let rows: Vec<Row> = vec![
        (
            "2025-01-01T00:30:00Z",
            "2025-01-01T01:00:00Z",
            "A",
            "1",
            None,
            1.0,
        ),
        (
            "2025-01-01T03:00:00Z",
            "2025-01-01T04:00:00Z",
            "A",
            "1",
            None,
            2.0,
        ),
    ];
    let params = SeriesParams::new()
        .frequency(Frequency::Hour)
        .measure(Measure::Cost(CostColumn::Billed));
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    let h0 = us("2025-01-01T00:00:00Z");
    let ys: Vec<(i64, Option<f64>)> = out.iter().map(|t| (t.1, t.2)).collect();
    assert_eq!(
        ys,
        [
            (h0, Some(1.0)),
            (h0 + HOUR, Some(0.0)),
            (h0 + 2 * HOUR, Some(0.0)),
            (h0 + 3 * HOUR, Some(2.0))
        ]
    );
}

#[test]
fn without_spread_a_monthly_fee_lands_on_its_first_day() {
    let rows: Vec<Row> = vec![(
        "2025-01-01T00:00:00Z",
        "2025-02-01T00:00:00Z",
        "Support",
        "1",
        None,
        744.0,
    )];
    let params = SeriesParams::new().measure(Measure::Cost(CostColumn::Billed));
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    assert_eq!(
        out,
        [("total".to_string(), us("2025-01-01T00:00:00Z"), Some(744.0))]
    );
}

#[test]
fn spread_shares_rows_by_hour_on_hand_worked_examples() {
    // A 744-hour January fee of 744: 24 per day.
    // A fee of 420 from Jan 15 12:00 to Feb 2 00:00 (420 hours, 1 per hour): 12 on Jan 15,
    // 24 on each of Jan 16 .. Feb 1.
    // A row without a proper end (end == start) stays whole on its start day.
    let rows: Vec<Row> = vec![
        (
            "2025-01-01T00:00:00Z",
            "2025-02-01T00:00:00Z",
            "Support",
            "1",
            None,
            744.0,
        ),
        (
            "2025-01-15T12:00:00Z",
            "2025-02-02T00:00:00Z",
            "Fee",
            "1",
            None,
            420.0,
        ),
        (
            "2025-01-20T05:00:00Z",
            "2025-01-20T05:00:00Z",
            "Point",
            "1",
            None,
            5.0,
        ),
    ];
    let params = SeriesParams::new()
        .dimension("ServiceName")
        .measure(Measure::Cost(CostColumn::Billed))
        .gap_fill(GapFill::None)
        .spread(true);
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    let jan1 = us("2025-01-01T00:00:00Z");
    let mut expected: Vec<(String, i64, Option<f64>)> = Vec::new();
    expected.push(("Fee".into(), us("2025-01-15T00:00:00Z"), Some(12.0)));
    for day in 15..=31 {
        expected.push(("Fee".into(), jan1 + day * DAY, Some(24.0)));
    }
    expected.push(("Point".into(), us("2025-01-20T00:00:00Z"), Some(5.0)));
    for day in 0..31 {
        expected.push(("Support".into(), jan1 + day * DAY, Some(24.0)));
    }
    assert_eq!(out.len(), expected.len());
    for (got, want) in out.iter().zip(&expected) {
        assert_eq!((&got.0, got.1), (&want.0, want.1));
        assert!(
            close(got.2.unwrap(), want.2.unwrap()),
            "{got:?} != {want:?}"
        );
    }

    // Monthly: Jan 20 .. Feb 10 is 12 days in January and 9 in February.
    let rows: Vec<Row> = vec![(
        "2025-01-20T00:00:00Z",
        "2025-02-10T00:00:00Z",
        "X",
        "1",
        None,
        210.0,
    )];
    let params = SeriesParams::new()
        .frequency(Frequency::Month)
        .measure(Measure::Cost(CostColumn::Billed))
        .spread(true);
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].1, us("2025-01-01T00:00:00Z"));
    assert!(close(out[0].2.unwrap(), 120.0));
    assert_eq!(out[1].1, us("2025-02-01T00:00:00Z"));
    assert!(close(out[1].2.unwrap(), 90.0));
}

#[test]
fn spread_is_clipped_to_the_window() {
    // The January fee of 744 over Jan 10 .. Jan 20 (exclusive): 10 days of 24.
    let rows: Vec<Row> = vec![(
        "2025-01-01T00:00:00Z",
        "2025-02-01T00:00:00Z",
        "Support",
        "1",
        None,
        744.0,
    )];
    let params = SeriesParams::new()
        .measure(Measure::Cost(CostColumn::Billed))
        .start(at("2025-01-10T00:00:00Z"))
        .end(at("2025-01-20T00:00:00Z"))
        .spread(true);
    let out = triples(&aggregate(frame(&rows), &params).unwrap());
    assert_eq!(out.len(), 10);
    assert_eq!(out[0].1, us("2025-01-10T00:00:00Z"));
    assert_eq!(out[9].1, us("2025-01-19T00:00:00Z"));
    assert!(out.iter().all(|t| close(t.2.unwrap(), 24.0)));
}

#[test]
fn instance_family_usage_series() {
    let df = df!(
        "ChargePeriodStart" => [0i64, HOUR, 2 * HOUR, 3 * HOUR],
        "x_product/instanceType" => [Some("m5.large"), Some("m5.xlarge"), None, Some("c6g.large")],
        "SkuPriceDetails" => [None, None, Some(r#"{"InstanceType":"m5.2xlarge"}"#), None],
        "PricingQuantity" => [1.0, 2.0, 4.0, 8.0],
    )
    .unwrap()
    .lazy()
    .with_column(col("ChargePeriodStart").cast(utc()));
    let params = SeriesParams::new()
        .dimension("InstanceFamily")
        .measure(Measure::Usage {
            quantity: QuantityColumn::Pricing,
        })
        .gap_fill(GapFill::None);
    let out = triples(&aggregate(df, &params).unwrap());
    assert_eq!(
        out,
        [
            ("c6g".to_string(), 0, Some(8.0)),
            ("m5".to_string(), 0, Some(7.0))
        ]
    );
}

#[test]
fn missing_dimension_values_become_the_missing_marker() {
    let df = df!(
        "ChargePeriodStart" => [0i64, 0],
        "RegionId" => [Some("us-east-1"), None],
        "EffectiveCost" => [1.0, 2.0],
    )
    .unwrap()
    .lazy()
    .with_column(col("ChargePeriodStart").cast(utc()));
    let out = triples(&aggregate(df, &SeriesParams::new().dimension("RegionId")).unwrap());
    assert_eq!(
        out,
        [
            (MISSING.to_string(), 0, Some(2.0)),
            ("us-east-1".to_string(), 0, Some(1.0))
        ]
    );
}

#[test]
fn unknown_dimension_names_the_column_and_lists_the_available_ones() {
    let err = aggregate(frame(&sample()), &SeriesParams::new().dimension("Service"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("invalid parameter 'dimensions': unknown column 'Service'"),
        "{err}"
    );
    assert!(
        err.contains(
            "available columns: ChargePeriodStart, ChargePeriodEnd, ServiceName, SubAccountId"
        ),
        "{err}"
    );
    let err = aggregate(
        frame(&sample()),
        &SeriesParams::new().filter("Region", ["us-east-1"]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("invalid parameter 'filter': unknown column 'Region'"),
        "{err}"
    );
}

#[test]
fn bad_columns_are_data_errors_naming_the_column() {
    // The measure column is missing.
    let params = SeriesParams::new().measure(Measure::Cost(CostColumn::List));
    let err = aggregate(frame(&sample()), &params)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("column 'ListCost': the billing frame has no such column"),
        "{err}"
    );

    // A text cost column.
    let df = df!("ChargePeriodStart" => [0i64], "EffectiveCost" => ["1.0"])
        .unwrap()
        .lazy()
        .with_column(col("ChargePeriodStart").cast(utc()));
    let err = aggregate(df, &SeriesParams::new()).unwrap_err().to_string();
    assert!(err.contains("column 'EffectiveCost', value 'str'"), "{err}");
    assert!(err.contains("expected a number column"), "{err}");

    // Text charge period starts.
    let df = df!("ChargePeriodStart" => ["2025-01-01"], "EffectiveCost" => [1.0])
        .unwrap()
        .lazy();
    let err = aggregate(df, &SeriesParams::new()).unwrap_err().to_string();
    assert!(
        err.contains("column 'ChargePeriodStart', value 'str'"),
        "{err}"
    );

    // Spreading needs ChargePeriodEnd.
    let df = df!("ChargePeriodStart" => [0i64], "EffectiveCost" => [1.0])
        .unwrap()
        .lazy()
        .with_column(col("ChargePeriodStart").cast(utc()));
    let err = aggregate(df, &SeriesParams::new().spread(true))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("column 'ChargePeriodEnd'"), "{err}");

    // A null charge period start is counted and reported, not dropped.
    let df =
        df!("ChargePeriodStart" => [Some(0i64), None, None], "EffectiveCost" => [1.0, 2.0, 3.0])
            .unwrap()
            .lazy()
            .with_column(col("ChargePeriodStart").cast(utc()));
    let err = aggregate(df, &SeriesParams::new()).unwrap_err().to_string();
    assert_eq!(
        err,
        "column 'ChargePeriodStart', value 'null': 2 row(s) have no charge period start; \
         expected a UTC date/time on every row"
    );
}

#[test]
fn tag_coverage_on_a_hand_worked_frame() {
    // Account 111: web 1.25 + web 2.5 tagged; Support {} 744 and S3 "" 0.1 untagged.
    // Account 222: S3 null Tags 0.75 untagged; EC2 data 3.0 tagged.
    let out = tag_coverage(
        frame(&sample()),
        "team",
        &["SubAccountId"],
        CostColumn::Billed,
    )
    .unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "SubAccountId",
            "total_cost",
            "untagged_cost",
            "untagged_share"
        ]
    );
    let accounts: Vec<&str> = out
        .column("SubAccountId")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(accounts, ["111", "222"]);
    let f = |c: &str| -> Vec<f64> {
        out.column(c)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    };
    let (total, untagged, share) = (f("total_cost"), f("untagged_cost"), f("untagged_share"));
    assert!(
        close(total[0], 747.85) && close(untagged[0], 744.1),
        "{total:?} {untagged:?}"
    );
    assert!(close(share[0], 744.1 / 747.85));
    assert!(close(total[1], 3.75) && close(untagged[1], 0.75));
    assert!(close(share[1], 0.2));

    // Overall, with the key written as a dimension.
    let out = tag_coverage(frame(&sample()), "Tags.team", &[], CostColumn::Effective).unwrap();
    assert_eq!(out.height(), 1);
    let share = out
        .column("untagged_share")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    assert!(close(share, 744.85 / 751.6), "{share}");

    let err = tag_coverage(frame(&sample()), "tag:", &[], CostColumn::Billed).unwrap_err();
    assert!(err.to_string().contains("'tag_key'"), "{err}");
    let err = tag_coverage(frame(&sample()), "team", &["Acount"], CostColumn::Billed).unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid parameter 'by': unknown column 'Acount'"),
        "{err}"
    );
}

#[test]
fn top_movers_on_a_hand_worked_frame() {
    // Week 1 (Jan 6-13) and week 2 (Jan 13-20):
    // EC2 10 -> 25 (+15, +150%), S3 8 -> 2 (-6, -75%), RDS 0 -> 4 (+4, pct null),
    // Lambda 5 -> 5 (0), Credits -10 -> -20 (-10, -100% of |before|).
    let rows: Vec<Row> = vec![
        (
            "2025-01-06T00:00:00Z",
            "2025-01-06T01:00:00Z",
            "EC2",
            "1",
            None,
            4.0,
        ),
        (
            "2025-01-12T23:00:00Z",
            "2025-01-13T00:00:00Z",
            "EC2",
            "1",
            None,
            6.0,
        ),
        (
            "2025-01-13T00:00:00Z",
            "2025-01-13T01:00:00Z",
            "EC2",
            "1",
            None,
            25.0,
        ),
        (
            "2025-01-07T00:00:00Z",
            "2025-01-07T01:00:00Z",
            "S3",
            "1",
            None,
            8.0,
        ),
        (
            "2025-01-14T00:00:00Z",
            "2025-01-14T01:00:00Z",
            "S3",
            "1",
            None,
            2.0,
        ),
        (
            "2025-01-15T00:00:00Z",
            "2025-01-15T01:00:00Z",
            "RDS",
            "1",
            None,
            4.0,
        ),
        (
            "2025-01-08T00:00:00Z",
            "2025-01-08T01:00:00Z",
            "Lambda",
            "1",
            None,
            5.0,
        ),
        (
            "2025-01-16T00:00:00Z",
            "2025-01-16T01:00:00Z",
            "Lambda",
            "1",
            None,
            5.0,
        ),
        (
            "2025-01-09T00:00:00Z",
            "2025-01-09T01:00:00Z",
            "Credits",
            "1",
            None,
            -10.0,
        ),
        (
            "2025-01-17T00:00:00Z",
            "2025-01-17T01:00:00Z",
            "Credits",
            "1",
            None,
            -20.0,
        ),
        // Outside both windows.
        (
            "2025-01-20T00:00:00Z",
            "2025-01-20T01:00:00Z",
            "EC2",
            "1",
            None,
            1000.0,
        ),
        (
            "2025-01-05T23:00:00Z",
            "2025-01-06T00:00:00Z",
            "S3",
            "1",
            None,
            1000.0,
        ),
    ];
    let before = (at("2025-01-06T00:00:00Z"), at("2025-01-13T00:00:00Z"));
    let after = (at("2025-01-13T00:00:00Z"), at("2025-01-20T00:00:00Z"));
    let out = top_movers(
        frame(&rows),
        &["ServiceName"],
        CostColumn::Billed,
        before,
        after,
        4,
    )
    .unwrap();
    let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "ServiceName",
            "cost_before",
            "cost_after",
            "change",
            "change_pct"
        ]
    );
    let services: Vec<&str> = out
        .column("ServiceName")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(services, ["EC2", "Credits", "S3", "RDS"]);
    let f =
        |c: &str| -> Vec<Option<f64>> { out.column(c).unwrap().f64().unwrap().iter().collect() };
    assert_eq!(
        f("cost_before"),
        [Some(10.0), Some(-10.0), Some(8.0), Some(0.0)]
    );
    assert_eq!(
        f("cost_after"),
        [Some(25.0), Some(-20.0), Some(2.0), Some(4.0)]
    );
    assert_eq!(
        f("change"),
        [Some(15.0), Some(-10.0), Some(-6.0), Some(4.0)]
    );
    assert_eq!(
        f("change_pct"),
        [Some(150.0), Some(-100.0), Some(-75.0), None]
    );

    // Without dimensions: the total change.
    let out = top_movers(frame(&rows), &[], CostColumn::Billed, before, after, 3).unwrap();
    assert_eq!(out.height(), 1);
    assert_eq!(
        out.column("change").unwrap().f64().unwrap().get(0),
        Some(3.0)
    );

    let err = top_movers(
        frame(&rows),
        &["ServiceName"],
        CostColumn::Billed,
        before,
        after,
        0,
    )
    .unwrap_err();
    assert!(err.to_string().contains("invalid parameter 'n'"), "{err}");
    let err = top_movers(
        frame(&rows),
        &["ServiceName"],
        CostColumn::Billed,
        (after.1, after.0),
        after,
        1,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("invalid parameter 'before'"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random rows with random charge periods: every frequency, with and without spread and
    /// with zero gap filling, returns exactly the billed total.
    #[test]
    fn no_money_is_created_or_lost(
        rows in prop::collection::vec(
            (0i64..90 * 24, 0i64..24 * 40, 0usize..3, -50.0f64..500.0),
            1..25,
        ),
        frequency in prop::sample::select(vec![Frequency::Hour, Frequency::Day, Frequency::Week, Frequency::Month]),
        spread in any::<bool>(),
    ) {
        let base = us("2024-12-01T00:00:00Z");
        let services = ["A", "B", "C"];
        let table: Vec<Row> = rows
            .iter()
            .map(|r| ("2024-12-01T00:00:00Z", "2024-12-01T00:00:00Z", services[r.2], "1", None, r.3))
            .collect();
        let starts: Vec<i64> = rows.iter().map(|r| base + r.0 * HOUR + 17 * 60_000_000).collect();
        let ends: Vec<i64> = rows.iter().zip(&starts).map(|(r, s)| s + r.1 * HOUR).collect();
        let expected: f64 = rows.iter().map(|r| r.3).sum();
        let params = SeriesParams::new()
            .dimension("ServiceName")
            .frequency(frequency)
            .measure(Measure::Cost(CostColumn::Billed))
            .spread(spread);
        let out = aggregate(frame_us(&table, &starts, &ends), &params).unwrap();
        let total = y_sum(&out);
        prop_assert!(close(total, expected), "{} != {}", total, expected);
        // Every series has the same number of periods.
        let per_series = out.column("unique_id").unwrap().as_materialized_series().value_counts(false, false, "n".into(), false).unwrap();
        let counts = per_series.column("n").unwrap().unique().unwrap();
        prop_assert_eq!(counts.len(), 1);
    }
}

/// The real samples in `../shared/data`, loaded by the billing loader: every series total
/// equals the loaded frame's total, with and without spreading.
#[test]
fn real_samples_keep_their_totals() {
    use capcast::ingest::{read_billing, BillingOptions};

    let cases: [(&str, &[&str]); 3] = [
        (
            "billing/focus/focus-1.0-sample.csv",
            &["ServiceName", "Tags.environment"],
        ),
        (
            "billing/aws-cur/legacy-cur-sample.csv",
            &["ServiceName", "InstanceFamily"],
        ),
        (
            "billing/azure/ea-amortized-small.csv",
            &["SubAccountId", "RegionId"],
        ),
    ];
    for (file, dims) in cases {
        let path = crate::common::shared(file);
        let billing = read_billing(&[&path], &BillingOptions::default()).unwrap();
        for cost in [CostColumn::Billed, CostColumn::Effective] {
            let expected = billing
                .costs
                .clone()
                .select([col(cost.column_name()).sum()])
                .collect()
                .unwrap()
                .column(cost.column_name())
                .unwrap()
                .f64()
                .unwrap()
                .get(0)
                .unwrap();
            for spread in [false, true] {
                let params = SeriesParams::new()
                    .dimensions(dims.iter().copied())
                    .measure(Measure::Cost(cost))
                    .spread(spread);
                let out = aggregate(billing.costs.clone(), &params).unwrap();
                assert!(
                    close(y_sum(&out), expected),
                    "{file} {cost} spread={spread}: {} != {expected}",
                    y_sum(&out)
                );
            }
        }
    }
}

/// Tag coverage of the real FOCUS sample, against sums computed from the CSV text with the
/// `csv` and `serde_json` crates.
#[test]
fn real_focus_sample_tag_coverage() {
    use capcast::ingest::{read_billing, BillingOptions};

    let path = crate::common::shared("billing/focus/focus-1.0-sample.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (tags_at, cost_at) = (at("Tags"), at("EffectiveCost"));
    let (mut total, mut untagged) = (0.0, 0.0);
    let mut values = std::collections::BTreeSet::new();
    for record in reader.records() {
        let record = record.unwrap();
        let cost: f64 = record[cost_at].parse().unwrap_or(0.0);
        let env = serde_json::from_str::<serde_json::Value>(&record[tags_at])
            .ok()
            .and_then(|v| {
                v.get("environment")
                    .and_then(|e| e.as_str())
                    .map(str::to_string)
            })
            .filter(|e| !e.is_empty());
        total += cost;
        match env {
            Some(env) => {
                values.insert(env);
            }
            None => untagged += cost,
        }
    }
    assert!(values.len() >= 2, "{values:?}");

    let billing = read_billing(&[&path], &BillingOptions::default()).unwrap();
    let out = tag_coverage(
        billing.costs.clone(),
        "environment",
        &[],
        CostColumn::Effective,
    )
    .unwrap();
    let get = |c: &str| out.column(c).unwrap().f64().unwrap().get(0).unwrap();
    assert!(
        close(get("total_cost"), total),
        "{} != {total}",
        get("total_cost")
    );
    assert!(
        close(get("untagged_cost"), untagged),
        "{} != {untagged}",
        get("untagged_cost")
    );

    let series = aggregate(
        billing.costs,
        &SeriesParams::new()
            .dimension("Tags.environment")
            .gap_fill(GapFill::None),
    )
    .unwrap();
    let found: std::collections::BTreeSet<String> = series
        .column("Tags.environment")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .filter(|v| *v != UNTAGGED)
        .map(str::to_string)
        .collect();
    assert_eq!(found, values);
}

#[test]
fn all_null_columns_are_read_as_missing_values() {
    // Tags and EffectiveCost of type Null: everything untagged, costs zero.
    let df = df!(
        "ChargePeriodStart" => [0i64, DAY],
        "BilledCost" => [1.0, 2.0],
    )
    .unwrap()
    .lazy()
    .with_columns([
        col("ChargePeriodStart").cast(utc()),
        lit(NULL).alias("Tags"),
        lit(NULL).alias("EffectiveCost"),
    ]);
    let params = SeriesParams::new()
        .dimension("Tags.team")
        .measure(Measure::Cost(CostColumn::Billed));
    let out = triples(&aggregate(df.clone(), &params).unwrap());
    assert_eq!(
        out,
        [
            (UNTAGGED.to_string(), 0, Some(1.0)),
            (UNTAGGED.to_string(), DAY, Some(2.0)),
        ]
    );
    let out = aggregate(df, &SeriesParams::new()).unwrap();
    assert_eq!(y_sum(&out), 0.0);
}
