//! Dimensions: the names users group and filter by, and the polars expressions behind them
//! (the rules are documented on the [`series`](super) module).

use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The value of a `Tags.<key>` dimension on a row that does not carry the tag (or carries it
/// with an empty value).
pub const UNTAGGED: &str = "(untagged)";

/// The value of any other dimension on a row where it is null or empty.
pub const MISSING: &str = "(none)";

/// The `Tags` column (a JSON object as text).
const TAGS: &str = "Tags";
/// The `SkuPriceDetails` column (a JSON object as text).
const SKU_PRICE_DETAILS: &str = "SkuPriceDetails";
/// The AWS CUR extension column holding the EC2/RDS instance type.
const CUR_INSTANCE_TYPE: &str = "x_product/instanceType";

/// A dimension as parsed from its name, before it is matched against a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dimension {
    /// A column, by its exact name.
    Column(String),
    /// A key inside a JSON object column (`Tags` or `SkuPriceDetails`).
    Json {
        /// `Tags` or `SkuPriceDetails`.
        column: &'static str,
        /// The key, verbatim.
        key: String,
    },
    /// The instance type, from the CUR column or `SkuPriceDetails`.
    InstanceType,
    /// The instance family, derived from the instance type.
    InstanceFamily,
}

/// A dimension matched against a frame: its output column name and the expression that
/// computes its (never null) value as text.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// The output column name (canonical: `tag:team` becomes `Tags.team`).
    pub name: String,
    /// The value of the dimension on each row, as String, markers in place of nulls.
    pub expr: Expr,
}

impl Dimension {
    /// Parses a dimension name; `param` names the parameter in errors.
    ///
    /// # Errors
    /// [`Error::Parameter`] for an empty name, a JSON form without a key, or a key with a
    /// backslash.
    pub(crate) fn parse(name: &str, param: &str) -> Result<Self> {
        if name.trim().is_empty() {
            return Err(Error::parameter(
                param,
                "a dimension name is empty; expected a column name or Tags.<key>",
            ));
        }
        let json = if let Some(key) = name.strip_prefix("tag:") {
            Some((TAGS, key))
        } else if let Some(key) = name.strip_prefix("Tags.") {
            Some((TAGS, key))
        } else {
            name.strip_prefix("SkuPriceDetails.")
                .map(|key| (SKU_PRICE_DETAILS, key))
        };
        if let Some((column, key)) = json {
            check_key(name, key, param)?;
            return Ok(Dimension::Json {
                column,
                key: key.to_string(),
            });
        }
        Ok(match name {
            "InstanceType" => Dimension::InstanceType,
            "InstanceFamily" => Dimension::InstanceFamily,
            _ => Dimension::Column(name.to_string()),
        })
    }

    /// The canonical name, used as the output column name.
    pub(crate) fn name(&self) -> String {
        match self {
            Dimension::Column(c) => c.clone(),
            Dimension::Json { column, key } => format!("{column}.{key}"),
            Dimension::InstanceType => "InstanceType".to_string(),
            Dimension::InstanceFamily => "InstanceFamily".to_string(),
        }
    }
}

/// Rejects tag keys the JSON path engine cannot address.
fn check_key(name: &str, key: &str, param: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::parameter(
            param,
            format!("'{name}' has no key; expected e.g. Tags.team"),
        ));
    }
    if key.contains('\\') {
        return Err(Error::parameter(
            param,
            format!("'{name}': keys containing a backslash are not supported"),
        ));
    }
    Ok(())
}

/// The JSON path selecting `key` at the top of an object, in the bracket form that accepts
/// any key (dots, spaces, brackets); single quotes are escaped.
pub(crate) fn json_path(key: &str) -> String {
    format!("$['{}']", key.replace('\'', "\\'"))
}

/// `expr` with nulls and empty strings replaced by `marker`.
fn or_marker(expr: Expr, marker: &str) -> Expr {
    when(expr.clone().is_null().or(expr.clone().eq(lit(""))))
        .then(lit(marker))
        .otherwise(expr)
}

/// `expr` with empty strings made null.
fn empty_as_null(expr: Expr) -> Expr {
    when(expr.clone().eq(lit("")))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(expr)
}

/// The raw (possibly null) value of `key` in the JSON column `column`.
fn json_value(
    schema: &Schema,
    column: &str,
    key: &str,
    dimension: &str,
    param: &str,
) -> Result<Expr> {
    match schema.get(column) {
        None => Err(unknown(schema, column, dimension, param)),
        // An all-null column (type Null) reads as untagged everywhere.
        Some(DataType::String) | Some(DataType::Null) => Ok(col(column)
            .cast(DataType::String)
            .str()
            .json_path_match(lit(json_path(key)))),
        Some(other) => Err(Error::data(
            Position::default().column(column).value(other.to_string()),
            "expected JSON object text (a string column)",
        )),
    }
}

