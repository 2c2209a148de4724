//! The optimizer's inputs read from a FOCUS 1.2 bill (every loader's output): hourly eligible
//! usage per pool and the commitments already owned.
//!
//! **Eligible usage.** A `Usage` row whose `ConsumedUnit` counts hours (`Hours`, AWS's `Hrs`,
//! Azure's `1 Hour`), whose `SkuPriceDetails` names an instance family and a vCPU count (FOCUS
//! 1.2 `InstanceSeries`/`CoreCount`, AWS CUR's `CoreCount`, Azure's `VCPUs`, or looked up by
//! instance type: [`super::instance_row`]), which has a `RegionId` and whose
//! `ServiceCategory` is `Compute` (database and cache nodes have reservations of their own) is
//! one instance's hours; it adds `ConsumedQuantity` times its type's units to the pool
//! `family/region` at the hour of its `ChargePeriodStart` (a row spanning several hours, as
//! in daily AWS CUR and Azure exports, is spread evenly over the hours of its charge period). The units are the unit [`super::instruments_from_catalog`]
//! prices ([`super::normalization`]): on AWS the instance type's normalization factor
//! (normalized unit-hours, the unit of RI size flexibility; a size that cannot be read is
//! taken at 2 units per vCPU, said in the assumptions), on Azure and GCP its vCPUs
//! (vCPU-hours). Rows that commitments already cover count too: coverage is measured on all
//! eligible usage. Every other row (storage, databases, `Unused` commitment rows, purchases)
//! is counted in [`BillUsage::ineligible_rows`], never dropped silently.
//!
//! **GCP.** Compute Engine bills vCPUs and memory per machine series, not instance-hours: its
//! vCPU and RAM rows (`N2 Instance Core running in Americas`) and resource-based commitment
//! fees (`Commitment v1: N2 Cpu in Americas for 1 Year`) are read by [`super::gcp_usage`]
//! into vCPU-hour and GiB-hour pools per series and region (`n2 cores/us-central1`,
//! `n2 memory/us-central1`) and owned `gcp_committed_use` commitments.
//!
//! **Owned commitments** ([`super::owned`]). Per `CommitmentDiscountId` (type from
//! `CommitmentDiscountType`, or `CommitmentDiscountCategory` `Usage`/`Spend`):
//! - a Reserved Instance covers the pool of its instance type (from `SkuPriceDetails`
//!   `InstanceType` of its purchase rows, else of its rows) in its region; its quantity is the
//!   mean per hour of the `CommitmentDiscountQuantity` of its `Used` + `Unused` rows, each
//!   row's instance-hours times its instance type's units (already units when
//!   `CommitmentDiscountUnit` says normalized), its price per unit-hour the `EffectiveCost` of
//!   those rows over that quantity;
//! - a Savings Plan (Compute or EC2 Instance, told from the bill's columns) has as quantity its
//!   hourly commitment: the mean per hour of the same sum (dollars), or `HourlyCommitment` of
//!   its purchase rows' `SkuPriceDetails`;
//! - it starts at the start the bill states, else its first purchase row's
//!   `ChargePeriodStart`, else the first hour seen. FOCUS 1.2 cost rows have no end date: the
//!   end is the user's ([`BillingParams::end`]), else the one the bill's other columns state
//!   (AWS CUR `reservation/EndTime`, `savingsPlan/EndTime`, or the FOCUS 1.3 Contract
//!   Commitment dataset given by [`BillingParams::contract_commitments`]: [`super::terms`]),
//!   else start plus the `Term` of its `SkuPriceDetails` (`1yr`, `3yr`) or Azure's `Term`
//!   column (months), else start plus
//!   [`BillingParams::term_years`]; each guess is written in [`BillUsage::assumptions`].

use std::collections::BTreeMap;

use polars::prelude::*;

