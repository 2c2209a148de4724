//! The capacity runway chart: observed utilization, the forecast's P10–P90 band, its median
//! and the chosen quantile, the threshold line and the date the quantile crosses it.
//!
//! ```
//! use capcast::chart::{ChartFormat, RunwayChart};
//! use capcast::plan::{runway, RunwayParams};
//! use polars::prelude::*;
//!
//! let day = 86_400_000_000i64;
//! let (mut p, mut t, mut y) = (vec![], vec![], vec![]);
//! for j in 0..10 {
//!     for d in 1..=30 {
//!         p.push(j as i64);
//!         t.push(d * day);
//!         y.push(0.5 + 0.01 * (j + 1) as f64 * d as f64);
//!     }
//! }
//! let paths = df!("unique_id" => vec!["db"; 300], "path" => p, "ds" => t, "y" => y)?
//!     .lazy()
//!     .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
//!     .collect()?;
//! let out = runway(&paths, None, &RunwayParams::default())?;
//! let svg = RunwayChart::new(&out).render(ChartFormat::Svg)?.to_svg_string().unwrap();
//! assert!(svg.contains("80% of capacity"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use polars::prelude::*;

use super::axis::ValueFormat;
use super::timeplot::{Band, Level, Line, Marker, TimePlot};
use super::{render, theme, Chart, ChartFormat};
use crate::error::{Error, Result};
use crate::plan::frame::{numbers, times};
use crate::plan::period::date_text;
use crate::plan::Runway;

/// The default size in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (1100, 550);

/// A runway chart of one group of a [`Runway`], built step by step.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `history` | none | observed `unique_id, ds, y` in the paths' unit (divided by capacity) |
/// | `unique_id` | the first group | the group drawn |
/// | `last` | all | show only the last N history points |
/// | `title` | `<id>: capacity runway` | the heading |
/// | `size` | 1100 x 550 | pixels |
#[derive(Debug, Clone)]
pub struct RunwayChart<'a> {
    runway: &'a Runway,
    history: Option<&'a DataFrame>,
    unique_id: Option<String>,
    last: Option<usize>,
    title: Option<String>,
    size: (u32, u32),
}

/// Rows of `frame` for `id` (compared as text), sorted by `ds` when it has one.
pub(crate) fn rows_of(frame: &DataFrame, id: &str, sort: bool) -> Result<DataFrame> {
    let lf = frame.clone().lazy().filter(
        col("unique_id")
            .cast(DataType::String)
            .eq(lit(id.to_string())),
    );
    let lf = if sort {
        lf.sort(["ds"], SortMultipleOptions::default())
    } else {
        lf
    };
    Ok(lf.collect()?)
}

/// The id to draw: `wanted`, or the first id of `frame`.
pub(crate) fn pick_id(frame: &DataFrame, wanted: Option<&str>) -> Result<String> {
    let ids = frame.column("unique_id")?.cast(&DataType::String)?;
    let ids = ids.as_materialized_series().str()?.clone();
    match wanted {
        Some(w) if ids.iter().flatten().any(|i| i == w) => Ok(w.to_string()),
        Some(w) => Err(Error::parameter(
            "unique_id",
            format!("'{w}' is not in the results"),
        )),
        None => ids
            .iter()
            .flatten()
            .next()
            .map(str::to_string)
            .ok_or_else(|| Error::parameter("unique_id", "the results are empty: nothing to draw")),
    }
}

