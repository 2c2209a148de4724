//! `capcast series`, `capcast tag-coverage` and `capcast top-movers`: from billing rows to
//! time series and the two questions FinOps leads ask of them.

use std::path::PathBuf;

use capcast::ingest::read_billing;
use capcast::ingest::write::write_frame;
use capcast::series::{
    self, CostColumn, Frequency, GapFill, Measure, QuantityColumn, SeriesParams,
};
use capcast::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use polars::prelude::*;

use super::paths::{billing_or_sample, LoadFlags};

/// Arguments of `capcast series`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Billing files or folders; default: the bundled sample.
    paths: Vec<PathBuf>,
    /// Dimension to split by (repeatable): a column such as ServiceName, SubAccountId, RegionId,
    /// ChargeCategory, or a tag as `Tags.team`.
    #[arg(long = "by")]
    by: Vec<String>,
    /// Period: hour, day, week or month.
    #[arg(long, default_value = "day")]
    freq: String,
    /// Cost column: billed, effective, list or contracted.
    #[arg(long, default_value = "effective")]
    cost: String,
    /// Aggregate a usage quantity instead of cost: PricingQuantity or ConsumedQuantity.
    #[arg(long)]
    usage: Option<String>,
    /// Gap filling: zero (every period, 0 where no rows), null, forward, none.
    #[arg(long, default_value = "zero")]
    fill: String,
    /// Spread each charge evenly over the hours of its charge period.
    #[arg(long)]
    spread: bool,
    /// Write `unique_id, ds, y` (.csv or .parquet); default: print.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    flags: LoadFlags,
}

fn parse<T: std::str::FromStr<Err = Error>>(value: &str) -> Result<T> {
    value.parse::<T>()
}

/// Runs `capcast series`.
pub fn run(args: Args) -> Result<()> {
    let billing = read_billing(&billing_or_sample(args.paths), &args.flags.options())?;
    let measure = match &args.usage {
        Some(quantity) => Measure::Usage {
            quantity: parse::<QuantityColumn>(quantity)?,
        },
        None => Measure::Cost(parse::<CostColumn>(&args.cost)?),
    };
    let params = SeriesParams::new()
        .dimensions(args.by.clone())
        .frequency(parse::<Frequency>(&args.freq)?)
        .measure(measure)
        .gap_fill(parse::<GapFill>(&args.fill)?)
        .spread(args.spread);
    let frame = series::aggregate(billing.costs, &params)?;
    match &args.output {
        Some(path) => {
            write_frame(frame.clone().lazy(), path)?;
            println!("wrote {} rows to {}", frame.height(), path.display());
        }
        None => println!("{frame}"),
    }
    Ok(())
}

/// Arguments of `capcast tag-coverage`.
#[derive(Debug, clap::Args)]
pub struct TagCoverageArgs {
    /// Billing files or folders; default: the bundled sample.
    paths: Vec<PathBuf>,
    /// The tag key, e.g. team.
    #[arg(long)]
    key: String,
    /// Grouping (repeatable); default ServiceName.
    #[arg(long = "by")]
    by: Vec<String>,
    /// Cost column.
    #[arg(long, default_value = "effective")]
    cost: String,
    #[command(flatten)]
    flags: LoadFlags,
}

/// The billing rows of `paths` (default: the bundled sample) and the dimensions `by`
/// (default: ServiceName), shared by `tag-coverage` and `top-movers`.
fn load_by(
    paths: Vec<PathBuf>,
    flags: &LoadFlags,
    by: Vec<String>,
) -> Result<(LazyFrame, Vec<String>)> {
    let billing = read_billing(&billing_or_sample(paths), &flags.options())?;
    let by = if by.is_empty() {
        vec!["ServiceName".into()]
    } else {
        by
    };
    Ok((billing.costs, by))
}

/// Runs `capcast tag-coverage`.
pub fn run_tag_coverage(args: TagCoverageArgs) -> Result<()> {
    let (costs, by) = load_by(args.paths, &args.flags, args.by)?;
    let by_refs: Vec<&str> = by.iter().map(String::as_str).collect();
    let frame = series::tag_coverage(costs, &args.key, &by_refs, parse::<CostColumn>(&args.cost)?)?;
    println!("{frame}");
    Ok(())
}

/// Arguments of `capcast top-movers`.
#[derive(Debug, clap::Args)]
pub struct TopMoversArgs {
    /// Billing files or folders; default: the bundled sample.
    paths: Vec<PathBuf>,
    /// Dimension (repeatable); default ServiceName.
    #[arg(long = "by")]
    by: Vec<String>,
    /// First period as START..END (dates, end exclusive), e.g. 2026-05-01..2026-06-01.
    #[arg(long)]
    before: String,
    /// Second period as START..END.
    #[arg(long)]
    after: String,
    /// How many movers.
    #[arg(long, default_value_t = 10)]
    n: usize,
    /// Cost column.
    #[arg(long, default_value = "effective")]
    cost: String,
    #[command(flatten)]
    flags: LoadFlags,
}

fn period(name: &str, text: &str) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let (a, b) = text.split_once("..").ok_or_else(|| {
        Error::parameter(
            name,
            format!("'{text}': expected START..END, e.g. 2026-05-01..2026-06-01"),
        )
    })?;
    let date = |s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
            .map_err(|_| Error::parameter(name, format!("'{s}': expected a date like 2026-05-01")))
    };
    Ok((date(a)?, date(b)?))
}

/// Runs `capcast top-movers`.
pub fn run_top_movers(args: TopMoversArgs) -> Result<()> {
    let (costs, by) = load_by(args.paths, &args.flags, args.by)?;
    let by_refs: Vec<&str> = by.iter().map(String::as_str).collect();
    let frame = series::top_movers(
        costs,
        &by_refs,
        parse::<CostColumn>(&args.cost)?,
        period("before", &args.before)?,
        period("after", &args.after)?,
        args.n,
    )?;
    println!("{frame}");
    Ok(())
}
