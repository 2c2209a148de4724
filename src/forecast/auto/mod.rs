//! Automatic model choice per series: backtest every candidate, keep the best (or an
//! ensemble of the best few), and calibrate its intervals on the same backtest.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `models` | [`candidates`] of the series' seasons | the candidate models |
//! | `season_lengths` | [`default_seasons`] of the series | seasons for the default candidates and the baseline |
//! | `metric` | [`Metric::Mase`] | backtest error that ranks candidates |
//! | `horizon` | the main season length (1 without one) | backtest and conformal horizon |
//! | `step` | `horizon` | values between backtest cutoffs |
//! | `windows` | 10 | backtest windows (fewer when the series is short) |
//! | `ensemble` | 1 | number of best models combined |
//! | `combine` | [`EnsembleCombine::Median`] | how ensemble points are combined |
//! | `intervals` | [`IntervalMethod::Conformal`] | interval method |
//! | `conformal_method`, `finite_sample` | `Error`, true | see [`super::conformal`] |
//!
//! Seasonal naive with the main season (naive for series without a season) is the baseline:
//! it is always backtested, added to the candidates if missing, and its score reported.
//!
//! The metric of the ranking falls back to MAE for a series where the chosen metric is not
//! defined for some candidate (MASE of a series whose seasonal naive forecast is perfect,
//! MAPE of a series of zeros). Ties keep the candidates' order.
//!
//! Short series: the backtest uses as many windows as fit while leaving each window at
//! least `max(3, season)` training values; with not even one such window, the backtest
//! horizon shrinks, then the training minimum drops to 3 values (seasonal candidates then
//! fail and are reported as such). A series of fewer than 4 values cannot be backtested: the
//! baseline (or naive, when the series is shorter than one season) is fitted with its own
//! intervals, and [`Selection::Fallback`] says why.
//!
//! Conformal intervals reuse the backtest: the errors of the chosen model (or of the
//! ensemble's combined point) in each window are the conformity scores, so no extra fits are
//! needed. With `IntervalMethod::Native`, the model's own intervals are used (for an
//! ensemble, the bounds combined like the points).

use std::sync::Arc;

mod ensemble;

use ensemble::{ensemble_errors, FittedEnsemble};

use super::backtest::{Backtest, BacktestParams};
use super::baseline::BaselineParams;
use super::conformal::{ConformalMethod, FittedConformal};
use super::metrics::{Metric, Metrics};
use super::model::{check_horizon, check_levels, Fitted, Forecast, Model};
use super::registry::{ModelKind, NamedModel};
use super::series::{default_seasons, TimeSeries};
use crate::error::{Error, Result};

/// The candidate models for a series with these season lengths: naive, drift and seasonal
/// naive (one per season) baselines, AutoETS, MSTL (with at least one season), AutoTheta and the
/// Prophet-family regression (see [`super::registry`]).
pub fn candidates(season_lengths: &[usize]) -> Vec<Box<dyn Model>> {
    let mut out: Vec<Box<dyn Model>> = vec![
        Box::new(BaselineParams::naive()),
        Box::new(BaselineParams::drift()),
    ];
    let seasons: Vec<usize> = season_lengths.iter().copied().filter(|&m| m > 1).collect();
    for &m in &seasons {
        out.push(Box::new(BaselineParams::seasonal_naive(m)));
    }
    let mut families = vec![ModelKind::Ets, ModelKind::Theta, ModelKind::Regression];
    if !seasons.is_empty() {
        families.insert(1, ModelKind::Mstl);
    }
    for kind in families {
        out.push(Box::new(NamedModel::new(kind, Some(seasons.clone()))));
    }
    out
}

/// How an ensemble combines its members' points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnsembleCombine {
    /// The median (robust to one bad member; the default).
    #[default]
    Median,
    /// The mean.
    Mean,
}

impl EnsembleCombine {
    /// Parses `median` or `mean`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other spelling.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "median" => Ok(EnsembleCombine::Median),
            "mean" => Ok(EnsembleCombine::Mean),
            other => Err(Error::parameter(
                "combine",
                format!("'{other}' is not one of median, mean"),
            )),
        }
    }
}

/// Where prediction intervals come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IntervalMethod {
    /// Conformal intervals from the backtest errors (the default).
    #[default]
    Conformal,
    /// The model's own intervals.
    Native,
}

