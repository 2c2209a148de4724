//! The loaded inputs every section reads: the billing load and its report, the daily cost
//! series by service (and in total), and the utilization load when one was given.

use polars::prelude::*;

use super::PlanParams;
use crate::error::{Error, Result};
use crate::ingest::{read_billing, read_utilization, LoadReport, Utilization, UtilizationOptions};
use crate::series::{aggregate, Frequency, SeriesParams};

/// The id of the all-services series in [`Context::daily`].
pub(crate) const TOTAL: &str = "All services";

/// Microseconds in one day.
pub(crate) const DAY_US: i64 = 86_400_000_000;

/// The loaded inputs.
pub(crate) struct Context {
    /// FOCUS 1.2 rows (lazy), for the optimizers.
    pub costs: LazyFrame,
    /// The FOCUS 1.3 Contract Commitment dataset, when the billing paths hold one.
    pub commitments: Option<DataFrame>,
    /// What the billing load did.
    pub report: LoadReport,
    /// The billing currency (`USD`), empty when the data has none.
    pub currency: String,
    /// `unique_id, ds, y`: daily `EffectiveCost` per `ServiceName`, and [`TOTAL`].
    pub daily: DataFrame,
    /// The first and last day of [`Self::daily`] (microseconds, UTC midnight).
    pub first_day: i64,
    /// See [`Self::first_day`].
    pub last_day: i64,
    /// Whether the last day was dropped because its hours were incomplete.
    pub dropped_partial_day: bool,
    /// The utilization load, or why there is none.
    pub utilization: std::result::Result<Utilization, String>,
}

/// Loads the billing data and builds the daily series.
pub(crate) fn load_billing(params: &PlanParams) -> Result<Context> {
    let billing = read_billing(&params.billing, &params.load)?;
    let currency = billing
        .costs
        .clone()
        .select([col("BillingCurrency").drop_nulls().first()])
        .collect()?
        .column("BillingCurrency")?
        .str()?
        .get(0)
        .unwrap_or("")
        .to_string();
    let by_service = aggregate(
        billing.costs.clone(),
        &SeriesParams::new()
            .dimension("ServiceName")
            .frequency(Frequency::Day),
    )?;
    let total = aggregate(
        billing.costs.clone(),
        &SeriesParams::new().frequency(Frequency::Day),
    )?;
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let pick = |df: DataFrame, id: Option<&str>| -> Result<LazyFrame> {
        let id_expr = match id {
            Some(id) => lit(id.to_string()).alias("unique_id"),
            None => col("unique_id").cast(DataType::String),
        };
        Ok(df.lazy().select([
            id_expr,
            col("ds").cast(utc.clone()),
            col("y").cast(DataType::Float64),
        ]))
    };
    let mut daily = concat(
        [pick(by_service, None)?, pick(total, Some(TOTAL))?],
        UnionArgs::default(),
    )?
    .collect()?;
    if daily.height() == 0 {
        return Err(Error::parameter(
            "billing",
            "the billing data has no cost rows to plan from",
        ));
    }

    // A last day whose charges stop before midnight would look like a cost drop: leave it out.
    let ends = billing
        .costs
        .clone()
        .select([col("ChargePeriodEnd")
            .cast(utc.clone())
            .cast(DataType::Int64)
            .max()
            .alias("end")])
        .collect()?;
    let last_end = ends.column("end")?.i64()?.get(0);
    let days = daily.column("ds")?.cast(&DataType::Int64)?;
    let days = days.i64()?;
    let first_day = days.min().unwrap_or(0);
    let mut last_day = days.max().unwrap_or(0);
    let mut dropped_partial_day = false;
    if let Some(end) = last_end {
        if end < last_day + DAY_US && last_day > first_day {
            daily = daily
                .lazy()
                .filter(col("ds").cast(DataType::Int64).lt(lit(last_day)))
                .collect()?;
            last_day -= DAY_US;
            dropped_partial_day = true;
        }
    }

    Ok(Context {
        costs: billing.costs,
        commitments: billing.commitments,
        report: billing.report,
        currency,
        daily,
        first_day,
        last_day,
        dropped_partial_day,
        utilization: Err("no utilization data was given".into()),
    })
}

/// Loads the utilization data into `ctx` (an unreadable file fails the plan: the user asked
/// for it).
pub(crate) fn load_utilization(ctx: &mut Context, params: &PlanParams) -> Result<()> {
    if params.utilization.is_empty() {
        return Ok(());
    }
    ctx.utilization = Ok(read_utilization(
        &params.utilization,
        &UtilizationOptions::default(),
    )?);
    Ok(())
}

/// `v` with thousands separators and `decimals` decimals, prefixed by the currency symbol
/// (`$` for USD, `€` for EUR, `£` for GBP) or suffixed by the code.
pub(crate) fn money(v: f64, currency: &str, decimals: usize) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (text.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match symbol(currency) {
        Some(s) => format!("{sign}{s}{grouped}{frac}"),
        None if currency.is_empty() => format!("{sign}{grouped}{frac}"),
        None => format!("{sign}{grouped}{frac} {currency}"),
    }
}

/// The symbol of a currency code, when it has a common one.
pub(crate) fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    }
}

/// A UTC date (`2026-09-01`) from microseconds.
pub(crate) fn date(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands_and_places_the_symbol() {
        assert_eq!(money(1234567.891, "USD", 2), "$1,234,567.89");
        assert_eq!(money(-950.0, "EUR", 0), "-€950");
        assert_eq!(money(12.5, "CHF", 1), "12.5 CHF");
        assert_eq!(money(999.0, "", 0), "999");
        assert_eq!(money(1000.0, "USD", 0), "$1,000");
    }
}
