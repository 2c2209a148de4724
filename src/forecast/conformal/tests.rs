//! Tests of conformal intervals and calibrated sample paths.
use super::*;
use crate::forecast::backtest::tests::{SERIES, START};
use crate::forecast::series::HOUR_US;
use crate::forecast::BaselineParams;

#[test]
fn pooled_levels_differ_with_three_windows() {
    // Three windows of 24 steps whose errors grow with the step: the pooled scores give
    // distinct 80 % and 95 % radii (the per-step method would give the largest error for
    // both), and the radius grows with the step's scale.
    let errors: Vec<Vec<f64>> = (0..3)
        .map(|w| {
            (0..24)
                .map(|h| {
                    let sign = if (w + h) % 2 == 0 { 1.0 } else { -1.0 };
                    sign * (1.0 + h as f64 / 8.0) * (0.5 + ((w * 24 + h) % 7) as f64 / 7.0)
                })
                .collect()
        })
        .collect();
    let inner = BaselineParams::naive()
        .fit(&TimeSeries::hourly(vec![1.0, 2.0]).unwrap())
        .unwrap();
    let f = FittedConformal::from_errors(
        Box::new(inner),
        errors.clone(),
        ConformalMethod::Pooled,
        true,
    )
    .unwrap();
    assert!(f.radius(12, 80.0) < f.radius(12, 95.0));
    assert!(f.radius(2, 95.0) < f.radius(23, 95.0));
    // 72 scores: the 95 % radius covers at least 95 % of the calibration errors.
    let covered = errors
        .iter()
        .flat_map(|w| w.iter().enumerate())
        .filter(|(h, e)| e.abs() <= f.radius(h + 1, 95.0) + 1e-12)
        .count();
    assert!(covered as f64 >= 0.95 * 72.0, "{covered} of 72");
}

fn series() -> TimeSeries {
    TimeSeries::new(START, HOUR_US, SERIES.to_vec()).unwrap()
}

fn naive(method: ConformalMethod) -> FittedConformal {
    ConformalParams::new(Box::new(BaselineParams::naive()))
        .horizon(3)
        .windows(4)
        .method(method)
        .finite_sample(false)
        .fit(&series())
        .unwrap()
}

fn check(f: &Forecast, level: f64, lower: [f64; 3], upper: [f64; 3]) {
    let i = f.interval(level).unwrap();
    for h in 0..3 {
        assert!(
            (i.lower[h] - lower[h]).abs() < 1e-9,
            "{level} {h}: {:?}",
            i.lower
        );
        assert!(
            (i.upper[h] - upper[h]).abs() < 1e-9,
            "{level} {h}: {:?}",
            i.upper
        );
    }
}

#[test]
fn matches_statsforecast_conformal_intervals() {
    // statsforecast 2.1.1: StatsForecast([Naive(prediction_intervals=ConformalIntervals(
    // h=3, n_windows=4, method=...))], freq="h").forecast(df, h=3, level=[80, 95]) on the
    // 30-value series of the backtest tests. Tolerance 1e-9.
    let f = naive(ConformalMethod::Distribution)
        .predict(3, &[80.0, 95.0])
        .unwrap();
    check(
        &f,
        80.0,
        [11.803847577293372, 8.415771365940046, 10.505771365940051],
        [20.399999999999995, 23.78807621135332, 21.698076211353317],
    );
    check(
        &f,
        95.0,
        [11.803847577293372, 7.733271365940054, 10.505771365940046],
        [20.399999999999995, 24.470576211353315, 21.69807621135332],
    );
    let f = naive(ConformalMethod::Error)
        .predict(3, &[80.0, 95.0])
        .unwrap();
    check(
        &f,
        80.0,
        [11.803847577293372, 8.285771365940047, 10.50577136594005],
        [20.399999999999995, 23.91807621135332, 21.698076211353317],
    );
    check(
        &f,
        95.0,
        [11.803847577293372, 7.700771365940055, 10.505771365940046],
        [20.399999999999995, 24.50307621135331, 21.69807621135332],
    );
}

