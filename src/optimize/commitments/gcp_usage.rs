//! GCP Compute Engine usage and resource-based committed use discounts read from a bill
//! (a GCP billing export loaded by [`crate::ingest`], or Google's FOCUS export).
//!
//! GCP bills a VM as vCPU and memory of its machine series, never as an instance type: a row
//! `N2 Instance Core running in Americas` counts core-seconds (`ConsumedUnit` `seconds`,
//! `PricingUnit` `hour`), `N2 Instance Ram running in Americas` byte-seconds (`PricingUnit`
//! `gibibyte hour`). Resource-based committed use discounts commit vCPUs and memory of one
//! series in one region separately, so each series has two pools per region: `n2
//! cores/us-central1` in vCPU-hours and `n2 memory/us-central1` in GiB-hours
//! ([`super::PoolResource`]); [`super::series_prices`] prices them.
//!
//! - **Usage**: a `Usage` row of provider Google Cloud whose `ChargeDescription` is a vCPU or
//!   RAM SKU of a series ([`crate::optimize::catalog::gcp_sku`]: custom machines included;
//!   spot, preemptible, sole-tenancy premiums, extended memory, GPUs and licences are not
//!   covered by commitments and stay ineligible), with a `RegionId` and a start. Its quantity
//!   is `PricingQuantity` when `PricingUnit` is `hour` (vCPU) or `gibibyte hour` (RAM), else
//!   `ConsumedQuantity` in `seconds` / 3,600 or `byte-seconds` / (3,600 x 2^30); another unit
//!   is an error naming the row, column and value. Rows spanning several hours are spread
//!   over them, as instance rows are.
//! - **Series of one shape** (`c2`, `t2d`: every machine has 4 GiB per vCPU): their vCPU and
//!   memory prices cannot be told apart from machine prices, and the usage keeps that ratio,
//!   so their vCPU-hours go to the machine family's pool (`c2-standard/us-central1`, priced
//!   per vCPU-hour of the machine, memory included) and their RAM rows are counted as
//!   eligible without adding to it.
//! - **Owned commitments**: a fee row `Commitment v1: N2 Cpu in Americas for 1 Year` (category
//!   `Usage` in GCP's export, `Purchase` in FOCUS exports) is a committed quantity of vCPUs
//!   (or GiB) for its hour, at its `EffectiveCost`. The rows of one `ResourceId` (else of one
//!   series, resource, region and term: the export does not name the commitment) make one
//!   owned commitment (`gcp_committed_use`): its quantity the mean per hour, its price the fee
//!   over it, its start the first fee hour, its term from the description; its end as for
//!   every owned commitment ([`super::owned::commitment_end`]). The memory fees of a series of
//!   one shape are added to its vCPU commitment's fee.
//! - Committed use discount credits on usage rows are not needed to size commitments (the fee
//!   rows do); when a bill has such credits but no fee rows, the owned commitments cannot be
//!   sized and the assumptions say so. Spend-based (flexible) committed use discounts are not
//!   read as owned commitments; the assumptions count their rows.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::bill_columns::{number, provider, text};
use super::billing::{BillingParams, OwnedCommitment, HOUR_US};
use super::owned::commitment_end;
use super::pricing::PoolResource;
use super::terms::StatedTerm;
use crate::error::{Error, Position, Result};
use crate::optimize::catalog::gcp_sku::{compute_sku, single_kind, ComputeSku, SkuResource};
use crate::optimize::catalog::Provider;

/// A GCP pool: (family or series, region, resource).
pub(super) type SeriesPool = (String, String, PoolResource);

/// What [`read`] found.
#[derive(Debug, Default)]
pub(super) struct GcpUsage {
    /// Per row: read here (the instance-row reader leaves it alone).
    pub taken: Vec<bool>,
    /// Units per pool and hour (vCPU-hours, GiB-hours).
    pub usage: BTreeMap<SeriesPool, BTreeMap<i64, f64>>,
    /// Usage rows read.
    pub eligible_rows: usize,
    /// Commitment fee rows read.
    pub fee_rows: usize,
    /// The resource-based commitments the fee rows show.
    pub owned: Vec<OwnedCommitment>,
    /// What was guessed or left out.
    pub assumptions: Vec<String>,
}

