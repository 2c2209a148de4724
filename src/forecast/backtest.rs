//! Rolling-origin evaluation (time-series cross-validation): refit on a growing history and
//! score the next `horizon` values, window after window.
//!
//! Cutoffs follow statsforecast's `cross_validation(h, step_size, n_windows)`: the last
//! window ends at the end of the series, each earlier window starts `step` values before the
//! next. With `n` values, window `k` (0 = earliest, of `windows`) trains on the first
//! `n - horizon - (windows - 1 - k) * step` values; its cutoff is the timestamp of its last
//! training value. Every window refits the model (statsforecast's `refit=True`).
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `horizon` | 1 | values forecast per window |
//! | `step` | `horizon` | values between consecutive cutoffs |
//! | `windows` | 3 | number of windows |
//! | `levels` | 80, 95 | interval levels scored (coverage, Winkler, pinball) |
//! | `season_length` | the series' main season ([`default_seasons`]), else 1 | MASE scale season |
//!
//! Metrics per model are computed per window (as `utilsforecast.evaluation.evaluate` does on
//! a frame with a `cutoff` column) and averaged over windows.

use super::metrics::Metrics;
use super::model::{check_horizon, check_levels, Forecast, Model};
use super::series::{default_seasons, TimeSeries};
use crate::error::{Error, Result};

/// Parameters of a rolling-origin backtest.
///
/// # Example
/// ```
/// use capcast::forecast::{BacktestParams, BaselineParams, Model, TimeSeries};
///
/// let y = TimeSeries::hourly((0..30).map(|t| (t % 6) as f64).collect())?;
/// let models: Vec<Box<dyn Model>> = vec![Box::new(BaselineParams::seasonal_naive(6))];
/// let result = BacktestParams::default().horizon(4).step(3).windows(3).run(&y, &models)?;
/// assert_eq!(result.windows.len(), 3);
/// assert_eq!(result.scores[0].metrics.as_ref().unwrap().mae, 0.0);
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestParams {
    horizon: usize,
    step: Option<usize>,
    windows: usize,
    levels: Vec<f64>,
    season_length: Option<usize>,
}

impl Default for BacktestParams {
    fn default() -> Self {
        BacktestParams {
            horizon: 1,
            step: None,
            windows: 3,
            levels: vec![80.0, 95.0],
            season_length: None,
        }
    }
}

/// One model's forecast in one window.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowForecast {
    /// The model's name ([`Model::name`]).
    pub model: String,
    /// The timestamp of the last training value.
    pub cutoff: i64,
    /// The number of training values.
    pub train_len: usize,
    /// The actual values at the forecast timestamps.
    pub actual: Vec<f64>,
    /// The forecast (timestamps, point, intervals).
    pub forecast: Forecast,
    /// The window's metrics.
    pub metrics: Metrics,
}

/// One model's scores over all windows.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelScore {
    /// The model's name ([`Model::name`]).
    pub model: String,
    /// Metrics averaged over windows; `None` if the model failed in a window.
    pub metrics: Option<Metrics>,
    /// The first failure, if any (the model is then not scored at all).
    pub error: Option<String>,
}

/// The result of a backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// Every window of every model that fitted, model by model, earliest window first.
    pub windows: Vec<WindowForecast>,
    /// One score per model, in the order given.
    pub scores: Vec<ModelScore>,
    /// The season length of the MASE scale.
    pub season_length: usize,
}

impl Backtest {
    /// The windows of one model, earliest first.
    pub fn windows_of<'a>(&'a self, model: &'a str) -> impl Iterator<Item = &'a WindowForecast> {
        self.windows.iter().filter(move |w| w.model == model)
    }
}

impl BacktestParams {
    /// Values forecast per window (default 1).
    pub fn horizon(mut self, horizon: usize) -> Self {
        self.horizon = horizon;
        self
    }
    /// Values between consecutive cutoffs (default: the horizon, non-overlapping windows).
    pub fn step(mut self, step: usize) -> Self {
        self.step = Some(step);
        self
    }
    /// Number of windows (default 3).
    pub fn windows(mut self, windows: usize) -> Self {
        self.windows = windows;
        self
    }
    /// Interval levels to score (default 80 and 95).
    pub fn levels(mut self, levels: &[f64]) -> Self {
        self.levels = levels.to_vec();
        self
    }
    /// Season length of the MASE scale (default: the series' main season, else 1).
    pub fn season_length(mut self, season_length: usize) -> Self {
        self.season_length = Some(season_length);
        self
    }

