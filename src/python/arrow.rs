//! Data frames across the Python boundary through the Arrow PyCapsule interface.
//!
//! Out: a Rust [`DataFrame`] is wrapped in [`ArrowStream`], an object whose
//! `__arrow_c_stream__` hands out an Arrow C stream (a PyCapsule named `arrow_array_stream`).
//! `polars.DataFrame(stream)` and `pyarrow.table(stream)` read it without copying the buffers,
//! so the extension does not depend on the Python polars release the user has installed.
//!
//! In: any object with `__arrow_c_stream__` (a polars or pyarrow frame, pandas >= 2.2 with
//! pyarrow) is imported with [`frame_from_py`]. The Python layer converts other frames first.

use std::ffi::CStr;

use polars::prelude::*;
use polars_arrow::array::{Array, ArrayRef, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_arrow::ffi::{export_iterator, ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods};

use super::errors::{parameter_err, run_attached};

/// The capsule name the Arrow PyCapsule interface prescribes for streams.
const STREAM_CAPSULE: &CStr = c"arrow_array_stream";

/// A data frame produced by capcast, readable by any Arrow consumer through the Arrow PyCapsule
/// interface (`polars.DataFrame(stream)`, `pyarrow.table(stream)`). Each call to
/// `__arrow_c_stream__` exports the whole frame again; the buffers are shared, not copied.
#[pyclass(module = "capcast._native", name = "ArrowStream", frozen)]
pub struct ArrowStream {
    frame: DataFrame,
}

impl ArrowStream {
    /// Wraps a frame for export.
    pub(crate) fn new(frame: DataFrame) -> Self {
        ArrowStream { frame }
    }
}

#[pymethods]
impl ArrowStream {
    /// Exports the frame as an Arrow C stream of record batches. `requested_schema` is accepted
    /// as the protocol requires and ignored: the frame is always exported in its own schema.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        run_attached(py, || {
            let stream = export_frame(self.frame.clone());
            PyCapsule::new_with_value(py, stream, STREAM_CAPSULE)
        })
    }

    /// Number of rows.
    #[getter]
    fn height(&self) -> usize {
        self.frame.height()
    }

    /// Column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.frame
            .get_column_names()
            .iter()
            .map(|name| name.to_string())
            .collect()
    }

    fn __len__(&self) -> usize {
        self.frame.height()
    }

    fn __repr__(&self) -> String {
        format!(
            "<capcast ArrowStream: {} rows x {} columns; read it with polars.DataFrame(...)>",
            self.frame.height(),
            self.frame.width()
        )
    }
}

/// Exports `frame` as an Arrow C stream: one struct array per record batch (the C stream
/// interface's convention), in polars' newest Arrow layout (string views), which every polars
/// 1.x and pyarrow >= 16 read.
pub(crate) fn export_frame(mut frame: DataFrame) -> ArrowArrayStream {
    frame.align_chunks_par();
    let compat = CompatLevel::newest();
    let fields: Vec<ArrowField> = frame
        .columns()
        .iter()
        .map(|column| column.field().to_arrow(compat))
        .collect();
    let dtype = ArrowDataType::Struct(fields);
    let batches: Vec<PolarsResult<Box<dyn Array>>> = frame
        .iter_chunks(compat, false)
        .map(|batch| {
            let height = batch.height();
            StructArray::try_new(dtype.clone(), height, batch.into_arrays(), None)
                .map(|array| array.boxed())
        })
        .collect();
    export_iterator(
        Box::new(batches.into_iter()),
        ArrowField::new(PlSmallStr::EMPTY, dtype, false),
    )
}

/// Reads a frame argument named `what`, with the GIL held (the producer may be Python code)
/// and panics caught ([`super::errors::run_attached`]).
pub(crate) fn frame_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, what: &str) -> PyResult<DataFrame> {
    run_attached(py, || frame_from_py(obj, what))
}

