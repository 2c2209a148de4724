//! GCP Cloud Billing exports (standard and detailed) to FOCUS 1.2, as users get them out of
//! BigQuery: CSV with dotted headers (`service.description`; `labels` and `credits` are JSON
//! text) or JSON lines with nested records. [`read_json_lines`] flattens JSON lines into the
//! CSV's shape, so one mapping serves both. What maps how:
//!
//! | FOCUS | from |
//! |---|---|
//! | BillingAccountId, BillingCurrency | `billing_account_id`, `currency` |
//! | BillingPeriodStart/End | `invoice.month` (`YYYYMM`): the month in Google's billing time zone, America/Los_Angeles, as UTC instants |
//! | ChargePeriodStart/End | `usage_start_time`, `usage_end_time` (`2024-01-01 00:00:00 UTC`) |
//! | ChargeCategory | `cost_type`: regular -> Usage, tax -> Tax, adjustment and rounding_error -> Adjustment (absent -> Usage) |
//! | ChargeClass | `Correction` when the row has `adjustment_info`, or is an adjustment of usage before its invoice month |
//! | ChargeFrequency | commitment fees (`sku.description` "Commitment...") Recurring, other regular rows Usage-Based, the rest One-Time |
//! | ChargeDescription | `sku.description` |
//! | BilledCost, ContractedCost | `cost` |
//! | EffectiveCost | `cost` + the sum of `credits[].amount` (credits are negative) |
//! | ListCost | `cost_at_list` (`cost` where absent) |
//! | PricingQuantity/Unit, ConsumedQuantity/Unit | `usage.amount_in_pricing_units`/`usage.pricing_unit`, `usage.amount`/`usage.unit` (consumed: regular rows) |
//! | PricingCategory | regular rows: Committed with a committed use discount credit or a commitment SKU, Dynamic for Spot/Preemptible SKUs, else Standard |
//! | CommitmentDiscount* | the first credit of type `COMMITTED_USAGE_DISCOUNT` (category Usage) or `COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE` (Spend): id (or full name, name), full name, type "Committed Use Discount", status Used |
//! | SubAccountId/Name/Type | `project.id`, `project.name`, "Project" |
//! | ServiceName, ServiceCategory | `service.description`, [`SERVICE_CATEGORY`] (unknown -> Other) |
//! | RegionId, AvailabilityZone | `location.region`, `location.zone` |
//! | ResourceId, ResourceName | `resource.global_name` (else `resource.name`), `resource.name` |
//! | SkuId | `sku.id` |
//! | ProviderName, PublisherName, InvoiceIssuerName | Google Cloud (publisher: `seller_name` for third-party rows) |
//! | Tags | `labels` `[{key, value}]` as one JSON object |
//!
//! Other columns are kept as `x_` extension columns (`x_service.id`, `x_credits`).
//!
//! Submodules: `json_lines` (reading and flattening JSON lines), `credits` (credit amounts and
//! committed use discounts), `period` (invoice months), `services` (ServiceCategory).

mod credits;
mod json_lines;
mod period;
mod services;

use std::collections::HashSet;

use polars::prelude::*;

use self::credits::{commitment_credit, credits_total, COMMITMENT_CREDITS};
use super::cur::lookup;
use super::format::BillingFormat;
use super::mapping::{Mapping, Parse};
use super::source::Probe;
use super::tags::same_key;
use crate::error::{Error, Position, Result};

pub use self::json_lines::{read_json_lines, sample_json_lines, Sample};
pub use self::period::{invoice_month_period, BILLING_TIME_ZONE};
pub use self::services::SERVICE_CATEGORY;
pub use super::tags::key_value_json;

/// The columns of a GCP export that capcast reads, with dotted names. [`read_json_lines`]
/// always returns them (null where a file lacks them).
pub const COLUMNS: [&str; 24] = [
    "billing_account_id",
    "service.id",
    "service.description",
    "sku.id",
    "sku.description",
    "usage_start_time",
    "usage_end_time",
    "project.id",
    "project.name",
    "labels",
    "location.region",
    "location.zone",
    "resource.name",
    "resource.global_name",
    "cost",
    "cost_at_list",
    "currency",
    "usage.amount",
    "usage.unit",
    "usage.amount_in_pricing_units",
    "usage.pricing_unit",
    "credits",
    "invoice.month",
    "cost_type",
];

/// `cost_type` to FOCUS ChargeCategory.
const CHARGE_CATEGORY: &[(&str, &str)] = &[
    ("regular", "Usage"),
    ("tax", "Tax"),
    ("adjustment", "Adjustment"),
    ("rounding_error", "Adjustment"),
];