use super::bill_columns::{detail, hours_of, number, provider, spans_of, term_years_of, text};
use super::instance_row::{hours_per_unit, InstanceRow, Shapes};
use super::normalization::normalization_factor;
use super::owned::{names_plan_type, resolve, Acc, TypeUnits};
use super::terms::{stated_terms, StatedTerm};
use super::{gcp_usage, Instrument, Pool, PoolKey, PoolResource, Usage};
use crate::error::{Error, Position, Result};
use crate::optimize::catalog::Provider;

pub(super) const HOUR_US: i64 = 3_600_000_000;
pub(super) const YEAR_US: i64 = 8760 * HOUR_US;

/// How [`bill_usage`] reads commitments whose end the bill does not say.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BillingParams {
    term_years: Option<u8>,
    pub(super) ends: BTreeMap<String, i64>,
    contracts: BTreeMap<String, StatedTerm>,
}

impl BillingParams {
    /// The term assumed when neither the user nor the bill says one (default 1 year).
    pub fn term_years(mut self, years: u8) -> Self {
        self.term_years = Some(years);
        self
    }
    /// The end of commitment `id` (microseconds since the epoch, UTC).
    pub fn end(mut self, id: impl Into<String>, end_us: i64) -> Self {
        self.ends.insert(id.into(), end_us);
        self
    }
    /// Commitment dates from a FOCUS 1.3 Contract Commitment dataset (what
    /// [`crate::ingest::Billing::commitments`] holds): the period of each
    /// `ContractCommitmentId` that is also a `CommitmentDiscountId` of the bill.
    ///
    /// # Errors
    /// [`Error::Data`] naming the row, column and value of an unreadable date.
    pub fn contract_commitments(mut self, contracts: &DataFrame) -> Result<Self> {
        self.contracts = stated_terms(&DataFrame::empty(), Some(contracts))?;
        Ok(self)
    }
    pub(super) fn default_term(&self) -> u8 {
        self.term_years.unwrap_or(1)
    }
}

/// A commitment the bill shows as owned.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OwnedCommitment {
    /// `CommitmentDiscountId`.
    pub id: String,
    /// `reserved_instance`, `savings_plan_compute`, `savings_plan_ec2_instance` or
    /// `gcp_committed_use` (resource-based, [`super::gcp_usage`]).
    pub kind: String,
    /// The pool a Reserved Instance, EC2 Instance Savings Plan or GCP commitment covers
    /// (`family/region`, `n2 cores/region`); `all` for a Compute Savings Plan.
    pub scope: String,
    /// Units per hour for a Reserved Instance (normalized units on AWS, vCPUs elsewhere) or a
    /// GCP commitment (vCPUs or GiB), dollars of hourly commitment for a Savings Plan.
    pub quantity: f64,
    /// The unit of `quantity`: `normalized units`, `vCPUs`, `GiB` or `USD per hour`.
    pub unit: String,
    /// Amortized fee per unit of quantity per hour.
    pub unit_price: f64,
    /// The term in years (as given, read from the bill or assumed).
    pub term_years: u8,
    /// First hour covered (microseconds, UTC).
    pub start_us: i64,
    /// First hour no longer covered (microseconds, UTC).
    pub end_us: i64,
    /// How the end was found: `given`, the bill's own dates (`CUR reservation/EndTime`,
    /// `CUR savingsPlan/EndTime`, their CUR 2.0 names, `FOCUS 1.3 Contract Commitment dataset`:
    /// [`super::terms`]), `bill term` or `assumed`.
    pub end_source: String,
}

