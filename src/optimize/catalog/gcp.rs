//! The GCP Cloud Billing Catalog SKU list for Compute Engine (`services/6F81-5844-456A/skus`),
//! saved as JSON: `{"skus": [{description, category{resourceFamily "Compute", resourceGroup
//! "CPU" | "RAM" | ..., usageType "OnDemand" | "Preemptible" | "Commit1Yr" | "Commit3Yr"},
//! serviceRegions[], pricingInfo[{pricingExpression{usageUnit "h" | "GiBy.h",
//! tieredRates[{startUsageAmount, unitPrice{currencyCode, units, nanos}}]}}]}],
//! "nextPageToken"}`.
//!
//! GCP prices predefined machine types per vCPU-hour and per GiB-hour of each machine series
//! (N1, N2, N2D, E2, C2, C2D, C3, C3D, T2D, N4, C4); the series is read from the SKU
//! description (`N2 Instance Core running in Americas`, `Commitment v1: N2D AMD Ram in Europe
//! for 3 Year`). Those prices are combined with Google's machine shapes
//! ([`super::gcp_machine_shape`]) over each series' predefined sizes. On-demand prices give the
//! instance, Commit1Yr / Commit3Yr prices a resource-based committed use offer (no upfront).
//! Custom, sole-tenant, spot, preemptible, GPU and other SKUs are skipped and counted; a CPU
//! SKU not priced per hour or a RAM SKU not priced per GiB-hour is skipped and counted too.

