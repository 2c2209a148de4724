//! The sample's request series for the SLO section of the planning report: requests and
//! failed requests of the checkout API every 5 minutes over the window's last 30 days, with a
//! daily traffic cycle, a background error rate of 0.02 % and two planted incidents:
//!
//! - a fast burn: 3 % errors for 45 minutes on the 11th day of the series from 14:20 UTC (a
//!   burn rate of 30 against a 99.9 % SLO, so the 14.4x / 1 h / 5 m page fires);
//! - a slow burn: 0.4 % errors for 30 hours from 02:00 UTC on the 23rd day (burn rate 4: the
//!   3x / 1 d / 2 h and 1x / 3 d / 6 h tickets fire, no page).
//!
//! Counts are Poisson draws from the `slo/requests` stream of the seed, so the same options
//! give byte-identical files.

use std::io::Write;
use std::path::Path;

use rand::rngs::StdRng;
use rand_distr::{Distribution, Poisson};

use super::calendar::{epoch, iso};
use super::catalog::stream;
use super::SampleOptions;
use crate::error::{Error, Result};

/// Seconds between rows.
pub(crate) const STEP_SECS: i64 = 300;
/// Days in the series (the window's last days).
pub(crate) const DAYS: i64 = 30;
/// Error rate outside incidents.
const BACKGROUND: f64 = 0.0002;

/// One row: Unix seconds, requests, failed requests.
pub(crate) type Row = (i64, u64, u64);

/// The error rate planted at `secs` (seconds since the series start).
fn error_rate(since_start: i64) -> f64 {
    let fast = (10 * 86_400 + 14 * 3600 + 20 * 60)..(10 * 86_400 + 15 * 3600 + 5 * 60);
    let slow = (22 * 86_400 + 2 * 3600)..(23 * 86_400 + 8 * 3600);
    if fast.contains(&since_start) {
        0.03
    } else if slow.contains(&since_start) {
        0.004
    } else {
        BACKGROUND
    }
}

fn draw(rng: &mut StdRng, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    Poisson::new(mean)
        .map(|p| p.sample(rng) as u64)
        .unwrap_or(0)
}

/// The rows of the series for `options` (the last [`DAYS`] days of its window, or the whole
/// window when shorter).
pub(crate) fn rows(options: &SampleOptions) -> Vec<Row> {
    let end = epoch(options.end());
    let start = (end - DAYS * 86_400).max(epoch(options.start));
    let mut rng = stream(options.seed, "slo/requests");
    let mut out = Vec::with_capacity(((end - start) / STEP_SECS) as usize);
    let mut t = start;
    while t < end {
        let hour = ((t % 86_400) / 3600) as f64 + ((t % 3600) as f64 / 3600.0);
        // Busiest at 15:00 UTC, quietest at 03:00; weekends a quarter quieter.
        let daily = 1.0 + 0.6 * (std::f64::consts::TAU * (hour - 9.0) / 24.0).sin();
        let weekday = ((t / 86_400) + 4) % 7; // 0 = Monday (1970-01-01 was a Thursday)
        let weekly = if weekday >= 5 { 0.75 } else { 1.0 };
        let total = draw(&mut rng, 6000.0 * daily * weekly);
        let errors = draw(&mut rng, total as f64 * error_rate(t - start)).min(total);
        out.push((t, total, errors));
        t += STEP_SECS;
    }
    out
}

/// Writes `timestamp,total,errors` to `path`.
pub(crate) fn write_csv(path: &Path, rows: &[Row]) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = std::io::BufWriter::new(file);
    let mut write = || -> std::io::Result<()> {
        writeln!(out, "timestamp,total,errors")?;
        for (t, total, errors) in rows {
            writeln!(out, "{},{total},{errors}", iso(*t))?;
        }
        out.flush()
    };
    write().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_of_five_minutes_with_two_incidents() {
        let rows = rows(&SampleOptions::default());
        assert_eq!(rows.len(), 30 * 288);
        assert_eq!(iso(rows[0].0), "2026-08-02T00:00:00Z");
        assert!(rows.iter().all(|r| r.2 <= r.1 && r.1 > 0));
        let rate = |from: usize, to: usize| {
            let (e, n) = rows[from..to]
                .iter()
                .fold((0u64, 0u64), |a, r| (a.0 + r.2, a.1 + r.1));
            e as f64 / n as f64
        };
        // The fast incident: 2026-08-12 14:20 to 15:05.
        let fast = 10 * 288 + 14 * 12 + 4;
        assert!((rate(fast, fast + 9) - 0.03).abs() < 0.003);
        assert!(rate(0, 288) < 0.0005);
        assert_eq!(rows, super::rows(&SampleOptions::default()));
    }
}
