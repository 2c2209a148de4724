//! Expression helpers for text values: membership in a list, and look-ups in static
//! `(key, value)` tables (used by the CUR and GCP mappings).

use polars::prelude::*;

/// True where `value` is one of `values` (false for null).
pub fn one_of(value: Expr, values: &[&str]) -> Expr {
    crate::ingest::billing::mapping::equals_any(value, values).fill_null(lit(false))
}

/// Looks `value` up in `table`; values not in the table (and nulls) become `default`.
pub fn lookup(value: Expr, table: &[(&str, &str)], default: Option<&str>) -> Expr {
    let keys: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
    let values: Vec<&str> = table.iter().map(|(_, v)| *v).collect();
    let default = match default {
        Some(d) => lit(d),
        None => lit(NULL).cast(DataType::String),
    };
    let found = value.clone().replace_strict(
        lit(Series::new("".into(), keys)),
        lit(Series::new("".into(), values)),
        Some(default.clone()),
        Some(DataType::String),
    );
    when(value.is_null()).then(default).otherwise(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::cur::{CHARGE_CATEGORY, CHARGE_FREQUENCY};
    use crate::ingest::billing::tags::{json_number_or_string, json_object, json_string};

    #[test]
    fn lookups_json_and_effective_cost() -> PolarsResult<()> {
        let df = df!(
            "t" => [Some("Usage"), Some("RIFee"), Some("Mystery"), None],
            "v" => [Some("a\"b"), None, Some("8 GiB"), Some("x\\y")],
        )?;
        let out = df
            .lazy()
            .select([
                lookup(col("t"), CHARGE_CATEGORY, Some("Adjustment")).alias("cat"),
                lookup(col("t"), CHARGE_FREQUENCY, None).alias("freq"),
                json_object(vec![
                    ("k", json_string(col("v"))),
                    ("m", json_number_or_string(col("v"), "GiB")),
                ])
                .alias("json"),
            ])
            .collect()?;
        let cat: Vec<Option<&str>> = out.column("cat")?.str()?.iter().collect();
        assert_eq!(
            cat,
            vec![
                Some("Usage"),
                Some("Purchase"),
                Some("Adjustment"),
                Some("Adjustment")
            ]
        );
        let freq: Vec<Option<&str>> = out.column("freq")?.str()?.iter().collect();
        assert_eq!(
            freq,
            vec![Some("Usage-Based"), Some("Recurring"), None, None]
        );
        let json: Vec<Option<&str>> = out.column("json")?.str()?.iter().collect();
        assert_eq!(
            json,
            vec![
                Some(r#"{"k":"a\"b","m":"a\"b"}"#),
                None,
                Some(r#"{"k":"8 GiB","m":8}"#),
                Some(r#"{"k":"x\\y","m":"x\\y"}"#),
            ]
        );
        for text in json.iter().flatten() {
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_ok(),
                "{text}"
            );
        }
        Ok(())
    }
}
