//! Rightsizing one Kubernetes container: CPU and memory requests (and limits) from CPU-core
//! rates (`rate(container_cpu_usage_seconds_total[5m])`, loaded as `cpu_cores`) and
//! `container_memory_working_set_bytes`.
//!
//! - **VPA-like** (the default): CPU samples go into a decaying histogram (half-life 24 h);
//!   memory goes in as daily peaks (one per UTC day, as the VPA aggregates memory per 24 h
//!   interval). Request = P90, lower bound = P50, upper bound = P95, each x (1 + 15 % margin)
//!   and at least 25 mCPU / 250 MiB. An OOM kill adds a memory sample of max(usage + 100 MiB,
//!   usage x 1.2) at its time, usage being the last working set at or before it.
//! - **KRR-like**: CPU request = P95 of the samples, no CPU limit; memory request = limit =
//!   max x 1.15; the same minimums.
//!
//! The current request is read from `kube_pod_container_resource_requests{resource=cpu|memory}`
//! (or `cpu_request_cores` / `memory_request_bytes`), OOM kills from
//! `kube_pod_container_status_last_terminated_reason{reason=OOMKilled}` (or `oom_kills`): a
//! rise of the value from 0 (or a first sample) above 0 is one kill. Verdict: under-provisioned
//! when a current request is below the lower bound, over-provisioned when one is above the
//! upper bound (KRR: bounds are the request and the request x (1 + memory buffer)).

use super::histogram::DecayingHistogram;
use super::input::{MetricSlice, ResourceSlices};
use super::params::KubernetesMethod;
use super::recommendation::{ContainerSizes, Finding, Recommendation};
use super::stats::{self, DAY_US, HOUR_US};
use super::units::{self, Problem};
use super::vm::{problem, Scratch};
use super::Context;

const MIB: f64 = 1024.0 * 1024.0;
pub(crate) const GIB: f64 = 1024.0 * MIB;

