//! The budget section: the month's spend so far and its forecast against a monthly budget,
//! as a burn-down of the budget left (a fan chart from the forecast's sample paths), with the
//! probability of overrunning it and the date it runs out.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::context::{date, money, symbol, Context, DAY_US, TOTAL};
use super::model::{Figure, ReportChart, ReportTable, Section, Setting};
use crate::chart::{FanChart, ValueFormat};
use crate::error::{Error, Position, Result};
use crate::forecast::{BatchForecast, Forecast, Interval};

/// A monthly budget: one amount for every month, and amounts for named months.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    amount: Option<f64>,
    months: Vec<(String, f64)>,
    currency: Option<String>,
    source: String,
}

impl Budget {
    /// The same amount every month, in the billing currency.
    pub fn monthly(amount: f64) -> Budget {
        Budget {
            amount: Some(amount),
            months: Vec::new(),
            currency: None,
            source: "given".into(),
        }
    }

    /// The currency the amounts are in (checked against the billing currency).
    pub fn currency(mut self, currency: impl Into<String>) -> Budget {
        self.currency = Some(currency.into().trim().to_ascii_uppercase());
        self
    }

    /// Reads `12000`, `12000 USD`, `USD 12000` or `$12,000` (commas are thousands
    /// separators).
    ///
    /// # Errors
    /// [`Error::Parameter`] naming `budget` and the text when it is not an amount.
    pub fn parse(text: &str) -> Result<Budget> {
        let bad = || {
            Error::parameter(
                "budget",
                format!("'{text}': expected an amount such as 12000, '12000 USD' or '$12,000'"),
            )
        };
        let mut amount = None;
        let mut currency = None;
        for word in text.split_whitespace() {
            let word = word.trim();
            let (sym, rest) = match word.chars().next() {
                Some('$') => (Some("USD"), &word[1..]),
                Some('€') => (Some("EUR"), &word['€'.len_utf8()..]),
                Some('£') => (Some("GBP"), &word['£'.len_utf8()..]),
                _ => (None, word),
            };
            let cleaned = rest.replace(',', "");
            if let Ok(v) = cleaned.parse::<f64>() {
                if amount.replace(v).is_some() {
                    return Err(bad());
                }
                if let Some(s) = sym {
                    currency = Some(s.to_string());
                }
            } else if rest.len() == 3 && rest.chars().all(|c| c.is_ascii_alphabetic()) {
                if currency.replace(rest.to_ascii_uppercase()).is_some() {
                    return Err(bad());
                }
            } else {
                return Err(bad());
            }
        }
        let amount = amount.ok_or_else(bad)?;
        let mut budget = Budget::monthly(amount);
        budget.currency = currency;
        budget.source = "--budget".into();
        budget.check()?;
        Ok(budget)
    }

