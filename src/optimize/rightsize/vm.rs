//! Rightsizing one virtual machine: its demand over the lookback, the size that fits the CPU
//! percentile and the memory statistic plus headroom, the cheapest catalog instances of that
//! size, the verdict, the risk and the savings.

use super::input::ResourceSlices;
use super::params::MemoryStatistic;
use super::recommendation::{Finding, Recommendation};
use super::select::{self, Placement};
use super::stats::{self, DAY_US};
use super::units::{self, Problem};
use super::Context;
use crate::optimize::catalog::Instance;

/// Hours in a month, as cloud price lists count them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Reusable buffers (one per worker thread), so that no resource allocates.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub cpu: Vec<f64>,
    pub memory: Vec<f64>,
    pub work: Vec<f64>,
}

/// The current size and instance of a resource, from the resources frame and the catalog.
pub(crate) struct Current<'c> {
    pub vcpu: Option<f64>,
    pub memory_gib: Option<f64>,
    pub instance: Option<&'c Instance>,
    pub placement: Placement,
}

/// Finds the current size and instance, filling `rec`'s current fields and notes.
pub(crate) fn current<'c>(ctx: &Context<'c>, id: &str, rec: &mut Recommendation) -> Current<'c> {
    let meta = ctx.meta.get(id);
    let price = ctx.prices.and_then(|p| p.get(id));
    let placement = Placement {
        provider: price
            .and_then(|p| p.provider)
            .or(ctx.params.default_provider),
        region: price
            .and_then(|p| p.region.clone())
            .or_else(|| ctx.params.default_region.clone()),
    };
    let instance_type = meta.and_then(|m| m.instance_type.clone());
    let mut instance = None;
    if let (Some(catalog), Some(t)) = (ctx.catalog, &instance_type) {
        match select::locate(catalog, t, &placement) {
            Ok((found, note)) => {
                instance = Some(found);
                if let Some(note) = note {
                    rec.note(note);
                }
            }
            Err(message) => rec.note(message),
        }
    }
    let vcpu = meta.and_then(|m| m.vcpu).or(instance.map(|i| i.vcpu));
    let memory_gib = meta
        .and_then(|m| m.memory_gib)
        .or(instance.map(|i| i.memory_gib));
    rec.current_instance_type = instance_type;
    rec.current_vcpu = vcpu;
    rec.current_memory_gib = memory_gib;
    rec.provider = instance
        .map(|i| i.provider)
        .or(placement.provider)
        .map(|p| format!("{p:?}").to_lowercase());
    rec.region = instance
        .map(|i| i.region.clone())
        .or_else(|| placement.region.clone());
    if let Some(p) = price {
        rec.effective_hourly = p.effective_hourly;
        rec.account = p.account.clone();
        rec.service = p.service.clone();
        rec.tags = p.tags.clone();
    }
    Current {
        vcpu,
        memory_gib,
        instance,
        placement,
    }
}

/// The finding for a resource whose demand cannot be used.
pub(crate) fn problem(rec: Recommendation, problem: Problem) -> Recommendation {
    let finding = match problem {
        Problem::NoCapacity(_) => Finding::InsufficientData,
        Problem::Invalid(_) | Problem::Mixed(_) => Finding::InvalidData,
    };
    let mut rec = rec;
    rec.finding = Some(finding);
    let message = problem.message().to_string();
    rec.reason = Some(match rec.reason.take() {
        Some(notes) => format!("{message}; {notes}"),
        None => message,
    });
    rec
}

