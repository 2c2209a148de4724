//! What a Compute Engine SKU description names: the machine series, the resource (vCPU or
//! RAM) and, for a resource-based commitment fee, its term. GCP prices and bills predefined
//! machines per vCPU-hour and per GiB-hour of each series, never per machine type:
//!
//! | description | series | resource | commitment |
//! |---|---|---|---|
//! | `N2 Instance Core running in Americas` | n2 | vCPU | - |
//! | `N2D AMD Instance Ram running in EMEA` | n2d | RAM | - |
//! | `N2 Custom Instance Core running in Americas` | n2 (custom) | vCPU | - |
//! | `N1 Predefined Instance Core running in Americas`, `Custom Instance Ram running in Americas` | n1 | | - |
//! | `Compute optimized Core running in Americas` | c2 | vCPU | - |
//! | `Commitment v1: N2 Cpu in Americas for 1 Year` | n2 | vCPU | 1 year |
//! | `Commitment v1: Ram in Americas for 3 Year` | n1 | RAM | 3 years |
//!
//! Spot and preemptible capacity, sole-tenancy premiums, extended memory, GPUs and licence fees
//! name no series here: committed use discounts do not apply to them. The catalog loader
//! ([`super::gcp`]) prices predefined machines from these SKUs; the commitment optimizer reads a
//! bill's core and RAM usage with them.

/// The predefined sizes (vCPU counts) of each series and its machine kinds.
pub(crate) const SERIES: [(&str, &[&str], &[u32]); 11] = [
    (
        "n1",
        &["standard", "highmem", "highcpu"],
        &[1, 2, 4, 8, 16, 32, 64, 96],
    ),
    (
        "n2",
        &["standard", "highmem", "highcpu"],
        &[2, 4, 8, 16, 32, 48, 64, 80, 96, 128],
    ),
    (
        "n2d",
        &["standard", "highmem", "highcpu"],
        &[2, 4, 8, 16, 32, 48, 64, 80, 96],
    ),
    (
        "e2",
        &["standard", "highmem", "highcpu"],
        &[2, 4, 8, 16, 32],
    ),
    ("c2", &["standard"], &[4, 8, 16, 30, 60]),
    (
        "c2d",
        &["standard", "highmem", "highcpu"],
        &[2, 4, 8, 16, 32, 56, 112],
    ),
    (
        "c3",
        &["standard", "highmem", "highcpu"],
        &[4, 8, 22, 44, 88, 176],
    ),
    (
        "c3d",
        &["standard", "highmem", "highcpu"],
        &[4, 8, 16, 30, 60, 90, 180, 360],
    ),
    ("t2d", &["standard"], &[1, 2, 4, 8, 16, 32, 48, 60]),
    (
        "n4",
        &["standard", "highmem", "highcpu"],
        &[2, 4, 8, 16, 32, 48, 64, 80],
    ),
    (
        "c4",
        &["standard", "highmem", "highcpu"],
        &[2, 4, 8, 16, 32, 48, 96, 192],
    ),
];

/// The resource a Compute Engine SKU prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkuResource {
    /// vCPUs (`Core`, `Cpu`), billed in seconds, priced per hour.
    Vcpu,
    /// Memory (`Ram`), billed in byte-seconds, priced per GiB-hour.
    Ram,
}

/// A Compute Engine vCPU or RAM SKU, read from its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComputeSku {
    /// The machine series (`n2`, `n2d`, `e2`, `c2`, `n1`, ...).
    pub series: &'static str,
    /// vCPU or RAM.
    pub resource: SkuResource,
    /// A custom machine type's vCPU or RAM (committed use discounts cover them).
    pub custom: bool,
    /// The term of a resource-based commitment fee (`Commitment v1: ... for 3 Year`).
    pub commitment_years: Option<u8>,
}

