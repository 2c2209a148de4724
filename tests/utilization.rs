//! Utilization loaders: every documented shape from fixtures written here, the real Bitbrains
//! trace in `../shared/data`, counters to rates on hand-worked numbers, and bad inputs.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use capcast::ingest::utilization::{Statistic, UtilizationFormat};
use capcast::ingest::{read_utilization, Utilization, UtilizationOptions};
use capcast::Error;
use polars::prelude::*;

use crate::common::{assert_close, shared, write};

/// A point of the samples frame: resource, metric, unix seconds, value.
type Point = (String, String, f64, f64);

fn points(u: &Utilization) -> Vec<Point> {
    let df = &u.samples;
    let r = df.column("resource_id").unwrap().str().unwrap();
    let m = df.column("metric").unwrap().str().unwrap();
    let t = df
        .column("ts")
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .clone();
    let v = df.column("value").unwrap().f64().unwrap();
    (0..df.height())
        .map(|i| {
            (
                r.get(i).unwrap().to_string(),
                m.get(i).unwrap().to_string(),
                t.get(i).unwrap() as f64 / 1e6,
                v.get(i).unwrap(),
            )
        })
        .collect()
}

/// The points of one resource and metric, as (unix seconds, value).
fn series(u: &Utilization, resource: &str, metric: &str) -> Vec<(f64, f64)> {
    points(u)
        .into_iter()
        .filter(|p| p.0 == resource && p.1 == metric)
        .map(|p| (p.2, p.3))
        .collect()
}

fn load(paths: &[&Path]) -> Utilization {
    read_utilization(paths, &UtilizationOptions::default()).unwrap()
}

fn load_err(paths: &[&Path], options: &UtilizationOptions) -> String {
    match read_utilization(paths, options) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

fn dropped(u: &Utilization, reason_part: &str) -> u64 {
    u.report
        .files
        .iter()
        .flat_map(|f| &f.dropped)
        .filter(|i| i.reason.contains(reason_part))
        .map(|i| i.count)
        .sum()
}

fn warned(u: &Utilization, reason_part: &str) -> u64 {
    u.report
        .files
        .iter()
        .flat_map(|f| &f.warnings)
        .filter(|i| i.reason.contains(reason_part))
        .map(|i| i.count)
        .sum()
}

/// 2024-01-01T00:00:00Z in unix seconds.
const T0: f64 = 1_704_067_200.0;

#[test]
fn samples_and_resources_have_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "a.csv",
        "timestamp,resource_id,metric,value\n2024-01-01T00:05:00Z,b,cpu_utilization,2\n2024-01-01T00:00:00Z,b,cpu_utilization,1\n2024-01-01T00:00:00Z,a,memory_utilization,3\n",
    );
    let u = load(&[&p]);
    let schema = u.samples.schema();
    assert_eq!(schema.get("resource_id"), Some(&DataType::String));
    assert_eq!(schema.get("metric"), Some(&DataType::String));
    assert_eq!(
        schema.get("ts"),
        Some(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC)
        ))
    );
    assert_eq!(schema.get("value"), Some(&DataType::Float64));
    let rs = u.resources.schema();
    assert_eq!(rs.get("vcpu"), Some(&DataType::Float64));
    assert_eq!(rs.get("memory_gib"), Some(&DataType::Float64));
    assert_eq!(rs.get("instance_type"), Some(&DataType::String));
    // Sorted by resource, metric, time.
    let got: Vec<(String, f64)> = points(&u).into_iter().map(|p| (p.0, p.2)).collect();
    assert_eq!(
        got,
        vec![("a".into(), T0), ("b".into(), T0), ("b".into(), T0 + 300.0)]
    );
    assert_eq!(u.resources.height(), 2);
    assert_eq!(u.resources.column("vcpu").unwrap().null_count(), 2);
}

// ---------------------------------------------------------------- Bitbrains (real trace)

/// Independent reading of a Bitbrains file: split on ';', trim, parse.
fn bitbrains_rows(path: &Path) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(';')
                .map(|c| c.trim().parse::<f64>().unwrap())
                .collect()
        })
        .collect()
}

fn distinct_dups(ts: impl Iterator<Item = i64>) -> u64 {
    let all: Vec<i64> = ts.collect();
    let distinct: HashSet<i64> = all.iter().copied().collect();
    (all.len() - distinct.len()) as u64
}

