//! AWS normalization factors: the unit in which AWS applies a Reserved Instance across the
//! sizes of its family ("instance size flexibility", AWS EC2 User Guide, *How Reserved
//! Instances are applied*).
//!
//! | size | nano | micro | small | medium | large | xlarge | Nxlarge |
//! |---|---|---|---|---|---|---|---|
//! | factor | 0.25 | 0.5 | 1 | 2 | 4 | 8 | 8 N |
//!
//! A `metal` size has the factor of the family's size with the same vCPU count, else its vCPUs
//! times the family's factor per vCPU from its other sizes (`m5.metal`, 96 vCPUs, is 192 like
//! `m5.24xlarge`). `metal-24xl` style sizes read as `24xlarge`.
//!
//! AWS pools are measured in normalized units (NU): one instance-hour of a type is its factor
//! in NU-hours, so a `t3.nano` (2 vCPUs, factor 0.25) and a `t3.large` (2 vCPUs, factor 4)
//! weigh what AWS charges a reservation for them. Azure and GCP pools stay in vCPU-hours
//! (Azure reservations flex by vCPU ratio within a group; GCP CUDs are per vCPU).

use crate::optimize::catalog::Provider;

/// The unit of an AWS pool's usage.
pub const AWS_UNIT: &str = "normalized unit-hours";
/// The unit of an Azure or GCP pool's usage.
pub const VCPU_UNIT: &str = "vCPU-hours";

/// The unit of a GCP series memory pool's usage.
pub const MEMORY_UNIT: &str = "GiB-hours";

/// The unit a provider's pools are measured in ([`AWS_UNIT`] or [`VCPU_UNIT`]).
pub fn unit_of(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => AWS_UNIT,
        _ => VCPU_UNIT,
    }
}

/// The normalization factor of an AWS size read from the instance type alone (`large` -> 4,
/// `12xlarge` -> 96, `metal-24xl` -> 192); `None` for `metal` and unknown sizes.
///
/// ```
/// use capcast::optimize::commitments::size_factor;
/// assert_eq!(size_factor("t3.nano"), Some(0.25));
/// assert_eq!(size_factor("c5.4xlarge"), Some(32.0));
/// assert_eq!(size_factor("m5.metal"), None);
/// ```
pub fn size_factor(instance_type: &str) -> Option<f64> {
    let size = instance_type.rsplit_once('.')?.1.to_ascii_lowercase();
    let fixed = match size.as_str() {
        "nano" => Some(0.25),
        "micro" => Some(0.5),
        "small" => Some(1.0),
        "medium" => Some(2.0),
        "large" => Some(4.0),
        "xlarge" => Some(8.0),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let multiple = size.strip_suffix("xlarge").or_else(|| {
        size.strip_prefix("metal-")
            .and_then(|s| s.strip_suffix("xl"))
    })?;
    multiple
        .parse::<f64>()
        .ok()
        .filter(|n| *n > 0.0)
        .map(|n| 8.0 * n)
}

/// The normalization factor of `instance_type` with `vcpu` vCPUs, where `siblings` are the
/// other `(instance type, vCPUs)` of its family known (from the bill or the catalog): the
/// size's factor; for `metal`, the factor of a sibling with the same vCPUs, else `vcpu` times
/// a sibling's factor per vCPU. `None` when the size is unknown or a metal has no sized
/// sibling.
///
/// ```
/// use capcast::optimize::commitments::normalization_factor;
/// let family = [("m5.24xlarge", 96.0), ("m5.large", 2.0)];
/// assert_eq!(normalization_factor("m5.metal", 96.0, family), Some(192.0));
/// ```
pub fn normalization_factor<'a>(
    instance_type: &str,
    vcpu: f64,
    siblings: impl IntoIterator<Item = (&'a str, f64)>,
) -> Option<f64> {
    if let Some(f) = size_factor(instance_type) {
        return Some(f);
    }
    let is_metal = instance_type
        .rsplit_once('.')
        .is_some_and(|(_, s)| s.eq_ignore_ascii_case("metal"));
    if !is_metal || vcpu <= 0.0 {
        return None;
    }
    let sized: Vec<(f64, f64)> = siblings
        .into_iter()
        .filter_map(|(t, v)| size_factor(t).filter(|_| v > 0.0).map(|f| (v, f)))
        .collect();
    if let Some(&(_, f)) = sized.iter().find(|(v, _)| (*v - vcpu).abs() < 1e-9) {
        return Some(f);
    }
    // The largest sibling: its factor per vCPU is the least distorted by rounding.
    let (v, f) = sized.into_iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(vcpu * f / v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS EC2 User Guide, "How Reserved Instances are applied", instance size flexibility
    /// table: nano 0.25 ... xlarge 8, 2xlarge 16, 4xlarge 32, 8xlarge 64, 16xlarge 128,
    /// 24xlarge 192 (exact: the factors are small binary fractions).
    #[test]
    fn sizes_have_awss_normalization_factors() {
        for (t, f) in [
            ("t3.nano", 0.25),
            ("t3.micro", 0.5),
            ("t3.small", 1.0),
            ("t3.medium", 2.0),
            ("m5.large", 4.0),
            ("m5.xlarge", 8.0),
            ("c5.2xlarge", 16.0),
            ("c5.4xlarge", 32.0),
            ("r5.8xlarge", 64.0),
            ("m5.16xlarge", 128.0),
            ("m5.24xlarge", 192.0),
            ("m7i.metal-24xl", 192.0),
            ("M5.XLARGE", 8.0),
        ] {
            assert_eq!(size_factor(t), Some(f), "{t}");
        }
        for t in ["m5.metal", "m5", "m5.huge", "m5.0xlarge", ""] {
            assert_eq!(size_factor(t), None, "{t}");
        }
    }

    /// AWS's metal rule: `m5.metal` (96 vCPUs) normalizes like `m5.24xlarge` (192); with no
    /// size of equal vCPUs, vCPUs x the family's factor per vCPU (`i3.metal`, 72 vCPUs, from
    /// `i3.16xlarge` 64 vCPUs / 128 NU: 144).
    #[test]
    fn metal_takes_its_familys_factor() {
        let m5 = [("m5.large", 2.0), ("m5.24xlarge", 96.0)];
        assert_eq!(normalization_factor("m5.metal", 96.0, m5), Some(192.0));
        let i3 = [("i3.16xlarge", 64.0), ("i3.metal", 72.0)];
        assert_eq!(normalization_factor("i3.metal", 72.0, i3), Some(144.0));
        assert_eq!(normalization_factor("i3.metal", 72.0, []), None);
        assert_eq!(normalization_factor("t3.large", 2.0, []), Some(4.0));
    }
}
