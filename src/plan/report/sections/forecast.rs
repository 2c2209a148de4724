//! The cost forecast section: daily cost by service forecast with capcast's auto mode (each
//! series' model chosen by backtest error, conformal intervals), a fan chart of all services
//! and of the largest ones, and a table of the next period against the last.

use polars::prelude::*;

use crate::chart::frames::fan_chart_data;
use crate::chart::{FanChart, ValueFormat};
use crate::error::Result;
use crate::forecast::registry::BatchSpec;
use crate::forecast::{anomalies, forecast_frame, BatchForecast, BatchParams};
use crate::plan::frame::times;
use crate::plan::report::context::{date, money, symbol, Context, DAY_US, TOTAL};
use crate::plan::report::model::{Figure, ReportChart, ReportTable, Section, Setting};
use crate::plan::report::PlanParams;

/// Services charted one by one (the largest forecasts), besides the total.
const CHARTED_SERVICES: usize = 4;

/// The batch parameters of the cost forecast.
pub(crate) fn batch_params(params: &PlanParams) -> Result<BatchParams> {
    Ok(BatchSpec {
        models: vec!["auto".into()],
        seasons: None,
        step: Some("1d".into()),
        missing: "zero".into(),
        combine: "sum".into(),
        windows: None,
    }
    .params(params.horizon_days, &params.levels, |auto| auto)?
    .non_negative(true)
    .paths(params.paths)
    .seed(params.seed))
}

/// Forecasts every daily series of `ctx`.
pub(crate) fn run(ctx: &Context, params: &PlanParams) -> Result<BatchForecast> {
    forecast_frame(&ctx.daily, &batch_params(params)?)
}

fn value_format(currency: &str) -> ValueFormat {
    match symbol(currency) {
        Some(s) => ValueFormat::currency(s),
        None => ValueFormat::plain(),
    }
}

/// Per series: the sum of `y` over the `days` days before `end` (exclusive).
fn history_sums(ctx: &Context, days: usize) -> Result<DataFrame> {
    let end = ctx.last_day + DAY_US;
    let start = end - days as i64 * DAY_US;
    Ok(ctx
        .daily
        .clone()
        .lazy()
        .filter(
            col("ds")
                .cast(DataType::Int64)
                .gt_eq(lit(start))
                .and(col("ds").cast(DataType::Int64).lt(lit(end))),
        )
        .group_by([col("unique_id")])
        .agg([col("y").sum().alias("history_cost")])
        .collect()?)
}

