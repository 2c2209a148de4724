//! Reading a long series file `unique_id, ds, y` (CSV, gzip CSV or Parquet), the input of
//! `capcast forecast` and `capcast backtest`.
//!
//! Types are checked cell by cell, so a bad value is reported with its file, row, column and
//! value: `ds` must be an ISO 8601 date or date/time (`2026-01-31`, `2026-01-31 13:00`,
//! `2026-01-31T13:00:00Z`, with an optional UTC offset; naive times are UTC), `y` a number or
//! empty (a missing value, handled later by the forecaster's missing-value policy). In
//! Parquet, `ds` may be any date/time type or a date. Extra columns are ignored.

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use polars::prelude::*;

use super::input::utc_datetime;
use crate::error::{Error, Position, Result};

/// The three columns of a long series frame.
pub const SERIES_COLUMNS: [&str; 3] = ["unique_id", "ds", "y"];

/// Reads `unique_id, ds, y` from a CSV (optionally gzip-compressed) or Parquet file.
///
/// Returns `unique_id` (String), `ds` (`Datetime(us, "UTC")`) and `y` (Float64, null where
/// missing), in file order.
///
/// # Errors
/// [`Error::NotFound`] / [`Error::Io`] for unreadable files, [`Error::Data`] naming the file,
/// row, column and value for a missing column, a `ds` that is not a date/time or a `y` that is
/// not a number.
pub fn read_series(path: &Path) -> Result<DataFrame> {
    if !path.exists() {
        return Err(Error::NotFound {
            path: path.to_path_buf(),
        });
    }
    let name = path.to_string_lossy().to_ascii_lowercase();
    let frame = if name.ends_with(".parquet") {
        LazyFrame::scan_parquet(
            PlRefPath::new(path.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )?
        .collect()?
    } else {
        LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .finish()?
            .collect()?
    };
    for column in SERIES_COLUMNS {
        if frame.column(column).is_err() {
            let found: Vec<String> = frame
                .get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            return Err(Error::data(
                Position::file(path).column(column),
                format!(
                    "missing column '{column}'; a series file needs unique_id, ds and y, found: {}",
                    found.join(", ")
                ),
            ));
        }
    }
    let unique_id = frame.column("unique_id")?.cast(&DataType::String)?;
    if let Some(row) = first_null(unique_id.as_materialized_series()) {
        return Err(Error::data(
            Position::file(path).row(row).column("unique_id"),
            "expected a series name, found an empty value",
        ));
    }
    let ds = to_datetime(path, frame.column("ds")?.as_materialized_series())?;
    let y = to_float(path, frame.column("y")?.as_materialized_series())?;
    Ok(DataFrame::new_infer_height(vec![
        unique_id.with_name("unique_id".into()),
        ds.with_name("ds".into()).into_column(),
        y.with_name("y".into()).into_column(),
    ])?)
}

/// The 1-based data row of the first null.
fn first_null(series: &Series) -> Option<u64> {
    series
        .is_null()
        .iter()
        .position(|null| null == Some(true))
        .map(|i| i as u64 + 1)
}

fn to_datetime(path: &Path, ds: &Series) -> Result<Series> {
    match ds.dtype() {
        DataType::String => {
            let text = ds.str()?;
            let mut out: Vec<Option<i64>> = Vec::with_capacity(text.len());
            for (i, value) in text.iter().enumerate() {
                let Some(value) = value else {
                    return Err(Error::data(
                        Position::file(path).row(i as u64 + 1).column("ds"),
                        "expected a date or date/time, found an empty value",
                    ));
                };
                out.push(Some(parse_instant(value.trim()).ok_or_else(|| {
                    Error::data(
                        Position::file(path)
                            .row(i as u64 + 1)
                            .column("ds")
                            .value(value),
                        "expected an ISO 8601 date or date/time (2026-01-31, \
                         2026-01-31 13:00, 2026-01-31T13:00:00Z)",
                    )
                })?));
            }
            Ok(
                Int64Chunked::from_iter_options("ds".into(), out.into_iter())
                    .into_series()
                    .cast(&utc_datetime())?,
            )
        }
        DataType::Datetime(_, _) | DataType::Date => {
            if let Some(row) = first_null(ds) {
                return Err(Error::data(
                    Position::file(path).row(row).column("ds"),
                    "expected a date or date/time, found an empty value",
                ));
            }
            let ds = match ds.dtype() {
                DataType::Datetime(unit, None) => ds
                    .cast(&DataType::Datetime(*unit, Some(TimeZone::UTC)))?
                    .cast(&utc_datetime())?,
                _ => ds.cast(&utc_datetime())?,
            };
            Ok(ds)
        }
        other => Err(Error::data(
            Position::file(path).column("ds"),
            format!("expected dates or date/times, found a column of type {other}"),
        )),
    }
}

/// Microseconds since the epoch for an ISO 8601 date or date/time; naive values are UTC.
pub(crate) fn parse_instant(text: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.timestamp_micros());
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%:z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.timestamp_micros());
        }
    }
    let text = text.strip_suffix('Z').unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some(t.and_utc().timestamp_micros());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_micros())
}