/// Imports a frame from any object implementing `__arrow_c_stream__`. `what` names the argument
/// in error messages. Datetime columns in nanoseconds or milliseconds (pandas, pyarrow) are cast
/// to microseconds, capcast's one time unit.
///
/// # Errors
/// `ParameterError` when `obj` has no `__arrow_c_stream__` or does not stream record batches;
/// `ComputeError` when the stream fails.
pub(crate) fn frame_from_py(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<DataFrame> {
    let py = obj.py();
    if !obj.hasattr("__arrow_c_stream__")? {
        let type_name = obj.get_type().name()?.to_string();
        return Err(parameter_err(
            py,
            what,
            &format!(
                "expected a polars, pandas or pyarrow data frame (an object with \
                 __arrow_c_stream__), got {type_name}"
            ),
        ));
    }
    let capsule = obj
        // `None` passed explicitly: polars < 1.4 has no default for `requested_schema`.
        .call_method1("__arrow_c_stream__", (py.None(),))?
        .cast_into::<PyCapsule>()?;
    let pointer = capsule
        .pointer_checked(Some(STREAM_CAPSULE))?
        .cast::<ArrowArrayStream>();
    // SAFETY: the capsule's name guarantees an `ArrowArrayStream` per the PyCapsule interface.
    // We move the stream out and leave a released one behind (release = NULL), which tells the
    // producer's capsule destructor that the consumer took ownership.
    let stream = unsafe { std::ptr::replace(pointer.as_ptr(), ArrowArrayStream::empty()) };
    // SAFETY: the producer promises a stream that follows the Arrow C stream interface.
    let frame = unsafe { read_stream(Box::new(stream)) }
        .map_err(|err| super::errors::to_py_err(py, &crate::Error::from(err)))?;
    let frame = match frame {
        Some(frame) => frame,
        None => {
            return Err(parameter_err(
                py,
                what,
                "expected a stream of record batches (a table), got a stream of plain arrays",
            ))
        }
    };
    normalise_times(frame).map_err(|err| super::errors::to_py_err(py, &crate::Error::from(err)))
}

/// Reads every batch of the stream into one frame; `None` when the stream does not carry record
/// batches (its arrays are not structs).
///
/// # Safety
/// `stream` must follow the Arrow C stream interface.
unsafe fn read_stream(stream: Box<ArrowArrayStream>) -> PolarsResult<Option<DataFrame>> {
    let mut reader = unsafe { ArrowArrayStreamReader::try_new(stream)? };
    let fields = match reader.field().dtype.to_storage() {
        ArrowDataType::Struct(fields) => fields.clone(),
        _ => return Ok(None),
    };
    let mut chunks: Vec<Vec<ArrayRef>> = vec![Vec::new(); fields.len()];
    let mut height = 0usize;
    while let Some(array) = unsafe { reader.next() } {
        let array = array?;
        let Some(batch) = array.as_any().downcast_ref::<StructArray>() else {
            polars_bail!(ComputeError: "arrow stream: expected struct arrays (record batches)");
        };
        height += batch.len();
        for (column, values) in chunks.iter_mut().zip(batch.values()) {
            column.push(values.clone());
        }
    }
    let columns = fields
        .iter()
        .zip(chunks)
        .map(|(field, arrays)| {
            let series = if arrays.is_empty() {
                Series::new_empty(field.name.clone(), &DataType::from_arrow_field(field))
            } else {
                Series::from_arrow_chunks(field.name.clone(), arrays)?
            };
            Ok(Column::from(series))
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(height, columns).map(Some)
}

/// Casts datetime columns to microseconds, keeping their time zone.
fn normalise_times(mut frame: DataFrame) -> PolarsResult<DataFrame> {
    let to_cast: Vec<(PlSmallStr, DataType)> = frame
        .columns()
        .iter()
        .filter_map(|column| match column.dtype() {
            DataType::Datetime(unit, tz) if *unit != TimeUnit::Microseconds => Some((
                column.name().clone(),
                DataType::Datetime(TimeUnit::Microseconds, tz.clone()),
            )),
            _ => None,
        })
        .collect();
    for (name, dtype) in to_cast {
        let cast = frame.column(&name)?.cast(&dtype)?;
        frame.with_column(cast)?;
    }
    Ok(frame)
}
