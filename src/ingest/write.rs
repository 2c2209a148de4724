//! Writing frames to Parquet or CSV, streaming so that memory does not grow with the data.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The file formats capcast writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Apache Parquet (zstd).
    Parquet,
    /// Comma-separated values with a header; date/times in ISO 8601 UTC.
    Csv,
}

impl OutputFormat {
    /// The format for a file name's extension (`.parquet`, `.csv`).
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("parquet") => Ok(OutputFormat::Parquet),
            Some("csv") => Ok(OutputFormat::Csv),
            _ => Err(Error::parameter(
                "output",
                format!(
                    "'{}': expected a file name ending in .parquet or .csv",
                    path.display()
                ),
            )),
        }
    }
}

/// Streams `frame` into `path` as Parquet or CSV (chosen by the extension).
///
/// # Errors
/// An unknown extension, or a write failure.
pub fn write_frame(frame: LazyFrame, path: &Path) -> Result<()> {
    let format = OutputFormat::from_path(path)?;
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
    }
    let file_format = match format {
        OutputFormat::Parquet => FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions::default())),
        OutputFormat::Csv => {
            let mut options = CsvWriterOptions::default();
            let mut serialize = (*options.serialize_options).clone();
            serialize.datetime_format = Some("%Y-%m-%dT%H:%M:%SZ".into());
            options.serialize_options = Arc::new(serialize);
            FileWriteFormat::Csv(options)
        }
    };
    let target = SinkTarget::Path(PlRefPath::new(path.to_string_lossy().as_ref()));
    frame
        .sink(
            SinkDestination::File { target },
            file_format,
            UnifiedSinkArgs::default(),
        )?
        .collect_with_engine(Engine::Streaming)
        .map_err(|e| Error::data(Position::file(path), format!("cannot write: {e}")))?;
    Ok(())
}
