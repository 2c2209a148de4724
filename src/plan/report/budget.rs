//! The budget section: the month's spend so far and its forecast against a monthly budget,
//! with the probability of overrunning it and the date it runs out.
//!
//! This module reads the budget (`--budget`, `--budget-file`), checks its currency against
//! the bill and writes the text; the numbers (month-end spend mean and P10/P50/P90, overrun
//! probability, run-out date and its P10/P90, burn-down rows) come from
//! [`crate::plan::budget_forecast`] on the all-services series and its sample paths, and the
//! chart is [`crate::chart::BurndownChart`].

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;

use super::context::{date, money, symbol, Context, DAY_US, TOTAL};
use super::model::{Figure, ReportChart, ReportTable, Section, Setting};
use crate::chart::{BurndownChart, ValueFormat};
use crate::error::{Error, Position, Result};
use crate::forecast::BatchForecast;
use crate::plan::period::date_text;
use crate::plan::{budget_forecast, BudgetParams, Period};

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

/// The first day of the month holding `day` and of the next month (microseconds), and the
/// month's name (`2026-09`).
fn month_of(day: i64) -> Result<(i64, i64, String)> {
    let start = Period::Month.start(day)?;
    let end = Period::Month.next_start(day)?;
    let name = date_text(start).chars().take(7).collect();
    Ok((start, end, name))
}