/// One owned commitment's fee rows: hour -> (quantity, fee), and its term.
#[derive(Default)]
struct Fees {
    hours: BTreeMap<i64, (f64, f64)>,
    years: u8,
}

/// The pool a row of `sku` in `region` goes to, and whether its quantity counts (the memory
/// of a series of one shape is folded into its machine family's vCPU-hours).
fn pool_of(sku: &ComputeSku, region: &str) -> (SeriesPool, bool) {
    match single_kind(sku.series) {
        Some(kind) => (
            (
                format!("{}-{kind}", sku.series),
                region.to_string(),
                PoolResource::Instances,
            ),
            sku.resource == SkuResource::Vcpu,
        ),
        None => {
            let resource = match sku.resource {
                SkuResource::Vcpu => PoolResource::Cores,
                SkuResource::Ram => PoolResource::Memory,
            };
            ((sku.series.to_string(), region.to_string(), resource), true)
        }
    }
}

/// The id of a pool (`n2 cores/us-central1`, `c2-standard/us-central1`).
pub(super) fn pool_id((family, region, resource): &SeriesPool) -> String {
    match resource {
        PoolResource::Instances => format!("{family}/{region}"),
        r => format!("{family} {}/{region}", r.as_str()),
    }
}

/// The row's quantity in vCPU-hours or GiB-hours (module docs), or an error naming the unit.
fn quantity(
    sku: &ComputeSku,
    description: &str,
    row: usize,
    pricing: (Option<f64>, Option<&str>),
    consumed: (Option<f64>, Option<&str>),
) -> Result<f64> {
    let norm = |u: Option<&str>| u.map(|u| u.trim().to_ascii_lowercase());
    let (priced_unit, consumed_unit) = (norm(pricing.1), norm(consumed.1));
    let (hourly, per_second, seconds_per_unit, expected) = match sku.resource {
        SkuResource::Vcpu => (
            ["hour", "hours", "h"].as_slice(),
            ["seconds", "second", "s"].as_slice(),
            3600.0,
            "a vCPU SKU counted in seconds or hours",
        ),
        SkuResource::Ram => (
            ["gibibyte hour", "gibibyte hours", "giby.h"].as_slice(),
            ["byte-seconds", "byte-second", "by.s"].as_slice(),
            3600.0 * 1024.0 * 1024.0 * 1024.0,
            "a RAM SKU counted in byte-seconds or gibibyte hours",
        ),
    };
    let at = |column: &str, value: Option<String>| {
        let p = Position::default().row(row as u64 + 1).column(column);
        match value {
            Some(v) => p.value(v),
            None => p,
        }
    };
    if let (Some(q), Some(u)) = (pricing.0, &priced_unit) {
        if hourly.contains(&u.as_str()) {
            return Ok(q);
        }
    }
    match (consumed.0, &consumed_unit) {
        (Some(q), Some(u)) if per_second.contains(&u.as_str()) => Ok(q / seconds_per_unit),
        (Some(q), Some(u)) if hourly.contains(&u.as_str()) => Ok(q),
        (None, _) => Err(Error::data(
            at("ConsumedQuantity", None),
            format!("'{description}' has no quantity: expected {expected}"),
        )),
        (Some(_), u) => Err(Error::data(
            at("ConsumedUnit", u.clone()),
            format!("unexpected unit of '{description}': expected {expected}"),
        )),
    }
}

