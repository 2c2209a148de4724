//! Binding of the planning report: `plan(...)` runs [`crate::plan::report::plan`] with the GIL
//! released, optionally writes the folder, and hands the report over as plain parts (a dict
//! of text, chart bytes and Arrow streams) that `capcast._plan` wraps into `PlanReport`.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::arrow::ArrowStream;
use super::errors::run;
use crate::ingest::BillingOptions;
use crate::plan::report::{plan as run_plan, Budget, PlanParams, Status};

/// `plan(billing, *, utilization, budget, budget_file, horizon_days, paths, seed, out,
/// lenient, group_by, slo, slo_target)` -> dict with `title, subtitle, generated, html, settings, sections, files`.
#[pyfunction(name = "plan")]
#[pyo3(signature = (billing = None, *, utilization = None, budget = None, budget_file = None, horizon_days = 30, paths = 200, seed = 0, out = None, lenient = false, group_by = None, slo = None, slo_target = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_report<'py>(
    py: Python<'py>,
    billing: Option<Vec<PathBuf>>,
    utilization: Option<Vec<PathBuf>>,
    budget: Option<String>,
    budget_file: Option<PathBuf>,
    horizon_days: usize,
    paths: usize,
    seed: u64,
    out: Option<PathBuf>,
    lenient: bool,
    group_by: Option<String>,
    slo: Option<PathBuf>,
    slo_target: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let (report, files) = run(py, move || {
        let mut params = match billing {
            Some(b) => PlanParams::new(&b).utilization(&utilization.unwrap_or_default()),
            None => {
                let p = PlanParams::bundled();
                match utilization {
                    Some(u) => p.utilization(&u),
                    None => p,
                }
            }
        }
        .horizon_days(horizon_days)
        .paths(paths)
        .seed(seed)
        .load_options(BillingOptions {
            lenient,
            ..BillingOptions::default()
        });
        if let Some(key) = group_by {
            params = params.group_by(key);
        }
        if let Some(path) = &slo {
            params = params.slo(path);
        }
        if let Some(target) = slo_target {
            params = params.slo_target(target);
        }
        if let Some(text) = &budget {
            params = params.budget(Budget::parse(text)?);
        }
        if let Some(path) = &budget_file {
            params = params.budget(Budget::from_csv(path)?);
        }
        let report = run_plan(&params)?;
        let files = match &out {
            Some(dir) => report.write(dir)?,
            None => Vec::new(),
        };
        Ok((report, files))
    })?;

    let dict = PyDict::new(py);
    dict.set_item("title", &report.title)?;
    dict.set_item("subtitle", &report.subtitle)?;
    dict.set_item("generated", &report.generated)?;
    dict.set_item("html", report.to_html())?;
    let settings: Vec<(String, String, String)> = report
        .settings
        .iter()
        .map(|s| (s.name.clone(), s.value.clone(), s.source.clone()))
        .collect();
    dict.set_item("settings", settings)?;
    let sections = PyList::empty(py);
    for s in report.sections {
        let d = PyDict::new(py);
        d.set_item("id", &s.id)?;
        d.set_item("title", &s.title)?;
        d.set_item(
            "reason",
            match &s.status {
                Status::Ready => None,
                Status::Unavailable(why) => Some(why.clone()),
            },
        )?;
        let figures: Vec<(String, String, String)> = s
            .figures
            .iter()
            .map(|f| (f.label.clone(), f.value.clone(), f.note.clone()))
            .collect();
        d.set_item("figures", figures)?;
        d.set_item("text", s.text.clone())?;
        let charts = PyList::empty(py);
        for c in &s.charts {
            charts.append((
                c.name.clone(),
                c.title.clone(),
                PyBytes::new(py, c.svg.bytes()),
                PyBytes::new(py, c.png.bytes()),
            ))?;
        }
        d.set_item("charts", charts)?;
        let tables = PyList::empty(py);
        for t in s.tables {
            tables.append((t.name, t.title, ArrowStream::new(t.frame)))?;
        }
        d.set_item("tables", tables)?;
        sections.append(d)?;
    }
    dict.set_item("sections", sections)?;
    let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    dict.set_item("files", files)?;
    Ok(dict)
}
