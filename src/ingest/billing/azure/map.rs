//! The FOCUS 1.2 columns of an Azure export, section by section: cost (by cost view), charge
//! classification, commitment discounts, accounts, periods, quantities, and service, region,
//! resource and SKU. Columns used verbatim are consumed; every other column is kept as
//! `x_<English name>`.

use std::collections::HashSet;

use polars::prelude::*;

use super::lookup::{region, resource_name, resource_type, service_category, sku_price_details};
use super::{
    canonical_name, cost_view, Columns, CostView, CHARGE_TYPES, COST, COST_USD, DATE, FREQUENCIES,
    PRICING_MODELS, QUANTITY,
};
use crate::error::{Error, Position, Result};
use crate::ingest::billing::format::BillingFormat;
use crate::ingest::billing::mapping::{Mapping, Parse};
use crate::ingest::billing::schema;
use crate::ingest::billing::source::Probe;
use crate::ingest::billing::tags::canonical_json;

fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

fn text_null() -> Expr {
    null_of(DataType::String)
}

/// The first non-null of the present expressions (a typed null when none is present).
fn first_present(exprs: Vec<Option<Expr>>, dtype: DataType) -> Expr {
    let mut present: Vec<Expr> = exprs.into_iter().flatten().collect();
    match present.len() {
        0 => null_of(dtype),
        1 => present.remove(0),
        _ => coalesce(&present),
    }
}

fn eq(e: &Expr, value: &str) -> Expr {
    e.clone().eq(lit(value)).fill_null(lit(false))
}

fn any_of(e: &Expr, values: &[&str]) -> Expr {
    values
        .iter()
        .map(|v| eq(e, v))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

/// A mapping being built, with the raw columns used verbatim and the mandatory FOCUS columns
/// that had no source.
struct Builder<'a> {
    probe: &'a Probe,
    cols: Columns,
    m: Mapping,
    consumed: Vec<String>,
    missing: Vec<&'static str>,
}

impl Builder<'_> {
    /// Parses the first of `names` the file has.
    fn get(&mut self, names: &[&str], parse: Parse) -> Option<Expr> {
        let raw = self.cols.raw(names)?.to_string();
        Some(self.m.parse_column(self.probe, &raw, parse))
    }

    /// Like [`Self::get`], for a column whose values the output holds in full (it is not kept
    /// as an extension column).
    fn take(&mut self, names: &[&str], parse: Parse) -> Option<Expr> {
        let raw = self.cols.raw(names)?.to_string();
        self.consumed.push(raw.clone());
        Some(self.m.parse_column(self.probe, &raw, parse))
    }

    /// Outputs FOCUS column `name` from the first of `names`, noting a missing mandatory one.
    fn copy(&mut self, name: &'static str, names: &[&str], parse: Parse) -> Option<Expr> {
        let dtype = schema::focus_type(name).map_or(DataType::String, |t| t.dtype());
        let expr = self.take(names, parse);
        if expr.is_none() && schema::MANDATORY.contains(&name) {
            self.missing.push(name);
        }
        self.m
            .output(name, expr.clone().unwrap_or_else(|| null_of(dtype)));
        expr
    }

    fn note(&mut self, note: impl Into<String>) {
        self.m.notes.push(note.into());
    }
}

/// What kind of charge a row is, from ChargeType, PricingModel and the commitment ids.
struct Row {
    cost: Expr,
    quantity: Option<Expr>,
    charge_type: Expr,
    pricing_model: Expr,
    commitment_id: Expr,
    reservation_id: Option<Expr>,
    /// ChargeType Usage, or no ChargeType (legacy exports hold usage only).
    usage: Expr,
    /// UnusedReservation / UnusedSavingsPlan.
    unused: Expr,
    /// Priced by a reservation or savings plan (PricingModel, or a commitment id when the
    /// export has no PricingModel).
    committed: Expr,
}

impl Row {
    fn covered(&self) -> Expr {
        self.usage.clone().and(self.committed.clone())
    }

