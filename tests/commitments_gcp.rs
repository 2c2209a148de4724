//! GCP billing exports into the commitment optimizer, end to end: a hand-made export in
//! BigQuery's JSON-lines shape (three hours in us-central1) loaded by capcast's GCP loader,
//! read into vCPU and memory pools per machine series, the owned resource-based committed use
//! discounts sized from their fee rows, priced by the bundled catalog at GCP's N2 SKU prices
//! (`N2 Instance Core running in Americas` 0.031611 per vCPU-hour, `N2 Instance Ram running in
//! Americas` 0.004237 per GiB-hour, `Commitment v1: N2 Cpu in Americas for 1 Year` 0.019915),
//! and optimized. Every expected number below is worked by hand from the rows.

use capcast::ingest::read_billing;
use capcast::optimize::catalog::Catalog;
use capcast::optimize::commitments::{
    bill_usage, instruments_from_catalog, BillingParams, CommitmentParams, PoolResource, Problem,
};
use serde_json::{json, Value};

use crate::common::{strict, write_file};

const GIB_SECONDS: f64 = 3600.0 * 1024.0 * 1024.0 * 1024.0;
/// 2026-03-02 00:00 UTC in microseconds.
const START: i64 = 1_772_409_600_000_000;
const HOUR_US: i64 = 3_600_000_000;
const YEAR_US: i64 = 8760 * HOUR_US;

/// One export row: `sku` in hour `h` of 2026-03-02, `amount` in `unit` (with the pricing
/// quantity when `priced` gives it).
#[allow(clippy::too_many_arguments)]
fn row(
    service: &str,
    sku: &str,
    h: u32,
    amount: f64,
    unit: &str,
    priced: Option<(f64, &str)>,
    cost: f64,
    credits: Value,
) -> Value {
    let mut usage = json!({"amount": amount, "unit": unit});
    if let Some((q, u)) = priced {
        usage["amount_in_pricing_units"] = json!(q);
        usage["pricing_unit"] = json!(u);
    }
    json!({
        "billing_account_id": "0123AB-4567CD-89EF01",
        "service": {"id": "6F81-5844-456A", "description": service},
        "sku": {"id": format!("sku-{sku}"), "description": sku},
        "usage_start_time": format!("2026-03-02 {h:02}:00:00 UTC"),
        "usage_end_time": format!("2026-03-02 {:02}:00:00 UTC", h + 1),
        "project": {"id": "p1", "name": "p1"},
        "labels": [],
        "location": {"region": "us-central1", "zone": "us-central1-a"},
        "cost": cost,
        "cost_at_list": cost,
        "currency": "USD",
        "usage": usage,
        "credits": credits,
        "invoice": {"month": "202603"},
        "cost_type": "regular",
    })
}

const N2_CORE: &str = "N2 Instance Core running in Americas";
const N2_RAM: &str = "N2 Instance Ram running in Americas";
const CE: &str = "Compute Engine";

