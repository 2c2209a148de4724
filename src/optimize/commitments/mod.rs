//! The commitment portfolio optimizer: how much of each Reserved Instance, Savings Plan, Azure
//! reservation or GCP committed use discount to buy now, chosen jointly on hourly usage
//! scenarios (forecast sample paths, or the lookback history as one scenario).
//!
//! The model is exact: one linear program over the sampled scenario-hours ([`model`] documents
//! it), solved by Clarabel to a relative duality gap of 1e-8. It decides the quantities *and*
//! how each Savings Plan is spread over the pools it may cover (the optimal allocation). With
//! one instrument and one pool it is the newsvendor problem and the answer is the
//! `d`-quantile of hourly usage, `d` the discount (tested). When the horizon has more
//! scenario-hours than `max_samples`, the program runs on a stratified random sample of hours
//! (every scenario at each) and the plan is then evaluated on *every* hour of every scenario,
//! applying commitments as AWS bills them ([`apply`]); both numbers are reported.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `cost_of_capital` | 0.05 | annual rate turning upfront payments into equivalent hourly payments over the term (annuity) |
//! | `max_upfront` | none | budget for the upfront payments of what is bought now (planned renewals pay theirs later) |
//! | `min_coverage`, `max_coverage` | none | bounds on expected coverage (share of eligible on-demand value covered, owned commitments included) |
//! | `risk` | [`Risk::Mean`] | minimise the expected cost, or the CVaR of the scenario cost at `alpha` |
//! | `ladder` | 1 | split each purchase into this many equal tranches ... |
//! | `ladder_spacing_hours` | 730 | ... bought this many hours apart (a month) |
//! | `max_samples` | 100 000 | scenario-hours in the program before sampling hours |
//! | `seed` | 0 | the hour sample |
//!
//! Horizon ([`horizon`]): a commitment is in force only during its term from its purchase (each
//! ladder tranche from its own start) and pays its fees over the term whatever the usage does
//! then, so on scenarios covering three years a 3-year reservation bought on a declining
//! forecast pays for its idle years. Instruments whose term ends inside the horizon may be
//! renewed at each later term boundary (1-year ones every year): the program chooses those
//! renewals too, free of the quantity bought now, and the plan lists them as `planned`. When
//! the scenarios are shorter than a term (or a tranche runs past them), only the hours inside
//! the horizon count and later years are assumed to look like the horizon; the plan's
//! [`Summary::assumptions`] says so.
//!
//! | module | idea |
//! |---|---|
//! | [`problem`] | inputs: pools, usage scenarios, instruments, owned commitments |
//! | [`horizon`] | decisions (now, planned renewals), terms against the horizon, assumptions |
//! | [`model`], [`lp`] | the linear program and its Clarabel solve |
//! | [`apply`] | billing a portfolio on every hour of every scenario |
//! | [`report`], [`plan`] | the plan: purchases, totals, months |
//! | [`frames`] | polars frames in and out |
//! | [`pricing`], [`series_prices`], [`billing`], [`gcp_usage`], [`owned`], [`normalization`], [`bill_frames`], [`focus`] | offers from the catalog, usage and owned commitments from bills, FOCUS accounting |
//! | [`backtest`], [`bill_backtest`] | buying policies replayed on a history |
//!
//! ```
//! use capcast::optimize::catalog::{OfferKind, Payment};
//! use capcast::optimize::commitments::*;
//!
//! // One pool at $1 per unit-hour; usage 10, 20, 30, 40 units in four hours.
//! let usage = Usage::new(
//!     vec![Pool { id: "m6i/us-east-1".into(), on_demand: 1.0 }],
//!     4, 1, vec![10.0, 20.0, 30.0, 40.0],
//! )?;
//! // A reservation at 40 % off: covering one unit-hour costs $0.60.
//! let ri = Instrument {
//!     name: "RI".into(), kind: OfferKind::ReservedStandard, term_years: 1,
//!     payment: Payment::NoUpfront, upfront: 0.0, hourly: 0.6,
//!     scope: vec![Coverage { pool: "m6i/us-east-1".into(), rate: 1.0 }],
//! };
//! let problem = Problem { usage, instruments: vec![ri], existing: vec![] };
//! let plan = CommitmentParams::default().solve(&problem)?;
//! // Newsvendor: the 0.4-quantile of {10, 20, 30, 40} is 20.
//! assert!((plan.quantities[0] - 20.0).abs() < 1e-5);
//! # Ok::<(), capcast::Error>(())
//! ```

