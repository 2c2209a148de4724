//! The fitted model: parameters, states, fit statistics, forecasts and sample paths.

use super::aicc;
use super::core::{full_pass, point_forecast, Smoothing, Spec, Step, TrendType};
use super::init::Init;
use super::intervals::{class1_variance, is_class1, quantile_sorted, simulate_paths};
use super::optim::Estimate;
use crate::error::Result;
use crate::forecast::model::{
    check_horizon, check_levels, check_paths, Fitted, Forecast, Interval,
};
use crate::forecast::series::TimeSeries;

/// Number of simulated paths behind the intervals of non-class-1 models.
const INTERVAL_PATHS: usize = 5000;
/// Seed of those simulations (intervals are deterministic).
const INTERVAL_SEED: u64 = 1;

/// A fitted ETS model: specification, parameters, states and fit statistics.
#[derive(Debug, Clone)]
pub struct FittedEts {
    spec: Spec,
    m: usize,
    par: Smoothing,
    initial: Init,
    last: Init,
    residuals: Vec<f64>,
    fitted: Vec<f64>,
    sigma2: f64,
    lik: f64,
    n_params: usize,
    iterations: usize,
    series: TimeSeries,
}

impl FittedEts {
    pub(crate) fn new(series: &TimeSeries, m: usize, spec: Spec, estimate: Estimate) -> FittedEts {
        let y = series.values();
        let n = y.len();
        let step = Step {
            spec,
            par: estimate.par,
        };
        let init = estimate.init;
        let pass = full_pass(&step, y, init.level, init.trend, &init.seasons);
        let sse: f64 = pass.errors.iter().map(|e| e * e).sum();
        // statsforecast 2.1: sigma2 = SSE / (n - k - 1), k counting the variance itself.
        let dof = n as f64 - estimate.n_params as f64 - 1.0;
        let sigma2 = if dof > 0.0 { sse / dof } else { sse / n as f64 };
        FittedEts {
            spec,
            m: if spec.has_season() { m } else { 1 },
            par: estimate.par,
            last: Init {
                level: pass.level,
                trend: pass.trend,
                seasons: pass.seasons,
            },
            initial: init,
            residuals: pass.errors,
            fitted: pass.fitted,
            sigma2,
            lik: estimate.lik,
            n_params: estimate.n_params,
            iterations: estimate.iterations,
            series: series.clone(),
        }
    }

    fn step(&self) -> Step {
        Step {
            spec: self.spec,
            par: self.par,
        }
    }

