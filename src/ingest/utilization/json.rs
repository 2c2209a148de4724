//! Helpers for walking the JSON utilization exports: pages (one object, or an array of them),
//! required arrays and optional text fields, with errors that name the JSON path.

use std::path::Path;

use serde_json::{Map, Value};

use super::parse::show;
use crate::error::{Error, Position, Result};

/// The page objects of a document: the object itself, or each element of an array.
pub(crate) fn pages<'a>(
    path: &Path,
    json: &'a Value,
    wanted: &str,
) -> Result<Vec<(String, &'a Map<String, Value>)>> {
    match json {
        Value::Object(object) => Ok(vec![(String::new(), object)]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(object) => Ok((format!("[{i}]."), object)),
                other => Err(Error::data(
                    Position::file(path)
                        .column(format!("[{i}]"))
                        .value(show(other)),
                    format!("expected a {wanted} page (a json object)"),
                )),
            })
            .collect(),
        other => Err(Error::data(
            Position::file(path).value(show(other)),
            format!("expected a {wanted} page (a json object) or an array of pages"),
        )),
    }
}

/// The array under `key` of a page; a missing key or another type is an error.
pub(crate) fn array<'a>(
    path: &Path,
    object: &'a Map<String, Value>,
    prefix: &str,
    key: &str,
) -> Result<&'a Vec<Value>> {
    match object.get(key) {
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(Error::data(
            Position::file(path)
                .column(format!("{prefix}{key}"))
                .value(show(other)),
            "expected a json array",
        )),
        None => {
            let keys: Vec<&str> = object.keys().map(String::as_str).collect();
            Err(Error::data(
                Position::file(path).column(format!("{prefix}{key}")),
                format!("missing field: the object has [{}]", keys.join(", ")),
            ))
        }
    }
}

/// A string field, if present.
pub(crate) fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}
