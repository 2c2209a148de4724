//! Tests of the horizon rules: terms in force only from their start, planned renewals, the
//! program's objective against the bill on every hour, and the stated assumptions.

use proptest::prelude::*;

use super::tests::{instrument, pool};
use super::*;
use crate::optimize::catalog::OfferKind;

const YEAR: usize = 8760;

/// `instrument` with a term of `years`.
fn termed(name: &str, years: u8, hourly: f64, scope: &[(&str, f64)]) -> Instrument {
    let mut offer = instrument(name, OfferKind::ReservedStandard, hourly, scope);
    offer.term_years = years;
    offer
}

/// Usage of pools `a` then `b`, one scenario, from a function of (pool, hour).
fn usage_of(hours: usize, pools: &[Pool], f: impl Fn(usize, usize) -> f64) -> Usage {
    let values = (0..pools.len())
        .flat_map(|p| (0..hours).map(move |h| (p, h)))
        .map(|(p, h)| f(p, h))
        .collect();
    Usage::new(pools.to_vec(), hours, 1, values).unwrap()
}

#[test]
fn three_year_reservation_loses_to_one_year_and_a_planned_renewal_when_usage_halves() {
    // Three years of scenario (so the 3-year term is covered), two pools, no upfront, cost of
    // capital irrelevant.
    // Pool a ($1 on demand): 10 units in year 1, 5 in year 2 (usage halves), 0 in year 3 (the
    //   workload is retired). Offers: 1-year RI at $0.60 (40 % off), 3-year RI at $0.45 (55 %).
    //   Per unit of the 5 units used two years: 3-year RI 0.45 * 3 years of fees = 1.35 (per
    //   8,760 h) against 1-year RI now + planned renewal 0.60 * 2 = 1.20 and on demand 2.00:
    //   1-year + renewal wins. Per unit of the 5 units used in year 1 only: 3-year 1.35,
    //   1-year 0.60, on demand 1.00: 1-year wins. A renewal at year 3 would cover nothing.
    //   -> 1-year RI now 10, renewal at hour 8,760: 5, at 17,520: 0; 3-year 0.
    //   Cost a = (0.60 * 10 + 0.60 * 5) * 8,760 = 78,840; on demand (10 + 5) * 8,760 = 131,400.
    // Pool b ($2 on demand): 4 units every hour of the three years. 1-year RI at $1.20,
    //   3-year at $0.90: per unit over three years 3 * 0.90 = 2.70 < 3 * 1.20 = 3.60 < 6.00.
    //   -> 3-year RI 4. Cost b = 0.90 * 4 * 26,280 = 94,608; on demand 2 * 4 * 26,280 = 210,240.
    // Total 173,448 against 341,640 on demand.
    // The old rule (one year of scenario, 3-year fees for that year only) buys 3-year RIs for
    // all of a (0.45 < 0.60): checked below on the first year.
    let pools = [pool("a", 1.0), pool("b", 2.0)];
    let usage = usage_of(3 * YEAR, &pools, |p, h| match (p, h / YEAR) {
        (0, 0) => 10.0,
        (0, 1) => 5.0,
        (0, _) => 0.0,
        _ => 4.0,
    });
    let problem = Problem {
        usage: usage.clone(),
        instruments: vec![
            termed("a 1y", 1, 0.60, &[("a", 1.0)]),
            termed("a 3y", 3, 0.45, &[("a", 1.0)]),
            termed("b 1y", 1, 1.20, &[("b", 1.0)]),
            termed("b 3y", 3, 0.90, &[("b", 1.0)]),
        ],
        existing: vec![],
    };
    // 3,000 samples: exactly 1,000 hours in each year (strata of 8.76 hours), so the sampled
    // program is the full one for this piecewise-constant usage.
    let params = CommitmentParams::default().max_samples(3000);
    let plan = params.solve(&problem).unwrap();
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * b.abs().max(1.0);
    let now = &plan.quantities;
    assert!(close(now[0], 10.0, 1e-5), "{now:?}");
    assert!(now[1].abs() < 1e-5, "{now:?}");
    assert!(now[2].abs() < 1e-5, "{now:?}");
    assert!(close(now[3], 4.0, 1e-5), "{now:?}");
    let renewals: Vec<(usize, usize, f64)> = plan
        .renewals
        .iter()
        .map(|r| (r.instrument, r.start_hour, r.quantity))
        .collect();
    assert_eq!(renewals.len(), 4, "{renewals:?}");
    for (instrument, start, quantity) in renewals {
        let expected = if (instrument, start) == (0, YEAR) {
            5.0
        } else {
            0.0
        };
        assert!(
            close(quantity, expected, 1e-5),
            "{instrument} {start} {quantity}"
        );
    }
    assert!(close(plan.summary.expected_cost, 173_448.0, 1e-6));
    assert!(close(plan.summary.on_demand_cost, 341_640.0, 1e-12));
    assert!(close(plan.summary.objective, 173_448.0, 1e-6));
    let planned: Vec<&Purchase> = plan
        .purchases
        .iter()
        .filter(|p| p.timing == "planned")
        .collect();
    assert_eq!(planned.len(), 1);
    assert_eq!(
        (
            planned[0].instrument.as_str(),
            planned[0].start_hour,
            planned[0].start_month
        ),
        ("a 1y", YEAR, 13)
    );
    assert!((planned[0].utilization - 1.0).abs() < 1e-9);
    // Paid back in its first month (no upfront, fully used).
    assert_eq!(planned[0].break_even_month, Some(13));
    assert_eq!(plan.summary.assumptions.len(), 1, "{:?}", plan.summary);
    assert!(plan.summary.assumptions[0].contains("renewed at each year boundary"));
    let (purchases, summary, _) = plan_frames(&plan).unwrap();
    assert_eq!(
        purchases
            .column("timing")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        vec![Some("now"), Some("now"), Some("planned")]
    );
    assert!(summary.column("assumptions").is_ok());

    // The old rule on the first year only: the 3-year RIs win everywhere, and the plan says
    // what it assumed.
    let first = Problem {
        usage: usage.window(0, YEAR).unwrap(),
        ..problem
    };
    let short = params.solve(&first).unwrap();
    assert!(
        close(short.quantities[1], 10.0, 1e-5),
        "{:?}",
        short.quantities
    );
    assert!(short.quantities[0].abs() < 1e-5);
    assert!(short.renewals.is_empty());
    assert_eq!(
        short.summary.assumptions,
        vec![
            "3-year instruments judged on an 8,760-hour horizon: years beyond it assumed like \
             the horizon"
                .to_string()
        ]
    );
}

