//! Utilization loaders: CloudWatch, Prometheus, Azure Monitor, Bitbrains and plain CSV exports
//! to one long frame `resource_id, metric, ts, value`, a frame of resource sizes, and a report.
//!
//! [`read_utilization`] takes files and folders (a folder is read file by file, in sorted
//! order, taking every `.json`, `.csv`, `.json.gz` and `.csv.gz` file in it, not recursing).
//! Each file's format is detected from its content (the JSON shape or the CSV header) unless
//! [`UtilizationOptions::format`] names one. Every point a file holds is accounted for in the
//! [`UtilizationReport`]: kept, or dropped with a reason (a `NaN`, an empty cell, the first
//! sample of a counter, ...). Values that look wrong but may be real (a percentage above 100, a
//! negative utilization) are kept and counted as warnings: rightsizing judges them later.
//!
//! # Metric names
//! Known metrics get one name whatever the source, so that later steps can find them:
//!
//! | source name | capcast metric | unit |
//! |---|---|---|
//! | CloudWatch `CPUUtilization`, Azure `Percentage CPU`, Bitbrains `CPU usage [%]` | `cpu_utilization` | percent, 0-100 |
//! | CloudWatch agent `mem_used_percent`, `MemoryUtilization` | `memory_utilization` | percent, 0-100 |
//! | Prometheus `container_cpu_usage_seconds_total`, `node_cpu_seconds_total` (as a rate) | `cpu_cores` | cores |
//! | Prometheus `container_memory_working_set_bytes` | `memory_working_set_bytes` | bytes |
//! | Prometheus `<name>_total` (any other counter, as a rate) | `<name>_per_second` | per second |
//! | Azure `Available Memory Bytes` | `memory_available_bytes` | bytes |
//!
//! Bitbrains metrics are listed in the `bitbrains` module; other names are kept as given.
//! When several series of one file would share a resource and a metric (a Prometheus metric
//! per `mode` and `cpu`, an Azure metric per disk), the labels that tell them apart are appended
//! to the metric as `metric{label=value,...}`, labels sorted by name.
//!
//! # Resource ids
//! - CloudWatch GetMetricData: an EC2 instance id (`i-` and 8 or 17 hex digits) found in the
//!   result's `Label` (or, written `i_...`, in its `Id`); otherwise, for a `Label` of several
//!   words, every word but the last (the last is the metric); otherwise
//!   [`UtilizationOptions::resource_id`], otherwise the result's `Id`.
//! - CloudWatch GetMetricStatistics: [`UtilizationOptions::resource_id`], otherwise the file
//!   stem (`web-1.json` -> `web-1`).
//! - Prometheus: `namespace/pod/container` when the series has `container` and `pod` labels
//!   (`pod/container` without a namespace), else the `instance` label, else every label but
//!   `__name__` as `k=v,k=v` (sorted), else [`UtilizationOptions::resource_id`] or the file stem.
//! - Azure Monitor: the metric's `id` up to `/providers/Microsoft.Insights/metrics`.
//! - Bitbrains: the file stem (`bitbrains-rnd-2013-7/1.csv` -> `1`, the VM's number in the
//!   trace). Two traces loaded together may therefore share ids: load them separately.
//! - Long CSV: the `resource_id` column.
//!
//! ```no_run
//! use capcast::ingest::{read_utilization, UtilizationOptions};
//!
//! let utilization = read_utilization(
//!     &["../shared/data/utilization/bitbrains-rnd-2013-7"],
//!     &UtilizationOptions::default(),
//! )?;
//! println!("{}", utilization.report);
//! println!("{}", utilization.samples);
//! # Ok::<(), capcast::Error>(())
//! ```

mod azure;
mod bitbrains;
mod cloudwatch;
mod counter;
mod detect;
mod json;
mod long_csv;
mod parse;
mod points;
mod prometheus;
mod report;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use polars::prelude::*;

use crate::error::{Error, Position, Result};
pub use report::{FileReport, Issue, UtilizationReport};

use points::{FileData, ResourceMeta};

