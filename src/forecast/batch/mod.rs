//! Many series at once over a polars long frame: forecasts, backtest tables and cost
//! anomalies, fitted in parallel over all cores.
//!
//! Input: a long [`DataFrame`] with `unique_id` (string or integer), `ds` (`Datetime` of any
//! unit and time zone, or `Date`; naive date/times are read as UTC) and `y` (numeric; nulls
//! are missing values). Each id becomes a [`TimeSeries`] through
//! [`TimeSeries::from_points`] with the `step`, [`Combine`] and [`Missing`] policies of
//! [`BatchParams`]; each series is then chosen and fitted by [`AutoParams`] (baselines today,
//! every model family once registered in [`super::auto::candidates`]). Series run in parallel
//! with rayon; a series that fails is recorded in the `models` frame and the batch goes on.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `horizon` | 24 | steps to forecast (also the backtest horizon unless `auto` sets one) |
//! | `levels` | 80, 95 | interval levels (percent) |
//! | `step` | inferred per series | grid step in microseconds (a series with one timestamp takes the most common step of the others) |
//! | `missing` | [`Missing::Interpolate`] | empty slots and null/`NaN` values |
//! | `combine` | [`Combine::Error`] | several points in one slot |
//! | `auto` | [`AutoParams::default`] | candidates, metric, windows, ensemble, intervals |
//! | `non_negative` | false | clamp point and bounds at 0 (cost, usage) |
//! | `cap` | none | clamp point and bounds at a capacity cap |
//! | `paths` | 0 | sample paths per series (0: no paths frame) |
//! | `seed` | 0 | seed of the sample paths (series `i` in output order uses `seed + i`) |
//!
//! Output column names are part of the API: `forecasts` has `unique_id, ds, yhat,
//! yhat_lower_<level>, yhat_upper_<level>, ...` (levels ascending, formatted `80`, `95`,
//! `99.5`; `ds` as `Datetime(us, UTC)`; `unique_id` of the input's type); `models` has
//! `unique_id, model, spec, n_obs, status, error` (`status` is `ok`, `fallback` (no backtest was
//! possible: `error` says why and the baseline was used) or `error`; `n_obs` counts input rows);
//! `paths` has `unique_id, path, ds, y`.

mod frame;
mod report;
#[cfg(test)]
mod tests;

use polars::prelude::*;
use rayon::prelude::*;

pub use report::{anomalies, backtest_frame, BatchBacktest};

use super::auto::{AutoParams, FittedAuto, Selection};
use super::model::{check_horizon, check_levels, Fitted, Forecast};
use super::series::{Combine, Missing, TimeSeries};
use crate::error::{Error, Result};
use frame::{ds_column, id_column, level_name, RawSeries};

/// Parameters of the batch functions (see the module docs for the defaults).
///
/// # Example
/// ```
/// use capcast::forecast::{forecast_frame, BatchParams};
/// use polars::prelude::*;
///
/// let hours: Vec<i64> = (0..96).map(|h| h * 3_600_000_000).collect();
/// let df = df!(
///     "unique_id" => vec!["web"; 96],
///     "ds" => hours,
///     "y" => (0..96).map(|h| 5.0 + (h % 24) as f64).collect::<Vec<f64>>(),
/// )?
/// .lazy()
/// .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
/// .collect()?;
/// let out = forecast_frame(&df, &BatchParams::default().horizon(24).non_negative(true))?;
/// assert_eq!(out.forecasts.height(), 24);
/// let names: Vec<String> = out.forecasts.get_column_names().iter().map(|s| s.to_string()).collect();
/// assert_eq!(
///     names,
///     ["unique_id", "ds", "yhat", "yhat_lower_80", "yhat_upper_80", "yhat_lower_95", "yhat_upper_95"]
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct BatchParams {
    horizon: usize,
    levels: Vec<f64>,
    step: Option<i64>,
    missing: Missing,
    combine: Combine,
    auto: AutoParams,
    non_negative: bool,
    cap: Option<f64>,
    paths: usize,
    seed: u64,
}

