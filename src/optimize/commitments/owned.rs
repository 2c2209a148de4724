//! The commitments a bill shows as owned: their rows gathered per `CommitmentDiscountId`, their
//! kind (Reserved Instance, Compute or EC2 Instance Savings Plan), scope, quantity, price and
//! end, and their translation into the optimizer's [`Existing`] commitments.
//!
//! **Savings Plan type.** FOCUS 1.2 says only `Savings Plan`; AWS's exports tell the plan type
//! in several places, read in this order from any of the plan's rows:
//! 1. a `SkuPriceDetails` key or an `x_` column named like `SavingsPlanType`, `PlanType`,
//!    `OfferingType` or `SavingsPlanOfferingType` (CUR 2.0 `savings_plan_offering_type`), with
//!    a value such as `EC2InstanceSavingsPlans` or `ComputeSavingsPlans`;
//! 2. `CommitmentDiscountName` or `ChargeDescription` naming an `EC2 Instance Savings Plan` or
//!    a `Compute Savings Plan`.
//!
//! When none says, Compute is assumed and written in the assumptions. SageMaker and Database
//! Savings Plans cover no EC2 instance: they are left out, said. An EC2 Instance Savings Plan
//! covers one family in one region: `InstanceFamily` of its purchase row's `SkuPriceDetails`
//! and its `RegionId`, else the family and region of the usage it covered (`Used` rows).

use std::collections::BTreeMap;

use super::billing::{BillUsage, BillingParams, OwnedCommitment, HOUR_US, YEAR_US};
use super::terms::StatedTerm;
use super::{Coverage, Existing, Instrument};
use crate::optimize::catalog::{OfferKind, Payment, Provider};

/// What a Savings Plan's rows say of its type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum PlanType {
    Compute,
    Ec2Instance,
    /// SageMaker, Database or another non-EC2 plan.
    Other,
}

/// Normalized text: lower-case letters and digits only.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a column or JSON key names a Savings Plan's type.
pub(super) fn names_plan_type(key: &str) -> bool {
    let k = squash(key);
    k.ends_with("plantype") || k.ends_with("offeringtype")
}

/// The plan type a value (`EC2InstanceSavingsPlans`, `Compute Savings Plan, 3 yr ...`) names.
pub(super) fn plan_type_of(value: &str) -> Option<PlanType> {
    let v = squash(value);
    if v.contains("ec2instance") {
        Some(PlanType::Ec2Instance)
    } else if v.contains("computesavingsplan") || v == "compute" {
        Some(PlanType::Compute)
    } else if v.contains("sagemaker") || v.contains("database") || v.contains("lambda") {
        Some(PlanType::Other)
    } else {
        None
    }
}

/// One commitment's rows, gathered.
#[derive(Default)]
pub(super) struct Acc {
    pub kind: Option<String>,
    pub provider: Option<Provider>,
    /// hour -> (CommitmentDiscountQuantity, EffectiveCost) of its Used + Unused rows.
    pub hours: BTreeMap<i64, (f64, f64)>,
    /// CommitmentDiscountQuantity per instance type of its Used + Unused rows (`""`: rows
    /// that name none).
    pub by_type: BTreeMap<String, f64>,
    /// Whether its `CommitmentDiscountUnit` says normalized units.
    pub normalized: bool,
    /// The instance type of its purchase rows, else of its first rows.
    pub instance_type: Option<String>,
    pub purchase_type: Option<String>,
    pub region: Option<String>,
    pub purchase_start: Option<i64>,
    pub term: Option<u8>,
    pub hourly_commitment: Option<f64>,
    pub instance_count: Option<f64>,
    /// The plan type and where it was read, from the strongest evidence seen.
    pub plan_type: Option<(PlanType, String, u8)>,
    /// Family and region of a purchase row's details.
    pub purchase_scope: Option<(String, String)>,
    /// Spend of its Used rows per (family, region).
    pub used_scopes: BTreeMap<(String, String), f64>,
}

impl Acc {
    /// Keeps the plan type of the strongest evidence (lower `rank` wins).
    pub fn plan_evidence(&mut self, value: &str, source: &str, rank: u8) {
        if let Some(t) = plan_type_of(value) {
            if self.plan_type.as_ref().is_none_or(|(_, _, r)| rank < *r) {
                self.plan_type = Some((t, format!("{source} '{value}'"), rank));
            }
        }
    }
}

/// Units per instance-hour of each instance type (normalization factor on AWS, vCPUs
/// elsewhere), from [`super::billing`].
pub(super) type TypeUnits = BTreeMap<String, f64>;

