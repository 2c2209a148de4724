//! The contract every model keeps: checked parameters fit a [`TimeSeries`] into an immutable
//! fitted model, which predicts a [`Forecast`] (point and intervals at several levels) and
//! draws sample paths.
//!
//! Each model family has its own parameter builder with an inherent `fit` returning its own
//! fitted type (`EtsParams::default().season_length(24).fit(&y)? -> FittedEts`). The traits
//! [`Model`] and [`Fitted`] let the backtester, auto mode and the batch API treat every family
//! alike.

use statrs::distribution::{ContinuousCDF, Normal};

use super::series::TimeSeries;
use crate::error::{Error, Result};

/// Prediction interval levels accepted, in percent: any value in `[50, 99.9]`.
pub const LEVEL_RANGE: (f64, f64) = (50.0, 99.9);

/// Checks interval levels (percent) and returns them sorted ascending without repeats.
///
/// # Errors
/// [`Error::Parameter`] for a level outside [`LEVEL_RANGE`] or not a number.
pub fn check_levels(levels: &[f64]) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(levels.len());
    for &level in levels {
        if !(LEVEL_RANGE.0..=LEVEL_RANGE.1).contains(&level) {
            return Err(Error::parameter(
                "level",
                format!(
                    "{level} is outside {}-{} (levels are percentages, e.g. 80 or 95)",
                    LEVEL_RANGE.0, LEVEL_RANGE.1
                ),
            ));
        }
        out.push(level);
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    Ok(out)
}

/// The standard normal quantile for the upper bound of a central `level` % interval
/// (1.2816 for 80, 1.9600 for 95).
pub fn normal_z(level: f64) -> f64 {
    let standard = Normal::standard();
    standard.inverse_cdf(0.5 + level / 200.0)
}

/// One central prediction interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Nominal coverage in percent (e.g. 80).
    pub level: f64,
    /// Lower bound per horizon step.
    pub lower: Vec<f64>,
    /// Upper bound per horizon step.
    pub upper: Vec<f64>,
}

/// A forecast: timestamps, point forecast and intervals at each requested level.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The forecast timestamps (microseconds since the epoch, UTC).
    pub ds: Vec<i64>,
    /// The point forecast.
    pub mean: Vec<f64>,
    /// Intervals, sorted by ascending level, each nested inside the next.
    pub intervals: Vec<Interval>,
}

impl Forecast {
    /// A forecast with Gaussian intervals: `mean ± z(level) * sd` per step.
    pub fn gaussian(ds: Vec<i64>, mean: Vec<f64>, sd: &[f64], levels: &[f64]) -> Forecast {
        let intervals = levels
            .iter()
            .map(|&level| {
                let z = normal_z(level);
                Interval {
                    level,
                    lower: mean.iter().zip(sd).map(|(m, s)| m - z * s).collect(),
                    upper: mean.iter().zip(sd).map(|(m, s)| m + z * s).collect(),
                }
            })
            .collect();
        Forecast {
            ds,
            mean,
            intervals,
        }
    }

    /// The interval at `level`, if it was requested.
    pub fn interval(&self, level: f64) -> Option<&Interval> {
        self.intervals.iter().find(|i| i.level == level)
    }

    /// The number of forecast steps.
    pub fn horizon(&self) -> usize {
        self.mean.len()
    }

    /// Clamps point and intervals into `[lower, upper]` (non-negativity: `lower = Some(0.0)`;
    /// a capacity cap: `upper = Some(cap)`). Clamping is monotone, so nesting is kept.
    pub fn clamp(&mut self, lower: Option<f64>, upper: Option<f64>) {
        let clamp = |v: &mut f64| {
            if let Some(lo) = lower {
                *v = v.max(lo);
            }
            if let Some(hi) = upper {
                *v = v.min(hi);
            }
        };
        self.mean.iter_mut().for_each(clamp);
        for interval in &mut self.intervals {
            interval.lower.iter_mut().for_each(clamp);
            interval.upper.iter_mut().for_each(clamp);
        }
    }

