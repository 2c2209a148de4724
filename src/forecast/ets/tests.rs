//! Golden and behaviour tests for ETS.

use super::core::*;
use super::init::initial_states;
use super::*;

use crate::forecast::testdata::AIR_PASSENGERS as AIR;

fn monthly(values: &[f64]) -> TimeSeries {
    TimeSeries::hourly(values.to_vec()).unwrap()
}

fn spec(e: ErrorType, t: TrendType, s: SeasonType) -> Spec {
    Spec {
        error: e,
        trend: t,
        season: s,
    }
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol,
            "index {i}: {x} vs {y} (tolerance {tol})"
        );
    }
}

#[test]
fn initial_states_match_statsforecast_initstate() {
    // Reference: statsforecast 2.1.1, statsforecast.ets.initstate(y, 12, trend, season).
    use ErrorType::*;
    let mam = initial_states(
        &AIR,
        12,
        &spec(
            Multiplicative,
            TrendType::Additive,
            SeasonType::Multiplicative,
        ),
    );
    let mut got = vec![mam.level, mam.trend];
    got.extend_from_slice(&mam.seasons[..11]);
    close(
        &got,
        &[
            120.9557981388,
            0.9989649843,
            0.89882439,
            0.8011780824,
            0.9217572404,
            1.0604919326,
            1.2199109694,
            1.2265555429,
            1.1127758267,
            0.9813780275,
            0.9759060123,
            1.0073662876,
            0.8836253207,
        ],
        1e-8,
    );
    let ana = initial_states(
        &AIR,
        12,
        &spec(Additive, TrendType::None, SeasonType::Additive),
    );
    let mut got = vec![ana.level];
    got.extend_from_slice(&ana.seasons[..11]);
    close(
        &got,
        &[
            133.1666666667,
            -28.6199494949,
            -53.5934343434,
            -20.6426767677,
            16.5202020202,
            62.8232323232,
            63.8308080808,
            35.4027777778,
            -4.5063131313,
            -8.0366161616,
            -2.2411616162,
            -36.1881313131,
        ],
        1e-8,
    );
    // Fewer than three seasons: the Fourier regression.
    let short = initial_states(
        &AIR[..30],
        12,
        &spec(Additive, TrendType::Additive, SeasonType::Additive),
    );
    let mut got = vec![short.level, short.trend];
    got.extend_from_slice(&short.seasons[..11]);
    close(
        &got,
        &[
            115.8424539244,
            1.4946185023,
            -15.7778759521,
            -28.2832574498,
            -11.7886389474,
            6.7059795549,
            20.2005980572,
            21.6952165595,
            10.1898350618,
            -2.3155464359,
            7.1790720664,
            11.6736905687,
            -0.831690929,
        ],
        1e-7,
    );
}

/// The deterministic hourly series also generated in Python for the references: trend,
/// daily and weekly sines and uniform noise from a 64-bit LCG (seed 42).
pub(super) fn synth(n: usize) -> Vec<f64> {
    let mut state: u64 = 42;
    (0..n)
        .map(|t| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / 2f64.powi(53);
            let tf = t as f64;
            let tau = 2.0 * std::f64::consts::PI;
            100.0
                + 0.01 * tf
                + 20.0 * (tau * tf / 24.0).sin()
                + 10.0 * (tau * tf / 168.0).sin()
                + (u - 0.5) * 6.0
        })
        .collect()
}

fn rel_close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * y.abs(),
            "index {i}: {x} vs {y} (relative tolerance {tol})"
        );
    }
}

#[test]
fn synthetic_series_matches_python_generator() {
    let y = synth(1440);
    close(
        &y[..3],
        &[100.4093819599, 103.9130734185, 110.2443308488],
        1e-9,
    );
    close(&y[1439..], &[104.10439608860013], 1e-9);
}

