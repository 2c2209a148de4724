//! Instance catalogs: what each instance type offers (vCPU, memory, architecture) and what it
//! costs, on demand and under every commitment offer (Reserved Instances, Savings Plans, Azure
//! reservations, GCP committed use discounts).
//!
//! A [`Catalog`] is a list of [`Instance`]s, each priced in one region. Rightsizing picks the
//! cheapest instance that fits; the commitment optimizer reads the [`Offer`]s.
//!
//! Where catalogs come from:
//! - [`Catalog::bundled`]: the default catalog embedded in the binary (`data/catalog/`, sources
//!   and dates in its README).
//! - [`load_catalog`]: any file users download, format detected: the AWS Price List bulk offer
//!   file for EC2 ([`aws`], JSON or CSV), the AWS Savings Plans offer file
//!   ([`aws_savings_plans`]), Azure Retail Prices API pages ([`azure`]), the GCP Cloud Billing
//!   Catalog SKU list ([`gcp`]), or a plain CSV ([`plain`]).
//! - [`Catalog::merge`] joins catalogs; [`CatalogFilter`] narrows one; [`Catalog::to_frame`] and
//!   [`Catalog::offers_frame`] show one as polars frames.

pub mod aws;
pub mod aws_savings_plans;
pub mod azure;
mod detect;
mod frame;
pub mod gcp;
pub mod gcp_sku;
pub mod plain;
mod shapes;

pub use detect::{load_catalog, load_catalogs};
pub use frame::CatalogFilter;
pub use shapes::{gcp_machine_shape, MachineShape};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A cloud provider, as FOCUS names it in `ProviderName` (lower-case here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Microsoft Azure.
    Azure,
    /// Google Cloud.
    Gcp,
    /// Anything else (on-premises, another cloud) given in a plain CSV catalog.
    Other,
}

/// A processor architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// x86-64 (Intel or AMD).
    X86_64,
    /// 64-bit ARM (Graviton, Ampere, Axion, Cobalt).
    Arm64,
}

/// The kind of a commitment offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// AWS Standard Reserved Instance: one instance type (size-flexible within a family on
    /// Linux) in one region.
    ReservedStandard,
    /// AWS Convertible Reserved Instance: exchangeable for another family.
    ReservedConvertible,
    /// AWS EC2 Instance Savings Plan: one family in one region, any size, OS or tenancy.
    SavingsPlanEc2Instance,
    /// AWS Compute Savings Plan: any EC2, Fargate or Lambda usage, any region.
    SavingsPlanCompute,
    /// Azure reserved VM instance.
    AzureReservation,
    /// Azure savings plan for compute.
    AzureSavingsPlan,
    /// GCP resource-based committed use discount.
    GcpCommittedUse,
}

/// How a commitment is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payment {
    /// Nothing upfront; an hourly fee for the whole term.
    NoUpfront,
    /// Part upfront, a lower hourly fee for the term.
    PartialUpfront,
    /// Everything upfront, no hourly fee.
    AllUpfront,
}

/// One commitment offer for an instance: pay `upfront` once and `hourly` every hour of the
/// term, whether used or not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// The kind of commitment.
    pub kind: OfferKind,
    /// The term in years (1 or 3).
    pub term_years: u8,
    /// How it is paid.
    pub payment: Payment,
    /// The one-off payment at purchase, in the catalog's currency.
    pub upfront: f64,
    /// The recurring fee per hour of the term, in the catalog's currency.
    pub hourly: f64,
}

impl Offer {
    /// Hours in the term (365 days a year, as AWS prices reservations).
    pub fn term_hours(&self) -> f64 {
        f64::from(self.term_years) * 8760.0
    }

    /// The effective hourly price: upfront spread evenly over the term, plus the hourly fee.
    pub fn effective_hourly(&self) -> f64 {
        self.hourly + self.upfront / self.term_hours()
    }
}

