//! The AWS Savings Plans offer file (JSON, one region): `products[]{sku, productFamily
//! ("ComputeSavingsPlans" / "EC2InstanceSavingsPlans", also spelled with spaces),
//! attributes{purchaseOption, purchaseTerm}}` and `terms.savingsPlan[]{sku,
//! leaseContractLength{duration, unit}, rates[]{discountedUsageType "USE1-BoxUsage:m5.large",
//! discountedOperation, unit "Hrs", discountedRate{price, currency}, discountedRegionCode,
//! discountedInstanceType}}`.
//!
//! The file holds only discounted rates, so it adds offers to instances another catalog already
//! has ([`SavingsPlanRates::apply`]). Kept: EC2 `BoxUsage` rates of operation `RunInstances`
//! (Linux, shared tenancy) in hours. A No Upfront plan is an hourly fee; an All Upfront plan pays
//! the rate for the whole term upfront; a Partial Upfront plan pays half upfront (AWS's
//! definition: at least half) and half hourly.

use super::{Catalog, Offer, OfferKind, Payment};
use crate::error::{Error, Position, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// One discounted rate: what a plan charges per hour of one instance type in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsPlanRate {
    /// Region code.
    pub region: String,
    /// Instance type.
    pub instance_type: String,
    /// Compute or EC2 Instance Savings Plan.
    pub kind: OfferKind,
    /// 1 or 3.
    pub term_years: u8,
    /// How the plan is paid.
    pub payment: Payment,
    /// The discounted rate per hour (upfront included, spread over the term).
    pub rate: f64,
}

/// Every usable rate of a Savings Plans offer file, and what was skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavingsPlanRates {
    /// The rates.
    pub rates: Vec<SavingsPlanRate>,
    /// Rates skipped as not Linux shared-tenancy EC2 hours (counted, not silent).
    pub skipped: usize,
}

#[derive(Deserialize)]
struct File {
    #[serde(rename = "regionCode", default)]
    region_code: String,
    #[serde(default)]
    products: Vec<Product>,
    terms: Terms,
}

