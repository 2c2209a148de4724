//! The forecast fan chart: observed history, the point forecast, its prediction intervals as
//! shaded bands (each wider level lighter) and dashed vertical lines at changepoints, on a UTC
//! date axis labelled for the span shown (times of day, days, or months).
//!
//! ```
//! use capcast::chart::{ChartFormat, FanChart};
//! use capcast::forecast::{BaselineParams, Fitted, TimeSeries};
//!
//! let y = TimeSeries::hourly((0..72).map(|t| 10.0 + (t % 24) as f64).collect())?;
//! let forecast = BaselineParams::seasonal_naive(24).fit(&y)?.predict(24, &[80.0, 95.0])?;
//! let ds = y.timestamps();
//! let chart = FanChart::new(&ds, y.values(), &forecast)
//!     .title("CPU cores, web tier")
//!     .y_label("cores")
//!     .render(ChartFormat::Svg)?;
//! assert!(chart.to_svg_string().unwrap().contains("<polygon"));
//! # Ok::<(), capcast::Error>(())
//! ```

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{linear_axis, time_axis, time_range_label, Axis, ValueFormat};
use super::{
    draw_title, fit_text, render, text_width, theme, Chart, ChartFormat, Draw, DrawResult, Zoom,
    MARGIN,
};
use crate::error::{Error, Result};
use crate::forecast::Forecast;

/// The default size in pixels.
pub const DEFAULT_SIZE: (u32, u32) = (1100, 550);

/// Opacity of one interval band; nested bands add up, so narrower levels look darker.
const BAND_ALPHA: f64 = 0.18;

/// A forecast fan chart, built step by step and rendered with [`FanChart::render`].
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `title` | empty | the heading |
/// | `y_label` | empty | the value axis' description (a unit, e.g. `USD per day`) |
/// | `value_format` | plain | prefix/suffix of tick labels ([`ValueFormat`]) |
/// | `changepoints` | none | timestamps of trend changes, drawn as dashed lines |
/// | `last` | all | show only the last N history points |
/// | `size` | 1100 x 550 | pixels |
#[derive(Debug, Clone)]
pub struct FanChart<'a> {
    history_ds: &'a [i64],
    history: &'a [f64],
    forecast: &'a Forecast,
    changepoints: Vec<i64>,
    title: String,
    y_label: String,
    value_format: ValueFormat,
    size: (u32, u32),
    last: Option<usize>,
}

impl<'a> FanChart<'a> {
    /// A chart of `history` (values at `history_ds`, microseconds since the epoch, UTC; `NaN`
    /// marks a missing value and leaves a gap) followed by `forecast`.
    pub fn new(history_ds: &'a [i64], history: &'a [f64], forecast: &'a Forecast) -> Self {
        FanChart {
            history_ds,
            history,
            forecast,
            changepoints: Vec::new(),
            title: String::new(),
            y_label: String::new(),
            value_format: ValueFormat::plain(),
            size: DEFAULT_SIZE,
            last: None,
        }
    }

