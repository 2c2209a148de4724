//! The plain long CSV: `timestamp, resource_id, metric, value`, one point per row, plus the
//! optional capacity columns `vcpu`, `memory_gib` and `instance_type`.
//!
//! Column names are matched case-insensitively, in any order; the separator (`,`, `;` or tab)
//! is sniffed from the header. Timestamps are ISO 8601 (`2024-01-01T00:00:00Z`, with an offset,
//! or without one, read as UTC) or unix seconds. Metric names are kept as given. An empty,
//! `NaN` or infinite value drops the point (counted); text that is not a number is an error.
//! A resource's capacity is taken from the last row of the file that gives it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use polars::prelude::*;

use super::detect::{header_names, sniff_separator};
use super::parse::{parse_text, parse_time_text, Parsed};
use super::points::{FileData, Issues, ResourceMeta};
use crate::error::{Error, Position, Result};

/// The column of `df` named `wanted` (case-insensitively), as text.
fn find<'a>(df: &'a DataFrame, wanted: &str) -> Result<Option<(String, &'a StringChunked)>> {
    let Some(found) = df
        .get_column_names()
        .into_iter()
        .find(|name| name.trim().trim_matches('"').eq_ignore_ascii_case(wanted))
    else {
        return Ok(None);
    };
    Ok(Some((found.trim().to_string(), df.column(found)?.str()?)))
}

/// The required column `wanted`; its absence is an error listing the header.
fn required<'a>(
    path: &Path,
    df: &'a DataFrame,
    header: &[String],
    wanted: &str,
) -> Result<(String, &'a StringChunked)> {
    find(df, wanted)?.ok_or_else(|| {
        Error::data(
            Position::file(path).column(wanted),
            format!(
                "missing required column; a long csv needs timestamp, resource_id, metric, value and the header has [{}]",
                header.join(", ")
            ),
        )
    })
}

/// Reads a long CSV.
pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<FileData> {
    let header = header_names(bytes);
    let separator = {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        sniff_separator(&String::from_utf8_lossy(&bytes[..end]))
    };
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_separator(separator))
        .into_reader_with_file_handle(std::io::Cursor::new(bytes))
        .finish()
        .map_err(|e| Error::data(Position::file(path), format!("unreadable csv: {e}")))?;

    let (time_name, time) = required(path, &df, &header, "timestamp")?;
    let (resource_name, resource) = required(path, &df, &header, "resource_id")?;
    let (metric_name, metric) = required(path, &df, &header, "metric")?;
    let (value_name, value) = required(path, &df, &header, "value")?;
    let vcpu = find(&df, "vcpu")?;
    let memory = find(&df, "memory_gib")?;
    let instance_type = find(&df, "instance_type")?;

    let n = df.height();
    let mut kept_resource: Vec<&str> = Vec::with_capacity(n);
    let mut kept_metric: Vec<&str> = Vec::with_capacity(n);
    let mut kept_ts: Vec<i64> = Vec::with_capacity(n);
    let mut kept_value: Vec<f64> = Vec::with_capacity(n);
    let mut dropped = Issues::default();
    let mut metas: HashMap<&str, ResourceMeta> = HashMap::new();
    let mut last_time: Option<(&str, i64)> = None;

    let at = |row: usize, column: &str, cell: Option<&str>| {
        Position::file(path)
            .row(row as u64 + 1)
            .column(column)
            .value(cell.unwrap_or(""))
    };
    let number = |row: usize, column: &str, cell: Option<&str>| -> Result<Option<f64>> {
        match cell.map(parse_text) {
            None | Some(Parsed::Drop(_)) => Ok(None),
            Some(Parsed::Number(v)) => Ok(Some(v)),
            Some(Parsed::Bad) => Err(Error::data(at(row, column, cell), "expected a number")),
        }
    };

    let rows = time
        .iter()
        .zip(resource.iter())
        .zip(metric.iter())
        .zip(value.iter());
    for (i, (((t, r), m), v)) in rows.enumerate() {
        let r_text = r
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::data(at(i, &resource_name, r), "expected a resource id"))?;
        let m_text = m
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::data(at(i, &metric_name, m), "expected a metric name"))?;
        let t_text = t.map(str::trim).unwrap_or("");
        let ts = match last_time {
            Some((text, us)) if text == t_text => us,
            _ => {
                let us = parse_time_text(t_text)
                    .map_err(|bad| Error::data(at(i, &time_name, t), bad.message()))?;
                last_time = Some((t_text, us));
                us
            }
        };

        if vcpu.is_some() || memory.is_some() || instance_type.is_some() {
            let cpus = match &vcpu {
                Some((name, c)) => number(i, name, c.get(i))?,
                None => None,
            };
            let gib = match &memory {
                Some((name, c)) => number(i, name, c.get(i))?,
                None => None,
            };
            let kind = instance_type
                .as_ref()
                .and_then(|(_, c)| c.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            if cpus.is_some() || gib.is_some() || kind.is_some() {
                let later = ResourceMeta {
                    resource_id: r_text.to_string(),
                    vcpu: cpus,
                    memory_gib: gib,
                    instance_type: kind,
                };
                metas
                    .entry(r_text)
                    .and_modify(|old| old.merge(&later))
                    .or_insert(later);
            }
        }

        match v.map_or(Parsed::Drop("value is empty"), parse_text) {
            Parsed::Number(x) => {
                kept_resource.push(r_text);
                kept_metric.push(m_text);
                kept_ts.push(ts);
                kept_value.push(x);
            }
            Parsed::Drop(reason) => dropped.add(reason, || {
                format!(
                    "row {}, column '{value_name}', value '{}'",
                    i + 1,
                    v.unwrap_or("")
                )
            }),
            Parsed::Bad => return Err(Error::data(at(i, &value_name, v), "expected a number")),
        }
    }

    let series = kept_resource
        .iter()
        .zip(&kept_metric)
        .collect::<HashSet<_>>()
        .len() as u64;
    let kept = kept_ts.len();
    let frame = DataFrame::new(
        kept,
        vec![
            StringChunked::from_iter_values("resource_id".into(), kept_resource.into_iter())
                .into_column(),
            StringChunked::from_iter_values("metric".into(), kept_metric.into_iter()).into_column(),
            Int64Chunked::from_vec("ts".into(), kept_ts)
                .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
                .into_column(),
            Float64Chunked::from_vec("value".into(), kept_value).into_column(),
        ],
    )?;
    let mut resources: Vec<ResourceMeta> = metas.into_values().collect();
    resources.sort_by(|a, b| a.resource_id.cmp(&b.resource_id));
    Ok(FileData {
        frame,
        rows: Some(n as u64),
        series,
        points_read: n as u64,
        dropped,
        warnings: Issues::default(),
        resources,
    })
}
