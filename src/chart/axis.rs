//! Axes with ticks chosen by capcast rather than plotters: "nice" numeric ticks with compact
//! labels (`1.5k`, `$2M`), UTC date ticks aligned to calendar units, and category axes.

use std::ops::Range;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// How values are written on axes and labels: an optional prefix (a currency symbol) and
/// suffix (a unit).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueFormat {
    /// Written before the number, after any minus sign (`$` gives `-$1.2k`).
    pub prefix: String,
    /// Written after the number (` GiB`, `%`).
    pub suffix: String,
}

impl ValueFormat {
    /// Plain numbers.
    pub fn plain() -> ValueFormat {
        ValueFormat::default()
    }

    /// Money with a currency symbol before the number (`"$"`, `"€"`).
    pub fn currency(symbol: impl Into<String>) -> ValueFormat {
        ValueFormat {
            prefix: symbol.into(),
            suffix: String::new(),
        }
    }

    /// A unit after the number, separated by a space (`"GiB"` gives `12 GiB`); `"%"` is
    /// written without the space.
    pub fn unit(unit: impl Into<String>) -> ValueFormat {
        let unit = unit.into();
        let suffix = if unit.is_empty() || unit == "%" {
            unit
        } else {
            format!(" {unit}")
        };
        ValueFormat {
            prefix: String::new(),
            suffix,
        }
    }

    /// `v` with `decimals` decimals, scaled by `scale` (whose letter is added), with thousands
    /// separators.
    fn write(&self, v: f64, scale: Scale, decimals: usize) -> String {
        if !v.is_finite() {
            return "n/a".into();
        }
        let scaled = v.abs() / scale.divisor();
        let mut number = format!("{scaled:.decimals$}");
        if scale == Scale::Scientific {
            number = format!("{:.1e}", v.abs());
        } else {
            number = group_thousands(&number);
        }
        // "-0" after rounding is written as "0".
        let negative = v < 0.0 && number.chars().any(|c| c.is_ascii_digit() && c != '0');
        format!(
            "{}{}{}{}{}",
            if negative { "-" } else { "" },
            self.prefix,
            number,
            scale.letter(),
            self.suffix
        )
    }

    /// Axis tick labels: one scale and one number of decimals for all ticks, enough to tell
    /// neighbours `step` apart.
    pub(crate) fn ticks(&self, ticks: &[f64], step: f64) -> Vec<String> {
        let largest = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
        let scale = Scale::for_magnitude(largest, 1e4);
        let decimals = decimals_for(step / scale.divisor());
        ticks
            .iter()
            .map(|&t| {
                // Ticks that should be zero but carry rounding noise.
                if t.abs() < step * 1e-9 {
                    format!("{}0{}", self.prefix, self.suffix)
                } else {
                    self.write(t, scale, decimals)
                }
            })
            .collect()
    }

    /// One value written alone: see [`ValueFormat::values`].
    pub fn value(&self, v: f64) -> String {
        self.values(&[v]).swap_remove(0)
    }

    /// Value labels written alike: one scale and number of decimals for all, chosen from the
    /// largest magnitude — whole numbers with separators from 100 up to a million (`$12,345`),
    /// compact above (`$1.23M`), three significant digits below 100 (`12.35`, `0.00310`).
    pub fn values(&self, values: &[f64]) -> Vec<String> {
        let largest = values
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = Scale::for_magnitude(largest, 1e6);
        let decimals = if scale != Scale::One {
            2
        } else if largest >= 100.0 || largest == 0.0 {
            0
        } else {
            (2 - largest.log10().floor() as i32).clamp(0, 8) as usize
        };
        values
            .iter()
            .map(|&v| self.write(v, scale, decimals))
            .collect()
    }
}

/// A multiplier shown as a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scale {
    One,
    Thousand,
    Million,
    Billion,
    Trillion,
    Scientific,
}

impl Scale {
    /// The scale for numbers up to `magnitude`; `k` starts at `k_from`.
    fn for_magnitude(magnitude: f64, k_from: f64) -> Scale {
        if magnitude >= 1e15 {
            Scale::Scientific
        } else if magnitude >= 1e12 {
            Scale::Trillion
        } else if magnitude >= 1e9 {
            Scale::Billion
        } else if magnitude >= 1e6 {
            Scale::Million
        } else if magnitude >= k_from.max(1e3) {
            Scale::Thousand
        } else {
            Scale::One
        }
    }

    fn divisor(self) -> f64 {
        match self {
            Scale::One | Scale::Scientific => 1.0,
            Scale::Thousand => 1e3,
            Scale::Million => 1e6,
            Scale::Billion => 1e9,
            Scale::Trillion => 1e12,
        }
    }

