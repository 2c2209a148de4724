//! The EC2 fleet of the sample: which instances exist, when each runs (an autoscaled web tier
//! follows the traffic), and their hourly or sub-hourly CPU and memory utilization.
//!
//! The fleet has every case a rightsizing tool must see: a web tier whose CPU follows the daily
//! and weekly traffic, an always-hot search indexer, over-provisioned workers and a staging box,
//! an idle legacy instance, and burst instances that run only at peak (so compute cost has the
//! same cycles as the traffic).

use std::f64::consts::PI;
use std::io::Write;
use std::path::Path;

use polars::prelude::*;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::calendar::{Window, HOUR};
use super::catalog::{
    hex, instance_type, stream, InstanceType, DATA, EU_WEST_1, PAYMENTS, SEARCH, SHARED, US_EAST_1,
    US_WEST_2,
};
use crate::error::{Error, Result};

/// What an instance does, which decides its utilization pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Autoscaled web tier: CPU follows traffic divided by the running instances.
    Web,
    /// Kubernetes node: moderate CPU with the traffic.
    Node,
    /// Search API: CPU follows traffic.
    Search,
    /// The hot instance: CPU near saturation all the time.
    Hot,
    /// Over-provisioned batch worker: low CPU except a nightly batch.
    Worker,
    /// The idle instance: under 2 % CPU.
    Idle,
    /// A bastion host: almost idle.
    Bastion,
    /// Over-provisioned staging box running office hours.
    Staging,
}

/// When an instance runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Schedule {
    /// Every hour.
    Always,
    /// When the traffic exceeds this level (autoscaling).
    Burst(f64),
    /// Weekdays 07:00-19:00 UTC.
    OfficeHours,
}

struct Spec {
    name: &'static str,
    account: usize,
    region: usize,
    zone: char,
    itype: &'static str,
    role: Role,
    schedule: Schedule,
    tags: Option<&'static str>,
}

