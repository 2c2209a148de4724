//! Binding of the sample-data generator.

use std::path::PathBuf;

use chrono::NaiveDate;
use pyo3::prelude::*;

use super::errors::run;
use crate::generate::{write_sample, SampleOptions};

/// `generate_sample(out_dir, *, seed, months, start, utilization_interval_minutes)` -> the
/// summary as JSON (`billing_rows`, `utilization_rows`, `files`, `total_billed_cost`,
/// `total_effective_cost`). `start` is an ISO date (`2026-05-01`) or `None` for the default.
#[pyfunction]
#[pyo3(signature = (out_dir, *, seed = 42, months = 4, start = None, utilization_interval_minutes = 60))]
pub(crate) fn generate_sample(
    py: Python<'_>,
    out_dir: PathBuf,
    seed: u64,
    months: u32,
    start: Option<String>,
    utilization_interval_minutes: u32,
) -> PyResult<String> {
    run(py, move || {
        let mut options = SampleOptions {
            seed,
            months,
            utilization_interval_minutes,
            ..Default::default()
        };
        if let Some(start) = start {
            options.start = NaiveDate::parse_from_str(start.trim(), "%Y-%m-%d").map_err(|_| {
                crate::Error::parameter(
                    "start",
                    format!("expected a date like 2026-05-01, got '{start}'"),
                )
            })?;
        }
        let summary = write_sample(&out_dir, &options)?;
        serde_json::to_string(&summary).map_err(|e| {
            crate::Error::parameter("out_dir", format!("cannot describe the sample: {e}"))
        })
    })
}
