//! The inputs of the commitment optimizer: pools of eligible usage with their scenarios, the
//! instruments one can buy, and the commitments already owned.
//!
//! Units: each [`Pool`] measures its usage in its own unit per hour (normalized units of an
//! instance family in a region for Reserved Instances, instance-hours, or on-demand-equivalent
//! dollars for spend-based pools) and prices one unit-hour on demand at `on_demand`.
//! An [`Instrument`] is bought in *commitment units*: a Reserved Instance in units of its pool,
//! a Savings Plan in dollars of hourly commitment. Covering one unit-hour of pool `p` consumes
//! `rate` commitment units of that hour (1 for a Reserved Instance, the Savings Plan price of
//! the unit-hour for a Savings Plan), so one type describes every kind of commitment.

use super::billing::HOUR_US;
use crate::error::{Error, Result};
use crate::optimize::catalog::{OfferKind, Payment};

/// One pool of interchangeable eligible usage (an instance family in a region, say).
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// The pool's name (`m6i/us-east-1`); usage frames key pools by it.
    pub id: String,
    /// The on-demand price of one unit-hour of this pool.
    pub on_demand: f64,
}

/// Hourly eligible usage of every pool under one or more scenarios.
///
/// Stored pool by pool, scenario by scenario: `value(pool, scenario, hour)`. One scenario is
/// the lookback history; several are forecast sample paths over the horizon.
///
/// Months (the plan's monthly coverage and utilization, start and break-even months) are
/// calendar months in UTC once the first hour is dated ([`Usage::starting_at`]; bills,
/// forecasts of bills and hourly frames are), else blocks of [`super::MONTH_HOURS`] hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pools: Vec<Pool>,
    hours: usize,
    scenarios: usize,
    values: Vec<f64>,
    start_us: Option<i64>,
    month_starts: Vec<usize>,
}

/// The first hour of each month over `hours` hours: 730-hour blocks, or the UTC calendar
/// months from `start_us` (the first month may be partial).
fn month_starts(hours: usize, start_us: Option<i64>) -> Vec<usize> {
    use chrono::{DateTime, Datelike, NaiveDate};
    let Some(start) = start_us.and_then(DateTime::from_timestamp_micros) else {
        return (0..hours.max(1)).step_by(super::MONTH_HOURS).collect();
    };
    let mut starts = vec![0];
    let (mut year, mut month) = (start.year(), start.month());
    loop {
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let Some(next) = NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp_micros())
        else {
            break;
        };
        // Hours are whole: a month starts at the first hour at or after its midnight.
        let offset = (next - start.timestamp_micros() + HOUR_US - 1).div_euclid(HOUR_US);
        if offset <= 0 {
            continue;
        }
        if offset as usize >= hours {
            break;
        }
        starts.push(offset as usize);
    }
    starts
}

