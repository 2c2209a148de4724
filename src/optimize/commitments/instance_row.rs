//! What instance a bill's row is about: its type, family and vCPUs, whichever keys the bill's
//! `SkuPriceDetails` uses, and how many hours its unit counts.
//!
//! A row counts hours when its `ConsumedUnit` does ([`hours_per_unit`]).
//!
//! | what | keys read, in order | else |
//! |---|---|---|
//! | instance type | `InstanceType` (FOCUS, AWS CUR), `ServiceType` (Azure `AdditionalInfo`), `MachineType`, `VmSize` | none |
//! | vCPUs | `vCPU`, `CoreCount` (FOCUS 1.2, AWS CUR), `VCPUs` (Azure), `vCPUs`; a number or numeric text | the type's vCPUs in the bundled catalog |
//! | family | `InstanceFamily`, `InstanceSeries` (FOCUS 1.2) | the type's family in the bundled catalog, else AWS's rule (`m5.xlarge` -> `m5`), GCP's (`n2-standard-4` -> `n2-standard`) or Azure's (`Standard_D4s_v3` -> `Dsv3`, the catalog's naming) |
//!
//! Catalog look-ups are flagged ([`InstanceRow::looked_up`]) for the caller's assumptions.

use std::collections::HashMap;

use serde_json::Value;

use crate::optimize::catalog::{Catalog, Provider};

const TYPE_KEYS: [&str; 4] = ["InstanceType", "ServiceType", "MachineType", "VmSize"];
const VCPU_KEYS: [&str; 4] = ["vCPU", "CoreCount", "VCPUs", "vCPUs"];
const FAMILY_KEYS: [&str; 2] = ["InstanceFamily", "InstanceSeries"];

/// An instance row's type, family and vCPUs, as far as they are known.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct InstanceRow {
    pub instance_type: Option<String>,
    pub family: Option<String>,
    pub vcpu: Option<f64>,
    /// Whether the family or vCPUs came from the catalog or a naming rule.
    pub looked_up: bool,
}

/// Hours per unit of a `ConsumedUnit` that counts hours: 1 for `Hours` (FOCUS), `Hrs` (AWS
/// CUR) and `1 Hour`, 10 for Azure's `10 Hours` (its quantity counts tens of hours); `None`
/// for any other unit.
pub(super) fn hours_per_unit(unit: &str) -> Option<f64> {
    let lower = unit.trim().to_ascii_lowercase();
    let (count, word) = match lower.split_once(' ') {
        Some((n, word)) => (n.trim().parse::<f64>().ok()?, word.trim()),
        None => (1.0, lower.as_str()),
    };
    let hours = matches!(word, "hours" | "hour" | "hrs" | "hr");
    (hours && count > 0.0).then_some(count)
}

fn text_of(json: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        json.get(*k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
}

fn number_of(json: &Value, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| match json.get(*k)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    })
}

