//! The Theta method (Assimakopoulos & Nikolopoulos 2000) and its optimised variants
//! (Fiorucci et al. 2016), matching statsforecast's `Theta`, `OptimizedTheta`,
//! `DynamicTheta`, `DynamicOptimizedTheta` and `AutoTheta`.
//!
//! | model | theta | trend line `A + B t` |
//! |---|---|---|
//! | [`ThetaModel::Stm`] standard | 2 (fixed) | fitted once to the history |
//! | [`ThetaModel::Otm`] optimised | fitted, >= 1 | fitted once |
//! | [`ThetaModel::Dstm`] dynamic standard | 2 | updated with each value |
//! | [`ThetaModel::Dotm`] dynamic optimised | fitted | updated with each value |
//!
//! With `theta = 2` the standard model is Hyndman & Billah's (2003) SES with drift equal to
//! half the slope of the linear trend. The initial level and `alpha` (in `[0.1, 0.99]`) and,
//! for OTM/DOTM, `theta` are fitted by minimising the in-sample one-step squared error with
//! statsforecast's bounded Nelder-Mead. [`ThetaParams::auto`] fits all four and keeps the
//! lowest error, like `AutoTheta`.
//!
//! Seasonality: when `season_length >= 4`, the history holds two seasons and the 90 % ACF
//! test at lag `m` finds seasonality, the series is seasonally adjusted by classical
//! decomposition (multiplicative by default; additive when a value is not positive or an
//! index falls below 0.01) and the last season's indices are re-applied to the forecast.
//!
//! Intervals: `mean ± z * sigma * sqrt(1 + (h - 1) alpha^2)` on the adjusted scale (the SES
//! variance R's `thetaf` uses; statsforecast simulates 200 paths for the same thing), with
//! `sigma` the standard deviation of the one-step errors after the first three, then
//! seasonally re-scaled. Sample paths simulate the state-space model with Gaussian errors.

mod core;
mod decompose;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

pub use decompose::Decomposition;

use self::core::{forecast, nelder_mead, run, step, Decay, State, LOWER, UPPER};
use super::model::{
    check_horizon, check_levels, check_paths, normal_z, Fitted, Forecast, Interval, Model,
};
use super::series::TimeSeries;
use crate::error::{Error, Result};

/// The four Theta models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThetaModel {
    /// Standard Theta Method (theta = 2).
    Stm,
    /// Optimised Theta Method (theta fitted).
    Otm,
    /// Dynamic Standard Theta Method.
    Dstm,
    /// Dynamic Optimised Theta Method.
    Dotm,
}

impl ThetaModel {
    /// All four, in statsforecast's `AutoTheta` order.
    pub const ALL: [ThetaModel; 4] = [
        ThetaModel::Stm,
        ThetaModel::Otm,
        ThetaModel::Dstm,
        ThetaModel::Dotm,
    ];

    /// The short name (`STM`, `OTM`, `DSTM`, `DOTM`).
    pub fn code(self) -> &'static str {
        match self {
            ThetaModel::Stm => "STM",
            ThetaModel::Otm => "OTM",
            ThetaModel::Dstm => "DSTM",
            ThetaModel::Dotm => "DOTM",
        }
    }

    fn is_dynamic(self) -> bool {
        matches!(self, ThetaModel::Dstm | ThetaModel::Dotm)
    }

    fn optimises_theta(self) -> bool {
        matches!(self, ThetaModel::Otm | ThetaModel::Dotm)
    }
}

/// Parameters of a Theta model.
///
/// | parameter | default | range |
/// |---|---|---|
/// | model | STM ([`ThetaParams::auto`]: all four) | [`ThetaModel`] |
/// | `season_length` | 1 (no seasonal adjustment) | >= 1 |
/// | `decomposition` | multiplicative | [`Decomposition`] |
/// | `alpha` | fitted | `[0.1, 0.99]` |
/// | `theta` | 2 (STM/DSTM) or fitted | >= 1 |
/// | `initial_level` | fitted | finite |
///
/// # Example
/// ```
/// use capcast::forecast::{Fitted, ThetaParams, TimeSeries};
///
/// let y = TimeSeries::hourly((0..48).map(|t| 10.0 + 0.5 * t as f64).collect())?;
/// let fitted = ThetaParams::standard().fit(&y)?;
/// let forecast = fitted.predict(3, &[80.0])?;
/// assert!(forecast.mean[0] > 30.0);
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ThetaParams {
    models: Vec<ThetaModel>,
    season_length: usize,
    decomposition: Decomposition,
    alpha: Option<f64>,
    theta: Option<f64>,
    initial_level: Option<f64>,
}

