//! Checks of the billing frame's columns that the series functions read, and the one place
//! where their lazy queries are collected.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The column that assigns a row to a period.
pub(crate) const CHARGE_PERIOD_START: &str = "ChargePeriodStart";
/// The end of a row's charge period (exclusive), read when spreading.
pub(crate) const CHARGE_PERIOD_END: &str = "ChargePeriodEnd";

/// `Datetime(us, "UTC")`, the type of every FOCUS date/time column and of `ds`.
pub(crate) fn utc_datetime() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// An instant as a polars literal of type `Datetime(us, "UTC")`.
pub(crate) fn instant(t: DateTime<Utc>) -> Expr {
    micros(t.timestamp_micros())
}

/// Microseconds since the epoch as a polars literal of type `Datetime(us, "UTC")`.
pub(crate) fn micros(us: i64) -> Expr {
    lit(us).cast(utc_datetime())
}

/// The date/time column `name` as `Datetime(us, "UTC")`: other units and time zones are
/// converted, dates become midnight UTC, naive date/times are read as UTC, and an all-null
/// column stays null.
///
/// # Errors
/// [`Error::Data`] naming the column when it is missing or not a date/time.
pub(crate) fn datetime(schema: &Schema, name: &str) -> Result<Expr> {
    match schema.get(name) {
        None => Err(missing(name, "a UTC date/time column")),
        // An all-null column (type Null) passes here and its rows are reported as null.
        Some(DataType::Datetime(_, _)) | Some(DataType::Date) | Some(DataType::Null) => {
            Ok(col(name).cast(utc_datetime()))
        }
        Some(other) => Err(Error::data(
            Position::default().column(name).value(other.to_string()),
            "expected a UTC date/time column (Datetime)",
        )),
    }
}

/// The numeric column `name` as `Float64`.
///
/// # Errors
/// [`Error::Data`] naming the column when it is missing or not numeric.
pub(crate) fn number(schema: &Schema, name: &str) -> Result<Expr> {
    match schema.get(name) {
        None => Err(missing(name, "a number column (Float64)")),
        // An all-null column (type Null) counts as zero, like any null amount.
        Some(dtype) if dtype.is_primitive_numeric() || dtype.is_null() => {
            Ok(col(name).cast(DataType::Float64))
        }
        Some(other) => Err(Error::data(
            Position::default().column(name).value(other.to_string()),
            "expected a number column (Float64)",
        )),
    }
}

/// The error for a column the frame lacks.
fn missing(name: &str, expected: &str) -> Error {
    Error::data(
        Position::default().column(name),
        format!("the billing frame has no such column; expected {expected}"),
    )
}

/// Runs the queries together (sharing their common inputs) on the streaming engine and
/// returns one frame per query, in order.
pub(crate) fn collect_all(queries: Vec<LazyFrame>) -> Result<Vec<DataFrame>> {
    let Some(first) = queries.first() else {
        return Ok(Vec::new());
    };
    let optimizations = first.get_current_optimizations();
    let plans = queries.into_iter().map(|q| q.logical_plan).collect();
    Ok(LazyFrame::collect_all_with_engine(
        plans,
        Engine::Streaming,
        optimizations,
    )?)
}

/// Runs one query on the streaming engine.
pub(crate) fn collect(query: LazyFrame) -> Result<DataFrame> {
    collect_all(vec![query])?
        .pop()
        .ok_or_else(|| Error::Polars(PolarsError::NoData("the query returned no frame".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_of_any_unit_zone_or_date_become_utc_microseconds() {
        // 2025-01-01T00:00:00Z in each representation.
        let us = 1_735_689_600_000_000i64;
        let df = df!(
            "naive" => [us],
            "nanos" => [us * 1000],
            "paris" => [us],
            "date" => [20_089i32],
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("naive").cast(DataType::Datetime(TimeUnit::Microseconds, None)),
            col("nanos").cast(DataType::Datetime(
                TimeUnit::Nanoseconds,
                Some(TimeZone::UTC),
            )),
            col("paris").cast(DataType::Datetime(
                TimeUnit::Microseconds,
                TimeZone::opt_try_new(Some("Europe/Paris")).unwrap(),
            )),
            col("date").cast(DataType::Date),
        ]);
        let mut lf = df;
        let schema = lf.collect_schema().unwrap();
        let exprs: Vec<Expr> = ["naive", "nanos", "paris", "date"]
            .iter()
            .map(|c| datetime(&schema, c).unwrap().cast(DataType::Int64))
            .collect();
        let out = lf.select(exprs).collect().unwrap();
        for c in out.columns() {
            assert_eq!(c.i64().unwrap().get(0), Some(us), "{}", c.name());
        }
    }

    #[test]
    fn wrong_types_are_data_errors() {
        let df = df!("ChargePeriodStart" => ["2025-01-01"], "BilledCost" => ["1"]).unwrap();
        let schema = df.schema().clone();
        let err = datetime(&schema, "ChargePeriodStart")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "column 'ChargePeriodStart', value 'str': expected a UTC date/time column (Datetime)"
        );
        let err = number(&schema, "BilledCost").unwrap_err().to_string();
        assert_eq!(
            err,
            "column 'BilledCost', value 'str': expected a number column (Float64)"
        );
        let err = number(&schema, "ListCost").unwrap_err().to_string();
        assert!(
            err.starts_with("column 'ListCost': the billing frame has no such column"),
            "{err}"
        );
    }
}