    /// The horizon.
    pub fn get_horizon(&self) -> usize {
        self.horizon
    }
    /// The number of windows.
    pub fn get_windows(&self) -> usize {
        self.windows
    }
    /// The step between cutoffs.
    pub fn get_step(&self) -> usize {
        self.step.unwrap_or(self.horizon)
    }

    /// The training length of each window (earliest first) for a series of `n` values.
    ///
    /// # Errors
    /// [`Error::Parameter`] if horizon, step or windows is zero, or the series is too short
    /// for the windows (the earliest window would have no training value).
    pub fn train_lengths(&self, n: usize) -> Result<Vec<usize>> {
        check_horizon(self.horizon)?;
        let step = self.get_step();
        if step == 0 {
            return Err(Error::parameter("step", "must be at least 1 value"));
        }
        if self.windows == 0 {
            return Err(Error::parameter("windows", "must be at least 1"));
        }
        let needed = self.horizon + (self.windows - 1) * step + 1;
        if n < needed {
            return Err(Error::parameter(
                "windows",
                format!(
                    "{} windows of horizon {} every {step} values need at least {needed} \
                     values, the series has {n}",
                    self.windows, self.horizon
                ),
            ));
        }
        Ok((0..self.windows)
            .map(|k| n - self.horizon - (self.windows - 1 - k) * step)
            .collect())
    }

    /// Backtests every model on `series`. A model that fails in a window is reported in its
    /// [`ModelScore::error`] and has no windows; the others are unaffected.
    ///
    /// # Errors
    /// [`Error::Parameter`] for bad parameters or a series too short for the windows.
    pub fn run(&self, series: &TimeSeries, models: &[Box<dyn Model>]) -> Result<Backtest> {
        let lengths = self.train_lengths(series.len())?;
        let levels = check_levels(&self.levels)?;
        let season_length = self.resolved_season(series);
        let mut windows = Vec::new();
        let mut scores = Vec::with_capacity(models.len());
        for model in models {
            let name = model.name();
            match self.model_windows(series, model.as_ref(), &lengths, &levels, season_length) {
                Ok(mut ws) => {
                    let per: Vec<Metrics> = ws.iter().map(|w| w.metrics.clone()).collect();
                    scores.push(ModelScore {
                        model: name,
                        metrics: Some(Metrics::mean(&per)),
                        error: None,
                    });
                    windows.append(&mut ws);
                }
                Err(e) => scores.push(ModelScore {
                    model: name,
                    metrics: None,
                    error: Some(e.to_string()),
                }),
            }
        }
        Ok(Backtest {
            windows,
            scores,
            season_length,
        })
    }

    /// The season length of the MASE scale for `series`.
    pub fn resolved_season(&self, series: &TimeSeries) -> usize {
        self.season_length
            .unwrap_or_else(|| {
                default_seasons(series.step(), series.len())
                    .first()
                    .copied()
                    .unwrap_or(1)
            })
            .max(1)
    }

