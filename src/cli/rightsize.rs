//! `capcast rightsize`: recommend the cheapest safe size for every VM or container of a
//! utilization export, print a table ranked by savings, and write CSV, JSON or Parquet.

use std::path::PathBuf;

use capcast::chart::{BarChart, ValueFormat};
use capcast::ingest::{read_billing, read_utilization, BillingOptions, UtilizationOptions};
use capcast::optimize::catalog::{load_catalogs, Catalog, Provider};
use capcast::optimize::rightsize::{
    resource_demand, rightsize, write_recommendations, KubernetesMethod, MemoryStatistic, Mode,
    ResourcePrices, RightsizeInput, RightsizeParams,
};
use capcast::{Error, Result};

/// Arguments of `capcast rightsize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Utilization files or folders (CloudWatch, Prometheus, Azure Monitor, Bitbrains, long CSV).
    #[arg(long, required = true, num_args = 1..)]
    utilization: Vec<PathBuf>,
    /// Billing exports (FOCUS, CUR, Azure, GCP): effective prices, region, account, tags.
    #[arg(long, num_args = 1..)]
    billing: Vec<PathBuf>,
    /// Instance catalogs (AWS, Azure, GCP price files or plain CSV, as `capcast catalog` reads);
    /// the bundled catalog by default.
    #[arg(long, num_args = 1..)]
    catalog: Vec<PathBuf>,
    /// Use no catalog: sizes in vCPU and GiB only, no instance types or prices.
    #[arg(long, conflicts_with = "catalog")]
    no_catalog: bool,
    /// Write the recommendations (.csv, .json or .parquet).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// `vm` or `kubernetes`.
    #[arg(long, default_value = "vm")]
    mode: String,
    /// The CPU percentile that must fit (0-100].
    #[arg(long, default_value_t = 99.5)]
    cpu_percentile: f64,
    /// CPU headroom in percent.
    #[arg(long, default_value_t = 20.0)]
    cpu_headroom: f64,
    /// Memory headroom in percent.
    #[arg(long, default_value_t = 20.0)]
    memory_headroom: f64,
    /// The memory statistic: `max` or a percentile such as `p99`.
    #[arg(long, default_value = "max")]
    memory_statistic: String,
    /// Days of history before each resource's last sample.
    #[arg(long, default_value_t = 14.0)]
    lookback_days: f64,
    /// Distinct hours of CPU data required.
    #[arg(long, default_value_t = 30.0)]
    min_data_hours: f64,
    /// Only sizes of each resource's current family.
    #[arg(long)]
    same_family_only: bool,
    /// Allow burstable instance types.
    #[arg(long)]
    allow_burstable: bool,
    /// Allow another architecture than the current one (x86_64 <-> arm64).
    #[arg(long)]
    any_architecture: bool,
    /// Kubernetes method: `vpa` or `krr`.
    #[arg(long, default_value = "vpa")]
    kubernetes_method: String,
    /// Kubernetes: also recommend limits.
    #[arg(long)]
    limits: bool,
    /// Provider of resources the bill does not place (aws, azure, gcp).
    #[arg(long)]
    provider: Option<String>,
    /// Region of resources the bill does not place.
    #[arg(long)]
    region: Option<String>,
    /// Draw monthly savings by a grouping (account, service, region, finding, tag:KEY) (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
    /// The grouping of --chart.
    #[arg(long, default_value = "account")]
    group_by: String,
    /// Draw the CPU and memory distribution of this resource against its current and
    /// recommended size (to --resource-chart-output).
    #[arg(long, requires = "resource_chart_output")]
    resource_chart: Option<String>,
    /// Where --resource-chart is written (.svg or .png).
    #[arg(long, requires = "resource_chart")]
    resource_chart_output: Option<PathBuf>,
    /// Rows of the printed table.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

fn provider(name: &str) -> Result<Provider> {
    match name.trim().to_ascii_lowercase().as_str() {
        "aws" => Ok(Provider::Aws),
        "azure" => Ok(Provider::Azure),
        "gcp" | "google" => Ok(Provider::Gcp),
        "other" => Ok(Provider::Other),
        _ => Err(Error::parameter(
            "provider",
            format!("unknown provider '{name}': expected aws, azure, gcp or other"),
        )),
    }
}