    /// The heading.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The value axis' description.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = label.into();
        self
    }

    /// How tick labels are written (currency symbol, unit).
    pub fn value_format(mut self, format: ValueFormat) -> Self {
        self.value_format = format;
        self
    }

    /// Timestamps (microseconds, UTC) of changepoints; those outside the shown range are
    /// skipped.
    pub fn changepoints(mut self, changepoints: &[i64]) -> Self {
        self.changepoints = changepoints.to_vec();
        self
    }

    /// Shows only the last `n` history points (checked when rendering: at least 1).
    pub fn last(mut self, n: usize) -> Self {
        self.last = Some(n);
        self
    }

    /// Width and height in pixels (checked when rendering, see [`super::SIZE_RANGE`]).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Draws the chart.
    ///
    /// # Errors
    /// [`Error::Parameter`] when history timestamps and values differ in length, timestamps
    /// do not increase, the forecast's parts differ in length, `last` is 0, the size is out of
    /// range, or there is no finite value to draw.
    pub fn render(&self, format: ChartFormat) -> Result<Chart> {
        render(&self.prepare()?, format)
    }

    /// Draws the chart in the format named by `path`'s extension (`.svg` or `.png`) and
    /// writes it there.
    ///
    /// # Errors
    /// As [`Self::render`]; [`Error::UnknownFormat`] for another extension; [`Error::Io`] or
    /// [`Error::NotFound`] naming the path if writing fails.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        self.render(ChartFormat::from_path(path)?)?.save(path)
    }

    /// Checks the inputs and computes what to draw.
    fn prepare(&self) -> Result<Prepared> {
        if self.history_ds.len() != self.history.len() {
            return Err(Error::parameter(
                "history",
                format!(
                    "{} timestamps but {} values; expected one timestamp per value",
                    self.history_ds.len(),
                    self.history.len()
                ),
            ));
        }
        check_increasing("history", self.history_ds)?;
        let fc = self.forecast;
        check_increasing("forecast", &fc.ds)?;
        let h = fc.mean.len();
        let lengths_ok = fc.ds.len() == h
            && fc
                .intervals
                .iter()
                .all(|i| i.lower.len() == h && i.upper.len() == h);
        if !lengths_ok {
            return Err(Error::parameter(
                "forecast",
                "timestamps, mean and interval bounds must have one value per step",
            ));
        }
        let skip = match self.last {
            Some(0) => return Err(Error::parameter("last", "must be at least 1 history point")),
            Some(n) => self.history.len().saturating_sub(n),
            None => 0,
        };
        let history: Vec<(i64, f64)> = self.history_ds[skip..]
            .iter()
            .copied()
            .zip(self.history[skip..].iter().copied())
            .collect();

        // Value range over everything drawn.
        let values = history
            .iter()
            .map(|p| p.1)
            .chain(fc.mean.iter().copied())
            .chain(
                fc.intervals
                    .iter()
                    .flat_map(|i| i.lower.iter().chain(&i.upper).copied()),
            )
            .filter(|v| v.is_finite());
        let (mut y_lo, mut y_hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if y_lo > y_hi {
            return Err(Error::parameter(
                "history",
                "nothing to draw: no finite history or forecast value",
            ));
        }
        if !(y_hi - y_lo).is_finite() || y_lo.abs().max(y_hi.abs()) > 1e300 {
            return Err(Error::parameter(
                "history",
                "values are too large to chart (beyond ±1e300)",
            ));
        }
        let span = y_hi - y_lo;
        if span == 0.0 {
            let pad = if y_lo == 0.0 { 1.0 } else { y_lo.abs() * 0.1 };
            y_lo -= pad;
            y_hi += pad;
            if y_lo < 0.0 && self.all_non_negative() {
                y_lo = 0.0;
            }
        } else if y_lo >= 0.0 && y_lo <= 0.3 * y_hi {
            // Non-negative data near zero: start the axis at zero.
            y_lo = 0.0;
            y_hi += 0.05 * span;
        } else {
            y_lo -= 0.05 * span;
            y_hi += 0.05 * span;
        }

        // Time range: history shown plus the forecast.
        let times = history
            .iter()
            .map(|p| p.0)
            .chain(fc.ds.iter().copied())
            .collect::<Vec<_>>();
        let step = typical_step(self.history_ds, &fc.ds);
        let (mut x_lo, mut x_hi) = times
            .iter()
            .fold((i64::MAX, i64::MIN), |(a, b), &t| (a.min(t), b.max(t)));
        if x_lo >= x_hi {
            // One instant: show a step either side.
            let t = if x_lo == i64::MAX { 0 } else { x_lo };
            x_lo = t.saturating_sub(step);
            x_hi = t.saturating_add(step);
        }
        if fc.ds.len() == 1 && x_hi == fc.ds[0] {
            // Room for the single step's box.
            x_hi = x_hi.saturating_add(step / 2);
        }
        let changepoints = self
            .changepoints
            .iter()
            .copied()
            .filter(|&c| (x_lo..=x_hi).contains(&c))
            .collect();

        Ok(Prepared {
            title: self.title.clone(),
            y_label: self.y_label.clone(),
            value_format: self.value_format.clone(),
            size: self.size,
            history,
            forecast: fc.clone(),
            changepoints,
            x_range: (x_lo, x_hi),
            y_range: (y_lo, y_hi),
            step,
        })
    }

    fn all_non_negative(&self) -> bool {
        self.history
            .iter()
            .chain(&self.forecast.mean)
            .all(|v| !v.is_finite() || *v >= 0.0)
    }
}