/// The bill's columns, by row, that [`super::billing`] has read already (with
/// [`super::bill_columns`]); [`read`] reads the others it needs.
pub(super) struct Columns<'a> {
    pub providers: &'a [Option<String>],
    pub category: &'a [Option<String>],
    pub service_category: &'a [Option<String>],
    pub descriptions: &'a [Option<String>],
    pub region: &'a [Option<String>],
    pub consumed: &'a [Option<f64>],
    pub consumed_unit: &'a [Option<String>],
    pub effective: &'a [Option<f64>],
    pub commitment: &'a [Option<String>],
    pub commitment_category: &'a [Option<String>],
    pub hour: &'a [Option<i64>],
    /// Hours each row's charge period spans ([`super::bill_columns::spans_of`]).
    pub spans: &'a [i64],
}

/// Reads the GCP vCPU and RAM rows and commitment fee rows of `df` (module docs), whose
/// columns already read are `columns`.
///
/// # Errors
/// [`Error::Data`] naming the row, column and value of a quantity in an unexpected unit.
pub(super) fn read(
    df: &DataFrame,
    columns: &Columns<'_>,
    params: &BillingParams,
    stated: &BTreeMap<String, StatedTerm>,
) -> Result<GcpUsage> {
    let n = df.height();
    let mut out = GcpUsage {
        taken: vec![false; n],
        ..GcpUsage::default()
    };
    let Columns {
        providers,
        category,
        service_category,
        descriptions,
        region,
        consumed: consumed_qty,
        consumed_unit,
        effective,
        commitment,
        commitment_category,
        hour,
        spans,
    } = *columns;
    if !providers
        .iter()
        .flatten()
        .any(|p| provider(Some(p)).ok() == Some(Provider::Gcp))
    {
        return Ok(out);
    }
    let resource_id = text(df, "ResourceId")?;
    let (pricing_qty, pricing_unit) = (number(df, "PricingQuantity")?, text(df, "PricingUnit")?);

    // (pool, resource id, term) -> fees.
    let mut fees: BTreeMap<(SeriesPool, Option<String>, u8), Fees> = BTreeMap::new();
    let (mut credited_rows, mut spend_rows) = (0usize, 0usize);
    for row in 0..n {
        if provider(providers[row].as_deref()).ok() != Some(Provider::Gcp) {
            continue;
        }
        let compute = service_category[row]
            .as_deref()
            .is_none_or(|c| c.eq_ignore_ascii_case("Compute"));
        let cat = category[row].as_deref().unwrap_or("Usage");
        let sku = descriptions[row].as_deref().and_then(compute_sku);
        let (Some(sku), Some(reg), Some(h), true, "Usage" | "Purchase") =
            (sku, &region[row], hour[row], compute, cat)
        else {
            continue;
        };
        let qty = quantity(
            &sku,
            descriptions[row].as_deref().unwrap_or(""),
            row,
            (pricing_qty[row], pricing_unit[row].as_deref()),
            (consumed_qty[row], consumed_unit[row].as_deref()),
        )?;
        let (pool, counts) = pool_of(&sku, reg);
        let span = spans[row];
        out.taken[row] = true;
        if let Some(years) = sku.commitment_years {
            out.fee_rows += 1;
            let entry = fees
                .entry((pool, resource_id[row].clone(), years))
                .or_default();
            entry.years = years;
            for k in 0..span {
                let slot = entry.hours.entry(h + k * HOUR_US).or_insert((0.0, 0.0));
                if counts {
                    slot.0 += qty / span as f64;
                }
                slot.1 += effective[row].unwrap_or(0.0) / span as f64;
            }
            continue;
        }
        if cat != "Usage" {
            out.taken[row] = false;
            continue;
        }
        out.eligible_rows += 1;
        if commitment[row].is_some() {
            if commitment_category[row].as_deref() == Some("Spend") {
                spend_rows += 1;
            } else {
                credited_rows += 1;
            }
        }
        if counts {
            let series = out.usage.entry(pool).or_default();
            for k in 0..span {
                *series.entry(h + k * HOUR_US).or_insert(0.0) += qty / span as f64;
            }
        }
    }
    if spend_rows > 0 {
        out.assumptions.push(format!(
            "{spend_rows} GCP usage row(s) carry spend-based (flexible) committed use discount credits: those commitments are not read as owned"
        ));
    }
    if credited_rows > 0 && fees.is_empty() {
        out.assumptions.push(format!(
            "{credited_rows} GCP usage row(s) carry committed use discount credits, but the bill has no commitment fee rows ('Commitment v1: ... for 1 Year'): the owned commitments cannot be sized and are left out"
        ));
    }
    out.owned = owned(fees, params, stated, &mut out.assumptions);
    Ok(out)
}

