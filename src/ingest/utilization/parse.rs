//! Parsing of the values and timestamps found in utilization exports: numbers (kept),
//! missing or non-finite values (dropped with a reason), and text that is neither (an error);
//! ISO 8601 timestamps and unix seconds to microseconds since the epoch.

/// A value as found in a source, before it is kept or dropped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Parsed {
    /// A finite number.
    Number(f64),
    /// A missing or non-finite value, dropped for this reason.
    Drop(&'static str),
    /// Not a number at all: an error.
    Bad,
}

/// Classifies a float: finite, or dropped as NaN / infinite.
pub(crate) fn classify(v: f64) -> Parsed {
    if v.is_nan() {
        Parsed::Drop("value is NaN")
    } else if v.is_infinite() {
        Parsed::Drop("value is infinite")
    } else {
        Parsed::Number(v)
    }
}

/// Parses a text cell: empty -> dropped, `NaN`/`Inf` -> dropped, a number, or bad.
pub(crate) fn parse_text(s: &str) -> Parsed {
    let s = s.trim();
    if s.is_empty() {
        return Parsed::Drop("value is empty");
    }
    match s.parse::<f64>() {
        Ok(v) => classify(v),
        Err(_) => match s.to_ascii_lowercase().as_str() {
            "null" | "none" | "na" | "n/a" => Parsed::Drop("value is null"),
            _ => Parsed::Bad,
        },
    }
}

/// Parses a JSON value: a number, a numeric string (`"NaN"` and `"+Inf"` are dropped), `null`
/// (dropped), or bad.
pub(crate) fn parse_json(v: &serde_json::Value) -> Parsed {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map_or(Parsed::Bad, classify),
        serde_json::Value::String(s) => parse_text(s),
        serde_json::Value::Null => Parsed::Drop("value is null"),
        _ => Parsed::Bad,
    }
}

/// Why a timestamp could not be used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BadTime {
    /// Before 1970-01-01.
    Negative,
    /// Not a timestamp.
    Unreadable,
}

impl BadTime {
    /// The message for an error at a timestamp.
    pub fn message(self) -> &'static str {
        match self {
            BadTime::Negative => {
                "expected a timestamp at or after 1970-01-01t00:00:00z (a non-negative unix time)"
            }
            BadTime::Unreadable => {
                "expected an iso 8601 timestamp (with z or an offset) or unix seconds"
            }
        }
    }
}

/// Unix seconds (fractional allowed) to microseconds.
pub(crate) fn seconds_to_us(seconds: f64) -> std::result::Result<i64, BadTime> {
    if !seconds.is_finite() {
        return Err(BadTime::Unreadable);
    }
    if seconds < 0.0 {
        return Err(BadTime::Negative);
    }
    let us = (seconds * 1e6).round();
    if us >= i64::MAX as f64 {
        return Err(BadTime::Unreadable);
    }
    Ok(us as i64)
}

/// Parses an ISO 8601 / RFC 3339 timestamp (`Z`, `+hh:mm` or `+hhmm` offset; without an offset
/// it is read as UTC), or unix seconds, to microseconds since the epoch.
pub(crate) fn parse_time_text(s: &str) -> std::result::Result<i64, BadTime> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let s = s.trim();
    if s.is_empty() {
        return Err(BadTime::Unreadable);
    }
    if let Ok(seconds) = s.parse::<f64>() {
        return seconds_to_us(seconds);
    }
    let micros = if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        Some(t.timestamp_micros())
    } else if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        Some(t.timestamp_micros())
    } else if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%z") {
        Some(t.timestamp_micros())
    } else if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        Some(t.and_utc().timestamp_micros())
    } else if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f") {
        Some(t.and_utc().timestamp_micros())
    } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_micros())
    } else {
        None
    };
    match micros {
        Some(us) if us < 0 => Err(BadTime::Negative),
        Some(us) => Ok(us),
        None => Err(BadTime::Unreadable),
    }
}

/// Parses a JSON timestamp: unix seconds as a number, or a string as [`parse_time_text`].
pub(crate) fn parse_time_json(v: &serde_json::Value) -> std::result::Result<i64, BadTime> {
    match v {
        serde_json::Value::Number(n) => n.as_f64().map_or(Err(BadTime::Unreadable), seconds_to_us),
        serde_json::Value::String(s) => parse_time_text(s),
        _ => Err(BadTime::Unreadable),
    }
}

/// A JSON value shown verbatim in a message (strings without their quotes).
pub(crate) fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Microseconds since the epoch as RFC 3339 text, for messages.
pub(crate) fn show_time(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| us.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values() {
        assert_eq!(parse_text(" 1.5 "), Parsed::Number(1.5));
        assert_eq!(parse_text("NaN"), Parsed::Drop("value is NaN"));
        assert_eq!(parse_text("+Inf"), Parsed::Drop("value is infinite"));
        assert_eq!(parse_text(""), Parsed::Drop("value is empty"));
        assert_eq!(parse_text("abc"), Parsed::Bad);
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_time_text("1970-01-01T00:00:01Z"), Ok(1_000_000));
        assert_eq!(parse_time_text("1970-01-01T01:00:01+01:00"), Ok(1_000_000));
        assert_eq!(parse_time_text("1970-01-01 00:00:01"), Ok(1_000_000));
        assert_eq!(parse_time_text("1.5"), Ok(1_500_000));
        // As python's str() prints an aware datetime, and with a colon-less offset.
        assert_eq!(parse_time_text("1970-01-01 00:00:01+00:00"), Ok(1_000_000));
        assert_eq!(parse_time_text("1970-01-01T02:00:01+0200"), Ok(1_000_000));
        assert_eq!(parse_time_text("1970-01-01T00:00:01.250Z"), Ok(1_250_000));
        assert_eq!(parse_time_text("-5"), Err(BadTime::Negative));
        assert_eq!(
            parse_time_text("1969-12-31T00:00:00Z"),
            Err(BadTime::Negative)
        );
        assert_eq!(parse_time_text("yesterday"), Err(BadTime::Unreadable));
    }
}
