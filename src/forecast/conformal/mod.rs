//! Conformal prediction intervals around any model: intervals calibrated on the model's own
//! backtest errors instead of its distributional assumptions.
//!
//! On fit, the inner model is refitted on `windows` rolling origins at the end of the
//! training data (statsforecast's `ConformalIntervals(h, n_windows)`: non-overlapping windows
//! of `horizon` values by default, the last ending at the end of the series; fewer windows
//! are used when the series is short, at least one). Each window gives one error per horizon
//! step. The interval at step `h` is the point forecast ± a quantile of the absolute errors
//! at step `h`:
//!
//! | method | radius at level `L` with `n` errors `e_1..e_n` |
//! |---|---|
//! | [`ConformalMethod::Error`] (default) | the `k`-th smallest `|e|`, `k = ceil((n + 1) L / 100)` (split-conformal finite-sample correction; capped at the largest error when `k > n`) |
//! | [`ConformalMethod::Distribution`] | the `1 - (1 - L/100)/2` quantile (linear interpolation) of the `2n` values `±e` (statsforecast's default `conformal_distribution`) |
//!
//! `finite_sample(false)` uses the uncorrected linear-interpolation quantile at `L / 100`
//! for `Error`, which is statsforecast's `conformal_error`; with `Distribution` it reproduces
//! statsforecast exactly (the golden tests check both). The correction is on by default: with
//! `n` errors the interval covers with probability at least `L` % when errors are
//! exchangeable. It needs `n >= 100 / (100 - L) - 1` windows (4 for 80 %, 19 for 95 %) to give
//! different radii for different levels; with fewer, the radius is the largest error seen.
//!
//! Steps beyond the calibrated horizon use the last step's radius grown by
//! `sqrt(h / horizon)` (random-walk growth; a heuristic, calibrate with the horizon you use).
//!
//! Sample paths are the inner model's own paths, calibrated: they keep its temporal
//! correlation and its many distinct values, but each path's deviation `d = path_h - mean_h`
//! from the inner point forecast is rescaled at every step so that the paths' marginal
//! spread at step `h` matches the conformal interval at step `h`. With `w80_h` and `w95_h`
//! the 80 % and 95 % quantiles (linear interpolation) of `|d|` over the paths at step `h`,
//! and `r80_h`, `r95_h` the conformal radii ([`FittedConformal::radius`]), a deviation
//! becomes `sign(d) g_h(|d|)` with the monotone, piecewise-linear map
//!
//! | `|d|` | `g_h(|d|)` |
//! |---|---|
//! | `<= w80` | `|d| r80 / w80` |
//! | `w80 .. w95` | `r80 + (|d| - w80) (r95 - r80) / (w95 - w80)` |
//! | `> w95` | `|d| r95 / w95` |
//!
//! so that 80 % (95 %) of the calibrated paths lie within the 80 % (95 %) conformal interval at
//! every step, and the order of the paths at each step is kept. When `w95 <= w80` (very few
//! paths) the single factor `r80 / w80` is used.
//!
//! Fallback (the residual bootstrap): when the inner model has no usable paths (it fails,
//! returns non-finite values, or its paths have zero spread at some step), each path draws
//! one backtest window and a random sign and adds that window's signed errors (all steps,
//! keeping their correlation) to the point forecast. Each step's marginal is then the
//! symmetric empirical error distribution, the one `Distribution` takes quantiles of; with
//! `W` windows there are only `2 W` distinct paths, so month totals and overrun
//! probabilities move in coarse steps.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::model::{check_horizon, check_levels, check_paths, Fitted, Forecast, Interval, Model};
use super::series::TimeSeries;
use crate::error::{Error, Result};

/// How conformal scores become an interval radius.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConformalMethod {
    /// Pooled, scale-normalised scores (the default): each step's scale is the root mean
    /// square of the errors at that step and its neighbours; every window's every step gives
    /// one score `|e| / scale`; the radius at step `h` is `scale_h` times the split-conformal
    /// quantile of all scores. With `W` windows of `H` steps there are `W x H` scores, so
    /// 80 % and 95 % intervals differ and are calibrated even with 3 windows.
    #[default]
    Pooled,
    /// Quantile of the absolute errors at each step (statsforecast `conformal_error`).
    Error,
    /// Quantiles of the symmetric error distribution `±e` (statsforecast
    /// `conformal_distribution`).
    Distribution,
}

impl ConformalMethod {
    /// Parses `pooled`, `error` or `distribution`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other spelling.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "pooled" => Ok(ConformalMethod::Pooled),
            "error" => Ok(ConformalMethod::Error),
            "distribution" => Ok(ConformalMethod::Distribution),
            other => Err(Error::parameter(
                "conformal_method",
                format!("'{other}' is not one of pooled, error, distribution"),
            )),
        }
    }
}

