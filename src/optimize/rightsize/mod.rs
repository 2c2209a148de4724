//! Rightsizing: the cheapest safe size for every VM and container, from its utilization,
//! priced at list price and at what the user really pays.
//!
//! Input is the long utilization frame of [`crate::ingest::read_utilization`]
//! (`resource_id, metric, ts, value`) and its resources frame (`resource_id, vcpu,
//! memory_gib, instance_type`); optionally an instance [`Catalog`] and the
//! [`ResourcePrices`] read from a FOCUS bill. Each resource gets one [`Recommendation`]:
//!
//! 1. **Units.** CPU demand becomes cores and memory demand GiB (see [`units`] for the
//!    metrics and units understood); impossible values (negative, percentages above 100) and
//!    metrics that disagree (mixed units) reject the resource with a message
//!    (`invalid_data`).
//! 2. **Lookback and minimum data.** Only the `lookback_days` before the resource's last CPU
//!    sample count; fewer than `min_data_hours` distinct hours with CPU samples give
//!    `insufficient_data` and a reason, never a size.
//! 3. **Statistics.** The CPU percentile (by selection, not sorting), P95 and mean CPU, the
//!    memory maximum or percentile, daily peaks, and (Kubernetes, VPA-like) decaying-weight
//!    histograms with exponential buckets.
//! 4. **Size.** Required vCPU = CPU percentile x (1 + CPU headroom); required memory =
//!    memory statistic x (1 + memory headroom) (the current memory when none is measured).
//!    With a catalog, the cheapest allowed instance of the same provider and region with at
//!    least that much ([`select`]), and the next `top_n - 1` as alternatives; without one
//!    (on-premises VMs, the Bitbrains trace), whole vCPU and half GiB.
//! 5. **Verdict** ([`Finding`]): `idle` (P95 CPU < 3 % and mean <= 2 % of the current size,
//!    like Azure Advisor: terminate), `under_provisioned` (the requirement exceeds the current
//!    size), `over_provisioned` (a cheaper instance, or a smaller size, fits), `optimized`.
//! 6. **Risk.** The share of the lookback's samples above the new size, and the same with
//!    every sample grown by the trend of the daily peaks over `growth_horizon_days` (a
//!    least-squares line through the daily peaks, not capcast's forecasting engine: cheap
//!    enough to run on every resource, and a peak trend is what the size must absorb).
//! 7. **Savings.** Monthly (730 h) list prices of the current and recommended instances, and,
//!    when the bill prices the resource, savings at its effective price (effective x 730 x
//!    (1 - new list / current list)), so Reserved Instance and Savings Plan discounts count.
//!
//! Resources are rightsized in parallel (rayon), each reading borrowed slices of the frame
//! and reusing per-thread buffers.
//!
//! # Settings
//! See [`RightsizeParams`] for every setting, its default and range.
//!
//! # Example
//! ```
//! use capcast::optimize::rightsize::{rightsize, RightsizeInput, RightsizeParams};
//! use polars::prelude::*;
//!
//! // 48 hours of a VM with 4 vCPU running at 10 % CPU (0.4 cores).
//! let n = 48 * 12;
//! let ts: Vec<i64> = (0..n).map(|i| i * 300_000_000).collect();
//! let samples = df!(
//!     "resource_id" => vec!["vm-1"; n as usize],
//!     "metric" => vec!["cpu_utilization"; n as usize],
//!     "ts" => Series::new("ts".into(), ts).cast(&DataType::Datetime(TimeUnit::Microseconds, None))?,
//!     "value" => vec![10.0; n as usize],
//! )?;
//! let resources = df!("resource_id" => ["vm-1"], "vcpu" => [4.0], "memory_gib" => [16.0])?;
//! let params = RightsizeParams::default().check()?;
//! let result = rightsize(&RightsizeInput::new(&samples).resources(&resources), &params)?;
//! let rec = &result.recommendations()[0];
//! // 0.4 cores x 1.2 headroom fits in 1 vCPU.
//! assert_eq!(rec.recommended_vcpu, Some(1.0));
//! assert_eq!(rec.finding.map(|f| f.name()), Some("over_provisioned"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod backtest;
mod demand;
mod histogram;
mod input;
mod kubernetes;
mod output;
mod params;
mod pricing;
mod recommendation;
pub mod select;
mod stats;
pub mod units;
mod vm;

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;
use rayon::prelude::*;

