//! `capcast summary`: the main job for now. Loads billing data (the bundled sample by default)
//! and prints what a FinOps lead asks first: the period, the totals, cost by service, by month
//! and by sub-account, tag coverage, and the load report that accounts for every row.

use std::path::PathBuf;

use capcast::ingest::{read_billing, read_utilization, UtilizationOptions};
use capcast::Result;
use polars::prelude::*;

use super::paths::{billing_or_sample, sample_dir, LoadFlags};

/// Arguments of `capcast summary`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Billing files or folders; default: the bundled sample (`data/sample/billing`).
    paths: Vec<PathBuf>,
    /// Utilization files or folders to summarise too; default with no billing paths: the
    /// bundled fleet (`data/sample/utilization`).
    #[arg(long)]
    utilization: Vec<PathBuf>,
    /// Cost column to rank by: billed, effective, list or contracted.
    #[arg(long, default_value = "effective")]
    cost: String,
    /// Rows per table.
    #[arg(long, default_value_t = 10)]
    top: usize,
    #[command(flatten)]
    flags: LoadFlags,
}

fn cost_column(name: &str) -> Result<&'static str> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "billed" | "billedcost" => "BilledCost",
        "effective" | "effectivecost" => "EffectiveCost",
        "list" | "listcost" => "ListCost",
        "contracted" | "contractedcost" => "ContractedCost",
        _ => {
            return Err(capcast::Error::parameter(
                "cost",
                format!("'{name}': expected billed, effective, list or contracted"),
            ))
        }
    })
}

/// Runs `capcast summary`.
pub fn run(args: Args) -> Result<()> {
    let cost = cost_column(&args.cost)?;
    let use_sample = args.paths.is_empty();
    let paths = billing_or_sample(args.paths);
    let billing = read_billing(&paths, &args.flags.options())?;
    let frame = billing
        .costs
        .clone()
        .select([
            col("ChargePeriodStart"),
            col("BillingCurrency"),
            col("ServiceName"),
            col("SubAccountName")
                .fill_null(col("SubAccountId"))
                .alias("SubAccount"),
            col("Tags"),
            col("BilledCost"),
            col("EffectiveCost"),
            col("ListCost"),
            col("ContractedCost"),
        ])
        .collect()?;
    let lf = frame.clone().lazy();

    println!(
        "capcast summary of {}",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let span = lf
        .clone()
        .select([
            col("ChargePeriodStart")
                .min()
                .dt()
                .to_string("%Y-%m-%d %H:%M")
                .alias("from"),
            col("ChargePeriodStart")
                .max()
                .dt()
                .to_string("%Y-%m-%d %H:%M")
                .alias("to"),
            col("BilledCost").sum().alias("billed"),
            col("EffectiveCost").sum().alias("effective"),
            col("ListCost").sum().alias("list"),
        ])
        .collect()?;
    let text = |df: &DataFrame, c: &str| -> String {
        df.column(c)
            .ok()
            .and_then(|s| s.str().ok().and_then(|s| s.get(0).map(str::to_string)))
            .unwrap_or_default()
    };
    let num = |df: &DataFrame, c: &str, i: usize| -> f64 {
        df.column(c)
            .ok()
            .and_then(|s| s.f64().ok().and_then(|s| s.get(i)))
            .unwrap_or(0.0)
    };
    let currency = frame
        .column("BillingCurrency")?
        .str()?
        .iter()
        .flatten()
        .next()
        .unwrap_or("")
        .to_string();
    println!(
        "  {} rows, charges from {} to {} UTC",
        frame.height(),
        text(&span, "from"),
        text(&span, "to")
    );
    println!(
        "  billed {:.2} {currency}, effective (amortized) {:.2} {currency}, list {:.2} {currency}",
        num(&span, "billed", 0),
        num(&span, "effective", 0),
        num(&span, "list", 0)
    );

    let total = num(
        &span,
        match cost {
            "BilledCost" => "billed",
            "ListCost" => "list",
            _ => "effective",
        },
        0,
    );
    print_table(&lf, "ServiceName", cost, total, args.top, "by service")?;
    let by_month = lf
        .clone()
        .group_by([col("ChargePeriodStart")
            .dt()
            .strftime("%Y-%m")
            .alias("month")])
        .agg([col(cost).sum()])
        .sort(["month"], SortMultipleOptions::default())
        .collect()?;
    println!("\n  {cost} by month:");
    let months = by_month.column("month")?.str()?.clone();
    for i in 0..by_month.height() {
        println!(
            "    {:<10} {:>14.2}",
            months.get(i).unwrap_or(""),
            num(&by_month, cost, i)
        );
    }
    print_table(&lf, "SubAccount", cost, total, args.top, "by sub-account")?;
    let team = col("Tags")
        .str()
        .json_path_match(lit("$.team"))
        .fill_null(lit("(untagged)"));
    let tagged = lf.clone().with_column(team.alias("Tags.team"));
    print_table(&tagged, "Tags.team", cost, total, args.top, "by tag 'team'")?;

    println!();
    print!("{}", billing.report);

    let utilization_paths = if args.utilization.is_empty() && use_sample {
        vec![sample_dir().join("utilization")]
    } else {
        args.utilization
    };
    if !utilization_paths.is_empty() && utilization_paths.iter().all(|p| p.exists()) {
        let load = read_utilization(&utilization_paths, &UtilizationOptions::default())?;
        let samples = &load.samples;
        let summary = samples
            .clone()
            .lazy()
            .group_by([col("metric")])
            .agg([
                col("resource_id").n_unique().alias("resources"),
                len().alias("points"),
                col("value").mean().alias("mean"),
                col("value")
                    .quantile(lit(0.95), QuantileMethod::Linear)
                    .alias("p95"),
                col("value").max().alias("max"),
            ])
            .sort(["metric"], SortMultipleOptions::default())
            .collect()?;
        println!(
            "\nutilization ({} points, {} resources):",
            samples.height(),
            load.resources.height()
        );
        let metrics = summary.column("metric")?.str()?.clone();
        for i in 0..summary.height() {
            let count = |c: &str| {
                summary
                    .column(c)
                    .ok()
                    .and_then(|s| s.cast(&DataType::UInt64).ok())
                    .and_then(|s| s.u64().ok().and_then(|s| s.get(i)))
                    .unwrap_or(0)
            };
            println!(
                "    {:<28} {:>5} resources {:>9} points  mean {:>8.2}  p95 {:>8.2}  max {:>8.2}",
                metrics.get(i).unwrap_or(""),
                count("resources"),
                count("points"),
                num(&summary, "mean", i),
                num(&summary, "p95", i),
                num(&summary, "max", i)
            );
        }
    }
    Ok(())
}

fn print_table(
    lf: &LazyFrame,
    by: &str,
    cost: &str,
    total: f64,
    top: usize,
    title: &str,
) -> Result<()> {
    let table = lf
        .clone()
        .group_by([col(by).fill_null(lit("(none)"))])
        .agg([col(cost).sum()])
        .sort(
            [cost],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .limit(top as IdxSize)
        .collect()?;
    println!("\n  {cost} {title} (top {top}):");
    let names = table.column(by)?.str()?.clone();
    let values = table.column(cost)?.f64()?.clone();
    for i in 0..table.height() {
        let v = values.get(i).unwrap_or(0.0);
        let share = if total.abs() > 0.0 {
            100.0 * v / total
        } else {
            0.0
        };
        println!(
            "    {:<40} {:>14.2} {:>6.1} %",
            names.get(i).unwrap_or(""),
            v,
            share
        );
    }
    Ok(())
}