#[test]
fn bitbrains_real_folder() {
    let folder = shared("utilization/bitbrains-rnd-2013-7");
    let u = load(&[folder.as_path()]);
    assert_eq!(u.report.files.len(), 25);
    assert!(u
        .report
        .files
        .iter()
        .all(|f| f.format == UtilizationFormat::Bitbrains));

    let mut total_rows = 0u64;
    let mut no_memory = 0u64;
    let mut duplicates = 0u64;
    for file in &u.report.files {
        let rows = bitbrains_rows(&file.path);
        let n = rows.len() as u64;
        total_rows += n;
        assert_eq!(file.rows, Some(n), "{}", file.path.display());
        assert_eq!(file.points_read, 8 * n, "{}", file.path.display());
        assert_eq!(
            file.points_kept + file.points_dropped(),
            file.points_read,
            "{}",
            file.path.display()
        );
        let memory_rows: Vec<&Vec<f64>> = rows.iter().filter(|r| r[5] > 0.0).collect();
        no_memory += n - memory_rows.len() as u64;
        duplicates += 7 * distinct_dups(rows.iter().map(|r| r[0] as i64));
        duplicates += distinct_dups(memory_rows.iter().map(|r| r[0] as i64));
    }
    // 206,873 lines in the 25 files, less 25 headers.
    assert_eq!(total_rows, 206_848);
    let cpu_points = points(&u)
        .iter()
        .filter(|p| p.1 == "cpu_utilization")
        .count() as u64;
    assert_eq!(cpu_points, total_rows);
    assert_eq!(u.samples.height() as u64, 8 * total_rows - no_memory);
    assert_eq!(dropped(&u, "no memory provisioned"), no_memory);
    assert_eq!(u.report.points_dropped(), no_memory);
    assert_eq!(u.report.duplicate_points, duplicates);

    // VM 1: 2 cores, 5851.9989 MHz, first row at 1372629804 s (seconds, not milliseconds).
    let first = bitbrains_rows(&folder.join("1.csv"))[0].clone();
    let cpu = series(&u, "1", "cpu_utilization");
    assert_eq!(cpu[0], (1_372_629_804.0, first[4]));
    let cores = series(&u, "1", "cpu_cores_used");
    assert_close(
        cores[0].1,
        first[3] / (first[2] / first[1]),
        1e-12,
        "cores used",
    );
    let memory = series(&u, "1", "memory_utilization");
    assert_close(memory[0].1, 100.0 * first[6] / first[5], 1e-12, "memory %");
    let bytes = series(&u, "1", "memory_used_bytes");
    assert_close(bytes[0].1, first[6] * 1024.0, 1e-12, "memory bytes");
    let net = series(&u, "1", "network_transmitted_bytes_per_second");
    assert_close(net[0].1, first[10] * 1024.0, 1e-12, "network");

    assert_eq!(u.resources.height(), 25);
    let ids = u.resources.column("resource_id").unwrap().str().unwrap();
    let vcpu = u.resources.column("vcpu").unwrap().f64().unwrap();
    let gib = u.resources.column("memory_gib").unwrap().f64().unwrap();
    let one = (0..ids.len()).find(|&i| ids.get(i) == Some("1")).unwrap();
    assert_eq!(vcpu.get(one), Some(2.0));
    let largest_kb = bitbrains_rows(&folder.join("1.csv"))
        .iter()
        .map(|r| r[5])
        .fold(0.0, f64::max);
    assert_eq!(gib.get(one), Some(largest_kb / 1024.0 / 1024.0));
    assert_eq!(gib.get(one), Some(8.0));
}