impl IntervalMethod {
    /// Parses `conformal` or `native`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other spelling.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "conformal" => Ok(IntervalMethod::Conformal),
            "native" => Ok(IntervalMethod::Native),
            other => Err(Error::parameter(
                "intervals",
                format!("'{other}' is not one of conformal, native"),
            )),
        }
    }
}

/// How the model was chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// By backtest.
    Backtest {
        /// The backtest horizon.
        horizon: usize,
        /// The number of windows.
        windows: usize,
    },
    /// Without a backtest (series too short, or no candidate could be backtested).
    Fallback {
        /// Why.
        reason: String,
    },
}

/// One candidate's backtest result.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateScore {
    /// The candidate's name.
    pub model: String,
    /// Its score with the metric used for ranking (`NaN` if it failed).
    pub score: f64,
    /// All its metrics, averaged over windows.
    pub metrics: Option<Metrics>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Whether it is the baseline.
    pub baseline: bool,
    /// Whether it was chosen (alone or in the ensemble).
    pub chosen: bool,
}

/// Parameters of automatic model choice (see the module docs for the defaults).
///
/// # Example
/// ```
/// use capcast::forecast::{AutoParams, Fitted, TimeSeries};
///
/// let y = TimeSeries::hourly((0..120).map(|t| 10.0 + (t % 24) as f64).collect())?;
/// let fitted = AutoParams::default().horizon(24).fit(&y)?;
/// assert_eq!(fitted.chosen_model(), "SeasonalNaive(24)");
/// let forecast = fitted.predict(24, &[80.0, 95.0])?;
/// assert_eq!(forecast.mean[0], 10.0);
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AutoParams {
    models: Option<Vec<Arc<dyn Model>>>,
    season_lengths: Option<Vec<usize>>,
    metric: Metric,
    horizon: Option<usize>,
    step: Option<usize>,
    windows: usize,
    ensemble: usize,
    combine: EnsembleCombine,
    intervals: IntervalMethod,
    conformal_method: ConformalMethod,
    finite_sample: bool,
    levels: Vec<f64>,
}

impl Default for AutoParams {
    fn default() -> Self {
        AutoParams {
            models: None,
            season_lengths: None,
            metric: Metric::default(),
            horizon: None,
            step: None,
            windows: 3,
            ensemble: 1,
            combine: EnsembleCombine::default(),
            intervals: IntervalMethod::default(),
            conformal_method: ConformalMethod::default(),
            finite_sample: true,
            levels: vec![80.0, 95.0],
        }
    }
}

/// The backtest of every candidate on one series, ranked.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Every candidate's score, in candidate order.
    pub scores: Vec<CandidateScore>,
    /// The backtest (`None` for a fallback).
    pub backtest: Option<Backtest>,
    /// The metric used for ranking (the requested one, or MAE when it was undefined).
    pub metric: Metric,
    /// The baseline's name.
    pub baseline: String,
    /// How the choice was made.
    pub selection: Selection,
    /// Names of the scored candidates, best first.
    pub ranked: Vec<String>,
    models: Vec<Arc<dyn Model>>,
}

impl Evaluation {
    /// The baseline's score.
    pub fn baseline_score(&self) -> Option<&CandidateScore> {
        self.scores.iter().find(|s| s.baseline)
    }
}