#[test]
fn finite_sample_radius_is_an_order_statistic() {
    // Errors 1..=9 at one step: k = ceil(10 * 0.8) = 8 -> 8; k = ceil(10 * 0.95) = 10 > 9
    // -> the largest, 9.
    let inner = BaselineParams::naive().fit(&series()).unwrap();
    let errors: Vec<Vec<f64>> = (1..=9)
        .map(|e| vec![if e % 2 == 0 { e as f64 } else { -(e as f64) }])
        .collect();
    let f = FittedConformal::from_errors(Box::new(inner), errors, ConformalMethod::Error, true)
        .unwrap();
    assert_eq!(f.radius(1, 80.0), 8.0);
    assert_eq!(f.radius(1, 95.0), 9.0);
    assert_eq!(f.radius(4, 80.0), 16.0);
    let fc = f.predict(4, &[80.0, 95.0]).unwrap();
    assert_eq!(fc.interval(80.0).unwrap().upper[0], SERIES[29] + 8.0);
    let paths = f.sample_paths(5, 200, 3).unwrap();
    assert!(paths
        .iter()
        .all(|p| p.len() == 5 && p.iter().all(|v| v.is_finite())));
    // Calibrated paths: 80 % of them within the 80 % radius at step 1.
    let inside = paths
        .iter()
        .filter(|p| (p[0] - SERIES[29]).abs() <= 8.0 + 1e-9)
        .count();
    assert!((155..=165).contains(&inside), "{inside}");
    // The residual bootstrap never leaves the largest backtest error.
    let mean = f.inner.predict(5, &[]).unwrap().mean;
    assert!(f
        .residual_paths(&mean, 200, 3)
        .iter()
        .all(|p| (p[0] - SERIES[29]).abs() <= 9.0 + 1e-12));
}

/// `days` of hourly values: `level` plus a daily sine of amplitude 4 plus standard
/// Gaussian noise drawn with `seed`.
fn noisy_daily_cycle(seed: u64, days: usize, level: f64) -> Vec<f64> {
    use rand_distr::{Distribution, Normal};
    let mut rng = StdRng::seed_from_u64(seed);
    let noise = Normal::new(0.0, 1.0).unwrap();
    (0..24 * days)
        .map(|t| {
            level
                + 4.0 * ((t % 24) as f64 / 24.0 * std::f64::consts::TAU).sin()
                + noise.sample(&mut rng)
        })
        .collect()
}

/// Daily-cycle series with Gaussian noise (seeded) and conformal seasonal naive around it,
/// calibrated on 8 windows of 24 steps.
fn noisy_seasonal() -> FittedConformal {
    let values = noisy_daily_cycle(7, 20, 50.0);
    ConformalParams::new(Box::new(BaselineParams::seasonal_naive(24)))
        .horizon(24)
        .windows(8)
        .fit(&TimeSeries::hourly(values).unwrap())
        .unwrap()
}

#[test]
fn calibrated_paths_match_the_conformal_interval_at_every_step() {
    // 4,000 paths over 36 steps (12 beyond the calibrated horizon). At every step the
    // share of paths inside the 80 % (95 %) conformal interval is within 1 point of
    // nominal (the map matches the paths' own quantiles, so only interpolation between
    // neighbouring paths differs), and the paths' empirical 10/90 % and 2.5/97.5 %
    // quantiles lie within 12 % of the radius of the interval's bounds (the inner
    // Gaussian paths are symmetric; the tolerance covers sampling noise of 4,000 draws).
    let f = noisy_seasonal();
    let (h, n) = (36, 4000);
    let fc = f.predict(h, &[80.0, 95.0]).unwrap();
    let paths = f.sample_paths(h, n, 11).unwrap();
    for step in 0..h {
        let mut col: Vec<f64> = paths.iter().map(|p| p[step]).collect();
        col.sort_by(f64::total_cmp);
        for (level, tol_share) in [(80.0, 0.01), (95.0, 0.01)] {
            let iv = fc.interval(level).unwrap();
            let (lo, hi) = (iv.lower[step], iv.upper[step]);
            let r = (hi - lo) / 2.0;
            let share = col
                .iter()
                .filter(|&&v| v >= lo - 1e-9 && v <= hi + 1e-9)
                .count() as f64
                / n as f64;
            assert!(
                (share - level / 100.0).abs() <= tol_share,
                "step {step} level {level}: share {share}"
            );
            let a = (1.0 - level / 100.0) / 2.0;
            let (q_lo, q_hi) = (quantile_sorted(&col, a), quantile_sorted(&col, 1.0 - a));
            assert!(
                (q_lo - lo).abs() <= 0.12 * r && (q_hi - hi).abs() <= 0.12 * r,
                "step {step} level {level}: [{q_lo}, {q_hi}] vs [{lo}, {hi}]"
            );
        }
    }
}

