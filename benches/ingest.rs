//! Ingest benchmark: load a generated ~1 GB FOCUS 1.2 CSV and aggregate daily EffectiveCost by
//! ServiceName, with capcast (full load: format detection, typing, repairs, reconciliation
//! report over every column) versus a bare polars `scan_csv().group_by().agg()` of the same
//! file (which reads only the three columns it needs) and pandas `read_csv` (the whole file,
//! as users load an export) + `groupby`, in the same run. Prints MB/s and the ratios.
//!
//! Run: `cargo bench --bench ingest` (size: `CAPCAST_BENCH_BYTES`, default 1e9; the file is
//! generated once into `target/bench-data/`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use capcast::ingest::{read_billing, BillingOptions};
use capcast::series::{aggregate, CostColumn, Frequency, GapFill, Measure, SeriesParams};
use polars::prelude::*;

fn bench_file(bytes: u64) -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench-data"));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("focus-{bytes}.csv"));
    if !path.exists() {
        eprintln!("generating {} ({bytes} bytes)...", path.display());
        let tmp = dir.join("focus-partial.csv");
        capcast::generate::write_large_focus_csv(&tmp, bytes, 7).expect("generate");
        std::fs::rename(&tmp, &path).expect("rename");
    }
    path
}

fn time<T>(label: &str, f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    eprintln!("  {label}: {secs:.2} s");
    (secs, out)
}

fn capcast_run(path: &Path) -> DataFrame {
    let billing = read_billing(&[path], &BillingOptions::default()).expect("capcast load");
    let params = SeriesParams::new()
        .dimensions(vec!["ServiceName".to_string()])
        .frequency(Frequency::Day)
        .measure(Measure::Cost(CostColumn::Effective))
        .gap_fill(GapFill::None);
    aggregate(billing.costs, &params).expect("aggregate")
}

fn polars_run(path: &Path) -> DataFrame {
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .finish()
        .expect("scan")
        .group_by([
            col("ChargePeriodStart")
                .str()
                .slice(lit(0), lit(10))
                .alias("day"),
            col("ServiceName"),
        ])
        .agg([col("EffectiveCost").sum()])
        .collect()
        .expect("polars")
}

/// Bare polars touching every column (as any full validation must): null counts of all columns.
fn polars_all_columns_run(path: &Path) -> DataFrame {
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .finish()
        .expect("scan")
        .select([all().as_expr().null_count()])
        .collect()
        .expect("polars")
}

fn pandas_run(path: &Path) -> Option<f64> {
    let script = format!(
        "import time, pandas as pd\nt=time.perf_counter()\ndf=pd.read_csv({:?}, low_memory=False)\ndf['day']=df['ChargePeriodStart'].str.slice(0,10)\nr=df.groupby(['day','ServiceName'])['EffectiveCost'].sum()\nprint(time.perf_counter()-t)",
        path.to_string_lossy()
    );
    for python in [
        concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python"),
        "python3",
    ] {
        if let Ok(out) = Command::new(python).arg("-c").arg(&script).output() {
            if out.status.success() {
                return String::from_utf8_lossy(&out.stdout).trim().parse().ok();
            }
        }
    }
    None
}

fn main() {
    let bytes: u64 = std::env::var("CAPCAST_BENCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000_000);
    let path = bench_file(bytes);
    let size_mb = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(bytes) as f64 / 1e6;
    eprintln!("ingest benchmark on {} ({size_mb:.0} MB)", path.display());
    let (t_polars, reference) = time("bare polars scan_csv + group_by", || polars_run(&path));
    let (t_all, _) = time("bare polars reading every column", || {
        polars_all_columns_run(&path)
    });
    let (t_capcast, ours) = time(
        "capcast read_billing + aggregate (day x ServiceName)",
        || capcast_run(&path),
    );
    let total_ref: f64 = reference
        .column("EffectiveCost")
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap_or(0.0);
    let total_ours: f64 = ours
        .column("y")
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap_or(0.0);
    let t_pandas = pandas_run(&path);
    println!(
        "dataset: {size_mb:.0} MB FOCUS 1.2 CSV, {} day x service groups",
        ours.height()
    );
    println!(
        "capcast: {t_capcast:.2} s ({:.0} MB/s)",
        size_mb / t_capcast
    );
    println!(
        "polars (bare scan_csv/group_by/agg): {t_polars:.2} s ({:.0} MB/s)",
        size_mb / t_polars
    );
    println!(
        "ratio capcast / bare polars: {:.2}x (goal <= 1.5x)",
        t_capcast / t_polars
    );
    println!(
        "for scale: bare polars reading every column as text: {t_all:.2} s ({:.0} MB/s); capcast checks every column, the bare aggregation reads three",
        size_mb / t_all
    );
    match t_pandas {
        Some(t) => println!(
            "pandas read_csv (whole file) + groupby: {t:.2} s ({:.0} MB/s); capcast is {:.1}x faster (goal >= 5x)",
            size_mb / t,
            t / t_capcast
        ),
        None => println!("pandas: not available (run scripts/setup.sh to install it in .venv)"),
    }
    println!(
        "totals agree: capcast {total_ours:.6} vs polars {total_ref:.6} (relative difference {:.1e})",
        (total_ours - total_ref).abs() / total_ref.abs().max(1e-12)
    );
}
