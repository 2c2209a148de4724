//! The data section: what was loaded, and the load reports that account for every row and
//! every unit of money (read versus returned), so a reader can trust the numbers after it.

use polars::prelude::*;

use crate::error::Result;
use crate::plan::report::context::{date, money, Context};
use crate::plan::report::model::{Figure, ReportTable, Section};

/// A count with thousands separators.
fn count(n: u64) -> String {
    money(n as f64, "", 0)
}

/// The section.
pub(crate) fn section(ctx: &Context) -> Result<Section> {
    let report = &ctx.report;
    let cur = ctx.currency.as_str();
    let mut section = Section::new("data", "Data loaded");
    section.figures.push(Figure::new(
        "Billing rows kept",
        count(report.rows_kept),
        format!(
            "of {} read; {} repaired, {} rejected",
            count(report.rows_read),
            count(report.rows_repaired),
            count(report.rows_rejected)
        ),
    ));
    if let Some(t) = report.totals.iter().find(|t| t.column == "EffectiveCost") {
        section.figures.push(Figure::new(
            "Effective cost loaded",
            money(t.returned, cur, 2),
            format!("{} read from the files", money(t.read, cur, 2)),
        ));
    }
    section.figures.push(Figure::new(
        "Days of history",
        ((ctx.last_day - ctx.first_day) / crate::plan::report::context::DAY_US + 1).to_string(),
        format!("{} to {}", date(ctx.first_day), date(ctx.last_day)),
    ));
    if ctx.dropped_partial_day {
        section.text.push(format!(
            "The last day in the data ({}) has charges for only part of the day; it is left out of the series so it does not look like a drop in cost.",
            date(ctx.last_day + crate::plan::report::context::DAY_US)
        ));
    }
    let mut text = format!("{report}");
    match &ctx.utilization {
        Ok(u) => {
            section.figures.push(Figure::new(
                "Utilization points",
                count(u.report.points_kept()),
                format!("{} resources", u.report.resources),
            ));
            text.push_str(&format!("\n{}", u.report));
        }
        Err(why) => section.text.push(format!("Utilization: {why}.")),
    }
    section.preformatted = Some(text);

    let files = DataFrame::new(
        report.files.len(),
        vec![
            Column::new(
                "path".into(),
                report
                    .files
                    .iter()
                    .map(|f| f.path.display().to_string())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "format".into(),
                report
                    .files
                    .iter()
                    .map(|f| f.format.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "rows_read".into(),
                report.files.iter().map(|f| f.rows_read).collect::<Vec<_>>(),
            ),
            Column::new(
                "rows_rejected".into(),
                report
                    .files
                    .iter()
                    .map(|f| f.rows_rejected)
                    .collect::<Vec<_>>(),
            ),
        ],
    )?;
    section
        .tables
        .push(ReportTable::new("load_files", "Billing files read", files));
    let totals = DataFrame::new(
        report.totals.len(),
        vec![
            Column::new(
                "column".into(),
                report
                    .totals
                    .iter()
                    .map(|t| t.column.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "currency".into(),
                report
                    .totals
                    .iter()
                    .map(|t| t.currency.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "read".into(),
                report.totals.iter().map(|t| t.read).collect::<Vec<_>>(),
            ),
            Column::new(
                "returned".into(),
                report.totals.iter().map(|t| t.returned).collect::<Vec<_>>(),
            ),
        ],
    )?;
    section.tables.push(ReportTable::new(
        "load_totals",
        "Money read from the files and returned by the loader, per cost column",
        totals,
    ));
    Ok(section)
}
