use polars::prelude::*;
use proptest::prelude::*;

use super::*;
use crate::forecast::series::{DAY_US, HOUR_US};

const T0: i64 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z

/// A long frame from `(id, values)` on an hourly grid starting at T0 (NaN = null).
/// Batch parameters with the baselines as the only candidates (naive, drift, seasonal naive
/// 24) and ten windows: these tests check the batch machinery, not the model families.
fn base() -> BatchParams {
    BatchParams::default().auto(baseline_auto())
}

fn baseline_auto() -> AutoParams {
    AutoParams::default()
        .models(vec![
            Box::new(crate::forecast::BaselineParams::naive()),
            Box::new(crate::forecast::BaselineParams::drift()),
            Box::new(crate::forecast::BaselineParams::seasonal_naive(24)),
        ])
        .windows(10)
}

fn frame(series: &[(&str, Vec<f64>)]) -> DataFrame {
    let (mut ids, mut ds, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for (id, values) in series {
        for (i, v) in values.iter().enumerate() {
            ids.push(id.to_string());
            ds.push(T0 + i as i64 * HOUR_US);
            y.push(if v.is_nan() { None } else { Some(*v) });
        }
    }
    // Microseconds, stored as milliseconds in Europe/Paris: units and zones are converted.
    let ds = Column::new("ds".into(), ds)
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))
        .unwrap()
        .cast(&DataType::Datetime(
            TimeUnit::Milliseconds,
            TimeZone::opt_try_new(Some("Europe/Paris")).unwrap(),
        ))
        .unwrap();
    DataFrame::new(
        ids.len(),
        vec![
            Column::new("unique_id".into(), ids),
            ds,
            Column::new("y".into(), y),
        ],
    )
    .unwrap()
}

