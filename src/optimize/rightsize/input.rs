//! From the long utilization frame `resource_id, metric, ts, value` to per-resource slices,
//! without copying the samples: the columns are made contiguous once, the frame is walked
//! once to find each `(resource, metric)` run, and every later step borrows sub-slices.
//!
//! The frame [`crate::ingest::read_utilization`] returns is already sorted by `resource_id`,
//! `metric`, `ts`; any other frame is sorted here first (rows with a null in any of the four
//! columns are dropped).

use std::collections::{HashMap, HashSet};

use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The four columns, contiguous, nulls dropped, sorted by `resource_id`, `metric`, `ts`.
pub(crate) struct Columns {
    ids: StringChunked,
    metrics: StringChunked,
    ts: Int64Chunked,
    values: Float64Chunked,
}

/// The samples of one metric of one resource: times (µs since the epoch, sorted) and values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MetricSlice<'a> {
    /// The metric's name.
    pub metric: &'a str,
    /// Sample times in microseconds since the Unix epoch, ascending.
    pub ts: &'a [i64],
    /// Sample values, in the metric's own unit.
    pub values: &'a [f64],
}

/// Every metric of one resource.
#[derive(Debug, Clone)]
pub(crate) struct ResourceSlices<'a> {
    /// The resource id.
    pub id: &'a str,
    /// Its metrics, sorted by name.
    pub metrics: Vec<MetricSlice<'a>>,
}

impl<'a> ResourceSlices<'a> {
    /// The metric named `name`, if present.
    pub fn get(&self, name: &str) -> Option<MetricSlice<'a>> {
        self.metrics.iter().find(|m| m.metric == name).copied()
    }

    /// The metric names, for messages.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.metrics.iter().map(|m| m.metric).collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    }
}

fn missing(column: &str, found: &DataFrame) -> Error {
    let names: Vec<String> = found
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    Error::data(
        Position::default().column(column),
        format!(
            "the utilization frame has no '{column}' column; expected resource_id, metric, ts, value, found [{}]",
            names.join(", ")
        ),
    )
}

impl Columns {
    /// Takes the four columns of `samples`, casting `value` to Float64 and `ts` to
    /// microseconds, and sorts them if they are not sorted.
    ///
    /// # Errors
    /// [`Error::Data`] for a missing column or a `ts` that is not a date or datetime.
    pub(crate) fn new(samples: &DataFrame) -> Result<Columns> {
        for name in ["resource_id", "metric", "ts", "value"] {
            if samples.column(name).is_err() {
                return Err(missing(name, samples));
            }
        }
        let ts = samples.column("ts")?;
        let ts_us = match ts.dtype() {
            DataType::Datetime(_, tz) => ts
                .cast(&DataType::Datetime(TimeUnit::Microseconds, tz.clone()))?
                .datetime()?
                .physical()
                .clone(),
            DataType::Date => ts
                .cast(&DataType::Datetime(TimeUnit::Microseconds, None))?
                .datetime()?
                .physical()
                .clone(),
            other => {
                return Err(Error::data(
                    Position::default().column("ts"),
                    format!("expected a date or datetime column, found {other}"),
                ))
            }
        };
        let cast_str = |name: &str| -> Result<StringChunked> {
            let c = samples.column(name)?;
            let c = if c.dtype() == &DataType::String {
                c.clone()
            } else {
                c.cast(&DataType::String)?
            };
            Ok(c.str()?.clone())
        };
        let ids = cast_str("resource_id")?;
        let metrics = cast_str("metric")?;
        let value = samples.column("value")?;
        let value = if value.dtype() == &DataType::Float64 {
            value.clone()
        } else {
            value.cast(&DataType::Float64).map_err(|_| {
                Error::data(
                    Position::default().column("value"),
                    format!("expected numbers, found {}", value.dtype()),
                )
            })?
        };
        let values = value.f64()?.clone();
        let nulls =
            ids.null_count() + metrics.null_count() + ts_us.null_count() + values.null_count();
        let mut columns = Columns {
            ids: ids.rechunk().into_owned(),
            metrics: metrics.rechunk().into_owned(),
            ts: ts_us.rechunk().into_owned(),
            values: values.rechunk().into_owned(),
        };
        if nulls > 0 || !columns.is_sorted() {
            columns = columns.sorted_without_nulls()?;
        }
        Ok(columns)
    }

    /// True when the rows are sorted by id, metric, ts (each run contiguous, times ascending).
    fn is_sorted(&self) -> bool {
        let Ok(ts) = self.ts.cont_slice() else {
            return false;
        };
        let mut prev: Option<(&str, &str)> = None;
        for (i, (id, metric)) in self.ids.iter().zip(self.metrics.iter()).enumerate() {
            let (Some(id), Some(metric)) = (id, metric) else {
                return false;
            };
            match prev {
                Some((pid, pm)) if pid == id && pm == metric => {
                    if ts[i] < ts[i - 1] {
                        return false;
                    }
                }
                Some((pid, pm)) => {
                    if (id, metric) < (pid, pm) {
                        return false;
                    }
                    prev = Some((id, metric));
                }
                None => prev = Some((id, metric)),
            }
        }
        true
    }

