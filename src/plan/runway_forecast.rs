//! Runway from quantile forecasts instead of sample paths: the forecasts frame of
//! [`crate::forecast::forecast_frame`] (`unique_id, ds, yhat, yhat_lower_<level>,
//! yhat_upper_<level>`) already holds quantiles, since the upper bound of a central `L` %
//! interval is the `0.5 + L/200` quantile (the 90 % interval's upper bound is P95).
//!
//! The crossing date is the first step where that quantile reaches `threshold × capacity`.
//! Without paths there is no distribution of crossing dates: `crossing_p10/p50/p90` and
//! `prob_cross_within_horizon` are null. The curves use `yhat_lower_80`, `yhat` and
//! `yhat_upper_80` for P10/P50/P90 when the frame has them.

use polars::prelude::*;

use crate::error::{Error, Position, Result};
use crate::plan::frame::read_series;
use crate::plan::runway::{history_peaks, Runway, RunwayParams, Table};

/// The forecasts column holding the `quantile` (a fraction): `yhat` for 0.5,
/// `yhat_upper_<level>` above, `yhat_lower_<level>` below, with `level = |q - 0.5| × 200`.
///
/// # Example
/// ```
/// use capcast::plan::runway_forecast::quantile_column;
/// assert_eq!(quantile_column(0.95), "yhat_upper_90");
/// assert_eq!(quantile_column(0.9975), "yhat_upper_99.5");
/// assert_eq!(quantile_column(0.1), "yhat_lower_80");
/// ```
pub fn quantile_column(quantile: f64) -> String {
    if (quantile - 0.5).abs() < 1e-9 {
        return "yhat".into();
    }
    let level = ((quantile - 0.5).abs() * 200.0 * 1e6).round() / 1e6;
    let side = if quantile > 0.5 { "upper" } else { "lower" };
    format!("yhat_{side}_{level}")
}

