//! Distribution charts: a histogram of samples (such as one VM's CPU cores over the
//! rightsizing lookback) with labelled vertical markers for capacities and statistics (the
//! current size, the recommended size, the chosen percentile). Several panels stack
//! vertically, one per quantity (CPU, memory).
//!
//! ```
//! use capcast::chart::{ChartFormat, DistributionChart, DistributionPanel, MarkerKind};
//!
//! let cores: Vec<f64> = (0..500).map(|i| 0.2 + 0.6 * ((i * 37 % 100) as f64 / 100.0)).collect();
//! let chart = DistributionChart::new()
//!     .title("vm-1")
//!     .panel(
//!         DistributionPanel::new("CPU", "cores", cores)
//!             .marker("current 4", 4.0, MarkerKind::Current)
//!             .marker("recommended 1", 1.0, MarkerKind::Recommended)
//!             .marker("P99.5 0.79", 0.79, MarkerKind::Statistic),
//!     )
//!     .render(ChartFormat::Svg)?;
//! assert!(chart.to_svg_string().unwrap().contains("recommended 1"));
//! # Ok::<(), capcast::Error>(())
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{linear_axis, ValueFormat};
use super::{draw_title, render, theme, Chart, ChartFormat, Draw, DrawResult, Zoom, MARGIN};
use crate::error::{Error, Result};

/// The default width in pixels.
pub const DEFAULT_WIDTH: u32 = 900;
/// The default height of one panel in pixels.
const PANEL_PX: u32 = 300;
/// Histogram bins.
const BINS: usize = 40;

/// What a vertical marker stands for (its colour and dash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// The capacity in place now (dark grey, solid).
    Current,
    /// The recommended capacity (blue, solid, thick).
    Recommended,
    /// A statistic of the samples, such as the chosen percentile (orange, dashed).
    Statistic,
}

impl MarkerKind {
    fn colour(self) -> RGBColor {
        match self {
            MarkerKind::Current => theme::HISTORY,
            MarkerKind::Recommended => theme::FORECAST,
            MarkerKind::Statistic => RGBColor(217, 119, 6),
        }
    }
}

/// One histogram with its markers.
#[derive(Debug, Clone)]
pub struct DistributionPanel {
    name: String,
    unit: String,
    samples: Vec<f64>,
    markers: Vec<(String, f64, MarkerKind)>,
}

impl DistributionPanel {
    /// A panel named `name` (e.g. `CPU`) of `samples` measured in `unit` (e.g. `cores`).
    pub fn new(name: impl Into<String>, unit: impl Into<String>, samples: Vec<f64>) -> Self {
        DistributionPanel {
            name: name.into(),
            unit: unit.into(),
            samples,
            markers: Vec::new(),
        }
    }

    /// Adds a labelled vertical line at `value`.
    pub fn marker(mut self, label: impl Into<String>, value: f64, kind: MarkerKind) -> Self {
        self.markers.push((label.into(), value, kind));
        self
    }
}

/// Histograms stacked vertically, built step by step and rendered with
/// [`DistributionChart::render`].
#[derive(Debug, Clone, Default)]
pub struct DistributionChart {
    title: String,
    panels: Vec<DistributionPanel>,
    size: Option<(u32, u32)>,
}

impl DistributionChart {
    /// An empty chart.
    pub fn new() -> Self {
        Self::default()
    }

    /// The heading.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Adds a panel below the others.
    pub fn panel(mut self, panel: DistributionPanel) -> Self {
        self.panels.push(panel);
        self
    }

    /// Width and height in pixels (default 900 wide, 300 per panel plus the title).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }

    /// Draws the chart.
    ///
    /// # Errors
    /// [`Error::Parameter`] when there is no panel, a panel has no samples, a sample or
    /// marker is not finite (naming the panel), or the size is out of range.
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