use super::gcp_sku::{compute_sku, ComputeSku, SkuResource, SERIES};
use super::shapes::{family_and_generation, gcp_machine_shape};
use super::{Architecture, Catalog, Instance, Offer, OfferKind, Payment, Provider};
use crate::error::{Error, Position, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct SkuList {
    skus: Vec<Sku>,
}

#[derive(Deserialize)]
struct Sku {
    #[serde(default)]
    description: String,
    category: Category,
    #[serde(rename = "serviceRegions", default)]
    service_regions: Vec<String>,
    #[serde(rename = "pricingInfo", default)]
    pricing_info: Vec<PricingInfo>,
}

#[derive(Deserialize)]
struct Category {
    #[serde(rename = "resourceFamily", default)]
    resource_family: String,
    #[serde(rename = "usageType", default)]
    usage_type: String,
}

#[derive(Deserialize)]
struct PricingInfo {
    #[serde(rename = "pricingExpression")]
    expression: Expression,
}

#[derive(Deserialize)]
struct Expression {
    #[serde(rename = "usageUnit", default)]
    usage_unit: String,
    #[serde(rename = "tieredRates", default)]
    tiered_rates: Vec<TieredRate>,
}

#[derive(Deserialize)]
struct TieredRate {
    #[serde(rename = "unitPrice")]
    unit_price: Money,
}

#[derive(Deserialize)]
struct Money {
    #[serde(rename = "currencyCode", default)]
    currency_code: String,
    #[serde(default)]
    units: serde_json::Value,
    #[serde(default)]
    nanos: i64,
}

/// Reads a saved Cloud Billing Catalog SKU list.
pub fn load_gcp(path: &Path) -> Result<Catalog> {
    let text = super::plain::read_text(path)?;
    let list: SkuList = serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    // (series, region, usage) -> (cpu per vCPU-hour, ram per GiB-hour, currency)
    type Rates = (Option<f64>, Option<f64>, String);
    let mut rates: BTreeMap<(&str, String, String), Rates> = BTreeMap::new();
    let (mut other, mut bad_unit) = (0usize, 0usize);
    for (i, sku) in list.skus.iter().enumerate() {
        let at = || Position::file(path).row(i as u64 + 1);
        let usage = sku.category.usage_type.as_str();
        // A predefined machine's vCPU or RAM SKU (gcp_sku reads series and resource).
        let Some(ComputeSku {
            series, resource, ..
        }) = compute_sku(&sku.description).filter(|k| !k.custom)
        else {
            other += 1;
            continue;
        };
        if sku.category.resource_family != "Compute"
            || !matches!(usage, "OnDemand" | "Commit1Yr" | "Commit3Yr")
        {
            other += 1;
            continue;
        }
        let is_ram = resource == SkuResource::Ram;
        let Some(info) = sku.pricing_info.last() else {
            return Err(Error::data(
                at().column("pricingInfo").value(sku.description.clone()),
                "sku without pricingInfo",
            ));
        };
        let unit_ok = if is_ram {
            info.expression.usage_unit == "GiBy.h"
        } else {
            info.expression.usage_unit == "h"
        };
        if !unit_ok {
            bad_unit += 1;
            continue;
        }
        let Some(rate) = info.expression.tiered_rates.last() else {
            return Err(Error::data(
                at().column("tieredRates").value(sku.description.clone()),
                "sku without a tiered rate",
            ));
        };
        let units = match &rate.unit_price.units {
            serde_json::Value::String(s) => s.parse::<f64>().ok(),
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::Null => Some(0.0),
            _ => None,
        }
        .ok_or_else(|| {
            Error::data(
                at().column("unitPrice.units")
                    .value(rate.unit_price.units.to_string()),
                format!(
                    "sku '{}': expected a whole number of currency units",
                    sku.description
                ),
            )
        })?;
        let price = units + rate.unit_price.nanos as f64 / 1e9;
        for region in &sku.service_regions {
            let entry = rates
                .entry((series, region.clone(), usage.to_string()))
                .or_insert((None, None, rate.unit_price.currency_code.clone()));
            if is_ram {
                entry.1 = Some(price);
            } else {
                entry.0 = Some(price);
            }
        }
    }
    let mut catalog = Catalog::default();
    for ((series, region, usage), (cpu, ram, currency)) in &rates {
        if usage != "OnDemand" {
            continue;
        }
        let (Some(cpu), Some(ram)) = (cpu, ram) else {
            continue;
        };
        let Some((_, kinds, sizes)) = SERIES.iter().find(|(s, _, _)| s == series) else {
            continue;
        };
        let commit = |years: &str| match rates.get(&(*series, region.clone(), years.to_string())) {
            Some((Some(c), Some(r), _)) => Some((*c, *r)),
            _ => None,
        };
        for kind in *kinds {
            for &n in *sizes {
                let machine = format!("{series}-{kind}-{n}");
                let Some(shape) = gcp_machine_shape(&machine) else {
                    continue;
                };
                let price = |c: f64, r: f64| c * shape.vcpu + r * shape.memory_gib;
                let mut offers = Vec::new();
                for (years, usage) in [(1u8, "Commit1Yr"), (3, "Commit3Yr")] {
                    if let Some((c, r)) = commit(usage) {
                        offers.push(Offer {
                            kind: OfferKind::GcpCommittedUse,
                            term_years: years,
                            payment: Payment::NoUpfront,
                            upfront: 0.0,
                            hourly: price(c, r),
                        });
                    }
                }
                let (family, generation) = family_and_generation(Provider::Gcp, &machine);
                catalog.instances.push(Instance {
                    provider: Provider::Gcp,
                    region: region.clone(),
                    instance_type: machine,
                    family,
                    generation,
                    architecture: Architecture::X86_64,
                    vcpu: shape.vcpu,
                    memory_gib: shape.memory_gib,
                    burstable: false,
                    on_demand_hourly: price(*cpu, *ram),
                    currency: if currency.is_empty() {
                        "USD".into()
                    } else {
                        currency.clone()
                    },
                    offers,
                });
            }
        }
    }
    catalog.source = format!(
        "gcp billing catalog {}: {} machine types; skipped {other} skus that are not predefined \
         vCPU or RAM prices, {bad_unit} with an unexpected unit",
        path.display(),
        catalog.instances.len()
    );
    Ok(catalog)
}
