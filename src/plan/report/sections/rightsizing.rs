//! The rightsizing section: every instance of the utilization data sized by
//! [`crate::optimize::rightsize`] (CPU percentile plus headroom, memory maximum plus headroom,
//! the cheapest bundled-catalog instance that fits), with savings at list price and at the
//! bill's effective price, and a chart of monthly savings by team.

use polars::prelude::*;

use crate::chart::{BarChart, ValueFormat};
use crate::error::Result;
use crate::optimize::catalog::Catalog;
use crate::optimize::rightsize::{rightsize, ResourcePrices, RightsizeInput, RightsizeParams};
use crate::plan::report::context::{money, symbol, Context};
use crate::plan::report::model::{Figure, ReportChart, ReportTable, Section, Setting};

const ID: &str = "rightsizing";
const TITLE: &str = "Rightsizing";

/// The section, and the settings it used.
pub(crate) fn section(ctx: &Context, settings: &mut Vec<Setting>) -> Result<Section> {
    let util = match &ctx.utilization {
        Ok(u) => u,
        Err(why) => {
            return Ok(Section::unavailable(
                ID,
                TITLE,
                format!("needs utilization data: {why}"),
            ))
        }
    };
    let params = RightsizeParams::default().check()?;
    let catalog = Catalog::bundled()?;
    let prices = ResourcePrices::from_focus(ctx.costs.clone(), 14.0)?;
    let input = RightsizeInput::new(&util.samples)
        .resources(&util.resources)
        .catalog(&catalog)
        .prices(&prices);
    let result = rightsize(&input, &params)?;
    let frame = result.frame()?;
    let (list, effective) = result.total_savings();
    let cur = ctx.currency.as_str();
    let mut section = Section::new(ID, TITLE);
    let counts = frame
        .clone()
        .lazy()
        .group_by([col("finding")])
        .agg([len().alias("n")])
        .collect()?;
    let count = |name: &str| -> u32 {
        let f = counts
            .column("finding")
            .ok()
            .and_then(|c| c.str().ok().cloned());
        let n = counts.column("n").ok().and_then(|c| c.u32().ok().cloned());
        match (f, n) {
            (Some(f), Some(n)) => (0..counts.height())
                .filter(|&i| f.get(i) == Some(name))
                .filter_map(|i| n.get(i))
                .sum(),
            _ => 0,
        }
    };
    section.figures.push(Figure::new(
        "Rightsizing savings per month",
        money(effective, cur, 0),
        format!(
            "at the bill's effective prices; {} at list prices",
            money(list, cur, 0)
        ),
    ));
    section.figures.push(Figure::new(
        "Resources to change",
        (count("over_provisioned") + count("idle") + count("under_provisioned")).to_string(),
        format!(
            "{} over-provisioned, {} idle, {} under-provisioned, {} optimized, of {}",
            count("over_provisioned"),
            count("idle"),
            count("under_provisioned"),
            count("optimized"),
            frame.height()
        ),
    ));
    section.text.push(
        "Each instance's CPU percentile plus headroom and memory maximum plus headroom over the lookback, fitted to the cheapest instance of the bundled catalog in the same region; savings are monthly (730 hours), at the effective price the bill shows for the resource where it has one (so discounts count), else at list price. Risk is the share of past samples above the new size.".into(),
    );
    settings.push(Setting::new(
        "Rightsizing",
        "CPU P99.5 + 20 % headroom, memory maximum + 20 %, over the last 14 days (at least 30 hours of data); idle when P95 CPU < 3 % and mean <= 2 %; same architecture, no burstable types",
        "defaults of capcast rightsize",
    ));
    settings.push(Setting::new(
        "Prices (rightsizing)",
        "bundled catalog list prices; the bill's effective price per resource over the last 14 days",
        "Catalog::bundled, billing data",
    ));
    let bars = result.savings_by("tag:team").unwrap_or_default();
    if !bars.is_empty() {
        let fmt = match symbol(cur) {
            Some(s) => ValueFormat::currency(s),
            None => ValueFormat::plain(),
        };
        let title = "Rightsizing savings per month, by team".to_string();
        section.charts.push(ReportChart::new(
            "rightsizing_savings",
            title.clone(),
            |f| {
                BarChart::new(bars.clone())
                    .title(title.clone())
                    .x_label(format!(
                        "{} per month",
                        if cur.is_empty() { "cost" } else { cur }
                    ))
                    .value_format(fmt.clone())
                    .size(1100, (140 + 42 * bars.len() as u32).clamp(240, 1200))
                    .render(f)
            },
        )?);
    }
    section.tables.push(ReportTable::new(
        "rightsizing",
        "Rightsizing recommendation per resource",
        frame,
    ));
    Ok(section)
}
