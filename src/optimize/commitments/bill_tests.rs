//! Tests of normalized units, Savings Plan types and the bill backtest on small hand-made
//! bills (numbers worked by hand in each test) and on the bundled FOCUS 1.2 sample.

use polars::prelude::*;

use super::*;
use crate::optimize::catalog::{
    Architecture, Catalog, Instance, Offer, OfferKind, Payment, Provider,
};

const HOUR: i64 = 3_600_000_000;
const T0: i64 = 1_767_225_600_000_000; // 2026-01-01 00:00 UTC

/// One bill row; empty strings are nulls.
#[derive(Default, Clone)]
struct Row {
    cat: &'static str,
    hour: i64,
    qty: &'static str,
    details: String,
    region: &'static str,
    cid: &'static str,
    ctype: &'static str,
    status: &'static str,
    cqty: &'static str,
    cunit: &'static str,
    effective: &'static str,
    name: &'static str,
    x_type: &'static str,
}

fn usage(hour: i64, itype: &str, vcpu: u32, qty: &'static str) -> Row {
    let family = itype.split('.').next().unwrap_or_default();
    Row {
        cat: "Usage",
        hour,
        qty,
        details: format!(
            r#"{{"InstanceType":"{itype}","InstanceFamily":"{family}","vCPU":{vcpu}}}"#
        ),
        region: "us-east-1",
        ..Row::default()
    }
}

fn frame(rows: &[Row]) -> LazyFrame {
    let s = |f: &dyn Fn(&Row) -> &str| -> Vec<Option<String>> {
        rows.iter()
            .map(|r| Some(f(r).to_string()).filter(|v| !v.is_empty()))
            .collect()
    };
    let hours: Vec<i64> = rows.iter().map(|r| T0 + r.hour * HOUR).collect();
    let df = df!(
        "ChargeCategory" => s(&|r| r.cat),
        "ChargePeriodStart" => hours,
        "ConsumedQuantity" => s(&|r| r.qty),
        "ConsumedUnit" => s(&|r| if r.qty.is_empty() { "" } else { "Hours" }),
        "SkuPriceDetails" => s(&|r| r.details.as_str()),
        "RegionId" => s(&|r| r.region),
        "ProviderName" => vec!["AWS"; rows.len()],
        "CommitmentDiscountId" => s(&|r| r.cid),
        "CommitmentDiscountType" => s(&|r| r.ctype),
        "CommitmentDiscountStatus" => s(&|r| r.status),
        "CommitmentDiscountQuantity" => s(&|r| r.cqty),
        "CommitmentDiscountUnit" => s(&|r| r.cunit),
        "EffectiveCost" => s(&|r| r.effective),
        "CommitmentDiscountName" => s(&|r| r.name),
        "x_SavingsPlanOfferingType" => s(&|r| r.x_type),
    )
    .unwrap();
    df.lazy()
        .with_column(col("ChargePeriodStart").cast(DataType::Datetime(
            TimeUnit::Microseconds,
            Some(TimeZone::UTC),
        )))
}

fn read(rows: &[Row]) -> BillUsage {
    bill_usage(frame(rows), &BillingParams::default()).unwrap()
}

fn covered(mut row: Row, cid: &'static str, ctype: &'static str, cqty: &'static str) -> Row {
    row.cid = cid;
    row.ctype = ctype;
    row.status = "Used";
    row.cqty = cqty;
    row.effective = "0.4";
    row
}

