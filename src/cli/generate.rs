//! `capcast generate`: write the seeded sample dataset.

use std::path::PathBuf;

use capcast::generate::{write_large_focus_csv, write_sample, SampleOptions};
use capcast::Result;

/// Arguments of `capcast generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder (gets `billing/` and `utilization/`), or with `--large-bytes` the CSV file.
    #[arg(long, default_value = "data/sample")]
    out: PathBuf,
    /// Random seed; the same seed writes byte-identical files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Months of hourly data.
    #[arg(long, default_value_t = 4)]
    months: u32,
    /// Instead of the sample, stream one large FOCUS 1.2 CSV of about this many bytes to `--out`
    /// (for benchmarks), e.g. 1000000000.
    #[arg(long)]
    large_bytes: Option<u64>,
}

/// Runs `capcast generate`.
pub fn run(args: Args) -> Result<()> {
    let summary = match args.large_bytes {
        Some(bytes) => write_large_focus_csv(&args.out, bytes, args.seed)?,
        None => {
            let options = SampleOptions {
                seed: args.seed,
                months: args.months,
                ..SampleOptions::default()
            };
            write_sample(&args.out, &options)?
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&summary).unwrap_or_default()
    );
    Ok(())
}
