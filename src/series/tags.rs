//! [`tag_coverage`]: how much of the cost carries a given tag, overall or per dimension.

use polars::prelude::*;

use super::dimensions::{self, UNTAGGED};
use super::input;
use super::params::CostColumn;
use crate::error::{Error, Result};

/// The share of cost without the tag `tag_key`, per combination of the `by` dimensions.
///
/// `tag_key` is the key inside `Tags` (`team`); a leading `Tags.` or `tag:` is accepted and
/// removed. A row is untagged when its `Tags` is null or not a JSON object, lacks the key,
/// or has an empty value — exactly the rows that get the value `(untagged)` as a dimension.
///
/// Returns the `by` columns (named as in [`aggregate`](super::aggregate)), then
/// `total_cost`, `untagged_cost` and `untagged_share` (`untagged_cost / total_cost`, null
/// when `total_cost` is zero), all Float64, one row per group (one row in all without `by`),
/// sorted by `untagged_cost` descending, then by the `by` columns. Null costs count as zero.
/// Credits (negative costs) count with their sign, so a share can leave `[0, 1]`.
///
/// # Errors
/// - [`Error::Parameter`] for an empty or malformed tag key, or a `by` dimension the frame
///   lacks (listing the available columns).
/// - [`Error::Data`] when `Tags` or the cost column is missing or of the wrong type.
///
/// # Example
/// ```
/// use capcast::series::{tag_coverage, CostColumn};
/// use polars::prelude::*;
///
/// let costs = df!(
///     "Tags" => [Some(r#"{"team":"web"}"#), None],
///     "BilledCost" => [3.0, 1.0],
/// )?
/// .lazy();
/// let coverage = tag_coverage(costs, "team", &[], CostColumn::Billed)?;
/// let share = coverage.column("untagged_share")?.f64()?.get(0);
/// assert_eq!(share, Some(0.25));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn tag_coverage(
    costs: LazyFrame,
    tag_key: &str,
    by: &[&str],
    cost: CostColumn,
) -> Result<DataFrame> {
    let key = tag_key
        .strip_prefix("Tags.")
        .or_else(|| tag_key.strip_prefix("tag:"))
        .unwrap_or(tag_key);
    if key.is_empty() {
        return Err(Error::parameter(
            "tag_key",
            "the tag key is empty; expected a key of Tags such as team",
        ));
    }
    let mut costs = costs;
    let schema = costs.collect_schema()?;
    let tag = dimensions::resolve(&format!("Tags.{key}"), &schema, "tag_key")?;
    let dims = dimensions::resolve_all(by, &schema, "by")?;
    let value = input::number(&schema, cost.column_name())?;

    let untagged = tag.expr.eq(lit(UNTAGGED));
    let mut columns: Vec<Expr> = dims
        .iter()
        .map(|d| d.expr.clone().alias(d.name.as_str()))
        .collect();
    columns.push(value.clone().alias("total_cost"));
    columns.push(
        when(untagged)
            .then(value)
            .otherwise(lit(0.0))
            .alias("untagged_cost"),
    );
    let rows = costs.select(columns);
    let sums = [col("total_cost").sum(), col("untagged_cost").sum()];
    let grouped = if dims.is_empty() {
        rows.select(sums)
    } else {
        let keys: Vec<Expr> = dims.iter().map(|d| col(d.name.as_str())).collect();
        rows.group_by(keys).agg(sums)
    };
    let share = when(col("total_cost").neq(lit(0.0)))
        .then(col("untagged_cost") / col("total_cost"))
        .otherwise(lit(NULL).cast(DataType::Float64))
        .alias("untagged_share");
    let mut order: Vec<PlSmallStr> = vec!["untagged_cost".into()];
    order.extend(dims.iter().map(|d| PlSmallStr::from(d.name.as_str())));
    let mut descending = vec![true];
    descending.extend(dims.iter().map(|_| false));
    let result = grouped.with_column(share).sort(
        order,
        SortMultipleOptions::default().with_order_descending_multi(descending),
    );
    input::collect(result)
}
