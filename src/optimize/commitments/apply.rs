//! Applying commitments to hourly usage the way the provider bills it, on every hour of every
//! scenario: what a portfolio really costs, its coverage and its utilization.
//!
//! The order is AWS's: commitments that cover one pool (Reserved Instances, reservations,
//! committed use discounts) first, then Savings Plans from the narrowest scope to the widest
//! (EC2 Instance before Compute), to the remaining usage with the highest discount first (plans
//! of one scope size share it: every plan-pool pair in discount order). For single-pool
//! commitments and one Savings Plan this order is an optimal allocation (a fractional knapsack:
//! highest discount first maximises the on-demand value a budget covers), so the cost equals
//! the linear program's; with several overlapping Savings Plans it may cost slightly more than
//! the program's optimal allocation, as the real bill can.

use rayon::prelude::*;

use super::problem::Usage;

/// Hours per reporting month (8760 / 12) when the usage is not dated ([`Usage::starting_at`]
/// makes months calendar months).
pub const MONTH_HOURS: usize = 730;

/// When a commitment covers usage: `tranches` equal parts bought every `spacing` hours from
/// hour `start`, each in force for `length` hours (its term) from its purchase and not before.
/// A purchase now starts at 0; a planned renewal at the hour its predecessor ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Activity {
    pub start: usize,
    pub tranches: usize,
    pub spacing: usize,
    pub length: usize,
}

impl Activity {
    /// The share of the quantity in force at `hour`.
    pub fn at(&self, hour: usize) -> f64 {
        let active = (0..self.tranches)
            .filter(|k| {
                let start = self.start + k * self.spacing;
                hour >= start && hour < start + self.length
            })
            .count();
        active as f64 / self.tranches as f64
    }

    /// The first hour no tranche is in force any more.
    pub fn end(&self) -> usize {
        self.start + (self.tranches - 1) * self.spacing + self.length
    }

    /// The sum of [`Activity::at`] over hours `0..hours`.
    pub fn total(&self, hours: usize) -> f64 {
        (0..self.tranches)
            .map(|k| {
                let start = (self.start + k * self.spacing).min(hours);
                let end = (self.start + k * self.spacing + self.length).min(hours);
                (end - start) as f64
            })
            .sum::<f64>()
            / self.tranches as f64
    }
}

/// One commitment in force: its pools `(index, rate)` sorted by discount (highest first), the
/// quantity and when it is active.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    pub scope: Vec<(usize, f64)>,
    pub quantity: f64,
    pub activity: Activity,
}

/// Per-month sums (means over scenarios) of one evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct MonthTotals {
    /// On-demand value of all eligible usage.
    pub eligible: f64,
    /// On-demand value of the usage commitments covered.
    pub covered: f64,
    /// Commitment units in force (summed over hours, every slot weighted 1).
    pub available: f64,
    /// Commitment units used.
    pub used: f64,
    /// Hours in the month (the last one may be short).
    pub hours: usize,
}

/// What a portfolio does on every hour of every scenario.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// On-demand value of all eligible usage, per scenario.
    pub on_demand: Vec<f64>,
    /// On-demand cost of the usage left uncovered, per scenario.
    pub uncovered: Vec<f64>,
    /// Per month.
    pub months: Vec<MonthTotals>,
    /// Per slot, per month: `(on-demand value covered, commitment units used)`, means over
    /// scenarios.
    pub slots: Vec<Vec<(f64, f64)>>,
}

/// One scenario's sums: on-demand value, uncovered cost, months, slots per month.
type ScenarioTotals = (f64, f64, Vec<MonthTotals>, Vec<Vec<(f64, f64)>>);

/// Applies `slots` to every hour of every scenario of `usage`.
pub(crate) fn evaluate(usage: &Usage, slots: &[Slot]) -> Evaluation {
    let hours = usage.hours();
    let n_months = usage.month_starts().len();
    let pools = usage.pools();
    // (slot, pool, rate) in application order: by scope size (single-pool commitments, then
    // narrower plans before wider ones); within one size, every plan-pool pair by discount,
    // highest first, so overlapping plans share the usage the way one plan would.
    let mut pairs: Vec<(usize, usize, usize, f64)> = slots
        .iter()
        .enumerate()
        .flat_map(|(i, slot)| {
            slot.scope
                .iter()
                .map(move |&(p, rate)| (slot.scope.len(), i, p, rate))
        })
        .collect();
    pairs.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then((a.3 / pools[a.2].on_demand).total_cmp(&(b.3 / pools[b.2].on_demand)))
    });
    let per_scenario: Vec<ScenarioTotals> = (0..usage.scenarios())
        .into_par_iter()
        .map(|scenario| {
            let mut months = vec![MonthTotals::default(); n_months];
            let mut slot_months = vec![vec![(0.0, 0.0); n_months]; slots.len()];
            let mut residual = vec![0.0; pools.len()];
            let mut budget = vec![0.0; slots.len()];
            let (mut on_demand, mut uncovered) = (0.0, 0.0);
            for hour in 0..hours {
                let month = usage.month_of(hour);
                let totals = &mut months[month];
                totals.hours += 1;
                for (p, pool) in pools.iter().enumerate() {
                    residual[p] = usage.value(p, scenario, hour);
                    totals.eligible += residual[p] * pool.on_demand;
                }
                for (b, slot) in budget.iter_mut().zip(slots) {
                    *b = slot.quantity * slot.activity.at(hour);
                    totals.available += *b;
                }
                for &(_, i, p, rate) in &pairs {
                    if budget[i] <= 0.0 || residual[p] <= 0.0 {
                        continue;
                    }
                    let take = residual[p].min(budget[i] / rate);
                    residual[p] -= take;
                    budget[i] -= take * rate;
                    let value = take * pools[p].on_demand;
                    totals.covered += value;
                    totals.used += take * rate;
                    slot_months[i][month].0 += value;
                    slot_months[i][month].1 += take * rate;
                }
                for (p, pool) in pools.iter().enumerate() {
                    uncovered += residual[p] * pool.on_demand;
                }
            }
            for totals in &months {
                on_demand += totals.eligible;
            }
            (on_demand, uncovered, months, slot_months)
        })
        .collect();
    let scale = 1.0 / usage.scenarios().max(1) as f64;
    let mut months = vec![MonthTotals::default(); n_months];
    let mut slot_months = vec![vec![(0.0, 0.0); n_months]; slots.len()];
    let mut on_demand = Vec::new();
    let mut uncovered = Vec::new();
    for (od, unc, scenario_months, scenario_slots) in per_scenario {
        on_demand.push(od);
        uncovered.push(unc);
        for (total, month) in months.iter_mut().zip(scenario_months) {
            total.eligible += month.eligible * scale;
            total.covered += month.covered * scale;
            total.available += month.available * scale;
            total.used += month.used * scale;
            total.hours = month.hours;
        }
        for (total, slot) in slot_months.iter_mut().zip(scenario_slots) {
            for (t, s) in total.iter_mut().zip(slot) {
                t.0 += s.0 * scale;
                t.1 += s.1 * scale;
            }
        }
    }
    Evaluation {
        on_demand,
        uncovered,
        months,
        slots: slot_months,
    }
}
