//! The fitted model: components, point forecasts, intervals and changepoints.

use super::features::{BlockKind, Features};
use super::{trend, uncertainty, Growth, RegressionParams, Scale, CHANGEPOINT_THRESHOLD};
use crate::error::Result;
use crate::forecast::model::{check_horizon, check_levels, check_paths, Fitted, Forecast};
use crate::forecast::series::{TimeSeries, DAY_US};

/// Components of the fit, in the series' units, for charts: `yhat = trend + level_shifts +
/// sum of seasonalities + calendar + holidays`.
#[derive(Debug, Clone, PartialEq)]
pub struct Components {
    /// Timestamps (history, then the requested future).
    pub ds: Vec<i64>,
    /// The trend (including the floor of logistic growth).
    pub trend: Vec<f64>,
    /// The sum of level shifts.
    pub level_shifts: Vec<f64>,
    /// Each seasonality by name.
    pub seasonalities: Vec<(String, Vec<f64>)>,
    /// The calendar effects.
    pub calendar: Vec<f64>,
    /// The holiday effects.
    pub holidays: Vec<f64>,
    /// The sum of all components (the point forecast).
    pub yhat: Vec<f64>,
}

/// A fitted regression model.
#[derive(Debug, Clone)]
pub struct FittedRegression {
    pub(super) params: RegressionParams,
    pub(super) series: TimeSeries,
    pub(super) scale: Scale,
    pub(super) cp_t: Vec<f64>,
    pub(super) k: f64,
    pub(super) m: f64,
    pub(super) deltas: Vec<f64>,
    /// (scaled time, automatic, size in scaled units).
    pub(super) shifts: Vec<(f64, bool, f64)>,
    pub(super) features: Features,
    pub(super) beta: Vec<f64>,
    pub(super) sigma: f64,
    /// Robustness weight per observed row: (row index, weight).
    pub(super) weights: Vec<(usize, f64)>,
}

impl FittedRegression {
    /// The noise standard deviation, in the series' units.
    pub fn sigma(&self) -> f64 {
        self.sigma * self.scale.y_scale
    }

    /// The base growth rate at the start of the history, in units per day.
    pub fn initial_rate_per_day(&self) -> f64 {
        self.k * self.scale.y_scale / (self.scale.span / DAY_US as f64)
    }

    /// Rate changes at every candidate changepoint: (timestamp, change in units per day).
    pub fn rate_changes(&self) -> Vec<(i64, f64)> {
        let per_day = self.scale.y_scale / (self.scale.span / DAY_US as f64);
        self.cp_t
            .iter()
            .zip(&self.deltas)
            .map(|(&t, &d)| (self.ts_of(t), d * per_day))
            .collect()
    }

    /// Level shifts with a non-negligible size: (timestamp, size in the series' units).
    pub fn level_shifts(&self) -> Vec<(i64, f64)> {
        self.shifts
            .iter()
            .filter(|s| !s.1 || s.2.abs() > CHANGEPOINT_THRESHOLD)
            .map(|s| (self.ts_of(s.0), s.2 * self.scale.y_scale))
            .collect()
    }

    /// The robustness weights the fit gave each value (1 = full weight, `NaN` for missing).
    pub fn weights(&self) -> Vec<f64> {
        let mut out = vec![f64::NAN; self.series.len()];
        for &(i, w) in &self.weights {
            out[i] = w;
        }
        out
    }

    /// Components over the history and `horizon` future steps.
    pub fn components(&self, horizon: usize) -> Components {
        let mut ds = self.series.timestamps();
        ds.extend(self.series.future_timestamps(horizon));
        self.components_at(&ds)
    }

    pub(super) fn ts_of(&self, t: f64) -> i64 {
        self.scale.start + (t * self.scale.span).round() as i64
    }

    /// The scaled trend (without shifts) at scaled times `t`.
    pub(super) fn trend_scaled(&self, t: &[f64], cps: &[f64], deltas: &[f64], out: &mut [f64]) {
        match self.scale.cap {
            None => trend::linear(t, self.k, self.m, cps, deltas, out),
            Some(cap) => trend::logistic(t, &vec![cap; t.len()], self.k, self.m, cps, deltas, out),
        }
    }

