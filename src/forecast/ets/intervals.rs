//! Prediction intervals: exact forecast variances for the class-1 models (additive error,
//! no multiplicative season; Hyndman, Koehler, Ord & Snyder 2008, table 6.1, as R's
//! `forecast` uses) and empirical quantiles of simulated paths for every other model.

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use super::core::{simulate, ErrorType, SeasonType, Smoothing, Spec, Step, TrendType};

/// Whether the model has closed-form Gaussian intervals (class 1).
pub(crate) fn is_class1(spec: &Spec) -> bool {
    spec.error == ErrorType::Additive && spec.season != SeasonType::Multiplicative
}

/// h-step forecast variances of a class-1 model for `h = 1..=horizon`.
pub(crate) fn class1_variance(
    spec: &Spec,
    par: &Smoothing,
    m: usize,
    sigma2: f64,
    horizon: usize,
) -> Vec<f64> {
    let Smoothing {
        alpha: a,
        beta: b,
        gamma: g,
        phi,
    } = *par;
    let seasonal = spec.season == SeasonType::Additive;
    let mf = m as f64;
    (1..=horizon)
        .map(|step| {
            let h = step as f64;
            let hm = if seasonal {
                ((step - 1) / m) as f64
            } else {
                0.0
            };
            let season_part = if seasonal {
                g * hm * (2.0 * a + g)
            } else {
                0.0
            };
            let factor = match spec.trend {
                TrendType::None => 1.0 + a * a * (h - 1.0) + season_part,
                TrendType::Additive => {
                    let trend = a * a + a * b * h + b * b * h * (2.0 * h - 1.0) / 6.0;
                    let seasonal_trend = if seasonal {
                        g * hm * b * mf * (hm + 1.0)
                    } else {
                        0.0
                    };
                    1.0 + (h - 1.0) * trend + season_part + seasonal_trend
                }
                TrendType::Damped => {
                    let one = 1.0 - phi;
                    let phih = phi.powf(h);
                    let damp = b * phi * h / (one * one) * (2.0 * a * one + b * phi)
                        - b * phi * (1.0 - phih) / (one * one * (1.0 - phi * phi))
                            * (2.0 * a * (1.0 - phi * phi) + b * phi * (1.0 + 2.0 * phi - phih));
                    let seasonal_damp = if seasonal {
                        let phim = phi.powf(mf);
                        2.0 * b * g * phi / (one * (1.0 - phim))
                            * (hm * (1.0 - phim) - phim * (1.0 - phi.powf(mf * hm)))
                    } else {
                        0.0
                    };
                    1.0 + a * a * (h - 1.0) + damp + season_part + seasonal_damp
                }
            };
            sigma2 * factor
        })
        .collect()
}

/// `n_paths` simulated paths of `horizon` steps from the final state, Gaussian errors with
/// variance `sigma2` (relative errors for multiplicative models). Non-finite draws (a path
/// whose multiplicative state collapsed) are replaced by the point forecast.
pub(crate) fn simulate_paths(
    step: &Step,
    state: (f64, f64, &[f64]),
    sigma2: f64,
    horizon: usize,
    n_paths: usize,
    seed: u64,
    point: &[f64],
) -> Vec<Vec<f64>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let sd = if sigma2.is_finite() && sigma2 > 0.0 {
        sigma2.sqrt()
    } else {
        0.0
    };
    let noise = Normal::new(0.0, sd).ok().filter(|_| sd > 0.0);
    let mut ring = vec![0.0; state.2.len()];
    let mut errors = vec![0.0; horizon];
    (0..n_paths)
        .map(|_| {
            for e in errors.iter_mut() {
                *e = noise.as_ref().map_or(0.0, |d| d.sample(&mut rng));
            }
            let mut out = vec![0.0; horizon];
            simulate(step, state, &errors, &mut ring, &mut out);
            for (o, p) in out.iter_mut().zip(point) {
                if !o.is_finite() {
                    *o = *p;
                }
            }
            out
        })
        .collect()
}

/// The `q`-quantile (0..1) of sorted values with linear interpolation (numpy's default).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let pos = q * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert!((quantile_sorted(&v, 0.9) - 3.7).abs() < 1e-12);
    }
}
