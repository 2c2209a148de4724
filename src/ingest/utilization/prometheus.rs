//! Prometheus HTTP API responses: `query_range` (`resultType` `matrix`, `values` pairs) and,
//! for convenience, instant `query` (`vector`, one `value` pair).
//!
//! Values are strings (`"0.25"`, `"NaN"`, `"+Inf"`); NaN and infinite values are dropped and
//! counted. A response whose `status` is not `success` is an error carrying its `errorType` and
//! `error`. Counters (`*_total`) become per-second rates (see the `counter` module) unless
//! [`UtilizationOptions::counters_to_rates`] is off.

use std::path::Path;

use serde_json::{Map, Value};

use super::counter::counter_rates;
use super::json::{array, pages, text};
use super::parse::show;
use super::points::{canonical_metric, file_stem, FileData, Issues, SeriesBuf};
use super::UtilizationOptions;
use crate::error::{Error, Position, Result};

/// The metric a counter's rate is called: `container_cpu_usage_seconds_total` and
/// `node_cpu_seconds_total` -> `cpu_cores`; any other `<name>_total` -> `<name>_per_second`.
pub(crate) fn rate_name(counter: &str) -> String {
    match counter {
        "container_cpu_usage_seconds_total" | "node_cpu_seconds_total" => "cpu_cores".to_string(),
        other => format!(
            "{}_per_second",
            other.strip_suffix("_total").unwrap_or(other)
        ),
    }
}