/// AWS EC2 User Guide, "How Reserved Instances are applied": a c5.4xlarge RI (factor 32)
/// fully covers two c5.2xlarge (factor 16 each). Hand-worked: 2 x 16 = 32 NU of usage, an RI
/// of 32 NU at (0.4 + 0.4) / 32 = 0.025 per NU-hour, whether the bill counts the covered
/// quantity in instance-hours (`Hours`) or normalized hours.
#[test]
fn one_c5_4xlarge_ri_covers_two_c5_2xlarge() {
    let purchase = Row {
        cat: "Purchase",
        details: r#"{"InstanceType":"c5.4xlarge","InstanceCount":1,"Term":"1yr"}"#.into(),
        region: "us-east-1",
        cid: "ri-1",
        ctype: "Reserved Instance",
        ..Row::default()
    };
    for (cqty, cunit) in [("1", "Hours"), ("16", "Normalized Hours")] {
        let mut rows = vec![purchase.clone()];
        for _ in 0..2 {
            let mut r = covered(
                usage(0, "c5.2xlarge", 8, "1"),
                "ri-1",
                "Reserved Instance",
                cqty,
            );
            r.cunit = cunit;
            rows.push(r);
        }
        let bill = read(&rows);
        assert_eq!(bill.pools[0].id, "c5/us-east-1");
        assert_eq!(bill.pools[0].unit(), "normalized unit-hours");
        assert_eq!(bill.values, vec![32.0]);
        let ri = &bill.owned[0];
        assert_eq!(
            (ri.kind.as_str(), ri.scope.as_str()),
            ("reserved_instance", "c5/us-east-1")
        );
        assert!((ri.quantity - 32.0).abs() < 1e-12, "{cunit}: {ri:?}");
        assert!((ri.unit_price - 0.025).abs() < 1e-12, "{ri:?}");
        // The bill's RI, priced: exactly the two instances' usage.
        let catalog = catalog(&[("c5.2xlarge", 8.0, 0.34), ("c5.4xlarge", 16.0, 0.68)]);
        let priced = bill.priced(&catalog).unwrap();
        let (existing, _) = priced.bill.existing(&priced.instruments, T0);
        assert_eq!(existing.len(), 1);
        assert!((existing[0].quantity - bill.values[0]).abs() < 1e-12);
    }
}

fn catalog(types: &[(&str, f64, f64)]) -> Catalog {
    let instances = types
        .iter()
        .map(|&(t, vcpu, od)| Instance {
            provider: Provider::Aws,
            region: "us-east-1".into(),
            instance_type: t.into(),
            family: t.split('.').next().unwrap().into(),
            generation: None,
            architecture: Architecture::X86_64,
            vcpu,
            memory_gib: 1.0,
            burstable: t.starts_with('t'),
            on_demand_hourly: od,
            currency: "USD".into(),
            offers: vec![
                Offer {
                    kind: OfferKind::ReservedStandard,
                    term_years: 1,
                    payment: Payment::NoUpfront,
                    upfront: 0.0,
                    hourly: od * 0.6,
                },
                Offer {
                    kind: OfferKind::SavingsPlanEc2Instance,
                    term_years: 1,
                    payment: Payment::NoUpfront,
                    upfront: 0.0,
                    hourly: od * 0.65,
                },
                Offer {
                    kind: OfferKind::SavingsPlanCompute,
                    term_years: 1,
                    payment: Payment::NoUpfront,
                    upfront: 0.0,
                    hourly: od * 0.7,
                },
            ],
        })
        .collect();
    Catalog {
        instances,
        source: "test".into(),
    }
}

/// A t3 pool of 4 t3.nano-hours and 1 t3.large-hour (both 2 vCPUs; AWS us-east-1 list prices
/// 0.0052 and 0.0832 USD/h). Hand-worked: 4 x 0.25 + 4 = 5 NU (vCPUs would say 10); both
/// sizes cost 0.0208 per NU-hour, so the pool priced on demand is 5 x 0.0208 = 0.104 USD, the
/// bill's own 4 x 0.0052 + 0.0832 (1e-12). At vCPU-hours the cheapest size per vCPU (nano,
/// 0.0026) would price it 10 x 0.0026 = 0.026: a quarter of the truth.
#[test]
fn a_burstable_pool_mixing_nano_and_large_is_priced_by_normalized_units() {
    let bill = read(&[usage(0, "t3.nano", 2, "4"), usage(0, "t3.large", 2, "1")]);
    assert_eq!(bill.values, vec![5.0]);
    let catalog = catalog(&[("t3.nano", 2.0, 0.0052), ("t3.large", 2.0, 0.0832)]);
    let (pools, instruments) = instruments_from_catalog(&catalog, &bill.pools).unwrap();
    assert!((pools[0].on_demand - 0.0208).abs() < 1e-12, "{pools:?}");
    assert!((bill.values[0] * pools[0].on_demand - (4.0 * 0.0052 + 0.0832)).abs() < 1e-12);
    // The RI is priced per NU-hour: 0.6 x 0.0208; the Compute plan consumes 0.7 x 0.0208 of
    // commitment per NU-hour covered.
    let ri = instruments
        .iter()
        .find(|i| i.kind == OfferKind::ReservedStandard)
        .unwrap();
    assert!((ri.hourly - 0.6 * 0.0208).abs() < 1e-12);
    let sp = instruments
        .iter()
        .find(|i| i.kind == OfferKind::SavingsPlanCompute)
        .unwrap();
    assert!((sp.scope[0].rate - 0.7 * 0.0208).abs() < 1e-12);
}

