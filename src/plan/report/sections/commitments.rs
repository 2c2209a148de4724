//! The commitments section: eligible usage per instance family and region and the commitments
//! already owned, read from the bill ([`crate::optimize::commitments::bill_usage`]); usage
//! forecast as sample paths over the longest term offered (three years when 3-year offers are
//! considered, so a 3-year purchase pays for every year of its term and 1-year offers compete
//! with planned renewals); the portfolio optimizer on the bundled catalog's offers with the
//! owned commitments netted out until they end. Shows the purchase list (bought now and
//! planned renewals), expected cost, savings and ESR with P10/P90, coverage before and after
//! per month, and the optimizer's assumptions.

use chrono::{DateTime, Datelike};
use polars::prelude::*;

use crate::chart::{BarChart, BarOrder, ValueFormat};
use crate::error::Result;
use crate::optimize::catalog::Catalog;
use crate::optimize::commitments::{
    bill_usage, BillingParams, CommitmentParams, CommitmentPlan, Month, PoolResource, PricedBill,
    Problem,
};
use crate::plan::report::context::{money, Context};
use crate::plan::report::model::{Figure, ReportChart, ReportTable, Section, Setting};

const ID: &str = "commitments";
const TITLE: &str = "Commitments";
/// Hours of the longest planning horizon (three years, the longest term offered); the
/// horizon is the longest term among the offers, up to this.
const MAX_HORIZON: usize = 3 * 8760;
/// Forecast sample paths per pool.
const PATHS: usize = 10;
/// Scenario-hours in the linear program (sampled beyond; the plan is billed on every hour).
const MAX_SAMPLES: usize = 5_000;
const HOUR_US: i64 = 3_600_000_000;

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1} %", 100.0 * v)
    } else {
        "n/a".into()
    }
}

