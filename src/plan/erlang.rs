//! Latency-aware sizing with the M/M/c queue (Erlang C) and Little's law.
//!
//! Requests arrive at rate λ (Poisson), each server serves at rate μ (exponential service
//! times), `c` servers share one queue. With offered load `a = λ/μ` (Erlangs) and `a < c`:
//!
//! - Erlang B by the recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))` (every term in
//!   [0, 1], so it is stable for thousands of servers, unlike the factorial formula);
//! - Erlang C, the probability that an arrival waits: `C = c B / (c - a (1 - B))`;
//! - mean wait in queue `E[W] = C / (cμ - λ)`;
//! - wait tail `P(W > t) = C e^{-(cμ - λ) t}`;
//! - Little's law `L = λ W` links arrival rate, time in system and concurrency.
//!
//! ```
//! use capcast::plan::{servers_for_wait, MmcQueue};
//!
//! // 10 Erlangs on 12 servers: 44.9 % of arrivals wait.
//! let q = MmcQueue::new(10.0, 1.0, 12)?;
//! assert!((q.prob_wait() - 0.4494).abs() < 1e-4);
//! // Servers so that 80 % of requests wait at most 0.1 s at 100 req/s, 1 s each.
//! assert_eq!(servers_for_wait(100.0, 1.0, 0.1, 0.8)?, 107);
//! # Ok::<(), capcast::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::plan::frame::{check_open_unit, check_positive};

/// The largest number of servers [`servers_for_wait`] searches.
pub const MAX_SERVERS: u64 = 10_000_000;

/// Erlang B, the blocking probability of `servers` servers offered `load` Erlangs (M/M/c/c).
///
/// # Errors
/// [`Error::Parameter`] if `load` is negative or not finite.
///
/// # Example
/// ```
/// // Reference: 10 Erlangs, 12 servers: B = 0.1197 (exact fractions).
/// assert!((capcast::plan::erlang_b(12, 10.0)? - 0.119_739).abs() < 1e-6);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn erlang_b(servers: u64, load: f64) -> Result<f64> {
    if !(load.is_finite() && load >= 0.0) {
        return Err(Error::parameter(
            "load",
            format!("{load} is not a non-negative finite number of Erlangs"),
        ));
    }
    let mut b = 1.0;
    for k in 1..=servers {
        b = load * b / (k as f64 + load * b);
    }
    Ok(b)
}

/// Erlang C, the probability that an arrival has to wait with `servers` servers offered
/// `load` Erlangs (M/M/c). With `load >= servers` the queue grows without bound and every
/// arrival waits: the result is 1.
///
/// # Errors
/// [`Error::Parameter`] if `load` is negative or not finite, or `servers` is 0.
///
/// # Example
/// ```
/// // Hand-worked: a = 2, c = 3 gives C = 4/9.
/// assert!((capcast::plan::erlang_c(3, 2.0)? - 4.0 / 9.0).abs() < 1e-12);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn erlang_c(servers: u64, load: f64) -> Result<f64> {
    if servers == 0 {
        return Err(Error::parameter("servers", "must be at least 1"));
    }
    let b = erlang_b(servers, load)?;
    let c = servers as f64;
    if load >= c {
        return Ok(1.0);
    }
    Ok((c * b / (c - load * (1.0 - b))).clamp(0.0, 1.0))
}

/// A stable M/M/c queue: arrival rate, service rate per server and servers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MmcQueue {
    arrival_rate: f64,
    service_rate: f64,
    servers: u64,
    prob_wait: f64,
}

impl MmcQueue {
    /// A queue with `arrival_rate` λ and `service_rate` μ per server (in the same time unit,
    /// e.g. per second) and `servers` servers.
    ///
    /// # Errors
    /// [`Error::Parameter`] if a rate is not positive and finite, `servers` is 0, or the queue
    /// is unstable (`λ >= c μ`: it would grow without bound).
    ///
    /// # Example
    /// ```
    /// let q = capcast::plan::MmcQueue::new(10.0, 1.0, 12)?;
    /// assert!((q.mean_wait() - 0.2247).abs() < 1e-4);
    /// # Ok::<(), capcast::Error>(())
    /// ```
    pub fn new(arrival_rate: f64, service_rate: f64, servers: u64) -> Result<MmcQueue> {
        check_positive("arrival_rate", arrival_rate)?;
        check_positive("service_rate", service_rate)?;
        if servers == 0 {
            return Err(Error::parameter("servers", "must be at least 1"));
        }
        let load = arrival_rate / service_rate;
        if load >= servers as f64 {
            return Err(Error::parameter(
                "servers",
                format!(
                    "{servers} servers cannot keep up with {load} Erlangs (arrival_rate / service_rate); \
                     expected more servers than the offered load"
                ),
            ));
        }
        Ok(MmcQueue {
            arrival_rate,
            service_rate,
            servers,
            prob_wait: erlang_c(servers, load)?,
        })
    }

    /// Offered load `a = λ/μ` in Erlangs.
    pub fn load(&self) -> f64 {
        self.arrival_rate / self.service_rate
    }

