//! The optimizer's answer: what to buy now (and which renewals it plans), what it is expected
//! to cost and save, how coverage and utilization develop month by month, and what it assumes
//! about years the scenarios do not cover.

use super::apply::Evaluation;
use super::billing::HOUR_US;
use super::problem::Usage;

/// One instrument to buy.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Purchase {
    /// The instrument's name.
    pub instrument: String,
    /// Its kind, as the catalog spells it (`reserved_standard`, `savings_plan_compute`, ...).
    pub kind: String,
    /// Term in years.
    pub term_years: u8,
    /// Payment option (`no_upfront`, `partial_upfront`, `all_upfront`).
    pub payment: String,
    /// The pool it covers, `all`, or the pools joined by `,`.
    pub scope: String,
    /// `now` (buy now) or `planned` (a renewal the plan counts on at `start_hour`; decide it
    /// again then).
    pub timing: String,
    /// The hour (from the start of the usage) its first tranche starts: 0 for `now`.
    pub start_hour: usize,
    /// The 1-based month it starts in ([`Month`]).
    pub start_month: usize,
    /// Commitment units to buy (units of the pool for a reservation, dollars per hour of
    /// commitment for a Savings Plan), all tranches together.
    pub quantity: f64,
    /// The hourly commitment: recurring fee plus upfront spread evenly over the term, per hour.
    pub hourly_commitment: f64,
    /// The upfront payment, all tranches together.
    pub upfront: f64,
    /// Tranches the quantity is split into (1: all now).
    pub tranches: usize,
    /// Expected share of the commitment used over the horizon.
    pub utilization: f64,
    /// Expected on-demand cost it avoids minus what it costs, over the horizon.
    pub savings: f64,
    /// The first month (1-based) at whose end the cumulative savings pay back the upfront and
    /// fees; `None` when that does not happen within the horizon.
    pub break_even_month: Option<usize>,
}

/// Totals over the horizon, expected (mean over scenarios) with P10 and P90.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Hours in the horizon.
    pub hours: usize,
    /// Scenarios.
    pub scenarios: usize,
    /// Scenario-hours the linear program used (all of them unless sampled).
    pub sampled_hours: usize,
    /// Cost of all eligible usage at on-demand prices.
    pub on_demand_cost: f64,
    /// Cost with owned commitments only (their fees plus the rest on demand).
    pub cost_without_purchase: f64,
    /// Expected cost with the purchases: owned and new commitments (upfront annuitised at the
    /// cost of capital) plus the usage left on demand.
    pub expected_cost: f64,
    /// 10th percentile of cost across scenarios.
    pub cost_p10: f64,
    /// 90th percentile of cost across scenarios.
    pub cost_p90: f64,
    /// `on_demand_cost - expected_cost`.
    pub savings: f64,
    /// 10th percentile of savings across scenarios.
    pub savings_p10: f64,
    /// 90th percentile of savings across scenarios.
    pub savings_p90: f64,
    /// Effective savings rate: savings over the on-demand cost.
    pub esr: f64,
    /// 10th percentile of the ESR across scenarios.
    pub esr_p10: f64,
    /// 90th percentile of the ESR across scenarios.
    pub esr_p90: f64,
    /// Upfront payments of the purchases bought now.
    pub upfront: f64,
    /// Upfront payments of the planned renewals (paid when each starts).
    pub planned_upfront: f64,
    /// The linear program's optimal objective (on the sample; purchases plus on-demand usage,
    /// owned commitments excluded; the CVaR when risk is CVaR).
    pub objective: f64,
    /// Seconds spent building and solving the program.
    pub solve_seconds: f64,
    /// What the plan assumes about the horizon, in words: terms longer than the scenarios
    /// (judged on the horizon, later years assumed like it), tranches running past it,
    /// planned renewals. Empty when the scenarios cover every term.
    pub assumptions: Vec<String>,
}