/// `m5.metal` (96 vCPUs) normalizes like `m5.24xlarge` (192); one metal-hour and one
/// large-hour are 196 NU.
#[test]
fn a_metal_instance_takes_its_familys_factor_from_the_bill() {
    let bill = read(&[
        usage(0, "m5.metal", 96, "1"),
        usage(0, "m5.large", 2, "1"),
        usage(1, "m5.24xlarge", 96, "1"),
    ]);
    assert_eq!(bill.values, vec![196.0, 192.0]);
    assert!(bill.assumptions.is_empty(), "{:?}", bill.assumptions);
}

fn sp_rows(x_type: &'static str, name: &'static str, purchase_details: &str) -> Vec<Row> {
    let purchase = Row {
        cat: "Purchase",
        details: purchase_details.into(),
        region: "us-west-2",
        cid: "sp-1",
        ctype: "Savings Plan",
        name,
        x_type,
        ..Row::default()
    };
    let mut used = covered(
        usage(0, "m5.xlarge", 4, "1"),
        "sp-1",
        "Savings Plan",
        "0.12",
    );
    used.name = name;
    used.x_type = x_type;
    vec![purchase, used, usage(0, "c5.large", 2, "1")]
}

/// The plan type from each place AWS writes it; the scope of an EC2 Instance plan is its
/// family in its region: from its purchase details when they say it, else from the usage it
/// covered.
#[test]
fn ec2_instance_savings_plans_are_told_from_compute_ones() {
    let cases = [
        (
            sp_rows("EC2InstanceSavingsPlans", "", "{}"),
            "savings_plan_ec2_instance",
            "m5/us-east-1",
        ),
        (
            sp_rows(
                "",
                "EC2 Instance Savings Plan, 1 yr No Upfront, m5 us-east-1",
                "{}",
            ),
            "savings_plan_ec2_instance",
            "m5/us-east-1",
        ),
        (
            sp_rows(
                "",
                "",
                r#"{"SavingsPlanType":"EC2InstanceSavingsPlans","InstanceFamily":"r5","Term":"1yr"}"#,
            ),
            "savings_plan_ec2_instance",
            "r5/us-west-2",
        ),
        (
            sp_rows("ComputeSavingsPlans", "", "{}"),
            "savings_plan_compute",
            "all",
        ),
        (
            sp_rows(
                "",
                "Compute Savings Plan, 3 yr No Upfront, 1.45 USD/hour",
                "{}",
            ),
            "savings_plan_compute",
            "all",
        ),
    ];
    for (rows, kind, scope) in cases {
        let bill = read(&rows);
        let sp = &bill.owned[0];
        assert_eq!(
            (sp.kind.as_str(), sp.scope.as_str()),
            (kind, scope),
            "{sp:?}"
        );
        assert!((sp.quantity - 0.12).abs() < 1e-12);
        assert!(
            !bill.assumptions.iter().any(|a| a.contains("is assumed")),
            "{:?}",
            bill.assumptions
        );
    }
    // Nothing says: Compute, said.
    let bill = read(&sp_rows("", "", "{}"));
    assert_eq!(bill.owned[0].kind, "savings_plan_compute");
    assert!(
        bill.assumptions
            .iter()
            .any(|a| a.contains("sp-1") && a.contains("Compute Savings Plan is assumed")),
        "{:?}",
        bill.assumptions
    );
    // A SageMaker plan covers no instance: left out, said.
    let bill = read(&sp_rows("SageMakerSavingsPlans", "", "{}"));
    assert!(bill.owned.is_empty());
    assert!(bill
        .assumptions
        .iter()
        .any(|a| a.contains("not an EC2 plan")));
}

