//! AWS CloudWatch exports: `GetMetricData` pages (`MetricDataResults[]`) and
//! `GetMetricStatistics` responses (`Datapoints[]`), as the AWS CLI and SDKs print them.
//!
//! Timestamps are ISO 8601 strings (`2024-01-01T00:05:00+00:00`) or unix seconds. A file may
//! hold one page or a JSON array of pages; `NextToken` is ignored (pages come as files).

use std::path::Path;

use serde_json::Value;

use super::json::{array, pages, text};
use super::parse::{parse_json, parse_time_json, show, Parsed};
use super::points::{canonical_metric, file_stem, FileData, Issues, SeriesBuf};
use super::UtilizationOptions;
use crate::error::{Error, Position, Result};

/// Reads a `GetMetricData` document.
pub(crate) fn read_get_metric_data(
    path: &Path,
    json: &Value,
    options: &UtilizationOptions,
) -> Result<FileData> {
    let mut series = Vec::new();
    let mut dropped = Issues::default();
    let mut warnings = Issues::default();
    let mut points_read = 0u64;
    for (prefix, page) in pages(path, json, "GetMetricData")? {
        let results = array(path, page, &prefix, "MetricDataResults")?;
        for (r, result) in results.iter().enumerate() {
            let at = format!("{prefix}MetricDataResults[{r}]");
            let Value::Object(result) = result else {
                return Err(Error::data(
                    Position::file(path).column(at).value(show(result)),
                    "expected a metric data result (a json object)",
                ));
            };
            let id = text(result, "Id").unwrap_or("");
            let label = text(result, "Label").unwrap_or("");
            let (resource_id, metric) = names(id, label, path, options);
            let timestamps = array(path, result, &format!("{at}."), "Timestamps")?;
            let values = array(path, result, &format!("{at}."), "Values")?;
            if timestamps.len() != values.len() {
                return Err(Error::data(
                    Position::file(path).column(format!("{at}.Values")),
                    format!(
                        "expected as many values as timestamps: {} timestamps, {} values (id '{id}')",
                        timestamps.len(),
                        values.len()
                    ),
                ));
            }
            let mut buf = SeriesBuf {
                resource_id,
                metric,
                ..Default::default()
            };
            for (i, (t, v)) in timestamps.iter().zip(values).enumerate() {
                points_read += 1;
                buf.push_json(
                    path,
                    &mut dropped,
                    (t, || format!("{at}.Timestamps[{i}]")),
                    (v, || format!("{at}.Values[{i}]")),
                    "expected a number",
                )?;
            }
            if let Some(status) = text(result, "StatusCode") {
                if status != "Complete" {
                    warnings.add_n(
                        format!("status code {status} (incomplete data: are pages missing?)"),
                        timestamps.len() as u64,
                        || format!("{at}.StatusCode, value '{status}'"),
                    );
                }
            }
            series.push(buf);
        }
    }
    FileData::from_series(series, points_read, dropped, warnings)
}

/// The resource id and metric of a `GetMetricData` result (rule in the `utilization` docs).
fn names(id: &str, label: &str, path: &Path, options: &UtilizationOptions) -> (String, String) {
    let fallback = || options.resource_id.clone();
    if let Some((start, end)) = find_instance_id(label, '-') {
        let rest = format!("{} {}", &label[..start], &label[end..]);
        let metric = rest
            .split_whitespace()
            .last()
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string());
        return (label[start..end].to_string(), canonical_metric(&metric));
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    let from_id = find_instance_id(id, '_').map(|(s, e)| format!("i-{}", &id[s + 2..e]));
    match words.as_slice() {
        [] => (
            from_id.or_else(fallback).unwrap_or_else(|| file_stem(path)),
            canonical_metric(id),
        ),
        [metric] => (
            from_id.or_else(fallback).unwrap_or_else(|| id.to_string()),
            canonical_metric(metric),
        ),
        [resource @ .., metric] => (
            from_id.unwrap_or_else(|| resource.join(" ")),
            canonical_metric(metric),
        ),
    }
}

/// The byte range of an EC2 instance id (`i` + `separator` + 8 or 17 lower-case hex digits,
/// not inside a longer word) in `s`.
fn find_instance_id(s: &str, separator: char) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut start = 0;
    while start + 2 <= bytes.len() {
        let boundary_before = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if boundary_before
            && bytes[start] == b'i'
            && bytes.get(start + 1) == Some(&(separator as u8))
        {
            let hex_start = start + 2;
            let hex_len = bytes[hex_start..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
                .count();
            let end = hex_start + hex_len;
            let boundary_after = end == bytes.len() || !is_word(bytes[end]);
            if (hex_len == 8 || hex_len == 17) && boundary_after {
                return Some((start, end));
            }
        }
        start += 1;
    }
    None
}