/// Eligible hourly usage per pool and owned commitments read from a bill.
#[derive(Debug, Clone, PartialEq)]
pub struct BillUsage {
    /// The pools, in order (`family/region`; [`PoolKey::unit`] says their unit).
    pub pools: Vec<PoolKey>,
    /// The first hour (microseconds, UTC).
    pub start_us: i64,
    /// Hours from the first to the last hour with eligible usage.
    pub hours: usize,
    /// Units per pool and hour, `[pool][hour]` (normalized unit-hours on AWS, vCPU-hours
    /// elsewhere, GiB-hours in a GCP memory pool: [`PoolKey::unit`]).
    pub values: Vec<f64>,
    /// Instance-hours of the eligible instance rows (sum of `ConsumedQuantity`; GCP vCPU and
    /// RAM rows are not instance-hours and do not count here).
    pub instance_hours: f64,
    /// Eligible rows read (instance rows and GCP vCPU and RAM rows).
    pub eligible_rows: usize,
    /// Rows that are not eligible usage (counted, not used as usage; commitment purchases and
    /// fees among them).
    pub ineligible_rows: usize,
    /// The commitments owned.
    pub owned: Vec<OwnedCommitment>,
    /// Every guess made (commitment ends, units).
    pub assumptions: Vec<String>,
}