impl Default for BatchParams {
    fn default() -> Self {
        BatchParams {
            horizon: 24,
            levels: vec![80.0, 95.0],
            step: None,
            missing: Missing::default(),
            combine: Combine::default(),
            auto: AutoParams::default(),
            non_negative: false,
            cap: None,
            paths: 0,
            seed: 0,
        }
    }
}

impl BatchParams {
    /// Steps to forecast (default 24).
    pub fn horizon(mut self, horizon: usize) -> Self {
        self.horizon = horizon;
        self
    }
    /// Interval levels in percent (default 80 and 95).
    pub fn levels(mut self, levels: &[f64]) -> Self {
        self.levels = levels.to_vec();
        self
    }
    /// The grid step in microseconds (default: inferred per series).
    pub fn step(mut self, step: i64) -> Self {
        self.step = Some(step);
        self
    }
    /// Missing-value policy (default interpolate).
    pub fn missing(mut self, missing: Missing) -> Self {
        self.missing = missing;
        self
    }
    /// Duplicate-slot policy (default error).
    pub fn combine(mut self, combine: Combine) -> Self {
        self.combine = combine;
        self
    }
    /// Model choice parameters.
    pub fn auto(mut self, auto: AutoParams) -> Self {
        self.auto = auto;
        self
    }
    /// The model choice parameters set so far (to adjust them).
    pub fn auto_settings(&self) -> &AutoParams {
        &self.auto
    }
    /// Clamp point and bounds at 0 (default false).
    pub fn non_negative(mut self, on: bool) -> Self {
        self.non_negative = on;
        self
    }
    /// Clamp point and bounds at a capacity cap (default none).
    pub fn cap(mut self, cap: f64) -> Self {
        self.cap = Some(cap);
        self
    }
    /// Sample paths per series (default 0: none).
    pub fn paths(mut self, paths: usize) -> Self {
        self.paths = paths;
        self
    }
    /// Seed of the sample paths (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    fn check(&self) -> Result<Vec<f64>> {
        check_horizon(self.horizon)?;
        if let Some(cap) = self.cap {
            if !cap.is_finite() || (self.non_negative && cap < 0.0) {
                return Err(Error::parameter(
                    "cap",
                    format!("{cap} is not a finite cap (at least 0 with non_negative)"),
                ));
            }
        }
        if let Some(step) = self.step {
            if step <= 0 {
                return Err(Error::parameter("step", "must be a positive duration"));
            }
        }
        check_levels(&self.levels)
    }

    /// The model-choice parameters with the batch horizon when they set none.
    fn auto_params(&self) -> AutoParams {
        match self.auto.get_horizon() {
            Some(_) => self.auto.clone(),
            None => self.auto.clone().horizon(self.horizon),
        }
    }

    /// The series of `raw`; `fallback_step` is used when neither the parameters nor the
    /// series' own timestamps give the step (a series with a single timestamp).
    fn series(&self, raw: &RawSeries, fallback_step: Option<i64>) -> Result<TimeSeries> {
        let step = match self.step {
            Some(s) => Some(s),
            None if frame::single_time(raw) => fallback_step,
            None => None,
        };
        TimeSeries::from_points(&raw.ds, &raw.y, step, self.combine, self.missing)
    }

    fn clamp(&self, forecast: &mut Forecast) {
        let lower = self.non_negative.then_some(0.0);
        if lower.is_some() || self.cap.is_some() {
            forecast.clamp(lower, self.cap);
        }
    }

    fn clamp_value(&self, v: f64) -> f64 {
        let v = if self.non_negative { v.max(0.0) } else { v };
        match self.cap {
            Some(cap) => v.min(cap),
            None => v,
        }
    }
}

