//! The budget burn-down chart: cumulative actual spend, the forecast's P10–P90 band and mean
//! to the end of the period, the budget line, the even-spend line and the median date the
//! budget runs out.
//!
//! ```
//! use capcast::chart::{BurndownChart, ChartFormat};
//! use capcast::plan::{budget_forecast, BudgetParams, Period};
//! use polars::prelude::*;
//!
//! let day = 86_400_000_000i64;
//! let utc = |df: DataFrame| {
//!     df.lazy()
//!         .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
//!         .collect()
//! };
//! let history = utc(df!("ds" => (0..10).map(|d| d * day).collect::<Vec<_>>(), "y" => [100.0; 10])?)?;
//! let (mut p, mut t, mut y) = (vec![], vec![], vec![]);
//! for (j, rate) in [90.0, 100.0, 110.0].into_iter().enumerate() {
//!     for d in 10..31 {
//!         p.push(j as i64);
//!         t.push(d * day);
//!         y.push(rate);
//!     }
//! }
//! let paths = utc(df!("path" => p, "ds" => t, "y" => y)?)?;
//! let params = BudgetParams::default().periods(&[Period::Month]).budget(Period::Month, 3000.0);
//! let out = budget_forecast(&history, &paths, &params)?;
//! let svg = BurndownChart::new(&out).render(ChartFormat::Svg)?.to_svg_string().unwrap();
//! assert!(svg.contains("Budget"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use polars::prelude::*;

use super::axis::ValueFormat;
use super::runway::{f64s, micros, pick_id, rows_of};
use super::timeplot::{Band, Level, Line, Marker, TimePlot};
use super::{render, theme, Chart, ChartFormat};
use crate::error::{Error, Result};
use crate::plan::period::date_text;
use crate::plan::{BudgetForecast, Period};

/// The default size in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (1100, 550);

/// A burn-down chart of one group and period of a [`BudgetForecast`], built step by step.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `unique_id` | the first group | the group drawn |
/// | `period` | month | [`Period::Month`] or [`Period::Quarter`] |
/// | `value_format` | plain | tick labels (e.g. [`ValueFormat::currency`]) |
/// | `title` | `<id>: <period> budget burn-down` | the heading |
/// | `y_label` | `cumulative spend` | the value axis label |
/// | `size` | 1100 x 550 | pixels |
#[derive(Debug, Clone)]
pub struct BurndownChart<'a> {
    budget: &'a BudgetForecast,
    unique_id: Option<String>,
    period: Period,
    value_format: ValueFormat,
    title: Option<String>,
    y_label: Option<String>,
    size: (u32, u32),
}

