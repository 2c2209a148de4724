//! Reading the long `unique_id, ds, y` frame into series, and building output columns.

use std::cmp::Ordering;
use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The id column.
pub(crate) const ID: &str = "unique_id";
/// The time column.
pub(crate) const DS: &str = "ds";
/// The value column.
pub(crate) const Y: &str = "y";

/// `Datetime(us, "UTC")`.
pub(crate) fn utc_datetime() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// The points of one series, in input order.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawSeries {
    pub(crate) id: String,
    pub(crate) ds: Vec<i64>,
    pub(crate) y: Vec<f64>,
}

/// The input's series (sorted by id: numerically for integer ids) and the id type.
pub(crate) struct Input {
    pub(crate) id_dtype: DataType,
    pub(crate) series: Vec<RawSeries>,
}

fn column<'a>(df: &'a DataFrame, name: &str, expected: &str) -> Result<&'a Column> {
    df.column(name).map_err(|_| {
        Error::data(
            Position::default().column(name),
            format!("the frame has no such column; expected {expected}"),
        )
    })
}

fn wrong_type(name: &str, dtype: &DataType, expected: &str) -> Error {
    Error::data(
        Position::default().column(name).value(dtype.to_string()),
        format!("expected {expected}"),
    )
}

/// Reads and groups the long frame.
///
/// # Errors
/// [`Error::Data`] for a missing column, a column of the wrong type, or a null id or time
/// (naming the row).
pub(crate) fn read(df: &DataFrame) -> Result<Input> {
    let id_col = column(df, ID, "a series id (string or integer)")?;
    let id_dtype = id_col.dtype().clone();
    let integer_ids = id_dtype.is_integer();
    if !(integer_ids || matches!(id_dtype, DataType::String | DataType::Categorical(..))) {
        return Err(wrong_type(ID, &id_dtype, "a string or integer series id"));
    }
    let ds_col = column(df, DS, "a date/time column (Datetime or Date)")?;
    if !matches!(ds_col.dtype(), DataType::Datetime(..) | DataType::Date) {
        return Err(wrong_type(
            DS,
            ds_col.dtype(),
            "a date/time column (Datetime or Date)",
        ));
    }
    let y_col = column(df, Y, "a numeric column")?;
    if !y_col.dtype().is_primitive_numeric() && !y_col.dtype().is_null() {
        return Err(wrong_type(Y, y_col.dtype(), "a numeric column"));
    }
    let ids = id_col.cast(&DataType::String)?;
    let ids = ids.as_materialized_series().str()?.clone();
    let ds = ds_col
        .cast(&utc_datetime())?
        .to_physical_repr()
        .cast(&DataType::Int64)?;
    let ds = ds.as_materialized_series().i64()?.clone();
    let y = y_col.cast(&DataType::Float64)?;
    let y = y.as_materialized_series().f64()?.clone();

    let mut index: HashMap<String, usize> = HashMap::new();
    let mut series: Vec<RawSeries> = Vec::new();
    for (row, ((id, t), v)) in ids.iter().zip(ds.iter()).zip(y.iter()).enumerate() {
        let Some(id) = id else {
            return Err(Error::data(
                Position::default().row(row as u64 + 1).column(ID),
                "expected a series id, found null",
            ));
        };
        let Some(t) = t else {
            return Err(Error::data(
                Position::default().row(row as u64 + 1).column(DS).value(id),
                "expected a time, found null",
            ));
        };
        let slot = *index.entry(id.to_string()).or_insert_with(|| {
            series.push(RawSeries {
                id: id.to_string(),
                ..Default::default()
            });
            series.len() - 1
        });
        series[slot].ds.push(t);
        series[slot].y.push(v.unwrap_or(f64::NAN));
    }
    series.sort_by(|a, b| compare_ids(&a.id, &b.id, integer_ids));
    Ok(Input { id_dtype, series })
}

fn compare_ids(a: &str, b: &str, integer: bool) -> Ordering {
    if integer {
        if let (Ok(x), Ok(y)) = (a.parse::<i128>(), b.parse::<i128>()) {
            return x.cmp(&y);
        }
    }
    a.cmp(b)
}

/// The id column, cast back to the input's id type when it was a string or an integer.
pub(crate) fn id_column(ids: Vec<String>, dtype: &DataType) -> Result<Column> {
    let column = Column::new(ID.into(), ids);
    if dtype.is_integer() {
        Ok(column.cast(dtype)?)
    } else {
        Ok(column)
    }
}

/// A `Datetime(us, UTC)` column from microseconds.
pub(crate) fn ds_column(name: &str, ds: Vec<i64>) -> Result<Column> {
    Ok(Column::new(name.into(), ds).cast(&utc_datetime())?)
}

/// A level as it appears in column names: `80`, `95`, `99.5`.
pub(crate) fn level_name(level: f64) -> String {
    format!("{level}")
}

/// A float column where `NaN` (an undefined metric) becomes null.
pub(crate) fn nullable_f64(name: &str, values: &[f64]) -> Column {
    let v: Vec<Option<f64>> = values.iter().map(|x| x.is_finite().then_some(*x)).collect();
    Column::new(name.into(), v)
}

/// The most common positive difference between sorted timestamps of one series.
fn series_step(ds: &[i64]) -> Option<i64> {
    let mut sorted = ds.to_vec();
    sorted.sort_unstable();
    let mut diffs: Vec<i64> = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0)
        .collect();
    mode(&mut diffs)
}

fn mode(values: &mut [i64]) -> Option<i64> {
    values.sort_unstable();
    let mut best: Option<(i64, usize)> = None;
    let mut i = 0;
    while i < values.len() {
        let j = values[i..].iter().take_while(|&&v| v == values[i]).count();
        if best.is_none_or(|(_, n)| j > n) {
            best = Some((values[i], j));
        }
        i += j;
    }
    best.map(|(v, _)| v)
}

/// The step for series whose own timestamps cannot tell it (a single timestamp): the most
/// common step of the other series.
pub(crate) fn batch_step(series: &[RawSeries]) -> Option<i64> {
    let mut steps: Vec<i64> = series.iter().filter_map(|s| series_step(&s.ds)).collect();
    mode(&mut steps)
}

/// Whether the series has a single distinct timestamp.
pub(crate) fn single_time(raw: &RawSeries) -> bool {
    raw.ds.iter().all(|&t| Some(&t) == raw.ds.first())
}