#[test]
fn auto_ets_air_passengers_matches_statsforecast() {
    // Reference: statsforecast 2.1.1, AutoETS(season_length=12).fit(y) on
    // pmdarima.datasets.load_airpassengers(); predict(24, level=[80, 95]). It selects
    // ETS(M,N,M). Our optimiser follows the same Nelder–Mead path, so the tolerances are
    // tight; the intervals of this class-3 model are analytic there and simulated here.
    let f = EtsParams::auto()
        .season_length(12)
        .fit(&monthly(&AIR))
        .unwrap();
    assert_eq!(f.name(), "ETS(M,N,M)");
    assert!((f.alpha() - 0.3651242554).abs() < 1e-3);
    assert!((f.gamma().unwrap() - 0.0023811434).abs() < 1e-3);
    assert!((f.sigma2() - 0.002489350591554751).abs() < 1e-5);
    assert!((f.aicc() - 1458.1018072044417).abs() < 0.1);
    assert!((f.loglik() + 712.1759036022208).abs() < 0.05);
    let init = f.initial_states();
    close(
        &init[..3],
        &[128.3712780563, 0.8956098374, 0.8024067267],
        1e-2,
    );
    let fc = f.predict(24, &[80.0, 95.0]).unwrap();
    rel_close(
        &fc.mean,
        &[
            442.357168754,
            428.2673662408,
            492.9747933872,
            477.369995513,
            477.6028169957,
            535.8579975985,
            600.8320223962,
            594.7682762569,
            513.7032027176,
            448.2226360287,
            390.3162649721,
            435.7379967489,
            442.357168754,
            428.2673662408,
            492.9747933872,
            477.369995513,
            477.6028169957,
            535.8579975985,
            600.8320223962,
            594.7682762569,
            513.7032027176,
            448.2226360287,
            390.3162649721,
            435.7379967489,
        ],
        1e-3,
    );
    // Intervals: our 5000 simulated paths against the quantiles of 20000 paths from
    // statsforecast.ets.simulate_ets(model_, 24, 20000, seed=1) (numpy.quantile), 2 %.
    // (statsforecast's predict uses an analytic class-3 variance that keeps the h = 1 mean
    // for every step and comes out up to 25 % narrower than its own simulation.)
    let lo80 = [
        414.246, 399.802, 457.547, 441.428, 439.930, 491.811, 549.306, 541.765, 466.427, 405.876,
        352.565, 391.937, 397.384, 383.995, 440.420, 425.039, 424.353, 474.893, 531.662, 524.822,
        451.955, 393.535, 342.042, 380.408,
    ];
    let hi95 = [
        485.398, 473.375, 547.538, 533.495, 536.405, 604.235, 680.384, 677.006, 588.918, 515.857,
        452.258, 506.390, 515.452, 500.742, 579.409, 563.076, 564.026, 636.905, 717.032, 709.911,
        617.183, 538.356, 471.170, 526.328,
    ];
    rel_close(&fc.interval(80.0).unwrap().lower, &lo80, 0.02);
    rel_close(&fc.interval(95.0).unwrap().upper, &hi95, 0.02);
}

