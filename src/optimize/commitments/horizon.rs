//! The horizon rules: which decisions the program makes (each instrument bought now, plus
//! planned renewals of the shorter terms at later term boundaries) and which assumptions the
//! plan rests on when the usage scenarios are shorter than a term.
//!
//! - A commitment is in force only during its term, from its purchase (each ladder tranche
//!   from its own start), and costs its fees over that term whatever the usage does then: a
//!   3-year reservation judged on 3-year scenarios pays for idle years 2 and 3.
//! - So that a 1-year instrument competes fairly with a 3-year one on a multi-year horizon,
//!   every instrument whose term ends inside the horizon may be *renewed*: one more decision
//!   variable per later term boundary (a 1-year instrument: at hours 8,760, 17,520, ...),
//!   free and non-negative, not tied to the quantity bought now. Renewals are planned, not
//!   bought now, and reported apart.
//! - A term (or a ladder tranche, or a renewal) reaching past the horizon counts only its hours
//!   within the horizon: the years beyond are assumed to look like the horizon. The plan
//!   states this in its assumptions.

use super::apply::Activity;
use super::problem::Instrument;

/// Hours in a 365-day year.
const YEAR_HOURS: usize = 8760;

/// One decision of the program: instrument `instrument` bought at hour `start` (0: now,
/// later: a planned renewal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub instrument: usize,
    pub start: usize,
}

impl Decision {
    /// A planned renewal (not bought now).
    pub fn planned(&self) -> bool {
        self.start > 0
    }
}

/// The decisions on a horizon of `hours`: every instrument now (in instrument order, so
/// decision `i < instruments.len()` is instrument `i` bought now), then each instrument's
/// renewals at the multiples of its term inside the horizon.
pub(crate) fn decisions(instruments: &[Instrument], hours: usize) -> Vec<Decision> {
    let mut out: Vec<Decision> = (0..instruments.len())
        .map(|instrument| Decision {
            instrument,
            start: 0,
        })
        .collect();
    for (instrument, offer) in instruments.iter().enumerate() {
        let term = offer.term_hours();
        if term == 0 {
            continue;
        }
        out.extend(
            (1..)
                .map(|k| k * term)
                .take_while(|&start| start < hours)
                .map(|start| Decision { instrument, start }),
        );
    }
    out
}

/// When a decision is in force: its ladder from its start, each tranche for the term.
pub(crate) fn activity(
    decision: &Decision,
    instrument: &Instrument,
    ladder: usize,
    spacing: usize,
) -> Activity {
    Activity {
        start: decision.start,
        tranches: ladder,
        spacing,
        length: instrument.term_hours(),
    }
}

/// `8760` as `8,760`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `a` or `an` before the number `n` read aloud (`an 8,760`, `an 11,000`, `a 17,520`).
fn article(n: usize) -> &'static str {
    let text = thousands(n);
    let lead = text.split(',').next().unwrap_or("");
    if lead.starts_with('8') || lead == "11" || lead == "18" {
        "an"
    } else {
        "a"
    }
}

/// What the plan assumes about the horizon, in words (empty when the scenarios cover every
/// term and nothing runs past them).
pub(crate) fn assumptions(
    instruments: &[Instrument],
    decisions: &[Decision],
    activities: &[Activity],
    hours: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    if hours == 0 {
        return out;
    }
    let mut long: Vec<u8> = instruments
        .iter()
        .filter(|i| i.term_hours() > hours)
        .map(|i| i.term_years)
        .collect();
    long.sort_unstable();
    long.dedup();
    for years in long {
        out.push(format!(
            "{years}-year instruments judged on {} {}-hour horizon: years beyond it assumed \
             like the horizon",
            article(hours),
            thousands(hours)
        ));
    }
    let past = decisions
        .iter()
        .zip(activities)
        .filter(|(d, a)| instruments[d.instrument].term_hours() <= hours && a.end() > hours)
        .count();
    if past > 0 {
        out.push(format!(
            "{past} ladder tranches or renewals run past the {}-hour horizon: only their hours \
             within it are counted, the rest of their term assumed like the horizon",
            thousands(hours)
        ));
    }
    let mut renewed: Vec<u8> = decisions
        .iter()
        .filter(|d| d.planned())
        .map(|d| instruments[d.instrument].term_years)
        .collect();
    renewed.sort_unstable();
    renewed.dedup();
    for years in renewed {
        let every = if years == 1 {
            "each year boundary".to_string()
        } else {
            format!("each {years}-year boundary")
        };
        out.push(format!(
            "{years}-year instruments may be renewed at {every} within the {}-hour horizon \
             ({} years): renewals are planned, not bought now, at today's prices",
            thousands(hours),
            format_years(hours)
        ));
    }
    out
}

/// Hours as years with up to one decimal (`26280` -> `3`, `13140` -> `1.5`).
fn format_years(hours: usize) -> String {
    let years = hours as f64 / YEAR_HOURS as f64;
    let rounded = (years * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::catalog::{OfferKind, Payment};

    fn offer(years: u8) -> Instrument {
        Instrument {
            name: format!("{years}y"),
            kind: OfferKind::ReservedStandard,
            term_years: years,
            payment: Payment::NoUpfront,
            upfront: 0.0,
            hourly: 0.5,
            scope: vec![],
        }
    }

    #[test]
    fn renewals_at_term_boundaries_inside_the_horizon() {
        let offers = [offer(1), offer(3)];
        let d = decisions(&offers, 3 * YEAR_HOURS);
        let starts: Vec<(usize, usize)> = d.iter().map(|d| (d.instrument, d.start)).collect();
        assert_eq!(
            starts,
            vec![(0, 0), (1, 0), (0, YEAR_HOURS), (0, 2 * YEAR_HOURS)]
        );
        // A one-year horizon: nothing to renew.
        assert_eq!(decisions(&offers, YEAR_HOURS).len(), 2);
        // Half a year into year 2 still starts a renewal (counted within the horizon only).
        assert_eq!(decisions(&offers, YEAR_HOURS + 1).len(), 3);
    }

    #[test]
    fn assumptions_name_short_horizons() {
        let offers = [offer(1), offer(3)];
        let d = decisions(&offers, YEAR_HOURS);
        let a: Vec<Activity> = d
            .iter()
            .map(|x| activity(x, &offers[x.instrument], 1, 730))
            .collect();
        let notes = assumptions(&offers, &d, &a, YEAR_HOURS);
        assert_eq!(
            notes,
            vec![
                "3-year instruments judged on an 8,760-hour horizon: years beyond it assumed \
                 like the horizon"
                    .to_string()
            ]
        );
        let d = decisions(&offers, 3 * YEAR_HOURS);
        let a: Vec<Activity> = d
            .iter()
            .map(|x| activity(x, &offers[x.instrument], 1, 730))
            .collect();
        let notes = assumptions(&offers, &d, &a, 3 * YEAR_HOURS);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("1-year instruments may be renewed at each year boundary"));
        assert_eq!(thousands(26280), "26,280");
        assert_eq!(thousands(999), "999");
        assert_eq!(format_years(13140), "1.5");
        assert_eq!(article(17520), "a");
        assert_eq!(article(11000), "an");
    }
}
