//! Tests of the optimizer: the newsvendor quantile, optimality against brute force, owned
//! commitments, Savings Plan allocation, options and bad input.

use proptest::prelude::*;

use super::apply::evaluate;
use super::*;
use crate::optimize::catalog::{OfferKind, Payment};

pub(super) fn pool(id: &str, on_demand: f64) -> Pool {
    Pool {
        id: id.into(),
        on_demand,
    }
}

/// A no-upfront instrument at `hourly` per commitment unit covering `scope`.
pub(super) fn instrument(
    name: &str,
    kind: OfferKind,
    hourly: f64,
    scope: &[(&str, f64)],
) -> Instrument {
    Instrument {
        name: name.into(),
        kind,
        term_years: 1,
        payment: Payment::NoUpfront,
        upfront: 0.0,
        hourly,
        scope: scope
            .iter()
            .map(|(pool, rate)| Coverage {
                pool: (*pool).into(),
                rate: *rate,
            })
            .collect(),
    }
}

fn expected_cost(problem: &Problem, quantities: &[f64]) -> f64 {
    CommitmentParams::default()
        .cost_of_capital(0.0)
        .evaluate(problem, quantities)
        .unwrap()
        .summary
        .expected_cost
}

#[test]
fn newsvendor_quantile_by_hand() {
    // Ten hours of usage; a reservation at 25 % discount (0.75 per unit-hour, on demand 1.0).
    // Newsvendor: the cost of c is 0.75 c per hour plus E[(U - c)+], slope 0.75 - P(U > c).
    // Sorted usage 2, 3, 5, 7, 8, 11, 13, 17, 19, 23: for c in [3, 5) P(U > c) = 0.8 (slope
    // < 0), for c in [5, 7) P(U > c) = 0.7 (slope > 0): c* = 5 = F^-1(0.25), the
    // ceil(0.25 * 10) = 3rd smallest value, unique because 0.25 * 10 is not an integer.
    let values = vec![7.0, 2.0, 13.0, 5.0, 19.0, 3.0, 11.0, 23.0, 8.0, 17.0];
    let usage = Usage::new(vec![pool("p", 1.0)], 10, 1, values).unwrap();
    let ri = instrument("ri", OfferKind::ReservedStandard, 0.75, &[("p", 1.0)]);
    let problem = Problem {
        usage,
        instruments: vec![ri],
        existing: vec![],
    };
    let plan = CommitmentParams::default().solve(&problem).unwrap();
    assert!(
        (plan.quantities[0] - 5.0).abs() < 1e-5,
        "{:?}",
        plan.quantities
    );
    // Cost by hand: 10 h * 0.75 * 5 = 37.5 plus (7-5)+(13-5)+(19-5)+(11-5)+(23-5)+(8-5)+(17-5)
    // = 2+8+14+6+18+3+12 = 63 -> 100.5; on demand 108 -> savings 7.5.
    assert!((plan.summary.expected_cost - 100.5).abs() < 1e-4);
    assert!((plan.summary.on_demand_cost - 108.0).abs() < 1e-9);
    assert!((plan.summary.savings - 7.5).abs() < 1e-4);
    assert_eq!(plan.purchases.len(), 1);
    assert_eq!(plan.purchases[0].break_even_month, Some(1));
}

#[test]
fn newsvendor_quantile_over_scenarios_and_savings_plan_units() {
    // The same newsvendor through a Savings Plan in dollars: on demand 2.0 per unit-hour,
    // plan rate 1.3 per unit-hour (d = 35 % off), commitment $c/h covers c/1.3 units. Usage
    // is two scenarios of 5 hours, 1..=10 units. Cost slope in units q: 1.3 - 2 P(U > q),
    // zero at P(U > q) = 0.65: for q in [3, 4) P = 0.7 (slope < 0), for q in [4, 5) P = 0.6
    // (slope > 0): q* = 4 = F^-1(0.35) units -> $5.2 per hour.
    let values: Vec<f64> = (1..=10).map(f64::from).collect();
    let usage = Usage::new(vec![pool("p", 2.0)], 5, 2, values).unwrap();
    let sp = instrument("sp", OfferKind::SavingsPlanCompute, 1.0, &[("p", 1.3)]);
    let problem = Problem {
        usage,
        instruments: vec![sp],
        existing: vec![],
    };
    let plan = CommitmentParams::default().solve(&problem).unwrap();
    assert!(
        (plan.quantities[0] - 5.2).abs() < 1e-4,
        "{:?}",
        plan.quantities
    );
}