/// The last value of the first metric whose name matches.
fn last_value(resource: &ResourceSlices<'_>, matches: impl Fn(&str) -> bool) -> Option<f64> {
    resource
        .metrics
        .iter()
        .find(|m| matches(m.metric))
        .and_then(|m| m.values.last().copied())
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// Times of OOM kills in `since..`.
fn oom_times(resource: &ResourceSlices<'_>, since: i64) -> Vec<i64> {
    let Some(m): Option<&MetricSlice<'_>> = resource.metrics.iter().find(|m| {
        (m.metric
            .starts_with("kube_pod_container_status_last_terminated_reason")
            && m.metric.contains("OOMKilled"))
            || m.metric == "oom_kills"
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut prev = 0.0;
    for (&t, &v) in m.ts.iter().zip(m.values) {
        if v > 0.0 && prev <= 0.0 && t >= since {
            out.push(t);
        }
        prev = v;
    }
    out
}

/// Rightsizes one container.
pub(crate) fn recommend(
    ctx: &Context<'_>,
    resource: &ResourceSlices<'_>,
    scratch: &mut Scratch,
) -> Recommendation {
    let params = ctx.params;
    let rec = Recommendation {
        resource_id: resource.id.to_string(),
        ..Default::default()
    };
    let current_cpu = last_value(resource, |m| {
        (m.starts_with("kube_pod_container_resource_requests") && m.contains("resource=cpu"))
            || m == "cpu_request_cores"
    });
    let current_memory = last_value(resource, |m| {
        (m.starts_with("kube_pod_container_resource_requests") && m.contains("resource=memory"))
            || m == "memory_request_bytes"
    });
    let current_memory_limit = last_value(resource, |m| {
        (m.starts_with("kube_pod_container_resource_limits") && m.contains("resource=memory"))
            || m == "memory_limit_bytes"
    });
    let cpu = match units::cpu_demand(resource, current_cpu) {
        Ok(Some(d)) => d,
        Ok(None) => {
            return problem(
                rec,
                Problem::NoCapacity(format!(
                    "no cpu metric (metrics: {}); expected cpu_cores (rate of container_cpu_usage_seconds_total)",
                    resource.names()
                )),
            )
        }
        Err(p) => return problem(rec, p),
    };
    let memory = match units::memory_demand(resource, current_memory.map(|b| b / GIB)) {
        Ok(Some(m)) => m,
        Ok(None) => {
            return problem(
                rec,
                Problem::NoCapacity(format!(
                    "no memory metric (metrics: {}); expected memory_working_set_bytes",
                    resource.names()
                )),
            )
        }
        Err(p) => return problem(rec, p),
    };
    let mut rec = rec;
    rec.cpu_metric = Some(cpu.metric.to_string());
    rec.memory_metric = Some(memory.metric.to_string());
    let end = cpu.ts.last().copied().unwrap_or(0);
    let start_ts = end - (params.lookback_days * DAY_US as f64) as i64;
    let cpu_start = stats::start_index(cpu.ts, start_ts);
    let cpu_ts = &cpu.ts[cpu_start..];
    rec.hours_of_data = stats::distinct_hours(cpu_ts) as f64;
    rec.samples = cpu_ts.len();
    if rec.hours_of_data < params.min_data_hours {
        rec.finding = Some(Finding::InsufficientData);
        rec.reason = Some(format!(
            "{} hours of cpu data in the {}-day lookback, {} required",
            rec.hours_of_data, params.lookback_days, params.min_data_hours
        ));
        return rec;
    }
    cpu.fill(cpu_start, &mut scratch.cpu);
    let mem_start = stats::start_index(memory.ts, start_ts);
    let mem_ts = &memory.ts[mem_start..];
    memory.fill(mem_start, &mut scratch.memory);
    // Bytes from here on.
    for v in scratch.memory.iter_mut() {
        *v *= GIB;
    }
    let ooms = oom_times(resource, start_ts);
    let margin = 1.0 + params.vpa_margin / 100.0;
    let (min_cpu, min_mem) = (params.min_cpu_cores, params.min_memory_bytes);

    let mut sizes = match params.kubernetes_method {
        KubernetesMethod::Vpa => {
            let half_life = params.half_life_hours * HOUR_US as f64;
            let mut h = DecayingHistogram::cpu();
            for (&t, &v) in cpu_ts.iter().zip(&scratch.cpu) {
                h.add(
                    v,
                    DecayingHistogram::weight(t as f64, end as f64, half_life),
                );
            }
            let cpu_at = |p: f64| (h.percentile(p).unwrap_or(0.0) * margin).max(min_cpu);
            let mut hm = DecayingHistogram::memory();
            let peaks = stats::daily_peaks(mem_ts, &scratch.memory);
            for &(day, peak) in &peaks {
                let t = (day * DAY_US + DAY_US / 2) as f64;
                hm.add(
                    peak,
                    DecayingHistogram::weight(t.min(end as f64), end as f64, half_life),
                );
            }
            for &t in &ooms {
                let i = mem_ts.partition_point(|&x| x <= t);
                let used = if i > 0 { scratch.memory[i - 1] } else { 0.0 };
                let bumped = (used + 100.0 * MIB).max(used * 1.2);
                hm.add(
                    bumped,
                    DecayingHistogram::weight(t as f64, end as f64, half_life),
                );
            }
            let mem_at = |p: f64| (hm.percentile(p).unwrap_or(0.0) * margin).max(min_mem);
            let memory_request = mem_at(90.0);
            let memory_upper = mem_at(95.0);
            let memory_limit =
                params
                    .kubernetes_limits
                    .then(|| match (current_memory, current_memory_limit) {
                        (Some(r), Some(l)) if r > 0.0 => memory_request * l / r,
                        _ => memory_upper,
                    });
            ContainerSizes {
                cpu_request: cpu_at(90.0),
                cpu_lower: cpu_at(50.0),
                cpu_upper: cpu_at(95.0),
                cpu_limit: None,
                memory_request,
                memory_lower: mem_at(50.0),
                memory_upper,
                memory_limit,
                ..Default::default()
            }
        }
        KubernetesMethod::Krr => {
            scratch.work.clone_from(&scratch.cpu);
            let cpu_request = stats::percentile(&mut scratch.work, 95.0)
                .unwrap_or(0.0)
                .max(min_cpu);
            let mut max = stats::mean_max(&scratch.memory).map_or(0.0, |x| x.1);
            for &t in &ooms {
                let i = mem_ts.partition_point(|&x| x <= t);
                let used = if i > 0 { scratch.memory[i - 1] } else { 0.0 };
                max = max.max((used + 100.0 * MIB).max(used * 1.2));
            }
            let memory = (max * (1.0 + params.krr_memory_buffer / 100.0)).max(min_mem);
            ContainerSizes {
                cpu_request,
                cpu_lower: cpu_request,
                cpu_upper: cpu_request,
                cpu_limit: None,
                memory_request: memory,
                memory_lower: memory,
                memory_upper: memory * (1.0 + params.krr_memory_buffer / 100.0),
                memory_limit: Some(memory),
                ..Default::default()
            }
        }
    };
    sizes.current_cpu_request = current_cpu;
    sizes.current_memory_request = current_memory;
    sizes.oom_events = ooms.len();

    rec.recommended_vcpu = Some(sizes.cpu_request);
    rec.recommended_memory_gib = Some(sizes.memory_request / GIB);
    rec.required_vcpu = Some(sizes.cpu_request);
    rec.required_memory_gib = Some(sizes.memory_request / GIB);
    let risk_cpu = stats::exceed_share(&scratch.cpu, sizes.cpu_request, 1.0);
    let memory_cap = sizes.memory_limit.unwrap_or(sizes.memory_request);
    let risk_memory = stats::exceed_share(&scratch.memory, memory_cap, 1.0);
    let g_cpu = stats::growth_factor(
        &stats::daily_peaks(cpu_ts, &scratch.cpu),
        params.growth_horizon_days,
    );
    let g_mem = stats::growth_factor(
        &stats::daily_peaks(mem_ts, &scratch.memory),
        params.growth_horizon_days,
    );
    rec.risk_cpu = Some(risk_cpu);
    rec.risk_memory = Some(risk_memory);
    rec.risk = Some(risk_cpu.max(risk_memory));
    rec.growth_factor = Some(g_cpu.max(g_mem));
    rec.risk_with_growth = Some(
        stats::exceed_share(&scratch.cpu, sizes.cpu_request, g_cpu).max(stats::exceed_share(
            &scratch.memory,
            memory_cap,
            g_mem,
        )),
    );
    let below = current_cpu.is_some_and(|c| c < sizes.cpu_lower - 1e-12)
        || current_memory.is_some_and(|c| c < sizes.memory_lower - 1e-6);
    let above = current_cpu.is_some_and(|c| c > sizes.cpu_upper + 1e-12)
        || current_memory.is_some_and(|c| c > sizes.memory_upper + 1e-6);
    rec.finding = Some(if current_cpu.is_none() && current_memory.is_none() {
        Finding::UnknownCurrentSize
    } else if below {
        Finding::UnderProvisioned
    } else if above {
        Finding::OverProvisioned
    } else {
        Finding::Optimized
    });
    if !ooms.is_empty() {
        rec.note(format!(
            "{} OOM kill(s) in the lookback raised memory",
            ooms.len()
        ));
    }
    rec.container = Some(sizes);
    rec
}
