//! Frames in and out: the optimizer's inputs from long polars frames (the Python API and the
//! planning report use these) and its plan as frames.
//!
//! Inputs:
//! - usage: `unique_id` (the pool), `ds` (hourly `Datetime`/`Date`), `y` (units per hour),
//!   optional `path` (the scenario: forecast sample paths come out of
//!   [`crate::forecast::forecast_frame`] as `unique_id, path, ds, y`), optional `on_demand`
//!   (price per unit-hour). Hours are the distinct `ds` values in order; a pool missing at an
//!   hour has no usage then.
//! - offers: one row per instrument and pool it covers: `instrument, kind, term_years,
//!   payment, upfront, hourly, pool, rate`, optional `on_demand` (per pool; needed here when
//!   the usage frame has none).
//! - existing: the same columns as offers plus `quantity` and `end_hour` (hours from the
//!   first `ds`; 0 = expired) or `end` (a date/time).
//!
//! Outputs: `purchases`, `summary` (one row) and `monthly` frames named like the fields of
//! [`CommitmentPlan`]. `purchases` has `timing` (`now` or `planned`), `start_hour` and
//! `start_month` columns; `summary` has `planned_upfront` and `assumptions` (a list of
//! strings).

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use super::plan::CommitmentPlan;
use super::problem::{Coverage, Existing, Instrument, Pool, Usage};
use super::Problem;
use crate::error::{Error, Position, Result};
use crate::optimize::catalog::{OfferKind, Payment};

const US_PER_HOUR: i64 = 3_600_000_000;

fn column<'a>(df: &'a DataFrame, what: &str, name: &str) -> Result<&'a Column> {
    df.column(name).map_err(|_| {
        Error::data(
            Position::default().column(name),
            format!("the {what} frame has no such column"),
        )
    })
}

/// The text column `name` of the `what` frame, with no nulls.
pub(super) fn strings(df: &DataFrame, what: &str, name: &str) -> Result<Vec<String>> {
    let col = column(df, what, name)?.cast(&DataType::String)?;
    col.as_materialized_series()
        .str()?
        .iter()
        .enumerate()
        .map(|(row, v)| {
            v.map(str::to_string).ok_or_else(|| {
                Error::data(
                    Position::default().row(row as u64 + 1).column(name),
                    format!("null in the {what} frame"),
                )
            })
        })
        .collect()
}

fn floats(df: &DataFrame, what: &str, name: &str) -> Result<Vec<f64>> {
    let col = column(df, what, name)?;
    let cast = col.cast(&DataType::Float64).map_err(|_| {
        Error::data(
            Position::default()
                .column(name)
                .value(col.dtype().to_string()),
            format!("expected a number in the {what} frame"),
        )
    })?;
    cast.as_materialized_series()
        .f64()?
        .iter()
        .enumerate()
        .map(|(row, v)| {
            v.filter(|x| x.is_finite()).ok_or_else(|| {
                Error::data(
                    Position::default().row(row as u64 + 1).column(name),
                    format!("expected a finite number in the {what} frame"),
                )
            })
        })
        .collect()
}

/// Microseconds since the epoch (UTC) of a `Datetime` or `Date` column.
fn times(df: &DataFrame, what: &str, name: &str) -> Result<Vec<i64>> {
    let col = column(df, what, name)?;
    if !matches!(col.dtype(), DataType::Datetime(..) | DataType::Date) {
        return Err(Error::data(
            Position::default()
                .column(name)
                .value(col.dtype().to_string()),
            format!("expected a date/time in the {what} frame"),
        ));
    }
    let cast = col
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))?
        .to_physical_repr();
    cast.as_materialized_series()
        .i64()?
        .iter()
        .enumerate()
        .map(|(row, v)| {
            v.ok_or_else(|| {
                Error::data(
                    Position::default().row(row as u64 + 1).column(name),
                    format!("null in the {what} frame"),
                )
            })
        })
        .collect()
}

fn parse_kind(text: &str, row: usize) -> Result<OfferKind> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        Error::data(
            Position::default()
                .row(row as u64 + 1)
                .column("kind")
                .value(text),
            "expected one of reserved_standard, reserved_convertible, savings_plan_ec2_instance, \
             savings_plan_compute, azure_reservation, azure_savings_plan, gcp_committed_use",
        )
    })
}

fn parse_payment(text: &str, row: usize) -> Result<Payment> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        Error::data(
            Position::default()
                .row(row as u64 + 1)
                .column("payment")
                .value(text),
            "expected one of no_upfront, partial_upfront, all_upfront",
        )
    })
}

/// Instruments, the row each starts at, and on-demand prices by pool.
type Read = (Vec<Instrument>, Vec<usize>, HashMap<String, f64>);