/// The runway of every series of a forecasts frame (see the module docs).
///
/// # Errors
/// [`Error::Parameter`] as [`crate::plan::runway()`]; [`Error::Data`] when the frame lacks the
/// column of the chosen quantile (naming the level to forecast with), lacks `unique_id` or
/// `ds`, is empty, or has a null or non-finite bound.
///
/// # Example
/// ```
/// use capcast::plan::{runway_from_forecast, RunwayParams};
/// use polars::prelude::*;
///
/// let day = 86_400_000_000i64;
/// let forecasts = df!(
///     "unique_id" => ["db"; 3],
///     "ds" => [day, 2 * day, 3 * day],
///     "yhat" => [0.6, 0.65, 0.7],
///     "yhat_upper_90" => [0.7, 0.78, 0.86],
/// )?
/// .lazy()
/// .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
/// .collect()?;
/// let out = runway_from_forecast(&forecasts, None, &RunwayParams::default())?;
/// let crossing = out.summary.column("crossing_ds")?.cast(&DataType::Int64)?;
/// assert_eq!(crossing.i64()?.get(0), Some(3 * day));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn runway_from_forecast(
    forecasts: &DataFrame,
    history: Option<&DataFrame>,
    params: &RunwayParams,
) -> Result<Runway> {
    params.check()?;
    let name = quantile_column(params.quantile);
    if forecasts.column(&name).is_err() {
        let level = name.rsplit('_').next().unwrap_or("?").to_string();
        return Err(Error::data(
            Position::default().column(name.clone()),
            format!(
                "the forecasts frame has no such column; the {} quantile needs a forecast with level {level}",
                params.quantile
            ),
        ));
    }
    let q = read_series(forecasts, "forecasts", &name, false)?;
    let optional = |col: &str| -> Result<Option<Vec<Vec<f64>>>> {
        if forecasts.column(col).is_err() {
            return Ok(None);
        }
        let s = read_series(forecasts, "forecasts", col, true)?;
        Ok(Some(s.groups.into_iter().map(|g| g.y).collect()))
    };
    let p10 = optional("yhat_lower_80")?;
    let p50 = optional("yhat")?;
    let p90 = optional("yhat_upper_80")?;
    params.check_ids(q.groups.iter().map(|g| g.id.as_str()))?;
    let peaks = history_peaks(history)?;
    let mut table = Table::default();
    for (g, series) in q.groups.iter().enumerate() {
        let cap = params.capacity_of(&series.id);
        let limit = params.threshold * cap;
        let crossing = series
            .y
            .iter()
            .position(|&v| v >= limit)
            .map(|h| series.ds[h]);
        table.summary_row(
            &series.id,
            cap,
            [crossing, None, None, None],
            None,
            peaks.get(&series.id).map(|p| p / cap),
            series.ds.last().copied(),
        );
        let at = |c: &Option<Vec<Vec<f64>>>, h: usize| {
            c.as_ref()
                .and_then(|c| c.get(g))
                .and_then(|v| v.get(h))
                .map_or(f64::NAN, |v| v / cap)
        };
        for (h, &t) in series.ds.iter().enumerate() {
            table.curve_row(
                &series.id,
                t,
                [at(&p10, h), at(&p50, h), at(&p90, h), series.y[h] / cap],
            );
        }
    }
    table.finish(&q.id_dtype, params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{forecast_frame, BatchParams};
    use crate::plan::frame::{DAY, HOUR};
    use crate::plan::runway;

    fn utc(df: DataFrame) -> DataFrame {
        df.lazy()
            .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
            .collect()
            .unwrap()
    }

    #[test]
    fn column_names() {
        assert_eq!(quantile_column(0.5), "yhat");
        assert_eq!(quantile_column(0.975), "yhat_upper_95");
        assert_eq!(quantile_column(0.025), "yhat_lower_95");
    }

    #[test]
    fn missing_level_names_it() {
        let f = utc(df!("unique_id" => ["a"], "ds" => [DAY], "yhat" => [0.5]).unwrap());
        let err = runway_from_forecast(&f, None, &RunwayParams::default()).unwrap_err();
        assert!(err.to_string().contains("yhat_upper_90"), "{err}");
        assert!(err.to_string().contains("level 90"), "{err}");
    }

    /// The engine end to end: a rising hourly utilization series forecast by drift with
    /// paths; the quantile-forecast runway and the sample-path runway agree on whether the
    /// threshold is crossed, and the forecast's P95 and the paths' P95 cross within a day of
    /// each other (the drift model's paths are Gaussian around its intervals).
    #[test]
    fn engine_paths_and_quantiles_agree() {
        let n = 24 * 14;
        let y: Vec<f64> = (0..n)
            .map(|t| 0.3 + 0.0015 * t as f64 + 0.01 * ((t * 37 % 11) as f64 / 11.0 - 0.5))
            .collect();
        let series = utc(df!(
            "unique_id" => vec!["web"; n],
            "ds" => (0..n as i64).map(|t| t * HOUR).collect::<Vec<_>>(),
            "y" => y,
        )
        .unwrap());
        let auto = crate::forecast::AutoParams::default()
            .models(vec![Box::new(crate::forecast::BaselineParams::drift())])
            .intervals(crate::forecast::IntervalMethod::Native);
        let params = BatchParams::default()
            .horizon(24 * 14)
            .levels(&[80.0, 90.0])
            .paths(400)
            .seed(7)
            .auto(auto);
        let out = forecast_frame(&series, &params).unwrap();
        let rp = RunwayParams::default();
        let from_q = runway_from_forecast(&out.forecasts, Some(&out.history), &rp).unwrap();
        let from_p = runway(out.paths.as_ref().unwrap(), Some(&out.history), &rp).unwrap();
        let t = |r: &Runway| {
            r.summary
                .column("crossing_ds")
                .unwrap()
                .cast(&DataType::Int64)
                .unwrap()
                .i64()
                .unwrap()
                .get(0)
        };
        let (a, b) = (t(&from_q).unwrap(), t(&from_p).unwrap());
        assert!((a - b).abs() <= DAY, "{a} vs {b}");
        let prob = from_p
            .summary
            .column("prob_cross_within_horizon")
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .unwrap();
        assert!(prob > 0.5, "{prob}");
        assert!(from_q
            .summary
            .column("crossing_p50")
            .unwrap()
            .is_null()
            .get(0)
            .unwrap());
    }
}
