//! Budgets: month-end and quarter-end spend forecast against a budget, the probability of an
//! overrun and the date the budget runs out, from daily cost history and forecast sample
//! paths.
//!
//! The period planned is the month (quarter) holding the first forecast step. For each group
//! and each sample path, spend over the period is the actual spend from the period's start up
//! to the forecast plus the path's values up to the period's end; the spread of these totals
//! across paths gives the mean, P10/P50/P90 and the probability of exceeding the budget. The
//! budget runs out on the first day the cumulative spend reaches it: per path, summarised by
//! its P10/P50/P90 (a path that stays within budget counts as "after the period", so a
//! quantile that falls among those is null).
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `periods` | month, quarter | the periods to forecast; the paths must reach their ends |
//! | `budget` | none | an amount per month or quarter for every group |
//! | `group_budget` | none | an amount per month or quarter for one `unique_id`, overriding `budget` |
//! | `through_horizon` | false | paths that end before a period does are summarised up to their last step instead of failing (the planning report's short horizons) |
//!
//! Output: [`BudgetForecast::summary`] (one row per group and period) and
//! [`BudgetForecast::burndown`] (one row per group, period and step: cumulative actual and
//! forecast bands against the budget line, for a chart). History rows at or after the first
//! forecast step are ignored; a group with paths but no history has spent nothing so far.

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::plan::frame::{
    censored_quantile, id_column, quantile_sorted, read_paths, read_series, time_column, Paths,
    Series,
};
use crate::plan::period::date_text;
use crate::plan::Period;

/// Parameters of [`budget_forecast`] (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetParams {
    periods: Vec<Period>,
    budgets: HashMap<Period, f64>,
    group_budgets: HashMap<(String, Period), f64>,
    through_horizon: bool,
}

impl Default for BudgetParams {
    fn default() -> Self {
        BudgetParams {
            periods: vec![Period::Month, Period::Quarter],
            budgets: HashMap::new(),
            group_budgets: HashMap::new(),
            through_horizon: false,
        }
    }
}

impl BudgetParams {
    /// The periods to forecast (default month and quarter; each must be `Month` or `Quarter`).
    pub fn periods(mut self, periods: &[Period]) -> Self {
        self.periods = periods.to_vec();
        self
    }
    /// A budget of `amount` per `period` for every group.
    pub fn budget(mut self, period: Period, amount: f64) -> Self {
        self.budgets.insert(period, amount);
        self
    }
    /// A budget of `amount` per `period` for the group `id` (overrides [`Self::budget`]).
    pub fn group_budget(mut self, id: impl Into<String>, period: Period, amount: f64) -> Self {
        self.group_budgets.insert((id.into(), period), amount);
        self
    }

    /// When the paths end before a period does, summarise up to their last step instead of
    /// failing (default false: the period's end is required). Month-end figures then describe
    /// spend through the horizon; compare `period_end` with the paths' last `ds`.
    pub fn through_horizon(mut self, on: bool) -> Self {
        self.through_horizon = on;
        self
    }

    fn check(&self) -> Result<()> {
        if self.periods.is_empty() {
            return Err(Error::parameter(
                "periods",
                "expected month, quarter or both",
            ));
        }
        let ok = |p: &Period| matches!(p, Period::Month | Period::Quarter);
        let all = self
            .periods
            .iter()
            .chain(self.budgets.keys())
            .chain(self.group_budgets.keys().map(|k| &k.1));
        for p in all {
            if !ok(p) {
                return Err(Error::parameter(
                    "period",
                    format!("budgets are per month or per quarter, not per {p}"),
                ));
            }
        }
        let amounts = self
            .budgets
            .iter()
            .map(|(p, a)| (format!("budget per {p}"), *a))
            .chain(
                self.group_budgets
                    .iter()
                    .map(|((id, p), a)| (format!("budget per {p} of '{id}'"), *a)),
            );
        for (name, a) in amounts {
            if !(a.is_finite() && a > 0.0) {
                return Err(Error::parameter(
                    name,
                    format!("{a} is not a positive amount"),
                ));
            }
        }
        for p in self
            .budgets
            .keys()
            .chain(self.group_budgets.keys().map(|k| &k.1))
        {
            if !self.periods.contains(p) {
                return Err(Error::parameter(
                    "periods",
                    format!("a budget per {p} was given but {p} is not among the periods forecast"),
                ));
            }
        }
        Ok(())
    }

