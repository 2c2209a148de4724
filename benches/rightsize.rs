//! Rightsizing speed: 10,000 resources x 14 days of 5-minute CPU and memory samples (about
//! 80 million values), rightsized by capcast (lookback, P99.5 and P95 by selection, mean, max,
//! daily peaks, growth trend, risk, verdict) against a bare polars
//! `group_by(resource_id).agg(value.quantile(0.995))` over the same frame, in the same run.
//!
//! `cargo bench --bench rightsize` (set `RIGHTSIZE_BENCH_RESOURCES` for a smaller run).

use std::time::Instant;

use capcast::optimize::rightsize::{rightsize, RightsizeInput, RightsizeParams};
use polars::prelude::*;

const STEP_US: i64 = 300_000_000;
const SAMPLES: usize = 14 * 288;

fn frame(resources: usize) -> PolarsResult<(DataFrame, DataFrame)> {
    let ids: Vec<String> = (0..resources).map(|i| format!("vm-{i:05}")).collect();
    let n = resources * 2 * SAMPLES;
    let id_col = StringChunked::from_iter_values(
        "resource_id".into(),
        ids.iter()
            .flat_map(|id| std::iter::repeat_n(id.as_str(), 2 * SAMPLES)),
    );
    let metric_col = StringChunked::from_iter_values(
        "metric".into(),
        (0..resources).flat_map(|_| {
            std::iter::repeat_n("cpu_utilization", SAMPLES)
                .chain(std::iter::repeat_n("memory_utilization", SAMPLES))
        }),
    );
    let mut ts = Vec::with_capacity(n);
    let mut values = Vec::with_capacity(n);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for r in 0..resources {
        let level = 5.0 + (r % 60) as f64;
        for metric in 0..2 {
            for i in 0..SAMPLES {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let noise = (state >> 11) as f64 / (1u64 << 53) as f64;
                let daily = ((i % 288) as f64 / 288.0 * std::f64::consts::TAU).sin();
                let v = if metric == 0 {
                    level * (1.0 + 0.5 * daily) + 10.0 * noise
                } else {
                    30.0 + level * 0.5 + 5.0 * noise
                };
                ts.push(i as i64 * STEP_US);
                values.push(v.clamp(0.0, 100.0));
            }
        }
    }
    let ts = Int64Chunked::from_vec("ts".into(), ts)
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        .into_column();
    let samples = DataFrame::new(
        n,
        vec![
            id_col.into_column(),
            metric_col.into_column(),
            ts,
            Float64Chunked::from_vec("value".into(), values).into_column(),
        ],
    )?;
    let sizes = df!(
        "resource_id" => ids,
        "vcpu" => vec![8.0; resources],
        "memory_gib" => vec![32.0; resources],
    )?;
    Ok((samples, sizes))
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let v = f();
        best = best.min(start.elapsed().as_secs_f64());
        out = Some(v);
    }
    (best, out.expect("at least one run"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let resources: usize = std::env::var("RIGHTSIZE_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let start = Instant::now();
    let (samples, sizes) = frame(resources)?;
    let values = samples.height();
    println!(
        "{resources} resources, {values} values (14 days x 5 minutes x cpu and memory), generated in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let params = RightsizeParams::default().check()?;
    let (capcast_s, result) = best_of(3, || {
        rightsize(&RightsizeInput::new(&samples).resources(&sizes), &params)
    });
    let result = result?;
    assert_eq!(result.recommendations().len(), resources);
    let (polars_s, quantiles) = best_of(3, || {
        samples
            .clone()
            .lazy()
            .group_by([col("resource_id")])
            .agg([col("value").quantile(lit(0.995), QuantileMethod::Linear)])
            .collect()
    });
    assert_eq!(quantiles?.height(), resources);
    let rate = |s: f64| values as f64 / s / 1e6;
    println!("| engine | seconds (best of 3) | million values / s |");
    println!("|---|---|---|");
    println!(
        "| capcast rightsize (full recommendation) | {capcast_s:.3} | {:.1} |",
        rate(capcast_s)
    );
    println!(
        "| polars group_by(resource_id).quantile(0.995) | {polars_s:.3} | {:.1} |",
        rate(polars_s)
    );
    println!(
        "capcast / polars time ratio: {:.2} (below 1 = capcast faster)",
        capcast_s / polars_s
    );
    Ok(())
}
