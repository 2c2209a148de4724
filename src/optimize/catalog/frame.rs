//! Catalogs as polars frames, and the filter that narrows a catalog.

use super::{Architecture, Catalog, Instance, Provider};
use crate::Result;
use polars::prelude::*;

/// Which instances to keep; every field left `None` (or `false`) keeps everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogFilter {
    /// Only this provider.
    pub provider: Option<Provider>,
    /// Only this region.
    pub region: Option<String>,
    /// Only these families (empty: any).
    pub families: Vec<String>,
    /// Only this architecture.
    pub architecture: Option<Architecture>,
    /// Leave out burstable types.
    pub exclude_burstable: bool,
    /// At least this many vCPU.
    pub min_vcpu: Option<f64>,
    /// At least this much memory, GiB.
    pub min_memory_gib: Option<f64>,
}

impl CatalogFilter {
    /// Whether `instance` passes.
    pub fn keeps(&self, instance: &Instance) -> bool {
        self.provider.is_none_or(|p| p == instance.provider)
            && self.region.as_ref().is_none_or(|r| *r == instance.region)
            && (self.families.is_empty() || self.families.contains(&instance.family))
            && self.architecture.is_none_or(|a| a == instance.architecture)
            && !(self.exclude_burstable && instance.burstable)
            && self.min_vcpu.is_none_or(|v| instance.vcpu >= v)
            && self.min_memory_gib.is_none_or(|m| instance.memory_gib >= m)
    }
}

impl Catalog {
    /// One row per instance: `provider, region, instance_type, family, generation,
    /// architecture, vcpu, memory_gib, burstable, on_demand_hourly, currency, offers` (the
    /// number of commitment offers), plus `best_offer_hourly`, the lowest effective hourly
    /// price of any offer (null when none).
    pub fn to_frame(&self) -> Result<DataFrame> {
        let it = &self.instances;
        let strings = |f: &dyn Fn(&Instance) -> String| it.iter().map(f).collect::<Vec<_>>();
        let best: Vec<Option<f64>> = it
            .iter()
            .map(|i| {
                i.offers
                    .iter()
                    .map(|o| o.effective_hourly())
                    .min_by(f64::total_cmp)
            })
            .collect();
        let columns = vec![
            Column::new("provider".into(), strings(&|i| i.provider.as_str().into())),
            Column::new("region".into(), strings(&|i| i.region.clone())),
            Column::new(
                "instance_type".into(),
                strings(&|i| i.instance_type.clone()),
            ),
            Column::new("family".into(), strings(&|i| i.family.clone())),
            Column::new(
                "generation".into(),
                it.iter().map(|i| i.generation).collect::<Vec<_>>(),
            ),
            Column::new(
                "architecture".into(),
                strings(&|i| i.architecture.as_str().into()),
            ),
            Column::new("vcpu".into(), it.iter().map(|i| i.vcpu).collect::<Vec<_>>()),
            Column::new(
                "memory_gib".into(),
                it.iter().map(|i| i.memory_gib).collect::<Vec<_>>(),
            ),
            Column::new(
                "burstable".into(),
                it.iter().map(|i| i.burstable).collect::<Vec<_>>(),
            ),
            Column::new(
                "on_demand_hourly".into(),
                it.iter().map(|i| i.on_demand_hourly).collect::<Vec<_>>(),
            ),
            Column::new("currency".into(), strings(&|i| i.currency.clone())),
            Column::new(
                "offers".into(),
                it.iter().map(|i| i.offers.len() as u32).collect::<Vec<_>>(),
            ),
            Column::new("best_offer_hourly".into(), best),
        ];
        Ok(DataFrame::new_infer_height(columns)?)
    }

    /// One row per offer: `provider, region, instance_type, kind, term_years, payment,
    /// upfront, hourly, effective_hourly, on_demand_hourly, discount` (1 - effective /
    /// on-demand).
    pub fn offers_frame(&self) -> Result<DataFrame> {
        let rows: Vec<(&Instance, &super::Offer)> = self
            .instances
            .iter()
            .flat_map(|i| i.offers.iter().map(move |o| (i, o)))
            .collect();
        let strings = |f: &dyn Fn(&Instance, &super::Offer) -> String| {
            rows.iter().map(|(i, o)| f(i, o)).collect::<Vec<_>>()
        };
        let numbers = |f: &dyn Fn(&Instance, &super::Offer) -> f64| {
            rows.iter().map(|(i, o)| f(i, o)).collect::<Vec<_>>()
        };
        let columns = vec![
            Column::new(
                "provider".into(),
                strings(&|i, _| i.provider.as_str().into()),
            ),
            Column::new("region".into(), strings(&|i, _| i.region.clone())),
            Column::new(
                "instance_type".into(),
                strings(&|i, _| i.instance_type.clone()),
            ),
            Column::new("kind".into(), strings(&|_, o| o.kind.as_str().into())),
            Column::new(
                "term_years".into(),
                rows.iter()
                    .map(|(_, o)| u32::from(o.term_years))
                    .collect::<Vec<_>>(),
            ),
            Column::new("payment".into(), strings(&|_, o| o.payment.as_str().into())),
            Column::new("upfront".into(), numbers(&|_, o| o.upfront)),
            Column::new("hourly".into(), numbers(&|_, o| o.hourly)),
            Column::new(
                "effective_hourly".into(),
                numbers(&|_, o| o.effective_hourly()),
            ),
            Column::new(
                "on_demand_hourly".into(),
                numbers(&|i, _| i.on_demand_hourly),
            ),
            Column::new(
                "discount".into(),
                numbers(&|i, o| {
                    if i.on_demand_hourly > 0.0 {
                        1.0 - o.effective_hourly() / i.on_demand_hourly
                    } else {
                        f64::NAN
                    }
                }),
            ),
        ];
        Ok(DataFrame::new_infer_height(columns)?)
    }
}
