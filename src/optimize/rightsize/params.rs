//! The settings of rightsizing: a builder checked once before any data is read.

use std::collections::BTreeSet;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::optimize::catalog::{Architecture, Provider};

/// What a resource is: a virtual machine (vCPU and memory, priced from a catalog) or a
/// Kubernetes container (CPU and memory requests and limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Virtual machines: the cheapest catalog instance that fits (the default).
    #[default]
    Vm,
    /// Kubernetes containers: requests (and limits) in cores and bytes.
    Kubernetes,
}

impl FromStr for Mode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vm" | "vms" | "instance" => Ok(Mode::Vm),
            "kubernetes" | "k8s" | "container" | "containers" => Ok(Mode::Kubernetes),
            _ => Err(Error::parameter(
                "mode",
                format!("unknown mode '{s}': expected vm or kubernetes"),
            )),
        }
    }
}

/// How Kubernetes requests are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KubernetesMethod {
    /// Like the VPA recommender: decaying histograms (half-life), CPU target P90 (lower P50,
    /// upper P95), memory the same percentiles of daily peaks, a 15 % margin, minimums 25 mCPU
    /// and 250 MiB, and an OOM bump (the default).
    #[default]
    Vpa,
    /// Like KRR `simple`: CPU request = P95, no CPU limit; memory request = limit = max x 1.15.
    Krr,
}

impl FromStr for KubernetesMethod {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vpa" => Ok(KubernetesMethod::Vpa),
            "krr" | "simple" => Ok(KubernetesMethod::Krr),
            _ => Err(Error::parameter(
                "kubernetes_method",
                format!("unknown method '{s}': expected vpa or krr"),
            )),
        }
    }
}

/// The statistic of memory demand that must fit (plus headroom).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryStatistic {
    /// The largest sample of the lookback (the default: memory that does not fit is an OOM).
    #[default]
    Max,
    /// A percentile in (0, 100].
    Percentile(f64),
}

impl FromStr for MemoryStatistic {
    type Err = Error;
    /// `max`, or a percentile as `p99`, `99`, `99.5`.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        if t == "max" || t == "maximum" {
            return Ok(MemoryStatistic::Max);
        }
        let number = t.strip_prefix('p').unwrap_or(&t);
        match number.parse::<f64>() {
            Ok(p) if p > 0.0 && p <= 100.0 => Ok(MemoryStatistic::Percentile(p)),
            _ => Err(Error::parameter(
                "memory_statistic",
                format!("'{s}' is neither 'max' nor a percentile in (0, 100] such as 'p99'"),
            )),
        }
    }
}

/// The settings of rightsizing, as a builder; [`RightsizeParams::check`] validates them.
///
/// | setting | default | range | meaning |
/// |---|---|---|---|
/// | `mode` | `vm` | `vm`, `kubernetes` | what a resource is |
/// | `cpu_percentile` | 99.5 | (0, 100] | the CPU demand that must fit (AWS Compute Optimizer: P99.5; P95 and P90 are its options) |
/// | `cpu_headroom` | 20 % | [0, 500] | added on top of that CPU demand (Compute Optimizer's default 20 %) |
/// | `memory_statistic` | `max` | `max` or a percentile | the memory demand that must fit |
/// | `memory_headroom` | 20 % | [0, 500] | added on top of that memory demand |
/// | `lookback_days` | 14 | (0, 3650] | the days before each resource's last sample that are used (Compute Optimizer: 14) |
/// | `min_data_hours` | 30 | [0, 87600] | distinct hours with CPU samples needed before any recommendation (Compute Optimizer: 30) |
/// | `idle_cpu_p95` | 3 % | [0, 100] | idle when P95 CPU is below this ... (Azure Advisor: 3 %) |
/// | `idle_cpu_mean` | 2 % | [0, 100] | ... and mean CPU is at most this (Azure Advisor: 2 %) |
/// | `allowed_families` | all | family names | only recommend these instance families |
/// | `allowed_architectures` | all | `x86_64`, `arm64` | only these architectures |
/// | `same_architecture` | true | | keep the current instance's architecture (software may not run on another) |
/// | `allow_burstable` | false | | may recommend burstable (credit-based) instances |
/// | `same_family_only` | false | | only sizes of the current instance's family |
/// | `top_n` | 3 | [1, 20] | ranked instance types per resource (best, then alternatives) |
/// | `growth_horizon_days` | 30 | [0, 3650] | how far the daily-peak trend is projected for the growth risk |
/// | `default_provider`, `default_region` | none | | where a resource runs when the billing data does not say |
/// | `kubernetes_method` | `vpa` | `vpa`, `krr` | how container requests are computed |
/// | `kubernetes_limits` | false | | also recommend limits (memory limit; KRR always sets memory limit = request) |
/// | `half_life_hours` | 24 | (0, 8760] | VPA histograms: a sample this much older weighs half |
/// | `vpa_margin` | 15 % | [0, 500] | VPA safety margin on every bound |
/// | `min_cpu_cores` | 0.025 | [0, 1000] | VPA/KRR minimum CPU request (25 mCPU) |
/// | `min_memory_bytes` | 250 MiB | [0, 2^50] | VPA/KRR minimum memory request |
/// | `krr_memory_buffer` | 15 % | [0, 500] | KRR: memory request = limit = max x (1 + buffer) |
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RightsizeParams {
    pub(crate) mode: Mode,
    pub(crate) cpu_percentile: f64,
    pub(crate) cpu_headroom: f64,
    pub(crate) memory_statistic: MemoryStatistic,
    pub(crate) memory_headroom: f64,
    pub(crate) lookback_days: f64,
    pub(crate) min_data_hours: f64,
    pub(crate) idle_cpu_p95: f64,
    pub(crate) idle_cpu_mean: f64,
    pub(crate) allowed_families: Option<BTreeSet<String>>,
    pub(crate) allowed_architectures: Option<BTreeSet<Architecture>>,
    pub(crate) same_architecture: bool,
    pub(crate) allow_burstable: bool,
    pub(crate) same_family_only: bool,
    pub(crate) top_n: usize,
    pub(crate) growth_horizon_days: f64,
    pub(crate) default_provider: Option<Provider>,
    pub(crate) default_region: Option<String>,
    pub(crate) kubernetes_method: KubernetesMethod,
    pub(crate) kubernetes_limits: bool,
    pub(crate) half_life_hours: f64,
    pub(crate) vpa_margin: f64,
    pub(crate) min_cpu_cores: f64,
    pub(crate) min_memory_bytes: f64,
    pub(crate) krr_memory_buffer: f64,
}

