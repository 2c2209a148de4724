//! Initial states by the heuristic of R `forecast::ets` / statsforecast (`initstate`):
//! classical decomposition (centred moving average) for the seasonal states when the series
//! has at least three seasons, a one-harmonic Fourier regression otherwise; the level and
//! trend from a least-squares line through the first `max(10, 2m)` seasonally adjusted values.

use super::core::{SeasonType, Spec, TrendType};

/// Initial states: level, trend (0 without trend) and `m` seasons in R order (`s_1` most
/// recent, `s_m` the season of the first observation); empty without season.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Init {
    pub(crate) level: f64,
    pub(crate) trend: f64,
    pub(crate) seasons: Vec<f64>,
}

/// Classical decomposition seasonal component per phase (statsmodels `seasonal_decompose`
/// with a two-sided moving average), normalised to sum 0 (additive) or mean 1
/// (multiplicative).
fn decompose(y: &[f64], m: usize, mult: bool) -> Vec<f64> {
    let n = y.len();
    // Centred moving average of order m (2 x m for even m).
    let half = m / 2;
    let mut sums = vec![0.0; m];
    let mut counts = vec![0usize; m];
    for t in half..n.saturating_sub(half) {
        let trend = if m % 2 == 0 {
            let inner: f64 = y[t + 1 - half..t + half].iter().sum();
            (inner + 0.5 * (y[t - half] + y[t + half])) / m as f64
        } else {
            y[t - half..=t + half].iter().sum::<f64>() / m as f64
        };
        let detrended = if mult { y[t] / trend } else { y[t] - trend };
        sums[t % m] += detrended;
        counts[t % m] += 1;
    }
    let mut avg: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| if c > 0 { s / c as f64 } else { f64::NAN })
        .collect();
    let mean = avg.iter().sum::<f64>() / m as f64;
    for a in &mut avg {
        if mult {
            *a /= mean;
        } else {
            *a -= mean;
        }
    }
    avg
}

/// Solves the least-squares problem `X beta = y` (X given by columns) through the normal
/// equations; fine for the 2-4 well-scaled columns used here.
fn lstsq(cols: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let k = cols.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for i in 0..k {
        for j in 0..k {
            a[i][j] = cols[i].iter().zip(&cols[j]).map(|(u, v)| u * v).sum();
        }
        a[i][k] = cols[i].iter().zip(y).map(|(u, v)| u * v).sum();
    }
    for c in 0..k {
        let pivot = (c..k).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        a.swap(c, pivot);
        if a[c][c].abs() < 1e-12 {
            return None;
        }
        let pivot_row = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let factor = row[c] / pivot_row[c];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(c) {
                    *x -= factor * p;
                }
            }
        }
    }
    Some((0..k).map(|i| a[i][k] / a[i][i]).collect())
}

/// The seasonal component per observation when the series has fewer than three seasons: residuals
/// of the linear part of a regression on `1, t, sin, cos` (statsforecast's `fourier`).
fn fourier_seasonal(y: &[f64], m: usize, mult: bool) -> Vec<f64> {
    let n = y.len();
    let t: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    let w = 2.0 * std::f64::consts::PI / m as f64;
    let mut cols = vec![vec![1.0; n], t.clone()];
    cols.push(t.iter().map(|&i| (w * i).cos()).collect());
    if m > 2 {
        cols.push(t.iter().map(|&i| (w * i).sin()).collect());
    }
    let coef = lstsq(&cols, y).unwrap_or_else(|| vec![y.iter().sum::<f64>() / n as f64, 0.0]);
    let linear = |i: usize| coef[0] + coef[1] * t[i];
    (0..n)
        .map(|i| {
            if mult {
                y[i] / linear(i)
            } else {
                y[i] - linear(i)
            }
        })
        .collect()
}

/// The heuristic initial states for `spec` with season length `m`.
pub(crate) fn initial_states(y: &[f64], m: usize, spec: &Spec) -> Init {
    let n = y.len();
    let mult = spec.season == SeasonType::Multiplicative;
    let (seasons, adjusted, m_eff) = if spec.has_season() {
        // The seasonal component per observation.
        let phase = if n < 3 * m {
            fourier_seasonal(y, m, mult)
        } else {
            let per_phase = decompose(y, m, mult);
            (0..n).map(|t| per_phase[t % m]).collect()
        };
        // R order: s_1 = phase m-1, ..., s_{m-1} = phase 1; s_m closes the sum.
        let mut seasons: Vec<f64> = (1..m).rev().map(|i| phase[i]).collect();
        if mult {
            for s in &mut seasons {
                *s = s.max(1e-2);
            }
            let total: f64 = seasons.iter().sum();
            if total > m as f64 {
                let denom: f64 = seasons.iter().map(|s| s + 1e-2).sum();
                for s in &mut seasons {
                    *s /= denom;
                }
            }
        }
        let closing = if mult { m as f64 } else { 0.0 } - seasons.iter().sum::<f64>();
        seasons.push(closing);
        let adjusted: Vec<f64> = y
            .iter()
            .enumerate()
            .map(|(t, &v)| {
                let s = phase[t];
                if mult {
                    v / s.max(1e-2)
                } else {
                    v - s
                }
            })
            .collect();
        (seasons, adjusted, m)
    } else {
        (Vec::new(), y.to_vec(), 1)
    };
    let maxn = (2 * m_eff).max(10).min(n);
    let head = &adjusted[..maxn];
    let (level, trend) = match spec.trend {
        TrendType::None => (head.iter().sum::<f64>() / maxn as f64, 0.0),
        TrendType::Additive | TrendType::Damped => {
            let t: Vec<f64> = (1..=maxn).map(|i| i as f64).collect();
            let coef = lstsq(&[vec![1.0; maxn], t], head)
                .unwrap_or_else(|| vec![head.iter().sum::<f64>() / maxn as f64, 0.0]);
            let (mut l, mut b) = (coef[0], coef[1]);
            if (l + b).abs() < 1e-8 {
                l *= 1.0 + 1e-3;
                b *= 1.0 - 1e-3;
            }
            (l, b)
        }
    };
    Init {
        level,
        trend,
        seasons,
    }
}
