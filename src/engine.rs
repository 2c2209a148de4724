//! Running polars queries: the streaming engine for anything that scans user files, so memory
//! does not grow with file size.

use polars::prelude::*;

/// Collects `frame` with polars' streaming engine.
///
/// # Errors
/// The engine's error, e.g. an unreadable file.
pub fn collect_streaming(frame: LazyFrame) -> PolarsResult<DataFrame> {
    // Only queries with several sinks return several frames; capcast never builds those.
    Ok(frame
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single())
}
