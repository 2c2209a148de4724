//! The Bitbrains GWA-T-12 trace (Grid Workloads Archive): one CSV per VM, fields separated by
//! `;` followed by a tab, one row per 5 minutes.
//!
//! The resource id is the file stem (`2013-7/1.csv` -> `1`, the VM's number in the trace).
//! Although the header says `Timestamp [ms]`, the published files hold unix **seconds**
//! (`1372629804` = 2013-06-30 22:03:24 UTC); a file whose largest timestamp is 10^11 or more is
//! read as milliseconds. KB in the trace are KiB (8 GiB of memory is `8388608.0` KB).
//!
//! | capcast metric | from | unit |
//! |---|---|---|
//! | `cpu_utilization` | `CPU usage [%]` | percent |
//! | `cpu_cores_used` | `CPU usage [MHZ]` / (`CPU capacity provisioned [MHZ]` / `CPU cores`) | cores |
//! | `memory_used_bytes` | `Memory usage [KB]` x 1024 | bytes |
//! | `memory_utilization` | 100 x `Memory usage [KB]` / `Memory capacity provisioned [KB]` | percent |
//! | `disk_read_bytes_per_second`, `disk_write_bytes_per_second` | `Disk read/write throughput [KB/s]` x 1024 | bytes/s |
//! | `network_received_bytes_per_second`, `network_transmitted_bytes_per_second` | `Network received/transmitted throughput [KB/s]` x 1024 | bytes/s |
//!
//! A row where the VM had no CPU provisioned (`CPU cores` 0) and used none has 0 cores used;
//! memory utilization is undefined (dropped and counted) where no memory was provisioned. The
//! resources frame gets `vcpu` = the largest `CPU cores` and `memory_gib` = the largest
//! `Memory capacity provisioned [KB]` / 1024^2 of the file (rows of a stopped VM show 0).
//! The CSV is read by polars; the disk and network columns are optional.

use std::path::Path;

use polars::prelude::*;

use super::parse::{parse_text, Parsed};
use super::points::{file_stem, one_series_frame, FileData, Issues, ResourceMeta};
use crate::error::{Error, Position, Result};

/// A parsed numeric column: the header name, the raw text (for messages), and each cell as a
/// number or the reason it is missing.
struct NumColumn<'a> {
    name: String,
    raw: &'a StringChunked,
    cells: Vec<std::result::Result<f64, &'static str>>,
}

/// A dropped point: its reason and where it happened.
type Dropped = (String, String);

impl NumColumn<'_> {
    /// Cell `i`, or why it is missing.
    fn get(&self, i: usize) -> std::result::Result<f64, Dropped> {
        self.cells[i].map_err(|reason| {
            (
                format!("{reason} in column '{}'", self.name),
                format!("row {}, value '{}'", i + 1, self.raw.get(i).unwrap_or("")),
            )
        })
    }
}

/// Parses column `wanted` (matched case-insensitively); a cell that is not a number is an error.
fn column<'a>(
    path: &Path,
    df: &'a DataFrame,
    wanted: &str,
    required: bool,
) -> Result<Option<NumColumn<'a>>> {
    let Some(found) = df
        .get_column_names()
        .into_iter()
        .find(|name| name.trim().eq_ignore_ascii_case(wanted))
    else {
        if required {
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            return Err(Error::data(
                Position::file(path).column(wanted),
                format!(
                    "missing required column; the header has [{}]",
                    names.join(", ")
                ),
            ));
        }
        return Ok(None);
    };
    let name = found.trim().to_string();
    let raw = df.column(found)?.str()?;
    let mut cells = Vec::with_capacity(raw.len());
    for (i, cell) in raw.iter().enumerate() {
        let parsed = match cell {
            None => Parsed::Drop("value is empty"),
            Some(text) => parse_text(text),
        };
        cells.push(match parsed {
            Parsed::Number(v) => Ok(v),
            Parsed::Drop(reason) => Err(reason),
            Parsed::Bad => {
                return Err(Error::data(
                    Position::file(path)
                        .row(i as u64 + 1)
                        .column(name)
                        .value(cell.unwrap_or("")),
                    "expected a number",
                ))
            }
        });
    }
    Ok(Some(NumColumn { name, raw, cells }))
}

/// Parses a required column.
fn required<'a>(path: &Path, df: &'a DataFrame, wanted: &str) -> Result<NumColumn<'a>> {
    column(path, df, wanted, true)?.ok_or_else(|| {
        Error::data(
            Position::file(path).column(wanted),
            "missing required column",
        )
    })
}

