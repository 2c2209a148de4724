//! Azure Retail Prices API pages (`https://prices.azure.com/api/retail/prices`), saved as JSON:
//! `{"BillingCurrency", "Items": [{armSkuName, armRegionName, retailPrice, unitOfMeasure
//! "1 Hour", type "Consumption" | "Reservation" | "DevTestConsumption", reservationTerm
//! "1 Year" | "3 Years", productName, meterName, serviceName, currencyCode}], "NextPageLink"}`.
//!
//! Kept: `Virtual Machines` Linux items (a `productName` containing `Windows` is skipped, and so
//! are Spot and Low Priority meters and Dev/Test prices). A Consumption item is the on-demand
//! price per hour. A Reservation item's `retailPrice` is the price of the whole term (although
//! its `unitOfMeasure` says `1 Hour`): it becomes two offers, paid upfront, and paid monthly
//! (the same total spread over the term's hours). Azure pages carry no vCPU or memory: shapes
//! come from Microsoft's size rules ([`super::shapes::azure_vm_shape`]); a size they do not
//! cover is skipped and counted. `NextPageLink` is not followed (capcast makes no network
//! calls): save every page and load the folder.

use super::shapes::{azure_architecture, azure_vm_shape, family_and_generation, is_burstable};
use super::{Catalog, Instance, Offer, OfferKind, Payment, Provider};
use crate::error::{Error, Position, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct Page {
    #[serde(rename = "BillingCurrency", default)]
    billing_currency: String,
    #[serde(rename = "Items")]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(rename = "armSkuName", default)]
    arm_sku_name: String,
    #[serde(rename = "armRegionName", default)]
    arm_region_name: String,
    #[serde(rename = "retailPrice")]
    retail_price: Option<f64>,
    #[serde(rename = "unitOfMeasure", default)]
    unit_of_measure: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(rename = "reservationTerm", default)]
    reservation_term: String,
    #[serde(rename = "productName", default)]
    product_name: String,
    #[serde(rename = "meterName", default)]
    meter_name: String,
    #[serde(rename = "serviceName", default)]
    service_name: String,
    #[serde(rename = "currencyCode", default)]
    currency_code: String,
}

/// Reads one saved Retail Prices API page.
pub fn load_azure(path: &Path) -> Result<Catalog> {
    let text = super::plain::read_text(path)?;
    let page: Page = serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    let mut on_demand: BTreeMap<(String, String), (f64, String)> = BTreeMap::new();
    let mut reservations: BTreeMap<(String, String), Vec<(u8, f64)>> = BTreeMap::new();
    let (mut other, mut non_hourly) = (0usize, 0usize);
    for (i, item) in page.items.iter().enumerate() {
        let at = || Position::file(path).row(i as u64 + 1);
        let is_vm = item.service_name.is_empty() || item.service_name == "Virtual Machines";
        let linux = !item.product_name.contains("Windows");
        let regular =
            !item.meter_name.contains("Spot") && !item.meter_name.contains("Low Priority");
        if !(is_vm && linux && regular) || item.arm_sku_name.is_empty() {
            other += 1;
            continue;
        }
        let price = item
            .retail_price
            .filter(|p| p.is_finite() && *p >= 0.0)
            .ok_or_else(|| {
                Error::data(
                    at().column("retailPrice")
                        .value(format!("{:?}", item.retail_price)),
                    format!("item {}: expected a price >= 0", item.arm_sku_name),
                )
            })?;
        let key = (item.arm_region_name.clone(), item.arm_sku_name.clone());
        match item.kind.as_str() {
            "Consumption" => {
                if item.unit_of_measure != "1 Hour" {
                    non_hourly += 1;
                    continue;
                }
                let currency = if item.currency_code.is_empty() {
                    page.billing_currency.clone()
                } else {
                    item.currency_code.clone()
                };
                on_demand.insert(key, (price, currency));
            }
            "Reservation" => {
                let years = match item.reservation_term.as_str() {
                    "1 Year" => 1,
                    "3 Years" => 3,
                    other => {
                        return Err(Error::data(
                            at().column("reservationTerm").value(other.to_string()),
                            format!("item {}: expected '1 Year' or '3 Years'", item.arm_sku_name),
                        ))
                    }
                };
                reservations.entry(key).or_default().push((years, price));
            }
            _ => other += 1,
        }
    }
    let orphan = reservations
        .keys()
        .filter(|key| !on_demand.contains_key(*key))
        .count();
    let mut catalog = Catalog::default();
    let mut unknown_shape = 0usize;
    for ((region, sku), (price, currency)) in on_demand {
        let Some(shape) = azure_vm_shape(&sku) else {
            unknown_shape += 1;
            continue;
        };
        let (family, generation) = family_and_generation(Provider::Azure, &sku);
        let mut offers = Vec::new();
        for &(years, total) in reservations
            .get(&(region.clone(), sku.clone()))
            .into_iter()
            .flatten()
        {
            let hours = f64::from(years) * 8760.0;
            for (payment, upfront, hourly) in [
                (Payment::AllUpfront, total, 0.0),
                (Payment::NoUpfront, 0.0, total / hours),
            ] {
                offers.push(Offer {
                    kind: OfferKind::AzureReservation,
                    term_years: years,
                    payment,
                    upfront,
                    hourly,
                });
            }
        }
        catalog.instances.push(Instance {
            provider: Provider::Azure,
            region,
            architecture: azure_architecture(&sku),
            burstable: is_burstable(Provider::Azure, &sku),
            instance_type: sku,
            family,
            generation,
            vcpu: shape.vcpu,
            memory_gib: shape.memory_gib,
            on_demand_hourly: price,
            currency: if currency.is_empty() {
                "USD".into()
            } else {
                currency
            },
            offers,
        });
    }
    catalog.source = format!(
        "azure retail prices {}: {} instances; skipped {other} items that are not Linux \
         pay-as-you-go or reserved VM prices, {non_hourly} not priced per hour, {unknown_shape} \
         sizes without a known vCPU/memory shape, {orphan} reservations without an on-demand \
         price on the page",
        path.display(),
        catalog.instances.len()
    );
    Ok(catalog)
}
