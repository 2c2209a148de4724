//! Azure Cost Management exports: Enterprise Agreement (PascalCase), Microsoft Customer
//! Agreement (camelCase), actual and amortized cost, and the legacy pay-as-you-go usage export
//! (`UsageDateTime`, `PreTaxCost`), including localized headers (`Abonnement-GUID
//! (SubscriptionGuid)`) and mixes of all of these.
//!
//! Headers are matched by their canonical name: the English name in parentheses when a
//! localized header has one, compared without regard to case. Whether a file holds actual or
//! amortized cost cannot be read from its header, so it is decided from the sampled rows (see
//! [`cost_view`]): reservation and savings plan rows look different in the two views.

mod lookup;
mod map;

use std::collections::{HashMap, HashSet};

use super::format::BillingFormat;
use super::mapping::Mapping;
use super::source::Probe;
use crate::error::Result;

/// Azure `ChargeType` values.
pub const CHARGE_TYPES: &[&str] = &[
    "Usage",
    "Purchase",
    "Tax",
    "Refund",
    "UnusedReservation",
    "UnusedSavingsPlan",
    "RoundingAdjustment",
    "Credit",
];
/// Azure `PricingModel` values (`On Demand` is repaired to `OnDemand`).
pub const PRICING_MODELS: &[&str] = &["OnDemand", "Reservation", "SavingsPlan", "Spot"];
/// Azure `Frequency` values.
pub const FREQUENCIES: &[&str] = &["OneTime", "Recurring", "UsageBased"];

const COST: &[&str] = &["CostInBillingCurrency", "Cost", "PreTaxCost"];
const COST_USD: &str = "CostInUsd";
const DATE: &[&str] = &["Date", "UsageDateTime", "UsageDate"];
const QUANTITY: &[&str] = &["Quantity", "UsageQuantity"];
const METER: &[&str] = &["MeterId", "MeterCategory", "MeterName"];

/// The canonical name of an Azure header: `Abonnement-GUID (SubscriptionGuid)` is
/// `SubscriptionGuid`; other headers are themselves.
pub fn canonical_name(raw: &str) -> &str {
    let raw = raw.trim();
    if let (Some(open), true) = (raw.rfind(" ("), raw.ends_with(')')) {
        let inner = &raw[open + 2..raw.len() - 1];
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return inner;
        }
    }
    raw
}

/// A file's header by canonical name, case-insensitively.
#[derive(Debug, Clone)]
pub struct Columns {
    by_key: HashMap<String, String>,
}

impl Columns {
    /// Indexes `header` (raw names) by lower-case canonical name; the first of two raw names
    /// with the same canonical name wins.
    pub fn new(header: &[String]) -> Self {
        let mut by_key = HashMap::new();
        for raw in header {
            by_key
                .entry(canonical_name(raw).to_ascii_lowercase())
                .or_insert_with(|| raw.clone());
        }
        Columns { by_key }
    }

    /// The raw name of the first of `names` (canonical, any case) the header has.
    pub fn raw(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|n| self.by_key.get(&n.to_ascii_lowercase()))
            .map(String::as_str)
    }

    /// Whether the header has any of `names`.
    pub fn has(&self, names: &[&str]) -> bool {
        self.raw(names).is_some()
    }
}

/// Recognises Azure headers: a cost, a usage date and a meter column (under any of their
/// names). EA and MCA exports share their columns; MCA's are camelCase, which is how they are
/// told apart. Actual and amortized cost are told apart by [`cost_view`].
pub fn recognise(_header: &HashSet<&str>, probe: &Probe) -> Option<BillingFormat> {
    let cols = Columns::new(&probe.header);
    let cost = cols.raw(COST).or_else(|| cols.raw(&[COST_USD]))?;
    if !cols.has(DATE) || !cols.has(METER) {
        return None;
    }
    if cols.has(&["PreTaxCost", "UsageDateTime"]) {
        return Some(BillingFormat::AzurePayAsYouGo);
    }
    let camel = cost.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let amortized = cost_view(probe, &cols).0 == CostView::Amortized;
    Some(match (camel, amortized) {
        (false, false) => BillingFormat::AzureEaActual,
        (false, true) => BillingFormat::AzureEaAmortized,
        (true, false) => BillingFormat::AzureMcaActual,
        (true, true) => BillingFormat::AzureMcaAmortized,
    })
}

/// Which cost an Azure export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostView {
    /// What was invoiced: commitment purchases appear as `Purchase` rows, the usage they cover
    /// costs 0.
    Actual,
    /// Commitments spread over the usage they cover (prorated), with `UnusedReservation` /
    /// `UnusedSavingsPlan` rows for the part left unused; no commitment purchase rows.
    Amortized,
}

