//! CUR resource tags: the one-column-per-key tag columns of the legacy CUR
//! (`resourceTags/user:team`) and of snake_case files, and CUR 2.0 tag key names.

use polars::prelude::*;

use super::super::mapping::Parse;
use super::super::tags::{json_object, json_string};
use super::Builder;

/// Tags from one-column-per-key tag columns: legacy `resourceTags/user:team`,
/// `resourceTags/aws:createdBy`; the Athena-style `resource_tags_user_team` in snake_case files.
pub(super) fn tag_columns(b: &mut Builder<'_>) -> Option<Expr> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for raw in &b.probe.header {
        let key = if let Some(rest) = raw.strip_prefix("resourceTags/") {
            rest.strip_prefix("user:").unwrap_or(rest).to_string()
        } else if let Some(rest) = raw.strip_prefix("resource_tags_") {
            cur2_tag_key(rest)
        } else {
            continue;
        };
        if !key.is_empty() && !tags.iter().any(|(k, _)| *k == key) {
            tags.push((key, raw.clone()));
        }
    }
    if tags.is_empty() {
        return None;
    }
    tags.sort();
    let mut pairs = Vec::new();
    for (key, raw) in &tags {
        b.consumed.push(raw.clone());
        let value = b.m.parse_column(b.probe, raw, Parse::Text);
        pairs.push((key.clone(), json_string(value)));
    }
    Some(json_object(pairs))
}

/// A CUR 2.0 tag key as a user sees it: `user_team` -> `team`, `aws_createdBy` ->
/// `aws:createdBy`; other keys unchanged.
pub fn cur2_tag_key(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("user_") {
        rest.to_string()
    } else if let Some(rest) = key.strip_prefix("aws_") {
        format!("aws:{rest}")
    } else {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_keys() {
        assert_eq!(cur2_tag_key("user_team"), "team");
        assert_eq!(cur2_tag_key("aws_createdBy"), "aws:createdBy");
        assert_eq!(cur2_tag_key("Name"), "Name");
    }
}
