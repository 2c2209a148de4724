//! `capcast catalog` run as a user would: the bundled catalog filtered, an output file with
//! every row, a loaded plain CSV, and a clear error for a file it cannot read.

use std::process::{Command, Output};

use polars::prelude::*;

fn capcast(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capcast"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn catalog_prints_filters_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gcp.csv");
    let output = capcast(&[
        "catalog",
        "--provider",
        "gcp",
        "--region",
        "us-central1",
        "--offers",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("gcp_committed_use"), "{stdout}");
    let frame = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(out))
        .unwrap()
        .finish()
        .unwrap();
    // 39 machine types in us-central1, each with a 1- and a 3-year commitment.
    assert_eq!(frame.height(), 78);
    let regions = frame
        .column("region")
        .unwrap()
        .str()
        .unwrap()
        .unique()
        .unwrap();
    assert_eq!(regions.len(), 1);
}

#[test]
fn catalog_loads_a_plain_csv_and_names_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("mine.csv");
    std::fs::write(
        &good,
        "provider,region,instance_type,vcpu,memory_gib,on_demand_hourly\nother,dc-1,vm.large,8,32,0.25\n",
    )
    .unwrap();
    let output = capcast(&["catalog", good.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("vm.large"));
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "provider,region,instance_type,vcpu,memory_gib,on_demand_hourly\nother,dc-1,vm.large,8,32,free\n",
    )
    .unwrap();
    let output = capcast(&["catalog", bad.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("row 1")
            && stderr.contains("on_demand_hourly")
            && stderr.contains("'free'"),
        "{stderr}"
    );
}
