//! Regressors that enter the model linearly: Fourier seasonalities, calendar-exact month
//! effects and user holidays. Every feature is a function of the UTC timestamp alone, so the
//! same code builds the history's design and the future's.

use chrono::{DateTime, Datelike, NaiveDate, Weekday};

use crate::error::{Error, Result};

/// Microseconds in one day, as a float (Fourier time is in days since the epoch, as Prophet).
const DAY_US_F: f64 = 86_400_000_000.0;

/// A Fourier seasonality: `sum_{i=1..order} a_i sin(2 pi i t / period) + b_i cos(...)`, with
/// `t` in days since 1970-01-01 UTC (Prophet's convention, so phases match Prophet's).
#[derive(Debug, Clone, PartialEq)]
pub struct Seasonality {
    /// A name shown in components (`daily`, `weekly`, `yearly` for the built-in ones).
    pub name: String,
    /// The period in days (1 for daily, 7 for weekly, 365.25 for yearly).
    pub period_days: f64,
    /// The number of sine/cosine pairs (Prophet: daily 4, weekly 3, yearly 10).
    pub order: usize,
    /// Standard deviation of the Normal prior on the coefficients (Prophet: 10).
    pub prior_scale: f64,
}

impl Seasonality {
    /// A custom seasonality.
    pub fn new(name: impl Into<String>, period_days: f64, order: usize, prior_scale: f64) -> Self {
        Seasonality {
            name: name.into(),
            period_days,
            order,
            prior_scale,
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.name.is_empty() {
            return Err(Error::parameter(
                "seasonality",
                "the name must not be empty",
            ));
        }
        if !(self.period_days.is_finite() && self.period_days > 0.0) {
            return Err(Error::parameter(
                "seasonality",
                format!(
                    "'{}': the period must be a positive number of days",
                    self.name
                ),
            ));
        }
        if self.order == 0 || self.order > 100 {
            return Err(Error::parameter(
                "seasonality",
                format!("'{}': the order must be between 1 and 100", self.name),
            ));
        }
        check_scale("seasonality_prior_scale", self.prior_scale)
    }

    fn write(&self, day: f64, out: &mut Vec<f64>) {
        let x = 2.0 * std::f64::consts::PI * day / self.period_days;
        for i in 1..=self.order {
            let (s, c) = (i as f64 * x).sin_cos();
            out.push(s);
            out.push(c);
        }
    }
}

/// A holiday or event: dates (any time on the day, UTC) with a window of days around each.
/// Like Prophet, each offset in `lower_window..=upper_window` gets its own effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    /// The holiday's name (components are named `name`, `name_-1`, `name_+1`, ...).
    pub name: String,
    /// Its dates (microseconds since the epoch, UTC; only the UTC date counts).
    pub dates: Vec<i64>,
    /// Days before each date that also get an effect (0 or negative, e.g. -1).
    pub lower_window: i32,
    /// Days after each date that also get an effect (0 or positive).
    pub upper_window: i32,
    /// Standard deviation of the Normal prior on its effects (Prophet: 10).
    pub prior_scale: f64,
}

impl Holiday {
    /// A one-day holiday on `dates` with prior scale 10.
    pub fn new(name: impl Into<String>, dates: Vec<i64>) -> Self {
        Holiday {
            name: name.into(),
            dates,
            lower_window: 0,
            upper_window: 0,
            prior_scale: 10.0,
        }
    }

    /// The same holiday with effects from `lower` days before to `upper` days after.
    pub fn window(mut self, lower: i32, upper: i32) -> Self {
        self.lower_window = lower;
        self.upper_window = upper;
        self
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.name.is_empty() {
            return Err(Error::parameter("holiday", "the name must not be empty"));
        }
        if self.lower_window > 0 || self.upper_window < 0 {
            return Err(Error::parameter(
                "holiday",
                format!(
                    "'{}': expected lower_window <= 0 <= upper_window, got {} and {}",
                    self.name, self.lower_window, self.upper_window
                ),
            ));
        }
        if self.upper_window - self.lower_window > 366 {
            return Err(Error::parameter(
                "holiday",
                format!("'{}': the window must span at most 366 days", self.name),
            ));
        }
        if self.dates.iter().any(|&d| utc_date(d).is_none()) {
            return Err(Error::parameter(
                "holiday",
                format!("'{}': a date is outside the supported range", self.name),
            ));
        }
        check_scale("holiday prior_scale", self.prior_scale)
    }
}