/// An owned EC2 Instance plan nets out only its own pool: priced at the catalog's EC2 Instance
/// plan rate for m5/us-east-1 (0.65 x on demand per NU-hour) and covering no c5.
#[test]
fn an_owned_ec2_instance_plan_covers_only_its_family_and_region() {
    let bill = read(&sp_rows("EC2InstanceSavingsPlans", "", "{}"));
    let catalog = catalog(&[("m5.xlarge", 4.0, 0.192), ("c5.large", 2.0, 0.085)]);
    let priced = bill.priced(&catalog).unwrap();
    let (existing, notes) = priced.bill.existing(&priced.instruments, T0);
    assert_eq!(existing.len(), 1, "{notes:?}");
    let e = &existing[0];
    assert_eq!(e.instrument.kind, OfferKind::SavingsPlanEc2Instance);
    assert_eq!(e.instrument.scope.len(), 1);
    assert_eq!(e.instrument.scope[0].pool, "m5/us-east-1");
    assert!((e.instrument.scope[0].rate - 0.65 * 0.192 / 8.0).abs() < 1e-12);
    // As frames: one existing row, the offers frame one row per instrument and pool.
    let (frame, _) = priced
        .bill
        .existing_frame(&priced.pools, &priced.instruments)
        .unwrap();
    assert_eq!(frame.height(), 1);
    let offers = offers_frame(&priced.pools, &priced.instruments).unwrap();
    let rows: usize = priced.instruments.iter().map(|i| i.scope.len()).sum();
    assert_eq!(offers.height(), rows);
}

/// The backtest of the bundled sample bill (May to August 2026): bought on 1 June, billed over
/// the 92 days after. Hindsight is the offline optimum on the realised usage, so no policy
/// does better (1e-6 relative: the LP's duality gap) and its regret is 0.
#[test]
fn the_sample_bill_backtests_from_a_purchase_date() {
    let costs = crate::ingest::read_billing(
        &["data/sample/billing/focus-1.2-sample.csv.gz"],
        &crate::ingest::BillingOptions::default(),
    )
    .unwrap()
    .costs;
    let catalog = Catalog::bundled().unwrap();
    let june = 1_780_272_000_000_000; // 2026-06-01 00:00 UTC
    let mut params = BacktestParams::new(0, usize::MAX);
    params.scenarios = Scenarios::Forecast { paths: 4 };
    params.optimizer = CommitmentParams::default().max_samples(4_000);
    let result = backtest_bill(
        costs.clone(),
        &catalog,
        june,
        &BillingParams::default(),
        &params,
        true,
    )
    .unwrap();
    assert_eq!(result.eval_hours, (30 + 31 + 31) * 24);
    assert_eq!(result.buy_hour, 31 * 24);
    let rows = &result.backtest.rows;
    let policies: Vec<&str> = rows.iter().map(|r| r.policy.as_str()).collect();
    assert_eq!(
        policies,
        ["capcast", "cost_explorer", "hindsight", "on_demand"]
    );
    let hindsight = rows[2].realised_cost;
    for r in rows {
        assert!(r.realised_cost >= hindsight * (1.0 - 1e-6), "{r:?}");
        assert!(r.monthly_cost.len() >= 3, "{r:?}");
    }
    assert!(rows[2].regret.abs() < 1e-9);
    // The commitments owned on 1 June lower the all-on-demand policy's bill below on demand.
    assert!(rows[3].realised_cost < rows[3].on_demand_cost);
    for r in rows {
        eprintln!(
            "{:<14} realised {:>10.2} on demand {:>10.2} regret {:>9.2} upfront {:>9.2} esr {:.3}",
            r.policy, r.realised_cost, r.on_demand_cost, r.regret, r.upfront, r.esr
        );
    }
    eprintln!("{:?}", result.notes);
    let err = backtest_bill(
        costs,
        &catalog,
        T0,
        &BillingParams::default(),
        &params,
        true,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("buy_at") && err.to_string().contains("2026-05-31"),
        "{err}"
    );
}