fn check_increasing(name: &str, ds: &[i64]) -> Result<()> {
    if let Some(i) = ds.windows(2).position(|w| w[0] >= w[1]) {
        return Err(Error::parameter(
            name,
            format!(
                "timestamps must increase, but step {} ({}) is not after step {} ({})",
                i + 1,
                ds[i + 1],
                i,
                ds[i]
            ),
        ));
    }
    Ok(())
}

/// The median spacing of the timestamps (one hour when there are fewer than two).
fn typical_step(history: &[i64], forecast: &[i64]) -> i64 {
    let mut diffs: Vec<i64> = history
        .windows(2)
        .chain(forecast.windows(2))
        .map(|w| w[1].saturating_sub(w[0]))
        .filter(|d| *d > 0)
        .collect();
    if diffs.is_empty() {
        if let (Some(&last), Some(&first)) = (history.last(), forecast.first()) {
            if first > last {
                return first - last;
            }
        }
        return 3_600_000_000;
    }
    diffs.sort_unstable();
    diffs[diffs.len() / 2]
}

/// Checked inputs ready to draw.
#[derive(Debug)]
struct Prepared {
    title: String,
    y_label: String,
    value_format: ValueFormat,
    size: (u32, u32),
    history: Vec<(i64, f64)>,
    forecast: Forecast,
    changepoints: Vec<i64>,
    x_range: (i64, i64),
    y_range: (f64, f64),
    step: i64,
}

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
fn band_colour(k: usize) -> RGBColor {
    let keep = (1.0 - BAND_ALPHA).powi(k as i32);
    let mix = |c: u8| (255.0 * keep + c as f64 * (1.0 - keep)).round() as u8;
    let RGBColor(r, g, b) = theme::FORECAST;
    RGBColor(mix(r), mix(g), mix(b))
}