impl<'a> BurndownChart<'a> {
    /// A chart of the first group's month.
    pub fn new(budget: &'a BudgetForecast) -> Self {
        BurndownChart {
            budget,
            unique_id: None,
            period: Period::Month,
            value_format: ValueFormat::plain(),
            title: None,
            y_label: None,
            size: DEFAULT_SIZE,
        }
    }
    /// The group to draw.
    pub fn unique_id(mut self, id: impl Into<String>) -> Self {
        self.unique_id = Some(id.into());
        self
    }
    /// The period to draw (month or quarter).
    pub fn period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }
    /// How tick labels are written.
    pub fn value_format(mut self, format: ValueFormat) -> Self {
        self.value_format = format;
        self
    }
    /// The heading.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
    /// The value axis label.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = Some(label.into());
        self
    }
    /// Width and height in pixels.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Draws the chart.
    ///
    /// # Errors
    /// [`Error::Parameter`] for an unknown `unique_id`, a period that was not forecast, or a
    /// size out of range.
    pub fn render(&self, format: ChartFormat) -> Result<Chart> {
        render(&self.prepare()?, format)
    }

    /// Draws the chart in the format named by `path`'s extension and writes it there.
    ///
    /// # Errors
    /// As [`Self::render`]; [`Error::UnknownFormat`] or [`Error::Io`] naming the path.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        self.render(ChartFormat::from_path(path)?)?.save(path)
    }

    fn prepare(&self) -> Result<TimePlot> {
        let id = pick_id(&self.budget.summary, self.unique_id.as_deref())?;
        let of_period = |df: &DataFrame| -> Result<DataFrame> {
            Ok(df
                .clone()
                .lazy()
                .filter(col("period").eq(lit(self.period.name())))
                .collect()?)
        };
        let summary = of_period(&rows_of(&self.budget.summary, &id, false)?)?;
        if summary.height() == 0 {
            return Err(Error::parameter(
                "period",
                format!("no {} was forecast for '{id}'", self.period),
            ));
        }
        let rows = of_period(&rows_of(&self.budget.burndown, &id, true)?)?;
        let ds: Vec<i64> = micros(&rows, "ds")?
            .into_iter()
            .map(|t| t.unwrap_or(0))
            .collect();
        let actual = f64s(&rows, "actual_cumulative")?;
        let mean = f64s(&rows, "forecast_mean")?;
        let p10 = f64s(&rows, "forecast_p10")?;
        let p90 = f64s(&rows, "forecast_p90")?;
        let linear = f64s(&rows, "budget_linear")?;
        let budget = f64s(&summary, "budget")?
            .first()
            .copied()
            .filter(|b| b.is_finite());
        let exhaustion = micros(&summary, "exhaustion_ds")?
            .first()
            .copied()
            .flatten();

        let title = self
            .title
            .clone()
            .unwrap_or_else(|| format!("{id}: {} budget burn-down", self.period));
        let mut plot = TimePlot::new(
            title,
            self.y_label
                .clone()
                .unwrap_or_else(|| "cumulative spend".into()),
            self.value_format.clone(),
            self.size,
        );
        // The forecast starts from the last actual point so the lines join.
        let last_actual = ds
            .iter()
            .zip(&actual)
            .rfind(|(_, v)| v.is_finite())
            .map(|(t, v)| (*t, *v));
        let forecast_points = |values: &[f64]| -> Vec<(i64, f64)> {
            last_actual
                .into_iter()
                .chain(
                    ds.iter()
                        .zip(values)
                        .filter(|(_, v)| v.is_finite())
                        .map(|(t, v)| (*t, *v)),
                )
                .collect()
        };
        let lower = forecast_points(&p10);
        let upper = forecast_points(&p90);
        plot.bands.push(Band {
            ds: lower.iter().map(|p| p.0).collect(),
            lower: lower.iter().map(|p| p.1).collect(),
            upper: upper.iter().map(|p| p.1).collect(),
            colour: theme::FORECAST,
            alpha: 0.2,
            label: "Forecast P10–P90".into(),
        });
        plot.lines.push(Line {
            points: ds.iter().copied().zip(actual.iter().copied()).collect(),
            colour: theme::HISTORY,
            dashed: false,
            label: "Actual".into(),
        });
        plot.lines.push(Line {
            points: forecast_points(&mean),
            colour: theme::FORECAST,
            dashed: false,
            label: "Forecast (mean)".into(),
        });
        if let Some(b) = budget {
            plot.lines.push(Line {
                points: ds.iter().copied().zip(linear).collect(),
                colour: theme::MUTED,
                dashed: true,
                label: "Even spend".into(),
            });
            plot.levels.push(Level {
                value: b,
                colour: theme::ALERT,
                label: format!("Budget {}", self.value_format.value(b)),
            });
        }
        if let Some(t) = exhaustion {
            plot.markers.push(Marker {
                t,
                colour: theme::ALERT,
                label: format!("Runs out ~{} (median)", date_text(t)),
            });
        }
        plot.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{decode_png, dump, has_text};
    use crate::plan::frame::DAY;
    use crate::plan::{budget_forecast, BudgetParams};

    fn sample() -> BudgetForecast {
        let utc = |df: DataFrame| {
            df.lazy()
                .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
                .collect()
                .unwrap()
        };
        let history = utc(df!(
            "unique_id" => vec!["web"; 10],
            "ds" => (0..10).map(|d| d * DAY).collect::<Vec<_>>(),
            "y" => (0..10).map(|d| 100.0 + d as f64).collect::<Vec<_>>(),
        )
        .unwrap());
        let (mut p, mut t, mut y) = (vec![], vec![], vec![]);
        for j in 0..50i64 {
            for d in 10..90 {
                p.push(j);
                t.push(d * DAY);
                y.push(95.0 + j as f64 * 0.4 + ((d * 7 + j) % 5) as f64);
            }
        }
        let n = p.len();
        let paths =
            utc(df!("unique_id" => vec!["web"; n], "path" => p, "ds" => t, "y" => y).unwrap());
        let params = BudgetParams::default().budget(Period::Month, 3000.0);
        budget_forecast(&history, &paths, &params).unwrap()
    }

    #[test]
    fn svg_and_png() {
        let out = sample();
        let chart = BurndownChart::new(&out)
            .value_format(ValueFormat::currency("$"))
            .render(ChartFormat::Svg)
            .unwrap();
        dump(&chart, "capcast-burndown");
        let svg = chart.to_svg_string().unwrap();
        for text in [
            "web: month budget burn-down",
            "Budget $3,000",
            "Actual",
            "Even spend",
        ] {
            assert!(has_text(&svg, text), "missing {text}");
        }
        assert!(svg.contains("Runs out ~1970-01-"), "exhaustion marker");
        let month = BurndownChart::new(&out).render(ChartFormat::Png).unwrap();
        dump(&month, "capcast-burndown-month");
        let png = BurndownChart::new(&out)
            .period(Period::Quarter)
            .render(ChartFormat::Png)
            .unwrap();
        dump(&png, "capcast-burndown-quarter");
        let (w, h, _) = decode_png(png.png_bytes().unwrap());
        assert_eq!((w, h), DEFAULT_SIZE);
    }

    #[test]
    fn bad_input_is_an_error() {
        let out = sample();
        assert!(BurndownChart::new(&out)
            .unique_id("x")
            .render(ChartFormat::Svg)
            .is_err());
        assert!(BurndownChart::new(&out)
            .period(Period::Week)
            .render(ChartFormat::Svg)
            .is_err());
    }
}