mod apply;
mod backtest;
mod bill_backtest;
mod bill_columns;
mod bill_frames;
#[cfg(test)]
mod bill_tests;
mod billing;
#[cfg(test)]
mod billing_tests;
mod focus;
mod frames;
mod gcp_usage;
mod horizon;
#[cfg(test)]
mod horizon_tests;
mod instance_row;
mod lp;
pub mod model;
mod normalization;
mod owned;
mod plan;
mod pricing;
mod problem;
mod report;
mod series_prices;
mod terms;
#[cfg(test)]
mod tests;

use std::time::Instant;

pub use apply::MONTH_HOURS;
pub use backtest::{backtest, Backtest, BacktestParams, BacktestRow, Scenarios};
pub use bill_backtest::{backtest_bill, BillBacktest};
pub use bill_frames::{offers_frame, pools_from_frame};
pub use billing::{bill_usage, BillUsage, BillingParams, OwnedCommitment, PricedBill};
pub use focus::{commitment_accounting, BillAccounting, CommitmentAccounting};
pub use frames::{plan_frames, problem_from_frames};
pub use normalization::{
    normalization_factor, size_factor, unit_of, AWS_UNIT, MEMORY_UNIT, VCPU_UNIT,
};
pub use plan::{CommitmentPlan, Month, Purchase, Renewal, Summary};
pub use pricing::{hourly_equivalent, instruments_from_catalog, PoolKey, PoolResource};
pub use problem::{Coverage, Existing, Instrument, Pool, Usage};

use crate::error::{Error, Result};
use apply::{Activity, Slot};

/// What the optimizer minimises.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Risk {
    /// The expected total cost over the scenarios.
    Mean,
    /// The conditional value at risk: the mean cost of the worst `1 - alpha` share of
    /// scenarios (`alpha` in `[0, 1)`; 0 is the mean).
    Cvar(f64),
}

/// The optimizer's input: usage scenarios, what can be bought, what is already owned.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Eligible hourly usage per pool, per scenario, over the horizon.
    pub usage: Usage,
    /// Instruments one can buy now.
    pub instruments: Vec<Instrument>,
    /// Commitments already owned (netted out until they end).
    pub existing: Vec<Existing>,
}

/// Parameters of the optimizer (see the module docs for defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentParams {
    cost_of_capital: f64,
    max_upfront: Option<f64>,
    min_coverage: Option<f64>,
    max_coverage: Option<f64>,
    risk: Risk,
    ladder: usize,
    ladder_spacing_hours: usize,
    max_samples: usize,
    seed: u64,
}

impl Default for CommitmentParams {
    fn default() -> Self {
        CommitmentParams {
            cost_of_capital: 0.05,
            max_upfront: None,
            min_coverage: None,
            max_coverage: None,
            risk: Risk::Mean,
            ladder: 1,
            ladder_spacing_hours: MONTH_HOURS,
            max_samples: 100_000,
            seed: 0,
        }
    }
}