    /// The purchase (or refund) of a reservation or savings plan.
    fn commitment_purchase(&self) -> Expr {
        any_of(&self.charge_type, &["Purchase", "Refund"]).and(self.committed.clone())
    }
}

/// The mapping of an Azure export (see [`super::mapping`]).
pub fn mapping(probe: &Probe, format: BillingFormat) -> Result<Mapping> {
    let cols = Columns::new(&probe.header);
    let mut b = Builder {
        probe,
        cols: cols.clone(),
        m: Mapping::default(),
        consumed: Vec::new(),
        missing: Vec::new(),
    };
    let amortized = matches!(
        format,
        BillingFormat::AzureEaAmortized | BillingFormat::AzureMcaAmortized
    );
    let mca = matches!(
        format,
        BillingFormat::AzureMcaActual | BillingFormat::AzureMcaAmortized
    );
    if format == BillingFormat::AzurePayAsYouGo {
        b.note("cost view: actual (a legacy pay-as-you-go usage export holds actual pre-tax cost only)");
    } else {
        // The format normally comes from the same sample; a caller may also name it.
        let (detected, reason) = cost_view(probe, &cols);
        let name = if amortized { "amortized" } else { "actual" };
        if (detected == CostView::Amortized) == amortized {
            b.note(format!("cost view: {name} ({reason})"));
        } else {
            b.note(format!(
                "cost view: {name} (as the format {format} says, although {reason})"
            ));
        }
    }
    let row = row(&mut b)?;
    costs(&mut b, &row, amortized);
    charge(&mut b, &row);
    commitment(&mut b, &row);
    accounts(&mut b, mca);
    periods(&mut b);
    quantities(&mut b, &row);
    resources(&mut b);
    if !b.missing.is_empty() {
        let mut missing = b.missing.clone();
        missing.sort_unstable();
        missing.dedup();
        b.note(format!(
            "FOCUS 1.2 mandatory columns absent from the file, returned as null: {}",
            missing.join(", ")
        ));
    }
    keep_extensions(&mut b);
    Ok(b.m)
}

fn row(b: &mut Builder<'_>) -> Result<Row> {
    let cost = b
        .get(COST, Parse::Number)
        .or_else(|| b.get(&[COST_USD], Parse::Number))
        .ok_or_else(|| {
            Error::data(
                Position::file(&b.probe.path).row(0).column("CostInBillingCurrency"),
                "missing mandatory column: expected an Azure cost column (CostInBillingCurrency, Cost, PreTaxCost or CostInUsd)",
            )
        })?;
    let charge_type = b
        .get(&["ChargeType"], Parse::Enum(CHARGE_TYPES))
        .unwrap_or_else(text_null);
    let pricing_model = b
        .get(&["PricingModel"], Parse::Enum(PRICING_MODELS))
        .unwrap_or_else(text_null);
    let quantity = b.get(QUANTITY, Parse::Number);
    let benefit_id = b.take(&["benefitId"], Parse::Text);
    let reservation_id = b.get(&["ReservationId"], Parse::Text);
    let commitment_id = first_present(vec![benefit_id, reservation_id.clone()], DataType::String);
    let usage = charge_type.clone().is_null().or(eq(&charge_type, "Usage"));
    let unused = any_of(&charge_type, &["UnusedReservation", "UnusedSavingsPlan"]);
    let committed = any_of(&pricing_model, &["Reservation", "SavingsPlan"]).or(pricing_model
        .clone()
        .is_null()
        .and(commitment_id.clone().is_not_null()));
    Ok(Row {
        cost,
        quantity,
        charge_type,
        pricing_model,
        commitment_id,
        reservation_id,
        usage,
        unused,
        committed,
    })
}

