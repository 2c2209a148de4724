//! Shared pieces of the utilization loaders: series buffers and their conversion to the long
//! frame, the tally of dropped points and warnings, metric names, the range warnings, sorting,
//! and the resources frame.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use polars::prelude::*;

use super::parse::{parse_json, parse_time_json, show, show_time, Parsed};
use super::report::Issue;
use crate::error::{Error, Position, Result};

/// `Datetime(us, "UTC")`, the type of `ts`.
pub(crate) fn utc_datetime() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// One series read from a file: a resource, a metric, the labels that may tell it apart from
/// another series with the same resource and metric, and its points.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeriesBuf {
    pub resource_id: String,
    pub metric: String,
    pub labels: BTreeMap<String, String>,
    /// Microseconds since the Unix epoch, UTC.
    pub ts: Vec<i64>,
    pub value: Vec<f64>,
}

impl SeriesBuf {
    /// Adds the JSON point (`t`, `v`) of `path`: a number is kept, a missing or non-finite
    /// value is dropped and counted in `dropped`. `t_at` and `v_at` name where `t` and `v` are
    /// (built only when needed), and `not_a_number` is the message for a value that is neither.
    ///
    /// # Errors
    ///
    /// A data error naming the file, the place and the value when the timestamp is unreadable
    /// or the value is not a number.
    pub fn push_json(
        &mut self,
        path: &Path,
        dropped: &mut Issues,
        (t, t_at): (&serde_json::Value, impl Fn() -> String),
        (v, v_at): (&serde_json::Value, impl Fn() -> String),
        not_a_number: &str,
    ) -> Result<()> {
        let ts = parse_time_json(t).map_err(|bad| {
            Error::data(
                Position::file(path).column(t_at()).value(show(t)),
                bad.message(),
            )
        })?;
        match parse_json(v) {
            Parsed::Number(x) => {
                self.ts.push(ts);
                self.value.push(x);
            }
            Parsed::Drop(reason) => {
                dropped.add(reason, || format!("{}, value '{}'", v_at(), show(v)))
            }
            Parsed::Bad => {
                return Err(Error::data(
                    Position::file(path).column(v_at()).value(show(v)),
                    not_a_number,
                ))
            }
        }
        Ok(())
    }
}

/// What is known about a resource's size.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ResourceMeta {
    pub resource_id: String,
    pub vcpu: Option<f64>,
    pub memory_gib: Option<f64>,
    pub instance_type: Option<String>,
}

impl ResourceMeta {
    /// Later files win where they know a value.
    pub fn merge(&mut self, later: &ResourceMeta) {
        if later.vcpu.is_some() {
            self.vcpu = later.vcpu;
        }
        if later.memory_gib.is_some() {
            self.memory_gib = later.memory_gib;
        }
        if later.instance_type.is_some() {
            self.instance_type = later.instance_type.clone();
        }
    }
}

/// What one loader returns for one file.
pub(crate) struct FileData {
    /// Kept points as a long frame (not yet sorted).
    pub frame: DataFrame,
    /// Data rows of a CSV file.
    pub rows: Option<u64>,
    /// Series in the file.
    pub series: u64,
    /// Points the file holds (kept + dropped).
    pub points_read: u64,
    pub dropped: Issues,
    pub warnings: Issues,
    pub resources: Vec<ResourceMeta>,
}

impl FileData {
    /// A file's data from its series: disambiguates metric names and builds the frame.
    pub fn from_series(
        mut series: Vec<SeriesBuf>,
        points_read: u64,
        dropped: Issues,
        warnings: Issues,
    ) -> Result<Self> {
        disambiguate(&mut series);
        Ok(FileData {
            frame: series_frame(&series)?,
            rows: None,
            series: series.len() as u64,
            points_read,
            dropped,
            warnings,
            resources: Vec::new(),
        })
    }
}

/// A tally of reasons (for dropped points or warnings), each with a count and its first example.
#[derive(Debug, Clone, Default)]
pub(crate) struct Issues(BTreeMap<String, (u64, String)>);

impl Issues {
    /// Counts one occurrence of `reason`; `example` (where it happened) is kept for the first.
    pub fn add(&mut self, reason: impl Into<String>, example: impl FnOnce() -> String) {
        self.add_n(reason, 1, example);
    }

    /// Counts `n` occurrences of `reason`.
    pub fn add_n(&mut self, reason: impl Into<String>, n: u64, example: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        self.0
            .entry(reason.into())
            .and_modify(|(count, _)| *count += n)
            .or_insert_with(|| (n, example()));
    }

    /// The total count.
    #[cfg(test)]
    pub fn total(&self) -> u64 {
        self.0.values().map(|(n, _)| n).sum()
    }

    /// The tally as report items, sorted by reason.
    pub fn into_vec(self) -> Vec<Issue> {
        self.0
            .into_iter()
            .map(|(reason, (count, first))| Issue {
                reason,
                count,
                first,
            })
            .collect()
    }
}

