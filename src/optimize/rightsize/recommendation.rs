//! What rightsizing says about one resource ([`Recommendation`], with its [`Finding`]), and
//! the output frame: one row per resource, ranked by monthly savings.

use polars::prelude::*;

use super::params::Mode;
use crate::error::Result;

/// The verdict on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// Barely used (P95 CPU and mean CPU under the idle thresholds): terminate it.
    Idle,
    /// A smaller or cheaper size fits the demand plus headroom.
    OverProvisioned,
    /// The demand plus headroom does not fit the current size.
    UnderProvisioned,
    /// The current size is the right one.
    Optimized,
    /// Too little data (or none) in the lookback: no recommendation (see `reason`).
    InsufficientData,
    /// The data cannot be right (negative usage, a percentage above 100, mixed units): no
    /// recommendation (see `reason`).
    InvalidData,
    /// A recommendation, but the current size is unknown, so no verdict on it.
    UnknownCurrentSize,
}

impl Finding {
    /// The name in output frames (`over_provisioned`).
    pub fn name(self) -> &'static str {
        match self {
            Finding::Idle => "idle",
            Finding::OverProvisioned => "over_provisioned",
            Finding::UnderProvisioned => "under_provisioned",
            Finding::Optimized => "optimized",
            Finding::InsufficientData => "insufficient_data",
            Finding::InvalidData => "invalid_data",
            Finding::UnknownCurrentSize => "unknown_current_size",
        }
    }

    /// True when the finding carries a size recommendation.
    pub fn recommends(self) -> bool {
        !matches!(self, Finding::InsufficientData | Finding::InvalidData)
    }
}

/// Kubernetes requests and limits for one container (cores and bytes).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ContainerSizes {
    /// Recommended CPU request, cores.
    pub cpu_request: f64,
    /// Lower bound of the CPU request (VPA), cores.
    pub cpu_lower: f64,
    /// Upper bound of the CPU request (VPA), cores.
    pub cpu_upper: f64,
    /// Recommended CPU limit (never set by the VPA-like or KRR-like methods).
    pub cpu_limit: Option<f64>,
    /// Recommended memory request, bytes.
    pub memory_request: f64,
    /// Lower bound of the memory request, bytes.
    pub memory_lower: f64,
    /// Upper bound of the memory request, bytes.
    pub memory_upper: f64,
    /// Recommended memory limit, bytes (KRR always; VPA when limits are asked for).
    pub memory_limit: Option<f64>,
    /// The current CPU request, cores, when the data has it.
    pub current_cpu_request: Option<f64>,
    /// The current memory request, bytes, when the data has it.
    pub current_memory_request: Option<f64>,
    /// OOM kills seen in the lookback.
    pub oom_events: usize,
}

