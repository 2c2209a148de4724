//! The backtest on a billing history: read the bill ([`super::bill_usage`]), price its pools
//! with a catalog ([`super::instruments_from_catalog`]), then buy at a date with each policy
//! of [`super::backtest`] (capcast, Cost-Explorer-like, hindsight, on demand), the commitments
//! owned at that date netted out until they end, and bill the following hours as they
//! happened.
//!
//! Commitments the bill shows bought *after* the purchase date are not netted: the policies
//! decide in their place (said in [`BillBacktest::notes`]). With `net_owned` false none is:
//! the policies start from nothing (what each would have bought for the whole usage). Pools
//! the catalog does not price are left out, said.

use polars::prelude::LazyFrame;

use super::billing::{bill_usage, BillingParams, HOUR_US};
use super::{backtest, Backtest, BacktestParams, PoolKey, PricedBill};
use crate::error::{Error, Result};
use crate::optimize::catalog::Catalog;

/// The backtest of a bill and what it was run on.
#[derive(Debug, Clone, PartialEq)]
pub struct BillBacktest {
    /// Every policy's realised cost and regret.
    pub backtest: Backtest,
    /// The purchase hour, from the bill's first hour.
    pub buy_hour: usize,
    /// Hours billed after the purchase.
    pub eval_hours: usize,
    /// The pools priced (in the bill's order).
    pub pools: Vec<PoolKey>,
    /// Assumptions made reading the bill, pools and commitments left out.
    pub notes: Vec<String>,
}

fn date(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us).map_or_else(
        || us.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// Runs the backtest of the module docs, buying at `buy_at_us` (microseconds since the epoch,
/// UTC; floored to the hour), the commitments owned then netted out when `net_owned`. `params.buy_hour` is ignored (set from `buy_at_us`);
/// `params.eval_hours` is capped at the rest of the bill.
///
/// # Errors
/// [`Error::Parameter`] when `buy_at_us` is outside the bill or leaves less than the lookback
/// before it; the errors of [`bill_usage`], [`super::BillUsage::priced`] and [`backtest`].
pub fn backtest_bill(
    costs: LazyFrame,
    catalog: &Catalog,
    buy_at_us: i64,
    billing: &BillingParams,
    params: &BacktestParams,
    net_owned: bool,
) -> Result<BillBacktest> {
    let read = bill_usage(costs, billing)?;
    let PricedBill {
        mut bill,
        pools,
        instruments,
        mut notes,
    } = read.priced(catalog)?;
    notes.splice(0..0, bill.assumptions.iter().cloned());
    let (start, end) = (bill.start_us, bill.end_us());
    let lookback = params.lookback_hours.max(1);
    let earliest = start + lookback as i64 * HOUR_US;
    if buy_at_us < earliest || buy_at_us >= end {
        return Err(Error::parameter(
            "buy_at",
            format!(
                "{} must leave {lookback} hours of history before it and some after it: the bill's eligible usage runs from {} to {}, so buy between {} and {}",
                date(buy_at_us),
                date(start),
                date(end),
                date(earliest),
                date(end - HOUR_US)
            ),
        ));
    }
    let buy_hour = ((buy_at_us - start) / HOUR_US) as usize;
    if !net_owned && !bill.owned.is_empty() {
        notes.push(format!(
            "the {} owned commitments are not netted: the policies start from nothing",
            bill.owned.len()
        ));
        bill.owned.clear();
    }
    bill.owned.retain(|c| {
        let keep = c.start_us <= buy_at_us;
        if !keep {
            notes.push(format!(
                "commitment '{}' was bought {}, after the purchase date: not netted (the policies decide in its place)",
                c.id,
                date(c.start_us)
            ));
        }
        keep
    });
    let history = bill.history(pools)?;
    let (existing, owned_notes) = bill.existing(&instruments, start);
    notes.extend(owned_notes);
    let mut run = params.clone();
    run.buy_hour = buy_hour;
    run.eval_hours = params.eval_hours.min(bill.hours - buy_hour);
    let backtest = backtest(&history, &instruments, &existing, &run)?;
    Ok(BillBacktest {
        backtest,
        buy_hour,
        eval_hours: run.eval_hours,
        pools: bill.pools,
        notes,
    })
}
