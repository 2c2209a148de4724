//! Azure Monitor metrics responses (`az monitor metrics list`, the REST API's
//! `Microsoft.Insights/metrics`): `value[] {id, name{value}, unit, timeseries[] {metadatavalues[],
//! data[] {timeStamp, average, minimum, maximum, total, count}}}`.
//!
//! The resource id is the metric's `id` cut before `/providers/Microsoft.Insights/metrics`.
//! The value is the aggregation chosen by [`UtilizationOptions::statistic`]; Azure leaves it out
//! of a data point for an interval without data, so such points are dropped and counted.

use std::path::Path;

use serde_json::Value;

use super::json::{array, pages, text};
use super::parse::{parse_json, parse_time_json, show, Parsed};
use super::points::{canonical_metric, file_stem, FileData, Issues, SeriesBuf};
use super::UtilizationOptions;
use crate::error::{Error, Position, Result};

/// The resource part of an Azure metric id.
fn resource_of(id: &str) -> &str {
    let marker = "/providers/microsoft.insights/metrics";
    match id.to_ascii_lowercase().find(marker) {
        Some(end) => &id[..end],
        None => id,
    }
}

/// Reads an Azure Monitor metrics response (or a JSON array of responses).
pub(crate) fn read(path: &Path, json: &Value, options: &UtilizationOptions) -> Result<FileData> {
    let field = options.statistic.azure_field();
    let mut series = Vec::new();
    let mut dropped = Issues::default();
    let mut points_read = 0u64;
    for (prefix, page) in pages(path, json, "azure monitor")? {
        let metrics = array(path, page, &prefix, "value")?;
        for (m, metric) in metrics.iter().enumerate() {
            let at = format!("{prefix}value[{m}]");
            let Value::Object(metric) = metric else {
                return Err(Error::data(
                    Position::file(path).column(at).value(show(metric)),
                    "expected a metric (a json object with name and timeseries)",
                ));
            };
            let name = metric
                .get("name")
                .and_then(|n| n.get("value"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| options.metric.clone())
                .ok_or_else(|| {
                    Error::data(
                        Position::file(path).column(format!("{at}.name.value")),
                        "missing field: expected the metric's name",
                    )
                })?;
            let resource_id = match text(metric, "id") {
                Some(id) if !id.is_empty() => resource_of(id).to_string(),
                _ => options
                    .resource_id
                    .clone()
                    .unwrap_or_else(|| file_stem(path)),
            };
            let timeseries = array(path, metric, &format!("{at}."), "timeseries")?;
            for (s, one) in timeseries.iter().enumerate() {
                let at = format!("{at}.timeseries[{s}]");
                let Value::Object(one) = one else {
                    return Err(Error::data(
                        Position::file(path).column(at).value(show(one)),
                        "expected a time series (a json object with data)",
                    ));
                };
                let mut buf = SeriesBuf {
                    resource_id: resource_id.clone(),
                    metric: canonical_metric(&name),
                    ..Default::default()
                };
                if let Some(Value::Array(dimensions)) = one.get("metadatavalues") {
                    for d in dimensions {
                        let key = d
                            .get("name")
                            .and_then(|n| n.get("value"))
                            .and_then(Value::as_str);
                        if let (Some(key), Some(v)) = (key, d.get("value")) {
                            buf.labels.insert(key.to_string(), show(v));
                        }
                    }
                }
                let data = array(path, one, &format!("{at}."), "data")?;
                for (i, point) in data.iter().enumerate() {
                    points_read += 1;
                    let here = format!("{at}.data[{i}]");
                    let Some(t) = point.get("timeStamp") else {
                        return Err(Error::data(
                            Position::file(path)
                                .column(format!("{here}.timeStamp"))
                                .value(show(point)),
                            "missing field: expected the point's timeStamp",
                        ));
                    };
                    let ts = parse_time_json(t).map_err(|bad| {
                        Error::data(
                            Position::file(path)
                                .column(format!("{here}.timeStamp"))
                                .value(show(t)),
                            bad.message(),
                        )
                    })?;
                    let Some(v) = point.get(field) else {
                        dropped.add(
                            format!("no {field} value (no data in the interval)"),
                            || format!("{here}, timeStamp '{}'", show(t)),
                        );
                        continue;
                    };
                    match parse_json(v) {
                        Parsed::Number(x) => {
                            buf.ts.push(ts);
                            buf.value.push(x);
                        }
                        Parsed::Drop(reason) => {
                            dropped.add(reason, || format!("{here}.{field}, value '{}'", show(v)))
                        }
                        Parsed::Bad => {
                            return Err(Error::data(
                                Position::file(path)
                                    .column(format!("{here}.{field}"))
                                    .value(show(v)),
                                "expected a number",
                            ))
                        }
                    }
                }
                series.push(buf);
            }
        }
    }
    FileData::from_series(series, points_read, dropped, Issues::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_id_is_cut_before_the_metrics_provider() {
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Insights/metrics/Percentage CPU";
        assert_eq!(
            resource_of(id),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
        );
    }
}