#[test]
fn bitbrains_bad_value_names_row_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let header = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB]\n";
    let p = write(
        dir.path(),
        "7.csv",
        &format!("{header}1372629804;\t2;\t5000;\t100;\t2.0;\t1048576;\t1024\n1372630104;\t2;\t5000;\tlots;\t2.0;\t1048576;\t1024\n"),
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(err.contains("7.csv"), "{err}");
    assert!(err.contains("row 2"), "{err}");
    assert!(err.contains("column 'CPU usage [MHZ]'"), "{err}");
    assert!(err.contains("value 'lots'"), "{err}");

    let p = write(
        dir.path(),
        "8.csv",
        &format!("{header}-5;\t2;\t5000;\t100;\t2.0;\t1048576;\t1024\n"),
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(
        err.contains("row 1") && err.contains("Timestamp [ms]") && err.contains("value '-5'"),
        "{err}"
    );

    // NaN is dropped and counted; a VM without CPU that used none has 0 cores used.
    let p = write(
        dir.path(),
        "9.csv",
        &format!("{header}1372629804;\t0;\t0;\t0;\tNaN;\t1048576;\t1024\n"),
    );
    let u = load(&[&p]);
    assert_eq!(dropped(&u, "value is NaN in column 'CPU usage [%]'"), 1);
    assert_eq!(
        series(&u, "9", "cpu_cores_used"),
        vec![(1_372_629_804.0, 0.0)]
    );
    assert_eq!(
        series(&u, "9", "memory_utilization"),
        vec![(1_372_629_804.0, 100.0 / 1024.0)]
    );
    assert_eq!(u.report.files[0].points_read, 4);
}

// ---------------------------------------------------------------- CloudWatch

const GET_METRIC_DATA_PAGE_1: &str = r#"[
 {"MetricDataResults": [
   {"Id": "cpu1", "Label": "i-0123456789abcdef0 CPUUtilization",
    "Timestamps": ["2024-01-01T00:05:00+00:00", "2024-01-01T00:00:00Z"],
    "Values": [12.5, 10.0], "StatusCode": "PartialData"},
   {"Id": "mem1", "Label": "web-1 mem_used_percent",
    "Timestamps": ["2024-01-01T00:00:00Z", "2024-01-01T00:05:00Z"],
    "Values": [40.0, null], "StatusCode": "Complete"}
 ], "NextToken": "abc", "Messages": []},
 {"MetricDataResults": [
   {"Id": "cpu1", "Label": "i-0123456789abcdef0 CPUUtilization",
    "Timestamps": ["2024-01-01T00:10:00Z"], "Values": [101.5], "StatusCode": "Complete"}
 ]}
]"#;

const GET_METRIC_DATA_PAGE_2: &str = r#"{"MetricDataResults": [
   {"Id": "cpu1", "Label": "i-0123456789abcdef0 CPUUtilization",
    "Timestamps": [1704068100], "Values": [20.0], "StatusCode": "Complete"},
   {"Id": "net", "Label": "NetworkIn", "Timestamps": [], "Values": [], "StatusCode": "Complete"}
 ]}"#;

#[test]
fn cloudwatch_get_metric_data_pages() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "page-1.json", GET_METRIC_DATA_PAGE_1);
    write(dir.path(), "page-2.json", GET_METRIC_DATA_PAGE_2);
    write(
        dir.path(),
        "notes.txt",
        "not read: not a supported extension",
    );
    let u = load(&[dir.path()]);
    assert_eq!(u.report.files.len(), 2);
    assert_eq!(
        u.report.files[0].format,
        UtilizationFormat::CloudWatchGetMetricData
    );
    assert_eq!(
        series(&u, "i-0123456789abcdef0", "cpu_utilization"),
        vec![
            (T0, 10.0),
            (T0 + 300.0, 12.5),
            (T0 + 600.0, 101.5),
            (T0 + 900.0, 20.0)
        ]
    );
    assert_eq!(series(&u, "web-1", "memory_utilization"), vec![(T0, 40.0)]);
    assert_eq!(u.report.points_read(), 6);
    assert_eq!(u.report.points_kept(), 5);
    assert_eq!(dropped(&u, "value is null"), 1);
    assert_eq!(warned(&u, "percentage above 100"), 1);
    assert_eq!(warned(&u, "PartialData"), 2);
    let ids: Vec<&str> = u
        .resources
        .column("resource_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ids, vec!["i-0123456789abcdef0", "web-1"]);
}

