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
mod tests {
    use super::*;
    use crate::forecast::backtest::tests::{SERIES, START};
    use crate::forecast::series::HOUR_US;
    use crate::forecast::BaselineParams;

    #[test]
    fn pooled_levels_differ_with_three_windows() {
        // Three windows of 24 steps whose errors grow with the step: the pooled scores give
        // distinct 80 % and 95 % radii (the per-step method would give the largest error for
        // both), and the radius grows with the step's scale.
        let errors: Vec<Vec<f64>> = (0..3)
            .map(|w| {
                (0..24)
                    .map(|h| {
                        let sign = if (w + h) % 2 == 0 { 1.0 } else { -1.0 };
                        sign * (1.0 + h as f64 / 8.0) * (0.5 + ((w * 24 + h) % 7) as f64 / 7.0)
                    })
                    .collect()
            })
            .collect();
        let inner = BaselineParams::naive()
            .fit(&TimeSeries::hourly(vec![1.0, 2.0]).unwrap())
            .unwrap();
        let f = FittedConformal::from_errors(
            Box::new(inner),
            errors.clone(),
            ConformalMethod::Pooled,
            true,
        )
        .unwrap();
        assert!(f.radius(12, 80.0) < f.radius(12, 95.0));
        assert!(f.radius(2, 95.0) < f.radius(23, 95.0));
        // 72 scores: the 95 % radius covers at least 95 % of the calibration errors.
        let covered = errors
            .iter()
            .flat_map(|w| w.iter().enumerate())
            .filter(|(h, e)| e.abs() <= f.radius(h + 1, 95.0) + 1e-12)
            .count();
        assert!(covered as f64 >= 0.95 * 72.0, "{covered} of 72");
    }

    fn series() -> TimeSeries {
        TimeSeries::new(START, HOUR_US, SERIES.to_vec()).unwrap()
    }

    fn naive(method: ConformalMethod) -> FittedConformal {
        ConformalParams::new(Box::new(BaselineParams::naive()))
            .horizon(3)
            .windows(4)
            .method(method)
            .finite_sample(false)
            .fit(&series())
            .unwrap()
    }

    fn check(f: &Forecast, level: f64, lower: [f64; 3], upper: [f64; 3]) {
        let i = f.interval(level).unwrap();
        for h in 0..3 {
            assert!(
                (i.lower[h] - lower[h]).abs() < 1e-9,
                "{level} {h}: {:?}",
                i.lower
            );
            assert!(
                (i.upper[h] - upper[h]).abs() < 1e-9,
                "{level} {h}: {:?}",
                i.upper
            );
        }
    }

    #[test]
    fn matches_statsforecast_conformal_intervals() {
        // statsforecast 2.1.1: StatsForecast([Naive(prediction_intervals=ConformalIntervals(
        // h=3, n_windows=4, method=...))], freq="h").forecast(df, h=3, level=[80, 95]) on the
        // 30-value series of the backtest tests. Tolerance 1e-9.
        let f = naive(ConformalMethod::Distribution)
            .predict(3, &[80.0, 95.0])
            .unwrap();
        check(
            &f,
            80.0,
            [11.803847577293372, 8.415771365940046, 10.505771365940051],
            [20.399999999999995, 23.78807621135332, 21.698076211353317],
        );
        check(
            &f,
            95.0,
            [11.803847577293372, 7.733271365940054, 10.505771365940046],
            [20.399999999999995, 24.470576211353315, 21.69807621135332],
        );
        let f = naive(ConformalMethod::Error)
            .predict(3, &[80.0, 95.0])
            .unwrap();
        check(
            &f,
            80.0,
            [11.803847577293372, 8.285771365940047, 10.50577136594005],
            [20.399999999999995, 23.91807621135332, 21.698076211353317],
        );
        check(
            &f,
            95.0,
            [11.803847577293372, 7.700771365940055, 10.505771365940046],
            [20.399999999999995, 24.50307621135331, 21.69807621135332],
        );
    }