/// The raw (possibly null) instance type: the CUR column, else `SkuPriceDetails.InstanceType`.
fn instance_type(schema: &Schema, dimension: &str, param: &str) -> Result<Expr> {
    let mut sources = Vec::new();
    if schema.contains(CUR_INSTANCE_TYPE) {
        sources.push(empty_as_null(col(CUR_INSTANCE_TYPE).cast(DataType::String)));
    }
    if schema.contains(SKU_PRICE_DETAILS) {
        let sku = json_value(schema, SKU_PRICE_DETAILS, "InstanceType", dimension, param)?;
        sources.push(empty_as_null(sku));
    }
    match sources.len() {
        0 => Err(Error::parameter(
            param,
            format!(
                "'{dimension}' needs the column '{CUR_INSTANCE_TYPE}' or '{SKU_PRICE_DETAILS}', \
                 and the frame has neither; available columns: {}",
                available(schema)
            ),
        )),
        1 => Ok(sources.remove(0)),
        _ => Ok(coalesce(&sources)),
    }
}

/// Matches the dimension `name` against `schema`. An exact column name wins over the
/// `Tags.`, `tag:` and `SkuPriceDetails.` forms and the derived names.
///
/// # Errors
/// [`Error::Parameter`] naming the unknown column and listing the available ones;
/// [`Error::Data`] when a JSON column is not text.
pub(crate) fn resolve(name: &str, schema: &Schema, param: &str) -> Result<Resolved> {
    if schema.contains(name) {
        return Ok(Resolved {
            name: name.to_string(),
            expr: or_marker(col(name).cast(DataType::String), MISSING),
        });
    }
    let dimension = Dimension::parse(name, param)?;
    let canonical = dimension.name();
    let expr = match &dimension {
        Dimension::Column(c) => return Err(unknown(schema, c, name, param)),
        Dimension::Json { column, key } => {
            let marker = if *column == TAGS { UNTAGGED } else { MISSING };
            or_marker(json_value(schema, column, key, name, param)?, marker)
        }
        Dimension::InstanceType => or_marker(instance_type(schema, name, param)?, MISSING),
        Dimension::InstanceFamily => {
            let family = instance_type(schema, name, param)?
                .str()
                .extract(lit(r"^((?:db\.|cache\.)?[^.]*)"), 1);
            or_marker(family, MISSING)
        }
    };
    Ok(Resolved {
        name: canonical,
        expr,
    })
}

/// Resolves every name, rejecting two names that resolve to the same output column.
///
/// # Errors
/// As [`resolve`], and [`Error::Parameter`] for a dimension given twice.
pub(crate) fn resolve_all<S: AsRef<str>>(
    names: &[S],
    schema: &Schema,
    param: &str,
) -> Result<Vec<Resolved>> {
    let mut out: Vec<Resolved> = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_ref();
        let resolved = resolve(name, schema, param)?;
        if out.iter().any(|r| r.name == resolved.name) {
            return Err(Error::parameter(param, format!("'{name}' is given twice")));
        }
        out.push(resolved);
    }
    Ok(out)
}

/// Keeps rows whose dimension `name` is one of `values`.
///
/// # Errors
/// As [`resolve`].
pub(crate) fn filter_expr(name: &str, values: &[String], schema: &Schema) -> Result<Expr> {
    let resolved = resolve(name, schema, "filter")?;
    let values = Series::new(PlSmallStr::EMPTY, values);
    Ok(resolved.expr.is_in(lit(values).implode(false), false))
}

/// The series name: the dimension values joined with `/`, or `total` without dimensions.
pub(crate) fn unique_id(names: &[String]) -> Expr {
    if names.is_empty() {
        lit("total")
    } else {
        let columns: Vec<Expr> = names.iter().map(|n| col(n.as_str())).collect();
        concat_str(columns, "/", false)
    }
}