/// BilledCost and EffectiveCost by cost view; ListCost and ContractedCost from prices.
fn costs(b: &mut Builder<'_>, row: &Row, amortized: bool) {
    let (cost, zero) = (row.cost.clone(), lit(0.0));
    let effective = when(row.commitment_purchase())
        .then(zero.clone())
        .otherwise(cost.clone());
    let billed = if amortized {
        b.note("amortized cost: EffectiveCost = cost; BilledCost = cost except 0 on reservation/savings plan covered usage and UnusedReservation/UnusedSavingsPlan rows (billed when the commitment was bought, and amortized exports do not list purchases): load the actual-cost export for invoice totals");
        when(row.covered().or(row.unused.clone()))
            .then(zero)
            .otherwise(cost.clone())
    } else {
        b.note("actual cost: BilledCost = cost; EffectiveCost = cost except 0 on reservation/savings plan purchases and refunds (FOCUS: they pay for future usage). Usage covered by a commitment costs 0 in an actual-cost export and its amortized cost is not in the file: load the amortized export for the EffectiveCost of covered usage");
        cost.clone()
    };
    b.m.output("BilledCost", billed);
    b.m.output("EffectiveCost", effective);

    // MCA prices are in the pricing currency, costs in the billing currency.
    let rate = b.get(&["ExchangeRatePricingToBilling"], Parse::Number);
    let to_billing = |e: Expr| match &rate {
        Some(r) => e * r.clone().fill_null(lit(1.0)),
        None => e,
    };
    let payg_price = b.get(&["PayGPrice"], Parse::Number).map(&to_billing);
    let unit_price = b.get(&["UnitPrice"], Parse::Number).map(&to_billing);
    let payg_cost = b.get(&["PaygCostInBillingCurrency"], Parse::Number);
    let times_quantity = |p: &Option<Expr>| match (p, &row.quantity) {
        (Some(p), Some(q)) => Some(p.clone() * q.clone()),
        _ => None,
    };
    let list_from = if payg_cost.is_some() {
        "paygCostInBillingCurrency (cost where blank)"
    } else if times_quantity(&payg_price).is_some() {
        "PayGPrice x Quantity (cost where blank)"
    } else {
        "cost (the file has no pay-as-you-go price)"
    };
    let contracted_from = if times_quantity(&unit_price).is_some() {
        "UnitPrice x Quantity (cost where blank)"
    } else {
        "cost (the file has no unit price)"
    };
    let list = first_present(
        vec![payg_cost, times_quantity(&payg_price), Some(cost.clone())],
        DataType::Float64,
    );
    let contracted = first_present(
        vec![times_quantity(&unit_price), Some(cost)],
        DataType::Float64,
    );
    b.m.output("ListCost", list);
    b.m.output("ContractedCost", contracted);
    b.m.output(
        "ListUnitPrice",
        payg_price.unwrap_or_else(|| null_of(DataType::Float64)),
    );
    b.m.output(
        "ContractedUnitPrice",
        unit_price.unwrap_or_else(|| null_of(DataType::Float64)),
    );
    let converted = if rate.is_some() {
        "; prices converted with ExchangeRatePricingToBilling"
    } else {
        ""
    };
    b.note(format!(
        "ListCost = {list_from}; ContractedCost = {contracted_from}{converted}"
    ));
}

/// ChargeCategory, ChargeClass, ChargeFrequency, PricingCategory, ChargeDescription.
fn charge(b: &mut Builder<'_>, row: &Row) {
    let (ct, pm) = (&row.charge_type, &row.pricing_model);
    let usage_like = row.usage.clone().or(row.unused.clone());
    let category = when(usage_like.clone())
        .then(lit("Usage"))
        .when(any_of(ct, &["Purchase", "Refund"]))
        .then(lit("Purchase"))
        .when(eq(ct, "Tax"))
        .then(lit("Tax"))
        .when(eq(ct, "Credit"))
        .then(lit("Credit"))
        .when(eq(ct, "RoundingAdjustment"))
        .then(lit("Adjustment"))
        .otherwise(ct.clone());
    b.m.output("ChargeCategory", category);
    b.m.output(
        "ChargeClass",
        when(eq(ct, "Refund"))
            .then(lit("Correction"))
            .otherwise(text_null()),
    );
    let freq = b
        .get(&["Frequency"], Parse::Enum(FREQUENCIES))
        .unwrap_or_else(text_null);
    let frequency = when(eq(&freq, "OneTime"))
        .then(lit("One-Time"))
        .when(eq(&freq, "Recurring"))
        .then(lit("Recurring"))
        .when(eq(&freq, "UsageBased"))
        .then(lit("Usage-Based"))
        .when(freq.clone().is_null().and(usage_like))
        .then(lit("Usage-Based"))
        .otherwise(freq);
    b.m.output("ChargeFrequency", frequency);
    let pricing = when(eq(ct, "Tax"))
        .then(text_null())
        .when(row.committed.clone().or(row.unused.clone()))
        .then(lit("Committed"))
        .when(eq(pm, "Spot"))
        .then(lit("Dynamic"))
        .when(eq(pm, "OnDemand"))
        .then(lit("Standard"))
        .when(pm.clone().is_not_null())
        .then(lit("Other"))
        .when(row.usage.clone())
        .then(lit("Standard"))
        .otherwise(text_null());
    b.m.output("PricingCategory", pricing);
    if !b.cols.has(&["Product", "ProductName", "MeterName"]) {
        b.missing.push("ChargeDescription");
    }
    let product = b.take(&["Product", "ProductName"], Parse::Text);
    let meter = b.get(&["MeterName"], Parse::Text);
    b.m.output(
        "ChargeDescription",
        first_present(vec![product, meter], DataType::String),
    );
}