/// The utilization export formats capcast reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UtilizationFormat {
    /// AWS CloudWatch `GetMetricData` JSON: `MetricDataResults[] {Id, Label, Timestamps[],
    /// Values[], StatusCode}`; one page per file, or a JSON array of pages.
    CloudWatchGetMetricData,
    /// AWS CloudWatch `GetMetricStatistics` JSON: `{Label, Datapoints[] {Timestamp, Average,
    /// Maximum, Minimum, Sum, SampleCount, Unit}}`.
    CloudWatchGetMetricStatistics,
    /// Prometheus HTTP API `query_range` (or instant `query`) JSON.
    PrometheusRange,
    /// Azure Monitor metrics JSON: `value[] {id, name{value}, unit, timeseries[] {metadatavalues[],
    /// data[] {timeStamp, average, minimum, maximum, total, count}}}`.
    AzureMonitor,
    /// The Bitbrains GWA-T-12 trace: one `;`+tab separated CSV per VM.
    Bitbrains,
    /// A long CSV: `timestamp, resource_id, metric, value` (+ `vcpu`, `memory_gib`,
    /// `instance_type`).
    LongCsv,
}

impl UtilizationFormat {
    /// Every format, in the order they are documented.
    pub const ALL: [UtilizationFormat; 6] = [
        UtilizationFormat::CloudWatchGetMetricData,
        UtilizationFormat::CloudWatchGetMetricStatistics,
        UtilizationFormat::PrometheusRange,
        UtilizationFormat::AzureMonitor,
        UtilizationFormat::Bitbrains,
        UtilizationFormat::LongCsv,
    ];

    /// The format's name as the command line and Python spell it (`cloudwatch-get-metric-data`).
    pub fn name(self) -> &'static str {
        match self {
            UtilizationFormat::CloudWatchGetMetricData => "cloudwatch-get-metric-data",
            UtilizationFormat::CloudWatchGetMetricStatistics => "cloudwatch-get-metric-statistics",
            UtilizationFormat::PrometheusRange => "prometheus-range",
            UtilizationFormat::AzureMonitor => "azure-monitor",
            UtilizationFormat::Bitbrains => "bitbrains",
            UtilizationFormat::LongCsv => "long-csv",
        }
    }
}

impl fmt::Display for UtilizationFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for UtilizationFormat {
    type Err = Error;

    /// Parses a name from [`UtilizationFormat::name`] (`_` may stand for `-`, case ignored).
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        UtilizationFormat::ALL
            .into_iter()
            .find(|format| format.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = UtilizationFormat::ALL.iter().map(|f| f.name()).collect();
                Error::parameter(
                    "format",
                    format!("unknown format '{s}': expected one of {}", names.join(", ")),
                )
            })
    }
}

/// Which CloudWatch statistic (or Azure Monitor aggregation) becomes the value of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Statistic {
    /// CloudWatch `Average`, Azure `average` (the default).
    #[default]
    Average,
    /// CloudWatch `Maximum`, Azure `maximum`.
    Maximum,
    /// CloudWatch `Minimum`, Azure `minimum`.
    Minimum,
    /// CloudWatch `Sum`, Azure `total`.
    Sum,
    /// CloudWatch `SampleCount`, Azure `count`.
    SampleCount,
}

impl Statistic {
    /// The field name in CloudWatch `GetMetricStatistics` datapoints.
    pub fn cloudwatch_field(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Maximum => "Maximum",
            Statistic::Minimum => "Minimum",
            Statistic::Sum => "Sum",
            Statistic::SampleCount => "SampleCount",
        }
    }

    /// The field name in Azure Monitor data points.
    pub fn azure_field(self) -> &'static str {
        match self {
            Statistic::Average => "average",
            Statistic::Maximum => "maximum",
            Statistic::Minimum => "minimum",
            Statistic::Sum => "total",
            Statistic::SampleCount => "count",
        }
    }
}

impl FromStr for Statistic {
    type Err = Error;

    /// Parses `average`, `maximum`, `minimum`, `sum` (or `total`), `samplecount` (or `count`);
    /// case ignored.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace(['_', '-'], "").as_str() {
            "average" | "avg" | "mean" => Ok(Statistic::Average),
            "maximum" | "max" => Ok(Statistic::Maximum),
            "minimum" | "min" => Ok(Statistic::Minimum),
            "sum" | "total" => Ok(Statistic::Sum),
            "samplecount" | "count" => Ok(Statistic::SampleCount),
            _ => Err(Error::parameter(
                "statistic",
                format!(
                    "unknown statistic '{s}': expected average, maximum, minimum, sum or samplecount"
                ),
            )),
        }
    }
}

