//! The utilization load report: per file, the format found and every point accounted for
//! (read = kept + dropped), with the reasons for drops and the warnings, as a readable table.

use std::fmt;
use std::path::PathBuf;

use super::UtilizationFormat;

/// A reason for dropped points (or for a warning), how often it happened and where first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Issue {
    /// What happened, lower-case (`value is NaN`, `percentage above 100`, ...).
    pub reason: String,
    /// How many points it concerns.
    pub count: u64,
    /// Where it first happened (row or point, column or field, value).
    pub first: String,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// Its format (detected, or as asked).
    pub format: UtilizationFormat,
    /// Data rows of a CSV file (`None` for JSON).
    pub rows: Option<u64>,
    /// Series (resource and metric pairs, or columns of a CSV) the file holds.
    pub series: u64,
    /// Points the file holds: `points_kept` plus every dropped point.
    pub points_read: u64,
    /// Points in the samples frame.
    pub points_kept: u64,
    /// Dropped points by reason.
    pub dropped: Vec<Issue>,
    /// Kept points that look wrong (percentages above 100, negative values), by reason.
    pub warnings: Vec<Issue>,
}

impl FileReport {
    /// Points dropped, all reasons together.
    pub fn points_dropped(&self) -> u64 {
        self.dropped.iter().map(|i| i.count).sum()
    }
}

/// The report of a utilization load.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UtilizationReport {
    /// One entry per file, in reading order.
    pub files: Vec<FileReport>,
    /// Rows of the resources frame.
    pub resources: u64,
    /// Points that repeat the resource, metric and time of another point (kept; a later
    /// aggregation decides).
    pub duplicate_points: u64,
}

impl UtilizationReport {
    /// Points read over all files.
    pub fn points_read(&self) -> u64 {
        self.files.iter().map(|f| f.points_read).sum()
    }
    /// Points kept over all files.
    pub fn points_kept(&self) -> u64 {
        self.files.iter().map(|f| f.points_kept).sum()
    }
    /// Points dropped over all files.
    pub fn points_dropped(&self) -> u64 {
        self.files.iter().map(FileReport::points_dropped).sum()
    }
    /// Warnings over all files.
    pub fn warnings(&self) -> u64 {
        self.files
            .iter()
            .flat_map(|f| f.warnings.iter())
            .map(|i| i.count)
            .sum()
    }
}

impl fmt::Display for UtilizationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "utilization load: {} file(s), {} resource(s); points read {}, kept {}, dropped {}; {} warning(s), {} duplicate point(s)",
            self.files.len(),
            self.resources,
            self.points_read(),
            self.points_kept(),
            self.points_dropped(),
            self.warnings(),
            self.duplicate_points
        )?;
        let width = self
            .files
            .iter()
            .map(|r| r.path.display().to_string().chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 60);
        writeln!(
            f,
            "{:<width$}  {:<32}  {:>9}  {:>7}  {:>12}  {:>12}  {:>10}  {:>8}",
            "file", "format", "rows", "series", "points read", "kept", "dropped", "warnings"
        )?;
        for r in &self.files {
            let path = r.path.display().to_string();
            let shown: String = if path.chars().count() > width {
                let tail: String = path.chars().rev().take(width - 3).collect();
                format!("...{}", tail.chars().rev().collect::<String>())
            } else {
                path
            };
            let warnings: u64 = r.warnings.iter().map(|i| i.count).sum();
            writeln!(
                f,
                "{:<width$}  {:<32}  {:>9}  {:>7}  {:>12}  {:>12}  {:>10}  {:>8}",
                shown,
                r.format.name(),
                r.rows.map_or_else(|| "-".to_string(), |n| n.to_string()),
                r.series,
                r.points_read,
                r.points_kept,
                r.points_dropped(),
                warnings
            )?;
        }
        for (title, pick) in [
            (
                "dropped",
                (|r: &FileReport| &r.dropped) as fn(&FileReport) -> &Vec<Issue>,
            ),
            ("warnings", |r: &FileReport| &r.warnings),
        ] {
            let any = self.files.iter().any(|r| !pick(r).is_empty());
            if !any {
                continue;
            }
            writeln!(f, "{title}:")?;
            for r in &self.files {
                for issue in pick(r) {
                    writeln!(
                        f,
                        "  {}: {} x {} (first: {})",
                        r.path.display(),
                        issue.count,
                        issue.reason,
                        issue.first
                    )?;
                }
            }
        }
        Ok(())
    }
}
