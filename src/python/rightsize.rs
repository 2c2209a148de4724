//! Binding of rightsizing: `rightsize(samples, resources, billing, catalog, ...)` returns the
//! recommendations frame and the catalog's source. Settings arrive as the names Python users
//! write and are parsed as the command line parses them.

use std::path::PathBuf;

use polars::prelude::{DataFrame, IntoLazy};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::arrow::{frame_arg, ArrowStream};
use super::errors::run;
use crate::chart::{BarChart, ChartFormat, ValueFormat};
use crate::error::{Error, Result};
use crate::optimize::catalog::{load_catalogs, Catalog, Provider};
use crate::optimize::rightsize::{
    resource_demand, rightsize as run_rightsize, KubernetesMethod, MemoryStatistic, Mode,
    ResourcePrices, RightsizeInput, RightsizeParams,
};

/// The settings every rightsizing binding takes, as Python users write them.
struct Settings {
    catalog: Vec<PathBuf>,
    use_catalog: bool,
    mode: String,
    cpu_percentile: f64,
    cpu_headroom: f64,
    memory_headroom: f64,
    memory_statistic: String,
    lookback_days: f64,
    min_data_hours: f64,
    same_family_only: bool,
    allow_burstable: bool,
    same_architecture: bool,
    kubernetes_method: String,
    kubernetes_limits: bool,
    provider: Option<String>,
    region: Option<String>,
}

/// What one run needs besides the frames.
struct Prepared {
    params: RightsizeParams,
    catalog: Option<Catalog>,
    prices: Option<ResourcePrices>,
}

impl Settings {
    fn prepare(self, billing: Option<DataFrame>) -> Result<Prepared> {
        let mut params = RightsizeParams::default()
            .mode(self.mode.parse::<Mode>()?)
            .cpu_percentile(self.cpu_percentile)
            .cpu_headroom(self.cpu_headroom)
            .memory_headroom(self.memory_headroom)
            .memory_statistic(self.memory_statistic.parse::<MemoryStatistic>()?)
            .lookback_days(self.lookback_days)
            .min_data_hours(self.min_data_hours)
            .same_family_only(self.same_family_only)
            .allow_burstable(self.allow_burstable)
            .same_architecture(self.same_architecture)
            .kubernetes_method(self.kubernetes_method.parse::<KubernetesMethod>()?)
            .kubernetes_limits(self.kubernetes_limits);
        if let Some(p) = self.provider {
            let p = p
                .parse::<Provider>()
                .map_err(|e| Error::parameter("provider", format!("'{p}': {e}")))?;
            params = params.default_provider(p);
        }
        if let Some(r) = self.region {
            params = params.default_region(r);
        }
        let params = params.check()?;
        let catalog = if !self.use_catalog {
            None
        } else if self.catalog.is_empty() {
            Some(Catalog::bundled()?)
        } else {
            Some(load_catalogs(&self.catalog)?)
        };
        let prices = billing
            .map(|b| ResourcePrices::from_focus(b.lazy(), self.lookback_days))
            .transpose()?;
        Ok(Prepared {
            params,
            catalog,
            prices,
        })
    }
}

impl Prepared {
    fn input<'a>(
        &'a self,
        samples: &'a DataFrame,
        resources: Option<&'a DataFrame>,
    ) -> RightsizeInput<'a> {
        let mut input = RightsizeInput::new(samples);
        if let Some(r) = resources {
            input = input.resources(r);
        }
        if let Some(c) = &self.catalog {
            input = input.catalog(c);
        }
        if let Some(p) = &self.prices {
            input = input.prices(p);
        }
        input
    }
}

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
    let settings = Settings {
        catalog,
        use_catalog,
        mode: mode.to_string(),
        cpu_percentile,
        cpu_headroom,
        memory_headroom,
        memory_statistic: memory_statistic.to_string(),
        lookback_days,
        min_data_hours,
        same_family_only,
        allow_burstable,
        same_architecture,
        kubernetes_method: kubernetes_method.to_string(),
        kubernetes_limits,
        provider,
        region,
    };
    let (frame, source) = run(py, move || -> Result<_> {
        let prepared = settings.prepare(billing)?;
        let input = prepared.input(&samples, resources.as_ref());
        let result = run_rightsize(&input, &prepared.params)?;
        let source = prepared.catalog.map(|c| c.source).unwrap_or_default();
        Ok((result.frame()?, source))
    })?;
    Ok((ArrowStream::new(frame), source))
}