    /// Reads a CSV with columns `month` (`2026-09`) and `amount`, and optionally `currency`.
    ///
    /// # Errors
    /// [`Error::NotFound`]/[`Error::Io`] for the file; [`Error::Data`] naming the row, column
    /// and value of a bad cell, or a missing column.
    pub fn from_csv(path: impl AsRef<Path>) -> Result<Budget> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut reader = csv::Reader::from_reader(file);
        let headers = reader
            .headers()
            .map_err(|e| Error::data(Position::file(path), format!("unreadable header: {e}")))?
            .clone();
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let (Some(month_col), Some(amount_col)) = (find("month"), find("amount")) else {
            return Err(Error::data(
                Position::file(path),
                "a budget file needs the columns month (YYYY-MM) and amount",
            ));
        };
        let currency_col = find("currency");
        let mut months = Vec::new();
        let mut currency: Option<String> = None;
        for (i, record) in reader.records().enumerate() {
            let row = i as u64 + 2;
            let record =
                record.map_err(|e| Error::data(Position::file(path).row(row), e.to_string()))?;
            let cell = |c: usize| record.get(c).unwrap_or("").trim().to_string();
            let month = cell(month_col);
            if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
                return Err(Error::data(
                    Position::file(path).row(row).column("month").value(&month),
                    "expected a month as YYYY-MM",
                ));
            }
            let text = cell(amount_col);
            let amount = text
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| {
                    Error::data(
                        Position::file(path).row(row).column("amount").value(&text),
                        "expected a positive amount",
                    )
                })?;
            if let Some(c) = currency_col {
                let code = cell(c).to_ascii_uppercase();
                if !code.is_empty() {
                    match &currency {
                        Some(prev) if *prev != code => {
                            return Err(Error::data(
                                Position::file(path)
                                    .row(row)
                                    .column("currency")
                                    .value(&code),
                                format!("every row must be in one currency (earlier rows: {prev})"),
                            ))
                        }
                        _ => currency = Some(code),
                    }
                }
            }
            months.push((month, amount));
        }
        if months.is_empty() {
            return Err(Error::data(
                Position::file(path),
                "the budget file has no rows",
            ));
        }
        Ok(Budget {
            amount: None,
            months,
            currency,
            source: path.display().to_string(),
        })
    }

    /// The budget of a month (`2026-09`).
    pub fn for_month(&self, month: &str) -> Option<f64> {
        self.months
            .iter()
            .find(|(m, _)| m == month)
            .map(|(_, v)| *v)
            .or(self.amount)
    }

    /// Checks the amounts.
    ///
    /// # Errors
    /// [`Error::Parameter`] for an amount that is not positive and finite.
    pub fn check(&self) -> Result<()> {
        let amounts = self.amount.iter().chain(self.months.iter().map(|m| &m.1));
        for &v in amounts {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::parameter(
                    "budget",
                    format!("{v}: expected a positive amount"),
                ));
            }
        }
        Ok(())
    }
}

/// First day of the month containing `day` (microseconds), and of the next month.
fn month_bounds(day: i64) -> Option<(i64, i64, String)> {
    let d = chrono::DateTime::from_timestamp_micros(day)?.date_naive();
    let start = NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?;
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)?
    };
    let us = |n: NaiveDate| {
        n.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_micros())
    };
    Some((us(start)?, us(next)?, start.format("%Y-%m").to_string()))
}

/// Values of the total series between `from` and `to` (exclusive), by day.
fn total_values(frame: &DataFrame, value: &str, from: i64, to: i64) -> Result<Vec<(i64, f64)>> {
    let rows = frame
        .clone()
        .lazy()
        .filter(
            col("unique_id")
                .cast(DataType::String)
                .eq(lit(TOTAL))
                .and(col("ds").cast(DataType::Int64).gt_eq(lit(from)))
                .and(col("ds").cast(DataType::Int64).lt(lit(to))),
        )
        .sort(["ds"], SortMultipleOptions::default())
        .select([
            col("ds").cast(DataType::Int64),
            col(value).cast(DataType::Float64),
        ])
        .collect()?;
    let ds = rows.column("ds")?.i64()?;
    let v = rows.column(value)?.f64()?;
    Ok(ds
        .iter()
        .zip(v.iter())
        .filter_map(|(d, v)| Some((d?, v.unwrap_or(0.0))))
        .collect())
}

/// The `q`-quantile of sorted values (linear interpolation).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Fails when the budget names a currency other than the billing data's.
pub(crate) fn check_currency(ctx: &Context, budget: Option<&Budget>) -> Result<()> {
    let cur = ctx.currency.as_str();
    if let (Some(b), false) = (budget.and_then(|b| b.currency.as_deref()), cur.is_empty()) {
        if b != cur {
            return Err(Error::parameter(
                "budget",
                format!("the budget is in {b} but the billing data is in {cur}; give the budget in {cur}"),
            ));
        }
    }
    Ok(())
}

