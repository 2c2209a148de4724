//! Writing recommendations: CSV, JSON (an array of row objects) or Parquet, by the file's
//! extension.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

/// Writes `frame` to `path`: `.csv`, `.json` (array of objects) or `.parquet`.
///
/// # Errors
/// [`Error::Parameter`] for another extension; [`Error::Io`] naming the path when the file
/// cannot be written.
pub fn write_recommendations(frame: &DataFrame, path: &Path) -> Result<()> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut frame = frame.clone();
    match ext.as_deref() {
        Some("csv") | Some("json") => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
            if ext.as_deref() == Some("csv") {
                CsvWriter::new(file).finish(&mut frame)?;
            } else {
                JsonWriter::new(file)
                    .with_json_format(JsonFormat::Json)
                    .finish(&mut frame)?;
            }
            Ok(())
        }
        Some("parquet") => crate::ingest::write::write_frame(frame.lazy(), path),
        _ => Err(Error::parameter(
            "output",
            format!(
                "'{}': expected a file name ending in .csv, .json or .parquet",
                path.display()
            ),
        )),
    }
}
