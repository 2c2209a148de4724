//! Format detection for utilization files: from the JSON shape (the keys of the top object,
//! or of the first page of a JSON array) or from the CSV header.

use serde_json::Value;

use super::UtilizationFormat;

/// The supported formats, for "unrecognised format" messages.
pub(crate) const SUPPORTED: &str = "supported formats: cloudwatch get-metric-data json \
(MetricDataResults[]), cloudwatch get-metric-statistics json (Datapoints[]), prometheus \
query_range json (status, data.result[]), azure monitor metrics json (value[].timeseries[]), \
bitbrains gwa-t-12 csv (Timestamp [ms]; CPU usage [MHZ]; ...), long csv (timestamp, \
resource_id, metric, value)";

/// The format of a JSON document, or a description of what was found.
pub(crate) fn json_format(json: &Value) -> Result<UtilizationFormat, String> {
    let object = match json {
        Value::Object(object) => object,
        Value::Array(pages) => match pages.first() {
            Some(Value::Object(object)) => object,
            Some(other) => {
                return Err(format!(
                    "found a json array of {}; {SUPPORTED}",
                    kind(other)
                ))
            }
            None => return Err(format!("found an empty json array; {SUPPORTED}")),
        },
        other => return Err(format!("found a json {}; {SUPPORTED}", kind(other))),
    };
    if object.contains_key("MetricDataResults") {
        return Ok(UtilizationFormat::CloudWatchGetMetricData);
    }
    if object.contains_key("Datapoints") {
        return Ok(UtilizationFormat::CloudWatchGetMetricStatistics);
    }
    if object.contains_key("status")
        && (object.contains_key("data") || object.contains_key("errorType"))
    {
        return Ok(UtilizationFormat::PrometheusRange);
    }
    if let Some(Value::Array(values)) = object.get("value") {
        let azure_like = values.iter().all(|v| {
            v.get("timeseries").is_some() || v.get("name").is_some_and(|n| n.get("value").is_some())
        });
        if azure_like {
            return Ok(UtilizationFormat::AzureMonitor);
        }
    }
    let keys: Vec<&str> = object.keys().map(String::as_str).take(20).collect();
    Err(format!(
        "found a json object with keys [{}]; {SUPPORTED}",
        keys.join(", ")
    ))
}

/// A JSON value's kind, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The separator a CSV header line most likely uses: `,`, `;` or tab.
pub(crate) fn sniff_separator(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    let (semicolons, commas, tabs) = (count(';'), count(','), count('\t'));
    if semicolons > 0 && semicolons >= commas {
        b';'
    } else if commas == 0 && tabs > 0 {
        b'\t'
    } else {
        b','
    }
}

/// The header line's names, trimmed, split on the sniffed separator.
pub(crate) fn header_names(bytes: &[u8]) -> Vec<String> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let line = String::from_utf8_lossy(&bytes[..end]);
    let line = line.trim_end_matches('\r');
    let separator = sniff_separator(line) as char;
    line.split(separator)
        .map(|name| name.trim().trim_matches('"').trim().to_string())
        .collect()
}

/// The format of a CSV file from its header, or a description of what was found.
pub(crate) fn csv_format(bytes: &[u8]) -> Result<UtilizationFormat, String> {
    let names = header_names(bytes);
    let has = |wanted: &str| names.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    if has("Timestamp [ms]") && has("CPU usage [MHZ]") {
        return Ok(UtilizationFormat::Bitbrains);
    }
    if ["timestamp", "resource_id", "metric", "value"]
        .iter()
        .filter(|name| has(name))
        .count()
        >= 2
    {
        return Ok(UtilizationFormat::LongCsv);
    }
    let shown: Vec<&str> = names.iter().map(String::as_str).take(20).collect();
    Err(format!(
        "found a csv header [{}]; {SUPPORTED}",
        shown.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shapes() {
        let v: Value = serde_json::json!({"MetricDataResults": []});
        assert_eq!(
            json_format(&v),
            Ok(UtilizationFormat::CloudWatchGetMetricData)
        );
        let v: Value = serde_json::json!([{"Label": "x", "Datapoints": []}]);
        assert_eq!(
            json_format(&v),
            Ok(UtilizationFormat::CloudWatchGetMetricStatistics)
        );
        let v: Value = serde_json::json!({"status": "success", "data": {}});
        assert_eq!(json_format(&v), Ok(UtilizationFormat::PrometheusRange));
        let v: Value =
            serde_json::json!({"value": [{"name": {"value": "Percentage CPU"}, "timeseries": []}]});
        assert_eq!(json_format(&v), Ok(UtilizationFormat::AzureMonitor));
        let v: Value = serde_json::json!({"foo": 1});
        let err = json_format(&v).unwrap_err();
        assert!(
            err.contains("keys [foo]") && err.contains("prometheus"),
            "{err}"
        );
    }

    #[test]
    fn csv_headers() {
        assert_eq!(
            csv_format(b"Timestamp [ms];\tCPU cores;\tCPU usage [MHZ]\n1;\t2;\t3\n"),
            Ok(UtilizationFormat::Bitbrains)
        );
        assert_eq!(
            csv_format(b"timestamp,resource_id,metric,value\n"),
            Ok(UtilizationFormat::LongCsv)
        );
        assert!(csv_format(b"a,b,c\n").unwrap_err().contains("[a, b, c]"));
    }
}