    fn prepare(&self) -> Result<Prepared> {
        if self.panels.is_empty() {
            return Err(Error::parameter("panels", "no panel to draw"));
        }
        let mut panels = Vec::new();
        for p in &self.panels {
            if p.samples.is_empty() {
                return Err(Error::parameter(
                    "samples",
                    format!("panel '{}' has no samples", p.name),
                ));
            }
            if p.samples.iter().any(|v| !v.is_finite() || v.abs() > 1e300)
                || p.markers
                    .iter()
                    .any(|m| !m.1.is_finite() || m.1.abs() > 1e300)
            {
                return Err(Error::parameter(
                    "samples",
                    format!("panel '{}' has a value that is not a finite number", p.name),
                ));
            }
            let lo = p.samples.iter().copied().fold(0.0f64, f64::min);
            let hi = p
                .samples
                .iter()
                .chain(p.markers.iter().map(|m| &m.1))
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            let hi = if hi > lo { hi * 1.06 } else { lo + 1.0 };
            // Bins over the samples' own range, so a far capacity marker does not squeeze
            // them into a few bars.
            let top = p.samples.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let width = if top > lo {
                (top - lo) / BINS as f64
            } else {
                (hi - lo) / BINS as f64
            };
            let mut counts = vec![0usize; BINS];
            for &v in &p.samples {
                let i = (((v - lo) / width) as usize).min(BINS - 1);
                counts[i] += 1;
            }
            let n = p.samples.len() as f64;
            panels.push(PreparedPanel {
                name: p.name.clone(),
                unit: p.unit.clone(),
                lo,
                hi,
                width,
                shares: counts.iter().map(|&c| 100.0 * c as f64 / n).collect(),
                markers: p.markers.clone(),
            });
        }
        let size = self.size.unwrap_or((
            DEFAULT_WIDTH,
            PANEL_PX * panels.len() as u32 + if self.title.is_empty() { 0 } else { 40 },
        ));
        Ok(Prepared {
            title: self.title.clone(),
            panels,
            size,
        })
    }
}

#[derive(Debug)]
struct PreparedPanel {
    name: String,
    unit: String,
    lo: f64,
    hi: f64,
    /// The width of a bin; bins start at `lo`.
    width: f64,
    /// Percent of samples in each of the `BINS` equal bins.
    shares: Vec<f64>,
    markers: Vec<(String, f64, MarkerKind)>,
}

#[derive(Debug)]
struct Prepared {
    title: String,
    panels: Vec<PreparedPanel>,
    size: (u32, u32),
}

impl Draw for Prepared {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, z: Zoom) -> DrawResult<DB> {
        let top = draw_title(root, &self.title, z)?;
        let margin = z.px(MARGIN);
        let body = root.margin(top, margin, margin, margin);
        let areas = body.split_evenly((self.panels.len(), 1));
        for (panel, area) in self.panels.iter().zip(&areas) {
            draw_panel(panel, area, z)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    p: &PreparedPanel,
    area: &DrawingArea<DB, Shift>,
    z: Zoom,
) -> DrawResult<DB> {
    let label_style = z.font(theme::LABEL_SIZE, &theme::TEXT);
    let desc_style = z.font(theme::DESC_SIZE, &theme::MUTED);
    let (w, _) = area.dim_in_pixel();
    let max_x_ticks = ((w as i32) / z.px(90.0)).clamp(2, 10) as usize;
    let x_axis = linear_axis(p.lo, p.hi, max_x_ticks, &ValueFormat::plain());
    let top_share = p.shares.iter().copied().fold(0.0f64, f64::max);
    // Room above the bars for one label row per marker.
    let rows = p.markers.len().max(1) as f64;
    let y_hi = (top_share * (1.0 + 0.16 * rows)).max(1.0);
    let mut y_axis = linear_axis(0.0, y_hi, 4, &ValueFormat::unit("%"));
    y_axis
        .ticks
        .retain(|t| t.0 <= top_share * 1.05 || t.0 == 0.0);
    let n_x = x_axis.ticks.len();
    let n_y = y_axis.ticks.len();
    let mut chart = ChartBuilder::on(&area.margin(z.px(4.0), z.px(8.0), 0, 0))
        .x_label_area_size(z.px(50.0))
        .y_label_area_size(z.px(64.0))
        .build_cartesian_2d(x_axis, y_axis)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n_x)
        .y_labels(n_y)
        .set_all_tick_mark_size(z.px(5.0))
        .bold_line_style(theme::GRID.stroke_width(z.upx(1.0)))
        .axis_style(theme::AXIS.stroke_width(z.upx(1.0)))
        .label_style(label_style.clone())
        .axis_desc_style(desc_style)
        .x_desc(format!("{} ({})", p.name, p.unit))
        .y_desc("% of samples")
        .draw()?;
    let width = p.width;
    let bar = RGBColor(148, 163, 184);
    chart.draw_series(
        p.shares
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0.0)
            .map(|(i, &s)| {
                let x0 = p.lo + i as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, s)], bar.filled())
            }),
    )?;
    // Markers, their labels in rows from the top, left of the line when it is past the
    // middle of the axis.
    for (row, (label, value, kind)) in p.markers.iter().enumerate() {
        let colour = kind.colour();
        let stroke = match kind {
            MarkerKind::Recommended => 3.0,
            _ => 2.0,
        };
        let label_y = y_hi - (row as f64 + 0.5) * (y_hi - top_share * 1.02) / rows;
        let style = colour.stroke_width(z.upx(stroke));
        if *kind == MarkerKind::Statistic {
            chart.draw_series(DashedLineSeries::new(
                vec![(*value, 0.0), (*value, y_hi)],
                z.upx(6.0),
                z.upx(4.0),
                style,
            ))?;
        } else {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*value, 0.0), (*value, y_hi)],
                style,
            )))?;
        }
        let right_half = (value - p.lo) / (p.hi - p.lo) > 0.55;
        let (dx, anchor) = if right_half {
            (-z.px(5.0), HPos::Right)
        } else {
            (z.px(5.0), HPos::Left)
        };
        let text_colour: &'static RGBColor = match kind {
            MarkerKind::Current => &theme::HISTORY,
            MarkerKind::Recommended => &theme::FORECAST,
            MarkerKind::Statistic => &STATISTIC_TEXT,
        };
        chart.draw_series(std::iter::once(
            EmptyElement::at((*value, label_y))
                + Text::new(
                    label.clone(),
                    (dx, 0),
                    z.bold(theme::LABEL_SIZE, text_colour)
                        .pos(Pos::new(anchor, VPos::Center)),
                ),
        ))?;
    }
    Ok(())
}