/// Reads one Bitbrains VM file.
pub(crate) fn read(path: &Path, mut bytes: Vec<u8>) -> Result<FileData> {
    // Fields are separated by ";\t": drop the tabs so polars splits on ';' alone.
    bytes.retain(|&b| b != b'\t');
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_separator(b';'))
        .into_reader_with_file_handle(std::io::Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::data(Position::file(path), format!("unreadable csv: {e}")))?;
    let n = df.height();
    let time = required(path, &df, "Timestamp [ms]")?;
    let cores = required(path, &df, "CPU cores")?;
    let cpu_provisioned = required(path, &df, "CPU capacity provisioned [MHZ]")?;
    let cpu_used = required(path, &df, "CPU usage [MHZ]")?;
    let cpu_percent = required(path, &df, "CPU usage [%]")?;
    let memory_provisioned = required(path, &df, "Memory capacity provisioned [KB]")?;
    let memory_used = required(path, &df, "Memory usage [KB]")?;

    // Timestamps: seconds unless the file's values are too large to be seconds.
    let mut largest = 0.0f64;
    for i in 0..n {
        let t = time.cells[i].map_err(|_| {
            Error::data(
                Position::file(path)
                    .row(i as u64 + 1)
                    .column(time.name.as_str())
                    .value(time.raw.get(i).unwrap_or("")),
                "expected a unix timestamp",
            )
        })?;
        if t < 0.0 {
            return Err(Error::data(
                Position::file(path)
                    .row(i as u64 + 1)
                    .column(time.name.as_str())
                    .value(time.raw.get(i).unwrap_or("")),
                "expected a non-negative unix timestamp",
            ));
        }
        largest = largest.max(t);
    }
    let to_us = if largest >= 1e11 { 1e3 } else { 1e6 };
    let ts: Vec<i64> = time
        .cells
        .iter()
        .map(|t| (t.unwrap_or(0.0) * to_us).round() as i64)
        .collect();

    let resource_id = file_stem(path);
    let mut frame = super::points::empty_samples();
    let mut dropped = Issues::default();
    let mut points_read = 0u64;
    let mut series = 0u64;
    let mut emit =
        |metric: &str, value: &dyn Fn(usize) -> std::result::Result<f64, Dropped>| -> Result<()> {
            let mut kept_ts = Vec::with_capacity(n);
            let mut kept = Vec::with_capacity(n);
            for (i, &t) in ts.iter().enumerate() {
                match value(i) {
                    Ok(v) => {
                        kept_ts.push(t);
                        kept.push(v);
                    }
                    Err((reason, example)) => dropped.add(reason, || example),
                }
            }
            points_read += n as u64;
            series += 1;
            frame.vstack_mut(&one_series_frame(&resource_id, metric, kept_ts, kept)?)?;
            Ok(())
        };

    emit("cpu_utilization", &|i| cpu_percent.get(i))?;
    emit("cpu_cores_used", &|i| {
        let used = cpu_used.get(i)?;
        if used == 0.0 {
            return Ok(0.0);
        }
        let (count, mhz) = (cores.get(i)?, cpu_provisioned.get(i)?);
        if count <= 0.0 || mhz <= 0.0 {
            return Err((
                "no cpu provisioned (cores used undefined)".to_string(),
                format!(
                    "row {}, CPU cores {count}, CPU capacity provisioned [MHZ] {mhz}",
                    i + 1
                ),
            ));
        }
        Ok(used / (mhz / count))
    })?;
    emit("memory_used_bytes", &|i| Ok(memory_used.get(i)? * 1024.0))?;
    emit("memory_utilization", &|i| {
        let used = memory_used.get(i)?;
        let provisioned = memory_provisioned.get(i)?;
        if provisioned <= 0.0 {
            return Err((
                "no memory provisioned (memory utilization undefined)".to_string(),
                format!(
                    "row {}, Memory capacity provisioned [KB] {provisioned}",
                    i + 1
                ),
            ));
        }
        Ok(100.0 * used / provisioned)
    })?;
    for (metric, wanted) in [
        ("disk_read_bytes_per_second", "Disk read throughput [KB/s]"),
        (
            "disk_write_bytes_per_second",
            "Disk write throughput [KB/s]",
        ),
        (
            "network_received_bytes_per_second",
            "Network received throughput [KB/s]",
        ),
        (
            "network_transmitted_bytes_per_second",
            "Network transmitted throughput [KB/s]",
        ),
    ] {
        if let Some(col) = column(path, &df, wanted, false)? {
            emit(metric, &|i| Ok(col.get(i)? * 1024.0))?;
        }
    }

    let largest_of = |c: &NumColumn<'_>| {
        c.cells
            .iter()
            .filter_map(|v| v.ok())
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
            .filter(|&v| v > 0.0)
    };
    let meta = ResourceMeta {
        resource_id: resource_id.clone(),
        vcpu: largest_of(&cores),
        memory_gib: largest_of(&memory_provisioned).map(|kb| kb / (1024.0 * 1024.0)),
        instance_type: None,
    };
    Ok(FileData {
        frame,
        rows: Some(n as u64),
        series,
        points_read,
        dropped,
        warnings: Issues::default(),
        resources: vec![meta],
    })
}
