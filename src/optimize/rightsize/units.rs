//! Units: which metric measures a resource's CPU and memory demand, in what unit, and how it
//! becomes cores and GiB. Checks that values are possible (no negative usage, no percentage
//! above 100) and that a resource measured twice, in percent and in absolute units, agrees
//! with itself.
//!
//! | metric | unit | demand |
//! |---|---|---|
//! | `cpu_cores`, `cpu_cores_used`, `cpu_usage_cores` | cores | as is |
//! | `cpu_millicores` | mCPU | / 1000 |
//! | `cpu_utilization`, `cpu_percent` | percent of the current vCPU | x vCPU / 100 |
//! | `memory_working_set_bytes`, `memory_used_bytes`, `memory_usage_bytes` | bytes | / 2^30 GiB |
//! | `memory_utilization`, `mem_used_percent` | percent of the current memory | x GiB / 100 |
//! | `memory_available_bytes` | bytes free | current GiB - bytes / 2^30 |
//!
//! An absolute metric is preferred over a percentage. When both are present and the current
//! size is known, the absolute mean must lie between 1/8 and 2 times the percentage's mean x
//! size / 100, else the resource is rejected as having mixed units (a percentage given as a
//! fraction, cores given as millicores, bytes as KiB, ...). The range is wider below because a
//! percentage is of the capacity at its time, which may have been smaller than the current
//! size (a VM whose memory was resized, as in the Bitbrains trace).

use super::input::{MetricSlice, ResourceSlices};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// The unit of a demand metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Percent,
    Cores,
    Millicores,
    Bytes,
    AvailableBytes,
}

const CPU_METRICS: [(&str, Unit); 6] = [
    ("cpu_cores", Unit::Cores),
    ("cpu_cores_used", Unit::Cores),
    ("cpu_usage_cores", Unit::Cores),
    ("cpu_millicores", Unit::Millicores),
    ("cpu_utilization", Unit::Percent),
    ("cpu_percent", Unit::Percent),
];

const MEMORY_METRICS: [(&str, Unit); 6] = [
    ("memory_working_set_bytes", Unit::Bytes),
    ("memory_used_bytes", Unit::Bytes),
    ("memory_usage_bytes", Unit::Bytes),
    ("memory_available_bytes", Unit::AvailableBytes),
    ("memory_utilization", Unit::Percent),
    ("mem_used_percent", Unit::Percent),
];

/// One resource's demand for CPU (in cores) or memory (in GiB): `offset + scale x raw`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Demand<'a> {
    /// The metric it comes from.
    pub metric: &'a str,
    /// Sample times, µs since the epoch, ascending.
    pub ts: &'a [i64],
    raw: &'a [f64],
    scale: f64,
    offset: f64,
}

impl Demand<'_> {
    /// Writes the demand of samples `start..` into `out` (cleared first).
    pub fn fill(&self, start: usize, out: &mut Vec<f64>) {
        out.clear();
        let (scale, offset) = (self.scale, self.offset);
        out.extend(self.raw[start..].iter().map(|&v| offset + scale * v));
    }
}

/// Why a resource's demand cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    /// Impossible values (negative, percentages above 100).
    Invalid(String),
    /// Two metrics for one quantity that disagree.
    Mixed(String),
    /// A percentage without the size it is a percentage of.
    NoCapacity(String),
}

impl Problem {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Problem::Invalid(m) | Problem::Mixed(m) | Problem::NoCapacity(m) => m,
        }
    }
}

