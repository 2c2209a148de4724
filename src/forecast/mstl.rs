//! MSTL: decomposition of a series with several seasonal periods (Bandara, Hyndman &
//! Bergmeir 2021, *MSTL: A Seasonal-Trend Decomposition Algorithm for Time Series with
//! Multiple Seasonal Patterns*), and forecasting by parts, as statsforecast's `MSTL` does.
//!
//! Fitting: the periods are sorted ascending; each is extracted in turn by [`StlParams`]
//! (seasonal span `7 + 4 i` for the `i`-th period, `i = 1, 2, ...`; seasonal degree 0; other
//! STL settings at their defaults) from the series minus the other seasonal components, and
//! the whole is repeated `iterate` times (2; 1 with a single period). The trend is the last
//! STL's trend. Periods that need more than half the history are dropped (as R's `mstl`),
//! so a short series is forecast by the trend model alone.
//!
//! Forecasting: the trend model (configurable, [`MstlParams::trend_model`]; default
//! [`ThetaParams::standard`]) is fitted to the seasonally adjusted series (trend plus
//! remainder) and each seasonal component's last cycle is repeated. Intervals and sample
//! paths are those of the trend model shifted by the seasonal continuation, as statsforecast:
//! they ignore the uncertainty of the seasonal components and under-cover on noisy seasonal
//! series (conformal intervals from backtests correct this).
//!
//! | parameter | default | range |
//! |---|---|---|
//! | `periods` | required | each >= 2 |
//! | `iterate` | 2 | >= 1 |
//! | `seasonal_windows` | `7 + 4 i` | odd, >= 3, one per period |
//! | `trend_model` | `ThetaParams::standard()` | any non-seasonal [`Model`] |

use std::sync::Arc;

use super::model::{check_horizon, check_paths, Fitted, Forecast, Model};
use super::series::TimeSeries;
use super::stl::{LoessCache, StlParams};
use super::theta::ThetaParams;
use crate::error::{Error, Result};

/// Parameters of an MSTL forecaster.
///
/// # Example
/// ```
/// use capcast::forecast::{Fitted, MstlParams, TimeSeries};
///
/// let y: Vec<f64> = (0..24 * 21)
///     .map(|t| 50.0 + 10.0 * ((t % 24) as f64 / 24.0 * std::f64::consts::TAU).sin())
///     .collect();
/// let fitted = MstlParams::new(&[24, 168]).fit(&TimeSeries::hourly(y)?)?;
/// let forecast = fitted.predict(48, &[80.0, 95.0])?;
/// assert!((forecast.mean[6] - 60.0).abs() < 1.0);
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct MstlParams {
    periods: Vec<usize>,
    iterate: usize,
    seasonal_windows: Option<Vec<usize>>,
    trend_model: Arc<dyn Model>,
}

impl MstlParams {
    /// MSTL with these seasonal periods (in steps; e.g. `[24, 168]` for hourly data).
    pub fn new(periods: &[usize]) -> Self {
        MstlParams {
            periods: periods.to_vec(),
            iterate: 2,
            seasonal_windows: None,
            trend_model: Arc::new(ThetaParams::standard()),
        }
    }
    /// The model that forecasts the seasonally adjusted series (it should not be seasonal).
    pub fn trend_model(mut self, model: Box<dyn Model>) -> Self {
        self.trend_model = Arc::from(model);
        self
    }
    /// Number of passes over the periods (default 2).
    pub fn iterate(mut self, n: usize) -> Self {
        self.iterate = n;
        self
    }
    /// Seasonal smoother spans, one per period in ascending period order (default `7 + 4 i`).
    pub fn seasonal_windows(mut self, windows: &[usize]) -> Self {
        self.seasonal_windows = Some(windows.to_vec());
        self
    }