/// The owned commitments of the fee rows (module docs).
fn owned(
    fees: BTreeMap<(SeriesPool, Option<String>, u8), Fees>,
    params: &BillingParams,
    stated: &BTreeMap<String, StatedTerm>,
    assumptions: &mut Vec<String>,
) -> Vec<OwnedCommitment> {
    let mut out = Vec::new();
    for ((pool, resource_id, _), f) in fees {
        let scope = pool_id(&pool);
        let id = resource_id
            .clone()
            .unwrap_or_else(|| format!("gcp-cud {scope} {}y", f.years));
        if resource_id.is_none() {
            assumptions.push(format!(
                "GCP commitment fee rows do not name their commitment: those of {scope} for {} year(s) are read as one commitment, '{id}'",
                f.years
            ));
        }
        let seen = f.hours.len().max(1) as f64;
        let quantity = f.hours.values().map(|v| v.0).sum::<f64>() / seen;
        let fee = f.hours.values().map(|v| v.1).sum::<f64>() / seen;
        if quantity <= 0.0 {
            assumptions.push(format!(
                "commitment '{id}': no quantity in its fee rows: left out"
            ));
            continue;
        }
        let start = stated
            .get(&id)
            .and_then(|t| t.start_us)
            .or_else(|| f.hours.keys().next().copied())
            .unwrap_or(0);
        let (end_us, end_source, term_years) = commitment_end(
            &id,
            start,
            Some(f.years),
            params,
            stated.get(&id).copied(),
            assumptions,
        );
        let unit = match pool.2 {
            PoolResource::Memory => "GiB",
            _ => "vCPUs",
        };
        out.push(OwnedCommitment {
            id,
            kind: "gcp_committed_use".into(),
            scope,
            quantity,
            unit: unit.into(),
            unit_price: fee / quantity,
            term_years,
            start_us: start,
            end_us,
            end_source: end_source.into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::commitments::bill_columns::{hours_of, spans_of};

    /// [`super::read`] with the shared columns read as [`super::super::billing`] reads them.
    fn read(
        df: &DataFrame,
        params: &BillingParams,
        stated: &BTreeMap<String, StatedTerm>,
    ) -> Result<GcpUsage> {
        let t = |name: &str| text(df, name).unwrap();
        let (providers, category, service_category) =
            (t("ProviderName"), t("ChargeCategory"), t("ServiceCategory"));
        let (descriptions, region, consumed_unit) =
            (t("ChargeDescription"), t("RegionId"), t("ConsumedUnit"));
        let (commitment, commitment_category) =
            (t("CommitmentDiscountId"), t("CommitmentDiscountCategory"));
        let consumed = number(df, "ConsumedQuantity")?;
        let effective = number(df, "EffectiveCost")?;
        let hour = hours_of(df, "ChargePeriodStart")?;
        let spans = spans_of(df, &hour)?;
        let columns = Columns {
            providers: &providers,
            category: &category,
            service_category: &service_category,
            descriptions: &descriptions,
            region: &region,
            consumed: &consumed,
            consumed_unit: &consumed_unit,
            effective: &effective,
            commitment: &commitment,
            commitment_category: &commitment_category,
            hour: &hour,
            spans: &spans,
        };
        super::read(df, &columns, params, stated)
    }

    const START: i64 = 1_772_409_600_000_000;

    /// Google's FOCUS export: fees are `Purchase` rows naming their commitment in
    /// `ResourceId`, usage in `seconds` without a pricing quantity, next to AWS rows.
    fn focus() -> DataFrame {
        let hours: Vec<i64> = vec![START, START, START + HOUR_US, START, START];
        let ends: Vec<i64> = hours.iter().map(|h| h + HOUR_US).collect();
        let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
        let mut df = df!(
            "ProviderName" => ["Google Cloud", "Google Cloud", "Google Cloud", "Google Cloud", "AWS"],
            "ChargeCategory" => ["Usage", "Usage", "Usage", "Purchase", "Usage"],
            "ServiceCategory" => ["Compute"; 5],
            "ChargeDescription" => [
                "N2D AMD Instance Core running in EMEA",
                "N2D AMD Instance Ram running in EMEA",
                "N2D AMD Instance Core running in EMEA",
                "Commitment v1: N2D AMD Cpu in EMEA for 3 Year",
                "N2 Instance Core running in Americas",
            ],
            "RegionId" => ["europe-west1"; 5],
            "ResourceId" => [None, None, None, Some("projects/p/regions/europe-west1/commitments/c9"), None],
            "ConsumedQuantity" => [7200.0, 8.0 * 3600.0 * 1024.0f64.powi(3), 3600.0, 3.0 * 3600.0, 3600.0],
            "ConsumedUnit" => ["seconds", "byte-seconds", "seconds", "seconds", "seconds"],
            "EffectiveCost" => [0.05, 0.02, 0.03, 0.0412, 0.05],
            "ChargePeriodStart" => hours,
            "ChargePeriodEnd" => ends,
        )
        .unwrap();
        for name in ["ChargePeriodStart", "ChargePeriodEnd"] {
            let cast = df.column(name).unwrap().cast(&utc).unwrap();
            df.with_column(cast).unwrap();
        }
        df
    }

    #[test]
    fn google_focus_rows_give_series_pools_and_a_named_commitment() {
        let id = "projects/p/regions/europe-west1/commitments/c9";
        let end = START + 2 * HOUR_US * 8760;
        let params = BillingParams::default().end(id, end);
        let read = read(&focus(), &params, &BTreeMap::new()).unwrap();
        // The AWS row is left to the instance reader.
        assert_eq!(read.taken, [true, true, true, true, false]);
        assert_eq!((read.eligible_rows, read.fee_rows), (3, 1));
        let cores = (
            "n2d".to_string(),
            "europe-west1".to_string(),
            PoolResource::Cores,
        );
        let memory = (
            "n2d".to_string(),
            "europe-west1".to_string(),
            PoolResource::Memory,
        );
        assert_eq!(pool_id(&cores), "n2d cores/europe-west1");
        let at = |pool: &SeriesPool| read.usage[pool].values().copied().collect::<Vec<f64>>();
        assert_eq!(at(&cores), [2.0, 1.0]);
        assert_eq!(at(&memory), [8.0]);
        let owned = &read.owned[..];
        assert_eq!(owned.len(), 1);
        assert_eq!(
            (owned[0].id.as_str(), owned[0].scope.as_str()),
            (id, "n2d cores/europe-west1")
        );
        assert!((owned[0].quantity - 3.0).abs() < 1e-12);
        assert!((owned[0].unit_price - 0.0412 / 3.0).abs() < 1e-12);
        assert_eq!(
            (owned[0].end_us, owned[0].end_source.as_str()),
            (end, "given")
        );
        assert_eq!(owned[0].term_years, 3);
        assert!(read.assumptions.is_empty(), "{:?}", read.assumptions);
    }

    #[test]
    fn a_bill_without_gcp_rows_is_left_alone() {
        let df = focus().slice(4, 1);
        let read = read(&df, &BillingParams::default(), &BTreeMap::new()).unwrap();
        assert_eq!(read.taken, [false]);
        assert!(read.usage.is_empty() && read.owned.is_empty());
    }
}