pub(crate) fn f64s(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(numbers(df, "chart", name)?
        .into_iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

pub(crate) fn micros(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    times(df, "chart", name)
}

impl<'a> RunwayChart<'a> {
    /// A chart of the first group of `runway`.
    pub fn new(runway: &'a Runway) -> Self {
        RunwayChart {
            runway,
            history: None,
            unique_id: None,
            last: None,
            title: None,
            size: DEFAULT_SIZE,
        }
    }
    /// Observed `unique_id, ds, y` to draw before the forecast.
    pub fn history(mut self, history: &'a DataFrame) -> Self {
        self.history = Some(history);
        self
    }
    /// The group to draw.
    pub fn unique_id(mut self, id: impl Into<String>) -> Self {
        self.unique_id = Some(id.into());
        self
    }
    /// Shows only the last `n` history points.
    pub fn last(mut self, n: usize) -> Self {
        self.last = Some(n);
        self
    }
    /// The heading.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
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
    /// [`Error::Parameter`] for an unknown `unique_id`, empty results, `last` of 0 or a size
    /// out of range; [`Error::Data`] for a history frame without `unique_id, ds, y`.
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
        if self.last == Some(0) {
            return Err(Error::parameter("last", "must be at least 1 history point"));
        }
        let id = pick_id(&self.runway.summary, self.unique_id.as_deref())?;
        let summary = rows_of(&self.runway.summary, &id, false)?;
        let capacity = f64s(&summary, "capacity")?.first().copied().unwrap_or(1.0);
        let threshold = f64s(&summary, "threshold")?.first().copied().unwrap_or(0.8);
        let quantile = f64s(&summary, "quantile")?.first().copied().unwrap_or(0.95);
        let crossing = micros(&summary, "crossing_ds")?.first().copied().flatten();
        let curves = rows_of(&self.runway.curves, &id, true)?;
        let ds: Vec<i64> = micros(&curves, "ds")?.into_iter().flatten().collect();
        let pct = |v: Vec<f64>| v.into_iter().map(|x| 100.0 * x).collect::<Vec<f64>>();
        let p10 = pct(f64s(&curves, "utilization_p10")?);
        let p50 = pct(f64s(&curves, "utilization_p50")?);
        let p90 = pct(f64s(&curves, "utilization_p90")?);
        let q = pct(f64s(&curves, "utilization_q")?);
        let q_name = format!("P{}", fmt_pct(quantile));

        let title = self
            .title
            .clone()
            .unwrap_or_else(|| format!("{id}: capacity runway"));
        let mut plot = TimePlot::new(
            title,
            "utilization (% of capacity)".into(),
            ValueFormat::unit("%"),
            self.size,
        );
        if let Some(h) = self.history {
            let rows = rows_of(h, &id, true)?;
            let hds = micros(&rows, "ds")?;
            let hy = f64s(&rows, "y")?;
            let mut points: Vec<(i64, f64)> = hds
                .into_iter()
                .zip(hy)
                .filter_map(|(t, v)| t.map(|t| (t, 100.0 * v / capacity)))
                .collect();
            if let Some(n) = self.last {
                let skip = points.len().saturating_sub(n);
                points.drain(..skip);
            }
            plot.lines.push(Line {
                points,
                colour: theme::HISTORY,
                dashed: false,
                label: "Observed".into(),
            });
        }
        plot.bands.push(Band {
            ds: ds.clone(),
            lower: p10,
            upper: p90,
            colour: theme::FORECAST,
            alpha: 0.2,
            label: "P10–P90".into(),
        });
        plot.lines.push(Line {
            points: ds.iter().copied().zip(p50).collect(),
            colour: theme::FORECAST,
            dashed: false,
            label: "Median forecast".into(),
        });
        plot.lines.push(Line {
            points: ds.iter().copied().zip(q).collect(),
            colour: theme::FORECAST,
            dashed: true,
            label: format!("{q_name} forecast"),
        });
        plot.levels.push(Level {
            value: 100.0 * threshold,
            colour: theme::ALERT,
            label: format!("{}% of capacity", fmt_pct(threshold)),
        });
        if let Some(t) = crossing {
            plot.markers.push(Marker {
                t,
                colour: theme::ALERT,
                label: format!("{q_name} crosses on {}", date_text(t)),
            });
        }
        plot.check()
    }
}

/// A fraction as a percentage without trailing zeros: 0.95 -> `95`, 0.995 -> `99.5`.
pub(crate) fn fmt_pct(f: f64) -> String {
    let s = format!("{:.2}", 100.0 * f);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{decode_png, dump, has_text};
    use crate::plan::frame::DAY;
    use crate::plan::{runway, RunwayParams};

    fn sample() -> (Runway, DataFrame) {
        let (mut p, mut t, mut y) = (vec![], vec![], vec![]);
        for j in 0..20 {
            for d in 31..=90 {
                p.push(j as i64);
                t.push(d * DAY);
                y.push(55.0 + 0.4 * (d - 30) as f64 + (j as f64 - 10.0) * 0.03 * (d - 30) as f64);
            }
        }
        let utc = |df: DataFrame| {
            df.lazy()
                .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
                .collect()
                .unwrap()
        };
        let n = p.len();
        let paths =
            utc(df!("unique_id" => vec!["db"; n], "path" => p, "ds" => t, "y" => y).unwrap());
        let history = utc(df!(
            "unique_id" => vec!["db"; 30],
            "ds" => (1..=30).map(|d| d * DAY).collect::<Vec<_>>(),
            "y" => (1..=30).map(|d| 45.0 + 0.3 * d as f64).collect::<Vec<_>>(),
        )
        .unwrap());
        let out = runway(
            &paths,
            Some(&history),
            &RunwayParams::default().capacity(100.0),
        )
        .unwrap();
        (out, history)
    }

    #[test]
    fn svg_and_png_show_threshold_and_crossing() {
        let (out, history) = sample();
        let chart = RunwayChart::new(&out)
            .history(&history)
            .render(ChartFormat::Svg)
            .unwrap();
        dump(&chart, "capcast-runway");
        let svg = chart.to_svg_string().unwrap();
        for text in [
            "db: capacity runway",
            "80% of capacity",
            "P95 forecast",
            "Observed",
            "P10–P90",
        ] {
            assert!(has_text(&svg, text), "missing {text}");
        }
        assert!(svg.contains("P95 crosses on 1970-"), "crossing label");
        assert!(svg.contains("<polygon"));
        let png = RunwayChart::new(&out)
            .history(&history)
            .render(ChartFormat::Png)
            .unwrap();
        dump(&png, "capcast-runway");
        let (w, h, rgb) = decode_png(png.png_bytes().unwrap());
        assert_eq!((w, h), DEFAULT_SIZE);
        let red = rgb
            .chunks(3)
            .filter(|p| p[0] > 180 && p[1] < 90 && p[2] < 90)
            .count();
        assert!(red > 200, "{red} threshold pixels");
    }

    #[test]
    fn bad_input_is_an_error() {
        let (out, _) = sample();
        assert!(RunwayChart::new(&out)
            .unique_id("nope")
            .render(ChartFormat::Svg)
            .is_err());
        assert!(RunwayChart::new(&out)
            .last(0)
            .render(ChartFormat::Svg)
            .is_err());
        assert!(RunwayChart::new(&out)
            .size(1, 1)
            .render(ChartFormat::Png)
            .is_err());
        assert_eq!(fmt_pct(0.995), "99.5");
        assert_eq!(fmt_pct(0.8), "80");
    }
}
