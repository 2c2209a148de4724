//! Bindings of the instance catalogs: `catalog` and `catalog_offers` return the bundled catalog,
//! or the catalog loaded from the files given (format detected), optionally narrowed to one
//! provider and region.

use std::path::PathBuf;

use pyo3::prelude::*;

use super::arrow::ArrowStream;
use super::errors::run;
use crate::error::{Error, Result};
use crate::optimize::catalog::{load_catalogs, Catalog, CatalogFilter, Provider};

/// The catalog of `paths` (bundled when empty), filtered.
fn loaded(
    paths: Vec<PathBuf>,
    provider: Option<String>,
    region: Option<String>,
) -> Result<Catalog> {
    let catalog = if paths.is_empty() {
        Catalog::bundled()?
    } else {
        load_catalogs(&paths)?
    };
    let provider = provider
        .map(|p| {
            p.parse::<Provider>()
                .map_err(|e| Error::parameter("provider", format!("'{p}': {e}")))
        })
        .transpose()?;
    Ok(catalog.filter(&CatalogFilter {
        provider,
        region,
        ..Default::default()
    }))
}

/// `catalog(paths, *, provider, region)` -> (instances frame, source text).
#[pyfunction]
#[pyo3(signature = (paths = Vec::new(), *, provider = None, region = None))]
pub(crate) fn catalog(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    provider: Option<String>,
    region: Option<String>,
) -> PyResult<(ArrowStream, String)> {
    let (frame, source) = run(py, move || {
        let catalog = loaded(paths, provider, region)?;
        Ok((catalog.to_frame()?, catalog.source))
    })?;
    Ok((ArrowStream::new(frame), source))
}

/// `catalog_offers(paths, *, provider, region)` -> offers frame.
#[pyfunction]
#[pyo3(signature = (paths = Vec::new(), *, provider = None, region = None))]
pub(crate) fn catalog_offers(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    provider: Option<String>,
    region: Option<String>,
) -> PyResult<ArrowStream> {
    let frame = run(py, move || loaded(paths, provider, region)?.offers_frame())?;
    Ok(ArrowStream::new(frame))
}
