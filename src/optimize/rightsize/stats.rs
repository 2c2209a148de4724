//! Statistics of one resource's demand: percentiles by selection (not a full sort), mean and
//! max, daily peaks, the growth of daily peaks, the share of samples above a capacity, and
//! the number of distinct hours with data.
//!
//! Times are microseconds since the Unix epoch (the utilization frame's `ts`), sorted.

/// Microseconds in an hour.
pub(crate) const HOUR_US: i64 = 3_600_000_000;
/// Microseconds in a day.
pub(crate) const DAY_US: i64 = 24 * HOUR_US;

/// The `p`-th percentile (0-100) of `values`, linearly interpolated between closest ranks
/// (numpy's and polars' default `linear` method), found by selection in O(n). Reorders
/// `values`. `None` for an empty slice.
pub(crate) fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
    let k = h.floor() as usize;
    let frac = h - k as f64;
    let (_, &mut lo, right) = values.select_nth_unstable_by(k, f64::total_cmp);
    if frac == 0.0 || right.is_empty() {
        return Some(lo);
    }
    let hi = right.iter().copied().fold(f64::INFINITY, f64::min);
    Some(lo + (hi - lo) * frac)
}

/// Mean and maximum; `None` for an empty slice.
pub(crate) fn mean_max(values: &[f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut sum = 0.0;
    let mut max = f64::NEG_INFINITY;
    for &v in values {
        sum += v;
        max = max.max(v);
    }
    Some((sum / values.len() as f64, max))
}

/// The largest value of each UTC day that has samples: `(day number, peak)`, in day order.
pub(crate) fn daily_peaks(ts: &[i64], values: &[f64]) -> Vec<(i64, f64)> {
    let mut peaks: Vec<(i64, f64)> = Vec::new();
    for (&t, &v) in ts.iter().zip(values) {
        let day = t.div_euclid(DAY_US);
        match peaks.last_mut() {
            Some((d, peak)) if *d == day => *peak = peak.max(v),
            _ => peaks.push((day, v)),
        }
    }
    peaks
}

/// The growth of demand expected over `horizon_days`, from a least-squares line through the
/// daily peaks: `1 + max(0, slope x horizon) / mean peak`, at most 3. Fewer than 3 days, or a
/// mean peak of 0, give 1 (no growth).
pub(crate) fn growth_factor(peaks: &[(i64, f64)], horizon_days: f64) -> f64 {
    if peaks.len() < 3 {
        return 1.0;
    }
    let n = peaks.len() as f64;
    let mx = peaks.iter().map(|p| p.0 as f64).sum::<f64>() / n;
    let my = peaks.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for &(d, y) in peaks {
        let dx = d as f64 - mx;
        sxy += dx * (y - my);
        sxx += dx * dx;
    }
    if sxx <= 0.0 || my <= 0.0 {
        return 1.0;
    }
    let slope = sxy / sxx;
    (1.0 + (slope * horizon_days).max(0.0) / my).min(3.0)
}

/// The share of `values` whose value x `factor` exceeds `capacity`; 0 for an empty slice.
pub(crate) fn exceed_share(values: &[f64], capacity: f64, factor: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let limit = capacity / factor;
    let over = values.iter().filter(|&&v| v > limit).count();
    over as f64 / values.len() as f64
}

/// The number of distinct clock hours that hold at least one sample (`ts` sorted).
pub(crate) fn distinct_hours(ts: &[i64]) -> usize {
    let mut count = 0;
    let mut last = None;
    for &t in ts {
        let hour = t.div_euclid(HOUR_US);
        if last != Some(hour) {
            count += 1;
            last = Some(hour);
        }
    }
    count
}

/// The index of the first sample at or after `start` in sorted `ts`.
pub(crate) fn start_index(ts: &[i64], start: i64) -> usize {
    ts.partition_point(|&t| t < start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [0, 50, 90, 99.5, 100]) (method 'linear'):
        // 1.0, 3.0, 7.6, 9.88, 10.0
        let data = [4.0, 1.0, 10.0, 3.0, 2.0];
        for (p, want) in [
            (0.0, 1.0),
            (50.0, 3.0),
            (90.0, 7.6),
            (99.5, 9.88),
            (100.0, 10.0),
        ] {
            let mut v = data;
            let got = percentile(&mut v, p).unwrap();
            assert!((got - want).abs() < 1e-12, "p{p}: {got} vs {want}");
        }
        assert_eq!(percentile(&mut [], 50.0), None);
        assert_eq!(percentile(&mut [7.0], 99.5), Some(7.0));
    }

    #[test]
    fn daily_peaks_growth_and_exceedance() {
        let ts: Vec<i64> = (0..10).map(|d| d * DAY_US + HOUR_US).collect();
        let v: Vec<f64> = (0..10).map(|d| 10.0 + d as f64).collect();
        let peaks = daily_peaks(&ts, &v);
        assert_eq!(peaks.len(), 10);
        // slope 1 per day, mean peak 14.5: 10 days ahead is 1 + 10 / 14.5; capped at 3.
        let g = growth_factor(&peaks, 10.0);
        assert!((g - (1.0 + 10.0 / 14.5)).abs() < 1e-12, "{g}");
        assert_eq!(growth_factor(&peaks, 300.0), 3.0);
        assert_eq!(exceed_share(&v, 15.0, 1.0), 0.4);
        assert_eq!(distinct_hours(&ts), 10);
        assert_eq!(start_index(&ts, 2 * DAY_US), 2);
    }
}
