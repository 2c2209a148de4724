//! AWS Cost and Usage Reports to FOCUS 1.2: the legacy CUR (`lineItem/UnblendedCost`, CSV or
//! gzip CSV, one column per product attribute and per tag) and CUR 2.0 from AWS Data Exports
//! (snake_case `line_item_unblended_cost`, Parquet or gzip CSV, map columns `resource_tags`,
//! `product`, `cost_category`, `discount`).
//!
//! One mapping serves both: it is written with legacy names, and [`column_name`] turns them
//! into CUR 2.0 names (`savingsPlan/SavingsPlanARN` -> `savings_plan_savings_plan_a_r_n`, the
//! rule AWS itself uses). What maps how:
//!
//! | FOCUS | from |
//! |---|---|
//! | BillingAccountId, BillingAccountName | `bill/PayerAccountId`, `bill/PayerAccountName` (CUR 2.0 only) |
//! | SubAccountId, SubAccountName | `lineItem/UsageAccountId`, `lineItem/UsageAccountName` (CUR 2.0 only) |
//! | BillingPeriodStart/End, ChargePeriodStart/End | `bill/BillingPeriodStartDate`/`EndDate`, `lineItem/UsageStartDate`/`EndDate` |
//! | ChargeCategory, ChargeClass, ChargeFrequency | `lineItem/LineItemType` ([`CHARGE_CATEGORY`], [`CHARGE_FREQUENCY`]; `Refund` is a `Correction`) |
//! | BilledCost | `lineItem/NetUnblendedCost` when the file has it, else `lineItem/UnblendedCost` |
//! | EffectiveCost | per line item type, see [`effective_cost`] |
//! | ListCost, ListUnitPrice | `pricing/publicOnDemandCost` (or `publicOnDemandRate` x `UsageAmount`), `pricing/publicOnDemandRate` |
//! | ContractedCost, ContractedUnitPrice | BilledCost and `lineItem/UnblendedRate`, except RI-covered usage (list) and Savings Plan negation (0) |
//! | PricingCategory | `pricing/term` (OnDemand -> Standard, Reserved -> Committed, Spot -> Dynamic); covered usage -> Committed; purchases -> Standard |
//! | PricingQuantity, PricingUnit, ConsumedQuantity, ConsumedUnit | `lineItem/UsageAmount`, `pricing/unit` (consumed: usage rows only) |
//! | CommitmentDiscountId/Type/Category/Status | `reservation/ReservationARN` (Reserved Instance, Usage) or `savingsPlan/SavingsPlanARN` (Savings Plan, Spend); Used on covered usage |
//! | CommitmentDiscountQuantity/Unit | on covered usage: `lineItem/UsageAmount` Hours (DiscountedUsage), `savingsPlan/SavingsPlanEffectiveCost` USD (SavingsPlanCoveredUsage) |
//! | ProviderName, PublisherName, InvoiceIssuerName, InvoiceId | `AWS`, `bill/BillingEntity`, `bill/InvoicingEntity`, `bill/InvoiceId` |
//! | ServiceName, ServiceCategory | `product/ProductName` (CUR 2.0: `product` map's `product_name`; else `lineItem/ProductCode`), [`SERVICE_CATEGORY`] by product code |
//! | RegionId, RegionName, AvailabilityZone | `product/regionCode` (else `product/region`), `product/location`, `lineItem/AvailabilityZone` |
//! | ResourceId, ResourceType | `lineItem/ResourceId`, `product/productFamily` where there is a resource |
//! | SkuId, SkuPriceId, SkuPriceDetails | `product/sku`, `pricing/RateCode`, JSON of InstanceType, CoreCount (vCPU), MemorySize (GiB), OperatingSystem, StorageClass |
//! | Tags | every `resourceTags/user:<key>` column (`aws:` tags keep their prefix), CUR 2.0's `resource_tags` map (`user_team` -> `team`) |
//!
//! Every other column is kept as an `x_` extension column (`x_product/instanceType`,
//! `x_identity/LineItemId`); CUR 2.0's other map columns become JSON text (`x_product`).
//! Line items are identified by `identity/LineItemId` and `identity/TimeInterval`, so parts
//! delivered twice are found.
//!
//! Submodules: `line_items` (the LineItemType tables, EffectiveCost, PricingCategory),
//! `services` (ServiceCategory by product code), `tags` (tag columns and CUR 2.0 tag keys),
//! `lookup` (table look-ups on expressions).

mod line_items;
mod lookup;
mod services;
mod tags;

use std::collections::HashSet;

use polars::prelude::*;