fn names(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn f64s(df: &DataFrame, name: &str) -> Vec<f64> {
    df.column(name)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

fn daily_cycle(n: usize, base: f64) -> Vec<f64> {
    (0..n)
        .map(|t| {
            base + 5.0 * ((t % 24) as f64 / 24.0 * std::f64::consts::TAU).sin()
                + (t % 7) as f64 * 0.3
        })
        .collect()
}

#[test]
fn forecast_columns_types_and_failures() {
    let mut dup = frame(&[("bad", vec![1.0, 2.0, 3.0, 4.0, 5.0])]);
    // A second point in the first slot of "bad": refused by the default combine policy.
    let extra = frame(&[("bad", vec![9.0])]);
    dup.vstack_mut(&extra).unwrap();
    let mut df = frame(&[
        ("web", daily_cycle(24 * 8, 20.0)),
        ("db", daily_cycle(24 * 8, 50.0)),
    ]);
    df.vstack_mut(&dup).unwrap();
    let out = forecast_frame(&df, &base().horizon(24).levels(&[95.0, 80.0, 99.5])).unwrap();
    let f = &out.forecasts;
    assert_eq!(
        names(f),
        [
            "unique_id",
            "ds",
            "yhat",
            "yhat_lower_80",
            "yhat_upper_80",
            "yhat_lower_95",
            "yhat_upper_95",
            "yhat_lower_99.5",
            "yhat_upper_99.5"
        ]
    );
    assert_eq!(f.height(), 48);
    assert_eq!(
        f.column("ds").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
    );
    let first_ds = f
        .column("ds")
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(first_ds, T0 + 24 * 8 * HOUR_US);
    // Sorted ids: "bad" (failed, no rows), "db", "web".
    let m = &out.models;
    assert_eq!(
        names(m),
        ["unique_id", "model", "spec", "n_obs", "status", "error"]
    );
    let status: Vec<&str> = m
        .column("status")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap_or(""))
        .collect();
    assert_eq!(status, vec!["error", "ok", "ok"]);
    let err = m
        .column("error")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert!(err.contains("two values"), "{err}");
    assert_eq!(
        m.column("model").unwrap().str().unwrap().get(1),
        Some("SeasonalNaive(24)")
    );
    assert_eq!(m.column("n_obs").unwrap().i64().unwrap().get(0), Some(6));
    assert!(out.paths.is_none());
}

#[test]
fn integer_ids_dates_clamps_and_paths() {
    let n = 60;
    let df = df!(
        "unique_id" => (0..2 * n).map(|i| (i / n) as i64 * 10 + 7).collect::<Vec<i64>>(),
        "ds" => (0..2 * n).map(|i| (i % n) + 19_000).collect::<Vec<i32>>(),
        "y" => (0..2 * n).map(|i| if i < n { 1.0 - (i % n) as f64 * 0.05 } else { 100.0 + (i % 7) as f64 }).collect::<Vec<f64>>(),
    )
    .unwrap()
    .lazy()
    .with_column(col("ds").cast(DataType::Date))
    .collect()
    .unwrap();
    let params = base()
        .horizon(30)
        .non_negative(true)
        .cap(104.0)
        .paths(20)
        .seed(3);
    let out = forecast_frame(&df, &params).unwrap();
    let f = &out.forecasts;
    assert_eq!(f.column("unique_id").unwrap().dtype(), &DataType::Int64);
    let ids: Vec<i64> = f
        .column("unique_id")
        .unwrap()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    assert_eq!((ids[0], ids[59]), (7, 17));
    let ds0 = f
        .column("ds")
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(ds0, (19_000 + 60) as i64 * DAY_US);
    for name in ["yhat", "yhat_lower_95", "yhat_upper_95"] {
        assert!(
            f64s(f, name).iter().all(|v| (0.0..=104.0).contains(v)),
            "{name}"
        );
    }
    let p = out.paths.unwrap();
    assert_eq!(names(&p), ["unique_id", "path", "ds", "y"]);
    assert_eq!(p.height(), 2 * 20 * 30);
    assert!(f64s(&p, "y").iter().all(|v| (0.0..=104.0).contains(v)));
}

#[test]
fn backtest_tables_and_anomalies() {
    let mut values = daily_cycle(24 * 10, 30.0);
    let spike = values.len() - 30;
    values[spike] += 60.0;
    let df = frame(&[("a", values.clone()), ("b", daily_cycle(24 * 10, 10.0))]);
    let params = base().horizon(24);
    let bt = backtest_frame(&df, &params).unwrap();
    let cols = names(&bt.per_series);
    for c in [
        "unique_id",
        "model",
        "baseline",
        "chosen",
        "mae",
        "rmse",
        "mape",
        "smape",
        "mase",
        "coverage_80",
        "winkler_95",
        "pinball_upper_95",
        "error",
    ] {
        assert!(cols.iter().any(|x| x == c), "{c} missing in {cols:?}");
    }
    assert_eq!(bt.per_series.height(), 6);
    let summary = &bt.summary;
    assert_eq!(summary.height(), 3);
    let wins: i64 = summary
        .column("wins")
        .unwrap()
        .i64()
        .unwrap()
        .sum()
        .unwrap();
    assert_eq!(wins, 2);
    for c in f64s(summary, "coverage_80") {
        assert!((0.0..=1.0).contains(&c));
    }
    let an = anomalies(&df, &params, 99.0).unwrap();
    assert_eq!(
        names(&an),
        ["unique_id", "ds", "y", "yhat", "lower", "upper", "excess"]
    );
    let ts: Vec<i64> = an
        .column("ds")
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let at = T0 + spike as i64 * HOUR_US;
    let row = ts
        .iter()
        .position(|&t| t == at)
        .expect("the spike is reported");
    assert!(f64s(&an, "excess")[row] > 30.0);
    assert!(anomalies(&df, &params, 120.0).is_err());
}

#[test]
fn bad_frames_are_data_errors() {
    let df = df!("unique_id" => ["a"], "ds" => [1i64], "y" => [1.0]).unwrap();
    let err = forecast_frame(&df, &BatchParams::default()).unwrap_err();
    assert!(err.to_string().contains("'ds'"), "{err}");
    let df = df!("unique_id" => ["a"], "y" => [1.0]).unwrap();
    assert!(forecast_frame(&df, &BatchParams::default()).is_err());
    assert!(forecast_frame(
        &frame(&[("a", vec![1.0])]),
        &BatchParams::default().horizon(0)
    )
    .is_err());
}

/// A series of one of the awkward kinds: constant, all zero, short, NaN-containing, noisy.
fn awkward() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        (1usize..80, -5.0f64..50.0).prop_map(|(n, c)| vec![c; n]),
        (1usize..80).prop_map(|n| vec![0.0; n]),
        prop::collection::vec(-10.0f64..10.0, 1..12),
        prop::collection::vec(prop_oneof![3 => 0.0f64..100.0, 1 => Just(f64::NAN)], 2..80)
            .prop_filter("one value at least", |v| v.iter().any(|x| !x.is_nan())),
        prop::collection::vec(-100.0f64..1000.0, 20..120),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn batch_outputs_nest_are_finite_and_clamped(
        series in prop::collection::vec(awkward(), 1..4),
        horizon in 1usize..30,
        non_negative in any::<bool>(),
        ensemble in 1usize..3,
        explicit_step in any::<bool>(),
    ) {
        let named: Vec<(String, Vec<f64>)> = series.into_iter().enumerate().map(|(i, v)| (format!("s{i}"), v)).collect();
        let refs: Vec<(&str, Vec<f64>)> = named.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        let df = frame(&refs);
        let mut params = base();
        if explicit_step {
            params = params.step(HOUR_US);
        }
        let params = params
            .horizon(horizon)
            .non_negative(non_negative)
            .auto(baseline_auto().ensemble(ensemble));
        let out = forecast_frame(&df, &params).unwrap();
        let status: Vec<String> = out.models.column("status").unwrap().str().unwrap().iter().map(|s| s.unwrap_or("").to_string()).collect();
        // Every awkward series is forecast (sensibly), none fails; a batch of single values
        // only has no time step to forecast with.
        let all_single = named.iter().all(|(_, v)| v.len() == 1);
        prop_assert!(status.iter().all(|s| s != "error") || (all_single && !explicit_step), "{:?}", out.models);
        if status.iter().any(|s| s == "error") {
            return Ok(());
        }
        let f = &out.forecasts;
        prop_assert_eq!(f.height(), named.len() * horizon);
        let y = f64s(f, "yhat");
        let (l80, u80) = (f64s(f, "yhat_lower_80"), f64s(f, "yhat_upper_80"));
        let (l95, u95) = (f64s(f, "yhat_lower_95"), f64s(f, "yhat_upper_95"));
        for i in 0..y.len() {
            let chain = [l95[i], l80[i], y[i], u80[i], u95[i]];
            prop_assert!(chain.iter().all(|v| v.is_finite()));
            prop_assert!(chain.windows(2).all(|w| w[0] <= w[1]), "{:?}", chain);
            if non_negative {
                prop_assert!(l95[i] >= 0.0);
            }
        }
        let bt = backtest_frame(&df, &params).unwrap();
        for c in f64s(&bt.per_series.drop_nulls::<String>(None).unwrap(), "coverage_80") {
            prop_assert!((0.0..=1.0).contains(&c));
        }
    }
}

/// A model with a bug: it panics.
#[derive(Debug)]
struct Boom;

impl crate::forecast::Model for Boom {
    fn name(&self) -> String {
        "Boom".to_string()
    }
    fn fit_model(&self, _: &TimeSeries) -> crate::error::Result<Box<dyn Fitted>> {
        panic!("boom")
    }
}

#[test]
fn a_panicking_model_fails_its_series_only() {
    let df = frame(&[("a", daily_cycle(100, 5.0))]);
    let params = BatchParams::default().auto(AutoParams::default().models(vec![Box::new(Boom)]));
    let out = forecast_frame(&df, &params).unwrap();
    let error = out
        .models
        .column("error")
        .unwrap()
        .str()
        .unwrap()
        .get(0)
        .unwrap()
        .to_string();
    assert!(error.contains("boom"), "{error}");
    assert_eq!(out.forecasts.height(), 0);
}
