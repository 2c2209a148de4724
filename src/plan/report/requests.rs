//! The request series of the report's SLO section, read from a CSV file.
//!
//! Accepted columns (names are matched without regard to case; other columns are ignored):
//!
//! | column | meaning |
//! |---|---|
//! | `timestamp` (or `ds`, `time`) | RFC 3339 (`2026-08-02T00:05:00Z`), `2026-08-02 00:05:00` (UTC), or Unix seconds |
//! | `total` (or `requests`) | requests in the interval ending at the timestamp |
//! | `errors` (or `bad`, `failed`) | failed requests in it, or instead |
//! | `good` | successful requests (errors are `total - good`) |
//! | `error_rate` | instead of counts: the share of failed requests, 0 to 1 (every row weighs the same) |
//!
//! One row per time; rows may come in any order.

use std::path::Path;

use chrono::{DateTime, NaiveDateTime};
use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The columns one could give, for messages.
const ACCEPTED: &str = "a time column 'timestamp' (or 'ds', 'time') and either 'total' (or 'requests') with 'errors' (or 'bad', 'failed') or 'good', or 'error_rate'";

fn find(headers: &csv::StringRecord, names: &[&str]) -> Option<(usize, String)> {
    headers.iter().enumerate().find_map(|(i, h)| {
        let h = h.trim();
        names
            .iter()
            .any(|n| h.eq_ignore_ascii_case(n))
            .then(|| (i, h.to_string()))
    })
}

/// Microseconds since the epoch (UTC) of a timestamp cell.
fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.timestamp_micros());
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, format) {
            return Some(d.and_utc().timestamp_micros());
        }
    }
    let secs: i64 = t.parse().ok()?;
    secs.checked_mul(1_000_000)
}

