//! Writing a planning report to a folder: `report.html`, `charts/<name>.svg|png` and
//! `tables/<name>.csv|json`.

use std::path::{Path, PathBuf};

use super::table::{to_csv, to_json};
use super::PlanReport;
use crate::error::{Error, Result};

fn put(path: PathBuf, bytes: &[u8], written: &mut Vec<PathBuf>) -> Result<()> {
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    written.push(path);
    Ok(())
}

/// Writes every file of `report` into `dir` (created if missing); returns the paths written,
/// the page first.
///
/// # Errors
/// [`Error::Io`] naming the path that could not be created or written.
pub fn write(report: &PlanReport, dir: &Path) -> Result<Vec<PathBuf>> {
    let charts = dir.join("charts");
    let tables = dir.join("tables");
    for d in [dir, &charts, &tables] {
        std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))?;
    }
    let mut written = Vec::new();
    put(
        dir.join("report.html"),
        report.to_html().as_bytes(),
        &mut written,
    )?;
    for c in report.charts() {
        put(
            charts.join(format!("{}.svg", c.name)),
            c.svg.bytes(),
            &mut written,
        )?;
        put(
            charts.join(format!("{}.png", c.name)),
            c.png.bytes(),
            &mut written,
        )?;
    }
    for t in report.tables() {
        put(
            tables.join(format!("{}.csv", t.name)),
            &to_csv(&t.frame)?,
            &mut written,
        )?;
        put(
            tables.join(format!("{}.json", t.name)),
            &to_json(&t.frame)?,
            &mut written,
        )?;
    }
    Ok(written)
}