/// The vCPU or RAM SKU `description` names, or `None` for every other SKU (module docs).
///
/// ```
/// use capcast::optimize::catalog::gcp_sku::{compute_sku, SkuResource};
/// let core = compute_sku("N2 Instance Core running in Americas").unwrap();
/// assert_eq!((core.series, core.resource, core.commitment_years), ("n2", SkuResource::Vcpu, None));
/// let fee = compute_sku("Commitment v1: N2D AMD Ram in EMEA for 3 Year").unwrap();
/// assert_eq!((fee.series, fee.resource, fee.commitment_years), ("n2d", SkuResource::Ram, Some(3)));
/// assert!(compute_sku("Spot Preemptible N2 Instance Core running in Americas").is_none());
/// ```
pub fn compute_sku(description: &str) -> Option<ComputeSku> {
    let d = description.to_ascii_lowercase();
    let skip = [
        "sole tenancy",
        "premium",
        "extended",
        "spot",
        "preemptible",
        "gpu",
        "licens",
    ];
    if skip.iter().any(|s| d.contains(s)) {
        return None;
    }
    let custom = d.contains("custom");
    let (commitment, rest) = match d
        .strip_prefix("commitment v1:")
        .or_else(|| d.strip_prefix("commitment:"))
    {
        Some(rest) => (true, rest.trim()),
        None => (false, d.as_str()),
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    let resource = if has("ram") || has("memory") && !rest.starts_with("memory-optimized") {
        SkuResource::Ram
    } else if has("core") || has("cpu") || has("vcpu") {
        SkuResource::Vcpu
    } else {
        return None;
    };
    let first = *words.first()?;
    let series = match first {
        "n1" | "cpu" | "ram" | "core" | "predefined" | "custom" => "n1",
        "n2" => "n2",
        "n2d" => "n2d",
        "e2" => "e2",
        "c2d" => "c2d",
        "c3" => "c3",
        "c3d" => "c3d",
        "t2d" => "t2d",
        "n4" => "n4",
        "c4" => "c4",
        "compute" if rest.starts_with("compute optimized") => "c2",
        _ => return None,
    };
    let commitment_years = if commitment {
        let at = words.iter().rposition(|w| *w == "for")?;
        Some(words.get(at + 1)?.parse::<u8>().ok().filter(|y| *y > 0)?)
    } else {
        None
    };
    Some(ComputeSku {
        series,
        resource,
        custom,
        commitment_years,
    })
}

/// The one machine kind of a series whose predefined machines all have the same memory per
/// vCPU (`c2` and `t2d`: `standard`), so that its vCPU and RAM prices cannot be told apart
/// from machine prices; `None` for the others and unknown series.
///
/// ```
/// use capcast::optimize::catalog::gcp_sku::single_kind;
/// assert_eq!(single_kind("c2"), Some("standard"));
/// assert_eq!(single_kind("n2"), None);
/// ```
pub fn single_kind(series: &str) -> Option<&'static str> {
    SERIES
        .iter()
        .find(|(s, _, _)| *s == series)
        .and_then(|(_, kinds, _)| match kinds {
            [only] => Some(*only),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_descriptions_gcp_bills_with() {
        let cases = [
            (
                "N2 Instance Core running in Americas",
                "n2",
                SkuResource::Vcpu,
                false,
                None,
            ),
            (
                "N2 Instance Ram running in Americas",
                "n2",
                SkuResource::Ram,
                false,
                None,
            ),
            (
                "N2 Custom Instance Core running in Americas",
                "n2",
                SkuResource::Vcpu,
                true,
                None,
            ),
            (
                "E2 Instance Ram running in Iowa",
                "e2",
                SkuResource::Ram,
                false,
                None,
            ),
            (
                "N1 Predefined Instance Core running in Americas",
                "n1",
                SkuResource::Vcpu,
                false,
                None,
            ),
            (
                "Custom Instance Ram running in Americas",
                "n1",
                SkuResource::Ram,
                true,
                None,
            ),
            (
                "Compute optimized Core running in Americas",
                "c2",
                SkuResource::Vcpu,
                false,
                None,
            ),
            (
                "Compute optimized Ram running in EMEA",
                "c2",
                SkuResource::Ram,
                false,
                None,
            ),
            (
                "Commitment v1: N2 Cpu in Americas for 1 Year",
                "n2",
                SkuResource::Vcpu,
                false,
                Some(1),
            ),
            (
                "Commitment v1: N2 Ram in Americas for 3 Year",
                "n2",
                SkuResource::Ram,
                false,
                Some(3),
            ),
            (
                "Commitment v1: Cpu in Americas for 1 Year",
                "n1",
                SkuResource::Vcpu,
                false,
                Some(1),
            ),
            (
                "Commitment v1: C2D AMD Ram in EMEA for 3 Years",
                "c2d",
                SkuResource::Ram,
                false,
                Some(3),
            ),
        ];
        for (d, series, resource, custom, years) in cases {
            let sku = compute_sku(d).unwrap_or_else(|| panic!("{d}"));
            assert_eq!(
                (sku.series, sku.resource, sku.custom, sku.commitment_years),
                (series, resource, custom, years),
                "{d}"
            );
        }
    }

    #[test]
    fn skus_no_commitment_covers_name_no_series() {
        for d in [
            "Spot Preemptible N2 Instance Core running in Americas",
            "Preemptible N1 Predefined Instance Core running in Americas",
            "N2 Sole Tenancy Instance Core Premium running in Americas",
            "N2 Custom Extended Instance Ram running in Americas",
            "Nvidia Tesla T4 GPU running in Americas",
            "Licensing Fee for Debian 10 Buster (RAM cost)",
            "Balanced PD Capacity",
            "Network Inter Zone Egress",
            "Memory-optimized Instance Core running in Americas",
        ] {
            assert_eq!(compute_sku(d), None, "{d}");
        }
    }
}
