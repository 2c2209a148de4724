//! Binding of rightsizing: `rightsize(samples, resources, billing, catalog, settings=...)`
//! returns the recommendations frame and the catalog's source. Settings arrive as one dict of
//! the keyword names Python users write ([`SETTINGS`]), read in one place and parsed as the
//! command line parses them; a setting not given keeps [`RightsizeParams`]'s default.

use std::path::PathBuf;

use polars::prelude::{DataFrame, IntoLazy};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::arrow::{frame_arg, ArrowStream};
use super::errors::{run, to_py_err};
use crate::chart::{BarChart, ChartFormat, ValueFormat};
use crate::error::{Error, Result};
use crate::optimize::catalog::{load_catalogs, Catalog, Provider};
use crate::optimize::rightsize::{
    resource_demand, rightsize as run_rightsize, KubernetesMethod, MemoryStatistic, Mode,
    ResourcePrices, RightsizeInput, RightsizeParams,
};

/// The settings Python users may pass by keyword (`capcast.rightsize(load, cpu_percentile=95)`),
/// each with the meaning and default of [`RightsizeParams`]; `use_catalog` (default true)
/// `False` sizes in vCPU and GiB only. `None` leaves a setting at its default.
const SETTINGS: [&str; 15] = [
    "use_catalog",
    "mode",
    "cpu_percentile",
    "cpu_headroom",
    "memory_headroom",
    "memory_statistic",
    "lookback_days",
    "min_data_hours",
    "same_family_only",
    "allow_burstable",
    "same_architecture",
    "kubernetes_method",
    "kubernetes_limits",
    "provider",
    "region",
];

/// The settings of one rightsizing binding call, read from its `settings` dict.
struct Settings {
    params: RightsizeParams,
    use_catalog: bool,
}

/// What one run needs besides the frames.
struct Prepared {
    params: RightsizeParams,
    catalog: Option<Catalog>,
    prices: Option<ResourcePrices>,
}

/// A setting's value as `T`, or a `ParameterError` naming the setting, what it expects and
/// what it got.
fn setting<'py, T>(value: &Bound<'py, PyAny>, name: &str, expected: &str) -> Result<T>
where
    T: for<'a> FromPyObject<'a, 'py>,
{
    value.extract::<T>().map_err(|_| {
        let got = value
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into());
        Error::parameter(name, format!("expected {expected}, got {got}"))
    })
}

impl Settings {
    /// Reads the `settings` dict (keys: [`SETTINGS`]).
    fn read(settings: Option<&Bound<'_, PyDict>>) -> Result<Settings> {
        let mut params = RightsizeParams::default();
        let mut use_catalog = true;
        for (key, value) in settings.into_iter().flat_map(|d| d.iter()) {
            let name: String = setting(&key, "settings", "setting names (text)")?;
            if value.is_none() {
                continue;
            }
            let number = |v: &Bound<'_, PyAny>| setting::<f64>(v, &name, "a number");
            let flag = |v: &Bound<'_, PyAny>| setting::<bool>(v, &name, "True or False");
            let word = |v: &Bound<'_, PyAny>| setting::<String>(v, &name, "text");
            params = match name.as_str() {
                "use_catalog" => {
                    use_catalog = flag(&value)?;
                    params
                }
                "mode" => params.mode(word(&value)?.parse::<Mode>()?),
                "cpu_percentile" => params.cpu_percentile(number(&value)?),
                "cpu_headroom" => params.cpu_headroom(number(&value)?),
                "memory_headroom" => params.memory_headroom(number(&value)?),
                "memory_statistic" => {
                    params.memory_statistic(word(&value)?.parse::<MemoryStatistic>()?)
                }
                "lookback_days" => params.lookback_days(number(&value)?),
                "min_data_hours" => params.min_data_hours(number(&value)?),
                "same_family_only" => params.same_family_only(flag(&value)?),
                "allow_burstable" => params.allow_burstable(flag(&value)?),
                "same_architecture" => params.same_architecture(flag(&value)?),
                "kubernetes_method" => {
                    params.kubernetes_method(word(&value)?.parse::<KubernetesMethod>()?)
                }
                "kubernetes_limits" => params.kubernetes_limits(flag(&value)?),
                "provider" => {
                    let p = word(&value)?;
                    params.default_provider(
                        p.parse::<Provider>()
                            .map_err(|e| Error::parameter("provider", format!("'{p}': {e}")))?,
                    )
                }
                "region" => params.default_region(word(&value)?),
                other => {
                    return Err(Error::parameter(
                        "settings",
                        format!(
                            "unknown setting '{other}' (expected one of {})",
                            SETTINGS.join(", ")
                        ),
                    ))
                }
            };
        }
        Ok(Settings {
            params: params.check()?,
            use_catalog,
        })
    }