/// Conformal intervals around an inner model.
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `horizon` | 1 | steps calibrated (set it to the horizon you will predict) |
/// | `windows` | 10 | rolling windows (fewer if the series is short; at least 1) |
/// | `step` | `horizon` | values between window cutoffs |
/// | `method` | [`ConformalMethod::Error`] | how errors become a radius |
/// | `finite_sample` | true | split-conformal finite-sample correction |
///
/// # Example
/// ```
/// use capcast::forecast::{BaselineParams, ConformalParams, Fitted, TimeSeries};
///
/// let y = TimeSeries::hourly((0..60).map(|t| (t % 6) as f64 + (t % 7) as f64).collect())?;
/// let fitted = ConformalParams::new(Box::new(BaselineParams::seasonal_naive(6)))
///     .horizon(6)
///     .windows(5)
///     .fit(&y)?;
/// let forecast = fitted.predict(6, &[80.0])?;
/// assert!(forecast.intervals[0].lower[0] <= forecast.mean[0]);
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ConformalParams {
    inner: Arc<dyn Model>,
    horizon: usize,
    windows: usize,
    step: Option<usize>,
    method: ConformalMethod,
    finite_sample: bool,
}

impl ConformalParams {
    /// Conformal intervals around `inner`.
    pub fn new(inner: Box<dyn Model>) -> Self {
        ConformalParams {
            inner: Arc::from(inner),
            horizon: 1,
            windows: 10,
            step: None,
            method: ConformalMethod::default(),
            finite_sample: true,
        }
    }
    /// Steps calibrated (default 1).
    pub fn horizon(mut self, horizon: usize) -> Self {
        self.horizon = horizon;
        self
    }
    /// Rolling windows (default 10).
    pub fn windows(mut self, windows: usize) -> Self {
        self.windows = windows;
        self
    }
    /// Values between window cutoffs (default: the horizon).
    pub fn step(mut self, step: usize) -> Self {
        self.step = Some(step);
        self
    }
    /// How errors become a radius (default [`ConformalMethod::Error`]).
    pub fn method(mut self, method: ConformalMethod) -> Self {
        self.method = method;
        self
    }
    /// Finite-sample correction (default true).
    pub fn finite_sample(mut self, on: bool) -> Self {
        self.finite_sample = on;
        self
    }

    /// Fits the inner model on the whole series and calibrates its intervals.
    ///
    /// # Errors
    /// [`Error::Parameter`] for a zero horizon, windows or step, when the inner model cannot
    /// fit the series, or when the series is too short for one calibration window (the inner
    /// model must fit the first `n - horizon` values).
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedConformal> {
        check_horizon(self.horizon)?;
        let step = self.step.unwrap_or(self.horizon);
        if step == 0 {
            return Err(Error::parameter("step", "must be at least 1 value"));
        }
        if self.windows == 0 {
            return Err(Error::parameter("windows", "must be at least 1"));
        }
        let inner = self.inner.fit_model(series)?;
        let n = series.len();
        let values = series.values();
        // Latest window first; stop at the first one the inner model cannot fit (earlier
        // windows only have less data).
        let mut errors = Vec::new();
        let mut first_failure = None;
        for k in 0..self.windows {
            let Some(len) = n.checked_sub(self.horizon + k * step).filter(|&l| l >= 1) else {
                break;
            };
            let outcome = series
                .head(len)
                .and_then(|train| self.inner.fit_model(&train))
                .and_then(|f| f.predict(self.horizon, &[]));
            match outcome {
                Ok(f) => errors.push(
                    values[len..len + self.horizon]
                        .iter()
                        .zip(&f.mean)
                        .map(|(y, p)| y - p)
                        .collect(),
                ),
                Err(e) => {
                    first_failure = Some(e);
                    break;
                }
            }
        }
        if errors.is_empty() {
            let why = first_failure.map(|e| format!(": {e}")).unwrap_or_default();
            return Err(Error::parameter(
                "windows",
                format!(
                    "conformal intervals of horizon {} need the model to fit the first {} \
                     values of the series ({n} values){why}",
                    self.horizon,
                    n.saturating_sub(self.horizon)
                ),
            ));
        }
        errors.reverse();
        FittedConformal::from_errors(inner, errors, self.method, self.finite_sample)
    }
}

impl Model for ConformalParams {
    fn name(&self) -> String {
        format!("Conformal({})", self.inner.name())
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        Ok(Box::new(self.fit(series)?))
    }
}

/// A model with conformal intervals.
#[derive(Debug)]
pub struct FittedConformal {
    inner: Box<dyn Fitted>,
    /// Signed errors `y - yhat`: one row per window, one column per step.
    errors: Vec<Vec<f64>>,
    method: ConformalMethod,
    finite_sample: bool,
    /// [`ConformalMethod::Pooled`]: the scale of each step and the sorted pooled scores.
    pooled: (Vec<f64>, Vec<f64>),
}