    fn check(&self) -> Result<()> {
        if self.periods.is_empty() {
            return Err(Error::parameter(
                "periods",
                "must hold at least one seasonal period",
            ));
        }
        if let Some(&p) = self.periods.iter().find(|&&p| p < 2) {
            return Err(Error::parameter(
                "periods",
                format!("each period must be at least 2 steps, got {p}"),
            ));
        }
        if self.iterate == 0 {
            return Err(Error::parameter("iterate", "must be at least 1"));
        }
        if let Some(w) = &self.seasonal_windows {
            if w.len() != self.periods.len() {
                return Err(Error::parameter(
                    "seasonal_windows",
                    format!(
                        "needs one window per period ({}), got {}",
                        self.periods.len(),
                        w.len()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Decomposes the series and fits the trend model to its seasonally adjusted part.
    ///
    /// # Errors
    /// [`Error::Parameter`] for invalid parameters, missing or non-finite values, or when
    /// the trend model cannot fit the adjusted series.
    pub fn fit(&self, series: &TimeSeries) -> Result<FittedMstl> {
        self.check()?;
        series.require_complete(&self.name())?;
        let y = series.values();
        let n = y.len();
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(Error::parameter(
                "y",
                format!("mstl needs finite values, value {i} is {}", y[i]),
            ));
        }
        let mut order: Vec<usize> = (0..self.periods.len()).collect();
        order.sort_by_key(|&i| self.periods[i]);
        let mut kept: Vec<(usize, usize)> = Vec::new(); // (period, seasonal window)
        for (rank, &i) in order.iter().enumerate() {
            let period = self.periods[i];
            let window = match &self.seasonal_windows {
                Some(w) => w[i],
                None => 7 + 4 * (rank + 1),
            };
            if 2 * period <= n && !kept.iter().any(|(p, _)| *p == period) {
                kept.push((period, window));
            }
        }
        let iterate = if kept.len() == 1 { 1 } else { self.iterate };
        let mut seasonal = vec![vec![0.0; n]; kept.len()];
        let mut deseas = y.to_vec();
        let mut trend = Vec::new();
        let mut cache = LoessCache::default();
        for _ in 0..iterate {
            for (k, &(period, window)) in kept.iter().enumerate() {
                for (d, s) in deseas.iter_mut().zip(&seasonal[k]) {
                    *d += s;
                }
                let stl = StlParams::new(period)
                    .seasonal(window)
                    .seasonal_deg(0)
                    .decompose_with(&deseas, &mut cache)?;
                for (d, s) in deseas.iter_mut().zip(&stl.seasonal) {
                    *d -= s;
                }
                seasonal[k] = stl.seasonal;
                trend = stl.trend;
            }
        }
        if kept.is_empty() {
            trend = deseas.clone();
        }
        let remainder: Vec<f64> = deseas.iter().zip(&trend).map(|(d, t)| d - t).collect();
        let adjusted = TimeSeries::new(series.start(), series.step(), deseas)?;
        let trend_fit = self.trend_model.fit_model(&adjusted)?;
        Ok(FittedMstl {
            periods: kept.iter().map(|(p, _)| *p).collect(),
            trend,
            seasonal,
            remainder,
            trend_fit,
            series: series.clone(),
        })
    }
}

impl Model for MstlParams {
    fn name(&self) -> String {
        let mut periods = self.periods.clone();
        periods.sort_unstable();
        let list: Vec<String> = periods.iter().map(|p| p.to_string()).collect();
        format!("MSTL({})+{}", list.join(","), self.trend_model.name())
    }
    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        Ok(Box::new(self.fit(series)?))
    }
}

/// A fitted MSTL: the decomposition and the fitted trend model.
#[derive(Debug)]
pub struct FittedMstl {
    periods: Vec<usize>,
    trend: Vec<f64>,
    seasonal: Vec<Vec<f64>>,
    remainder: Vec<f64>,
    trend_fit: Box<dyn Fitted>,
    series: TimeSeries,
}

impl FittedMstl {
    /// The seasonal periods used, ascending (periods longer than half the history dropped).
    pub fn periods(&self) -> &[usize] {
        &self.periods
    }
    /// The trend component.
    pub fn trend(&self) -> &[f64] {
        &self.trend
    }
    /// The seasonal component of each period in [`FittedMstl::periods`] order.
    pub fn seasonal(&self) -> &[Vec<f64>] {
        &self.seasonal
    }
    /// The remainder: `y - trend - sum of seasonal components`.
    pub fn remainder(&self) -> &[f64] {
        &self.remainder
    }
    /// The fitted trend model (fitted to trend + remainder).
    pub fn trend_model(&self) -> &dyn Fitted {
        self.trend_fit.as_ref()
    }

    /// The sum of the seasonal components continued `horizon` steps (last cycle repeated).
    pub fn seasonal_forecast(&self, horizon: usize) -> Vec<f64> {
        let n = self.trend.len();
        (0..horizon)
            .map(|h| {
                self.periods
                    .iter()
                    .zip(&self.seasonal)
                    .map(|(&m, s)| s[n - m + h % m])
                    .sum()
            })
            .collect()
    }
}

impl Fitted for FittedMstl {
    fn name(&self) -> String {
        let list: Vec<String> = self.periods.iter().map(|p| p.to_string()).collect();
        format!("MSTL({})+{}", list.join(","), self.trend_fit.name())
    }

    fn predict(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        let mut forecast = self.trend_fit.predict(horizon, levels)?;
        let seasonal = self.seasonal_forecast(horizon);
        let shift = |v: &mut Vec<f64>| v.iter_mut().zip(&seasonal).for_each(|(x, s)| *x += s);
        shift(&mut forecast.mean);
        for interval in &mut forecast.intervals {
            shift(&mut interval.lower);
            shift(&mut interval.upper);
        }
        forecast.ds = self.series.future_timestamps(horizon);
        Ok(forecast)
    }

    fn fitted_values(&self) -> Vec<f64> {
        let mut fitted = self.trend_fit.fitted_values();
        for s in &self.seasonal {
            fitted.iter_mut().zip(s).for_each(|(f, s)| *f += s);
        }
        fitted
    }

    fn sample_paths(&self, horizon: usize, n_paths: usize, seed: u64) -> Result<Vec<Vec<f64>>> {
        check_paths(horizon, n_paths)?;
        let seasonal = self.seasonal_forecast(horizon);
        let mut paths = self.trend_fit.sample_paths(horizon, n_paths, seed)?;
        for path in &mut paths {
            path.iter_mut().zip(&seasonal).for_each(|(x, s)| *x += s);
        }
        Ok(paths)
    }

    fn changepoints(&self) -> Vec<i64> {
        self.trend_fit.changepoints()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::stl::synthetic_hourly;
    use crate::forecast::BaselineParams;

    const IDX: [usize; 7] = [0, 1, 100, 700, 1200, 1438, 1439];

    fn hourly(y: Vec<f64>) -> TimeSeries {
        TimeSeries::hourly(y).unwrap()
    }

    fn assert_close(got: &[f64], want: &[f64], tol: f64) {
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= tol * w.abs().max(1.0),
                "#{k}: got {g}, want {w}"
            );
        }
    }

    /// Reference: statsforecast 2.1.1 `statsforecast.mstl.mstl(y, [24, 168])` (statsmodels
    /// 0.15.0 STL underneath) on `synthetic_hourly(1440)`; tolerance 1e-9.
    #[test]
    fn golden_statsforecast_mstl_decomposition() {
        let f = MstlParams::new(&[168, 24])
            .fit(&hourly(synthetic_hourly(1440)))
            .unwrap();
        assert_eq!(f.periods(), &[24, 168]);
        let pick = |v: &[f64]| IDX.map(|i| v[i]);
        #[rustfmt::skip]
        let (trend, s24, s168, rem) = (
            [100.02240817316829, 100.04283560292033, 102.06614437186734, 114.01053513509984, 123.98951744877041, 128.78791048249127, 128.8075124207463],
            [0.33701603464448066, 2.6220931542448374, 8.380536224922912, 8.79437351023105, -0.08886142651478846, -4.529710038778, -1.777118259462074],
            [3.303734324073095, 2.3889289176234514, -1.1527721748835194, 3.023943765723446, 3.397194893995222, -0.17363354346286486, 0.7039772302075072],
            [-1.6537778327504924, -0.9145996791930884, -1.221542686855571, 1.2431387861028185, 0.41022769047010854, 1.222415015031146, 0.35734703565907466],
        );
        assert_close(&pick(f.trend()), &trend, 1e-9);
        assert_close(&pick(&f.seasonal()[0]), &s24, 1e-9);
        assert_close(&pick(&f.seasonal()[1]), &s168, 1e-9);
        assert_close(&pick(f.remainder()), &rem, 1e-9);
    }

    /// Reference: statsforecast 2.1.1 `MSTL(season_length=[24, 168], trend_forecaster=...)
    /// .fit(y).predict(168, level=[95])` on `synthetic_hourly(1440)`, steps 1, 24, 101, 168.
    /// Tolerance 1e-9 relative for points; 1e-3 for the drift model's intervals (capcast's
    /// drift takes sigma with T - 2 degrees of freedom as R's `rwf`, statsforecast T - 1: a
    /// factor sqrt(1438 / 1437)). Theta's intervals are simulated by statsforecast (see the
    /// theta tests).
    #[test]
    fn golden_statsforecast_mstl_forecasts() {
        let y = hourly(synthetic_hourly(1440));
        let steps = [0usize, 23, 100, 167];
        let theta = MstlParams::new(&[24, 168]).fit(&y).unwrap();
        assert_eq!(theta.name(), "MSTL(24,168)+Theta(STM)");
        let fc = theta.predict(168, &[95.0]).unwrap();
        // trend_forecaster=Theta(season_length=1)
        let want = [
            126.8908289756448,
            119.88236336403467,
            142.12543268482975,
            129.56553058751865,
        ];
        assert_close(&steps.map(|h| fc.mean[h]), &want, 1e-9);

        // trend_forecaster=RandomWalkWithDrift()
        let drift = MstlParams::new(&[24, 168])
            .trend_model(Box::new(BaselineParams::drift()))
            .fit(&y)
            .unwrap();
        let fc = drift.predict(168, &[95.0]).unwrap();
        let i = fc.interval(95.0).unwrap();
        #[rustfmt::skip]
        let (mean, lo, hi) = (
            [127.10613050344274, 120.36020596770844, 143.48221715121835, 131.68710862276296],
            [124.55613205103462, 107.76844546532953, 116.98015194910576, 96.77136868720879],
            [129.65612895585087, 132.9519664700873, 169.98428235333094, 166.60284855831713],
        );
        assert_close(&steps.map(|h| fc.mean[h]), &mean, 1e-9);
        assert_close(&steps.map(|h| i.lower[h]), &lo, 1e-3);
        assert_close(&steps.map(|h| i.upper[h]), &hi, 1e-3);
        assert_eq!(fc.ds[0], 1440 * crate::forecast::series::HOUR_US);
    }

    /// Rolling-origin accuracy on the synthetic series: windows of 1440 hours ending at
    /// 1440, 1608, 1776 and 1944 hours, each forecasting the next 168. MASE scale = in-sample
    /// mean absolute 24-lag difference. Reference: statsforecast 2.1.1 MSTL([24, 168]) +
    /// Theta(season_length=1) MASE 0.36728, 0.29622, 0.49593, 0.41932 (mean 0.395; with
    /// AutoETS(AAdN) as trend: 0.495, so Theta is the default); tolerance 1e-4.
    #[test]
    fn rolling_mase_matches_statsforecast_and_beats_seasonal_naive() {
        let all = synthetic_hourly(1440 + 4 * 168);
        let reference = [0.36728, 0.29622, 0.49593, 0.41932];
        for (k, want) in reference.iter().enumerate() {
            let end = 1440 + 168 * k;
            let (train, test) = (&all[end - 1440..end], &all[end..end + 168]);
            let scale = (24..1440)
                .map(|t| (train[t] - train[t - 24]).abs())
                .sum::<f64>()
                / 1416.0;
            let mase = |fc: &[f64]| {
                fc.iter().zip(test).map(|(f, y)| (f - y).abs()).sum::<f64>() / 168.0 / scale
            };
            let y = hourly(train.to_vec());
            let mstl = MstlParams::new(&[24, 168]).fit(&y).unwrap();
            let m = mase(&mstl.predict(168, &[80.0]).unwrap().mean);
            assert!((m - want).abs() < 1e-4, "origin {k}: mase {m}");
            let snaive = BaselineParams::seasonal_naive(24).fit(&y).unwrap();
            let s = mase(&snaive.predict(168, &[80.0]).unwrap().mean);
            assert!(m < 0.6 * s, "origin {k}: mstl {m} vs seasonal naive {s}");
        }
    }

    #[test]
    fn short_constant_and_invalid_series() {
        // 300 hours: the weekly period needs 336, so only the daily one is kept.
        let f = MstlParams::new(&[24, 168])
            .fit(&hourly(synthetic_hourly(300)))
            .unwrap();
        assert_eq!(f.periods(), &[24]);
        assert!(f
            .predict(48, &[80.0])
            .unwrap()
            .mean
            .iter()
            .all(|v| v.is_finite()));
        // Shorter than two days: the trend model alone.
        let f = MstlParams::new(&[24, 168])
            .fit(&hourly(synthetic_hourly(30)))
            .unwrap();
        assert!(f.periods().is_empty());
        assert_eq!(f.seasonal_forecast(3), vec![0.0; 3]);
        for value in [0.0, 42.0] {
            let f = MstlParams::new(&[24, 168])
                .fit(&hourly(vec![value; 400]))
                .unwrap();
            let fc = f.predict(24, &[80.0, 95.0]).unwrap();
            assert!(
                fc.mean.iter().all(|m| (m - value).abs() < 1e-6),
                "{:?}",
                fc.mean
            );
        }
        let mut y = synthetic_hourly(400);
        y[7] = f64::NAN;
        assert!(MstlParams::new(&[24]).fit(&hourly(y)).is_err());
        let y = hourly(synthetic_hourly(400));
        assert!(MstlParams::new(&[]).fit(&y).is_err());
        assert!(MstlParams::new(&[1]).fit(&y).is_err());
        assert!(MstlParams::new(&[24]).iterate(0).fit(&y).is_err());
        assert!(MstlParams::new(&[24])
            .seasonal_windows(&[11, 15])
            .fit(&y)
            .is_err());
        assert!(MstlParams::new(&[24])
            .seasonal_windows(&[10])
            .fit(&y)
            .is_err());
    }

    #[test]
    fn every_length_and_small_period_forecasts_finitely() {
        let base = synthetic_hourly(400);
        for n in [1usize, 2, 3, 4, 5, 8, 13, 47, 48, 49, 100, 335, 336, 337] {
            for periods in [&[2usize, 4][..], &[24, 168], &[7]] {
                let y = hourly(base[..n].to_vec());
                match MstlParams::new(periods).fit(&y) {
                    Ok(f) => {
                        let fc = f.predict(30, &[80.0, 95.0]).unwrap();
                        assert!(fc.mean.iter().all(|v| v.is_finite()), "n {n} {periods:?}");
                        let i = fc.interval(95.0).unwrap();
                        assert!(i.lower.iter().chain(&i.upper).all(|v| v.is_finite()));
                    }
                    // Only the trend model may refuse, and only for fewer than 4 values.
                    Err(e) => assert!(n < 4, "n {n} {periods:?}: {e}"),
                }
            }
        }
    }

    #[test]
    fn components_paths_and_fitted_values() {
        let y = synthetic_hourly(1000);
        let f = MstlParams::new(&[24, 168]).fit(&hourly(y.clone())).unwrap();
        for (t, value) in y.iter().enumerate() {
            let sum = f.trend()[t] + f.seasonal()[0][t] + f.seasonal()[1][t] + f.remainder()[t];
            assert!((sum - value).abs() < 1e-9);
        }
        let fc = f.predict(48, &[80.0, 95.0]).unwrap();
        let paths = f.sample_paths(48, 500, 11).unwrap();
        assert_eq!((paths.len(), paths[0].len()), (500, 48));
        let mean = paths.iter().map(|p| p[47]).sum::<f64>() / 500.0;
        assert!(
            (mean - fc.mean[47]).abs() < 1.0,
            "{mean} vs {}",
            fc.mean[47]
        );
        let fitted = f.fitted_values();
        assert!((fitted[500] - y[500]).abs() < 5.0);
        let i80 = fc.interval(80.0).unwrap();
        assert!(i80.lower[0] < fc.mean[0] && fc.mean[0] < i80.upper[0]);
    }
}
