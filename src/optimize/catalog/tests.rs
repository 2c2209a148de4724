//! Tests of the bundled catalog, merging and filtering.

use super::*;

fn bundled() -> Catalog {
    Catalog::bundled().expect("the bundled catalog parses")
}

#[test]
fn bundled_catalog_covers_five_regions_per_provider() {
    let catalog = bundled();
    for provider in [Provider::Aws, Provider::Azure, Provider::Gcp] {
        let regions = catalog.regions(provider);
        assert!(regions.len() >= 5, "{provider}: {regions:?}");
    }
    assert!(catalog.instances.len() > 500, "{}", catalog.instances.len());
}

#[test]
fn bundled_prices_are_positive_and_offers_beat_on_demand() {
    let catalog = bundled();
    for it in &catalog.instances {
        assert!(it.on_demand_hourly > 0.0, "{it:?}");
        assert!(it.vcpu > 0.0 && it.memory_gib > 0.0, "{it:?}");
        assert!(
            !it.offers.is_empty(),
            "{} {} has no offers",
            it.region,
            it.instance_type
        );
        for offer in &it.offers {
            assert!(offer.upfront >= 0.0 && offer.hourly >= 0.0, "{offer:?}");
            assert!(offer.effective_hourly() > 0.0, "{offer:?}");
            assert!(
                offer.effective_hourly() < it.on_demand_hourly,
                "{} {} {offer:?} costs more than on demand {}",
                it.region,
                it.instance_type,
                it.on_demand_hourly
            );
        }
    }
}

#[test]
fn bundled_all_upfront_is_never_dearer_than_no_upfront() {
    let catalog = bundled();
    let mut compared = 0;
    for it in &catalog.instances {
        for all in it
            .offers
            .iter()
            .filter(|o| o.payment == Payment::AllUpfront)
        {
            let no = it.offers.iter().find(|o| {
                o.kind == all.kind
                    && o.term_years == all.term_years
                    && o.payment == Payment::NoUpfront
            });
            if let Some(no) = no {
                compared += 1;
                // 1e-9: Azure lists the same total twice (upfront and spread hourly).
                assert!(
                    all.effective_hourly() <= no.effective_hourly() + 1e-9,
                    "{} {}: {all:?} vs {no:?}",
                    it.region,
                    it.instance_type
                );
            }
        }
    }
    assert!(compared > 1000, "{compared}");
}

#[test]
fn bundled_shapes_match_the_published_sizes() {
    let catalog = bundled();
    // AWS, Azure and GCP published shapes: m6i.xlarge 4 vCPU 16 GiB, c6g.2xlarge 8 / 16 (arm),
    // r6i.large 2 / 16, t3.medium 2 / 4 (burstable), Standard_D4s_v4 4 / 16, Standard_E8s_v4
    // 8 / 64, Standard_F16s_v2 16 / 32, Standard_B2ms 2 / 8, n2-standard-4 4 / 16,
    // e2-highmem-8 8 / 64, n2d-highcpu-16 16 / 16.
    let cases = [
        (Provider::Aws, "us-east-2", "m6i.xlarge", 4.0, 16.0),
        (Provider::Aws, "us-west-2", "r6i.large", 2.0, 16.0),
        (Provider::Aws, "eu-central-1", "t3.medium", 2.0, 4.0),
        (Provider::Azure, "eastus", "Standard_D4s_v4", 4.0, 16.0),
        (Provider::Azure, "westeurope", "Standard_E8s_v4", 8.0, 64.0),
        (Provider::Azure, "eastus", "Standard_F16s_v2", 16.0, 32.0),
        (Provider::Azure, "eastus", "Standard_B2ms", 2.0, 8.0),
        (Provider::Azure, "eastus2", "Standard_D8as_v5", 8.0, 32.0),
        (Provider::Azure, "westus2", "Standard_E16s_v5", 16.0, 128.0),
        (Provider::Gcp, "us-central1", "n2-standard-4", 4.0, 16.0),
        (Provider::Gcp, "europe-west1", "e2-highmem-8", 8.0, 64.0),
        (Provider::Gcp, "us-central1", "n2d-highcpu-16", 16.0, 16.0),
    ];
    for (provider, region, name, vcpu, memory) in cases {
        let it = catalog
            .find(provider, region, name)
            .unwrap_or_else(|| panic!("{name} in {region} missing"));
        assert_eq!((it.vcpu, it.memory_gib), (vcpu, memory), "{name}");
    }
    let graviton = catalog
        .instances
        .iter()
        .find(|i| i.family == "c6g")
        .unwrap();
    assert_eq!(graviton.architecture, Architecture::Arm64);
    let t3 = catalog
        .find(Provider::Aws, "eu-central-1", "t3.medium")
        .unwrap();
    assert!(t3.burstable);
    assert_eq!(t3.generation, Some(3));
}

