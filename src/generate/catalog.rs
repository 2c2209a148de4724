//! The fixed facts the sample is built from: accounts, regions, services, EC2 instance types
//! with their real sizes and on-demand prices, and the seeded helpers that make identifiers.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The provider, as FOCUS `ProviderName`.
pub(crate) const PROVIDER: &str = "AWS";
/// `PublisherName` and `InvoiceIssuerName`.
pub(crate) const ISSUER: &str = "Amazon Web Services, Inc.";
/// The payer (management) account.
pub(crate) const BILLING_ACCOUNT_ID: &str = "210987654321";
/// The payer's name.
pub(crate) const BILLING_ACCOUNT_NAME: &str = "Acme Retail";

/// A member account: its first id (replicas of the large file shift it) and its name.
pub(crate) struct SubAccount {
    pub id: u64,
    pub name: &'static str,
}

/// The four member accounts. Indexes are used by the fleet and meter tables.
pub(crate) const SUB_ACCOUNTS: [SubAccount; 4] = [
    SubAccount {
        id: 345_678_901_234,
        name: "payments-prod",
    },
    SubAccount {
        id: 456_789_012_345,
        name: "search-prod",
    },
    SubAccount {
        id: 567_890_123_456,
        name: "data-platform",
    },
    SubAccount {
        id: 678_901_234_567,
        name: "shared-services",
    },
];
/// Index of `payments-prod` in [`SUB_ACCOUNTS`].
pub(crate) const PAYMENTS: usize = 0;
/// Index of `search-prod`.
pub(crate) const SEARCH: usize = 1;
/// Index of `data-platform`.
pub(crate) const DATA: usize = 2;
/// Index of `shared-services`.
pub(crate) const SHARED: usize = 3;

/// An AWS region with the prefix AWS puts in front of its usage types.
pub(crate) struct Region {
    pub id: &'static str,
    pub name: &'static str,
    pub usage_prefix: &'static str,
    /// On-demand EC2 price relative to us-east-1.
    pub price_factor: f64,
}

/// The regions used.
pub(crate) const REGIONS: [Region; 3] = [
    Region {
        id: "us-east-1",
        name: "US East (N. Virginia)",
        usage_prefix: "",
        price_factor: 1.0,
    },
    Region {
        id: "eu-west-1",
        name: "Europe (Ireland)",
        usage_prefix: "EU-",
        price_factor: 1.13,
    },
    Region {
        id: "us-west-2",
        name: "US West (Oregon)",
        usage_prefix: "USW2-",
        price_factor: 1.0,
    },
];
/// Index of us-east-1 in [`REGIONS`].
pub(crate) const US_EAST_1: usize = 0;
/// Index of eu-west-1.
pub(crate) const EU_WEST_1: usize = 1;
/// Index of us-west-2.
pub(crate) const US_WEST_2: usize = 2;

/// A service: FOCUS `ServiceName`, `ServiceCategory`, `ServiceSubcategory`.
pub(crate) struct Service {
    pub name: &'static str,
    pub category: &'static str,
    pub subcategory: &'static str,
}

macro_rules! services {
    ($($konst:ident = $name:literal, $category:literal, $sub:literal;)*) => {
        $(
            pub(crate) const $konst: Service = Service {
                name: $name,
                category: $category,
                subcategory: $sub,
            };
        )*
    };
}

services! {
    EC2 = "Amazon Elastic Compute Cloud", "Compute", "Virtual Machines";
    EBS = "Amazon Elastic Block Store", "Storage", "Block Storage";
    RDS = "Amazon Relational Database Service", "Databases", "Relational Databases";
    S3 = "Amazon Simple Storage Service", "Storage", "Object Storage";
    LAMBDA = "AWS Lambda", "Compute", "Serverless Compute";
    CLOUDFRONT = "Amazon CloudFront", "Networking", "Content Delivery";
    EKS = "Amazon Elastic Kubernetes Service", "Compute", "Containers";
    VPC = "Amazon Virtual Private Cloud", "Networking", "Network Connectivity";
    DATA_TRANSFER = "AWS Data Transfer", "Networking", "Network Connectivity";
    GLUE = "AWS Glue", "Analytics", "Data Processing";
    ELB = "Elastic Load Balancing", "Networking", "Application Networking";
    CLOUDWATCH = "Amazon CloudWatch", "Management and Governance", "Observability";
    DYNAMODB = "Amazon DynamoDB", "Databases", "NoSQL Databases";
    SAVINGS_PLANS = "Savings Plans for AWS Compute usage", "Compute", "Other (Compute)";
}