    /// Server utilization `ρ = a / c`.
    pub fn utilization(&self) -> f64 {
        self.load() / self.servers as f64
    }

    /// The number of servers.
    pub fn servers(&self) -> u64 {
        self.servers
    }

    /// Probability that an arrival waits (Erlang C).
    pub fn prob_wait(&self) -> f64 {
        self.prob_wait
    }

    fn drain_rate(&self) -> f64 {
        self.servers as f64 * self.service_rate - self.arrival_rate
    }

    /// Mean time in queue `C / (cμ - λ)`.
    pub fn mean_wait(&self) -> f64 {
        self.prob_wait / self.drain_rate()
    }

    /// Mean time in system (queue plus service), `E[W] + 1/μ`.
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + 1.0 / self.service_rate
    }

    /// Mean number waiting, by Little's law `Lq = λ E[W]`.
    pub fn mean_queue_length(&self) -> f64 {
        little_concurrency(self.arrival_rate, self.mean_wait())
    }

    /// `P(W > t) = C e^{-(cμ - λ) t}`: the share of arrivals waiting longer than `t` (a
    /// negative `t` counts as 0, giving `C`).
    pub fn wait_exceeds(&self, t: f64) -> f64 {
        self.prob_wait * (-self.drain_rate() * t.max(0.0)).exp()
    }

    /// The `p`-quantile of the wait in queue: the smallest `t` with `P(W <= t) >= p` (0 when
    /// at least a share `p` of arrivals does not wait at all).
    ///
    /// # Errors
    /// [`Error::Parameter`] if `p` is outside (0, 1).
    pub fn wait_percentile(&self, p: f64) -> Result<f64> {
        check_open_unit("percentile", p)?;
        let tail = 1.0 - p;
        if self.prob_wait <= tail {
            return Ok(0.0);
        }
        Ok((self.prob_wait / tail).ln() / self.drain_rate())
    }
}

/// The smallest number of servers such that a share `percentile` of arrivals waits at most
/// `target_wait` in queue: `P(W > target_wait) <= 1 - percentile`.
///
/// # Errors
/// [`Error::Parameter`] if a rate is not positive and finite, `target_wait` is negative or
/// not finite, `percentile` is outside (0, 1), or more than [`MAX_SERVERS`] would be needed.
///
/// # Example
/// ```
/// // 100 req/s, 1 s service, P80 wait <= 0.1 s.
/// assert_eq!(capcast::plan::servers_for_wait(100.0, 1.0, 0.1, 0.8)?, 107);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn servers_for_wait(
    arrival_rate: f64,
    service_rate: f64,
    target_wait: f64,
    percentile: f64,
) -> Result<u64> {
    check_positive("arrival_rate", arrival_rate)?;
    check_positive("service_rate", service_rate)?;
    if !(target_wait.is_finite() && target_wait >= 0.0) {
        return Err(Error::parameter(
            "target_wait",
            format!("{target_wait} is not a non-negative finite time"),
        ));
    }
    check_open_unit("percentile", percentile)?;
    let load = arrival_rate / service_rate;
    let tail = 1.0 - percentile;
    // Erlang B up to the first stable server count, then one recursion step per candidate.
    let first = (load.floor() as u64).saturating_add(1);
    if first > MAX_SERVERS {
        return Err(too_many(load));
    }
    let mut b = erlang_b(first, load)?;
    let mut c = first;
    loop {
        let cf = c as f64;
        let prob_wait = (cf * b / (cf - load * (1.0 - b))).clamp(0.0, 1.0);
        let drain = cf * service_rate - arrival_rate;
        if prob_wait * (-drain * target_wait).exp() <= tail {
            return Ok(c);
        }
        c += 1;
        if c > MAX_SERVERS {
            return Err(too_many(load));
        }
        b = load * b / (c as f64 + load * b);
    }
}

fn too_many(load: f64) -> Error {
    Error::parameter(
        "arrival_rate",
        format!(
            "{load} Erlangs need more than {MAX_SERVERS} servers; check the units of the rates"
        ),
    )
}

/// Little's law `L = λ W`: mean concurrency (requests in the system) from the arrival rate
/// and the mean time in the system, in matching units.
///
/// # Example
/// ```
/// // 200 req/s staying 0.25 s each: 50 in flight on average.
/// assert_eq!(capcast::plan::little_concurrency(200.0, 0.25), 50.0);
/// ```
pub fn little_concurrency(arrival_rate: f64, time_in_system: f64) -> f64 {
    arrival_rate * time_in_system
}

