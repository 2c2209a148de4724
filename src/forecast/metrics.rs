//! Forecast accuracy metrics: point errors (MAE, RMSE, MAPE, sMAPE, MASE) and interval scores
//! (pinball loss of each bound, coverage, Winkler score).
//!
//! Definitions are those of `utilsforecast.losses` (Nixtla, the metrics statsforecast users
//! know), so a capcast backtest and a statsforecast one report comparable numbers:
//!
//! | metric | definition (mean over the evaluated points) |
//! |---|---|
//! | MAE | `|y - yhat|` |
//! | RMSE | `sqrt(mean((y - yhat)^2))` |
//! | MAPE | `|y - yhat| / |y|`, points with `y = 0` skipped (a fraction, not percent) |
//! | sMAPE | `|y - yhat| / (|y| + |yhat|)`, `0` where both are zero (range `[0, 1]`) |
//! | MASE | MAE divided by the in-sample MAE of the seasonal naive forecast (season `m`) on the training data |
//! | pinball(q) | `max(q (y - p), (q - 1)(y - p))` for the bound `p` at quantile `q` |
//! | coverage | share of points with `lower <= y <= upper` |
//! | Winkler | `(upper - lower) + (2 / alpha) * distance outside the interval`, `alpha = 1 - level / 100` (Gneiting & Raftery 2007, eq. 43) |
//!
//! A central `level` % interval has its lower bound at quantile `(1 - level/100) / 2` and its
//! upper bound at `1 - (1 - level/100) / 2` (0.1 and 0.9 for 80 %).
//!
//! Points whose actual or forecast is `NaN` are skipped (a gap in the history is not an error
//! of the model). A metric with nothing to average, or with a zero scale (MASE on a series
//! whose seasonal naive forecast is perfect), is `NaN`: undefined, never a made-up number.
//!
//! ```
//! use capcast::forecast::metrics::{coverage, mae, mase, rmse};
//!
//! let (y, yhat) = ([3.0, 5.0, 4.0], [2.0, 5.0, 6.0]);
//! assert_eq!(mae(&y, &yhat), 1.0);
//! assert!(rmse(&y, &yhat) >= mae(&y, &yhat));
//! // Scale: the mean of |y[t] - y[t-1]| over the training data (1.0 here).
//! assert_eq!(mase(&y, &yhat, &[1.0, 2.0, 3.0], 1), 1.0);
//! assert_eq!(coverage(&y, &[2.0, 4.0, 5.0], &[4.0, 6.0, 7.0]), 2.0 / 3.0);
//! ```

use super::model::Forecast;
use crate::error::{Error, Result};

/// A point-forecast metric, for choosing models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metric {
    /// Mean absolute error.
    Mae,
    /// Root mean squared error.
    Rmse,
    /// Mean absolute percentage error (a fraction).
    Mape,
    /// Symmetric mean absolute percentage error (a fraction in `[0, 1]`).
    Smape,
    /// Mean absolute scaled error (seasonal naive scale); the default: comparable across
    /// series of any size and never divided by a zero actual.
    #[default]
    Mase,
}

impl Metric {
    /// The lower-case name used in frames and messages (`mae`, `rmse`, `mape`, `smape`, `mase`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Mae => "mae",
            Metric::Rmse => "rmse",
            Metric::Mape => "mape",
            Metric::Smape => "smape",
            Metric::Mase => "mase",
        }
    }

    /// Parses a metric name (`mae`, `rmse`, `mape`, `smape`, `mase`, case-insensitive).
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other name.
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "mae" => Metric::Mae,
            "rmse" => Metric::Rmse,
            "mape" => Metric::Mape,
            "smape" => Metric::Smape,
            "mase" => Metric::Mase,
            other => {
                return Err(Error::parameter(
                    "metric",
                    format!("'{other}' is not one of mae, rmse, mape, smape, mase"),
                ))
            }
        })
    }
}

