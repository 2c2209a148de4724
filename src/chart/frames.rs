//! One series' history and forecast taken out of the long frames the batch API returns
//! (`unique_id, ds, y` and `unique_id, ds, yhat, yhat_lower_<level>, yhat_upper_<level>`),
//! ready for a [`super::FanChart`].

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::forecast::{Forecast, Interval};
use crate::series::SERIES_COLUMNS;

/// The data of one fan chart.
#[derive(Debug, Clone)]
pub struct FanChartData {
    /// The series.
    pub unique_id: String,
    /// History timestamps (microseconds since the epoch, UTC); points without a value are
    /// left out.
    pub history_ds: Vec<i64>,
    /// History values.
    pub history_y: Vec<f64>,
    /// Trend changepoints to mark.
    pub changepoints: Vec<i64>,
    ds: Vec<i64>,
    mean: Vec<f64>,
    intervals: Vec<Interval>,
}

impl FanChartData {
    /// The forecast part as a [`Forecast`].
    pub fn forecast(&self) -> Forecast {
        Forecast {
            ds: self.ds.clone(),
            mean: self.mean.clone(),
            intervals: self.intervals.clone(),
        }
    }
}

/// Rows of `frame` whose `unique_id` (as text) is `id`, sorted by `ds`.
fn rows_of(frame: &DataFrame, id: &str) -> Result<DataFrame> {
    Ok(frame
        .clone()
        .lazy()
        .filter(
            col("unique_id")
                .cast(DataType::String)
                .eq(lit(id.to_string())),
        )
        .sort(["ds"], SortMultipleOptions::default())
        .collect()?)
}

fn micros(frame: &DataFrame) -> Result<Vec<i64>> {
    let ds = frame
        .column("ds")?
        .cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))?
        .cast(&DataType::Int64)?;
    Ok(ds.i64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

fn floats(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let values = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(values
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

/// The history and forecast of `unique_id` (default: the first series of `forecasts`), and
/// its changepoints when a `unique_id, ds` frame of them is given.
///
/// # Errors
/// [`Error::Parameter`] if the series is in neither frame, or a frame lacks its columns.
pub fn fan_chart_data(
    history: &DataFrame,
    forecasts: &DataFrame,
    changepoints: Option<&DataFrame>,
    unique_id: Option<&str>,
) -> Result<FanChartData> {
    for column in SERIES_COLUMNS {
        if history.column(column).is_err() {
            return Err(Error::parameter(
                "history",
                format!("needs the columns unique_id, ds and y; '{column}' is missing"),
            ));
        }
    }
    if forecasts.column("yhat").is_err() || forecasts.column("unique_id").is_err() {
        return Err(Error::parameter(
            "forecasts",
            "needs the columns unique_id, ds and yhat (the frame forecast returns)",
        ));
    }
    let ids = forecasts.column("unique_id")?.cast(&DataType::String)?;
    let id = match unique_id {
        Some(id) => id.to_string(),
        None => ids
            .str()?
            .iter()
            .flatten()
            .next()
            .ok_or_else(|| Error::parameter("forecasts", "has no rows"))?
            .to_string(),
    };
    let future = rows_of(forecasts, &id)?;
    if future.height() == 0 {
        let mut known: Vec<String> = ids.str()?.iter().flatten().map(str::to_string).collect();
        known.dedup();
        known.truncate(5);
        return Err(Error::parameter(
            "unique_id",
            format!(
                "no forecast for series '{id}'; series include: {}",
                known.join(", ")
            ),
        ));
    }
    let past = rows_of(history, &id)?;
    let (mut history_ds, mut history_y) = (Vec::new(), Vec::new());
    for (t, y) in micros(&past)?.into_iter().zip(floats(&past, "y")?) {
        if y.is_finite() {
            history_ds.push(t);
            history_y.push(y);
        }
    }
    let mut intervals = Vec::new();
    for name in forecasts.get_column_names() {
        if let Some(level) = name.strip_prefix("yhat_lower_") {
            let Ok(value) = level.parse::<f64>() else {
                continue;
            };
            intervals.push(Interval {
                level: value,
                lower: floats(&future, name)?,
                upper: floats(&future, &format!("yhat_upper_{level}"))?,
            });
        }
    }
    intervals.sort_by(|a, b| a.level.total_cmp(&b.level));
    let changepoints = match changepoints {
        Some(frame) if frame.height() > 0 => micros(&rows_of(frame, &id)?)?,
        _ => Vec::new(),
    };
    Ok(FanChartData {
        changepoints,
        unique_id: id,
        history_ds,
        history_y,
        ds: micros(&future)?,
        mean: floats(&future, "yhat")?,
        intervals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_series_and_its_levels() {
        let history = df!(
            "unique_id" => ["a", "a", "b"],
            "ds" => [0i64, 3_600_000_000, 0],
            "y" => [Some(1.0), None, Some(5.0)],
        )
        .unwrap();
        let forecasts = df!(
            "unique_id" => ["a", "b"],
            "ds" => [7_200_000_000i64, 3_600_000_000],
            "yhat" => [2.0, 6.0],
            "yhat_lower_80" => [1.0, 5.0],
            "yhat_upper_80" => [3.0, 7.0],
        )
        .unwrap();
        let data = fan_chart_data(&history, &forecasts, None, Some("a")).unwrap();
        assert_eq!(data.history_y, vec![1.0]);
        let f = data.forecast();
        assert_eq!(f.mean, vec![2.0]);
        assert_eq!(f.interval(80.0).unwrap().upper, vec![3.0]);
        assert!(fan_chart_data(&history, &forecasts, None, Some("zzz")).is_err());
        assert_eq!(
            fan_chart_data(&history, &forecasts, None, None)
                .unwrap()
                .unique_id,
            "a"
        );
    }
}
