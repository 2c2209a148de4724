//! `capcast ingest`: load billing exports, print the load report (text or JSON), and write
//! the normalised FOCUS 1.2 rows as Parquet or CSV.

use std::path::PathBuf;

use capcast::ingest::{read_billing, write::write_frame};
use capcast::Result;
use polars::prelude::IntoLazy;

use super::paths::LoadFlags;

/// Arguments of `capcast ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Billing files or folders (FOCUS, AWS CUR, Azure, GCP; CSV, gzip CSV, Parquet, JSON lines).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print the load report as JSON.
    #[arg(long)]
    json: bool,
    /// Write the FOCUS 1.2 rows to this file (.parquet or .csv).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write the FOCUS 1.3 Contract Commitment rows (if any) to this file (.parquet or .csv).
    #[arg(long)]
    commitments_output: Option<PathBuf>,
    #[command(flatten)]
    flags: LoadFlags,
}

/// Runs `capcast ingest`.
pub fn run(args: Args) -> Result<()> {
    let billing = read_billing(&args.paths, &args.flags.options())?;
    if let Some(output) = &args.output {
        write_frame(billing.costs.clone(), output)?;
    }
    if let (Some(output), Some(commitments)) = (&args.commitments_output, &billing.commitments) {
        write_frame(commitments.clone().lazy(), output)?;
    }
    if args.json {
        println!("{}", billing.report.to_json());
    } else {
        print!("{}", billing.report);
        if let Some(output) = &args.output {
            println!(
                "wrote {} rows to {}",
                billing.report.rows_kept,
                output.display()
            );
        }
    }
    Ok(())
}
