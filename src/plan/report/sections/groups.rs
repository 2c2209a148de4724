//! The resource groups of the capacity section: which group each resource of the utilization
//! data belongs to, from a column of the utilization export or a tag of the bill.
//!
//! With `--group-by KEY`, KEY is looked up first among the columns of the CSV utilization
//! files (`service`, `namespace`, a label column, ...), then among the bill's tag keys
//! (`ResourceId` -> `Tags[KEY]`, the latest tagged row winning), and `instance_type` groups by
//! instance type. Without it the choice is automatic: the first group-like column of the
//! utilization files ([`COLUMN_CANDIDATES`]), else the well-known tag ([`TAG_CANDIDATES`])
//! covering most of the fleet (at least half of it), else the instance type. Resources
//! without a value are kept, in the group [`UNTAGGED`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// The group of resources without a value.
pub(crate) const UNTAGGED: &str = "(untagged)";
/// Utilization columns tried, in order, when no key is given.
pub(crate) const COLUMN_CANDIDATES: [&str; 8] = [
    "group",
    "service",
    "app",
    "application",
    "team",
    "namespace",
    "workload",
    "cluster",
];
/// Billing tag keys tried when no key is given (the best-covering one wins; ties go to the
/// earlier one).
pub(crate) const TAG_CANDIDATES: [&str; 8] = [
    "service",
    "app",
    "application",
    "team",
    "owner",
    "project",
    "component",
    "cost-center",
];

/// Where the groups come from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    /// The instance type of each resource.
    InstanceType,
    /// A column of the utilization files.
    Column(String),
    /// A key of the bill's `Tags`.
    Tag(String),
}

/// The groups: the key, where it comes from, and each resource's group.
#[derive(Debug, Clone)]
pub(crate) struct Groups {
    /// The source of the groups.
    pub source: Source,
    /// Resource id -> group value (resources absent here are [`UNTAGGED`]).
    pub of: HashMap<String, String>,
    /// Whether the key was chosen automatically.
    pub automatic: bool,
}

impl Groups {
    /// The name of the grouping, for tables and settings.
    pub fn key(&self) -> String {
        match &self.source {
            Source::InstanceType => "instance_type".into(),
            Source::Column(c) => c.clone(),
            Source::Tag(t) => format!("tag {t}"),
        }
    }

    /// A frame `resource_id, group` for `ids`, with [`UNTAGGED`] where there is no value.
    pub fn frame(&self, ids: &[String]) -> Result<DataFrame> {
        let groups: Vec<String> = ids
            .iter()
            .map(|id| {
                self.of
                    .get(id)
                    .filter(|g| !g.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| UNTAGGED.to_string())
            })
            .collect();
        Ok(df!("resource_id" => ids.to_vec(), "group" => groups)?)
    }
}

/// The CSV files of `paths` (folders: their `.csv` files, not recursing).
fn csv_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let is_csv = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            if let Ok(entries) = std::fs::read_dir(p) {
                let mut files: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|f| f.is_file() && is_csv(f))
                    .collect();
                files.sort();
                out.extend(files);
            }
        } else if is_csv(p) {
            out.push(p.clone());
        }
    }
    out
}

