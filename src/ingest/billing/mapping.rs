//! How a source format becomes FOCUS 1.2: a [`Mapping`] says which raw columns to parse (and
//! how: text, number, date/time, enumeration), which FOCUS columns to compute from them, and
//! which raw columns to keep as extension columns.
//!
//! Parsing is where repairs and rejections happen, so it is shared by every format: a `NULL`
//! string becomes null (a repair), `2024-09-18 22:00:00` becomes a UTC instant (a repair),
//! `Usage-based` becomes `Usage-Based` (a repair), and `abc` in a cost column rejects the row
//! with a reason naming the column and the value.

use polars::prelude::*;

use super::schema::utc_datetime;
use super::source::Probe;

/// Strings that mean "no value" in real exports.
pub const NULL_STRINGS: [&str; 3] = ["NULL", "null", "None"];

/// How a raw column is parsed.
#[derive(Debug, Clone)]
pub enum Parse {
    /// Text; `NULL`-like strings become null.
    Text,
    /// A decimal number; anything else rejects the row.
    Number,
    /// A date or date/time, read as UTC. The formats are sniffed per file from a sample.
    DateTime,
    /// One of a fixed set of values; other spellings of the same value (case, `-`) are repaired,
    /// unknown values are kept and counted.
    Enum(&'static [&'static str]),
}

/// A raw column to parse.
#[derive(Debug, Clone)]
pub struct ParsedColumn {
    /// The raw column's name in the file.
    pub raw: String,
    /// How to parse it.
    pub parse: Parse,
}

/// How one file's rows become FOCUS rows.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Raw columns to parse; their parsed values are available as [`parsed`]`(raw)`.
    pub parse: Vec<ParsedColumn>,
    /// FOCUS 1.2 columns computed from parsed columns. FOCUS columns not listed are null.
    pub outputs: Vec<(String, Expr)>,
    /// Raw columns kept verbatim as extension columns: (raw name, output name).
    pub extensions: Vec<(String, String)>,
    /// Expressions identifying one line item, for duplicate detection (empty: no identity).
    pub line_item_key: Vec<Expr>,
    /// Notes for the load report (e.g. "cost view: amortized").
    pub notes: Vec<String>,
}

impl Mapping {
    /// Parses `raw` with `parse` if the file has it, returning the parsed value's expression,
    /// or a typed null when the column is absent.
    pub fn parse_column(&mut self, probe: &Probe, raw: &str, parse: Parse) -> Expr {
        let dtype = match parse {
            Parse::Number => DataType::Float64,
            Parse::DateTime => utc_datetime(),
            Parse::Text | Parse::Enum(_) => DataType::String,
        };
        if !probe.has(raw) {
            return lit(NULL).cast(dtype);
        }
        if !self.parse.iter().any(|p| p.raw == raw) {
            self.parse.push(ParsedColumn {
                raw: raw.to_string(),
                parse,
            });
        }
        parsed(raw)
    }

    /// Sets the FOCUS column `name` to `expr`.
    pub fn output(&mut self, name: &str, expr: Expr) {
        self.outputs.retain(|(n, _)| n != name);
        self.outputs.push((name.to_string(), expr));
    }

    /// Keeps every header column not already parsed as an extension column named
    /// `prefix + raw` (FOCUS files keep their names: prefix "").
    pub fn keep_unmapped(&mut self, probe: &Probe, prefix: &str, skip: &[&str]) {
        for raw in &probe.header {
            if skip.contains(&raw.as_str()) {
                continue;
            }
            let out = format!("{prefix}{raw}");
            if super::schema::focus_type(&out).is_some() {
                continue;
            }
            if !self.extensions.iter().any(|(r, _)| r == raw) {
                self.extensions.push((raw.clone(), out));
            }
        }
    }
}

/// The internal name of a parsed raw column.
pub fn parsed_name(raw: &str) -> String {
    format!("__p:{raw}")
}

/// The parsed value of raw column `raw` (declare it with [`Mapping::parse_column`] first).
pub fn parsed(raw: &str) -> Expr {
    col(parsed_name(raw))
}

/// Values that mean "no value": blank, whitespace, and `NULL`-like strings. Empty cells are
/// already null when read.
const NULLISH: [&str; 5] = ["", " ", "NULL", "null", "None"];

