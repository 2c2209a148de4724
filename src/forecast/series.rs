//! A regular time series: the one input every model fits.
//!
//! Models see values on an exact grid (`start + i * step`, in microseconds since the Unix
//! epoch, UTC, like every `ds` column of capcast). Building that grid from user data is
//! explicit: [`TimeSeries::from_points`] infers or takes the step, says what to do when
//! several points fall into one slot ([`Combine`]) and how to fill missing slots and `NaN`
//! values ([`Missing`]). Nothing is dropped silently: every choice either fills a value or
//! fails with an error naming the timestamp.

use crate::error::{Error, Result};

/// Microseconds in one hour.
pub const HOUR_US: i64 = 3_600_000_000;
/// Microseconds in one day.
pub const DAY_US: i64 = 24 * HOUR_US;

/// What to do with missing values: grid slots without a point, and `NaN` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Missing {
    /// Linear interpolation between the neighbours; the edges take the nearest value
    /// (the default).
    #[default]
    Interpolate,
    /// Carry the last value forward (the first values take the first observed value).
    Forward,
    /// Fill with zero (right for cost: no row means no charge).
    Zero,
    /// Refuse: an error names the first missing timestamp.
    Error,
    /// Keep `NaN`: only models that model missing values accept such series (the regression
    /// model skips them); the others return an error that says so.
    Keep,
}

impl Missing {
    /// Parses the command-line / Python spelling: `interpolate`, `forward`, `zero`, `error`,
    /// `keep`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other spelling.
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "interpolate" => Missing::Interpolate,
            "forward" => Missing::Forward,
            "zero" => Missing::Zero,
            "error" => Missing::Error,
            "keep" => Missing::Keep,
            other => {
                return Err(Error::parameter(
                    "missing",
                    format!("'{other}' is not one of interpolate, forward, zero, error, keep"),
                ))
            }
        })
    }
}

/// What to do when several points fall into one grid slot (duplicated or off-grid timestamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Combine {
    /// Refuse: an error names the slot (the default: two values for one time is usually a bug).
    #[default]
    Error,
    /// The mean of the points (right for load).
    Mean,
    /// The sum of the points (right for cost).
    Sum,
    /// The last point in input order.
    Last,
}

impl Combine {
    /// Parses `error`, `mean`, `sum`, `last`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for any other spelling.
    pub fn parse(text: &str) -> Result<Self> {
        Ok(match text {
            "error" => Combine::Error,
            "mean" => Combine::Mean,
            "sum" => Combine::Sum,
            "last" => Combine::Last,
            other => {
                return Err(Error::parameter(
                    "combine",
                    format!("'{other}' is not one of error, mean, sum, last"),
                ))
            }
        })
    }
}

/// Values on a regular grid of timestamps.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    start: i64,
    step: i64,
    values: Vec<f64>,
}

impl TimeSeries {
    /// A series starting at `start` (microseconds since the epoch, UTC) with one value every
    /// `step` microseconds. Values may be `NaN` (missing); see [`TimeSeries::fill`].
    ///
    /// # Errors
    /// [`Error::Parameter`] if `step` is not positive, the series is empty or a value is
    /// infinite.
    pub fn new(start: i64, step: i64, values: Vec<f64>) -> Result<Self> {
        if step <= 0 {
            return Err(Error::parameter("step", "must be a positive duration"));
        }
        if values.is_empty() {
            return Err(Error::parameter("y", "the series has no values"));
        }
        if let Some(i) = values.iter().position(|v| v.is_infinite()) {
            return Err(Error::parameter(
                "y",
                format!(
                    "value {} at {} is infinite; expected a finite number or NaN for missing",
                    values[i],
                    format_ts(start + i as i64 * step)
                ),
            ));
        }
        Ok(TimeSeries {
            start,
            step,
            values,
        })
    }

    /// A series with timestamps `0, 1, 2, ...` hours: for tests and for data without time.
    ///
    /// # Errors
    /// As [`TimeSeries::new`].
    pub fn hourly(values: Vec<f64>) -> Result<Self> {
        TimeSeries::new(0, HOUR_US, values)
    }

