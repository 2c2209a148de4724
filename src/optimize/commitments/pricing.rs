//! Prices: upfront payments as equivalent hourly payments, and instruments built from a
//! catalog's commitment offers.
//!
//! A pool holds every size of a family in a region. AWS pools are measured in normalized
//! unit-hours (the unit of RI size flexibility, [`super::normalization`]): vCPUs would misprice
//! burstables (`t3.nano` and `t3.large` both have 2 vCPUs, yet cost 0.0052 and 0.0832 USD an
//! hour: factors 0.25 and 4, so 0.0208 per NU-hour each). Azure and GCP pools are measured in
//! vCPU-hours. Each price is taken from the family's cheapest instance per unit in the region.

use std::collections::BTreeMap;

use super::normalization::{normalization_factor, unit_of, MEMORY_UNIT, VCPU_UNIT};
use super::problem::{Coverage, Instrument, Pool};
use super::series_prices::series_pool;
use crate::error::{Error, Result};
use crate::optimize::catalog::{Catalog, Instance, Offer, OfferKind, Payment, Provider};

/// The hourly payment over `term_hours` hours worth `upfront` now at annual rate
/// `cost_of_capital`: `upfront * i / (1 - (1 + i)^-n)` with `i = (1 + rate)^(1/8760) - 1`
/// (an annuity); `upfront / n` at rate 0.
///
/// ```
/// use capcast::optimize::commitments::hourly_equivalent;
/// assert!((hourly_equivalent(8760.0, 8760, 0.0) - 1.0).abs() < 1e-12);
/// // At 5 % a year the equivalent is higher: money now is worth more than money later.
/// let h = hourly_equivalent(8760.0, 8760, 0.05);
/// assert!(h > 1.02 && h < 1.03);
/// ```
pub fn hourly_equivalent(upfront: f64, term_hours: usize, cost_of_capital: f64) -> f64 {
    if upfront == 0.0 || term_hours == 0 {
        return 0.0;
    }
    let n = term_hours as f64;
    if cost_of_capital <= 0.0 {
        return upfront / n;
    }
    let i = (1.0 + cost_of_capital).powf(1.0 / 8760.0) - 1.0;
    upfront * i / (1.0 - (1.0 + i).powf(-n))
}

/// What a pool's usage counts.
///
/// ```
/// use capcast::optimize::catalog::Provider;
/// use capcast::optimize::commitments::{PoolKey, PoolResource};
/// let memory = PoolKey {
///     id: "n2 memory/us-central1".into(),
///     provider: Provider::Gcp,
///     region: "us-central1".into(),
///     family: "n2".into(),
///     resource: "memory".parse::<PoolResource>().unwrap(),
/// };
/// assert_eq!((memory.resource.as_str(), memory.unit()), ("memory", "GiB-hours"));
/// assert!("disks".parse::<PoolResource>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PoolResource {
    /// Instance-hours of a family, weighed by their units: normalized units on AWS, vCPUs on
    /// Azure and GCP.
    #[default]
    Instances,
    /// vCPU-hours of a GCP machine series (resource-based committed use discounts commit
    /// vCPUs and memory of a series in a region separately).
    Cores,
    /// GiB-hours of memory of a GCP machine series.
    Memory,
}

impl PoolResource {
    /// The name in frames: `instances`, `cores` or `memory`.
    pub fn as_str(self) -> &'static str {
        match self {
            PoolResource::Instances => "instances",
            PoolResource::Cores => "cores",
            PoolResource::Memory => "memory",
        }
    }
}

impl std::str::FromStr for PoolResource {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "instances" => Ok(PoolResource::Instances),
            "cores" => Ok(PoolResource::Cores),
            "memory" => Ok(PoolResource::Memory),
            _ => Err("expected instances, cores or memory".into()),
        }
    }
}

/// A pool as the catalog knows it: usage of one instance family in one region, in
/// normalized unit-hours on AWS, vCPU-hours elsewhere; or the vCPU-hours or memory GiB-hours
/// of one GCP machine series in a region ([`PoolKey::unit`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PoolKey {
    /// The pool's id in the usage.
    pub id: String,
    /// The provider.
    pub provider: Provider,
    /// The region code.
    pub region: String,
    /// The instance family (`m5`, `Dsv5`, `n2-standard`), or the GCP machine series (`n2`)
    /// of a [`PoolResource::Cores`] or [`PoolResource::Memory`] pool.
    pub family: String,
    /// What the usage counts.
    pub resource: PoolResource,
}

impl PoolKey {
    /// The unit of the pool's usage: `normalized unit-hours` (AWS instances), `vCPU-hours`
    /// (other instances, GCP series vCPUs) or `GiB-hours` (GCP series memory).
    pub fn unit(&self) -> &'static str {
        match self.resource {
            PoolResource::Instances => unit_of(self.provider),
            PoolResource::Cores => VCPU_UNIT,
            PoolResource::Memory => MEMORY_UNIT,
        }
    }
}

/// Spend-based plans spanning pools: (provider, kind, term, name) -> (offer, scope).
type Shared = BTreeMap<(Provider, OfferKind, u8, String), (Offer, Vec<Coverage>)>;