#[test]
fn fixed_specs_air_passengers_match_statsforecast() {
    // Reference: statsforecast 2.1.1, AutoETS(season_length=12, model='MAM') (selects the
    // undamped ETS(M,A,M)), AutoETS(model='AAA') and AutoETS(model='ANN').
    let air = monthly(&AIR);
    let mam = EtsParams::default()
        .season_length(12)
        .spec("MAM")
        .unwrap()
        .fit(&air)
        .unwrap();
    assert_eq!(mam.name(), "ETS(M,A,M)");
    assert!((mam.alpha() - 0.0139131504).abs() < 0.05);
    assert!((mam.beta().unwrap() - 0.0033853517).abs() < 0.05);
    assert!((mam.gamma().unwrap() - 0.0072919858).abs() < 0.05);
    assert!((mam.aicc() - 1511.9926471560232).abs() < 1.0);
    let fc = mam.predict(24, &[80.0]).unwrap();
    rel_close(
        &fc.mean,
        &[
            448.3131652688,
            442.9938033447,
            507.4199795003,
            493.4012808682,
            494.3821847348,
            561.8772955807,
            626.7709336436,
            623.9959629253,
            544.173883525,
            476.8071993421,
            414.8902399257,
            469.2401133429,
            483.4514340653,
            477.4898334349,
            546.6781373655,
            531.3302960442,
            532.1446961113,
            604.5238451862,
            674.0439155876,
            670.7656884331,
            584.7076135141,
            512.1039110027,
            445.4151052702,
            503.5533029843,
        ],
        0.01,
    );

    // AAA: statsforecast checks R's admissible region as well, so the optima differ a little.
    let aaa = EtsParams::default()
        .season_length(12)
        .spec("AAA")
        .unwrap()
        .fit(&air)
        .unwrap();
    assert_eq!(aaa.name(), "ETS(A,A,A)");
    assert!((aaa.alpha() - 0.1036222332).abs() < 0.05);
    assert!((aaa.beta().unwrap() - 0.00123875).abs() < 0.05);
    assert!((aaa.gamma().unwrap() - 0.8425183913).abs() < 0.05);
    let fc = aaa.predict(24, &[80.0, 95.0]).unwrap();
    let mean = [
        453.0887513452,
        427.4765464026,
        460.6317630722,
        497.0368105152,
        507.5075422665,
        567.9224653843,
        650.8426182653,
        635.8785870461,
        537.4712218918,
        488.6872979067,
        420.5112855903,
        463.4071890957,
        483.931044013,
        458.3188390705,
        491.47405574,
        527.879103183,
        538.3498349344,
        598.7647580522,
        681.6849109331,
        666.7208797139,
        568.3135145596,
        519.5295905745,
        451.3535782581,
        494.2494817636,
    ];
    rel_close(&fc.mean, &mean, 0.02);
    // statsforecast uses floor((H - 1) / m) of the whole horizon H for every step (R and
    // Hyndman et al. use the step's own h); both agree in the second season (steps 13-24).
    let lo80 = [
        456.0084963748,
        430.2992818329,
        463.3558162918,
        499.6605058726,
        510.0292014106,
        570.3404075996,
        653.1551608033,
        638.0840454518,
        539.5679103247,
        490.6735294574,
        422.3853725909,
        465.1674434257,
    ];
    rel_close(&fc.interval(80.0).unwrap().lower[12..], &lo80, 0.02);

    // ANN: same optimum (alpha at its bound); analytic intervals agree exactly.
    let ann = EtsParams::default().spec("ANN").unwrap().fit(&air).unwrap();
    assert!((ann.alpha() - 0.9999).abs() < 1e-6);
    close(&ann.initial_states(), &[111.9047317857], 1e-4);
    let fc = ann.predict(24, &[80.0, 95.0]).unwrap();
    assert!((fc.mean[0] - 431.99580071).abs() < 1e-6);
    assert!((ann.sigma2() - 1160.8138063015008).abs() < 1e-6);
    let i80 = &fc.interval(80.0).unwrap().lower;
    assert!((i80[0] - 388.3324190703).abs() < 1e-6 && (i80[23] - 218.1102890696).abs() < 1e-6);
    let i95 = &fc.interval(95.0).unwrap().upper;
    assert!((i95[23] - 759.1054628578).abs() < 1e-6);
}

#[test]
fn damped_trend_air_passengers_matches_statsforecast() {
    // Reference: statsforecast 2.1.1, AutoETS(model='AAN', damped=True).fit(y) ->
    // ETS(A,Ad,N) with alpha = 0.9999, beta = 0.0001, phi = 0.97999297; predict(12, [80]).
    let f = EtsParams::default()
        .spec("AAdN")
        .unwrap()
        .fit(&monthly(&AIR))
        .unwrap();
    assert_eq!(f.name(), "ETS(A,Ad,N)");
    assert!((f.alpha() - 0.9999).abs() < 1e-3);
    assert!((f.beta().unwrap() - 0.0001).abs() < 1e-3);
    assert!((f.phi().unwrap() - 0.9799929701).abs() < 1e-3);
    assert!((f.sigma2() - 1183.193178978789).abs() / 1183.19 < 1e-3);
    let fc = f.predict(12, &[80.0]).unwrap();
    let mean = [
        432.2282896446,
        432.4607552732,
        432.6885699550,
        432.9118267417,
        433.1306168231,
        433.3450295649,
        433.5551525445,
        433.7610715873,
        433.9628708018,
        434.1606326133,
        434.3544377983,
        434.5443655172,
    ];
    let lo80 = [
        388.1460233085,
        370.1190787241,
        356.3335024406,
        344.7411180420,
        334.5486206907,
        325.3492080706,
        316.9012654724,
        309.0474042255,
        301.6783323676,
        294.7145009955,
        288.0958793840,
        281.7758490125,
    ];
    rel_close(&fc.mean, &mean, 1e-3);
    // The damped class-1 variance formula (Hyndman et al. 2008 table 6.1).
    rel_close(&fc.interval(80.0).unwrap().lower, &lo80, 2e-3);
}

