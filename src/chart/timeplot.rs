//! A time chart of lines, shaded bands, horizontal reference lines and labelled vertical
//! markers on a UTC date axis: the drawing shared by the budget burn-down and the capacity
//! runway charts.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{linear_axis, time_axis, time_range_label, Axis, ValueFormat};
use super::{draw_title, fit_text, text_width, theme, Draw, DrawResult, Zoom, MARGIN};
use crate::error::{Error, Result};

/// A line through `(time, value)` points; non-finite values break it.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub points: Vec<(i64, f64)>,
    pub colour: RGBColor,
    pub dashed: bool,
    pub label: String,
}

/// A shaded band between `lower` and `upper` at `ds`.
#[derive(Debug, Clone)]
pub(crate) struct Band {
    pub ds: Vec<i64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub colour: RGBColor,
    pub alpha: f64,
    pub label: String,
}

/// A horizontal reference line (a threshold, a budget).
#[derive(Debug, Clone)]
pub(crate) struct Level {
    pub value: f64,
    pub colour: RGBColor,
    pub label: String,
}

/// A labelled vertical marker (a crossing date, a budget exhaustion date).
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub t: i64,
    pub colour: RGBColor,
    pub label: String,
}

/// What to draw, checked by [`TimePlot::check`].
#[derive(Debug, Clone)]
pub(crate) struct TimePlot {
    pub title: String,
    pub y_label: String,
    pub value_format: ValueFormat,
    pub size: (u32, u32),
    pub bands: Vec<Band>,
    pub lines: Vec<Line>,
    pub levels: Vec<Level>,
    pub markers: Vec<Marker>,
    /// Start the value axis at zero when every value is non-negative.
    pub from_zero: bool,
    x_range: (i64, i64),
    y_range: (f64, f64),
}

impl TimePlot {
    /// An empty plot.
    pub fn new(
        title: String,
        y_label: String,
        value_format: ValueFormat,
        size: (u32, u32),
    ) -> Self {
        TimePlot {
            title,
            y_label,
            value_format,
            size,
            bands: Vec::new(),
            lines: Vec::new(),
            levels: Vec::new(),
            markers: Vec::new(),
            from_zero: true,
            x_range: (0, 1),
            y_range: (0.0, 1.0),
        }
    }

    /// Computes the ranges.
    ///
    /// # Errors
    /// [`Error::Parameter`] when nothing finite is to be drawn or values are beyond ±1e300.
    pub fn check(mut self) -> Result<TimePlot> {
        let times = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.0))
            .chain(self.bands.iter().flat_map(|b| b.ds.iter().copied()));
        let (x_lo, x_hi) = times.fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
        if x_lo > x_hi {
            return Err(Error::parameter("chart", "nothing to draw: no points"));
        }
        let values = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().map(|p| p.1))
            .chain(
                self.bands
                    .iter()
                    .flat_map(|b| b.lower.iter().chain(&b.upper).copied()),
            )
            .chain(self.levels.iter().map(|l| l.value))
            .filter(|v| v.is_finite());
        let (mut y_lo, mut y_hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if y_lo > y_hi {
            return Err(Error::parameter(
                "chart",
                "nothing to draw: no finite value",
            ));
        }
        if y_lo.abs().max(y_hi.abs()) > 1e300 {
            return Err(Error::parameter(
                "chart",
                "values are too large to chart (beyond ±1e300)",
            ));
        }
        let span = y_hi - y_lo;
        if span == 0.0 {
            let pad = if y_lo == 0.0 { 1.0 } else { y_lo.abs() * 0.1 };
            y_hi += pad;
            y_lo = if y_lo >= 0.0 && self.from_zero {
                0.0
            } else {
                y_lo - pad
            };
        } else if y_lo >= 0.0 && self.from_zero {
            y_lo = 0.0;
            y_hi += 0.05 * span;
        } else {
            y_lo -= 0.05 * span;
            y_hi += 0.05 * span;
        }
        let x_hi = if x_hi == x_lo {
            x_lo.saturating_add(3_600_000_000)
        } else {
            x_hi
        };
        self.markers.retain(|m| (x_lo..=x_hi).contains(&m.t));
        self.x_range = (x_lo, x_hi);
        self.y_range = (y_lo, y_hi);
        super::check_size(self.size)?;
        Ok(self)
    }

    /// Title and legend; returns the height they take (backend pixels).
    fn draw_header<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        z: Zoom,
    ) -> std::result::Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, _) = root.dim_in_pixel();
        let margin = z.px(MARGIN);
        let mut y = draw_title(root, &self.title, z)?;
        let style = z.font(theme::LABEL_SIZE, &theme::TEXT);
        let swatch = z.px(26.0);
        let row_h = z.px(theme::LABEL_SIZE + 10.0);
        let mut x = margin;
        // (kind, colour, alpha, text): 0 line, 1 dashed, 2 band.
        let mut keys: Vec<(u8, RGBColor, f64, String)> = Vec::new();
        for l in &self.lines {
            keys.push((u8::from(l.dashed), l.colour, 1.0, l.label.clone()));
        }
        for b in &self.bands {
            keys.push((2, b.colour, b.alpha, b.label.clone()));
        }
        for l in &self.levels {
            keys.push((1, l.colour, 1.0, l.label.clone()));
        }
        for (kind, colour, alpha, text) in keys.into_iter().filter(|k| !k.3.is_empty()) {
            let item_w = swatch + z.px(8.0) + text_width(root, &text, &style) as i32 + z.px(24.0);
            if x > margin && x + item_w > w as i32 - margin {
                x = margin;
                y += row_h;
            }
            let c = y + row_h / 2;
            match kind {
                0 => root.draw(&Rectangle::new(
                    [(x, c - z.px(1.5)), (x + swatch, c + z.px(1.5))],
                    colour.filled(),
                ))?,
                1 => root.draw(&DashedPathElement::new(
                    vec![(x, c), (x + swatch, c)],
                    z.px(5.0),
                    z.px(3.0),
                    colour.stroke_width(z.upx(2.0)),
                ))?,
                _ => root.draw(&Rectangle::new(
                    [(x, c - z.px(6.0)), (x + swatch, c + z.px(6.0))],
                    colour.mix(alpha).filled(),
                ))?,
            }
            root.draw_text(
                &text,
                &style.pos(Pos::new(HPos::Left, VPos::Center)),
                (x + swatch + z.px(8.0), c),
            )?;
            x += item_w;
        }
        Ok(y + row_h + z.px(14.0))
    }
}