impl AutoParams {
    /// The candidate models (default: [`candidates`] of the series' seasons). The baseline is
    /// added if missing, scored for comparison, and chosen only when none of these models can
    /// be backtested.
    pub fn models(mut self, models: Vec<Box<dyn Model>>) -> Self {
        self.models = Some(models.into_iter().map(Arc::from).collect());
        self
    }
    /// Season lengths for the default candidates and the baseline (default: the series'
    /// [`default_seasons`]; the first is the main season).
    pub fn season_lengths(mut self, season_lengths: &[usize]) -> Self {
        self.season_lengths = Some(season_lengths.to_vec());
        self
    }
    /// The ranking metric (default MASE).
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }
    /// Backtest and conformal horizon (default: the main season length).
    pub fn horizon(mut self, horizon: usize) -> Self {
        self.horizon = Some(horizon);
        self
    }
    /// Values between backtest cutoffs (default: the horizon).
    pub fn step(mut self, step: usize) -> Self {
        self.step = Some(step);
        self
    }
    /// Backtest windows (default 3).
    pub fn windows(mut self, windows: usize) -> Self {
        self.windows = windows;
        self
    }
    /// Combine the best `k` models (default 1: the best alone).
    pub fn ensemble(mut self, k: usize) -> Self {
        self.ensemble = k;
        self
    }
    /// How ensemble points are combined (default median).
    pub fn combine(mut self, combine: EnsembleCombine) -> Self {
        self.combine = combine;
        self
    }
    /// Interval method (default conformal).
    pub fn intervals(mut self, intervals: IntervalMethod) -> Self {
        self.intervals = intervals;
        self
    }
    /// Conformal method (default [`ConformalMethod::Error`]).
    pub fn conformal_method(mut self, method: ConformalMethod) -> Self {
        self.conformal_method = method;
        self
    }
    /// Conformal finite-sample correction (default true).
    pub fn finite_sample(mut self, on: bool) -> Self {
        self.finite_sample = on;
        self
    }
    /// Interval levels scored in the backtest (default 80 and 95; predictions take their
    /// own levels).
    pub fn levels(mut self, levels: &[f64]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// The horizon set with [`AutoParams::horizon`], if any.
    pub fn get_horizon(&self) -> Option<usize> {
        self.horizon
    }

    fn check(&self) -> Result<()> {
        if let Some(h) = self.horizon {
            check_horizon(h)?;
        }
        if self.step == Some(0) {
            return Err(Error::parameter("step", "must be at least 1 value"));
        }
        if self.windows == 0 {
            return Err(Error::parameter("windows", "must be at least 1"));
        }
        if self.ensemble == 0 {
            return Err(Error::parameter("ensemble", "must be at least 1 model"));
        }
        if self.models.as_ref().is_some_and(|m| m.is_empty()) {
            return Err(Error::parameter("models", "must list at least one model"));
        }
        check_levels(&self.levels)?;
        Ok(())
    }

    /// Backtests every candidate on `series` and ranks them.
    ///
    /// # Errors
    /// [`Error::Parameter`] for bad parameters. A series too short to backtest is not an
    /// error: the evaluation is a [`Selection::Fallback`].
    pub fn evaluate(&self, series: &TimeSeries) -> Result<Evaluation> {
        self.check()?;
        let n = series.len();
        let seasons = self
            .season_lengths
            .clone()
            .unwrap_or_else(|| default_seasons(series.step(), n));
        let main = seasons.iter().copied().find(|&m| m > 1).unwrap_or(1);
        let baseline_model = if main > 1 {
            BaselineParams::seasonal_naive(main)
        } else {
            BaselineParams::naive()
        };
        let baseline = baseline_model.name();
        let mut models: Vec<Arc<dyn Model>> = match &self.models {
            Some(m) => m.clone(),
            None => candidates(&seasons).into_iter().map(Arc::from).collect(),
        };
        // The baseline is always scored. When the user listed the models and the baseline
        // is not among them, it is scored for comparison only: it is chosen only if none of
        // the listed models could be backtested (`model = "ets"` must give ETS).
        let baseline_for_comparison_only =
            self.models.is_some() && !models.iter().any(|m| m.name() == baseline);
        if !models.iter().any(|m| m.name() == baseline) {
            models.push(Arc::new(baseline_model));
        }
        let horizon = self.horizon.unwrap_or(main);
        let fallback = |reason: String| Evaluation {
            scores: models
                .iter()
                .map(|m| CandidateScore {
                    model: m.name(),
                    score: f64::NAN,
                    metrics: None,
                    error: None,
                    baseline: m.name() == baseline,
                    chosen: false,
                })
                .collect(),
            backtest: None,
            metric: self.metric,
            baseline: baseline.clone(),
            selection: Selection::Fallback { reason },
            ranked: Vec::new(),
            models: models.clone(),
        };
        let Some(plan) = self.plan(n, horizon, main) else {
            return Ok(fallback(format!(
                "{n} values are too few for a backtest (at least 4 are needed)"
            )));
        };
        let boxed: Vec<Box<dyn Model>> = models
            .iter()
            .map(|m| Box::new(Shared(m.clone())) as Box<dyn Model>)
            .collect();
        let backtest = plan.clone().levels(&self.levels).run(series, &boxed)?;
        let usable = |metric: Metric| {
            backtest
                .scores
                .iter()
                .filter_map(|s| s.metrics.as_ref())
                .all(|m| m.get(metric).is_finite())
        };
        let metric = if usable(self.metric) {
            self.metric
        } else {
            Metric::Mae
        };
        let mut scores: Vec<CandidateScore> = backtest
            .scores
            .iter()
            .map(|s| CandidateScore {
                model: s.model.clone(),
                score: s
                    .metrics
                    .as_ref()
                    .map(|m| m.get(metric))
                    .unwrap_or(f64::NAN),
                metrics: s.metrics.clone(),
                error: s.error.clone(),
                baseline: s.model == baseline,
                chosen: false,
            })
            .collect();
        let mut order: Vec<usize> = (0..scores.len())
            .filter(|&i| scores[i].score.is_finite())
            .collect();
        order.sort_by(|&a, &b| scores[a].score.total_cmp(&scores[b].score));
        if baseline_for_comparison_only && order.iter().any(|&i| !scores[i].baseline) {
            order.retain(|&i| !scores[i].baseline);
        }
        if order.is_empty() {
            let reason = scores
                .iter()
                .find_map(|s| s.error.clone())
                .unwrap_or_else(|| "no candidate had a finite backtest score".to_string());
            let mut fb = fallback(format!("no candidate could be backtested: {reason}"));
            fb.scores = scores;
            return Ok(fb);
        }
        // Provisionally chosen: the best `ensemble` (fitting the whole series may still drop one).
        for &i in order.iter().take(self.ensemble) {
            scores[i].chosen = true;
        }
        let ranked = order.iter().map(|&i| scores[i].model.clone()).collect();
        Ok(Evaluation {
            scores,
            selection: Selection::Backtest {
                horizon: plan.get_horizon(),
                windows: plan.get_windows(),
            },
            backtest: Some(backtest),
            metric,
            baseline,
            ranked,
            models,
        })
    }

    /// The backtest plan for `n` values, or `None` if none is possible.
    fn plan(&self, n: usize, horizon: usize, main: usize) -> Option<BacktestParams> {
        if n < 4 {
            return None;
        }
        let step = self.step.unwrap_or(horizon);
        let windows_for = |h: usize, step: usize, min_train: usize| -> usize {
            // The largest w <= windows with n >= h + (w - 1) step + min_train.
            if n < h + min_train {
                return 0;
            }
            ((n - h - min_train) / step + 1).min(self.windows)
        };
        for min_train in [main.max(3), 3] {
            let w = windows_for(horizon, step, min_train);
            if w >= 1 {
                return Some(self.params(horizon, step, w, main));
            }
            if n > min_train {
                let h = n - min_train;
                return Some(self.params(h, self.step.unwrap_or(h), 1, main));
            }
        }
        None
    }

    fn params(&self, horizon: usize, step: usize, windows: usize, main: usize) -> BacktestParams {
        BacktestParams::default()
            .horizon(horizon)
            .step(step)
            .windows(windows)
            .season_length(main)
    }

    /// Chooses and fits the model for `series`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for bad parameters, or when no candidate (nor the fallback) can
    /// fit the series (e.g. missing values kept as `NaN`).
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedAuto> {
        // Conformal intervals come from the backtest's errors alone, so the candidates'
        // own intervals need not be computed in the backtest (simulated intervals are most
        // of the cost of ETS and the regression model).
        let evaluation = match self.intervals {
            IntervalMethod::Conformal => self.clone().levels(&[]).evaluate(series)?,
            IntervalMethod::Native => self.evaluate(series)?,
        };
        self.fit_evaluated(series, evaluation)
    }

    /// Fits the chosen model(s) of an [`Evaluation`] made by [`AutoParams::evaluate`] on the
    /// same series.
    ///
    /// # Errors
    /// As [`AutoParams::fit`].
    pub fn fit_evaluated(&self, series: &TimeSeries, evaluation: Evaluation) -> Result<FittedAuto> {
        let mut evaluation = evaluation;
        let Some(backtest) = evaluation.backtest.clone() else {
            return self.fit_fallback(series, evaluation);
        };
        let mut members: Vec<(String, Box<dyn Fitted>)> = Vec::new();
        let mut last_error = None;
        for name in &evaluation.ranked {
            if members.len() == self.ensemble {
                break;
            }
            let Some(model) = evaluation.models.iter().find(|m| &m.name() == name) else {
                continue;
            };
            match model.fit_model(series) {
                Ok(f) => members.push((name.clone(), f)),
                Err(e) => last_error = Some(e),
            }
        }
        if members.is_empty() {
            let reason = last_error
                .map(|e| e.to_string())
                .unwrap_or_else(|| "no candidate fitted the whole series".to_string());
            evaluation.selection = Selection::Fallback { reason };
            return self.fit_fallback(series, evaluation);
        }
        let names: Vec<String> = members.iter().map(|(n, _)| n.clone()).collect();
        for s in &mut evaluation.scores {
            s.chosen = names.contains(&s.model);
        }
        let point: Box<dyn Fitted> = if members.len() == 1 {
            members
                .pop()
                .map(|(_, f)| f)
                .ok_or_else(|| Error::parameter("models", "no candidate fitted the whole series"))?
        } else {
            Box::new(FittedEnsemble {
                members: members.into_iter().map(|(_, f)| f).collect(),
                combine: self.combine,
            })
        };
        let model: Box<dyn Fitted> = match self.intervals {
            IntervalMethod::Native => point,
            IntervalMethod::Conformal => {
                let errors = ensemble_errors(&backtest, &names, self.combine);
                match errors {
                    Some(errors) => Box::new(FittedConformal::from_errors(
                        point,
                        errors,
                        self.conformal_method,
                        self.finite_sample,
                    )?),
                    None => point,
                }
            }
        };
        Ok(FittedAuto {
            model,
            chosen: names,
            evaluation,
            combine: self.combine,
        })
    }

    fn fit_fallback(&self, series: &TimeSeries, evaluation: Evaluation) -> Result<FittedAuto> {
        let mut evaluation = evaluation;
        let n = series.len();
        let main = match &evaluation.baseline {
            b if b.starts_with("SeasonalNaive") => b
                .trim_start_matches("SeasonalNaive(")
                .trim_end_matches(')')
                .parse::<usize>()
                .unwrap_or(1),
            _ => 1,
        };
        let model = if main > 1 && n >= main {
            BaselineParams::seasonal_naive(main)
        } else {
            BaselineParams::naive()
        };
        let fitted = model.fit(series)?;
        let name = model.name();
        for s in &mut evaluation.scores {
            s.chosen = s.model == name;
        }
        Ok(FittedAuto {
            model: Box::new(fitted),
            chosen: vec![name],
            evaluation,
            combine: self.combine,
        })
    }
}

