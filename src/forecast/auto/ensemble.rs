//! Ensembles: several fitted models combined step by step, and the backtest errors of the
//! combined point (the conformity scores of an ensemble).

use super::EnsembleCombine;
use crate::error::Result;
use crate::forecast::backtest::Backtest;
use crate::forecast::model::{
    check_horizon, check_levels, check_paths, Fitted, Forecast, Interval,
};

/// Combines values: median or mean of the finite ones (`NaN` if none).
pub(super) fn combine(values: &[f64], how: EnsembleCombine) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    match how {
        EnsembleCombine::Mean => v.iter().sum::<f64>() / v.len() as f64,
        EnsembleCombine::Median => {
            v.sort_by(f64::total_cmp);
            let k = v.len();
            if k % 2 == 1 {
                v[k / 2]
            } else {
                (v[k / 2 - 1] + v[k / 2]) / 2.0
            }
        }
    }
}

/// Signed backtest errors of the combined point of `names`, one row per window.
pub(super) fn ensemble_errors(
    backtest: &Backtest,
    names: &[String],
    how: EnsembleCombine,
) -> Option<Vec<Vec<f64>>> {
    let per_model: Vec<Vec<_>> = names
        .iter()
        .map(|n| backtest.windows_of(n).collect())
        .collect();
    let n_windows = per_model.first()?.len();
    if n_windows == 0 || per_model.iter().any(|w| w.len() != n_windows) {
        return None;
    }
    let errors = (0..n_windows)
        .map(|w| {
            let first = per_model[0][w];
            (0..first.actual.len())
                .map(|h| {
                    let points: Vec<f64> =
                        per_model.iter().map(|m| m[w].forecast.mean[h]).collect();
                    first.actual[h] - combine(&points, how)
                })
                .collect()
        })
        .collect::<Vec<Vec<f64>>>();
    // Every step needs one finite error (conformal scores); otherwise no conformal intervals.
    let steps = errors.first().map(Vec::len).unwrap_or(0);
    let complete = (0..steps).all(|h| errors.iter().any(|w| w[h].is_finite()));
    (steps > 0 && complete).then_some(errors)
}

/// Several fitted models combined step by step.
#[derive(Debug)]
pub(super) struct FittedEnsemble {
    pub(super) members: Vec<Box<dyn Fitted>>,
    pub(super) combine: EnsembleCombine,
}

impl FittedEnsemble {
    fn across(&self, rows: &[Vec<f64>], len: usize) -> Vec<f64> {
        (0..len)
            .map(|i| {
                let v: Vec<f64> = rows.iter().map(|r| r[i]).collect();
                combine(&v, self.combine)
            })
            .collect()
    }
}

impl Fitted for FittedEnsemble {
    fn name(&self) -> String {
        let names: Vec<String> = self.members.iter().map(|m| m.name()).collect();
        let how = match self.combine {
            EnsembleCombine::Median => "Median",
            EnsembleCombine::Mean => "Mean",
        };
        format!("{how}({})", names.join(", "))
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let levels = check_levels(levels)?;
        let forecasts = self
            .members
            .iter()
            .map(|m| m.predict(horizon, &levels))
            .collect::<Result<Vec<_>>>()?;
        let means: Vec<Vec<f64>> = forecasts.iter().map(|f| f.mean.clone()).collect();
        let intervals = levels
            .iter()
            .map(|&level| {
                let bound = |upper: bool| -> Vec<Vec<f64>> {
                    forecasts
                        .iter()
                        .map(|f| {
                            f.interval(level)
                                .map(|i| {
                                    if upper {
                                        i.upper.clone()
                                    } else {
                                        i.lower.clone()
                                    }
                                })
                                .unwrap_or_else(|| f.mean.clone())
                        })
                        .collect()
                };
                Interval {
                    level,
                    lower: self.across(&bound(false), horizon),
                    upper: self.across(&bound(true), horizon),
                }
            })
            .collect();
        let mut out = Forecast {
            ds: forecasts[0].ds.clone(),
            mean: self.across(&means, horizon),
            intervals,
        };
        out.enforce_nesting();
        Ok(out)
    }

    fn fitted_values(&self) -> Vec<f64> {
        let rows: Vec<Vec<f64>> = self.members.iter().map(|m| m.fitted_values()).collect();
        let len = rows.iter().map(Vec::len).min().unwrap_or(0);
        self.across(&rows, len)
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        // Path j combines path j of every member (members use seeds seed, seed + 1, ...).
        let all = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| m.sample_paths(horizon, n_paths, seed.wrapping_add(i as u64)))
            .collect::<Result<Vec<_>>>()?;
        Ok((0..n_paths)
            .map(|j| {
                let rows: Vec<Vec<f64>> = all.iter().map(|p| p[j].clone()).collect();
                self.across(&rows, horizon)
            })
            .collect())
    }
}
