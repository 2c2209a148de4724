//! [`top_movers`]: which dimension values changed cost most between two windows.

use chrono::{DateTime, Utc};
use polars::prelude::*;

use super::dimensions;
use super::input::{self, CHARGE_PERIOD_START};
use super::params::CostColumn;
use crate::error::{Error, Result};

/// The `n` combinations of `dimensions` whose cost changed most between the window `before`
/// and the window `after`, ranked by the absolute change.
///
/// Each window is `(start, end)`, start inclusive, end exclusive; a row belongs to a window
/// when its `ChargePeriodStart` lies in it (rows are not spread). Windows may differ in
/// length (no normalisation is made) and may overlap (a row in both counts in both).
///
/// Returns the dimension columns (named as in [`aggregate`](super::aggregate)), then
/// `cost_before`, `cost_after`, `change` (`cost_after - cost_before`) and `change_pct`
/// (`100 * change / |cost_before|`, null when `cost_before` is zero), all Float64, at most
/// `n` rows, sorted by `|change|` descending, ties by the dimension columns. A combination
/// present in one window only has cost zero in the other. Null costs count as zero.
///
/// # Errors
/// - [`Error::Parameter`] when `n` is zero, a window's start is not before its end, or a
///   dimension names a column the frame lacks (listing the available columns).
/// - [`Error::Data`] when `ChargePeriodStart` or the cost column is missing or of the wrong
///   type.
///
/// # Example
/// ```
/// use capcast::series::{top_movers, CostColumn};
/// use chrono::{TimeZone as _, Utc};
/// use polars::prelude::*;
///
/// let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
/// let day = 86_400_000_000i64;
/// let costs = df!(
///     "ChargePeriodStart" => [0, day, 0, day],
///     "ServiceName" => ["EC2", "EC2", "S3", "S3"],
///     "BilledCost" => [10.0, 15.0, 4.0, 3.0],
/// )?
/// .lazy()
/// .with_column(col("ChargePeriodStart").cast(utc));
/// let t = |d: i64| Utc.timestamp_opt(d * 86_400, 0).unwrap();
/// let movers = top_movers(costs, &["ServiceName"], CostColumn::Billed, (t(0), t(1)), (t(1), t(2)), 1)?;
/// assert_eq!(movers.column("change")?.f64()?.get(0), Some(5.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn top_movers(
    costs: LazyFrame,
    dimensions: &[&str],
    cost: CostColumn,
    before: (DateTime<Utc>, DateTime<Utc>),
    after: (DateTime<Utc>, DateTime<Utc>),
    n: usize,
) -> Result<DataFrame> {
    if n == 0 {
        return Err(Error::parameter("n", "n is 0; expected at least 1"));
    }
    for (name, (start, end)) in [("before", before), ("after", after)] {
        if start >= end {
            return Err(Error::parameter(
                name,
                format!("the window's end {end} is not after its start {start}"),
            ));
        }
    }
    let mut costs = costs;
    let schema = costs.collect_schema()?;
    let dims = dimensions::resolve_all(dimensions, &schema, "dimensions")?;
    let start = input::datetime(&schema, CHARGE_PERIOD_START)?;
    let value = input::number(&schema, cost.column_name())?;

    let within = |(from, to): (DateTime<Utc>, DateTime<Utc>)| {
        start
            .clone()
            .gt_eq(input::instant(from))
            .and(start.clone().lt(input::instant(to)))
    };
    let in_before = within(before);
    let in_after = within(after);
    let mut columns: Vec<Expr> = dims
        .iter()
        .map(|d| d.expr.clone().alias(d.name.as_str()))
        .collect();
    columns.push(
        when(in_before.clone())
            .then(value.clone())
            .otherwise(lit(0.0))
            .alias("cost_before"),
    );
    columns.push(
        when(in_after.clone())
            .then(value)
            .otherwise(lit(0.0))
            .alias("cost_after"),
    );
    let rows = costs.filter(in_before.or(in_after)).select(columns);
    let sums = [col("cost_before").sum(), col("cost_after").sum()];
    let grouped = if dims.is_empty() {
        rows.select(sums)
    } else {
        let keys: Vec<Expr> = dims.iter().map(|d| col(d.name.as_str())).collect();
        rows.group_by(keys).agg(sums)
    };
    let change = (col("cost_after") - col("cost_before")).alias("change");
    let change_pct = when(col("cost_before").neq(lit(0.0)))
        .then(lit(100.0) * col("change") / col("cost_before").abs())
        .otherwise(lit(NULL).cast(DataType::Float64))
        .alias("change_pct");
    let mut order: Vec<PlSmallStr> = vec!["__capcast_abs_change".into()];
    order.extend(dims.iter().map(|d| PlSmallStr::from(d.name.as_str())));
    let mut descending = vec![true];
    descending.extend(dims.iter().map(|_| false));
    let mut output: Vec<Expr> = dims.iter().map(|d| col(d.name.as_str())).collect();
    output.extend([
        col("cost_before"),
        col("cost_after"),
        col("change"),
        col("change_pct"),
    ]);
    let result = grouped
        .with_column(change)
        .with_columns([
            change_pct,
            col("change").abs().alias("__capcast_abs_change"),
        ])
        .sort(
            order,
            SortMultipleOptions::default().with_order_descending_multi(descending),
        )
        .limit(IdxSize::try_from(n).unwrap_or(IdxSize::MAX))
        .select(output);
    input::collect(result)
}
