//! Property tests of the billing pipeline's invariants: money in equals money out, rows in
//! equal rows kept plus rows rejected, and every repair is counted.

use capcast::ingest::{read_billing, BillingOptions};
use polars::prelude::*;
use proptest::prelude::*;

const HEADER: &str = "BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeFrequency,BilledCost,EffectiveCost,ServiceName";

/// One generated cell of a cost column: a number (in one of several spellings), a NULL
/// string, a blank, or garbage.
#[derive(Debug, Clone)]
enum Cell {
    Number(f64, u8),
    NullString,
    Blank,
    Garbage,
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Number(v, 0) => format!("{v}"),
            Cell::Number(v, 1) => format!("{v:.10}"),
            Cell::Number(v, _) => format!("{v:e}"),
            Cell::NullString => "NULL".into(),
            Cell::Blank => String::new(),
            Cell::Garbage => "12,5 EUR".into(),
        }
    }
    fn value(&self) -> Option<f64> {
        match self {
            Cell::Number(v, 1) => Some(format!("{v:.10}").parse().unwrap()),
            Cell::Number(v, _) => Some(*v),
            _ => None,
        }
    }
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        8 => (-1.0e6f64..1.0e6, 0u8..3).prop_map(|(v, s)| Cell::Number(v, s)),
        1 => Just(Cell::NullString),
        1 => Just(Cell::Blank),
        1 => Just(Cell::Garbage),
    ]
}

fn frequency() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("Usage-Based"),
        Just("Usage-based"),
        Just("usage_based"),
        Just("Recurring"),
        Just("NULL")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn money_and_rows_are_conserved(rows in prop::collection::vec((cell(), cell(), frequency()), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bill.csv");
        let mut text = format!("{HEADER}\n");
        for (billed, effective, freq) in &rows {
            text.push_str(&format!(
                "1,USD,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,2026-05-03 10:00:00,2026-05-03T11:00:00Z,Usage,{freq},\"{}\",\"{}\",EC2\n",
                billed.text(), effective.text()
            ));
        }
        std::fs::write(&path, text).unwrap();
        let options = BillingOptions { lenient: true, ..BillingOptions::default() };
        let billing = read_billing(&[&path], &options).unwrap();
        let report = &billing.report;
        let garbage = rows.iter().filter(|(b, e, _)| matches!(b, Cell::Garbage) || matches!(e, Cell::Garbage)).count() as u64;
        prop_assert_eq!(report.rows_read, rows.len() as u64);
        prop_assert_eq!(report.rows_rejected, garbage);
        prop_assert_eq!(report.rows_kept + report.rows_rejected, report.rows_read);

        // Returned money: exactly the numbers of the kept rows.
        let kept: Vec<_> = rows.iter().filter(|(b, e, _)| !matches!(b, Cell::Garbage) && !matches!(e, Cell::Garbage)).collect();
        let expected_billed: f64 = kept.iter().filter_map(|(b, _, _)| b.value()).sum();
        let returned: f64 = report.totals.iter().filter(|t| t.column == "BilledCost").map(|t| t.returned).sum();
        prop_assert!((returned - expected_billed).abs() <= 1e-9 * expected_billed.abs().max(1.0), "{} vs {}", returned, expected_billed);
        let frame = billing.costs.collect().unwrap();
        prop_assert_eq!(frame.height() as u64, report.rows_kept);
        let frame_billed: f64 = frame.column("BilledCost").unwrap().f64().unwrap().sum().unwrap_or(0.0);
        prop_assert!((frame_billed - returned).abs() <= 1e-9 * returned.abs().max(1.0));

        // Read money: every readable number, kept or not.
        let read: f64 = report.totals.iter().filter(|t| t.column == "BilledCost").map(|t| t.read).sum();
        let expected_read: f64 = rows.iter().filter_map(|(b, _, _)| b.value()).sum();
        prop_assert!((read - expected_read).abs() <= 1e-9 * expected_read.abs().max(1.0));

        // Repairs are counted: NULL strings in cost columns, respelled enums, non-ISO dates.
        let count = |column: &str, kind: &str| report.repairs.iter().filter(|r| r.column == column && r.kind.starts_with(kind)).map(|r| r.count).sum::<u64>();
        let nulls = rows.iter().filter(|(b, _, _)| matches!(b, Cell::NullString)).count() as u64;
        prop_assert_eq!(count("BilledCost", "NULL string"), nulls);
        let respelled = rows.iter().filter(|(_, _, f)| matches!(*f, "Usage-based" | "usage_based")).count() as u64;
        prop_assert_eq!(count("ChargeFrequency", "enum spelling"), respelled);
        prop_assert_eq!(count("ChargePeriodStart", "non-ISO date"), rows.len() as u64);
    }
}