impl Draw for TimePlot {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, z: Zoom) -> DrawResult<DB> {
        let header = self.draw_header(root, z)?;
        let (w, h) = root.dim_in_pixel();
        let margin = z.px(MARGIN);
        let area = root.margin(header, margin, margin, margin);
        let label_style = z.font(theme::LABEL_SIZE, &theme::TEXT);
        let desc_style = z.font(theme::DESC_SIZE, &theme::MUTED);
        let x_area = z.px(54.0);
        let plot_h = (h as i32 - header - margin - x_area).max(z.px(50.0));
        let y_axis = linear_axis(
            self.y_range.0,
            self.y_range.1,
            (plot_h / z.px(55.0)).clamp(2, 10) as usize,
            &self.value_format,
        );
        let y_label_w = y_axis
            .ticks
            .iter()
            .map(|t| text_width(root, &t.1, &label_style))
            .max()
            .unwrap_or(0) as i32;
        let y_area = y_label_w
            + z.px(14.0)
            + if self.y_label.is_empty() {
                0
            } else {
                z.px(28.0)
            };
        let plot_w = (w as i32 - 2 * margin - y_area - z.px(10.0)).max(z.px(50.0));
        let x_axis = time_axis(
            self.x_range.0,
            self.x_range.1,
            plot_w as f64,
            z.0 * theme::LABEL_SIZE * 0.6,
        );
        let (x_lo, x_hi) = (x_axis.lo, x_axis.hi);
        let (y_lo, y_hi) = (y_axis.lo, y_axis.hi);
        let (n_x, n_y) = (x_axis.ticks.len(), y_axis.ticks.len());
        let mut chart = ChartBuilder::on(&area)
            .margin_right(z.px(10.0))
            .x_label_area_size(x_area)
            .y_label_area_size(y_area)
            .build_cartesian_2d::<Axis, Axis>(x_axis, y_axis)?;
        let y_label = fit_text(root, &self.y_label, &desc_style, plot_h.max(0) as u32);
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
            .x_desc(time_range_label(self.x_range.0, self.x_range.1))
            .y_desc(y_label)
            .draw()?;

        for band in &self.bands {
            let ok = |i: usize| band.lower[i].is_finite() && band.upper[i].is_finite();
            let idx: Vec<usize> = (0..band.ds.len()).filter(|&i| ok(i)).collect();
            if idx.len() >= 2 {
                let upper = idx.iter().map(|&i| (band.ds[i] as f64, band.upper[i]));
                let lower = idx
                    .iter()
                    .rev()
                    .map(|&i| (band.ds[i] as f64, band.lower[i]));
                chart.draw_series(std::iter::once(Polygon::new(
                    upper.chain(lower).collect::<Vec<_>>(),
                    band.colour.mix(band.alpha).filled(),
                )))?;
            }
        }
        for level in &self.levels {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(x_lo, level.value), (x_hi, level.value)],
                z.px(8.0),
                z.px(5.0),
                level.colour.stroke_width(z.upx(2.0)),
            )))?;
        }
        for line in &self.lines {
            let pts: Vec<(f64, f64)> = line
                .points
                .iter()
                .filter(|p| p.1.is_finite())
                .map(|&(t, v)| (t as f64, v))
                .collect();
            if pts.len() == 1 {
                chart.draw_series(std::iter::once(Circle::new(
                    pts[0],
                    z.upx(3.5),
                    line.colour.filled(),
                )))?;
            } else if line.dashed {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    pts,
                    z.px(6.0),
                    z.px(4.0),
                    line.colour.stroke_width(z.upx(2.0)),
                )))?;
            } else {
                chart.draw_series(LineSeries::new(pts, line.colour.stroke_width(z.upx(2.0))))?;
            }
        }
        let marker_style = z.font(theme::LABEL_SIZE, &theme::TEXT);
        for m in &self.markers {
            let t = m.t as f64;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(t, y_lo), (t, y_hi)],
                m.colour.stroke_width(z.upx(2.0)),
            )))?;
            // The label beside the line near the top, on the side with more room.
            let right = (t - x_lo) < 0.6 * (x_hi - x_lo);
            let (px, py) = chart.backend_coord(&(t, y_hi));
            let pos = if right {
                Pos::new(HPos::Left, VPos::Top)
            } else {
                Pos::new(HPos::Right, VPos::Top)
            };
            let dx = if right { z.px(6.0) } else { -z.px(6.0) };
            root.draw_text(&m.label, &marker_style.pos(pos), (px + dx, py + z.px(4.0)))?;
        }
        Ok(())
    }
}