/// CommitmentDiscount* from benefitId/ReservationId, PricingModel and ChargeType.
fn commitment(b: &mut Builder<'_>, row: &Row) {
    let (ct, pm, id) = (&row.charge_type, &row.pricing_model, &row.commitment_id);
    let id_has = |part: &str| {
        id.clone()
            .str()
            .to_lowercase()
            .str()
            .contains(lit(part), false)
            .fill_null(lit(false))
    };
    let kind = when(
        eq(pm, "Reservation")
            .or(eq(ct, "UnusedReservation"))
            .or(id_has("/reservationorders/")),
    )
    .then(lit("Reservation"))
    .when(
        eq(pm, "SavingsPlan")
            .or(eq(ct, "UnusedSavingsPlan"))
            .or(id_has("/savingsplanorders/")),
    )
    .then(lit("Savings Plan"))
    .when(
        row.reservation_id
            .clone()
            .map_or(lit(false), |r| r.is_not_null()),
    )
    .then(lit("Reservation"))
    .otherwise(text_null());
    let any_commitment = id
        .clone()
        .is_not_null()
        .or(row.unused.clone())
        .or(row.committed.clone());
    let kind = when(any_commitment).then(kind).otherwise(text_null());
    let benefit_name = b.take(&["benefitName"], Parse::Text);
    let reservation_name = b.get(&["ReservationName"], Parse::Text);
    b.m.output("CommitmentDiscountId", id.clone());
    b.m.output(
        "CommitmentDiscountName",
        first_present(vec![benefit_name, reservation_name], DataType::String),
    );
    b.m.output("CommitmentDiscountType", kind.clone());
    let category = when(eq(&kind, "Reservation"))
        .then(lit("Usage"))
        .when(eq(&kind, "Savings Plan"))
        .then(lit("Spend"))
        .otherwise(text_null());
    b.m.output("CommitmentDiscountCategory", category);
    let status = when(row.unused.clone())
        .then(lit("Unused"))
        .when(row.covered())
        .then(lit("Used"))
        .otherwise(text_null());
    b.m.output("CommitmentDiscountStatus", status.clone());
    // What a covered or unused row counts of its commitment: hours of a reservation, the
    // amount of a savings plan's commitment (its cost; 0 on covered usage in actual cost).
    let counted = status.is_not_null();
    let hours = row
        .quantity
        .clone()
        .unwrap_or_else(|| null_of(DataType::Float64));
    b.m.output(
        "CommitmentDiscountQuantity",
        when(counted.clone().and(eq(&kind, "Reservation")))
            .then(hours)
            .when(counted.clone().and(eq(&kind, "Savings Plan")))
            .then(row.cost.clone())
            .otherwise(null_of(DataType::Float64)),
    );
    b.m.output(
        "CommitmentDiscountUnit",
        when(counted.and(eq(&kind, "Reservation")))
            .then(lit("Hours"))
            .otherwise(text_null()),
    );
}