    #[test]
    fn finite_sample_radius_is_an_order_statistic() {
        // Errors 1..=9 at one step: k = ceil(10 * 0.8) = 8 -> 8; k = ceil(10 * 0.95) = 10 > 9
        // -> the largest, 9.
        let inner = BaselineParams::naive().fit(&series()).unwrap();
        let errors: Vec<Vec<f64>> = (1..=9)
            .map(|e| vec![if e % 2 == 0 { e as f64 } else { -(e as f64) }])
            .collect();
        let f = FittedConformal::from_errors(Box::new(inner), errors, ConformalMethod::Error, true)
            .unwrap();
        assert_eq!(f.radius(1, 80.0), 8.0);
        assert_eq!(f.radius(1, 95.0), 9.0);
        assert_eq!(f.radius(4, 80.0), 16.0);
        let fc = f.predict(4, &[80.0, 95.0]).unwrap();
        assert_eq!(fc.interval(80.0).unwrap().upper[0], SERIES[29] + 8.0);
        let paths = f.sample_paths(5, 200, 3).unwrap();
        assert!(paths
            .iter()
            .all(|p| p.len() == 5 && p.iter().all(|v| v.is_finite())));
        // Calibrated paths: 80 % of them within the 80 % radius at step 1.
        let inside = paths
            .iter()
            .filter(|p| (p[0] - SERIES[29]).abs() <= 8.0 + 1e-9)
            .count();
        assert!((155..=165).contains(&inside), "{inside}");
        // The residual bootstrap never leaves the largest backtest error.
        let mean = f.inner.predict(5, &[]).unwrap().mean;
        assert!(f
            .residual_paths(&mean, 200, 3)
            .iter()
            .all(|p| (p[0] - SERIES[29]).abs() <= 9.0 + 1e-12));
    }

    /// `days` of hourly values: `level` plus a daily sine of amplitude 4 plus standard
    /// Gaussian noise drawn with `seed`.
    fn noisy_daily_cycle(seed: u64, days: usize, level: f64) -> Vec<f64> {
        use rand_distr::{Distribution, Normal};
        let mut rng = StdRng::seed_from_u64(seed);
        let noise = Normal::new(0.0, 1.0).unwrap();
        (0..24 * days)
            .map(|t| {
                level
                    + 4.0 * ((t % 24) as f64 / 24.0 * std::f64::consts::TAU).sin()
                    + noise.sample(&mut rng)
            })
            .collect()
    }

    /// Daily-cycle series with Gaussian noise (seeded) and conformal seasonal naive around it,
    /// calibrated on 8 windows of 24 steps.
    fn noisy_seasonal() -> FittedConformal {
        let values = noisy_daily_cycle(7, 20, 50.0);
        ConformalParams::new(Box::new(BaselineParams::seasonal_naive(24)))
            .horizon(24)
            .windows(8)
            .fit(&TimeSeries::hourly(values).unwrap())
            .unwrap()
    }

    #[test]
    fn calibrated_paths_match_the_conformal_interval_at_every_step() {
        // 4,000 paths over 36 steps (12 beyond the calibrated horizon). At every step the
        // share of paths inside the 80 % (95 %) conformal interval is within 1 point of
        // nominal (the map matches the paths' own quantiles, so only interpolation between
        // neighbouring paths differs), and the paths' empirical 10/90 % and 2.5/97.5 %
        // quantiles lie within 12 % of the radius of the interval's bounds (the inner
        // Gaussian paths are symmetric; the tolerance covers sampling noise of 4,000 draws).
        let f = noisy_seasonal();
        let (h, n) = (36, 4000);
        let fc = f.predict(h, &[80.0, 95.0]).unwrap();
        let paths = f.sample_paths(h, n, 11).unwrap();
        for step in 0..h {
            let mut col: Vec<f64> = paths.iter().map(|p| p[step]).collect();
            col.sort_by(f64::total_cmp);
            for (level, tol_share) in [(80.0, 0.01), (95.0, 0.01)] {
                let iv = fc.interval(level).unwrap();
                let (lo, hi) = (iv.lower[step], iv.upper[step]);
                let r = (hi - lo) / 2.0;
                let share = col
                    .iter()
                    .filter(|&&v| v >= lo - 1e-9 && v <= hi + 1e-9)
                    .count() as f64
                    / n as f64;
                assert!(
                    (share - level / 100.0).abs() <= tol_share,
                    "step {step} level {level}: share {share}"
                );
                let a = (1.0 - level / 100.0) / 2.0;
                let (q_lo, q_hi) = (quantile_sorted(&col, a), quantile_sorted(&col, 1.0 - a));
                assert!(
                    (q_lo - lo).abs() <= 0.12 * r && (q_hi - hi).abs() <= 0.12 * r,
                    "step {step} level {level}: [{q_lo}, {q_hi}] vs [{lo}, {hi}]"
                );
            }
        }
    }