const PAYMENTS_TAGS: Option<&str> =
    Some(r#"{"team":"payments","env":"prod","service":"checkout"}"#);
const PLATFORM_TAGS: Option<&str> = Some(r#"{"team":"platform","env":"prod","service":"eks"}"#);
const SEARCH_TAGS: Option<&str> = Some(r#"{"team":"search","env":"prod"}"#);
const DATA_TAGS: Option<&str> = Some(r#"{"team":"data","env":"prod"}"#);

const FLEET: [Spec; 15] = [
    Spec {
        name: "payments-web-1",
        account: PAYMENTS,
        region: US_EAST_1,
        zone: 'a',
        itype: "m5.xlarge",
        role: Role::Web,
        schedule: Schedule::Always,
        tags: PAYMENTS_TAGS,
    },
    Spec {
        name: "payments-web-2",
        account: PAYMENTS,
        region: US_EAST_1,
        zone: 'b',
        itype: "m5.xlarge",
        role: Role::Web,
        schedule: Schedule::Always,
        tags: PAYMENTS_TAGS,
    },
    Spec {
        name: "payments-web-3",
        account: PAYMENTS,
        region: US_EAST_1,
        zone: 'c',
        itype: "m5.xlarge",
        role: Role::Web,
        schedule: Schedule::Burst(1.0),
        tags: PAYMENTS_TAGS,
    },
    Spec {
        name: "payments-web-4",
        account: PAYMENTS,
        region: US_EAST_1,
        zone: 'a',
        itype: "m5.xlarge",
        role: Role::Web,
        schedule: Schedule::Burst(1.15),
        tags: PAYMENTS_TAGS,
    },
    Spec {
        name: "payments-web-5",
        account: PAYMENTS,
        region: US_EAST_1,
        zone: 'b',
        itype: "m5.xlarge",
        role: Role::Web,
        schedule: Schedule::Burst(1.3),
        tags: PAYMENTS_TAGS,
    },
    Spec {
        name: "platform-eks-node-1",
        account: SHARED,
        region: US_EAST_1,
        zone: 'a',
        itype: "m5.xlarge",
        role: Role::Node,
        schedule: Schedule::Always,
        tags: PLATFORM_TAGS,
    },
    Spec {
        name: "platform-eks-node-2",
        account: SHARED,
        region: US_EAST_1,
        zone: 'b',
        itype: "m5.xlarge",
        role: Role::Node,
        schedule: Schedule::Always,
        tags: PLATFORM_TAGS,
    },
    Spec {
        name: "search-api-1",
        account: SEARCH,
        region: EU_WEST_1,
        zone: 'a',
        itype: "c5.2xlarge",
        role: Role::Search,
        schedule: Schedule::Always,
        tags: SEARCH_TAGS,
    },
    Spec {
        name: "search-api-2",
        account: SEARCH,
        region: EU_WEST_1,
        zone: 'c',
        itype: "c5.2xlarge",
        role: Role::Search,
        schedule: Schedule::Always,
        tags: SEARCH_TAGS,
    },
    Spec {
        name: "search-indexer-1",
        account: SEARCH,
        region: EU_WEST_1,
        zone: 'b',
        itype: "c5.2xlarge",
        role: Role::Hot,
        schedule: Schedule::Always,
        tags: SEARCH_TAGS,
    },
    Spec {
        name: "data-worker-1",
        account: DATA,
        region: US_EAST_1,
        zone: 'c',
        itype: "r5.2xlarge",
        role: Role::Worker,
        schedule: Schedule::Always,
        tags: DATA_TAGS,
    },
    Spec {
        name: "data-worker-2",
        account: DATA,
        region: US_EAST_1,
        zone: 'a',
        itype: "r5.2xlarge",
        role: Role::Worker,
        schedule: Schedule::Always,
        tags: DATA_TAGS,
    },
    Spec {
        name: "legacy-reporting",
        account: DATA,
        region: US_EAST_1,
        zone: 'a',
        itype: "r5.large",
        role: Role::Idle,
        schedule: Schedule::Always,
        tags: None,
    },
    Spec {
        name: "bastion",
        account: SHARED,
        region: US_EAST_1,
        zone: 'a',
        itype: "t3.medium",
        role: Role::Bastion,
        schedule: Schedule::Always,
        tags: None,
    },
    Spec {
        name: "payments-staging-1",
        account: PAYMENTS,
        region: US_WEST_2,
        zone: 'a',
        itype: "m5.large",
        role: Role::Staging,
        schedule: Schedule::OfficeHours,
        tags: Some(r#"{"team":"payments","env":"staging"}"#),
    },
];

/// One EC2 instance of the sample.
pub(crate) struct Instance {
    /// `i-0` and 16 hex digits.
    pub resource_id: String,
    /// The Name tag.
    pub name: &'static str,
    /// Index into the sub-accounts.
    pub account: usize,
    /// Index into the regions.
    pub region: usize,
    /// Availability zone, e.g. `us-east-1a`.
    pub zone: String,
    /// Size and price.
    pub itype: &'static InstanceType,
    /// Utilization pattern.
    pub role: Role,
    /// Tags JSON, or none (untagged).
    pub tags: Option<&'static str>,
    /// Whether it runs, per hour of the window.
    pub running: Vec<bool>,
}

/// The fleet and the traffic that drives it, hour by hour.
pub(crate) struct Fleet {
    /// The instances, in a fixed order.
    pub instances: Vec<Instance>,
    /// Traffic level per hour (1.0 = a weekday's mean at the start).
    pub traffic: Vec<f64>,
}

fn normal(rng: &mut StdRng) -> f64 {
    StandardNormal.sample(rng)
}

/// Diurnal cycle: 1 +- `amplitude`, peaking at 15:00 UTC.
pub(crate) fn diurnal(hour_of_day: u32, amplitude: f64) -> f64 {
    1.0 + amplitude * (2.0 * PI * (hour_of_day as f64 - 15.0) / 24.0).cos()
}

impl Fleet {
    /// Simulates the fleet over `window`.
    pub fn simulate(seed: u64, window: &Window) -> Fleet {
        let mut rng = stream(seed, "traffic");
        let mut noise = 0.0;
        let traffic: Vec<f64> = window
            .hours
            .iter()
            .map(|facts| {
                noise = 0.7 * noise + 0.05 * 0.51_f64.sqrt() * normal(&mut rng);
                let week = if facts.weekend { 0.72 } else { 1.0 };
                (1.0 + 0.04 * facts.elapsed_months)
                    * diurnal(facts.hour_of_day, 0.35)
                    * week
                    * noise.exp()
            })
            .collect();
        let mut ids = stream(seed, "instance-ids");
        let instances = FLEET
            .iter()
            .map(|spec| {
                let running = window
                    .hours
                    .iter()
                    .zip(&traffic)
                    .map(|(facts, level)| match spec.schedule {
                        Schedule::Always => true,
                        Schedule::Burst(threshold) => *level > threshold,
                        Schedule::OfficeHours => {
                            !facts.weekend && (7..19).contains(&facts.hour_of_day)
                        }
                    })
                    .collect();
                Instance {
                    resource_id: format!("i-0{}", hex(&mut ids, 16)),
                    name: spec.name,
                    account: spec.account,
                    region: spec.region,
                    zone: format!("{}{}", super::catalog::REGIONS[spec.region].id, spec.zone),
                    itype: instance_type(spec.itype),
                    role: spec.role,
                    tags: spec.tags,
                    running,
                }
            })
            .collect();
        Fleet { instances, traffic }
    }
}

/// One utilization sample.
pub(crate) struct Sample {
    /// Unix seconds.
    pub secs: i64,
    /// Index into the fleet.
    pub instance: usize,
    /// `true` for memory, `false` for CPU.
    pub memory: bool,
    /// Percent, two decimals.
    pub value: f64,
}

/// The hourly mean CPU and memory percent of `role` and their sub-hour spread.
fn hourly(role: Role, traffic: f64, web_running: usize, hour: u32, rng: &mut StdRng) -> [f64; 4] {
    let batch = (1..5).contains(&hour);
    let (cpu, mem, cpu_sd) = match role {
        Role::Web => (
            100.0 * 0.55 * traffic * 2.0 / web_running.max(1) as f64 + 3.0 * normal(rng),
            52.0 + 8.0 * (traffic - 1.0) + 1.5 * normal(rng),
            4.0,
        ),
        Role::Node => (
            18.0 + 20.0 * traffic + 3.0 * normal(rng),
            66.0 + 4.0 * traffic + 2.0 * normal(rng),
            5.0,
        ),
        Role::Search => (
            25.0 + 22.0 * traffic + 4.0 * normal(rng),
            71.0 + 1.5 * normal(rng),
            5.0,
        ),
        Role::Hot => (
            (84.0 + 8.0 * traffic + 2.0 * normal(rng)).min(99.5),
            86.0 + 3.0 * traffic + normal(rng),
            2.0,
        ),
        Role::Worker => (
            5.0 + if batch { 14.0 } else { 0.0 } + 1.5 * normal(rng),
            24.0 + if batch { 10.0 } else { 0.0 } + 1.5 * normal(rng),
            2.0,
        ),
        Role::Idle => (0.4 + 0.25 * normal(rng).abs(), 6.5 + 0.3 * normal(rng), 0.1),
        Role::Bastion => (1.2 + 0.6 * normal(rng).abs(), 17.0 + normal(rng), 0.5),
        Role::Staging => (3.0 + 2.0 * traffic + normal(rng), 22.0 + normal(rng), 1.0),
    };
    [cpu, mem, cpu_sd, 0.5]
}

fn percent(x: f64) -> f64 {
    (x.clamp(0.05, 100.0) * 100.0).round() / 100.0
}

/// The utilization samples of the fleet every `interval_minutes`, ordered by time, instance,
/// then metric (CPU first). Instances have samples only while they run.
pub(crate) fn samples(
    seed: u64,
    window: &Window,
    fleet: &Fleet,
    interval_minutes: u32,
) -> Vec<Sample> {
    let steps = (60 / interval_minutes.max(1)).max(1) as i64;
    let step_secs = HOUR / steps;
    let mut rngs: Vec<StdRng> = fleet
        .instances
        .iter()
        .map(|i| stream(seed, &format!("utilization/{}", i.name)))
        .collect();
    let mut out = Vec::new();
    for (h, facts) in window.hours.iter().enumerate() {
        let web_running = fleet
            .instances
            .iter()
            .filter(|i| i.role == Role::Web && i.running[h])
            .count();
        let means: Vec<Option<[f64; 4]>> = fleet
            .instances
            .iter()
            .zip(rngs.iter_mut())
            .map(|(instance, rng)| {
                instance.running[h].then(|| {
                    hourly(
                        instance.role,
                        fleet.traffic[h],
                        web_running,
                        facts.hour_of_day,
                        rng,
                    )
                })
            })
            .collect();
        for step in 0..steps {
            let secs = window.hour_start(h) + step * step_secs;
            for (index, mean) in means.iter().enumerate() {
                let Some([cpu, mem, cpu_sd, mem_sd]) = *mean else {
                    continue;
                };
                let (cpu, mem) = if steps == 1 {
                    (cpu, mem)
                } else {
                    let rng = &mut rngs[index];
                    (cpu + cpu_sd * normal(rng), mem + mem_sd * normal(rng))
                };
                out.push(Sample {
                    secs,
                    instance: index,
                    memory: false,
                    value: percent(cpu),
                });
                out.push(Sample {
                    secs,
                    instance: index,
                    memory: true,
                    value: percent(mem),
                });
            }
        }
    }
    out
}

/// Metric names of the long utilization table.
pub(crate) fn metric_name(memory: bool) -> &'static str {
    if memory {
        "memory_utilization"
    } else {
        "cpu_utilization"
    }
}

/// The long utilization frame: `timestamp` (UTC datetime), `resource_id`, `metric`, `value`
/// (percent), `vcpu` (Int64), `memory_gib` (Float64), `instance_type`.
pub(crate) fn frame(fleet: &Fleet, samples: &[Sample]) -> Result<DataFrame> {
    let n = samples.len();
    let timestamp = Int64Chunked::from_iter_options(
        "timestamp".into(),
        samples.iter().map(|s| Some(s.secs * 1_000_000)),
    )
    .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    .into_column();
    let instance = |s: &Sample| &fleet.instances[s.instance];
    let columns = vec![
        timestamp,
        Column::new(
            "resource_id".into(),
            samples
                .iter()
                .map(|s| instance(s).resource_id.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "metric".into(),
            samples
                .iter()
                .map(|s| metric_name(s.memory))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "value".into(),
            samples.iter().map(|s| s.value).collect::<Vec<_>>(),
        ),
        Column::new(
            "vcpu".into(),
            samples
                .iter()
                .map(|s| instance(s).itype.vcpu as i64)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "memory_gib".into(),
            samples
                .iter()
                .map(|s| instance(s).itype.memory_gib)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "instance_type".into(),
            samples
                .iter()
                .map(|s| instance(s).itype.name)
                .collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// Writes the long CSV `timestamp,resource_id,metric,value,vcpu,memory_gib,instance_type`.
pub(crate) fn write_csv(
    path: &Path,
    window: &Window,
    fleet: &Fleet,
    samples: &[Sample],
) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = std::io::BufWriter::new(file);
    let mut write = || -> std::io::Result<()> {
        writeln!(
            out,
            "timestamp,resource_id,metric,value,vcpu,memory_gib,instance_type"
        )?;
        for s in samples {
            let instance = &fleet.instances[s.instance];
            writeln!(
                out,
                "{},{},{},{:.2},{},{},{}",
                window.iso(s.secs),
                instance.resource_id,
                metric_name(s.memory),
                s.value,
                instance.itype.vcpu,
                instance.itype.memory_gib,
                instance.itype.name
            )?;
        }
        out.flush()
    };
    write().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::SampleOptions;

    fn mean_cpu(fleet: &Fleet, samples: &[Sample], name: &str) -> f64 {
        let index = fleet.instances.iter().position(|i| i.name == name).unwrap();
        let values: Vec<f64> = samples
            .iter()
            .filter(|s| s.instance == index && !s.memory)
            .map(|s| s.value)
            .collect();
        values.iter().sum::<f64>() / values.len() as f64
    }

    #[test]
    fn roles_show_in_the_utilization() {
        let options = SampleOptions::default();
        let window = Window::new(&options);
        let fleet = Fleet::simulate(options.seed, &window);
        let samples = samples(options.seed, &window, &fleet, 60);
        assert!(mean_cpu(&fleet, &samples, "legacy-reporting") < 2.0);
        assert!(mean_cpu(&fleet, &samples, "search-indexer-1") > 85.0);
        assert!(mean_cpu(&fleet, &samples, "data-worker-1") < 15.0);
        assert!(mean_cpu(&fleet, &samples, "payments-staging-1") < 10.0);
        let web = mean_cpu(&fleet, &samples, "payments-web-1");
        assert!((25.0..60.0).contains(&web), "{web}");
    }

    #[test]
    fn bursts_follow_the_traffic() {
        let options = SampleOptions::default();
        let window = Window::new(&options);
        let fleet = Fleet::simulate(options.seed, &window);
        let hours = |name: &str| {
            fleet
                .instances
                .iter()
                .find(|i| i.name == name)
                .unwrap()
                .running
                .iter()
                .filter(|r| **r)
                .count()
        };
        let total = window.hours.len();
        assert_eq!(hours("payments-web-1"), total);
        let (b3, b4, b5) = (
            hours("payments-web-3"),
            hours("payments-web-4"),
            hours("payments-web-5"),
        );
        assert!(b3 > b4 && b4 > b5 && b5 > 0, "{b3} {b4} {b5}");
        assert!(b3 < total / 2);
        // Bursts run in the afternoon, not at night.
        let web3 = &fleet.instances[2];
        let night = (0..total)
            .filter(|h| window.hours[*h].hour_of_day == 3 && web3.running[*h])
            .count();
        assert_eq!(night, 0);
    }

    #[test]
    fn sub_hour_samples() {
        let options = SampleOptions {
            months: 1,
            ..SampleOptions::default()
        };
        let window = Window::new(&options);
        let fleet = Fleet::simulate(options.seed, &window);
        let hourly = samples(options.seed, &window, &fleet, 60);
        let five = samples(options.seed, &window, &fleet, 5);
        assert_eq!(five.len(), hourly.len() * 12);
        assert_eq!(five[2].secs, five[0].secs);
        let later = five.iter().find(|s| s.secs != five[0].secs).unwrap();
        assert_eq!(later.secs - five[0].secs, 300);
    }
}