/// Rightsizes one VM.
pub(crate) fn recommend(
    ctx: &Context<'_>,
    resource: &ResourceSlices<'_>,
    scratch: &mut Scratch,
) -> Recommendation {
    let params = ctx.params;
    let mut rec = Recommendation {
        resource_id: resource.id.to_string(),
        ..Default::default()
    };
    let cur = current(ctx, resource.id, &mut rec);
    let cpu = match units::cpu_demand(resource, cur.vcpu) {
        Ok(Some(d)) => d,
        Ok(None) => {
            let mut rec = problem(
                rec,
                Problem::NoCapacity(format!(
                    "no cpu metric (metrics: {}); expected one of cpu_utilization, cpu_cores, cpu_cores_used",
                    resource.names()
                )),
            );
            rec.finding = Some(Finding::InsufficientData);
            return rec;
        }
        Err(p) => return problem(rec, p),
    };
    let memory = match units::memory_demand(resource, cur.memory_gib) {
        Ok(m) => m,
        Err(p) => return problem(rec, p),
    };

    rec.cpu_metric = Some(cpu.metric.to_string());
    rec.memory_metric = memory.map(|m| m.metric.to_string());
    // The lookback: the days before the resource's last CPU sample.
    let end = cpu.ts.last().copied().unwrap_or(0);
    let start_ts = end - (params.lookback_days * DAY_US as f64) as i64;
    let cpu_start = stats::start_index(cpu.ts, start_ts);
    let cpu_ts = &cpu.ts[cpu_start..];
    rec.hours_of_data = stats::distinct_hours(cpu_ts) as f64;
    rec.samples = cpu_ts.len();
    if rec.hours_of_data < params.min_data_hours {
        let message = format!(
            "{} hours of cpu data in the {}-day lookback, {} required",
            rec.hours_of_data, params.lookback_days, params.min_data_hours
        );
        rec.finding = Some(Finding::InsufficientData);
        rec.reason = Some(match rec.reason.take() {
            Some(notes) => format!("{message}; {notes}"),
            None => message,
        });
        return rec;
    }
    cpu.fill(cpu_start, &mut scratch.cpu);
    let (cpu_mean, _cpu_max) = stats::mean_max(&scratch.cpu).unwrap_or((0.0, 0.0));
    scratch.work.clone_from(&scratch.cpu);
    let cpu_p95 = stats::percentile(&mut scratch.work, 95.0).unwrap_or(0.0);
    let cpu_stat = stats::percentile(&mut scratch.work, params.cpu_percentile).unwrap_or(0.0);
    let cpu_growth = stats::growth_factor(
        &stats::daily_peaks(cpu_ts, &scratch.cpu),
        params.growth_horizon_days,
    );
    rec.cpu_percentile_cores = Some(cpu_stat);
    if let Some(v) = cur.vcpu {
        rec.cpu_p95_percent = Some(100.0 * cpu_p95 / v);
        rec.cpu_mean_percent = Some(100.0 * cpu_mean / v);
    }
    let required_vcpu = cpu_stat * (1.0 + params.cpu_headroom / 100.0);

    // Memory: its statistic plus headroom, or the current size when it is not measured.
    let mut memory_growth = 1.0;
    scratch.memory.clear();
    let (memory_stat, required_memory) = match &memory {
        Some(m) => {
            let start = stats::start_index(m.ts, start_ts);
            m.fill(start, &mut scratch.memory);
            if scratch.memory.is_empty() {
                rec.note("no memory samples in the lookback: memory kept at the current size");
                (None, cur.memory_gib)
            } else {
                memory_growth = stats::growth_factor(
                    &stats::daily_peaks(&m.ts[start..], &scratch.memory),
                    params.growth_horizon_days,
                );
                let stat = match params.memory_statistic {
                    MemoryStatistic::Max => stats::mean_max(&scratch.memory).map(|x| x.1),
                    MemoryStatistic::Percentile(p) => {
                        scratch.work.clone_from(&scratch.memory);
                        stats::percentile(&mut scratch.work, p)
                    }
                }
                .unwrap_or(0.0);
                (
                    Some(stat),
                    Some(stat * (1.0 + params.memory_headroom / 100.0)),
                )
            }
        }
        None => {
            rec.note("no memory metric: memory kept at the current size");
            (None, cur.memory_gib)
        }
    };
    rec.memory_statistic_gib = memory_stat;
    rec.required_vcpu = Some(required_vcpu);
    rec.required_memory_gib = required_memory;

    // The size: a catalog instance when one fits, else whole vCPU and half GiB.
    let mut rec_vcpu = required_vcpu.ceil().max(1.0);
    let mut rec_memory = required_memory.map(|m| ((m * 2.0).ceil() / 2.0).max(0.5));
    let mut best: Option<&Instance> = None;
    if let Some(catalog) = ctx.catalog {
        let candidates = select::candidates(catalog, cur.instance, &cur.placement, params);
        if !candidates.is_empty() {
            let ranked = select::rank(&candidates, required_vcpu, required_memory, params.top_n);
            match ranked.first() {
                Some(first) => {
                    best = Some(first);
                    rec_vcpu = first.vcpu;
                    rec_memory = Some(first.memory_gib);
                    rec.recommended_instance_type = Some(first.instance_type.clone());
                    rec.alternatives = ranked[1..]
                        .iter()
                        .map(|i| i.instance_type.clone())
                        .collect();
                }
                None => rec.note(format!(
                    "no allowed instance in the catalog has {required_vcpu:.2} vCPU and {} GiB",
                    required_memory.map_or("any".into(), |m| format!("{m:.2}"))
                )),
            }
        } else if cur.instance.is_none() && cur.placement.region.is_none() {
            rec.note("provider and region unknown: no instance types recommended");
        }
    }
    rec.recommended_vcpu = Some(rec_vcpu);
    rec.recommended_memory_gib = rec_memory;
    rec.projected_cpu_utilization = Some(100.0 * cpu_stat / rec_vcpu);
    rec.projected_memory_utilization = match (memory_stat, rec_memory) {
        (Some(s), Some(m)) => Some(100.0 * s / m),
        _ => None,
    };

    // Risk: how often the lookback would have exceeded the new size (now, and grown).
    let risk_cpu = stats::exceed_share(&scratch.cpu, rec_vcpu, 1.0);
    let risk_cpu_grown = stats::exceed_share(&scratch.cpu, rec_vcpu, cpu_growth);
    let (risk_memory, risk_memory_grown) = match rec_memory {
        Some(m) if !scratch.memory.is_empty() => (
            Some(stats::exceed_share(&scratch.memory, m, 1.0)),
            stats::exceed_share(&scratch.memory, m, memory_growth),
        ),
        _ => (None, 0.0),
    };
    rec.risk_cpu = Some(risk_cpu);
    rec.risk_memory = risk_memory;
    rec.risk = Some(risk_cpu.max(risk_memory.unwrap_or(0.0)));
    rec.growth_factor = Some(cpu_growth.max(memory_growth));
    rec.risk_with_growth = Some(risk_cpu_grown.max(risk_memory_grown));

    // The verdict.
    let idle = cur.vcpu.is_some_and(|v| {
        100.0 * cpu_p95 / v < params.idle_cpu_p95 && 100.0 * cpu_mean / v <= params.idle_cpu_mean
    });
    let under = cur.vcpu.is_some_and(|v| required_vcpu > v + 1e-9)
        || matches!((required_memory, cur.memory_gib, memory_stat), (Some(r), Some(c), Some(_)) if r > c + 1e-9);
    let finding = if cur.vcpu.is_none() {
        Finding::UnknownCurrentSize
    } else if idle {
        Finding::Idle
    } else if under {
        Finding::UnderProvisioned
    } else if let (Some(b), Some(c)) = (best, cur.instance) {
        if b.on_demand_hourly < c.on_demand_hourly - 1e-12 {
            Finding::OverProvisioned
        } else {
            Finding::Optimized
        }
    } else if cur.vcpu.is_some_and(|v| rec_vcpu < v - 1e-9)
        || matches!((rec_memory, cur.memory_gib), (Some(r), Some(c)) if r < c - 1e-9)
    {
        Finding::OverProvisioned
    } else {
        Finding::Optimized
    };
    rec.finding = Some(finding);
    if idle {
        rec.note(format!(
            "P95 cpu {:.2} % < {} % and mean {:.2} % <= {} %: terminate (the recommended size is for keeping it running)",
            100.0 * cpu_p95 / cur.vcpu.unwrap_or(1.0),
            params.idle_cpu_p95,
            100.0 * cpu_mean / cur.vcpu.unwrap_or(1.0),
            params.idle_cpu_mean
        ));
    }

    // Prices.
    let current_price = cur.instance.map(|i| i.on_demand_hourly);
    let new_price = if idle {
        Some(0.0)
    } else {
        best.map(|b| b.on_demand_hourly)
    };
    rec.monthly_cost_current = current_price.map(|p| p * HOURS_PER_MONTH);
    rec.monthly_cost_recommended = new_price.map(|p| p * HOURS_PER_MONTH);
    if let (Some(c), Some(n)) = (current_price, new_price) {
        rec.monthly_savings_list = Some((c - n) * HOURS_PER_MONTH);
        if let Some(e) = rec.effective_hourly {
            if c > 0.0 {
                rec.monthly_savings_effective = Some(e * HOURS_PER_MONTH * (1.0 - n / c));
            }
        }
    } else if let (true, Some(e)) = (idle, rec.effective_hourly) {
        rec.monthly_savings_effective = Some(e * HOURS_PER_MONTH);
    }
    rec
}
