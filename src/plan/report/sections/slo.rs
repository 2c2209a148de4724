//! The SLO section: the error budget left over the last 30 days, the burn rate over time and
//! the multi-window multi-burn-rate alerts that fired ([`crate::plan::slo_burn`] with the SRE
//! workbook's rules), from the request series given with `--slo` (the bundled report uses the
//! sample's `slo/requests.csv`).

use polars::prelude::*;

use crate::chart::BurnRateChart;
use crate::error::Result;
use crate::plan::report::context::date;
use crate::plan::report::model::{Figure, ReportChart, ReportTable, Section, Setting};
use crate::plan::report::requests::read_requests;
use crate::plan::report::PlanParams;
use crate::plan::{slo_burn, window_name, BurnRule, Severity, SloParams};

const ID: &str = "slo";
const TITLE: &str = "SLO error budget";
/// Rows of the hourly burn table per hour.
const HOUR_US: i64 = 3_600_000_000;

/// How to give a request series, shown when there is none.
pub(crate) const HOW_TO: &str = "no request series was given: pass --slo PATH (a CSV with a 'timestamp' column and either 'total' with 'errors' or 'good', or 'error_rate') and optionally --slo-target (default 0.999); from Python, capcast.plan(slo=..., slo_target=...)";

fn percent(v: f64) -> String {
    let s = format!("{:.3}", 100.0 * v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s} %")
}

/// Reads the request series given (before the slow steps, so that a bad file fails fast).
///
/// # Errors
/// As [`read_requests`].
pub(crate) fn load(params: &PlanParams) -> Result<Option<DataFrame>> {
    params.slo.as_deref().map(read_requests).transpose()
}