#[test]
fn cloudwatch_get_metric_data_bad_value_and_lengths() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.json",
        r#"{"MetricDataResults": [{"Id": "a", "Label": "CPUUtilization", "Timestamps": ["2024-01-01T00:00:00Z", "2024-01-01T00:05:00Z"], "Values": [1.0, "high"]}]}"#,
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(err.contains("bad.json"), "{err}");
    assert!(err.contains("MetricDataResults[0].Values[1]"), "{err}");
    assert!(
        err.contains("value 'high'") && err.contains("expected a number"),
        "{err}"
    );

    let p = write(
        dir.path(),
        "negative.json",
        r#"{"MetricDataResults": [{"Id": "a", "Label": "CPUUtilization", "Timestamps": [-60], "Values": [1.0]}]}"#,
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(
        err.contains("negative.json")
            && err.contains("Timestamps[0]")
            && err.contains("value '-60'")
            && err.contains("non-negative"),
        "{err}"
    );

    let p = write(
        dir.path(),
        "ragged.json",
        r#"{"MetricDataResults": [{"Id": "a", "Label": "x", "Timestamps": [1, 2], "Values": [1.0]}]}"#,
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(err.contains("2 timestamps, 1 values"), "{err}");
}

const GET_METRIC_STATISTICS: &str = r#"{
  "Label": "CPUUtilization",
  "Datapoints": [
    {"Timestamp": "2024-01-01T00:10:00Z", "Average": 30.0, "Maximum": 90.0, "Unit": "Percent"},
    {"Timestamp": "2024-01-01T00:00:00Z", "Average": 10.0, "Maximum": 50.0, "Unit": "Percent"},
    {"Timestamp": "2024-01-01T00:05:00Z", "Average": 20.0, "Maximum": 70.0, "Unit": "Percent"}
  ]
}"#;

#[test]
fn cloudwatch_get_metric_statistics_average_and_maximum() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "web-2.json", GET_METRIC_STATISTICS);
    let u = load(&[&p]);
    assert_eq!(
        u.report.files[0].format,
        UtilizationFormat::CloudWatchGetMetricStatistics
    );
    assert_eq!(
        series(&u, "web-2", "cpu_utilization"),
        vec![(T0, 10.0), (T0 + 300.0, 20.0), (T0 + 600.0, 30.0)]
    );

    let options = UtilizationOptions {
        statistic: Statistic::Maximum,
        resource_id: Some("i-0abc0abc".into()),
        ..Default::default()
    };
    let u = read_utilization(&[&p], &options).unwrap();
    assert_eq!(
        series(&u, "i-0abc0abc", "cpu_utilization"),
        vec![(T0, 50.0), (T0 + 300.0, 70.0), (T0 + 600.0, 90.0)]
    );

    let options = UtilizationOptions {
        statistic: Statistic::Sum,
        ..Default::default()
    };
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("web-2.json") && err.contains("Datapoints[0].Sum") && err.contains("Average"),
        "{err}"
    );
}

// ---------------------------------------------------------------- Prometheus

/// A container CPU counter sampled every 15 s with a restart between 30 s and 45 s, a memory
/// gauge with a NaN, and node CPU counters per mode.
const PROMETHEUS: &str = r#"{"status": "success", "data": {"resultType": "matrix", "result": [
  {"metric": {"__name__": "container_cpu_usage_seconds_total", "namespace": "shop", "pod": "web-7", "container": "app", "instance": "n1:10250"},
   "values": [[1704067200, "100"], [1704067215, "103"], [1704067230, "109"], [1704067245, "1.5"], [1704067260, "7.5"]]},
  {"metric": {"__name__": "container_memory_working_set_bytes", "namespace": "shop", "pod": "web-7", "container": "app"},
   "values": [[1704067200, "1048576"], [1704067215, "NaN"], [1704067230.5, "2097152"]]},
  {"metric": {"__name__": "node_cpu_seconds_total", "instance": "n1:9100", "cpu": "0", "mode": "idle", "job": "node"},
   "values": [[1704067200, "50"], [1704067210, "58"]]},
  {"metric": {"__name__": "node_cpu_seconds_total", "instance": "n1:9100", "cpu": "0", "mode": "user", "job": "node"},
   "values": [[1704067200, "20"], [1704067210, "22"]]},
  {"metric": {"__name__": "up", "job": "node"}, "values": [[1704067200, "1"]]}
]}}"#;