    /// Places points `(ds[i], y[i])` on a regular grid.
    ///
    /// `step` is the grid spacing in microseconds; `None` infers it as the most common
    /// positive difference between sorted timestamps. The grid starts at the earliest
    /// timestamp; a point between grid times belongs to the slot at or before it. Slots with
    /// several points are resolved by `combine`; empty slots and `NaN` values by `missing`.
    ///
    /// # Errors
    /// [`Error::Parameter`] when the input is empty, lengths differ, a single point leaves the
    /// step unknown, `combine` is [`Combine::Error`] and a slot has two points, or `missing` is
    /// [`Missing::Error`] and a slot is empty.
    pub fn from_points(
        ds: &[i64],
        y: &[f64],
        step: Option<i64>,
        combine: Combine,
        missing: Missing,
    ) -> Result<Self> {
        if ds.len() != y.len() {
            return Err(Error::parameter(
                "ds",
                format!("{} timestamps for {} values", ds.len(), y.len()),
            ));
        }
        if ds.is_empty() {
            return Err(Error::parameter("y", "the series has no values"));
        }
        let mut order: Vec<usize> = (0..ds.len()).collect();
        order.sort_by_key(|&i| (ds[i], i));
        let start = ds[order[0]];
        let end = ds[order[order.len() - 1]];
        let step = match step {
            Some(s) => s,
            None => infer_step(ds, &order).ok_or_else(|| {
                Error::parameter(
                    "step",
                    "cannot infer the time step from a single timestamp; give it explicitly",
                )
            })?,
        };
        if step <= 0 {
            return Err(Error::parameter("step", "must be a positive duration"));
        }
        let slots = ((end - start) / step + 1) as usize;
        let mut sums = vec![0.0; slots];
        let mut counts = vec![0usize; slots];
        let mut last = vec![f64::NAN; slots];
        for &i in &order {
            let slot = ((ds[i] - start) / step) as usize;
            if counts[slot] > 0 && combine == Combine::Error {
                return Err(Error::parameter(
                    "combine",
                    format!(
                        "two values for the slot at {} (time step {}); choose how to combine \
                         them (mean, sum or last)",
                        format_ts(start + slot as i64 * step),
                        format_step(step)
                    ),
                ));
            }
            if y[i].is_nan() {
                continue;
            }
            sums[slot] += y[i];
            counts[slot] += 1;
            last[slot] = y[i];
        }
        let values = (0..slots)
            .map(|s| match (counts[s], combine) {
                (0, _) => f64::NAN,
                (_, Combine::Mean) => sums[s] / counts[s] as f64,
                (_, Combine::Last) => last[s],
                _ => sums[s],
            })
            .collect();
        TimeSeries::new(start, step, values)?.fill(missing)
    }

    /// The first timestamp (microseconds since the epoch, UTC).
    pub fn start(&self) -> i64 {
        self.start
    }
    /// The grid spacing in microseconds.
    pub fn step(&self) -> i64 {
        self.step
    }
    /// The values (`NaN` where missing).
    pub fn values(&self) -> &[f64] {
        &self.values
    }
    /// The number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }
    /// Always false: a series has at least one value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    /// The timestamp of value `i` (also past the end, for forecasts).
    pub fn timestamp(&self, i: usize) -> i64 {
        self.start + i as i64 * self.step
    }
    /// The timestamps of all values.
    pub fn timestamps(&self) -> Vec<i64> {
        (0..self.len()).map(|i| self.timestamp(i)).collect()
    }
    /// The `horizon` timestamps after the last value.
    pub fn future_timestamps(&self, horizon: usize) -> Vec<i64> {
        (0..horizon)
            .map(|h| self.timestamp(self.len() + h))
            .collect()
    }
    /// The number of missing (`NaN`) values.
    pub fn missing_count(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }
    /// The first `n` values as a series (for backtests).
    ///
    /// # Errors
    /// [`Error::Parameter`] if `n` is 0 or larger than the series.
    pub fn head(&self, n: usize) -> Result<TimeSeries> {
        if n == 0 || n > self.len() {
            return Err(Error::parameter(
                "n",
                format!("cannot take {n} values of a series of {}", self.len()),
            ));
        }
        Ok(TimeSeries {
            start: self.start,
            step: self.step,
            values: self.values[..n].to_vec(),
        })
    }