    fn letter(self) -> &'static str {
        match self {
            Scale::One | Scale::Scientific => "",
            Scale::Thousand => "k",
            Scale::Million => "M",
            Scale::Billion => "B",
            Scale::Trillion => "T",
        }
    }
}

/// The fewest decimals (up to 6) that write multiples of `step` exactly.
fn decimals_for(step: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// `"1234567.5"` -> `"1,234,567.5"`.
fn group_thousands(number: &str) -> String {
    let (int, frac) = match number.find('.') {
        Some(i) => number.split_at(i),
        None => (number, ""),
    };
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::with_capacity(number.len() + digits.len() / 3);
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(*c);
    }
    out + frac
}

/// A linear axis over `lo..hi` with ticks at chosen positions and their labels.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<(f64, String)>,
}

impl Axis {
    /// Maps a value to a fraction of the axis (0 at `lo`, 1 at `hi`).
    fn fraction(&self, v: f64) -> f64 {
        let span = self.hi - self.lo;
        if span > 0.0 && span.is_finite() {
            (v - self.lo) / span
        } else {
            0.5
        }
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let px = limit.0 as f64 + self.fraction(*value) * (limit.1 - limit.0) as f64;
        // Far outside the plot: keep within i32 (plotters clips to the area).
        px.clamp(-1e6, 1e6).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Labelled ticks only; no minor ("light") grid lines.
        if hint.weight().allow_light_points() {
            return Vec::new();
        }
        self.ticks.iter().map(|(v, _)| *v).collect()
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .min_by(|a, b| (a.0 - value).abs().total_cmp(&(b.0 - value).abs()))
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }
}

/// A step of 1, 2, 2.5 or 5 times a power of ten giving at most `max_ticks` intervals.
pub(crate) fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span / max_ticks.max(1) as f64;
    if !(raw > 0.0 && raw.is_finite()) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// A numeric axis over exactly `lo..hi` (finite, `lo < hi`) with about `max_ticks` labelled
/// ticks at multiples of a nice step inside it.
pub(crate) fn linear_axis(lo: f64, hi: f64, max_ticks: usize, format: &ValueFormat) -> Axis {
    let step = nice_step(hi - lo, max_ticks);
    // A hair of tolerance so a bound that is a multiple of the step keeps its tick.
    let eps = step * 1e-9;
    let start = ((lo - eps) / step).ceil();
    let end = ((hi + eps) / step).floor();
    let count = (end - start).clamp(0.0, 100.0) as usize;
    let values: Vec<f64> = (0..=count).map(|i| (start + i as f64) * step).collect();
    let labels = format.ticks(&values, step);
    Axis {
        lo,
        hi: if hi > lo { hi } else { lo + step },
        ticks: values.into_iter().zip(labels).collect(),
    }
}

/// Microseconds per unit.
const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A tick spacing on a date axis.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TimeStep {
    /// A fixed number of microseconds, aligned to multiples since the epoch (UTC midnight).
    Fixed(i64),
    /// Weeks starting on Monday.
    Weeks(i64),
    /// Calendar months whose index (year * 12 + month) is a multiple of n.
    Months(i32),
    /// Calendar years that are multiples of n.
    Years(i32),
}

impl TimeStep {
    fn approx_us(self) -> f64 {
        match self {
            TimeStep::Fixed(us) => us as f64,
            TimeStep::Weeks(n) => (n * 7 * DAY) as f64,
            TimeStep::Months(n) => n as f64 * 30.44 * DAY as f64,
            TimeStep::Years(n) => n as f64 * 365.25 * DAY as f64,
        }
    }
}

const TIME_STEPS: &[TimeStep] = &[
    TimeStep::Fixed(MINUTE),
    TimeStep::Fixed(5 * MINUTE),
    TimeStep::Fixed(15 * MINUTE),
    TimeStep::Fixed(30 * MINUTE),
    TimeStep::Fixed(HOUR),
    TimeStep::Fixed(2 * HOUR),
    TimeStep::Fixed(3 * HOUR),
    TimeStep::Fixed(6 * HOUR),
    TimeStep::Fixed(12 * HOUR),
    TimeStep::Fixed(DAY),
    TimeStep::Fixed(2 * DAY),
    TimeStep::Weeks(1),
    TimeStep::Weeks(2),
    TimeStep::Months(1),
    TimeStep::Months(2),
    TimeStep::Months(3),
    TimeStep::Months(6),
    TimeStep::Years(1),
    TimeStep::Years(2),
    TimeStep::Years(5),
    TimeStep::Years(10),
    TimeStep::Years(20),
    TimeStep::Years(50),
    TimeStep::Years(100),
];