#[test]
fn bundled_prices_match_the_sources() {
    let catalog = bundled();
    // libcloud 3.9.1 (2025-03-02): m6i.xlarge in us-east-2 0.192 USD/h (AWS's list price);
    // n2-standard-4 in us-central1 = 4 x 0.031611 + 16 x 0.004237 = 0.194236.
    let m6i = catalog
        .find(Provider::Aws, "us-east-2", "m6i.xlarge")
        .unwrap();
    assert_eq!(m6i.on_demand_hourly, 0.192);
    let n2 = catalog
        .find(Provider::Gcp, "us-central1", "n2-standard-4")
        .unwrap();
    assert!((n2.on_demand_hourly - 0.194236).abs() < 1e-9);
    // opencost: m6i.xlarge us-east-2 3-year standard all upfront 0.0757990867579 x 26280 = 1992.
    let ri = m6i
        .offers
        .iter()
        .find(|o| {
            o.kind == OfferKind::ReservedStandard
                && o.term_years == 3
                && o.payment == Payment::AllUpfront
        })
        .unwrap();
    assert!((ri.upfront - 1992.0).abs() < 1e-6, "{ri:?}");
    assert_eq!(ri.hourly, 0.0);
}

#[test]
fn merge_replaces_prices_and_unions_offers() {
    let base = bundled().filter(&CatalogFilter {
        provider: Some(Provider::Aws),
        region: Some("us-east-2".into()),
        ..Default::default()
    });
    let before = base
        .find(Provider::Aws, "us-east-2", "m6i.xlarge")
        .unwrap()
        .clone();
    let mut newer = before.clone();
    newer.on_demand_hourly = 0.2;
    newer.offers = vec![Offer {
        kind: OfferKind::SavingsPlanCompute,
        term_years: 1,
        payment: Payment::NoUpfront,
        upfront: 0.0,
        hourly: 0.1,
    }];
    let mut extra = before.clone();
    extra.instance_type = "m6i.custom".into();
    let merged = base.clone().merge(Catalog {
        instances: vec![newer, extra],
        source: "test".into(),
    });
    assert_eq!(merged.instances.len(), base.instances.len() + 1);
    let after = merged
        .find(Provider::Aws, "us-east-2", "m6i.xlarge")
        .unwrap();
    assert_eq!(after.on_demand_hourly, 0.2);
    assert_eq!(after.offers.len(), before.offers.len());
    assert!(after.offers.iter().any(|o| o.hourly == 0.1));
    assert!(merged.source.ends_with("; test"));
}

#[test]
fn filters_narrow_the_catalog() {
    let catalog = bundled();
    let arm = catalog.filter(&CatalogFilter {
        provider: Some(Provider::Aws),
        architecture: Some(Architecture::Arm64),
        exclude_burstable: true,
        min_vcpu: Some(4.0),
        ..Default::default()
    });
    assert!(!arm.instances.is_empty());
    assert!(arm
        .instances
        .iter()
        .all(|i| i.architecture == Architecture::Arm64 && !i.burstable && i.vcpu >= 4.0));
    let frame = arm.to_frame().unwrap();
    assert_eq!(frame.height(), arm.instances.len());
    let offers = arm.offers_frame().unwrap();
    let total: usize = arm.instances.iter().map(|i| i.offers.len()).sum();
    assert_eq!(offers.height(), total);
    assert!(offers.column("discount").is_ok());
}