/// One month of the horizon: a calendar month (UTC) when the usage is dated
/// ([`super::Usage::starting_at`]), else 730 hours; the first and last may be partial.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Month {
    /// 1-based month.
    pub month: usize,
    /// Its first hour, counted from the first hour of the horizon.
    pub start_hour: usize,
    /// When it starts (microseconds, UTC) when the usage is dated.
    pub start_us: Option<i64>,
    /// Expected on-demand value of eligible usage.
    pub eligible_on_demand: f64,
    /// Coverage with owned commitments only.
    pub coverage_before: f64,
    /// Coverage with owned and new commitments.
    pub coverage_after: f64,
    /// Utilization of owned commitments without the purchase (NaN when none are in force).
    pub utilization_before: f64,
    /// Utilization of owned and new commitments (NaN when none are in force).
    pub utilization_after: f64,
    /// Expected cost of the month with the purchase: commitment fees (upfront annuitised)
    /// plus usage left on demand.
    pub cost_after: f64,
}

/// The optimizer's result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CommitmentPlan {
    /// What to buy (quantities above a tiny tolerance), in instrument order.
    pub purchases: Vec<Purchase>,
    /// Totals.
    pub summary: Summary,
    /// Coverage and utilization per month.
    pub monthly: Vec<Month>,
    /// The optimal quantity of every instrument offered bought now, in the order given (zeros
    /// included).
    pub quantities: Vec<f64>,
    /// Every renewal the program could plan (instruments whose term ends inside the horizon,
    /// at each later term boundary), zeros included.
    pub renewals: Vec<Renewal>,
}

/// A planned renewal of an instrument: more of it bought when a term ends inside the horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Renewal {
    /// Index of the instrument in [`super::Problem::instruments`].
    pub instrument: usize,
    /// The hour (from the start of the usage) it starts.
    pub start_hour: usize,
    /// Commitment units planned (0 when not worth it).
    pub quantity: f64,
}

/// The `q`-quantile (0..=1) of `values` by linear interpolation (NaN when empty).
pub(crate) fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q * (sorted.len() - 1) as f64;
    let low = position.floor() as usize;
    let high = position.ceil() as usize;
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Monthly rows from the evaluations without and with the purchase, over the months of
/// `usage`.
pub(crate) fn months(
    before: &Evaluation,
    after: &Evaluation,
    fees: &[f64],
    usage: &Usage,
) -> Vec<Month> {
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    before
        .months
        .iter()
        .zip(&after.months)
        .enumerate()
        .map(|(m, (b, a))| Month {
            month: m + 1,
            start_hour: usage.month_starts().get(m).copied().unwrap_or(0),
            start_us: usage
                .start_us()
                .map(|s| s + usage.month_starts().get(m).copied().unwrap_or(0) as i64 * HOUR_US),
            eligible_on_demand: a.eligible,
            coverage_before: if b.eligible > 0.0 {
                b.covered / b.eligible
            } else {
                0.0
            },
            coverage_after: if a.eligible > 0.0 {
                a.covered / a.eligible
            } else {
                0.0
            },
            utilization_before: ratio(b.used, b.available),
            utilization_after: ratio(a.used, a.available),
            cost_after: a.eligible - a.covered + fees.get(m).copied().unwrap_or(0.0),
        })
        .collect()
}

/// The break-even month of a purchase: cumulative covered on-demand value minus upfront and
/// fees paid so far first reaches 0 (cash basis).
pub(crate) fn break_even(
    monthly: &[(f64, f64)],
    upfront: f64,
    hourly_fee: f64,
    active_hours: &[f64],
) -> Option<usize> {
    let mut cumulative = -upfront;
    for (m, ((value, _), hours)) in monthly.iter().zip(active_hours).enumerate() {
        cumulative += value - hourly_fee * hours;
        if cumulative >= -1e-9 * upfront.max(1.0) {
            return Some(m + 1);
        }
    }
    None
}

/// Hours in force per month of `usage` of a quantity share function.
pub(crate) fn active_hours_per_month(share: impl Fn(usize) -> f64, usage: &Usage) -> Vec<f64> {
    let mut out = vec![0.0; usage.month_starts().len()];
    for hour in 0..usage.hours() {
        out[usage.month_of(hour)] += share(hour);
    }
    out
}