impl FittedConformal {
    /// Conformal intervals around an already fitted model from backtest errors: `errors[w][h]`
    /// is `actual - forecast` at step `h + 1` of window `w` (auto mode reuses its backtest).
    /// Non-finite errors are ignored.
    ///
    /// # Errors
    /// [`Error::Parameter`] if there are no windows, windows differ in length, or a step has
    /// no finite error.
    pub fn from_errors(
        inner: Box<dyn Fitted>,
        errors: Vec<Vec<f64>>,
        method: ConformalMethod,
        finite_sample: bool,
    ) -> Result<Self> {
        let horizon = errors.first().map(Vec::len).unwrap_or(0);
        if horizon == 0 || errors.iter().any(|w| w.len() != horizon) {
            return Err(Error::parameter(
                "errors",
                "expected at least one window of errors, all of the same horizon",
            ));
        }
        for h in 0..horizon {
            if !errors.iter().any(|w| w[h].is_finite()) {
                return Err(Error::parameter(
                    "errors",
                    format!("no finite backtest error at step {}", h + 1),
                ));
            }
        }
        let pooled = match method {
            ConformalMethod::Pooled => pooled_scores(&errors),
            _ => (Vec::new(), Vec::new()),
        };
        Ok(FittedConformal {
            inner,
            errors,
            method,
            finite_sample,
            pooled,
        })
    }

    /// The calibrated horizon.
    pub fn horizon(&self) -> usize {
        self.errors[0].len()
    }
    /// The number of calibration windows.
    pub fn n_windows(&self) -> usize {
        self.errors.len()
    }
    /// The inner fitted model.
    pub fn inner(&self) -> &dyn Fitted {
        self.inner.as_ref()
    }

    /// The interval radius at 1-based step `h` (0 is read as 1) and `level` (percent).
    pub fn radius(&self, h: usize, level: f64) -> f64 {
        let h = h.max(1);
        let horizon = self.horizon();
        let (col, growth) = if h <= horizon {
            (h - 1, 1.0)
        } else {
            (horizon - 1, (h as f64 / horizon as f64).sqrt())
        };
        let abs: Vec<f64> = self
            .errors
            .iter()
            .map(|w| w[col].abs())
            .filter(|e| e.is_finite())
            .collect();
        let r = match self.method {
            ConformalMethod::Pooled => {
                let (scales, scores) = &self.pooled;
                let q = if self.finite_sample {
                    let k = ((scores.len() + 1) as f64 * level / 100.0).ceil() as usize;
                    scores
                        .get(k.clamp(1, scores.len().max(1)) - 1)
                        .copied()
                        .unwrap_or(0.0)
                } else {
                    quantile_linear(scores.clone(), level / 100.0)
                };
                scales[col] * q
            }
            ConformalMethod::Error => {
                if self.finite_sample {
                    split_conformal(abs, level)
                } else {
                    quantile_linear(abs, level / 100.0)
                }
            }
            ConformalMethod::Distribution => {
                let mut both: Vec<f64> = abs.iter().map(|e| -e).collect();
                both.extend(&abs);
                let p = 1.0 - (1.0 - level / 100.0) / 2.0;
                if self.finite_sample {
                    let k = ((both.len() + 1) as f64 * p).ceil() as usize;
                    order_statistic(both, k)
                } else {
                    quantile_linear(both, p)
                }
            }
        };
        r.max(0.0) * growth
    }
}

impl FittedConformal {
    /// The inner model's paths with each step's deviations from `mean` mapped onto the
    /// conformal radii (see the module docs); `None` when the inner model has no usable paths.
    fn calibrated_paths(&self, mean: &[f64], n_paths: usize, seed: u64) -> Option<Vec<Vec<f64>>> {
        let horizon = mean.len();
        let mut paths = self.inner.sample_paths(horizon, n_paths, seed).ok()?;
        if paths.len() != n_paths
            || paths
                .iter()
                .any(|p| p.len() != horizon || p.iter().any(|v| !v.is_finite()))
        {
            return None;
        }
        for (h, &m) in mean.iter().enumerate() {
            if !m.is_finite() {
                return None;
            }
            let abs: Vec<f64> = paths.iter().map(|p| (p[h] - m).abs()).collect();
            let sorted_abs = sorted(abs);
            let w80 = quantile_sorted(&sorted_abs, 0.80);
            let w95 = quantile_sorted(&sorted_abs, 0.95);
            // A zero (or numerically zero) spread cannot be rescaled.
            if w80.is_nan() || w80 <= 1e-12 * m.abs().max(1.0) {
                return None;
            }
            let r80 = self.radius(h + 1, 80.0);
            let r95 = self.radius(h + 1, 95.0).max(r80);
            let map = |a: f64| -> f64 {
                if a <= w80 || w95 <= w80 {
                    a * r80 / w80
                } else if a <= w95 {
                    r80 + (a - w80) * (r95 - r80) / (w95 - w80)
                } else {
                    a * r95 / w95
                }
            };
            for p in paths.iter_mut() {
                let d = p[h] - m;
                p[h] = m + d.signum() * map(d.abs());
            }
        }
        Some(paths)
    }