    /// The selected specification.
    pub fn spec(&self) -> Spec {
        self.spec
    }
    /// The season length used (1 for a non-seasonal model).
    pub fn season_length(&self) -> usize {
        self.m
    }
    /// Level smoothing parameter.
    pub fn alpha(&self) -> f64 {
        self.par.alpha
    }
    /// Trend smoothing parameter (`None` without trend).
    pub fn beta(&self) -> Option<f64> {
        self.spec.has_trend().then_some(self.par.beta)
    }
    /// Seasonal smoothing parameter (`None` without season).
    pub fn gamma(&self) -> Option<f64> {
        self.spec.has_season().then_some(self.par.gamma)
    }
    /// Damping factor (`None` unless the trend is damped).
    pub fn phi(&self) -> Option<f64> {
        (self.spec.trend == TrendType::Damped).then_some(self.par.phi)
    }
    /// Variance of the innovations (relative errors for multiplicative-error models),
    /// `SSE / (n - k - 1)` as in statsforecast.
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }
    /// Log-likelihood up to the constant R drops (`-lik / 2`).
    pub fn loglik(&self) -> f64 {
        -0.5 * self.lik
    }
    /// Number of estimated quantities (smoothing parameters, initial states, variance).
    pub fn n_params(&self) -> usize {
        self.n_params
    }
    /// Nelder–Mead iterations spent on the selected model (at most `max_iter` per run).
    pub fn iterations(&self) -> usize {
        self.iterations
    }
    /// Akaike's information criterion.
    pub fn aic(&self) -> f64 {
        self.lik + 2.0 * self.n_params as f64
    }
    /// AIC corrected for small samples: the criterion AutoETS minimises.
    pub fn aicc(&self) -> f64 {
        aicc(self.lik, self.n_params, self.series.len())
    }
    /// Bayesian information criterion.
    pub fn bic(&self) -> f64 {
        self.lik + (self.series.len() as f64).ln() * self.n_params as f64
    }
    /// The initial states in R's order `[l, b, s_1, ..., s_m]` (`b` only with a trend,
    /// seasons only with a season, `s_m` the season of the first observation).
    pub fn initial_states(&self) -> Vec<f64> {
        self.state_vector(&self.initial)
    }
    /// The states after the last observation, same order as [`FittedEts::initial_states`]
    /// (`s_1` is the season of the last observation).
    pub fn states(&self) -> Vec<f64> {
        self.state_vector(&self.last)
    }
    /// In-sample innovations (`y - yhat`, or `(y - yhat) / yhat` for multiplicative errors).
    pub fn residuals(&self) -> &[f64] {
        &self.residuals
    }

    fn state_vector(&self, states: &Init) -> Vec<f64> {
        let mut out = vec![states.level];
        if self.spec.has_trend() {
            out.push(states.trend);
        }
        if self.spec.has_season() {
            out.extend_from_slice(&states.seasons);
        }
        out
    }

    fn point(&self, horizon: usize) -> Vec<f64> {
        point_forecast(
            &self.step(),
            self.last.level,
            self.last.trend,
            &self.last.seasons,
            horizon,
        )
    }

    fn paths(&self, horizon: usize, n_paths: usize, seed: u64, point: &[f64]) -> Vec<Vec<f64>> {
        simulate_paths(
            &self.step(),
            (self.last.level, self.last.trend, &self.last.seasons),
            self.sigma2,
            horizon,
            n_paths,
            seed,
            point,
        )
    }
}

impl Fitted for FittedEts {
    fn name(&self) -> String {
        self.spec.name()
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let levels = check_levels(levels)?;
        let mean = self.point(horizon);
        let ds = self.series.future_timestamps(horizon);
        if is_class1(&self.spec) {
            let sd: Vec<f64> = class1_variance(&self.spec, &self.par, self.m, self.sigma2, horizon)
                .into_iter()
                .map(|v| v.max(0.0).sqrt())
                .collect();
            return Ok(Forecast::gaussian(ds, mean, &sd, &levels));
        }
        if levels.is_empty() {
            // A point forecast only (backtests that score points): no paths to simulate.
            return Ok(Forecast {
                ds,
                mean,
                intervals: Vec::new(),
            });
        }
        let paths = self.paths(horizon, INTERVAL_PATHS, INTERVAL_SEED, &mean);
        let mut intervals: Vec<Interval> = levels
            .iter()
            .map(|&level| Interval {
                level,
                lower: Vec::with_capacity(horizon),
                upper: Vec::with_capacity(horizon),
            })
            .collect();
        let mut column = vec![0.0; paths.len()];
        for h in 0..horizon {
            for (c, path) in column.iter_mut().zip(&paths) {
                *c = path[h];
            }
            column.sort_by(f64::total_cmp);
            for interval in &mut intervals {
                let tail = 0.5 - interval.level / 200.0;
                interval.lower.push(quantile_sorted(&column, tail));
                interval.upper.push(quantile_sorted(&column, 1.0 - tail));
            }
        }
        let mut forecast = Forecast {
            ds,
            mean,
            intervals,
        };
        forecast.enforce_nesting();
        Ok(forecast)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.fitted.clone()
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        let point = self.point(horizon);
        Ok(self.paths(horizon, n_paths, seed, &point))
    }
}
