//! Bindings of the forecasting functions: `forecast`, `backtest`, `anomalies`,
//! `sample_paths` and `fan_chart`. Parameters arrive as the names Python users write
//! (`model="mstl"`, `missing="zero"`) and are parsed by the same function the command line
//! uses ([`crate::forecast::registry::BatchSpec`]), so messages are identical.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::arrow::{frame_arg, ArrowStream};
use super::errors::run;
use crate::chart::frames::fan_chart_data;
use crate::chart::{ChartFormat, FanChart};
use crate::forecast::registry::BatchSpec;
use crate::forecast::{
    anomalies as find_anomalies, backtest_frame, forecast_frame, IntervalMethod,
};

/// What the keyword arguments shared by every function mean.
fn spec(
    models: Vec<String>,
    seasons: Option<Vec<usize>>,
    step: Option<String>,
    missing: &str,
    combine: &str,
    windows: Option<usize>,
) -> BatchSpec {
    BatchSpec {
        models,
        seasons,
        step,
        missing: missing.to_string(),
        combine: combine.to_string(),
        windows,
    }
}

/// `forecast(series, horizon, *, levels, model, season_lengths, step, missing, combine,
/// non_negative, cap, conformal, ensemble)` -> `(forecasts, models, history, changepoints)`.
#[pyfunction]
#[pyo3(signature = (series, horizon, *, levels, model = "auto", season_lengths = None, step = None, missing = "interpolate", combine = "error", non_negative = false, cap = None, conformal = None, ensemble = 0))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn forecast(
    py: Python<'_>,
    series: &Bound<'_, PyAny>,
    horizon: usize,
    levels: Vec<f64>,
    model: &str,
    season_lengths: Option<Vec<usize>>,
    step: Option<String>,
    missing: &str,
    combine: &str,
    non_negative: bool,
    cap: Option<f64>,
    conformal: Option<bool>,
    ensemble: usize,
) -> PyResult<(ArrowStream, ArrowStream, ArrowStream, ArrowStream)> {
    let frame = frame_arg(py, series, "series")?;
    let spec = spec(
        vec![model.to_string()],
        season_lengths,
        step,
        missing,
        combine,
        None,
    );
    let result = run(py, move || {
        let mut params = spec
            .params(horizon, &levels, |auto| {
                let auto = auto.ensemble(ensemble.max(1));
                match conformal {
                    Some(false) => auto.intervals(IntervalMethod::Native),
                    _ => auto.intervals(IntervalMethod::Conformal),
                }
            })?
            .non_negative(non_negative);
        if let Some(cap) = cap {
            params = params.cap(cap);
        }
        forecast_frame(&frame, &params)
    })?;
    Ok((
        ArrowStream::new(result.forecasts),
        ArrowStream::new(result.models),
        ArrowStream::new(result.history),
        ArrowStream::new(result.changepoints),
    ))
}

/// `backtest(series, horizon, *, windows, step_size, models, levels, season_lengths, step,
/// missing, combine)` -> `(per_series, summary)`.
#[pyfunction]
#[pyo3(signature = (series, horizon, *, windows = 3, step_size = None, models = vec!["auto".to_string()], levels = vec![80.0, 95.0], season_lengths = None, step = None, missing = "interpolate", combine = "error"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn backtest(
    py: Python<'_>,
    series: &Bound<'_, PyAny>,
    horizon: usize,
    windows: usize,
    step_size: Option<usize>,
    models: Vec<String>,
    levels: Vec<f64>,
    season_lengths: Option<Vec<usize>>,
    step: Option<String>,
    missing: &str,
    combine: &str,
) -> PyResult<(ArrowStream, ArrowStream)> {
    let frame = frame_arg(py, series, "series")?;
    let spec = spec(
        models,
        season_lengths,
        step,
        missing,
        combine,
        Some(windows),
    );
    let (per_series, summary) = run(py, move || {
        let params = spec.params(horizon, &levels, |auto| {
            let auto = auto.horizon(horizon);
            match step_size {
                Some(s) => auto.step(s),
                None => auto,
            }
        })?;
        let result = backtest_frame(&frame, &params)?;
        Ok((result.per_series, result.summary))
    })?;
    Ok((ArrowStream::new(per_series), ArrowStream::new(summary)))
}