/// How to read utilization exports.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `format` | `None` | the format of every file; `None` detects each file's format from its content |
/// | `counters_to_rates` | `true` | turn Prometheus counters (`*_total`) into per-second rates |
/// | `statistic` | `Average` | the CloudWatch statistic / Azure aggregation kept as the value |
/// | `resource_id` | `None` | the resource of sources that do not name one (see the module docs) |
/// | `metric` | `None` | the metric of series that carry no name: Prometheus results without `__name__` (default: the file stem), CloudWatch statistics without `Label`, Azure metrics without `name` |
#[derive(Debug, Clone, PartialEq)]
pub struct UtilizationOptions {
    /// The format of every file; `None` detects it from each file's content.
    pub format: Option<UtilizationFormat>,
    /// Turn Prometheus counters (`*_total`) into per-second rates, handling counter resets.
    pub counters_to_rates: bool,
    /// The CloudWatch `GetMetricStatistics` statistic, or Azure Monitor aggregation, to keep.
    pub statistic: Statistic,
    /// The resource id of sources that do not carry one.
    pub resource_id: Option<String>,
    /// The metric name of series that carry none (Prometheus results of `rate()`, which drop
    /// `__name__`; CloudWatch statistics without a `Label`; Azure metrics without a `name`).
    pub metric: Option<String>,
}

impl Default for UtilizationOptions {
    fn default() -> Self {
        UtilizationOptions {
            format: None,
            counters_to_rates: true,
            statistic: Statistic::Average,
            resource_id: None,
            metric: None,
        }
    }
}

/// What [`read_utilization`] returns.
#[derive(Debug, Clone)]
pub struct Utilization {
    /// The long frame `resource_id: String, metric: String, ts: Datetime(us, UTC),
    /// value: Float64`, sorted by `resource_id`, `metric`, `ts` (ties keep file order).
    pub samples: DataFrame,
    /// One row per resource (those in `samples` and those with known sizes), sorted by id:
    /// `resource_id: String, vcpu: Float64, memory_gib: Float64, instance_type: String`,
    /// null where the source does not say.
    pub resources: DataFrame,
    /// Per file: the format, the points read, kept and dropped (with reasons) and warnings.
    pub report: UtilizationReport,
}

/// Reads utilization exports (files or folders) into one long frame.
///
/// # Errors
/// - [`Error::NotFound`] / [`Error::Io`] for a path that cannot be read;
/// - [`Error::UnknownFormat`] for a file that is none of the supported shapes (the message
///   lists what was found and the supported formats);
/// - [`Error::Json`] for a JSON file that does not parse;
/// - [`Error::Data`] for an empty file, a folder without supported files, a negative or
///   unreadable timestamp, a value that is not a number, a missing required column, or a
///   Prometheus response whose status is not `success`; the message names the file, the row
///   or point, the column or field, and the value.
///
/// # Example
/// ```
/// use capcast::ingest::{read_utilization, UtilizationOptions};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("cpu.csv");
/// std::fs::write(&path, "timestamp,resource_id,metric,value\n\
///     2024-01-01T00:00:00Z,web-1,cpu_utilization,12.5\n\
///     1704067500,web-1,cpu_utilization,NaN\n")?;
/// let utilization = read_utilization(&[&path], &UtilizationOptions::default())?;
/// assert_eq!(utilization.samples.height(), 1);
/// assert_eq!(utilization.report.points_dropped(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_utilization<P: AsRef<Path>>(
    paths: &[P],
    options: &UtilizationOptions,
) -> Result<Utilization> {
    if paths.is_empty() {
        return Err(Error::parameter(
            "paths",
            "expected at least one file or folder",
        ));
    }
    let mut files = Vec::new();
    for path in paths {
        files.extend(expand(path.as_ref())?);
    }

    let mut frames = Vec::with_capacity(files.len());
    let mut reports = Vec::with_capacity(files.len());
    let mut metas: BTreeMap<String, ResourceMeta> = BTreeMap::new();
    for file in &files {
        let (format, mut data) = read_file(file, options)?;
        points::range_warnings(&data.frame, &mut data.warnings)?;
        for meta in data.resources.drain(..) {
            metas
                .entry(meta.resource_id.clone())
                .and_modify(|old| old.merge(&meta))
                .or_insert(meta);
        }
        reports.push(FileReport {
            path: file.clone(),
            format,
            rows: data.rows,
            series: data.series,
            points_read: data.points_read,
            points_kept: data.frame.height() as u64,
            dropped: data.dropped.into_vec(),
            warnings: data.warnings.into_vec(),
        });
        frames.push(data.frame);
    }

    let mut samples = points::empty_samples();
    for frame in &frames {
        samples.vstack_mut(frame)?;
    }
    let samples = points::sort_samples(samples)?;
    let duplicate_points = points::count_duplicates(&samples)?;
    let resources = points::resources_frame(&samples, &metas)?;
    let report = UtilizationReport {
        files: reports,
        resources: resources.height() as u64,
        duplicate_points,
    };
    Ok(Utilization {
        samples,
        resources,
        report,
    })
}

