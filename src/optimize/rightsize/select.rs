//! Choosing instances: finding a resource's current instance in the catalog, and ranking the
//! instances that fit a demand (same provider and region; the families, architectures and
//! burstable setting allowed) by on-demand price.

use super::params::RightsizeParams;
use crate::optimize::catalog::{Catalog, Instance, Provider};

/// Where a resource runs, as far as known.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Placement {
    /// The provider.
    pub provider: Option<Provider>,
    /// The region code.
    pub region: Option<String>,
}

/// The catalog entry of `instance_type` at `placement`; when the provider or region is
/// unknown, the first match in (provider, region) order, with a note saying so.
///
/// # Errors
/// A message naming the instance type and where it was looked for.
pub(crate) fn locate<'c>(
    catalog: &'c Catalog,
    instance_type: &str,
    placement: &Placement,
) -> Result<(&'c Instance, Option<String>), String> {
    let mut matches: Vec<&Instance> = catalog
        .instances
        .iter()
        .filter(|i| {
            i.instance_type == instance_type
                && placement.provider.is_none_or(|p| p == i.provider)
                && placement.region.as_deref().is_none_or(|r| r == i.region)
        })
        .collect();
    matches.sort_by(|a, b| (a.provider, &a.region).cmp(&(b.provider, &b.region)));
    let where_ = match (&placement.provider, &placement.region) {
        (Some(p), Some(r)) => format!(" for {p:?} in {r}").to_lowercase(),
        (Some(p), None) => format!(" for {p:?}").to_lowercase(),
        (None, Some(r)) => format!(" in {r}"),
        (None, None) => String::new(),
    };
    match matches.first() {
        None => Err(format!(
            "instance type '{instance_type}' is not in the catalog{where_}"
        )),
        Some(first) => {
            let note = (placement.region.is_none() && matches.len() > 1).then(|| {
                format!(
                    "region unknown: '{instance_type}' priced in {} (set a default region or give billing data)",
                    first.region
                )
            });
            Ok((first, note))
        }
    }
}

/// The instances that may replace `current` (or, without a current instance, any at
/// `placement`), under the settings' filters.
pub(crate) fn candidates<'c>(
    catalog: &'c Catalog,
    current: Option<&Instance>,
    placement: &Placement,
    params: &RightsizeParams,
) -> Vec<&'c Instance> {
    let (provider, region) = match current {
        Some(c) => (Some(c.provider), Some(c.region.as_str())),
        None => (placement.provider, placement.region.as_deref()),
    };
    let (Some(provider), Some(region)) = (provider, region) else {
        return Vec::new();
    };
    catalog
        .instances
        .iter()
        .filter(|i| i.provider == provider && i.region == region)
        .filter(|i| {
            let family_ok = params
                .allowed_families
                .as_ref()
                .is_none_or(|f| f.contains(&i.family));
            let arch_ok = params
                .allowed_architectures
                .as_ref()
                .is_none_or(|a| a.contains(&i.architecture));
            let same_arch = !params.same_architecture
                || current.is_none_or(|c| c.architecture == i.architecture);
            let same_family =
                !params.same_family_only || current.is_none_or(|c| c.family == i.family);
            let burst_ok = params.allow_burstable || !i.burstable;
            family_ok && arch_ok && same_arch && same_family && burst_ok
        })
        .collect()
}

/// The `top_n` cheapest candidates with at least `vcpu` vCPU and `memory_gib` GiB (memory
/// unchecked when `None`), cheapest first; ties go to fewer vCPU, less memory, then name.
pub(crate) fn rank<'c>(
    candidates: &[&'c Instance],
    vcpu: f64,
    memory_gib: Option<f64>,
    top_n: usize,
) -> Vec<&'c Instance> {
    let mut fits: Vec<&Instance> = candidates
        .iter()
        .copied()
        .filter(|i| i.vcpu + 1e-9 >= vcpu && memory_gib.is_none_or(|m| i.memory_gib + 1e-9 >= m))
        .collect();
    fits.sort_by(|a, b| {
        a.on_demand_hourly
            .total_cmp(&b.on_demand_hourly)
            .then(a.vcpu.total_cmp(&b.vcpu))
            .then(a.memory_gib.total_cmp(&b.memory_gib))
            .then(a.instance_type.cmp(&b.instance_type))
    });
    fits.truncate(top_n);
    fits
}

/// Test helpers: a small catalog built in code.
#[cfg(test)]
pub(crate) mod testing {
    use crate::optimize::catalog::{Architecture, Catalog, Instance, Provider};

    /// An AWS instance in us-east-1.
    pub fn instance(name: &str, vcpu: f64, memory_gib: f64, hourly: f64) -> Instance {
        let family = name.split('.').next().unwrap_or(name).to_string();
        Instance {
            provider: Provider::Aws,
            region: "us-east-1".into(),
            instance_type: name.into(),
            family: family.clone(),
            generation: None,
            architecture: if family.ends_with('g') {
                Architecture::Arm64
            } else {
                Architecture::X86_64
            },
            vcpu,
            memory_gib,
            burstable: family.starts_with('t'),
            on_demand_hourly: hourly,
            currency: "USD".into(),
            offers: vec![],
        }
    }

    /// m5, c5, r5 large..4xlarge, t3.medium and m6g, at 2024 us-east-1 list prices.
    pub fn small_catalog() -> Catalog {
        let mut instances = Vec::new();
        for (k, size) in [
            (1.0, "large"),
            (2.0, "xlarge"),
            (4.0, "2xlarge"),
            (8.0, "4xlarge"),
        ] {
            instances.push(instance(&format!("m5.{size}"), 2.0 * k, 8.0 * k, 0.096 * k));
            instances.push(instance(&format!("c5.{size}"), 2.0 * k, 4.0 * k, 0.085 * k));
            instances.push(instance(
                &format!("r5.{size}"),
                2.0 * k,
                16.0 * k,
                0.126 * k,
            ));
            instances.push(instance(
                &format!("m6g.{size}"),
                2.0 * k,
                8.0 * k,
                0.077 * k,
            ));
        }
        instances.push(instance("t3.medium", 2.0, 4.0, 0.0416));
        Catalog {
            instances,
            source: "test catalog".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::small_catalog;
    use super::*;

    #[test]
    fn cheapest_fitting_same_architecture_without_burstable() {
        let catalog = small_catalog();
        let placement = Placement::default();
        let (current, note) = locate(&catalog, "m5.2xlarge", &placement).unwrap();
        assert!(note.is_none());
        let params = RightsizeParams::default();
        let cands = candidates(&catalog, Some(current), &placement, &params);
        assert!(cands.iter().all(|i| !i.burstable && i.family != "m6g"));
        let ranked = rank(&cands, 1.5, Some(3.0), 3);
        let names: Vec<&str> = ranked.iter().map(|i| i.instance_type.as_str()).collect();
        assert_eq!(names, ["c5.large", "m5.large", "r5.large"]);
        let same = candidates(
            &catalog,
            Some(current),
            &placement,
            &params.clone().same_family_only(true),
        );
        assert!(same.iter().all(|i| i.family == "m5"));
        let err = locate(&catalog, "x9.huge", &placement).unwrap_err();
        assert!(err.contains("'x9.huge' is not in the catalog"), "{err}");
    }
}
