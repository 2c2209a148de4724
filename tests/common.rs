//! Helpers shared by the integration tests: where the shared real data lives, independent
//! CSV sums, tolerance checks, reading columns and report totals, and writing fixture files.

use std::io::Write;
use std::path::{Path, PathBuf};

use capcast::ingest::{BillingOptions, LoadReport};
use polars::prelude::*;

/// `../shared/data/<rel>` next to the repository root.
pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data")).join(rel)
}

/// Sum of a numeric column of a CSV file, read with the `csv` crate (independently of the
/// loader), skipping blanks and `NULL` strings.
pub fn csv_sum(path: &std::path::Path, column: &str) -> f64 {
    let text = std::fs::read_to_string(path).expect("test file readable");
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let index = headers
        .iter()
        .position(|h| h.trim() == column)
        .unwrap_or_else(|| panic!("{column} not in {}", path.display()));
    reader
        .records()
        .map(|r| r.expect("row"))
        .filter_map(|r| {
            let v = r.get(index).unwrap_or("").trim().to_string();
            if v.is_empty() || v == "NULL" || v == "null" {
                None
            } else {
                Some(v.parse::<f64>().expect("number"))
            }
        })
        .sum()
}

/// Number of data rows of a CSV file (records, not lines).
pub fn csv_rows(path: &std::path::Path) -> u64 {
    let mut reader = csv::Reader::from_path(path).expect("test file readable");
    reader.records().count() as u64
}

/// Asserts `a` and `b` agree to `rel` relative tolerance (absolute near zero).
pub fn assert_close(a: f64, b: f64, rel: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1e-12);
    assert!(
        (a - b).abs() <= rel * scale || (a - b).abs() < 1e-12,
        "{what}: {a} vs {b} (relative difference {})",
        (a - b).abs() / scale
    );
}

/// The default (strict) billing options.
pub fn strict() -> BillingOptions {
    BillingOptions::default()
}

/// Sum over the load report's per-currency totals of `column`: (read, returned).
pub fn total(report: &LoadReport, column: &str) -> (f64, f64) {
    report
        .totals
        .iter()
        .filter(|t| t.column == column)
        .fold((0.0, 0.0), |acc, t| (acc.0 + t.read, acc.1 + t.returned))
}

/// The values of a String column; panics if the column is missing or not String.
pub fn texts(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
    frame
        .column(column)
        .unwrap_or_else(|_| panic!("{column} missing"))
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

/// The values of a Float64 column; panics if the column is missing or not Float64.
pub fn numbers(frame: &DataFrame, column: &str) -> Vec<Option<f64>> {
    frame
        .column(column)
        .unwrap_or_else(|_| panic!("{column} missing"))
        .f64()
        .unwrap()
        .iter()
        .collect()
}

/// Polars' sum of a Float64 column (nulls skipped, 0 when empty); panics if the column is
/// missing or not Float64.
pub fn sum(frame: &DataFrame, column: &str) -> f64 {
    frame
        .column(column)
        .unwrap_or_else(|_| panic!("{column} missing"))
        .f64()
        .unwrap()
        .sum()
        .unwrap_or(0.0)
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: impl AsRef<Path>, name: &str, text: &str) -> PathBuf {
    let path = dir.as_ref().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes `bytes` to `path` and returns it.
pub fn write_file(path: &Path, bytes: &[u8]) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// `bytes` gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}
