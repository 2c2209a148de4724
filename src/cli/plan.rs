//! `capcast plan`: the planning report. Loads billing (and utilization) data — the bundled
//! sample by default — forecasts, checks the budget, rightsizes, chooses commitments and plans
//! capacity, and writes `report.html` with every chart (SVG, PNG) and table (CSV, JSON).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use capcast::ingest::BillingOptions;
use capcast::plan::report::{plan_with_progress, Budget, PlanParams, STEPS};
use capcast::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::paths::{sample_dir, LoadFlags};

/// Arguments of `capcast plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Billing files or folders; default: the bundled sample (`data/sample/billing`).
    paths: Vec<PathBuf>,
    /// Utilization files or folders (repeatable); default with no billing paths: the bundled
    /// fleet (`data/sample/utilization/fleet.csv`).
    #[arg(long)]
    utilization: Vec<PathBuf>,
    /// Monthly budget: `12000`, `"12000 USD"` or `$12,000` (default: last full month's spend,
    /// stated as an assumption in the report).
    #[arg(long, conflicts_with = "budget_file")]
    budget: Option<String>,
    /// Monthly budgets from a CSV with columns month (YYYY-MM), amount and optionally currency.
    #[arg(long)]
    budget_file: Option<PathBuf>,
    /// Days to forecast (1 to 730).
    #[arg(long, default_value_t = 30)]
    horizon_days: usize,
    /// Forecast sample paths (budget probabilities and interval of totals).
    #[arg(long, default_value_t = 200)]
    paths_count: usize,
    /// Seed of the sample paths.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Group capacity by this column of the utilization data (`service`, `namespace`, a label
    /// column, ...) or this billing tag key (`team`; ResourceId -> Tags), or `instance_type`.
    /// Default: a group-like utilization column, else the well-known tag covering most of the
    /// fleet, else the instance type (stated in the report's settings).
    #[arg(long, value_name = "KEY")]
    group_by: Option<String>,
    /// Request series for the SLO section: a CSV with `timestamp` and either `total` with
    /// `errors` (or `good`), or `error_rate` (0 to 1). Default with no billing paths: the
    /// bundled `data/sample/slo/requests.csv`.
    #[arg(long, value_name = "PATH")]
    slo: Option<PathBuf>,
    /// SLO target, e.g. 0.999 for 99.9 % of requests succeeding.
    #[arg(long, value_name = "TARGET")]
    slo_target: Option<f64>,
    /// The folder to write into (created if missing).
    #[arg(long, short, default_value = "report")]
    out: PathBuf,
    #[command(flatten)]
    flags: LoadFlags,
}

/// Runs `capcast plan`.
pub fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let mut params = if args.paths.is_empty() {
        let mut p = PlanParams::bundled();
        if !args.utilization.is_empty() {
            p = p.utilization(&args.utilization);
        }
        let billing = sample_dir().join("billing");
        if !billing.exists() {
            return Err(Error::NotFound { path: billing });
        }
        p
    } else {
        PlanParams::new(&args.paths).utilization(&args.utilization)
    };
    params = params
        .horizon_days(args.horizon_days)
        .paths(args.paths_count)
        .seed(args.seed)
        .load_options(BillingOptions {
            progress: false,
            ..args.flags.options()
        });
    if let Some(key) = &args.group_by {
        params = params.group_by(key.clone());
    }
    if let Some(path) = &args.slo {
        params = params.slo(path);
    }
    if let Some(target) = args.slo_target {
        params = params.slo_target(target);
    }
    if let Some(text) = &args.budget {
        params = params.budget(Budget::parse(text)?);
    }
    if let Some(path) = &args.budget_file {
        params = params.budget(Budget::from_csv(path)?);
    }

    let bar = ProgressBar::new(STEPS.len() as u64 + 1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed}] {bar:24} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let report = plan_with_progress(&params, &mut |step, message| {
        bar.set_position(step as u64);
        bar.set_message(message.to_string());
    });
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            bar.finish_and_clear();
            return Err(e);
        }
    };
    bar.set_position(STEPS.len() as u64);
    bar.set_message("writing the report");
    let written = report.write(&args.out);
    bar.finish_and_clear();
    let written = written?;

    println!("{}: {}", report.title, report.subtitle);
    for s in &report.sections {
        match &s.status {
            capcast::plan::report::Status::Ready => {
                let lead = s
                    .figures
                    .first()
                    .map(|f| format!("{} {}", f.label.to_lowercase(), f.value))
                    .unwrap_or_default();
                println!("  {:<28} {lead}", s.title);
            }
            capcast::plan::report::Status::Unavailable(why) => {
                println!("  {:<28} {why}", s.title)
            }
        }
    }
    let charts = report.charts().count();
    let tables = report.tables().count();
    println!(
        "wrote {} ({charts} charts as SVG and PNG, {tables} tables as CSV and JSON; {} files) in {:.1} s",
        args.out.join("report.html").display(),
        written.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