/// The section from the series [`load`] read, and the settings it used.
pub(crate) fn section(
    params: &PlanParams,
    requests: Option<DataFrame>,
    settings: &mut Vec<Setting>,
) -> Result<Section> {
    let (Some(path), Some(requests)) = (&params.slo, requests) else {
        settings.push(Setting::new("SLO request series", "none", "input"));
        return Ok(Section::unavailable(ID, TITLE, HOW_TO));
    };
    let target = params
        .slo_target
        .unwrap_or(super::super::DEFAULT_SLO_TARGET);
    settings.push(Setting::new(
        "SLO request series",
        path.display().to_string(),
        if params.slo_bundled {
            "bundled sample"
        } else {
            "--slo"
        },
    ));
    settings.push(Setting::new(
        "SLO target",
        percent(target),
        if params.slo_target.is_some() {
            "--slo-target"
        } else {
            "default"
        },
    ));
    settings.push(Setting::new(
        "SLO alert rules",
        "page 14.4x over 1 h and 5 m, page 6x over 6 h and 30 m, ticket 3x over 1 d and 2 h, ticket 1x over 3 d and 6 h; 30-day budget period",
        "SRE workbook defaults",
    ));
    let out = slo_burn(&requests, &SloParams::new(target))?;

    let mut section = Section::new(ID, TITLE);
    let ds = out.series.column("ds")?.cast(&DataType::Int64)?;
    let ds = ds.i64()?;
    let (first, last) = (ds.min().unwrap_or(0), ds.max().unwrap_or(0));
    let days = (last - first) as f64 / (24.0 * HOUR_US as f64);
    let counts = requests.column("total").is_ok();
    let (errors, total) = if counts {
        (
            requests.column("errors")?.f64()?.sum().unwrap_or(0.0),
            requests.column("total")?.f64()?.sum().unwrap_or(0.0),
        )
    } else {
        (
            requests.column("error_rate")?.f64()?.sum().unwrap_or(0.0),
            requests.height() as f64,
        )
    };
    section.figures.push(Figure::new(
        "Error budget remaining",
        format!("{:.0} %", 100.0 * out.budget_remaining),
        format!(
            "of the 30-day budget at a {} target ({} of requests may fail){}",
            percent(target),
            percent(1.0 - target),
            if days < 29.0 {
                format!("; the series covers only {days:.1} days")
            } else {
                String::new()
            }
        ),
    ));
    let sev = out.alerts.column("severity")?.str()?.clone();
    let pages = sev
        .iter()
        .flatten()
        .filter(|s| *s == Severity::Page.name())
        .count();
    let tickets = sev
        .iter()
        .flatten()
        .filter(|s| *s == Severity::Ticket.name())
        .count();
    section.figures.push(Figure::new(
        "Alerts fired",
        format!(
            "{pages} page{}, {tickets} ticket{}",
            plural(pages),
            plural(tickets)
        ),
        "multi-window multi-burn-rate rules (SRE workbook)",
    ));
    if total > 0.0 {
        section.figures.push(Figure::new(
            "Success rate",
            percent(1.0 - errors / total),
            if counts {
                format!(
                    "{} failed of {} requests, {} to {}",
                    errors.round() as u64,
                    total.round() as u64,
                    date(first),
                    date(last)
                )
            } else {
                "mean of the rows' error rates".to_string()
            },
        ));
    }
    section.text.push(format!(
        "The burn rate over a window is its error rate divided by the error budget rate 1 − target ({}): at 1 the budget lasts exactly the 30-day period. A rule fires while the burn rate over both its long and its short window reaches its threshold (14.4x over 1 h and 5 m spends 2 % of the budget in an hour). The budget remaining is over the trailing 30 days at the last row; negative means overspent.",
        percent(1.0 - target)
    ));

    let rules = BurnRule::workbook();
    let title = format!("Error budget burn rate, {} SLO", percent(target));
    section
        .charts
        .push(ReportChart::new("slo_burn_rate", title.clone(), |f| {
            let mut chart = BurnRateChart::new(&out).title(title.clone());
            for r in rules.iter().filter(|r| r.severity == Severity::Page) {
                chart = chart.threshold(
                    r.burn_rate,
                    format!(
                        "{}x {} ({}/{})",
                        r.burn_rate,
                        r.severity.name(),
                        window_name(r.long_window),
                        window_name(r.short_window)
                    ),
                );
            }
            chart.render(f)
        })?);

    let alerts = out
        .alerts
        .clone()
        .lazy()
        .with_column(
            ((col("end").cast(DataType::Int64) - col("start").cast(DataType::Int64))
                / lit(60_000_000i64))
            .alias("minutes"),
        )
        .sort(["start"], SortMultipleOptions::default())
        .collect()?;
    section.tables.push(ReportTable::new(
        "slo_alerts",
        "Alerts fired (start and end: first and last firing row)",
        alerts,
    ));
    let hourly = out
        .series
        .clone()
        .lazy()
        .filter((col("ds").cast(DataType::Int64) % lit(HOUR_US)).eq(lit(0i64)))
        .collect()?;
    section.tables.push(ReportTable::new(
        "slo_burn_hourly",
        "Burn rates and budget remaining, on the hour",
        hourly,
    ));
    Ok(section)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(c: &Column) -> Vec<i64> {
        c.cast(&DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .map(|t| (t - 1_786_000_000_000_000) / 60_000_000)
            .collect()
    }

    /// Two hours of minutes with 1000 requests each; 985 good from minute 60 on (1.5 % errors
    /// against a 0.1 % budget: burn 15). Worked by hand (b = burst rows in the window, all
    /// windows longer than the data hold all t + 1 rows so far):
    /// - page 14.4x/1h/5m: the hour holds t - 59 burst rows, 15 (t - 59) / 60 >= 14.4 from
    ///   t = 117 (the 5 minutes burn at 15);
    /// - page 6x/6h/30m: 15 (t - 59) / (t + 1) >= 6 from t = 99;
    /// - ticket 3x/1d/2h: 15 (t - 59) / (t + 1) >= 3 from t = 74;
    /// - ticket 1x/3d/6h: 15 (t - 59) / (t + 1) >= 1 from t = 64 (at 63: 60/64 < 1);
    /// - budget: 900 errors of 120 000 requests = 0.75 % = 7.5 budgets: 1 - 7.5 = -650 %.
    #[test]
    fn hand_worked_burn_rates_and_alerts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requests.csv");
        let mut text = String::from("timestamp,total,good\n");
        for m in 0..120i64 {
            let good = if m >= 60 { 985 } else { 1000 };
            text.push_str(&format!("{},1000,{good}\n", 1_786_000_000 + 60 * m));
        }
        std::fs::write(&path, text).unwrap();
        let params = PlanParams::new(&["unused"]).slo(&path);
        let mut settings = Vec::new();
        let requests = load(&params).unwrap();
        let s = section(&params, requests, &mut settings).unwrap();
        assert!(s.is_ready());
        let alerts = &s.tables[0].frame;
        assert_eq!(minutes(alerts.column("start").unwrap()), [64, 74, 99, 117]);
        assert_eq!(minutes(alerts.column("end").unwrap()), [119; 4]);
        let rates: Vec<f64> = alerts
            .column("burn_rate")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(rates, [1.0, 3.0, 6.0, 14.4]);
        assert_eq!(s.figures[0].value, "-650 %");
        assert_eq!(s.figures[1].value, "2 pages, 2 tickets");
        assert_eq!(s.figures[2].value, "99.25 %");
        assert!(settings
            .iter()
            .any(|x| x.name == "SLO target" && x.value == "99.9 %"));
        assert_eq!(s.charts[0].name, "slo_burn_rate");
    }

    #[test]
    fn without_a_series_the_section_says_how_to_give_one() {
        let params = PlanParams::new(&["unused"]);
        let s = section(&params, None, &mut Vec::new()).unwrap();
        assert!(!s.is_ready());
        match s.status {
            crate::plan::report::Status::Unavailable(why) => {
                assert!(
                    why.contains("--slo PATH") && why.contains("slo_target"),
                    "{why}"
                )
            }
            _ => unreachable!(),
        }
    }
}
