//! What an instance type's name says: its family, generation, architecture, whether it bursts,
//! and for GCP machine types (priced per vCPU and per GiB) the machine shape.

use super::{Architecture, Provider};

/// vCPU and memory of a machine type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MachineShape {
    /// Virtual CPUs.
    pub vcpu: f64,
    /// Memory in GiB.
    pub memory_gib: f64,
}

/// The GCP machine shape of `machine_type` (`n2-standard-4`, `e2-highmem-8`, `c3-highcpu-22`,
/// `t2d-standard-2`, `e2-medium`), from Google's published shape rules: memory per vCPU is 4 GiB
/// for `standard` (3.75 on N1), 8 for `highmem` (6.5 on N1), 1 for `highcpu` on N2, N2D, E2
/// (0.9 on N1) and 2 on C2D, C3, C3D, N4. `None` for a type these rules do not cover.
pub fn gcp_machine_shape(machine_type: &str) -> Option<MachineShape> {
    match machine_type {
        "e2-micro" => {
            return Some(MachineShape {
                vcpu: 2.0,
                memory_gib: 1.0,
            })
        }
        "e2-small" => {
            return Some(MachineShape {
                vcpu: 2.0,
                memory_gib: 2.0,
            })
        }
        "e2-medium" => {
            return Some(MachineShape {
                vcpu: 2.0,
                memory_gib: 4.0,
            })
        }
        _ => {}
    }
    let mut parts = machine_type.split('-');
    let (series, kind, count) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let vcpu: u32 = count.parse().ok().filter(|&n| n > 0)?;
    let per_vcpu = match (series, kind) {
        ("n1", "standard") => 3.75,
        ("n1", "highmem") => 6.5,
        ("n1", "highcpu") => 0.9,
        ("n2" | "n2d" | "e2" | "c2" | "c2d" | "c3" | "c3d" | "t2d" | "n4" | "c4", "standard") => {
            4.0
        }
        ("n2" | "n2d" | "e2" | "c2d" | "c3" | "c3d" | "n4" | "c4", "highmem") => 8.0,
        ("n2" | "n2d" | "e2", "highcpu") => 1.0,
        ("c2d" | "c3" | "c3d" | "n4" | "c4", "highcpu") => 2.0,
        _ => return None,
    };
    Some(MachineShape {
        vcpu: f64::from(vcpu),
        memory_gib: f64::from(vcpu) * per_vcpu,
    })
}

/// The GCP machine series of a machine type (`n2` for `n2-standard-4`).
pub(super) fn gcp_series(machine_type: &str) -> &str {
    machine_type.split('-').next().unwrap_or(machine_type)
}

/// The family and generation an instance type's name gives: `m6i` and 6 for `m6i.xlarge`,
/// `Dsv5` and 5 for `Standard_D4s_v5`, `n2-standard` and 2 for `n2-standard-4`. For a name
/// that follows no known pattern: the whole name and no generation.
pub fn family_and_generation(provider: Provider, instance_type: &str) -> (String, Option<u32>) {
    match provider {
        Provider::Aws => {
            let family = instance_type.split('.').next().unwrap_or(instance_type);
            (family.to_string(), first_number(family))
        }
        Provider::Azure => azure_family(instance_type),
        Provider::Gcp => {
            let series = gcp_series(instance_type);
            let family = match instance_type.rsplit_once('-') {
                Some((head, tail)) if tail.chars().all(|c| c.is_ascii_digit()) => head,
                _ => instance_type,
            };
            let family = if matches!(instance_type, "e2-micro" | "e2-small" | "e2-medium") {
                "e2-shared-core"
            } else {
                family
            };
            (family.to_string(), first_number(series))
        }
        Provider::Other => (instance_type.to_string(), None),
    }
}

/// Azure: `Standard_D4s_v5` -> (`Dsv5`, 5); `Standard_B2ms` -> (`Bs`, None).
fn azure_family(instance_type: &str) -> (String, Option<u32>) {
    let name = instance_type
        .strip_prefix("Standard_")
        .or_else(|| instance_type.strip_prefix("Basic_"))
        .unwrap_or(instance_type);
    let mut parts = name.split('_');
    let size = parts.next().unwrap_or(name);
    let version = parts.find(|p| p.starts_with('v') && p[1..].parse::<u32>().is_ok());
    let letters: String = size
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let suffix: String = size
        .chars()
        .skip_while(|c| c.is_ascii_alphabetic())
        .skip_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    if letters == "B" && version.is_none() {
        return ("Bs".to_string(), None);
    }
    let generation = version.and_then(|v| v[1..].parse().ok());
    (
        format!("{letters}{suffix}{}", version.unwrap_or("")),
        generation,
    )
}