/// One instance type in one region, with its list prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// The provider.
    pub provider: Provider,
    /// The provider's region code (`us-east-1`, `westeurope`, `europe-west1`).
    pub region: String,
    /// The instance type as the provider spells it (`m6i.xlarge`, `Standard_D4s_v5`,
    /// `n2-standard-4`).
    pub instance_type: String,
    /// The family (`m6i`, `Dsv5`, `n2-standard`); same-family rightsizing keeps this.
    pub family: String,
    /// The generation number where the provider has one (6 for `m6i`, 5 for `Dsv5`).
    pub generation: Option<u32>,
    /// The processor architecture.
    pub architecture: Architecture,
    /// Virtual CPUs.
    pub vcpu: f64,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// Burstable (CPU credits: AWS t, Azure B, GCP e2-micro/small/medium).
    pub burstable: bool,
    /// The on-demand (pay-as-you-go) list price per hour, Linux, shared tenancy.
    pub on_demand_hourly: f64,
    /// The currency of every price of this instance (ISO 4217, `USD`).
    pub currency: String,
    /// Commitment offers for this instance in this region.
    pub offers: Vec<Offer>,
}

/// A list of priced instances, with where the prices came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Every instance, in no particular order.
    pub instances: Vec<Instance>,
    /// Where the prices came from and when they were read (free text, shown in reports).
    pub source: String,
}

impl Catalog {
    /// The instance `instance_type` of `provider` in `region`, if the catalog has it.
    pub fn find(&self, provider: Provider, region: &str, instance_type: &str) -> Option<&Instance> {
        self.instances.iter().find(|instance| {
            instance.provider == provider
                && instance.region == region
                && instance.instance_type == instance_type
        })
    }

    /// Every instance of `provider` in `region`.
    pub fn in_region<'a>(
        &'a self,
        provider: Provider,
        region: &'a str,
    ) -> impl Iterator<Item = &'a Instance> + 'a {
        self.instances
            .iter()
            .filter(move |instance| instance.provider == provider && instance.region == region)
    }
}

impl Provider {
    /// The lower-case name used in files and on the command line (`aws`, `azure`, `gcp`,
    /// `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
            Provider::Other => "other",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = String;
    /// Accepts the lower-case names and the FOCUS `ProviderName` spellings (`AWS`, `Amazon Web
    /// Services`, `Microsoft`, `Azure`, `Google Cloud`, `GCP`), case-insensitively.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "aws" | "amazon web services" | "amazon" => Ok(Provider::Aws),
            "azure" | "microsoft" | "microsoft azure" => Ok(Provider::Azure),
            "gcp" | "google cloud" | "google" | "google cloud platform" => Ok(Provider::Gcp),
            "other" => Ok(Provider::Other),
            _ => Err("expected aws, azure, gcp or other".into()),
        }
    }
}

impl Architecture {
    /// The name used in files (`x86_64`, `arm64`).
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

impl FromStr for Architecture {
    type Err = String;
    /// Accepts `x86_64`, `x86`, `amd64`, `64-bit` (AWS's word for x86) and `arm64`, `arm`,
    /// `aarch64`, `arm64_mac`, case-insensitively.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "x86_64" | "x86" | "amd64" | "x64" | "64-bit" | "i386" => Ok(Architecture::X86_64),
            "arm64" | "arm" | "aarch64" | "arm64_mac" => Ok(Architecture::Arm64),
            _ => Err("expected x86_64 or arm64".into()),
        }
    }
}

impl OfferKind {
    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferKind::ReservedStandard => "reserved_standard",
            OfferKind::ReservedConvertible => "reserved_convertible",
            OfferKind::SavingsPlanEc2Instance => "savings_plan_ec2_instance",
            OfferKind::SavingsPlanCompute => "savings_plan_compute",
            OfferKind::AzureReservation => "azure_reservation",
            OfferKind::AzureSavingsPlan => "azure_savings_plan",
            OfferKind::GcpCommittedUse => "gcp_committed_use",
        }
    }
}

impl FromStr for OfferKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const ALL: [OfferKind; 7] = [
            OfferKind::ReservedStandard,
            OfferKind::ReservedConvertible,
            OfferKind::SavingsPlanEc2Instance,
            OfferKind::SavingsPlanCompute,
            OfferKind::AzureReservation,
            OfferKind::AzureSavingsPlan,
            OfferKind::GcpCommittedUse,
        ];
        let wanted = text.trim().to_ascii_lowercase();
        ALL.into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL.iter().map(|kind| kind.as_str()).collect();
                format!("expected one of {}", names.join(", "))
            })
    }
}