impl Default for RightsizeParams {
    fn default() -> Self {
        RightsizeParams {
            mode: Mode::Vm,
            cpu_percentile: 99.5,
            cpu_headroom: 20.0,
            memory_statistic: MemoryStatistic::Max,
            memory_headroom: 20.0,
            lookback_days: 14.0,
            min_data_hours: 30.0,
            idle_cpu_p95: 3.0,
            idle_cpu_mean: 2.0,
            allowed_families: None,
            allowed_architectures: None,
            same_architecture: true,
            allow_burstable: false,
            same_family_only: false,
            top_n: 3,
            growth_horizon_days: 30.0,
            default_provider: None,
            default_region: None,
            kubernetes_method: KubernetesMethod::Vpa,
            kubernetes_limits: false,
            half_life_hours: 24.0,
            vpa_margin: 15.0,
            min_cpu_cores: 0.025,
            min_memory_bytes: 250.0 * 1024.0 * 1024.0,
            krr_memory_buffer: 15.0,
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl RightsizeParams {
    setter!(
        /// VMs or Kubernetes containers.
        mode: Mode
    );
    setter!(
        /// The CPU percentile that must fit, in (0, 100].
        cpu_percentile: f64
    );
    setter!(
        /// CPU headroom in percent on top of the CPU percentile.
        cpu_headroom: f64
    );
    setter!(
        /// The memory statistic that must fit.
        memory_statistic: MemoryStatistic
    );
    setter!(
        /// Memory headroom in percent.
        memory_headroom: f64
    );
    setter!(
        /// Days of history used, counted back from each resource's last sample.
        lookback_days: f64
    );
    setter!(
        /// Distinct hours with CPU samples required before a recommendation.
        min_data_hours: f64
    );
    setter!(
        /// Idle when P95 CPU (percent of the current size) is below this ...
        idle_cpu_p95: f64
    );
    setter!(
        /// ... and mean CPU is at most this.
        idle_cpu_mean: f64
    );
    setter!(
        /// Keep the current architecture.
        same_architecture: bool
    );
    setter!(
        /// Allow burstable instances.
        allow_burstable: bool
    );
    setter!(
        /// Only sizes of the current family.
        same_family_only: bool
    );
    setter!(
        /// How many ranked instance types per resource.
        top_n: usize
    );
    setter!(
        /// Days over which the daily-peak trend is projected for the growth risk.
        growth_horizon_days: f64
    );
    setter!(
        /// The Kubernetes method.
        kubernetes_method: KubernetesMethod
    );
    setter!(
        /// Also recommend limits in Kubernetes mode.
        kubernetes_limits: bool
    );
    setter!(
        /// Half-life of the VPA decaying histograms, in hours.
        half_life_hours: f64
    );
    setter!(
        /// VPA safety margin in percent.
        vpa_margin: f64
    );
    setter!(
        /// Minimum CPU request in cores.
        min_cpu_cores: f64
    );
    setter!(
        /// Minimum memory request in bytes.
        min_memory_bytes: f64
    );
    setter!(
        /// KRR memory buffer in percent.
        krr_memory_buffer: f64
    );

    /// Only recommend these families (`m6i`, `Dsv5`, ...).
    pub fn allowed_families<I: IntoIterator<Item = S>, S: Into<String>>(mut self, f: I) -> Self {
        self.allowed_families = Some(f.into_iter().map(Into::into).collect());
        self
    }

    /// Only recommend these architectures.
    pub fn allowed_architectures<I: IntoIterator<Item = Architecture>>(mut self, a: I) -> Self {
        self.allowed_architectures = Some(a.into_iter().collect());
        self
    }

    /// The provider of resources the billing data does not place.
    pub fn default_provider(mut self, provider: Provider) -> Self {
        self.default_provider = Some(provider);
        self
    }

    /// The region of resources the billing data does not place.
    pub fn default_region(mut self, region: impl Into<String>) -> Self {
        self.default_region = Some(region.into());
        self
    }

    /// The CPU percentile.
    pub fn get_cpu_percentile(&self) -> f64 {
        self.cpu_percentile
    }

    /// Days of history used.
    pub fn get_lookback_days(&self) -> f64 {
        self.lookback_days
    }

    /// The mode.
    pub fn get_mode(&self) -> Mode {
        self.mode
    }

    /// Checks every setting against its documented range.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the first setting out of range and the range.
    pub fn check(self) -> Result<Self> {
        let range = |name: &str, v: f64, lo: f64, hi: f64, lo_open: bool| -> Result<()> {
            let ok = v.is_finite() && v <= hi && if lo_open { v > lo } else { v >= lo };
            if ok {
                Ok(())
            } else {
                let open = if lo_open { "(" } else { "[" };
                Err(Error::parameter(
                    name,
                    format!("{v} is outside {open}{lo}, {hi}]"),
                ))
            }
        };
        range("cpu_percentile", self.cpu_percentile, 0.0, 100.0, true)?;
        range("cpu_headroom", self.cpu_headroom, 0.0, 500.0, false)?;
        if let MemoryStatistic::Percentile(p) = self.memory_statistic {
            range("memory_statistic", p, 0.0, 100.0, true)?;
        }
        range("memory_headroom", self.memory_headroom, 0.0, 500.0, false)?;
        range("lookback_days", self.lookback_days, 0.0, 3650.0, true)?;
        range("min_data_hours", self.min_data_hours, 0.0, 87600.0, false)?;
        range("idle_cpu_p95", self.idle_cpu_p95, 0.0, 100.0, false)?;
        range("idle_cpu_mean", self.idle_cpu_mean, 0.0, 100.0, false)?;
        range("top_n", self.top_n as f64, 1.0, 20.0, false)?;
        range(
            "growth_horizon_days",
            self.growth_horizon_days,
            0.0,
            3650.0,
            false,
        )?;
        range("half_life_hours", self.half_life_hours, 0.0, 8760.0, true)?;
        range("vpa_margin", self.vpa_margin, 0.0, 500.0, false)?;
        range("min_cpu_cores", self.min_cpu_cores, 0.0, 1000.0, false)?;
        range(
            "min_memory_bytes",
            self.min_memory_bytes,
            0.0,
            2f64.powi(50),
            false,
        )?;
        range(
            "krr_memory_buffer",
            self.krr_memory_buffer,
            0.0,
            500.0,
            false,
        )?;
        if let Some(families) = &self.allowed_families {
            if families.is_empty() {
                return Err(Error::parameter(
                    "allowed_families",
                    "is empty: no instance could be recommended (leave it unset to allow all)",
                ));
            }
        }
        if let Some(archs) = &self.allowed_architectures {
            if archs.is_empty() {
                return Err(Error::parameter(
                    "allowed_architectures",
                    "is empty: no instance could be recommended (leave it unset to allow all)",
                ));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_check_and_ranges_are_enforced() {
        assert!(RightsizeParams::default().check().is_ok());
        let err = RightsizeParams::default()
            .cpu_percentile(0.0)
            .check()
            .unwrap_err();
        assert!(err.to_string().contains("cpu_percentile"), "{err}");
        assert!(RightsizeParams::default()
            .cpu_headroom(-1.0)
            .check()
            .is_err());
        assert!(RightsizeParams::default()
            .lookback_days(f64::NAN)
            .check()
            .is_err());
        assert!(RightsizeParams::default().top_n(0).check().is_err());
        assert!(RightsizeParams::default()
            .allowed_families(Vec::<String>::new())
            .check()
            .is_err());
    }

    #[test]
    fn names_parse() {
        assert_eq!(
            "p99".parse::<MemoryStatistic>().ok(),
            Some(MemoryStatistic::Percentile(99.0))
        );
        assert_eq!(
            "max".parse::<MemoryStatistic>().ok(),
            Some(MemoryStatistic::Max)
        );
        assert!("p0".parse::<MemoryStatistic>().is_err());
        assert_eq!("k8s".parse::<Mode>().ok(), Some(Mode::Kubernetes));
        assert_eq!(
            "KRR".parse::<KubernetesMethod>().ok(),
            Some(KubernetesMethod::Krr)
        );
        assert!("x".parse::<Mode>().is_err());
    }
}