#[test]
fn savings_plan_covers_the_highest_discount_first() {
    // One hour, two pools of 10 units at $1; a compute plan priced 0.5 in pool a (50 % off)
    // and 0.8 in pool b (20 % off). A $5 commitment covers all of a and none of b.
    let usage = Usage::new(vec![pool("a", 1.0), pool("b", 1.0)], 1, 1, vec![10.0, 10.0]).unwrap();
    let sp = instrument(
        "sp",
        OfferKind::SavingsPlanCompute,
        1.0,
        &[("b", 0.8), ("a", 0.5)],
    );
    let resolved = problem::resolve(&sp, &usage, "offers").unwrap();
    let slots = [Slot {
        scope: resolved.scope,
        quantity: 5.0,
        activity: Activity {
            start: 0,
            tranches: 1,
            spacing: 1,
            length: 10,
        },
    }];
    let evaluation = evaluate(&usage, &slots);
    assert!((evaluation.uncovered[0] - 10.0).abs() < 1e-12);
    // The optimizer buys exactly that: every dollar covers $2 of a; in b only $1.25 per
    // dollar, still worth it at break-even 0.8 for usage that is always there.
    let problem = Problem {
        usage,
        instruments: vec![sp],
        existing: vec![],
    };
    let plan = CommitmentParams::default().solve(&problem).unwrap();
    assert!(
        (plan.quantities[0] - 13.0).abs() < 1e-4,
        "{:?}",
        plan.quantities
    );
}

#[test]
fn owned_commitments_reduce_purchases() {
    let values: Vec<f64> = (0..24).map(|h| 10.0 + (h % 6) as f64).collect();
    let usage = Usage::new(vec![pool("p", 1.0)], 24, 1, values).unwrap();
    let ri = instrument("ri", OfferKind::ReservedStandard, 0.6, &[("p", 1.0)]);
    let mut problem = Problem {
        usage,
        instruments: vec![ri.clone()],
        existing: vec![],
    };
    let without = CommitmentParams::default().solve(&problem).unwrap();
    problem.existing.push(Existing {
        instrument: ri.clone(),
        quantity: 8.0,
        end_hour: 24,
    });
    let with = CommitmentParams::default().solve(&problem).unwrap();
    assert!(
        (without.quantities[0] - with.quantities[0] - 8.0).abs() < 1e-4,
        "{} vs {}",
        without.quantities[0],
        with.quantities[0]
    );
    // Expired before the horizon: no effect.
    problem.existing[0].end_hour = 0;
    let expired = CommitmentParams::default().solve(&problem).unwrap();
    assert!((expired.quantities[0] - without.quantities[0]).abs() < 1e-4);
    // Coverage before the purchase is the owned share.
    assert!(with.monthly[0].coverage_before > 0.5);
    assert!(with.monthly[0].coverage_after >= with.monthly[0].coverage_before);
}