fn datetime(us: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
}

fn date_us(year: i32, month: u32) -> Option<i64> {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc().timestamp_micros())
}

/// Tick positions (microseconds) of `step` within `lo..=hi`.
fn time_ticks(lo: i64, hi: i64, step: TimeStep) -> Vec<i64> {
    let mut out = Vec::new();
    match step {
        TimeStep::Fixed(len) | TimeStep::Weeks(len) => {
            let (len, offset) = match step {
                // 1970-01-05 was a Monday.
                TimeStep::Weeks(n) => (n * 7 * DAY, 4 * DAY),
                _ => (len, 0),
            };
            // i128: no overflow for timestamps near the ends of i64.
            let (lo, hi, len, offset) = (lo as i128, hi as i128, len as i128, offset as i128);
            let mut t = offset + (lo - offset).div_euclid(len) * len;
            if t < lo {
                t += len;
            }
            while t <= hi && out.len() < 200 {
                out.push(t as i64);
                t += len;
            }
        }
        TimeStep::Months(n) => {
            let Some(start) = datetime(lo) else {
                return out;
            };
            let mut index = start.year() * 12 + start.month0() as i32;
            index = index.div_euclid(n) * n;
            while out.len() < 200 {
                let Some(t) = date_us(index.div_euclid(12), index.rem_euclid(12) as u32 + 1) else {
                    break;
                };
                if t > hi {
                    break;
                }
                if t >= lo {
                    out.push(t);
                }
                index += n;
            }
        }
        TimeStep::Years(n) => {
            let Some(start) = datetime(lo) else {
                return out;
            };
            let mut year = start.year().div_euclid(n) * n;
            while out.len() < 200 {
                let Some(t) = date_us(year, 1) else {
                    break;
                };
                if t > hi {
                    break;
                }
                if t >= lo {
                    out.push(t);
                }
                year += n;
            }
        }
    }
    out
}

/// The label of a date tick, written for the tick spacing: times of day for sub-day steps
/// (the date at midnight), month and day for days and weeks, month and year for months.
fn time_label(us: i64, step: TimeStep) -> String {
    let Some(t) = datetime(us) else {
        return String::new();
    };
    match step {
        TimeStep::Fixed(len) if len < DAY => {
            if t.hour() == 0 && t.minute() == 0 {
                t.format("%b %-d").to_string()
            } else {
                t.format("%H:%M").to_string()
            }
        }
        TimeStep::Fixed(_) | TimeStep::Weeks(_) => t.format("%b %-d").to_string(),
        TimeStep::Months(_) => t.format("%b %Y").to_string(),
        TimeStep::Years(_) => t.format("%Y").to_string(),
    }
}

impl TimeStep {
    /// The widest label of this step, in characters (`12:00`, `Mar 12`, `Mar 2026`, `2026`).
    fn label_chars(self) -> f64 {
        match self {
            TimeStep::Fixed(len) if len < DAY => 6.0,
            TimeStep::Fixed(_) | TimeStep::Weeks(_) => 6.0,
            TimeStep::Months(_) => 8.0,
            TimeStep::Years(_) => 4.0,
        }
    }
}

/// A date axis over `lo..hi` (microseconds since the epoch, UTC) drawn `plot_px` pixels long,
/// with calendar-aligned ticks no closer than their labels (`char_px` pixels per character)
/// plus a gap allow.
pub(crate) fn time_axis(lo: i64, hi: i64, plot_px: f64, char_px: f64) -> Axis {
    let span = (hi as f64 - lo as f64).max(1.0);
    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|s| {
            let room = (s.label_chars() + 3.0) * char_px;
            let max_ticks = (plot_px / room).max(2.0);
            span / s.approx_us() <= max_ticks
        })
        .unwrap_or(TimeStep::Years(100));
    let mut ticks: Vec<(f64, String)> = time_ticks(lo, hi, step)
        .into_iter()
        .map(|t| (t as f64, time_label(t, step)))
        .collect();
    if ticks.len() < 2 {
        // Too short a span for calendar ticks: label both ends in full.
        ticks = [lo, hi]
            .iter()
            .filter_map(|&t| datetime(t).map(|d| (t as f64, d.format("%b %-d %H:%M").to_string())))
            .collect();
        ticks.dedup_by(|a, b| a.0 == b.0);
    }
    Axis {
        lo: lo as f64,
        hi: hi.max(lo.saturating_add(1)) as f64,
        ticks,
    }
}

