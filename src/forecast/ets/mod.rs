//! Exponential smoothing state space models (ETS) and AutoETS.
//!
//! The innovations state space models of Hyndman, Koehler, Ord & Snyder (*Forecasting with
//! Exponential Smoothing*, 2008), estimated as R's `forecast::ets` and statsforecast's
//! `AutoETS` do:
//!
//! - **Models**: error additive (`A`) or multiplicative (`M`); trend none (`N`), additive
//!   (`A`) or additive damped (`Ad`); season none, additive or multiplicative. Every
//!   combination of these can be fitted when asked for by name (`"MAdM"`, `"ANA"`, ...).
//!   Multiplicative trends are not offered (statsforecast's default excludes them too).
//! - **Any season length**: 168 (a week of hours) works; R refuses `m > 24`. Seasonal states
//!   live in a ring, so a step costs the same for every `m`.
//! - **Initial states**: R's heuristic (classical decomposition for the seasons, a line
//!   through the first `max(10, 2m)` seasonally adjusted values for level and trend).
//! - **Estimation**: smoothing parameters and the initial level and trend by a bounded
//!   Nelder–Mead on R's likelihood criterion (`n log SSE` for additive errors,
//!   `n log(sum e^2) + 2 sum log|yhat|` for multiplicative ones) within the "usual" bounds
//!   `1e-4 <= beta <= alpha <= 0.9999`, `1e-4 <= gamma <= 1 - alpha`, `0.8 <= phi <= 0.98`.
//!   The `m - 1` free seasonal initial states are optimised too when `m` is at most
//!   [`EtsParams::max_optimized_season`] (default 12); for longer seasons they stay at the
//!   heuristic values (far faster, and with many seasons of data the smoothing adapts them).
//!   R's default `bounds = "both"` also checks the admissible region through the roots of a
//!   degree-`m` polynomial; capcast checks the usual bounds only.
//! - **AutoETS** ([`EtsParams::auto`]): fits the admissible candidates and keeps the lowest
//!   AICc. For long seasons (above `max_optimized_season`) every candidate first gets 40
//!   Nelder–Mead iterations and only the 3 best by AICc are run to convergence
//!   ([`EtsParams::screening`]). Multiplicative error and season only for strictly positive data; additive error
//!   never with a multiplicative season (R's `restrict`); seasonal candidates only when the
//!   series covers at least two seasons, otherwise the candidates are non-seasonal (the
//!   fallback is visible in [`FittedEts::spec`] and the name). A constant series gets
//!   `ETS(A,N,N)` with `alpha = 0.9999`, as in R.
//! - **Intervals**: exact Gaussian variances for class-1 models (additive error, no
//!   multiplicative season; Hyndman et al. 2008 table 6.1) and empirical quantiles of 5000
//!   simulated paths for the others. [`Fitted::sample_paths`] simulates the state space with
//!   Gaussian errors of the fitted variance, reproducibly per seed.
//!
//! | parameter | default | range |
//! |---|---|---|
//! | `season_length` | 1 | >= 1 |
//! | `spec` | `"ZZZ"` (auto) | error `A/M/Z`, trend `N/A/Ad/Z`, season `N/A/M/Z` |
//! | `damped` | not forced | only with a trend |
//! | `alpha`, `beta`, `gamma`, `phi` | estimated | within the usual bounds above |
//! | `initial_level`, `initial_trend` | estimated | finite |
//! | `max_optimized_season` | 12 | any |
//! | `max_iter` | 1000 Nelder–Mead iterations | >= 1 |
//! | `restarts` | 0 (statsforecast's estimates) | any |
//! | `screening` | 40 iterations, keep 3 | keep >= 1, or `no_screening` |
//!
//! ```
//! use capcast::forecast::{EtsParams, Fitted, TimeSeries};
//!
//! let values: Vec<f64> = (0..96).map(|t| 10.0 + (t % 24) as f64 + 0.01 * t as f64).collect();
//! let fitted = EtsParams::auto().season_length(24).fit(&TimeSeries::hourly(values)?)?;
//! let forecast = fitted.predict(24, &[80.0, 95.0])?;
//! assert_eq!(forecast.mean.len(), 24);
//! assert!(fitted.name().starts_with("ETS("));
//! # Ok::<(), capcast::Error>(())
//! ```