impl Usage {
    /// Usage of `pools` over `hours` hours and `scenarios` scenarios; `values` is laid out
    /// `[pool][scenario][hour]` (length `pools.len() * scenarios * hours`).
    ///
    /// # Errors
    /// [`Error::Parameter`] when the length does not match, a pool id repeats, a price is not
    /// positive and finite, or a usage value is negative or not finite (naming the pool, the
    /// scenario and the hour).
    pub fn new(pools: Vec<Pool>, hours: usize, scenarios: usize, values: Vec<f64>) -> Result<Self> {
        if values.len() != pools.len() * scenarios * hours {
            return Err(Error::parameter(
                "usage",
                format!(
                    "expected {} values ({} pools x {scenarios} scenarios x {hours} hours), got {}",
                    pools.len() * scenarios * hours,
                    pools.len(),
                    values.len()
                ),
            ));
        }
        for (i, pool) in pools.iter().enumerate() {
            if pools[..i].iter().any(|other| other.id == pool.id) {
                return Err(Error::parameter(
                    "usage",
                    format!("pool '{}' appears twice", pool.id),
                ));
            }
            if !(pool.on_demand.is_finite() && pool.on_demand > 0.0) {
                return Err(Error::parameter(
                    "on_demand",
                    format!(
                        "pool '{}': on-demand price must be positive, got {}",
                        pool.id, pool.on_demand
                    ),
                ));
            }
        }
        if let Some(bad) = values.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
            let pool = bad / (scenarios * hours).max(1);
            let scenario = bad / hours.max(1) % scenarios.max(1);
            return Err(Error::parameter(
                "usage",
                format!(
                    "pool '{}', scenario {scenario}, hour {}: usage must be finite and >= 0, got {}",
                    pools[pool].id,
                    bad % hours.max(1),
                    values[bad]
                ),
            ));
        }
        Ok(Usage {
            month_starts: month_starts(hours, None),
            pools,
            hours,
            scenarios,
            values,
            start_us: None,
        })
    }

    /// The same usage with its first hour at `start_us` (microseconds since the epoch, UTC):
    /// months become calendar months.
    ///
    /// ```
    /// use capcast::optimize::commitments::{Pool, Usage};
    /// let pool = Pool { id: "a".into(), on_demand: 1.0 };
    /// // 2026-01-31 00:00 UTC, 48 hours: January's last day, then February.
    /// let usage = Usage::new(vec![pool], 48, 1, vec![1.0; 48])?.starting_at(1_769_817_600_000_000);
    /// assert_eq!(usage.month_starts(), &[0, 24]);
    /// # Ok::<(), capcast::Error>(())
    /// ```
    pub fn starting_at(mut self, start_us: i64) -> Self {
        self.start_us = Some(start_us);
        self.month_starts = month_starts(self.hours, Some(start_us));
        self
    }
    /// When the first hour starts (microseconds, UTC), if dated.
    pub fn start_us(&self) -> Option<i64> {
        self.start_us
    }
    /// The first hour of each month (0 first).
    pub fn month_starts(&self) -> &[usize] {
        &self.month_starts
    }
    /// The month (0-based) of `hour`.
    pub fn month_of(&self, hour: usize) -> usize {
        self.month_starts
            .partition_point(|&s| s <= hour)
            .saturating_sub(1)
    }

    /// The pools, in order.
    pub fn pools(&self) -> &[Pool] {
        &self.pools
    }
    /// Hours per scenario.
    pub fn hours(&self) -> usize {
        self.hours
    }
    /// Number of scenarios.
    pub fn scenarios(&self) -> usize {
        self.scenarios
    }
    /// Usage of `pool` in `scenario` at `hour`.
    pub fn value(&self, pool: usize, scenario: usize, hour: usize) -> f64 {
        self.values[(pool * self.scenarios + scenario) * self.hours + hour]
    }
    /// The hours of one pool in one scenario.
    pub fn series(&self, pool: usize, scenario: usize) -> &[f64] {
        let start = (pool * self.scenarios + scenario) * self.hours;
        &self.values[start..start + self.hours]
    }
    /// The index of the pool named `id`.
    pub fn pool_index(&self, id: &str) -> Option<usize> {
        self.pools.iter().position(|pool| pool.id == id)
    }
    /// Hours `start..end` of every scenario (a window of a history).
    ///
    /// # Errors
    /// [`Error::Parameter`] when the window is empty or outside the hours.
    pub fn window(&self, start: usize, end: usize) -> Result<Usage> {
        if start >= end || end > self.hours {
            return Err(Error::parameter(
                "window",
                format!("hours {start}..{end} are not inside 0..{}", self.hours),
            ));
        }
        let mut values = Vec::with_capacity(self.pools.len() * self.scenarios * (end - start));
        for pool in 0..self.pools.len() {
            for scenario in 0..self.scenarios {
                values.extend_from_slice(&self.series(pool, scenario)[start..end]);
            }
        }
        let start_us = self.start_us.map(|s| s + start as i64 * HOUR_US);
        Ok(Usage {
            month_starts: month_starts(end - start, start_us),
            pools: self.pools.clone(),
            hours: end - start,
            scenarios: self.scenarios,
            values,
            start_us,
        })
    }
}

