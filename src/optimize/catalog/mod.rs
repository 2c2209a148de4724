//! Instance catalogs: what each instance type offers (vCPU, memory, architecture) and what it
//! costs, on demand and under every commitment offer (Reserved Instances, Savings Plans, Azure
//! reservations, GCP committed use discounts).
//!
//! A [`Catalog`] is a list of [`Instance`]s, each priced in one region. Rightsizing picks the
//! cheapest instance that fits; the commitment optimizer reads the [`Offer`]s.

use serde::{Deserialize, Serialize};

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