/// The resource id of a series from its labels, and the labels it used (rule in the
/// `utilization` module docs). `None` when the series has no label but `__name__`.
fn resource_of(labels: &Map<String, Value>) -> Option<(String, Vec<String>)> {
    let get = |key: &str| {
        labels
            .get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    if let Some(pod) = get("pod") {
        let mut parts = Vec::new();
        let mut used = vec!["pod".to_string()];
        if let Some(namespace) = get("namespace") {
            parts.push(namespace);
            used.push("namespace".into());
        }
        parts.push(pod);
        // A series with an empty `container` label is the pod's own cgroup (all containers).
        if let Some(container) = get("container") {
            parts.push(container);
        }
        used.push("container".into());
        return Some((parts.join("/"), used));
    }
    if let Some(instance) = get("instance") {
        return Some((instance.to_string(), vec!["instance".into()]));
    }
    let pairs: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| format!("{k}={}", show(v)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let used = labels.keys().cloned().collect();
    Some((pairs.join(","), used))
}

/// Reads a Prometheus response (or a JSON array of responses).
pub(crate) fn read(path: &Path, json: &Value, options: &UtilizationOptions) -> Result<FileData> {
    let mut series = Vec::new();
    let mut dropped = Issues::default();
    let mut warnings = Issues::default();
    let mut points_read = 0u64;
    for (prefix, page) in pages(path, json, "prometheus")? {
        let status = text(page, "status").unwrap_or("");
        if status != "success" {
            return Err(Error::data(
                Position::file(path)
                    .column(format!("{prefix}status"))
                    .value(status),
                format!(
                    "prometheus query failed: {}: {}",
                    text(page, "errorType").unwrap_or("no errorType"),
                    text(page, "error").unwrap_or("no error message")
                ),
            ));
        }
        let Some(Value::Object(data)) = page.get("data") else {
            return Err(Error::data(
                Position::file(path).column(format!("{prefix}data")),
                "expected a data object with resultType and result",
            ));
        };
        let result_type = text(data, "resultType").unwrap_or("");
        let matrix = match result_type {
            "matrix" => true,
            "vector" => false,
            other => {
                return Err(Error::data(
                    Position::file(path)
                        .column(format!("{prefix}data.resultType"))
                        .value(other),
                    "expected resultType matrix (query_range) or vector (query)",
                ))
            }
        };
        let results = array(path, data, &format!("{prefix}data."), "result")?;
        for (r, result) in results.iter().enumerate() {
            let at = format!("{prefix}data.result[{r}]");
            let empty = Map::new();
            let labels = match result.get("metric") {
                Some(Value::Object(labels)) => labels,
                _ => &empty,
            };
            let one;
            let pairs: &[Value] = if matrix {
                let Value::Object(result) = result else {
                    return Err(Error::data(
                        Position::file(path).column(at).value(show(result)),
                        "expected a series (a json object with metric and values)",
                    ));
                };
                array(path, result, &format!("{at}."), "values")?
            } else {
                one = [result.get("value").cloned().unwrap_or(Value::Null)];
                &one
            };
            let field = if matrix { "values" } else { "value" };
            points_read += pairs.len() as u64;
            let mut buf = read_points(path, &at, field, matrix, pairs, &mut dropped)?;

            let name = labels
                .get("__name__")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| options.metric.clone())
                .unwrap_or_else(|| file_stem(path));
            let (resource_id, used) = resource_of(labels).unwrap_or_else(|| {
                (
                    options
                        .resource_id
                        .clone()
                        .unwrap_or_else(|| file_stem(path)),
                    Vec::new(),
                )
            });
            buf.resource_id = resource_id;
            buf.labels = labels
                .iter()
                .filter(|(k, _)| k.as_str() != "__name__" && !used.contains(k))
                .map(|(k, v)| (k.clone(), show(v)))
                .collect();
            if options.counters_to_rates && name.ends_with("_total") {
                let describe =
                    |i: usize| format!("{at}, point at {}", super::parse::show_time(buf.ts[i]));
                let (ts, value) =
                    counter_rates(&buf.ts, &buf.value, &mut dropped, &mut warnings, describe);
                buf.ts = ts;
                buf.value = value;
                buf.metric = rate_name(&name);
            } else {
                buf.metric = canonical_metric(&name);
            }
            series.push(buf);
        }
    }
    FileData::from_series(series, points_read, dropped, warnings)
}

/// The points of one series (`[unix_seconds, "value"]` pairs), in time order.
fn read_points(
    path: &Path,
    at: &str,
    field: &str,
    matrix: bool,
    pairs: &[Value],
    dropped: &mut Issues,
) -> Result<SeriesBuf> {
    let mut buf = SeriesBuf::default();
    for (i, pair) in pairs.iter().enumerate() {
        let here = if matrix {
            format!("{at}.{field}[{i}]")
        } else {
            format!("{at}.{field}")
        };
        let (t, v) = match pair.as_array().map(Vec::as_slice) {
            Some([t, v]) => (t, v),
            _ => {
                return Err(Error::data(
                    Position::file(path).column(here).value(show(pair)),
                    "expected a [unix_seconds, \"value\"] pair",
                ))
            }
        };
        buf.push_json(
            path,
            dropped,
            (t, || format!("{here}[0]")),
            (v, || format!("{here}[1]")),
            "expected a number (as a string, e.g. \"0.25\")",
        )?;
    }
    if buf.ts.windows(2).any(|w| w[1] < w[0]) {
        let mut order: Vec<usize> = (0..buf.ts.len()).collect();
        order.sort_by_key(|&i| buf.ts[i]);
        buf.ts = order.iter().map(|&i| buf.ts[i]).collect();
        buf.value = order.iter().map(|&i| buf.value[i]).collect();
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_names() {
        assert_eq!(rate_name("container_cpu_usage_seconds_total"), "cpu_cores");
        assert_eq!(rate_name("http_requests_total"), "http_requests_per_second");
    }

    #[test]
    fn resources_from_labels() {
        let labels = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        let l = labels(
            serde_json::json!({"__name__": "x", "namespace": "shop", "pod": "web-7", "container": "app", "instance": "n1"}),
        );
        assert_eq!(
            resource_of(&l).map(|r| r.0),
            Some("shop/web-7/app".to_string())
        );
        let l = labels(serde_json::json!({"__name__": "x", "instance": "n1:9100", "mode": "idle"}));
        assert_eq!(resource_of(&l).map(|r| r.0), Some("n1:9100".to_string()));
        let l = labels(serde_json::json!({"job": "a", "zone": "b"}));
        assert_eq!(
            resource_of(&l).map(|r| r.0),
            Some("job=a,zone=b".to_string())
        );
        let l = labels(serde_json::json!({"__name__": "up"}));
        assert_eq!(resource_of(&l), None);
    }
}