    /// Makes intervals nest and contain the point: wider levels are widened to contain
    /// narrower ones (sampling noise in empirical quantiles can break nesting by a hair).
    pub fn enforce_nesting(&mut self) {
        self.intervals.sort_by(|a, b| a.level.total_cmp(&b.level));
        for h in 0..self.mean.len() {
            let (mut lo, mut hi) = (self.mean[h], self.mean[h]);
            for interval in &mut self.intervals {
                lo = lo.min(interval.lower[h]);
                hi = hi.max(interval.upper[h]);
                interval.lower[h] = lo;
                interval.upper[h] = hi;
            }
        }
    }
}

/// A fitted model: immutable, ready to predict.
pub trait Fitted: Send + Sync + std::fmt::Debug {
    /// A readable name with the chosen specification, e.g. `ETS(A,Ad,A)` or `SeasonalNaive(24)`.
    fn name(&self) -> String;

    /// Point forecast and intervals at each of `levels` (percent, checked by
    /// [`check_levels`]) for `horizon` steps after the history.
    ///
    /// # Errors
    /// [`Error::Parameter`] for a zero horizon or a bad level.
    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast>;

    /// In-sample one-step-ahead fitted values, one per history value (`NaN` where the model
    /// has none, e.g. the first season of a seasonal naive model).
    fn fitted_values(&self) -> Vec<f64>;

    /// `n_paths` simulated future paths of `horizon` steps each (scenarios for the commitment
    /// optimizer), reproducible for a given `seed`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for a zero horizon or zero paths.
    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>>;

    /// Timestamps where the model placed a trend change (empty for models without them).
    fn changepoints(&self) -> Vec<i64> {
        Vec::new()
    }
}

/// Checked parameters of one model family, usable without knowing the family.
pub trait Model: Send + Sync + std::fmt::Debug {
    /// The family's name, e.g. `ETS`, `MSTL`, `SeasonalNaive(24)`.
    fn name(&self) -> String;

    /// Fits the model to `series`.
    ///
    /// # Errors
    /// [`Error::Parameter`] when the series cannot be fitted by this model (too short for the
    /// season, missing values, non-positive values for a multiplicative model, ...).
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>>;
}

/// Checks a horizon and a number of paths (shared by every model).
///
/// # Errors
/// [`Error::Parameter`] if either is zero.
pub fn check_horizon(horizon: usize) -> Result<()> {
    if horizon == 0 {
        return Err(Error::parameter("horizon", "must be at least 1 step"));
    }
    Ok(())
}

/// Checks the arguments of [`Fitted::sample_paths`].
///
/// # Errors
/// [`Error::Parameter`] if the horizon or the number of paths is zero.
pub fn check_paths(horizon: usize, n_paths: usize) -> Result<()> {
    check_horizon(horizon)?;
    if n_paths == 0 {
        return Err(Error::parameter("n_paths", "must be at least 1"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_tables() {
        // Reference: standard normal table (scipy.stats.norm.ppf(0.9) = 1.2815515655446004).
        assert!((normal_z(80.0) - 1.281_551_565_544_600_4).abs() < 1e-9);
        assert!((normal_z(95.0) - 1.959_963_984_540_054).abs() < 1e-9);
    }

    #[test]
    fn levels_are_checked_and_sorted() {
        assert_eq!(check_levels(&[95.0, 80.0, 95.0]).unwrap(), vec![80.0, 95.0]);
        assert!(check_levels(&[0.95]).is_err());
        assert!(check_levels(&[100.0]).is_err());
        assert!(check_levels(&[f64::NAN]).is_err());
    }

    #[test]
    fn clamp_and_nesting() {
        let mut f = Forecast::gaussian(vec![0, 1], vec![1.0, 0.5], &[1.0, 1.0], &[80.0, 95.0]);
        f.clamp(Some(0.0), None);
        let (i80, i95) = (f.interval(80.0).unwrap(), f.interval(95.0).unwrap());
        assert_eq!(i95.lower[1], 0.0);
        assert!(i95.lower[0] <= i80.lower[0] && i80.upper[0] <= i95.upper[0]);
        let mut g = f.clone();
        g.intervals[1].upper[0] = g.intervals[0].upper[0] - 0.1;
        g.enforce_nesting();
        assert!(g.intervals[1].upper[0] >= g.intervals[0].upper[0]);
    }
}