fn level_text(level: f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{decode_png, dump, has_text};
    use crate::forecast::{Fitted, Interval, TimeSeries};

    const HOUR: i64 = 3_600_000_000;
    /// 2026-03-01T00:00:00Z in microseconds.
    const START: i64 = 1_772_323_200_000_000;

    fn hourly(n: usize, f: impl Fn(usize) -> f64) -> (Vec<i64>, Vec<f64>) {
        (
            (0..n).map(|i| START + i as i64 * HOUR).collect(),
            (0..n).map(f).collect(),
        )
    }

    fn forecast_after(ds: &[i64], step: i64, mean: Vec<f64>, sd: f64, levels: &[f64]) -> Forecast {
        let last = ds.last().copied().unwrap_or(START);
        let fds = (1..=mean.len() as i64).map(|h| last + h * step).collect();
        let sds: Vec<f64> = (1..=mean.len()).map(|h| sd * (h as f64).sqrt()).collect();
        Forecast::gaussian(fds, mean, &sds, levels)
    }

    fn sample() -> (Vec<i64>, Vec<f64>, Forecast) {
        let (ds, y) = hourly(24 * 14, |t| {
            let day = (t as f64 * std::f64::consts::TAU / 24.0).sin();
            120.0 + 0.15 * t as f64 + 25.0 * day + 4.0 * ((t * 7919) % 13) as f64 / 13.0
        });
        let series = TimeSeries::new(ds[0], HOUR, y.clone()).unwrap();
        let fc = crate::forecast::BaselineParams::seasonal_naive(24)
            .fit(&series)
            .unwrap()
            .predict(24 * 4, &[80.0, 95.0])
            .unwrap();
        (ds, y, fc)
    }

    #[test]
    fn svg_has_title_bands_lines_and_legend() {
        let (ds, y, fc) = sample();
        let cp = [START + 24 * 5 * HOUR];
        let chart = FanChart::new(&ds, &y, &fc)
            .title("Web tier CPU & <cores>")
            .y_label("vCPU")
            .changepoints(&cp)
            .render(ChartFormat::Svg)
            .unwrap();
        let svg = chart.to_svg_string().unwrap();
        dump(&chart, "capcast-fan");
        assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
        assert!(svg.contains("Web tier CPU &amp; &lt;cores&gt;"));
        // One polygon per interval level, with the band's translucent fill.
        assert_eq!(svg.matches("<polygon").count(), 2, "two bands");
        assert!(svg.contains("opacity=\"0.18\" fill=\"#2563EB\""));
        // History and forecast lines.
        assert!(svg.matches("<polyline").count() >= 2);
        for text in [
            "History",
            "Forecast",
            "80% interval",
            "95% interval",
            "Changepoint",
            "vCPU",
        ] {
            assert!(has_text(&svg, text), "missing {text}");
        }
        assert!(svg.contains("(UTC)"));
        assert!(has_text(&svg, "Mar 2") || has_text(&svg, "Mar 9"));
    }

    #[test]
    fn png_decodes_with_requested_size() {
        let (ds, y, fc) = sample();
        let chart = FanChart::new(&ds, &y, &fc)
            .title("Web tier CPU")
            .y_label("vCPU")
            .changepoints(&[START + 24 * 5 * HOUR])
            .size(900, 450)
            .render(ChartFormat::Png)
            .unwrap();
        dump(&chart, "capcast-fan");
        let (w, h, rgb) = decode_png(chart.png_bytes().unwrap());
        assert_eq!((w, h), (900, 450));
        // Text and lines were drawn: a good share of dark pixels, and some band-blue ones.
        let dark = rgb.chunks(3).filter(|p| p.iter().all(|&c| c < 120)).count();
        assert!(dark > 2000, "{dark} dark pixels");
        let band = band_colour(2);
        let bandish = rgb
            .chunks(3)
            .filter(|p| {
                p[0].abs_diff(band.0) < 6 && p[1].abs_diff(band.1) < 6 && p[2].abs_diff(band.2) < 6
            })
            .count();
        assert!(bandish > 1000, "{bandish} band pixels");
    }

    /// Every edge case renders in both formats without error or panic.
    #[test]
    fn edge_cases_render() {
        let levels = [80.0, 95.0];
        let mut cases: Vec<(&str, Vec<i64>, Vec<f64>, Forecast)> = Vec::new();
        let (ds, y) = hourly(1, |_| 5.0);
        cases.push((
            "single",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![5.0; 3], 1.0, &levels),
        ));
        let (ds, y) = hourly(48, |_| 7.0);
        cases.push((
            "constant",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![7.0; 12], 0.0, &levels),
        ));
        let (ds, y) = hourly(48, |_| 0.0);
        cases.push((
            "zeros",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![0.0; 12], 0.0, &levels),
        ));
        let (ds, y) = hourly(48, |t| t as f64);
        cases.push((
            "no-intervals",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![48.0; 12], 1.0, &[]),
        ));
        cases.push((
            "horizon-1",
            ds.clone(),
            (0..48).map(|t| t as f64).collect(),
            forecast_after(&ds, HOUR, vec![48.0], 2.0, &levels),
        ));
        let (ds, y) = hourly(100, |t| 1e15 * (1.0 + t as f64 / 100.0));
        cases.push((
            "huge",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![2e15; 10], 1e14, &levels),
        ));
        let (ds, y) = hourly(100, |t| (t as f64 / 5.0).sin() * 40.0 - 10.0);
        cases.push((
            "negative",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![-10.0; 24], 8.0, &levels),
        ));
        let (ds, mut y) = hourly(100, |t| t as f64);
        y[10] = f64::NAN;
        y[50..60].iter_mut().for_each(|v| *v = f64::NAN);
        cases.push((
            "gaps",
            ds.clone(),
            y,
            forecast_after(&ds, HOUR, vec![100.0; 5], 3.0, &levels),
        ));
        cases.push((
            "no-history",
            vec![],
            vec![],
            forecast_after(&[START], HOUR, vec![1.0, 2.0], 0.5, &levels),
        ));
        let day = 24 * HOUR;
        let (ds, y): (Vec<i64>, Vec<f64>) = (
            (0..900).map(|i| START + i * day).collect(),
            (0..900).map(|i| 1000.0 + i as f64).collect(),
        );
        cases.push((
            "daily-years",
            ds.clone(),
            y,
            forecast_after(&ds, day, vec![1900.0; 90], 30.0, &levels),
        ));
        let (ds, y): (Vec<i64>, Vec<f64>) = (
            (0..30).map(|i| START + i * 60_000_000).collect(),
            (0..30).map(|i| i as f64).collect(),
        );
        cases.push((
            "minutes",
            ds.clone(),
            y,
            forecast_after(&ds, 60_000_000, vec![30.0; 10], 1.0, &levels),
        ));

        // Timestamps at the ends of i64 (outside chrono's calendar): no labels, no panic.
        cases.push((
            "extreme-times",
            vec![i64::MIN + 1, 0],
            vec![1.0, 2.0],
            forecast_after(&[i64::MAX / 2], i64::MAX / 4, vec![3.0], 1.0, &levels),
        ));

        for (name, ds, y, fc) in &cases {
            for format in [ChartFormat::Svg, ChartFormat::Png] {
                let chart = FanChart::new(ds, y, fc)
                    .title(format!("Edge case: {name} with a very long title that keeps going and going past the right edge of the chart"))
                    .y_label("a rather long unit description, in dollars per hour")
                    .changepoints(&[START + 3 * HOUR, i64::MIN, i64::MAX])
                    .render(format)
                    .unwrap_or_else(|e| panic!("{name} {format:?}: {e}"));
                dump(&chart, &format!("capcast-fan-{name}"));
                if format == ChartFormat::Png {
                    let (w, h, _) = decode_png(chart.png_bytes().unwrap());
                    assert_eq!((w, h), DEFAULT_SIZE);
                }
            }
        }
    }

    #[test]
    fn last_n_limits_history() {
        let (ds, y, fc) = sample();
        let full = FanChart::new(&ds, &y, &fc)
            .render(ChartFormat::Svg)
            .unwrap();
        let short = FanChart::new(&ds, &y, &fc)
            .last(48)
            .render(ChartFormat::Svg)
            .unwrap();
        dump(&short, "capcast-fan-last48");
        let svg = short.to_svg_string().unwrap();
        // 48 history hours + 96 forecast hours: 6 days, so day ticks, and the range starts on day 13 (00:00) and ends on day 18 (23:00).
        assert!(svg.contains("Mar 13 – Mar 18, 2026 (UTC)"), "range label");
        assert_ne!(full.to_svg_string().unwrap(), svg);
    }

    #[test]
    fn bad_input_is_an_error() {
        let (ds, y, fc) = sample();
        let err = FanChart::new(&ds[1..], &y, &fc)
            .render(ChartFormat::Svg)
            .unwrap_err();
        assert!(err.to_string().contains("timestamps but"), "{err}");
        assert!(FanChart::new(&ds, &y, &fc)
            .last(0)
            .render(ChartFormat::Svg)
            .is_err());
        assert!(FanChart::new(&ds, &y, &fc)
            .size(10, 10)
            .render(ChartFormat::Png)
            .is_err());
        let mut rev = ds.clone();
        rev.swap(3, 4);
        let err = FanChart::new(&rev, &y, &fc)
            .render(ChartFormat::Svg)
            .unwrap_err();
        assert!(err.to_string().contains("must increase"), "{err}");
        let mut broken = fc.clone();
        broken.intervals[0].lower.pop();
        assert!(FanChart::new(&ds, &y, &broken)
            .render(ChartFormat::Svg)
            .is_err());
        let empty = Forecast {
            ds: vec![],
            mean: vec![],
            intervals: vec![],
        };
        let nan = vec![f64::NAN; ds.len()];
        let err = FanChart::new(&ds, &nan, &empty)
            .render(ChartFormat::Svg)
            .unwrap_err();
        assert!(err.to_string().contains("nothing to draw"), "{err}");
        let big = Forecast {
            ds: vec![ds[0]],
            mean: vec![f64::MAX],
            intervals: vec![Interval {
                level: 80.0,
                lower: vec![-f64::MAX],
                upper: vec![f64::MAX],
            }],
        };
        assert!(FanChart::new(&[], &[], &big)
            .render(ChartFormat::Svg)
            .is_err());
    }

    #[test]
    fn band_colours_get_lighter_when_wider() {
        let (one, two) = (band_colour(1), band_colour(2));
        assert!(one.0 > two.0 && one.1 > two.1);
        assert_eq!(level_text(80.0), "80% interval");
        assert_eq!(level_text(99.5), "99.5% interval");
    }

    #[test]
    #[ignore = "timing, run by hand"]
    fn timing() {
        let (ds, y, fc) = sample();
        for format in [ChartFormat::Svg, ChartFormat::Png] {
            let t = std::time::Instant::now();
            for _ in 0..10 {
                FanChart::new(&ds, &y, &fc).render(format).unwrap();
            }
            eprintln!("{format:?}: {:?} per chart", t.elapsed() / 10);
        }
    }
}