#[test]
fn names_round_trip() {
    for kind in [
        "reserved_standard",
        "savings_plan_compute",
        "gcp_committed_use",
    ] {
        assert_eq!(kind.parse::<OfferKind>().unwrap().as_str(), kind);
    }
    assert_eq!("All Upfront".parse::<Payment>(), Ok(Payment::AllUpfront));
    assert_eq!("Amazon Web Services".parse::<Provider>(), Ok(Provider::Aws));
    assert!("ibm".parse::<Provider>().is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn offer() -> impl Strategy<Value = Offer> {
        (
            0usize..7,
            prop::bool::ANY,
            0usize..3,
            0.0f64..5000.0,
            0.0f64..3.0,
        )
            .prop_map(|(kind, three, payment, upfront, hourly)| {
                let kinds = [
                    "reserved_standard",
                    "reserved_convertible",
                    "savings_plan_ec2_instance",
                    "savings_plan_compute",
                    "azure_reservation",
                    "azure_savings_plan",
                    "gcp_committed_use",
                ];
                let payments = [
                    Payment::NoUpfront,
                    Payment::PartialUpfront,
                    Payment::AllUpfront,
                ];
                Offer {
                    kind: kinds[kind].parse().unwrap(),
                    term_years: if three { 3 } else { 1 },
                    payment: payments[payment],
                    upfront,
                    hourly,
                }
            })
    }

    fn instance() -> impl Strategy<Value = Instance> {
        (
            0usize..4,
            "[a-z]{2}-[a-z]{4}-[1-3]",
            "[a-z][0-9][a-z]?\\.[a-z0-9]{2,8}",
            prop::option::of(0u32..10),
            prop::bool::ANY,
            1u32..200,
            0.5f64..2048.0,
            prop::bool::ANY,
            0.0f64..50.0,
            prop::collection::vec(offer(), 0..4),
        )
            .prop_map(
                |(p, region, name, generation, arm, vcpu, memory, burst, price, offers)| {
                    let providers = [
                        Provider::Aws,
                        Provider::Azure,
                        Provider::Gcp,
                        Provider::Other,
                    ];
                    Instance {
                        provider: providers[p],
                        region,
                        family: format!("fam-{name}"),
                        instance_type: name,
                        generation,
                        architecture: if arm {
                            Architecture::Arm64
                        } else {
                            Architecture::X86_64
                        },
                        vcpu: f64::from(vcpu),
                        memory_gib: memory,
                        burstable: burst,
                        on_demand_hourly: price,
                        currency: "USD".into(),
                        offers,
                    }
                },
            )
    }

    fn catalog() -> impl Strategy<Value = Catalog> {
        prop::collection::vec(instance(), 0..12).prop_map(|instances| {
            let mut seen = std::collections::HashSet::new();
            Catalog {
                instances: instances
                    .into_iter()
                    .filter(|i| {
                        seen.insert((i.provider, i.region.clone(), i.instance_type.clone()))
                    })
                    .collect(),
                source: String::new(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Writing a catalog in the plain format and reading it back gives the same catalog,
        /// every price to the last digit.
        #[test]
        fn plain_csv_round_trips(catalog in catalog()) {
            let (instances, offers) = plain::write(&catalog);
            let back = plain::parse(&instances, Some(&offers), "i.csv", "o.csv").unwrap();
            prop_assert_eq!(back.instances, catalog.instances);
        }

        /// Merging a catalog into itself changes nothing; merging into an empty catalog gives
        /// it back; an offer's effective price lies between its hourly fee and its hourly fee
        /// plus the whole upfront.
        #[test]
        fn merge_is_idempotent(catalog in catalog()) {
            let twice = catalog.clone().merge(catalog.clone());
            prop_assert_eq!(&twice.instances, &catalog.instances);
            let from_empty = Catalog::default().merge(catalog.clone());
            prop_assert_eq!(&from_empty.instances, &catalog.instances);
            for offer in catalog.instances.iter().flat_map(|i| &i.offers) {
                let effective = offer.effective_hourly();
                prop_assert!(effective >= offer.hourly);
                prop_assert!(effective <= offer.hourly + offer.upfront + 1e-12);
            }
        }
    }
}