use crate::error::Result;
use crate::optimize::catalog::Catalog;

pub use demand::{resource_demand, ResourceDemand};
pub use output::write_recommendations;
pub use params::{KubernetesMethod, MemoryStatistic, Mode, RightsizeParams};
pub use pricing::{provider_from_name, ResourcePrice, ResourcePrices};
pub use recommendation::{ContainerSizes, Finding, Recommendation};
pub use vm::HOURS_PER_MONTH;

/// A function from a recommendation to its group.
type GroupKey = dyn Fn(&Recommendation) -> Option<String>;

/// What rightsizing reads: the samples, and optionally sizes, a catalog and bill prices.
#[derive(Debug, Clone, Copy)]
pub struct RightsizeInput<'a> {
    samples: &'a DataFrame,
    resources: Option<&'a DataFrame>,
    catalog: Option<&'a Catalog>,
    prices: Option<&'a ResourcePrices>,
}

impl<'a> RightsizeInput<'a> {
    /// The long utilization frame `resource_id, metric, ts, value`.
    pub fn new(samples: &'a DataFrame) -> Self {
        RightsizeInput {
            samples,
            resources: None,
            catalog: None,
            prices: None,
        }
    }

    /// The resources frame `resource_id, vcpu, memory_gib, instance_type`.
    pub fn resources(mut self, resources: &'a DataFrame) -> Self {
        self.resources = Some(resources);
        self
    }

    /// The instance catalog (list prices, the sizes to choose from).
    pub fn catalog(mut self, catalog: &'a Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// Effective prices and placement from the bill.
    pub fn prices(mut self, prices: &'a ResourcePrices) -> Self {
        self.prices = Some(prices);
        self
    }
}

/// What every resource's rightsizing shares.
pub(crate) struct Context<'a> {
    pub params: &'a RightsizeParams,
    pub catalog: Option<&'a Catalog>,
    pub meta: HashMap<String, input::Meta>,
    pub prices: Option<&'a ResourcePrices>,
}

/// The recommendations of one run, ranked by monthly savings at the effective price where the
/// bill gives one, else at list price (largest first).
#[derive(Debug, Clone)]
pub struct Rightsizing {
    recommendations: Vec<Recommendation>,
    params: RightsizeParams,
}

impl Rightsizing {
    /// One recommendation per resource, ranked.
    pub fn recommendations(&self) -> &[Recommendation] {
        &self.recommendations
    }

    /// The recommendation of `resource_id`.
    pub fn get(&self, resource_id: &str) -> Option<&Recommendation> {
        self.recommendations
            .iter()
            .find(|r| r.resource_id == resource_id)
    }

    /// The settings used.
    pub fn params(&self) -> &RightsizeParams {
        &self.params
    }

    /// The output frame, one row per resource, ranked: always `resource_id, finding,
    /// recommended_vcpu, recommended_memory_gib`, then the mode's columns, then
    /// `hours_of_data, samples, reason`.
    ///
    /// # Errors
    /// [`crate::Error::Polars`] if the frame cannot be built (not expected).
    pub fn frame(&self) -> Result<DataFrame> {
        recommendation::frame(&self.recommendations, self.params.mode)
    }

    /// Total monthly savings at list price, and at effective price where known (else at
    /// list price).
    pub fn total_savings(&self) -> (f64, f64) {
        let list: f64 = self
            .recommendations
            .iter()
            .filter_map(|r| r.monthly_savings_list)
            .sum();
        let effective: f64 = self
            .recommendations
            .iter()
            .filter_map(|r| r.monthly_savings_effective.or(r.monthly_savings_list))
            .sum();
        (list, effective)
    }

