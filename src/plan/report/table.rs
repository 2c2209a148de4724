//! Tables as text: JSON records for files, and cells formatted for reading in the HTML page.

use polars::prelude::*;

use crate::error::Result;

/// `frame` with every date/time column as ISO 8601 UTC text (`2026-09-01T00:00:00Z`).
pub(crate) fn with_iso_dates(frame: &DataFrame) -> Result<DataFrame> {
    let exprs: Vec<Expr> = frame
        .columns()
        .iter()
        .map(|c| {
            let name = c.name().as_str();
            match c.dtype() {
                DataType::Datetime(_, _) => col(name)
                    .dt()
                    .convert_time_zone(TimeZone::UTC)
                    .dt()
                    .strftime("%Y-%m-%dT%H:%M:%SZ")
                    .alias(name),
                DataType::Date => col(name).dt().strftime("%Y-%m-%d").alias(name),
                _ => col(name),
            }
        })
        .collect();
    Ok(frame.clone().lazy().select(exprs).collect()?)
}

/// The frame as a JSON array of records (dates as ISO text, nulls as `null`).
///
/// # Errors
/// The engine's error if a column cannot be written.
pub(crate) fn to_json(frame: &DataFrame) -> Result<Vec<u8>> {
    let mut frame = with_iso_dates(frame)?;
    let mut out = Vec::new();
    JsonWriter::new(&mut out)
        .with_json_format(JsonFormat::Json)
        .finish(&mut frame)?;
    Ok(out)
}

/// The frame as CSV with a header (dates as ISO text).
///
/// # Errors
/// The engine's error if a column cannot be written.
pub(crate) fn to_csv(frame: &DataFrame) -> Result<Vec<u8>> {
    let mut frame = with_iso_dates(frame)?;
    let mut out = Vec::new();
    CsvWriter::new(&mut out).finish(&mut frame)?;
    Ok(out)
}

/// One cell for reading: numbers with thousands separators and at most 2 decimals, midnight
/// date/times as dates, nulls empty.
pub(crate) fn cell(value: &AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Float64(v) => number(*v),
        AnyValue::Float32(v) => number(*v as f64),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Datetime(v, unit, _) | AnyValue::DatetimeOwned(v, unit, _) => {
            let us = match unit {
                TimeUnit::Nanoseconds => v / 1000,
                TimeUnit::Microseconds => *v,
                TimeUnit::Milliseconds => v * 1000,
            };
            match chrono::DateTime::from_timestamp_micros(us) {
                Some(d) if us % 86_400_000_000 == 0 => d.format("%Y-%m-%d").to_string(),
                Some(d) => d.format("%Y-%m-%d %H:%M").to_string(),
                None => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// A number with thousands separators and 2 decimals (none for whole numbers of 1000 or
/// more, where cents add nothing to reading).
pub(crate) fn number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let decimals = if v.abs() >= 1000.0 { 0 } else { 2 };
    super::context::money(v, "", decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_well() {
        assert_eq!(cell(&AnyValue::Float64(1234.567)), "1,235");
        assert_eq!(cell(&AnyValue::Float64(-12.345)), "-12.35");
        assert_eq!(cell(&AnyValue::Null), "");
        assert_eq!(
            cell(&AnyValue::Datetime(
                86_400_000_000,
                TimeUnit::Microseconds,
                None
            )),
            "1970-01-02"
        );
        assert_eq!(cell(&AnyValue::Int64(7)), "7");
    }

    #[test]
    fn json_and_csv_write_dates_as_iso_text() {
        let frame = df!("ds" => [0i64], "y" => [1.5])
            .unwrap()
            .lazy()
            .with_column(col("ds").cast(DataType::Datetime(
                TimeUnit::Microseconds,
                Some(TimeZone::UTC),
            )))
            .collect()
            .unwrap();
        let json = String::from_utf8(to_json(&frame).unwrap()).unwrap();
        assert_eq!(json.trim(), r#"[{"ds":"1970-01-01T00:00:00Z","y":1.5}]"#);
        let csv = String::from_utf8(to_csv(&frame).unwrap()).unwrap();
        assert_eq!(csv, "ds,y\n1970-01-01T00:00:00Z,1.5\n");
    }
}
