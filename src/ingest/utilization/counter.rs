//! Counters to per-second rates, with counter resets handled as Prometheus `rate()` does.
//!
//! A counter only grows, except when its process restarts and it starts again from zero. The
//! rate at sample `i` is the increase since sample `i - 1` divided by the seconds between them;
//! when the value went down, the counter was reset and the increase is the new value itself
//! (it counted up from zero). The rate is stamped with the later sample's time. Unlike
//! Prometheus' `rate(x[w])`, which averages over a window `w` and extrapolates to its edges, this
//! is the rate between consecutive samples (what `irate` would give at each step): averaging over
//! longer windows is left to the aggregation step.

use super::points::Issues;

/// Rates of one counter series whose points (`ts` in microseconds, finite values) are in time
/// order. The first point, and any point not later than the one before, has no rate and is
/// counted in `dropped`; each reset is counted in `warnings`. `at(i)` describes point `i`.
pub(crate) fn counter_rates(
    ts: &[i64],
    value: &[f64],
    dropped: &mut Issues,
    warnings: &mut Issues,
    at: impl Fn(usize) -> String,
) -> (Vec<i64>, Vec<f64>) {
    let n = ts.len().min(value.len());
    let mut out_ts = Vec::with_capacity(n.saturating_sub(1));
    let mut out_value = Vec::with_capacity(n.saturating_sub(1));
    if n == 0 {
        return (out_ts, out_value);
    }
    dropped.add(
        "first sample of a counter (a rate needs two samples)",
        || at(0),
    );
    let mut previous = 0;
    for i in 1..n {
        if ts[i] <= ts[previous] {
            dropped.add(
                "counter sample not later than the one before (no rate)",
                || at(i),
            );
            continue;
        }
        let seconds = (ts[i] - ts[previous]) as f64 / 1e6;
        let increase = if value[i] >= value[previous] {
            value[i] - value[previous]
        } else {
            warnings.add("counter reset (rate counted from zero)", || at(i));
            value[i]
        };
        out_ts.push(ts[i]);
        out_value.push(increase / seconds);
        previous = i;
    }
    (out_ts, out_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_with_a_reset() {
        // Samples every 15 s: 0, 30, 60, then a restart (10 < 60), then 40.
        let ts = [0, 15_000_000, 30_000_000, 45_000_000, 60_000_000];
        let value = [0.0, 30.0, 60.0, 10.0, 40.0];
        let mut dropped = Issues::default();
        let mut warnings = Issues::default();
        let (t, r) = counter_rates(&ts, &value, &mut dropped, &mut warnings, |i| i.to_string());
        assert_eq!(t, vec![15_000_000, 30_000_000, 45_000_000, 60_000_000]);
        // 30/15, 30/15, reset: 10/15, 30/15.
        let expected = [2.0, 2.0, 10.0 / 15.0, 2.0];
        for (a, b) in r.iter().zip(expected) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        assert_eq!(dropped.total(), 1);
        assert_eq!(warnings.total(), 1);
    }

    #[test]
    fn repeated_time_has_no_rate() {
        let mut dropped = Issues::default();
        let mut warnings = Issues::default();
        let (t, r) = counter_rates(
            &[0, 1_000_000, 1_000_000, 2_000_000],
            &[0.0, 1.0, 1.0, 3.0],
            &mut dropped,
            &mut warnings,
            |i| i.to_string(),
        );
        assert_eq!(t, vec![1_000_000, 2_000_000]);
        assert_eq!(r, vec![1.0, 2.0]);
        assert_eq!(dropped.total(), 2);
    }
}