    /// The residual bootstrap (the fallback; see the module docs).
    fn residual_paths(&self, mean: &[f64], n_paths: usize, seed: u64) -> Vec<Vec<f64>> {
        let calibrated = self.horizon();
        let mut rng = StdRng::seed_from_u64(seed);
        (0..n_paths)
            .map(|_| {
                let window = &self.errors[rng.random_range(0..self.errors.len())];
                let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
                mean.iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let (col, growth) = if i < calibrated {
                            (i, 1.0)
                        } else {
                            let g = ((i + 1) as f64 / calibrated as f64).sqrt();
                            (calibrated - 1, g)
                        };
                        let e = window[col];
                        let e = if e.is_finite() { e } else { 0.0 };
                        m + sign * e * growth
                    })
                    .collect()
            })
            .collect()
    }
}

/// The `p`-quantile (linear interpolation) of ascending values; 0 when empty.
fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let pos = p.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// The per-step scales (root mean square of the finite errors at the step and its
/// neighbours, `H / 24` steps either side, at least one) and the sorted pooled scores
/// `|e| / scale` of [`ConformalMethod::Pooled`].
fn pooled_scores(errors: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let horizon = errors[0].len();
    let (sums, counts): (Vec<f64>, Vec<f64>) = (0..horizon)
        .map(|h| {
            errors
                .iter()
                .map(|w| w[h])
                .filter(|e| e.is_finite())
                .fold((0.0, 0.0), |(s, n), e| (s + e * e, n + 1.0))
        })
        .unzip();
    let half = (horizon / 24).max(1);
    let scales: Vec<f64> = (0..horizon)
        .map(|h| {
            let (lo, hi) = (h.saturating_sub(half), (h + half).min(horizon - 1));
            let n: f64 = counts[lo..=hi].iter().sum();
            if n > 0.0 {
                (sums[lo..=hi].iter().sum::<f64>() / n).sqrt()
            } else {
                0.0
            }
        })
        .collect();
    let mut scores: Vec<f64> = errors
        .iter()
        .flat_map(|w| w.iter().zip(&scales))
        .filter(|(e, s)| e.is_finite() && **s > 0.0)
        .map(|(e, s)| e.abs() / s)
        .collect();
    scores.sort_by(f64::total_cmp);
    (scales, scores)
}

/// Sorts ascending.
fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// The `k`-th smallest (1-based), capped at the largest.
fn order_statistic(v: Vec<f64>, k: usize) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let v = sorted(v);
    v[k.clamp(1, v.len()) - 1]
}

/// The split-conformal radius: the `ceil((n + 1) L/100)`-th smallest score.
fn split_conformal(scores: Vec<f64>, level: f64) -> f64 {
    let k = ((scores.len() + 1) as f64 * level / 100.0).ceil() as usize;
    order_statistic(scores, k)
}

/// numpy's default (linear) quantile.
fn quantile_linear(v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    quantile_sorted(&sorted(v), p)
}

impl Fitted for FittedConformal {
    fn name(&self) -> String {
        format!("Conformal({})", self.inner.name())
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let levels = check_levels(levels)?;
        let point = self.inner.predict(horizon, &[])?;
        let intervals = levels
            .iter()
            .map(|&level| {
                let r: Vec<f64> = (1..=horizon).map(|h| self.radius(h, level)).collect();
                Interval {
                    level,
                    lower: point.mean.iter().zip(&r).map(|(m, r)| m - r).collect(),
                    upper: point.mean.iter().zip(&r).map(|(m, r)| m + r).collect(),
                }
            })
            .collect();
        let mut forecast = Forecast {
            ds: point.ds,
            mean: point.mean,
            intervals,
        };
        forecast.enforce_nesting();
        Ok(forecast)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.inner.fitted_values()
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        let mean = self.inner.predict(horizon, &[])?.mean;
        if let Some(paths) = self.calibrated_paths(&mean, n_paths, seed) {
            return Ok(paths);
        }
        Ok(self.residual_paths(&mean, n_paths, seed))
    }

    fn changepoints(&self) -> Vec<i64> {
        self.inner.changepoints()
    }
}

#[cfg(test)]
mod tests;