    fn budget_of(&self, id: &str, period: Period) -> Option<f64> {
        self.group_budgets
            .get(&(id.to_string(), period))
            .or_else(|| self.budgets.get(&period))
            .copied()
    }
}

/// The result of [`budget_forecast`].
#[derive(Debug, Clone)]
pub struct BudgetForecast {
    /// `unique_id, period, period_start, period_end, actual_to_date, forecast_mean,
    /// forecast_p10, forecast_p50, forecast_p90, budget, prob_overrun, exhaustion_ds,
    /// exhaustion_p10, exhaustion_p90` (`period_end` exclusive; `exhaustion_ds` is the median
    /// date the budget runs out; budget columns null without a budget).
    pub summary: DataFrame,
    /// `unique_id, period, ds, actual_cumulative, forecast_mean, forecast_p10, forecast_p50,
    /// forecast_p90, budget, budget_linear`: cumulative spend per step of the period (actual
    /// on observed steps, forecast bands on forecast steps), the budget and the budget spread
    /// evenly over the period (reached at its end).
    pub burndown: DataFrame,
}

/// The share of `totals` above `budget` (the probability of an overrun).
pub fn overrun_probability(totals: &[f64], budget: f64) -> f64 {
    if totals.is_empty() {
        return 0.0;
    }
    totals.iter().filter(|&&t| t > budget).count() as f64 / totals.len() as f64
}

/// Summary and burn-down rows of one group and period.
#[derive(Debug, Default)]
struct Rows {
    // summary
    id: Vec<String>,
    period: Vec<&'static str>,
    start: Vec<Option<i64>>,
    end: Vec<Option<i64>>,
    actual: Vec<f64>,
    mean: Vec<f64>,
    p10: Vec<f64>,
    p50: Vec<f64>,
    p90: Vec<f64>,
    budget: Vec<Option<f64>>,
    prob: Vec<Option<f64>>,
    ex50: Vec<Option<i64>>,
    ex10: Vec<Option<i64>>,
    ex90: Vec<Option<i64>>,
    // burn-down
    b_id: Vec<String>,
    b_period: Vec<&'static str>,
    b_ds: Vec<Option<i64>>,
    b_actual: Vec<Option<f64>>,
    b_mean: Vec<Option<f64>>,
    b_p10: Vec<Option<f64>>,
    b_p50: Vec<Option<f64>>,
    b_p90: Vec<Option<f64>>,
    b_budget: Vec<Option<f64>>,
    b_linear: Vec<Option<f64>>,
}

