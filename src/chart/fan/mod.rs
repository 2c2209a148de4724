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

use super::axis::ValueFormat;
use super::{render, Chart, ChartFormat};
use crate::error::{Error, Result};
use crate::forecast::Forecast;

mod draw;

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

#[cfg(test)]
mod tests {
    use super::draw::{band_colour, level_text};
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
    fn daily_cost_over_months() {
        let day = 24 * HOUR;
        let n = 200;
        let ds: Vec<i64> = (0..n).map(|i| START + i * day).collect();
        let y: Vec<f64> = (0..n)
            .map(|i| 1800.0 + 6.0 * i as f64 + if i % 7 >= 5 { -400.0 } else { 0.0 })
            .collect();
        let mean: Vec<f64> = (n..n + 60).map(|i| 1800.0 + 6.0 * i as f64).collect();
        let fc = forecast_after(&ds, day, mean, 120.0, &[50.0, 80.0, 95.0]);
        let chart = FanChart::new(&ds, &y, &fc)
            .title("Daily cost, all accounts")
            .y_label("USD per day")
            .value_format(ValueFormat::currency("$"))
            .changepoints(&[START + 90 * day])
            .render(ChartFormat::Png)
            .unwrap();
        dump(&chart, "capcast-fan-cost");
        let svg = FanChart::new(&ds, &y, &fc)
            .value_format(ValueFormat::currency("$"))
            .render(ChartFormat::Svg)
            .unwrap()
            .to_svg_string()
            .unwrap();
        // Month ticks with the year, currency ticks, three nested bands.
        assert!(has_text(&svg, "Jun 2026"), "month ticks");
        assert!(has_text(&svg, "$2,000"), "currency ticks");
        assert_eq!(svg.matches("<polygon").count(), 3);
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
}