#[test]
fn options_budget_coverage_cvar_and_ladder() {
    let values: Vec<f64> = (0..48).map(|h| 10.0 + ((h * 7) % 11) as f64).collect();
    let usage = Usage::new(vec![pool("p", 1.0)], 24, 2, values).unwrap();
    let mut all_up = instrument("ri", OfferKind::ReservedStandard, 0.0, &[("p", 1.0)]);
    all_up.payment = Payment::AllUpfront;
    all_up.upfront = 0.6 * 8760.0;
    let problem = Problem {
        usage,
        instruments: vec![all_up],
        existing: vec![],
    };
    let free = CommitmentParams::default().solve(&problem).unwrap();
    assert!(free.quantities[0] > 10.0);
    let budget = CommitmentParams::default()
        .max_upfront(0.6 * 8760.0 * 5.0)
        .solve(&problem)
        .unwrap();
    assert!((budget.quantities[0] - 5.0).abs() < 1e-4);
    assert!((budget.summary.upfront - 0.6 * 8760.0 * 5.0).abs() < 1e-2);
    let covered = CommitmentParams::default()
        .min_coverage(0.99)
        .solve(&problem)
        .unwrap();
    assert!(covered.quantities[0] > free.quantities[0]);
    let cvar = CommitmentParams::default()
        .risk(Risk::Cvar(0.9))
        .solve(&problem)
        .unwrap();
    assert!(cvar.summary.cost_p90 <= free.summary.cost_p90 + 1e-6);
    let ladder = CommitmentParams::default()
        .ladder(3, 8)
        .solve(&problem)
        .unwrap();
    assert_eq!(ladder.purchases[0].tranches, 3);
    assert!(ladder.summary.expected_cost >= free.summary.expected_cost - 1e-6);
    // Coverage bounds that contradict the budget: a clear error.
    let err = CommitmentParams::default()
        .max_upfront(0.0)
        .min_coverage(0.9)
        .solve(&problem)
        .unwrap_err();
    assert!(err.to_string().contains("constraints"), "{err}");
}

#[test]
fn zero_usage_and_no_offers_give_empty_plans() {
    let usage = Usage::new(vec![pool("p", 1.0)], 3, 1, vec![0.0; 3]).unwrap();
    let ri = instrument("ri", OfferKind::ReservedStandard, 0.6, &[("p", 1.0)]);
    let plan = CommitmentParams::default()
        .solve(&Problem {
            usage: usage.clone(),
            instruments: vec![ri],
            existing: vec![],
        })
        .unwrap();
    assert!(plan.purchases.is_empty());
    assert_eq!(plan.summary.on_demand_cost, 0.0);
    let plan = CommitmentParams::default()
        .solve(&Problem {
            usage,
            instruments: vec![],
            existing: vec![],
        })
        .unwrap();
    assert!(plan.purchases.is_empty());
}

#[test]
fn bad_input_is_named() {
    let err = Usage::new(vec![pool("p", 1.0)], 2, 1, vec![1.0, f64::NAN]).unwrap_err();
    assert!(
        err.to_string().contains("pool 'p', scenario 0, hour 1"),
        "{err}"
    );
    let usage = Usage::new(vec![pool("p", 1.0)], 2, 1, vec![1.0, 2.0]).unwrap();
    let elsewhere = instrument("ri eu", OfferKind::ReservedStandard, 0.6, &[("q", 1.0)]);
    let err = CommitmentParams::default()
        .solve(&Problem {
            usage,
            instruments: vec![elsewhere],
            existing: vec![],
        })
        .unwrap_err();
    assert!(err.to_string().contains("'ri eu' covers pool 'q'"), "{err}");
    assert!(CommitmentParams::default()
        .min_coverage(1.5)
        .check()
        .is_err());
    assert!(CommitmentParams::default()
        .risk(Risk::Cvar(1.0))
        .check()
        .is_err());
    assert!(CommitmentParams::default().ladder(0, 730).check().is_err());
}

