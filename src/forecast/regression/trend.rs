//! The trend: piecewise-linear or piecewise-logistic with rate changes at changepoints, on
//! Prophet's scaled time (`t` in `[0, 1]` over the observed history) and scaled values.

/// Candidate changepoints as Prophet places them: `n` points evenly spread (by index) over
/// the first `range` fraction of the observed rows, excluding the first row.
///
/// Returns indices into `observed` (Prophet's `np.linspace(0, hist_size - 1, n + 1).round()`,
/// rounding half to even as numpy does).
pub(crate) fn changepoint_indices(
    n_observed: usize,
    n_changepoints: usize,
    range: f64,
) -> Vec<usize> {
    let hist_size = (n_observed as f64 * range).floor() as usize;
    if hist_size < 2 {
        return Vec::new();
    }
    let n = n_changepoints.min(hist_size - 1);
    if n == 0 {
        return Vec::new();
    }
    let last = (hist_size - 1) as f64;
    let mut out: Vec<usize> = (1..=n)
        .map(|i| round_half_even(last * i as f64 / n as f64) as usize)
        .collect();
    out.dedup();
    out
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

/// Piecewise-linear trend at scaled times `t` (sorted or not): `k t + m + sum_j delta_j
/// (t - s_j)_+`.
pub(crate) fn linear(t: &[f64], k: f64, m: f64, cps: &[f64], deltas: &[f64], out: &mut [f64]) {
    for (o, &ti) in out.iter_mut().zip(t) {
        let mut v = k * ti + m;
        for (&s, &d) in cps.iter().zip(deltas) {
            if ti >= s {
                v += d * (ti - s);
            }
        }
        *o = v;
    }
}

/// Prophet's piecewise-logistic trend: `cap / (1 + exp(-(k + A delta) (t - (m + A gamma))))`,
/// with the offsets `gamma` chosen so the curve is continuous at each changepoint. `cps` must
/// be sorted. `cap` is per time (scaled, floor subtracted).
pub(crate) fn logistic(
    t: &[f64],
    cap: &[f64],
    k: f64,
    m: f64,
    cps: &[f64],
    deltas: &[f64],
    out: &mut [f64],
) {
    // Rates after each changepoint and the continuity offsets (Prophet's
    // `piecewise_logistic`).
    let mut rates = Vec::with_capacity(cps.len() + 1);
    rates.push(k);
    for &d in deltas {
        rates.push(rates[rates.len() - 1] + d);
    }
    let mut gammas = Vec::with_capacity(cps.len());
    let mut m_pr = m;
    for i in 0..cps.len() {
        let next = rates[i + 1];
        let ratio = if next.abs() < 1e-10 {
            // A zero rate makes the offset undefined; a tiny rate keeps the curve finite.
            rates[i] / 1e-10_f64.copysign(next)
        } else {
            rates[i] / next
        };
        let g = (cps[i] - m_pr) * (1.0 - ratio);
        gammas.push(g);
        m_pr += g;
    }
    // Times are usually sorted: walk the changepoints along (restart if a time goes back).
    let (mut next, mut rate, mut offset, mut previous) = (0, k, m, f64::NEG_INFINITY);
    for ((o, &ti), &c) in out.iter_mut().zip(t).zip(cap) {
        if ti < previous {
            (next, rate, offset) = (0, k, m);
        }
        previous = ti;
        while next < cps.len() && ti >= cps[next] {
            rate += deltas[next];
            offset += gammas[next];
            next += 1;
        }
        let v = c / (1.0 + (-rate * (ti - offset)).exp());
        *o = if v.is_finite() { v } else { 0.0 };
    }
}

/// Prophet's `logistic_growth_init`: rate and offset of the logistic curve through the first
/// and last points.
pub(crate) fn logistic_init(t0: f64, y0: f64, c0: f64, t1: f64, y1: f64, c1: f64) -> (f64, f64) {
    let span = (t1 - t0).max(1e-12);
    let y0 = y0.min(0.99 * c0).max(0.01 * c0);
    let y1 = y1.min(0.99 * c1).max(0.01 * c1);
    let mut r0 = c0 / y0;
    let r1 = c1 / y1;
    if (r0 - r1).abs() <= 0.01 {
        r0 *= 1.05;
    }
    let (l0, l1) = ((r0 - 1.0).ln(), (r1 - 1.0).ln());
    let m = l0 * span / (l0 - l1);
    let k = (l0 - l1) / span;
    (k, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changepoints_match_prophet_grid() {
        // Prophet 1.5.0, 100 rows, n_changepoints=25, changepoint_range=0.8:
        // np.linspace(0, 79, 26).round()[1:] starts 3, 6, 9, 13 (12.64 -> 13) and ends 79.
        let idx = changepoint_indices(100, 25, 0.8);
        assert_eq!(idx.len(), 25);
        assert_eq!(&idx[..4], &[3, 6, 9, 13]);
        assert_eq!(*idx.last().unwrap(), 79);
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(3.5), 4.0);
        assert!(changepoint_indices(2, 25, 0.8).is_empty());
    }

    #[test]
    fn logistic_is_continuous_at_changepoints() {
        let cps = [0.5];
        let t = [0.5 - 1e-9, 0.5 + 1e-9];
        let mut out = [0.0; 2];
        logistic(&t, &[1.0, 1.0], 4.0, 0.3, &cps, &[3.0], &mut out);
        assert!((out[0] - out[1]).abs() < 1e-6);
        // Unsorted times give the same values as sorted ones.
        let mut back = [0.0; 2];
        logistic(
            &[t[1], t[0]],
            &[1.0, 1.0],
            4.0,
            0.3,
            &cps,
            &[3.0],
            &mut back,
        );
        assert_eq!(back, [out[1], out[0]]);
        let mut lin = [0.0; 2];
        linear(&[0.0, 1.0], 1.0, 2.0, &[0.5], &[2.0], &mut lin);
        assert_eq!(lin, [2.0, 4.0]);
    }
}
