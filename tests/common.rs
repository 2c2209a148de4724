//! Helpers shared by the integration tests: where the shared real data lives, independent
//! CSV sums, and tolerance checks.

use std::path::PathBuf;

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