/// `rightsize_resource_chart(samples, resource_id, resources, billing, catalog, *, format,
/// settings...)` -> SVG or PNG bytes of one resource's CPU and memory distribution.
#[pyfunction]
#[pyo3(signature = (samples, resource_id, resources = None, billing = None, catalog = Vec::new(), *, format = "svg", use_catalog = true, mode = "vm", cpu_percentile = 99.5, cpu_headroom = 20.0, memory_headroom = 20.0, memory_statistic = "max", lookback_days = 14.0, min_data_hours = 30.0, same_family_only = false, allow_burstable = false, same_architecture = true, kubernetes_method = "vpa", kubernetes_limits = false, provider = None, region = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn rightsize_resource_chart<'py>(
    py: Python<'py>,
    samples: &Bound<'py, PyAny>,
    resource_id: String,
    resources: Option<&Bound<'py, PyAny>>,
    billing: Option<&Bound<'py, PyAny>>,
    catalog: Vec<PathBuf>,
    format: &str,
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
) -> PyResult<Bound<'py, PyBytes>> {
    let samples = frame_arg(py, samples, "utilization")?;
    let resources = resources
        .map(|r| frame_arg(py, r, "resources"))
        .transpose()?;
    let billing = billing.map(|b| frame_arg(py, b, "billing")).transpose()?;
    let settings = Settings {
        catalog,
        use_catalog,
        mode: mode.to_string(),
        cpu_percentile,
        cpu_headroom,
        memory_headroom,
        memory_statistic: memory_statistic.to_string(),
        lookback_days,
        min_data_hours,
        same_family_only,
        allow_burstable,
        same_architecture,
        kubernetes_method: kubernetes_method.to_string(),
        kubernetes_limits,
        provider,
        region,
    };
    let extension = format!("chart.{format}");
    let bytes = run(py, move || -> Result<_> {
        let format = ChartFormat::from_path(extension)?;
        let prepared = settings.prepare(billing)?;
        let input = prepared.input(&samples, resources.as_ref());
        let demand = resource_demand(&input, &prepared.params, &resource_id)?;
        Ok(demand.chart()?.render(format)?.bytes().to_vec())
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// `rightsize_savings_chart(groups, savings, *, title, format)` -> SVG or PNG bytes of a bar
/// chart of monthly savings by group.
#[pyfunction]
#[pyo3(signature = (groups, savings, *, title = "Monthly savings", format = "svg"))]
pub(crate) fn rightsize_savings_chart<'py>(
    py: Python<'py>,
    groups: Vec<String>,
    savings: Vec<f64>,
    title: &str,
    format: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let extension = format!("chart.{format}");
    let title = title.to_string();
    let bytes = run(py, move || -> Result<_> {
        if groups.len() != savings.len() {
            return Err(Error::parameter(
                "savings",
                format!(
                    "{} groups but {} savings: expected one value per group",
                    groups.len(),
                    savings.len()
                ),
            ));
        }
        let format = ChartFormat::from_path(extension)?;
        let chart = BarChart::new(groups.into_iter().zip(savings).collect())
            .title(title)
            .x_label("USD per month")
            .value_format(ValueFormat::currency("$"))
            .render(format)?;
        Ok(chart.bytes().to_vec())
    })?;
    Ok(PyBytes::new(py, &bytes))
}
