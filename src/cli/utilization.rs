//! `capcast utilization`: load utilization exports into one long frame and summarise it.

use std::path::PathBuf;

use capcast::ingest::write::write_frame;
use capcast::ingest::{read_utilization, UtilizationOptions};
use capcast::Result;
use polars::prelude::*;

/// Arguments of `capcast utilization`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders: CloudWatch, Prometheus, Azure Monitor JSON, Bitbrains, long CSV.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Write the long frame `resource_id, metric, ts, value` (.parquet or .csv).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write the resource metadata (vcpu, memory, instance type) (.parquet or .csv).
    #[arg(long)]
    resources_output: Option<PathBuf>,
    /// Print the load report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `capcast utilization`.
pub fn run(args: Args) -> Result<()> {
    let load = read_utilization(&args.paths, &UtilizationOptions::default())?;
    if let Some(output) = &args.output {
        write_frame(load.samples.clone().lazy(), output)?;
    }
    if let Some(output) = &args.resources_output {
        write_frame(load.resources.clone().lazy(), output)?;
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&load.report).unwrap_or_default()
        );
    } else {
        print!("{}", load.report);
        println!(
            "{} points, {} resources",
            load.samples.height(),
            load.resources.height()
        );
    }
    Ok(())
}