/// The export: n2 vCPUs 8, 4, 2 (the last a custom machine's) and memory 32, 16, 0 GiB; an e2
/// machine's 2 vCPUs in hour 2; a c2 machine's 4 vCPUs and 16 GiB in hour 0; a spot n2 and a
/// disk (not eligible); and the fees of a 1-year commitment of 4 n2 vCPUs and 16 GiB in each
/// hour, whose credits are on the n2 vCPU rows.
fn export() -> Vec<Value> {
    let cud = json!([{"name": "Committed use discount: CPU", "amount": -0.07966,
        "type": "COMMITTED_USAGE_DISCOUNT", "id": "c1",
        "full_name": "projects/p1/regions/us-central1/commitments/c1"}]);
    let mut rows = vec![
        // Hour 0: pricing quantities given.
        row(
            CE,
            N2_CORE,
            0,
            8.0 * 3600.0,
            "seconds",
            Some((8.0, "hour")),
            0.252888,
            cud.clone(),
        ),
        row(
            CE,
            N2_RAM,
            0,
            32.0 * GIB_SECONDS,
            "byte-seconds",
            Some((32.0, "gibibyte hour")),
            0.135584,
            json!([]),
        ),
        row(
            CE,
            "Compute optimized Core running in Americas",
            0,
            4.0 * 3600.0,
            "seconds",
            Some((4.0, "hour")),
            0.13592,
            json!([]),
        ),
        row(
            CE,
            "Compute optimized Ram running in Americas",
            0,
            16.0 * GIB_SECONDS,
            "byte-seconds",
            Some((16.0, "gibibyte hour")),
            0.0728,
            json!([]),
        ),
        // Hour 1: only the consumed amounts.
        row(
            CE,
            N2_CORE,
            1,
            4.0 * 3600.0,
            "seconds",
            None,
            0.126444,
            cud.clone(),
        ),
        row(
            CE,
            N2_RAM,
            1,
            16.0 * GIB_SECONDS,
            "byte-seconds",
            None,
            0.067792,
            json!([]),
        ),
        // Hour 2: a custom machine, an e2, a spot VM and a disk.
        row(
            CE,
            "N2 Custom Instance Core running in Americas",
            2,
            2.0 * 3600.0,
            "seconds",
            Some((2.0, "hour")),
            0.066384,
            cud,
        ),
        row(
            CE,
            "E2 Instance Core running in Americas",
            2,
            2.0 * 3600.0,
            "seconds",
            Some((2.0, "hour")),
            0.043626,
            json!([]),
        ),
        row(
            CE,
            "Spot Preemptible N2 Instance Core running in Americas",
            2,
            10.0 * 3600.0,
            "seconds",
            Some((10.0, "hour")),
            0.0761,
            json!([]),
        ),
        row(
            CE,
            "Balanced PD Capacity",
            2,
            100.0 * GIB_SECONDS,
            "byte-seconds",
            Some((0.1, "gibibyte month")),
            0.01,
            json!([]),
        ),
    ];
    for h in 0..3 {
        rows.push(row(
            CE,
            "Commitment v1: N2 Cpu in Americas for 1 Year",
            h,
            4.0 * 3600.0,
            "seconds",
            Some((4.0, "hour")),
            4.0 * 0.019915,
            json!([]),
        ));
        rows.push(row(
            CE,
            "Commitment v1: N2 Ram in Americas for 1 Year",
            h,
            16.0 * GIB_SECONDS,
            "byte-seconds",
            Some((16.0, "gibibyte hour")),
            16.0 * 0.002669,
            json!([]),
        ));
    }
    rows
}

fn load(rows: &[Value]) -> capcast::ingest::Billing {
    let dir = tempfile::tempdir().unwrap();
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    let path = write_file(&dir.path().join("billing.jsonl"), text.as_bytes());
    read_billing(&[&path], &strict()).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn a_gcp_export_gives_vcpu_and_memory_pools_per_series_and_the_owned_commitments() {
    let read = bill_usage(load(&export()).costs, &BillingParams::default()).unwrap();
    let ids: Vec<&str> = read.pools.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "c2-standard/us-central1",
            "e2 cores/us-central1",
            "n2 cores/us-central1",
            "n2 memory/us-central1"
        ]
    );
    let units: Vec<&str> = read.pools.iter().map(|p| p.unit()).collect();
    assert_eq!(
        units,
        ["vCPU-hours", "vCPU-hours", "vCPU-hours", "GiB-hours"]
    );
    assert_eq!(read.pools[2].resource, PoolResource::Cores);
    assert_eq!(read.pools[2].family, "n2");
    assert_eq!(read.start_us, START);
    assert_eq!(read.hours, 3);
    // c2: its vCPUs in the machine family's pool, its memory folded in; n2 memory from
    // byte-seconds when the pricing quantity is missing (hour 1).
    let expected = [4.0, 0.0, 0.0, 0.0, 0.0, 2.0, 8.0, 4.0, 2.0, 32.0, 16.0, 0.0];
    assert!(
        read.values.iter().zip(expected).all(|(a, b)| close(*a, b)),
        "{:?}",
        read.values
    );
    // 8 vCPU and RAM rows; the spot VM, the disk and 6 fee rows are not usage.
    assert_eq!((read.eligible_rows, read.ineligible_rows), (8, 8));
    assert_eq!(read.instance_hours, 0.0);

    assert_eq!(read.owned.len(), 2);
    let cores = &read.owned[0];
    assert_eq!(cores.kind, "gcp_committed_use");
    assert_eq!(cores.scope, "n2 cores/us-central1");
    assert_eq!(cores.unit, "vCPUs");
    assert!(close(cores.quantity, 4.0) && close(cores.unit_price, 0.019915));
    assert_eq!((cores.term_years, cores.start_us), (1, START));
    assert_eq!(
        (cores.end_us, cores.end_source.as_str()),
        (START + YEAR_US, "bill term")
    );
    let memory = &read.owned[1];
    assert_eq!(
        (memory.scope.as_str(), memory.unit.as_str()),
        ("n2 memory/us-central1", "GiB")
    );
    assert!(close(memory.quantity, 16.0) && close(memory.unit_price, 0.002669));
    assert!(read
        .assumptions
        .iter()
        .any(|a| a.contains("do not name their commitment")));
}

