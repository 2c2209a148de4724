//! Bindings of the series functions: `aggregate`, `tag_coverage` and `top_movers`. Frames come
//! in through the Arrow PyCapsule interface; parameters arrive as the strings Python users
//! write (`"day"`, `"effective"`) and are parsed by the Rust parameter types, so the messages
//! are the same as on the command line.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use polars::prelude::*;
use pyo3::prelude::*;

use super::arrow::{frame_arg, ArrowStream};
use super::errors::run;
use crate::error::{Error, Result};
use crate::series::{
    parse_instant, CostColumn, Frequency, GapFill, Measure, QuantityColumn, SeriesParams,
};

/// Parses an instant: RFC 3339 (`2026-05-01T00:00:00Z`, any offset), or a naive date-time or
/// date read as UTC (`2026-05-01 12:00:00`, `2026-05-01`).
fn instant(name: &str, text: &str) -> Result<DateTime<Utc>> {
    let text = text.trim();
    parse_instant(text)
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(|| {
            Error::parameter(
                name,
                format!("expected an ISO 8601 instant such as 2026-05-01T00:00:00Z, got '{text}'"),
            )
        })
}

fn window(name: &str, (start, end): &(String, String)) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    Ok((instant(name, start)?, instant(name, end)?))
}

/// `aggregate(costs, *, dimensions, freq, cost, usage, gap_fill, spread, start, end, filters)`
/// -> `unique_id, <dimensions>, ds, y`.
#[pyfunction]
#[pyo3(signature = (costs, *, dimensions = Vec::new(), freq = "day", cost = "effective", usage = None, gap_fill = "zero", spread = false, start = None, end = None, filters = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn aggregate(
    py: Python<'_>,
    costs: &Bound<'_, PyAny>,
    dimensions: Vec<String>,
    freq: &str,
    cost: &str,
    usage: Option<String>,
    gap_fill: &str,
    spread: bool,
    start: Option<String>,
    end: Option<String>,
    filters: Option<BTreeMap<String, Vec<String>>>,
) -> PyResult<ArrowStream> {
    let frame = frame_arg(py, costs, "costs")?;
    let (freq, cost, gap_fill) = (freq.to_string(), cost.to_string(), gap_fill.to_string());
    let series = run(py, move || {
        let measure = match usage {
            Some(quantity) => Measure::Usage {
                quantity: quantity.parse::<QuantityColumn>()?,
            },
            None => Measure::Cost(cost.parse::<CostColumn>()?),
        };
        let mut params = SeriesParams::new()
            .dimensions(dimensions)
            .frequency(freq.parse::<Frequency>()?)
            .measure(measure)
            .gap_fill(gap_fill.parse::<GapFill>()?)
            .spread(spread);
        if let Some(start) = start {
            params = params.start(instant("start", &start)?);
        }
        if let Some(end) = end {
            params = params.end(instant("end", &end)?);
        }
        for (dimension, values) in filters.unwrap_or_default() {
            params = params.filter(dimension, values);
        }
        crate::series::aggregate(frame.lazy(), &params)
    })?;
    Ok(ArrowStream::new(series))
}

/// `tag_coverage(costs, tag_key, *, by, cost)` -> `<by>, total_cost, untagged_cost,
/// untagged_share`.
#[pyfunction]
#[pyo3(signature = (costs, tag_key, *, by = Vec::new(), cost = "effective"))]
pub(crate) fn tag_coverage(
    py: Python<'_>,
    costs: &Bound<'_, PyAny>,
    tag_key: String,
    by: Vec<String>,
    cost: &str,
) -> PyResult<ArrowStream> {
    let frame = frame_arg(py, costs, "costs")?;
    let cost = cost.to_string();
    let coverage = run(py, move || {
        let by: Vec<&str> = by.iter().map(String::as_str).collect();
        crate::series::tag_coverage(frame.lazy(), &tag_key, &by, cost.parse::<CostColumn>()?)
    })?;
    Ok(ArrowStream::new(coverage))
}

/// `top_movers(costs, dimensions, *, before, after, n, cost)` -> `<dimensions>, cost_before,
/// cost_after, change, change_pct`. Windows are `(start, end)` pairs of ISO 8601 text.
#[pyfunction]
#[pyo3(signature = (costs, dimensions, *, before, after, n = 10, cost = "effective"))]
pub(crate) fn top_movers(
    py: Python<'_>,
    costs: &Bound<'_, PyAny>,
    dimensions: Vec<String>,
    before: (String, String),
    after: (String, String),
    n: usize,
    cost: &str,
) -> PyResult<ArrowStream> {
    let frame = frame_arg(py, costs, "costs")?;
    let cost = cost.to_string();
    let movers = run(py, move || {
        let dimensions: Vec<&str> = dimensions.iter().map(String::as_str).collect();
        crate::series::top_movers(
            frame.lazy(),
            &dimensions,
            cost.parse::<CostColumn>()?,
            window("before", &before)?,
            window("after", &after)?,
            n,
        )
    })?;
    Ok(ArrowStream::new(movers))
}
