//! `capcast catalog`: print an instance catalog — the bundled one, or one loaded from the price
//! files users download (AWS offer files, Savings Plans files, Azure Retail Prices pages, GCP
//! SKU lists, plain CSV) — optionally narrowed, and write it as CSV, Parquet or JSON.

use std::path::PathBuf;

use capcast::ingest::write::write_frame;
use capcast::optimize::catalog::{load_catalogs, Catalog, CatalogFilter, Provider};
use capcast::{Error, Result};
use polars::prelude::*;

/// Arguments of `capcast catalog`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Price files or folders (format detected); default: the bundled catalog.
    paths: Vec<PathBuf>,
    /// Only this provider: aws, azure, gcp or other.
    #[arg(long)]
    provider: Option<String>,
    /// Only this region (`us-east-1`, `westeurope`, `europe-west1`).
    #[arg(long)]
    region: Option<String>,
    /// Only these families (`m6i`, `Dsv5`, `n2-standard`); repeat the flag for several.
    #[arg(long)]
    family: Vec<String>,
    /// Print (and write) the commitment offers, one row per offer, instead of the instances.
    #[arg(long)]
    offers: bool,
    /// Rows to print (the output file always has every row).
    #[arg(long, default_value_t = 40)]
    top: usize,
    /// Write the table to this file (.csv, .parquet or .json).
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Runs `capcast catalog`.
pub fn run(args: Args) -> Result<()> {
    let catalog = if args.paths.is_empty() {
        Catalog::bundled()?
    } else {
        load_catalogs(&args.paths)?
    };
    let provider = args
        .provider
        .as_deref()
        .map(|p| {
            p.parse::<Provider>()
                .map_err(|e| Error::parameter("provider", format!("'{p}': {e}")))
        })
        .transpose()?;
    let catalog = catalog.filter(&CatalogFilter {
        provider,
        region: args.region.clone(),
        families: args.family.clone(),
        ..Default::default()
    });
    let frame = if args.offers {
        catalog.offers_frame()?
    } else {
        catalog.to_frame()?
    };
    println!("{}", catalog.source);
    println!(
        "{} instances, {} offers",
        catalog.instances.len(),
        catalog
            .instances
            .iter()
            .map(|i| i.offers.len())
            .sum::<usize>()
    );
    std::env::set_var("POLARS_FMT_MAX_ROWS", args.top.to_string());
    println!("{frame}");
    if let Some(output) = &args.output {
        write_frame(frame.lazy(), output)?;
        println!("wrote {}", output.display());
    }
    Ok(())
}
