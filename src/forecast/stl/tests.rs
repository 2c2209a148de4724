use super::*;

const IDX: [usize; 7] = [0, 1, 100, 700, 1200, 1438, 1439];

fn assert_close(got: &[f64], idx: &[usize], want: &[f64], tol: f64) {
    for (&i, &w) in idx.iter().zip(want) {
        assert!((got[i] - w).abs() < tol, "at {i}: got {}, want {w}", got[i]);
    }
}

#[test]
fn golden_statsmodels_stl() {
    // Reference: statsmodels 0.15.0 `STL(y, **kw).fit()` on `synthetic_hourly(1440)`;
    // tolerance 1e-9 (the port differs only by summation order).
    let y = synthetic_hourly(1440);
    assert!((y[2] - 108.689_267_739_533_53).abs() < 1e-12);
    let d = StlParams::new(24)
        .seasonal(11)
        .seasonal_deg(0)
        .decompose(&y)
        .unwrap();
    assert_close(
        &d.trend,
        &IDX,
        &[
            103.453766942581,
            103.50014731321667,
            100.1466486370646,
            116.87971654664995,
            127.0741994667275,
            130.45449041755867,
            130.36104138265222,
        ],
        1e-9,
    );
    assert_close(
        &d.seasonal,
        &IDX,
        &[
            0.2814932164318476,
            2.4792507886722834,
            8.368939498317973,
            8.719082633955912,
            -0.04123205372512098,
            -4.650480008236947,
            -1.8862655925125151,
        ],
        1e-9,
    );
    let d = StlParams::new(168)
        .seasonal(15)
        .seasonal_deg(0)
        .decompose(&y)
        .unwrap();
    assert_close(
        &d.trend,
        &IDX,
        &[
            100.02849190774741,
            100.04886477725059,
            102.06764085538103,
            114.01055862134064,
            123.98949875673797,
            128.8098403977401,
            128.82964692734393,
        ],
        1e-9,
    );
    assert_close(
        &d.seasonal,
        &IDX,
        &[
            3.347505190139349,
            5.08645181233955,
            7.525768651952925,
            11.703958996354219,
            3.1806579450912924,
            -5.0146098042070335,
            -1.5951058089194865,
        ],
        1e-9,
    );
    let d = StlParams::new(24).robust(true).decompose(&y).unwrap();
    assert_close(
        &d.trend,
        &IDX,
        &[
            104.1885638548922,
            104.17661951576157,
            100.09223348722642,
            116.81627558374574,
            127.07705323510471,
            130.835783657408,
            130.77460867451765,
        ],
        1e-9,
    );
    assert_close(
        &d.seasonal,
        &IDX,
        &[
            -1.0291400339997099,
            0.4518190089971838,
            8.56043778072561,
            8.704339489087824,
            0.463923209349358,
            -5.062951923370634,
            -2.3873266695618214,
        ],
        1e-9,
    );
}

#[test]
fn default_spans_match_statsmodels() {
    // statsmodels STL(period=24, seasonal=11).config: trend 43, low_pass 25;
    // STL(period=168, seasonal=15): trend 281, low_pass 169.
    let p = StlParams::new(24).seasonal(11);
    assert_eq!((p.trend_span(), p.low_pass_span()), (43, 25));
    let p = StlParams::new(168).seasonal(15);
    assert_eq!((p.trend_span(), p.low_pass_span()), (281, 169));
    let p = StlParams::new(12);
    assert_eq!((p.trend_span(), p.low_pass_span()), (23, 13));
}

#[test]
fn invalid_parameters_are_refused() {
    let y = vec![1.0; 48];
    assert!(StlParams::new(1).decompose(&y).is_err());
    assert!(StlParams::new(12).seasonal(8).decompose(&y).is_err());
    assert!(StlParams::new(12).trend(11).decompose(&y).is_err());
    assert!(StlParams::new(12).seasonal_deg(2).decompose(&y).is_err());
    assert!(StlParams::new(30).decompose(&y).is_err());
    let mut bad = y.clone();
    bad[3] = f64::NAN;
    assert!(StlParams::new(12).decompose(&bad).is_err());
}

#[test]
fn constant_series_has_flat_trend_and_zero_season() {
    let d = StlParams::new(12).decompose(&[5.0; 60]).unwrap();
    assert!(d.trend.iter().all(|t| (t - 5.0).abs() < 1e-9));
    assert!(d.seasonal.iter().all(|s| s.abs() < 1e-9));
}

#[test]
fn components_add_up_and_pure_season_is_recovered() {
    let y: Vec<f64> = (0..120)
        .map(|t| 10.0 + 0.1 * t as f64 + (t % 12) as f64)
        .collect();
    let d = StlParams::new(12).robust(true).decompose(&y).unwrap();
    for i in 0..y.len() {
        assert!((d.trend[i] + d.seasonal[i] + d.remainder[i] - y[i]).abs() < 1e-9);
    }
    // Mid-series the remainder of a noiseless trend + season is tiny.
    assert!(d.remainder[30..90].iter().all(|r| r.abs() < 0.05));
}
