//! The FOCUS 1.2 specification's commitment scenarios (`../shared/data/billing/focus/
//! spec-1.2-scenarios`), accounted by `capcast::optimize::commitments::commitment_accounting`:
//! purchases, Used/Unused quantities and costs, utilization and coverage, checked against
//! values worked by hand from each file (named in each test).

use capcast::optimize::commitments::{commitment_accounting, BillAccounting};
use polars::prelude::*;

use crate::common::shared;

const ID: &str = "<my-commitment-discount-id>";

fn account(file: &str) -> BillAccounting {
    let path = shared(&format!("billing/focus/spec-1.2-scenarios/{file}"));
    let df = CsvReadOptions::default()
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path))
        .expect("scenario file")
        .finish()
        .expect("csv");
    commitment_accounting(&df).expect("accounting")
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn purchase_scenarios_sum_one_time_and_recurring_fees() {
    // commitment_discount_purchase_scenario_1.csv: one all-upfront purchase of 8760.00.
    let bill = account("commitment_discount_purchase_scenario_1.csv");
    close(bill.commitments[0].purchased, 8760.0);
    assert!(bill.commitments[0].utilization.is_nan());
    // commitment_discount_purchase_scenario_2.csv: three recurring fees of 1.00.
    close(
        account("commitment_discount_purchase_scenario_2.csv").commitments[0].purchased,
        3.0,
    );
    // commitment_discount_purchase_scenario_3.csv: partial upfront 4380.00 + 3 x 0.50.
    close(
        account("commitment_discount_purchase_scenario_3.csv").commitments[0].purchased,
        4381.5,
    );
}

#[test]
fn usage_scenarios_split_used_and_unused() {
    // commitment_discount_usage_scenario_1.csv: 1.00 used, fully utilized.
    let c = &account("commitment_discount_usage_scenario_1.csv").commitments[0];
    assert_eq!(c.id, ID);
    close(c.used_quantity, 1.0);
    close(c.unused_quantity, 0.0);
    close(c.utilization, 1.0);
    // commitment_discount_usage_scenario_2.csv: 1.00 unused: utilization 0, its effective
    // cost 1.00 is waste.
    let c = &account("commitment_discount_usage_scenario_2.csv").commitments[0];
    close(c.utilization, 0.0);
    close(c.unused_cost, 1.0);
    // commitment_discount_usage_scenario_3.csv: 0.75 used, 0.25 unused -> 75 %.
    let c = &account("commitment_discount_usage_scenario_3.csv").commitments[0];
    close(c.used_quantity, 0.75);
    close(c.unused_quantity, 0.25);
    close(c.utilization, 0.75);
    close(c.used_cost + c.unused_cost, 1.0);
    // commitment_discount_usage_scenario_4.csv: 1.00 used plus 0.50 on demand for the same
    // resource: the on-demand row belongs to no commitment.
    let bill = account("commitment_discount_usage_scenario_4.csv");
    assert_eq!(bill.commitments.len(), 1);
    close(bill.commitments[0].utilization, 1.0);
    assert_eq!(bill.coverage, None); // no ListUnitPrice column
}

#[test]
fn utilization_and_coverage_scenarios() {
    // one_hundred_percent_utilization_without_commitment_discount_flexibility.csv: a 1.50
    // recurring fee, one VM_LARGE hour fully covered: 100 % utilization and coverage, and the
    // usage row's EffectiveCost 1.50 equals the fee.
    let bill =
        account("one_hundred_percent_utilization_without_commitment_discount_flexibility.csv");
    let c = &bill.commitments[0];
    close(c.purchased, 1.5);
    close(c.used_cost, 1.5);
    close(c.utilization, 1.0);
    close(bill.coverage.unwrap(), 1.0);
    // zero_percent_utilization_without_commitment_discount_flexibility.csv: the VM_LARGE
    // commitment goes unused (EffectiveCost 1.50 unused) while a VM_MEDIUM hour runs on
    // demand at list 2.00: utilization 0 and coverage 0.
    let bill = account("zero_percent_utilization_without_commitment_discount_flexibility.csv");
    let c = &bill.commitments[0];
    close(c.utilization, 0.0);
    close(c.unused_cost, 1.5);
    close(bill.coverage.unwrap(), 0.0);
    // one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv:
    // 4 normalized hours bought for 2.00, two VM_MEDIUM hours use 2 each: 100 % used,
    // effective cost 1.00 + 1.00 = the fee, nothing on demand: coverage 1.
    let bill = account(
        "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
    );
    let c = &bill.commitments[0];
    close(c.used_quantity, 4.0);
    close(c.utilization, 1.0);
    close(c.used_cost, c.purchased);
    close(bill.coverage.unwrap(), 1.0);
    // one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv:
    // 1 normalized hour (fee 0.50) fully used by a VM_LARGE hour listed at 3.00, whose
    // remaining 0.75 of the hour runs on demand at list cost 2.25: utilization 1, coverage
    // 1 - 2.25 / 3.00 = 0.25.
    let bill = account(
        "one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
    );
    let c = &bill.commitments[0];
    close(c.utilization, 1.0);
    close(c.used_cost, 0.5);
    close(c.purchased, 0.5);
    close(bill.coverage.unwrap(), 0.25);
}