#[test]
fn the_series_pools_are_priced_at_gcp_sku_prices_and_optimized_with_the_owned_commitments() {
    let read = bill_usage(load(&export()).costs, &BillingParams::default()).unwrap();
    let catalog = Catalog::bundled().unwrap();
    let (pools, instruments) = instruments_from_catalog(&catalog, &read.pools).unwrap();
    let price = |id: &str| pools.iter().find(|p| p.id == id).unwrap().on_demand;
    assert!((price("n2 cores/us-central1") - 0.031611).abs() < 2e-6);
    assert!((price("n2 memory/us-central1") - 0.004237).abs() < 2e-7);
    // c2 per vCPU with its 4 GiB: c2-standard-4 at 0.208808 / 4.
    assert!((price("c2-standard/us-central1") - 0.052202).abs() < 1e-6);
    let cud = instruments
        .iter()
        .find(|i| i.name == "GCP CUD 1y no upfront n2 cores/us-central1")
        .unwrap();
    assert!((cud.hourly - 0.019915).abs() < 2e-6 && cud.upfront == 0.0);

    let (existing, notes) = read.existing(&instruments, read.start_us);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(existing.len(), 2);
    assert!(close(existing[0].quantity, 4.0));
    // The owned 4 vCPUs net out of 8, 4, 2: net 4, 0, 0, and at 37 % off a 1-year CUD cannot
    // pay for itself on one hour in three, so nothing more is bought for n2 vCPUs.
    let usage = read.history(pools).unwrap();
    let problem = Problem {
        usage,
        instruments,
        existing,
    };
    let plan = CommitmentParams::default().solve(&problem).unwrap();
    let n2 = problem
        .instruments
        .iter()
        .position(|i| i.name == "GCP CUD 1y no upfront n2 cores/us-central1")
        .unwrap();
    assert!(plan.quantities[n2].abs() < 1e-5, "{:?}", plan.quantities);
}

#[test]
fn a_vcpu_row_in_an_unknown_unit_is_refused_naming_row_column_and_value() {
    let mut rows = export();
    rows.push(row(CE, N2_CORE, 2, 5.0, "requests", None, 0.1, json!([])));
    let err = bill_usage(load(&rows).costs, &BillingParams::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("ConsumedUnit") && text.contains("requests"),
        "{text}"
    );
    assert!(
        text.contains("seconds or hours") && text.contains(N2_CORE),
        "{text}"
    );
}

#[test]
fn credits_without_fee_rows_are_said_not_guessed() {
    let rows: Vec<Value> = export()
        .into_iter()
        .filter(|r| {
            !r["sku"]["description"]
                .as_str()
                .unwrap()
                .starts_with("Commitment")
        })
        .collect();
    let read = bill_usage(load(&rows).costs, &BillingParams::default()).unwrap();
    assert!(read.owned.is_empty());
    assert!(read
        .assumptions
        .iter()
        .any(|a| a.contains("3 GCP usage row(s) carry committed use discount credits")));
}
