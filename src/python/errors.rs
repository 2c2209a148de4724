//! Maps capcast's [`Error`] — and any Rust panic — onto the exception classes of
//! `capcast.exceptions`, and runs heavy work with the GIL released.
//!
//! The classes are defined in Python (`python/capcast/exceptions.py`) because each derives from
//! two bases (`DataError(CapcastError, ValueError)`), which pyo3's `create_exception!` cannot
//! express. Each carries the [`Position`] of the problem as `.file`, `.row`, `.column` and
//! `.value` attributes (`None` where unknown).

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::error::{Error, Position};

/// The Python module that defines capcast's exception classes.
const EXCEPTIONS: &str = "capcast.exceptions";

/// Runs `work` with the GIL released, turning its error into the matching Python exception and a
/// panic into `capcast.ComputeError`, so that no panic ever reaches Python.
pub(crate) fn run<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> crate::Result<T> + Send,
{
    match py.detach(|| catch_unwind(AssertUnwindSafe(work))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(to_py_err(py, &err)),
        Err(payload) => Err(panic_to_py_err(py, payload.as_ref())),
    }
}

/// Runs `work` with the GIL held (it needs Python objects), turning a panic into
/// `capcast.ComputeError`.
pub(crate) fn run_attached<T>(py: Python<'_>, work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(payload) => Err(panic_to_py_err(py, payload.as_ref())),
    }
}

/// The Python exception for a capcast error.
pub(crate) fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    let kwargs = PyDict::new(py);
    let class = match fill(&kwargs, err) {
        Ok(class) => class,
        Err(e) => return e,
    };
    instantiate(py, class, &err.to_string(), &kwargs)
}

/// A `ParameterError` naming the parameter, raised by the bindings themselves.
pub(crate) fn parameter_err(py: Python<'_>, name: &str, message: &str) -> PyErr {
    to_py_err(py, &Error::parameter(name, message))
}

/// Puts the error's position into `kwargs` and returns the name of its exception class.
fn fill(kwargs: &Bound<'_, PyDict>, err: &Error) -> PyResult<&'static str> {
    let class = match err {
        Error::Io { path, .. } => {
            set_path(kwargs, path)?;
            "ReadError"
        }
        Error::NotFound { path } => {
            set_path(kwargs, path)?;
            "NotFoundError"
        }
        Error::UnknownFormat { path, .. } => {
            set_path(kwargs, path)?;
            "FormatError"
        }
        Error::Data { position, .. } => {
            set_position(kwargs, position)?;
            "DataError"
        }
        Error::Parameter { name, .. } => {
            kwargs.set_item("parameter", name)?;
            "ParameterError"
        }
        Error::Polars(_) => "ComputeError",
        Error::Json { path, .. } => {
            set_path(kwargs, path)?;
            "DataError"
        }
        // Variants added later map onto the base class until they get their own.
        #[allow(unreachable_patterns)]
        _ => "CapcastError",
    };
    Ok(class)
}

fn set_path(kwargs: &Bound<'_, PyDict>, path: &std::path::Path) -> PyResult<()> {
    kwargs.set_item("file", path.to_string_lossy())
}

fn set_position(kwargs: &Bound<'_, PyDict>, position: &Position) -> PyResult<()> {
    if let Some(file) = &position.file {
        set_path(kwargs, file)?;
    }
    if let Some(row) = position.row {
        kwargs.set_item("row", row)?;
    }
    if let Some(column) = &position.column {
        kwargs.set_item("column", column)?;
    }
    if let Some(value) = &position.value {
        kwargs.set_item("value", value)?;
    }
    Ok(())
}

/// Builds `capcast.exceptions.<class>(message, **kwargs)`; if that fails (the module cannot be
/// imported), the failure itself is returned so that the user sees why.
fn instantiate(py: Python<'_>, class: &str, message: &str, kwargs: &Bound<'_, PyDict>) -> PyErr {
    let built = py
        .import(EXCEPTIONS)
        .and_then(|module| module.getattr(class))
        .and_then(|class| Ok(class.cast_into::<PyType>()?))
        .and_then(|class| class.call((message,), Some(kwargs)));
    match built {
        Ok(instance) => PyErr::from_value(instance),
        Err(err) => err,
    }
}

/// `capcast.ComputeError` for a caught panic, with the panic's message.
fn panic_to_py_err(py: Python<'_>, payload: &(dyn Any + Send)) -> PyErr {
    let detail = if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    };
    let message = format!("internal error in capcast (please report it): {detail}");
    let kwargs = PyDict::new(py);
    match kwargs.set_item("internal", true) {
        Ok(()) => instantiate(py, "ComputeError", &message, &kwargs),
        Err(_) => PyRuntimeError::new_err(message),
    }
}
