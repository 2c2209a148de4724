//! Baselines: naive (last value), seasonal naive (value one season ago) and drift (a line
//! through the first and last values).
//!
//! Point forecasts and interval formulas follow R's `forecast` package (`naive`, `snaive`,
//! `rwf(drift = TRUE)`; Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd
//! ed., table 5.2):
//!
//! | model | h-step standard deviation |
//! |---|---|
//! | naive | `sigma * sqrt(h)` |
//! | seasonal naive (m) | `sigma * sqrt(floor((h - 1) / m) + 1)` |
//! | drift | `sigma * sqrt(h * (1 + h / (T - 1)))` |
//!
//! `sigma` is the root mean square of the one-step residuals for naive and seasonal naive,
//! and the standard deviation of the differences (T - 2 degrees of freedom) for drift.
//! Seasonal naive is the baseline every comparison in capcast reports against.

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use super::model::{check_horizon, check_levels, check_paths, Fitted, Forecast, Model};
use super::series::TimeSeries;
use crate::error::{Error, Result};

/// Which baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Naive,
    Seasonal(usize),
    Drift,
}

/// Parameters of a baseline model. Build with [`BaselineParams::naive`],
/// [`BaselineParams::seasonal_naive`] or [`BaselineParams::drift`].
///
/// # Example
/// ```
/// use capcast::forecast::{BaselineParams, TimeSeries};
///
/// let y = TimeSeries::hourly(vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0])?;
/// let fitted = BaselineParams::seasonal_naive(3).fit(&y)?;
/// let forecast = capcast::forecast::Fitted::predict(&fitted, 4, &[80.0])?;
/// assert_eq!(forecast.mean, vec![1.0, 2.0, 3.0, 1.0]);
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineParams {
    kind: Kind,
}

impl BaselineParams {
    /// Forecasts the last value.
    pub fn naive() -> Self {
        BaselineParams { kind: Kind::Naive }
    }
    /// Forecasts the value one season (`season_length` steps) earlier.
    pub fn seasonal_naive(season_length: usize) -> Self {
        BaselineParams {
            kind: Kind::Seasonal(season_length),
        }
    }
    /// Extends the line through the first and last values.
    pub fn drift() -> Self {
        BaselineParams { kind: Kind::Drift }
    }

    /// Fits the baseline.
    ///
    /// # Errors
    /// [`Error::Parameter`] if the season length is 0, the series is shorter than one season
    /// (seasonal naive) or than 2 values (drift), or has missing values.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedBaseline> {
        series.require_complete(&self.name())?;
        let y = series.values();
        let n = y.len();
        let lag = match self.kind {
            Kind::Seasonal(0) => {
                return Err(Error::parameter("season_length", "must be at least 1"))
            }
            Kind::Seasonal(m) => m,
            Kind::Naive | Kind::Drift => 1,
        };
        let needed = match self.kind {
            Kind::Naive => 1,
            Kind::Seasonal(m) => m,
            Kind::Drift => 2,
        };
        if n < needed {
            return Err(Error::parameter(
                "y",
                format!(
                    "{} needs at least {needed} values, the series has {n}",
                    self.name()
                ),
            ));
        }
        let slope = match self.kind {
            Kind::Drift => (y[n - 1] - y[0]) / (n - 1) as f64,
            _ => 0.0,
        };
        let mut fitted = vec![f64::NAN; n];
        for t in lag..n {
            fitted[t] = y[t - lag] + slope;
        }
        let residuals: Vec<f64> = (lag..n).map(|t| y[t] - fitted[t]).collect();
        let sigma = match (self.kind, residuals.len()) {
            (_, 0) => 0.0,
            (Kind::Drift, r) if r >= 2 => {
                (residuals.iter().map(|e| e * e).sum::<f64>() / (r - 1) as f64).sqrt()
            }
            (Kind::Drift, _) => 0.0,
            (_, r) => (residuals.iter().map(|e| e * e).sum::<f64>() / r as f64).sqrt(),
        };
        Ok(FittedBaseline {
            kind: self.kind,
            history: y.to_vec(),
            fitted,
            slope,
            sigma,
            series: series.clone(),
        })
    }
}

impl Model for BaselineParams {
    fn name(&self) -> String {
        match self.kind {
            Kind::Naive => "Naive".to_string(),
            Kind::Seasonal(m) => format!("SeasonalNaive({m})"),
            Kind::Drift => "Drift".to_string(),
        }
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        Ok(Box::new(self.fit(series)?))
    }
}

/// A fitted baseline.
#[derive(Debug, Clone)]
pub struct FittedBaseline {
    kind: Kind,
    history: Vec<f64>,
    fitted: Vec<f64>,
    slope: f64,
    sigma: f64,
    series: TimeSeries,
}

