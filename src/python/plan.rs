//! Bindings of capacity planning (`crate::plan`): `runway`, `required_capacity`, `erlang_c`,
//! `servers_for_wait`, `budget_forecast`, `slo_burn`, and the `runway_chart` and
//! `burndown_chart` charts. The Python package wraps the raw
//! parts into typed results (python/capcast/_plan.py).

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::arrow::{frame_arg, ArrowStream};
use super::errors::run;
use crate::chart::{BurndownChart, ChartFormat, RunwayChart, ValueFormat};
use crate::forecast::series::parse_step;
use crate::plan::{
    budget_forecast as plan_budget, required_capacity as plan_required, runway as plan_runway,
    runway_from_forecast as plan_runway_forecast, servers_for_wait as plan_servers,
    slo_burn as plan_slo, BudgetForecast, BudgetParams, MmcQueue, Period, RequiredParams, Runway,
    RunwayParams, SloParams,
};

/// The runway settings both runway bindings take.
fn runway_params(
    threshold: f64,
    quantile: f64,
    capacity: f64,
    capacities: Option<HashMap<String, f64>>,
) -> RunwayParams {
    let params = RunwayParams::default()
        .threshold(threshold)
        .quantile(quantile)
        .capacity(capacity);
    capacities
        .unwrap_or_default()
        .into_iter()
        .fold(params, |params, (id, c)| params.group_capacity(id, c))
}

/// `runway(paths, *, history, threshold, quantile, capacity, capacities)` -> `(summary, curves)`.
#[pyfunction]
#[pyo3(signature = (paths, *, history = None, threshold = 0.8, quantile = 0.95, capacity = 1.0, capacities = None))]
pub(crate) fn runway(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    history: Option<&Bound<'_, PyAny>>,
    threshold: f64,
    quantile: f64,
    capacity: f64,
    capacities: Option<HashMap<String, f64>>,
) -> PyResult<(ArrowStream, ArrowStream)> {
    let paths = frame_arg(py, paths, "paths")?;
    let history = history.map(|h| frame_arg(py, h, "history")).transpose()?;
    let (summary, curves) = run(py, move || {
        let params = runway_params(threshold, quantile, capacity, capacities);
        let out = plan_runway(&paths, history.as_ref(), &params)?;
        Ok((out.summary, out.curves))
    })?;
    Ok((ArrowStream::new(summary), ArrowStream::new(curves)))
}

/// `runway_from_forecast(forecasts, *, history, threshold, quantile, capacity, capacities)`
/// -> `(summary, curves)`.
#[pyfunction]
#[pyo3(signature = (forecasts, *, history = None, threshold = 0.8, quantile = 0.95, capacity = 1.0, capacities = None))]
pub(crate) fn runway_from_forecast(
    py: Python<'_>,
    forecasts: &Bound<'_, PyAny>,
    history: Option<&Bound<'_, PyAny>>,
    threshold: f64,
    quantile: f64,
    capacity: f64,
    capacities: Option<HashMap<String, f64>>,
) -> PyResult<(ArrowStream, ArrowStream)> {
    let forecasts = frame_arg(py, forecasts, "forecasts")?;
    let history = history.map(|h| frame_arg(py, h, "history")).transpose()?;
    let (summary, curves) = run(py, move || {
        let params = runway_params(threshold, quantile, capacity, capacities);
        let out = plan_runway_forecast(&forecasts, history.as_ref(), &params)?;
        Ok((out.summary, out.curves))
    })?;
    Ok((ArrowStream::new(summary), ArrowStream::new(curves)))
}

/// `required_capacity(paths, *, per_instance, target_utilization, quantile, redundancy,
/// period)` -> frame.
#[pyfunction]
#[pyo3(signature = (paths, *, per_instance, target_utilization = 0.8, quantile = 0.95, redundancy = 1, period = "day"))]
pub(crate) fn required_capacity(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    per_instance: f64,
    target_utilization: f64,
    quantile: f64,
    redundancy: u64,
    period: &str,
) -> PyResult<ArrowStream> {
    let paths = frame_arg(py, paths, "paths")?;
    let period = period.to_string();
    let out = run(py, move || {
        let params = RequiredParams::new(per_instance)
            .target_utilization(target_utilization)
            .quantile(quantile)
            .redundancy(redundancy)
            .period(period.parse::<Period>()?);
        plan_required(&paths, &params)
    })?;
    Ok(ArrowStream::new(out))
}

/// `erlang_c(arrival_rate, service_rate, servers, *, percentiles)` -> `(load, utilization,
/// prob_wait, mean_wait, mean_response, mean_queue_length, wait_percentiles)`.
#[pyfunction]
#[pyo3(signature = (arrival_rate, service_rate, servers, *, percentiles = vec![0.5, 0.9, 0.95, 0.99]))]
#[allow(clippy::type_complexity)]
pub(crate) fn erlang_c(
    py: Python<'_>,
    arrival_rate: f64,
    service_rate: f64,
    servers: u64,
    percentiles: Vec<f64>,
) -> PyResult<(f64, f64, f64, f64, f64, f64, Vec<f64>)> {
    run(py, move || {
        let q = MmcQueue::new(arrival_rate, service_rate, servers)?;
        let waits = percentiles
            .iter()
            .map(|&p| q.wait_percentile(p))
            .collect::<crate::Result<Vec<f64>>>()?;
        Ok((
            q.load(),
            q.utilization(),
            q.prob_wait(),
            q.mean_wait(),
            q.mean_response(),
            q.mean_queue_length(),
            waits,
        ))
    })
}

