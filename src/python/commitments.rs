//! Bindings of the commitment portfolio optimizer: `optimize_commitments`,
//! `backtest_commitments`, and from a bill `bill_usage`, `commitment_offers` and
//! `backtest_bill`. Frames in and out (see [`crate::optimize::commitments::frames`]
//! for their columns).

use std::path::PathBuf;

use polars::prelude::*;
use pyo3::prelude::*;

use super::arrow::{frame_arg, ArrowStream};
use super::errors::run;
use crate::error::{Error, Result};
use crate::optimize::catalog::{load_catalogs, Catalog};
use crate::optimize::commitments::{
    self, instruments_from_catalog, offers_frame, pools_from_frame, BillingParams,
};
use crate::optimize::commitments::{
    backtest, plan_frames, problem_from_frames, Backtest, BacktestParams, CommitmentParams, Risk,
    Scenarios,
};

/// The optimizer's parameters from keyword arguments.
#[allow(clippy::too_many_arguments)]
fn params(
    cost_of_capital: f64,
    max_upfront: Option<f64>,
    min_coverage: Option<f64>,
    max_coverage: Option<f64>,
    risk: &str,
    alpha: f64,
    ladder: usize,
    ladder_spacing_hours: usize,
    max_samples: usize,
    seed: u64,
) -> Result<CommitmentParams> {
    let risk = match risk {
        "mean" => Risk::Mean,
        "cvar" => Risk::Cvar(alpha),
        other => {
            return Err(Error::parameter(
                "risk",
                format!("'{other}' is not one of mean, cvar"),
            ))
        }
    };
    let mut params = CommitmentParams::default()
        .cost_of_capital(cost_of_capital)
        .risk(risk)
        .ladder(ladder, ladder_spacing_hours)
        .max_samples(max_samples)
        .seed(seed);
    if let Some(budget) = max_upfront {
        params = params.max_upfront(budget);
    }
    if let Some(min) = min_coverage {
        params = params.min_coverage(min);
    }
    if let Some(max) = max_coverage {
        params = params.max_coverage(max);
    }
    params.check()?;
    Ok(params)
}

/// `optimize_commitments(usage, offers, existing, *, ...)` -> `(purchases, summary, monthly,
/// quantities)`.
#[pyfunction]
#[pyo3(signature = (usage, offers, existing = None, *, cost_of_capital = 0.05, max_upfront = None, min_coverage = None, max_coverage = None, risk = "mean", alpha = 0.9, ladder = 1, ladder_spacing_hours = 730, max_samples = 100000, seed = 0))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn optimize_commitments(
    py: Python<'_>,
    usage: &Bound<'_, PyAny>,
    offers: &Bound<'_, PyAny>,
    existing: Option<&Bound<'_, PyAny>>,
    cost_of_capital: f64,
    max_upfront: Option<f64>,
    min_coverage: Option<f64>,
    max_coverage: Option<f64>,
    risk: &str,
    alpha: f64,
    ladder: usize,
    ladder_spacing_hours: usize,
    max_samples: usize,
    seed: u64,
) -> PyResult<(ArrowStream, ArrowStream, ArrowStream, ArrowStream)> {
    let usage = frame_arg(py, usage, "usage")?;
    let offers = frame_arg(py, offers, "offers")?;
    let existing = existing.map(|e| frame_arg(py, e, "existing")).transpose()?;
    let risk = risk.to_string();
    let (purchases, summary, monthly, quantities) = run(py, move || {
        let params = params(
            cost_of_capital,
            max_upfront,
            min_coverage,
            max_coverage,
            &risk,
            alpha,
            ladder,
            ladder_spacing_hours,
            max_samples,
            seed,
        )?;
        let (problem, _) = problem_from_frames(&usage, &offers, existing.as_ref())?;
        let plan = params.solve(&problem)?;
        let (purchases, summary, monthly) = plan_frames(&plan)?;
        let quantities = df!(
            "instrument" => problem.instruments.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
            "quantity" => plan.quantities.clone(),
        )?;
        Ok((purchases, summary, monthly, quantities))
    })?;
    Ok((
        ArrowStream::new(purchases),
        ArrowStream::new(summary),
        ArrowStream::new(monthly),
        ArrowStream::new(quantities),
    ))
}

/// The backtest settings both backtest bindings take from Python.
struct Policy<'a> {
    lookback_hours: usize,
    scenarios: &'a str,
    paths: usize,
    cost_of_capital: f64,
    max_samples: usize,
    seed: u64,
}

