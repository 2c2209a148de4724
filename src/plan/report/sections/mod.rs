//! The sections of the planning report, one module each, and the order they run in.

mod capacity;
mod commitments;
mod forecast;
mod groups;
mod load;
mod rightsizing;
mod slo;

use chrono::Utc;
use polars::prelude::*;

use super::context::{date, load_billing, load_utilization, money, TOTAL};
use super::model::Setting;
use super::{budget, PlanParams, PlanReport, STEPS};
use crate::error::Result;

/// Runs every step, reporting each to `progress`.
pub(crate) fn run(
    params: &PlanParams,
    progress: &mut dyn FnMut(usize, &str),
) -> Result<PlanReport> {
    let mut step = 0;
    let mut next = |progress: &mut dyn FnMut(usize, &str)| {
        progress(step, STEPS[step.min(STEPS.len() - 1)]);
        step += 1;
    };
    let mut settings = vec![Setting::new(
        "Billing data",
        params
            .billing
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        "input",
    )];
    next(progress);
    let mut ctx = load_billing(params)?;
    budget::check_currency(&ctx, params.budget.as_ref())?;
    next(progress);
    load_utilization(&mut ctx, params)?;
    let groups = capacity::groups(&ctx, params)?;
    let requests = slo::load(params)?;
    settings.push(Setting::new(
        "Utilization data",
        if params.utilization.is_empty() {
            "none".to_string()
        } else {
            params
                .utilization
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        },
        "input",
    ));
    settings.push(Setting::new(
        "Cost measure",
        "EffectiveCost (amortized: commitment purchases spread over their term), by UTC day",
        "default",
    ));
    settings.push(Setting::new(
        "Currency",
        if ctx.currency.is_empty() {
            "(none in the data)".to_string()
        } else {
            ctx.currency.clone()
        },
        "BillingCurrency of the data",
    ));

    next(progress);
    let fc = forecast::run(&ctx, params)?;
    let forecast_section = forecast::section(&ctx, params, &fc, &mut settings)?;
    next(progress);
    let anomalies = forecast::anomalies_section(&ctx, params)?;
    next(progress);
    let budget = budget::section(&ctx, &fc, params.budget.as_ref(), &mut settings)?;
    next(progress);
    let rightsizing = rightsizing::section(&ctx, &mut settings)?;
    let commitments = commitments::section(&ctx, &mut settings)?;
    let capacity = capacity::section(&ctx, params, groups, &mut settings)?;
    next(progress);
    let slo = slo::section(params, requests, &mut settings)?;
    next(progress);
    settings.push(Setting::new(
        "Prices",
        "cost forecast and budget: the bill's EffectiveCost; rightsizing: the bundled catalog's list prices and the bill's effective price per resource",
        "billing data",
    ));

    let total = ctx
        .daily
        .clone()
        .lazy()
        .filter(col("unique_id").eq(lit(TOTAL)))
        .select([col("y").sum()])
        .collect()?
        .column("y")?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    Ok(PlanReport {
        title: "capcast planning report".into(),
        generated: Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        subtitle: format!(
            "{} to {}: {} effective cost over {} days",
            date(ctx.first_day),
            date(ctx.last_day),
            money(total, &ctx.currency, 0),
            (ctx.last_day - ctx.first_day) / super::context::DAY_US + 1
        ),
        settings,
        sections: vec![
            load::section(&ctx)?,
            forecast_section,
            anomalies,
            budget,
            rightsizing,
            commitments,
            capacity,
            slo,
        ],
    })
}