/// `servers_for_wait(arrival_rate, service_rate, target_wait, percentile)` -> servers.
#[pyfunction]
#[pyo3(signature = (arrival_rate, service_rate, target_wait, percentile = 0.95))]
pub(crate) fn servers_for_wait(
    py: Python<'_>,
    arrival_rate: f64,
    service_rate: f64,
    target_wait: f64,
    percentile: f64,
) -> PyResult<u64> {
    run(py, move || {
        plan_servers(arrival_rate, service_rate, target_wait, percentile)
    })
}

/// `budget_forecast(history, paths, *, periods, budget, budget_period, group_budgets)` ->
/// `(summary, burndown)`.
#[pyfunction]
#[pyo3(signature = (history, paths, *, periods = vec!["month".to_string(), "quarter".to_string()], budget = None, budget_period = "month", group_budgets = None))]
pub(crate) fn budget_forecast(
    py: Python<'_>,
    history: &Bound<'_, PyAny>,
    paths: &Bound<'_, PyAny>,
    periods: Vec<String>,
    budget: Option<f64>,
    budget_period: &str,
    group_budgets: Option<HashMap<String, f64>>,
) -> PyResult<(ArrowStream, ArrowStream)> {
    let history = frame_arg(py, history, "history")?;
    let paths = frame_arg(py, paths, "paths")?;
    let budget_period = budget_period.to_string();
    let (summary, burndown) = run(py, move || {
        let periods = periods
            .iter()
            .map(|p| p.parse::<Period>())
            .collect::<crate::Result<Vec<_>>>()?;
        let period = budget_period.parse::<Period>()?;
        let mut params = BudgetParams::default().periods(&periods);
        if let Some(amount) = budget {
            params = params.budget(period, amount);
        }
        for (id, amount) in group_budgets.unwrap_or_default() {
            params = params.group_budget(id, period, amount);
        }
        let out = plan_budget(&history, &paths, &params)?;
        Ok((out.summary, out.burndown))
    })?;
    Ok((ArrowStream::new(summary), ArrowStream::new(burndown)))
}

/// `slo_burn(series, *, target, period)` -> `(series, alerts, budget_remaining)`.
#[pyfunction]
#[pyo3(signature = (series, *, target, period = "30d"))]
pub(crate) fn slo_burn(
    py: Python<'_>,
    series: &Bound<'_, PyAny>,
    target: f64,
    period: &str,
) -> PyResult<(ArrowStream, ArrowStream, f64)> {
    let series = frame_arg(py, series, "series")?;
    let period = period.to_string();
    let (frame, alerts, remaining) = run(py, move || {
        let period = parse_step(&period).map_err(|_| {
            crate::Error::parameter(
                "period",
                format!("'{period}' is not a duration; expected e.g. 30d or 4w"),
            )
        })?;
        let out = plan_slo(&series, &SloParams::new(target).period(period))?;
        Ok((out.series, out.alerts, out.budget_remaining))
    })?;
    Ok((ArrowStream::new(frame), ArrowStream::new(alerts), remaining))
}

/// `runway_chart(summary, curves, *, history, unique_id, format, last, title)` -> SVG or PNG
/// bytes.
#[pyfunction]
#[pyo3(signature = (summary, curves, *, history = None, unique_id = None, format = "svg", last = None, title = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn runway_chart<'py>(
    py: Python<'py>,
    summary: &Bound<'py, PyAny>,
    curves: &Bound<'py, PyAny>,
    history: Option<&Bound<'py, PyAny>>,
    unique_id: Option<String>,
    format: &str,
    last: Option<usize>,
    title: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let runway = Runway {
        summary: frame_arg(py, summary, "summary")?,
        curves: frame_arg(py, curves, "curves")?,
    };
    let history = history.map(|h| frame_arg(py, h, "history")).transpose()?;
    let extension = format!("chart.{format}");
    let bytes = run(py, move || {
        let format = ChartFormat::from_path(extension)?;
        let mut chart = RunwayChart::new(&runway);
        if let Some(h) = &history {
            chart = chart.history(h);
        }
        if let Some(id) = unique_id {
            chart = chart.unique_id(id);
        }
        if let Some(n) = last {
            chart = chart.last(n);
        }
        if let Some(t) = title {
            chart = chart.title(t);
        }
        Ok(chart.render(format)?.bytes().to_vec())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// `burndown_chart(summary, burndown, *, unique_id, period, currency, format, title)` -> SVG
/// or PNG bytes.
#[pyfunction]
#[pyo3(signature = (summary, burndown, *, unique_id = None, period = "month", currency = None, format = "svg", title = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn burndown_chart<'py>(
    py: Python<'py>,
    summary: &Bound<'py, PyAny>,
    burndown: &Bound<'py, PyAny>,
    unique_id: Option<String>,
    period: &str,
    currency: Option<String>,
    format: &str,
    title: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let budget = BudgetForecast {
        summary: frame_arg(py, summary, "summary")?,
        burndown: frame_arg(py, burndown, "burndown")?,
    };
    let extension = format!("chart.{format}");
    let period = period.to_string();
    let bytes = run(py, move || {
        let format = ChartFormat::from_path(extension)?;
        let mut chart = BurndownChart::new(&budget).period(period.parse::<Period>()?);
        if let Some(id) = unique_id {
            chart = chart.unique_id(id);
        }
        if let Some(c) = currency {
            chart = chart.value_format(ValueFormat::currency(c));
        }
        if let Some(t) = title {
            chart = chart.title(t);
        }
        Ok(chart.render(format)?.bytes().to_vec())
    })?;
    Ok(PyBytes::new(py, &bytes))
}