/// `anomalies(series, *, level, horizon, windows, model, season_lengths, step, missing,
/// combine)` -> `unique_id, ds, y, yhat, lower, upper, excess`.
#[pyfunction]
#[pyo3(signature = (series, *, level = 95.0, horizon = None, windows = 4, model = "auto", season_lengths = None, step = None, missing = "interpolate", combine = "error"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn anomalies(
    py: Python<'_>,
    series: &Bound<'_, PyAny>,
    level: f64,
    horizon: Option<usize>,
    windows: usize,
    model: &str,
    season_lengths: Option<Vec<usize>>,
    step: Option<String>,
    missing: &str,
    combine: &str,
) -> PyResult<ArrowStream> {
    let frame = frame_arg(py, series, "series")?;
    let horizon = horizon
        .or_else(|| season_lengths.as_ref().and_then(|s| s.first().copied()))
        .unwrap_or(24);
    let spec = spec(
        vec![model.to_string()],
        season_lengths,
        step,
        missing,
        combine,
        Some(windows),
    );
    let found = run(py, move || {
        let params = spec.params(horizon, &[level], |auto| auto.horizon(horizon))?;
        find_anomalies(&frame, &params, level)
    })?;
    Ok(ArrowStream::new(found))
}

/// `sample_paths(series, horizon, n_paths, *, model, seed, season_lengths, step, missing,
/// combine, non_negative)` -> `unique_id, path, ds, y`.
#[pyfunction]
#[pyo3(signature = (series, horizon, n_paths, *, model = "auto", seed = 0, season_lengths = None, step = None, missing = "interpolate", combine = "error", non_negative = false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sample_paths(
    py: Python<'_>,
    series: &Bound<'_, PyAny>,
    horizon: usize,
    n_paths: usize,
    model: &str,
    seed: u64,
    season_lengths: Option<Vec<usize>>,
    step: Option<String>,
    missing: &str,
    combine: &str,
    non_negative: bool,
) -> PyResult<ArrowStream> {
    let frame = frame_arg(py, series, "series")?;
    let spec = spec(
        vec![model.to_string()],
        season_lengths,
        step,
        missing,
        combine,
        None,
    );
    let paths = run(py, move || {
        if n_paths == 0 {
            return Err(crate::Error::parameter("n_paths", "must be at least 1"));
        }
        let params = spec
            .params(horizon, &[80.0, 95.0], |auto| auto)?
            .paths(n_paths)
            .seed(seed)
            .non_negative(non_negative);
        let result = forecast_frame(&frame, &params)?;
        Ok(result.paths.unwrap_or_default())
    })?;
    Ok(ArrowStream::new(paths))
}

/// `fan_chart(history, forecasts, *, changepoints, unique_id, format, last, title)` -> SVG
/// or PNG bytes.
#[pyfunction]
#[pyo3(signature = (history, forecasts, *, changepoints = None, unique_id = None, format = "svg", last = None, title = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn fan_chart<'py>(
    py: Python<'py>,
    history: &Bound<'py, PyAny>,
    forecasts: &Bound<'py, PyAny>,
    changepoints: Option<&Bound<'py, PyAny>>,
    unique_id: Option<String>,
    format: &str,
    last: Option<usize>,
    title: Option<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let history = frame_arg(py, history, "history")?;
    let forecasts = frame_arg(py, forecasts, "forecasts")?;
    let changepoints = changepoints
        .map(|frame| frame_arg(py, frame, "changepoints"))
        .transpose()?;
    let extension = format!("chart.{format}");
    let bytes = run(py, move || {
        let format = ChartFormat::from_path(extension)?;
        let data = fan_chart_data(
            &history,
            &forecasts,
            changepoints.as_ref(),
            unique_id.as_deref(),
        )?;
        let forecast = data.forecast();
        let mut chart = FanChart::new(&data.history_ds, &data.history_y, &forecast)
            .title(title.unwrap_or_else(|| format!("{}: forecast", data.unique_id)))
            .changepoints(&data.changepoints);
        if let Some(last) = last {
            chart = chart.last(last);
        }
        Ok(chart.render(format)?.bytes().to_vec())
    })?;
    Ok(PyBytes::new(py, &bytes))
}