/// Instruments from an offers-like frame (rows grouped by `instrument`, first-seen order),
/// with each instrument's first row index, and the `on_demand` prices it names.
fn read_instruments(df: &DataFrame, what: &str) -> Result<Read> {
    let names = strings(df, what, "instrument")?;
    let kinds = strings(df, what, "kind")?;
    let terms = floats(df, what, "term_years")?;
    let payments = strings(df, what, "payment")?;
    let upfront = floats(df, what, "upfront")?;
    let hourly = floats(df, what, "hourly")?;
    let pools = strings(df, what, "pool")?;
    let rates = floats(df, what, "rate")?;
    let on_demand = if df.column("on_demand").is_ok() {
        Some(floats(df, what, "on_demand")?)
    } else {
        None
    };
    let mut prices = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut by_name: HashMap<String, (Instrument, usize)> = HashMap::new();
    for row in 0..names.len() {
        if let Some(od) = &on_demand {
            prices.insert(pools[row].clone(), od[row]);
        }
        let coverage = Coverage {
            pool: pools[row].clone(),
            rate: rates[row],
        };
        if let Some((instrument, _)) = by_name.get_mut(&names[row]) {
            instrument.scope.push(coverage);
            continue;
        }
        let term = terms[row];
        if !((1.0..=10.0).contains(&term) && term.fract() == 0.0) {
            return Err(Error::data(
                Position::default()
                    .row(row as u64 + 1)
                    .column("term_years")
                    .value(term.to_string()),
                format!("expected a whole number of years (1 or 3) in the {what} frame"),
            ));
        }
        order.push(names[row].clone());
        by_name.insert(
            names[row].clone(),
            (
                Instrument {
                    name: names[row].clone(),
                    kind: parse_kind(&kinds[row], row)?,
                    term_years: term as u8,
                    payment: parse_payment(&payments[row], row)?,
                    upfront: upfront[row],
                    hourly: hourly[row],
                    scope: vec![coverage],
                },
                row,
            ),
        );
    }
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for name in order {
        if let Some((instrument, row)) = by_name.remove(&name) {
            out.push(instrument);
            rows.push(row);
        }
    }
    Ok((out, rows, prices))
}

