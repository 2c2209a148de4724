//! Drawing the fan chart: legend, axes, interval bands, changepoints and lines.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Prepared, BAND_ALPHA};
use crate::chart::axis::{linear_axis, time_axis, time_range_label, Axis};
use crate::chart::{draw_title, fit_text, text_width, theme, Draw, DrawResult, Zoom, MARGIN};
use crate::error::Result;

/// Maximal runs of consecutive indices where `ok(i)` holds.
fn runs(n: usize, ok: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=n {
        match (i < n && ok(i), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// One legend entry.
enum Key {
    Line(RGBColor, &'static str),
    Band(RGBColor, String),
    Dashed(RGBColor, &'static str),
}

impl Key {
    fn text(&self) -> &str {
        match self {
            Key::Line(_, t) | Key::Dashed(_, t) => t,
            Key::Band(_, t) => t,
        }
    }
}

/// `BAND_ALPHA`-blended colour of `k` stacked forecast bands over white.
pub(super) fn band_colour(k: usize) -> RGBColor {
    let keep = (1.0 - BAND_ALPHA).powi(k as i32);
    let mix = |c: u8| (255.0 * keep + c as f64 * (1.0 - keep)).round() as u8;
    let RGBColor(r, g, b) = theme::FORECAST;
    RGBColor(mix(r), mix(g), mix(b))
}

pub(super) fn level_text(level: f64) -> String {
    if level.fract() == 0.0 {
        format!("{level:.0}% interval")
    } else {
        format!("{level}% interval")
    }
}

impl Prepared {
    fn legend(&self) -> Vec<Key> {
        let mut keys = Vec::new();
        if !self.history.is_empty() {
            keys.push(Key::Line(theme::HISTORY, "History"));
        }
        if !self.forecast.mean.is_empty() {
            keys.push(Key::Line(theme::FORECAST, "Forecast"));
        }
        // Narrowest first; the band inside level i is covered by it and every wider band.
        let n = self.forecast.intervals.len();
        let mut levels: Vec<f64> = self.forecast.intervals.iter().map(|i| i.level).collect();
        levels.sort_by(f64::total_cmp);
        for (i, level) in levels.iter().enumerate() {
            keys.push(Key::Band(band_colour(n - i), level_text(*level)));
        }
        if !self.changepoints.is_empty() {
            keys.push(Key::Dashed(theme::ALERT, "Changepoint"));
        }
        keys
    }

    /// Draws the title and legend; returns the height they take (backend pixels).
    fn draw_header<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        z: Zoom,
    ) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, _) = root.dim_in_pixel();
        let margin = z.px(MARGIN);
        let mut y = draw_title(root, &self.title, z)?;
        let style = z.font(theme::LABEL_SIZE, &theme::TEXT);
        let swatch = z.px(26.0);
        let row_h = z.px(theme::LABEL_SIZE + 10.0);
        let mut x = margin;
        for key in self.legend() {
            let text = key.text().to_string();
            let item_w = swatch + z.px(8.0) + text_width(root, &text, &style) as i32 + z.px(24.0);
            if x > margin && x + item_w > w as i32 - margin {
                x = margin;
                y += row_h;
            }
            let c = y + row_h / 2;
            match &key {
                Key::Line(colour, _) => {
                    root.draw(&Rectangle::new(
                        [(x, c - z.px(1.5)), (x + swatch, c + z.px(1.5))],
                        colour.filled(),
                    ))?;
                }
                Key::Band(colour, _) => {
                    root.draw(&Rectangle::new(
                        [(x, c - z.px(6.0)), (x + swatch, c + z.px(6.0))],
                        colour.filled(),
                    ))?;
                }
                Key::Dashed(colour, _) => {
                    root.draw(&DashedPathElement::new(
                        vec![(x, c), (x + swatch, c)],
                        z.px(5.0),
                        z.px(3.0),
                        colour.stroke_width(z.upx(2.0)),
                    ))?;
                }
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

impl Draw for Prepared {
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

        // Value axis: about one tick per 55 chart pixels.
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

        // Date axis: ticks as close as their labels allow.
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
            .axis_desc_style(desc_style.clone())
            .x_desc(time_range_label(self.x_range.0, self.x_range.1))
            .y_desc(y_label)
            .draw()?;

        if y_lo < 0.0 && y_hi > 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x_lo, 0.0), (x_hi, 0.0)],
                theme::ZERO.stroke_width(z.upx(1.0)),
            )))?;
        }

        // Bands, widest first, each a polygon per run of finite bounds.
        let fc = &self.forecast;
        let mut intervals: Vec<_> = fc.intervals.iter().collect();
        intervals.sort_by(|a, b| b.level.total_cmp(&a.level));
        let half = self.step as f64 * 0.35;
        let band_style = theme::FORECAST.mix(BAND_ALPHA).filled();
        for interval in intervals {
            let ok = |i: usize| interval.lower[i].is_finite() && interval.upper[i].is_finite();
            for run in runs(fc.ds.len(), ok) {
                let points: Vec<(f64, f64)> = if run.len() == 1 {
                    // A single step: a narrow box instead of a zero-width polygon.
                    let i = run.start;
                    let (t, lo, hi) = (fc.ds[i] as f64, interval.lower[i], interval.upper[i]);
                    vec![
                        (t - half, hi),
                        (t + half, hi),
                        (t + half, lo),
                        (t - half, lo),
                    ]
                } else {
                    let upper = run.clone().map(|i| (fc.ds[i] as f64, interval.upper[i]));
                    let lower = run.rev().map(|i| (fc.ds[i] as f64, interval.lower[i]));
                    upper.chain(lower).collect()
                };
                chart.draw_series(std::iter::once(Polygon::new(points, band_style)))?;
            }
        }

        for &c in &self.changepoints {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(c as f64, y_lo), (c as f64, y_hi)],
                z.px(6.0),
                z.px(4.0),
                theme::ALERT.mix(0.8).stroke_width(z.upx(1.5)),
            )))?;
        }

        // Lines: thinner when points are dense.
        let width = |n: usize| {
            if n as f64 > 0.5 * plot_w as f64 / z.0 {
                z.upx(1.2)
            } else {
                z.upx(2.0)
            }
        };
        let history: Vec<(f64, f64)> = self.history.iter().map(|&(t, v)| (t as f64, v)).collect();
        draw_line(
            &mut chart,
            &history,
            theme::HISTORY,
            width(history.len()),
            z,
        )?;
        let mean: Vec<(f64, f64)> = fc
            .ds
            .iter()
            .zip(&fc.mean)
            .map(|(&t, &v)| (t as f64, v))
            .collect();
        draw_line(&mut chart, &mean, theme::FORECAST, z.upx(2.0), z)?;
        Ok(())
    }
}

/// Draws `points` as a line broken at non-finite values; isolated points become dots.
fn draw_line<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    points: &[(f64, f64)],
    colour: RGBColor,
    width: u32,
    z: Zoom,
) -> DrawResult<DB> {
    for run in runs(points.len(), |i| points[i].1.is_finite()) {
        if run.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new(
                points[run.start],
                z.upx(3.5),
                colour.filled(),
            )))?;
        } else {
            chart.draw_series(LineSeries::new(
                points[run].iter().copied(),
                colour.stroke_width(width),
            ))?;
        }
    }
    Ok(())
}