/// What the sampled rows say about the cost view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ViewEvidence {
    /// `UnusedReservation` / `UnusedSavingsPlan` rows (amortized only).
    pub unused: usize,
    /// Commitment-covered usage with a cost (amortized).
    pub covered_with_cost: usize,
    /// Commitment-covered usage of a positive quantity at cost 0 (actual).
    pub covered_free: usize,
    /// Reservation or savings plan purchases (actual).
    pub commitment_purchases: usize,
}

fn norm(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Counts the evidence for each cost view in the probe's sampled rows.
pub fn view_evidence(probe: &Probe, cols: &Columns) -> ViewEvidence {
    let index = |names: &[&str]| {
        cols.raw(names)
            .and_then(|raw| probe.header.iter().position(|h| h == raw))
    };
    let (ct, pm, cost, qty) = (
        index(&["ChargeType"]),
        index(&["PricingModel"]),
        index(COST).or_else(|| index(&[COST_USD])),
        index(QUANTITY),
    );
    let ids = [index(&["benefitId"]), index(&["ReservationId"])];
    let mut e = ViewEvidence::default();
    for row in &probe.sample {
        let cell = |i: Option<usize>| -> &str {
            i.and_then(|i| row.get(i))
                .and_then(|v| v.as_deref())
                .map(str::trim)
                .unwrap_or("")
        };
        let charge = norm(cell(ct));
        let model = norm(cell(pm));
        let number = |i| cell(i).parse::<f64>().ok();
        let has_id = ids.iter().any(|&i| !cell(i).is_empty());
        let committed =
            matches!(model.as_str(), "reservation" | "savingsplan") || (model.is_empty() && has_id);
        if charge.starts_with("unused") {
            e.unused += 1;
        } else if committed && (charge.is_empty() || charge == "usage") {
            match number(cost) {
                Some(c) if c != 0.0 => e.covered_with_cost += 1,
                Some(_) if number(qty).is_none_or(|q| q > 0.0) => e.covered_free += 1,
                _ => {}
            }
        } else if committed && charge == "purchase" {
            e.commitment_purchases += 1;
        }
    }
    e
}

/// Decides actual or amortized cost from the sampled rows, with the reason (for the report).
/// Undecidable samples (no reservation or savings plan rows at all) are read as actual cost.
pub fn cost_view(probe: &Probe, cols: &Columns) -> (CostView, String) {
    let e = view_evidence(probe, cols);
    let n = probe.sample.len();
    if e.unused > 0 {
        (
            CostView::Amortized,
            format!("{} UnusedReservation/UnusedSavingsPlan rows in the first {n} rows; only amortized exports have them", e.unused),
        )
    } else if e.covered_with_cost > 0 && e.covered_with_cost >= e.covered_free {
        (
            CostView::Amortized,
            format!("{} reservation/savings plan covered usage rows carry a cost in the first {n} rows; in actual cost they cost 0", e.covered_with_cost),
        )
    } else if e.covered_free > 0 {
        (
            CostView::Actual,
            format!("{} reservation/savings plan covered usage rows cost 0 in the first {n} rows, as in actual cost", e.covered_free),
        )
    } else if e.commitment_purchases > 0 {
        (
            CostView::Actual,
            format!("{} reservation/savings plan purchase rows in the first {n} rows; amortized exports do not list purchases", e.commitment_purchases),
        )
    } else {
        (
            CostView::Actual,
            format!("read as actual cost by default: the first {n} rows have no reservation or savings plan rows to tell actual from amortized (the two views agree on such rows)"),
        )
    }
}

/// The mapping of an Azure export to FOCUS 1.2. The load report's notes say which cost view
/// was read and why, where ListCost and ContractedCost come from, and which mandatory FOCUS
/// columns the file cannot fill.
///
/// | FOCUS | Azure |
/// | --- | --- |
/// | BilledCost, EffectiveCost | cost (`CostInBillingCurrency`, `Cost`, `PreTaxCost`) by cost view: actual = billed, with EffectiveCost 0 on reservation/savings plan purchases and refunds; amortized = effective, with BilledCost 0 on covered usage and unused commitments |
/// | ListCost, ContractedCost | `paygCostInBillingCurrency` or `PayGPrice` x `Quantity`; `UnitPrice` x `Quantity` (else cost) |
/// | ChargeCategory, ChargeClass | `ChargeType`: Usage, Unused* -> Usage; Purchase -> Purchase; Refund -> Purchase + Correction; Tax; Credit; RoundingAdjustment -> Adjustment |
/// | ChargeFrequency, PricingCategory | `Frequency`; `PricingModel` (OnDemand -> Standard, Reservation/SavingsPlan -> Committed, Spot -> Dynamic) |
/// | CommitmentDiscount* | `benefitId`/`ReservationId`, `benefitName`/`ReservationName`; Used on covered usage, Unused on Unused* rows; Quantity: the row's hours (reservation, Unit `Hours`) or cost (savings plan) |
/// | BillingAccount*, SubAccount* | `BillingAccountId/Name` (MCA: `billingProfileId/Name`); `SubscriptionId`/`SubscriptionGuid`, `SubscriptionName` |
/// | BillingPeriodStart/End | `BillingPeriodStartDate`/`EndDate` (inclusive), else the usage date's calendar month |
/// | ChargePeriodStart/End | `Date`/`UsageDateTime`, plus one day |
/// | ServiceName, ServiceCategory | `MeterCategory` (else `ServiceName`, `ConsumedService`) |
/// | RegionId/Name, Resource*, SkuId, SkuMeter, SkuPriceDetails, Tags | `ResourceLocation`; `ResourceId`/`InstanceId`, `ResourceName`, ARM type; `MeterId`; `MeterName`; `AdditionalInfo` ServiceType/VCPUs; `Tags` with braces added |
///
/// Other columns are kept as `x_<English name>` (`x_CostCenter`, `x_ResourceGroup`).
///
/// # Errors
/// A file without a cost column under any of its names (which [`recognise`] never passes).
pub fn mapping(probe: &Probe, format: BillingFormat) -> Result<Mapping> {
    map::mapping(probe, format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn probe(header: &[&str], rows: &[&[&str]]) -> Probe {
        Probe {
            path: PathBuf::from("x.csv"),
            kind: super::super::source::FileKind::Csv,
            header: header.iter().map(|h| h.to_string()).collect(),
            sample: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| (!v.is_empty()).then(|| v.to_string()))
                        .collect()
                })
                .collect(),
            has_rows: !rows.is_empty(),
        }
    }

    const EA: &[&str] = &[
        "Date",
        "MeterCategory",
        "Quantity",
        "Cost",
        "ChargeType",
        "PricingModel",
        "benefitId",
    ];

    #[test]
    fn localized_headers_have_their_english_name() {
        assert_eq!(
            canonical_name("Abonnement-GUID (SubscriptionGuid)"),
            "SubscriptionGuid"
        );
        assert_eq!(
            canonical_name("Maßeinheit (UnitOfMeasure)"),
            "UnitOfMeasure"
        );
        assert_eq!(canonical_name("ServiceName"), "ServiceName");
        assert_eq!(canonical_name("Cost (in $)"), "Cost (in $)");
        let cols = Columns::new(&[
            "costInBillingCurrency".into(),
            "UsageQuantity (UsageQuantity)".into(),
        ]);
        assert_eq!(cols.raw(COST), Some("costInBillingCurrency"));
        assert_eq!(cols.raw(QUANTITY), Some("UsageQuantity (UsageQuantity)"));
    }

    #[test]
    fn cost_view_follows_the_commitment_rows() {
        let unused = probe(
            EA,
            &[&[
                "09/01/2023",
                "VM",
                "1",
                "2",
                "UnusedReservation",
                "Reservation",
                "id",
            ]],
        );
        assert_eq!(
            cost_view(&unused, &Columns::new(&unused.header)).0,
            CostView::Amortized
        );
        let prorated = probe(
            EA,
            &[&[
                "09/01/2023",
                "VM",
                "8",
                "0.49",
                "Usage",
                "Reservation",
                "id",
            ]],
        );
        assert_eq!(
            recognise(&HashSet::new(), &prorated),
            Some(BillingFormat::AzureEaAmortized)
        );
        let free = probe(
            EA,
            &[&["09/01/2023", "VM", "8", "0", "Usage", "Reservation", "id"]],
        );
        assert_eq!(
            recognise(&HashSet::new(), &free),
            Some(BillingFormat::AzureEaActual)
        );
        let purchase = probe(
            EA,
            &[&[
                "09/01/2023",
                "VM",
                "1",
                "3.25",
                "Purchase",
                "Reservation",
                "id",
            ]],
        );
        assert_eq!(
            cost_view(&purchase, &Columns::new(&purchase.header)).0,
            CostView::Actual
        );
        let on_demand = probe(
            EA,
            &[&["09/01/2023", "VM", "1", "3.25", "Usage", "On Demand", ""]],
        );
        let (view, reason) = cost_view(&on_demand, &Columns::new(&on_demand.header));
        assert_eq!(view, CostView::Actual);
        assert!(reason.contains("by default"), "{reason}");
    }

    #[test]
    fn header_variants_are_recognised() {
        let camel = probe(&["date", "meterCategory", "costInBillingCurrency"], &[]);
        assert_eq!(
            recognise(&HashSet::new(), &camel),
            Some(BillingFormat::AzureMcaActual)
        );
        let payg = probe(
            &[
                "UsageDateTime (UsageDateTime)",
                "MeterId",
                "PreTaxCost (PreTaxCost)",
            ],
            &[],
        );
        assert_eq!(
            recognise(&HashSet::new(), &payg),
            Some(BillingFormat::AzurePayAsYouGo)
        );
        let gcp = probe(&["cost", "usage_start_time", "sku.id"], &[]);
        assert_eq!(recognise(&HashSet::new(), &gcp), None);
    }
}
