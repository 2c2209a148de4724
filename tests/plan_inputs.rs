//! `capcast plan` given bad input, as a user would: each case exits with a clear message naming
//! what is wrong and what was expected, never a panic, and writes no half report.

use std::path::Path;
use std::process::{Command, Output};

fn plan(args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_capcast"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("plan")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Fails with a message containing every one of `needles`, without a panic, and leaves no
/// report behind.
fn fails_with(output: &Output, out: &Path, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "expected a failure:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "missing '{needle}' in:\n{stderr}");
    }
    assert!(!out.join("report.html").exists());
}

#[test]
fn a_budget_in_another_currency_is_refused_with_both_currencies_named() {
    // The bundled bill is in USD.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let output = plan(&["--budget", "12000 EUR"], &out);
    fails_with(&output, &out, &["EUR", "USD", "budget"]);
}

#[test]
fn a_budget_file_with_a_bad_amount_names_its_file_row_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let budgets = dir.path().join("budgets.csv");
    std::fs::write(&budgets, "month,amount\n2026-05,1000\n2026-06,a lot\n").unwrap();
    let out = dir.path().join("report");
    let output = plan(&["--budget-file", budgets.to_str().unwrap()], &out);
    fails_with(&output, &out, &["budgets.csv", "a lot"]);
}

#[test]
fn a_horizon_out_of_range_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let output = plan(&["--horizon-days", "0"], &out);
    fails_with(&output, &out, &["horizon"]);
}

#[test]
fn a_missing_billing_path_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let missing = dir.path().join("no-such-bill.csv");
    let output = plan(&[missing.to_str().unwrap()], &out);
    fails_with(&output, &out, &["no-such-bill.csv"]);
}