/// Calendar-exact month effects, computed from the UTC date (Prophet's `monthly` seasonality
/// has a fixed 30.5-day period, so a month-end effect drifts across months; these do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// One effect per day of the month (1..=31).
    pub day_of_month: bool,
    /// The first day of the month and the last day of the month (28, 29, 30 or 31).
    pub month_edges: bool,
    /// The first and the last business day (Monday to Friday) of the month.
    pub business_days: bool,
    /// The number of days in the month (a covariate: 28..31, centred on 30.44).
    pub days_in_month: bool,
}

impl Calendar {
    /// Every calendar effect.
    pub const ALL: Calendar = Calendar {
        day_of_month: true,
        month_edges: true,
        business_days: true,
        days_in_month: true,
    };
    /// No calendar effect.
    pub const NONE: Calendar = Calendar {
        day_of_month: false,
        month_edges: false,
        business_days: false,
        days_in_month: false,
    };

    pub(crate) fn is_empty(&self) -> bool {
        *self == Calendar::NONE
    }

    /// Column names, in the order [`Calendar::write`] fills them.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.day_of_month {
            names.extend((1..=31).map(|d| format!("day_{d}")));
        }
        if self.month_edges {
            names.push("month_start".into());
            names.push("month_end".into());
        }
        if self.business_days {
            names.push("first_business_day".into());
            names.push("last_business_day".into());
        }
        if self.days_in_month {
            names.push("days_in_month".into());
        }
        names
    }

    fn write(&self, date: NaiveDate, out: &mut Vec<f64>) {
        let day = date.day() as usize;
        let dim = days_in_month(date) as usize;
        if self.day_of_month {
            out.extend((1..=31).map(|d| f64::from(u8::from(d == day))));
        }
        if self.month_edges {
            out.push(f64::from(u8::from(day == 1)));
            out.push(f64::from(u8::from(day == dim)));
        }
        if self.business_days {
            let (first, last) = business_day_bounds(date, dim as u32);
            out.push(f64::from(u8::from(day as u32 == first)));
            out.push(f64::from(u8::from(day as u32 == last)));
        }
        if self.days_in_month {
            out.push(dim as f64 - 30.4375);
        }
    }
}

/// The UTC date of a timestamp in microseconds.
pub(crate) fn utc_date(ts: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_micros(ts).map(|d| d.date_naive())
}

fn days_in_month(date: NaiveDate) -> u32 {
    let (y, m) = (date.year(), date.month());
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    match (next, NaiveDate::from_ymd_opt(y, m, 1)) {
        (Some(n), Some(f)) => (n - f).num_days() as u32,
        _ => 31,
    }
}

fn is_business(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day numbers of the first and last Monday-to-Friday days of `date`'s month.
fn business_day_bounds(date: NaiveDate, dim: u32) -> (u32, u32) {
    let first = (1..=dim)
        .find(|&d| date.with_day(d).is_some_and(is_business))
        .unwrap_or(1);
    let last = (1..=dim)
        .rev()
        .find(|&d| date.with_day(d).is_some_and(is_business))
        .unwrap_or(dim);
    (first, last)
}

pub(crate) fn check_scale(name: &str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::parameter(
            name,
            format!("must be a positive finite number, got {value}"),
        ))
    }
}

/// The kind of a block of columns, for components.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BlockKind {
    Seasonality,
    Calendar,
    Holidays,
}

/// A named block of consecutive feature columns with one prior scale per column.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub name: String,
    pub kind: BlockKind,
    pub start: usize,
    pub len: usize,
}

/// The linear regressors of a fitted model: which seasonalities, calendar effects and holidays.
#[derive(Debug, Clone)]
pub(crate) struct Features {
    pub seasonalities: Vec<Seasonality>,
    pub calendar: Calendar,
    /// Holidays expanded to (column name, set of dates as days since epoch), one per offset.
    pub holiday_columns: Vec<(String, Vec<i64>, f64)>,
    pub blocks: Vec<Block>,
    pub prior_scales: Vec<f64>,
}

