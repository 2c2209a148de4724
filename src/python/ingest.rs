//! Bindings of the loaders: `read_billing` and `read_utilization`. Each returns its frames as
//! Arrow streams and its report twice, as JSON (for the typed Python report) and as the Rust
//! text (the report's `repr`).

use std::path::PathBuf;

use pyo3::prelude::*;

use super::arrow::ArrowStream;
use super::errors::run;
use crate::ingest::utilization::Statistic;
use crate::ingest::{BillingOptions, UtilizationOptions};

/// Serialises a report; a failure is a bug, reported as `ComputeError`.
fn report_json<T: serde::Serialize>(report: &T) -> crate::Result<String> {
    serde_json::to_string(report).map_err(|e| {
        crate::Error::Polars(polars::prelude::PolarsError::ComputeError(
            format!("cannot serialise the load report: {e}").into(),
        ))
    })
}

/// `read_billing(paths, *, lenient, dedupe, allow_mixed_currencies, check_billing_period)`
/// -> `(costs, commitments | None, report_json, report_text)`. The costs are collected here,
/// with the GIL released.
#[pyfunction]
#[pyo3(signature = (paths, *, lenient = false, dedupe = false, allow_mixed_currencies = false, check_billing_period = true))]
pub(crate) fn read_billing(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    lenient: bool,
    dedupe: bool,
    allow_mixed_currencies: bool,
    check_billing_period: bool,
) -> PyResult<(ArrowStream, Option<ArrowStream>, String, String)> {
    let options = BillingOptions {
        lenient,
        dedupe,
        allow_mixed_currencies,
        check_billing_period,
        ..Default::default()
    };
    let (costs, commitments, json, text) = run(py, move || {
        let billing = crate::ingest::read_billing(&paths, &options)?;
        let costs = billing.costs.collect()?;
        let json = report_json(&billing.report)?;
        Ok((costs, billing.commitments, json, billing.report.to_string()))
    })?;
    Ok((
        ArrowStream::new(costs),
        commitments.map(ArrowStream::new),
        json,
        text,
    ))
}

/// `read_utilization(paths, *, format, statistic, counters_to_rates, resource_id, metric)`
/// -> `(samples, resources, report_json, report_text)`.
#[pyfunction]
#[pyo3(signature = (paths, *, format = None, statistic = "average", counters_to_rates = true, resource_id = None, metric = None))]
pub(crate) fn read_utilization(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    format: Option<String>,
    statistic: &str,
    counters_to_rates: bool,
    resource_id: Option<String>,
    metric: Option<String>,
) -> PyResult<(ArrowStream, ArrowStream, String, String)> {
    let statistic = statistic.to_string();
    let (samples, resources, json, text) = run(py, move || {
        let options = UtilizationOptions {
            format: format.as_deref().map(str::parse).transpose()?,
            counters_to_rates,
            statistic: statistic.parse::<Statistic>()?,
            resource_id,
            metric,
        };
        let utilization = crate::ingest::read_utilization(&paths, &options)?;
        let json = report_json(&utilization.report)?;
        let text = utilization.report.to_string();
        Ok((utilization.samples, utilization.resources, json, text))
    })?;
    Ok((
        ArrowStream::new(samples),
        ArrowStream::new(resources),
        json,
        text,
    ))
}