/// The rows of the total series in `frame` with `from <= ds < to`, sorted by `ds`.
fn total_rows(frame: &DataFrame, from: i64, to: i64, by: &[&str]) -> Result<DataFrame> {
    Ok(frame
        .clone()
        .lazy()
        .filter(
            col("unique_id")
                .cast(DataType::String)
                .eq(lit(TOTAL))
                .and(col("ds").cast(DataType::Int64).gt_eq(lit(from)))
                .and(col("ds").cast(DataType::Int64).lt(lit(to))),
        )
        .sort(by.to_vec(), SortMultipleOptions::default())
        .collect()?)
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

/// The month's budget and the setting that says where it came from, or why there is none.
fn month_budget(
    ctx: &Context,
    budget: Option<&Budget>,
    month_start: i64,
    month: &str,
) -> Result<std::result::Result<(f64, Setting), String>> {
    let cur = ctx.currency.as_str();
    if let Some(b) = budget {
        return Ok(match b.for_month(month) {
            Some(v) => Ok((
                v,
                Setting::new(
                    "Monthly budget",
                    format!("{} for {month}", money(v, cur, 2)),
                    b.source.clone(),
                ),
            )),
            None => Err(format!(
                "the budget file has no amount for {month}, the month being forecast"
            )),
        });
    }
    // Assume the last full month's spend.
    let (prev_start, _, prev) = month_of(month_start - DAY_US)?;
    let spend = total_rows(&ctx.daily, prev_start, month_start, &["ds"])?;
    let full =
        prev_start >= ctx.first_day && spend.height() as i64 * DAY_US == month_start - prev_start;
    if !full {
        return Ok(Err(
            "no budget was given (--budget) and the data has no full month to assume one from"
                .into(),
        ));
    }
    let v = spend.column("y")?.f64()?.sum().unwrap_or(0.0);
    Ok(Ok((
        v,
        Setting::new(
            "Monthly budget",
            format!("{} for {month}", money(v, cur, 2)),
            format!("assumed: no budget was given, so {prev}'s spend is used"),
        ),
    )))
}

/// The first value of a float column.
fn first_f64(df: &DataFrame, name: &str) -> Result<Option<f64>> {
    Ok(df.column(name)?.f64()?.get(0))
}

/// The first value of a time column (microseconds).
fn first_time(df: &DataFrame, name: &str) -> Result<Option<i64>> {
    Ok(df.column(name)?.cast(&DataType::Int64)?.i64()?.get(0))
}

/// The budget section, and the settings it used.
pub(crate) fn section(
    ctx: &Context,
    forecast: &BatchForecast,
    budget: Option<&Budget>,
    settings: &mut Vec<Setting>,
) -> Result<Section> {
    const ID: &str = "budget";
    const TITLE: &str = "Budget burn-down";
    let cur = ctx.currency.as_str();
    check_currency(ctx, budget)?;
    let first_forecast_day = ctx.last_day + DAY_US;
    let Ok((month_start, month_end, month)) = month_of(first_forecast_day) else {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the forecast dates are out of range",
        ));
    };
    let amount = match month_budget(ctx, budget, month_start, &month)? {
        Ok((v, setting)) => {
            settings.push(setting);
            v
        }
        Err(why) => return Ok(Section::unavailable(ID, TITLE, why)),
    };
    let Some(all_paths) = &forecast.paths else {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the forecast has no sample paths to take probabilities from",
        ));
    };
    let paths = total_rows(all_paths, first_forecast_day, month_end, &["path", "ds"])?;
    if paths.height() == 0 {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the forecast does not reach into the month",
        ));
    }
    let history = total_rows(&ctx.daily, month_start, first_forecast_day, &["ds"])?;
    let last_forecast_day = paths
        .column("ds")?
        .cast(&DataType::Int64)?
        .i64()?
        .max()
        .unwrap_or(ctx.last_day);
    let covers_month = last_forecast_day + DAY_US >= month_end;
    let params = BudgetParams::default()
        .periods(&[Period::Month])
        .budget(Period::Month, amount)
        .through_horizon(true);
    // The whole history: budget_forecast takes the month's part itself.
    let all_history = total_rows(&ctx.daily, ctx.first_day, first_forecast_day, &["ds"])?;
    let out = budget_forecast(&all_history, &paths, &params)?;
    let summary = &out.summary;
    let spent = first_f64(summary, "actual_to_date")?.unwrap_or(0.0);
    let mean = first_f64(summary, "forecast_mean")?.unwrap_or(spent);
    let p10 = first_f64(summary, "forecast_p10")?.unwrap_or(mean);
    let p90 = first_f64(summary, "forecast_p90")?.unwrap_or(mean);
    let prob = first_f64(summary, "prob_overrun")?.unwrap_or(0.0);
    let (ex50, ex10, ex90) = (
        first_time(summary, "exhaustion_ds")?,
        first_time(summary, "exhaustion_p10")?,
        first_time(summary, "exhaustion_p90")?,
    );
    let n_paths = paths.column("path")?.n_unique()?;

    let format = match symbol(cur) {
        Some(s) => ValueFormat::currency(s),
        None => ValueFormat::plain(),
    };
    let title = format!(
        "Spend against the budget, {month} ({} budget)",
        money(amount, cur, 0)
    );
    let y_label = format!(
        "cumulative spend, {}",
        if cur.is_empty() { "cost" } else { cur }
    );
    let chart = ReportChart::new("budget_burndown", title.clone(), |f| {
        BurndownChart::new(&out)
            .unique_id(TOTAL)
            .title(title.clone())
            .y_label(y_label.clone())
            .value_format(format.clone())
            .render(f)
    })?;

    // Figures.
    let mut section = Section::new(ID, TITLE);
    let outlook = if covers_month {
        "month-end"
    } else {
        "through the horizon"
    };
    let spent_note = if history.height() == 0 {
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
        money(mean, cur, 0),
        format!(
            "80 % interval {} – {}",
            money(p10, cur, 0),
            money(p90, cur, 0)
        ),
    ));
    section.figures.push(Figure::new(
        "Probability of overrun",
        format!("{:.0} %", 100.0 * prob),
        format!("share of {n_paths} forecast paths above the budget"),
    ));
    let value = match ex50 {
        Some(d) => date(d),
        None => format!("not by {}", date(last_forecast_day)),
    };
    let note = match (ex10, ex90) {
        (Some(e), Some(l)) => format!(
            "median path; 80 % of paths between {} and {}",
            date(e),
            date(l)
        ),
        (Some(e), None) => format!("median path; 1 in 10 paths by {}", date(e)),
        _ => "in fewer than 1 in 10 paths within the month".to_string(),
    };
    section
        .figures
        .push(Figure::new("Budget runs out", value, note));
    let distinct = paths
        .clone()
        .lazy()
        .group_by([col("path")])
        .agg([col("y").sum()])
        .select([col("y").round(6, RoundMode::HalfToEven).n_unique()])
        .collect()?
        .column("y")?
        .cast(&DataType::Int64)?
        .i64()?
        .get(0)
        .unwrap_or(0);
    if distinct < 20 {
        section.text.push(format!(
            "The {n_paths} sample paths take only {distinct} distinct month totals (they resample the errors of the forecast's backtest windows), so the probability of overrun moves in steps: read it as a rough likelihood, and the 80 % interval as the range to plan for."
        ));
    }
    section.text.push(format!(
        "Cumulative spend in {month}: actual spend (EffectiveCost, amortized) to {}, then the forecast of all services' daily cost; the band is the P10–P90 of the forecast's {n_paths} sample paths, against the budget and the even-spend line.",
        date(ctx.last_day),
    ));
    if !covers_month {
        section.text.push(format!(
            "The forecast horizon ends on {}, before the month does: figures stop there (raise the horizon to see the whole month).",
            date(last_forecast_day)
        ));
    }
    section.charts.push(chart);

    // Table: one row per day of the burn-down.
    let table = out
        .burndown
        .clone()
        .lazy()
        .select([
            col("ds"),
            when(col("actual_cumulative").is_not_null())
                .then(lit("actual"))
                .otherwise(lit("forecast"))
                .alias("kind"),
            coalesce(&[col("actual_cumulative"), col("forecast_mean")]).alias("spend_to_date"),
            col("budget"),
            (col("budget") - coalesce(&[col("actual_cumulative"), col("forecast_mean")]))
                .alias("budget_left"),
            col("forecast_p10").alias("spend_p10"),
            col("forecast_p50").alias("spend_p50"),
            col("forecast_p90").alias("spend_p90"),
            col("budget_linear").alias("even_spend"),
        ])
        .collect()?;
    section.tables.push(ReportTable::new(
        "budget_burndown",
        format!("Budget burn-down, {month}"),
        table,
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
    fn month_of_crosses_years() {
        let dec = NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_micros();
        let (start, end, name) = month_of(dec).unwrap();
        assert_eq!(name, "2026-12");
        assert_eq!((end - start) / DAY_US, 31);
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