use self::line_items::{pricing_category, CONSUMPTION, DISCOUNTS};
use self::tags::tag_columns;
use super::format::BillingFormat;
use super::mapping::{Mapping, Parse};
use super::pipeline::{FILE, ROW};
use super::source::Probe;
use super::tags::{json_number_or_string, key_value_json, same_key};
use crate::error::{Error, Position, Result};

pub use self::line_items::{effective_cost, EffectiveInputs, CHARGE_CATEGORY, CHARGE_FREQUENCY};
pub use self::lookup::{lookup, one_of};
pub use self::services::SERVICE_CATEGORY;
pub use self::tags::cur2_tag_key;
pub use super::tags::{json_object, json_string};

/// CUR 2.0 map columns; each becomes JSON object text (`resource_tags` becomes Tags).
const MAP_COLUMNS: [&str; 4] = ["resource_tags", "product", "cost_category", "discount"];

/// Recognises CUR headers: legacy by `lineItem/UnblendedCost` (or `lineItem/LineItemType` with
/// `identity/LineItemId`), CUR 2.0 by `line_item_unblended_cost` or `line_item_line_item_type`.
pub fn recognise(header: &HashSet<&str>) -> Option<BillingFormat> {
    if header.contains("lineItem/UnblendedCost")
        || (header.contains("lineItem/LineItemType") && header.contains("identity/LineItemId"))
    {
        Some(BillingFormat::AwsCurLegacy)
    } else if header.contains("line_item_unblended_cost")
        || header.contains("line_item_line_item_type")
    {
        Some(BillingFormat::AwsCur2)
    } else {
        None
    }
}

/// The name of legacy CUR column `legacy` (`group/Field`) in `format`: unchanged for the
/// legacy CUR; for CUR 2.0 the group and field in snake_case, every capital starting a new
/// word (`savingsPlan/SavingsPlanARN` -> `savings_plan_savings_plan_a_r_n`).
pub fn column_name(format: BillingFormat, legacy: &str) -> String {
    if format != BillingFormat::AwsCur2 {
        return legacy.to_string();
    }
    let mut out = String::with_capacity(legacy.len() + 8);
    for (i, part) in legacy.split('/').enumerate() {
        if i > 0 {
            out.push('_');
        }
        for (j, ch) in part.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if j > 0 {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            } else {
                out.push(ch);
            }
        }
    }
    out
}

/// The mapping being built for one CUR file: parses columns by legacy name and remembers
/// which raw columns became FOCUS columns (the others are kept as `x_` columns).
struct Builder<'a> {
    probe: &'a Probe,
    format: BillingFormat,
    m: Mapping,
    consumed: Vec<String>,
}

impl Builder<'_> {
    fn name(&self, legacy: &str) -> String {
        column_name(self.format, legacy)
    }

    fn has(&self, legacy: &str) -> bool {
        self.probe.has(&self.name(legacy))
    }

    /// Parses a column that becomes a FOCUS column (not kept as an extension).
    fn take(&mut self, legacy: &str, parse: Parse) -> Expr {
        let name = self.name(legacy);
        if self.probe.has(&name) && !self.consumed.contains(&name) {
            self.consumed.push(name.clone());
        }
        self.m.parse_column(self.probe, &name, parse)
    }

    fn number(&mut self, legacy: &str) -> Expr {
        self.take(legacy, Parse::Number)
    }

    fn text(&mut self, legacy: &str) -> Expr {
        self.take(legacy, Parse::Text)
    }

    fn time(&mut self, legacy: &str) -> Expr {
        self.take(legacy, Parse::DateTime)
    }

    /// Parses a column used inside a derived value but also kept as an `x_` column.
    fn peek(&mut self, legacy: &str) -> Expr {
        let name = self.name(legacy);
        self.m.parse_column(self.probe, &name, Parse::Text)
    }

    /// A product attribute (`product/vcpu`): its own column in the legacy CUR (and for the
    /// fixed `product_*` columns of CUR 2.0), else the key of CUR 2.0's `product` map.
    fn product(&mut self, legacy: &str, product_json: &Option<Expr>) -> Expr {
        let column = self.peek(legacy);
        match (self.format, product_json) {
            (BillingFormat::AwsCur2, Some(json)) if !self.has(legacy) => {
                let field = legacy.trim_start_matches("product/");
                let key = column_name(BillingFormat::AwsCur2, field);
                json.clone().str().json_path_match(lit(format!("$.{key}")))
            }
            _ => column,
        }
    }
}

