//! The VPA recommender's decaying histogram: exponential buckets (each 5 % wider than the
//! last) whose samples weigh `2^((t - t_ref) / half_life)`, so that recent usage counts more.
//!
//! Bucket `i` starts at `first x (ratio^i - 1) / (ratio - 1)`, as in the VPA's
//! `exponentialHistogramOptions`; a percentile is the END of the bucket where the cumulative
//! weight reaches it (the VPA's conservative choice).

/// A decaying-weight histogram with exponential buckets.
#[derive(Debug, Clone)]
pub(crate) struct DecayingHistogram {
    first: f64,
    ratio: f64,
    weights: Vec<f64>,
    total: f64,
}

impl DecayingHistogram {
    /// Buckets from 0 to `max` with the first bucket `first` wide, each `ratio` times wider.
    pub(crate) fn new(max: f64, first: f64, ratio: f64) -> Self {
        let n = Self::index_of(max, first, ratio) + 1;
        DecayingHistogram {
            first,
            ratio,
            weights: vec![0.0; n],
            total: 0.0,
        }
    }

    /// The VPA's CPU histogram: 0.01 cores first bucket, up to 1000 cores, +5 %.
    pub(crate) fn cpu() -> Self {
        Self::new(1000.0, 0.01, 1.05)
    }

    /// The VPA's memory histogram (in bytes): 10 MB first bucket, up to 1 TB, +5 %.
    pub(crate) fn memory() -> Self {
        Self::new(1e12, 1e7, 1.05)
    }

    fn index_of(value: f64, first: f64, ratio: f64) -> usize {
        if value <= 0.0 || !value.is_finite() {
            return 0;
        }
        ((1.0 + value * (ratio - 1.0) / first).ln() / ratio.ln()).floor() as usize
    }

    /// Where bucket `i` starts.
    pub(crate) fn bucket_start(&self, i: usize) -> f64 {
        self.first * (self.ratio.powi(i as i32) - 1.0) / (self.ratio - 1.0)
    }

    /// Adds `value` with weight `weight` (values past the last bucket land in it).
    pub(crate) fn add(&mut self, value: f64, weight: f64) {
        let i = Self::index_of(value, self.first, self.ratio).min(self.weights.len() - 1);
        self.weights[i] += weight;
        self.total += weight;
    }

    /// The decay weight of a sample at `t` seen from `reference` (both in the same unit as
    /// `half_life`).
    pub(crate) fn weight(t: f64, reference: f64, half_life: f64) -> f64 {
        ((t - reference) / half_life).exp2()
    }

    /// The `p`-th percentile (0-100): the end of the bucket where the cumulative weight first
    /// reaches `p` % of the total. `None` when empty.
    pub(crate) fn percentile(&self, p: f64) -> Option<f64> {
        if self.total <= 0.0 {
            return None;
        }
        let target = self.total * (p / 100.0).clamp(0.0, 1.0);
        let mut cumulative = 0.0;
        let mut last_nonempty = 0;
        for (i, &w) in self.weights.iter().enumerate() {
            if w > 0.0 {
                last_nonempty = i;
            }
            cumulative += w;
            if cumulative >= target && w > 0.0 {
                return Some(self.bucket_start(i + 1));
            }
        }
        Some(self.bucket_start(last_nonempty + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_grow_by_five_percent_and_percentiles_are_bucket_ends() {
        let mut h = DecayingHistogram::cpu();
        // Bucket widths: 0.01, 0.0105, ... so bucket 1 starts at 0.01, bucket 2 at 0.0205.
        assert!((h.bucket_start(1) - 0.01).abs() < 1e-12);
        assert!((h.bucket_start(2) - 0.0205).abs() < 1e-12);
        for v in [0.005, 0.015, 0.015, 0.5] {
            h.add(v, 1.0);
        }
        // P50 reaches bucket 1 (0.01 ..< 0.0205): its end.
        assert!((h.percentile(50.0).unwrap() - 0.0205).abs() < 1e-12);
        let top = h.percentile(100.0).unwrap();
        assert!((0.5..0.5 * 1.06).contains(&top), "{top}");
    }

    #[test]
    fn recent_samples_weigh_more() {
        let mut h = DecayingHistogram::cpu();
        // An old high sample (3 half-lives ago, weight 1/8) and a recent low one.
        h.add(2.0, DecayingHistogram::weight(0.0, 72.0, 24.0));
        h.add(0.1, DecayingHistogram::weight(72.0, 72.0, 24.0));
        let p50 = h.percentile(50.0).unwrap();
        assert!(p50 < 0.2, "{p50}");
        assert!((DecayingHistogram::weight(0.0, 24.0, 24.0) - 0.5).abs() < 1e-15);
    }
}