/// What covering one unit-hour of a pool costs an instrument, in its commitment units.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The pool's id.
    pub pool: String,
    /// Commitment units consumed per unit-hour of the pool covered (1 for a Reserved
    /// Instance; the discounted price of the unit-hour for a Savings Plan).
    pub rate: f64,
}

/// A commitment one can buy: its price per commitment unit and the pools it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    /// A readable name (`RI standard 1y no-upfront m6i/us-east-1`); purchase lists show it.
    pub name: String,
    /// The kind of offer.
    pub kind: OfferKind,
    /// The term in years.
    pub term_years: u8,
    /// How it is paid.
    pub payment: Payment,
    /// Paid once at purchase, per commitment unit.
    pub upfront: f64,
    /// Paid every hour of the term, per commitment unit.
    pub hourly: f64,
    /// The pools it covers and at what rate.
    pub scope: Vec<Coverage>,
}

impl Instrument {
    /// Hours in the term (365-day years).
    pub fn term_hours(&self) -> usize {
        usize::from(self.term_years) * 8760
    }

    /// The scope as one string: the pool id when it covers one pool, `all` when it covers every
    /// pool of `usage`, otherwise the ids joined by `,`.
    pub fn scope_label(&self, pools: usize) -> String {
        match self.scope.len() {
            1 => self.scope[0].pool.clone(),
            n if n == pools && n > 1 => "all".to_string(),
            _ => self
                .scope
                .iter()
                .map(|c| c.pool.as_str())
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// A commitment already owned: it covers usage until `end_hour` (hours from the start of the
/// usage) and its cost is paid whether or not anything is bought.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    /// The instrument (its prices are what the owner pays per hour; `upfront` is ignored,
    /// already paid).
    pub instrument: Instrument,
    /// Commitment units owned.
    pub quantity: f64,
    /// The first hour (from the start of the usage) it no longer covers; 0 means expired.
    pub end_hour: usize,
}

/// An instrument resolved against the pools: indices instead of ids.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// `(pool index, rate)`, sorted by discount, highest first (the order AWS applies a
    /// Savings Plan in).
    pub scope: Vec<(usize, f64)>,
}

/// Checks an instrument against `usage` and resolves its pools.
pub(crate) fn resolve(instrument: &Instrument, usage: &Usage, what: &str) -> Result<Resolved> {
    let name = &instrument.name;
    if instrument.scope.is_empty() {
        return Err(Error::parameter(
            what,
            format!("'{name}' covers no pool (no usage in its regions or families?)"),
        ));
    }
    if !(instrument.upfront.is_finite()
        && instrument.upfront >= 0.0
        && instrument.hourly.is_finite()
        && instrument.hourly >= 0.0)
    {
        return Err(Error::parameter(
            what,
            format!(
                "'{name}': upfront {} and hourly {} must be finite and >= 0",
                instrument.upfront, instrument.hourly
            ),
        ));
    }
    if instrument.term_years == 0 {
        return Err(Error::parameter(
            what,
            format!("'{name}': term must be >= 1 year"),
        ));
    }
    let mut scope = Vec::with_capacity(instrument.scope.len());
    for coverage in &instrument.scope {
        let pool = usage.pool_index(&coverage.pool).ok_or_else(|| {
            Error::parameter(
                what,
                format!(
                    "'{name}' covers pool '{}', which has no usage",
                    coverage.pool
                ),
            )
        })?;
        if !(coverage.rate.is_finite() && coverage.rate > 0.0) {
            return Err(Error::parameter(
                what,
                format!(
                    "'{name}': rate for pool '{}' must be positive, got {}",
                    coverage.pool, coverage.rate
                ),
            ));
        }
        if scope.iter().any(|(p, _)| *p == pool) {
            return Err(Error::parameter(
                what,
                format!("'{name}' lists pool '{}' twice", coverage.pool),
            ));
        }
        scope.push((pool, coverage.rate));
    }
    let on_demand = |p: usize| usage.pools()[p].on_demand;
    scope.sort_by(|a, b| (a.1 / on_demand(a.0)).total_cmp(&(b.1 / on_demand(b.0))));
    Ok(Resolved { scope })
}