/// An EC2 instance type with its real size and us-east-1 Linux on-demand price.
#[derive(Debug)]
pub(crate) struct InstanceType {
    pub name: &'static str,
    pub family: &'static str,
    pub vcpu: u32,
    pub memory_gib: f64,
    /// USD per hour, Linux, shared tenancy, us-east-1.
    pub price: f64,
    /// Compute Savings Plan rate as a fraction of the on-demand price (3 years, no upfront).
    pub sp_rate: f64,
}

/// The instance types of the fleet (sizes and prices as published by AWS).
pub(crate) const INSTANCE_TYPES: [InstanceType; 6] = [
    InstanceType {
        name: "m5.large",
        family: "m5",
        vcpu: 2,
        memory_gib: 8.0,
        price: 0.096,
        sp_rate: 0.58,
    },
    InstanceType {
        name: "m5.xlarge",
        family: "m5",
        vcpu: 4,
        memory_gib: 16.0,
        price: 0.192,
        sp_rate: 0.58,
    },
    InstanceType {
        name: "c5.2xlarge",
        family: "c5",
        vcpu: 8,
        memory_gib: 16.0,
        price: 0.34,
        sp_rate: 0.60,
    },
    InstanceType {
        name: "r5.large",
        family: "r5",
        vcpu: 2,
        memory_gib: 16.0,
        price: 0.126,
        sp_rate: 0.57,
    },
    InstanceType {
        name: "r5.2xlarge",
        family: "r5",
        vcpu: 8,
        memory_gib: 64.0,
        price: 0.504,
        sp_rate: 0.57,
    },
    InstanceType {
        name: "t3.medium",
        family: "t3",
        vcpu: 2,
        memory_gib: 4.0,
        price: 0.0416,
        sp_rate: 0.61,
    },
];

/// The instance type called `name` (the tables only name types that exist).
pub(crate) fn instance_type(name: &str) -> &'static InstanceType {
    INSTANCE_TYPES
        .iter()
        .find(|t| t.name == name)
        .unwrap_or(&INSTANCE_TYPES[0])
}

/// The on-demand price of `itype` in `region`, rounded to four places as AWS lists it.
pub(crate) fn on_demand_price(itype: &InstanceType, region: &Region) -> f64 {
    (itype.price * region.price_factor * 10_000.0).round() / 10_000.0
}

/// A 64-bit hash (FNV-1a) of `text`: stable across runs, platforms and seeds.
pub(crate) fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A 16-character AWS-like SKU (`[A-Z0-9]`) derived from `key`; independent of the seed,
/// like real SKUs.
pub(crate) fn sku(key: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut state = stable_hash(key);
    (0..16)
        .map(|_| {
            state = splitmix(state);
            ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

/// SplitMix64: the finaliser used to derive independent seeds.
pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An independent random stream for `key` under `seed`: each series draws from its own stream,
/// so adding a series never changes another.
pub(crate) fn stream(seed: u64, key: &str) -> StdRng {
    StdRng::seed_from_u64(splitmix(seed ^ splitmix(stable_hash(key))))
}

/// `n` lower-case hex digits.
pub(crate) fn hex(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.random_range(0..16u32), 16).unwrap_or('0'))
        .collect()
}

/// A random version-4 UUID.
pub(crate) fn uuid(rng: &mut StdRng) -> String {
    let variant = ['8', '9', 'a', 'b'][rng.random_range(0..4usize)];
    format!(
        "{}-{}-4{}-{}{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        variant,
        hex(rng, 3),
        hex(rng, 12)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_sizes_are_the_real_ones() {
        let sizes: Vec<(&str, u32, f64)> = INSTANCE_TYPES
            .iter()
            .map(|t| (t.name, t.vcpu, t.memory_gib))
            .collect();
        assert!(sizes.contains(&("m5.large", 2, 8.0)));
        assert!(sizes.contains(&("m5.xlarge", 4, 16.0)));
        assert!(sizes.contains(&("c5.2xlarge", 8, 16.0)));
        assert!(sizes.contains(&("r5.large", 2, 16.0)));
        assert!(sizes.contains(&("r5.2xlarge", 8, 64.0)));
        assert!(sizes.contains(&("t3.medium", 2, 4.0)));
    }

    #[test]
    fn skus_are_stable_and_distinct() {
        assert_eq!(sku("BoxUsage:m5.xlarge"), sku("BoxUsage:m5.xlarge"));
        assert_ne!(sku("BoxUsage:m5.xlarge"), sku("BoxUsage:m5.large"));
        assert_eq!(sku("x").len(), 16);
    }

    #[test]
    fn uuids_have_the_right_shape() {
        let mut rng = stream(42, "ids");
        let id = uuid(&mut rng);
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
    }

    #[test]
    fn regional_prices() {
        let c5 = instance_type("c5.2xlarge");
        assert_eq!(on_demand_price(c5, &REGIONS[EU_WEST_1]), 0.3842);
        assert_eq!(on_demand_price(c5, &REGIONS[US_EAST_1]), 0.34);
    }
}