fn when(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// Checks a metric's values: none negative or not finite, and for percentages none above 100.
fn validate(slice: &MetricSlice<'_>, unit: Unit) -> Result<(), Problem> {
    let upper = if unit == Unit::Percent {
        100.0
    } else {
        f64::INFINITY
    };
    let mut bad = 0usize;
    let mut first: Option<(f64, i64)> = None;
    for (&v, &t) in slice.values.iter().zip(slice.ts) {
        if !(0.0..=upper).contains(&v) {
            bad += 1;
            first.get_or_insert((v, t));
        }
    }
    match first {
        None => Ok(()),
        Some((v, t)) => {
            let range = if unit == Unit::Percent {
                "0-100 %"
            } else {
                "0 or more"
            };
            Err(Problem::Invalid(format!(
                "{bad} of {} values of '{}' are outside {range} (first: {v} at {})",
                slice.values.len(),
                slice.metric,
                when(t)
            )))
        }
    }
}

/// The smallest accepted ratio of an absolute metric's mean to a percentage's mean x size.
const MIXED_BELOW: f64 = 0.125;
/// The largest accepted ratio of an absolute metric's mean to a percentage's mean x size.
const MIXED_ABOVE: f64 = 2.0;

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// Finds, checks and converts one quantity's demand. `capacity` is the current vCPU (for CPU)
/// or GiB (for memory); `per_unit` converts an absolute metric to cores or GiB.
fn resolve<'a>(
    resource: &ResourceSlices<'a>,
    table: &[(&str, Unit)],
    capacity: Option<f64>,
    quantity: &str,
) -> Result<Option<Demand<'a>>, Problem> {
    let found: Vec<(MetricSlice<'a>, Unit)> = table
        .iter()
        .filter_map(|(name, unit)| resource.get(name).map(|s| (s, *unit)))
        .collect();
    let absolute = found.iter().find(|(_, u)| *u != Unit::Percent).copied();
    let percent = found.iter().find(|(_, u)| *u == Unit::Percent).copied();
    let to_demand = |(slice, unit): (MetricSlice<'a>, Unit)| -> Option<Demand<'a>> {
        let (scale, offset) = match unit {
            Unit::Cores => (1.0, 0.0),
            Unit::Millicores => (1e-3, 0.0),
            Unit::Bytes => (1.0 / GIB, 0.0),
            Unit::AvailableBytes => (-1.0 / GIB, capacity?),
            Unit::Percent => (capacity? / 100.0, 0.0),
        };
        Some(Demand {
            metric: slice.metric,
            ts: slice.ts,
            raw: slice.values,
            scale,
            offset,
        })
    };
    if let Some(a) = absolute {
        validate(&a.0, a.1)?;
    }
    if let Some(p) = percent {
        validate(&p.0, p.1)?;
    }
    match (absolute, percent) {
        (Some(a), Some(p)) => {
            let Some(abs) = to_demand(a) else {
                return Err(Problem::NoCapacity(format!(
                    "'{}' is the memory available, but the resource's memory size is unknown",
                    a.0.metric
                )));
            };
            if let Some(pct) = to_demand(p) {
                let mut buf = Vec::new();
                abs.fill(0, &mut buf);
                let ma = mean(&buf);
                pct.fill(0, &mut buf);
                let mp = mean(&buf);
                let small = 1e-6 * capacity.unwrap_or(1.0);
                // A percentage is of the capacity at its time, at most the current (largest)
                // size, so a capacity that changed over time (Bitbrains records it per row)
                // makes `mp` overstate usage: the absolute mean may fall to 1/8 of it. Unit
                // mistakes are factors of 8 (bits), 100 (fractions), 1000 or 1024.
                if ma > small && mp > small && !(MIXED_BELOW..=MIXED_ABOVE).contains(&(ma / mp)) {
                    return Err(Problem::Mixed(format!(
                        "mixed units for {quantity}: mean '{}' is {ma:.4} {} but mean '{}' x size / 100 is {mp:.4}; \
                         give {quantity} in one unit",
                        a.0.metric,
                        if quantity == "cpu" { "cores" } else { "GiB" },
                        p.0.metric
                    )));
                }
            }
            Ok(Some(abs))
        }
        (Some(a), None) => to_demand(a).map(Some).ok_or_else(|| {
            Problem::NoCapacity(format!(
                "'{}' is the memory available, but the resource's memory size is unknown",
                a.0.metric
            ))
        }),
        (None, Some(p)) => to_demand(p).map(Some).ok_or_else(|| {
            Problem::NoCapacity(format!(
                "'{}' is a percentage, but the resource's current {} is unknown (no size in the resources frame, no catalog instance)",
                p.0.metric,
                if quantity == "cpu" { "vCPU" } else { "memory" }
            ))
        }),
        (None, None) => Ok(None),
    }
}

/// The CPU demand in cores, if a CPU metric is present.
pub(crate) fn cpu_demand<'a>(
    resource: &ResourceSlices<'a>,
    vcpu: Option<f64>,
) -> Result<Option<Demand<'a>>, Problem> {
    resolve(resource, &CPU_METRICS, vcpu, "cpu")
}

