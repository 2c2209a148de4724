//! From chosen quantities to the plan: the portfolio billed on every hour of every scenario
//! ([`super::apply`]), then the purchase list (bought now and planned renewals), the totals
//! with P10/P90, the months and the assumptions.

use super::apply::{evaluate, Slot};
use super::horizon;
use super::plan::{
    active_hours_per_month, break_even, months, quantile, CommitmentPlan, Purchase, Renewal,
    Summary,
};
use super::{CommitmentParams, Prepared, Problem};

impl CommitmentParams {
    /// Evaluates `quantities` (one per decision: instruments now, then planned renewals) on
    /// every hour and builds the plan.
    pub(super) fn report(
        &self,
        problem: &Problem,
        prepared: Prepared,
        quantities: &[f64],
    ) -> CommitmentPlan {
        let usage = &problem.usage;
        let hours = usage.hours();
        let n = prepared.decisions.len();
        let now = problem.instruments.len();
        let Prepared {
            decisions,
            mut slots,
            unit_cost,
            owned_cost,
            ..
        } = prepared;
        for (slot, &q) in slots.iter_mut().zip(quantities) {
            slot.quantity = q;
        }
        let after = evaluate(usage, &slots);
        let owned_only: Vec<Slot> = slots[n..].to_vec();
        let before = evaluate(usage, &owned_only);
        let new_cost: f64 = (0..n)
            .map(|i| quantities[i] * unit_cost[i] * slots[i].activity.total(hours))
            .sum();
        let costs: Vec<f64> = after
            .uncovered
            .iter()
            .map(|u| u + new_cost + owned_cost)
            .collect();
        let savings: Vec<f64> = after
            .on_demand
            .iter()
            .zip(&costs)
            .map(|(od, c)| od - c)
            .collect();
        let esr: Vec<f64> = after
            .on_demand
            .iter()
            .zip(&savings)
            .map(|(od, s)| if *od > 0.0 { s / od } else { 0.0 })
            .collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let mut fees = vec![0.0; after.months.len()];
        for (i, slot) in slots.iter().enumerate() {
            let per_unit = if i < n {
                unit_cost[i]
            } else {
                problem.existing[i - n].instrument.hourly
            };
            let activity = slot.activity;
            for (fee, hours) in fees
                .iter_mut()
                .zip(active_hours_per_month(|h| activity.at(h), usage))
            {
                *fee += slot.quantity * per_unit * hours;
            }
        }
        let on_demand_cost = mean(&after.on_demand);
        let expected_cost = mean(&costs);
        let purchases = (0..n)
            .filter(|&i| quantities[i] > 0.0)
            .map(|i| {
                let decision = decisions[i];
                let instrument = &problem.instruments[decision.instrument];
                let q = quantities[i];
                let activity = slots[i].activity;
                let active = active_hours_per_month(|h| activity.at(h), usage);
                let available: f64 = active.iter().sum::<f64>() * q;
                let (value, used) = after.slots[i]
                    .iter()
                    .fold((0.0, 0.0), |acc, m| (acc.0 + m.0, acc.1 + m.1));
                // Break-even counted from the month the decision starts.
                let first = usage.month_of(decision.start).min(active.len());
                Purchase {
                    instrument: instrument.name.clone(),
                    kind: serde_name(&instrument.kind),
                    term_years: instrument.term_years,
                    payment: serde_name(&instrument.payment),
                    scope: instrument.scope_label(usage.pools().len()),
                    timing: if decision.planned() {
                        "planned".into()
                    } else {
                        "now".into()
                    },
                    start_hour: decision.start,
                    start_month: usage.month_of(decision.start) + 1,
                    quantity: q,
                    hourly_commitment: q
                        * (instrument.hourly + instrument.upfront / instrument.term_hours() as f64),
                    upfront: q * instrument.upfront,
                    tranches: self.ladder,
                    utilization: if available > 0.0 {
                        used / available
                    } else {
                        0.0
                    },
                    savings: value - q * unit_cost[i] * activity.total(hours),
                    break_even_month: break_even(
                        &after.slots[i][first..],
                        q * instrument.upfront,
                        q * instrument.hourly,
                        &active[first..],
                    )
                    .map(|m| m + first),
                }
            })
            .collect();
        let upfront = |planned: bool| -> f64 {
            (0..n)
                .filter(|&i| decisions[i].planned() == planned)
                .map(|i| quantities[i] * problem.instruments[decisions[i].instrument].upfront)
                .sum()
        };
        let activities: Vec<_> = slots[..n].iter().map(|s| s.activity).collect();
        let summary = Summary {
            hours,
            scenarios: usage.scenarios(),
            sampled_hours: 0,
            on_demand_cost,
            cost_without_purchase: mean(&before.uncovered) + owned_cost,
            expected_cost,
            cost_p10: quantile(&costs, 0.1),
            cost_p90: quantile(&costs, 0.9),
            savings: on_demand_cost - expected_cost,
            savings_p10: quantile(&savings, 0.1),
            savings_p90: quantile(&savings, 0.9),
            esr: if on_demand_cost > 0.0 {
                (on_demand_cost - expected_cost) / on_demand_cost
            } else {
                0.0
            },
            esr_p10: quantile(&esr, 0.1),
            esr_p90: quantile(&esr, 0.9),
            upfront: upfront(false),
            planned_upfront: upfront(true),
            objective: f64::NAN,
            solve_seconds: 0.0,
            assumptions: horizon::assumptions(&problem.instruments, &decisions, &activities, hours),
        };
        CommitmentPlan {
            purchases,
            summary,
            monthly: months(&before, &after, &fees, usage),
            quantities: quantities[..now].to_vec(),
            renewals: decisions[now..]
                .iter()
                .zip(&quantities[now..])
                .map(|(d, &quantity)| Renewal {
                    instrument: d.instrument,
                    start_hour: d.start,
                    quantity,
                })
                .collect(),
        }
    }
}

/// The serde (snake_case) name of a catalog enum value.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