impl CommitmentParams {
    /// Annual cost of capital for upfront payments (default 0.05).
    pub fn cost_of_capital(mut self, rate: f64) -> Self {
        self.cost_of_capital = rate;
        self
    }
    /// Budget for all upfront payments (default none).
    pub fn max_upfront(mut self, budget: f64) -> Self {
        self.max_upfront = Some(budget);
        self
    }
    /// Minimum expected coverage, 0..=1 (default none).
    pub fn min_coverage(mut self, share: f64) -> Self {
        self.min_coverage = Some(share);
        self
    }
    /// Maximum expected coverage, 0..=1 (default none).
    pub fn max_coverage(mut self, share: f64) -> Self {
        self.max_coverage = Some(share);
        self
    }
    /// The risk preference (default the mean).
    pub fn risk(mut self, risk: Risk) -> Self {
        self.risk = risk;
        self
    }
    /// Split each purchase into `tranches` equal parts bought `spacing_hours` apart (default
    /// 1 tranche).
    pub fn ladder(mut self, tranches: usize, spacing_hours: usize) -> Self {
        self.ladder = tranches;
        self.ladder_spacing_hours = spacing_hours;
        self
    }
    /// Scenario-hours in the program before hours are sampled (default 100 000).
    pub fn max_samples(mut self, samples: usize) -> Self {
        self.max_samples = samples;
        self
    }
    /// Seed of the hour sample (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks every parameter.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the first parameter out of range.
    pub fn check(&self) -> Result<()> {
        if !(self.cost_of_capital.is_finite() && (0.0..1.0).contains(&self.cost_of_capital)) {
            return Err(Error::parameter(
                "cost_of_capital",
                format!("must be in [0, 1), got {}", self.cost_of_capital),
            ));
        }
        if let Some(budget) = self.max_upfront {
            if !(budget.is_finite() && budget >= 0.0) {
                return Err(Error::parameter(
                    "max_upfront",
                    format!("must be finite and >= 0, got {budget}"),
                ));
            }
        }
        for (name, value) in [
            ("min_coverage", self.min_coverage),
            ("max_coverage", self.max_coverage),
        ] {
            if let Some(v) = value {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::parameter(
                        name,
                        format!("must be in [0, 1], got {v}"),
                    ));
                }
            }
        }
        if let (Some(min), Some(max)) = (self.min_coverage, self.max_coverage) {
            if min > max {
                return Err(Error::parameter(
                    "min_coverage",
                    format!("{min} is above max_coverage {max}"),
                ));
            }
        }
        if let Risk::Cvar(alpha) = self.risk {
            if !(0.0..1.0).contains(&alpha) {
                return Err(Error::parameter(
                    "risk",
                    format!("CVaR alpha must be in [0, 1), got {alpha}"),
                ));
            }
        }
        if self.ladder == 0 || self.ladder_spacing_hours == 0 {
            return Err(Error::parameter(
                "ladder",
                "tranches and spacing must be >= 1",
            ));
        }
        if self.max_samples == 0 {
            return Err(Error::parameter("max_samples", "must be >= 1"));
        }
        Ok(())
    }

    /// Chooses the purchases that minimise the expected (or CVaR) cost of `problem`.
    ///
    /// Zero usage, or no instruments, gives an empty purchase list.
    ///
    /// # Errors
    /// [`Error::Parameter`] for a parameter out of range, an instrument or owned commitment
    /// covering a pool without usage or with a bad price, or constraints no portfolio meets.
    pub fn solve(&self, problem: &Problem) -> Result<CommitmentPlan> {
        self.check()?;
        let started = Instant::now();
        let prepared = self.prepare(problem)?;
        let usage = &problem.usage;
        let decisions = prepared.decisions.len();
        let any_usage = (0..usage.pools().len())
            .any(|p| (0..usage.scenarios()).any(|s| usage.series(p, s).iter().any(|&v| v > 0.0)));
        let sample = model::sample_hours(usage, self.max_samples, self.seed);
        let optimum =
            if decisions == 0 || !any_usage || usage.hours() == 0 || usage.scenarios() == 0 {
                model::Optimum {
                    quantities: vec![0.0; decisions],
                    objective: 0.0,
                }
            } else {
                model::solve(
                    &model::Model {
                        usage,
                        slots: &prepared.slots,
                        new: decisions,
                        unit_cost: &prepared.unit_cost,
                        unit_upfront: &prepared.unit_upfront,
                        max_upfront: self.max_upfront,
                        min_coverage: self.min_coverage,
                        max_coverage: self.max_coverage,
                        risk: self.risk,
                    },
                    &sample,
                )?
            };
        // Quantities below a relative tolerance of the largest are solver noise.
        let largest = optimum.quantities.iter().fold(0.0f64, |a, &b| a.max(b));
        let quantities: Vec<f64> = optimum
            .quantities
            .iter()
            .map(|&q| if q > 1e-7 * largest.max(1e-9) { q } else { 0.0 })
            .collect();
        let mut plan = self.report(problem, prepared, &quantities);
        plan.summary.objective = optimum.objective;
        plan.summary.sampled_hours = sample.hours.len() * usage.scenarios();
        plan.summary.solve_seconds = started.elapsed().as_secs_f64();
        Ok(plan)
    }

    /// What buying `quantities` now (one per instrument, in order) costs on `problem`'s usage,
    /// with no renewal planned: the same report as [`CommitmentParams::solve`] for a portfolio
    /// chosen elsewhere (a backtest's policies, a user's own plan). `objective` is NaN.
    ///
    /// # Errors
    /// As [`CommitmentParams::solve`], and when `quantities` has the wrong length or a
    /// negative value.
    pub fn evaluate(&self, problem: &Problem, quantities: &[f64]) -> Result<CommitmentPlan> {
        self.evaluate_with_renewals(problem, quantities, &[])
    }

    /// As [`CommitmentParams::evaluate`], with planned renewals: `renewals` holds the quantity
    /// of every renewal [`CommitmentPlan::renewals`] lists for this problem and these
    /// parameters, in that order (empty: none).
    ///
    /// # Errors
    /// As [`CommitmentParams::evaluate`], and when `renewals` is neither empty nor one finite
    /// quantity >= 0 per renewal.
    pub fn evaluate_with_renewals(
        &self,
        problem: &Problem,
        quantities: &[f64],
        renewals: &[f64],
    ) -> Result<CommitmentPlan> {
        self.check()?;
        let bad = |v: &[f64]| v.iter().any(|q| !(q.is_finite() && *q >= 0.0));
        if quantities.len() != problem.instruments.len() || bad(quantities) {
            return Err(Error::parameter(
                "quantities",
                format!(
                    "expected {} finite quantities >= 0, got {:?}",
                    problem.instruments.len(),
                    quantities
                ),
            ));
        }
        let prepared = self.prepare(problem)?;
        let planned = prepared.decisions.len() - quantities.len();
        if !(renewals.is_empty() || renewals.len() == planned) || bad(renewals) {
            return Err(Error::parameter(
                "renewals",
                format!("expected none or {planned} finite quantities >= 0, got {renewals:?}"),
            ));
        }
        let mut all = quantities.to_vec();
        all.extend(renewals);
        all.resize(prepared.decisions.len(), 0.0);
        let mut plan = self.report(problem, prepared, &all);
        plan.summary.objective = f64::NAN;
        Ok(plan)
    }

    /// Resolves the decisions (instruments now, planned renewals) and the owned commitments
    /// into slots with their unit costs.
    fn prepare(&self, problem: &Problem) -> Result<Prepared> {
        let usage = &problem.usage;
        let hours = usage.hours();
        let mut scopes = Vec::with_capacity(problem.instruments.len());
        for instrument in &problem.instruments {
            scopes.push(problem::resolve(instrument, usage, "offers")?.scope);
        }
        let decisions = horizon::decisions(&problem.instruments, hours);
        let mut slots = Vec::new();
        let mut unit_cost = Vec::new();
        let mut unit_upfront = Vec::new();
        for decision in &decisions {
            let instrument = &problem.instruments[decision.instrument];
            slots.push(Slot {
                scope: scopes[decision.instrument].clone(),
                quantity: 0.0,
                activity: horizon::activity(
                    decision,
                    instrument,
                    self.ladder,
                    self.ladder_spacing_hours,
                ),
            });
            unit_cost.push(
                instrument.hourly
                    + hourly_equivalent(
                        instrument.upfront,
                        instrument.term_hours(),
                        self.cost_of_capital,
                    ),
            );
            // The upfront budget is for what is bought now.
            unit_upfront.push(if decision.planned() {
                0.0
            } else {
                instrument.upfront
            });
        }
        let mut owned_cost = 0.0;
        for owned in &problem.existing {
            let resolved = problem::resolve(&owned.instrument, usage, "existing")?;
            if !(owned.quantity.is_finite() && owned.quantity >= 0.0) {
                return Err(Error::parameter(
                    "existing",
                    format!(
                        "'{}': quantity must be finite and >= 0, got {}",
                        owned.instrument.name, owned.quantity
                    ),
                ));
            }
            let activity = Activity {
                start: 0,
                tranches: 1,
                spacing: 1,
                length: owned.end_hour,
            };
            owned_cost += owned.quantity * owned.instrument.hourly * activity.total(hours);
            slots.push(Slot {
                scope: resolved.scope,
                quantity: owned.quantity,
                activity,
            });
        }
        Ok(Prepared {
            decisions,
            slots,
            unit_cost,
            unit_upfront,
            owned_cost,
        })
    }
}

/// Decisions and owned commitments resolved for one problem.
struct Prepared {
    /// Instruments now, then planned renewals.
    decisions: Vec<horizon::Decision>,
    /// One per decision, then one per owned commitment.
    slots: Vec<Slot>,
    /// Per decision: hourly cost per unit, upfront annuitised.
    unit_cost: Vec<f64>,
    /// Per decision: upfront per unit counted against the budget (0 for renewals).
    unit_upfront: Vec<f64>,
    /// Fees of the owned commitments over the horizon.
    owned_cost: f64,
}