/// True where `value` equals one of `values`: an OR of equality tests. Unlike `is_in` with a
/// literal list (a separate join-like node in polars' streaming engine), this stays one
/// element-wise expression, which matters when it runs on every cell of every column.
pub fn equals_any(value: Expr, values: &[&str]) -> Expr {
    values
        .iter()
        .map(|v| value.clone().eq(lit(*v)))
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

/// True where a raw text value means "no value": null, blank, or a `NULL` string.
///
/// Exact matches only (hash look-ups, no per-cell allocation): this runs on every cell.
pub fn is_nullish(value: Expr) -> Expr {
    value.clone().is_null().or(equals_any(value, &NULLISH))
}

/// True where a raw value is a literal `NULL`-like string (a repair, not just an empty cell).
pub fn is_null_string(value: Expr) -> Expr {
    equals_any(value, &NULL_STRINGS).fill_null(lit(false))
}

/// Text with `NULL`-like strings as null.
pub fn text_value(value: Expr) -> Expr {
    when(is_nullish(value.clone()))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(value)
}

/// A number from text; null where the text is null-like or not a number.
pub fn number_value(value: Expr) -> Expr {
    let number = value.clone().cast(DataType::Float64);
    when(is_nullish(value))
        .then(lit(NULL).cast(DataType::Float64))
        .otherwise(number)
}

/// Date/time formats capcast reads, canonical first. Each is matched exactly.
pub const DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%MZ",
    "%Y-%m-%dT%H:%M:%S+00:00",
    "%Y-%m-%dT%H:%M:%S%.f+00:00",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S UTC",
    "%Y-%m-%d %H:%M:%S+00:00",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%d.%m.%Y",
    "%Y%m%d",
];

/// Pseudo-format: ISO 8601 UTC with an hour of 24 or more (`2023-02-01T30:00:00Z`, as in the
/// FOCUS 1.2 specification's own purchase scenario 2), rolled over to the next day.
pub const ROLLOVER: usize = 1000;

/// Whether `value` is ISO 8601 UTC with an hour from 24 to 47.
fn is_hour_overflow(value: &str) -> bool {
    let b = value.as_bytes();
    value.len() == 20
        && b[10] == b'T'
        && b[19] == b'Z'
        && value[11..13]
            .parse::<u32>()
            .is_ok_and(|h| (24..48).contains(&h))
        && chrono::NaiveDate::parse_from_str(&value[..10], "%Y-%m-%d").is_ok()
}

/// Whether `value` parses with chrono format `format` (as the data-frame engine will parse it).
fn parses(value: &str, format: &str) -> bool {
    let value = value.trim();
    let has_time = format.contains("%H") || format.contains("%I");
    if has_time {
        chrono::NaiveDateTime::parse_from_str(value, format).is_ok()
    } else {
        chrono::NaiveDate::parse_from_str(value, format).is_ok()
    }
}

/// The formats (indexes into [`DATETIME_FORMATS`]) needed to read `values`, in order of use.
/// Values no format reads are ignored here: the parse rejects them with a reason.
pub fn sniff_datetime_formats(values: &[&str]) -> Vec<usize> {
    let mut used: Vec<usize> = Vec::new();
    for value in values {
        let value = value.trim();
        if value.is_empty() || NULL_STRINGS.contains(&value) {
            continue;
        }
        if used.iter().any(|&i| parses(value, DATETIME_FORMATS[i])) {
            continue;
        }
        if let Some(i) = (0..DATETIME_FORMATS.len()).find(|&i| parses(value, DATETIME_FORMATS[i])) {
            used.push(i);
        } else if is_hour_overflow(value) && !used.contains(&ROLLOVER) {
            used.push(ROLLOVER);
        }
    }
    if used.is_empty() {
        // Nothing sampled: accept the canonical forms and the common space-separated one.
        used = vec![0, 1, 5];
    }
    used
}

fn parse_with(value: Expr, format: &str) -> Expr {
    let has_time = format.contains("%H") || format.contains("%I");
    let options = StrptimeOptions {
        format: Some(format.into()),
        strict: false,
        exact: true,
        cache: true,
    };
    let stripped = value.str().strip_chars(lit(NULL));
    if has_time {
        stripped
            .str()
            .to_datetime(Some(TimeUnit::Microseconds), None, options, lit("raise"))
    } else {
        stripped
            .str()
            .to_date(options)
            .cast(DataType::Datetime(TimeUnit::Microseconds, None))
    }
}

