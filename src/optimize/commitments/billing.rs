//! The optimizer's inputs read from a FOCUS 1.2 bill: hourly eligible usage per pool and the
//! commitments already owned.
//!
//! **Eligible usage.** A `Usage` row whose `ConsumedUnit` is `Hours`, whose `SkuPriceDetails`
//! names an `InstanceFamily` and a `vCPU` count and which has a `RegionId` is one instance's
//! hours; it adds `ConsumedQuantity * vCPU` vCPU-hours to the pool `family/region` at the hour
//! of its `ChargePeriodStart` (the unit [`super::instruments_from_catalog`] prices). Rows that
//! commitments already cover count too: coverage is measured on all eligible usage. Every other
//! row (storage, databases, `Unused` commitment rows, purchases) is counted in
//! [`BillUsage::ineligible_rows`], never dropped silently.
//!
//! **Owned commitments.** Per `CommitmentDiscountId` (type from `CommitmentDiscountType`, or
//! `CommitmentDiscountCategory` `Usage`/`Spend`):
//! - a Reserved Instance covers the pool of its instance type (from `SkuPriceDetails`
//!   `InstanceType` of its rows) in its region; its quantity is the mean per hour of the
//!   `CommitmentDiscountQuantity` of its `Used` + `Unused` rows (instance-hours) times the type's
//!   vCPUs, its price per vCPU-hour the `EffectiveCost` of those rows over that quantity;
//! - a Savings Plan's quantity is its hourly commitment: the mean per hour of the same sum
//!   (dollars), or `HourlyCommitment` of its purchase rows' `SkuPriceDetails`;
//! - it starts at its first purchase row's `ChargePeriodStart`, else the first hour seen. FOCUS
//!   1.2 has no end date: the end is the user's ([`BillingParams::end`]), else start plus the
//!   `Term` of its `SkuPriceDetails` (`1yr`, `3yr`), else start plus
//!   [`BillingParams::term_years`]; each guess is written in [`BillUsage::assumptions`].

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{Coverage, Existing, Instrument, Pool, PoolKey, Usage};
use crate::error::{Error, Position, Result};
use crate::optimize::catalog::{OfferKind, Payment, Provider};

const HOUR_US: i64 = 3_600_000_000;
const YEAR_US: i64 = 8760 * HOUR_US;

/// How [`bill_usage`] reads commitments whose end the bill does not say.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BillingParams {
    term_years: Option<u8>,
    ends: BTreeMap<String, i64>,
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
    fn default_term(&self) -> u8 {
        self.term_years.unwrap_or(1)
    }
}

/// A commitment the bill shows as owned.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OwnedCommitment {
    /// `CommitmentDiscountId`.
    pub id: String,
    /// `reserved_instance` or `savings_plan`.
    pub kind: String,
    /// The pool a Reserved Instance covers; `all` for a Savings Plan.
    pub scope: String,
    /// vCPUs per hour for a Reserved Instance, dollars of hourly commitment for a Savings Plan.
    pub quantity: f64,
    /// Amortized fee per unit of quantity per hour.
    pub unit_price: f64,
    /// The term in years (as given, read from the bill or assumed).
    pub term_years: u8,
    /// First hour covered (microseconds, UTC).
    pub start_us: i64,
    /// First hour no longer covered (microseconds, UTC).
    pub end_us: i64,
    /// How the end was found: `given`, `bill term` or `assumed`.
    pub end_source: String,
}

/// Eligible hourly usage per pool and owned commitments read from a bill.
#[derive(Debug, Clone, PartialEq)]
pub struct BillUsage {
    /// The pools, in order (`family/region`, vCPU-hours).
    pub pools: Vec<PoolKey>,
    /// The first hour (microseconds, UTC).
    pub start_us: i64,
    /// Hours from the first to the last hour with eligible usage.
    pub hours: usize,
    /// vCPU-hours per pool and hour, `[pool][hour]`.
    pub values: Vec<f64>,
    /// Instance-hours of the eligible rows (sum of `ConsumedQuantity`).
    pub instance_hours: f64,
    /// Eligible rows read.
    pub eligible_rows: usize,
    /// Rows that are not instance usage (counted, not used).
    pub ineligible_rows: usize,
    /// The commitments owned.
    pub owned: Vec<OwnedCommitment>,
    /// Every guess made (commitment ends, units).
    pub assumptions: Vec<String>,
}

fn text(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let Ok(col) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let col = col.cast(&DataType::String)?;
    Ok(col
        .as_materialized_series()
        .str()?
        .iter()
        .map(|v| {
            v.map(str::trim)
                .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("null"))
                .map(str::to_string)
        })
        .collect())
}