/// Reads a `GetMetricStatistics` document, keeping the statistic of `options.statistic`.
pub(crate) fn read_get_metric_statistics(
    path: &Path,
    json: &Value,
    options: &UtilizationOptions,
) -> Result<FileData> {
    let field = options.statistic.cloudwatch_field();
    let resource_id = options
        .resource_id
        .clone()
        .unwrap_or_else(|| file_stem(path));
    let mut series: Vec<SeriesBuf> = Vec::new();
    let mut dropped = Issues::default();
    let mut points_read = 0u64;
    for (prefix, page) in pages(path, json, "GetMetricStatistics")? {
        let metric = match (text(page, "Label"), &options.metric) {
            (Some(label), _) if !label.trim().is_empty() => canonical_metric(label),
            (_, Some(metric)) => metric.clone(),
            _ => {
                return Err(Error::data(
                    Position::file(path).column(format!("{prefix}Label")),
                    "expected a label naming the metric (or set the metric option)",
                ))
            }
        };
        let datapoints = array(path, page, &prefix, "Datapoints")?;
        let index = match series.iter().position(|s| s.metric == metric) {
            Some(index) => index,
            None => {
                series.push(SeriesBuf {
                    resource_id: resource_id.clone(),
                    metric,
                    ..Default::default()
                });
                series.len() - 1
            }
        };
        let buf = &mut series[index];
        for (i, point) in datapoints.iter().enumerate() {
            points_read += 1;
            let at = format!("{prefix}Datapoints[{i}]");
            let Value::Object(point) = point else {
                return Err(Error::data(
                    Position::file(path).column(at).value(show(point)),
                    "expected a datapoint (a json object)",
                ));
            };
            let Some(t) = point.get("Timestamp") else {
                return Err(Error::data(
                    Position::file(path).column(format!("{at}.Timestamp")),
                    "missing field: expected the datapoint's timestamp",
                ));
            };
            let ts = parse_time_json(t).map_err(|bad| {
                Error::data(
                    Position::file(path)
                        .column(format!("{at}.Timestamp"))
                        .value(show(t)),
                    bad.message(),
                )
            })?;
            let Some(v) = point.get(field) else {
                let keys: Vec<&str> = point.keys().map(String::as_str).collect();
                return Err(Error::data(
                    Position::file(path).column(format!("{at}.{field}")),
                    format!(
                        "missing field: expected the statistic chosen by the statistic option; the datapoint has [{}]",
                        keys.join(", ")
                    ),
                ));
            };
            match parse_json(v) {
                Parsed::Number(x) => {
                    buf.ts.push(ts);
                    buf.value.push(x);
                }
                Parsed::Drop(reason) => {
                    dropped.add(reason, || format!("{at}.{field}, value '{}'", show(v)))
                }
                Parsed::Bad => {
                    return Err(Error::data(
                        Position::file(path)
                            .column(format!("{at}.{field}"))
                            .value(show(v)),
                        "expected a number",
                    ))
                }
            }
        }
    }
    FileData::from_series(series, points_read, dropped, Issues::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(id: &str, label: &str) -> (String, String) {
        names(
            id,
            label,
            Path::new("dir/page.json"),
            &UtilizationOptions::default(),
        )
    }

    #[test]
    fn instance_id_in_label() {
        assert_eq!(
            names_of("cpu1", "i-0123456789abcdef0 CPUUtilization"),
            ("i-0123456789abcdef0".into(), "cpu_utilization".into())
        );
        assert_eq!(
            names_of("m", "mem_used_percent i-01234567"),
            ("i-01234567".into(), "memory_utilization".into())
        );
    }

    #[test]
    fn label_words_and_id() {
        assert_eq!(
            names_of("m1", "web-1 NetworkIn"),
            ("web-1".into(), "NetworkIn".into())
        );
        assert_eq!(
            names_of("m1", "CPUUtilization"),
            ("m1".into(), "cpu_utilization".into())
        );
        assert_eq!(
            names_of("cpu_i_0123456789abcdef0", "CPUUtilization"),
            ("i-0123456789abcdef0".into(), "cpu_utilization".into())
        );
        assert_eq!(names_of("cpu", ""), ("page".into(), "cpu".into()));
    }

    #[test]
    fn instance_id_needs_word_boundaries() {
        assert_eq!(find_instance_id("xi-01234567", '-'), None);
        assert_eq!(find_instance_id("i-012345678", '-'), None);
        assert_eq!(find_instance_id("(i-01234567)", '-'), Some((1, 11)));
    }
}