/// Rightsizing's answer for one resource. Fields that do not apply are `None`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Recommendation {
    /// The resource.
    pub resource_id: String,
    /// The verdict.
    pub finding: Option<Finding>,
    /// Why (for no recommendation), and notes (a missing catalog match, an unknown region).
    pub reason: Option<String>,
    /// Recommended vCPU: the recommended instance's, else the requirement rounded up to a
    /// whole vCPU (Kubernetes: the CPU request in cores).
    pub recommended_vcpu: Option<f64>,
    /// Recommended memory GiB: the instance's, else the requirement rounded up to 0.5 GiB
    /// (Kubernetes: the memory request in GiB).
    pub recommended_memory_gib: Option<f64>,
    /// The demand statistic plus headroom, in vCPU (unrounded).
    pub required_vcpu: Option<f64>,
    /// The memory statistic plus headroom, in GiB (unrounded).
    pub required_memory_gib: Option<f64>,
    /// The current instance type.
    pub current_instance_type: Option<String>,
    /// The current vCPU.
    pub current_vcpu: Option<f64>,
    /// The current memory GiB.
    pub current_memory_gib: Option<f64>,
    /// The provider (lower-case).
    pub provider: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// The best instance type.
    pub recommended_instance_type: Option<String>,
    /// The next best instance types, in order.
    pub alternatives: Vec<String>,
    /// The CPU percentile demand, cores.
    pub cpu_percentile_cores: Option<f64>,
    /// P95 CPU in percent of the current vCPU.
    pub cpu_p95_percent: Option<f64>,
    /// Mean CPU in percent of the current vCPU.
    pub cpu_mean_percent: Option<f64>,
    /// The memory statistic, GiB.
    pub memory_statistic_gib: Option<f64>,
    /// The CPU percentile demand in percent of the recommended vCPU.
    pub projected_cpu_utilization: Option<f64>,
    /// The memory statistic in percent of the recommended memory.
    pub projected_memory_utilization: Option<f64>,
    /// Share of the lookback's CPU samples above the recommended vCPU.
    pub risk_cpu: Option<f64>,
    /// Share of the lookback's memory samples above the recommended memory.
    pub risk_memory: Option<f64>,
    /// The larger of the two risks.
    pub risk: Option<f64>,
    /// Demand growth over the growth horizon, from the daily-peak trend (1 = none).
    pub growth_factor: Option<f64>,
    /// The risk with every sample multiplied by its growth factor.
    pub risk_with_growth: Option<f64>,
    /// The current instance's monthly list price (730 hours).
    pub monthly_cost_current: Option<f64>,
    /// The recommended instance's monthly list price (0 for idle: terminate).
    pub monthly_cost_recommended: Option<f64>,
    /// Current minus recommended monthly list price.
    pub monthly_savings_list: Option<f64>,
    /// The resource's effective price per hour from the bill.
    pub effective_hourly: Option<f64>,
    /// Monthly savings at the effective price: effective x 730 x (1 - recommended list /
    /// current list), all of it for idle.
    pub monthly_savings_effective: Option<f64>,
    /// The metric CPU demand was read from.
    pub cpu_metric: Option<String>,
    /// The metric memory demand was read from.
    pub memory_metric: Option<String>,
    /// Distinct hours with CPU samples in the lookback.
    pub hours_of_data: f64,
    /// CPU samples in the lookback.
    pub samples: usize,
    /// The account (billing sub-account) when the bill names it.
    pub account: Option<String>,
    /// The service when the bill names it.
    pub service: Option<String>,
    /// The resource's tags from the bill, as JSON.
    pub tags: Option<String>,
    /// Kubernetes requests and limits (Kubernetes mode only).
    pub container: Option<ContainerSizes>,
}

impl Recommendation {
    /// A resource without a recommendation.
    pub(crate) fn without(id: &str, finding: Finding, reason: impl Into<String>) -> Self {
        Recommendation {
            resource_id: id.to_string(),
            finding: Some(finding),
            reason: Some(reason.into()),
            ..Default::default()
        }
    }

    /// Appends a note to `reason`.
    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        self.reason = Some(match self.reason.take() {
            Some(r) => format!("{r}; {note}"),
            None => note,
        });
    }
}

/// Sorts by savings at the effective price where known, else at list price (largest first;
/// none last), then finding, then id.
pub(crate) fn rank(recs: &mut [Recommendation]) {
    let key = |r: &Recommendation| {
        r.monthly_savings_effective
            .or(r.monthly_savings_list)
            .unwrap_or(f64::NEG_INFINITY)
    };
    recs.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then(a.finding.cmp(&b.finding))
            .then(a.resource_id.cmp(&b.resource_id))
    });
}

