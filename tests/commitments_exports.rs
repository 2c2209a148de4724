//! The commitment optimizer's inputs read from provider exports, end to end. An AWS legacy
//! CUR: the loader's FOCUS rows (`CoreCount`, `Hrs`, covered quantities) give eligible usage in
//! normalized units, and the owned reservation and Savings Plan with the start and end dates
//! the CUR states (`reservation/EndTime`, `savingsPlan/EndTime`), worked by hand below. The
//! real Azure EA amortized sample: daily VM rows (`1 Hour`, `VCPUs`) spread over their day,
//! and the reservation and savings plan with the `Term` in months.

use capcast::ingest::read_billing;
use capcast::optimize::commitments::{bill_usage, BillingParams};

use crate::common::{shared, strict, write_file};

const HEADER: &str = "identity/LineItemId,identity/TimeInterval,bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedRate,lineItem/UnblendedCost,product/instanceType,product/vcpu,product/regionCode,pricing/term,pricing/unit,reservation/ReservationARN,reservation/EffectiveCost,reservation/StartTime,reservation/EndTime,savingsPlan/SavingsPlanARN,savingsPlan/SavingsPlanEffectiveCost,savingsPlan/StartTime,savingsPlan/EndTime,savingsPlan/OfferingType";

const RI: &str = "arn:aws:ec2:us-east-1:111122223333:reserved-instances/ri-1";
const SP: &str = "arn:aws:savingsplans::111122223333:savingsplan/sp-1";

/// Three hours of: an m5.2xlarge under the reservation, an on-demand m5.large, and a
/// c5.xlarge under the Savings Plan.
fn cur() -> String {
    let mut text = String::from(HEADER);
    for h in 0..3 {
        let start = format!("2026-05-03T{h:02}:00:00Z");
        let end = format!("2026-05-03T{:02}:00:00Z", h + 1);
        let common = "2026-05-03T00:00:00Z/2026-05-04T00:00:00Z,111122223333,2026-05-01T00:00:00Z,2026-06-01T00:00:00Z,444455556666";
        text.push_str(&format!(
            "\nri{h},{common},DiscountedUsage,{start},{end},AmazonEC2,USE1-BoxUsage:m5.2xlarge,i-1,1,USD,0,0,m5.2xlarge,8,us-east-1,Reserved,Hrs,{RI},0.2,2026-03-01T00:00:00Z,2027-03-01T00:00:00Z,,,,,"
        ));
        text.push_str(&format!(
            "\nod{h},{common},Usage,{start},{end},AmazonEC2,USE1-BoxUsage:m5.large,i-2,1,USD,0.096,0.096,m5.large,2,us-east-1,OnDemand,Hrs,,,,,,,,,"
        ));
        text.push_str(&format!(
            "\nsp{h},{common},SavingsPlanCoveredUsage,{start},{end},AmazonEC2,USE1-BoxUsage:c5.xlarge,i-3,1,USD,0.17,0.17,c5.xlarge,4,us-east-1,OnDemand,Hrs,,,,,{SP},0.12,2026-05-01T00:00:00Z,2029-05-01T00:00:00Z,ComputeSavingsPlans"
        ));
    }
    text.push('\n');
    text
}

const HOUR_US: i64 = 3_600_000_000;
/// 2026-03-01, 2027-03-01, 2026-05-01 and 2029-05-01 at 00:00 UTC.
const MAR_2026: i64 = 1_772_323_200_000_000;
const MAR_2027: i64 = 1_803_859_200_000_000;
const MAY_2026: i64 = 1_777_593_600_000_000;
const MAY_2029: i64 = 1_872_288_000_000_000;

#[test]
fn a_cur_gives_normalized_usage_and_the_commitments_with_their_stated_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir.path().join("cur.csv"), cur().as_bytes());
    let billing = read_billing(&[&path], &strict()).unwrap();
    let read = bill_usage(billing.costs, &BillingParams::default()).unwrap();

    // Pools in normalized units (AWS size flexibility): m5.2xlarge 16 + m5.large 4 = 20 an
    // hour in m5; c5.xlarge 8 in c5.
    let ids: Vec<&str> = read.pools.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["c5/us-east-1", "m5/us-east-1"]);
    assert_eq!(read.hours, 3);
    assert_eq!(read.values, [8.0, 8.0, 8.0, 20.0, 20.0, 20.0]);
    assert_eq!(read.eligible_rows, 9);
    assert_eq!(read.instance_hours, 9.0);

    assert_eq!(read.owned.len(), 2, "{:?}", read.assumptions);
    let ri = read.owned.iter().find(|c| c.id == RI).unwrap();
    assert_eq!(ri.kind, "reserved_instance");
    assert_eq!(ri.scope, "m5/us-east-1");
    // One m5.2xlarge-hour an hour = 16 normalized units, at 0.2 / 16 per unit-hour.
    assert!((ri.quantity - 16.0).abs() < 1e-12, "{}", ri.quantity);
    assert!((ri.unit_price - 0.2 / 16.0).abs() < 1e-12);
    assert_eq!((ri.start_us, ri.end_us), (MAR_2026, MAR_2027));
    assert_eq!(ri.end_source, "CUR reservation/EndTime");
    assert_eq!(ri.term_years, 1);

    let sp = read.owned.iter().find(|c| c.id == SP).unwrap();
    assert_eq!(sp.kind, "savings_plan_compute");
    // The commitment the covered usage used: $0.12 an hour.
    assert!((sp.quantity - 0.12).abs() < 1e-12, "{}", sp.quantity);
    assert_eq!((sp.start_us, sp.end_us), (MAY_2026, MAY_2029));
    assert_eq!(sp.end_source, "CUR savingsPlan/EndTime");
    assert_eq!(sp.term_years, 3);
    // No end was guessed.
    assert!(
        !read.assumptions.iter().any(|a| a.contains("no end date")),
        "{:?}",
        read.assumptions
    );
    assert_eq!(read.start_us % HOUR_US, 0);
}