/// The section, and the settings it used.
pub(crate) fn section(ctx: &Context, settings: &mut Vec<Setting>) -> Result<Section> {
    let billing_params = match &ctx.commitments {
        Some(contracts) => BillingParams::default().contract_commitments(contracts)?,
        None => BillingParams::default(),
    };
    let bill = match bill_usage(ctx.costs.clone(), &billing_params) {
        Ok(b) => b,
        Err(why) => {
            return Ok(Section::unavailable(
                ID,
                TITLE,
                format!("needs compute usage in the bill: {why}"),
            ))
        }
    };
    let catalog = Catalog::bundled()?;
    let PricedBill {
        bill,
        pools,
        instruments,
        mut notes,
    } = match bill.priced(&catalog) {
        Ok(v) => v,
        Err(why) => return Ok(Section::unavailable(ID, TITLE, why.to_string())),
    };
    let horizon = instruments
        .iter()
        .map(|i| i.term_hours())
        .max()
        .unwrap_or(8760)
        .min(MAX_HORIZON);
    let usage = bill.scenarios(pools, horizon, PATHS, 0)?;
    let start = bill.end_us();
    let (existing, owned_notes) = bill.existing(&instruments, start);
    notes.extend(owned_notes);
    let params = CommitmentParams::default().max_samples(MAX_SAMPLES);
    let problem = Problem {
        usage,
        instruments,
        existing,
    };
    let plan = match params.solve(&problem) {
        Ok(p) => p,
        Err(why) => {
            return Ok(Section::unavailable(
                ID,
                TITLE,
                format!("the optimizer failed: {why}"),
            ))
        }
    };
    let cur = ctx.currency.as_str();
    let s = &plan.summary;
    let months = s.hours.div_ceil(730);
    let mut section = Section::new(ID, TITLE);
    section.figures.push(Figure::new(
        format!("Expected cost of eligible compute, next {months} months"),
        money(s.expected_cost, cur, 0),
        format!(
            "P10 {} to P90 {}; all on demand {}; owned commitments only {}",
            money(s.cost_p10, cur, 0),
            money(s.cost_p90, cur, 0),
            money(s.on_demand_cost, cur, 0),
            money(s.cost_without_purchase, cur, 0)
        ),
    ));
    section.figures.push(Figure::new(
        "Savings vs on demand",
        money(s.savings, cur, 0),
        format!(
            "ESR {} (P10 {}, P90 {}); the purchase adds {}",
            pct(s.esr),
            pct(s.esr_p10),
            pct(s.esr_p90),
            money(s.cost_without_purchase - s.expected_cost, cur, 0)
        ),
    ));
    let planned = plan
        .purchases
        .iter()
        .filter(|p| p.timing == "planned")
        .count();
    section.figures.push(Figure::new(
        "Commitments to buy now",
        (plan.purchases.len() - planned).to_string(),
        format!(
            "{} upfront; {planned} renewals planned later ({} upfront then)",
            money(s.upfront, cur, 0),
            money(s.planned_upfront, cur, 0)
        ),
    ));
    section.figures.push(Figure::new(
        "Commitments owned",
        bill.owned.len().to_string(),
        bill.owned
            .iter()
            .map(|c| {
                format!(
                    "{} {} {:.2} {}",
                    c.kind.replace('_', " "),
                    c.scope,
                    c.quantity,
                    c.unit
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    ));
    let series_pools = bill
        .pools
        .iter()
        .filter(|p| p.resource != PoolResource::Instances)
        .count();
    let gcp_series = if series_pools > 0 {
        format!(", {series_pools} of them GCP machine series' vCPU-hours or memory GiB-hours (resource-based committed use discounts commit each in a region)")
    } else {
        String::new()
    };
    section.text.push(format!(
        "Eligible usage: {1} rows ({0:.0} instance-hours) in {2} pools (instance family and region; AWS in normalized unit-hours, the unit of RI size flexibility, Azure and GCP in vCPU-hours{gcp_series}); {3} other rows of the bill are not compute usage. The next {4} hours are {5} forecast sample paths per pool (MSTL, daily and weekly seasons); the optimizer chooses every offer of the bundled catalog jointly by linear program on {6} sampled scenario-hours and bills the plan on every hour of every path, with the owned commitments applied until they end.",
        bill.instance_hours,
        bill.eligible_rows,
        bill.pools.len(),
        bill.ineligible_rows,
        s.hours,
        s.scenarios,
        s.sampled_hours
    ));
    for note in bill.assumptions.iter().chain(&notes).chain(&s.assumptions) {
        section.text.push(format!("Assumption: {note}."));
    }
    settings.push(Setting::new(
        "Commitments",
        format!("horizon {horizon} hours (the longest term offered, at most {MAX_HORIZON}), {PATHS} forecast paths per pool, at most {MAX_SAMPLES} scenario-hours in the program, cost of capital 5 %, expected cost minimised; bundled catalog offers"),
        "defaults of the report",
    ));
    chart(&mut section, &plan)?;
    section.tables.push(ReportTable::new(
        "commitment_purchases",
        "Commitments to buy now and renewals planned",
        purchases(&plan, start)?,
    ));
    section.tables.push(ReportTable::new(
        "commitment_summary",
        "Expected cost, savings and ESR with P10 and P90",
        summary(&plan)?,
    ));
    section.tables.push(ReportTable::new(
        "commitment_coverage",
        "Coverage and utilization per month, before and after the purchase",
        monthly(&plan)?,
    ));
    section.tables.push(ReportTable::new(
        "commitments_owned",
        "Commitments owned (from the bill)",
        bill.owned_frame()?,
    ));
    Ok(section)
}

/// A calendar month as `2026-11`, with its first day when it starts later than the 1st
/// (the horizon's first month); `month N` when the month is not dated.
fn month_label(month: &Month) -> String {
    month
        .start_us
        .and_then(DateTime::from_timestamp_micros)
        .map(|d| {
            if d.day() == 1 {
                d.format("%Y-%m").to_string()
            } else {
                format!("{} (from {})", d.format("%Y-%m"), d.format("%Y-%m-%d"))
            }
        })
        .unwrap_or_else(|| format!("month {}", month.month))
}

/// The months of `chunk`: one label, or `first to last` (by month, `2027-01 to 2027-03`).
fn months_label(chunk: &[Month]) -> String {
    match chunk {
        [one] => month_label(one),
        [first, .., last] => {
            let short = |m: &Month| {
                m.start_us
                    .and_then(DateTime::from_timestamp_micros)
                    .map(|d| d.format("%Y-%m").to_string())
                    .unwrap_or_else(|| format!("month {}", m.month))
            };
            format!("{} to {}", short(first), short(last))
        }
        [] => String::new(),
    }
}

fn chart(section: &mut Section, plan: &CommitmentPlan) -> Result<()> {
    // Months beyond a year are shown by quarter (coverage weighted by eligible value).
    let group = if plan.monthly.len() > 12 { 3 } else { 1 };
    let mut bars = Vec::new();
    for chunk in plan.monthly.chunks(group) {
        let label = months_label(chunk);
        let eligible: f64 = chunk.iter().map(|m| m.eligible_on_demand).sum();
        let share = |f: fn(&Month) -> f64| {
            if eligible > 0.0 {
                100.0
                    * chunk
                        .iter()
                        .map(|m| f(m) * m.eligible_on_demand)
                        .sum::<f64>()
                    / eligible
            } else {
                0.0
            }
        };
        bars.push((format!("{label} before"), share(|m| m.coverage_before)));
        bars.push((format!("{label} after"), share(|m| m.coverage_after)));
    }
    if bars.is_empty() {
        return Ok(());
    }
    let title =
        "Commitment coverage before and after the purchase (and planned renewals)".to_string();
    section.charts.push(ReportChart::new(
        "commitment_coverage",
        title.clone(),
        |f| {
            BarChart::new(bars.clone())
                .title(title.clone())
                .x_label("expected share of eligible on-demand value covered")
                .value_format(ValueFormat::unit("%"))
                .order(BarOrder::AsGiven)
                .size(1100, (140 + 30 * bars.len() as u32).clamp(240, 1400))
                .render(f)
        },
    )?);
    Ok(())
}

fn purchases(plan: &CommitmentPlan, start: i64) -> Result<DataFrame> {
    let p = &plan.purchases;
    let day = |hour: usize| {
        DateTime::from_timestamp_micros(start + hour as i64 * HOUR_US)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    Ok(df!(
        "instrument" => p.iter().map(|x| x.instrument.clone()).collect::<Vec<_>>(),
        "scope" => p.iter().map(|x| x.scope.clone()).collect::<Vec<_>>(),
        "timing" => p.iter().map(|x| x.timing.clone()).collect::<Vec<_>>(),
        "start" => p.iter().map(|x| day(x.start_hour)).collect::<Vec<_>>(),
        "start_month" => p.iter().map(|x| x.start_month as u32).collect::<Vec<_>>(),
        "term_years" => p.iter().map(|x| u32::from(x.term_years)).collect::<Vec<_>>(),
        "payment" => p.iter().map(|x| x.payment.clone()).collect::<Vec<_>>(),
        "quantity" => p.iter().map(|x| x.quantity).collect::<Vec<_>>(),
        "hourly_commitment" => p.iter().map(|x| x.hourly_commitment).collect::<Vec<_>>(),
        "upfront" => p.iter().map(|x| x.upfront).collect::<Vec<_>>(),
        "utilization" => p.iter().map(|x| finite(x.utilization)).collect::<Vec<_>>(),
        "savings" => p.iter().map(|x| x.savings).collect::<Vec<_>>(),
        "break_even_month" => p.iter().map(|x| x.break_even_month.map(|m| m as u32)).collect::<Vec<_>>(),
    )?)
}

fn summary(plan: &CommitmentPlan) -> Result<DataFrame> {
    let s = &plan.summary;
    let rows = [
        ("on_demand_cost", s.on_demand_cost, None, None),
        ("cost_owned_only", s.cost_without_purchase, None, None),
        (
            "expected_cost",
            s.expected_cost,
            Some(s.cost_p10),
            Some(s.cost_p90),
        ),
        (
            "savings",
            s.savings,
            Some(s.savings_p10),
            Some(s.savings_p90),
        ),
        ("esr", s.esr, Some(s.esr_p10), Some(s.esr_p90)),
        ("upfront", s.upfront, None, None),
        ("planned_upfront", s.planned_upfront, None, None),
    ];
    Ok(df!(
        "measure" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        "expected" => rows.iter().map(|r| finite(r.1)).collect::<Vec<_>>(),
        "p10" => rows.iter().map(|r| r.2.and_then(finite)).collect::<Vec<_>>(),
        "p90" => rows.iter().map(|r| r.3.and_then(finite)).collect::<Vec<_>>(),
    )?)
}

fn monthly(plan: &CommitmentPlan) -> Result<DataFrame> {
    let m = &plan.monthly;
    Ok(df!(
        "month" => m.iter().map(month_label).collect::<Vec<_>>(),
        "eligible_on_demand" => m.iter().map(|x| x.eligible_on_demand).collect::<Vec<_>>(),
        "coverage_before" => m.iter().map(|x| finite(x.coverage_before)).collect::<Vec<_>>(),
        "coverage_after" => m.iter().map(|x| finite(x.coverage_after)).collect::<Vec<_>>(),
        "utilization_before" => m.iter().map(|x| finite(x.utilization_before)).collect::<Vec<_>>(),
        "utilization_after" => m.iter().map(|x| finite(x.utilization_after)).collect::<Vec<_>>(),
        "cost_after" => m.iter().map(|x| x.cost_after).collect::<Vec<_>>(),
    )?)
}