/// The header of a CSV file (empty when unreadable: the loader already read it).
fn header(path: &Path) -> Vec<String> {
    csv::Reader::from_path(path)
        .and_then(|mut r| r.headers().cloned())
        .map(|h| h.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default()
}

/// Resource id -> the last value of `column` in the CSV files that have it.
fn column_values(files: &[PathBuf], column: &str) -> Result<HashMap<String, String>> {
    let mut of = HashMap::new();
    for file in files {
        let names = header(file);
        let Some(c) = names.iter().position(|n| n == column) else {
            continue;
        };
        let Some(id) = names.iter().position(|n| n == "resource_id") else {
            return Err(Error::data(
                Position::file(file).column(column),
                "grouping by a utilization column needs a 'resource_id' column in the same file",
            ));
        };
        let mut reader = csv::Reader::from_path(file).map_err(|e| Error::io(file, e.into()))?;
        for (row, record) in reader.records().enumerate() {
            let record = record.map_err(|e| {
                Error::data(Position::file(file).row(row as u64 + 1), e.to_string())
            })?;
            if let (Some(r), Some(g)) = (record.get(id), record.get(c)) {
                if !g.trim().is_empty() {
                    of.insert(r.to_string(), g.trim().to_string());
                } else {
                    of.entry(r.to_string()).or_insert_with(String::new);
                }
            }
        }
    }
    Ok(of)
}

/// Resource id -> its tags (the latest tagged billing row of each resource in `ids`).
fn resource_tags(
    costs: &LazyFrame,
    ids: &[String],
) -> Result<HashMap<String, BTreeMap<String, String>>> {
    let wanted = Series::new("ids".into(), ids.to_vec());
    let rows = costs
        .clone()
        .select([
            col("ResourceId"),
            col("Tags").cast(DataType::String),
            col("ChargePeriodStart"),
        ])
        .filter(
            col("ResourceId")
                .is_in(lit(wanted).implode(false), false)
                .and(col("Tags").is_not_null()),
        )
        .sort(["ChargePeriodStart"], SortMultipleOptions::default())
        .group_by([col("ResourceId")])
        .agg([col("Tags").last()])
        .collect()?;
    let rid = rows.column("ResourceId")?.str()?.clone();
    let tags = rows.column("Tags")?.str()?.clone();
    let mut out = HashMap::new();
    for (r, t) in rid.iter().zip(tags.iter()) {
        let (Some(r), Some(t)) = (r, t) else { continue };
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(t)
        else {
            continue;
        };
        let map: BTreeMap<String, String> = map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                serde_json::Value::Null => None,
                other => Some((k, other.to_string())),
            })
            .collect();
        out.insert(r.to_string(), map);
    }
    Ok(out)
}

