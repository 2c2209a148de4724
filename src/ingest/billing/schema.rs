//! The FOCUS 1.2 columns capcast returns, with their types, and the older and newer names
//! that map onto them.
//!
//! Every billing load returns all of these columns in this order (null where the source has
//! no such data), followed by the provider's extension columns. A fixed schema lets loads of
//! different formats be concatenated and lets downstream code rely on names and types.

use polars::prelude::*;

/// The type of a FOCUS column as capcast returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusType {
    /// UTF-8 text.
    Text,
    /// A decimal amount or quantity, as `Float64`.
    Number,
    /// A UTC instant, as `Datetime(us, "UTC")`.
    DateTime,
    /// A JSON object serialised as text (Tags, SkuPriceDetails).
    Json,
}

impl FocusType {
    /// The polars type of this column.
    pub fn dtype(self) -> DataType {
        match self {
            FocusType::Text | FocusType::Json => DataType::String,
            FocusType::Number => DataType::Float64,
            FocusType::DateTime => utc_datetime(),
        }
    }
}

/// `Datetime(us, "UTC")`, the type of every FOCUS date/time column.
pub fn utc_datetime() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// The cost columns whose totals every load report reconciles.
pub const COST_COLUMNS: [&str; 4] = ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost"];

/// The 21 columns FOCUS 1.2 makes mandatory.
pub const MANDATORY: [&str; 21] = [
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
];

/// Every FOCUS 1.2 column capcast returns, in output order, with its type.
pub const COLUMNS: &[(&str, FocusType)] = &[
    ("BillingAccountId", FocusType::Text),
    ("BillingAccountName", FocusType::Text),
    ("BillingAccountType", FocusType::Text),
    ("SubAccountId", FocusType::Text),
    ("SubAccountName", FocusType::Text),
    ("SubAccountType", FocusType::Text),
    ("BillingCurrency", FocusType::Text),
    ("BillingPeriodStart", FocusType::DateTime),
    ("BillingPeriodEnd", FocusType::DateTime),
    ("ChargePeriodStart", FocusType::DateTime),
    ("ChargePeriodEnd", FocusType::DateTime),
    ("ChargeCategory", FocusType::Text),
    ("ChargeClass", FocusType::Text),
    ("ChargeDescription", FocusType::Text),
    ("ChargeFrequency", FocusType::Text),
    ("BilledCost", FocusType::Number),
    ("EffectiveCost", FocusType::Number),
    ("ListCost", FocusType::Number),
    ("ContractedCost", FocusType::Number),
    ("ListUnitPrice", FocusType::Number),
    ("ContractedUnitPrice", FocusType::Number),
    ("PricingCategory", FocusType::Text),
    ("PricingQuantity", FocusType::Number),
    ("PricingUnit", FocusType::Text),
    ("PricingCurrency", FocusType::Text),
    ("PricingCurrencyContractedUnitPrice", FocusType::Number),
    ("PricingCurrencyEffectiveCost", FocusType::Number),
    ("PricingCurrencyListUnitPrice", FocusType::Number),
    ("ConsumedQuantity", FocusType::Number),
    ("ConsumedUnit", FocusType::Text),
    ("CommitmentDiscountCategory", FocusType::Text),
    ("CommitmentDiscountId", FocusType::Text),
    ("CommitmentDiscountName", FocusType::Text),
    ("CommitmentDiscountQuantity", FocusType::Number),
    ("CommitmentDiscountStatus", FocusType::Text),
    ("CommitmentDiscountType", FocusType::Text),
    ("CommitmentDiscountUnit", FocusType::Text),
    ("CapacityReservationId", FocusType::Text),
    ("CapacityReservationStatus", FocusType::Text),
    ("InvoiceId", FocusType::Text),
    ("InvoiceIssuerName", FocusType::Text),
    ("ProviderName", FocusType::Text),
    ("PublisherName", FocusType::Text),
    ("ServiceCategory", FocusType::Text),
    ("ServiceSubcategory", FocusType::Text),
    ("ServiceName", FocusType::Text),
    ("RegionId", FocusType::Text),
    ("RegionName", FocusType::Text),
    ("AvailabilityZone", FocusType::Text),
    ("ResourceId", FocusType::Text),
    ("ResourceName", FocusType::Text),
    ("ResourceType", FocusType::Text),
    ("SkuId", FocusType::Text),
    ("SkuMeter", FocusType::Text),
    ("SkuPriceId", FocusType::Text),
    ("SkuPriceDetails", FocusType::Json),
    ("Tags", FocusType::Json),
];

/// Names used by other FOCUS versions (1.0, 1.1, 1.3 drafts), mapped to the 1.2 name.
pub const RENAMED: &[(&str, &str)] = &[
    // 1.3 draft: ServiceProviderName replaces ProviderName.
    ("ServiceProviderName", "ProviderName"),
    // 0.5 / 1.0-preview spellings.
    ("UsageQuantity", "ConsumedQuantity"),
    ("UsageUnit", "ConsumedUnit"),
    ("Region", "RegionId"),
    ("ChargeType", "ChargeCategory"),
];

/// Allowed values of FOCUS enumerations, used to repair spelling (`Usage-based` -> `Usage-Based`).
pub const ENUMS: &[(&str, &[&str])] = &[
    (
        "ChargeCategory",
        &["Usage", "Purchase", "Tax", "Credit", "Adjustment"],
    ),
    ("ChargeClass", &["Correction"]),
    ("ChargeFrequency", &["One-Time", "Recurring", "Usage-Based"]),
    (
        "PricingCategory",
        &["Standard", "Dynamic", "Committed", "Other"],
    ),
    ("CommitmentDiscountCategory", &["Spend", "Usage"]),
    ("CommitmentDiscountStatus", &["Used", "Unused"]),
    ("CapacityReservationStatus", &["Used", "Unused"]),
    (
        "ServiceCategory",
        &[
            "AI and Machine Learning",
            "Analytics",
            "Business Applications",
            "Compute",
            "Databases",
            "Developer Tools",
            "Multicloud",
            "Identity",
            "Integration",
            "Internet of Things",
            "Management and Governance",
            "Media",
            "Migration",
            "Mobile",
            "Networking",
            "Security",
            "Storage",
            "Web",
            "Other",
        ],
    ),
];

/// The type of a FOCUS 1.2 column, or `None` for a column outside the set.
pub fn focus_type(name: &str) -> Option<FocusType> {
    COLUMNS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The allowed values of an enumerated FOCUS column.
pub fn enum_values(name: &str) -> Option<&'static [&'static str]> {
    ENUMS.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The FOCUS 1.2 schema capcast returns (without extension columns).
pub fn schema() -> Schema {
    COLUMNS
        .iter()
        .map(|(name, ty)| Field::new((*name).into(), ty.dtype()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mandatory_column_is_returned() {
        for name in MANDATORY {
            assert!(focus_type(name).is_some(), "{name} missing from COLUMNS");
        }
    }
}
