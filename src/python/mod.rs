//! Python bindings: the extension module `capcast._native`, built by maturin with the `python`
//! feature. Nothing else in the crate uses pyo3.
//!
//! The bindings are thin: they convert arguments, run the Rust function with the GIL released
//! (see [`errors::run`]), and hand frames back as Arrow C streams ([`arrow::ArrowStream`]).
//! The Python package `capcast` (python/capcast/) wraps them into the public API: polars
//! DataFrames, typed reports and the exception classes of `capcast.exceptions`.

mod arrow;
mod catalog;
mod commitments;
mod errors;
mod forecast;
mod generate;
mod ingest;
mod plan;
mod report;
mod rightsize;
mod series;

use pyo3::prelude::*;

/// The extension module. Its functions return raw parts (streams, report JSON); the public API
/// is the Python package `capcast`.
#[pymodule]
#[pyo3(name = "_native")]
mod native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::arrow::ArrowStream;
    #[pymodule_export]
    use super::catalog::{catalog, catalog_offers};
    #[pymodule_export]
    use super::commitments::{backtest_bill, bill_usage, commitment_offers};
    #[pymodule_export]
    use super::commitments::{backtest_commitments, optimize_commitments};
    #[pymodule_export]
    use super::forecast::{anomalies, backtest, fan_chart, forecast, sample_paths};
    #[pymodule_export]
    use super::generate::generate_sample;
    #[pymodule_export]
    use super::ingest::{read_billing, read_utilization};
    #[pymodule_export]
    use super::plan::{
        budget_forecast, burndown_chart, erlang_c, required_capacity, runway, runway_chart,
        runway_from_forecast, servers_for_wait, slo_burn,
    };
    #[pymodule_export]
    use super::report::plan_report;
    #[pymodule_export]
    use super::rightsize::rightsize;
    #[pymodule_export]
    use super::rightsize::rightsize_resource_chart;
    #[pymodule_export]
    use super::rightsize::rightsize_savings_chart;
    #[pymodule_export]
    use super::series::{aggregate, tag_coverage, top_movers};
    #[pymodule_export]
    use super::{_echo_frame, _panic};

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}

/// Imports `frame` and exports it again: the frame round trip the tests check.
#[pyfunction]
fn _echo_frame(py: Python<'_>, frame: &Bound<'_, PyAny>) -> PyResult<arrow::ArrowStream> {
    errors::run_attached(py, || {
        arrow::frame_from_py(frame, "frame").map(arrow::ArrowStream::new)
    })
}

/// Panics inside Rust (with the GIL released, as real work runs): the tests check that the
/// panic arrives as `capcast.ComputeError`, never as `PanicException`.
#[pyfunction]
fn _panic(py: Python<'_>, message: String) -> PyResult<()> {
    errors::run(py, move || -> crate::Result<()> { panic!("{message}") })
}
