//! Reading a bill's columns for [`super::billing`]: text, numbers and hours per row (an
//! unreadable value names its row, column and value), commitment terms and providers.

use polars::prelude::*;

use super::billing::HOUR_US;
use crate::error::{Error, Position, Result};
use crate::optimize::catalog::Provider;

pub(super) fn text(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let Ok(col) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let col = col.cast(&DataType::String)?;
    Ok(col
        .as_materialized_series()
        .str()?
        .iter()
        .map(|v| {
            v.map(str::trim)
                .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("null"))
                .map(str::to_string)
        })
        .collect())
}

pub(super) fn number(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let Ok(col) = df.column(name) else {
        return Ok(vec![None; df.height()]);
    };
    let cast = col.cast(&DataType::Float64)?;
    let values = cast.f64()?;
    let raw = text(df, name)?;
    values
        .iter()
        .zip(raw)
        .enumerate()
        .map(|(row, (v, raw))| match (v, raw) {
            (None, Some(s)) => Err(Error::data(
                Position::default()
                    .row(row as u64 + 1)
                    .column(name)
                    .value(s),
                "expected a number",
            )),
            (v, _) => Ok(v),
        })
        .collect()
}

pub(super) fn hours_of(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let col = df.column(name).map_err(|_| {
        Error::parameter(
            "billing",
            format!("column '{name}' is missing: hourly usage needs the charge period"),
        )
    })?;
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    let ts = col.cast(&utc)?.cast(&DataType::Int64)?;
    Ok(ts
        .i64()?
        .iter()
        .map(|v| v.map(|t| t.div_euclid(HOUR_US) * HOUR_US))
        .collect())
}

/// The longest charge period spread over its hours (31 days).
const MAX_SPREAD_HOURS: i64 = 31 * 24;

/// The hours each row's charge period spans, from `ChargePeriodEnd` and the rows' start
/// hours: daily exports (AWS CUR daily, Azure) are spread evenly over them. A period longer
/// than a month (a malformed end), or one without an end, stays at its start hour, so one row
/// cannot stretch the usage over years.
pub(super) fn spans_of(df: &DataFrame, starts: &[Option<i64>]) -> Result<Vec<i64>> {
    if df.column("ChargePeriodEnd").is_err() {
        return Ok(vec![1; df.height()]);
    }
    let ends = hours_of(df, "ChargePeriodEnd")?;
    Ok(starts
        .iter()
        .zip(ends)
        .map(|(start, end)| match (start, end) {
            (Some(s), Some(e)) if e > *s && e - s <= MAX_SPREAD_HOURS * HOUR_US => {
                (e - s) / HOUR_US
            }
            _ => 1,
        })
        .collect())
}

/// A commitment term in whole years: `1yr`, `3yr` (FOCUS `SkuPriceDetails`), `12`, `36`
/// (Azure, months), `P1Y`, `1 Year`, `3 Years`.
pub(super) fn term_years_of(text: &str) -> Option<u8> {
    let t = text.trim().to_ascii_lowercase();
    let number: String = t
        .trim_start_matches('p')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let n: u32 = number.parse().ok()?;
    let rest = t.trim_start_matches('p')[number.len()..].trim();
    let years = if rest.is_empty() || rest.starts_with('m') {
        // A bare number is months (Azure); `1yr` etc. carry their unit.
        if rest.is_empty() && n <= 5 {
            n
        } else if n % 12 == 0 {
            n / 12
        } else {
            return None;
        }
    } else if rest.starts_with('y') {
        n
    } else {
        return None;
    };
    u8::try_from(years).ok().filter(|y| (1..=5).contains(y))
}

pub(super) fn detail<'a>(json: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    json.get(key)
}

pub(super) fn provider(name: Option<&str>) -> Result<Provider> {
    let lower = name.unwrap_or("aws").to_ascii_lowercase();
    if lower.contains("aws") || lower.contains("amazon") {
        Ok(Provider::Aws)
    } else if lower.contains("azure") || lower.contains("microsoft") {
        Ok(Provider::Azure)
    } else if lower.contains("google") || lower.contains("gcp") {
        Ok(Provider::Gcp)
    } else {
        Err(Error::data(
            Position::default()
                .column("ProviderName")
                .value(name.unwrap_or_default()),
            "unknown provider (expected AWS, Azure or Google Cloud)",
        ))
    }
}
