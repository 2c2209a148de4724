//! Backtest of buying policies on a billing history: buy at an hour with each policy, then
//! bill the following hours as they really happened.
//!
//! Policies:
//! - `capcast`: the optimizer on scenarios of the evaluation window drawn from the history
//!   before the purchase: forecast sample paths (MSTL with daily and weekly seasons, the
//!   forecasting engine's decomposition model) or a weekly block bootstrap of the history
//!   ([`Scenarios`]).
//! - `cost_explorer`: what AWS Cost Explorer does: the last `lookback_hours` (30 days) as the
//!   only scenario, one instrument type at a time (same kind, term and payment over every
//!   pool), recommending the type with the lowest lookback cost.
//! - `hindsight`: the optimizer on the realised usage itself (the offline optimum, the
//!   yardstick).
//! - `on_demand`: buy nothing.
//!
//! Each policy's portfolio is then billed on the realised window ([`super::apply`] rules);
//! regret is its realised cost minus hindsight's.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::billing::HOUR_US;
use super::{CommitmentParams, CommitmentPlan, Existing, Instrument, Problem, Usage};
use crate::error::{Error, Result};
use crate::forecast::{Fitted, MstlParams, TimeSeries};

/// How the capcast policy draws its scenarios.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scenarios {
    /// Forecast sample paths of each pool (MSTL, seasons 24 and 168 hours), clamped at 0.
    Forecast {
        /// Paths per pool.
        paths: usize,
    },
    /// Weekly blocks of the history resampled at random, phase-aligned to the hour of week.
    Bootstrap {
        /// Scenarios.
        paths: usize,
    },
}

/// Parameters of [`backtest`].
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestParams {
    /// The hour of the history at which the policies buy.
    pub buy_hour: usize,
    /// Hours billed after the purchase (at most the rest of the history).
    pub eval_hours: usize,
    /// Cost Explorer's lookback (default 720 = 30 days).
    pub lookback_hours: usize,
    /// The capcast policy's scenarios.
    pub scenarios: Scenarios,
    /// The optimizer's parameters (every policy uses them).
    pub optimizer: CommitmentParams,
    /// Seed of the scenarios.
    pub seed: u64,
}

impl BacktestParams {
    /// Buy at `buy_hour` and bill `eval_hours` after it, with the defaults: 30-day lookback,
    /// 20 forecast paths.
    pub fn new(buy_hour: usize, eval_hours: usize) -> Self {
        BacktestParams {
            buy_hour,
            eval_hours,
            lookback_hours: 720,
            scenarios: Scenarios::Forecast { paths: 20 },
            optimizer: CommitmentParams::default(),
            seed: 0,
        }
    }
}

/// One policy's outcome.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BacktestRow {
    /// `capcast`, `cost_explorer`, `hindsight` or `on_demand`.
    pub policy: String,
    /// Realised cost over the evaluation window.
    pub realised_cost: f64,
    /// Realised cost of the same usage all on demand.
    pub on_demand_cost: f64,
    /// Realised effective savings rate.
    pub esr: f64,
    /// Realised cost minus hindsight's.
    pub regret: f64,
    /// Upfront paid.
    pub upfront: f64,
    /// Realised cost per month of the window.
    pub monthly_cost: Vec<f64>,
    /// The portfolio (one quantity per instrument).
    pub quantities: Vec<f64>,
}

/// The outcome of every policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Backtest {
    /// One row per policy: capcast, cost_explorer, hindsight, on_demand.
    pub rows: Vec<BacktestRow>,
}