    #[test]
    fn calibrated_paths_have_many_distinct_totals_and_are_seeded() {
        let f = noisy_seasonal();
        let paths = f.sample_paths(30, 200, 5).unwrap();
        let mut totals: Vec<f64> = paths.iter().map(|p| p.iter().sum()).collect();
        totals.sort_by(f64::total_cmp);
        totals.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
        assert!(totals.len() > 100, "{} distinct totals", totals.len());
        // The residual bootstrap of 8 windows has at most 16 distinct paths.
        let mean = f.inner.predict(30, &[]).unwrap().mean;
        let mut boot: Vec<f64> = f
            .residual_paths(&mean, 200, 5)
            .iter()
            .map(|p| p.iter().sum())
            .collect();
        boot.sort_by(f64::total_cmp);
        boot.dedup();
        assert!(boot.len() <= 16, "{}", boot.len());
        assert_eq!(paths, f.sample_paths(30, 200, 5).unwrap());
        assert_ne!(paths, f.sample_paths(30, 200, 6).unwrap());
    }

    /// An inner model without paths.
    #[derive(Debug)]
    struct NoPaths(Box<dyn Fitted>);

    impl Fitted for NoPaths {
        fn name(&self) -> String {
            "NoPaths".into()
        }
        fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
            self.0.predict(horizon, levels)
        }
        fn fitted_values(&self) -> Vec<f64> {
            self.0.fitted_values()
        }
        fn sample_paths(&self, _: usize, _: usize, _: u64) -> Result<Vec<Vec<f64>>> {
            Err(Error::parameter("paths", "none"))
        }
    }

    #[test]
    fn without_inner_paths_falls_back_to_the_residual_bootstrap() {
        let inner = BaselineParams::naive().fit(&series()).unwrap();
        let errors = vec![vec![1.0, 2.0], vec![-3.0, 4.0]];
        let f = FittedConformal::from_errors(
            Box::new(NoPaths(Box::new(inner))),
            errors,
            ConformalMethod::Error,
            true,
        )
        .unwrap();
        let paths = f.sample_paths(2, 50, 1).unwrap();
        let mean = f.inner.predict(2, &[]).unwrap().mean;
        assert_eq!(paths, f.residual_paths(&mean, 50, 1));
        // Every path is one window's errors with a sign.
        for p in &paths {
            let d = (p[0] - mean[0], p[1] - mean[1]);
            assert!(
                [(1.0, 2.0), (-1.0, -2.0), (-3.0, 4.0), (3.0, -4.0)]
                    .iter()
                    .any(|e| (d.0 - e.0).abs() < 1e-9 && (d.1 - e.1).abs() < 1e-9),
                "{d:?}"
            );
        }
    }

    #[test]
    fn empirical_coverage_is_near_nominal() {
        // Daily cycle plus Gaussian noise (seeded): the errors of seasonal naive are
        // exchangeable, so finite-sample conformal intervals must cover at least nominally
        // (up to sampling noise) in an outer rolling-origin backtest of 300 windows.
        use crate::forecast::backtest::BacktestParams;
        let values = noisy_daily_cycle(42, 40, 10.0);
        let y = TimeSeries::hourly(values).unwrap();
        let model: Vec<Box<dyn Model>> = vec![Box::new(
            ConformalParams::new(Box::new(BaselineParams::seasonal_naive(24)))
                .horizon(6)
                .windows(20),
        )];
        let bt = BacktestParams::default()
            .horizon(6)
            .step(2)
            .windows(300)
            .run(&y, &model)
            .unwrap();
        let m = bt.scores[0].metrics.as_ref().unwrap();
        let (c80, c95) = (
            m.interval(80.0).unwrap().coverage,
            m.interval(95.0).unwrap().coverage,
        );
        assert!((0.76..=0.90).contains(&c80), "coverage 80: {c80}");
        assert!((0.92..=1.0).contains(&c95), "coverage 95: {c95}");
    }

    #[test]
    fn short_series_uses_fewer_windows_or_fails_clearly() {
        let y = TimeSeries::hourly(vec![1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let f = ConformalParams::new(Box::new(BaselineParams::naive()))
            .horizon(2)
            .windows(10)
            .fit(&y)
            .unwrap();
        assert_eq!(f.n_windows(), 2);
        let err = ConformalParams::new(Box::new(BaselineParams::seasonal_naive(4)))
            .horizon(2)
            .fit(&y)
            .unwrap_err();
        assert!(err.to_string().contains("conformal"), "{err}");
        assert!(ConformalParams::new(Box::new(BaselineParams::naive()))
            .windows(0)
            .fit(&y)
            .is_err());
    }
}