/// The end of commitment `id` starting at `start` (microseconds), how it was found and the
/// term in years: the user's end ([`BillingParams::end`]), else the end the bill's other
/// columns state, else start plus the bill's `term`, else start plus the default term; each
/// guess is said in `assumptions`.
pub(super) fn commitment_end(
    id: &str,
    start: i64,
    term: Option<u8>,
    params: &BillingParams,
    stated: Option<StatedTerm>,
    assumptions: &mut Vec<String>,
) -> (i64, &'static str, u8) {
    let stated_end = stated.and_then(|t| t.end_us.map(|end| (end, t.source)));
    if let Some(&end) = params.ends.get(id) {
        (end, "given", term.unwrap_or(params.default_term()))
    } else if let Some((end, source)) = stated_end {
        // The term in whole years, for the instrument's pricing (1 or 3 in practice).
        let years = ((end - start) as f64 / YEAR_US as f64)
            .round()
            .clamp(1.0, 5.0) as u8;
        (end, source, term.unwrap_or(years))
    } else if let Some(t) = term {
        assumptions.push(format!(
            "commitment '{id}': the bill has no end date; assumed start + {t} year(s) (the bill's term)"
        ));
        (start + i64::from(t) * YEAR_US, "bill term", t)
    } else {
        let t = params.default_term();
        assumptions.push(format!(
            "commitment '{id}': the bill has no end date and gives no term; assumed start + {t} year(s)"
        ));
        (start + i64::from(t) * YEAR_US, "assumed", t)
    }
}

/// The owned commitments of `acc` (module docs); guesses and omissions go to `assumptions`.
pub(super) fn resolve(
    acc: BTreeMap<String, Acc>,
    units: &TypeUnits,
    families: &BTreeMap<String, String>,
    params: &BillingParams,
    stated: &BTreeMap<String, StatedTerm>,
    first: i64,
    assumptions: &mut Vec<String>,
) -> Vec<OwnedCommitment> {
    let mut owned = Vec::new();
    for (id, a) in acc {
        let Some(kind) = a.kind.clone() else {
            assumptions.push(format!(
                "commitment '{id}' has no CommitmentDiscountType or Category: left out"
            ));
            continue;
        };
        let seen = a.hours.len().max(1) as f64;
        let qty_per_hour = a.hours.values().map(|v| v.0).sum::<f64>() / seen;
        let fee_per_hour = a.hours.values().map(|v| v.1).sum::<f64>() / seen;
        let stated_term = stated.get(&id).copied();
        let start = stated_term
            .and_then(|t| t.start_us)
            .or(a.purchase_start)
            .or_else(|| a.hours.keys().next().copied())
            .unwrap_or(first);
        let aws = a.provider.unwrap_or(Provider::Aws) == Provider::Aws;
        let (kind, quantity, scope, unit) = if kind == "reserved_instance" {
            let itype = a
                .purchase_type
                .clone()
                .or_else(|| a.instance_type.clone())
                .unwrap_or_default();
            let Some(family) = families.get(&itype).cloned().or_else(|| {
                aws.then(|| itype.split_once('.').map(|(f, _)| f.to_string()))
                    .flatten()
            }) else {
                assumptions.push(format!(
                    "reserved instance '{id}': instance type '{itype}' has no usage in the bill (family unknown): left out"
                ));
                continue;
            };
            let own_units = units.get(&itype).copied().or_else(|| {
                aws.then(|| super::normalization::size_factor(&itype))
                    .flatten()
            });
            let quantity = if a.normalized && qty_per_hour > 0.0 {
                qty_per_hour
            } else if qty_per_hour > 0.0 {
                // Each row's hours weigh its own instance type's units.
                let mut total = 0.0;
                let mut missing = false;
                for (t, q) in &a.by_type {
                    match units.get(t).copied().or(own_units) {
                        Some(u) => total += q * u,
                        None => missing = true,
                    }
                }
                if missing {
                    assumptions.push(format!(
                        "reserved instance '{id}': the units of '{itype}' are unknown (no vCPU in the bill): left out"
                    ));
                    continue;
                }
                total / seen
            } else if let (Some(n), Some(u)) = (a.instance_count, own_units) {
                n * u
            } else {
                0.0
            };
            let reg = a.region.clone().unwrap_or_default();
            let unit = if aws { "normalized units" } else { "vCPUs" };
            (kind, quantity, format!("{family}/{reg}"), unit)
        } else {
            let q = if qty_per_hour > 0.0 {
                qty_per_hour
            } else {
                a.hourly_commitment.unwrap_or(0.0)
            };
            let (plan, scope) = match &a.plan_type {
                Some((PlanType::Other, why, _)) => {
                    assumptions.push(format!(
                        "savings plan '{id}' is not an EC2 plan ({why}): left out"
                    ));
                    continue;
                }
                Some((PlanType::Ec2Instance, why, _)) => {
                    let scope = a.purchase_scope.clone().or_else(|| {
                        a.used_scopes
                            .iter()
                            .max_by(|x, y| x.1.total_cmp(y.1))
                            .map(|(k, _)| k.clone())
                    });
                    let Some((family, region)) = scope else {
                        assumptions.push(format!(
                            "EC2 Instance Savings Plan '{id}' ({why}): no family and region in its rows: left out"
                        ));
                        continue;
                    };
                    if a.used_scopes.len() > 1 {
                        assumptions.push(format!(
                            "EC2 Instance Savings Plan '{id}' covered {} family/region pools; its scope is taken as {family}/{region}",
                            a.used_scopes.len()
                        ));
                    }
                    ("savings_plan_ec2_instance", format!("{family}/{region}"))
                }
                Some((PlanType::Compute, _, _)) => ("savings_plan_compute", "all".to_string()),
                None => {
                    assumptions.push(format!(
                        "savings plan '{id}': the bill does not say its type (no plan type in SkuPriceDetails, x_ columns, CommitmentDiscountName or ChargeDescription); a Compute Savings Plan is assumed"
                    ));
                    ("savings_plan_compute", "all".to_string())
                }
            };
            (plan.to_string(), q, scope, "USD per hour")
        };
        if quantity <= 0.0 {
            assumptions.push(format!(
                "commitment '{id}': no quantity in its rows (CommitmentDiscountQuantity, SkuPriceDetails): left out"
            ));
            continue;
        }
        let (end_us, end_source, term) =
            commitment_end(&id, start, a.term, params, stated_term, assumptions);
        owned.push(OwnedCommitment {
            id,
            kind,
            scope,
            quantity,
            unit: unit.to_string(),
            unit_price: fee_per_hour / quantity,
            term_years: term,
            start_us: start,
            end_us,
            end_source: end_source.into(),
        });
    }
    owned
}

