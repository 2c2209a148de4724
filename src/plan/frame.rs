//! Reading the frames capacity planning works on: series (`unique_id, ds, <value>`) and
//! forecast sample paths (`unique_id, path, ds, y`, as [`crate::forecast::BatchForecast`]
//! returns them), grouped by id, with positions in every error.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The id column.
pub(crate) const ID: &str = "unique_id";
/// The time column.
pub(crate) const DS: &str = "ds";

/// One microsecond-resolution day.
pub(crate) const DAY: i64 = 86_400_000_000;
/// One hour in microseconds.
pub(crate) const HOUR: i64 = 3_600_000_000;
/// One minute in microseconds.
pub(crate) const MINUTE: i64 = 60_000_000;

/// `Datetime(us, "UTC")`.
pub(crate) fn utc_datetime() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// One series: values at increasing timestamps.
#[derive(Debug, Clone, Default)]
pub(crate) struct Series {
    pub(crate) id: String,
    pub(crate) ds: Vec<i64>,
    pub(crate) y: Vec<f64>,
}

/// The sample paths of one group: `paths[j][h]` is path `j` at `ds[h]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paths {
    pub(crate) id: String,
    pub(crate) ds: Vec<i64>,
    pub(crate) paths: Vec<Vec<f64>>,
}

/// The groups of a frame, in first-seen order, and the id column's type (to cast back).
#[derive(Debug, Clone)]
pub(crate) struct Grouped<T> {
    pub(crate) id_dtype: DataType,
    pub(crate) groups: Vec<T>,
}

fn column<'a>(df: &'a DataFrame, what: &str, name: &str, expected: &str) -> Result<&'a Column> {
    df.column(name).map_err(|_| {
        Error::data(
            Position::default().column(name),
            format!("the {what} frame has no such column; expected {expected}"),
        )
    })
}

fn wrong_type(name: &str, dtype: &DataType, expected: &str) -> Error {
    Error::data(
        Position::default().column(name).value(dtype.to_string()),
        format!("expected {expected}"),
    )
}

/// The ids as strings (a missing `unique_id` column: every row is one series named `series`).
fn ids(df: &DataFrame, what: &str) -> Result<(DataType, Vec<Option<String>>)> {
    let Ok(col) = df.column(ID) else {
        return Ok((DataType::String, vec![Some("series".into()); df.height()]));
    };
    let dtype = col.dtype().clone();
    if !(dtype.is_integer() || matches!(dtype, DataType::String | DataType::Categorical(..))) {
        return Err(wrong_type(
            ID,
            &dtype,
            &format!("a string or integer series id in the {what} frame"),
        ));
    }
    let s = col.cast(&DataType::String)?;
    let v = s
        .as_materialized_series()
        .str()?
        .iter()
        .map(|x| x.map(str::to_string))
        .collect();
    Ok((dtype, v))
}

/// Timestamps in microseconds since the epoch, UTC.
pub(crate) fn times(df: &DataFrame, what: &str, name: &str) -> Result<Vec<Option<i64>>> {
    let col = column(df, what, name, "a date/time column (Datetime or Date)")?;
    if !matches!(col.dtype(), DataType::Datetime(..) | DataType::Date) {
        return Err(wrong_type(
            name,
            col.dtype(),
            "a date/time column (Datetime or Date)",
        ));
    }
    let s = col
        .cast(&utc_datetime())?
        .to_physical_repr()
        .cast(&DataType::Int64)?;
    Ok(s.as_materialized_series().i64()?.iter().collect())
}

/// A numeric column as floats (null stays `None`).
pub(crate) fn numbers(df: &DataFrame, what: &str, name: &str) -> Result<Vec<Option<f64>>> {
    let col = column(df, what, name, "a numeric column")?;
    if !col.dtype().is_primitive_numeric() && !col.dtype().is_null() {
        return Err(wrong_type(name, col.dtype(), "a numeric column"));
    }
    let s = col.cast(&DataType::Float64)?;
    Ok(s.as_materialized_series().f64()?.iter().collect())
}

/// A non-null time at data row `row` (0-based).
fn need_time(t: Option<i64>, row: usize, name: &str) -> Result<i64> {
    t.ok_or_else(|| {
        Error::data(
            Position::default().row(row as u64 + 1).column(name),
            "expected a time, found null",
        )
    })
}

/// A finite value at data row `row` (0-based).
pub(crate) fn need_finite(v: Option<f64>, row: usize, name: &str) -> Result<f64> {
    match v {
        Some(x) if x.is_finite() => Ok(x),
        Some(x) => Err(Error::data(
            Position::default()
                .row(row as u64 + 1)
                .column(name)
                .value(x.to_string()),
            "expected a finite number",
        )),
        None => Err(Error::data(
            Position::default().row(row as u64 + 1).column(name),
            "expected a number, found null",
        )),
    }
}