#[test]
fn fixed_parameters_reproduce_a_hand_computation() {
    // ETS(A,N,N), alpha = 0.3, l0 = 10: l_t = l_{t-1} + 0.3 (y_t - l_{t-1}).
    let y = [12.0, 9.0, 11.0, 15.0, 10.0, 13.0];
    let f = EtsParams::default()
        .spec("ANN")
        .unwrap()
        .alpha(0.3)
        .initial_level(10.0)
        .fit(&TimeSeries::hourly(y.to_vec()).unwrap())
        .unwrap();
    let mut l = 10.0;
    let mut fitted = Vec::new();
    let mut sse = 0.0;
    for &v in &y {
        fitted.push(l);
        sse += (v - l) * (v - l);
        l += 0.3 * (v - l);
    }
    close(&f.fitted_values(), &fitted, 1e-12);
    close(&f.states(), &[l], 1e-12);
    // Nothing estimated but the variance: k = 1, sigma2 = SSE / (n - 2).
    assert_eq!(f.n_params(), 1);
    assert!((f.sigma2() - sse / 4.0).abs() < 1e-12);
    assert!((f.loglik() + 0.5 * 6.0 * sse.ln()).abs() < 1e-9);
    let fc = f.predict(3, &[95.0]).unwrap();
    close(&fc.mean, &[l; 3], 1e-12);
    // Var(h) = sigma2 (1 + alpha^2 (h - 1)).
    let sd3 = (sse / 4.0 * (1.0 + 0.09 * 2.0)).sqrt();
    assert!((fc.interval(95.0).unwrap().upper[2] - l - 1.959_963_984_540_054 * sd3).abs() < 1e-9);

    // ETS(A,Ad,A) recursion by hand with every parameter fixed but the states.
    let spec = spec(ErrorType::Additive, TrendType::Damped, SeasonType::Additive);
    let par = Smoothing {
        alpha: 0.4,
        beta: 0.1,
        gamma: 0.2,
        phi: 0.9,
    };
    let step = Step { spec, par };
    let seasons_r = [1.0, -2.0, 1.0]; // s_1 (most recent), s_2, s_3 (first used)
    let pass = full_pass(&step, &y, 10.0, 0.5, &seasons_r);
    let (mut l, mut b) = (10.0, 0.5);
    let mut s = [1.0, -2.0, 1.0]; // ring by phase: y_0 uses s_3, y_1 uses s_2, ...
    for (t, &v) in y.iter().enumerate() {
        let f = l + 0.9 * b + s[t % 3];
        assert!((pass.fitted[t] - f).abs() < 1e-12);
        let e = v - f;
        let (l_old, b_old) = (l, b);
        l = l_old + 0.9 * b_old + 0.4 * e;
        b = 0.9 * b_old + 0.1 * e;
        s[t % 3] += 0.2 * e;
    }
    assert!((pass.level - l).abs() < 1e-12 && (pass.trend - b).abs() < 1e-12);
    // R order after 6 observations: s_1 is the phase of the last one (5 % 3 = 2).
    close(&pass.seasons, &[s[2], s[1], s[0]], 1e-12);
    let points = point_forecast(&step, l, b, &pass.seasons, 4);
    let expect: Vec<f64> = (1..=4)
        .map(|h| {
            let damp: f64 = (1..=h).map(|j| 0.9f64.powi(j)).sum();
            l + damp * b + s[(6 + h as usize - 1) % 3]
        })
        .collect();
    close(&points, &expect, 1e-12);
}