fn one(
    rows: &mut Rows,
    paths: &Paths,
    history: Option<&Series>,
    period: Period,
    budget: Option<f64>,
    through_horizon: bool,
) -> Result<()> {
    let Some(&first) = paths.ds.first() else {
        return Ok(());
    };
    let start = period.start(first)?;
    let end = period.next_start(first)?;
    let last = paths.ds.last().copied().unwrap_or(first);
    let step = if paths.ds.len() > 1 {
        paths.ds[1] - paths.ds[0]
    } else {
        crate::plan::frame::DAY
    };
    if last.saturating_add(step) < end && !through_horizon {
        let missing = (end - last - step) / crate::plan::frame::DAY;
        return Err(Error::parameter(
            "horizon",
            format!(
                "the forecast of '{}' ends on {}, before the {period} ends on {}; forecast at least {} more day(s)",
                paths.id,
                date_text(last),
                date_text(end - 1),
                missing.max(1)
            ),
        ));
    }
    // Actual spend in the period before the forecast.
    let observed: Vec<(i64, f64)> = history
        .map(|h| {
            h.ds.iter()
                .zip(&h.y)
                .filter(|(t, v)| **t >= start && **t < first && v.is_finite())
                .map(|(t, v)| (*t, *v))
                .collect()
        })
        .unwrap_or_default();
    let actual: f64 = observed.iter().map(|p| p.1).sum();
    let in_period: Vec<usize> = (0..paths.ds.len()).filter(|&h| paths.ds[h] < end).collect();

    // Cumulative spend per path and step.
    let mut totals = Vec::with_capacity(paths.paths.len());
    let mut exhausted: Vec<Option<i64>> = Vec::with_capacity(paths.paths.len());
    let mut cum: Vec<Vec<f64>> = vec![Vec::with_capacity(paths.paths.len()); in_period.len()];
    let actual_exhaustion = budget.and_then(|b| {
        let mut c = 0.0;
        observed.iter().find_map(|&(t, v)| {
            c += v;
            (c >= b).then_some(t)
        })
    });
    for path in &paths.paths {
        let mut c = actual;
        let mut ex = actual_exhaustion;
        for (k, &h) in in_period.iter().enumerate() {
            c += path[h];
            cum[k].push(c);
            if ex.is_none() && budget.is_some_and(|b| c >= b) {
                ex = Some(paths.ds[h]);
            }
        }
        totals.push(c);
        exhausted.push(ex);
    }
    let mut sorted = totals.clone();
    sorted.sort_by(f64::total_cmp);
    rows.id.push(paths.id.clone());
    rows.period.push(period.name());
    rows.start.push(Some(start));
    rows.end.push(Some(end));
    rows.actual.push(actual);
    rows.mean
        .push(totals.iter().sum::<f64>() / totals.len().max(1) as f64);
    rows.p10.push(quantile_sorted(&sorted, 0.1));
    rows.p50.push(quantile_sorted(&sorted, 0.5));
    rows.p90.push(quantile_sorted(&sorted, 0.9));
    rows.budget.push(budget);
    rows.prob
        .push(budget.map(|b| overrun_probability(&totals, b)));
    let q = |p| budget.and(censored_quantile(&exhausted, p));
    rows.ex50.push(q(0.5));
    rows.ex10.push(q(0.1));
    rows.ex90.push(q(0.9));

    // Burn-down: observed steps, then forecast steps.
    let span = (end - start) as f64;
    let linear =
        |t: i64, width: i64| budget.map(|b| b * ((t + width - start) as f64 / span).min(1.0));
    let obs_step = if observed.len() > 1 {
        observed[1].0 - observed[0].0
    } else {
        step
    };
    let mut c = 0.0;
    for &(t, v) in &observed {
        c += v;
        rows.b_id.push(paths.id.clone());
        rows.b_period.push(period.name());
        rows.b_ds.push(Some(t));
        rows.b_actual.push(Some(c));
        for col in [
            &mut rows.b_mean,
            &mut rows.b_p10,
            &mut rows.b_p50,
            &mut rows.b_p90,
        ] {
            col.push(None);
        }
        rows.b_budget.push(budget);
        rows.b_linear.push(linear(t, obs_step));
    }
    for (k, &h) in in_period.iter().enumerate() {
        let values = &mut cum[k];
        values.sort_by(f64::total_cmp);
        rows.b_id.push(paths.id.clone());
        rows.b_period.push(period.name());
        rows.b_ds.push(Some(paths.ds[h]));
        rows.b_actual.push(None);
        rows.b_mean.push(Some(
            values.iter().sum::<f64>() / values.len().max(1) as f64,
        ));
        rows.b_p10.push(Some(quantile_sorted(values, 0.1)));
        rows.b_p50.push(Some(quantile_sorted(values, 0.5)));
        rows.b_p90.push(Some(quantile_sorted(values, 0.9)));
        rows.b_budget.push(budget);
        rows.b_linear.push(linear(paths.ds[h], step));
    }
    Ok(())
}