fn need_id(id: Option<String>, row: usize) -> Result<String> {
    id.ok_or_else(|| {
        Error::data(
            Position::default().row(row as u64 + 1).column(ID),
            "expected a series id, found null",
        )
    })
}

/// Reads `unique_id` (optional), `ds` and the value column `value` into series sorted by
/// time. Null values are an error unless `allow_null` (then they become `NaN`).
///
/// # Errors
/// [`Error::Data`] for a missing or mistyped column, an empty frame, a null id or time, a
/// non-finite value, or a repeated timestamp within a series (naming the row).
pub(crate) fn read_series(
    df: &DataFrame,
    what: &str,
    value: &str,
    allow_null: bool,
) -> Result<Grouped<Series>> {
    if df.height() == 0 {
        return Err(Error::data(
            Position::default(),
            format!("the {what} frame is empty; expected at least one row"),
        ));
    }
    let (id_dtype, ids) = ids(df, what)?;
    let ds = times(df, what, DS)?;
    let y = numbers(df, what, value)?;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(Series, Vec<usize>)> = Vec::new();
    for (row, ((id, t), v)) in ids.into_iter().zip(ds).zip(y).enumerate() {
        let id = need_id(id, row)?;
        let t = need_time(t, row, DS)?;
        let v = if allow_null && v.is_none() {
            f64::NAN
        } else {
            need_finite(v, row, value)?
        };
        let slot = *index.entry(id.clone()).or_insert_with(|| {
            groups.push((
                Series {
                    id,
                    ..Default::default()
                },
                Vec::new(),
            ));
            groups.len() - 1
        });
        let (s, rows) = &mut groups[slot];
        s.ds.push(t);
        s.y.push(v);
        rows.push(row);
    }
    let mut out = Vec::with_capacity(groups.len());
    for (s, rows) in groups {
        let mut order: Vec<usize> = (0..s.ds.len()).collect();
        order.sort_by_key(|&i| s.ds[i]);
        for w in order.windows(2) {
            if s.ds[w[0]] == s.ds[w[1]] {
                return Err(Error::data(
                    Position::default()
                        .row(rows[w[1]] as u64 + 1)
                        .column(DS)
                        .value(s.id.clone()),
                    "this time appears twice in the series; expected one row per time",
                ));
            }
        }
        out.push(Series {
            ds: order.iter().map(|&i| s.ds[i]).collect(),
            y: order.iter().map(|&i| s.y[i]).collect(),
            id: s.id,
        });
    }
    Ok(Grouped {
        id_dtype,
        groups: out,
    })
}

/// Reads a sample-paths frame `unique_id, path, ds, y`: every path of a group must have the
/// same timestamps.
///
/// # Errors
/// [`Error::Data`] for a missing or mistyped column, an empty frame, a null or non-finite
/// cell, a repeated `(path, ds)`, or paths of one group with different timestamps.
pub(crate) fn read_paths(df: &DataFrame, what: &str) -> Result<Grouped<Paths>> {
    if df.height() == 0 {
        return Err(Error::data(
            Position::default(),
            format!("the {what} frame is empty; expected at least one sample path"),
        ));
    }
    let (id_dtype, ids) = ids(df, what)?;
    let path_col = column(df, what, "path", "an integer path number")?;
    if !path_col.dtype().is_integer() {
        return Err(wrong_type(
            "path",
            path_col.dtype(),
            "an integer path number",
        ));
    }
    let path_no: Vec<Option<i64>> = path_col
        .cast(&DataType::Int64)?
        .as_materialized_series()
        .i64()?
        .iter()
        .collect();
    let ds = times(df, what, DS)?;
    let y = numbers(df, what, "y")?;
    // id -> (path number -> (ds, y) points)
    let mut index: HashMap<String, usize> = HashMap::new();
    type PathPoints = Vec<(i64, f64, usize)>;
    let mut groups: Vec<(String, HashMap<i64, usize>, Vec<PathPoints>)> = Vec::new();
    for (row, (((id, p), t), v)) in ids.into_iter().zip(path_no).zip(ds).zip(y).enumerate() {
        let id = need_id(id, row)?;
        let p = p.ok_or_else(|| {
            Error::data(
                Position::default().row(row as u64 + 1).column("path"),
                "expected a path number, found null",
            )
        })?;
        let t = need_time(t, row, DS)?;
        let v = need_finite(v, row, "y")?;
        let g = *index.entry(id.clone()).or_insert_with(|| {
            groups.push((id, HashMap::new(), Vec::new()));
            groups.len() - 1
        });
        let (_, pmap, points) = &mut groups[g];
        let slot = *pmap.entry(p).or_insert_with(|| {
            points.push(Vec::new());
            points.len() - 1
        });
        points[slot].push((t, v, row));
    }
    let mut out = Vec::with_capacity(groups.len());
    for (id, _, mut points) in groups {
        let mut ds_ref: Option<Vec<i64>> = None;
        let mut paths = Vec::with_capacity(points.len());
        for pts in &mut points {
            pts.sort_by_key(|p| p.0);
            if let Some(w) = pts.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(Error::data(
                    Position::default()
                        .row(w[1].2 as u64 + 1)
                        .column(DS)
                        .value(id.clone()),
                    "this time appears twice in one sample path; expected one row per path and time",
                ));
            }
            let ds: Vec<i64> = pts.iter().map(|p| p.0).collect();
            match &ds_ref {
                None => ds_ref = Some(ds),
                Some(r) if *r != ds => {
                    return Err(Error::data(
                        Position::default()
                            .row(pts[0].2 as u64 + 1)
                            .column(DS)
                            .value(id.clone()),
                        "the sample paths of this series have different timestamps; expected every path to cover the same times",
                    ))
                }
                Some(_) => {}
            }
            paths.push(pts.iter().map(|p| p.1).collect());
        }
        out.push(Paths {
            id,
            ds: ds_ref.unwrap_or_default(),
            paths,
        });
    }
    Ok(Grouped {
        id_dtype,
        groups: out,
    })
}