/// The output frame.
pub(crate) fn frame(recs: &[Recommendation], mode: Mode) -> Result<DataFrame> {
    let n = recs.len();
    let s = |name: &str, f: &dyn Fn(&Recommendation) -> Option<String>| {
        Column::new(name.into(), recs.iter().map(f).collect::<Vec<_>>())
    };
    let x = |name: &str, f: &dyn Fn(&Recommendation) -> Option<f64>| {
        Column::new(name.into(), recs.iter().map(f).collect::<Vec<_>>())
    };
    let mut columns = vec![
        s("resource_id", &|r| Some(r.resource_id.clone())),
        s("finding", &|r| r.finding.map(|f| f.name().to_string())),
        x("recommended_vcpu", &|r| r.recommended_vcpu),
        x("recommended_memory_gib", &|r| r.recommended_memory_gib),
    ];
    match mode {
        Mode::Vm => columns.extend([
            s("current_instance_type", &|r| {
                r.current_instance_type.clone()
            }),
            x("current_vcpu", &|r| r.current_vcpu),
            x("current_memory_gib", &|r| r.current_memory_gib),
            s("recommended_instance_type", &|r| {
                r.recommended_instance_type.clone()
            }),
            s("alternatives", &|r| {
                (!r.alternatives.is_empty()).then(|| r.alternatives.join(","))
            }),
            x("monthly_savings_list", &|r| r.monthly_savings_list),
            x("monthly_savings_effective", &|r| {
                r.monthly_savings_effective
            }),
            x("monthly_cost_current", &|r| r.monthly_cost_current),
            x("monthly_cost_recommended", &|r| r.monthly_cost_recommended),
            x("effective_hourly", &|r| r.effective_hourly),
            x("required_vcpu", &|r| r.required_vcpu),
            x("required_memory_gib", &|r| r.required_memory_gib),
            x("cpu_percentile_cores", &|r| r.cpu_percentile_cores),
            x("cpu_p95_percent", &|r| r.cpu_p95_percent),
            x("cpu_mean_percent", &|r| r.cpu_mean_percent),
            x("memory_statistic_gib", &|r| r.memory_statistic_gib),
            x("projected_cpu_utilization", &|r| {
                r.projected_cpu_utilization
            }),
            x("projected_memory_utilization", &|r| {
                r.projected_memory_utilization
            }),
            x("risk", &|r| r.risk),
            x("risk_cpu", &|r| r.risk_cpu),
            x("risk_memory", &|r| r.risk_memory),
            x("growth_factor", &|r| r.growth_factor),
            x("risk_with_growth", &|r| r.risk_with_growth),
            s("provider", &|r| r.provider.clone()),
            s("region", &|r| r.region.clone()),
            s("account", &|r| r.account.clone()),
            s("service", &|r| r.service.clone()),
            s("tags", &|r| r.tags.clone()),
        ]),
        Mode::Kubernetes => {
            let c = |f: fn(&ContainerSizes) -> Option<f64>| {
                move |r: &Recommendation| r.container.as_ref().and_then(f)
            };
            columns.extend([
                x("cpu_request_cores", &c(|k| Some(k.cpu_request))),
                x("cpu_request_lower_cores", &c(|k| Some(k.cpu_lower))),
                x("cpu_request_upper_cores", &c(|k| Some(k.cpu_upper))),
                x("cpu_limit_cores", &c(|k| k.cpu_limit)),
                x("memory_request_bytes", &c(|k| Some(k.memory_request))),
                x("memory_request_lower_bytes", &c(|k| Some(k.memory_lower))),
                x("memory_request_upper_bytes", &c(|k| Some(k.memory_upper))),
                x("memory_limit_bytes", &c(|k| k.memory_limit)),
                x("current_cpu_request_cores", &c(|k| k.current_cpu_request)),
                x(
                    "current_memory_request_bytes",
                    &c(|k| k.current_memory_request),
                ),
                x("oom_events", &c(|k| Some(k.oom_events as f64))),
                x("risk_cpu", &|r| r.risk_cpu),
                x("risk_memory", &|r| r.risk_memory),
                x("growth_factor", &|r| r.growth_factor),
                x("risk_with_growth", &|r| r.risk_with_growth),
            ]);
        }
    }
    columns.extend([
        s("cpu_metric", &|r| r.cpu_metric.clone()),
        s("memory_metric", &|r| r.memory_metric.clone()),
        x("hours_of_data", &|r| Some(r.hours_of_data)),
        x("samples", &|r| Some(r.samples as f64)),
        s("reason", &|r| r.reason.clone()),
    ]);
    let mut df = DataFrame::new(n, columns)?;
    for name in ["samples", "oom_events"] {
        if let Ok(c) = df.column(name) {
            let c = c.cast(&DataType::UInt64)?;
            df.with_column(c)?;
        }
    }
    Ok(df)
}
