//! FOCUS 1.0, 1.1, 1.2 and 1.3 files, and the FOCUS 1.3 Contract Commitment dataset.
//!
//! FOCUS files already use FOCUS names; loading them means accepting every version's names
//! (1.3's `ServiceProviderName` is 1.2's `ProviderName`), typing every column, and repairing
//! what real exports get wrong (`NULL` strings, `2024-09-18 22:00:00` dates, `Usage-based`).

use std::collections::HashSet;

use polars::prelude::*;

use super::format::BillingFormat;
use super::mapping::{Mapping, Parse};
use super::schema::{self, FocusType};
use super::source::Probe;
use crate::error::{Error, Position, Result};

/// Columns without which a FOCUS file cannot be used for cost analysis.
pub const ESSENTIAL: [&str; 3] = ["ChargePeriodStart", "BilledCost", "EffectiveCost"];

/// Columns that identify FOCUS (any four of them).
const MARKERS: [&str; 10] = [
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "BillingPeriodStart",
    "BillingCurrency",
    "ServiceName",
];

/// The FOCUS 1.3 Contract Commitment dataset's columns.
pub const COMMITMENT_COLUMNS: &[(&str, FocusType)] = &[
    ("BillingAccountId", FocusType::Text),
    ("BillingCurrency", FocusType::Text),
    ("ContractId", FocusType::Text),
    ("ContractPeriodStart", FocusType::DateTime),
    ("ContractPeriodEnd", FocusType::DateTime),
    ("ContractCommitmentId", FocusType::Text),
    ("ContractCommitmentCategory", FocusType::Text),
    ("ContractCommitmentType", FocusType::Text),
    ("ContractCommitmentDescription", FocusType::Text),
    ("ContractCommitmentPeriodStart", FocusType::DateTime),
    ("ContractCommitmentPeriodEnd", FocusType::DateTime),
    ("ContractCommitmentCost", FocusType::Number),
    ("ContractCommitmentQuantity", FocusType::Number),
    ("ContractCommitmentUnit", FocusType::Text),
];

/// Recognises FOCUS headers and their version.
pub fn recognise(header: &HashSet<&str>) -> Option<BillingFormat> {
    if header.contains("ContractCommitmentId") && !header.contains("ChargePeriodStart") {
        return Some(BillingFormat::FocusContractCommitment);
    }
    let hits = MARKERS.iter().filter(|m| header.contains(*m)).count();
    if hits < 4 {
        return None;
    }
    let any = |names: &[&str]| names.iter().any(|n| header.contains(n));
    Some(
        if any(&[
            "ServiceProviderName",
            "HostProviderName",
            "ContractApplied",
            "AllocatedMethodId",
        ]) {
            BillingFormat::Focus13
        } else if any(&[
            "InvoiceId",
            "PricingCurrency",
            "BillingAccountType",
            "SubAccountType",
        ]) {
            BillingFormat::Focus12
        } else if any(&[
            "CommitmentDiscountQuantity",
            "ServiceSubcategory",
            "SkuMeter",
            "SkuPriceDetails",
            "CapacityReservationId",
        ]) {
            BillingFormat::Focus11
        } else {
            BillingFormat::Focus10
        },
    )
}

/// The mapping of a FOCUS cost and usage file.
///
/// # Errors
/// A missing essential column ([`ESSENTIAL`]).
pub fn mapping(probe: &Probe) -> Result<Mapping> {
    let mut m = Mapping::default();
    for essential in ESSENTIAL {
        let renamed_from = schema::RENAMED
            .iter()
            .find(|(_, to)| *to == essential)
            .map(|(from, _)| *from);
        if !probe.has(essential) && !renamed_from.is_some_and(|f| probe.has(f)) {
            return Err(Error::data(
                Position::file(&probe.path).row(0).column(essential),
                format!(
                    "missing mandatory column: expected the FOCUS column '{essential}' in the header (found {} columns)",
                    probe.header.len()
                ),
            ));
        }
    }
    let mut consumed: Vec<&str> = Vec::new();
    for (name, ty) in schema::COLUMNS {
        let source = if probe.has(name) {
            Some(*name)
        } else {
            schema::RENAMED
                .iter()
                .find(|(from, to)| to == name && probe.has(from))
                .map(|(from, _)| *from)
        };
        let Some(source) = source else { continue };
        consumed.push(source);
        let parse = match (ty, schema::enum_values(name)) {
            (_, Some(values)) => Parse::Enum(values),
            (FocusType::Number, _) => Parse::Number,
            (FocusType::DateTime, _) => Parse::DateTime,
            (FocusType::Text | FocusType::Json, _) => Parse::Text,
        };
        let expr = m.parse_column(probe, source, parse);
        let expr = if matches!(ty, FocusType::Json) {
            super::tags::canonical_json(expr)
        } else {
            expr
        };
        m.output(name, expr);
    }
    let missing: Vec<&str> = schema::MANDATORY
        .iter()
        .copied()
        .filter(|name| {
            !probe.has(name)
                && !schema::RENAMED
                    .iter()
                    .any(|(from, to)| to == name && probe.has(from))
        })
        .collect();
    if !missing.is_empty() {
        m.notes.push(format!(
            "FOCUS 1.2 mandatory columns absent from the file, returned as null: {}",
            missing.join(", ")
        ));
    }
    m.keep_unmapped(probe, "", &consumed);
    Ok(m)
}

/// The mapping of a FOCUS 1.3 Contract Commitment file.
pub fn commitment_mapping(probe: &Probe) -> Result<Mapping> {
    let mut m = Mapping::default();
    for (name, ty) in COMMITMENT_COLUMNS {
        if !probe.has(name) {
            continue;
        }
        let parse = match ty {
            FocusType::Number => Parse::Number,
            FocusType::DateTime => Parse::DateTime,
            _ => Parse::Text,
        };
        let expr = m.parse_column(probe, name, parse);
        m.output(name, expr);
    }
    for required in ["ContractCommitmentId", "ContractCommitmentPeriodEnd"] {
        if !probe.has(required) {
            return Err(Error::data(
                Position::file(&probe.path).row(0).column(required),
                "missing mandatory column of the FOCUS 1.3 Contract Commitment dataset",
            ));
        }
    }
    let consumed: Vec<&str> = COMMITMENT_COLUMNS.iter().map(|(n, _)| *n).collect();
    m.keep_unmapped(probe, "", &consumed);
    let _ = lit(0); // keep the prelude import used in every configuration
    Ok(m)
}