    fn sorted_without_nulls(self) -> Result<Columns> {
        let n = self.ids.len();
        let df = DataFrame::new(
            n,
            vec![
                self.ids.into_series().into(),
                self.metrics.into_series().into(),
                self.ts.into_series().into(),
                self.values.into_series().into(),
            ],
        )?;
        let df = df
            .lazy()
            .drop_nulls(None)
            .sort(
                ["resource_id", "metric", "ts"],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()?;
        let col = |name: &str| df.column(name).map(|c| c.as_materialized_series().clone());
        Ok(Columns {
            ids: col("resource_id")?.str()?.rechunk().into_owned(),
            metrics: col("metric")?.str()?.rechunk().into_owned(),
            ts: col("ts")?.i64()?.rechunk().into_owned(),
            values: col("value")?.f64()?.rechunk().into_owned(),
        })
    }

    /// Every resource's metric slices, in resource-id order.
    pub(crate) fn resources(&self) -> Result<Vec<ResourceSlices<'_>>> {
        let ts = self.ts.cont_slice()?;
        let values = self.values.cont_slice()?;
        let mut out: Vec<ResourceSlices<'_>> = Vec::new();
        let mut start = 0usize;
        let mut current: Option<(&str, &str)> = None;
        fn close<'a>(
            out: &mut Vec<ResourceSlices<'a>>,
            id: &'a str,
            metric: &'a str,
            slice: (&'a [i64], &'a [f64]),
        ) {
            let slice = MetricSlice {
                metric,
                ts: slice.0,
                values: slice.1,
            };
            match out.last_mut() {
                Some(last) if last.id == id => last.metrics.push(slice),
                _ => out.push(ResourceSlices {
                    id,
                    metrics: vec![slice],
                }),
            }
        }
        for (i, (id, metric)) in self.ids.iter().zip(self.metrics.iter()).enumerate() {
            let key = (id.unwrap_or(""), metric.unwrap_or(""));
            match current {
                Some(k) if k == key => {}
                Some((cid, cm)) => {
                    close(&mut out, cid, cm, (&ts[start..i], &values[start..i]));
                    start = i;
                    current = Some(key);
                }
                None => current = Some(key),
            }
        }
        if let Some((cid, cm)) = current {
            close(&mut out, cid, cm, (&ts[start..], &values[start..]));
        }
        Ok(out)
    }
}

/// What the resources frame says about one resource.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Meta {
    /// vCPU of the current size.
    pub vcpu: Option<f64>,
    /// Memory GiB of the current size.
    pub memory_gib: Option<f64>,
    /// The current instance type.
    pub instance_type: Option<String>,
}

/// Reads the optional resources frame `resource_id, vcpu, memory_gib, instance_type` (any of
/// the last three may be missing).
///
/// # Errors
/// [`Error::Data`] when it has no `resource_id` column.
pub(crate) fn read_meta(resources: Option<&DataFrame>) -> Result<HashMap<String, Meta>> {
    let mut out = HashMap::new();
    let Some(df) = resources else {
        return Ok(out);
    };
    if df.height() == 0 {
        return Ok(out);
    }
    let ids = df
        .column("resource_id")
        .map_err(|_| missing("resource_id", df))?
        .cast(&DataType::String)?;
    let ids = ids.str()?;
    let num = |name: &str| -> Result<Option<Float64Chunked>> {
        match df.column(name) {
            Ok(c) => Ok(Some(c.cast(&DataType::Float64)?.f64()?.clone())),
            Err(_) => Ok(None),
        }
    };
    let vcpu = num("vcpu")?;
    let memory = num("memory_gib")?;
    let types = match df.column("instance_type") {
        Ok(c) => Some(c.cast(&DataType::String)?.str()?.clone()),
        Err(_) => None,
    };
    let mut seen = HashSet::new();
    for i in 0..df.height() {
        let Some(id) = ids.get(i) else { continue };
        if !seen.insert(id.to_string()) {
            continue;
        }
        let positive = |v: Option<f64>| v.filter(|x| x.is_finite() && *x > 0.0);
        out.insert(
            id.to_string(),
            Meta {
                vcpu: positive(vcpu.as_ref().and_then(|c| c.get(i))),
                memory_gib: positive(memory.as_ref().and_then(|c| c.get(i))),
                instance_type: types
                    .as_ref()
                    .and_then(|c| c.get(i))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: &[(&str, &str, i64, f64)]) -> DataFrame {
        let ids: Vec<&str> = rows.iter().map(|r| r.0).collect();
        let metrics: Vec<&str> = rows.iter().map(|r| r.1).collect();
        let ts: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let values: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let ts = Series::new("ts".into(), ts)
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        DataFrame::new(
            rows.len(),
            vec![
                Column::new("resource_id".into(), ids),
                Column::new("metric".into(), metrics),
                ts.into(),
                Column::new("value".into(), values),
            ],
        )
        .unwrap()
    }

    #[test]
    fn unsorted_frames_are_sorted_and_split_into_runs() {
        let df = frame(&[
            ("b", "cpu", 2, 1.0),
            ("a", "mem", 1, 2.0),
            ("a", "cpu", 5, 3.0),
            ("a", "cpu", 1, 4.0),
        ]);
        let columns = Columns::new(&df).unwrap();
        let resources = columns.resources().unwrap();
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[0].id, "a");
        let cpu = resources[0].get("cpu").unwrap();
        // Milliseconds became microseconds; times ascend.
        assert_eq!(cpu.ts, &[1000, 5000]);
        assert_eq!(cpu.values, &[4.0, 3.0]);
        assert_eq!(resources[0].names(), "cpu, mem");
        assert_eq!(resources[1].get("cpu").unwrap().values, &[1.0]);
    }

    #[test]
    fn a_missing_column_is_named() {
        let df = frame(&[("a", "cpu", 1, 1.0)]).drop("metric").unwrap();
        let err = Columns::new(&df).err().unwrap().to_string();
        assert!(err.contains("'metric'"), "{err}");
    }
}