/// `base` (purchase hour and evaluated hours) with the policy settings, checked.
fn backtest_params(mut base: BacktestParams, policy: &Policy<'_>) -> Result<BacktestParams> {
    let paths = policy.paths;
    base.scenarios = match policy.scenarios {
        "forecast" => Scenarios::Forecast { paths },
        "bootstrap" => Scenarios::Bootstrap { paths },
        other => {
            return Err(Error::parameter(
                "scenarios",
                format!("'{other}' is not one of forecast, bootstrap"),
            ))
        }
    };
    if paths == 0 {
        return Err(Error::parameter("paths", "must be >= 1"));
    }
    base.lookback_hours = policy.lookback_hours;
    base.seed = policy.seed;
    base.optimizer = CommitmentParams::default()
        .cost_of_capital(policy.cost_of_capital)
        .max_samples(policy.max_samples)
        .seed(policy.seed);
    base.optimizer.check()?;
    Ok(base)
}

/// `backtest_commitments(history, offers, existing, *, buy_hour, eval_hours, ...)` ->
/// `(policies, monthly)`.
#[pyfunction]
#[pyo3(signature = (history, offers, existing = None, *, buy_hour, eval_hours = 8760, lookback_hours = 720, scenarios = "forecast", paths = 20, cost_of_capital = 0.05, max_samples = 100000, seed = 0))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn backtest_commitments(
    py: Python<'_>,
    history: &Bound<'_, PyAny>,
    offers: &Bound<'_, PyAny>,
    existing: Option<&Bound<'_, PyAny>>,
    buy_hour: usize,
    eval_hours: usize,
    lookback_hours: usize,
    scenarios: &str,
    paths: usize,
    cost_of_capital: f64,
    max_samples: usize,
    seed: u64,
) -> PyResult<(ArrowStream, ArrowStream)> {
    let history = frame_arg(py, history, "history")?;
    let offers = frame_arg(py, offers, "offers")?;
    let existing = existing.map(|e| frame_arg(py, e, "existing")).transpose()?;
    let scenarios = scenarios.to_string();
    let (policies, monthly) = run(py, move || {
        let params = backtest_params(
            BacktestParams::new(buy_hour, eval_hours),
            &Policy {
                lookback_hours,
                scenarios: &scenarios,
                paths,
                cost_of_capital,
                max_samples,
                seed,
            },
        )?;
        let (problem, _) = problem_from_frames(&history, &offers, existing.as_ref())?;
        let result = backtest(
            &problem.usage,
            &problem.instruments,
            &problem.existing,
            &params,
        )?;
        let (policies, monthly) = backtest_frames(&result)?;
        Ok((policies, monthly))
    })?;
    Ok((ArrowStream::new(policies), ArrowStream::new(monthly)))
}

/// The backtest as `(policies, monthly)` frames.
fn backtest_frames(result: &Backtest) -> Result<(DataFrame, DataFrame)> {
    let rows = &result.rows;
    let policies = df!(
        "policy" => rows.iter().map(|r| r.policy.clone()).collect::<Vec<_>>(),
        "realised_cost" => rows.iter().map(|r| r.realised_cost).collect::<Vec<_>>(),
        "on_demand_cost" => rows.iter().map(|r| r.on_demand_cost).collect::<Vec<_>>(),
        "esr" => rows.iter().map(|r| r.esr).collect::<Vec<_>>(),
        "regret" => rows.iter().map(|r| r.regret).collect::<Vec<_>>(),
        "upfront" => rows.iter().map(|r| r.upfront).collect::<Vec<_>>(),
    )?;
    let (mut policy, mut month, mut cost) = (Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        for (m, c) in row.monthly_cost.iter().enumerate() {
            policy.push(row.policy.clone());
            month.push(m as i64 + 1);
            cost.push(*c);
        }
    }
    let monthly = df!("policy" => policy, "month" => month, "cost" => cost)?;
    Ok((policies, monthly))
}

/// The catalog of `paths`, bundled when empty.
fn catalog_of(paths: &[PathBuf]) -> Result<Catalog> {
    if paths.is_empty() {
        Catalog::bundled()
    } else {
        load_catalogs(paths)
    }
}

/// Reading parameters: commitment ends (`id`, microseconds UTC) and the default term.
fn billing_params(ends: Vec<(String, i64)>, term_years: Option<u8>) -> Result<BillingParams> {
    let mut params = BillingParams::default();
    if let Some(years) = term_years {
        if years == 0 {
            return Err(Error::parameter("term_years", "must be >= 1"));
        }
        params = params.term_years(years);
    }
    for (id, end) in ends {
        params = params.end(id, end);
    }
    Ok(params)
}

/// What `bill_usage` returns: usage, pools, existing, owned frames, assumptions, and
/// `(eligible_rows, ineligible_rows, hours, instance_hours)`.
type BillFrames = (
    ArrowStream,
    ArrowStream,
    ArrowStream,
    ArrowStream,
    Vec<String>,
    (usize, usize, usize, f64),
);