/// Recognises GCP headers: `cost` and `usage_start_time` with `service.description`,
/// `service.id` or `billing_account_id`.
pub fn recognise(header: &HashSet<&str>, json_lines: bool) -> Option<BillingFormat> {
    let gcp = header.contains("cost")
        && header.contains("usage_start_time")
        && (header.contains("service.description")
            || header.contains("service.id")
            || header.contains("billing_account_id"));
    match (gcp, json_lines) {
        (false, _) => None,
        (true, true) => Some(BillingFormat::GcpJsonLines),
        (true, false) => Some(BillingFormat::GcpCsv),
    }
}

/// The mapping of a GCP export (CSV or JSON lines).
///
/// # Errors
/// A file without `cost` or `usage_start_time`.
pub fn mapping(probe: &Probe, format: BillingFormat) -> Result<Mapping> {
    // JSON lines: `read_json_lines` returns every standard column, whatever the first line has.
    let augmented;
    let probe = if format == BillingFormat::GcpJsonLines {
        let mut p = probe.clone();
        for name in COLUMNS {
            if !p.has(name) {
                p.header.push(name.to_string());
            }
        }
        augmented = p;
        &augmented
    } else {
        probe
    };
    for essential in ["cost", "usage_start_time"] {
        if !probe.has(essential) {
            return Err(Error::data(
                Position::file(&probe.path).row(0).column(essential),
                format!(
                    "missing mandatory column: expected the GCP billing column '{essential}' in the header (found {} columns)",
                    probe.header.len()
                ),
            ));
        }
    }
    let mut m = Mapping::default();
    let mut consumed: Vec<&str> = Vec::new();
    let mut take = |m: &mut Mapping, name: &'static str, parse: Parse| {
        if probe.has(name) {
            consumed.push(name);
        }
        m.parse_column(probe, name, parse)
    };
    let null_text = || lit(NULL).cast(DataType::String);

    let cost_type = take(&mut m, "cost_type", Parse::Text);
    let regular = cost_type.clone().eq(lit("regular")).fill_null(lit(true));
    let sku_description = take(&mut m, "sku.description", Parse::Text);
    let commitment_sku = sku_description
        .clone()
        .str()
        .to_lowercase()
        .str()
        .starts_with(lit("commitment"))
        .fill_null(lit(false));

    // Accounts and periods.
    let account = take(&mut m, "billing_account_id", Parse::Text);
    m.output("BillingAccountId", account);
    let currency = take(&mut m, "currency", Parse::Text);
    m.output("BillingCurrency", currency);
    let month = take(&mut m, "invoice.month", Parse::Text);
    let (period_start, period_end) = invoice_month_period(month)?;
    m.output("BillingPeriodStart", period_start.clone());
    m.output("BillingPeriodEnd", period_end);
    let start = take(&mut m, "usage_start_time", Parse::DateTime);
    let end = take(&mut m, "usage_end_time", Parse::DateTime);
    m.output("ChargePeriodStart", start.clone());
    m.output("ChargePeriodEnd", end);
    let project = take(&mut m, "project.id", Parse::Text);
    let project_name = take(&mut m, "project.name", Parse::Text);
    m.output("SubAccountId", project.clone());
    m.output("SubAccountName", project_name);
    m.output(
        "SubAccountType",
        when(project.is_not_null())
            .then(lit("Project"))
            .otherwise(null_text()),
    );

    // Charge category, class, frequency.
    m.output(
        "ChargeCategory",
        when(cost_type.clone().is_null())
            .then(lit("Usage"))
            .otherwise(lookup(
                cost_type.clone(),
                CHARGE_CATEGORY,
                Some("Adjustment"),
            )),
    );
    let mut adjusted = cost_type
        .clone()
        .eq(lit("adjustment"))
        .fill_null(lit(false))
        .and(start.clone().lt(period_start).fill_null(lit(false)));
    for name in [
        "adjustment_info.id",
        "adjustment_info.description",
        "adjustment_info.type",
        "adjustment_info.mode",
    ] {
        if probe.has(name) {
            let info = m.parse_column(probe, name, Parse::Text);
            adjusted = adjusted.or(info.is_not_null());
        }
    }
    m.output(
        "ChargeClass",
        when(adjusted)
            .then(lit("Correction"))
            .otherwise(null_text()),
    );
    m.output(
        "ChargeFrequency",
        when(regular.clone().and(commitment_sku.clone()))
            .then(lit("Recurring"))
            .when(regular.clone())
            .then(lit("Usage-Based"))
            .otherwise(lit("One-Time")),
    );
    m.output("ChargeDescription", sku_description.clone());

    // Costs.
    let cost = take(&mut m, "cost", Parse::Number);
    let credits = take(&mut m, "credits", Parse::Text);
    let path = probe.path.display().to_string();
    m.output("BilledCost", cost.clone());
    m.output("ContractedCost", cost.clone());
    m.output(
        "EffectiveCost",
        cost.clone() + credits_total(credits.clone(), &path),
    );
    let list = take(&mut m, "cost_at_list", Parse::Number);
    m.output("ListCost", coalesce(&[list, cost]));
    if probe.has("price.effective_price") {
        let price = take(&mut m, "price.effective_price", Parse::Number);
        m.output("ContractedUnitPrice", price);
    }
    let pricing_quantity = take(&mut m, "usage.amount_in_pricing_units", Parse::Number);
    let pricing_unit = take(&mut m, "usage.pricing_unit", Parse::Text);
    m.output("PricingQuantity", pricing_quantity);
    m.output("PricingUnit", pricing_unit);
    let amount = take(&mut m, "usage.amount", Parse::Number);
    let unit = take(&mut m, "usage.unit", Parse::Text);
    m.output(
        "ConsumedQuantity",
        when(regular.clone())
            .then(amount)
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );
    m.output(
        "ConsumedUnit",
        when(regular.clone()).then(unit).otherwise(null_text()),
    );

    // Commitments (committed use discounts arrive as credits on usage rows).
    let commitment = commitment_credit(credits, &path);
    let field = |path: &str| {
        commitment
            .clone()
            .str()
            .json_path_match(lit(path.to_string()))
    };
    let commitment_type = field("$.type");
    m.output(
        "CommitmentDiscountId",
        coalesce(&[field("$.id"), field("$.full_name"), field("$.name")]),
    );
    m.output(
        "CommitmentDiscountName",
        coalesce(&[field("$.full_name"), field("$.name")]),
    );
    m.output(
        "CommitmentDiscountCategory",
        lookup(commitment_type.clone(), COMMITMENT_CREDITS, None),
    );
    m.output(
        "CommitmentDiscountType",
        when(commitment.clone().is_not_null())
            .then(lit("Committed Use Discount"))
            .otherwise(null_text()),
    );
    m.output(
        "CommitmentDiscountStatus",
        when(commitment.clone().is_not_null().and(regular.clone()))
            .then(lit("Used"))
            .otherwise(null_text()),
    );
    let spot = sku_description
        .clone()
        .str()
        .contains(lit("(?i)spot|preemptible"), false)
        .fill_null(lit(false));
    m.output(
        "PricingCategory",
        when(regular.clone().not())
            .then(null_text())
            .when(commitment.is_not_null().or(commitment_sku))
            .then(lit("Committed"))
            .when(spot)
            .then(lit("Dynamic"))
            .otherwise(lit("Standard")),
    );

    // Provider, service, location, resource, SKU.
    m.output("ProviderName", lit("Google Cloud"));
    m.output("InvoiceIssuerName", lit("Google Cloud"));
    let publisher = if probe.has("seller_name") {
        let seller = m.parse_column(probe, "seller_name", Parse::Text);
        let google = if probe.has("transaction_type") {
            let kind = m.parse_column(probe, "transaction_type", Parse::Text);
            kind.eq(lit("GOOGLE")).fill_null(lit(true))
        } else {
            lit(false)
        };
        when(google)
            .then(lit("Google Cloud"))
            .otherwise(coalesce(&[seller, lit("Google Cloud")]))
    } else {
        lit("Google Cloud")
    };
    m.output("PublisherName", publisher);
    let service = take(&mut m, "service.description", Parse::Text);
    m.output("ServiceName", service.clone());
    m.output(
        "ServiceCategory",
        lookup(service, SERVICE_CATEGORY, Some("Other")),
    );
    let region = take(&mut m, "location.region", Parse::Text);
    m.output("RegionId", region);
    let zone = take(&mut m, "location.zone", Parse::Text);
    m.output("AvailabilityZone", zone);
    let resource_name = take(&mut m, "resource.name", Parse::Text);
    let global_name = take(&mut m, "resource.global_name", Parse::Text);
    m.output(
        "ResourceId",
        coalesce(&[global_name, resource_name.clone()]),
    );
    m.output("ResourceName", resource_name);
    let sku = take(&mut m, "sku.id", Parse::Text);
    m.output("SkuId", sku);
    if probe.has("labels") {
        consumed.push("labels");
        let labels = m.parse_column(probe, "labels", Parse::Text);
        m.output(
            "Tags",
            key_value_json(labels, "labels", &probe.path, same_key),
        );
    }

    // `credits` stays as text too: it is the detail behind EffectiveCost.
    consumed.retain(|c| *c != "credits");
    m.keep_unmapped(probe, "x_", &consumed);
    m.notes.push(
        "EffectiveCost = cost + sum(credits.amount); BillingPeriodStart/End = invoice.month in America/Los_Angeles"
            .to_string(),
    );
    if !probe.has("cost_at_list") {
        m.notes
            .push("the file has no cost_at_list: ListCost = cost".to_string());
    }
    m.notes
        .push("GCP exports have no billing account name: BillingAccountName is null".to_string());
    Ok(m)
}