/// Runs the backtest of the module docs on `history` (one scenario of hourly usage).
///
/// # Errors
/// [`Error::Parameter`] when the history has several scenarios, the purchase hour leaves no
/// lookback or no evaluation window, or the optimizer fails.
pub fn backtest(
    history: &Usage,
    instruments: &[Instrument],
    existing: &[Existing],
    params: &BacktestParams,
) -> Result<Backtest> {
    if history.scenarios() != 1 {
        return Err(Error::parameter(
            "history",
            format!(
                "expected one scenario (the bill), got {}",
                history.scenarios()
            ),
        ));
    }
    let buy = params.buy_hour;
    if buy < params.lookback_hours.max(1) || buy >= history.hours() {
        return Err(Error::parameter(
            "buy_hour",
            format!(
                "{buy} must leave {} lookback hours before it and some hours after it (history has {})",
                params.lookback_hours,
                history.hours()
            ),
        ));
    }
    let end = (buy + params.eval_hours).min(history.hours());
    let realised = history.window(buy, end)?;
    let owned = |shift: usize| -> Vec<Existing> {
        existing
            .iter()
            .map(|e| Existing {
                end_hour: e.end_hour.saturating_sub(shift),
                ..e.clone()
            })
            .collect()
    };
    let problem = |usage: Usage, shift: usize| Problem {
        usage,
        instruments: instruments.to_vec(),
        existing: owned(shift),
    };
    let optimizer = &params.optimizer;
    // Hindsight.
    let truth = problem(realised.clone(), buy);
    let hindsight = optimizer.solve(&truth)?.quantities;
    // capcast.
    let past = history.window(0, buy)?;
    let scenarios = scenarios(&past, end - buy, params.scenarios, params.seed)?;
    let capcast = optimizer.solve(&problem(scenarios, buy))?.quantities;
    // Cost Explorer: the best single instrument type on the lookback.
    let lookback = history.window(buy - params.lookback_hours, buy)?;
    let mut types: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, instrument) in instruments.iter().enumerate() {
        let key = format!(
            "{:?}/{}/{:?}",
            instrument.kind, instrument.term_years, instrument.payment
        );
        types.entry(key).or_default().push(i);
    }
    let mut cost_explorer = vec![0.0; instruments.len()];
    let mut best = f64::INFINITY;
    for members in types.values() {
        let subset = Problem {
            usage: lookback.clone(),
            instruments: members.iter().map(|&i| instruments[i].clone()).collect(),
            existing: owned(buy - params.lookback_hours),
        };
        let plan = optimizer.solve(&subset)?;
        if plan.summary.expected_cost < best {
            best = plan.summary.expected_cost;
            cost_explorer = vec![0.0; instruments.len()];
            for (&i, &q) in members.iter().zip(&plan.quantities) {
                cost_explorer[i] = q;
            }
        }
    }
    let nothing = vec![0.0; instruments.len()];
    let bill = |quantities: &[f64]| optimizer.evaluate(&truth, quantities);
    let plans: Vec<(&str, CommitmentPlan)> = vec![
        ("capcast", bill(&capcast)?),
        ("cost_explorer", bill(&cost_explorer)?),
        ("hindsight", bill(&hindsight)?),
        ("on_demand", bill(&nothing)?),
    ];
    let yardstick = plans[2].1.summary.expected_cost;
    let rows = plans
        .into_iter()
        .map(|(policy, plan)| BacktestRow {
            policy: policy.to_string(),
            realised_cost: plan.summary.expected_cost,
            on_demand_cost: plan.summary.on_demand_cost,
            esr: plan.summary.esr,
            regret: plan.summary.expected_cost - yardstick,
            upfront: plan.summary.upfront,
            monthly_cost: monthly_cost(&plan),
            quantities: plan.quantities,
        })
        .collect();
    Ok(Backtest { rows })
}

/// Realised cost per month.
fn monthly_cost(plan: &CommitmentPlan) -> Vec<f64> {
    plan.monthly.iter().map(|m| m.cost_after).collect()
}

/// Scenarios of the `horizon` hours after `past` (dated from its end when it is dated).
pub(crate) fn scenarios(past: &Usage, horizon: usize, how: Scenarios, seed: u64) -> Result<Usage> {
    let drawn = draw(past, horizon, how, seed)?;
    Ok(match past.start_us() {
        Some(start) => drawn.starting_at(start + past.hours() as i64 * HOUR_US),
        None => drawn,
    })
}

/// The scenario values of [`scenarios`].
fn draw(past: &Usage, horizon: usize, how: Scenarios, seed: u64) -> Result<Usage> {
    let pools = past.pools().to_vec();
    let n_pools = pools.len();
    match how {
        Scenarios::Forecast { paths } => {
            let mut values = Vec::with_capacity(n_pools * paths * horizon);
            for p in 0..n_pools {
                let series = TimeSeries::hourly(past.series(p, 0).to_vec())?;
                let seasons: Vec<usize> = [24usize, 168]
                    .into_iter()
                    .filter(|&m| past.hours() > 2 * m)
                    .collect();
                let drawn = if seasons.is_empty() {
                    // Too short for seasons: the history's hours resampled.
                    bootstrap_one(past.series(p, 0), horizon, paths, 1, seed + p as u64)
                } else {
                    let fitted = MstlParams::new(&seasons).fit(&series)?;
                    fitted.sample_paths(horizon, paths, seed + p as u64)?
                };
                for path in drawn {
                    values.extend(path.into_iter().map(|v| {
                        if v.is_finite() {
                            v.max(0.0)
                        } else {
                            0.0
                        }
                    }));
                }
            }
            Usage::new(pools, horizon, paths, values)
        }
        Scenarios::Bootstrap { paths } => {
            let block = if past.hours() >= 168 { 168 } else { 1 };
            let mut values = Vec::with_capacity(n_pools * paths * horizon);
            // The same blocks for every pool keep pools' co-movement.
            for p in 0..n_pools {
                values.extend(
                    bootstrap_one(past.series(p, 0), horizon, paths, block, seed)
                        .into_iter()
                        .flatten(),
                );
            }
            Usage::new(pools, horizon, paths, values)
        }
    }
}

/// `paths` series of `horizon` hours made of blocks of `block` hours of `history`, each block
/// starting at the same phase (hour of week for weekly blocks) as the hour it fills.
fn bootstrap_one(
    history: &[f64],
    horizon: usize,
    paths: usize,
    block: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    let n = history.len();
    let mut rng = StdRng::seed_from_u64(seed);
    let blocks = n / block;
    (0..paths)
        .map(|_| {
            let mut out = Vec::with_capacity(horizon);
            while out.len() < horizon {
                let phase = (n + out.len()) % block;
                let start = if blocks > 0 {
                    rng.random_range(0..blocks) * block + phase
                } else {
                    rng.random_range(0..n)
                };
                let take = (block - phase).min(horizon - out.len());
                for k in 0..take {
                    out.push(history[(start + k) % n]);
                }
            }
            out
        })
        .collect()
}