/// Runs `capcast rightsize`.
pub fn run(args: Args) -> Result<()> {
    let mut params = RightsizeParams::default()
        .mode(args.mode.parse::<Mode>()?)
        .cpu_percentile(args.cpu_percentile)
        .cpu_headroom(args.cpu_headroom)
        .memory_headroom(args.memory_headroom)
        .memory_statistic(args.memory_statistic.parse::<MemoryStatistic>()?)
        .lookback_days(args.lookback_days)
        .min_data_hours(args.min_data_hours)
        .same_family_only(args.same_family_only)
        .allow_burstable(args.allow_burstable)
        .same_architecture(!args.any_architecture)
        .kubernetes_method(args.kubernetes_method.parse::<KubernetesMethod>()?)
        .kubernetes_limits(args.limits);
    if let Some(p) = &args.provider {
        params = params.default_provider(provider(p)?);
    }
    if let Some(r) = &args.region {
        params = params.default_region(r.clone());
    }
    let params = params.check()?;
    let load = read_utilization(&args.utilization, &UtilizationOptions::default())?;
    let catalog = if args.no_catalog {
        None
    } else if args.catalog.is_empty() {
        Some(Catalog::bundled()?)
    } else {
        Some(load_catalogs(&args.catalog)?)
    };
    let prices = if args.billing.is_empty() {
        None
    } else {
        let billing = read_billing(&args.billing, &BillingOptions::default())?;
        Some(ResourcePrices::from_focus(
            billing.costs,
            args.lookback_days,
        )?)
    };
    let mut input = RightsizeInput::new(&load.samples).resources(&load.resources);
    if let Some(c) = &catalog {
        input = input.catalog(c);
    }
    if let Some(p) = &prices {
        input = input.prices(p);
    }
    let result = rightsize(&input, &params)?;
    let frame = result.frame()?;
    if let Some(path) = &args.output {
        write_recommendations(&frame, path)?;
    }
    let shown: Vec<&str> = match params.get_mode() {
        Mode::Vm => vec![
            "resource_id",
            "finding",
            "current_instance_type",
            "recommended_instance_type",
            "current_vcpu",
            "recommended_vcpu",
            "current_memory_gib",
            "recommended_memory_gib",
            "monthly_savings_list",
            "monthly_savings_effective",
            "risk",
        ],
        Mode::Kubernetes => vec![
            "resource_id",
            "finding",
            "cpu_request_cores",
            "current_cpu_request_cores",
            "memory_request_bytes",
            "current_memory_request_bytes",
            "memory_limit_bytes",
            "risk_cpu",
            "risk_memory",
        ],
    };
    let table = frame.select(shown)?.head(Some(args.top));
    println!("{table}");
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for r in result.recommendations() {
        *counts
            .entry(r.finding.map_or("none", |f| f.name()).to_string())
            .or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    println!("{} resources: {}", frame.height(), counts.join(", "));
    let (list, effective) = result.total_savings();
    if params.get_mode() == Mode::Vm && (list != 0.0 || effective != 0.0) {
        println!("monthly savings: {list:.2} at list price, {effective:.2} at effective price (list where the bill has none)");
    }
    if let Some(path) = &args.chart {
        let bars = result.savings_by(&args.group_by)?;
        if bars.is_empty() {
            return Err(Error::parameter(
                "chart",
                "no priced recommendation to chart: give --catalog (and --billing for effective prices)",
            ));
        }
        BarChart::new(bars)
            .title(format!("Monthly savings by {}", args.group_by))
            .value_format(ValueFormat::currency("$"))
            .save(path)?;
    }
    if let (Some(id), Some(path)) = (&args.resource_chart, &args.resource_chart_output) {
        resource_demand(&input, &params, id)?.chart()?.save(path)?;
        println!("distribution of {id} written to {}", path.display());
    }
    Ok(())
}