impl Default for ThetaParams {
    fn default() -> Self {
        ThetaParams::standard()
    }
}

impl ThetaParams {
    /// One Theta model.
    pub fn new(model: ThetaModel) -> Self {
        ThetaParams {
            models: vec![model],
            season_length: 1,
            decomposition: Decomposition::Multiplicative,
            alpha: None,
            theta: None,
            initial_level: None,
        }
    }
    /// The Standard Theta Method (statsforecast `Theta`).
    pub fn standard() -> Self {
        ThetaParams::new(ThetaModel::Stm)
    }
    /// The Optimised Theta Method (statsforecast `OptimizedTheta`).
    pub fn optimized() -> Self {
        ThetaParams::new(ThetaModel::Otm)
    }
    /// All four models, keeping the lowest in-sample error (statsforecast `AutoTheta`).
    pub fn auto() -> Self {
        ThetaParams {
            models: ThetaModel::ALL.to_vec(),
            ..ThetaParams::standard()
        }
    }
    /// Steps per season for the seasonality test and adjustment (1: none).
    pub fn season_length(mut self, m: usize) -> Self {
        self.season_length = m;
        self
    }
    /// Multiplicative (default) or additive seasonal adjustment.
    pub fn decomposition(mut self, kind: Decomposition) -> Self {
        self.decomposition = kind;
        self
    }
    /// Fixes the smoothing parameter instead of fitting it.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = Some(alpha);
        self
    }
    /// Fixes theta (optimised models only; standard models always use 2).
    pub fn theta(mut self, theta: f64) -> Self {
        self.theta = Some(theta);
        self
    }
    /// Fixes the initial smoothed level instead of fitting it.
    pub fn initial_level(mut self, level: f64) -> Self {
        self.initial_level = Some(level);
        self
    }

    fn check(&self) -> Result<()> {
        if self.season_length == 0 {
            return Err(Error::parameter("season_length", "must be at least 1"));
        }
        if let Some(a) = self.alpha {
            if !(0.0 < a && a <= 1.0) {
                return Err(Error::parameter(
                    "alpha",
                    format!("must be in (0, 1], got {a}"),
                ));
            }
        }
        if let Some(t) = self.theta {
            if !(t.is_finite() && t >= 1.0) {
                return Err(Error::parameter(
                    "theta",
                    format!("must be a finite number >= 1, got {t}"),
                ));
            }
        }
        if let Some(l) = self.initial_level {
            if !l.is_finite() {
                return Err(Error::parameter("initial_level", "must be finite"));
            }
        }
        Ok(())
    }

    /// Fits the model(s) and keeps the one with the lowest in-sample error.
    ///
    /// # Errors
    /// [`Error::Parameter`] for invalid parameters, missing values, or fewer than 4 values.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedTheta> {
        self.check()?;
        series.require_complete(&self.name())?;
        let y = series.values();
        let n = y.len();
        if n < 4 {
            return Err(Error::parameter(
                "y",
                format!(
                    "{} needs at least 4 values, the series has {n}",
                    self.name()
                ),
            ));
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(Error::parameter(
                "y",
                format!("theta needs finite values, value {i} is {}", y[i]),
            ));
        }
        let m = self.season_length;
        let mut seasonal: Option<(Decomposition, Vec<f64>)> = None;
        if decompose::is_seasonal(y, m) {
            let mut kind = self.decomposition;
            if kind == Decomposition::Multiplicative && y.iter().any(|&v| v <= 0.0) {
                kind = Decomposition::Additive;
            }
            let mut index = decompose::classical_seasonal(y, m, kind);
            if kind == Decomposition::Multiplicative && index.iter().any(|&s| s < 0.01) {
                kind = Decomposition::Additive;
                index = decompose::classical_seasonal(y, m, kind);
            }
            if index.iter().all(|s| s.is_finite()) {
                seasonal = Some((kind, index));
            }
        }
        let adjusted: Vec<f64> = match &seasonal {
            Some((Decomposition::Multiplicative, s)) => {
                y.iter().zip(s).map(|(v, s)| v / s).collect()
            }
            Some((Decomposition::Additive, s)) => y.iter().zip(s).map(|(v, s)| v - s).collect(),
            None => y.to_vec(),
        };
        let mut best: Option<Core> = None;
        for &model in &self.models {
            let core = self.fit_core(&adjusted, model);
            if core.objective.is_finite()
                && best.as_ref().is_none_or(|b| core.objective < b.objective)
            {
                best = Some(core);
            }
        }
        let core = best.ok_or_else(|| {
            Error::parameter("y", "no theta model could be fitted (non-finite errors)")
        })?;
        let (decomposition, season_index) = match seasonal {
            Some((kind, index)) => (Some(kind), index),
            None => (None, Vec::new()),
        };
        let fitted_values = core
            .fitted
            .iter()
            .enumerate()
            .map(|(t, f)| match decomposition {
                Some(Decomposition::Multiplicative) => f * season_index[t],
                Some(Decomposition::Additive) => f + season_index[t],
                None => *f,
            })
            .collect();
        let future_index = if season_index.is_empty() {
            Vec::new()
        } else {
            season_index[n - m..].to_vec()
        };
        Ok(FittedTheta {
            core,
            auto: self.models.len() > 1,
            decomposition,
            future_index,
            fitted_values,
            n,
            series: series.clone(),
        })
    }

    fn fit_core(&self, y: &[f64], model: ThetaModel) -> Core {
        let mut level = self.initial_level.unwrap_or(y[0] / 2.0);
        let mut alpha = self.alpha.unwrap_or(0.5);
        let mut theta = if model.optimises_theta() {
            self.theta.unwrap_or(2.0)
        } else {
            2.0
        };
        let opt = [
            self.initial_level.is_none(),
            self.alpha.is_none(),
            model.optimises_theta() && self.theta.is_none(),
        ];
        let start = [level, alpha, theta];
        let (mut x0, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
        for k in 0..3 {
            if opt[k] {
                x0.push(start[k]);
                lower.push(LOWER[k]);
                upper.push(UPPER[k]);
            }
        }
        let unpack = |x: &[f64]| {
            let mut p = start;
            let mut j = 0;
            for k in 0..3 {
                if opt[k] {
                    p[k] = x[j];
                    j += 1;
                }
            }
            p
        };
        if !x0.is_empty() {
            let x = nelder_mead(
                |x| {
                    let p = unpack(x);
                    run(y, model, p[0], p[1], p[2]).objective
                },
                &x0,
                &lower,
                &upper,
                1000,
                1e-4,
            );
            [level, alpha, theta] = unpack(&x);
        }
        let r = run(y, model, level, alpha, theta);
        let tail: Vec<f64> = if r.errors.len() >= 5 {
            r.errors[3..].to_vec()
        } else {
            r.errors.clone()
        };
        let mean = tail.iter().sum::<f64>() / tail.len() as f64;
        let sigma = (tail.iter().map(|e| (e - mean).powi(2)).sum::<f64>()
            / (tail.len() - 1).max(1) as f64)
            .sqrt();
        let mse = r.errors.iter().skip(3).map(|e| e * e).sum::<f64>() / (y.len() - 3) as f64;
        Core {
            model,
            level0: level,
            alpha,
            theta,
            objective: r.objective,
            mse,
            sigma,
            fitted: r.fitted,
            last: r.last,
        }
    }
}