/// The file stem (`web-1.json.gz` -> `web-1`).
pub(crate) fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for ext in [".gz", ".json", ".csv"] {
        if stem.len() > ext.len() && stem.to_ascii_lowercase().ends_with(ext) {
            stem = &stem[..stem.len() - ext.len()];
        }
    }
    stem.to_string()
}

/// capcast's name for a metric known under another name in some source (see the module docs
/// of `utilization`); other names are returned unchanged.
pub(crate) fn canonical_metric(name: &str) -> String {
    match name.trim() {
        "CPUUtilization" | "Percentage CPU" => "cpu_utilization".to_string(),
        "mem_used_percent" | "MemoryUtilization" => "memory_utilization".to_string(),
        "container_memory_working_set_bytes" => "memory_working_set_bytes".to_string(),
        "Available Memory Bytes" => "memory_available_bytes".to_string(),
        other => other.to_string(),
    }
}

/// Whether a metric is a percentage (checked against 0..=100): names ending in
/// `_utilization` or `_percent`, before any `{labels}` suffix.
pub(crate) fn is_percent_metric(metric: &str) -> bool {
    let base = metric.split('{').next().unwrap_or(metric);
    base.ends_with("_utilization") || base.ends_with("_percent")
}

/// Appends the labels that tell apart series sharing a resource and a metric.
pub(crate) fn disambiguate(series: &mut [SeriesBuf]) {
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, s) in series.iter().enumerate() {
        groups
            .entry((s.resource_id.clone(), s.metric.clone()))
            .or_default()
            .push(i);
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let keys: BTreeSet<&String> = members
            .iter()
            .flat_map(|&i| series[i].labels.keys())
            .collect();
        let differing: Vec<String> = keys
            .into_iter()
            .filter(|key| {
                let first = series[members[0]].labels.get(*key);
                members.iter().any(|&i| series[i].labels.get(*key) != first)
            })
            .cloned()
            .collect();
        if differing.is_empty() {
            continue;
        }
        for &i in members {
            let suffix: Vec<String> = differing
                .iter()
                .map(|k| {
                    let v = series[i].labels.get(k).map(String::as_str).unwrap_or("");
                    format!("{k}={v}")
                })
                .collect();
            series[i].metric = format!("{}{{{}}}", series[i].metric, suffix.join(","));
        }
    }
}

/// The empty long frame with its schema.
pub(crate) fn empty_samples() -> DataFrame {
    let schema = Schema::from_iter([
        Field::new("resource_id".into(), DataType::String),
        Field::new("metric".into(), DataType::String),
        Field::new("ts".into(), utc_datetime()),
        Field::new("value".into(), DataType::Float64),
    ]);
    DataFrame::empty_with_schema(&schema)
}

