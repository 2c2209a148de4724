//! GCP billing exports as JSON lines: reading them (gzip allowed) into a frame of text
//! columns with the CSV export's dotted names, and sampling them for probing.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

use super::super::source::open_text;
use super::COLUMNS;
use crate::error::{Error, Position, Result};

/// Reads a JSON-lines export (gzip allowed) into a frame of text columns with dotted names:
/// nested records are flattened (`service.description`), arrays (`labels`, `credits`) are
/// written back as JSON text, numbers as their JSON text. Every name in [`COLUMNS`] is a
/// column (null where absent), followed by every other name found, in order of appearance.
///
/// # Errors
/// A missing or unreadable file, and a line that is not a JSON object (the error names the
/// file and the line).
pub fn read_json_lines(path: &Path) -> Result<DataFrame> {
    let mut table = Table::new(COLUMNS.iter().map(|c| c.to_string()).collect());
    for_each_object(path, usize::MAX, |flat| table.push(flat))?;
    let height = table.rows;
    let columns: Vec<Column> = table
        .names
        .into_iter()
        .zip(table.values)
        .map(|(name, values)| Column::new(name.into(), values))
        .collect();
    Ok(DataFrame::new(height, columns)?)
}

/// The header (dotted names, in order of appearance) and the first `limit` rows of a
/// JSON-lines file, flattened as [`read_json_lines`] does; for probing.
///
/// # Errors
/// As [`read_json_lines`].
pub fn sample_json_lines(path: &Path, limit: usize) -> Result<Sample> {
    let mut table = Table::new(Vec::new());
    for_each_object(path, limit, |flat| table.push(flat))?;
    let rows = (0..table.rows)
        .map(|r| table.values.iter().map(|v| v[r].clone()).collect())
        .collect();
    Ok((table.names, rows))
}

/// The header and the rows of a sample of a JSON-lines file (`None` for absent values).
pub type Sample = (Vec<String>, Vec<Vec<Option<String>>>);

/// Columns of text built row by row from flattened objects.
struct Table {
    names: Vec<String>,
    index: HashMap<String, usize>,
    values: Vec<Vec<Option<String>>>,
    rows: usize,
}

impl Table {
    fn new(names: Vec<String>) -> Self {
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let values = vec![Vec::new(); names.len()];
        Table {
            names,
            index,
            values,
            rows: 0,
        }
    }

    fn push(&mut self, flat: Vec<(String, Option<String>)>) {
        for (name, value) in flat {
            let i = match self.index.get(&name) {
                Some(&i) => i,
                None => {
                    self.names.push(name.clone());
                    self.values.push(vec![None; self.rows]);
                    self.index.insert(name, self.names.len() - 1);
                    self.names.len() - 1
                }
            };
            let column = &mut self.values[i];
            if column.len() > self.rows {
                // The same dotted name twice in one object: the last wins.
                column[self.rows] = value;
            } else {
                column.push(value);
            }
        }
        self.rows += 1;
        for column in &mut self.values {
            if column.len() < self.rows {
                column.push(None);
            }
        }
    }
}

/// Calls `f` with each of the first `limit` objects of a JSON-lines file, flattened.
fn for_each_object(
    path: &Path,
    limit: usize,
    mut f: impl FnMut(Vec<(String, Option<String>)>),
) -> Result<()> {
    let reader = std::io::BufReader::new(open_text(path)?);
    let mut seen = 0usize;
    for (i, line) in reader.lines().enumerate() {
        if seen >= limit {
            break;
        }
        let number = i as u64 + 1;
        let line = line.map_err(|e| {
            Error::data(
                Position::file(path).row(number),
                format!("cannot read line {number} ({e}): expected UTF-8 text, one JSON object per line (a truncated .gz file?)"),
            )
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).map_err(|e| {
            Error::data(
                Position::file(path).row(number).value(line.clone()),
                format!("line {number} is not valid JSON ({e}): expected one JSON object per line"),
            )
        })?;
        let Value::Object(map) = value else {
            return Err(Error::data(
                Position::file(path).row(number).value(line),
                format!("line {number} is not a JSON object: expected one JSON object per line"),
            ));
        };
        let mut flat = Vec::new();
        flatten("", &map, &mut flat);
        f(flat);
        seen += 1;
    }
    Ok(())
}

/// Flattens like `source::flatten_keys`: non-empty objects recurse with dotted names, every
/// other value is a leaf.
fn flatten(
    prefix: &str,
    map: &serde_json::Map<String, Value>,
    out: &mut Vec<(String, Option<String>)>,
) {
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(&name, inner, out),
            Value::Object(_) | Value::Null => out.push((name, None)),
            Value::String(s) => out.push((name, Some(s.clone()))),
            Value::Number(n) => out.push((name, Some(n.to_string()))),
            Value::Bool(b) => out.push((name, Some(b.to_string()))),
            Value::Array(_) => out.push((name, Some(value.to_string()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattening_matches_probe_names() {
        let value: Value = serde_json::from_str(
            r#"{"service":{"id":"S","description":"Compute Engine"},"labels":[{"key":"env","value":"prod"}],"cost":1.5,"project":{},"x":null}"#,
        )
        .unwrap_or(Value::Null);
        let Value::Object(map) = value else {
            panic!("object expected")
        };
        let mut flat = Vec::new();
        flatten("", &map, &mut flat);
        let mut keys = Vec::new();
        crate::ingest::billing::source::flatten_keys("", &map, &mut keys);
        let names: Vec<String> = flat.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, keys);
        assert_eq!(
            flat[2],
            (
                "labels".into(),
                Some(r#"[{"key":"env","value":"prod"}]"#.into())
            )
        );
        assert_eq!(flat[3], ("cost".into(), Some("1.5".into())));
    }
}