/// The mapping of a legacy CUR or CUR 2.0 file.
///
/// # Errors
/// A file without the line item type, the unblended cost or the usage start date.
pub fn mapping(probe: &Probe, format: BillingFormat) -> Result<Mapping> {
    let mut b = Builder {
        probe,
        format,
        m: Mapping::default(),
        consumed: Vec::new(),
    };
    for essential in [
        "lineItem/LineItemType",
        "lineItem/UnblendedCost",
        "lineItem/UsageStartDate",
    ] {
        if !b.has(essential) {
            let name = b.name(essential);
            return Err(Error::data(
                Position::file(&probe.path).row(0).column(name.clone()),
                format!(
                    "missing mandatory column: expected the AWS CUR column '{name}' in the header (found {} columns)",
                    probe.header.len()
                ),
            ));
        }
    }

    // CUR 2.0 map columns as JSON object text.
    let mut maps: Vec<(&str, Expr)> = Vec::new();
    if format == BillingFormat::AwsCur2 {
        for name in MAP_COLUMNS {
            if probe.has(name) {
                b.consumed.push(name.to_string());
                let key_fn: fn(&str) -> String = if name == "resource_tags" {
                    cur2_tag_key
                } else {
                    same_key
                };
                maps.push((name, key_value_json(col(name), name, &probe.path, key_fn)));
            }
        }
    }
    let map_json = |name: &str| {
        maps.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| e.clone())
    };
    let product_json = map_json("product");

    let line_type = b.text("lineItem/LineItemType");
    let is = |types: &[&str]| one_of(line_type.clone(), types);

    // Accounts, periods, descriptions.
    let payer = b.text("bill/PayerAccountId");
    b.m.output("BillingAccountId", payer);
    let payer_name = b.text("bill/PayerAccountName");
    b.m.output("BillingAccountName", payer_name);
    let account = b.text("lineItem/UsageAccountId");
    b.m.output("SubAccountId", account);
    let account_name = b.text("lineItem/UsageAccountName");
    b.m.output("SubAccountName", account_name);
    let currency = b.text("lineItem/CurrencyCode");
    b.m.output("BillingCurrency", currency);
    for (focus, legacy) in [
        ("BillingPeriodStart", "bill/BillingPeriodStartDate"),
        ("BillingPeriodEnd", "bill/BillingPeriodEndDate"),
        ("ChargePeriodStart", "lineItem/UsageStartDate"),
        ("ChargePeriodEnd", "lineItem/UsageEndDate"),
    ] {
        let value = b.time(legacy);
        b.m.output(focus, value);
    }
    let description = b.text("lineItem/LineItemDescription");
    b.m.output("ChargeDescription", description);

    // Charge category, class and frequency.
    let category = lookup(line_type.clone(), CHARGE_CATEGORY, Some("Adjustment"));
    b.m.output("ChargeCategory", category.clone());
    b.m.output(
        "ChargeClass",
        when(line_type.clone().eq(lit("Refund")))
            .then(lit("Correction"))
            .otherwise(lit(NULL).cast(DataType::String)),
    );
    b.m.output(
        "ChargeFrequency",
        lookup(line_type.clone(), CHARGE_FREQUENCY, None),
    );

    // Costs.
    let unblended = b.number("lineItem/UnblendedCost");
    let has_net = b.has("lineItem/NetUnblendedCost");
    let billed = if has_net {
        let net = b.number("lineItem/NetUnblendedCost");
        coalesce(&[net, unblended.clone()])
    } else {
        unblended.clone()
    };
    b.m.output("BilledCost", billed.clone());
    let components = EffectiveInputs {
        unblended: unblended.clone(),
        reservation_effective: b.number("reservation/EffectiveCost"),
        savings_plan_effective: b.number("savingsPlan/SavingsPlanEffectiveCost"),
        commitment_to_date: b.number("savingsPlan/TotalCommitmentToDate"),
        used_commitment: b.number("savingsPlan/UsedCommitment"),
        unused_upfront: b.number("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"),
        unused_recurring: b.number("reservation/UnusedRecurringFee"),
        reservation_arn: b.text("reservation/ReservationARN"),
    };
    let reservation_arn = components.reservation_arn.clone();
    let savings_plan_used = components.savings_plan_effective.clone();
    b.m.output(
        "EffectiveCost",
        effective_cost(line_type.clone(), components),
    );

    let public_cost = b.number("pricing/publicOnDemandCost");
    let public_rate = b.number("pricing/publicOnDemandRate");
    let amount = b.number("lineItem/UsageAmount");
    let list = coalesce(&[
        public_cost,
        public_rate.clone() * amount.clone(),
        billed.clone(),
    ]);
    b.m.output(
        "ListCost",
        when(is(&["SavingsPlanNegation"]).or(is(DISCOUNTS)))
            .then(lit(0.0))
            .otherwise(list.clone()),
    );
    b.m.output(
        "ContractedCost",
        when(is(&["DiscountedUsage"]))
            .then(list)
            .when(is(&["SavingsPlanNegation"]))
            .then(lit(0.0))
            .otherwise(billed),
    );
    b.m.output("ListUnitPrice", public_rate.clone());
    let rate = b.number("lineItem/UnblendedRate");
    let rate = if has_net && b.has("lineItem/NetUnblendedRate") {
        let net_rate = b.number("lineItem/NetUnblendedRate");
        coalesce(&[net_rate, rate])
    } else {
        rate
    };
    b.m.output(
        "ContractedUnitPrice",
        when(is(&["Usage", "SavingsPlanCoveredUsage"]))
            .then(rate)
            .when(is(&["DiscountedUsage"]))
            .then(public_rate)
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );

    // Pricing and consumption.
    let term = b.text("pricing/term");
    let usage_type = b.peek("lineItem/UsageType");
    b.m.output(
        "PricingCategory",
        pricing_category(line_type.clone(), category.clone(), term, usage_type),
    );
    let unit = b.text("pricing/unit");
    b.m.output("PricingQuantity", amount.clone());
    b.m.output("PricingUnit", unit.clone());
    let pricing_currency = b.text("pricing/currency");
    b.m.output("PricingCurrency", pricing_currency);
    b.m.output(
        "ConsumedQuantity",
        when(is(CONSUMPTION))
            .then(amount.clone())
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );
    b.m.output(
        "ConsumedUnit",
        when(is(CONSUMPTION))
            .then(unit)
            .otherwise(lit(NULL).cast(DataType::String)),
    );

    // Commitments.
    let savings_plan_arn = b.text("savingsPlan/SavingsPlanARN");
    let commitment_id = coalesce(&[reservation_arn.clone(), savings_plan_arn.clone()]);
    b.m.output("CommitmentDiscountId", commitment_id.clone());
    let null_text = || lit(NULL).cast(DataType::String);
    b.m.output(
        "CommitmentDiscountType",
        when(reservation_arn.clone().is_not_null())
            .then(lit("Reserved Instance"))
            .when(savings_plan_arn.clone().is_not_null())
            .then(lit("Savings Plan"))
            .otherwise(null_text()),
    );
    b.m.output(
        "CommitmentDiscountCategory",
        when(reservation_arn.is_not_null())
            .then(lit("Usage"))
            .when(savings_plan_arn.is_not_null())
            .then(lit("Spend"))
            .otherwise(null_text()),
    );
    b.m.output(
        "CommitmentDiscountStatus",
        when(commitment_id.is_not_null().and(category.eq(lit("Usage"))))
            .then(lit("Used"))
            .otherwise(null_text()),
    );
    // What the covered usage consumed of its commitment: instance-hours of a reservation,
    // dollars of a Savings Plan's commitment (its effective cost).
    b.m.output(
        "CommitmentDiscountQuantity",
        when(is(&["DiscountedUsage"]))
            .then(amount)
            .when(is(&["SavingsPlanCoveredUsage"]))
            .then(savings_plan_used)
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );
    b.m.output(
        "CommitmentDiscountUnit",
        when(is(&["DiscountedUsage"]))
            .then(lit("Hours"))
            .when(is(&["SavingsPlanCoveredUsage"]))
            .then(lit("USD"))
            .otherwise(null_text()),
    );

    // Provider, invoice, service.
    b.m.output("ProviderName", lit("AWS"));
    let publisher = b.text("bill/BillingEntity");
    b.m.output("PublisherName", coalesce(&[publisher, lit("AWS")]));
    let issuer = b.text("bill/InvoicingEntity");
    b.m.output("InvoiceIssuerName", coalesce(&[issuer, lit("AWS")]));
    let invoice = b.text("bill/InvoiceId");
    b.m.output("InvoiceId", invoice);
    let product_name = if format == BillingFormat::AwsCur2 && !b.has("product/ProductName") {
        b.product("product/ProductName", &product_json)
    } else {
        b.text("product/ProductName")
    };
    let product_code = b.text("lineItem/ProductCode");
    let service_code = b.peek("product/servicecode");
    b.m.output(
        "ServiceName",
        coalesce(&[product_name, product_code.clone()]),
    );
    b.m.output(
        "ServiceCategory",
        lookup(
            coalesce(&[product_code, service_code]),
            SERVICE_CATEGORY,
            Some("Other"),
        ),
    );

    // Location, resource, SKU.
    let region_code = coalesce(&[
        b.product("product/regionCode", &product_json),
        b.product("product/region", &product_json),
    ]);
    b.m.output("RegionId", region_code);
    let location = b.product("product/location", &product_json);
    b.m.output("RegionName", location);
    let zone = b.text("lineItem/AvailabilityZone");
    b.m.output("AvailabilityZone", zone);
    let resource = b.text("lineItem/ResourceId");
    let family = b.product("product/productFamily", &product_json);
    b.m.output("ResourceId", resource.clone());
    b.m.output(
        "ResourceType",
        when(resource.is_not_null())
            .then(family)
            .otherwise(null_text()),
    );
    let sku = b.text("product/sku");
    b.m.output("SkuId", sku);
    let rate_code = b.text("pricing/RateCode");
    b.m.output("SkuPriceId", rate_code);
    let details = vec![
        (
            "InstanceType",
            json_string(b.product("product/instanceType", &product_json)),
        ),
        (
            "CoreCount",
            json_number_or_string(b.product("product/vcpu", &product_json), ""),
        ),
        (
            "MemorySize",
            json_number_or_string(b.product("product/memory", &product_json), "GiB"),
        ),
        (
            "OperatingSystem",
            json_string(b.product("product/operatingSystem", &product_json)),
        ),
        (
            "StorageClass",
            json_string(b.product("product/storageClass", &product_json)),
        ),
    ];
    b.m.output("SkuPriceDetails", json_object(details));

    // Tags.
    let tags = tag_columns(&mut b);
    let tags = match (map_json("resource_tags"), tags) {
        (Some(map), Some(columns)) => Some(coalesce(&[map, columns])),
        (Some(map), None) => Some(map),
        (None, columns) => columns,
    };
    if let Some(tags) = tags {
        b.m.output("Tags", tags);
    }
    for (name, json) in &maps {
        if *name != "resource_tags" {
            b.m.output(&format!("x_{name}"), json.clone());
        }
    }

    // Extension columns and the line item identity.
    let consumed: Vec<&str> = b.consumed.iter().map(String::as_str).collect();
    b.m.keep_unmapped(probe, "x_", &consumed);
    let id = b.name("identity/LineItemId");
    let interval = b.name("identity/TimeInterval");
    if probe.has(&id) {
        let interval = if probe.has(&interval) {
            col(format!("x_{interval}"))
                .cast(DataType::String)
                .fill_null(lit(""))
        } else {
            lit("")
        };
        b.m.line_item_key = vec![
            coalesce(&[
                col(format!("x_{id}")).cast(DataType::String),
                concat_str([col(FILE), col(ROW).cast(DataType::String)], "#", false),
            ]),
            interval,
        ];
    }

    b.m.notes.push(if has_net {
        "BilledCost = lineItem/NetUnblendedCost (after negotiated discounts)".to_string()
    } else {
        "BilledCost = lineItem/UnblendedCost (the file has no NetUnblendedCost)".to_string()
    });
    b.m.notes.push(
        "EffectiveCost amortizes Reserved Instance and Savings Plan fees per lineItem/LineItemType"
            .to_string(),
    );
    if !b.has("bill/PayerAccountName") {
        b.m.notes.push(
            "the legacy CUR has no payer account name: BillingAccountName is null".to_string(),
        );
    }
    Ok(b.m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cur2_names_follow_aws_rule() {
        let f = BillingFormat::AwsCur2;
        assert_eq!(
            column_name(f, "lineItem/UnblendedCost"),
            "line_item_unblended_cost"
        );
        assert_eq!(
            column_name(f, "savingsPlan/SavingsPlanARN"),
            "savings_plan_savings_plan_a_r_n"
        );
        assert_eq!(
            column_name(f, "reservation/ReservationARN"),
            "reservation_reservation_a_r_n"
        );
        assert_eq!(
            column_name(f, "bill/PayerAccountName"),
            "bill_payer_account_name"
        );
        assert_eq!(
            column_name(f, "pricing/publicOnDemandCost"),
            "pricing_public_on_demand_cost"
        );
        assert_eq!(
            column_name(f, "identity/TimeInterval"),
            "identity_time_interval"
        );
        assert_eq!(column_name(f, "product/regionCode"), "product_region_code");
        assert_eq!(
            column_name(BillingFormat::AwsCurLegacy, "product/regionCode"),
            "product/regionCode"
        );
    }
}
