//! `lineItem/LineItemType` in the AWS CUR: its FOCUS ChargeCategory and ChargeFrequency
//! tables, the groups of types the mapping tests for, and the rules that depend on the type
//! (EffectiveCost amortization, PricingCategory).

use polars::prelude::*;

use super::lookup::one_of;

/// `lineItem/LineItemType` to FOCUS ChargeCategory; other types become `Adjustment`.
pub const CHARGE_CATEGORY: &[(&str, &str)] = &[
    ("Usage", "Usage"),
    ("DiscountedUsage", "Usage"),
    ("SavingsPlanCoveredUsage", "Usage"),
    ("SavingsPlanNegation", "Usage"),
    ("EdpDiscount", "Usage"),
    ("PrivateRateDiscount", "Usage"),
    ("BundledDiscount", "Usage"),
    ("DistributorDiscount", "Usage"),
    ("Discount", "Usage"),
    ("SavingsPlanUpfrontFee", "Purchase"),
    ("SavingsPlanRecurringFee", "Purchase"),
    ("RIFee", "Purchase"),
    ("Fee", "Purchase"),
    ("Tax", "Tax"),
    ("Credit", "Credit"),
    ("Refund", "Credit"),
];

/// `lineItem/LineItemType` to FOCUS ChargeFrequency (tax follows usage, as in AWS's own
/// FOCUS export); other types are null.
pub const CHARGE_FREQUENCY: &[(&str, &str)] = &[
    ("Usage", "Usage-Based"),
    ("DiscountedUsage", "Usage-Based"),
    ("SavingsPlanCoveredUsage", "Usage-Based"),
    ("SavingsPlanNegation", "Usage-Based"),
    ("EdpDiscount", "Usage-Based"),
    ("PrivateRateDiscount", "Usage-Based"),
    ("BundledDiscount", "Usage-Based"),
    ("DistributorDiscount", "Usage-Based"),
    ("Discount", "Usage-Based"),
    ("Tax", "Usage-Based"),
    ("RIFee", "Recurring"),
    ("SavingsPlanRecurringFee", "Recurring"),
    ("Fee", "One-Time"),
    ("SavingsPlanUpfrontFee", "One-Time"),
    ("Credit", "One-Time"),
    ("Refund", "One-Time"),
];

/// Negotiated-discount line item types: usage-category rows with negative cost.
pub(super) const DISCOUNTS: &[&str] = &[
    "EdpDiscount",
    "PrivateRateDiscount",
    "BundledDiscount",
    "DistributorDiscount",
    "Discount",
];

/// Line item types whose rows are consumption (ConsumedQuantity is set).
pub(super) const CONSUMPTION: &[&str] = &["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"];

/// The inputs of [`effective_cost`] (parsed columns; typed nulls where the file lacks them).
pub struct EffectiveInputs {
    /// `lineItem/UnblendedCost`.
    pub unblended: Expr,
    /// `reservation/EffectiveCost`.
    pub reservation_effective: Expr,
    /// `savingsPlan/SavingsPlanEffectiveCost`.
    pub savings_plan_effective: Expr,
    /// `savingsPlan/TotalCommitmentToDate`.
    pub commitment_to_date: Expr,
    /// `savingsPlan/UsedCommitment`.
    pub used_commitment: Expr,
    /// `reservation/UnusedAmortizedUpfrontFeeForBillingPeriod`.
    pub unused_upfront: Expr,
    /// `reservation/UnusedRecurringFee`.
    pub unused_recurring: Expr,
    /// `reservation/ReservationARN`.
    pub reservation_arn: Expr,
}

/// EffectiveCost (amortized) by line item type:
///
/// | LineItemType | EffectiveCost |
/// |---|---|
/// | DiscountedUsage (RI-covered) | `reservation/EffectiveCost` |
/// | SavingsPlanCoveredUsage | `savingsPlan/SavingsPlanEffectiveCost` |
/// | SavingsPlanNegation, SavingsPlanUpfrontFee | 0 |
/// | SavingsPlanRecurringFee | `TotalCommitmentToDate - UsedCommitment` (the unused part) |
/// | RIFee | `UnusedAmortizedUpfrontFeeForBillingPeriod + UnusedRecurringFee` |
/// | Fee with a reservation ARN (RI upfront) | 0 |
/// | anything else (Usage, Tax, Credit, Refund, discounts, other fees) | `lineItem/UnblendedCost` |
///
/// Covered usage whose amortized column is empty falls back to the unblended cost; missing
/// parts of the unused-commitment sums count as 0.
pub fn effective_cost(line_type: Expr, x: EffectiveInputs) -> Expr {
    let is = |types: &[&str]| one_of(line_type.clone(), types);
    let zero = || lit(0.0);
    when(is(&["DiscountedUsage"]))
        .then(coalesce(&[x.reservation_effective, x.unblended.clone()]))
        .when(is(&["SavingsPlanCoveredUsage"]))
        .then(coalesce(&[x.savings_plan_effective, x.unblended.clone()]))
        .when(is(&["SavingsPlanNegation", "SavingsPlanUpfrontFee"]))
        .then(zero())
        .when(is(&["SavingsPlanRecurringFee"]))
        .then(x.commitment_to_date.fill_null(zero()) - x.used_commitment.fill_null(zero()))
        .when(is(&["RIFee"]))
        .then(x.unused_upfront.fill_null(zero()) + x.unused_recurring.fill_null(zero()))
        .when(is(&["Fee"]).and(x.reservation_arn.is_not_null()))
        .then(zero())
        .otherwise(x.unblended)
}

/// PricingCategory: covered usage and its negation are Committed, purchases Standard, other
/// usage by `pricing/term` (spot usage types are Dynamic); null for tax, credits and rows
/// without a term.
pub(super) fn pricing_category(
    line_type: Expr,
    category: Expr,
    term: Expr,
    usage_type: Expr,
) -> Expr {
    let term = term
        .str()
        .to_lowercase()
        .str()
        .replace_all(lit("[-_ ]"), lit(""), false);
    let spot = usage_type
        .str()
        .contains(lit("SpotUsage"), false)
        .fill_null(lit(false))
        .or(term.clone().eq(lit("spot")).fill_null(lit(false)));
    when(one_of(
        line_type,
        &[
            "DiscountedUsage",
            "SavingsPlanCoveredUsage",
            "SavingsPlanNegation",
        ],
    ))
    .then(lit("Committed"))
    .when(category.clone().eq(lit("Purchase")))
    .then(lit("Standard"))
    .when(category.neq(lit("Usage")).fill_null(lit(true)))
    .then(lit(NULL).cast(DataType::String))
    .when(spot)
    .then(lit("Dynamic"))
    .when(term.clone().eq(lit("ondemand")))
    .then(lit("Standard"))
    .when(term.clone().eq(lit("reserved")))
    .then(lit("Committed"))
    .when(term.is_null())
    .then(lit(NULL).cast(DataType::String))
    .otherwise(lit("Other"))
}