fn first_number(text: &str) -> Option<u32> {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Whether an instance type earns and spends CPU credits: AWS `t*`, Azure `B*`, GCP shared-core
/// E2 (`e2-micro`, `e2-small`, `e2-medium`).
pub fn is_burstable(provider: Provider, instance_type: &str) -> bool {
    match provider {
        Provider::Aws => instance_type.starts_with('t'),
        Provider::Azure => {
            let name = instance_type
                .strip_prefix("Standard_")
                .unwrap_or(instance_type);
            name.starts_with('B')
        }
        Provider::Gcp => matches!(instance_type, "e2-micro" | "e2-small" | "e2-medium"),
        Provider::Other => false,
    }
}

/// AWS: Graviton families carry a `g` after the generation digit (`m6g`, `c7gn`, `t4g`).
pub(super) fn aws_architecture(family: &str) -> Architecture {
    let after_digit: String = family
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .skip_while(|c| c.is_ascii_digit())
        .collect();
    if after_digit.starts_with('g') {
        Architecture::Arm64
    } else {
        Architecture::X86_64
    }
}

/// Azure: Arm (Ampere/Cobalt) sizes carry a `p` after the size digits (`D4ps_v5`).
pub(super) fn azure_architecture(instance_type: &str) -> Architecture {
    let name = instance_type
        .strip_prefix("Standard_")
        .unwrap_or(instance_type);
    let size = name.split('_').next().unwrap_or(name);
    let suffix: String = size
        .chars()
        .skip_while(|c| c.is_ascii_alphabetic())
        .skip_while(|c| c.is_ascii_digit())
        .collect();
    if suffix.contains('p') {
        Architecture::Arm64
    } else {
        Architecture::X86_64
    }
}

/// The Azure VM shape of `arm_sku_name` from Microsoft's published size rules: D-series v3 and
/// later 4 GiB per vCPU (2 for `l`, low-memory sizes), E-series v3 and later 8 GiB per vCPU up
/// to 48 vCPU, F-series 2 GiB per vCPU, and the B-series (v1) size table. Constrained-core
/// sizes (`E8-4s_v5`) count the active vCPUs. `None` for a size these rules do not cover.
pub fn azure_vm_shape(arm_sku_name: &str) -> Option<MachineShape> {
    let name = arm_sku_name.strip_prefix("Standard_")?;
    let b_series = [
        ("B1s", 1.0, 1.0),
        ("B1ms", 1.0, 2.0),
        ("B2s", 2.0, 4.0),
        ("B2ms", 2.0, 8.0),
        ("B4ms", 4.0, 16.0),
        ("B8ms", 8.0, 32.0),
        ("B12ms", 12.0, 48.0),
        ("B16ms", 16.0, 64.0),
        ("B20ms", 20.0, 80.0),
    ];
    if let Some(&(_, vcpu, memory_gib)) = b_series.iter().find(|(n, _, _)| *n == name) {
        return Some(MachineShape { vcpu, memory_gib });
    }
    let mut parts = name.split('_');
    let size = parts.next()?;
    let version: u32 = parts
        .find_map(|p| p.strip_prefix('v').and_then(|v| v.parse().ok()))
        .unwrap_or(0);
    let letters: String = size
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let rest = &size[letters.len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let full: f64 = digits.parse().ok()?;
    let after = &rest[digits.len()..];
    let (active, suffix) = match after.strip_prefix('-') {
        Some(tail) => {
            let d: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
            (d.parse().ok()?, &tail[d.len()..])
        }
        None => (full, after),
    };
    let per_vcpu = match letters.as_str() {
        "D" if version >= 3 && suffix.contains('l') => 2.0,
        "D" if version >= 3 => 4.0,
        "E" if version >= 3 && full <= 48.0 => 8.0,
        "F" if version == 2 || version == 0 => 2.0,
        _ => return None,
    };
    Some(MachineShape {
        vcpu: active,
        memory_gib: full * per_vcpu,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_give_family_generation_and_shape() {
        assert_eq!(
            family_and_generation(Provider::Aws, "m6i.xlarge"),
            ("m6i".into(), Some(6))
        );
        assert_eq!(
            family_and_generation(Provider::Azure, "Standard_D4s_v5"),
            ("Dsv5".into(), Some(5))
        );
        assert_eq!(
            family_and_generation(Provider::Azure, "Standard_D8as_v5"),
            ("Dasv5".into(), Some(5))
        );
        assert_eq!(
            family_and_generation(Provider::Azure, "Standard_F16s_v2"),
            ("Fsv2".into(), Some(2))
        );
        assert_eq!(
            family_and_generation(Provider::Azure, "Standard_B2ms"),
            ("Bs".into(), None)
        );
        assert_eq!(
            family_and_generation(Provider::Gcp, "n2d-highmem-8"),
            ("n2d-highmem".into(), Some(2))
        );
        assert_eq!(aws_architecture("m7g"), Architecture::Arm64);
        assert_eq!(aws_architecture("m7i"), Architecture::X86_64);
        assert_eq!(azure_architecture("Standard_D4ps_v5"), Architecture::Arm64);
        assert_eq!(azure_architecture("Standard_D4s_v5"), Architecture::X86_64);
        // Google's published shapes: n2-standard-4 = 4 vCPU 16 GB, n1-standard-4 = 15 GB,
        // c3-highcpu-22 = 44 GB, e2-highmem-8 = 64 GB.
        let shape = |t| gcp_machine_shape(t).map(|s| (s.vcpu, s.memory_gib));
        assert_eq!(shape("n2-standard-4"), Some((4.0, 16.0)));
        assert_eq!(shape("n1-standard-4"), Some((4.0, 15.0)));
        assert_eq!(shape("c3-highcpu-22"), Some((22.0, 44.0)));
        assert_eq!(shape("e2-highmem-8"), Some((8.0, 64.0)));
        assert_eq!(shape("e2-medium"), Some((2.0, 4.0)));
        assert_eq!(shape("a2-highgpu-1g"), None);
        assert!(is_burstable(Provider::Aws, "t4g.medium"));
        assert!(!is_burstable(Provider::Azure, "Standard_D2s_v5"));
    }
}