impl Model for ThetaParams {
    fn name(&self) -> String {
        if self.models.len() > 1 {
            "AutoTheta".to_string()
        } else {
            format!("Theta({})", self.models[0].code())
        }
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        Ok(Box::new(self.fit(series)?))
    }
}

/// One fitted Theta model on the (seasonally adjusted) series.
#[derive(Debug, Clone)]
struct Core {
    model: ThetaModel,
    level0: f64,
    alpha: f64,
    theta: f64,
    objective: f64,
    mse: f64,
    sigma: f64,
    fitted: Vec<f64>,
    last: State,
}

/// A fitted Theta model.
#[derive(Debug, Clone)]
pub struct FittedTheta {
    core: Core,
    auto: bool,
    decomposition: Option<Decomposition>,
    future_index: Vec<f64>,
    fitted_values: Vec<f64>,
    n: usize,
    series: TimeSeries,
}

impl FittedTheta {
    /// The model kept (for [`ThetaParams::auto`], the one with the lowest error).
    pub fn model(&self) -> ThetaModel {
        self.core.model
    }
    /// The smoothing parameter.
    pub fn alpha(&self) -> f64 {
        self.core.alpha
    }
    /// Theta (2 for the standard models).
    pub fn theta(&self) -> f64 {
        self.core.theta
    }
    /// The initial smoothed level.
    pub fn initial_level(&self) -> f64 {
        self.core.level0
    }
    /// In-sample mean squared one-step error on the adjusted scale (after the first three).
    pub fn mse(&self) -> f64 {
        self.core.mse
    }
    /// Standard deviation of the one-step errors on the adjusted scale.
    pub fn sigma(&self) -> f64 {
        self.core.sigma
    }
    /// The seasonal adjustment applied, if the seasonality test found one.
    pub fn decomposition(&self) -> Option<Decomposition> {
        self.decomposition
    }