/// The mean of `f(i)` over indices where `y[i]` and `p[i]` are both numbers; `NaN` if none.
fn mean_over(y: &[f64], p: &[f64], f: impl Fn(f64, f64) -> Option<f64>) -> f64 {
    let (mut sum, mut count) = (0.0, 0usize);
    for (&a, &b) in y.iter().zip(p) {
        if a.is_nan() || b.is_nan() {
            continue;
        }
        if let Some(v) = f(a, b) {
            sum += v;
            count += 1;
        }
    }
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Mean absolute error (`utilsforecast.losses.mae`).
pub fn mae(y: &[f64], yhat: &[f64]) -> f64 {
    mean_over(y, yhat, |a, b| Some((a - b).abs()))
}

/// Root mean squared error (`utilsforecast.losses.rmse`).
pub fn rmse(y: &[f64], yhat: &[f64]) -> f64 {
    mean_over(y, yhat, |a, b| Some((a - b) * (a - b))).sqrt()
}

/// Mean absolute percentage error as a fraction (`utilsforecast.losses.mape`); points with a
/// zero actual are skipped.
pub fn mape(y: &[f64], yhat: &[f64]) -> f64 {
    mean_over(y, yhat, |a, b| (a != 0.0).then(|| (a - b).abs() / a.abs()))
}

/// Symmetric mean absolute percentage error in `[0, 1]` (`utilsforecast.losses.smape`).
pub fn smape(y: &[f64], yhat: &[f64]) -> f64 {
    mean_over(y, yhat, |a, b| {
        let denominator = a.abs() + b.abs();
        Some(if denominator == 0.0 {
            0.0
        } else {
            (a - b).abs() / denominator
        })
    })
}

/// The MASE scale: the in-sample MAE of the seasonal naive forecast with season
/// `season_length` on `train` (mean of `|y[t] - y[t - m]|`); `NaN` if `train` has at most `m`
/// values.
pub fn mase_scale(train: &[f64], season_length: usize) -> f64 {
    let m = season_length.max(1);
    if train.len() <= m {
        return f64::NAN;
    }
    mae(&train[m..], &train[..train.len() - m])
}

/// Mean absolute scaled error (`utilsforecast.losses.mase` with `seasonality = season_length`
/// and `train_df` = `train`): [`mae`] divided by [`mase_scale`]. `NaN` when the scale is zero
/// or undefined.
pub fn mase(y: &[f64], yhat: &[f64], train: &[f64], season_length: usize) -> f64 {
    let scale = mase_scale(train, season_length);
    if scale.is_nan() || scale == 0.0 {
        return f64::NAN;
    }
    mae(y, yhat) / scale
}

/// Pinball (quantile) loss of the forecast quantile `pred` at probability `q`
/// (`utilsforecast.losses.quantile_loss`).
pub fn pinball(y: &[f64], pred: &[f64], q: f64) -> f64 {
    mean_over(y, pred, |a, b| {
        let d = a - b;
        Some((q * d).max((q - 1.0) * d))
    })
}

/// Share of actuals inside `[lower, upper]`, bounds included (`utilsforecast.losses.coverage`).
pub fn coverage(y: &[f64], lower: &[f64], upper: &[f64]) -> f64 {
    let (mut inside, mut count) = (0usize, 0usize);
    for ((&a, &lo), &hi) in y.iter().zip(lower).zip(upper) {
        if a.is_nan() || lo.is_nan() || hi.is_nan() {
            continue;
        }
        count += 1;
        if lo <= a && a <= hi {
            inside += 1;
        }
    }
    if count == 0 {
        f64::NAN
    } else {
        inside as f64 / count as f64
    }
}

/// Winkler (interval) score of a central `level` % interval
/// (`utilsforecast.losses.winkler_score`): width plus `2 / alpha` times the distance by which
/// the actual falls outside.
pub fn winkler(y: &[f64], lower: &[f64], upper: &[f64], level: f64) -> f64 {
    let alpha = (100.0 - level) / 100.0;
    let (mut sum, mut count) = (0.0, 0usize);
    for ((&a, &lo), &hi) in y.iter().zip(lower).zip(upper) {
        if a.is_nan() || lo.is_nan() || hi.is_nan() {
            continue;
        }
        let penalty = if a < lo {
            2.0 / alpha * (lo - a)
        } else if a > hi {
            2.0 / alpha * (a - hi)
        } else {
            0.0
        };
        sum += hi - lo + penalty;
        count += 1;
    }
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Scores of one interval level.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalScore {
    /// The nominal level in percent.
    pub level: f64,
    /// Share of actuals inside the interval, in `[0, 1]`.
    pub coverage: f64,
    /// Mean Winkler score.
    pub winkler: f64,
    /// Pinball loss of the lower bound at quantile `(1 - level/100) / 2`.
    pub pinball_lower: f64,
    /// Pinball loss of the upper bound at quantile `1 - (1 - level/100) / 2`.
    pub pinball_upper: f64,
}

/// Every metric of one forecast (or the mean over backtest windows).
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute percentage error (fraction).
    pub mape: f64,
    /// Symmetric MAPE (fraction in `[0, 1]`).
    pub smape: f64,
    /// Mean absolute scaled error.
    pub mase: f64,
    /// Interval scores, one per level of the forecast, ascending.
    pub intervals: Vec<IntervalScore>,
}

impl Metrics {
    /// Scores `forecast` against the actuals `y` (same length as the forecast), with `train`
    /// (the history before the forecast) and `season_length` for the MASE scale.
    pub fn evaluate(y: &[f64], forecast: &Forecast, train: &[f64], season_length: usize) -> Self {
        let p = &forecast.mean;
        let intervals = forecast
            .intervals
            .iter()
            .map(|i| {
                let tail = (1.0 - i.level / 100.0) / 2.0;
                IntervalScore {
                    level: i.level,
                    coverage: coverage(y, &i.lower, &i.upper),
                    winkler: winkler(y, &i.lower, &i.upper, i.level),
                    pinball_lower: pinball(y, &i.lower, tail),
                    pinball_upper: pinball(y, &i.upper, 1.0 - tail),
                }
            })
            .collect();
        Metrics {
            mae: mae(y, p),
            rmse: rmse(y, p),
            mape: mape(y, p),
            smape: smape(y, p),
            mase: mase(y, p, train, season_length),
            intervals,
        }
    }

    /// The value of one point metric.
    pub fn get(&self, metric: Metric) -> f64 {
        match metric {
            Metric::Mae => self.mae,
            Metric::Rmse => self.rmse,
            Metric::Mape => self.mape,
            Metric::Smape => self.smape,
            Metric::Mase => self.mase,
        }
    }

    /// The scores at `level`, if the forecasts had that interval.
    pub fn interval(&self, level: f64) -> Option<&IntervalScore> {
        self.intervals.iter().find(|i| i.level == level)
    }

    /// The mean of each metric over `windows`, skipping windows where it is `NaN` (as
    /// averaging `utilsforecast.evaluation.evaluate` output over cutoffs does). Interval
    /// scores are kept for the levels every window has.
    pub fn mean(windows: &[Metrics]) -> Metrics {
        let avg = |f: &dyn Fn(&Metrics) -> f64| {
            let values: Vec<f64> = windows.iter().map(f).filter(|v| !v.is_nan()).collect();
            if values.is_empty() {
                f64::NAN
            } else {
                values.iter().sum::<f64>() / values.len() as f64
            }
        };
        let levels: Vec<f64> = windows
            .first()
            .map(|w| w.intervals.iter().map(|i| i.level).collect())
            .unwrap_or_default();
        let intervals = levels
            .into_iter()
            .filter(|&l| windows.iter().all(|w| w.interval(l).is_some()))
            .map(|level| {
                let of = |f: fn(&IntervalScore) -> f64| {
                    avg(&|w: &Metrics| w.interval(level).map(f).unwrap_or(f64::NAN))
                };
                IntervalScore {
                    level,
                    coverage: of(|i| i.coverage),
                    winkler: of(|i| i.winkler),
                    pinball_lower: of(|i| i.pinball_lower),
                    pinball_upper: of(|i| i.pinball_upper),
                }
            })
            .collect();
        Metrics {
            mae: avg(&|w| w.mae),
            rmse: avg(&|w| w.rmse),
            mape: avg(&|w| w.mape),
            smape: avg(&|w| w.smape),
            mase: avg(&|w| w.mase),
            intervals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::model::Interval;
    use proptest::prelude::*;

    // Golden values: utilsforecast 0.2.17, `utilsforecast.losses` on a one-series pandas frame
    // (unique_id "a"), actuals Y, model column "m" = P, "m-lo-80" = LO, "m-hi-80" = HI; the
    // MASE `train_df` is TRAIN. Tolerance 1e-12 (same arithmetic).
    const Y: [f64; 6] = [3.0, 0.0, 5.0, 2.0, 7.0, 4.0];
    const P: [f64; 6] = [2.5, 1.0, 4.0, 2.0, 9.0, 3.0];
    const LO: [f64; 6] = [2.0, 0.5, 3.0, 1.0, 8.0, 2.5];
    const HI: [f64; 6] = [3.5, 1.5, 6.0, 3.0, 10.0, 3.5];
    const TRAIN: [f64; 8] = [1.0, 4.0, 2.0, 6.0, 2.0, 5.0, 3.0, 8.0];

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn point_metrics_match_utilsforecast() {
        close(mae(&Y, &P), 0.916_666_666_666_666_6);
        close(rmse(&Y, &P), 1.099_242_163_189_409_8);
        // mape skips the zero actual (utilsforecast maps it to NaN, and the mean skips NaN).
        close(mape(&Y, &P), 0.180_476_190_476_190_48);
        close(smape(&Y, &P), 0.244_979_557_479_557_46);
        // mase(df, ["m"], seasonality=2, train_df) and seasonality=1.
        close(mase(&Y, &P, &TRAIN, 2), 0.6875);
        close(mase(&Y, &P, &TRAIN, 1), 0.278_985_507_246_376_83);
    }

    #[test]
    fn interval_metrics_match_utilsforecast() {
        // quantile_loss(df, {"m": "m-lo-80"}, q=0.1) and {"m": "m-hi-80"}, q=0.9.
        close(pinball(&Y, &LO, 0.1), 0.316_666_666_666_666_65);
        close(pinball(&Y, &HI, 0.9), 0.191_666_666_666_666_65);
        // coverage(df, ["m"], level=80), winkler_score(df, ["m"], level=80).
        close(coverage(&Y, &LO, &HI), 0.5);
        close(winkler(&Y, &LO, &HI, 80.0), 5.083_333_333_333_333);
        let f = Forecast {
            ds: (0..6).collect(),
            mean: P.to_vec(),
            intervals: vec![Interval {
                level: 80.0,
                lower: LO.to_vec(),
                upper: HI.to_vec(),
            }],
        };
        let m = Metrics::evaluate(&Y, &f, &TRAIN, 2);
        let i = m.interval(80.0).unwrap();
        close(i.pinball_lower, 0.316_666_666_666_666_65);
        close(i.pinball_upper, 0.191_666_666_666_666_65);
        close(m.get(Metric::Mase), 0.6875);
    }

    #[test]
    fn undefined_metrics_are_nan_and_names_parse() {
        assert!(mape(&[0.0, 0.0], &[1.0, 2.0]).is_nan());
        assert!(mase(&[1.0], &[1.0], &[2.0, 2.0, 2.0], 1).is_nan());
        assert!(mase(&[1.0], &[1.0], &[2.0], 1).is_nan());
        assert_eq!(smape(&[0.0], &[0.0]), 0.0);
        assert_eq!(mae(&[1.0, f64::NAN], &[2.0, 5.0]), 1.0);
        assert_eq!(Metric::parse("MASE").unwrap(), Metric::Mase);
        assert!(Metric::parse("r2").is_err());
    }

    proptest! {
        #[test]
        fn metric_identities(pairs in prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3, 0f64..50.0), 1..40)) {
            let y: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let p: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            let lo: Vec<f64> = p.iter().zip(&pairs).map(|(a, q)| a - q.2).collect();
            let hi: Vec<f64> = p.iter().zip(&pairs).map(|(a, q)| a + q.2).collect();
            prop_assert!(rmse(&y, &p) + 1e-9 >= mae(&y, &p));
            let c = coverage(&y, &lo, &hi);
            prop_assert!((0.0..=1.0).contains(&c));
            let s = smape(&y, &p);
            prop_assert!((0.0..=1.0 + 1e-12).contains(&s));
            // The Winkler score is at least the mean width.
            let width = pairs.iter().map(|q| 2.0 * q.2).sum::<f64>() / pairs.len() as f64;
            prop_assert!(winkler(&y, &lo, &hi, 80.0) + 1e-9 >= width);
            prop_assert!(pinball(&y, &lo, 0.1) >= 0.0);
        }
    }
}