#[derive(Deserialize)]
struct Product {
    sku: String,
    #[serde(rename = "productFamily", default)]
    product_family: String,
    #[serde(default)]
    attributes: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Terms {
    #[serde(rename = "savingsPlan", default)]
    savings_plan: Vec<PlanTerm>,
}

#[derive(Deserialize)]
struct PlanTerm {
    sku: String,
    #[serde(rename = "leaseContractLength")]
    lease: Option<Lease>,
    #[serde(default)]
    rates: Vec<Rate>,
}

#[derive(Deserialize)]
struct Lease {
    duration: serde_json::Value,
}

#[derive(Deserialize)]
struct Rate {
    #[serde(rename = "discountedUsageType", default)]
    usage_type: String,
    #[serde(rename = "discountedOperation", default)]
    operation: String,
    #[serde(default)]
    unit: String,
    #[serde(rename = "discountedRate")]
    rate: RatePrice,
    #[serde(rename = "discountedRegionCode", default)]
    region: String,
    #[serde(rename = "discountedInstanceType", default)]
    instance_type: String,
}

#[derive(Deserialize)]
struct RatePrice {
    price: String,
}

/// Reads a Savings Plans offer file.
pub fn load_savings_plans(path: &Path) -> Result<SavingsPlanRates> {
    let text = super::plain::read_text(path)?;
    let file: File = serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    let products: HashMap<&str, &Product> =
        file.products.iter().map(|p| (p.sku.as_str(), p)).collect();
    let mut out = SavingsPlanRates::default();
    for (t, term) in file.terms.savings_plan.iter().enumerate() {
        let at = Position::file(path).column(format!("terms.savingsPlan[{t}]"));
        let Some(product) = products.get(term.sku.as_str()) else {
            return Err(Error::data(
                at.value(term.sku.clone()),
                "savings plan term whose sku is not among the products",
            ));
        };
        let family = product.product_family.to_ascii_lowercase().replace(' ', "");
        let kind = if family.starts_with("compute") {
            OfferKind::SavingsPlanCompute
        } else if family.starts_with("ec2instance") {
            OfferKind::SavingsPlanEc2Instance
        } else {
            out.skipped += term.rates.len();
            continue;
        };
        let option = product
            .attributes
            .get("purchaseOption")
            .cloned()
            .unwrap_or_default();
        let payment: Payment = option.parse().map_err(|e: String| {
            Error::data(at.clone().column("purchaseOption").value(option.clone()), e)
        })?;
        let years = term
            .lease
            .as_ref()
            .and_then(|l| match &l.duration {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.parse().ok(),
                _ => None,
            })
            .or_else(|| {
                product
                    .attributes
                    .get("purchaseTerm")
                    .and_then(|p| p.trim_end_matches("yr").parse().ok())
            });
        let term_years = match years {
            Some(1) => 1,
            Some(3) => 3,
            _ => {
                return Err(Error::data(
                    at.column("leaseContractLength"),
                    "expected a term of 1 or 3 years",
                ))
            }
        };
        for (r, rate) in term.rates.iter().enumerate() {
            let Some((_, instance)) = rate.usage_type.split_once("BoxUsage:") else {
                out.skipped += 1;
                continue;
            };
            if !(rate.operation.is_empty() || rate.operation == "RunInstances") {
                out.skipped += 1;
                continue;
            }
            if rate.unit != "Hrs" {
                out.skipped += 1;
                continue;
            }
            let price: f64 = rate.rate.price.trim().parse().map_err(|_| {
                Error::data(
                    Position::file(path)
                        .column(format!("terms.savingsPlan[{t}].rates[{r}].discountedRate"))
                        .value(rate.rate.price.clone()),
                    "expected a price",
                )
            })?;
            let region = if rate.region.is_empty() {
                file.region_code.clone()
            } else {
                rate.region.clone()
            };
            let instance_type = if rate.instance_type.is_empty() {
                instance.to_string()
            } else {
                rate.instance_type.clone()
            };
            out.rates.push(SavingsPlanRate {
                region,
                instance_type,
                kind,
                term_years,
                payment,
                rate: price,
            });
        }
    }
    Ok(out)
}

impl SavingsPlanRates {
    /// Adds each rate as an offer to the matching AWS instance of `catalog` (replacing an offer
    /// of the same kind, term and payment); returns how many rates found no instance.
    pub fn apply(&self, catalog: &mut Catalog) -> usize {
        let mut index: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, instance) in catalog.instances.iter().enumerate() {
            if instance.provider == super::Provider::Aws {
                index.insert(
                    (instance.region.as_str(), instance.instance_type.as_str()),
                    i,
                );
            }
        }
        let index: HashMap<(String, String), usize> = index
            .into_iter()
            .map(|((r, t), i)| ((r.to_string(), t.to_string()), i))
            .collect();
        let mut unmatched = 0;
        for rate in &self.rates {
            let Some(&i) = index.get(&(rate.region.clone(), rate.instance_type.clone())) else {
                unmatched += 1;
                continue;
            };
            let hours = f64::from(rate.term_years) * 8760.0;
            let (upfront, hourly) = match rate.payment {
                Payment::NoUpfront => (0.0, rate.rate),
                Payment::AllUpfront => (rate.rate * hours, 0.0),
                Payment::PartialUpfront => (rate.rate * hours / 2.0, rate.rate / 2.0),
            };
            let offers = &mut catalog.instances[i].offers;
            offers.retain(|o| {
                (o.kind, o.term_years, o.payment) != (rate.kind, rate.term_years, rate.payment)
            });
            offers.push(Offer {
                kind: rate.kind,
                term_years: rate.term_years,
                payment: rate.payment,
                upfront,
                hourly,
            });
        }
        catalog.source = format!(
            "{}; savings plans: {} rates applied, {unmatched} without a matching instance, {} \
             skipped as not Linux shared-tenancy EC2 hours",
            catalog.source,
            self.rates.len() - unmatched,
            self.skipped
        );
        unmatched
    }
}