impl Payment {
    /// The snake_case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Payment::NoUpfront => "no_upfront",
            Payment::PartialUpfront => "partial_upfront",
            Payment::AllUpfront => "all_upfront",
        }
    }
}

impl FromStr for Payment {
    type Err = String;
    /// Accepts the snake_case names and AWS's `No Upfront`, `Partial Upfront`, `All Upfront`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "no_upfront" => Ok(Payment::NoUpfront),
            "partial_upfront" => Ok(Payment::PartialUpfront),
            "all_upfront" => Ok(Payment::AllUpfront),
            _ => Err("expected no_upfront, partial_upfront or all_upfront".into()),
        }
    }
}

/// The text of the bundled catalog's instance table (`data/catalog/instances.csv`).
const BUNDLED_INSTANCES: &str = include_str!("../../../data/catalog/instances.csv");
/// The text of the bundled catalog's offer table (`data/catalog/offers.csv`).
const BUNDLED_OFFERS: &str = include_str!("../../../data/catalog/offers.csv");

impl Catalog {
    /// The default catalog bundled in the binary: common general-purpose, compute- and
    /// memory-optimized families of AWS, Azure and GCP in at least five regions each, with
    /// commitment offers. `data/catalog/README.md` states the source and date of every price
    /// and which offers are derived rather than read from a price list.
    pub fn bundled() -> crate::Result<Catalog> {
        let mut catalog = plain::parse(
            BUNDLED_INSTANCES,
            Some(BUNDLED_OFFERS),
            "data/catalog/instances.csv",
            "data/catalog/offers.csv",
        )?;
        catalog.source = "capcast bundled catalog (data/catalog/README.md: apache-libcloud 3.9.1 \
                          price table of 2025-03-02, opencost AWS reservation offerings; \
                          offers marked 'derived' follow documented rules)"
            .into();
        Ok(catalog)
    }

    /// Joins `other` into this catalog. An instance present in both (same provider, region
    /// and type) takes `other`'s shape and on-demand price; its offers are the union, `other`'s
    /// winning where both have the same kind, term and payment.
    pub fn merge(mut self, other: Catalog) -> Catalog {
        let mut index: std::collections::HashMap<(Provider, String, String), usize> = self
            .instances
            .iter()
            .enumerate()
            .map(|(i, it)| {
                (
                    (it.provider, it.region.clone(), it.instance_type.clone()),
                    i,
                )
            })
            .collect();
        for incoming in other.instances {
            let key = (
                incoming.provider,
                incoming.region.clone(),
                incoming.instance_type.clone(),
            );
            match index.get(&key) {
                Some(&i) => {
                    let existing = &mut self.instances[i];
                    let mut offers = std::mem::take(&mut existing.offers);
                    for offer in &incoming.offers {
                        offers.retain(|o| {
                            (o.kind, o.term_years, o.payment)
                                != (offer.kind, offer.term_years, offer.payment)
                        });
                    }
                    offers.extend(incoming.offers.iter().cloned());
                    *existing = Instance { offers, ..incoming };
                }
                None => {
                    index.insert(key, self.instances.len());
                    self.instances.push(incoming);
                }
            }
        }
        self.source = match (self.source.is_empty(), other.source.is_empty()) {
            (true, _) => other.source,
            (false, true) => self.source,
            (false, false) => format!("{}; {}", self.source, other.source),
        };
        self
    }

    /// The instances `filter` keeps, as a new catalog.
    pub fn filter(&self, filter: &CatalogFilter) -> Catalog {
        Catalog {
            instances: self
                .instances
                .iter()
                .filter(|instance| filter.keeps(instance))
                .cloned()
                .collect(),
            source: self.source.clone(),
        }
    }

    /// The distinct regions of `provider`, sorted.
    pub fn regions(&self, provider: Provider) -> Vec<String> {
        let mut regions: Vec<String> = self
            .instances
            .iter()
            .filter(|instance| instance.provider == provider)
            .map(|instance| instance.region.clone())
            .collect();
        regions.sort();
        regions.dedup();
        regions
    }
}

#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod tests;