    /// The same grid with missing values handled by `missing`.
    ///
    /// # Errors
    /// [`Error::Parameter`] if every value is missing (except with [`Missing::Zero`] or
    /// [`Missing::Keep`]), or if `missing` is [`Missing::Error`] and a value is missing.
    pub fn fill(mut self, missing: Missing) -> Result<TimeSeries> {
        let Some(first_seen) = self.values.iter().position(|v| !v.is_nan()) else {
            return match missing {
                Missing::Zero => {
                    self.values.iter_mut().for_each(|v| *v = 0.0);
                    Ok(self)
                }
                Missing::Keep => Ok(self),
                _ => Err(Error::parameter(
                    "y",
                    "every value of the series is missing (NaN)",
                )),
            };
        };
        match missing {
            Missing::Keep => {}
            Missing::Error => {
                if let Some(i) = self.values.iter().position(|v| v.is_nan()) {
                    return Err(Error::parameter(
                        "missing",
                        format!(
                            "no value at {} (missing values are refused; choose interpolate, \
                             forward, zero or keep)",
                            format_ts(self.timestamp(i))
                        ),
                    ));
                }
            }
            Missing::Zero => self
                .values
                .iter_mut()
                .filter(|v| v.is_nan())
                .for_each(|v| *v = 0.0),
            Missing::Forward => {
                let mut last = self.values[first_seen];
                for v in &mut self.values {
                    if v.is_nan() {
                        *v = last;
                    } else {
                        last = *v;
                    }
                }
            }
            Missing::Interpolate => interpolate(&mut self.values, first_seen),
        }
        Ok(self)
    }

    /// Refuses a series with missing values, naming the model and the first gap.
    ///
    /// # Errors
    /// [`Error::Parameter`] if a value is `NaN`.
    pub fn require_complete(&self, model: &str) -> Result<()> {
        match self.values.iter().position(|v| v.is_nan()) {
            None => Ok(()),
            Some(i) => Err(Error::parameter(
                "missing",
                format!(
                    "{model} cannot fit missing values (first at {}); fill them first \
                     (interpolate, forward or zero)",
                    format_ts(self.timestamp(i))
                ),
            )),
        }
    }
}

/// The most common positive difference between consecutive sorted timestamps.
fn infer_step(ds: &[i64], order: &[usize]) -> Option<i64> {
    let mut diffs: Vec<i64> = order
        .windows(2)
        .map(|w| ds[w[1]] - ds[w[0]])
        .filter(|d| *d > 0)
        .collect();
    if diffs.is_empty() {
        return None;
    }
    diffs.sort_unstable();
    let (mut best, mut best_count, mut run) = (diffs[0], 0usize, 0usize);
    for i in 0..diffs.len() {
        run = if i > 0 && diffs[i] == diffs[i - 1] {
            run + 1
        } else {
            1
        };
        if run > best_count {
            best = diffs[i];
            best_count = run;
        }
    }
    Some(best)
}

/// Linear interpolation of interior gaps; leading and trailing gaps take the nearest value.
fn interpolate(values: &mut [f64], first_seen: usize) {
    let first = values[first_seen];
    values[..first_seen].iter_mut().for_each(|v| *v = first);
    let mut last_seen = first_seen;
    for i in first_seen + 1..values.len() {
        if values[i].is_nan() {
            continue;
        }
        let gap = i - last_seen;
        if gap > 1 {
            let (a, b) = (values[last_seen], values[i]);
            for k in 1..gap {
                values[last_seen + k] = a + (b - a) * k as f64 / gap as f64;
            }
        }
        last_seen = i;
    }
    let tail = values[last_seen];
    values[last_seen + 1..].iter_mut().for_each(|v| *v = tail);
}

/// A timestamp in microseconds as ISO 8601 UTC text, for messages.
pub fn format_ts(ts: i64) -> String {
    chrono::DateTime::from_timestamp_micros(ts)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| format!("{ts} us"))
}

/// A step in microseconds as readable text (`1h`, `5m`, `1d`).
pub fn format_step(step: i64) -> String {
    for (unit, name) in [
        (DAY_US, "d"),
        (HOUR_US, "h"),
        (60_000_000, "m"),
        (1_000_000, "s"),
    ] {
        if step % unit == 0 {
            return format!("{}{name}", step / unit);
        }
    }
    format!("{step}us")
}

/// Parses a time step written as a number and a unit: `1h`, `30m` or `30min`, `1d`, `15s`,
/// `1w`; returns microseconds.
///
/// # Errors
/// [`Error::Parameter`] for any other text or a zero step.
pub fn parse_step(text: &str) -> Result<i64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_us = match unit.trim() {
        "s" | "sec" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" | "hour" => HOUR_US,
        "d" | "day" => DAY_US,
        "w" | "week" => 7 * DAY_US,
        _ => 0,
    };
    match number.parse::<i64>() {
        Ok(n) if n > 0 && unit_us > 0 => Ok(n * unit_us),
        _ => Err(Error::parameter(
            "step",
            format!("'{text}' is not a time step; expected e.g. 1h, 30m, 1d, 15s or 1w"),
        )),
    }
}