    /// The windows of one model; the first failure ends it.
    fn model_windows(
        &self,
        series: &TimeSeries,
        model: &dyn Model,
        lengths: &[usize],
        levels: &[f64],
        season_length: usize,
    ) -> Result<Vec<WindowForecast>> {
        let values = series.values();
        lengths
            .iter()
            .map(|&len| {
                let train = series.head(len)?;
                let fitted = model.fit_model(&train)?;
                let forecast = fitted.predict(self.horizon, levels)?;
                if let Some(bad) = forecast.mean.iter().find(|v| !v.is_finite()) {
                    return Err(Error::parameter(
                        "model",
                        format!("{} forecast a non-finite value ({bad})", model.name()),
                    ));
                }
                let actual = values[len..len + self.horizon].to_vec();
                let metrics = Metrics::evaluate(&actual, &forecast, &values[..len], season_length);
                Ok(WindowForecast {
                    model: model.name(),
                    cutoff: series.timestamp(len - 1),
                    train_len: len,
                    actual,
                    forecast,
                    metrics,
                })
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::forecast::series::HOUR_US;
    use crate::forecast::BaselineParams;

    /// 30 hourly values starting 2024-01-01T00:00Z, generated in Python as
    /// `10 + 0.3 t + 3 sin(2 pi t / 6) + 0.5 (((7 t) % 11) - 5)`.
    pub(crate) const SERIES: [f64; 30] = [
        7.5,
        13.898076211353317,
        12.198076211353316,
        13.4,
        9.101923788646683,
        7.401923788646684,
        13.8,
        14.698076211353314,
        12.998076211353318,
        14.200000000000001,
        9.901923788646684,
        8.201923788646683,
        14.599999999999998,
        15.498076211353315,
        19.29807621135332,
        15.000000000000007,
        10.701923788646688,
        14.501923788646685,
        15.399999999999997,
        16.29807621135331,
        20.098076211353316,
        15.800000000000004,
        11.501923788646689,
        15.301923788646677,
        16.199999999999996,
        22.59807621135332,
        20.898076211353317,
        16.600000000000005,
        17.801923788646686,
        16.101923788646683,
    ];

    /// 2024-01-01T00:00:00Z in microseconds.
    pub(crate) const START: i64 = 1_704_067_200_000_000;

    #[test]
    fn cutoffs_and_points_match_statsforecast_cross_validation() {
        // statsforecast 2.1.1: StatsForecast([SeasonalNaive(season_length=6)], freq="h")
        // .cross_validation(df, h=4, step_size=3, n_windows=3): cutoffs 19:00, 22:00 and
        // 01:00 next day; points below (exact: the same arithmetic).
        let y = TimeSeries::new(START, HOUR_US, SERIES.to_vec()).unwrap();
        let models: Vec<Box<dyn Model>> = vec![Box::new(BaselineParams::seasonal_naive(6))];
        let bt = BacktestParams::default()
            .horizon(4)
            .step(3)
            .windows(3)
            .levels(&[80.0])
            .season_length(6)
            .run(&y, &models)
            .unwrap();
        let cutoffs: Vec<i64> = bt
            .windows
            .iter()
            .map(|w| (w.cutoff - START) / HOUR_US)
            .collect();
        assert_eq!(cutoffs, vec![19, 22, 25]);
        let points: Vec<f64> = bt
            .windows
            .iter()
            .flat_map(|w| w.forecast.mean.clone())
            .collect();
        let expected = [
            19.298076, 15.0, 10.701924, 14.501924, 14.501924, 15.4, 16.298076, 20.098076,
            20.098076, 15.8, 11.501924, 15.301924,
        ];
        for (p, e) in points.iter().zip(expected) {
            assert!((p - e).abs() < 1e-6, "{p} vs {e}");
        }
        assert_eq!(bt.windows[0].actual[0], SERIES[20]);
        assert_eq!(bt.windows[2].forecast.ds[0], START + 26 * HOUR_US);
        // MAE of the first window, by hand: every error is 0.8.
        assert!((bt.windows[0].metrics.mae - 0.8).abs() < 1e-9);
        // utilsforecast 0.2.17: evaluate(cv, metrics=[mae, rmse, mape, smape,
        // partial(mase, seasonality=6)], train_df=df) on that cross-validation frame (one
        // value per cutoff, MASE scaled on the data up to each cutoff), then the mean over
        // cutoffs. Tolerance 1e-9.
        let m = bt.scores[0].metrics.as_ref().unwrap();
        for (got, want) in [
            (m.mae, 1.716666666666666),
            (m.rmse, 2.4168604563826848),
            (m.mape, 0.09342112550422992),
            (m.smape, 0.05228864549574289),
            (m.mase, 0.9258247625612596),
        ] {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
    }

    #[test]
    fn failures_are_per_model_and_short_series_is_refused() {
        let y = TimeSeries::hourly((0..12).map(|t| t as f64).collect()).unwrap();
        let models: Vec<Box<dyn Model>> = vec![
            Box::new(BaselineParams::seasonal_naive(10)),
            Box::new(BaselineParams::naive()),
        ];
        let bt = BacktestParams::default()
            .horizon(2)
            .windows(3)
            .run(&y, &models)
            .unwrap();
        assert!(bt.scores[0].error.is_some());
        assert_eq!(bt.scores[1].metrics.as_ref().unwrap().mae, 1.5);
        assert_eq!(bt.windows_of("Naive").count(), 3);
        assert!(BacktestParams::default()
            .horizon(5)
            .windows(3)
            .run(&y, &models)
            .is_err());
        assert!(BacktestParams::default().step(0).train_lengths(10).is_err());
    }
}