/// The result of [`forecast_frame`].
#[derive(Debug, Clone)]
pub struct BatchForecast {
    /// `unique_id, ds, yhat, yhat_lower_<level>, yhat_upper_<level>, ...`.
    pub forecasts: DataFrame,
    /// `unique_id, model, spec, n_obs, status, error`: one row per series (`model` is the
    /// candidate chosen, `spec` what was fitted, e.g. `Conformal(ETS(M,Ad,M))`).
    pub models: DataFrame,
    /// `unique_id, path, ds, y` when paths were asked for.
    pub paths: Option<DataFrame>,
    /// `unique_id, ds, y`: each forecast series as the model saw it, on its regular grid
    /// after combining duplicate slots and filling missing values (for charts and checks).
    pub history: DataFrame,
    /// `unique_id, ds`: the trend changepoints of each series' chosen model (for charts).
    pub changepoints: DataFrame,
}

/// One series' outcome.
struct Outcome {
    model: Option<String>,
    spec: Option<String>,
    n_obs: usize,
    status: &'static str,
    error: Option<String>,
    forecast: Option<Forecast>,
    paths: Vec<Vec<f64>>,
    history: Option<TimeSeries>,
    changepoints: Vec<i64>,
}

fn fit_one(
    params: &BatchParams,
    auto: &AutoParams,
    levels: &[f64],
    raw: &RawSeries,
    fallback_step: Option<i64>,
    seed: u64,
) -> Outcome {
    let mut out = Outcome {
        model: None,
        spec: None,
        n_obs: raw.ds.len(),
        status: "error",
        error: None,
        forecast: None,
        paths: Vec::new(),
        history: None,
        changepoints: Vec::new(),
    };
    let job = || -> Result<(FittedAuto, Forecast, Vec<Vec<f64>>, TimeSeries)> {
        let series = params.series(raw, fallback_step)?;
        let fitted = auto.fit(&series)?;
        let mut forecast = fitted.predict(params.horizon, levels)?;
        params.clamp(&mut forecast);
        let finite = forecast.mean.iter().all(|v| v.is_finite())
            && forecast
                .intervals
                .iter()
                .all(|i| i.lower.iter().chain(&i.upper).all(|v| v.is_finite()));
        if !finite {
            return Err(Error::parameter(
                "model",
                format!("{} produced a non-finite forecast", fitted.chosen_model()),
            ));
        }
        let paths = if params.paths > 0 {
            let mut paths = fitted.sample_paths(params.horizon, params.paths, seed)?;
            for p in &mut paths {
                for (v, m) in p.iter_mut().zip(&forecast.mean) {
                    // A non-finite draw becomes the point forecast: never output NaN.
                    let value = if v.is_finite() { *v } else { *m };
                    *v = params.clamp_value(value);
                }
            }
            paths
        } else {
            Vec::new()
        };
        Ok((fitted, forecast, paths, series))
    };
    // A model that panics (a bug) fails its series only, never the batch or the caller.
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Error::parameter(
                "model",
                format!("internal error while fitting this series (please report it): {what}"),
            ))
        });
    match result {
        Ok((fitted, forecast, paths, series)) => {
            out.model = Some(fitted.chosen_model());
            out.spec = Some(fitted.fitted_name());
            out.changepoints = fitted.changepoints();
            out.history = Some(series);
            out.status = match fitted.selection() {
                Selection::Backtest { .. } => "ok",
                Selection::Fallback { .. } => "fallback",
            };
            if let Selection::Fallback { reason } = fitted.selection() {
                out.error = Some(reason.clone());
            }
            out.forecast = Some(forecast);
            out.paths = paths;
        }
        Err(e) => out.error = Some(e.to_string()),
    }
    out
}