/// The seasonal periods (in steps) that cost and load series usually have at this step:
/// daily and weekly cycles below a day, weekly (and yearly with enough data) for days,
/// yearly for weeks and months.
pub fn default_seasons(step: i64, len: usize) -> Vec<usize> {
    let candidates: Vec<usize> = if step < DAY_US && DAY_US % step == 0 {
        let per_day = (DAY_US / step) as usize;
        vec![per_day, per_day * 7]
    } else if step == DAY_US {
        vec![7, 365]
    } else if step == 7 * DAY_US {
        vec![52]
    } else if (28 * DAY_US..=31 * DAY_US).contains(&step) {
        vec![12]
    } else {
        vec![]
    };
    // A season needs at least two full cycles in the history to be estimated.
    candidates.into_iter().filter(|m| len >= 2 * m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_points_infers_step_and_interpolates_gaps() {
        // Differences 1h, 2h, 1h, 1h: the most common one is the step.
        let ds = [0, HOUR_US, 3 * HOUR_US, 4 * HOUR_US, HOUR_US * 5];
        let y = [1.0, 2.0, 4.0, 6.0, 8.0];
        let s =
            TimeSeries::from_points(&ds, &y, None, Combine::Error, Missing::Interpolate).unwrap();
        assert_eq!(s.step(), HOUR_US);
        assert_eq!(s.values(), &[1.0, 2.0, 3.0, 4.0, 6.0, 8.0]);
    }

    #[test]
    fn duplicate_slot_is_refused_by_default_and_combined_on_request() {
        let ds = [0, HOUR_US, HOUR_US, 2 * HOUR_US];
        let y = [1.0, 2.0, 4.0, 5.0];
        let err = TimeSeries::from_points(&ds, &y, None, Combine::Error, Missing::Interpolate)
            .unwrap_err();
        assert!(err.to_string().contains("1970-01-01T01:00:00Z"), "{err}");
        let s =
            TimeSeries::from_points(&ds, &y, None, Combine::Mean, Missing::Interpolate).unwrap();
        assert_eq!(s.values(), &[1.0, 3.0, 5.0]);
        let s = TimeSeries::from_points(&ds, &y, None, Combine::Sum, Missing::Interpolate).unwrap();
        assert_eq!(s.values(), &[1.0, 6.0, 5.0]);
    }

    #[test]
    fn missing_policies() {
        let v = vec![f64::NAN, 2.0, f64::NAN, f64::NAN, 8.0, f64::NAN];
        let s = |m| TimeSeries::hourly(v.clone()).unwrap().fill(m);
        assert_eq!(
            s(Missing::Interpolate).unwrap().values(),
            &[2.0, 2.0, 4.0, 6.0, 8.0, 8.0]
        );
        assert_eq!(
            s(Missing::Forward).unwrap().values(),
            &[2.0, 2.0, 2.0, 2.0, 8.0, 8.0]
        );
        assert_eq!(
            s(Missing::Zero).unwrap().values(),
            &[0.0, 2.0, 0.0, 0.0, 8.0, 0.0]
        );
        assert!(s(Missing::Error)
            .unwrap_err()
            .to_string()
            .contains("1970-01-01T00:00:00Z"));
        assert_eq!(s(Missing::Keep).unwrap().missing_count(), 4);
    }

    #[test]
    fn all_missing_is_an_error() {
        let s = TimeSeries::hourly(vec![f64::NAN; 3]).unwrap();
        assert!(s.fill(Missing::Interpolate).is_err());
    }

    #[test]
    fn default_seasons_for_hourly_and_daily() {
        assert_eq!(default_seasons(HOUR_US, 1440), vec![24, 168]);
        assert_eq!(default_seasons(HOUR_US, 100), vec![24]);
        assert_eq!(default_seasons(DAY_US, 120), vec![7]);
        assert_eq!(format_step(HOUR_US), "1h");
        assert_eq!(parse_step("30min").unwrap(), 30 * 60_000_000);
        assert_eq!(parse_step("1d").unwrap(), DAY_US);
        assert!(parse_step("0h").is_err() && parse_step("hourly").is_err());
    }
}