/// Month-end and quarter-end spend forecasts against budgets.
///
/// `history` is the observed daily cost `unique_id, ds, y` (e.g. from
/// [`crate::series`] aggregation or [`crate::forecast::BatchForecast::history`]); `paths` the
/// forecast sample paths `unique_id, path, ds, y` of the same series, reaching at least the
/// end of every period forecast.
///
/// # Errors
/// [`Error::Parameter`] for a budget that is not positive, a period other than month or
/// quarter, or paths that end before a period does (naming how many more days to forecast);
/// [`Error::Data`] for a missing or mistyped column, an empty frame, a null or non-finite
/// value, or paths of one group with different timestamps.
///
/// # Example
/// ```
/// use capcast::plan::{budget_forecast, BudgetParams, Period};
/// use polars::prelude::*;
///
/// let day = 86_400_000_000i64;
/// let utc = |df: DataFrame| {
///     df.lazy()
///         .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
///         .collect()
/// };
/// // January 1970: 10 days spent at 100 a day, then two paths at 100 and 120 a day.
/// let history = utc(df!("ds" => (0..10).map(|d| d * day).collect::<Vec<_>>(), "y" => [100.0; 10])?)?;
/// let (mut p, mut t, mut y) = (vec![], vec![], vec![]);
/// for (j, rate) in [100.0, 120.0].into_iter().enumerate() {
///     for d in 10..31 {
///         p.push(j as i64);
///         t.push(d * day);
///         y.push(rate);
///     }
/// }
/// let paths = utc(df!("path" => p, "ds" => t, "y" => y)?)?;
/// let params = BudgetParams::default().periods(&[Period::Month]).budget(Period::Month, 3200.0);
/// let out = budget_forecast(&history, &paths, &params)?;
/// // Month totals 3100 and 3520: one path in two overruns 3200.
/// assert_eq!(out.summary.column("prob_overrun")?.f64()?.get(0), Some(0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn budget_forecast(
    history: &DataFrame,
    paths: &DataFrame,
    params: &BudgetParams,
) -> Result<BudgetForecast> {
    params.check()?;
    let history = read_series(history, "history", "y", true)?;
    let input = read_paths(paths, "paths")?;
    if let Some((id, _)) = params
        .group_budgets
        .keys()
        .find(|(id, _)| !input.groups.iter().any(|g| &g.id == id))
    {
        return Err(Error::parameter(
            "group_budget",
            format!("a budget was given for '{id}', but the paths have no such unique_id"),
        ));
    }
    let by_id: HashMap<&str, &Series> = history.groups.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut rows = Rows::default();
    for group in &input.groups {
        for &period in &params.periods {
            one(
                &mut rows,
                group,
                by_id.get(group.id.as_str()).copied(),
                period,
                params.budget_of(&group.id, period),
                params.through_horizon,
            )?;
        }
    }
    let n = rows.id.len();
    let summary = DataFrame::new(
        n,
        vec![
            id_column(rows.id, &input.id_dtype)?,
            Column::new("period".into(), rows.period),
            time_column("period_start", rows.start)?,
            time_column("period_end", rows.end)?,
            Column::new("actual_to_date".into(), rows.actual),
            Column::new("forecast_mean".into(), rows.mean),
            Column::new("forecast_p10".into(), rows.p10),
            Column::new("forecast_p50".into(), rows.p50),
            Column::new("forecast_p90".into(), rows.p90),
            Column::new("budget".into(), rows.budget),
            Column::new("prob_overrun".into(), rows.prob),
            time_column("exhaustion_ds", rows.ex50)?,
            time_column("exhaustion_p10", rows.ex10)?,
            time_column("exhaustion_p90", rows.ex90)?,
        ],
    )?;
    let m = rows.b_id.len();
    let burndown = DataFrame::new(
        m,
        vec![
            id_column(rows.b_id, &input.id_dtype)?,
            Column::new("period".into(), rows.b_period),
            time_column("ds", rows.b_ds)?,
            Column::new("actual_cumulative".into(), rows.b_actual),
            Column::new("forecast_mean".into(), rows.b_mean),
            Column::new("forecast_p10".into(), rows.b_p10),
            Column::new("forecast_p50".into(), rows.b_p50),
            Column::new("forecast_p90".into(), rows.b_p90),
            Column::new("budget".into(), rows.b_budget),
            Column::new("budget_linear".into(), rows.b_linear),
        ],
    )?;
    Ok(BudgetForecast { summary, burndown })
}

