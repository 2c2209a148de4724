//! What each resource really costs, from the bill: the effective price per hour of every
//! `ResourceId` over the lookback (FOCUS `EffectiveCost` / `ConsumedQuantity` of its usage
//! rows measured in hours, so Reserved Instance and Savings Plan discounts count), and where
//! it runs (`ProviderName`, `RegionId`), whose it is (`SubAccountName`), what it serves
//! (`ServiceName`) and its `Tags`.

use std::collections::HashMap;

use polars::prelude::*;

use super::stats::DAY_US;
use crate::error::Result;
use crate::optimize::catalog::Provider;

/// One resource's bill.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourcePrice {
    /// Effective cost per consumed hour over the lookback.
    pub effective_hourly: Option<f64>,
    /// The provider.
    pub provider: Option<Provider>,
    /// The region code.
    pub region: Option<String>,
    /// The sub-account's name.
    pub account: Option<String>,
    /// The service.
    pub service: Option<String>,
    /// The tags as JSON text.
    pub tags: Option<String>,
}

/// Effective prices and placement per resource id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourcePrices {
    by_id: HashMap<String, ResourcePrice>,
}

/// The provider a FOCUS `ProviderName` names.
pub fn provider_from_name(name: &str) -> Provider {
    let n = name.to_ascii_lowercase();
    if n.contains("aws") || n.contains("amazon") {
        Provider::Aws
    } else if n.contains("azure") || n.contains("microsoft") {
        Provider::Azure
    } else if n.contains("google") || n.contains("gcp") {
        Provider::Gcp
    } else {
        Provider::Other
    }
}

impl ResourcePrices {
    /// No prices.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets one resource's price and placement.
    pub fn insert(&mut self, resource_id: impl Into<String>, price: ResourcePrice) {
        self.by_id.insert(resource_id.into(), price);
    }

    /// The price of `resource_id`.
    pub fn get(&self, resource_id: &str) -> Option<&ResourcePrice> {
        self.by_id.get(resource_id)
    }

    /// How many resources are priced.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Reads effective prices from FOCUS rows (the `costs` of [`crate::ingest::read_billing`])
    /// over the last `lookback_days` of the bill: per `ResourceId`, the sum of `EffectiveCost`
    /// over the sum of `ConsumedQuantity`, both over `Usage` rows whose `ConsumedUnit` is hours.
    ///
    /// # Errors
    /// [`crate::Error::Polars`] when a FOCUS column is missing or of the wrong type.
    pub fn from_focus(costs: LazyFrame, lookback_days: f64) -> Result<Self> {
        let ts = || {
            col("ChargePeriodStart")
                .dt()
                .timestamp(TimeUnit::Microseconds)
        };
        let unit = col("ConsumedUnit").str().to_lowercase();
        let is_hours = unit
            .clone()
            .eq(lit("hours"))
            .or(unit.clone().eq(lit("hrs")))
            .or(unit.eq(lit("hour")));
        let usage = costs
            .filter(
                col("ResourceId")
                    .is_not_null()
                    .and(col("ChargeCategory").eq(lit("Usage")))
                    .and(is_hours),
            )
            .with_column(ts().alias("__ts"));
        let last = usage.clone().select([col("__ts").max()]).collect()?;
        let Some(last) = last.column("__ts")?.i64()?.get(0) else {
            return Ok(Self::default());
        };
        let start = last - (lookback_days * DAY_US as f64) as i64;
        let first_str = |name: &str| {
            col(name)
                .cast(DataType::String)
                .drop_nulls()
                .first()
                .alias(name)
        };
        let df = usage
            .filter(col("__ts").gt_eq(lit(start)))
            .group_by([col("ResourceId")])
            .agg([
                col("EffectiveCost")
                    .cast(DataType::Float64)
                    .sum()
                    .alias("cost"),
                col("ConsumedQuantity")
                    .cast(DataType::Float64)
                    .sum()
                    .alias("hours"),
                first_str("ProviderName"),
                first_str("RegionId"),
                first_str("SubAccountName"),
                first_str("ServiceName"),
                first_str("Tags"),
            ])
            .collect()?;
        let ids = df.column("ResourceId")?.cast(&DataType::String)?;
        let ids = ids.str()?;
        let cost = df.column("cost")?.f64()?;
        let hours = df.column("hours")?.f64()?;
        let text = |name: &str| -> Result<StringChunked> { Ok(df.column(name)?.str()?.clone()) };
        let (provider, region, account, service, tags) = (
            text("ProviderName")?,
            text("RegionId")?,
            text("SubAccountName")?,
            text("ServiceName")?,
            text("Tags")?,
        );
        let mut out = Self::default();
        for i in 0..df.height() {
            let Some(id) = ids.get(i) else { continue };
            let effective_hourly = match (cost.get(i), hours.get(i)) {
                (Some(c), Some(h)) if h > 0.0 && c.is_finite() => Some(c / h),
                _ => None,
            };
            let own = |c: &StringChunked| c.get(i).map(String::from);
            out.insert(
                id,
                ResourcePrice {
                    effective_hourly,
                    provider: provider.get(i).map(provider_from_name),
                    region: own(&region),
                    account: own(&account),
                    service: own(&service),
                    tags: own(&tags).filter(|t| !t.is_empty() && t != "{}"),
                },
            );
        }
        Ok(out)
    }
}