/// The family by the provider's naming rule, when the catalog does not know the type.
fn family_by_name(provider: Provider, instance_type: &str) -> Option<String> {
    match provider {
        Provider::Aws => {
            let mut parts = instance_type.split('.');
            let first = parts.next()?;
            // `db.r5.large` and `cache.m5.large` keep the service prefix.
            if matches!(first, "db" | "cache") {
                Some(format!("{first}.{}", parts.next()?))
            } else if parts.next().is_some() {
                Some(first.to_string())
            } else {
                None
            }
        }
        Provider::Gcp => instance_type
            .rsplit_once('-')
            .filter(|(_, size)| size.chars().all(|c| c.is_ascii_digit()) && !size.is_empty())
            .map(|(family, _)| family.to_string()),
        Provider::Azure => {
            // `Standard_D4s_v3` -> `Dsv3`, `Standard_DS2_v2` -> `DSv2`, `Standard_E16-4as_v4`
            // -> `Easv4`: the series letters, the feature letters after the size, the version.
            let name = instance_type
                .strip_prefix("Standard_")
                .or_else(|| instance_type.strip_prefix("Basic_"))?;
            let (size, version) = name.split_once('_').unwrap_or((name, ""));
            let series: String = size.chars().take_while(char::is_ascii_alphabetic).collect();
            let rest = &size[series.len()..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if series.is_empty() || digits == 0 {
                return None;
            }
            // A constrained-vCPU size (`-4`) keeps only its feature letters.
            let features: String = rest[digits..]
                .chars()
                .filter(char::is_ascii_alphabetic)
                .collect();
            Some(format!("{series}{features}{version}"))
        }
        _ => None,
    }
}

/// Instance shapes of the bundled catalog by provider and type, read once when a row needs
/// them.
#[derive(Default)]
pub(super) struct Shapes {
    table: Option<HashMap<(Provider, String), (String, f64)>>,
}

impl Shapes {
    fn shape(&mut self, provider: Provider, instance_type: &str) -> Option<(String, f64)> {
        let table = self.table.get_or_insert_with(|| {
            let mut table = HashMap::new();
            // The bundled catalog is compiled in and parsed by a test; were it unreadable,
            // rows would only miss the look-up (and be counted as ineligible).
            if let Ok(catalog) = Catalog::bundled() {
                for i in catalog.instances {
                    table
                        .entry((i.provider, i.instance_type.clone()))
                        .or_insert((i.family.clone(), i.vcpu));
                }
            }
            table
        });
        table.get(&(provider, instance_type.to_string())).cloned()
    }

    /// Reads an instance row from its `SkuPriceDetails` (module docs).
    pub(super) fn read(&mut self, json: Option<&Value>, provider: Provider) -> InstanceRow {
        let Some(json) = json else {
            return InstanceRow::default();
        };
        let instance_type = text_of(json, &TYPE_KEYS);
        let mut family = text_of(json, &FAMILY_KEYS);
        let mut vcpu = number_of(json, &VCPU_KEYS).filter(|v| *v > 0.0);
        let mut looked_up = false;
        if let (Some(t), true) = (&instance_type, family.is_none() || vcpu.is_none()) {
            let shape = self.shape(provider, t);
            if family.is_none() {
                family = shape
                    .as_ref()
                    .map(|s| s.0.clone())
                    .or_else(|| family_by_name(provider, t));
            }
            if vcpu.is_none() {
                vcpu = shape.map(|s| s.1).filter(|v| *v > 0.0);
            }
            looked_up = true;
        }
        InstanceRow {
            instance_type,
            family,
            vcpu,
            looked_up,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str, provider: Provider) -> InstanceRow {
        let value: Value = serde_json::from_str(json).unwrap();
        Shapes::default().read(Some(&value), provider)
    }

    #[test]
    fn focus_and_cur_keys_are_read() {
        // The keys the AWS CUR loader writes (CoreCount as text) and FOCUS 1.2's InstanceSeries.
        let row = read(
            r#"{"InstanceType":"m5.xlarge","CoreCount":"4","InstanceSeries":"m5"}"#,
            Provider::Aws,
        );
        assert_eq!(row.instance_type.as_deref(), Some("m5.xlarge"));
        assert_eq!(row.family.as_deref(), Some("m5"));
        assert_eq!(row.vcpu, Some(4.0));
    }

    #[test]
    fn azure_additional_info_keys_are_read_and_the_family_comes_from_the_catalog() {
        // The bundled catalog lists Standard_D4s_v4 in family Dsv4 with 4 vCPUs.
        let row = read(
            r#"{"ServiceType":"Standard_D4s_v4","VCPUs":4}"#,
            Provider::Azure,
        );
        assert_eq!(row.family.as_deref(), Some("Dsv4"));
        assert_eq!(row.vcpu, Some(4.0));
    }

    #[test]
    fn missing_vcpus_come_from_the_catalog_and_unknown_types_from_naming_rules() {
        // t3.large: 2 vCPUs in the bundled catalog.
        let row = read(r#"{"InstanceType":"t3.large"}"#, Provider::Aws);
        assert_eq!((row.family.as_deref(), row.vcpu), (Some("t3"), Some(2.0)));
        // Not in the catalog: the family by AWS's rule, but no vCPUs.
        let row = read(r#"{"InstanceType":"zz9.large"}"#, Provider::Aws);
        assert_eq!((row.family.as_deref(), row.vcpu), (Some("zz9"), None));
        let row = read(
            r#"{"MachineType":"n9-standard-16","vCPU":16}"#,
            Provider::Gcp,
        );
        assert_eq!(row.family.as_deref(), Some("n9-standard"));
        assert_eq!(
            family_by_name(Provider::Aws, "db.r5.large").as_deref(),
            Some("db.r5")
        );
        // Azure: as the bundled catalog names its series (Standard_D2s_v4 is in Dsv4).
        for (size, family) in [
            ("Standard_D2s_v4", "Dsv4"),
            ("Standard_DS2_v2", "DSv2"),
            ("Standard_B2s", "Bs"),
            ("Standard_E16-4as_v4", "Easv4"),
        ] {
            assert_eq!(
                family_by_name(Provider::Azure, size).as_deref(),
                Some(family)
            );
        }
        assert_eq!(family_by_name(Provider::Azure, "Standard"), None);
    }

    #[test]
    fn hour_units_of_every_provider_count_hours() {
        for (unit, hours) in [
            ("Hours", 1.0),
            ("Hrs", 1.0),
            ("hour", 1.0),
            ("1 Hour", 1.0),
            ("10 Hours", 10.0),
        ] {
            assert_eq!(hours_per_unit(unit), Some(hours), "{unit}");
        }
        for unit in ["GB-Mo", "Requests", "1/Month", "vCPU-Hours", "0 Hours", "h"] {
            assert_eq!(hours_per_unit(unit), None, "{unit}");
        }
    }
}