#[test]
fn commitment_costs_its_fees_over_its_term_whatever_the_usage() {
    // 3 units of a 3-year RI at $0.5 on three years where usage stops after year 1: it pays
    // 0.5 * 3 * 26,280 = 39,420 and covers 3 units of year 1 (worth 26,280 on demand).
    let pools = [pool("a", 1.0)];
    let usage = usage_of(3 * YEAR, &pools, |_, h| if h < YEAR { 3.0 } else { 0.0 });
    let problem = Problem {
        usage,
        instruments: vec![termed("3y", 3, 0.5, &[("a", 1.0)])],
        existing: vec![],
    };
    let params = CommitmentParams::default();
    let plan = params.evaluate(&problem, &[3.0]).unwrap();
    assert!((plan.summary.expected_cost - 39_420.0).abs() < 1e-6);
    assert!((plan.purchases[0].savings - (26_280.0 - 39_420.0)).abs() < 1e-6);
    // And the optimizer does not buy it (0.5 * 3 years > 1 year of on demand).
    assert!(params.solve(&problem).unwrap().quantities[0] < 1e-6);
}

/// Two years of sparse usage (about one hour in 200 used, so the full program stays small)
/// in two pools and two scenarios.
fn sparse_case() -> impl Strategy<Value = (Vec<f64>, f64, f64, bool)> {
    (
        proptest::collection::vec(0.0f64..10.0, 4 * 90),
        0.45f64..0.9,
        0.5f64..0.95,
        any::<bool>(),
    )
}