/// `bill_usage(costs, *, ends, term_years, catalog, contracts)`: the bill's eligible usage of the pools
/// the catalog prices, its pools, its owned commitments (as an existing frame priced by the
/// catalog, and in full), the assumptions made and row counts.
#[pyfunction]
#[pyo3(signature = (costs, *, ends = Vec::new(), term_years = None, catalog = Vec::new(), contracts = None))]
pub(crate) fn bill_usage(
    py: Python<'_>,
    costs: &Bound<'_, PyAny>,
    ends: Vec<(String, i64)>,
    term_years: Option<u8>,
    catalog: Vec<PathBuf>,
    contracts: Option<&Bound<'_, PyAny>>,
) -> PyResult<BillFrames> {
    let costs = frame_arg(py, costs, "billing")?;
    let contracts = contracts
        .map(|c| frame_arg(py, c, "contracts"))
        .transpose()?;
    let (usage, pools, existing, owned, assumptions, counts) = run(py, move || {
        let mut params = billing_params(ends, term_years)?;
        if let Some(contracts) = &contracts {
            params = params.contract_commitments(contracts)?;
        }
        let catalog = catalog_of(&catalog)?;
        let read = commitments::bill_usage(costs.lazy(), &params)?;
        let owned = read.owned_frame()?;
        let priced = read.priced(&catalog)?;
        let (existing, owned_notes) = priced
            .bill
            .existing_frame(&priced.pools, &priced.instruments)?;
        let bill = &priced.bill;
        let mut assumptions = bill.assumptions.clone();
        assumptions.extend(priced.notes.iter().cloned());
        assumptions.extend(owned_notes);
        let counts = (
            bill.eligible_rows,
            bill.ineligible_rows,
            bill.hours,
            bill.instance_hours,
        );
        Ok((
            bill.usage_frame()?,
            bill.pools_frame()?,
            existing,
            owned,
            assumptions,
            counts,
        ))
    })?;
    Ok((
        ArrowStream::new(usage),
        ArrowStream::new(pools),
        ArrowStream::new(existing),
        ArrowStream::new(owned),
        assumptions,
        counts,
    ))
}

/// `commitment_offers(pools, *, catalog)`: every instrument the catalog offers for the pools
/// (`pool, provider, region, family`), as an offers frame with on-demand prices.
#[pyfunction]
#[pyo3(signature = (pools, *, catalog = Vec::new()))]
pub(crate) fn commitment_offers(
    py: Python<'_>,
    pools: &Bound<'_, PyAny>,
    catalog: Vec<PathBuf>,
) -> PyResult<ArrowStream> {
    let pools = frame_arg(py, pools, "pools")?;
    let offers = run(py, move || {
        let keys = pools_from_frame(&pools)?;
        let (priced, instruments) = instruments_from_catalog(&catalog_of(&catalog)?, &keys)?;
        offers_frame(&priced, &instruments)
    })?;
    Ok(ArrowStream::new(offers))
}

/// What `backtest_bill` returns: policies, monthly, notes, `(buy_hour, eval_hours)`.
type BillBacktestFrames = (ArrowStream, ArrowStream, Vec<String>, (usize, usize));

/// `backtest_bill(costs, buy_at_us, *, ...)` -> `(policies, monthly, notes, (buy_hour,
/// eval_hours))`.
#[pyfunction]
#[pyo3(signature = (costs, buy_at_us, *, eval_hours = None, lookback_hours = 720, scenarios = "forecast", paths = 20, cost_of_capital = 0.05, max_samples = 100000, seed = 0, ends = Vec::new(), term_years = None, catalog = Vec::new(), net_owned = true))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn backtest_bill(
    py: Python<'_>,
    costs: &Bound<'_, PyAny>,
    buy_at_us: i64,
    eval_hours: Option<usize>,
    lookback_hours: usize,
    scenarios: &str,
    paths: usize,
    cost_of_capital: f64,
    max_samples: usize,
    seed: u64,
    ends: Vec<(String, i64)>,
    term_years: Option<u8>,
    catalog: Vec<PathBuf>,
    net_owned: bool,
) -> PyResult<BillBacktestFrames> {
    let costs = frame_arg(py, costs, "billing")?;
    let scenarios = scenarios.to_string();
    let (policies, monthly, notes, hours) = run(py, move || {
        let params = backtest_params(
            BacktestParams::new(0, eval_hours.unwrap_or(usize::MAX)),
            &Policy {
                lookback_hours,
                scenarios: &scenarios,
                paths,
                cost_of_capital,
                max_samples,
                seed,
            },
        )?;
        let result = commitments::backtest_bill(
            costs.lazy(),
            &catalog_of(&catalog)?,
            buy_at_us,
            &billing_params(ends, term_years)?,
            &params,
            net_owned,
        )?;
        let (policies, monthly) = backtest_frames(&result.backtest)?;
        Ok((
            policies,
            monthly,
            result.notes,
            (result.buy_hour, result.eval_hours),
        ))
    })?;
    Ok((
        ArrowStream::new(policies),
        ArrowStream::new(monthly),
        notes,
        hours,
    ))
}