fn to_float(path: &Path, y: &Series) -> Result<Series> {
    if y.dtype() == &DataType::String {
        let text = y.str()?;
        let mut out: Vec<Option<f64>> = Vec::with_capacity(text.len());
        for (i, value) in text.iter().enumerate() {
            let value = value.map(str::trim).filter(|v| !v.is_empty());
            out.push(match value {
                None => None,
                Some(v) if v.eq_ignore_ascii_case("nan") || v.eq_ignore_ascii_case("null") => None,
                Some(v) => Some(v.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(
                    || {
                        Error::data(
                            Position::file(path).row(i as u64 + 1).column("y").value(v),
                            "expected a finite number (or an empty cell for a missing value)",
                        )
                    },
                )?),
            });
        }
        return Ok(Float64Chunked::from_iter_options("y".into(), out.into_iter()).into_series());
    }
    if !y.dtype().is_primitive_numeric() {
        return Err(Error::data(
            Position::file(path).column("y"),
            format!("expected numbers, found a column of type {}", y.dtype()),
        ));
    }
    Ok(y.cast(&DataType::Float64)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_in_every_documented_form() {
        let t = 1_769_864_400_000_000; // 2026-01-31T13:00:00Z
        assert_eq!(parse_instant("2026-01-31T13:00:00Z"), Some(t));
        assert_eq!(parse_instant("2026-01-31T14:00:00+01:00"), Some(t));
        assert_eq!(parse_instant("2026-01-31 13:00:00"), Some(t));
        assert_eq!(parse_instant("2026-01-31 13:00"), Some(t));
        assert_eq!(parse_instant("2026-01-31T13:00:00.000"), Some(t));
        assert_eq!(parse_instant("2026-01-31"), Some(t - 13 * 3_600_000_000));
        assert_eq!(parse_instant("31/01/2026"), None);
    }

    #[test]
    fn bad_cells_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.csv");
        std::fs::write(&path, "unique_id,ds,y\na,2026-01-01,1\na,2026-01-02,x\n").unwrap();
        let err = read_series(&path).unwrap_err().to_string();
        assert!(
            err.contains("row 2") && err.contains("'y'") && err.contains("'x'"),
            "{err}"
        );
        std::fs::write(&path, "unique_id,ds,y\na,yesterday,1\n").unwrap();
        let err = read_series(&path).unwrap_err().to_string();
        assert!(
            err.contains("row 1") && err.contains("'yesterday'"),
            "{err}"
        );
        std::fs::write(&path, "id,ds,y\na,2026-01-01,1\n").unwrap();
        let err = read_series(&path).unwrap_err().to_string();
        assert!(err.contains("missing column 'unique_id'"), "{err}");
        std::fs::write(&path, "unique_id,ds,y\na,2026-01-01,\na,2026-01-02,2.5\n").unwrap();
        let frame = read_series(&path).unwrap();
        assert_eq!(frame.column("y").unwrap().null_count(), 1);
        assert_eq!(frame.column("ds").unwrap().dtype(), &utc_datetime());
    }
}