/// The files a path stands for: the file itself, or a folder's supported files, sorted.
fn expand(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let file = entry.path();
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        let supported = [".json", ".csv", ".json.gz", ".csv.gz"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if supported && !name.starts_with('.') && file.is_file() {
            files.push(file);
        }
    }
    if files.is_empty() {
        return Err(Error::data(
            Position::file(path),
            "folder holds no utilization file: expected .json, .csv, .json.gz or .csv.gz files",
        ));
    }
    // Natural order, so that `2.csv` comes before `10.csv`.
    files.sort_by_cached_key(|path| natural_key(path));
    Ok(files)
}

/// A sort key that orders runs of digits by their value.
fn natural_key(path: &Path) -> Vec<(String, u64)> {
    let name = path.to_string_lossy();
    let mut key = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((
                    std::mem::take(&mut text),
                    digits.parse().unwrap_or(u64::MAX),
                ));
                digits.clear();
            }
            text.push(c);
        }
    }
    let last = if digits.is_empty() {
        0
    } else {
        digits.parse().unwrap_or(u64::MAX)
    };
    key.push((text, last));
    key
}

/// Reads one file (decompressing `.gz`) and hands it to the loader of its format.
fn read_file(path: &Path, options: &UtilizationOptions) -> Result<(UtilizationFormat, FileData)> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let is_gz = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
    let bytes = if is_gz {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| Error::io(path, e))?;
        out
    } else {
        raw
    };
    let bytes = strip_bom(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::data(
            Position::file(path),
            "empty file: expected utilization data (json or csv)",
        ));
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let is_json = matches!(first, Some(b'{') | Some(b'['));

    if is_json {
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|source| Error::Json {
                path: path.to_path_buf(),
                source,
            })?;
        let format = match options.format {
            Some(format) => format,
            None => detect::json_format(&json).map_err(|detail| Error::UnknownFormat {
                path: path.to_path_buf(),
                detail,
            })?,
        };
        let data = match format {
            UtilizationFormat::CloudWatchGetMetricData => {
                cloudwatch::read_get_metric_data(path, &json, options)?
            }
            UtilizationFormat::CloudWatchGetMetricStatistics => {
                cloudwatch::read_get_metric_statistics(path, &json, options)?
            }
            UtilizationFormat::PrometheusRange => prometheus::read(path, &json, options)?,
            UtilizationFormat::AzureMonitor => azure::read(path, &json, options)?,
            UtilizationFormat::Bitbrains | UtilizationFormat::LongCsv => {
                return Err(Error::UnknownFormat {
                    path: path.to_path_buf(),
                    detail: format!(
                        "the file is json but the format '{format}' was asked for, which is csv"
                    ),
                })
            }
        };
        Ok((format, data))
    } else {
        let format = match options.format {
            Some(format) => format,
            None => detect::csv_format(&bytes).map_err(|detail| Error::UnknownFormat {
                path: path.to_path_buf(),
                detail,
            })?,
        };
        let data = match format {
            UtilizationFormat::Bitbrains => bitbrains::read(path, bytes)?,
            UtilizationFormat::LongCsv => long_csv::read(path, &bytes)?,
            other => {
                return Err(Error::UnknownFormat {
                    path: path.to_path_buf(),
                    detail: format!(
                        "the file is not json but the format '{other}' was asked for, which is json"
                    ),
                })
            }
        };
        Ok((format, data))
    }
}

/// Drops a UTF-8 byte order mark.
fn strip_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in UtilizationFormat::ALL {
            assert_eq!(
                format.name().parse::<UtilizationFormat>().ok(),
                Some(format)
            );
        }
        assert_eq!(
            "Long_CSV".parse::<UtilizationFormat>().ok(),
            Some(UtilizationFormat::LongCsv)
        );
        assert!("xml".parse::<UtilizationFormat>().is_err());
    }

    #[test]
    fn statistics_parse() {
        assert_eq!(
            "Maximum".parse::<Statistic>().ok(),
            Some(Statistic::Maximum)
        );
        assert_eq!("total".parse::<Statistic>().ok(), Some(Statistic::Sum));
        assert!("p99".parse::<Statistic>().is_err());
    }

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut files = vec![
            PathBuf::from("d/10.csv"),
            PathBuf::from("d/2.csv"),
            PathBuf::from("d/1.csv"),
        ];
        files.sort_by_cached_key(|path| natural_key(path));
        assert_eq!(
            files,
            vec![
                PathBuf::from("d/1.csv"),
                PathBuf::from("d/2.csv"),
                PathBuf::from("d/10.csv")
            ]
        );
    }
}