/// The section, and the settings it used.
pub(crate) fn section(
    ctx: &Context,
    params: &PlanParams,
    result: &BatchForecast,
    settings: &mut Vec<Setting>,
) -> Result<Section> {
    let h = params.horizon_days;
    let cur = ctx.currency.as_str();
    let mut section = Section::new("forecast", "Cost forecast by service");

    // The horizon total per path, then its quantiles, per series.
    let mut per_path = result
        .paths
        .clone()
        .unwrap_or_default()
        .lazy()
        .group_by([col("unique_id"), col("path")])
        .agg([col("y").sum()])
        .group_by([col("unique_id")])
        .agg([
            col("y")
                .quantile(lit(0.1), QuantileMethod::Linear)
                .alias("forecast_lower_80"),
            col("y")
                .quantile(lit(0.9), QuantileMethod::Linear)
                .alias("forecast_upper_80"),
        ]);
    if result.paths.is_none() {
        per_path = df!("unique_id" => Vec::<String>::new(), "forecast_lower_80" => Vec::<f64>::new(), "forecast_upper_80" => Vec::<f64>::new())?.lazy();
    }
    let table = result
        .forecasts
        .clone()
        .lazy()
        .group_by([col("unique_id")])
        .agg([col("yhat").sum().alias("forecast_cost")])
        .join(
            history_sums(ctx, h)?.lazy(),
            [col("unique_id")],
            [col("unique_id")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            per_path,
            [col("unique_id")],
            [col("unique_id")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            result
                .models
                .clone()
                .lazy()
                .select([col("unique_id"), col("model")]),
            [col("unique_id")],
            [col("unique_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("history_cost").gt(lit(0.0)))
                .then((col("forecast_cost") / col("history_cost") - lit(1.0)) * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("change_pct"),
        )
        .select([
            col("unique_id").alias("service"),
            col("history_cost"),
            col("forecast_cost"),
            col("forecast_lower_80"),
            col("forecast_upper_80"),
            col("change_pct"),
            col("model"),
        ])
        .sort(
            ["forecast_cost"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .collect()?;

    // Headline: all services.
    let services = table.column("service")?.str()?.clone();
    let find = |name: &str| (0..table.height()).find(|&i| services.get(i) == Some(name));
    let num = |c: &str, i: usize| -> Option<f64> { table.column(c).ok()?.f64().ok()?.get(i) };
    if let Some(i) = find(TOTAL) {
        let note = match (num("forecast_lower_80", i), num("forecast_upper_80", i)) {
            (Some(lo), Some(hi)) => format!(
                "80 % interval {} – {}",
                money(lo, cur, 0),
                money(hi, cur, 0)
            ),
            _ => String::new(),
        };
        section.figures.push(Figure::new(
            format!("Forecast cost, next {h} days"),
            money(num("forecast_cost", i).unwrap_or(0.0), cur, 0),
            note,
        ));
        if let (Some(prev), Some(change)) = (num("history_cost", i), num("change_pct", i)) {
            section.figures.push(Figure::new(
                format!("Last {h} days"),
                money(prev, cur, 0),
                format!("forecast {change:+.1} % against it"),
            ));
        }
    }
    // The service growing most in money.
    let mut best: Option<(String, f64)> = None;
    for i in 0..table.height() {
        let (Some(name), Some(f), Some(p)) = (
            services.get(i),
            num("forecast_cost", i),
            num("history_cost", i),
        ) else {
            continue;
        };
        if name != TOTAL && best.as_ref().is_none_or(|b| f - p > b.1) {
            best = Some((name.to_string(), f - p));
        }
    }
    if let Some((name, delta)) = best.filter(|b| b.1 > 0.0) {
        section.figures.push(Figure::new(
            "Largest increase",
            name,
            format!("{} more than the last {h} days", money(delta, cur, 0)),
        ));
    }
    section.text.push(format!(
        "Daily EffectiveCost (amortized) per ServiceName from {} to {}, forecast {h} days ahead. Each series' model is chosen by capcast's auto mode (rolling-origin backtests); intervals are conformal, from the backtest errors; the interval of each {h}-day total comes from {} sample paths.",
        date(ctx.first_day),
        date(ctx.last_day),
        params.paths,
    ));
    settings.push(Setting::new(
        "Forecast horizon",
        format!("{h} days"),
        "--horizon-days",
    ));
    settings.push(Setting::new(
        "Forecast model",
        "auto: per series, the best of the registered models by backtest error",
        "default",
    ));
    settings.push(Setting::new(
        "Interval levels",
        params
            .levels
            .iter()
            .map(|l| format!("{l} %"))
            .collect::<Vec<_>>()
            .join(", "),
        "default",
    ));
    settings.push(Setting::new(
        "Sample paths",
        params.paths.to_string(),
        format!("seed {}", params.seed),
    ));

    // Charts: the total, then the largest services.
    let fmt = value_format(cur);
    let mut charted: Vec<String> = vec![TOTAL.to_string()];
    charted.extend(
        services
            .iter()
            .flatten()
            .filter(|s| *s != TOTAL)
            .take(CHARTED_SERVICES)
            .map(str::to_string),
    );
    for (k, id) in charted.iter().enumerate() {
        let data = fan_chart_data(
            &result.history,
            &result.forecasts,
            Some(&result.changepoints),
            Some(id),
        )?;
        let forecast = data.forecast();
        let name = if k == 0 {
            "cost_forecast_total".to_string()
        } else {
            format!("cost_forecast_{k}")
        };
        let title = format!("{id}: daily cost, history and {h}-day forecast");
        let last = (4 * h).max(90);
        section
            .charts
            .push(ReportChart::new(name, title.clone(), |f| {
                FanChart::new(&data.history_ds, &data.history_y, &forecast)
                    .title(title.clone())
                    .y_label(format!(
                        "{} per day",
                        if cur.is_empty() { "cost" } else { cur }
                    ))
                    .value_format(fmt.clone())
                    .changepoints(&data.changepoints)
                    .last(last)
                    .size(1100, 480)
                    .render(f)
            })?);
    }

    section.tables.push(ReportTable::new(
        "forecast_by_service",
        format!("Cost by service: last {h} days and the next {h} days"),
        table,
    ));
    section.tables.push(ReportTable::new(
        "forecast_daily",
        "Daily forecast per service, with intervals",
        result.forecasts.clone(),
    ));
    section.tables.push(ReportTable::new(
        "forecast_models",
        "The model chosen per service",
        result.models.clone(),
    ));
    Ok(section)
}

/// The interval level (percent) outside which a day's cost is an anomaly. At 95 % one day in
/// twenty of an ordinary service would be flagged by chance; 99 % keeps the list to real news.
const ANOMALY_LEVEL: f64 = 99.0;

/// The cost anomalies section: days whose cost fell outside the [`ANOMALY_LEVEL`] backtest
/// interval.
pub(crate) fn anomalies_section(ctx: &Context, params: &PlanParams) -> Result<Section> {
    let mut section = Section::new("anomalies", "Cost anomalies");
    let batch = batch_params(params)?.paths(0);
    let found = anomalies(&ctx.daily, &batch, ANOMALY_LEVEL)?
        .lazy()
        .filter(col("unique_id").neq(lit(TOTAL)))
        .sort(
            ["excess"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .select([
            col("unique_id").alias("service"),
            col("ds"),
            col("y").alias("cost"),
            col("yhat").alias("expected"),
            col("lower"),
            col("upper"),
            col("excess"),
        ])
        .collect()?;
    let cur = ctx.currency.as_str();
    let above = found
        .column("excess")?
        .f64()?
        .iter()
        .flatten()
        .filter(|v| *v > 0.0)
        .count();
    section.figures.push(Figure::new(
        "Anomalous days",
        found.height().to_string(),
        format!(
            "{above} above and {} below the {ANOMALY_LEVEL} % interval",
            found.height() - above
        ),
    ));
    let runs = episodes(&found)?;
    let material = runs.column("material")?.bool()?.sum().unwrap_or(0);
    section.figures.push(Figure::new(
        "Episodes",
        runs.height().to_string(),
        format!(
            "{material} material (excess at least {} and {MATERIAL_SHARE_PCT} % of the expected cost); an episode is a run of consecutive anomalous days of one service on the same side, so a level shift that persists is one",
            money(MATERIAL_EXCESS, cur, 0)
        ),
    ));
    if let Some(top) = found.column("excess")?.f64()?.get(0).filter(|v| *v > 0.0) {
        let service = found
            .column("service")?
            .str()?
            .get(0)
            .unwrap_or("")
            .to_string();
        let day = found
            .column("ds")?
            .cast(&DataType::Int64)?
            .i64()?
            .get(0)
            .map(date)
            .unwrap_or_default();
        section.figures.push(Figure::new(
            "Largest excess",
            money(top, cur, 0),
            format!("{service} on {day}"),
        ));
    }
    section.text.push(format!(
        "Days whose cost lies outside the {ANOMALY_LEVEL} % interval of rolling-origin backtest forecasts (the model auto mode ranks best per service), largest excess first. The scan covers the backtest windows, the most recent weeks."
    ));
    section.tables.push(ReportTable::new(
        "cost_anomaly_episodes",
        "Anomaly episodes: consecutive anomalous days of one service, largest total excess first",
        runs,
    ));
    section.tables.push(ReportTable::new(
        "cost_anomalies",
        "Cost anomalies by service and day",
        found,
    ));
    Ok(section)
}

/// The smallest total excess (currency units) of a material episode ...
const MATERIAL_EXCESS: f64 = 1.0;
/// ... and the smallest share of the episode's expected cost, in percent (AWS Cost Anomaly
/// Detection also alerts on an absolute and a percentage threshold).
const MATERIAL_SHARE_PCT: f64 = 1.0;

/// Runs of consecutive anomalous days of one service on the same side of the interval, from
/// `service, ds, expected, excess` rows: `service, first_day, last_day, days, direction,
/// excess, expected` (summed) and `material` (the excess is at least [`MATERIAL_EXCESS`] and
/// [`MATERIAL_SHARE_PCT`] % of the expected cost), largest absolute excess first. A cost
/// that doubles and stays doubled is one episode, not a day each.
fn episodes(found: &DataFrame) -> Result<DataFrame> {
    let sorted = found.sort(["service", "ds"], SortMultipleOptions::default())?;
    let services = sorted.column("service")?.str()?.clone();
    let days = times(&sorted, "anomalies", "ds")?;
    let excess = sorted.column("excess")?.f64()?.clone();
    let expected = sorted.column("expected")?.f64()?.clone();
    // (service, first day, last day, days, above, excess, expected)
    let mut runs: Vec<(String, i64, i64, u32, bool, f64, f64)> = Vec::new();
    let rows = services
        .iter()
        .zip(days)
        .zip(excess.iter().zip(expected.iter()));
    for ((service, day), (e, x)) in rows {
        let (Some(service), Some(day), Some(e)) = (service, day, e) else {
            continue;
        };
        let above = e > 0.0;
        let x = x.unwrap_or(0.0);
        match runs.last_mut() {
            Some(run) if run.0 == service && run.4 == above && day - run.2 == DAY_US => {
                run.2 = day;
                run.3 += 1;
                run.5 += e;
                run.6 += x;
            }
            _ => runs.push((service.to_string(), day, day, 1, above, e, x)),
        }
    }
    runs.sort_by(|a, b| b.5.abs().total_cmp(&a.5.abs()));
    Ok(df!(
        "service" => runs.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        "first_day" => runs.iter().map(|r| date(r.1)).collect::<Vec<_>>(),
        "last_day" => runs.iter().map(|r| date(r.2)).collect::<Vec<_>>(),
        "days" => runs.iter().map(|r| r.3).collect::<Vec<_>>(),
        "direction" => runs.iter().map(|r| if r.4 { "above" } else { "below" }).collect::<Vec<_>>(),
        "excess" => runs.iter().map(|r| r.5).collect::<Vec<_>>(),
        "expected" => runs.iter().map(|r| r.6).collect::<Vec<_>>(),
        "material" => runs
            .iter()
            .map(|r| {
                r.5.abs() >= MATERIAL_EXCESS && r.5.abs() >= MATERIAL_SHARE_PCT / 100.0 * r.6.abs()
            })
            .collect::<Vec<_>>(),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_days_of_one_service_on_one_side_are_one_episode() {
        let day = |d: i64| 1_783_900_800_000_000 + d * DAY_US; // 2026-07-13 onwards
        let found = df!(
            "service" => ["rds", "rds", "rds", "glue", "glue", "rds"],
            "ds" => [day(2), day(3), day(4), day(17), day(18), day(6)],
            "excess" => [30.0, 29.0, 28.0, 140.0, -5.0, 0.5],
            "expected" => [30.0, 30.0, 30.0, 20.0, 900.0, 30.0],
        )
        .unwrap()
        .lazy()
        .with_column(col("ds").cast(DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        )))
        .collect()
        .unwrap();
        let runs = episodes(&found).unwrap();
        let col = |name: &str| runs.column(name).unwrap().clone();
        // glue 30 July above (140), rds 15-17 July (3 days, 87), glue 31 July below (-5), rds
        // 19 July after a gap (0.5): 4 episodes, largest excess first.
        assert_eq!(runs.height(), 4);
        let services = col("service");
        let services: Vec<&str> = services.str().unwrap().iter().flatten().collect();
        assert_eq!(services, ["glue", "rds", "glue", "rds"]);
        let days: Vec<u32> = col("days").u32().unwrap().iter().flatten().collect();
        assert_eq!(days, [1, 3, 1, 1]);
        assert_eq!(col("first_day").str().unwrap().get(1), Some("2026-07-15"));
        assert_eq!(col("last_day").str().unwrap().get(1), Some("2026-07-17"));
        assert!((col("excess").f64().unwrap().get(1).unwrap() - 87.0).abs() < 1e-12);
        assert_eq!(col("direction").str().unwrap().get(2), Some("below"));
        // 5 of 900 expected is under 1 %, 0.5 under 1 unit: not material.
        let material: Vec<bool> = col("material").bool().unwrap().iter().flatten().collect();
        assert_eq!(material, [true, true, false, false]);
    }
}