#[test]
fn prometheus_counters_become_rates_across_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "range.json", PROMETHEUS);
    let u = load(&[&p]);
    assert_eq!(u.report.files[0].format, UtilizationFormat::PrometheusRange);
    // Hand-worked: (103-100)/15 = 0.2, (109-103)/15 = 0.4, reset: 1.5/15 = 0.1, (7.5-1.5)/15 = 0.4.
    let cores = series(&u, "shop/web-7/app", "cpu_cores");
    let expected = [
        (T0 + 15.0, 0.2),
        (T0 + 30.0, 0.4),
        (T0 + 45.0, 0.1),
        (T0 + 60.0, 0.4),
    ];
    assert_eq!(cores.len(), 4);
    for (got, want) in cores.iter().zip(expected) {
        assert_eq!(got.0, want.0);
        assert_close(got.1, want.1, 1e-12, "rate");
    }
    assert_eq!(warned(&u, "counter reset"), 1);
    assert_eq!(dropped(&u, "first sample of a counter"), 3);
    // The gauge keeps its values; the NaN is dropped and counted.
    assert_eq!(
        series(&u, "shop/web-7/app", "memory_working_set_bytes"),
        vec![(T0, 1_048_576.0), (T0 + 30.5, 2_097_152.0)]
    );
    assert_eq!(dropped(&u, "value is NaN"), 1);
    // Series that share a resource and metric are told apart by the labels that differ.
    assert_eq!(
        series(&u, "n1:9100", "cpu_cores{mode=idle}"),
        vec![(T0 + 10.0, 0.8)]
    );
    assert_eq!(
        series(&u, "n1:9100", "cpu_cores{mode=user}"),
        vec![(T0 + 10.0, 0.2)]
    );
    assert_eq!(series(&u, "job=node", "up"), vec![(T0, 1.0)]);
    let f = &u.report.files[0];
    assert_eq!(f.points_read, 13);
    assert_eq!(f.points_kept, 9);
    assert_eq!(f.points_kept + f.points_dropped(), f.points_read);

    // Without conversion the counter keeps its name and raw values.
    let options = UtilizationOptions {
        counters_to_rates: false,
        ..Default::default()
    };
    let raw = read_utilization(&[&p], &options).unwrap();
    let counter = series(&raw, "shop/web-7/app", "container_cpu_usage_seconds_total");
    assert_eq!(
        counter.iter().map(|p| p.1).collect::<Vec<_>>(),
        vec![100.0, 103.0, 109.0, 1.5, 7.5]
    );
}

#[test]
fn prometheus_error_status_and_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "failed.json",
        r#"{"status": "error", "errorType": "bad_data", "error": "invalid parameter \"query\""}"#,
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(
        err.contains("failed.json")
            && err.contains("bad_data")
            && err.contains("invalid parameter"),
        "{err}"
    );

    let p = write(
        dir.path(),
        "bad.json",
        r#"{"status": "success", "data": {"resultType": "matrix", "result": [
          {"metric": {"__name__": "x", "instance": "a"}, "values": [[1704067200, "1"], [1704067215, "2"], [1704067230, "two"]]}]}}"#,
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(err.contains("bad.json"), "{err}");
    assert!(err.contains("data.result[0].values[2][1]"), "{err}");
    assert!(err.contains("value 'two'"), "{err}");

    let p = write(
        dir.path(),
        "negative.json",
        r#"{"status": "success", "data": {"resultType": "matrix", "result": [
          {"metric": {"__name__": "x", "instance": "a"}, "values": [[-1, "1"]]}]}}"#,
    );
    let err = load_err(&[&p], &UtilizationOptions::default());
    assert!(
        err.contains("data.result[0].values[0][0]") && err.contains("value '-1'"),
        "{err}"
    );
}

// ---------------------------------------------------------------- Azure Monitor

const AZURE: &str = r#"{
  "cost": 0, "timespan": "2024-01-01T00:00:00Z/2024-01-01T00:15:00Z", "interval": "PT5M",
  "value": [
    {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Insights/metrics/Percentage CPU",
     "type": "Microsoft.Insights/metrics",
     "name": {"value": "Percentage CPU", "localizedValue": "Percentage CPU"},
     "unit": "Percent",
     "timeseries": [{"metadatavalues": [], "data": [
        {"timeStamp": "2024-01-01T00:00:00Z", "average": 5.5, "maximum": 9.0},
        {"timeStamp": "2024-01-01T00:05:00Z"},
        {"timeStamp": "2024-01-01T00:10:00Z", "average": 7.5, "maximum": 12.0}]}],
     "errorCode": "Success"},
    {"id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Insights/metrics/Disk Read Bytes",
     "name": {"value": "Disk Read Bytes"}, "unit": "Bytes",
     "timeseries": [
       {"metadatavalues": [{"name": {"value": "LUN"}, "value": "0"}], "data": [{"timeStamp": "2024-01-01T00:00:00Z", "average": 100}]},
       {"metadatavalues": [{"name": {"value": "LUN"}, "value": "1"}], "data": [{"timeStamp": "2024-01-01T00:00:00Z", "average": 200}]}]}
  ],
  "namespace": "Microsoft.Compute/virtualMachines", "resourceregion": "westeurope"
}"#;