/// Reads a request series into `ds` (UTC microseconds) with `errors, total`, or `error_rate`.
///
/// # Errors
/// [`Error::NotFound`] / [`Error::Io`] for a file that cannot be read; [`Error::Data`] naming
/// the file, row, column and value for a missing column, an unreadable time or number, a
/// negative count, more errors than requests, a rate outside 0 to 1, or an empty file.
pub fn read_requests(path: &Path) -> Result<DataFrame> {
    if !path.exists() {
        return Err(Error::NotFound {
            path: path.to_path_buf(),
        });
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let at = || Position::file(path);
    let headers = reader
        .headers()
        .map_err(|e| Error::data(at(), format!("not a readable CSV header: {e}")))?
        .clone();
    let missing = |what: &str| {
        Error::data(
            at(),
            format!(
                "no {what} column (found: {}); expected {ACCEPTED}",
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        )
    };
    let time = find(&headers, &["timestamp", "ds", "time"]).ok_or_else(|| missing("time"))?;
    let total = find(&headers, &["total", "requests"]);
    let errors = find(&headers, &["errors", "bad", "failed"]);
    let good = find(&headers, &["good"]);
    let rate = find(&headers, &["error_rate"]);
    enum Kind {
        Errors(usize, String, usize, String),
        Good(usize, String, usize, String),
        Rate(usize, String),
    }
    let kind = match (total, errors, good, rate) {
        (Some(t), Some(e), _, _) => Kind::Errors(t.0, t.1, e.0, e.1),
        (Some(t), None, Some(g), _) => Kind::Good(t.0, t.1, g.0, g.1),
        (_, _, _, Some(r)) => Kind::Rate(r.0, r.1),
        (None, _, _, None) => return Err(missing("request count ('total')")),
        (Some(_), None, None, None) => return Err(missing("'errors' or 'good'")),
    };

    let (mut ds, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        // 1-based data rows (the header is row 0), as every capcast message counts them.
        let row = i as u64 + 1;
        let record = record.map_err(|e| Error::data(at().row(row), format!("{e}")))?;
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let number = |c: usize, name: &str| -> Result<f64> {
            let text = cell(c);
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(Error::data(
                    at().row(row).column(name).value(text),
                    "expected a non-negative number",
                )),
            }
        };
        let t = parse_time(cell(time.0)).ok_or_else(|| {
            Error::data(
                at().row(row).column(&time.1).value(cell(time.0)),
                "expected a time such as 2026-08-02T00:05:00Z, 2026-08-02 00:05:00 or Unix seconds",
            )
        })?;
        ds.push(t);
        match &kind {
            Kind::Errors(tc, tn, ec, en) => {
                let (n, e) = (number(*tc, tn)?, number(*ec, en)?);
                if e > n {
                    return Err(Error::data(
                        at().row(row).column(en).value(cell(*ec)),
                        format!("more errors than requests ({tn} is {})", cell(*tc)),
                    ));
                }
                a.push(e);
                b.push(n);
            }
            Kind::Good(tc, tn, gc, gn) => {
                let (n, g) = (number(*tc, tn)?, number(*gc, gn)?);
                if g > n {
                    return Err(Error::data(
                        at().row(row).column(gn).value(cell(*gc)),
                        format!("more good requests than requests ({tn} is {})", cell(*tc)),
                    ));
                }
                a.push(n - g);
                b.push(n);
            }
            Kind::Rate(rc, rn) => {
                let r = number(*rc, rn)?;
                if r > 1.0 {
                    return Err(Error::data(
                        at().row(row).column(rn).value(cell(*rc)),
                        "expected an error rate between 0 and 1 (a share, not a percentage)",
                    ));
                }
                a.push(r);
            }
        }
    }
    if ds.is_empty() {
        return Err(Error::data(at(), "the request series has no rows"));
    }
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let ds = Column::new("ds".into(), ds).cast(&utc)?;
    let n = a.len();
    let columns = match kind {
        Kind::Rate(..) => vec![ds, Column::new("error_rate".into(), a)],
        _ => vec![
            ds,
            Column::new("errors".into(), a),
            Column::new("total".into(), b),
        ],
    };
    Ok(DataFrame::new(n, columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<DataFrame> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slo.csv");
        std::fs::write(&path, text).unwrap();
        read_requests(&path)
    }

    #[test]
    fn accepted_shapes() {
        let df =
            read("timestamp,total,good\n2026-08-02T00:05:00Z,100,97\n2026-08-02 00:10:00,50,50\n")
                .unwrap();
        let e: Vec<f64> = df
            .column("errors")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(e, vec![3.0, 0.0]);
        let df = read("Time,Error_Rate\n1786000000,0.5\n").unwrap();
        assert_eq!(
            df.column("error_rate").unwrap().f64().unwrap().get(0),
            Some(0.5)
        );
        let df = read("ds,requests,failed,host\n2026-08-02T00:05:00+02:00,10,1,a\n").unwrap();
        let t = df.column("ds").unwrap().cast(&DataType::Int64).unwrap();
        assert_eq!(t.i64().unwrap().get(0), parse_time("2026-08-01T22:05:00Z"));
    }

    #[test]
    fn bad_files_name_row_column_and_value() {
        let err = read(
            "timestamp,total,errors\n2026-08-02T00:05:00Z,100,1\n2026-08-02T00:10:00Z,100,x\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("slo.csv")
                && err.contains("row 2")
                && err.contains("'errors'")
                && err.contains("x"),
            "{err}"
        );
        let err = read("timestamp,total,errors\nyesterday,100,1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("row 1") && err.contains("'timestamp'") && err.contains("yesterday"),
            "{err}"
        );
        let err = read("timestamp,total,errors\n2026-08-02T00:05:00Z,10,11\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("more errors than requests"), "{err}");
        let err = read("timestamp,error_rate\n2026-08-02T00:05:00Z,5\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("between 0 and 1"), "{err}");
        let err = read("when,total,errors\n1,1,0\n").unwrap_err().to_string();
        assert!(
            err.contains("no time column") && err.contains("found: when, total, errors"),
            "{err}"
        );
        let err = read("timestamp,total\n1,1\n").unwrap_err().to_string();
        assert!(err.contains("'errors' or 'good'"), "{err}");
        assert!(read("timestamp,total,errors\n")
            .unwrap_err()
            .to_string()
            .contains("no rows"));
        assert!(matches!(
            read_requests(Path::new("/nonexistent/slo.csv")),
            Err(Error::NotFound { .. })
        ));
    }
}