#[test]
fn daily_season_on_hourly_data_against_statsforecast() {
    // Reference: statsforecast 2.1.1, AutoETS(season_length=24, model='AAA') on synth(1440)
    // selects ETS(A,Ad,A): alpha 0.0564, beta 0.00157, gamma 0.0726, phi 0.8002, AICc
    // 14608.6; predict(48)['mean'][::6] below. It optimises the 23 seasonal initial states
    // and stops far from the optimum; we keep them at the decomposition and reach a much
    // lower AICc with the same parameter count.
    let y = TimeSeries::hourly(synth(1440)).unwrap();
    let f = EtsParams::default()
        .season_length(24)
        .spec("AAdA")
        .unwrap()
        .fit(&y)
        .unwrap();
    assert!(f.aicc() < 14608.6 - 1000.0, "aicc {}", f.aicc());
    assert_eq!(f.n_params(), 4 + 2 + 23 + 1);
    let fc = f.predict(48, &[80.0]).unwrap();
    let ours: Vec<f64> = fc.mean.iter().step_by(6).copied().collect();
    let reference = [
        115.234480746,
        134.8862914904,
        114.7925496294,
        94.0617825545,
        115.0918951094,
        134.8488480263,
        114.7827168507,
        94.059200434,
    ];
    // The levels differ by up to 15 % (ours follows the weekly swing, which an m = 24 model
    // sees as level changes): against the noiseless signal ours is at least as close.
    let tau = 2.0 * std::f64::consts::PI;
    let truth =
        |t: f64| 100.0 + 0.01 * t + 20.0 * (tau * t / 24.0).sin() + 10.0 * (tau * t / 168.0).sin();
    let mae = |v: &[f64]| -> f64 {
        v.iter()
            .enumerate()
            .map(|(i, x)| (x - truth(1440.0 + 6.0 * i as f64)).abs())
            .sum::<f64>()
            / v.len() as f64
    };
    assert!(
        mae(&ours) <= mae(&reference),
        "{} vs {}",
        mae(&ours),
        mae(&reference)
    );
}

#[test]
fn weekly_season_of_168_on_hourly_data() {
    // No reference accepts m = 168 (R refuses m > 24; statsforecast would optimise 167
    // initial states). The synthetic series has daily and weekly sines, so the weekly model
    // must forecast the noiseless signal closely and beat the non-seasonal one.
    let y = synth(1440);
    let series = TimeSeries::hourly(y.clone()).unwrap();
    let f = EtsParams::auto().season_length(168).fit(&series).unwrap();
    assert_eq!(f.season_length(), 168);
    assert!(f.spec().has_season(), "{}", f.name());
    assert_eq!(
        f.states().len(),
        1 + usize::from(f.spec().has_trend()) + 168
    );
    let fc = f.predict(168, &[80.0, 95.0]).unwrap();
    let tau = 2.0 * std::f64::consts::PI;
    let mae: f64 = (0..168)
        .map(|h| {
            let t = (1440 + h) as f64;
            let truth =
                100.0 + 0.01 * t + 20.0 * (tau * t / 24.0).sin() + 10.0 * (tau * t / 168.0).sin();
            (fc.mean[h] - truth).abs()
        })
        .sum::<f64>()
        / 168.0;
    // The noise is uniform on [-3, 3] (MAE 1.5 around the truth); the model must be close.
    assert!(mae < 2.0, "mae {mae}");
    let i95 = fc.interval(95.0).unwrap();
    assert!(fc.mean.iter().zip(&i95.upper).all(|(m, u)| u > m));
    let paths = f.sample_paths(168, 3, 9).unwrap();
    assert_eq!(paths, f.sample_paths(168, 3, 9).unwrap());
    assert!(paths.iter().flatten().all(|v| v.is_finite()));
}

#[test]
fn spec_strings_and_parameter_checks() {
    assert!(EtsParams::default().spec("AAdA").is_ok());
    assert!(EtsParams::default().spec("MAdM").is_ok());
    assert!(EtsParams::default().spec("AMA").is_err());
    assert!(EtsParams::default().spec("ANdA").is_err());
    assert!(EtsParams::default().spec("AA").is_err());
    assert!(EtsParams::default().season_length(0).check().is_err());
    assert!(EtsParams::default().alpha(1.5).check().is_err());
    assert!(EtsParams::default().alpha(0.3).beta(0.5).check().is_err());
    assert!(EtsParams::default().phi(0.5).check().is_err());
    assert!(EtsParams::default().spec("ANA").unwrap().check().is_err());
    assert!(EtsParams::default()
        .spec("ANN")
        .unwrap()
        .damped(true)
        .check()
        .is_err());
    let name = EtsParams::default()
        .spec("AAdA")
        .unwrap()
        .season_length(12)
        .fit(&monthly(&AIR))
        .unwrap()
        .name();
    assert_eq!(name, "ETS(A,Ad,A)");
}