#[test]
fn azure_monitor_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "vm1.json", AZURE);
    let u = load(&[&p]);
    assert_eq!(u.report.files[0].format, UtilizationFormat::AzureMonitor);
    let vm = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
    assert_eq!(
        series(&u, vm, "cpu_utilization"),
        vec![(T0, 5.5), (T0 + 600.0, 7.5)]
    );
    assert_eq!(dropped(&u, "no average value"), 1);
    assert_eq!(series(&u, vm, "Disk Read Bytes{LUN=0}"), vec![(T0, 100.0)]);
    assert_eq!(series(&u, vm, "Disk Read Bytes{LUN=1}"), vec![(T0, 200.0)]);
    assert_eq!(u.report.files[0].points_read, 5);

    let options = UtilizationOptions {
        statistic: Statistic::Maximum,
        ..Default::default()
    };
    let u = read_utilization(&[&p], &options).unwrap();
    assert_eq!(
        series(&u, vm, "cpu_utilization"),
        vec![(T0, 9.0), (T0 + 600.0, 12.0)]
    );
}

// ---------------------------------------------------------------- long CSV

#[test]
fn long_csv_with_capacity_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "long.csv",
        "timestamp,resource_id,metric,value,vcpu,memory_gib,instance_type\n\
         2024-01-01T00:00:00Z,web-1,cpu_utilization,25,2,8,m5.large\n\
         2024-01-01T01:05:00+01:00,web-1,cpu_utilization,35,,,\n\
         1704067800,web-1,cpu_utilization,NaN,4,16,m5.xlarge\n\
         1704067200,db-1,cpu_utilization,120.5,,,\n\
         1704067200,db-1,memory_utilization,,,,\n",
    );
    let u = load(&[&p]);
    assert_eq!(u.report.files[0].format, UtilizationFormat::LongCsv);
    assert_eq!(
        series(&u, "web-1", "cpu_utilization"),
        vec![(T0, 25.0), (T0 + 300.0, 35.0)]
    );
    assert_eq!(series(&u, "db-1", "cpu_utilization"), vec![(T0, 120.5)]);
    assert_eq!(dropped(&u, "value is NaN"), 1);
    assert_eq!(dropped(&u, "value is empty"), 1);
    assert_eq!(warned(&u, "percentage above 100"), 1);
    let f = &u.report.files[0];
    assert_eq!((f.rows, f.points_read, f.points_kept), (Some(5), 5, 3));

    // Resources: the last row that gives a capacity wins; db-1 has none.
    let r = &u.resources;
    let ids: Vec<&str> = r
        .column("resource_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ids, vec!["db-1", "web-1"]);
    let vcpu = r.column("vcpu").unwrap().f64().unwrap();
    assert_eq!((vcpu.get(0), vcpu.get(1)), (None, Some(4.0)));
    let gib = r.column("memory_gib").unwrap().f64().unwrap();
    assert_eq!(gib.get(1), Some(16.0));
    let kind = r.column("instance_type").unwrap().str().unwrap();
    assert_eq!((kind.get(0), kind.get(1)), (None, Some("m5.xlarge")));
}

