//! Tags: every provider's shape of resource tags becomes one canonical JSON object text
//! (`{"team":"payments"}`), so `Tags.team` means the same thing for every source.

use polars::prelude::*;

/// Canonical JSON object text from a FOCUS-style `Tags` value: objects are kept, Azure's
/// brace-less `"k": "v","k2": "v2"` gets its braces, blanks become null.
pub fn canonical_json(value: Expr) -> Expr {
    let trimmed = value.clone().str().strip_chars(lit(NULL));
    when(trimmed.clone().eq(lit("")).or(trimmed.clone().eq(lit("{}"))))
        .then(lit(NULL).cast(DataType::String))
        .when(trimmed.clone().str().starts_with(lit("{")))
        .then(trimmed.clone())
        .otherwise(concat_str([lit("{"), trimmed, lit("}")], "", false))
}
