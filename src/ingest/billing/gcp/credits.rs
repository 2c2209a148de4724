//! GCP `credits`: the JSON array of credits on a row, summed into EffectiveCost, and the
//! committed use discount credit behind the CommitmentDiscount columns.

use polars::prelude::*;
use serde_json::Value;

use super::super::pipeline::ROW;
use super::super::tags::shorten;

/// Credit types of committed use discounts, with their FOCUS CommitmentDiscountCategory.
pub(super) const COMMITMENT_CREDITS: &[(&str, &str)] = &[
    ("COMMITTED_USAGE_DISCOUNT", "Usage"),
    ("COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", "Spend"),
];

/// The parsed credits of one row: `[{"name": ..., "amount": -1.5, "type": ...}, ...]`.
fn parse_credits(text: &str) -> Option<Vec<serde_json::Map<String, Value>>> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .collect(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn credit_amount(credit: &serde_json::Map<String, Value>) -> Option<f64> {
    match credit.get("amount")? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Null => Some(0.0),
        _ => None,
    }
}

/// Runs `f` over each row's parsed credits (null and blank: no credits), with errors naming
/// the file, row, column `credits` and value.
fn map_credits<T, F>(credits: Expr, path: &str, dtype: DataType, f: F) -> Expr
where
    F: Fn(&[serde_json::Map<String, Value>]) -> Option<T> + Send + Sync + 'static,
    T: Send + Sync + 'static,
    Column: FromOptions<T>,
{
    let path = path.to_string();
    let out_dtype = dtype.clone();
    as_struct(vec![credits.alias("v"), col(ROW).alias("r")]).map(
        move |c: Column| {
            let s = c.struct_()?;
            let fields = s.fields_as_series();
            let texts = fields[0].cast(&DataType::String)?;
            let rows = fields[1].cast(&DataType::UInt64)?;
            let mut out: Vec<Option<T>> = Vec::with_capacity(texts.len());
            for (text, row) in texts.str()?.iter().zip(rows.u64()?.iter()) {
                let credits = match text {
                    None => Vec::new(),
                    Some(t) if t.trim().is_empty() => Vec::new(),
                    Some(t) => parse_credits(t)
                        .filter(|list| list.iter().all(|c| credit_amount(c).is_some()))
                        .ok_or_else(|| {
                            polars_err!(ComputeError:
                                "{path}, row {}, column 'credits', value '{}': expected a JSON array of credits like [{{\"name\": \"...\", \"amount\": -1.5, \"type\": \"...\"}}]",
                                row.unwrap_or(0), shorten(t))
                        })?,
                };
                out.push(f(&credits));
            }
            Ok(Column::from_options(c.name().clone(), out))
        },
        move |_, field| Ok(Field::new(field.name().clone(), out_dtype.clone())),
    )
}

/// Building a column from optional values (the two kinds [`map_credits`] returns).
trait FromOptions<T> {
    fn from_options(name: PlSmallStr, values: Vec<Option<T>>) -> Column;
}

impl FromOptions<f64> for Column {
    fn from_options(name: PlSmallStr, values: Vec<Option<f64>>) -> Column {
        Column::new(name, values)
    }
}

impl FromOptions<String> for Column {
    fn from_options(name: PlSmallStr, values: Vec<Option<String>>) -> Column {
        Column::new(name, values)
    }
}

/// The sum of a row's credit amounts (0 without credits).
pub(super) fn credits_total(credits: Expr, path: &str) -> Expr {
    map_credits(credits, path, DataType::Float64, |list| {
        Some(list.iter().filter_map(credit_amount).sum::<f64>())
    })
}

/// The row's first committed use discount credit as JSON text (null without one).
pub(super) fn commitment_credit(credits: Expr, path: &str) -> Expr {
    map_credits(credits, path, DataType::String, |list| {
        list.iter()
            .find(|c| {
                c.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| COMMITMENT_CREDITS.iter().any(|(k, _)| *k == t))
            })
            .and_then(|c| serde_json::to_string(c).ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_sum_exactly() {
        let list = parse_credits(
            r#"[{"name":"CUD","amount":-0.25,"type":"COMMITTED_USAGE_DISCOUNT"},{"name":"SUD","amount":"-0.5"}]"#,
        );
        let list = list.unwrap_or_default();
        let total: f64 = list.iter().filter_map(credit_amount).sum();
        assert_eq!(total, -0.75);
        assert_eq!(parse_credits("{}"), None);
    }
}