#[test]
fn long_csv_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let options = UtilizationOptions::default();

    let p = write(
        dir.path(),
        "nometric.csv",
        "timestamp,resource_id,value\n2024-01-01T00:00:00Z,a,1\n",
    );
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("nometric.csv")
            && err.contains("column 'metric'")
            && err.contains("missing required column"),
        "{err}"
    );

    let p = write(
        dir.path(),
        "text.csv",
        "timestamp,resource_id,metric,value\n2024-01-01T00:00:00Z,a,cpu_utilization,1\n2024-01-01T00:05:00Z,a,cpu_utilization,busy\n",
    );
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("text.csv, row 2, column 'value', value 'busy'")
            && err.contains("expected a number"),
        "{err}"
    );

    let p = write(
        dir.path(),
        "negative.csv",
        "timestamp,resource_id,metric,value\n-300,a,cpu_utilization,1\n",
    );
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("negative.csv, row 1, column 'timestamp', value '-300'")
            && err.contains("non-negative"),
        "{err}"
    );

    let p = write(
        dir.path(),
        "when.csv",
        "timestamp,resource_id,metric,value\nlast tuesday,a,cpu_utilization,1\n",
    );
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("row 1, column 'timestamp', value 'last tuesday'"),
        "{err}"
    );

    // Negative utilization is kept and warned about, not rejected.
    let p = write(
        dir.path(),
        "neg.csv",
        "timestamp,resource_id,metric,value\n2024-01-01T00:00:00Z,a,cpu_utilization,-3\n2024-01-01T00:00:00Z,a,memory_used_bytes,-1\n",
    );
    let u = load(&[&p]);
    assert_eq!(u.samples.height(), 2);
    assert_eq!(warned(&u, "negative percentage"), 1);
    assert_eq!(warned(&u, "negative value"), 1);
}

// ---------------------------------------------------------------- files and formats

#[test]
fn empty_unknown_and_missing_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let options = UtilizationOptions::default();

    let p = write(dir.path(), "empty.json", "  \n");
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("empty.json") && err.contains("empty file"),
        "{err}"
    );

    let p = write(dir.path(), "other.json", r#"{"items": [], "kind": "List"}"#);
    match read_utilization(&[&p], &options) {
        Err(e @ Error::UnknownFormat { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("other.json") && msg.contains("[items, kind]"),
                "{msg}"
            );
            assert!(
                msg.contains("MetricDataResults") && msg.contains("prometheus"),
                "{msg}"
            );
        }
        other => panic!("expected an unknown format, got {other:?}"),
    }

    let p = write(dir.path(), "header.csv", "when,cpu\n1,2\n");
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("header.csv") && err.contains("[when, cpu]"),
        "{err}"
    );

    let p = write(dir.path(), "broken.json", "{\"MetricDataResults\": [");
    let err = load_err(&[&p], &options);
    assert!(
        err.contains("broken.json") && err.contains("invalid json"),
        "{err}"
    );

    let missing = dir.path().join("nope.json");
    assert!(matches!(
        read_utilization(&[&missing], &options),
        Err(Error::NotFound { .. })
    ));

    let empty_dir = tempfile::tempdir().unwrap();
    write(empty_dir.path(), "readme.txt", "nothing");
    let err = load_err(&[empty_dir.path()], &options);
    assert!(err.contains("folder holds no utilization file"), "{err}");

    // A format asked for that the file is not.
    let p = write(dir.path(), "cw.json", GET_METRIC_STATISTICS);
    let forced = UtilizationOptions {
        format: Some(UtilizationFormat::PrometheusRange),
        ..Default::default()
    };
    let err = load_err(&[&p], &forced);
    assert!(err.contains("cw.json") && err.contains("status"), "{err}");
}

#[test]
fn gzip_files_in_a_folder_are_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("cpu.csv.gz")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    gz.write_all(b"timestamp,resource_id,metric,value\n1704067200,a,cpu_utilization,7\n")
        .unwrap();
    gz.finish().unwrap();
    write(dir.path(), "range.json", PROMETHEUS);
    let u = load(&[dir.path()]);
    assert_eq!(u.report.files.len(), 2);
    assert_eq!(series(&u, "a", "cpu_utilization"), vec![(T0, 7.0)]);
}

#[test]
fn report_is_a_table_and_serialises() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "range.json", PROMETHEUS);
    let u = load(&[&p]);
    let text = u.report.to_string();
    assert!(text.contains("range.json"), "{text}");
    assert!(text.contains("prometheus-range"), "{text}");
    assert!(text.contains("points read 13, kept 9, dropped 4"), "{text}");
    assert!(text.contains("value is NaN"), "{text}");
    let json = serde_json::to_value(&u.report).unwrap();
    assert_eq!(json["files"][0]["format"], "prometheus_range");
    assert_eq!(json["files"][0]["points_read"], 13);
    let reasons: BTreeMap<String, u64> = u.report.files[0]
        .dropped
        .iter()
        .map(|i| (i.reason.clone(), i.count))
        .collect();
    assert_eq!(reasons.values().sum::<u64>(), 4);
}