fn number(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let Ok(col) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let cast = col.cast(&DataType::Float64)?;
    let values = cast.f64()?;
    let raw = text(df, name)?;
    values
        .iter()
        .zip(raw)
        .enumerate()
        .map(|(row, (v, raw))| match (v, raw) {
            (None, Some(s)) => Err(Error::data(
                Position::default()
                    .row(row as u64 + 1)
                    .column(name)
                    .value(s),
                "expected a number",
            )),
            (v, _) => Ok(v),
        })
        .collect()
}

fn hours_of(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let col = df.column(name).map_err(|_| {
        Error::parameter(
            "billing",
            format!("column '{name}' is missing: hourly usage needs the charge period"),
        )
    })?;
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let ts = col.cast(&utc)?.cast(&DataType::Int64)?;
    Ok(ts
        .i64()?
        .iter()
        .map(|v| v.map(|t| t.div_euclid(HOUR_US) * HOUR_US))
        .collect())
}

fn detail<'a>(json: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    json.get(key)
}

fn provider(name: Option<&str>) -> Result<Provider> {
    let lower = name.unwrap_or("aws").to_ascii_lowercase();
    if lower.contains("aws") || lower.contains("amazon") {
        Ok(Provider::Aws)
    } else if lower.contains("azure") || lower.contains("microsoft") {
        Ok(Provider::Azure)
    } else if lower.contains("google") || lower.contains("gcp") {
        Ok(Provider::Gcp)
    } else {
        Err(Error::data(
            Position::default()
                .column("ProviderName")
                .value(name.unwrap_or_default()),
            "unknown provider (expected AWS, Azure or Google Cloud)",
        ))
    }
}

#[derive(Default)]
struct Acc {
    kind: Option<String>,
    hours: BTreeMap<i64, (f64, f64)>,
    instance_type: Option<String>,
    region: Option<String>,
    purchase_start: Option<i64>,
    term: Option<u8>,
    hourly_commitment: Option<f64>,
    instance_count: Option<f64>,
    offering_class: Option<String>,
}