fn small_case() -> impl Strategy<Value = (Vec<f64>, f64, f64, f64)> {
    (
        proptest::collection::vec(0.0f64..10.0, 12),
        0.4f64..0.9,
        0.4f64..0.9,
        0.5f64..0.95,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// On small cases (two pools, six hours, three instruments: a reservation per pool and a
    /// compute plan over both) the optimizer's expected cost is never above that of any
    /// portfolio on a grid of 9^3 quantities.
    #[test]
    fn optimum_beats_every_grid_portfolio((values, ri_a, ri_b, sp_rate) in small_case()) {
        let usage = Usage::new(vec![pool("a", 1.0), pool("b", 1.5)], 6, 1, values).unwrap();
        let problem = Problem {
            usage,
            instruments: vec![
                instrument("ri a", OfferKind::ReservedStandard, ri_a, &[("a", 1.0)]),
                instrument("ri b", OfferKind::ReservedStandard, ri_b * 1.5, &[("b", 1.0)]),
                instrument("sp", OfferKind::SavingsPlanCompute, 1.0, &[("a", sp_rate), ("b", sp_rate * 1.5)]),
            ],
            existing: vec![],
        };
        let plan = CommitmentParams::default().cost_of_capital(0.0).solve(&problem).unwrap();
        let best = expected_cost(&problem, &plan.quantities);
        prop_assert!((best - plan.summary.expected_cost).abs() < 1e-6 * best.max(1.0));
        let grid: Vec<f64> = (0..9).map(|k| k as f64 * 1.25).collect();
        for &a in &grid {
            for &b in &grid {
                for &s in &grid {
                    let other = expected_cost(&problem, &[a, b, s * 1.5]);
                    prop_assert!(best <= other + 1e-5 * other.max(1.0), "{best} > {other} at {a} {b} {s}");
                }
            }
        }
    }
}

#[test]
fn backtest_ranks_hindsight_first() {
    // Eight weeks of a daily cycle with a step up after week 4; buy after week 5.
    let hours = 24 * 7 * 8;
    let values: Vec<f64> = (0..hours)
        .map(|h| {
            10.0 + 5.0 * f64::from(u8::from(h % 24 < 12)) + if h > 24 * 7 * 4 { 4.0 } else { 0.0 }
        })
        .collect();
    let history = Usage::new(vec![pool("p", 1.0)], hours, 1, values).unwrap();
    let instruments = vec![
        instrument("ri", OfferKind::ReservedStandard, 0.6, &[("p", 1.0)]),
        instrument("sp", OfferKind::SavingsPlanCompute, 1.0, &[("p", 0.7)]),
    ];
    for scenarios in [
        Scenarios::Bootstrap { paths: 5 },
        Scenarios::Forecast { paths: 5 },
    ] {
        let mut params = BacktestParams::new(24 * 7 * 5, 24 * 7 * 3);
        params.scenarios = scenarios;
        let result = backtest(&history, &instruments, &[], &params).unwrap();
        let names: Vec<&str> = result.rows.iter().map(|r| r.policy.as_str()).collect();
        assert_eq!(
            names,
            ["capcast", "cost_explorer", "hindsight", "on_demand"]
        );
        for row in &result.rows {
            assert!(row.regret >= -1e-6 * row.realised_cost, "{row:?}");
            assert_eq!(row.monthly_cost.len(), 1);
        }
        // Buying something beats buying nothing on steady usage.
        assert!(result.rows[0].realised_cost < result.rows[3].realised_cost);
    }
    let err = backtest(&history, &instruments, &[], &BacktestParams::new(10, 100)).unwrap_err();
    assert!(err.to_string().contains("buy_hour"), "{err}");
}

#[test]
fn catalog_offers_become_instruments() {
    use crate::optimize::catalog::{Architecture, Catalog, Instance, Offer, Provider};
    let offer = |kind, payment, upfront, hourly| Offer {
        kind,
        term_years: 1,
        payment,
        upfront,
        hourly,
    };
    let instance = |family: &str, vcpu: f64, od: f64| Instance {
        provider: Provider::Aws,
        region: "us-east-1".into(),
        instance_type: format!("{family}.medium"), // factor 2 = its 2 vCPUs
        family: family.into(),
        generation: None,
        architecture: Architecture::X86_64,
        vcpu,
        memory_gib: 8.0,
        burstable: false,
        on_demand_hourly: od,
        currency: "USD".into(),
        offers: vec![
            offer(
                OfferKind::ReservedStandard,
                Payment::AllUpfront,
                od * 0.55 * 8760.0,
                0.0,
            ),
            offer(
                OfferKind::SavingsPlanCompute,
                Payment::NoUpfront,
                0.0,
                od * 0.7,
            ),
        ],
    };
    let catalog = Catalog {
        instances: vec![instance("m6i", 2.0, 0.096), instance("c6i", 2.0, 0.085)],
        source: "test".into(),
    };
    let keys: Vec<PoolKey> = ["m6i", "c6i"]
        .iter()
        .map(|f| PoolKey {
            id: format!("{f}/us-east-1"),
            provider: Provider::Aws,
            region: "us-east-1".into(),
            family: (*f).into(),
            resource: PoolResource::Instances,
        })
        .collect();
    let (pools, instruments) = instruments_from_catalog(&catalog, &keys).unwrap();
    assert!((pools[0].on_demand - 0.048).abs() < 1e-12);
    // One reservation per pool, one compute plan over both.
    assert_eq!(instruments.len(), 3);
    let sp = instruments.iter().find(|i| i.scope.len() == 2).unwrap();
    assert!((sp.scope[0].rate - 0.048 * 0.7).abs() < 1e-12);
    assert_eq!(sp.hourly, 1.0);
    let ri = &instruments[0];
    assert!((ri.upfront - 0.048 * 0.55 * 8760.0).abs() < 1e-9);
    let missing = PoolKey {
        family: "r7g".into(),
        resource: PoolResource::Instances,
        ..keys[0].clone()
    };
    assert!(instruments_from_catalog(&catalog, &[missing]).is_err());
}

/// 2026-01-31 00:00 UTC.
const JAN_31_2026: i64 = 1_769_817_600_000_000;

#[test]
fn dated_usage_reports_calendar_months_and_undated_usage_730_hour_blocks() {
    let pool = Pool {
        id: "p".into(),
        on_demand: 1.0,
    };
    // 31 January, all of February (672 hours), 1 March.
    let hours = 24 + 672 + 24;
    let undated = Usage::new(vec![pool], hours, 1, vec![2.0; hours]).unwrap();
    assert_eq!(undated.month_starts(), &[0]);
    let dated = undated.clone().starting_at(JAN_31_2026);
    assert_eq!(dated.month_starts(), &[0, 24, 696]);
    assert_eq!(
        (dated.month_of(23), dated.month_of(24), dated.month_of(719)),
        (0, 1, 2)
    );
    // A start inside an hour: February begins at the first whole hour after its midnight.
    let late = undated
        .clone()
        .starting_at(JAN_31_2026 + 10 * 3_600_000_000 + 1_800_000_000);
    assert_eq!(late.month_starts()[1], 14);
    // A window keeps the calendar.
    assert_eq!(dated.window(20, 720).unwrap().month_starts(), &[0, 4, 676]);

    let ri = Instrument {
        name: "ri".into(),
        kind: OfferKind::ReservedStandard,
        term_years: 1,
        payment: Payment::NoUpfront,
        upfront: 0.0,
        hourly: 0.5,
        scope: vec![Coverage {
            pool: "p".into(),
            rate: 1.0,
        }],
    };
    let problem = Problem {
        usage: dated,
        instruments: vec![ri],
        existing: vec![],
    };
    let plan = CommitmentParams::default().solve(&problem).unwrap();
    let starts: Vec<(usize, Option<i64>)> = plan
        .monthly
        .iter()
        .map(|m| (m.start_hour, m.start_us))
        .collect();
    let feb_1 = JAN_31_2026 + 24 * 3_600_000_000;
    let mar_1 = feb_1 + 672 * 3_600_000_000;
    assert_eq!(
        starts,
        [
            (0, Some(JAN_31_2026)),
            (24, Some(feb_1)),
            (696, Some(mar_1))
        ]
    );
    // February's eligible value is its 672 hours of 2 units at $1.
    assert!((plan.monthly[1].eligible_on_demand - 1344.0).abs() < 1e-9);
    let plan = CommitmentParams::default()
        .solve(&Problem {
            usage: undated,
            ..problem
        })
        .unwrap();
    assert_eq!(plan.monthly.len(), 1);
    assert_eq!(plan.monthly[0].start_us, None);
}