/// Little's law solved for the arrival rate (throughput) `λ = L / W`.
///
/// # Errors
/// [`Error::Parameter`] if `time_in_system` is not positive and finite.
///
/// # Example
/// ```
/// assert_eq!(capcast::plan::little_throughput(50.0, 0.25)?, 200.0);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn little_throughput(concurrency: f64, time_in_system: f64) -> Result<f64> {
    check_positive("time_in_system", time_in_system)?;
    Ok(concurrency / time_in_system)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reference values: Erlang C from its closed form with exact rational arithmetic
    /// (Python `fractions.Fraction`, `a^c/c! * c/(c-a) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a))`),
    /// rounded to 1e-12.
    #[test]
    fn erlang_c_matches_exact_fractions() {
        let cases = [
            (12, 10.0, 0.449_388_224_298_270_86),
            (11, 10.0, 0.682_118_204_689_332_4),
            (3, 2.0, 0.444_444_444_444_444_4),
            (110, 100.0, 0.237_007_500_285_052_74),
            (1, 0.5, 0.5),
        ];
        for (c, a, want) in cases {
            let got = erlang_c(c, a).unwrap();
            assert!((got - want).abs() < 1e-12, "c={c} a={a}: {got} vs {want}");
        }
        // Erlang B, same reference: B(12, 10) = 0.11973918844482515.
        assert!((erlang_b(12, 10.0).unwrap() - 0.119_739_188_444_825_15).abs() < 1e-12);
    }

    #[test]
    fn m_m_1_waits_with_probability_rho() {
        // M/M/1: C = ρ, E[W] = ρ / (μ - λ) (any queueing textbook, e.g. Kleinrock vol. 1).
        let q = MmcQueue::new(0.75, 1.0, 1).unwrap();
        assert!((q.prob_wait() - 0.75).abs() < 1e-12);
        assert!((q.mean_wait() - 3.0).abs() < 1e-12);
        assert!((q.mean_response() - 4.0).abs() < 1e-12);
        assert!((q.mean_queue_length() - 2.25).abs() < 1e-12);
    }

    #[test]
    fn wait_tail_and_percentile() {
        // Same reference (exact fractions): a = 10, c = 12, μ = 1: C e^{-2 * 0.5} = 0.16532068882.
        let q = MmcQueue::new(10.0, 1.0, 12).unwrap();
        assert!((q.wait_exceeds(0.5) - 0.165_320_688_823_874_66).abs() < 1e-12);
        assert!((q.mean_wait() - 0.224_694_112_149_135_43).abs() < 1e-12);
        let t = q.wait_percentile(0.9).unwrap();
        assert!((q.wait_exceeds(t) - 0.1).abs() < 1e-12);
        assert_eq!(q.wait_percentile(0.5).unwrap(), 0.0);
        assert!(q.wait_percentile(1.0).is_err());
    }

    #[test]
    fn servers_for_wait_is_the_smallest() {
        // Reference: a scan over c with the exact-fraction Erlang C finds 107 for λ=100, μ=1,
        // P(W > 0.1) <= 0.2.
        let c = servers_for_wait(100.0, 1.0, 0.1, 0.8).unwrap();
        assert_eq!(c, 107);
        let q = MmcQueue::new(100.0, 1.0, c - 1).unwrap();
        assert!(q.wait_exceeds(0.1) > 0.2);
        // Large: 5000 Erlangs stays finite and stable.
        let big = servers_for_wait(5000.0, 1.0, 0.0, 0.99).unwrap();
        assert!((5000..5400).contains(&big), "{big}");
        let b = erlang_c(big, 5000.0).unwrap();
        assert!(b <= 0.01 && b > 0.0);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(erlang_c(0, 1.0).is_err());
        assert!(erlang_b(3, -1.0).is_err());
        assert!(erlang_b(3, f64::NAN).is_err());
        assert_eq!(erlang_c(3, 3.0).unwrap(), 1.0);
        assert!(MmcQueue::new(10.0, 1.0, 10).is_err());
        assert!(MmcQueue::new(-1.0, 1.0, 10).is_err());
        assert!(servers_for_wait(1.0, 0.0, 0.1, 0.9).is_err());
        assert!(servers_for_wait(1.0, 1.0, -0.1, 0.9).is_err());
        assert!(servers_for_wait(1e12, 1.0, 0.1, 0.9).is_err());
        assert!(little_throughput(1.0, 0.0).is_err());
    }

    proptest! {
        #[test]
        fn erlang_c_in_unit_interval_and_decreasing(load in 0.01f64..300.0, extra in 0u64..50) {
            let c0 = load.floor() as u64 + 1 + extra;
            let a = erlang_c(c0, load).unwrap();
            let b = erlang_c(c0 + 1, load).unwrap();
            prop_assert!((0.0..=1.0).contains(&a));
            prop_assert!(b <= a + 1e-15, "C({}) = {a} < C({}) = {b}", c0, c0 + 1);
        }

        #[test]
        fn servers_grow_with_load_and_strictness(
            rate in 0.1f64..500.0, more in 0.0f64..100.0, wait in 0.0f64..2.0, p in 0.5f64..0.99,
        ) {
            let c = servers_for_wait(rate, 1.0, wait, p).unwrap();
            prop_assert!(servers_for_wait(rate + more, 1.0, wait, p).unwrap() >= c);
            prop_assert!(servers_for_wait(rate, 1.0, wait, (p + 0.009).min(0.999)).unwrap() >= c);
            prop_assert!(c as f64 > rate);
        }
    }
}
