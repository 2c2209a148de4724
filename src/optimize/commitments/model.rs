//! The portfolio as one linear program over sampled scenario-hours.
//!
//! Variables: `x_i >= 0`, the commitment units of each decision: an instrument bought now, or a
//! planned renewal of one starting at a later term boundary ([`super::horizon`]); per sampled
//! scenario-hour `k` and pool `p` with usage, `r_pk >= 0`, the units left on demand; per
//! Savings Plan whose scope has several pools (new or owned), `y_jpk >= 0`, the units it covers
//! in pool `p` (so the program chooses the optimal allocation of every Savings Plan).
//!
//! ```text
//! min  sum_i c_i A_i x_i + w sum_k sum_p od_p r_pk
//! s.t. r_pk + sum_{i single, covers p} a_i(t_k) x_i / rate_ip + sum_j y_jpk >= u_pk
//!      sum_p rate_jp y_jpk <= a_j(t_k) x_j              (each multi-pool instrument, each k)
//! ```
//! where `c_i` is the instrument's hourly cost with the upfront turned into an equivalent
//! hourly payment at the cost of capital, `a_i(t)` the share in force at hour `t` (the term
//! from the decision's start, ladders, owned commitments' end), `A_i` its sum over the horizon
//! (a commitment pays its fees over its term whatever the usage) and `w` the hours each sample stands
//! for. Options add rows: the upfront budget, coverage bounds, and for CVaR the
//! Rockafellar-Uryasev rows `v_s >= C_s - eta` with objective `eta + sum_s v_s / ((1-alpha) S)`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::apply::Slot;
use super::lp::Lp;
use super::problem::Usage;
use super::Risk;
use crate::error::Result;

/// The sampled scenario-hours: hour `t` of scenario `s`, each standing for `weight` hours of
/// the expected horizon.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    pub hours: Vec<usize>,
    pub weight: f64,
}

/// Every hour when `hours * scenarios <= max_samples`; otherwise one random hour in each of
/// `max_samples / scenarios` equal strata of the horizon (at least one), with every scenario
/// at each.
pub(crate) fn sample_hours(usage: &Usage, max_samples: usize, seed: u64) -> Sample {
    let (hours, scenarios) = (usage.hours(), usage.scenarios());
    let chosen: Vec<usize> = if hours * scenarios <= max_samples {
        (0..hours).collect()
    } else {
        let n = (max_samples / scenarios).clamp(1, hours);
        let mut rng = StdRng::seed_from_u64(seed);
        (0..n)
            .map(|k| {
                let start = k * hours / n;
                let end = ((k + 1) * hours / n).max(start + 1);
                rng.random_range(start..end)
            })
            .collect()
    };
    let weight = hours as f64 / chosen.len() as f64 / scenarios as f64;
    Sample {
        hours: chosen,
        weight,
    }
}

/// Everything the program needs besides the usage.
pub(crate) struct Model<'a> {
    pub usage: &'a Usage,
    /// Decisions first (`new` of them, quantities free: instruments now, then planned
    /// renewals), then owned commitments (fixed).
    pub slots: &'a [Slot],
    pub new: usize,
    /// Hourly cost per commitment unit (upfront annuitised) of each decision.
    pub unit_cost: &'a [f64],
    /// Upfront per commitment unit of each decision counted against the budget (all
    /// tranches; 0 for planned renewals).
    pub unit_upfront: &'a [f64],
    pub max_upfront: Option<f64>,
    pub min_coverage: Option<f64>,
    pub max_coverage: Option<f64>,
    pub risk: Risk,
}

/// The optimum: quantities of the new instruments and the program's objective (the expected
/// or CVaR cost of new purchases plus on-demand usage over the sample, owned commitments'
/// cost excluded).
pub(crate) struct Optimum {
    pub quantities: Vec<f64>,
    pub objective: f64,
}