/// Billing account (MCA: the billing profile), subscription, currencies, invoice, provider.
fn accounts(b: &mut Builder<'_>, mca: bool) {
    let (account_id, account_name): (&[&str], &[&str]) = if mca {
        (
            &["BillingProfileId", "BillingAccountId"],
            &["BillingProfileName", "BillingAccountName"],
        )
    } else {
        (&["BillingAccountId"], &["BillingAccountName"])
    };
    if mca {
        b.note("MCA: BillingAccountId/Name are the billing profile's (the invoiced scope), as in Microsoft's FOCUS export");
    }
    if b.copy("BillingAccountId", account_id, Parse::Text)
        .is_some()
    {
        b.m.output(
            "BillingAccountType",
            lit(if mca {
                "Billing Profile"
            } else {
                "Billing Account"
            }),
        );
    }
    b.copy("BillingAccountName", account_name, Parse::Text);
    if let Some(sub) = b.copy(
        "SubAccountId",
        &["SubscriptionId", "SubscriptionGuid"],
        Parse::Text,
    ) {
        b.m.output(
            "SubAccountType",
            when(sub.is_not_null())
                .then(lit("Subscription"))
                .otherwise(text_null()),
        );
    }
    b.copy("SubAccountName", &["SubscriptionName"], Parse::Text);
    let usd_only = !b.cols.has(COST) && b.cols.has(&[COST_USD]);
    match b.take(
        &["BillingCurrency", "BillingCurrencyCode", "Currency"],
        Parse::Text,
    ) {
        Some(currency) => b.m.output("BillingCurrency", currency),
        None if usd_only => {
            b.note("the only cost column is CostInUsd: BillingCurrency is USD");
            b.m.output("BillingCurrency", lit("USD"));
        }
        None => b.missing.push("BillingCurrency"),
    }
    b.copy(
        "PricingCurrency",
        &["PricingCurrency", "PricingCurrencyCode"],
        Parse::Text,
    );
    b.copy("InvoiceId", &["InvoiceId"], Parse::Text);
    let partner = b.get(&["PartnerName"], Parse::Text);
    b.m.output(
        "InvoiceIssuerName",
        first_present(vec![partner, Some(lit("Microsoft"))], DataType::String),
    );
    b.m.output("ProviderName", lit("Microsoft"));
    let publisher = b.take(&["PublisherName"], Parse::Text);
    b.m.output(
        "PublisherName",
        first_present(vec![publisher, Some(lit("Microsoft"))], DataType::String),
    );
}

/// The charge period is the usage day. The billing period is as exported (its end date is
/// inclusive: `09/30/2023` ends at 2023-10-01T00:00Z), else the calendar month of the usage day.
fn periods(b: &mut Builder<'_>) {
    let day = b
        .take(DATE, Parse::DateTime)
        .unwrap_or_else(|| null_of(schema::utc_datetime()));
    let one_day = lit(chrono::Duration::days(1));
    b.m.output("ChargePeriodStart", day.clone());
    b.m.output("ChargePeriodEnd", day.clone() + one_day.clone());
    let month_start = day.dt().truncate(lit("1mo"));
    let next_month = (month_start.clone() + lit(chrono::Duration::days(32)))
        .dt()
        .truncate(lit("1mo"));
    let start = b.take(&["BillingPeriodStartDate"], Parse::DateTime);
    // Truncating to the day before adding one also reads `2023-09-30T00:00:00Z` as inclusive.
    let end = b
        .take(&["BillingPeriodEndDate"], Parse::DateTime)
        .map(|end| end.dt().truncate(lit("1d")) + one_day);
    if start.is_none() {
        b.note("no BillingPeriodStartDate/EndDate: the billing period is the calendar month of the usage date");
    }
    b.m.output(
        "BillingPeriodStart",
        first_present(vec![start, Some(month_start)], schema::utc_datetime()),
    );
    b.m.output(
        "BillingPeriodEnd",
        first_present(vec![end, Some(next_month)], schema::utc_datetime()),
    );
}