#[test]
fn awkward_series_fit_or_fail_clearly() {
    // Constant and all-zero: ETS(A,N,N) with alpha 0.9999 and a flat, zero-width forecast.
    for value in [5.0, 0.0] {
        let f = EtsParams::auto()
            .season_length(24)
            .fit(&monthly(&[value; 60]))
            .unwrap();
        assert_eq!(f.name(), "ETS(A,N,N)");
        let fc = f.predict(5, &[80.0, 95.0]).unwrap();
        assert!(fc.mean.iter().all(|&v| (v - value).abs() < 1e-9));
        assert!(fc
            .interval(95.0)
            .unwrap()
            .upper
            .iter()
            .all(|v| v.is_finite()));
    }
    // Shorter than two seasons: auto falls back to a non-seasonal model, explicit refuses.
    let short = monthly(&AIR[..20]);
    let f = EtsParams::auto().season_length(12).fit(&short).unwrap();
    assert!(!f.spec().has_season());
    assert!(EtsParams::default()
        .season_length(12)
        .spec("AAA")
        .unwrap()
        .fit(&short)
        .is_err());
    // Too short, missing values, non-positive with a multiplicative component.
    assert!(EtsParams::auto().fit(&monthly(&[1.0, 2.0, 3.0])).is_err());
    assert!(EtsParams::auto()
        .fit(&monthly(&[1.0, f64::NAN, 3.0, 4.0, 5.0]))
        .is_err());
    let with_zero: Vec<f64> = AIR
        .iter()
        .enumerate()
        .map(|(i, v)| if i == 3 { 0.0 } else { *v })
        .collect();
    assert!(EtsParams::default()
        .spec("MNN")
        .unwrap()
        .fit(&monthly(&with_zero))
        .is_err());
    let f = EtsParams::auto()
        .season_length(12)
        .fit(&monthly(&with_zero))
        .unwrap();
    assert_eq!(f.spec().error, ErrorType::Additive);
    // Negative values: additive models only.
    let negative: Vec<f64> = AIR.iter().map(|v| v - 300.0).collect();
    let f = EtsParams::auto()
        .season_length(12)
        .fit(&monthly(&negative))
        .unwrap();
    assert_eq!(f.spec().error, ErrorType::Additive);
    assert!(f
        .predict(12, &[80.0])
        .unwrap()
        .mean
        .iter()
        .all(|v| v.is_finite()));
    // Errors on bad predict arguments.
    assert!(f.predict(0, &[80.0]).is_err());
    assert!(f.sample_paths(5, 0, 1).is_err());
}

#[test]
fn simulated_intervals_and_paths_behave() {
    let f = EtsParams::default()
        .season_length(12)
        .spec("MAM")
        .unwrap()
        .fit(&monthly(&AIR))
        .unwrap();
    let fc = f.predict(24, &[50.0, 80.0, 95.0]).unwrap();
    for h in 0..24 {
        let (i50, i80, i95) = (&fc.intervals[0], &fc.intervals[1], &fc.intervals[2]);
        assert!(i95.lower[h] <= i80.lower[h] && i80.lower[h] <= i50.lower[h]);
        assert!(i50.upper[h] <= i80.upper[h] && i80.upper[h] <= i95.upper[h]);
    }
    // Paths: reproducible per seed, different across seeds, centred near the point forecast.
    let a = f.sample_paths(12, 2000, 3).unwrap();
    assert_eq!(a, f.sample_paths(12, 2000, 3).unwrap());
    assert_ne!(a, f.sample_paths(12, 2000, 4).unwrap());
    let mean_h1 = a.iter().map(|p| p[0]).sum::<f64>() / 2000.0;
    assert!((mean_h1 - fc.mean[0]).abs() / fc.mean[0] < 0.01);
}

#[test]
fn restarts_never_worsen_the_likelihood() {
    let air = monthly(&AIR);
    let base = EtsParams::default().season_length(12).spec("MAM").unwrap();
    let once = base.clone().fit(&air).unwrap();
    let more = base.restarts(2).fit(&air).unwrap();
    assert!(more.loglik() >= once.loglik());
    // The restarted optimum is R's region (alpha ~ 0.7, gamma at its lower bound).
    assert!(more.aicc() < 1400.0, "{}", more.aicc());
}