/// The budget section, and the settings it used.
pub(crate) fn section(
    ctx: &Context,
    forecast: &BatchForecast,
    budget: Option<&Budget>,
    levels: &[f64],
    settings: &mut Vec<Setting>,
) -> Result<Section> {
    const ID: &str = "budget";
    const TITLE: &str = "Budget burn-down";
    let cur = ctx.currency.as_str();
    check_currency(ctx, budget)?;
    let first_forecast_day = ctx.last_day + DAY_US;
    let Some((month_start, month_end, month)) = month_bounds(first_forecast_day) else {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the forecast dates are out of range",
        ));
    };
    let amount = match budget {
        Some(b) => match b.for_month(&month) {
            Some(v) => {
                settings.push(Setting::new(
                    "Monthly budget",
                    format!("{} for {month}", money(v, cur, 2)),
                    b.source.clone(),
                ));
                v
            }
            None => {
                return Ok(Section::unavailable(
                    ID,
                    TITLE,
                    format!("the budget file has no amount for {month}, the month being forecast"),
                ))
            }
        },
        None => {
            // Assume the last full month's spend.
            let Some((prev_start, _, prev)) = month_bounds(month_start - DAY_US) else {
                return Ok(Section::unavailable(ID, TITLE, "no budget was given"));
            };
            let spend = total_values(&ctx.daily, "y", prev_start, month_start)?;
            let full = prev_start >= ctx.first_day
                && spend.len() as i64 * DAY_US == month_start - prev_start;
            if !full {
                return Ok(Section::unavailable(
                    ID,
                    TITLE,
                    "no budget was given (--budget) and the data has no full month to assume one from",
                ));
            }
            let v: f64 = spend.iter().map(|p| p.1).sum();
            settings.push(Setting::new(
                "Monthly budget",
                format!("{} for {month}", money(v, cur, 2)),
                format!("assumed: no budget was given, so {prev}'s spend is used"),
            ));
            v
        }
    };

    let actual = total_values(&ctx.daily, "y", month_start, first_forecast_day)?;
    let spent: f64 = actual.iter().map(|p| p.1).sum();
    let point = total_values(&forecast.forecasts, "yhat", first_forecast_day, month_end)?;
    if point.is_empty() {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the forecast does not reach into the month",
        ));
    }
    let covers_month = point.last().map(|p| p.0 + DAY_US) == Some(month_end);
    let days: Vec<i64> = point.iter().map(|p| p.0).collect();

    // Remaining budget per path and day.
    let mut paths: Vec<Vec<f64>> = Vec::new();
    if let Some(frame) = &forecast.paths {
        let rows = frame
            .clone()
            .lazy()
            .filter(
                col("unique_id")
                    .cast(DataType::String)
                    .eq(lit(TOTAL))
                    .and(
                        col("ds")
                            .cast(DataType::Int64)
                            .gt_eq(lit(first_forecast_day)),
                    )
                    .and(col("ds").cast(DataType::Int64).lt(lit(month_end))),
            )
            .sort(["path", "ds"], SortMultipleOptions::default())
            .select([
                col("path").cast(DataType::Int64),
                col("y").cast(DataType::Float64),
            ])
            .collect()?;
        let ids = rows.column("path")?.i64()?;
        let ys = rows.column("y")?.f64()?;
        let mut current: Option<i64> = None;
        for (id, y) in ids.iter().zip(ys.iter()) {
            if id != current {
                paths.push(Vec::with_capacity(days.len()));
                current = id;
            }
            if let Some(p) = paths.last_mut() {
                p.push(y.unwrap_or(f64::NAN).max(0.0));
            }
        }
        paths.retain(|p| p.len() == days.len());
    }
    let cum = |values: &[f64]| -> Vec<f64> {
        values
            .iter()
            .scan(spent, |acc, v| {
                *acc += v;
                Some(*acc)
            })
            .collect()
    };
    let mean_cum = cum(&point.iter().map(|p| p.1).collect::<Vec<_>>());
    let path_cums: Vec<Vec<f64>> = paths.iter().map(|p| cum(p)).collect();
    let mut intervals = Vec::new();
    for &level in levels {
        let a = (1.0 - level / 100.0) / 2.0;
        let (mut lower, mut upper) = (Vec::new(), Vec::new());
        for d in 0..days.len() {
            let mut col: Vec<f64> = path_cums.iter().map(|p| amount - p[d]).collect();
            col.sort_by(f64::total_cmp);
            lower.push(quantile(&col, a));
            upper.push(quantile(&col, 1.0 - a));
        }
        intervals.push(Interval {
            level,
            lower,
            upper,
        });
    }
    if path_cums.is_empty() {
        intervals.clear();
    }
    let remaining: Vec<f64> = mean_cum.iter().map(|c| amount - c).collect();
    let fc = Forecast {
        ds: days.clone(),
        mean: remaining.clone(),
        intervals: intervals.clone(),
    };

    // History: the budget left at the end of each observed day, starting from the full
    // budget at the end of the day before the month.
    let mut hist_ds = vec![month_start - DAY_US];
    let mut hist_y = vec![amount];
    let mut acc = 0.0;
    for (d, v) in &actual {
        acc += v;
        hist_ds.push(*d);
        hist_y.push(amount - acc);
    }
    let format = match symbol(cur) {
        Some(s) => ValueFormat::currency(s),
        None => ValueFormat::plain(),
    };
    let title = format!("Budget left in {month} ({} budget)", money(amount, cur, 0));
    let chart = ReportChart::new("budget_burndown", title.clone(), |f| {
        FanChart::new(&hist_ds, &hist_y, &fc)
            .title(title.clone())
            .y_label(format!(
                "budget left, {}",
                if cur.is_empty() { "cost" } else { cur }
            ))
            .value_format(format.clone())
            .render(f)
    })?;

    // Figures.
    let end_mean = *mean_cum.last().unwrap_or(&spent);
    let mut section = Section::new(ID, TITLE);
    let outlook = if covers_month {
        "month-end"
    } else {
        "through the horizon"
    };
    let mut end_note = String::new();
    let finals: Vec<f64> = {
        let mut v: Vec<f64> = path_cums.iter().filter_map(|p| p.last().copied()).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    if !finals.is_empty() {
        end_note = format!(
            "80 % interval {} – {}",
            money(quantile(&finals, 0.1), cur, 0),
            money(quantile(&finals, 0.9), cur, 0)
        );
    }
    let spent_note = if actual.is_empty() {
        format!(
            "the month starts after the data, which ends {}",
            date(ctx.last_day)
        )
    } else {
        format!("{} spent by {}", money(spent, cur, 0), date(ctx.last_day))
    };
    section.figures.push(Figure::new(
        format!("Budget {month}"),
        money(amount, cur, 0),
        spent_note,
    ));
    section.figures.push(Figure::new(
        format!("Forecast spend, {outlook}"),
        money(end_mean, cur, 0),
        end_note,
    ));
    if !finals.is_empty() {
        let over = finals.iter().filter(|&&v| v > amount).count() as f64 / finals.len() as f64;
        section.figures.push(Figure::new(
            "Probability of overrun",
            format!("{:.0} %", 100.0 * over),
            format!("share of {} forecast paths above the budget", finals.len()),
        ));
        // The day each path runs out, if it does.
        let mut out_days: Vec<Option<i64>> = path_cums
            .iter()
            .map(|p| p.iter().position(|&c| c > amount).map(|i| days[i]))
            .collect();
        out_days.sort_by_key(|d| d.unwrap_or(i64::MAX));
        let median = out_days[out_days.len() / 2];
        let value = match median {
            Some(d) => date(d),
            None => format!("not by {}", date(*days.last().unwrap_or(&ctx.last_day))),
        };
        let early = out_days[out_days.len() / 10];
        let note = match (median, early) {
            (_, Some(e)) => format!("median path; 1 in 10 paths by {}", date(e)),
            _ => "in fewer than 1 in 10 paths within the month".to_string(),
        };
        section
            .figures
            .push(Figure::new("Budget runs out", value, note));
        let mut distinct = finals.clone();
        distinct.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
        if distinct.len() < 20 {
            section.text.push(format!(
                "The {} sample paths take only {} distinct month totals (they resample the errors of the forecast's backtest windows), so the probability of overrun moves in steps: read it as a rough likelihood, and the 80 % interval as the range to plan for.",
                finals.len(),
                distinct.len()
            ));
        }
    } else {
        section
            .text
            .push("No forecast sample paths: probabilities are not available.".into());
    }
    section.text.push(format!(
        "The budget left each day of {month}: actual spend (EffectiveCost, amortized) to {}, then the forecast of all services' daily cost; the bands are the {} intervals of the forecast's {} sample paths.",
        date(ctx.last_day),
        levels.iter().map(|l| format!("{l} %")).collect::<Vec<_>>().join(" and "),
        path_cums.len(),
    ));
    if !covers_month {
        section.text.push(format!(
            "The forecast horizon ends on {}, before the month does: figures stop there (raise the horizon to see the whole month).",
            date(*days.last().unwrap_or(&ctx.last_day))
        ));
    }
    section.charts.push(chart);

    // Table: one row per day.
    let mut ds_all: Vec<i64> = actual.iter().map(|p| p.0).collect();
    ds_all.extend(&days);
    let n_actual = actual.len();
    let mut spend = Vec::new();
    let mut kind = Vec::new();
    let mut acc = 0.0;
    for (_, v) in &actual {
        acc += v;
        spend.push(acc);
        kind.push("actual");
    }
    spend.extend(&mean_cum);
    kind.extend(std::iter::repeat_n("forecast", days.len()));
    let budget_col = vec![amount; ds_all.len()];
    let left: Vec<f64> = spend.iter().map(|s| amount - s).collect();
    let mut columns = vec![
        Column::new("ds".into(), ds_all).cast(&DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        ))?,
        Column::new("kind".into(), kind),
        Column::new("spend_to_date".into(), spend),
        Column::new("budget".into(), budget_col),
        Column::new("budget_left".into(), left),
    ];
    for interval in &intervals {
        let pad = |v: &[f64]| -> Vec<Option<f64>> {
            std::iter::repeat_n(None, n_actual)
                .chain(v.iter().map(|x| Some(*x)))
                .collect()
        };
        let name = format!("{}", interval.level);
        columns.push(Column::new(
            format!("budget_left_lower_{name}").into(),
            pad(&interval.lower),
        ));
        columns.push(Column::new(
            format!("budget_left_upper_{name}").into(),
            pad(&interval.upper),
        ));
    }
    let height = columns[0].len();
    section.tables.push(ReportTable::new(
        "budget_burndown",
        format!("Budget burn-down, {month}"),
        DataFrame::new(height, columns)?,
    ));
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts_with_currency() {
        assert_eq!(
            Budget::parse("12000").unwrap().for_month("2026-01"),
            Some(12000.0)
        );
        let b = Budget::parse("12,000 usd").unwrap();
        assert_eq!(b.currency.as_deref(), Some("USD"));
        assert_eq!(b.amount, Some(12000.0));
        assert_eq!(
            Budget::parse("$950.5").unwrap().currency.as_deref(),
            Some("USD")
        );
        assert_eq!(
            Budget::parse("EUR 10").unwrap().currency.as_deref(),
            Some("EUR")
        );
        for bad in ["", "abc", "-5", "0", "12 13", "12 USD EUR"] {
            let err = Budget::parse(bad).unwrap_err().to_string();
            assert!(err.contains("budget"), "{bad}: {err}");
        }
    }

    #[test]
    fn month_bounds_cross_years() {
        let dec = NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros();
        let (start, end, name) = month_bounds(dec).unwrap();
        assert_eq!(name, "2026-12");
        assert_eq!((end - start) / DAY_US, 31);
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.1), 1.4);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn budget_file_rows_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.csv");
        std::fs::write(
            &path,
            "month,amount,currency\n2026-09,1000,USD\n2026-10,\"1,200\",USD\n",
        )
        .unwrap();
        let b = Budget::from_csv(&path).unwrap();
        assert_eq!(b.for_month("2026-10"), Some(1200.0));
        assert_eq!(b.for_month("2026-11"), None);
        std::fs::write(&path, "month,amount\n2026-13,1000\n").unwrap();
        let err = Budget::from_csv(&path).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("2026-13"), "{err}");
        std::fs::write(&path, "month,amount\n2026-09,-4\n").unwrap();
        let err = Budget::from_csv(&path).unwrap_err().to_string();
        assert!(err.contains("amount") && err.contains("-4"), "{err}");
        let err = Budget::from_csv(dir.path().join("none.csv")).unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
    }
}
