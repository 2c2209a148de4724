//! Calendar periods in UTC (day, ISO week, month, quarter): where one starts and the next
//! begins, for per-period capacity and month-end or quarter-end budgets.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::error::{Error, Result};

/// A calendar period in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A UTC day.
    Day,
    /// An ISO week, Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter (January, April, July, October).
    Quarter,
}

impl Period {
    /// The name users type: `day`, `week`, `month`, `quarter`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
        }
    }

    /// The start (microseconds since the epoch, UTC) of the period holding `ts`.
    ///
    /// # Errors
    /// [`Error::Parameter`] if `ts` is outside the calendar chrono supports.
    pub fn start(self, ts: i64) -> Result<i64> {
        let date = date_of(ts)?;
        let start = match self {
            Period::Day => date,
            Period::Week => {
                date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()))
            }
            Period::Month => date.with_day(1).ok_or_else(|| out_of_range(ts))?,
            Period::Quarter => {
                let month = (date.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(date.year(), month, 1).ok_or_else(|| out_of_range(ts))?
            }
        };
        micros(start, ts)
    }

    /// The start of the period after the one holding `ts`.
    ///
    /// # Errors
    /// [`Error::Parameter`] if `ts` is outside the calendar chrono supports.
    pub fn next_start(self, ts: i64) -> Result<i64> {
        let start = date_of(self.start(ts)?)?;
        let next = match self {
            Period::Day => start.checked_add_days(chrono::Days::new(1)),
            Period::Week => start.checked_add_days(chrono::Days::new(7)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Quarter => start.checked_add_months(Months::new(3)),
        }
        .ok_or_else(|| out_of_range(ts))?;
        micros(next, ts)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Period {
    type Err = Error;

    fn from_str(s: &str) -> Result<Period> {
        match s.trim().to_ascii_lowercase().as_str() {
            "day" | "daily" | "d" => Ok(Period::Day),
            "week" | "weekly" | "w" => Ok(Period::Week),
            "month" | "monthly" | "m" => Ok(Period::Month),
            "quarter" | "quarterly" | "q" => Ok(Period::Quarter),
            _ => Err(Error::parameter(
                "period",
                format!("'{s}' is not a period; expected day, week, month or quarter"),
            )),
        }
    }
}

fn out_of_range(ts: i64) -> Error {
    Error::parameter(
        "ds",
        format!("{ts} microseconds since 1970 is outside the supported calendar"),
    )
}

fn date_of(ts: i64) -> Result<NaiveDate> {
    DateTime::<Utc>::from_timestamp_micros(ts)
        .map(|d| d.date_naive())
        .ok_or_else(|| out_of_range(ts))
}

fn micros(date: NaiveDate, ts: i64) -> Result<i64> {
    date.and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp_micros())
        .ok_or_else(|| out_of_range(ts))
}

/// `ts` as `YYYY-MM-DD` (UTC), for messages.
pub(crate) fn date_text(ts: i64) -> String {
    date_of(ts)
        .map(|d| d.to_string())
        .unwrap_or_else(|_| ts.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(y: i32, m: u32, d: u32, h: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros()
    }

    #[test]
    fn starts_and_next_starts() {
        // 2026-11-22 is a Sunday.
        let t = ts(2026, 11, 22, 15);
        assert_eq!(Period::Day.start(t).unwrap(), ts(2026, 11, 22, 0));
        assert_eq!(Period::Week.start(t).unwrap(), ts(2026, 11, 16, 0));
        assert_eq!(Period::Month.start(t).unwrap(), ts(2026, 11, 1, 0));
        assert_eq!(Period::Quarter.start(t).unwrap(), ts(2026, 10, 1, 0));
        assert_eq!(Period::Month.next_start(t).unwrap(), ts(2026, 12, 1, 0));
        assert_eq!(Period::Quarter.next_start(t).unwrap(), ts(2027, 1, 1, 0));
        assert_eq!(Period::Week.next_start(t).unwrap(), ts(2026, 11, 23, 0));
        assert_eq!("Quarterly".parse::<Period>().unwrap(), Period::Quarter);
        assert!("year".parse::<Period>().is_err());
        assert!(Period::Day.start(i64::MAX).is_err());
    }
}