/// Resource id -> `key`'s value, for the resources that have it.
fn tag_values(
    tags: &HashMap<String, BTreeMap<String, String>>,
    key: &str,
) -> HashMap<String, String> {
    tags.iter()
        .filter_map(|(r, m)| Some((r.clone(), m.get(key)?.clone())))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

/// The groups of the resources `ids` (see the module docs).
///
/// # Errors
/// [`Error::Parameter`] for a key that is neither a utilization column nor a tag key of the
/// bill's rows for these resources (listing both); [`Error::Data`] for a column-grouped file
/// without `resource_id`.
pub(crate) fn resolve(
    costs: &LazyFrame,
    utilization: &[PathBuf],
    key: Option<&str>,
    ids: &[String],
) -> Result<Groups> {
    let files = csv_files(utilization);
    let columns: Vec<String> = files.iter().flat_map(|f| header(f)).collect();
    let tags = resource_tags(costs, ids)?;
    let group = |source: Source, of: HashMap<String, String>, automatic: bool| Groups {
        source,
        of,
        automatic,
    };
    if let Some(key) = key {
        let key = key.trim();
        if key == "instance_type" {
            return Ok(group(Source::InstanceType, HashMap::new(), false));
        }
        if columns.iter().any(|c| c == key) {
            return Ok(group(
                Source::Column(key.into()),
                column_values(&files, key)?,
                false,
            ));
        }
        let tag = key
            .strip_prefix("Tags.")
            .or_else(|| key.strip_prefix("tag:"))
            .unwrap_or(key);
        if tags.values().any(|m| m.contains_key(tag)) {
            return Ok(group(
                Source::Tag(tag.into()),
                tag_values(&tags, tag),
                false,
            ));
        }
        let mut keys: Vec<&str> = tags
            .values()
            .flat_map(|m| m.keys().map(String::as_str))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut cols: Vec<&str> = columns.iter().map(String::as_str).collect();
        cols.dedup();
        return Err(Error::parameter(
            "group_by",
            format!(
                "'{key}' is neither a column of the utilization data (columns: {}) nor a tag key of the bill's rows for these resources (keys: {}); 'instance_type' groups by instance type",
                if cols.is_empty() { "none readable".to_string() } else { cols.join(", ") },
                if keys.is_empty() { "none".to_string() } else { keys.join(", ") },
            ),
        ));
    }
    for c in COLUMN_CANDIDATES {
        if columns.iter().any(|h| h == c) {
            return Ok(group(
                Source::Column(c.into()),
                column_values(&files, c)?,
                true,
            ));
        }
    }
    let best = TAG_CANDIDATES
        .iter()
        .map(|k| (*k, tag_values(&tags, k)))
        .filter(|(_, v)| 2 * v.len() >= ids.len().max(1))
        .fold(
            None::<(&str, HashMap<String, String>)>,
            |best, (k, v)| match best {
                Some(b) if b.1.len() >= v.len() => Some(b),
                _ => Some((k, v)),
            },
        );
    Ok(match best {
        Some((k, v)) => group(Source::Tag(k.into()), v, true),
        None => group(Source::InstanceType, HashMap::new(), true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bill rows: `a` tagged team=web then retagged team=api (the latest wins), `b` team=db,
    /// `c` untagged, `d` with an empty team and `service=x`.
    fn costs() -> LazyFrame {
        df!(
            "ResourceId" => ["a", "a", "b", "c", "d"],
            "Tags" => [
                Some(r#"{"team":"web"}"#),
                Some(r#"{"team":"api","env":"prod"}"#),
                Some(r#"{"team":"db"}"#),
                None,
                Some(r#"{"team":"","service":"x"}"#),
            ],
            "ChargePeriodStart" => [1i64, 2, 1, 1, 1],
        )
        .unwrap()
        .lazy()
    }

    fn ids() -> Vec<String> {
        ["a", "b", "c", "d"].map(String::from).to_vec()
    }

    fn groups_of(g: &Groups) -> Vec<String> {
        let f = g.frame(&ids()).unwrap();
        f.column("group")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .map(String::from)
            .collect()
    }

    #[test]
    fn tag_groups_keep_untagged_resources() {
        let g = resolve(&costs(), &[], Some("team"), &ids()).unwrap();
        assert_eq!(g.source, Source::Tag("team".into()));
        assert!(!g.automatic);
        assert_eq!(groups_of(&g), ["api", "db", UNTAGGED, UNTAGGED]);
        // `Tags.` prefix accepted.
        let g = resolve(&costs(), &[], Some("Tags.service"), &ids()).unwrap();
        assert_eq!(groups_of(&g), [UNTAGGED, UNTAGGED, UNTAGGED, "x"]);
    }

    #[test]
    fn automatic_choice_prefers_columns_then_the_best_covering_tag() {
        // team covers a, b (2 of 4: half), service only d: team wins.
        let g = resolve(&costs(), &[], None, &ids()).unwrap();
        assert_eq!(g.source, Source::Tag("team".into()));
        assert!(g.automatic);
        // Five resources: no tag covers half, so instance types.
        let mut five = ids();
        five.push("e".into());
        five.push("f".into());
        let g = resolve(&costs(), &[], None, &five).unwrap();
        assert_eq!(g.source, Source::InstanceType);
        // A group-like column of the utilization CSV wins over tags.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("u.csv");
        std::fs::write(
            &path,
            "timestamp,resource_id,metric,value,namespace\n\
             2026-01-01T00:00:00Z,a,cpu_utilization,1,shop\n\
             2026-01-01T00:00:00Z,b,cpu_utilization,1,\n\
             2026-01-01T00:00:00Z,c,cpu_utilization,1,batch\n",
        )
        .unwrap();
        let g = resolve(&costs(), &[dir.path().to_path_buf()], None, &ids()).unwrap();
        assert_eq!(g.source, Source::Column("namespace".into()));
        assert_eq!(groups_of(&g), ["shop", UNTAGGED, "batch", UNTAGGED]);
        let g = resolve(&costs(), &[path], Some("namespace"), &ids()).unwrap();
        assert!(!g.automatic);
        assert_eq!(g.key(), "namespace");
    }

    #[test]
    fn an_unknown_key_lists_columns_and_tags() {
        let err = resolve(&costs(), &[], Some("owner"), &ids())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("'owner'") && err.contains("keys: env, service, team"),
            "{err}"
        );
        let g = resolve(&costs(), &[], Some("instance_type"), &ids()).unwrap();
        assert_eq!(g.source, Source::InstanceType);
    }
}