/// The columns of `schema`, comma-separated, for error messages.
pub(crate) fn available(schema: &Schema) -> String {
    schema
        .iter_names()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a column the frame does not have.
fn unknown(schema: &Schema, column: &str, dimension: &str, param: &str) -> Error {
    let what = if column == dimension {
        format!("unknown column '{column}'")
    } else {
        format!("unknown column '{column}' (for '{dimension}')")
    };
    Error::parameter(
        param,
        format!(
            "{what}; available columns: {}; a dimension may also be Tags.<key>, tag:<key>, \
             SkuPriceDetails.<key>, InstanceType or InstanceFamily",
            available(schema)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(df: DataFrame, dimension: &str) -> Vec<String> {
        let schema = df.schema().clone();
        let resolved = resolve(dimension, &schema, "dimensions").unwrap();
        let out = df
            .lazy()
            .select([resolved.expr.alias("v")])
            .collect()
            .unwrap();
        out.column("v")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect()
    }

    #[test]
    fn parse_recognises_every_form() {
        let tag = Dimension::Json {
            column: "Tags",
            key: "team".into(),
        };
        assert_eq!(Dimension::parse("Tags.team", "d").unwrap(), tag);
        assert_eq!(Dimension::parse("tag:team", "d").unwrap(), tag);
        assert_eq!(
            Dimension::parse("tag:team", "d").unwrap().name(),
            "Tags.team"
        );
        assert_eq!(
            Dimension::parse("SkuPriceDetails.InstanceType", "d").unwrap(),
            Dimension::Json {
                column: "SkuPriceDetails",
                key: "InstanceType".into()
            }
        );
        assert_eq!(
            Dimension::parse("Tags.kubernetes.io/name", "d")
                .unwrap()
                .name(),
            "Tags.kubernetes.io/name"
        );
        assert_eq!(
            Dimension::parse("InstanceFamily", "d").unwrap(),
            Dimension::InstanceFamily
        );
        assert_eq!(
            Dimension::parse("ServiceName", "d").unwrap(),
            Dimension::Column("ServiceName".into())
        );
        let err = Dimension::parse("tag:a\\b", "dimensions")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("backslash") && err.contains("'tag:a\\b'"),
            "{err}"
        );
    }

    #[test]
    fn json_path_escapes_quotes() {
        assert_eq!(json_path("team"), "$['team']");
        assert_eq!(json_path("it's"), "$['it\\'s']");
    }

    #[test]
    fn tag_values_with_odd_keys_and_markers() {
        let df = df!(
            "Tags" => [
                Some(r#"{"team":"payments","a.b":"dot","it's":"q","n":5}"#),
                None,
                Some("{}"),
                Some(r#"{"team":""}"#),
                Some("not json"),
            ],
        )
        .unwrap();
        assert_eq!(
            values(df.clone(), "Tags.team"),
            ["payments", UNTAGGED, UNTAGGED, UNTAGGED, UNTAGGED]
        );
        assert_eq!(values(df.clone(), "tag:a.b")[0], "dot");
        assert_eq!(values(df.clone(), "Tags.it's")[0], "q");
        assert_eq!(values(df, "Tags.n")[0], "5");
    }

    #[test]
    fn instance_type_and_family_from_cur_or_sku_details() {
        let df = df!(
            "x_product/instanceType" => [Some("m5.large"), None, Some(""), Some("db.r5.xlarge"), None],
            "SkuPriceDetails" => [
                None,
                Some(r#"{"InstanceType":"c6g.2xlarge"}"#),
                Some(r#"{"InstanceType":"n2-standard-4"}"#),
                None,
                None,
            ],
        )
        .unwrap();
        assert_eq!(
            values(df.clone(), "InstanceType"),
            [
                "m5.large",
                "c6g.2xlarge",
                "n2-standard-4",
                "db.r5.xlarge",
                MISSING
            ]
        );
        assert_eq!(
            values(df, "InstanceFamily"),
            ["m5", "c6g", "n2-standard-4", "db.r5", MISSING]
        );
    }

    #[test]
    fn plain_columns_mark_null_and_empty() {
        let df = df!("RegionId" => [Some("us-east-1"), None, Some("")]).unwrap();
        assert_eq!(values(df, "RegionId"), ["us-east-1", MISSING, MISSING]);
    }

    #[test]
    fn unknown_column_lists_available_columns() {
        let df = df!("ServiceName" => ["a"], "RegionId" => ["b"]).unwrap();
        let err = resolve("Servicename", df.schema(), "dimensions")
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid parameter 'dimensions'"), "{err}");
        assert!(err.contains("unknown column 'Servicename'"), "{err}");
        assert!(
            err.contains("available columns: ServiceName, RegionId"),
            "{err}"
        );
        let err = resolve("Tags.team", df.schema(), "by")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown column 'Tags' (for 'Tags.team')"),
            "{err}"
        );
        let err = resolve("InstanceFamily", df.schema(), "dimensions")
            .unwrap_err()
            .to_string();
        assert!(err.contains("x_product/instanceType"), "{err}");
    }

    #[test]
    fn non_text_json_column_is_a_data_error() {
        let df = df!("Tags" => [1i64]).unwrap();
        let err = resolve("Tags.team", df.schema(), "dimensions")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column 'Tags'") && err.contains("i64"),
            "{err}"
        );
    }
}