impl BillUsage {
    /// The owned commitment `c` as an instrument priced by `instruments` (from
    /// [`super::instruments_from_catalog`] on this bill's pools): a reservation on its pool;
    /// a Savings Plan at the rates of the catalog's plan of the same kind (Compute, or EC2
    /// Instance for its pool) and term. `Err` says why it is left out.
    pub fn owned_instrument(
        &self,
        c: &OwnedCommitment,
        instruments: &[Instrument],
    ) -> std::result::Result<Instrument, String> {
        let gcp = c.kind == "gcp_committed_use";
        if c.kind == "reserved_instance" || gcp {
            let what = if gcp {
                "GCP commitment"
            } else {
                "reserved instance"
            };
            if !self.pools.iter().any(|p| p.id == c.scope) {
                return Err(format!(
                    "{what} '{}' covers pool '{}', which has no usage: left out",
                    c.id, c.scope
                ));
            }
            let (label, kind, payment) = if gcp {
                ("CUD", OfferKind::GcpCommittedUse, Payment::NoUpfront)
            } else {
                ("RI", OfferKind::ReservedStandard, Payment::AllUpfront)
            };
            return Ok(Instrument {
                name: format!("owned {label} {}", c.id),
                kind,
                term_years: c.term_years,
                payment,
                upfront: 0.0,
                hourly: c.unit_price,
                scope: vec![Coverage {
                    pool: c.scope.clone(),
                    rate: 1.0,
                }],
            });
        }
        let ec2 = c.kind == "savings_plan_ec2_instance";
        let kind = if ec2 {
            OfferKind::SavingsPlanEc2Instance
        } else {
            OfferKind::SavingsPlanCompute
        };
        let sp = instruments
            .iter()
            .filter(|i| i.kind == kind && (!ec2 || i.scope.iter().any(|s| s.pool == c.scope)))
            .min_by_key(|i| {
                (
                    i.term_years != c.term_years,
                    i.payment != Payment::NoUpfront,
                )
            });
        let Some(sp) = sp else {
            return Err(if ec2 {
                format!("EC2 Instance Savings Plan '{}': the catalog has no EC2 Instance Savings Plan for pool '{}' with usage: left out", c.id, c.scope)
            } else {
                format!("savings plan '{}': the catalog has no Compute Savings Plan to price its coverage: left out", c.id)
            });
        };
        Ok(Instrument {
            name: format!("owned SP {}", c.id),
            upfront: 0.0,
            hourly: c.unit_price,
            ..sp.clone()
        })
    }

    /// The owned commitments as [`Existing`] for a horizon starting at `horizon_start_us`
    /// (priced as [`Self::owned_instrument`]); those left out are said in the second value,
    /// with the catalog plan each Savings Plan is priced by.
    pub fn existing(
        &self,
        instruments: &[Instrument],
        horizon_start_us: i64,
    ) -> (Vec<Existing>, Vec<String>) {
        let mut out = Vec::new();
        let mut notes = Vec::new();
        for c in &self.owned {
            let end_hour =
                usize::try_from((c.end_us - horizon_start_us).div_euclid(HOUR_US)).unwrap_or(0);
            match self.owned_instrument(c, instruments) {
                Ok(instrument) => {
                    if c.kind.starts_with("savings_plan") {
                        notes.push(format!(
                            "savings plan '{}' covers usage at the rates of the catalog's {} {}y plan for {}",
                            c.id,
                            instrument.kind.as_str(),
                            instrument.term_years,
                            c.scope
                        ));
                    }
                    out.push(Existing {
                        instrument,
                        quantity: c.quantity,
                        end_hour,
                    });
                }
                Err(why) => notes.push(why),
            }
        }
        (out, notes)
    }
}
