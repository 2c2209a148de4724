//! The generated window: its hours, its calendar months (FOCUS billing periods), the facts
//! about each hour the cost patterns depend on, and the ISO 8601 text of instants.

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, Timelike};

use super::SampleOptions;

/// Seconds per hour.
pub(crate) const HOUR: i64 = 3600;

/// Mean days per month, the unit of the growth trends.
const DAYS_PER_MONTH: f64 = 30.436_875;

/// One calendar month of the window: a FOCUS billing period.
pub(crate) struct Month {
    /// Unix seconds of the first instant.
    pub start: i64,
    /// Unix seconds of the first instant of the next month.
    pub end: i64,
    /// Hours in the month.
    pub hours: i64,
    /// The invoice id of this month.
    pub invoice: String,
}

/// What the cost patterns need to know about one hour.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HourFacts {
    /// Index into [`Window::months`].
    pub month: usize,
    /// 0..24, UTC.
    pub hour_of_day: u32,
    /// Saturday or Sunday.
    pub weekend: bool,
    /// In the last two days of its month.
    pub month_end: bool,
    /// On or after the level-shift date.
    pub after_shift: bool,
    /// Months since the window start (fractional), for trends.
    pub elapsed_months: f64,
}

/// The hours `[start, end)` of the sample.
pub(crate) struct Window {
    /// Unix seconds of the first hour.
    pub start: i64,
    /// Unix seconds just after the last hour.
    pub end: i64,
    /// The calendar months, in order.
    pub months: Vec<Month>,
    /// One entry per hour.
    pub hours: Vec<HourFacts>,
    /// ISO text of every hour boundary `start + i h`, `i` in `0..=hours`.
    iso_cache: Vec<String>,
}

/// Unix seconds of midnight UTC starting `date`.
pub(crate) fn epoch(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp()
}

/// `secs` as `2026-05-01T00:00:00Z`.
pub(crate) fn iso(secs: i64) -> String {
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        None => secs.to_string(),
    }
}

/// `date` plus `n` calendar months (the options are checked, so this stays in range).
pub(crate) fn add_months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n)).unwrap_or(date)
}

impl Window {
    /// The window of checked `options`.
    pub fn new(options: &SampleOptions) -> Window {
        let start = epoch(options.start);
        let shift = epoch(options.level_shift_date());
        let mut months = Vec::with_capacity(options.months as usize);
        for m in 0..options.months {
            let first = add_months(options.start, m);
            let next = add_months(options.start, m + 1);
            let (s, e) = (epoch(first), epoch(next));
            months.push(Month {
                start: s,
                end: e,
                hours: (e - s) / HOUR,
                invoice: format!(
                    "EUINUS{:02}-{:04}",
                    first.year() % 100,
                    first.month() * 37 + 1000
                ),
            });
        }
        let end = months.last().map_or(start, |m| m.end);
        let count = ((end - start) / HOUR) as usize;
        let mut hours = Vec::with_capacity(count);
        for (index, month) in months.iter().enumerate() {
            for h in 0..month.hours {
                let secs = month.start + h * HOUR;
                let Some(t) = DateTime::from_timestamp(secs, 0) else {
                    continue;
                };
                let weekday = t.weekday().num_days_from_monday();
                hours.push(HourFacts {
                    month: index,
                    hour_of_day: t.hour(),
                    weekend: weekday >= 5,
                    month_end: month.end - secs <= 48 * HOUR,
                    after_shift: secs >= shift,
                    elapsed_months: (secs - start) as f64 / (24.0 * HOUR as f64) / DAYS_PER_MONTH,
                });
            }
        }
        let iso_cache = (0..=count as i64).map(|i| iso(start + i * HOUR)).collect();
        Window {
            start,
            end,
            months,
            hours,
            iso_cache,
        }
    }

    /// Unix seconds of the start of hour `h`.
    pub fn hour_start(&self, h: usize) -> i64 {
        self.start + h as i64 * HOUR
    }

    /// The ISO text of `secs`, from the cache when it is an hour boundary of the window.
    pub fn iso(&self, secs: i64) -> std::borrow::Cow<'_, str> {
        let offset = secs - self.start;
        if offset >= 0 && offset % HOUR == 0 {
            if let Some(text) = self.iso_cache.get((offset / HOUR) as usize) {
                return std::borrow::Cow::Borrowed(text);
            }
        }
        std::borrow::Cow::Owned(iso(secs))
    }

    /// The index of the month containing `secs` (the last month past the end).
    pub fn month_of(&self, secs: i64) -> usize {
        self.months
            .iter()
            .position(|m| secs < m.end)
            .unwrap_or(self.months.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_window_is_four_calendar_months_of_hours() {
        let window = Window::new(&SampleOptions::default());
        assert_eq!(window.months.len(), 4);
        assert_eq!(window.hours.len(), (31 + 30 + 31 + 31) * 24);
        assert_eq!(iso(window.start), "2026-05-01T00:00:00Z");
        assert_eq!(iso(window.end), "2026-09-01T00:00:00Z");
        assert_eq!(iso(window.months[1].start), "2026-06-01T00:00:00Z");
        assert_eq!(window.months[1].hours, 720);
        assert_eq!(window.iso(window.hour_start(25)), "2026-05-02T01:00:00Z");
        assert_eq!(window.iso(window.start + 90), "2026-05-01T00:01:30Z");
    }

    #[test]
    fn hour_facts() {
        let window = Window::new(&SampleOptions::default());
        // 2026-05-02 is a Saturday.
        assert!(!window.hours[0].weekend);
        assert!(window.hours[24].weekend);
        // The last 48 hours of May are month-end, the hour before them is not.
        let may_end = 31 * 24;
        assert!(window.hours[may_end - 48].month_end);
        assert!(!window.hours[may_end - 49].month_end);
        assert!(!window.hours[may_end].month_end);
        // The level shift starts 2026-07-15.
        let shift =
            ((epoch(NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()) - window.start) / HOUR) as usize;
        assert!(window.hours[shift].after_shift);
        assert!(!window.hours[shift - 1].after_shift);
        assert_eq!(window.month_of(window.hour_start(shift)), 2);
    }
}
