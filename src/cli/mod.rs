//! Argument parsing and dispatch of the `capcast` command line. Each subcommand lives in its
//! own module; all of them print errors as one readable line and exit with status 1 (2 for
//! usage errors, from clap).

mod catalog;
mod forecast;
mod generate;
mod ingest;
mod paths;
mod plan;
mod rightsize;
mod series;
mod summary;
mod utilization;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// capcast: capacity planning and cloud cost forecasting.
#[derive(Debug, Parser)]
#[command(name = "capcast", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load billing data (the bundled sample by default) and print a cost summary and the load report.
    Summary(summary::Args),
    /// Load billing exports, print the load report, and optionally write FOCUS 1.2 rows.
    Ingest(ingest::Args),
    /// Aggregate billing rows into `unique_id, ds, y` time series.
    Series(series::Args),
    /// Share of cost without a tag key, by a grouping.
    TagCoverage(series::TagCoverageArgs),
    /// The biggest cost changes between two periods.
    TopMovers(series::TopMoversArgs),
    /// Load utilization exports into one long frame `resource_id, metric, ts, value`.
    Utilization(utilization::Args),
    /// Forecast every series of a `unique_id, ds, y` file, with intervals at several levels.
    Forecast(forecast::ForecastArgs),
    /// Rolling-origin backtests: accuracy and interval coverage per series and model.
    Backtest(forecast::BacktestArgs),
    /// History points outside their backtest prediction interval (cost anomalies).
    Anomalies(forecast::AnomaliesArgs),
    /// Write the seeded sample dataset (hourly FOCUS 1.2 billing and fleet utilization).
    Generate(generate::Args),
    /// Print an instance catalog (bundled, or loaded from AWS, Azure, GCP price files or CSV).
    Catalog(catalog::Args),
    /// The planning report: forecast, budget, rightsizing, commitments and capacity, written
    /// as one HTML page with every chart (SVG, PNG) and table (CSV, JSON).
    Plan(plan::Args),
    /// Recommend the cheapest safe size for every VM or container (ranked by savings).
    Rightsize(rightsize::Args),
}

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Tables print whole: every column, names and values unshortened up to 60 characters.
    for (name, value) in [
        ("POLARS_FMT_MAX_COLS", "-1"),
        ("POLARS_FMT_STR_LEN", "60"),
        ("POLARS_TABLE_WIDTH", "200"),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
    let result = match cli.command {
        Command::Summary(args) => summary::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Series(args) => series::run(args),
        Command::TagCoverage(args) => series::run_tag_coverage(args),
        Command::TopMovers(args) => series::run_top_movers(args),
        Command::Utilization(args) => utilization::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Forecast(args) => forecast::run_forecast(args),
        Command::Backtest(args) => forecast::run_backtest(args),
        Command::Anomalies(args) => forecast::run_anomalies(args),
        Command::Catalog(args) => catalog::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Rightsize(args) => rightsize::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
