//! Tags: every provider's shape of resource tags becomes one canonical JSON object text
//! (`{"team":"payments"}`), so `Tags.team` means the same thing for every source.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

use super::pipeline::ROW;

/// Canonical JSON object text from a FOCUS-style `Tags` value: objects are kept, Azure's
/// brace-less `"k": "v","k2": "v2"` gets its braces, blanks become null.
pub fn canonical_json(value: Expr) -> Expr {
    let trimmed = value.clone().str().strip_chars(lit(NULL));
    when(
        trimmed
            .clone()
            .eq(lit(""))
            .or(trimmed.clone().eq(lit("{}"))),
    )
    .then(lit(NULL).cast(DataType::String))
    .when(trimmed.clone().str().starts_with(lit("{")))
    .then(trimmed.clone())
    .otherwise(concat_str([lit("{"), trimmed, lit("}")], "", false))
}

/// A JSON string literal of a text value (`a"b` -> `"a\"b"`), null for null.
pub fn json_string(value: Expr) -> Expr {
    let mut escaped = value;
    for (from, to) in [
        ("\\", "\\\\"),
        ("\"", "\\\""),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
    ] {
        escaped = escaped.str().replace_all(lit(from), lit(to), true);
    }
    concat_str([lit("\""), escaped, lit("\"")], "", false)
}

/// A JSON number where the text is a number (followed by `unit`, like `8 GiB`), else a JSON
/// string; null for null.
pub(super) fn json_number_or_string(value: Expr, unit: &str) -> Expr {
    let pattern = format!(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*{}\s*$", regex_escape(unit));
    let number = value.clone().str().extract(lit(pattern), 1);
    when(number.clone().is_not_null())
        .then(number)
        .otherwise(json_string(value))
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || c == ' ' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

/// A JSON object text from (key, JSON value text or null) pairs, skipping null values; null
/// when every value is null.
pub fn json_object<K: AsRef<str>>(pairs: Vec<(K, Expr)>) -> Expr {
    if pairs.is_empty() {
        return lit(NULL).cast(DataType::String);
    }
    let pieces: Vec<Expr> = pairs
        .into_iter()
        .map(|(key, value)| {
            let key = serde_json::to_string(key.as_ref()).unwrap_or_else(|_| "\"\"".into());
            concat_str([lit(format!("{key}:")), value], "", false)
        })
        .collect();
    let body = concat_str(pieces, ",", true);
    when(body.clone().is_null().or(body.clone().eq(lit(""))))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(concat_str([lit("{"), body, lit("}")], "", false))
}

/// Key/value pairs of one row (a value may be null).
type Pairs = Vec<(String, Option<String>)>;

/// The text of a JSON value used as a tag value (strings without quotes).
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Key/value pairs from one JSON text: an object `{"k": "v"}` or an array of
/// `{"key": k, "value": v}` records. `None` for text that is neither.
fn pairs_of_json(text: &str) -> Option<Pairs> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(map) => Some(
            map.iter()
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect(),
        ),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                let Value::Object(record) = item else {
                    return None;
                };
                let key = record.get("key").and_then(value_text)?;
                out.push((key, record.get("value").and_then(value_text)));
            }
            Some(out)
        }
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

/// The identity key rename for [`key_value_json`].
pub(super) fn same_key(key: &str) -> String {
    key.to_string()
}