    pub(super) fn components_at(&self, ds: &[i64]) -> Components {
        let n = ds.len();
        let ys = self.scale.y_scale;
        let t: Vec<f64> = ds.iter().map(|&x| self.scale.t(x)).collect();
        let mut trend = vec![0.0; n];
        self.trend_scaled(&t, &self.cp_t, &self.deltas, &mut trend);
        let level_shifts: Vec<f64> = t
            .iter()
            .map(|&ti| {
                self.shifts
                    .iter()
                    .filter(|s| ti >= s.0)
                    .map(|s| s.2)
                    .sum::<f64>()
                    * ys
            })
            .collect();
        let mut seasonalities: Vec<(String, Vec<f64>)> = Vec::new();
        let mut calendar = vec![0.0; n];
        let mut holidays = vec![0.0; n];
        let mut row = Vec::with_capacity(self.features.len());
        let mut season_values = vec![vec![0.0; n]; self.features.blocks.len()];
        for (i, &x) in ds.iter().enumerate() {
            row.clear();
            self.features.write_row(x, &mut row);
            for (b, block) in self.features.blocks.iter().enumerate() {
                let v: f64 = row[block.start..block.start + block.len]
                    .iter()
                    .zip(&self.beta[block.start..block.start + block.len])
                    .map(|(a, b)| a * b)
                    .sum::<f64>()
                    * ys;
                match block.kind {
                    BlockKind::Seasonality => season_values[b][i] = v,
                    BlockKind::Calendar => calendar[i] = v,
                    BlockKind::Holidays => holidays[i] = v,
                }
            }
        }
        for (b, block) in self.features.blocks.iter().enumerate() {
            if block.kind == BlockKind::Seasonality {
                seasonalities.push((block.name.clone(), std::mem::take(&mut season_values[b])));
            }
        }
        let trend: Vec<f64> = trend.iter().map(|v| v * ys + self.scale.floor).collect();
        let yhat = (0..n)
            .map(|i| {
                let v = trend[i]
                    + level_shifts[i]
                    + calendar[i]
                    + holidays[i]
                    + seasonalities.iter().map(|s| s.1[i]).sum::<f64>();
                if v.is_finite() {
                    v
                } else {
                    0.0
                }
            })
            .collect();
        Components {
            ds: ds.to_vec(),
            trend,
            level_shifts,
            seasonalities,
            calendar,
            holidays,
            yhat,
        }
    }
}

impl Fitted for FittedRegression {
    fn name(&self) -> String {
        let mut parts = vec![match self.params.growth {
            Growth::Linear => "linear".to_string(),
            Growth::Logistic { .. } => "logistic".to_string(),
        }];
        parts.extend(self.features.seasonalities.iter().map(|s| s.name.clone()));
        if !self.features.calendar.is_empty() {
            parts.push("calendar".into());
        }
        if !self.features.holiday_columns.is_empty() {
            parts.push("holidays".into());
        }
        format!("Regression({})", parts.join(", "))
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let levels = check_levels(levels)?;
        let ds = self.series.future_timestamps(horizon);
        let mean = self.components_at(&ds).yhat;
        if levels.is_empty() {
            // A point forecast only (backtests that score points): no paths to simulate.
            return Ok(Forecast {
                ds,
                mean,
                intervals: Vec::new(),
            });
        }
        let paths = self.simulate(&ds, &mean, self.params.n_paths, self.params.seed);
        let mut forecast = uncertainty::quantile_forecast(ds, mean, &paths, &levels);
        forecast.enforce_nesting();
        Ok(forecast)
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.components_at(&self.series.timestamps()).yhat
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        let ds = self.series.future_timestamps(horizon);
        let mean = self.components_at(&ds).yhat;
        Ok(self.simulate(&ds, &mean, n_paths, seed))
    }

    fn changepoints(&self) -> Vec<i64> {
        let mut out: Vec<i64> = self
            .cp_t
            .iter()
            .zip(&self.deltas)
            .filter(|(_, d)| d.abs() > CHANGEPOINT_THRESHOLD)
            .map(|(&t, _)| self.ts_of(t))
            .chain(self.level_shifts().into_iter().map(|s| s.0))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
