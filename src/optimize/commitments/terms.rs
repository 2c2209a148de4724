//! The start and end dates of owned commitments where the bill states them.
//!
//! FOCUS 1.2 cost rows have no commitment dates, but the data around them often does:
//!
//! | source | columns (as the loaders keep them) |
//! |---|---|
//! | AWS legacy CUR | `x_reservation/StartTime`, `x_reservation/EndTime`, `x_savingsPlan/StartTime`, `x_savingsPlan/EndTime` |
//! | AWS CUR 2.0 | `x_reservation_start_time`, `x_reservation_end_time`, `x_savings_plan_start_time`, `x_savings_plan_end_time` |
//! | FOCUS 1.3 Contract Commitment dataset | `ContractCommitmentPeriodStart`, `ContractCommitmentPeriodEnd` of the `ContractCommitmentId` equal to the rows' `CommitmentDiscountId` |
//!
//! Dates are read per `CommitmentDiscountId`; when rows of one commitment disagree (an AWS
//! reservation modified mid-month), the earliest start and the latest end are kept. The
//! Contract Commitment dataset wins over cost-row columns, as the dataset made for it.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Position, Result};
use crate::series::parse_instant;

/// Dates of one commitment as the bill states them (microseconds since the epoch, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct StatedTerm {
    /// First hour covered, when stated.
    pub start_us: Option<i64>,
    /// First hour no longer covered, when stated.
    pub end_us: Option<i64>,
    /// Where the dates come from.
    pub source: &'static str,
}

/// Start and end columns of the AWS Cost and Usage Reports, as extension columns.
const CUR_COLUMNS: [(&str, &str, &str); 4] = [
    (
        "x_reservation/StartTime",
        "x_reservation/EndTime",
        "CUR reservation/EndTime",
    ),
    (
        "x_reservation_start_time",
        "x_reservation_end_time",
        "CUR reservation_end_time",
    ),
    (
        "x_savingsPlan/StartTime",
        "x_savingsPlan/EndTime",
        "CUR savingsPlan/EndTime",
    ),
    (
        "x_savings_plan_start_time",
        "x_savings_plan_end_time",
        "CUR savings_plan_end_time",
    ),
];

/// Instants of a text or datetime column (`None` where empty); an unreadable text names its
/// row, column and value.
fn instants(df: &DataFrame, name: &str) -> Result<Option<Vec<Option<i64>>>> {
    let Ok(column) = df.column(name) else {
        return Ok(None);
    };
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    match column.dtype() {
        DataType::Datetime(_, _) | DataType::Date => {
            let micros = column.cast(&utc)?.cast(&DataType::Int64)?;
            Ok(Some(micros.i64()?.iter().collect()))
        }
        _ => {
            let text = column.cast(&DataType::String)?;
            let mut out = Vec::with_capacity(df.height());
            for (row, value) in text.str()?.iter().enumerate() {
                let value = value.map(str::trim).filter(|v| !v.is_empty());
                out.push(match value {
                    None => None,
                    Some(v) => Some(parse_instant(v).ok_or_else(|| {
                        Error::data(
                            Position::default()
                                .row(row as u64 + 1)
                                .column(name)
                                .value(v),
                            "expected an ISO 8601 date/time (e.g. 2026-01-01T00:00:00Z)",
                        )
                    })?),
                });
            }
            Ok(Some(out))
        }
    }
}

fn ids(df: &DataFrame, name: &str) -> Result<Option<Vec<Option<String>>>> {
    let Ok(column) = df.column(name) else {
        return Ok(None);
    };
    let text = column.cast(&DataType::String)?;
    Ok(Some(
        text.str()?
            .iter()
            .map(|v| {
                v.map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            })
            .collect(),
    ))
}

fn widen(term: &mut StatedTerm, start: Option<i64>, end: Option<i64>) {
    if let Some(s) = start {
        term.start_us = Some(term.start_us.map_or(s, |t| t.min(s)));
    }
    if let Some(e) = end {
        term.end_us = Some(term.end_us.map_or(e, |t| t.max(e)));
    }
}

