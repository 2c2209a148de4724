//! Binding of rightsizing: `rightsize(samples, resources, billing, catalog, ...)` returns the
//! recommendations frame and the catalog's source. Settings arrive as the names Python users
//! write and are parsed as the command line parses them.

use std::path::PathBuf;

use polars::prelude::IntoLazy;
use pyo3::prelude::*;

use super::arrow::{frame_arg, ArrowStream};
use super::errors::run;
use crate::error::{Error, Result};
use crate::optimize::catalog::{load_catalogs, Catalog, Provider};
use crate::optimize::rightsize::{
    rightsize as run_rightsize, KubernetesMethod, MemoryStatistic, Mode, ResourcePrices,
    RightsizeInput, RightsizeParams,
};

/// `rightsize(samples, resources, billing, catalog, *, settings...)` -> (recommendations,
/// catalog source).
#[pyfunction]
#[pyo3(signature = (samples, resources = None, billing = None, catalog = Vec::new(), *, use_catalog = true, mode = "vm", cpu_percentile = 99.5, cpu_headroom = 20.0, memory_headroom = 20.0, memory_statistic = "max", lookback_days = 14.0, min_data_hours = 30.0, same_family_only = false, allow_burstable = false, same_architecture = true, kubernetes_method = "vpa", kubernetes_limits = false, provider = None, region = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn rightsize(
    py: Python<'_>,
    samples: &Bound<'_, PyAny>,
    resources: Option<&Bound<'_, PyAny>>,
    billing: Option<&Bound<'_, PyAny>>,
    catalog: Vec<PathBuf>,
    use_catalog: bool,
    mode: &str,
    cpu_percentile: f64,
    cpu_headroom: f64,
    memory_headroom: f64,
    memory_statistic: &str,
    lookback_days: f64,
    min_data_hours: f64,
    same_family_only: bool,
    allow_burstable: bool,
    same_architecture: bool,
    kubernetes_method: &str,
    kubernetes_limits: bool,
    provider: Option<String>,
    region: Option<String>,
) -> PyResult<(ArrowStream, String)> {
    let samples = frame_arg(py, samples, "utilization")?;
    let resources = resources
        .map(|r| frame_arg(py, r, "resources"))
        .transpose()?;
    let billing = billing.map(|b| frame_arg(py, b, "billing")).transpose()?;
    let (mode, memory_statistic, kubernetes_method) = (
        mode.to_string(),
        memory_statistic.to_string(),
        kubernetes_method.to_string(),
    );
    let (frame, source) = run(py, move || -> Result<_> {
        let mut params = RightsizeParams::default()
            .mode(mode.parse::<Mode>()?)
            .cpu_percentile(cpu_percentile)
            .cpu_headroom(cpu_headroom)
            .memory_headroom(memory_headroom)
            .memory_statistic(memory_statistic.parse::<MemoryStatistic>()?)
            .lookback_days(lookback_days)
            .min_data_hours(min_data_hours)
            .same_family_only(same_family_only)
            .allow_burstable(allow_burstable)
            .same_architecture(same_architecture)
            .kubernetes_method(kubernetes_method.parse::<KubernetesMethod>()?)
            .kubernetes_limits(kubernetes_limits);
        if let Some(p) = provider {
            let p = p
                .parse::<Provider>()
                .map_err(|e| Error::parameter("provider", format!("'{p}': {e}")))?;
            params = params.default_provider(p);
        }
        if let Some(r) = region {
            params = params.default_region(r);
        }
        let params = params.check()?;
        let catalog = if !use_catalog {
            None
        } else if catalog.is_empty() {
            Some(Catalog::bundled()?)
        } else {
            Some(load_catalogs(&catalog)?)
        };
        let prices = billing
            .map(|b| ResourcePrices::from_focus(b.lazy(), lookback_days))
            .transpose()?;
        let mut input = RightsizeInput::new(&samples);
        if let Some(r) = &resources {
            input = input.resources(r);
        }
        if let Some(c) = &catalog {
            input = input.catalog(c);
        }
        if let Some(p) = &prices {
            input = input.prices(p);
        }
        let result = run_rightsize(&input, &params)?;
        let source = catalog.map(|c| c.source).unwrap_or_default();
        Ok((result.frame()?, source))
    })?;
    Ok((ArrowStream::new(frame), source))
}