/// The memory demand in GiB, if a memory metric is present.
pub(crate) fn memory_demand<'a>(
    resource: &ResourceSlices<'a>,
    memory_gib: Option<f64>,
) -> Result<Option<Demand<'a>>, Problem> {
    resolve(resource, &MEMORY_METRICS, memory_gib, "memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res<'a>(metrics: Vec<MetricSlice<'a>>) -> ResourceSlices<'a> {
        ResourceSlices { id: "r", metrics }
    }

    #[test]
    fn percent_becomes_cores_and_absolute_wins() {
        let ts = [0, 1];
        let pct = [50.0, 100.0];
        let cores = [2.0, 4.0];
        let r = res(vec![
            MetricSlice {
                metric: "cpu_cores",
                ts: &ts,
                values: &cores,
            },
            MetricSlice {
                metric: "cpu_utilization",
                ts: &ts,
                values: &pct,
            },
        ]);
        let d = cpu_demand(&r, Some(4.0)).unwrap().unwrap();
        assert_eq!(d.metric, "cpu_cores");
        let r = res(vec![MetricSlice {
            metric: "cpu_utilization",
            ts: &ts,
            values: &pct,
        }]);
        let d = cpu_demand(&r, Some(4.0)).unwrap().unwrap();
        let mut out = Vec::new();
        d.fill(0, &mut out);
        assert_eq!(out, vec![2.0, 4.0]);
        assert!(matches!(cpu_demand(&r, None), Err(Problem::NoCapacity(_))));
    }

    #[test]
    fn impossible_values_and_mixed_units_are_named() {
        let ts = [0, 1];
        let r = res(vec![MetricSlice {
            metric: "cpu_utilization",
            ts: &ts,
            values: &[50.0, 180.0],
        }]);
        let Err(Problem::Invalid(m)) = cpu_demand(&r, Some(2.0)) else {
            panic!()
        };
        assert!(
            m.contains("1 of 2 values of 'cpu_utilization'") && m.contains("180"),
            "{m}"
        );
        let r = res(vec![MetricSlice {
            metric: "memory_used_bytes",
            ts: &ts,
            values: &[-1.0, 2.0],
        }]);
        assert!(matches!(memory_demand(&r, None), Err(Problem::Invalid(_))));
        // 50 % of 4 vCPU is 2 cores, but the cores metric says 2000 (millicores given as cores).
        let r = res(vec![
            MetricSlice {
                metric: "cpu_cores",
                ts: &ts,
                values: &[2000.0, 2000.0],
            },
            MetricSlice {
                metric: "cpu_utilization",
                ts: &ts,
                values: &[50.0, 50.0],
            },
        ]);
        let Err(Problem::Mixed(m)) = cpu_demand(&r, Some(4.0)) else {
            panic!()
        };
        assert!(m.contains("mixed units for cpu"), "{m}");

        // Memory of 1 GiB for the first 3 samples and 4 GiB (the size) for the last: 0.5 GiB
        // used throughout is 50 % then 12.5 %; mean % x 4 GiB / 100 = 1.625 GiB, 3.25 x the
        // absolute mean. A capacity that changed, not mixed units (Bitbrains VM 4, 2013-7).
        let ts4 = [0, 300_000_000, 600_000_000, 900_000_000];
        let r = res(vec![
            MetricSlice {
                metric: "memory_used_bytes",
                ts: &ts4,
                values: &[0.5 * GIB; 4],
            },
            MetricSlice {
                metric: "memory_utilization",
                ts: &ts4,
                values: &[50.0, 50.0, 50.0, 12.5],
            },
        ]);
        let d = memory_demand(&r, Some(4.0)).unwrap().unwrap();
        assert_eq!(d.metric, "memory_used_bytes");
        // KiB given as bytes (1024 x too small) is still mixed units.
        let r = res(vec![
            MetricSlice {
                metric: "memory_used_bytes",
                ts: &ts4,
                values: &[0.5 * 1024.0 * 1024.0; 4],
            },
            MetricSlice {
                metric: "memory_utilization",
                ts: &ts4,
                values: &[12.5; 4],
            },
        ]);
        assert!(matches!(
            memory_demand(&r, Some(4.0)),
            Err(Problem::Mixed(_))
        ));
    }
}