/// Reads eligible usage and owned commitments from a FOCUS 1.2 frame (module docs).
///
/// # Errors
/// [`Error::Parameter`] when a needed column is missing or the bill has no eligible usage;
/// [`Error::Data`] naming the row, column and value of an unreadable number, price detail or
/// commitment type.
pub fn bill_usage(costs: LazyFrame, params: &BillingParams) -> Result<BillUsage> {
    let df = costs.collect()?;
    for needed in ["ChargeCategory", "ConsumedQuantity", "SkuPriceDetails"] {
        if df.column(needed).is_err() {
            return Err(Error::parameter(
                "billing",
                format!("column '{needed}' is missing: eligible usage needs it"),
            ));
        }
    }
    let category = text(&df, "ChargeCategory")?;
    let unit = text(&df, "ConsumedUnit")?;
    let details = text(&df, "SkuPriceDetails")?;
    let region = text(&df, "RegionId")?;
    let providers = text(&df, "ProviderName")?;
    let consumed = number(&df, "ConsumedQuantity")?;
    let hour = hours_of(&df, "ChargePeriodStart")?;
    let cid = text(&df, "CommitmentDiscountId")?;
    let ctype = text(&df, "CommitmentDiscountType")?;
    let ccat = text(&df, "CommitmentDiscountCategory")?;
    let cstatus = text(&df, "CommitmentDiscountStatus")?;
    let cqty = number(&df, "CommitmentDiscountQuantity")?;
    let effective = number(&df, "EffectiveCost")?;

    let mut usage: BTreeMap<(String, String), BTreeMap<i64, f64>> = BTreeMap::new();
    let mut prov: BTreeMap<String, Provider> = BTreeMap::new();
    let mut vcpus: BTreeMap<String, (String, f64)> = BTreeMap::new();
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    let (mut eligible_rows, mut ineligible_rows, mut instance_hours) = (0, 0, 0.0);
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for row in 0..df.height() {
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
        let cat = category[row].as_deref().unwrap_or("");
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
            }
            if let Some(json) = &parsed {
                let s = |k: &str| detail(json, k).and_then(|v| v.as_str()).map(str::to_string);
                let f = |k: &str| detail(json, k).and_then(serde_json::Value::as_f64);
                if a.instance_type.is_none() {
                    a.instance_type = s("InstanceType");
                }
                if cat == "Purchase" || cstatus[row].as_deref() == Some("Unused") {
                    a.term = a.term.or_else(|| {
                        s("Term").and_then(|t| t.trim_end_matches("yr").parse::<u8>().ok())
                    });
                    a.hourly_commitment = a.hourly_commitment.or_else(|| f("HourlyCommitment"));
                    a.instance_count = a.instance_count.or_else(|| f("InstanceCount"));
                    a.offering_class = a.offering_class.take().or_else(|| s("OfferingClass"));
                }
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
                    let slot = a.hours.entry(h).or_insert((0.0, 0.0));
                    slot.0 += cqty[row].unwrap_or(0.0);
                    slot.1 += effective[row].unwrap_or(0.0);
                }
            }
        }
        let instance = parsed.as_ref().and_then(|json| {
            let family = detail(json, "InstanceFamily")?.as_str()?.to_string();
            let vcpu = detail(json, "vCPU")?.as_f64()?;
            let itype = detail(json, "InstanceType").and_then(|v| v.as_str().map(str::to_string));
            Some((family, vcpu, itype))
        });
        let is_usage = cat == "Usage"
            && unit[row].as_deref() == Some("Hours")
            && cstatus[row].as_deref() != Some("Unused");
        match (is_usage, instance, &region[row], hour[row]) {
            (true, Some((family, vcpu, itype)), Some(reg), Some(h)) if vcpu > 0.0 => {
                let qty = consumed[row].ok_or_else(|| {
                    Error::data(
                        Position::default()
                            .row(row as u64 + 1)
                            .column("ConsumedQuantity"),
                        "instance usage without a consumed quantity",
                    )
                })?;
                let p = provider(providers[row].as_deref())?;
                let id = format!("{family}/{reg}");
                prov.insert(id, p);
                if let Some(t) = itype {
                    vcpus.insert(t, (family.clone(), vcpu));
                }
                *usage
                    .entry((family, reg.clone()))
                    .or_default()
                    .entry(h)
                    .or_insert(0.0) += qty * vcpu;
                instance_hours += qty;
                eligible_rows += 1;
                first = first.min(h);
                last = last.max(h);
            }
            _ => ineligible_rows += 1,
        }
    }
    if eligible_rows == 0 {
        return Err(Error::parameter(
            "billing",
            "no eligible compute usage: no Usage row with ConsumedUnit 'Hours', a RegionId and SkuPriceDetails naming InstanceFamily and vCPU",
        ));
    }
    let hours = ((last - first) / HOUR_US) as usize + 1;
    let mut pools = Vec::new();
    let mut values = Vec::with_capacity(usage.len() * hours);
    for ((family, reg), series) in &usage {
        let id = format!("{family}/{reg}");
        pools.push(PoolKey {
            provider: prov.get(&id).copied().unwrap_or(Provider::Aws),
            id,
            region: reg.clone(),
            family: family.clone(),
        });
        let mut row = vec![0.0; hours];
        for (h, v) in series {
            row[((h - first) / HOUR_US) as usize] += v;
        }
        values.extend(row);
    }

    let mut assumptions = Vec::new();
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
        let start = a
            .purchase_start
            .or_else(|| a.hours.keys().next().copied())
            .unwrap_or(first);
        let (quantity, scope) = if kind == "reserved_instance" {
            let itype = a.instance_type.clone().unwrap_or_default();
            let Some((family, vcpu)) = vcpus.get(&itype).cloned() else {
                assumptions.push(format!(
                    "reserved instance '{id}': instance type '{itype}' has no usage in the bill (vCPUs unknown): left out"
                ));
                continue;
            };
            let count = if qty_per_hour > 0.0 {
                qty_per_hour
            } else {
                a.instance_count.unwrap_or(0.0)
            };
            let reg = a.region.clone().unwrap_or_default();
            (count * vcpu, format!("{family}/{reg}"))
        } else {
            let q = if qty_per_hour > 0.0 {
                qty_per_hour
            } else {
                a.hourly_commitment.unwrap_or(0.0)
            };
            (q, "all".to_string())
        };
        if quantity <= 0.0 {
            assumptions.push(format!(
                "commitment '{id}': no quantity in its rows (CommitmentDiscountQuantity, SkuPriceDetails): left out"
            ));
            continue;
        }
        let (end_us, end_source, term) = if let Some(&end) = params.ends.get(&id) {
            (end, "given", a.term.unwrap_or(params.default_term()))
        } else if let Some(t) = a.term {
            assumptions.push(format!(
                "commitment '{id}': FOCUS 1.2 has no end date; assumed start + {t} years (Term in SkuPriceDetails)"
            ));
            (start + i64::from(t) * YEAR_US, "bill term", t)
        } else {
            let t = params.default_term();
            assumptions.push(format!(
                "commitment '{id}': FOCUS 1.2 has no end date and the bill gives no term; assumed start + {t} year(s)"
            ));
            (start + i64::from(t) * YEAR_US, "assumed", t)
        };
        owned.push(OwnedCommitment {
            id,
            kind,
            scope,
            quantity,
            unit_price: fee_per_hour / quantity,
            term_years: term,
            start_us: start,
            end_us,
            end_source: end_source.into(),
        });
    }
    Ok(BillUsage {
        pools,
        start_us: first,
        hours,
        values,
        instance_hours,
        eligible_rows,
        ineligible_rows,
        owned,
        assumptions,
    })
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
        Usage::new(pools, self.hours, 1, self.values.clone())
    }

    /// Only the pools `catalog` prices (see [`PricedBill`]): the bill reduced to them, their priced pools and every
    /// instrument offered for them, and a note per pool left out (with its vCPU-hours).
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
                    "pool '{}' ({:.0} vCPU-hours) is not in the catalog: left out of the optimization",
                    key.id,
                    series.iter().sum::<f64>()
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

    /// The owned commitments as [`Existing`] for a horizon starting at `horizon_start_us`:
    /// reservations on their pool, Savings Plans over every pool at the rates of the catalog's
    /// Compute Savings Plan of the same term (from `instruments`). Commitments whose pool has
    /// no usage, or with no matching Savings Plan offer, are left out and said in the second
    /// value.
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
            let instrument = if c.kind == "reserved_instance" {
                if !self.pools.iter().any(|p| p.id == c.scope) {
                    notes.push(format!(
                        "reserved instance '{}' covers pool '{}', which has no usage: left out",
                        c.id, c.scope
                    ));
                    continue;
                }
                Instrument {
                    name: format!("owned RI {}", c.scope),
                    kind: OfferKind::ReservedStandard,
                    term_years: c.term_years,
                    payment: Payment::AllUpfront,
                    upfront: 0.0,
                    hourly: c.unit_price,
                    scope: vec![Coverage {
                        pool: c.scope.clone(),
                        rate: 1.0,
                    }],
                }
            } else {
                let sp = instruments
                    .iter()
                    .filter(|i| i.kind == OfferKind::SavingsPlanCompute)
                    .min_by_key(|i| {
                        (
                            i.term_years != c.term_years,
                            i.payment != Payment::NoUpfront,
                        )
                    });
                let Some(sp) = sp else {
                    notes.push(format!("savings plan '{}': the catalog has no Compute Savings Plan to price its coverage: left out", c.id));
                    continue;
                };
                notes.push(format!(
                    "savings plan '{}' covers usage at the rates of the catalog's '{}'",
                    c.id, sp.name
                ));
                Instrument {
                    name: "owned Compute SP".into(),
                    upfront: 0.0,
                    hourly: c.unit_price,
                    ..sp.clone()
                }
            };
            out.push(Existing {
                instrument,
                quantity: c.quantity,
                end_hour,
            });
        }
        (out, notes)
    }

    /// The owned commitments as a frame (`id, kind, scope, quantity, unit_price, term_years,
    /// start, end, end_source`).
    ///
    /// # Errors
    /// Only on an internal polars failure.
    pub fn owned_frame(&self) -> Result<DataFrame> {
        let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
        let o = &self.owned;
        let df = df!(
            "id" => o.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
            "kind" => o.iter().map(|c| c.kind.clone()).collect::<Vec<_>>(),
            "scope" => o.iter().map(|c| c.scope.clone()).collect::<Vec<_>>(),
            "quantity" => o.iter().map(|c| c.quantity).collect::<Vec<_>>(),
            "unit_price" => o.iter().map(|c| c.unit_price).collect::<Vec<_>>(),
            "term_years" => o.iter().map(|c| u32::from(c.term_years)).collect::<Vec<_>>(),
            "start" => o.iter().map(|c| c.start_us).collect::<Vec<_>>(),
            "end" => o.iter().map(|c| c.end_us).collect::<Vec<_>>(),
            "end_source" => o.iter().map(|c| c.end_source.clone()).collect::<Vec<_>>(),
        )?;
        Ok(df
            .lazy()
            .with_columns([col("start").cast(utc.clone()), col("end").cast(utc)])
            .collect()?)
    }

    /// Hourly usage as a long frame `pool, ds, vcpu_hours`.
    ///
    /// # Errors
    /// Only on an internal polars failure.
    pub fn usage_frame(&self) -> Result<DataFrame> {
        let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
        let n = self.pools.len() * self.hours;
        let mut pool = Vec::with_capacity(n);
        let mut ds = Vec::with_capacity(n);
        for p in &self.pools {
            for h in 0..self.hours {
                pool.push(p.id.clone());
                ds.push(self.start_us + h as i64 * HOUR_US);
            }
        }
        let df = df!("pool" => pool, "ds" => ds, "vcpu_hours" => self.values.clone())?;
        Ok(df.lazy().with_column(col("ds").cast(utc)).collect()?)
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
    /// One note per pool left out, with its vCPU-hours.
    pub notes: Vec<String>,
}