impl Model for AutoParams {
    fn name(&self) -> String {
        "Auto".to_string()
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        Ok(Box::new(self.fit(series)?))
    }
}

/// A shared model handed to the backtester.
#[derive(Debug)]
struct Shared(Arc<dyn Model>);

impl Model for Shared {
    fn name(&self) -> String {
        self.0.name()
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        self.0.fit_model(series)
    }
}

/// The model chosen per series, with every candidate's backtest score.
#[derive(Debug)]
pub struct FittedAuto {
    model: Box<dyn Fitted>,
    chosen: Vec<String>,
    evaluation: Evaluation,
    combine: EnsembleCombine,
}

impl FittedAuto {
    /// The chosen model's name, or the ensemble's (`Median(A, B)`).
    pub fn chosen_model(&self) -> String {
        if self.chosen.len() == 1 {
            return self.chosen[0].clone();
        }
        let how = match self.combine {
            EnsembleCombine::Median => "Median",
            EnsembleCombine::Mean => "Mean",
        };
        format!("{how}({})", self.chosen.join(", "))
    }
    /// The fitted model's own description, with what was estimated on the whole series
    /// (`Conformal(ETS(M,Ad,M))`, `Conformal(MSTL(24,168)+Theta(OTM))`).
    pub fn fitted_name(&self) -> String {
        self.model.name()
    }
    /// The names of the chosen models (one unless an ensemble).
    pub fn chosen(&self) -> &[String] {
        &self.chosen
    }
    /// Every candidate's score, in candidate order.
    pub fn scores(&self) -> &[CandidateScore] {
        &self.evaluation.scores
    }
    /// The baseline's score.
    pub fn baseline_score(&self) -> Option<&CandidateScore> {
        self.evaluation.baseline_score()
    }
    /// The metric used for ranking.
    pub fn metric(&self) -> Metric {
        self.evaluation.metric
    }
    /// How the model was chosen.
    pub fn selection(&self) -> &Selection {
        &self.evaluation.selection
    }
    /// The whole evaluation (backtest windows included).
    pub fn evaluation(&self) -> &Evaluation {
        &self.evaluation
    }
}

impl Fitted for FittedAuto {
    fn name(&self) -> String {
        self.chosen_model()
    }
    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        self.model.predict(horizon, levels)
    }
    fn fitted_values(&self) -> Vec<f64> {
        self.model.fitted_values()
    }
    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        self.model.sample_paths(horizon, n_paths, seed)
    }
    fn changepoints(&self) -> Vec<i64> {
        self.model.changepoints()
    }
}

#[cfg(test)]
mod tests;
