//! `capcast forecast`, `capcast backtest` and `capcast anomalies` run as a user would: the
//! promised output columns, interval nesting, a chart file, clear errors, and a real trace.

use std::path::Path;
use std::process::{Command, Output};

use polars::prelude::*;

use crate::common::{shared, write};

fn capcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capcast"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// Three weeks of two hourly series with a daily cycle, as `unique_id,ds,y` CSV.
fn series_csv(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("unique_id,ds,y\n");
    for (id, level) in [("web", 10.0), ("db", 4.0)] {
        for t in 0..24 * 21 {
            let day = t / 24;
            let hour = t % 24;
            let y = level
                + 3.0 * (std::f64::consts::TAU * hour as f64 / 24.0).sin()
                + 0.01 * t as f64
                + ((t * 7919) % 13) as f64 * 0.05;
            text.push_str(&format!(
                "{id},2026-01-{:02}T{:02}:00:00Z,{y}\n",
                5 + day,
                hour
            ));
        }
    }
    write(dir, "series.csv", &text)
}

#[test]
fn forecast_writes_the_promised_columns_and_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let input = series_csv(dir.path());
    let out = dir.path().join("forecast.csv");
    let chart = dir.path().join("fan.svg");
    let stdout = ok(&capcast(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "48",
        "--level",
        "80",
        "--level",
        "95",
        "--output",
        out.to_str().unwrap(),
        "--non-negative",
        "--chart",
        chart.to_str().unwrap(),
        "--chart-series",
        "web",
    ]));
    assert!(stdout.contains("wrote 96 forecast rows"), "{stdout}");
    let frame = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(out.clone()))
        .unwrap()
        .finish()
        .unwrap();
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "unique_id",
            "ds",
            "yhat",
            "yhat_lower_80",
            "yhat_upper_80",
            "yhat_lower_95",
            "yhat_upper_95"
        ]
    );
    let col = |name: &str| -> Vec<f64> {
        frame
            .column(name)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    };
    let (l95, l80, y, u80, u95) = (
        col("yhat_lower_95"),
        col("yhat_lower_80"),
        col("yhat"),
        col("yhat_upper_80"),
        col("yhat_upper_95"),
    );
    for i in 0..y.len() {
        assert!(l95[i] >= 0.0, "non-negative");
        assert!(l95[i] <= l80[i] && l80[i] <= y[i] && y[i] <= u80[i] && u80[i] <= u95[i]);
    }
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("<svg") && svg.contains("web: forecast"));
}

#[test]
fn backtest_prints_metrics_per_model_and_anomalies_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = series_csv(dir.path());
    let metrics = dir.path().join("metrics.csv");
    let stdout = ok(&capcast(&[
        "backtest",
        "--input",
        input.to_str().unwrap(),
        "--horizon",
        "24",
        "--model",
        "seasonal_naive",
        "--model",
        "naive",
        "--output",
        metrics.to_str().unwrap(),
    ]));
    for needle in ["SeasonalNaive(24)", "Naive", "mase", "coverage_80"] {
        assert!(stdout.contains(needle), "{needle} not in {stdout}");
    }
    assert!(metrics.exists());
    ok(&capcast(&[
        "anomalies",
        "--input",
        input.to_str().unwrap(),
        "--model",
        "seasonal_naive",
        "--level",
        "99",
    ]));
}

#[test]
fn bad_input_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.csv",
        "unique_id,ds,y\na,2026-01-01T00:00:00Z,1\na,2026-01-01T01:00:00Z,abc\n",
    );
    let output = capcast(&[
        "forecast",
        "--input",
        bad.to_str().unwrap(),
        "--horizon",
        "3",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("row 2") && stderr.contains("'y'") && stderr.contains("'abc'"),
        "{stderr}"
    );
    let good = series_csv(dir.path());
    let output = capcast(&[
        "forecast",
        "--input",
        good.to_str().unwrap(),
        "--horizon",
        "3",
        "--model",
        "arima",
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("'arima' is not a model"));
}

#[test]
fn forecasts_a_real_trace_resampled_to_hourly() {
    // Google 2019 cluster trace: 5-minute CPU means without timestamps (row i is minute 5 i).
    let raw = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(shared(
            "utilization/google2019-cluster-5min-month.csv",
        )))
        .unwrap()
        .finish()
        .unwrap();
    let cpu: Vec<f64> = raw
        .column("avg_cpu")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let mut text = String::from("unique_id,ds,y\n");
    let start = chrono::DateTime::parse_from_rfc3339("2019-05-01T00:00:00Z").unwrap();
    for (i, y) in cpu.iter().enumerate() {
        let t = start + chrono::Duration::minutes(5 * i as i64);
        text.push_str(&format!("cpu,{},{y}\n", t.format("%Y-%m-%dT%H:%M:%SZ")));
    }
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "google.csv", &text);
    let out = dir.path().join("f.parquet");
    ok(&capcast(&[
        "forecast",
        "--input",
        input.to_str().unwrap(),
        "--step",
        "1h",
        "--combine",
        "mean",
        "--horizon",
        "24",
        "--output",
        out.to_str().unwrap(),
    ]));
    let frame = LazyFrame::scan_parquet(
        PlRefPath::new(out.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .unwrap()
    .collect()
    .unwrap();
    assert_eq!(frame.height(), 24);
    let yhat = frame.column("yhat").unwrap().f64().unwrap();
    // Cluster CPU is a share between 0 and 1; the forecast stays in a plausible band.
    assert!(yhat
        .iter()
        .all(|v| v.is_some_and(|v| (0.1..0.9).contains(&v))));
}