/// One JSON object text (keys sorted; null values and empty objects dropped) from a column of
/// key/value data in any of the shapes exports use: JSON text of an object or of an array of
/// `{key, value}` records (GCP `labels`, CUR 2.0 maps in CSV), a list of key/value structs
/// (maps in Parquet), or a struct with one field per key. `key` renames keys
/// (`user_team` -> `team`).
///
/// Text that is not such JSON stops the load with an error naming the file, row, `column`
/// and value (the pipeline has no row-level reject for derived values).
pub fn key_value_json(value: Expr, column: &str, path: &Path, key: fn(&str) -> String) -> Expr {
    let column = column.to_string();
    let path = path.display().to_string();
    as_struct(vec![value.alias("v"), col(ROW).alias("r")]).map(
        move |c: Column| {
            let s = c.struct_()?;
            let fields = s.fields_as_series();
            let rows = fields[1].cast(&DataType::UInt64)?;
            let rows = rows.u64()?;
            let values = &fields[0];
            let pairs: Vec<Option<Pairs>> = match values.dtype() {
                DataType::String => {
                    let texts = values.str()?;
                    let mut out = Vec::with_capacity(texts.len());
                    for (text, row) in texts.iter().zip(rows.iter()) {
                        out.push(match text {
                            None => None,
                            Some(t) if t.trim().is_empty() => None,
                            Some(t) => Some(pairs_of_json(t).ok_or_else(|| {
                                polars_err!(ComputeError:
                                    "{path}, row {}, column '{column}', value '{}': expected a JSON object or an array of {{\"key\": ..., \"value\": ...}} records",
                                    row.unwrap_or(0), shorten(t))
                            })?),
                        });
                    }
                    out
                }
                DataType::List(_) => {
                    let lists = values.list()?;
                    let mut out = Vec::with_capacity(lists.len());
                    for entry in lists.amortized_iter() {
                        out.push(match entry {
                            None => None,
                            Some(series) => Some(struct_pairs(series.as_ref())?),
                        });
                    }
                    out
                }
                DataType::Struct(_) => {
                    let fields = values.struct_()?.fields_as_series();
                    let mut texts = Vec::new();
                    for f in &fields {
                        texts.push((f.name().to_string(), f.cast(&DataType::String)?));
                    }
                    (0..values.len())
                        .map(|i| {
                            Some(
                                texts
                                    .iter()
                                    .map(|(name, t)| {
                                        let v = t.str().ok().and_then(|t| t.get(i)).map(str::to_string);
                                        (name.clone(), v)
                                    })
                                    .collect(),
                            )
                        })
                        .collect()
                }
                _ => vec![None; values.len()],
            };
            let out: StringChunked = pairs
                .into_iter()
                .map(|pairs| {
                    let map: BTreeMap<String, String> = pairs?
                        .into_iter()
                        .filter_map(|(k, v)| v.map(|v| (key(&k), v)))
                        .collect();
                    if map.is_empty() {
                        None
                    } else {
                        serde_json::to_string(&map).ok()
                    }
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// Key/value pairs of a list of two-field structs (a Parquet map).
fn struct_pairs(series: &Series) -> PolarsResult<Pairs> {
    if series.is_empty() {
        return Ok(Vec::new());
    }
    let records = series.struct_()?;
    let fields = records.fields_as_series();
    let pick = |name: &str, at: usize| {
        fields
            .iter()
            .find(|f| f.name().as_str() == name)
            .or_else(|| fields.get(at))
            .cloned()
    };
    let (Some(keys), Some(values)) = (pick("key", 0), pick("value", 1)) else {
        return Ok(Vec::new());
    };
    let keys = keys.cast(&DataType::String)?;
    let values = values.cast(&DataType::String)?;
    Ok(keys
        .str()?
        .iter()
        .zip(values.str()?.iter())
        .filter_map(|(k, v)| k.map(|k| (k.to_string(), v.map(str::to_string))))
        .collect())
}

/// `text` cut to 80 characters (with `...` when cut), for error messages.
pub(super) fn shorten(text: &str) -> String {
    let shown: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        format!("{shown}...")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_from_both_json_shapes() {
        let a = pairs_of_json(r#"[{"key":"env","value":"prod"},{"key":"team","value":null}]"#);
        assert_eq!(
            a,
            Some(vec![
                ("env".into(), Some("prod".into())),
                ("team".into(), None)
            ])
        );
        let b = pairs_of_json(r#"{"user_team":"a","n":3}"#);
        assert_eq!(
            b,
            Some(vec![
                ("user_team".into(), Some("a".into())),
                ("n".into(), Some("3".into()))
            ])
        );
        assert_eq!(pairs_of_json("not json"), None);
        assert_eq!(pairs_of_json("[1]"), None);
    }
}