mod core;
mod fitted;
mod init;
mod intervals;
mod optim;
#[cfg(test)]
mod tests;

pub use self::core::{ErrorType, SeasonType, Spec, TrendType};
pub use self::fitted::FittedEts;

use self::init::initial_states;
use self::optim::{Candidate, Estimate, Fixed, Settings, LOWER, UPPER};
use super::model::{Fitted, Model};
use super::series::TimeSeries;
use crate::error::{Error, Result};

/// Nelder–Mead iterations every AutoETS candidate gets before the screening.
const SCREEN_ITERATIONS: usize = 40;
/// Screening iterations per optimised quantity when that gives more (optimised seasonal
/// states make the simplex large and slow to settle).
const SCREEN_PER_DIMENSION: usize = 10;
/// Candidates kept after the screening and run to convergence.
const SCREEN_KEEP: usize = 3;

/// Parameters of an ETS model or of AutoETS. Build with [`EtsParams::auto`] (or `default`),
/// [`EtsParams::spec`] or the component setters, then [`EtsParams::fit`].
///
/// A component left unset (`Z` in a spec string) is chosen by AICc among its admissible
/// values.
///
/// # Example
/// ```
/// use capcast::forecast::{EtsParams, TimeSeries};
///
/// let y = TimeSeries::hourly((0..60).map(|t| 100.0 + 2.0 * t as f64).collect())?;
/// let fitted = EtsParams::default().spec("AAN")?.fit(&y)?;
/// assert_eq!(capcast::forecast::Fitted::name(&fitted), "ETS(A,A,N)");
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EtsParams {
    season_length: usize,
    error: Option<ErrorType>,
    /// `None`: choose among none / additive / damped.
    trend: Option<TrendType>,
    season: Option<SeasonType>,
    damped: Option<bool>,
    fixed: Fixed,
    max_optimized_season: usize,
    max_iter: usize,
    restarts: usize,
    screening: Option<(usize, usize)>,
}

impl Default for EtsParams {
    fn default() -> Self {
        EtsParams {
            season_length: 1,
            error: None,
            trend: None,
            season: None,
            damped: None,
            fixed: Fixed::default(),
            max_optimized_season: 12,
            max_iter: 1000,
            restarts: 0,
            screening: Some((SCREEN_ITERATIONS, SCREEN_KEEP)),
        }
    }
}

impl EtsParams {
    /// AutoETS: every component chosen by AICc (`"ZZZ"`).
    pub fn auto() -> Self {
        Self::default()
    }

    /// The season length `m` (24 for a daily cycle on hourly data, 168 for a weekly one).
    /// 1 means no season.
    pub fn season_length(mut self, m: usize) -> Self {
        self.season_length = m;
        self
    }

    /// Sets the components from a spec string: error `A`/`M`/`Z`, trend `N`/`A`/`Ad`/`Z`,
    /// season `N`/`A`/`M`/`Z`, e.g. `"AAdA"`, `"MNM"`, `"ZZZ"`; `Z` means "choose by AICc".
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other string.
    pub fn spec(mut self, spec: &str) -> Result<Self> {
        let bad = || {
            Error::parameter(
                "spec",
                format!(
                    "'{spec}' is not an ETS spec: expected error A/M/Z, trend N/A/Ad/Z and \
                     season N/A/M/Z, e.g. \"AAdA\" or \"ZZZ\""
                ),
            )
        };
        let chars: Vec<char> = spec.trim().chars().collect();
        let (e, t, damped, s) = match chars.as_slice() {
            [e, t, s] => (*e, *t, false, *s),
            [e, t, 'd', s] => (*e, *t, true, *s),
            _ => return Err(bad()),
        };
        self.error = match e.to_ascii_uppercase() {
            'A' => Some(ErrorType::Additive),
            'M' => Some(ErrorType::Multiplicative),
            'Z' => None,
            _ => return Err(bad()),
        };
        self.trend = match (t.to_ascii_uppercase(), damped) {
            ('N', false) => Some(TrendType::None),
            ('A', false) => Some(TrendType::Additive),
            ('A', true) => Some(TrendType::Damped),
            ('Z', false) => None,
            _ => return Err(bad()),
        };
        self.season = match s.to_ascii_uppercase() {
            'N' => Some(SeasonType::None),
            'A' => Some(SeasonType::Additive),
            'M' => Some(SeasonType::Multiplicative),
            'Z' => None,
            _ => return Err(bad()),
        };
        self.damped = None;
        Ok(self)
    }