/// PricingQuantity/Unit as exported; ConsumedQuantity/Unit on usage rows.
fn quantities(b: &mut Builder<'_>, row: &Row) {
    if let Some(raw) = b.cols.raw(QUANTITY) {
        b.consumed.push(raw.to_string());
    } else {
        b.missing.push("PricingQuantity");
    }
    let unit = b.take(&["UnitOfMeasure"], Parse::Text);
    if unit.is_none() {
        b.missing.push("PricingUnit");
    }
    let quantity = row
        .quantity
        .clone()
        .unwrap_or_else(|| null_of(DataType::Float64));
    let unit = unit.unwrap_or_else(text_null);
    b.m.output("PricingQuantity", quantity.clone());
    b.m.output("PricingUnit", unit.clone());
    let usage = row.usage.clone().or(row.unused.clone());
    b.m.output(
        "ConsumedQuantity",
        when(usage.clone())
            .then(quantity)
            .otherwise(null_of(DataType::Float64)),
    );
    b.m.output(
        "ConsumedUnit",
        when(usage).then(unit).otherwise(text_null()),
    );
}

/// Service, region, resource, SKU and tags.
fn resources(b: &mut Builder<'_>) {
    let meter_category = b.get(&["MeterCategory"], Parse::Text);
    let consumed_service = b.get(&["ConsumedService"], Parse::Text);
    let legacy_service = b.get(&["ServiceName"], Parse::Text);
    if !b
        .cols
        .has(&["MeterCategory", "ServiceName", "ConsumedService"])
    {
        b.missing.push("ServiceName");
    }
    let service = first_present(
        vec![
            meter_category.clone(),
            legacy_service,
            consumed_service.clone(),
        ],
        DataType::String,
    );
    b.m.output("ServiceName", service);
    b.m.output(
        "ServiceCategory",
        service_category(meter_category, consumed_service),
    );
    b.note("ServiceName = MeterCategory (else ServiceName, else ConsumedService); ServiceCategory from MeterCategory, else from ConsumedService's resource provider, else Other");
    if let Some(location) = b.take(&["ResourceLocation"], Parse::Text) {
        let (id, name) = region(location);
        b.m.output("RegionId", id);
        b.m.output("RegionName", name);
    }
    b.copy("AvailabilityZone", &["AvailabilityZone"], Parse::Text);
    let id = b.copy(
        "ResourceId",
        &["ResourceId", "InstanceId", "InstanceName"],
        Parse::Text,
    );
    let name = b.take(&["ResourceName"], Parse::Text);
    b.m.output(
        "ResourceName",
        first_present(vec![name, id.clone().map(resource_name)], DataType::String),
    );
    let raw_type = b.take(&["ResourceType"], Parse::Text);
    b.m.output(
        "ResourceType",
        first_present(vec![raw_type, id.map(resource_type)], DataType::String),
    );
    b.copy("SkuId", &["MeterId"], Parse::Text);
    let meter = b.get(&["MeterName"], Parse::Text).unwrap_or_else(text_null);
    b.m.output("SkuMeter", meter);
    if let Some(info) = b.get(&["AdditionalInfo"], Parse::Text) {
        b.m.output("SkuPriceDetails", sku_price_details(info));
    }
    if let Some(tags) = b.take(&["Tags"], Parse::Text) {
        b.m.output("Tags", canonical_json(tags));
    }
}

/// Keeps every column not used verbatim as `x_<English name>` (`x_CostCenter`,
/// `x_ResourceGroup` for `Ressourcengruppe (ResourceGroup)`).
fn keep_extensions(b: &mut Builder<'_>) {
    let mut taken: HashSet<String> = HashSet::new();
    for raw in &b.probe.header {
        if b.consumed.contains(raw) {
            continue;
        }
        let mut out = format!("x_{}", canonical_name(raw));
        if !taken.insert(out.clone()) {
            out = format!("x_{raw}");
            taken.insert(out.clone());
        }
        if !b.m.extensions.iter().any(|(r, _)| r == raw) {
            b.m.extensions.push((raw.clone(), out));
        }
    }
}
