//! Where the bundled sample data lives, and shared argument helpers.

use std::path::PathBuf;

use capcast::ingest::BillingOptions;

/// The bundled sample folder: `data/sample` under the current folder when present (a checkout),
/// else the one next to the sources this binary was built from.
pub fn sample_dir() -> PathBuf {
    let local = PathBuf::from("data/sample");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample"))
}

/// The given billing paths, or the bundled sample's billing folder.
pub fn billing_or_sample(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![sample_dir().join("billing")]
    } else {
        paths
    }
}

/// Loader flags shared by the billing subcommands.
#[derive(Debug, clap::Args)]
pub struct LoadFlags {
    /// Keep going past rejected rows (they are dropped and listed in the report).
    #[arg(long)]
    pub lenient: bool,
    /// Drop repeated line items (same id and interval), keeping the first.
    #[arg(long)]
    pub dedupe: bool,
    /// Accept several billing currencies in one load.
    #[arg(long)]
    pub allow_mixed_currencies: bool,
    /// Do not reject charges outside their billing period.
    #[arg(long)]
    pub no_period_check: bool,
}

impl LoadFlags {
    /// The loader options these flags mean, with a progress bar on a terminal.
    pub fn options(&self) -> BillingOptions {
        BillingOptions {
            lenient: self.lenient,
            dedupe: self.dedupe,
            allow_mixed_currencies: self.allow_mixed_currencies,
            check_billing_period: !self.no_period_check,
            progress: true,
            ..BillingOptions::default()
        }
    }
}