/// Builds and solves the program on `sample`.
pub(crate) fn solve(model: &Model<'_>, sample: &Sample) -> Result<Optimum> {
    let usage = model.usage;
    let pools = usage.pools();
    let scenarios = usage.scenarios();
    let cvar = match model.risk {
        Risk::Mean => None,
        Risk::Cvar(alpha) => Some(alpha),
    };
    let mut lp = Lp::default();
    let hours = usage.hours();
    // Purchases: in the mean objective directly; under CVaR through the scenario rows.
    let x: Vec<usize> = (0..model.new)
        .map(|i| {
            let cost = model.unit_cost[i] * model.slots[i].activity.total(hours);
            lp.var(if cvar.is_some() { 0.0 } else { cost }, false)
        })
        .collect();
    let commit_cost: Vec<f64> = (0..model.new)
        .map(|i| model.unit_cost[i] * model.slots[i].activity.total(hours))
        .collect();
    // Per scenario: the terms of its usage cost (for CVaR and nothing else).
    let mut scenario_terms: Vec<Vec<(usize, f64)>> = vec![Vec::new(); scenarios];
    let mut uncovered_terms: Vec<(usize, f64)> = Vec::new();
    let mut total_on_demand = 0.0;
    let w = sample.weight;
    for &hour in &sample.hours {
        for (scenario, terms) in scenario_terms.iter_mut().enumerate() {
            // r variables of this scenario-hour.
            let mut r = vec![usize::MAX; pools.len()];
            for (p, pool) in pools.iter().enumerate() {
                let u = usage.value(p, scenario, hour);
                if u <= 0.0 {
                    continue;
                }
                total_on_demand += w * pool.on_demand * u;
                let cost = w * pool.on_demand;
                r[p] = lp.var(if cvar.is_some() { 0.0 } else { cost }, false);
                terms.push((r[p], cost * scenarios as f64));
                uncovered_terms.push((r[p], cost));
            }
            // Coverage rows: -r - sum(single) - sum(y) <= -u + owned single capacity.
            let mut rows: Vec<(Vec<(usize, f64)>, f64)> = pools
                .iter()
                .enumerate()
                .map(|(p, _)| {
                    let u = usage.value(p, scenario, hour);
                    (vec![(r[p], -1.0)], -u)
                })
                .collect();
            for (i, slot) in model.slots.iter().enumerate() {
                let share = slot.activity.at(hour);
                if share <= 0.0 {
                    continue;
                }
                if slot.scope.len() == 1 {
                    let (p, rate) = slot.scope[0];
                    if r[p] == usize::MAX {
                        continue;
                    }
                    if i < model.new {
                        rows[p].0.push((x[i], -share / rate));
                    } else {
                        rows[p].1 += share * slot.quantity / rate;
                    }
                } else {
                    let mut budget = Vec::new();
                    for &(p, rate) in &slot.scope {
                        if r[p] == usize::MAX {
                            continue;
                        }
                        let y = lp.var(0.0, false);
                        rows[p].0.push((y, -1.0));
                        budget.push((y, rate));
                    }
                    if budget.is_empty() {
                        continue;
                    }
                    if i < model.new {
                        budget.push((x[i], -share));
                        lp.le(budget, 0.0);
                    } else {
                        lp.le(budget, share * slot.quantity);
                    }
                }
            }
            for (p, (terms, rhs)) in rows.into_iter().enumerate() {
                if r[p] != usize::MAX {
                    lp.le(terms, rhs);
                }
            }
        }
    }
    if let Some(budget) = model.max_upfront {
        lp.le(
            x.iter()
                .enumerate()
                .map(|(i, &xi)| (xi, model.unit_upfront[i])),
            budget,
        );
    }
    if let Some(min) = model.min_coverage {
        lp.le(
            uncovered_terms.iter().copied(),
            (1.0 - min) * total_on_demand,
        );
    }
    if let Some(max) = model.max_coverage {
        lp.le(
            uncovered_terms.iter().map(|&(v, c)| (v, -c)),
            -(1.0 - max) * total_on_demand,
        );
    }
    if let Some(alpha) = cvar {
        let eta = lp.var(1.0, true);
        let tail = 1.0 / ((1.0 - alpha) * scenarios as f64);
        for terms in scenario_terms {
            let v = lp.var(tail, false);
            let mut row = terms;
            row.extend(x.iter().enumerate().map(|(i, &xi)| (xi, commit_cost[i])));
            row.push((eta, -1.0));
            row.push((v, -1.0));
            lp.le(row, 0.0);
        }
    }
    let vars = lp.vars();
    debug_assert!(vars >= x.len());
    let solution = lp.solve()?;
    Ok(Optimum {
        quantities: x.iter().map(|&i| solution.x[i].max(0.0)).collect(),
        objective: solution.objective,
    })
}