fn sparse_usage(values: &[f64], zero_after_year_one: bool) -> Usage {
    let hours = 2 * YEAR;
    let mut all = vec![0.0; 2 * 2 * hours];
    for (k, v) in values.iter().enumerate() {
        // Series k % 4 (pool, scenario), used hour spread over the two years.
        let series = k % 4;
        let hour = (k / 4) * (hours / 90) + 37 * series;
        if zero_after_year_one && hour >= YEAR {
            continue;
        }
        all[series * hours + hour] = *v;
    }
    Usage::new(vec![pool("a", 1.0), pool("b", 1.5)], hours, 2, all).unwrap()
}

fn sparse_offers(ri: f64, sp: f64) -> Vec<Instrument> {
    vec![
        termed("ri a 1y", 1, ri, &[("a", 1.0)]),
        termed("ri a 3y", 3, ri * 0.8, &[("a", 1.0)]),
        termed("ri b 1y", 1, ri * 1.5, &[("b", 1.0)]),
        instrument(
            "sp 1y",
            OfferKind::SavingsPlanCompute,
            1.0,
            &[("a", sp), ("b", sp * 1.5)],
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// Without sampling, the program's objective is the plan's cost billed on every hour (no
    /// owned commitments; one Savings Plan, so the bill's allocation is optimal), renewals and
    /// ladders included; and evaluating the plan's quantities and renewals gives it back.
    #[test]
    fn objective_equals_the_bill_on_unsampled_problems(
        (values, ri, sp, ladder) in sparse_case()
    ) {
        let problem = Problem {
            usage: sparse_usage(&values, false),
            instruments: sparse_offers(ri, sp),
            existing: vec![],
        };
        let mut params = CommitmentParams::default().cost_of_capital(0.0);
        if ladder {
            params = params.ladder(2, 4380);
        }
        let plan = params.solve(&problem).unwrap();
        prop_assert_eq!(plan.summary.sampled_hours, 2 * 2 * YEAR);
        let cost = plan.summary.expected_cost;
        prop_assert!((plan.summary.objective - cost).abs() <= 1e-6 * cost.max(1.0),
            "objective {} vs billed {}", plan.summary.objective, cost);
        let renewals: Vec<f64> = plan.renewals.iter().map(|r| r.quantity).collect();
        let again = params
            .evaluate_with_renewals(&problem, &plan.quantities, &renewals)
            .unwrap();
        prop_assert!((again.summary.expected_cost - cost).abs() <= 1e-9 * cost.max(1.0));
        // Planned renewals only ever lower the cost of the same purchase now.
        let without = params.evaluate(&problem, &plan.quantities).unwrap();
        prop_assert!(without.summary.expected_cost >= cost - 1e-6 * cost.max(1.0));
    }

    /// Usage that stops after year 1 never gets a renewal.
    #[test]
    fn renewals_are_never_bought_when_usage_stops_after_year_one(
        (values, ri, sp, ladder) in sparse_case()
    ) {
        let problem = Problem {
            usage: sparse_usage(&values, true),
            instruments: sparse_offers(ri, sp),
            existing: vec![],
        };
        let mut params = CommitmentParams::default();
        if ladder {
            params = params.ladder(3, 730);
        }
        let plan = params.solve(&problem).unwrap();
        prop_assert!(plan.renewals.iter().all(|r| r.quantity == 0.0), "{:?}", plan.renewals);
        prop_assert!(plan.purchases.iter().all(|p| p.timing == "now"));
        prop_assert_eq!(plan.summary.planned_upfront, 0.0);
    }
}
