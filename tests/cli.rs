//! The `capcast` command line, run as a user would: exit codes, the JSON load report, FOCUS
//! conversion, and the main job on the bundled sample.

use std::path::PathBuf;
use std::process::Command;

use polars::prelude::*;

use crate::common::{assert_close, csv_sum, shared};

fn capcast() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capcast"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

#[test]
fn ingest_json_report_has_the_promised_fields() {
    let path = shared("billing/focus/focus-1.0-sample.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("focus.parquet");
    let output = capcast()
        .args([
            "ingest",
            path.to_str().unwrap(),
            "--json",
            "--output",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(report["format"], "focus-1.0");
    assert_eq!(report["rows_read"], 1000);
    assert_eq!(report["rows_kept"], 1000);
    assert_eq!(report["rows_rejected"], 0);
    let totals = report["totals"].as_array().unwrap();
    let billed = totals.iter().find(|t| t["column"] == "BilledCost").unwrap();
    let expected = csv_sum(&path, "BilledCost");
    assert_close(billed["read"].as_f64().unwrap(), expected, 1e-9, "read");
    assert_close(
        billed["returned"].as_f64().unwrap(),
        expected,
        1e-9,
        "returned",
    );

    // The Parquet written is FOCUS 1.2 with the same rows and money.
    let frame = LazyFrame::scan_parquet(
        PlRefPath::new(out.to_str().unwrap()),
        ScanArgsParquet::default(),
    )
    .unwrap()
    .collect()
    .unwrap();
    assert_eq!(frame.height(), 1000);
    let sum: f64 = frame
        .column("BilledCost")
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap();
    assert_close(sum, expected, 1e-9, "parquet BilledCost");
    assert_eq!(
        frame.column("ChargePeriodStart").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
}

#[test]
fn ingest_writes_csv_that_loads_back_as_focus_1_2() {
    let path = shared("billing/aws-cur/legacy-cur-sample.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cur-as-focus.csv");
    let status = capcast()
        .args([
            "ingest",
            path.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let again = capcast()
        .args(["ingest", out.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["format"], "focus-1.2");
    assert_eq!(report["rows_read"], 1281);
    let billed = report["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["column"] == "BilledCost")
        .unwrap()
        .clone();
    assert_close(
        billed["returned"].as_f64().unwrap(),
        csv_sum(&path, "lineItem/UnblendedCost"),
        1e-9,
        "round trip",
    );
}

#[test]
fn bad_input_exits_non_zero_with_one_readable_line() {
    let path = shared("billing/oci/cost-report-sample.csv");
    let output = capcast()
        .args(["ingest", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("unrecognised format"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn summary_runs_on_the_bundled_sample() {
    let output = capcast().args(["summary"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "EffectiveCost by service",
        "by month",
        "load report (focus-1.2)",
        "107684 read, 107684 kept",
        "utilization",
    ] {
        assert!(stdout.contains(needle), "{needle} missing from:\n{stdout}");
    }
}

/// The bundled sample in `data/sample` is exactly what `capcast generate --seed 42` writes.
#[test]
fn bundled_sample_equals_a_fresh_generation() {
    let dir = tempfile::tempdir().unwrap();
    capcast::generate::write_sample(dir.path(), &capcast::generate::SampleOptions::default())
        .unwrap();
    let bundled = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample"));
    for file in [
        capcast::generate::BILLING_FILE,
        capcast::generate::UTILIZATION_FILE,
        capcast::generate::SLO_FILE,
    ] {
        let fresh = std::fs::read(dir.path().join(file)).unwrap();
        let committed = std::fs::read(bundled.join(file)).unwrap();
        assert!(
            fresh == committed,
            "{file} differs from a fresh `capcast generate --seed 42`"
        );
    }
}