/// A UTC date/time from text, trying `formats` in order.
pub fn datetime_value(value: Expr, formats: &[usize]) -> Expr {
    let attempts: Vec<Expr> = formats
        .iter()
        .map(|&i| {
            if i == ROLLOVER {
                return rollover_value(value.clone());
            }
            parse_with(value.clone(), DATETIME_FORMATS[i])
        })
        .collect();
    let naive = if attempts.len() == 1 {
        attempts.into_iter().next().unwrap_or_else(|| lit(NULL))
    } else {
        coalesce(&attempts)
    };
    let utc = naive
        .dt()
        .replace_time_zone(Some(TimeZone::UTC), lit("raise"), NonExistent::Raise);
    when(is_nullish(value))
        .then(lit(NULL).cast(utc_datetime()))
        .otherwise(utc)
}

/// `2023-02-01T30:00:00Z` read as `2023-02-02T06:00:00` (naive UTC); null for anything else.
fn rollover_value(value: Expr) -> Expr {
    let text = value.str().strip_chars(lit(NULL));
    let pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$";
    let part = |offset: i64, len: u64| {
        text.clone()
            .str()
            .slice(lit(offset), lit(len))
            .cast(DataType::Int64)
    };
    let seconds = part(11, 2) * lit(3600i64) + part(14, 2) * lit(60i64) + part(17, 2);
    let date = text
        .clone()
        .str()
        .slice(lit(0i64), lit(10u64))
        .str()
        .to_date(StrptimeOptions {
            format: Some("%Y-%m-%d".into()),
            strict: false,
            exact: true,
            cache: true,
        })
        .cast(DataType::Datetime(TimeUnit::Microseconds, None));
    let shifted =
        date + (seconds * lit(1_000_000i64)).cast(DataType::Duration(TimeUnit::Microseconds));
    when(text.str().contains(lit(pattern), true))
        .then(shifted)
        .otherwise(lit(NULL).cast(DataType::Datetime(TimeUnit::Microseconds, None)))
}

/// True where a value needed the hour roll-over.
pub fn datetime_rolled_over(value: Expr, formats: &[usize]) -> Expr {
    if !formats.contains(&ROLLOVER) {
        return lit(false);
    }
    let others: Vec<usize> = formats.iter().copied().filter(|&i| i != ROLLOVER).collect();
    let plain = if others.is_empty() {
        lit(NULL).cast(utc_datetime())
    } else {
        datetime_value(value.clone(), &others)
    };
    plain.is_null().and(rollover_value(value).is_not_null())
}

/// The canonical spelling of an enumerated value; known variant spellings (case, `-`, `_`,
/// space) are mapped by a hash look-up, unknown values are kept as they are.
pub fn enum_value(value: Expr, allowed: &[&str]) -> Expr {
    let (variants, canonical) = enum_variants(allowed);
    let variants: Vec<&str> = variants.iter().map(String::as_str).collect();
    let canonical: Vec<&str> = canonical.iter().map(String::as_str).collect();
    text_value(value).replace(
        lit(Series::new("".into(), variants)).implode(true),
        lit(Series::new("".into(), canonical)).implode(true),
    )
}

/// Spellings of each allowed value that real exports use (`Usage-based`, `usage_based`,
/// `USAGE BASED`, `UsageBased`, ...), each mapped to its canonical form.
pub fn enum_variants(allowed: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut variants: Vec<String> = Vec::new();
    let mut canonical: Vec<String> = Vec::new();
    for value in allowed {
        // Words split at separators and at camel-case boundaries (`OnDemand` -> On, Demand).
        let mut words: Vec<String> = Vec::new();
        for piece in value.split(['-', ' ', '_']) {
            let mut word = String::new();
            let mut previous_lower = false;
            for c in piece.chars() {
                if c.is_uppercase() && previous_lower && !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                previous_lower = c.is_lowercase();
                word.push(c);
            }
            if !word.is_empty() {
                words.push(word);
            }
        }
        let mut spellings = Vec::new();
        for sep in ["-", " ", "_", ""] {
            let joined = words.join(sep);
            let mut first_upper = joined.to_lowercase();
            if let Some(c) = first_upper.get(..1) {
                first_upper = c.to_uppercase() + &first_upper[1..];
            }
            spellings.extend([
                joined.clone(),
                joined.to_lowercase(),
                joined.to_uppercase(),
                first_upper,
            ]);
        }
        for spelling in spellings {
            if spelling != *value
                && !variants.contains(&spelling)
                && !allowed.contains(&spelling.as_str())
            {
                variants.push(spelling);
                canonical.push((*value).to_string());
            }
        }
    }
    (variants, canonical)
}
