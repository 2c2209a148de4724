//! Commitment accounting from FOCUS 1.2 billing rows: what each commitment cost, how much of
//! it was used, and how much of the eligible usage commitments covered.
//!
//! Per `CommitmentDiscountId`:
//! - `purchased`: the `BilledCost` of its `Purchase` rows (one-time and recurring fees);
//! - `used_quantity`, `unused_quantity`: the `CommitmentDiscountQuantity` of its `Usage` rows
//!   with `CommitmentDiscountStatus` `Used` / `Unused` (purchase-row quantities are never
//!   added to usage-row quantities, as the spec requires);
//! - `used_cost`, `unused_cost`: the `EffectiveCost` of those rows (their sum is the amortized
//!   commitment, equal to `purchased` when the bill spans the purchase's period);
//! - `utilization`: `used_quantity / (used_quantity + unused_quantity)`.
//!
//! Coverage (the whole bill): `1 - on-demand list cost / eligible list value`, where the
//! on-demand list cost is the `ListCost` of `Usage` rows with no `CommitmentDiscountId` and
//! the eligible list value sums, per resource and charge period, the largest
//! `ConsumedQuantity * ListUnitPrice` of its usage rows that are not `Unused` commitment rows.
//! `None` without `ListUnitPrice`.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::bill_columns::text;
use crate::error::{Error, Position, Result};

/// One commitment's accounting.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CommitmentAccounting {
    /// `CommitmentDiscountId`.
    pub id: String,
    /// `BilledCost` of its purchase rows.
    pub purchased: f64,
    /// Commitment quantity used.
    pub used_quantity: f64,
    /// Commitment quantity unused.
    pub unused_quantity: f64,
    /// `EffectiveCost` of the used rows.
    pub used_cost: f64,
    /// `EffectiveCost` of the unused rows.
    pub unused_cost: f64,
    /// Used share of the quantity (NaN with no usage rows).
    pub utilization: f64,
}

/// Accounting of a whole bill.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BillAccounting {
    /// Per commitment, by id.
    pub commitments: Vec<CommitmentAccounting>,
    /// Share of eligible usage (list value) covered by commitments; `None` without list
    /// prices.
    pub coverage: Option<f64>,
}

fn number(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    text(df, name)?
        .into_iter()
        .enumerate()
        .map(|(row, v)| {
            v.map(|s| {
                s.parse::<f64>().map_err(|_| {
                    Error::data(
                        Position::default()
                            .row(row as u64 + 1)
                            .column(name)
                            .value(s.clone()),
                        "expected a number",
                    )
                })
            })
            .transpose()
        })
        .collect()
}

/// Accounts every commitment of a FOCUS frame (module docs). Columns may be strings (`null`
/// and blanks are missing) or numbers; missing columns count as empty.
///
/// # Errors
/// [`Error::Data`] for a number column holding text, naming the row and value.
pub fn commitment_accounting(df: &DataFrame) -> Result<BillAccounting> {
    let category = text(df, "ChargeCategory")?;
    let id = text(df, "CommitmentDiscountId")?;
    let status = text(df, "CommitmentDiscountStatus")?;
    let quantity = number(df, "CommitmentDiscountQuantity")?;
    let billed = number(df, "BilledCost")?;
    let effective = number(df, "EffectiveCost")?;
    let list_cost = number(df, "ListCost")?;
    let list_unit = number(df, "ListUnitPrice")?;
    let consumed = number(df, "ConsumedQuantity")?;
    let resource = text(df, "ResourceId")?;
    let period = text(df, "ChargePeriodStart")?;
    let mut out: BTreeMap<String, CommitmentAccounting> = BTreeMap::new();
    let mut on_demand_list = 0.0;
    let mut eligible: BTreeMap<(String, String), f64> = BTreeMap::new();
    let has_list = df.column("ListUnitPrice").is_ok();
    for row in 0..df.height() {
        let category = category[row].as_deref().unwrap_or("");
        let status = status[row].as_deref();
        if let Some(id) = &id[row] {
            let entry = out
                .entry(id.clone())
                .or_insert_with(|| CommitmentAccounting {
                    id: id.clone(),
                    purchased: 0.0,
                    used_quantity: 0.0,
                    unused_quantity: 0.0,
                    used_cost: 0.0,
                    unused_cost: 0.0,
                    utilization: f64::NAN,
                });
            match (category, status) {
                ("Purchase", _) => entry.purchased += billed[row].unwrap_or(0.0),
                ("Usage", Some("Used")) => {
                    entry.used_quantity += quantity[row].unwrap_or(0.0);
                    entry.used_cost += effective[row].unwrap_or(0.0);
                }
                ("Usage", Some("Unused")) => {
                    entry.unused_quantity += quantity[row].unwrap_or(0.0);
                    entry.unused_cost += effective[row].unwrap_or(0.0);
                }
                _ => {}
            }
        } else if category == "Usage" {
            on_demand_list += list_cost[row].unwrap_or(0.0);
        }
        if category == "Usage" && status != Some("Unused") {
            let value = consumed[row].unwrap_or(0.0) * list_unit[row].unwrap_or(0.0);
            let key = (
                resource[row].clone().unwrap_or_default(),
                period[row].clone().unwrap_or_default(),
            );
            let slot = eligible.entry(key).or_insert(0.0);
            *slot = slot.max(value);
        }
    }
    let commitments = out
        .into_values()
        .map(|mut c| {
            let total = c.used_quantity + c.unused_quantity;
            c.utilization = if total > 0.0 {
                c.used_quantity / total
            } else {
                f64::NAN
            };
            c
        })
        .collect();
    let eligible_value: f64 = eligible.values().sum();
    let coverage =
        (has_list && eligible_value > 0.0).then(|| 1.0 - on_demand_list / eligible_value);
    Ok(BillAccounting {
        commitments,
        coverage,
    })
}