#[test]
fn the_contract_commitment_dataset_dates_win_and_user_ends_win_over_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir.path().join("cur.csv"), cur().as_bytes());
    let contracts = write_file(
        &dir.path().join("contracts.csv"),
        format!(
            "BillingAccountId,BillingCurrency,ContractId,ContractCommitmentId,ContractCommitmentCategory,ContractCommitmentType,ContractCommitmentPeriodStart,ContractCommitmentPeriodEnd,ContractCommitmentCost,ContractCommitmentQuantity,ContractCommitmentUnit\n\
             1,USD,c-1,{RI},Usage,Reserved Instance,2026-03-01T00:00:00Z,2029-03-01T00:00:00Z,5256,1,Instance\n"
        )
        .as_bytes(),
    );
    let billing = read_billing(&[&path, &contracts], &strict()).unwrap();
    let dataset = billing.commitments.clone().expect("contract dataset");
    let params = BillingParams::default()
        .contract_commitments(&dataset)
        .unwrap();
    let read = bill_usage(billing.costs.clone(), &params).unwrap();
    let ri = read.owned.iter().find(|c| c.id == RI).unwrap();
    assert_eq!(ri.end_source, "FOCUS 1.3 Contract Commitment dataset");
    assert_eq!(ri.term_years, 3);
    assert_eq!(ri.end_us, MAR_2027 + 2 * 8760 * HOUR_US + 24 * HOUR_US);

    let given = params.end(RI, MAY_2026);
    let read = bill_usage(billing.costs, &given).unwrap();
    let ri = read.owned.iter().find(|c| c.id == RI).unwrap();
    assert_eq!((ri.end_us, ri.end_source.as_str()), (MAY_2026, "given"));
}

#[test]
fn the_azure_sample_gives_vm_usage_spread_over_its_days_and_the_commitments_terms() {
    let path = shared("billing/azure/ea-amortized-small.csv");
    let billing = read_billing(&[&path], &strict()).unwrap();
    let read = bill_usage(billing.costs, &BillingParams::default()).unwrap();
    // Two VM rows: 8 hours of a reserved Standard_DS2_v2 (2 VCPUs) on 2023-09-22 and 0.32 hours
    // of a Standard_B2s (2 VCPUs) under the savings plan on 2023-09-03; the on-demand
    // Standard_D2s_v3 row states no VCPUs and the bundled catalog does not list it.
    let ids: Vec<&str> = read.pools.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["Bs/eastus", "DSv2/eastus"]);
    assert_eq!(read.eligible_rows, 2);
    assert!((read.instance_hours - (8.0 + 0.32085564)).abs() < 1e-9);
    // Daily rows are spread over their 24 hours: the DS2_v2 pool holds 8 * 2 / 24 vCPUs at
    // each hour of its day, and its vCPU-hours add up to the row's.
    let hours = read.hours;
    let ds2 = &read.values[hours..];
    let busy: Vec<f64> = ds2.iter().copied().filter(|v| *v > 0.0).collect();
    assert_eq!(busy.len(), 24);
    assert!(busy.iter().all(|v| (v - 16.0 / 24.0).abs() < 1e-12));

    let find = |part: &str| read.owned.iter().find(|c| c.id.contains(part)).unwrap();
    let ri = find("reservations/f39d1c73");
    assert_eq!(
        (ri.kind.as_str(), ri.scope.as_str()),
        ("reserved_instance", "DSv2/eastus")
    );
    // 8 instance-hours over the day: a third of an instance, 2/3 vCPU, each hour, at the
    // row's cost 0.493152 over its 16 vCPU-hours.
    assert!((ri.quantity - 2.0 / 3.0).abs() < 1e-12, "{}", ri.quantity);
    assert!((ri.unit_price - 0.493152 / 16.0).abs() < 1e-12);
    // Term 12 (months) in the export: one year.
    assert_eq!((ri.term_years, ri.end_source.as_str()), (1, "bill term"));
    let sp = find("savingsPlans/09ff8291");
    assert_eq!(sp.kind, "savings_plan_compute");
    assert_eq!(sp.term_years, 3, "Term 36 (months)");
}