/// Reads eligible usage and owned commitments from a FOCUS 1.2 frame (module docs).
///
/// # Errors
/// [`Error::Parameter`] when a needed column is missing or the bill has no eligible usage;
/// [`Error::Data`] naming the row, column and value of an unreadable number, price detail or
/// commitment type.
pub fn bill_usage(costs: LazyFrame, params: &BillingParams) -> Result<BillUsage> {
    let df = costs.collect()?;
    for needed in ["ChargeCategory", "ConsumedQuantity"] {
        if df.column(needed).is_err() {
            return Err(Error::parameter(
                "billing",
                format!("column '{needed}' is missing: eligible usage needs it"),
            ));
        }
    }
    let category = text(&df, "ChargeCategory")?;
    let unit = text(&df, "ConsumedUnit")?;
    let service_category = text(&df, "ServiceCategory")?;
    let x_term = text(&df, "x_Term")?;
    let details = text(&df, "SkuPriceDetails")?;
    let region = text(&df, "RegionId")?;
    let providers = text(&df, "ProviderName")?;
    let consumed = number(&df, "ConsumedQuantity")?;
    let hour = hours_of(&df, "ChargePeriodStart")?;
    let spans = spans_of(&df, &hour)?;
    let mut stated = stated_terms(&df, None)?;
    stated.extend(params.contracts.clone());
    let cid = text(&df, "CommitmentDiscountId")?;
    let ctype = text(&df, "CommitmentDiscountType")?;
    let ccat = text(&df, "CommitmentDiscountCategory")?;
    let cstatus = text(&df, "CommitmentDiscountStatus")?;
    let cunit = text(&df, "CommitmentDiscountUnit")?;
    let cqty = number(&df, "CommitmentDiscountQuantity")?;
    let effective = number(&df, "EffectiveCost")?;
    // Where a Savings Plan's type may be written (owned.rs docs).
    let mut type_columns = Vec::new();
    for name in df.get_column_names() {
        if name.starts_with("x_") && names_plan_type(name) {
            type_columns.push((name.to_string(), text(&df, name)?));
        }
    }
    let names = text(&df, "CommitmentDiscountName")?;
    let descriptions = text(&df, "ChargeDescription")?;
    // GCP vCPU and RAM rows and commitment fees (gcp_usage.rs); the other rows are read here.
    let read = gcp_usage::Columns {
        providers: &providers,
        category: &category,
        service_category: &service_category,
        descriptions: &descriptions,
        region: &region,
        consumed: &consumed,
        consumed_unit: &unit,
        effective: &effective,
        commitment: &cid,
        commitment_category: &ccat,
        hour: &hour,
        spans: &spans,
    };
    let gcp = gcp_usage::read(&df, &read, params, &stated)?;

    // (family, region) -> instance type -> hour -> instance-hours.
    type Series = BTreeMap<String, BTreeMap<i64, f64>>;
    let mut usage: BTreeMap<(String, String), Series> = BTreeMap::new();
    let mut prov: BTreeMap<String, Provider> = BTreeMap::new();
    // instance type -> (family, vCPUs, provider), from every row naming them.
    let mut types: BTreeMap<String, (String, f64, Provider)> = BTreeMap::new();
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    let mut shapes = Shapes::default();
    // Types of eligible rows whose family or vCPUs were looked up.
    let mut looked_up = std::collections::BTreeSet::new();
    let (mut eligible_rows, mut ineligible_rows, mut instance_hours) = (0, 0, 0.0);
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for row in 0..df.height() {
        if gcp.taken[row] {
            continue;
        }
        let parsed = match details[row].as_deref() {
            Some(s) if s.starts_with('{') => {
                Some(serde_json::from_str::<serde_json::Value>(s).map_err(|e| {
                    Error::data(
                        Position::default()
                            .row(row as u64 + 1)
                            .column("SkuPriceDetails")
                            .value(s),
                        format!("not a JSON object: {e}"),
                    )
                })?)
            }
            _ => None,
        };
        let s = |k: &str| {
            parsed
                .as_ref()
                .and_then(|j| detail(j, k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let f = |k: &str| {
            parsed
                .as_ref()
                .and_then(|j| detail(j, k))
                .and_then(serde_json::Value::as_f64)
        };
        let cat = category[row].as_deref().unwrap_or("");
        // A row of an unknown provider is no instance row (counted as ineligible below).
        let row_provider = match &parsed {
            Some(_) => provider(providers[row].as_deref()).ok(),
            None => None,
        };
        let instance = match row_provider {
            Some(p) => shapes.read(parsed.as_ref(), p),
            None => InstanceRow::default(),
        };
        let InstanceRow {
            instance_type: row_type,
            family: row_family,
            vcpu,
            looked_up: row_looked_up,
        } = instance;
        if let (Some(t), Some(fam), Some(v), Some(p)) = (&row_type, &row_family, vcpu, row_provider)
        {
            types.entry(t.clone()).or_insert((fam.clone(), v, p));
        }
        if let Some(id) = &cid[row] {
            let a = acc.entry(id.clone()).or_default();
            if a.kind.is_none() {
                a.kind =
                    match (ctype[row].as_deref(), ccat[row].as_deref()) {
                        (Some("Reserved Instance" | "Reservation"), _) | (None, Some("Usage")) => {
                            Some("reserved_instance".into())
                        }
                        (Some("Savings Plan"), _) | (None, Some("Spend")) => {
                            Some("savings_plan".into())
                        }
                        (Some(other), _) => return Err(Error::data(
                            Position::default()
                                .row(row as u64 + 1)
                                .column("CommitmentDiscountType")
                                .value(other),
                            "unknown commitment type (expected Reserved Instance or Savings Plan)",
                        )),
                        (None, _) => None,
                    };
                a.provider = provider(providers[row].as_deref()).ok();
            }
            if let Some(json) = parsed.as_ref().and_then(|j| j.as_object()) {
                for (key, value) in json {
                    if let (true, Some(v)) = (names_plan_type(key), value.as_str()) {
                        a.plan_evidence(v, &format!("SkuPriceDetails {key}"), 0);
                    }
                }
            }
            for (name, values) in &type_columns {
                if let Some(v) = &values[row] {
                    a.plan_evidence(v, name, 0);
                }
            }
            if let Some(v) = &names[row] {
                a.plan_evidence(v, "CommitmentDiscountName", 1);
            }
            if let Some(v) = &descriptions[row] {
                a.plan_evidence(v, "ChargeDescription", 2);
            }
            if cunit[row]
                .as_deref()
                .is_some_and(|u| u.to_ascii_lowercase().contains("normalized"))
            {
                a.normalized = true;
            }
            if a.instance_type.is_none() {
                a.instance_type.clone_from(&row_type);
            }
            if cat == "Purchase" {
                if a.purchase_type.is_none() {
                    a.purchase_type.clone_from(&row_type);
                }
                if let (Some(fam), Some(reg)) = (&row_family, &region[row]) {
                    a.purchase_scope = Some((fam.clone(), reg.clone()));
                }
            }
            if cat == "Purchase" || cstatus[row].as_deref() == Some("Unused") {
                a.term = a
                    .term
                    .or_else(|| s("Term").as_deref().and_then(term_years_of));
                a.hourly_commitment = a.hourly_commitment.or_else(|| f("HourlyCommitment"));
                a.instance_count = a.instance_count.or_else(|| f("InstanceCount"));
            }
            if a.term.is_none() {
                // Azure exports state the term in months on every row (`Term` 12 or 36).
                a.term = x_term[row].as_deref().and_then(term_years_of);
            }
            if a.region.is_none() {
                a.region.clone_from(&region[row]);
            }
            if cat == "Purchase" {
                if let Some(h) = hour[row] {
                    a.purchase_start = Some(a.purchase_start.map_or(h, |p| p.min(h)));
                }
            } else if matches!(cstatus[row].as_deref(), Some("Used" | "Unused")) {
                if let Some(h) = hour[row] {
                    let q = cqty[row].unwrap_or(0.0);
                    let n = spans[row];
                    for k in 0..n {
                        let slot = a.hours.entry(h + k * HOUR_US).or_insert((0.0, 0.0));
                        slot.0 += q / n as f64;
                        slot.1 += effective[row].unwrap_or(0.0) / n as f64;
                    }
                    *a.by_type
                        .entry(row_type.clone().unwrap_or_default())
                        .or_insert(0.0) += q;
                }
                if cstatus[row].as_deref() == Some("Used") {
                    if let (Some(fam), Some(reg)) = (&row_family, &region[row]) {
                        *a.used_scopes
                            .entry((fam.clone(), reg.clone()))
                            .or_insert(0.0) += effective[row].unwrap_or(0.0).abs();
                    }
                }
            }
        }
        let hours_per_unit = unit[row].as_deref().and_then(hours_per_unit);
        // Database and cache nodes (`Databases` category, AWS `db.`/`cache.` types) have their
        // own reservations: not compute pools.
        let compute = service_category[row]
            .as_deref()
            .is_none_or(|c| c.eq_ignore_ascii_case("Compute"))
            && !row_type
                .as_deref()
                .is_some_and(|t| t.starts_with("db.") || t.starts_with("cache."));
        let is_usage = cat == "Usage"
            && compute
            && hours_per_unit.is_some()
            && cstatus[row].as_deref() != Some("Unused");
        match (is_usage, row_family, vcpu, &region[row], hour[row]) {
            (true, Some(family), Some(vcpu), Some(reg), Some(h)) if vcpu > 0.0 => {
                let qty = consumed[row].ok_or_else(|| {
                    Error::data(
                        Position::default()
                            .row(row as u64 + 1)
                            .column("ConsumedQuantity"),
                        "instance usage without a consumed quantity",
                    )
                })? * hours_per_unit.unwrap_or(1.0);
                let p = provider(providers[row].as_deref())?;
                prov.insert(format!("{family}/{reg}"), p);
                // A row without an instance type is keyed by its vCPUs (`#4`).
                let itype = row_type.unwrap_or_else(|| format!("#{vcpu}"));
                if row_looked_up {
                    looked_up.insert(itype.clone());
                }
                types
                    .entry(itype.clone())
                    .or_insert((family.clone(), vcpu, p));
                let n = spans[row];
                let series = usage
                    .entry((family, reg.clone()))
                    .or_default()
                    .entry(itype)
                    .or_default();
                for k in 0..n {
                    *series.entry(h + k * HOUR_US).or_insert(0.0) += qty / n as f64;
                }
                instance_hours += qty;
                eligible_rows += 1;
                first = first.min(h);
                last = last.max(h + (n - 1) * HOUR_US);
            }
            _ => ineligible_rows += 1,
        }
    }
    for series in gcp.usage.values() {
        if let (Some((&a, _)), Some((&b, _))) = (series.first_key_value(), series.last_key_value())
        {
            first = first.min(a);
            last = last.max(b);
        }
    }
    if eligible_rows == 0 && gcp.eligible_rows == 0 {
        return Err(Error::parameter(
            "billing",
            "no eligible compute usage: no Usage row with ConsumedUnit in hours ('Hours', 'Hrs', '1 Hour'), a RegionId and SkuPriceDetails naming an instance type, family and vCPUs (keys in the docs of capcast's commitments::instance_row), nor a GCP vCPU or RAM row ('N2 Instance Core running in Americas': commitments::gcp_usage)",
        ));
    }
    if first > last {
        return Err(Error::parameter(
            "billing",
            "the eligible compute usage has no quantity in any hour",
        ));
    }
    let mut assumptions = Vec::new();
    let named: Vec<&str> = looked_up.iter().map(String::as_str).collect();
    if !named.is_empty() {
        assumptions.push(format!(
            "the bill does not give the family or vCPUs of {} instance type(s) ({}): taken from the bundled catalog or the provider's naming rule",
            named.len(),
            named.join(", ")
        ));
    }
    let units = type_units(&types, &mut assumptions);
    let hours = ((last - first) / HOUR_US) as usize + 1;
    // Pool id -> (key, units per hour).
    let mut by_pool: BTreeMap<String, (PoolKey, Vec<f64>)> = BTreeMap::new();
    for ((family, reg), by_type) in &usage {
        let id = format!("{family}/{reg}");
        let key = PoolKey {
            provider: prov.get(&id).copied().unwrap_or(Provider::Aws),
            id: id.clone(),
            region: reg.clone(),
            family: family.clone(),
            resource: PoolResource::Instances,
        };
        let row = &mut by_pool.entry(id).or_insert((key, vec![0.0; hours])).1;
        for (itype, series) in by_type {
            let u = units.get(itype).copied().unwrap_or(0.0);
            for (h, v) in series {
                row[((h - first) / HOUR_US) as usize] += v * u;
            }
        }
    }
    for (pool, series) in &gcp.usage {
        let id = gcp_usage::pool_id(pool);
        let key = PoolKey {
            provider: Provider::Gcp,
            id: id.clone(),
            region: pool.1.clone(),
            family: pool.0.clone(),
            resource: pool.2,
        };
        let row = &mut by_pool.entry(id).or_insert((key, vec![0.0; hours])).1;
        for (h, v) in series {
            row[((h - first) / HOUR_US) as usize] += v;
        }
    }
    let mut pools = Vec::with_capacity(by_pool.len());
    let mut values = Vec::with_capacity(by_pool.len() * hours);
    for (key, row) in by_pool.into_values() {
        pools.push(key);
        values.extend(row);
    }
    let families = types
        .iter()
        .map(|(t, v)| (t.clone(), v.0.clone()))
        .collect();
    let mut owned = resolve(
        acc,
        &units,
        &families,
        params,
        &stated,
        first,
        &mut assumptions,
    );
    owned.extend(gcp.owned);
    assumptions.extend(gcp.assumptions);
    Ok(BillUsage {
        pools,
        start_us: first,
        hours,
        values,
        instance_hours,
        eligible_rows: eligible_rows + gcp.eligible_rows,
        ineligible_rows: ineligible_rows + gcp.fee_rows,
        owned,
        assumptions,
    })
}

/// Units per instance-hour of every instance type seen: AWS normalization factors (a metal
/// from its family's other sizes in the bill), vCPUs elsewhere. An AWS size that cannot be
/// read is taken at 2 units per vCPU (the `large` ratio of most families), said.
fn type_units(
    types: &BTreeMap<String, (String, f64, Provider)>,
    assumptions: &mut Vec<String>,
) -> TypeUnits {
    let mut units = TypeUnits::new();
    for (itype, (family, vcpu, p)) in types {
        let u = if *p == Provider::Aws {
            let siblings = types
                .iter()
                .filter(|(_, v)| &v.0 == family)
                .map(|(t, v)| (t.as_str(), v.1));
            normalization_factor(itype, *vcpu, siblings).unwrap_or_else(|| {
                assumptions.push(format!(
                    "AWS instance type '{itype}' ({vcpu} vCPUs): its size has no known normalization factor; assumed 2 normalized units per vCPU"
                ));
                2.0 * vcpu
            })
        } else {
            *vcpu
        };
        units.insert(itype.clone(), u);
    }
    units
}

impl BillUsage {
    /// The history as one scenario, priced by `pools` (from
    /// [`super::instruments_from_catalog`] on [`Self::pools`], in the same order).
    ///
    /// # Errors
    /// [`Error::Parameter`] when the pools do not match.
    pub fn history(&self, pools: Vec<Pool>) -> Result<Usage> {
        if pools.len() != self.pools.len()
            || pools.iter().zip(&self.pools).any(|(a, b)| a.id != b.id)
        {
            return Err(Error::parameter(
                "pools",
                "the priced pools must be the bill's pools in order",
            ));
        }
        Ok(Usage::new(pools, self.hours, 1, self.values.clone())?.starting_at(self.start_us))
    }

    /// Only the pools `catalog` prices (see [`PricedBill`]): the bill reduced to them, their priced pools and every
    /// instrument offered for them, and a note per pool left out (with its usage).
    ///
    /// # Errors
    /// [`Error::Parameter`] when the catalog prices none of the pools.
    pub fn priced(&self, catalog: &crate::optimize::catalog::Catalog) -> Result<PricedBill> {
        let mut keep = Vec::new();
        let mut values = Vec::new();
        let mut notes = Vec::new();
        for (i, key) in self.pools.iter().enumerate() {
            let series = &self.values[i * self.hours..(i + 1) * self.hours];
            if super::instruments_from_catalog(catalog, std::slice::from_ref(key)).is_ok() {
                keep.push(key.clone());
                values.extend_from_slice(series);
            } else {
                notes.push(format!(
                    "pool '{}' ({:.0} {}) is not in the catalog: left out of the optimization",
                    key.id,
                    series.iter().sum::<f64>(),
                    key.unit()
                ));
            }
        }
        if keep.is_empty() {
            return Err(Error::parameter(
                "billing",
                "the catalog prices none of the bill's instance families and regions",
            ));
        }
        let (pools, instruments) = super::instruments_from_catalog(catalog, &keep)?;
        let reduced = BillUsage {
            pools: keep,
            values,
            ..self.clone()
        };
        Ok(PricedBill {
            bill: reduced,
            pools,
            instruments,
            notes,
        })
    }

    /// The first hour after the bill (microseconds, UTC): where a forecast horizon starts.
    pub fn end_us(&self) -> i64 {
        self.start_us + self.hours as i64 * HOUR_US
    }

    /// Usage scenarios of the `horizon` hours after the bill: `paths` forecast sample paths of
    /// each pool (the backtest's [`super::Scenarios::Forecast`]: MSTL with daily and weekly
    /// seasons, clamped at 0). A history shorter than two weeks is returned as the one
    /// scenario instead (its own hours as the horizon).
    ///
    /// # Errors
    /// [`Error::Parameter`] when the pools do not match or the forecast fails.
    pub fn scenarios(
        &self,
        pools: Vec<Pool>,
        horizon: usize,
        paths: usize,
        seed: u64,
    ) -> Result<Usage> {
        let history = self.history(pools)?;
        if self.hours < 336 || paths == 0 || horizon == 0 {
            return Ok(history);
        }
        super::backtest::scenarios(
            &history,
            horizon,
            super::Scenarios::Forecast { paths },
            seed,
        )
    }
}

/// The part of a bill that a catalog prices, from [`BillUsage::priced`].
#[derive(Debug, Clone)]
pub struct PricedBill {
    /// The bill reduced to the priced pools.
    pub bill: BillUsage,
    /// The priced pools, in the bill's order.
    pub pools: Vec<Pool>,
    /// Every instrument the catalog offers for those pools.
    pub instruments: Vec<Instrument>,
    /// One note per pool left out, with its usage.
    pub notes: Vec<String>,
}