    /// Seasonal index for forecast step `h` (1-based): the last season repeated.
    fn reseason(&self, h: usize, v: f64) -> f64 {
        let m = self.future_index.len();
        match self.decomposition {
            Some(Decomposition::Multiplicative) => v * self.future_index[(h - 1) % m],
            Some(Decomposition::Additive) => v + self.future_index[(h - 1) % m],
            None => v,
        }
    }

    fn adjusted_forecast(&self, horizon: usize) -> Vec<f64> {
        let c = &self.core;
        let mut out = vec![0.0; horizon];
        forecast(&c.last, self.n, c.model, c.alpha, c.theta, &mut out);
        out
    }
}

impl Fitted for FittedTheta {
    fn name(&self) -> String {
        let base = format!("Theta({})", self.core.model.code());
        if self.auto {
            format!("AutoTheta[{base}]")
        } else {
            base
        }
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let levels = check_levels(levels)?;
        let adjusted = self.adjusted_forecast(horizon);
        let c = &self.core;
        let sd: Vec<f64> = (1..=horizon)
            .map(|h| c.sigma * (1.0 + (h - 1) as f64 * c.alpha * c.alpha).sqrt())
            .collect();
        let mean: Vec<f64> = adjusted
            .iter()
            .enumerate()
            .map(|(j, v)| self.reseason(j + 1, *v))
            .collect();
        let intervals = levels
            .iter()
            .map(|&level| {
                let z = normal_z(level);
                let (mut lower, mut upper) =
                    (Vec::with_capacity(horizon), Vec::with_capacity(horizon));
                for j in 0..horizon {
                    let (lo, hi) = (
                        self.reseason(j + 1, adjusted[j] - z * sd[j]),
                        self.reseason(j + 1, adjusted[j] + z * sd[j]),
                    );
                    lower.push(lo.min(hi));
                    upper.push(lo.max(hi));
                }
                Interval {
                    level,
                    lower,
                    upper,
                }
            })
            .collect();
        let mut forecast = Forecast {
            ds: self.series.future_timestamps(horizon),
            mean,
            intervals,
        };
        forecast.enforce_nesting();
        Ok(forecast)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.fitted_values.clone()
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        let c = &self.core;
        let noise = Normal::new(0.0, c.sigma.max(0.0))
            .map_err(|e| Error::parameter("sigma", e.to_string()))?;
        let mut rng = StdRng::seed_from_u64(seed);
        Ok((0..n_paths)
            .map(|_| {
                let mut state = c.last;
                let mut decay = Decay::at(c.alpha, self.n);
                (0..horizon)
                    .map(|j| {
                        let d = decay.next();
                        let mu = step(&state, self.n + j, d, c.model, c.alpha, c.theta, None).mu;
                        let y = mu + noise.sample(&mut rng);
                        state = step(&state, self.n + j, d, c.model, c.alpha, c.theta, Some(y));
                        self.reseason(j + 1, y)
                    })
                    .collect()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