    /// Sets the error type (`None`: choose).
    pub fn error(mut self, error: Option<ErrorType>) -> Self {
        self.error = error;
        self
    }

    /// Sets the trend type (`None`: choose among none, additive and damped).
    pub fn trend(mut self, trend: Option<TrendType>) -> Self {
        self.trend = trend;
        self
    }

    /// Sets the season type (`None`: choose).
    pub fn season(mut self, season: Option<SeasonType>) -> Self {
        self.season = season;
        self
    }

    /// Forces a damped (`true`) or undamped (`false`) trend when the trend is chosen
    /// automatically or additive.
    pub fn damped(mut self, damped: bool) -> Self {
        self.damped = Some(damped);
        self
    }

    /// Fixes the level smoothing parameter instead of estimating it.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.fixed.alpha = Some(alpha);
        self
    }

    /// Fixes the trend smoothing parameter.
    pub fn beta(mut self, beta: f64) -> Self {
        self.fixed.beta = Some(beta);
        self
    }

    /// Fixes the seasonal smoothing parameter.
    pub fn gamma(mut self, gamma: f64) -> Self {
        self.fixed.gamma = Some(gamma);
        self
    }

    /// Fixes the damping factor.
    pub fn phi(mut self, phi: f64) -> Self {
        self.fixed.phi = Some(phi);
        self
    }

    /// Fixes the initial level (the level before the first observation).
    pub fn initial_level(mut self, level: f64) -> Self {
        self.fixed.level = Some(level);
        self
    }

    /// Fixes the initial trend.
    pub fn initial_trend(mut self, trend: f64) -> Self {
        self.fixed.trend = Some(trend);
        self
    }

    /// Seasonal initial states are optimised when the season length is at most this (default
    /// 12, as R and statsforecast do for every `m`); above, they stay at the decomposition
    /// heuristic, which keeps `m = 24` and `m = 168` fast.
    pub fn max_optimized_season(mut self, m: usize) -> Self {
        self.max_optimized_season = m;
        self
    }

    /// Caps the Nelder–Mead iterations per candidate model (default 1000).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Restarts Nelder–Mead from its optimum up to this many times while the likelihood
    /// improves (default 0, which reproduces statsforecast's estimates). With many initial
    /// states the simplex often stalls early: on AirPassengers two restarts lower the AICc of
    /// ETS(M,A,M) from 1512 to 1391, close to what R's `ets` reports. Each restart costs about
    /// as much as the first run.
    pub fn restarts(mut self, restarts: usize) -> Self {
        self.restarts = restarts;
        self
    }

    /// AutoETS screening: every candidate gets `iterations` Nelder–Mead iterations (or 10 per
    /// optimised quantity if more), then only the `keep` best by AICc are run to convergence
    /// (default 40 and 3; `keep >= 1`).
    /// Surviving candidates get exactly the estimates of a full run; the risk is discarding
    /// a candidate that would have overtaken the others late. [`EtsParams::no_screening`]
    /// runs every candidate to convergence, as R and statsforecast do.
    pub fn screening(mut self, iterations: usize, keep: usize) -> Self {
        self.screening = Some((iterations, keep));
        self
    }

    /// Runs every AutoETS candidate to convergence (slower; see [`EtsParams::screening`]).
    pub fn no_screening(mut self) -> Self {
        self.screening = None;
        self
    }

    /// Checks the parameters without data.
    ///
    /// # Errors
    /// [`Error::Parameter`] for a zero season length or iteration cap, a fixed parameter
    /// outside its bounds or not finite, `damped` without a trend, or a seasonal spec with
    /// season length 1.
    pub fn check(&self) -> Result<()> {
        if self.season_length == 0 {
            return Err(Error::parameter("season_length", "must be at least 1"));
        }
        if self.max_iter == 0 {
            return Err(Error::parameter("max_iter", "must be at least 1"));
        }
        if matches!(self.screening, Some((_, 0))) {
            return Err(Error::parameter(
                "screening",
                "must keep at least 1 candidate",
            ));
        }
        let in_range = |name: &str, value: Option<f64>, lo: f64, hi: f64| -> Result<()> {
            match value {
                Some(v) if !(lo..=hi).contains(&v) => Err(Error::parameter(
                    name,
                    format!("{v} is outside the usual bounds [{lo}, {hi}]"),
                )),
                _ => Ok(()),
            }
        };
        let f = &self.fixed;
        in_range("alpha", f.alpha, LOWER[0], UPPER[0])?;
        in_range("beta", f.beta, LOWER[1], f.alpha.unwrap_or(UPPER[1]))?;
        in_range("gamma", f.gamma, LOWER[2], 1.0 - f.alpha.unwrap_or(0.0))?;
        in_range("phi", f.phi, LOWER[3], UPPER[3])?;
        for (name, value) in [("initial_level", f.level), ("initial_trend", f.trend)] {
            if value.is_some_and(|v| !v.is_finite()) {
                return Err(Error::parameter(name, "must be a finite number"));
            }
        }
        if self.damped == Some(true) && self.trend == Some(TrendType::None) {
            return Err(Error::parameter("damped", "a damped model needs a trend"));
        }
        if self.season_length == 1
            && matches!(
                self.season,
                Some(SeasonType::Additive | SeasonType::Multiplicative)
            )
        {
            return Err(Error::parameter(
                "season_length",
                "a seasonal model needs a season length of at least 2",
            ));
        }
        Ok(())
    }

    /// The candidate specifications for `y` (the admissible ones among those asked for).
    fn candidates(&self, y: &[f64]) -> Result<Vec<Spec>> {
        let m = self.season_length;
        let n = y.len();
        let positive = y.iter().all(|&v| v > 0.0);
        let explicit = |what: &str| {
            Error::parameter(
                "y",
                format!("{what} needs strictly positive values; use an additive model or shift the series"),
            )
        };
        if !positive && self.error == Some(ErrorType::Multiplicative) {
            return Err(explicit("a multiplicative error"));
        }
        if !positive && self.season == Some(SeasonType::Multiplicative) {
            return Err(explicit("a multiplicative season"));
        }
        let seasonal_ok = m > 1 && n >= 2 * m;
        if !seasonal_ok
            && matches!(
                self.season,
                Some(SeasonType::Additive | SeasonType::Multiplicative)
            )
        {
            return Err(Error::parameter(
                "y",
                format!(
                    "a seasonal ETS model needs at least two seasons ({} values), the series \
                     has {n}; use the auto season (Z) to fall back to a non-seasonal model",
                    2 * m
                ),
            ));
        }
        let errors = match self.error {
            Some(e) => vec![e],
            None if positive => vec![ErrorType::Additive, ErrorType::Multiplicative],
            None => vec![ErrorType::Additive],
        };
        let trends = match (self.trend, self.damped) {
            (Some(TrendType::Additive), Some(true)) => vec![TrendType::Damped],
            (Some(TrendType::Damped), Some(false)) => vec![TrendType::Additive],
            (Some(t), _) => vec![t],
            (None, Some(true)) => vec![TrendType::Damped],
            (None, Some(false)) => vec![TrendType::None, TrendType::Additive],
            (None, None) => vec![TrendType::None, TrendType::Additive, TrendType::Damped],
        };
        let seasons = match self.season {
            Some(s) => vec![s],
            None if !seasonal_ok => vec![SeasonType::None],
            None if positive => vec![
                SeasonType::None,
                SeasonType::Additive,
                SeasonType::Multiplicative,
            ],
            None => vec![SeasonType::None, SeasonType::Additive],
        };
        let restrict = self.error.is_none() || self.season.is_none();
        let mut out = Vec::new();
        for &error in &errors {
            for &trend in &trends {
                for &season in &seasons {
                    // R's `restrict`: no additive error with a multiplicative season (unstable),
                    // unless asked for explicitly.
                    if restrict
                        && error == ErrorType::Additive
                        && season == SeasonType::Multiplicative
                    {
                        continue;
                    }
                    out.push(Spec {
                        error,
                        trend,
                        season,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Fits the model (or selects one by AICc) to `series`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for invalid parameters (see [`EtsParams::check`]), missing values,
    /// fewer than 4 values, non-positive values with a multiplicative component asked for,
    /// a seasonal spec with less than two seasons of data, or when no candidate could be
    /// estimated.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedEts> {
        self.check()?;
        series.require_complete("ETS")?;
        let y = series.values();
        let n = y.len();
        if n < 4 {
            return Err(Error::parameter(
                "y",
                format!("ETS needs at least 4 values, the series has {n}"),
            ));
        }
        if y.iter().any(|v| !v.is_finite()) {
            return Err(Error::parameter("y", "ETS needs finite values"));
        }
        let m = self.season_length;
        let constant = y.iter().all(|&v| v == y[0]);
        let candidates = if constant {
            // R / statsforecast: a constant series gets ETS(A,N,N) with alpha = 0.9999.
            vec![Spec {
                error: ErrorType::Additive,
                trend: TrendType::None,
                season: SeasonType::None,
            }]
        } else {
            self.candidates(y)?
        };
        let mut fixed = self.fixed;
        if constant {
            fixed.alpha = Some(UPPER[0]);
        }
        let settings = Settings {
            fixed,
            optimize_seasons: m <= self.max_optimized_season,
            max_iter: self.max_iter,
            restarts: self.restarts,
        };
        let mut running: Vec<(Spec, Candidate)> = Vec::new();
        for spec in candidates {
            if too_many_parameters(n, m, &spec) {
                continue;
            }
            let init = initial_states(y, m, &spec);
            running.push((spec, Candidate::new(y, m, spec, init, &settings)));
        }
        // Screening: a few iterations for every candidate, then only the best `keep` by AICc
        // run to convergence. Their estimates are exactly those of uninterrupted runs.
        if let Some((iterations, keep)) = self.screening.filter(|_| !settings.optimize_seasons) {
            if running.len() > keep {
                for (_, candidate) in &mut running {
                    let per_dimension = SCREEN_PER_DIMENSION * candidate.dimension();
                    candidate.advance(iterations.max(per_dimension));
                }
                running.sort_by(|a, b| {
                    let score = |c: &Candidate| aicc(c.value(), c.n_params, n);
                    score(&a.1).total_cmp(&score(&b.1))
                });
                running.truncate(keep);
            }
        }
        let mut best: Option<(f64, Spec, Estimate)> = None;
        for (spec, candidate) in running {
            let estimate = candidate.finish();
            if !estimate.lik.is_finite() {
                continue;
            }
            let aicc = aicc(estimate.lik, estimate.n_params, n);
            if aicc.is_nan() {
                continue;
            }
            if best.as_ref().is_none_or(|(b, _, _)| aicc < *b) {
                best = Some((aicc, spec, estimate));
            }
        }
        let Some((_, spec, estimate)) = best else {
            return Err(Error::parameter(
                "y",
                format!(
                    "no ETS model could be estimated on {n} values (each needs more values \
                     than parameters)"
                ),
            ));
        };
        Ok(FittedEts::new(series, m, spec, estimate))
    }
}

/// Whether `spec` has too many parameters for `n` values (R: `np >= n - 1`).
fn too_many_parameters(n: usize, m: usize, spec: &Spec) -> bool {
    let n_states = 1 + usize::from(spec.has_trend()) + if spec.has_season() { m - 1 } else { 0 };
    let n_smoothing = 1
        + usize::from(spec.has_trend())
        + usize::from(spec.has_season())
        + usize::from(spec.trend == TrendType::Damped);
    n_states + n_smoothing >= n - 1
}

/// AICc from the likelihood criterion (-2 log-likelihood) and `k` estimated quantities.
pub(crate) fn aicc(lik: f64, k: usize, n: usize) -> f64 {
    let (k, n) = (k as f64, n as f64);
    let aic = lik + 2.0 * k;
    if n - k - 1.0 > 0.0 {
        aic + 2.0 * k * (k + 1.0) / (n - k - 1.0)
    } else {
        f64::INFINITY
    }
}

impl Model for EtsParams {
    fn name(&self) -> String {
        "ETS".to_string()
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        Ok(Box::new(self.fit(series)?))
    }
}