/// The family's cheapest instance per unit in the region, with its units (normalization
/// factor on AWS, vCPUs elsewhere).
fn representative<'a>(catalog: &'a Catalog, key: &'a PoolKey) -> Option<(&'a Instance, f64)> {
    let family: Vec<&Instance> = catalog
        .in_region(key.provider, &key.region)
        .filter(|i| i.family == key.family)
        .collect();
    family
        .iter()
        .filter(|i| i.vcpu > 0.0 && i.on_demand_hourly > 0.0)
        .filter_map(|i| {
            let units = if key.provider == Provider::Aws {
                normalization_factor(
                    &i.instance_type,
                    i.vcpu,
                    family.iter().map(|s| (s.instance_type.as_str(), s.vcpu)),
                )?
            } else {
                i.vcpu
            };
            Some((*i, units))
        })
        .min_by(|a, b| (a.0.on_demand_hourly / a.1).total_cmp(&(b.0.on_demand_hourly / b.1)))
}

fn kind_label(kind: OfferKind) -> &'static str {
    match kind {
        OfferKind::ReservedStandard => "RI standard",
        OfferKind::ReservedConvertible => "RI convertible",
        OfferKind::SavingsPlanEc2Instance => "EC2 Instance SP",
        OfferKind::SavingsPlanCompute => "Compute SP",
        OfferKind::AzureReservation => "Azure reservation",
        OfferKind::AzureSavingsPlan => "Azure savings plan",
        OfferKind::GcpCommittedUse => "GCP CUD",
    }
}

fn payment_label(payment: Payment) -> &'static str {
    match payment {
        Payment::NoUpfront => "no upfront",
        Payment::PartialUpfront => "partial upfront",
        Payment::AllUpfront => "all upfront",
    }
}

/// An offer's name in purchase lists: `RI standard 1y no upfront`, `GCP CUD 3y no upfront`.
pub(super) fn offer_name(kind: OfferKind, term_years: u8, payment: Payment) -> String {
    format!(
        "{} {term_years}y {}",
        kind_label(kind),
        payment_label(payment)
    )
}

/// The pools (priced on demand per unit-hour: normalized unit on AWS, vCPU elsewhere, vCPU or
/// GiB for a GCP series pool: [`super::series_prices`]) and every instrument the catalog
/// offers for them: one reservation (or committed use discount) per pool and offer (quantity
/// in units per hour), one EC2
/// Instance Savings Plan per family and region, and one Compute (or Azure) Savings Plan per
/// provider, term and payment covering every pool of that provider (quantity in dollars of
/// hourly commitment).
///
/// # Errors
/// [`Error::Parameter`] naming a pool whose family and region the catalog does not price.
pub fn instruments_from_catalog(
    catalog: &Catalog,
    pools: &[PoolKey],
) -> Result<(Vec<Pool>, Vec<Instrument>)> {
    let mut out_pools = Vec::new();
    let mut instruments = Vec::new();
    let mut shared: Shared = BTreeMap::new();
    for key in pools {
        if key.resource != PoolResource::Instances {
            let (pool, offered) = series_pool(catalog, key)?;
            out_pools.push(pool);
            instruments.extend(offered);
            continue;
        }
        let (instance, units) = representative(catalog, key).ok_or_else(|| {
            Error::parameter(
                "pools",
                format!(
                    "pool '{}': the catalog has no {:?} instance of family '{}' in region '{}'",
                    key.id, key.provider, key.family, key.region
                ),
            )
        })?;
        out_pools.push(Pool {
            id: key.id.clone(),
            on_demand: instance.on_demand_hourly / units,
        });
        for offer in &instance.offers {
            let name = offer_name(offer.kind, offer.term_years, offer.payment);
            match offer.kind {
                OfferKind::SavingsPlanCompute | OfferKind::AzureSavingsPlan => {
                    let entry = shared
                        .entry((key.provider, offer.kind, offer.term_years, name))
                        .or_insert_with(|| (offer.clone(), Vec::new()));
                    entry.1.push(Coverage {
                        pool: key.id.clone(),
                        rate: offer.effective_hourly() / units,
                    });
                }
                OfferKind::SavingsPlanEc2Instance => {
                    let (upfront, hourly) = spend_split(offer);
                    instruments.push(Instrument {
                        name: format!("{name} {}", key.id),
                        kind: offer.kind,
                        term_years: offer.term_years,
                        payment: offer.payment,
                        upfront,
                        hourly,
                        scope: vec![Coverage {
                            pool: key.id.clone(),
                            rate: offer.effective_hourly() / units,
                        }],
                    });
                }
                _ => instruments.push(Instrument {
                    name: format!("{name} {}", key.id),
                    kind: offer.kind,
                    term_years: offer.term_years,
                    payment: offer.payment,
                    upfront: offer.upfront / units,
                    hourly: offer.hourly / units,
                    scope: vec![Coverage {
                        pool: key.id.clone(),
                        rate: 1.0,
                    }],
                }),
            }
        }
    }
    for ((_, kind, term_years, name), (offer, scope)) in shared {
        let (upfront, hourly) = spend_split(&offer);
        instruments.push(Instrument {
            name,
            kind,
            term_years,
            payment: offer.payment,
            upfront,
            hourly,
            scope,
        });
    }
    Ok((out_pools, instruments))
}

/// Per dollar of hourly commitment: the upfront and the recurring hourly fee, in the offer's
/// proportions.
fn spend_split(offer: &Offer) -> (f64, f64) {
    let hours = offer.term_hours();
    let total = offer.upfront + offer.hourly * hours;
    if total <= 0.0 {
        return (0.0, 1.0);
    }
    let share = offer.upfront / total;
    (share * hours, 1.0 - share)
}
