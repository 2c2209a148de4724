//! Prophet's uncertainty: simulated future trend changes plus observation noise.
//!
//! Each path draws future rate changes as a Poisson process on scaled time `(1, T]` with rate
//! `S` (the number of candidate changepoints per unit of scaled time, as in Prophet's
//! `sample_predictive_trend`), each of Laplace size with scale `mean |delta| + 1e-8`; future
//! level shifts are drawn the same way from the automatic step candidates. Gaussian noise with
//! the fitted `sigma` is added. Intervals are empirical quantiles (linear interpolation, as
//! numpy's `percentile`) of the paths, around the MAP point forecast.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson};

use super::FittedRegression;
use crate::forecast::model::{Forecast, Interval};

/// A Laplace(0, scale) draw by inversion.
fn laplace(rng: &mut StdRng, scale: f64) -> f64 {
    let u: f64 = rng.random::<f64>() - 0.5;
    -scale * u.signum() * (1.0 - 2.0 * u.abs()).max(f64::MIN_POSITIVE).ln()
}

/// Sorted uniform times on `(1, t_max]`, their number Poisson with mean `rate * (t_max - 1)`.
fn arrivals(rng: &mut StdRng, rate: f64, t_max: f64) -> Vec<f64> {
    let mean = rate * (t_max - 1.0);
    if !(mean > 0.0 && mean.is_finite()) {
        return Vec::new();
    }
    let count = Poisson::new(mean).map(|p| p.sample(rng)).unwrap_or(0.0);
    let mut out: Vec<f64> = (0..count as usize)
        .map(|_| 1.0 + rng.random::<f64>() * (t_max - 1.0))
        .collect();
    out.sort_by(f64::total_cmp);
    out
}

impl FittedRegression {
    /// `n_paths` paths over timestamps `ds` around the point forecast `mean`.
    pub(super) fn simulate(
        &self,
        ds: &[i64],
        mean: &[f64],
        n_paths: usize,
        seed: u64,
    ) -> Vec<Vec<f64>> {
        let ys = self.scale.y_scale;
        let t: Vec<f64> = ds.iter().map(|&x| self.scale.t(x)).collect();
        let t_max = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let rate = self.cp_t.len() as f64;
        let delta_scale = self.deltas.iter().map(|d| d.abs()).sum::<f64>()
            / self.deltas.len().max(1) as f64
            + 1e-8;
        let auto: Vec<f64> = self.shifts.iter().filter(|s| s.1).map(|s| s.2).collect();
        let shift_rate = auto.len() as f64;
        let shift_scale = auto.iter().map(|d| d.abs()).sum::<f64>() / auto.len().max(1) as f64;
        let mut base = vec![0.0; t.len()];
        if self.scale.cap.is_some() {
            self.trend_scaled(&t, &self.cp_t, &self.deltas, &mut base);
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let noise = Normal::new(0.0, self.sigma.max(0.0)).ok();
        let mut trend = vec![0.0; t.len()];
        (0..n_paths)
            .map(|_| {
                let new_cp = arrivals(&mut rng, rate, t_max);
                let new_delta: Vec<f64> = new_cp
                    .iter()
                    .map(|_| laplace(&mut rng, delta_scale))
                    .collect();
                let new_shift_t = if shift_scale > 0.0 {
                    arrivals(&mut rng, shift_rate, t_max)
                } else {
                    Vec::new()
                };
                let new_shift: Vec<f64> = new_shift_t
                    .iter()
                    .map(|_| laplace(&mut rng, shift_scale))
                    .collect();
                match self.scale.cap {
                    None => trend::linear_changes(&t, &new_cp, &new_delta, &mut trend),
                    Some(_) => {
                        let mut cps = self.cp_t.clone();
                        cps.extend_from_slice(&new_cp);
                        let mut deltas = self.deltas.clone();
                        deltas.extend_from_slice(&new_delta);
                        self.trend_scaled(&t, &cps, &deltas, &mut trend);
                        for (a, b) in trend.iter_mut().zip(&base) {
                            *a -= b;
                        }
                    }
                }
                (0..t.len())
                    .map(|i| {
                        let steps: f64 = new_shift_t
                            .iter()
                            .zip(&new_shift)
                            .filter(|(s, _)| t[i] >= **s)
                            .map(|(_, d)| d)
                            .sum();
                        let e = noise.map_or(0.0, |d| d.sample(&mut rng));
                        let v = mean[i] + (trend[i] + steps + e) * ys;
                        if v.is_finite() {
                            v
                        } else {
                            mean[i]
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

mod trend {
    /// The trend change `sum_j delta_j (t - s_j)_+` of new changepoints.
    pub(super) fn linear_changes(t: &[f64], cps: &[f64], deltas: &[f64], out: &mut [f64]) {
        for (o, &ti) in out.iter_mut().zip(t) {
            *o = cps
                .iter()
                .zip(deltas)
                .filter(|(s, _)| ti >= **s)
                .map(|(s, d)| d * (ti - s))
                .sum();
        }
    }
}

/// The `q` quantile (in `[0, 1]`) of `values`, interpolated linearly between order
/// statistics (numpy's default); reorders `values` (selection, not a full sort).
fn quantile(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    let pos = q * (n - 1) as f64;
    let lo = (pos.floor() as usize).min(n - 1);
    let (_, &mut low, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let high = rest.iter().copied().fold(f64::INFINITY, f64::min);
    if high.is_finite() {
        low + (pos - lo as f64) * (high - low)
    } else {
        low
    }
}

/// A forecast with intervals from path quantiles at each level (percent).
pub(super) fn quantile_forecast(
    ds: Vec<i64>,
    mean: Vec<f64>,
    paths: &[Vec<f64>],
    levels: &[f64],
) -> Forecast {
    let h = mean.len();
    let mut intervals: Vec<Interval> = levels
        .iter()
        .map(|&level| Interval {
            level,
            lower: vec![0.0; h],
            upper: vec![0.0; h],
        })
        .collect();
    let mut column = Vec::with_capacity(paths.len());
    for step in 0..h {
        column.clear();
        column.extend(paths.iter().map(|p| p[step]));
        for interval in &mut intervals {
            let tail = (1.0 - interval.level / 100.0) / 2.0;
            interval.lower[step] = quantile(&mut column, tail);
            interval.upper[step] = quantile(&mut column, 1.0 - tail);
        }
    }
    Forecast {
        ds,
        mean,
        intervals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], 10) = 1.3
        assert!((quantile(&mut [4.0, 2.0, 1.0, 3.0], 0.1) - 1.3).abs() < 1e-12);
        assert_eq!(quantile(&mut [4.0, 2.0, 1.0, 3.0], 1.0), 4.0);
        let mut rng = StdRng::seed_from_u64(1);
        let draws: Vec<f64> = (0..20000).map(|_| laplace(&mut rng, 2.0)).collect();
        let mean_abs = draws.iter().map(|d| d.abs()).sum::<f64>() / draws.len() as f64;
        assert!((mean_abs - 2.0).abs() < 0.1);
    }
}