/// The optimizer's problem from the usage, offers and existing frames (module docs).
///
/// # Errors
/// [`Error::Data`] for a missing or mistyped column, a null, an unknown kind or payment, a
/// pool without an on-demand price; [`Error::Parameter`] for bad values (as
/// [`Usage::new`]).
pub fn problem_from_frames(
    usage: &DataFrame,
    offers: &DataFrame,
    existing: Option<&DataFrame>,
) -> Result<(Problem, Vec<i64>)> {
    let ids = strings(usage, "usage", "unique_id")?;
    let ds = times(usage, "usage", "ds")?;
    let y = floats(usage, "usage", "y")?;
    let paths: Vec<i64> = if usage.column("path").is_ok() {
        floats(usage, "usage", "path")?
            .into_iter()
            .map(|p| p as i64)
            .collect()
    } else {
        vec![0; ids.len()]
    };
    let (instruments, _, mut prices) = read_instruments(offers, "offers")?;
    let (owned, owned_rows, owned_prices) = match existing {
        Some(df) if df.height() > 0 => read_instruments(df, "existing")?,
        _ => (Vec::new(), Vec::new(), HashMap::new()),
    };
    for (pool, price) in owned_prices {
        prices.entry(pool).or_insert(price);
    }
    if usage.column("on_demand").is_ok() {
        for (id, price) in ids.iter().zip(floats(usage, "usage", "on_demand")?) {
            prices.insert(id.clone(), price);
        }
    }
    let mut pool_ids: Vec<String> = ids.clone();
    pool_ids.sort();
    pool_ids.dedup();
    let mut hours: Vec<i64> = ds.clone();
    hours.sort_unstable();
    hours.dedup();
    let mut scenario_ids: Vec<i64> = paths.clone();
    scenario_ids.sort_unstable();
    scenario_ids.dedup();
    let pool_index: HashMap<&str, usize> = pool_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let hour_index: HashMap<i64, usize> = hours.iter().enumerate().map(|(i, &h)| (h, i)).collect();
    let scenario_index: BTreeMap<i64, usize> = scenario_ids
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, i))
        .collect();
    let (n_hours, n_scenarios) = (hours.len(), scenario_ids.len());
    let mut values = vec![0.0; pool_ids.len() * n_scenarios * n_hours];
    for row in 0..ids.len() {
        let p = pool_index[ids[row].as_str()];
        let s = scenario_index[&paths[row]];
        let h = hour_index[&ds[row]];
        values[(p * n_scenarios + s) * n_hours + h] += y[row];
    }
    let pools = pool_ids
        .iter()
        .map(|id| {
            prices
                .get(id)
                .map(|&on_demand| Pool {
                    id: id.clone(),
                    on_demand,
                })
                .ok_or_else(|| {
                    Error::data(
                        Position::default().column("on_demand").value(id.clone()),
                        "no on-demand price for this pool: give an 'on_demand' column in the \
                         usage or offers frame",
                    )
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut usage_values = Usage::new(pools, n_hours, n_scenarios, values)?;
    // Consecutive hours are dated: months become calendar months.
    if hours.windows(2).all(|w| w[1] - w[0] == US_PER_HOUR) {
        if let Some(&first) = hours.first() {
            usage_values = usage_values.starting_at(first);
        }
    }
    let mut existing_out = Vec::new();
    if let Some(df) = existing.filter(|df| df.height() > 0) {
        let quantity = floats(df, "existing", "quantity")?;
        let end_hours: Vec<f64> = if df.column("end_hour").is_ok() {
            floats(df, "existing", "end_hour")?
        } else {
            let start = hours.first().copied().unwrap_or(0);
            times(df, "existing", "end")?
                .into_iter()
                .map(|t| ((t - start) as f64 / US_PER_HOUR as f64).ceil().max(0.0))
                .collect()
        };
        for (instrument, row) in owned.into_iter().zip(owned_rows) {
            existing_out.push(Existing {
                instrument,
                quantity: quantity[row],
                end_hour: end_hours[row].max(0.0) as usize,
            });
        }
    }
    Ok((
        Problem {
            usage: usage_values,
            instruments,
            existing: existing_out,
        },
        hours,
    ))
}

/// The plan as `(purchases, summary, monthly)` frames.
///
/// # Errors
/// Only if polars cannot build a frame (never in practice).
pub fn plan_frames(plan: &CommitmentPlan) -> Result<(DataFrame, DataFrame, DataFrame)> {
    let p = &plan.purchases;
    let purchases = df!(
        "instrument" => p.iter().map(|x| x.instrument.clone()).collect::<Vec<_>>(),
        "kind" => p.iter().map(|x| x.kind.clone()).collect::<Vec<_>>(),
        "term_years" => p.iter().map(|x| i64::from(x.term_years)).collect::<Vec<_>>(),
        "payment" => p.iter().map(|x| x.payment.clone()).collect::<Vec<_>>(),
        "scope" => p.iter().map(|x| x.scope.clone()).collect::<Vec<_>>(),
        "timing" => p.iter().map(|x| x.timing.clone()).collect::<Vec<_>>(),
        "start_hour" => p.iter().map(|x| x.start_hour as i64).collect::<Vec<_>>(),
        "start_month" => p.iter().map(|x| x.start_month as i64).collect::<Vec<_>>(),
        "quantity" => p.iter().map(|x| x.quantity).collect::<Vec<_>>(),
        "hourly_commitment" => p.iter().map(|x| x.hourly_commitment).collect::<Vec<_>>(),
        "upfront" => p.iter().map(|x| x.upfront).collect::<Vec<_>>(),
        "tranches" => p.iter().map(|x| x.tranches as i64).collect::<Vec<_>>(),
        "utilization" => p.iter().map(|x| x.utilization).collect::<Vec<_>>(),
        "savings" => p.iter().map(|x| x.savings).collect::<Vec<_>>(),
        "break_even_month" => p.iter().map(|x| x.break_even_month.map(|m| m as i64)).collect::<Vec<_>>(),
    )?;
    let s = &plan.summary;
    let summary = df!(
        "hours" => [s.hours as i64],
        "scenarios" => [s.scenarios as i64],
        "sampled_hours" => [s.sampled_hours as i64],
        "on_demand_cost" => [s.on_demand_cost],
        "cost_without_purchase" => [s.cost_without_purchase],
        "expected_cost" => [s.expected_cost],
        "cost_p10" => [s.cost_p10],
        "cost_p90" => [s.cost_p90],
        "savings" => [s.savings],
        "savings_p10" => [s.savings_p10],
        "savings_p90" => [s.savings_p90],
        "esr" => [s.esr],
        "esr_p10" => [s.esr_p10],
        "esr_p90" => [s.esr_p90],
        "upfront" => [s.upfront],
        "planned_upfront" => [s.planned_upfront],
        "objective" => [s.objective],
        "solve_seconds" => [s.solve_seconds],
    )?;
    let assumptions = Series::new("assumptions".into(), s.assumptions.clone())
        .implode()?
        .into_series();
    let mut summary = summary;
    summary.with_column(assumptions.into_column())?;
    let m = &plan.monthly;
    let monthly = df!(
        "month" => m.iter().map(|x| x.month as i64).collect::<Vec<_>>(),
        "eligible_on_demand" => m.iter().map(|x| x.eligible_on_demand).collect::<Vec<_>>(),
        "coverage_before" => m.iter().map(|x| x.coverage_before).collect::<Vec<_>>(),
        "coverage_after" => m.iter().map(|x| x.coverage_after).collect::<Vec<_>>(),
        "utilization_before" => m.iter().map(|x| x.utilization_before).collect::<Vec<_>>(),
        "utilization_after" => m.iter().map(|x| x.utilization_after).collect::<Vec<_>>(),
        "cost_after" => m.iter().map(|x| x.cost_after).collect::<Vec<_>>(),
        "start_hour" => m.iter().map(|x| x.start_hour as i64).collect::<Vec<_>>(),
        "start" => m.iter().map(|x| x.start_us).collect::<Vec<_>>(),
    )?
    .lazy()
    .with_column(col("start").cast(DataType::Datetime(
        TimeUnit::Microseconds,
        Some(TimeZone::UTC),
    )))
    .collect()?;
    Ok((purchases, summary, monthly))
}