    /// The run's parameters, catalog (bundled, or loaded from `catalog`) and the bill's
    /// effective prices.
    fn prepare(self, catalog: &[PathBuf], billing: Option<DataFrame>) -> Result<Prepared> {
        let catalog = if !self.use_catalog {
            None
        } else if catalog.is_empty() {
            Some(Catalog::bundled()?)
        } else {
            Some(load_catalogs(catalog)?)
        };
        let prices = billing
            .map(|b| ResourcePrices::from_focus(b.lazy(), self.params.get_lookback_days()))
            .transpose()?;
        Ok(Prepared {
            params: self.params,
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

/// The frames of a rightsizing call.
type Frames = (DataFrame, Option<DataFrame>, Option<DataFrame>);

/// Reads the utilization, resources and billing arguments as frames.
fn frames(
    py: Python<'_>,
    samples: &Bound<'_, PyAny>,
    resources: Option<&Bound<'_, PyAny>>,
    billing: Option<&Bound<'_, PyAny>>,
) -> PyResult<Frames> {
    Ok((
        frame_arg(py, samples, "utilization")?,
        resources
            .map(|r| frame_arg(py, r, "resources"))
            .transpose()?,
        billing.map(|b| frame_arg(py, b, "billing")).transpose()?,
    ))
}

/// `rightsize(samples, resources, billing, catalog, *, settings)` -> (recommendations,
/// catalog source); `settings` is a dict of [`SETTINGS`].
#[pyfunction]
#[pyo3(signature = (samples, resources = None, billing = None, catalog = Vec::new(), *, settings = None))]
pub(crate) fn rightsize(
    py: Python<'_>,
    samples: &Bound<'_, PyAny>,
    resources: Option<&Bound<'_, PyAny>>,
    billing: Option<&Bound<'_, PyAny>>,
    catalog: Vec<PathBuf>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<(ArrowStream, String)> {
    let (samples, resources, billing) = frames(py, samples, resources, billing)?;
    let settings = Settings::read(settings).map_err(|e| to_py_err(py, &e))?;
    let (frame, source) = run(py, move || -> Result<_> {
        let prepared = settings.prepare(&catalog, billing)?;
        let input = prepared.input(&samples, resources.as_ref());
        let result = run_rightsize(&input, &prepared.params)?;
        let source = prepared.catalog.map(|c| c.source).unwrap_or_default();
        Ok((result.frame()?, source))
    })?;
    Ok((ArrowStream::new(frame), source))
}

/// `rightsize_resource_chart(samples, resource_id, resources, billing, catalog, *, format,
/// settings)` -> SVG or PNG bytes of one resource's CPU and memory distribution.
#[pyfunction]
#[pyo3(signature = (samples, resource_id, resources = None, billing = None, catalog = Vec::new(), *, format = "svg", settings = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn rightsize_resource_chart<'py>(
    py: Python<'py>,
    samples: &Bound<'py, PyAny>,
    resource_id: String,
    resources: Option<&Bound<'py, PyAny>>,
    billing: Option<&Bound<'py, PyAny>>,
    catalog: Vec<PathBuf>,
    format: &str,
    settings: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let (samples, resources, billing) = frames(py, samples, resources, billing)?;
    let settings = Settings::read(settings).map_err(|e| to_py_err(py, &e))?;
    let extension = format!("chart.{format}");
    let bytes = run(py, move || -> Result<_> {
        let format = ChartFormat::from_path(extension)?;
        let prepared = settings.prepare(&catalog, billing)?;
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
