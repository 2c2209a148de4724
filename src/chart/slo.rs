//! The SLO burn-rate chart: the burn rate of an error series over a few windows, the alert
//! thresholds as reference lines and the start of every alert as a marker (from
//! [`crate::plan::slo_burn`]).
//!
//! ```
//! use capcast::chart::{BurnRateChart, ChartFormat};
//! use capcast::plan::{slo_burn, SloParams};
//! use polars::prelude::*;
//!
//! let minute = 60_000_000i64;
//! let df = df!(
//!     "ds" => (0..600).map(|i| i * minute).collect::<Vec<_>>(),
//!     "errors" => (0..600).map(|i| if (300..360).contains(&i) { 30.0 } else { 0.0 }).collect::<Vec<_>>(),
//!     "total" => vec![1000.0; 600],
//! )?
//! .lazy()
//! .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
//! .collect()?;
//! let burn = slo_burn(&df, &SloParams::new(0.999))?;
//! let chart = BurnRateChart::new(&burn).threshold(14.4, "14.4x page (1h/5m)");
//! let svg = chart.render(ChartFormat::Svg)?.to_svg_string().unwrap();
//! assert!(svg.contains("14.4x page"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::axis::ValueFormat;
use super::runway::{f64s, micros};
use super::timeplot::{Level, Line, Marker, TimePlot};
use super::{render, theme, Chart, ChartFormat};
use crate::error::Result;
use crate::plan::SloBurn;

/// The default size in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (1100, 550);
/// At most this many points per line (each point the highest burn rate of its rows).
const MAX_POINTS: usize = 1500;

/// A burn-rate chart of a [`SloBurn`].
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `windows` | `1h`, `6h`, `1d` (those present) | the burn-rate columns drawn |
/// | `thresholds` | none | `(burn rate, label)` reference lines |
/// | `title` | `Error budget burn rate` | the heading |
/// | `size` | 1100 x 550 | pixels |
#[derive(Debug, Clone)]
pub struct BurnRateChart<'a> {
    burn: &'a SloBurn,
    windows: Vec<String>,
    thresholds: Vec<(f64, String)>,
    title: String,
    size: (u32, u32),
}

impl<'a> BurnRateChart<'a> {
    /// A chart of `burn` with the defaults.
    pub fn new(burn: &'a SloBurn) -> Self {
        BurnRateChart {
            burn,
            windows: vec!["1h".into(), "6h".into(), "1d".into()],
            thresholds: Vec::new(),
            title: "Error budget burn rate".into(),
            size: DEFAULT_SIZE,
        }
    }
    /// The windows drawn (`5m`, `1h`, ...; windows the result lacks are skipped).
    pub fn windows(mut self, windows: &[&str]) -> Self {
        self.windows = windows.iter().map(|w| w.to_string()).collect();
        self
    }
    /// Adds a reference line at `burn_rate`.
    pub fn threshold(mut self, burn_rate: f64, label: impl Into<String>) -> Self {
        self.thresholds.push((burn_rate, label.into()));
        self
    }
    /// The heading.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
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
    /// [`crate::Error::Parameter`] when nothing is to be drawn or the size is out of range.
    pub fn render(&self, format: ChartFormat) -> Result<Chart> {
        render(&self.prepare()?, format)
    }

    fn prepare(&self) -> Result<TimePlot> {
        let series = &self.burn.series;
        let ds: Vec<i64> = micros(series, "ds")?.into_iter().flatten().collect();
        let mut plot = TimePlot::new(
            self.title.clone(),
            "burn rate (× the budget rate)".into(),
            ValueFormat::unit("x"),
            self.size,
        );
        let colours = [theme::FORECAST, theme::HISTORY, theme::MUTED];
        let step = ds.len().div_ceil(MAX_POINTS).max(1);
        let mut drawn = 0;
        for w in &self.windows {
            let Ok(values) = f64s(series, &format!("burn_{w}")) else {
                continue;
            };
            let points = ds
                .chunks(step)
                .zip(values.chunks(step))
                .map(|(t, v)| {
                    let peak = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (t[t.len() - 1], peak)
                })
                .collect();
            plot.lines.push(Line {
                points,
                colour: colours[drawn % colours.len()],
                dashed: drawn > 0,
                label: format!("burn rate over {w}"),
            });
            drawn += 1;
        }
        for (value, label) in &self.thresholds {
            plot.levels.push(Level {
                value: *value,
                colour: theme::ALERT,
                label: label.clone(),
            });
        }
        let severity = self.burn.alerts.column("severity")?.str()?.clone();
        let mut starts: Vec<(i64, String)> = micros(&self.burn.alerts, "start")?
            .into_iter()
            .enumerate()
            .filter_map(|(i, t)| Some((t?, severity.get(i).unwrap_or("alert").to_string())))
            .collect();
        starts.sort();
        let mut last_marker = i64::MIN;
        for (t, severity) in starts {
            // One marker per incident: alerts starting within a day of a marker share it.
            if t > last_marker.saturating_add(86_400_000_000) {
                plot.markers.push(Marker {
                    t,
                    colour: theme::ALERT,
                    label: format!("{severity} from {}", minute_text(t)),
                });
                last_marker = t;
            }
        }
        plot.check()
    }
}

/// `2026-08-12 14:50` (UTC) from microseconds.
pub(crate) fn minute_text(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{decode_png, has_text};
    use crate::plan::{slo_burn, SloParams};
    use polars::prelude::*;

    #[test]
    fn draws_lines_thresholds_and_alert_markers() {
        let minute = 60_000_000i64;
        let df = df!(
            "ds" => (0..600).map(|i| i * minute).collect::<Vec<_>>(),
            "errors" => (0..600).map(|i| if (300..360).contains(&i) { 30.0 } else { 0.0 }).collect::<Vec<_>>(),
            "total" => vec![1000.0; 600],
        )
        .unwrap()
        .lazy()
        .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
        .collect()
        .unwrap();
        let burn = slo_burn(&df, &SloParams::new(0.999)).unwrap();
        assert!(burn.alerts.height() > 0);
        let chart = BurnRateChart::new(&burn).threshold(14.4, "14.4x page (1h/5m)");
        let svg = chart
            .render(ChartFormat::Svg)
            .unwrap()
            .to_svg_string()
            .unwrap();
        for text in ["14.4x page (1h/5m)", "burn rate over 1h"] {
            assert!(has_text(&svg, text), "{text}");
        }
        assert!(svg.contains("from 1970-01-01 05:"), "an alert marker");
        let png = chart.render(ChartFormat::Png).unwrap();
        let (w, h, _) = decode_png(png.png_bytes().unwrap());
        assert_eq!((w, h), DEFAULT_SIZE);
    }
}