/// The id column, cast back to the input's id type.
pub(crate) fn id_column(ids: Vec<String>, dtype: &DataType) -> Result<Column> {
    let column = Column::new(ID.into(), ids);
    if dtype.is_integer() {
        Ok(column.cast(dtype)?)
    } else {
        Ok(column)
    }
}

/// A `Datetime(us, UTC)` column from optional microseconds.
pub(crate) fn time_column(name: &str, ds: Vec<Option<i64>>) -> Result<Column> {
    Ok(Column::new(name.into(), ds).cast(&utc_datetime())?)
}

/// The empirical `q`-quantile of `sorted` (ascending, non-empty) with linear interpolation
/// between order statistics (Hyndman & Fan type 7, numpy's default).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0];
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `q`-quantile of values that may be missing (`None` = beyond the horizon, larger than
/// every value): the order statistic at `ceil(q n)` (inverse of the empirical distribution),
/// `None` when it falls among the missing ones.
pub(crate) fn censored_quantile(values: &[Option<i64>], q: f64) -> Option<i64> {
    let mut seen: Vec<i64> = values.iter().flatten().copied().collect();
    seen.sort_unstable();
    let n = values.len();
    if n == 0 {
        return None;
    }
    let k = ((q * n as f64).ceil() as usize).clamp(1, n);
    seen.get(k - 1).copied()
}

/// Checks a probability-like parameter in the open interval (0, 1).
pub(crate) fn check_open_unit(name: &str, v: f64) -> Result<()> {
    if !(v > 0.0 && v < 1.0) {
        return Err(Error::parameter(
            name,
            format!("{v} is outside (0, 1); expected a fraction such as 0.95"),
        ));
    }
    Ok(())
}

/// Checks a fraction in (0, 1].
pub(crate) fn check_unit(name: &str, v: f64) -> Result<()> {
    if !(v > 0.0 && v <= 1.0) {
        return Err(Error::parameter(
            name,
            format!("{v} is outside (0, 1]; expected a fraction such as 0.8"),
        ));
    }
    Ok(())
}

/// Checks a positive finite number.
pub(crate) fn check_positive(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        return Err(Error::parameter(
            name,
            format!("{v} is not a positive finite number"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        // numpy.quantile([1, 2, 3, 4], 0.95) = 3.85 (type 7).
        assert!((quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.95) - 3.85).abs() < 1e-12);
        let v = [Some(3), None, Some(1), Some(2)];
        assert_eq!(censored_quantile(&v, 0.1), Some(1));
        assert_eq!(censored_quantile(&v, 0.5), Some(2));
        assert_eq!(censored_quantile(&v, 0.75), Some(3));
        assert_eq!(censored_quantile(&v, 0.9), None);
    }

    #[test]
    fn paths_must_share_times() {
        let df = df!(
            "unique_id" => ["a", "a", "a", "a"],
            "path" => [0i64, 0, 1, 1],
            "ds" => [0i64, DAY, 0, 2 * DAY],
            "y" => [1.0, 2.0, 3.0, 4.0],
        )
        .unwrap()
        .lazy()
        .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
        .collect()
        .unwrap();
        let err = read_paths(&df, "paths").unwrap_err();
        assert!(err.to_string().contains("different timestamps"), "{err}");
    }
}