impl Features {
    pub fn new(
        seasonalities: Vec<Seasonality>,
        calendar: Calendar,
        calendar_prior_scale: f64,
        holidays: &[Holiday],
    ) -> Features {
        let mut blocks = Vec::new();
        let mut prior_scales = Vec::new();
        let mut start = 0;
        for s in &seasonalities {
            blocks.push(Block {
                name: s.name.clone(),
                kind: BlockKind::Seasonality,
                start,
                len: 2 * s.order,
            });
            prior_scales.extend(std::iter::repeat_n(s.prior_scale, 2 * s.order));
            start += 2 * s.order;
        }
        let calendar_len = calendar.names().len();
        if calendar_len > 0 {
            blocks.push(Block {
                name: "calendar".into(),
                kind: BlockKind::Calendar,
                start,
                len: calendar_len,
            });
            prior_scales.extend(std::iter::repeat_n(calendar_prior_scale, calendar_len));
            start += calendar_len;
        }
        let mut holiday_columns = Vec::new();
        for h in holidays {
            let days: Vec<i64> = h
                .dates
                .iter()
                .filter_map(|&d| utc_date(d))
                .map(epoch_day)
                .collect();
            for offset in h.lower_window..=h.upper_window {
                let name = match offset {
                    0 => h.name.clone(),
                    o => format!("{}_{o:+}", h.name),
                };
                let shifted = days.iter().map(|d| d + i64::from(offset)).collect();
                holiday_columns.push((name, shifted, h.prior_scale));
            }
        }
        if !holiday_columns.is_empty() {
            blocks.push(Block {
                name: "holidays".into(),
                kind: BlockKind::Holidays,
                start,
                len: holiday_columns.len(),
            });
            prior_scales.extend(holiday_columns.iter().map(|c| c.2));
        }
        Features {
            seasonalities,
            calendar,
            holiday_columns,
            blocks,
            prior_scales,
        }
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.prior_scales.len()
    }

    /// Appends the feature row of timestamp `ts` to `out`.
    pub fn write_row(&self, ts: i64, out: &mut Vec<f64>) {
        let day = ts as f64 / DAY_US_F;
        for s in &self.seasonalities {
            s.write(day, out);
        }
        if self.calendar.is_empty() && self.holiday_columns.is_empty() {
            return;
        }
        let date = utc_date(ts).unwrap_or_default();
        if !self.calendar.is_empty() {
            self.calendar.write(date, out);
        }
        let d = epoch_day(date);
        for (_, days, _) in &self.holiday_columns {
            out.push(f64::from(u8::from(days.contains(&d))));
        }
    }
}

fn epoch_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(y: i32, m: u32, d: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros()
    }

    #[test]
    fn month_end_is_exact_including_february() {
        let f = Features::new(vec![], Calendar::ALL, 1.0, &[]);
        let names = f.calendar.names();
        let end = names.iter().position(|n| n == "month_end").unwrap();
        let last_bd = names.iter().position(|n| n == "last_business_day").unwrap();
        let row = |t| {
            let mut r = Vec::new();
            f.write_row(t, &mut r);
            r
        };
        assert_eq!(row(ts(2024, 2, 29))[end], 1.0);
        assert_eq!(row(ts(2023, 2, 28))[end], 1.0);
        assert_eq!(row(ts(2024, 2, 28))[end], 0.0);
        assert_eq!(row(ts(2024, 4, 30))[end], 1.0);
        // 2024-03-31 is a Sunday: the last business day is Friday the 29th.
        assert_eq!(row(ts(2024, 3, 29))[last_bd], 1.0);
        assert_eq!(row(ts(2024, 3, 31))[last_bd], 0.0);
        assert_eq!(*row(ts(2024, 2, 10)).last().unwrap(), 29.0 - 30.4375);
        assert_eq!(epoch_day(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
    }

    #[test]
    fn holidays_expand_windows() {
        let h = Holiday::new("launch", vec![ts(2024, 5, 10)]).window(-1, 1);
        h.check().unwrap();
        let f = Features::new(vec![], Calendar::NONE, 1.0, &[h]);
        assert_eq!(f.len(), 3);
        let mut r = Vec::new();
        f.write_row(ts(2024, 5, 11), &mut r);
        assert_eq!(r, vec![0.0, 0.0, 1.0]);
        assert_eq!(f.holiday_columns[0].0, "launch_-1");
        assert!(Holiday::new("x", vec![]).window(1, 0).check().is_err());
    }
}