/// A long frame for one resource and metric.
pub(crate) fn one_series_frame(
    resource_id: &str,
    metric: &str,
    ts: Vec<i64>,
    value: Vec<f64>,
) -> Result<DataFrame> {
    let n = ts.len();
    let columns = vec![
        StringChunked::full("resource_id".into(), resource_id, n).into_column(),
        StringChunked::full("metric".into(), metric, n).into_column(),
        Int64Chunked::from_vec("ts".into(), ts)
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column(),
        Float64Chunked::from_vec("value".into(), value).into_column(),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// The long frame of a file's series.
pub(crate) fn series_frame(series: &[SeriesBuf]) -> Result<DataFrame> {
    let mut frame = empty_samples();
    for s in series {
        let one = one_series_frame(&s.resource_id, &s.metric, s.ts.clone(), s.value.clone())?;
        frame.vstack_mut(&one)?;
    }
    Ok(frame)
}

/// Sorts a long frame by `resource_id`, `metric`, `ts`, keeping file order for ties.
///
/// A polars sort on the two text columns takes most of a second for 1.6 million rows; the
/// frame holds few (resource, metric) pairs, each mostly a run already in time order, so the
/// pairs are ranked once and a stable, run-aware sort of (rank, time, row) gives the order.
pub(crate) fn sort_samples(mut frame: DataFrame) -> Result<DataFrame> {
    use std::collections::HashMap;
    let order = {
        let resource = frame.column("resource_id")?.str()?;
        let metric = frame.column("metric")?.str()?;
        let ts = frame.column("ts")?.datetime()?.physical();
        let mut ids: HashMap<(&str, &str), u32> = HashMap::new();
        let mut provisional = Vec::with_capacity(frame.height());
        for (r, m) in resource.iter().zip(metric.iter()) {
            let key = (r.unwrap_or(""), m.unwrap_or(""));
            let next = ids.len() as u32;
            provisional.push(*ids.entry(key).or_insert(next));
        }
        let mut pairs: Vec<(&(&str, &str), &u32)> = ids.iter().collect();
        pairs.sort();
        let mut rank = vec![0u32; pairs.len()];
        for (position, (_, &id)) in pairs.iter().enumerate() {
            rank[id as usize] = position as u32;
        }
        let mut keys: Vec<(u32, i64, IdxSize)> = provisional
            .iter()
            .zip(ts.iter())
            .enumerate()
            .map(|(row, (&id, t))| (rank[id as usize], t.unwrap_or(i64::MIN), row as IdxSize))
            .collect();
        if keys.is_sorted() {
            return Ok(frame);
        }
        keys.sort();
        keys.into_iter()
            .map(|(_, _, row)| row)
            .collect::<Vec<IdxSize>>()
    };
    frame.rechunk_mut();
    Ok(frame.take(&IdxCa::from_vec("order".into(), order))?)
}

/// Counts values outside their plausible range as warnings: percentages above 100 or below 0,
/// negative values of other metrics. The first example names resource, metric, time and value.
pub(crate) fn range_warnings(frame: &DataFrame, warnings: &mut Issues) -> Result<()> {
    if frame.height() == 0 {
        return Ok(());
    }
    let resource = frame.column("resource_id")?.str()?;
    let metric = frame.column("metric")?.str()?;
    let ts = frame.column("ts")?.datetime()?.physical().clone();
    let value = frame.column("value")?.f64()?;
    let mut percent_cache: Option<(String, bool)> = None;
    for i in 0..frame.height() {
        let (Some(m), Some(v)) = (metric.get(i), value.get(i)) else {
            continue;
        };
        let percent = match &percent_cache {
            Some((name, p)) if name == m => *p,
            _ => {
                let p = is_percent_metric(m);
                percent_cache = Some((m.to_string(), p));
                p
            }
        };
        let reason = if percent && v > 100.0 {
            "percentage above 100"
        } else if percent && v < 0.0 {
            "negative percentage"
        } else if v < 0.0 {
            "negative value"
        } else {
            continue;
        };
        warnings.add(reason, || {
            format!(
                "resource '{}', metric '{m}', ts {}, value {v}",
                resource.get(i).unwrap_or(""),
                ts.get(i).map(show_time).unwrap_or_default()
            )
        });
    }
    Ok(())
}

/// Points of a sorted long frame that repeat the resource, metric and time of the point before.
pub(crate) fn count_duplicates(sorted: &DataFrame) -> Result<u64> {
    if sorted.height() < 2 {
        return Ok(0);
    }
    let out = sorted
        .clone()
        .lazy()
        .select([col("resource_id")
            .eq(col("resource_id").shift(lit(1)))
            .and(col("metric").eq(col("metric").shift(lit(1))))
            .and(col("ts").eq(col("ts").shift(lit(1))))
            .cast(DataType::UInt64)
            .sum()
            .alias("duplicates")])
        .collect()?;
    let n = out.column("duplicates")?.u64()?.get(0).unwrap_or(0);
    Ok(n)
}

/// One row per resource in `samples` or in `metas`, sorted by id.
pub(crate) fn resources_frame(
    samples: &DataFrame,
    metas: &BTreeMap<String, ResourceMeta>,
) -> Result<DataFrame> {
    let mut ids: BTreeSet<String> = metas.keys().cloned().collect();
    let unique = samples.column("resource_id")?.unique()?;
    for id in unique.str()?.iter().flatten() {
        ids.insert(id.to_string());
    }
    let n = ids.len();
    let mut vcpu = Vec::with_capacity(n);
    let mut memory = Vec::with_capacity(n);
    let mut instance_type = Vec::with_capacity(n);
    for id in &ids {
        let meta = metas.get(id);
        vcpu.push(meta.and_then(|m| m.vcpu));
        memory.push(meta.and_then(|m| m.memory_gib));
        instance_type.push(meta.and_then(|m| m.instance_type.clone()));
    }
    let ids: Vec<String> = ids.into_iter().collect();
    let columns = vec![
        Column::new("resource_id".into(), ids),
        Column::new("vcpu".into(), vcpu),
        Column::new("memory_gib".into(), memory),
        Column::new("instance_type".into(), instance_type),
    ];
    Ok(DataFrame::new(n, columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(file_stem(Path::new("a/web-1.json.gz")), "web-1");
        assert_eq!(file_stem(Path::new("a/1.csv")), "1");
    }

    #[test]
    fn disambiguation_appends_differing_labels() {
        let mk = |mode: &str, cpu: &str| SeriesBuf {
            resource_id: "n1".into(),
            metric: "cpu_cores".into(),
            labels: [
                ("mode".to_string(), mode.to_string()),
                ("cpu".to_string(), cpu.to_string()),
                ("job".to_string(), "node".to_string()),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        let mut series = vec![mk("idle", "0"), mk("user", "0")];
        disambiguate(&mut series);
        assert_eq!(series[0].metric, "cpu_cores{mode=idle}");
        assert_eq!(series[1].metric, "cpu_cores{mode=user}");
    }
}