/// The dates covered, for the axis description: `Mar 1 – Jun 30, 2026 (UTC)`, or with both
/// years when they differ; times of day when the span is under two days.
pub(crate) fn time_range_label(lo: i64, hi: i64) -> String {
    let (Some(a), Some(b)) = (datetime(lo), datetime(hi)) else {
        return "UTC".into();
    };
    if hi.saturating_sub(lo) < 2 * DAY {
        format!(
            "{} – {} (UTC)",
            a.format("%b %-d, %Y %H:%M"),
            b.format(if a.date_naive() == b.date_naive() {
                "%H:%M"
            } else {
                "%b %-d %H:%M"
            })
        )
    } else if a.year() == b.year() {
        format!("{} – {} (UTC)", a.format("%b %-d"), b.format("%b %-d, %Y"))
    } else {
        format!(
            "{} – {} (UTC)",
            a.format("%b %-d, %Y"),
            b.format("%b %-d, %Y")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(y: i32, m: u32, d: u32, h: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros()
    }

    #[test]
    fn numbers_are_compact_and_consistent() {
        let f = ValueFormat::plain();
        assert_eq!(f.ticks(&[0.0, 0.25, 0.5], 0.25), vec!["0", "0.25", "0.50"]);
        assert_eq!(
            f.ticks(&[0.0, 5000.0, 10000.0], 5000.0),
            vec!["0", "5k", "10k"]
        );
        assert_eq!(
            f.ticks(&[0.0, 2500.0, 5000.0], 2500.0),
            vec!["0", "2,500", "5,000"]
        );
        let usd = ValueFormat::currency("$");
        assert_eq!(
            usd.ticks(&[-1.5e6, 0.0, 1.5e6], 1.5e6),
            vec!["-$1.5M", "$0", "$1.5M"]
        );
        assert_eq!(usd.value(12345.4), "$12,345");
        assert_eq!(usd.value(-2.5e9), "-$2.50B");
        assert_eq!(usd.value(0.1234), "$0.123");
        assert_eq!(ValueFormat::unit("GiB").value(12.0), "12.0 GiB");
        assert_eq!(ValueFormat::unit("%").value(50.0), "50.0%");
        assert_eq!(f.values(&[3481.0, 81.0, 0.0]), ["3,481", "81", "0"]);
        assert_eq!(f.values(&[0.0031, 0.0002]), ["0.00310", "0.00020"]);
        assert_eq!(usd.values(&[2.5e6, 4e4]), ["$2.50M", "$0.04M"]);
        assert_eq!(f.value(3e20), "3.0e20");
        assert_eq!(f.value(-0.0001), "-0.000100");
        assert_eq!(f.values(&[10.0, -0.0001]), ["10.0", "0.0"]);
        assert_eq!(f.value(f64::NAN), "n/a");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(1.0, 4), 0.25);
        assert_eq!(nice_step(7.0, 6), 2.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        let axis = linear_axis(-3.0, 100.0, 5, &ValueFormat::plain());
        assert_eq!((axis.lo, axis.hi), (-3.0, 100.0));
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0", "25", "50", "75", "100"]);
    }

    #[test]
    fn date_ticks_follow_the_span() {
        // Two days of hourly data: 6-hour ticks, dates at midnight.
        let axis = time_axis(us(2026, 3, 1, 0), us(2026, 3, 3, 0), 800.0, 8.0);
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels[..3], ["Mar 1", "06:00", "12:00"]);
        // Two months: weekly ticks on Mondays.
        let axis = time_axis(us(2026, 3, 1, 0), us(2026, 5, 1, 0), 800.0, 8.0);
        assert_eq!(axis.ticks[0].1, "Mar 2"); // 2026-03-02 is a Monday
                                              // Three years: quarterly or half-yearly month ticks with the year.
        let axis = time_axis(us(2024, 2, 10, 0), us(2027, 1, 1, 0), 800.0, 8.0);
        assert!(axis.ticks.iter().all(|t| t.1.ends_with(char::is_numeric)));
        assert!(axis.ticks.len() <= 10 && axis.ticks.len() >= 3);
        assert_eq!(axis.ticks[0].1, "Jul 2024");
        // A single instant still has two labelled ends.
        let t = us(2026, 3, 1, 5);
        assert_eq!(time_axis(t, t + 1, 800.0, 8.0).ticks.len(), 2);
    }

    #[test]
    fn range_labels() {
        assert_eq!(
            time_range_label(us(2026, 3, 1, 0), us(2026, 6, 30, 0)),
            "Mar 1 – Jun 30, 2026 (UTC)"
        );
        assert_eq!(
            time_range_label(us(2025, 3, 1, 0), us(2026, 6, 30, 0)),
            "Mar 1, 2025 – Jun 30, 2026 (UTC)"
        );
    }
}