impl FittedBaseline {
    /// The residual standard deviation used for intervals.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    fn lag(&self) -> usize {
        match self.kind {
            Kind::Seasonal(m) => m,
            _ => 1,
        }
    }

    fn point(&self, h: usize) -> f64 {
        let n = self.history.len();
        let lag = self.lag();
        // h is 1-based; the value one (or several) seasons back, plus drift.
        let back = lag - ((h - 1) % lag);
        self.history[n - back] + self.slope * h as f64
    }

    fn sd(&self, h: usize) -> f64 {
        let n = self.history.len() as f64;
        let h_f = h as f64;
        match self.kind {
            Kind::Naive => self.sigma * h_f.sqrt(),
            Kind::Seasonal(m) => self.sigma * (((h - 1) / m + 1) as f64).sqrt(),
            Kind::Drift => self.sigma * (h_f * (1.0 + h_f / (n - 1.0).max(1.0))).sqrt(),
        }
    }
}

impl Fitted for FittedBaseline {
    fn name(&self) -> String {
        BaselineParams { kind: self.kind }.name()
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let levels = check_levels(levels)?;
        let mean: Vec<f64> = (1..=horizon).map(|h| self.point(h)).collect();
        let sd: Vec<f64> = (1..=horizon).map(|h| self.sd(h)).collect();
        Ok(Forecast::gaussian(
            self.series.future_timestamps(horizon),
            mean,
            &sd,
            &levels,
        ))
    }

    fn fitted_values(&self) -> Vec<f64> {
        self.fitted.clone()
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        let mut rng = StdRng::seed_from_u64(seed);
        let noise = Normal::new(0.0, self.sigma.max(0.0))
            .map_err(|e| Error::parameter("sigma", e.to_string()))?;
        let lag = self.lag();
        let n = self.history.len();
        let paths = (0..n_paths)
            .map(|_| {
                // A random walk per season position: each step adds noise to the value one
                // season earlier on the same path (or in the history), plus drift.
                let mut path: Vec<f64> = Vec::with_capacity(horizon);
                for h in 1..=horizon {
                    let previous = if h > lag {
                        path[h - 1 - lag]
                    } else {
                        self.history[n - lag + h - 1]
                    };
                    path.push(previous + self.slope + noise.sample(&mut rng));
                }
                path
            })
            .collect();
        Ok(paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> TimeSeries {
        TimeSeries::hourly(values.to_vec()).unwrap()
    }

    #[test]
    fn naive_matches_hand_worked_values() {
        // Residuals 1, 1, -2, 2: sigma = sqrt(10 / 4); 80 % interval at h = 4: 4 ± 1.2816 * sigma * 2.
        let f = BaselineParams::naive()
            .fit(&series(&[1.0, 2.0, 3.0, 1.0, 3.0]))
            .unwrap();
        let fc = f.predict(4, &[80.0]).unwrap();
        assert_eq!(fc.mean, vec![3.0; 4]);
        let sigma = (10.0f64 / 4.0).sqrt();
        let upper = fc.interval(80.0).unwrap().upper[3];
        assert!((upper - (3.0 + 1.281_551_565_5 * sigma * 2.0)).abs() < 1e-9);
        assert_eq!(fc.ds[0], 5 * crate::forecast::series::HOUR_US);
    }

    #[test]
    fn seasonal_naive_repeats_last_season_and_widens_per_season() {
        let f = BaselineParams::seasonal_naive(2)
            .fit(&series(&[1.0, 5.0, 2.0, 6.0, 3.0, 7.0]))
            .unwrap();
        let fc = f.predict(5, &[95.0]).unwrap();
        assert_eq!(fc.mean, vec![3.0, 7.0, 3.0, 7.0, 3.0]);
        // All residuals are 1, so sigma = 1; steps 3-4 are in the second season: sd = sqrt(2).
        let i = fc.interval(95.0).unwrap();
        assert!((i.upper[2] - 3.0 - 1.959_963_985 * 2f64.sqrt()).abs() < 1e-8);
        assert!(f.fitted_values()[0].is_nan());
    }

    #[test]
    fn drift_matches_rwf() {
        // R: rwf(c(1, 3, 4, 8), drift = TRUE, h = 2): mean 10.333333, 12.666667.
        let f = BaselineParams::drift()
            .fit(&series(&[1.0, 3.0, 4.0, 8.0]))
            .unwrap();
        let fc = f.predict(2, &[80.0]).unwrap();
        assert!((fc.mean[0] - 31.0 / 3.0).abs() < 1e-12);
        assert!((fc.mean[1] - 38.0 / 3.0).abs() < 1e-12);
        // Differences 2, 1, 4 minus slope 7/3: sd = sqrt(sum sq / 2).
        let sigma = ((1.0f64 / 9.0 + 16.0 / 9.0 + 25.0 / 9.0) / 2.0).sqrt();
        assert!((f.sigma() - sigma).abs() < 1e-12);
    }

    #[test]
    fn short_series_and_paths() {
        assert!(BaselineParams::seasonal_naive(24)
            .fit(&series(&[1.0; 10]))
            .is_err());
        let f = BaselineParams::naive().fit(&series(&[5.0])).unwrap();
        let paths = f.sample_paths(3, 4, 7).unwrap();
        assert_eq!(paths, vec![vec![5.0; 3]; 4]);
        assert!(BaselineParams::seasonal_naive(0)
            .fit(&series(&[1.0; 3]))
            .is_err());
    }
}