/// The commitment dates stated by `costs` (cost rows with their extension columns) and by
/// `contracts` (a FOCUS 1.3 Contract Commitment dataset), per `CommitmentDiscountId`
/// (module docs). Commitments with no stated date are absent.
///
/// # Errors
/// [`Error::Data`] naming the row, column and value of an unreadable date.
pub(crate) fn stated_terms(
    costs: &DataFrame,
    contracts: Option<&DataFrame>,
) -> Result<BTreeMap<String, StatedTerm>> {
    let mut terms: BTreeMap<String, StatedTerm> = BTreeMap::new();
    if let Some(commitment) = ids(costs, "CommitmentDiscountId")? {
        for (start_name, end_name, source) in CUR_COLUMNS {
            let start = instants(costs, start_name)?;
            let end = instants(costs, end_name)?;
            if start.is_none() && end.is_none() {
                continue;
            }
            for (row, id) in commitment.iter().enumerate() {
                let Some(id) = id else { continue };
                let s = start.as_ref().and_then(|v| v[row]);
                let e = end.as_ref().and_then(|v| v[row]);
                if s.is_none() && e.is_none() {
                    continue;
                }
                let term = terms.entry(id.clone()).or_insert(StatedTerm {
                    source,
                    ..StatedTerm::default()
                });
                widen(term, s, e);
            }
        }
    }
    if let Some(contracts) = contracts {
        if let Some(commitment) = ids(contracts, "ContractCommitmentId")? {
            let start = instants(contracts, "ContractCommitmentPeriodStart")?;
            let end = instants(contracts, "ContractCommitmentPeriodEnd")?;
            let mut from_dataset: BTreeMap<String, StatedTerm> = BTreeMap::new();
            for (row, id) in commitment.iter().enumerate() {
                let Some(id) = id else { continue };
                let s = start.as_ref().and_then(|v| v[row]);
                let e = end.as_ref().and_then(|v| v[row]);
                let term = from_dataset.entry(id.clone()).or_insert(StatedTerm {
                    source: "FOCUS 1.3 Contract Commitment dataset",
                    ..StatedTerm::default()
                });
                widen(term, s, e);
            }
            terms.extend(from_dataset);
        }
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_2026: i64 = 1_767_225_600_000_000;
    const JAN_2027: i64 = 1_798_761_600_000_000;

    #[test]
    fn cur_columns_give_earliest_start_and_latest_end() {
        // Two rows of one reservation, modified: the later row states a later end.
        let costs = df!(
            "CommitmentDiscountId" => [Some("arn:ri-1"), Some("arn:ri-1"), None, Some("arn:sp-1")],
            "x_reservation/StartTime" => [Some("2026-01-01T00:00:00Z"), Some("2026-02-01T00:00:00Z"), None, None],
            "x_reservation/EndTime" => [Some("2026-12-01T00:00:00.000Z"), Some("2027-01-01T00:00:00Z"), None, None],
            "x_savingsPlan/EndTime" => [None, None, Some("2030-01-01T00:00:00Z"), Some("2027-01-01T00:00:00Z")],
        )
        .unwrap();
        let terms = stated_terms(&costs, None).unwrap();
        assert_eq!(
            terms.len(),
            2,
            "the row without a commitment id is not a commitment"
        );
        let ri = terms["arn:ri-1"];
        assert_eq!(ri.start_us, Some(JAN_2026));
        assert_eq!(ri.end_us, Some(JAN_2027));
        assert_eq!(ri.source, "CUR reservation/EndTime");
        let sp = terms["arn:sp-1"];
        assert_eq!((sp.start_us, sp.end_us), (None, Some(JAN_2027)));
    }

    #[test]
    fn contract_commitment_dataset_wins() {
        let costs = df!(
            "CommitmentDiscountId" => ["ri-1"],
            "x_reservation_end_time" => ["2026-06-01T00:00:00Z"],
        )
        .unwrap();
        let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
        let contracts = df!(
            "ContractCommitmentId" => ["ri-1", "edp-1"],
            "ContractCommitmentPeriodStart" => [JAN_2026, JAN_2026],
            "ContractCommitmentPeriodEnd" => [JAN_2027, JAN_2027],
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("ContractCommitmentPeriodStart").cast(utc.clone()),
            col("ContractCommitmentPeriodEnd").cast(utc),
        ])
        .collect()
        .unwrap();
        let terms = stated_terms(&costs, Some(&contracts)).unwrap();
        assert_eq!(terms["ri-1"].end_us, Some(JAN_2027));
        assert_eq!(terms["ri-1"].start_us, Some(JAN_2026));
        assert_eq!(
            terms["ri-1"].source,
            "FOCUS 1.3 Contract Commitment dataset"
        );
        assert!(terms.contains_key("edp-1"));
    }

    #[test]
    fn unreadable_date_names_row_column_and_value() {
        let costs = df!(
            "CommitmentDiscountId" => ["ri-1", "ri-1"],
            "x_reservation/EndTime" => ["2027-01-01T00:00:00Z", "next year"],
        )
        .unwrap();
        let err = stated_terms(&costs, None).unwrap_err().to_string();
        assert!(err.contains("row 2"), "{err}");
        assert!(err.contains("x_reservation/EndTime"), "{err}");
        assert!(err.contains("next year"), "{err}");
    }

    #[test]
    fn bills_without_dates_state_nothing() {
        let costs = df!("CommitmentDiscountId" => ["ri-1"]).unwrap();
        assert!(stated_terms(&costs, None).unwrap().is_empty());
    }
}