/// The statistic marker's label colour (a darker orange, readable on white).
static STATISTIC_TEXT: RGBColor = RGBColor(180, 83, 9);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{decode_png, dump, has_text};

    fn panel() -> DistributionPanel {
        let cores: Vec<f64> = (0..1000)
            .map(|i| 0.3 + 0.5 * ((i * 7919 % 1000) as f64 / 1000.0).powi(3))
            .collect();
        DistributionPanel::new("CPU", "cores", cores)
            .marker("current 4", 4.0, MarkerKind::Current)
            .marker("recommended 1", 1.0, MarkerKind::Recommended)
            .marker("P99.5 0.79", 0.79, MarkerKind::Statistic)
    }

    #[test]
    fn svg_has_markers_and_bars() {
        let chart = DistributionChart::new()
            .title("vm-1: over_provisioned")
            .panel(panel())
            .panel(
                DistributionPanel::new("Memory", "GiB", vec![3.0, 3.2, 3.1, 5.0]).marker(
                    "current 16",
                    16.0,
                    MarkerKind::Current,
                ),
            )
            .render(ChartFormat::Svg)
            .unwrap();
        dump(&chart, "capcast-distribution");
        let svg = chart.to_svg_string().unwrap();
        for t in [
            "vm-1: over_provisioned",
            "current 4",
            "recommended 1",
            "P99.5 0.79",
            "CPU (cores)",
            "Memory (GiB)",
            "current 16",
        ] {
            assert!(has_text(&svg, t), "missing {t}");
        }
        assert!(svg.contains("height=\"640\""));
        assert!(svg.matches("<rect").count() > 10);
    }

    #[test]
    fn png_and_edge_cases() {
        let chart = DistributionChart::new()
            .panel(panel())
            .render(ChartFormat::Png)
            .unwrap();
        let (w, h, _) = decode_png(chart.png_bytes().unwrap());
        assert_eq!((w, h), (DEFAULT_WIDTH, PANEL_PX));
        for samples in [vec![0.0; 10], vec![2.5], vec![1e-6, 2e-6]] {
            for format in [ChartFormat::Svg, ChartFormat::Png] {
                DistributionChart::new()
                    .panel(DistributionPanel::new("x", "u", samples.clone()))
                    .render(format)
                    .unwrap();
            }
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(DistributionChart::new().render(ChartFormat::Svg).is_err());
        let err = DistributionChart::new()
            .panel(DistributionPanel::new("CPU", "cores", vec![]))
            .render(ChartFormat::Svg)
            .unwrap_err();
        assert!(err.to_string().contains("'CPU'"), "{err}");
        let err = DistributionChart::new()
            .panel(DistributionPanel::new("Mem", "GiB", vec![1.0, f64::NAN]))
            .render(ChartFormat::Svg)
            .unwrap_err();
        assert!(err.to_string().contains("'Mem'"), "{err}");
    }
}