/// The number of forecast steps of `step` microseconds after `last` (the last observed time)
/// needed to reach the end of every period in `periods` (for choosing a forecast horizon).
///
/// # Errors
/// [`Error::Parameter`] if `step` is not positive or `last` is outside the calendar.
///
/// # Example
/// ```
/// use capcast::plan::{budget::horizon_to_period_end, Period};
/// // Last observed day 1970-01-10: 21 more days reach the end of January, 80 the end of March.
/// let day = 86_400_000_000i64;
/// assert_eq!(horizon_to_period_end(9 * day, day, &[Period::Month])?, 21);
/// assert_eq!(horizon_to_period_end(9 * day, day, &[Period::Month, Period::Quarter])?, 80);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn horizon_to_period_end(last: i64, step: i64, periods: &[Period]) -> Result<usize> {
    if step <= 0 {
        return Err(Error::parameter("step", "must be a positive duration"));
    }
    let first = last.saturating_add(step);
    let mut horizon = 1;
    for p in periods {
        let end = p.next_start(first)?;
        horizon = horizon.max(((end - first) + step - 1) / step);
    }
    Ok(horizon as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::frame::DAY;
    use proptest::prelude::*;

    fn utc(df: DataFrame) -> DataFrame {
        df.lazy()
            .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
            .collect()
            .unwrap()
    }

    /// January 1970: 10 observed days at 100; forecast days 10..=89 (to the end of March) of
    /// five paths at 90, 95, 100, 105, 110 a day.
    fn sample() -> (DataFrame, DataFrame) {
        let history = utc(df!(
            "unique_id" => vec!["web"; 10],
            "ds" => (0..10).map(|d| d * DAY).collect::<Vec<_>>(),
            "y" => vec![100.0; 10],
        )
        .unwrap());
        let (mut p, mut t, mut y) = (vec![], vec![], vec![]);
        for (j, rate) in [90.0, 95.0, 100.0, 105.0, 110.0].into_iter().enumerate() {
            for d in 10..90 {
                p.push(j as i64);
                t.push(d * DAY);
                y.push(rate);
            }
        }
        let paths = utc(
            df!("unique_id" => vec!["web"; p.len()], "path" => p, "ds" => t, "y" => y).unwrap(),
        );
        (history, paths)
    }

    fn f64s(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        df.column(name).unwrap().f64().unwrap().iter().collect()
    }

    fn days(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
        df.column(name)
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .map(|t| t.map(|t| t / DAY))
            .collect()
    }

    /// Hand-worked. Month: 1000 actual + 21 days at r: 2890, 2995, 3100, 3205, 3310 (mean
    /// 3100; type-7 P10 = 2890 + 0.4 * 105 = 2932, P90 = 3268). Budget 3000: 3 of 5 exceed.
    /// Budget runs out when 1000 + r (d - 9) >= 3000: day 9 + ceil(2000 / r) = 32 (never in
    /// January), 31 (never), 29, 29, 28 -> sorted 28, 29, 29, never, never: P10 = 1st = day 28,
    /// P50 = 3rd = day 29, P90 = 5th = none.
    /// Quarter (Jan-Mar, 90 days): 1000 + 80 r = 8200 ... 9800; no quarter budget.
    #[test]
    fn hand_worked_month_and_quarter() {
        let (history, paths) = sample();
        let params = BudgetParams::default().budget(Period::Month, 3000.0);
        let out = budget_forecast(&history, &paths, &params).unwrap();
        let s = &out.summary;
        assert_eq!(s.height(), 2);
        assert_eq!(f64s(s, "actual_to_date"), vec![Some(1000.0), Some(1000.0)]);
        assert_eq!(f64s(s, "forecast_mean"), vec![Some(3100.0), Some(9000.0)]);
        let p10 = f64s(s, "forecast_p10");
        assert!((p10[0].unwrap() - 2932.0).abs() < 1e-9);
        assert!((f64s(s, "forecast_p90")[0].unwrap() - 3268.0).abs() < 1e-9);
        assert_eq!(f64s(s, "prob_overrun"), vec![Some(0.6), None]);
        assert_eq!(days(s, "exhaustion_p10")[0], Some(28));
        assert_eq!(days(s, "exhaustion_ds")[0], Some(29));
        assert_eq!(days(s, "exhaustion_p90")[0], None);
        assert_eq!(days(s, "period_end"), vec![Some(31), Some(90)]);
        // Burn-down: 10 observed + 21 forecast days for the month, 10 + 80 for the quarter.
        let b = &out.burndown;
        assert_eq!(b.height(), 31 + 90);
        let actual = f64s(b, "actual_cumulative");
        assert_eq!(actual[9], Some(1000.0));
        assert_eq!(actual[10], None);
        assert_eq!(f64s(b, "forecast_mean")[30], Some(3100.0));
        // The even-spend line reaches the budget at the end of the month.
        assert!((f64s(b, "budget_linear")[30].unwrap() - 3000.0).abs() < 1e-9);
        assert!((f64s(b, "budget_linear")[0].unwrap() - 3000.0 / 31.0).abs() < 1e-9);
    }

    #[test]
    fn through_horizon_summarises_a_short_forecast() {
        // Paths to day 19 only: the month's figures cover days 0..=19 (1000 actual + 10 r).
        let (history, paths) = sample();
        let short = paths
            .lazy()
            .filter(
                col("ds").lt(lit(20 * DAY).cast(DataType::Datetime(TimeUnit::Microseconds, None))),
            )
            .collect()
            .unwrap();
        let params = BudgetParams::default()
            .periods(&[Period::Month])
            .budget(Period::Month, 2000.0);
        assert!(budget_forecast(&history, &short, &params).is_err());
        let out = budget_forecast(&history, &short, &params.through_horizon(true)).unwrap();
        assert_eq!(f64s(&out.summary, "forecast_mean"), vec![Some(2000.0)]);
        // Totals 1900, 1950, 2000, 2050, 2100: two of five above 2000.
        assert_eq!(f64s(&out.summary, "prob_overrun"), vec![Some(0.4)]);
        assert_eq!(out.burndown.height(), 20);
    }

    #[test]
    fn already_exhausted_in_history() {
        let (history, paths) = sample();
        let params = BudgetParams::default()
            .periods(&[Period::Month])
            .group_budget("web", Period::Month, 450.0);
        let s = budget_forecast(&history, &paths, &params).unwrap().summary;
        // 100 a day from day 0: 450 is reached on day 4, in every path.
        assert_eq!(days(&s, "exhaustion_p10")[0], Some(4));
        assert_eq!(days(&s, "exhaustion_p90")[0], Some(4));
        assert_eq!(f64s(&s, "prob_overrun")[0], Some(1.0));
    }

    #[test]
    fn bad_input_is_an_error() {
        let (history, paths) = sample();
        for params in [
            BudgetParams::default().budget(Period::Month, 0.0),
            BudgetParams::default().budget(Period::Month, -5.0),
            BudgetParams::default().budget(Period::Week, 5.0),
            BudgetParams::default().periods(&[]),
            BudgetParams::default()
                .periods(&[Period::Quarter])
                .budget(Period::Month, 1.0),
        ] {
            assert!(
                budget_forecast(&history, &paths, &params).is_err(),
                "{params:?}"
            );
        }
        // Paths that stop in February cannot tell the quarter's end.
        let short = paths
            .clone()
            .lazy()
            .filter(
                col("ds").lt(lit(40 * DAY).cast(DataType::Datetime(TimeUnit::Microseconds, None))),
            )
            .collect()
            .unwrap();
        let err = budget_forecast(&history, &short, &BudgetParams::default()).unwrap_err();
        assert!(err.to_string().contains("more day"), "{err}");
        let err =
            budget_forecast(&history.head(Some(0)), &paths, &BudgetParams::default()).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    proptest! {
        #[test]
        fn overrun_probability_falls_as_budget_grows(
            totals in proptest::collection::vec(0.0f64..1e6, 1..50), b in 0.0f64..1e6, more in 0.0f64..1e5,
        ) {
            let lo = overrun_probability(&totals, b);
            let hi = overrun_probability(&totals, b + more);
            prop_assert!(hi <= lo);
            prop_assert!((0.0..=1.0).contains(&lo));
        }
    }
}