/// Forecasts every series of a long `unique_id, ds, y` frame.
///
/// # Errors
/// [`Error::Parameter`] for bad parameters; [`Error::Data`] for a missing or mistyped column
/// or a null id or time. A series that cannot be forecast is not an error: its `models` row
/// has status `error` and the message, and it has no forecast rows.
pub fn forecast_frame(df: &DataFrame, params: &BatchParams) -> Result<BatchForecast> {
    let levels = params.check()?;
    let input = frame::read(df)?;
    let auto = params.auto_params();
    let fallback_step = frame::batch_step(&input.series);
    let outcomes: Vec<Outcome> = input
        .series
        .par_iter()
        .enumerate()
        .map(|(i, raw)| {
            let seed = params.seed.wrapping_add(i as u64);
            fit_one(params, &auto, &levels, raw, fallback_step, seed)
        })
        .collect();

    // forecasts
    let mut ids = Vec::new();
    let mut ds = Vec::new();
    let mut yhat = Vec::new();
    let mut bounds: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); levels.len()];
    for (raw, o) in input.series.iter().zip(&outcomes) {
        let Some(f) = &o.forecast else { continue };
        for h in 0..f.horizon() {
            ids.push(raw.id.clone());
            ds.push(f.ds[h]);
            yhat.push(f.mean[h]);
            for (k, &level) in levels.iter().enumerate() {
                let (lo, hi) = f
                    .interval(level)
                    .map(|i| (i.lower[h], i.upper[h]))
                    .unwrap_or((f.mean[h], f.mean[h]));
                bounds[k].0.push(lo);
                bounds[k].1.push(hi);
            }
        }
    }
    let height = ids.len();
    let mut columns = vec![
        id_column(ids, &input.id_dtype)?,
        ds_column("ds", ds)?,
        Column::new("yhat".into(), yhat),
    ];
    for (k, &level) in levels.iter().enumerate() {
        let name = level_name(level);
        let (lo, hi) = std::mem::take(&mut bounds[k]);
        columns.push(Column::new(format!("yhat_lower_{name}").into(), lo));
        columns.push(Column::new(format!("yhat_upper_{name}").into(), hi));
    }
    let forecasts = DataFrame::new(height, columns)?;

    // models
    let n = outcomes.len();
    let models = DataFrame::new(
        n,
        vec![
            id_column(
                input.series.iter().map(|s| s.id.clone()).collect(),
                &input.id_dtype,
            )?,
            Column::new(
                "model".into(),
                outcomes.iter().map(|o| o.model.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "spec".into(),
                outcomes.iter().map(|o| o.spec.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "n_obs".into(),
                outcomes.iter().map(|o| o.n_obs as i64).collect::<Vec<_>>(),
            ),
            Column::new(
                "status".into(),
                outcomes.iter().map(|o| o.status).collect::<Vec<_>>(),
            ),
            Column::new(
                "error".into(),
                outcomes.iter().map(|o| o.error.clone()).collect::<Vec<_>>(),
            ),
        ],
    )?;

    // history and changepoints
    let (mut hid, mut hds, mut hy) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cid, mut cds) = (Vec::new(), Vec::new());
    for (raw, o) in input.series.iter().zip(&outcomes) {
        if let Some(series) = &o.history {
            for (i, v) in series.values().iter().enumerate() {
                hid.push(raw.id.clone());
                hds.push(series.timestamp(i));
                hy.push(v.is_finite().then_some(*v));
            }
        }
        for &t in &o.changepoints {
            cid.push(raw.id.clone());
            cds.push(t);
        }
    }
    let history = DataFrame::new(
        hid.len(),
        vec![
            id_column(hid, &input.id_dtype)?,
            ds_column("ds", hds)?,
            Column::new("y".into(), hy),
        ],
    )?;
    let changepoints = DataFrame::new(
        cid.len(),
        vec![id_column(cid, &input.id_dtype)?, ds_column("ds", cds)?],
    )?;

    // paths
    let paths = if params.paths > 0 {
        let (mut pid, mut pnum, mut pds, mut py) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (raw, o) in input.series.iter().zip(&outcomes) {
            let Some(f) = &o.forecast else { continue };
            for (j, path) in o.paths.iter().enumerate() {
                for (h, v) in path.iter().enumerate() {
                    pid.push(raw.id.clone());
                    pnum.push(j as i64);
                    pds.push(f.ds[h]);
                    py.push(*v);
                }
            }
        }
        let height = pid.len();
        Some(DataFrame::new(
            height,
            vec![
                id_column(pid, &input.id_dtype)?,
                Column::new("path".into(), pnum),
                ds_column("ds", pds)?,
                Column::new("y".into(), py),
            ],
        )?)
    } else {
        None
    };
    Ok(BatchForecast {
        forecasts,
        models,
        paths,
        history,
        changepoints,
    })
}