#[test]
fn calibrated_paths_have_many_distinct_totals_and_are_seeded() {
    let f = noisy_seasonal();
    let paths = f.sample_paths(30, 200, 5).unwrap();
    let mut totals: Vec<f64> = paths.iter().map(|p| p.iter().sum()).collect();
    totals.sort_by(f64::total_cmp);
    totals.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    assert!(totals.len() > 100, "{} distinct totals", totals.len());
    // The residual bootstrap of 8 windows has at most 16 distinct paths.
    let mean = f.inner.predict(30, &[]).unwrap().mean;
    let mut boot: Vec<f64> = f
        .residual_paths(&mean, 200, 5)
        .iter()
        .map(|p| p.iter().sum())
        .collect();
    boot.sort_by(f64::total_cmp);
    boot.dedup();
    assert!(boot.len() <= 16, "{}", boot.len());
    assert_eq!(paths, f.sample_paths(30, 200, 5).unwrap());
    assert_ne!(paths, f.sample_paths(30, 200, 6).unwrap());
}

/// An inner model without paths.
#[derive(Debug)]
struct NoPaths(Box<dyn Fitted>);

impl Fitted for NoPaths {
    fn name(&self) -> String {
        "NoPaths".into()
    }
    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        self.0.predict(horizon, levels)
    }
    fn fitted_values(&self) -> Vec<f64> {
        self.0.fitted_values()
    }
    fn sample_paths(&self, _: usize, _: usize, _: u64) -> Result<Vec<Vec<f64>>> {
        Err(Error::parameter("paths", "none"))
    }
}

#[test]
fn without_inner_paths_falls_back_to_the_residual_bootstrap() {
    let inner = BaselineParams::naive().fit(&series()).unwrap();
    let errors = vec![vec![1.0, 2.0], vec![-3.0, 4.0]];
    let f = FittedConformal::from_errors(
        Box::new(NoPaths(Box::new(inner))),
        errors,
        ConformalMethod::Error,
        true,
    )
    .unwrap();
    let paths = f.sample_paths(2, 50, 1).unwrap();
    let mean = f.inner.predict(2, &[]).unwrap().mean;
    assert_eq!(paths, f.residual_paths(&mean, 50, 1));
    // Every path is one window's errors with a sign.
    for p in &paths {
        let d = (p[0] - mean[0], p[1] - mean[1]);
        assert!(
            [(1.0, 2.0), (-1.0, -2.0), (-3.0, 4.0), (3.0, -4.0)]
                .iter()
                .any(|e| (d.0 - e.0).abs() < 1e-9 && (d.1 - e.1).abs() < 1e-9),
            "{d:?}"
        );
    }
}

#[test]
fn empirical_coverage_is_near_nominal() {
    // Daily cycle plus Gaussian noise (seeded): the errors of seasonal naive are
    // exchangeable, so finite-sample conformal intervals must cover at least nominally
    // (up to sampling noise) in an outer rolling-origin backtest of 300 windows.
    use crate::forecast::backtest::BacktestParams;
    let values = noisy_daily_cycle(42, 40, 10.0);
    let y = TimeSeries::hourly(values).unwrap();
    let model: Vec<Box<dyn Model>> = vec![Box::new(
        ConformalParams::new(Box::new(BaselineParams::seasonal_naive(24)))
            .horizon(6)
            .windows(20),
    )];
    let bt = BacktestParams::default()
        .horizon(6)
        .step(2)
        .windows(300)
        .run(&y, &model)
        .unwrap();
    let m = bt.scores[0].metrics.as_ref().unwrap();
    let (c80, c95) = (
        m.interval(80.0).unwrap().coverage,
        m.interval(95.0).unwrap().coverage,
    );
    assert!((0.76..=0.90).contains(&c80), "coverage 80: {c80}");
    assert!((0.92..=1.0).contains(&c95), "coverage 95: {c95}");
}

#[test]
fn short_series_uses_fewer_windows_or_fails_clearly() {
    let y = TimeSeries::hourly(vec![1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let f = ConformalParams::new(Box::new(BaselineParams::naive()))
        .horizon(2)
        .windows(10)
        .fit(&y)
        .unwrap();
    assert_eq!(f.n_windows(), 2);
    let err = ConformalParams::new(Box::new(BaselineParams::seasonal_naive(4)))
        .horizon(2)
        .fit(&y)
        .unwrap_err();
    assert!(err.to_string().contains("conformal"), "{err}");
    assert!(ConformalParams::new(Box::new(BaselineParams::naive()))
        .windows(0)
        .fit(&y)
        .is_err());
}