    /// Monthly savings summed by a grouping: `account`, `service`, `region`, `finding`, or
    /// `tag:KEY` (a key of the bill's tags, e.g. `tag:team`); resources without a value fall
    /// in `(none)`. Effective savings where known, else list savings; resources with neither
    /// are left out. Sorted by savings, largest first.
    ///
    /// # Errors
    /// [`crate::Error::Parameter`] for an unknown grouping.
    pub fn savings_by(&self, grouping: &str) -> Result<Vec<(String, f64)>> {
        let key: Box<GroupKey> = match grouping {
            "account" => Box::new(|r| r.account.clone()),
            "service" => Box::new(|r| r.service.clone()),
            "region" => Box::new(|r| r.region.clone()),
            "finding" => Box::new(|r| r.finding.map(|f| f.name().to_string())),
            g if g.starts_with("tag:") && g.len() > 4 => {
                let tag = g[4..].to_string();
                Box::new(move |r| {
                    let tags: serde_json::Value = serde_json::from_str(r.tags.as_deref()?).ok()?;
                    match tags.get(&tag)? {
                        serde_json::Value::String(s) => Some(s.clone()),
                        other => Some(other.to_string()),
                    }
                })
            }
            other => {
                return Err(crate::Error::parameter(
                    "group_by",
                    format!("unknown grouping '{other}': expected account, service, region, finding or tag:KEY"),
                ))
            }
        };
        let mut sums: BTreeMap<String, f64> = BTreeMap::new();
        for r in &self.recommendations {
            let Some(s) = r.monthly_savings_effective.or(r.monthly_savings_list) else {
                continue;
            };
            *sums
                .entry(key(r).unwrap_or_else(|| "(none)".into()))
                .or_default() += s;
        }
        let mut out: Vec<(String, f64)> = sums.into_iter().collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }
}

/// Rightsizes every resource of `input`.
///
/// Resources listed in the resources frame without any sample get `insufficient_data`.
/// Problems with one resource's data never fail the run: they become that resource's
/// `invalid_data` or `insufficient_data` finding with a reason.
///
/// # Errors
/// [`crate::Error::Data`] when the samples frame lacks a column or `ts` is not a datetime;
/// [`crate::Error::Parameter`] when `params` fail [`RightsizeParams::check`].
pub fn rightsize(input: &RightsizeInput<'_>, params: &RightsizeParams) -> Result<Rightsizing> {
    let params = params.clone().check()?;
    let columns = input::Columns::new(input.samples)?;
    let resources = columns.resources()?;
    let ctx = Context {
        params: &params,
        catalog: input.catalog,
        meta: input::read_meta(input.resources)?,
        prices: input.prices,
    };
    let mut recs: Vec<Recommendation> = resources
        .par_iter()
        .map_init(vm::Scratch::default, |scratch, resource| {
            match params.mode {
                Mode::Vm => vm::recommend(&ctx, resource, scratch),
                Mode::Kubernetes => kubernetes::recommend(&ctx, resource, scratch),
            }
        })
        .collect();
    let seen: std::collections::HashSet<&str> = resources.iter().map(|r| r.id).collect();
    let mut silent: Vec<&String> = ctx
        .meta
        .keys()
        .filter(|id| !seen.contains(id.as_str()))
        .collect();
    silent.sort();
    for id in silent {
        let mut rec = Recommendation::without(id, Finding::InsufficientData, "no samples");
        if params.mode == Mode::Vm {
            let _ = vm::current(&ctx, id, &mut rec);
        }
        recs.push(rec);
    }
    recommendation::rank(&mut recs);
    Ok(Rightsizing {
        recommendations: recs,
        params,
    })
}

#[cfg(test)]
mod tests;
