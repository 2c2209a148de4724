//! Backtesting rightsizing on history: recommend from the first half of each resource's
//! samples, then replay the second half against the recommended size.
//!
//! Savings are priced with a simple linear price per vCPU-hour and per GiB-hour
//! ([`LinearPrice`], by default GCP N2 custom machine types in us-central1: $0.031611 per
//! vCPU-hour and $0.004237 per GiB-hour), so resources without a catalog match (on-premises
//! VMs, the Bitbrains trace) are priced too. A resource without a recommendation
//! (insufficient or invalid data) keeps its size; an idle one is counted at its recommended
//! size (what it would run at if kept), not as terminated.

use polars::prelude::*;

use super::input::Columns;
use super::params::RightsizeParams;
use super::recommendation::Finding;
use super::units;
use super::{input, rightsize, RightsizeInput};
use crate::error::Result;

/// A price linear in vCPU and memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearPrice {
    /// Price of one vCPU for one hour.
    pub per_vcpu_hour: f64,
    /// Price of one GiB of memory for one hour.
    pub per_gib_hour: f64,
}

impl Default for LinearPrice {
    /// GCP N2 custom machine types, us-central1, on demand.
    fn default() -> Self {
        LinearPrice {
            per_vcpu_hour: 0.031611,
            per_gib_hour: 0.004237,
        }
    }
}

/// The outcome of one backtest.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BacktestSummary {
    /// Resources in the data.
    pub resources: usize,
    /// Resources that got a recommended size.
    pub recommended: usize,
    /// Resources found idle in the first half.
    pub idle: usize,
    /// vCPU before and after, summed.
    pub vcpu_current: f64,
    /// Recommended vCPU, summed (current for resources without a recommendation).
    pub vcpu_recommended: f64,
    /// Memory GiB before, summed.
    pub memory_current: f64,
    /// Recommended memory GiB, summed.
    pub memory_recommended: f64,
    /// Savings in percent of the current cost, at the linear price.
    pub savings_percent: f64,
    /// Second-half 5-minute CPU samples above the recommended vCPU, in percent.
    pub cpu_exceeded_percent: f64,
    /// Second-half memory samples above the recommended memory, in percent.
    pub memory_exceeded_percent: f64,
    /// Second-half sample times at which CPU or memory exceeded, in percent of the times.
    pub any_exceeded_percent: f64,
    /// Second-half samples checked (CPU).
    pub samples_checked: usize,
}

/// Splits every resource's samples at the midpoint of its own time span: `(first, second)`.
///
/// # Errors
/// [`crate::Error::Polars`] when `samples` lacks `resource_id` or `ts`.
pub fn split_halves(samples: &DataFrame) -> Result<(DataFrame, DataFrame)> {
    let t = || col("ts").dt().timestamp(TimeUnit::Microseconds);
    let mid = ((t().min().over([col("resource_id")])? + t().max().over([col("resource_id")])?)
        / lit(2))
    .alias("__mid");
    let with_mid = samples.clone().lazy().with_column(mid);
    let first = with_mid
        .clone()
        .filter(t().lt(col("__mid")))
        .drop(cols(["__mid"]))
        .collect()?;
    let second = with_mid
        .filter(t().gt_eq(col("__mid")))
        .drop(cols(["__mid"]))
        .collect()?;
    Ok((first, second))
}

/// Recommends from the first half of each resource and checks the second half.
///
/// # Errors
/// As [`rightsize`].
pub fn backtest(
    samples: &DataFrame,
    resources: &DataFrame,
    params: &RightsizeParams,
    price: LinearPrice,
) -> Result<BacktestSummary> {
    let (first, second) = split_halves(samples)?;
    let result = rightsize(&RightsizeInput::new(&first).resources(resources), params)?;
    let meta = input::read_meta(Some(resources))?;
    let columns = Columns::new(&second)?;
    let test = columns.resources()?;
    let mut s = BacktestSummary::default();
    let (mut cpu_over, mut mem_over, mut mem_n, mut any_over, mut any_n) = (0, 0, 0, 0, 0);
    let mut cpu_buf = Vec::new();
    let mut mem_buf = Vec::new();
    for rec in result.recommendations() {
        let m = meta.get(&rec.resource_id).cloned().unwrap_or_default();
        let (Some(cur_vcpu), Some(cur_mem)) = (m.vcpu, m.memory_gib) else {
            continue;
        };
        s.resources += 1;
        let recommends = rec.finding.is_some_and(Finding::recommends);
        let new_vcpu = rec
            .recommended_vcpu
            .filter(|_| recommends)
            .unwrap_or(cur_vcpu);
        let new_mem = rec
            .recommended_memory_gib
            .filter(|_| recommends)
            .unwrap_or(cur_mem);
        s.recommended += usize::from(recommends);
        s.idle += usize::from(rec.finding == Some(Finding::Idle));
        s.vcpu_current += cur_vcpu;
        s.memory_current += cur_mem;
        s.vcpu_recommended += new_vcpu;
        s.memory_recommended += new_mem;
        let Some(slices) = test.iter().find(|r| r.id == rec.resource_id) else {
            continue;
        };
        let cpu = units::cpu_demand(slices, Some(cur_vcpu)).ok().flatten();
        let mem = units::memory_demand(slices, Some(cur_mem)).ok().flatten();
        cpu_buf.clear();
        mem_buf.clear();
        if let Some(c) = &cpu {
            c.fill(0, &mut cpu_buf);
        }
        if let Some(m) = &mem {
            m.fill(0, &mut mem_buf);
        }
        s.samples_checked += cpu_buf.len();
        cpu_over += cpu_buf.iter().filter(|&&v| v > new_vcpu + 1e-9).count();
        mem_n += mem_buf.len();
        mem_over += mem_buf.iter().filter(|&&v| v > new_mem + 1e-9).count();
        // Either exceeded, at the times both were measured (merging the sorted times).
        if let (Some(c), Some(m)) = (&cpu, &mem) {
            let (mut i, mut j) = (0, 0);
            while i < c.ts.len() && j < m.ts.len() {
                match c.ts[i].cmp(&m.ts[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        any_n += 1;
                        any_over += usize::from(
                            cpu_buf[i] > new_vcpu + 1e-9 || mem_buf[j] > new_mem + 1e-9,
                        );
                        i += 1;
                        j += 1;
                    }
                }
            }
        }
    }
    let cost = |v: f64, g: f64| v * price.per_vcpu_hour + g * price.per_gib_hour;
    let before = cost(s.vcpu_current, s.memory_current);
    let after = cost(s.vcpu_recommended, s.memory_recommended);
    let pct = |a: usize, n: usize| {
        if n == 0 {
            0.0
        } else {
            100.0 * a as f64 / n as f64
        }
    };
    s.savings_percent = if before > 0.0 {
        100.0 * (1.0 - after / before)
    } else {
        0.0
    };
    s.cpu_exceeded_percent = pct(cpu_over, s.samples_checked);
    s.memory_exceeded_percent = pct(mem_over, mem_n);
    s.any_exceeded_percent = pct(any_over, any_n);
    Ok(s)
}
