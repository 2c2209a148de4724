//! One resource's demand over the lookback (CPU in cores, memory in GiB) next to its
//! recommendation, and the chart of its distribution: the samples the size was chosen from,
//! the current and recommended capacity, and the chosen statistics.

use super::input::{self, Columns};
use super::params::{MemoryStatistic, Mode, RightsizeParams};
use super::recommendation::Recommendation;
use super::{kubernetes, vm, Context, RightsizeInput};
use crate::chart::distribution::{DistributionChart, DistributionPanel, MarkerKind};
use crate::error::{Error, Position, Result};

/// One resource's lookback samples and its recommendation (see [`resource_demand`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDemand {
    /// The resource's recommendation, as [`super::rightsize`] gives it.
    pub recommendation: Recommendation,
    /// CPU demand in cores, one value per sample of the lookback (empty when the resource
    /// got no size: insufficient or invalid data).
    pub cpu_cores: Vec<f64>,
    /// Memory demand in GiB, one value per sample of the lookback (empty when not measured).
    pub memory_gib: Vec<f64>,
    /// The settings used.
    pub params: RightsizeParams,
}

/// Rightsizes the one resource `resource_id` of `input` and keeps the samples its size was
/// chosen from.
///
/// # Errors
/// [`Error::Parameter`] (`resource_id`) when the samples have no such resource (the message
/// lists a few that exist); otherwise as [`super::rightsize`].
pub fn resource_demand(
    input: &RightsizeInput<'_>,
    params: &RightsizeParams,
    resource_id: &str,
) -> Result<ResourceDemand> {
    let params = params.clone().check()?;
    let columns = Columns::new(input.samples)?;
    let resources = columns.resources()?;
    let Some(resource) = resources.iter().find(|r| r.id == resource_id) else {
        let known: Vec<&str> = resources.iter().take(5).map(|r| r.id).collect();
        let more = resources.len().saturating_sub(known.len());
        return Err(Error::parameter(
            "resource_id",
            format!(
                "'{resource_id}' is not in the utilization data ({} resources: {}{})",
                resources.len(),
                known.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        ));
    };
    let ctx = Context {
        params: &params,
        catalog: input.catalog,
        meta: input::read_meta(input.resources)?,
        prices: input.prices,
    };
    let mut scratch = vm::Scratch::default();
    let recommendation = match params.mode {
        Mode::Vm => vm::recommend(&ctx, resource, &mut scratch),
        Mode::Kubernetes => {
            let rec = kubernetes::recommend(&ctx, resource, &mut scratch);
            // Kubernetes works in bytes: back to GiB.
            for v in scratch.memory.iter_mut() {
                *v /= kubernetes::GIB;
            }
            rec
        }
    };
    let has_size = recommendation.finding.is_some_and(|f| f.recommends());
    if !has_size {
        scratch.cpu.clear();
        scratch.memory.clear();
    }
    Ok(ResourceDemand {
        recommendation,
        cpu_cores: scratch.cpu,
        memory_gib: scratch.memory,
        params,
    })
}

impl ResourceDemand {
    /// The distribution chart: a histogram of CPU cores (and of memory GiB when measured)
    /// with the current capacity, the recommended capacity and the chosen statistic marked.
    ///
    /// # Errors
    /// [`Error::Data`] (naming the resource and the reason) when the resource got no size:
    /// there is nothing to chart.
    pub fn chart(&self) -> Result<DistributionChart> {
        let rec = &self.recommendation;
        if self.cpu_cores.is_empty() {
            return Err(Error::data(
                Position {
                    column: Some("resource_id".into()),
                    value: Some(rec.resource_id.clone()),
                    ..Default::default()
                },
                format!(
                    "no distribution to chart: the resource got no size ({}: {})",
                    rec.finding.map_or("no finding", |f| f.name()),
                    rec.reason.as_deref().unwrap_or("no reason given")
                ),
            ));
        }
        let p = &self.params;
        let k8s = p.mode == Mode::Kubernetes;
        let (current_word, new_word) = if k8s {
            ("current request", "recommended request")
        } else {
            ("current", "recommended")
        };
        let cpu_unit = if k8s { "cores" } else { "vCPU" };
        let mut cpu = DistributionPanel::new("CPU", "cores", self.cpu_cores.clone());
        if let Some(v) = rec
            .current_vcpu
            .or(rec.container.as_ref().and_then(|c| c.current_cpu_request))
        {
            cpu = cpu.marker(
                format!("{current_word} {} {cpu_unit}", num(v)),
                v,
                MarkerKind::Current,
            );
        }
        if let Some(v) = rec.recommended_vcpu {
            cpu = cpu.marker(
                format!("{new_word} {} {cpu_unit}", num(v)),
                v,
                MarkerKind::Recommended,
            );
        }
        if let Some(v) = rec.cpu_percentile_cores {
            cpu = cpu.marker(
                format!("P{} {} cores", num(p.cpu_percentile), num(v)),
                v,
                MarkerKind::Statistic,
            );
        }
        let mut chart = DistributionChart::new()
            .title(format!(
                "{}: {} ({} samples, {} h)",
                rec.resource_id,
                rec.finding.map_or("", |f| f.name()),
                self.cpu_cores.len(),
                rec.hours_of_data
            ))
            .panel(cpu);
        if !self.memory_gib.is_empty() {
            let mut mem = DistributionPanel::new("Memory", "GiB", self.memory_gib.clone());
            let current = rec.current_memory_gib.or(rec
                .container
                .as_ref()
                .and_then(|c| c.current_memory_request)
                .map(|b| b / kubernetes::GIB));
            if let Some(v) = current {
                mem = mem.marker(
                    format!("{current_word} {} GiB", num(v)),
                    v,
                    MarkerKind::Current,
                );
            }
            if let Some(v) = rec.recommended_memory_gib {
                mem = mem.marker(
                    format!("{new_word} {} GiB", num(v)),
                    v,
                    MarkerKind::Recommended,
                );
            }
            if let Some(v) = rec.memory_statistic_gib {
                let name = match p.memory_statistic {
                    MemoryStatistic::Max => "max".to_string(),
                    MemoryStatistic::Percentile(q) => format!("P{}", num(q)),
                };
                mem = mem.marker(format!("{name} {} GiB", num(v)), v, MarkerKind::Statistic);
            }
            chart = chart.panel(mem);
        }
        Ok(chart)
    }
}

/// A number with at most two decimals and no trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
