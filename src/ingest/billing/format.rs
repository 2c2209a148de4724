//! The billing formats capcast reads, and their recognition from a file's header.

use std::collections::HashSet;
use std::fmt;

use super::source::{FileKind, Probe};
use super::{azure, cur, focus, gcp};
use crate::error::{Error, Result};

/// A billing export format capcast recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BillingFormat {
    /// FOCUS 1.0 (including the public sample's 1.0 spellings).
    Focus10,
    /// FOCUS 1.1.
    Focus11,
    /// FOCUS 1.2.
    Focus12,
    /// FOCUS 1.3 (draft names such as `ServiceProviderName`).
    Focus13,
    /// The FOCUS 1.3 Contract Commitment dataset.
    FocusContractCommitment,
    /// AWS Cost and Usage Report, legacy (`lineItem/UnblendedCost`).
    AwsCurLegacy,
    /// AWS CUR 2.0 (Data Exports; `line_item_unblended_cost`).
    AwsCur2,
    /// Azure Enterprise Agreement export, actual cost.
    AzureEaActual,
    /// Azure Enterprise Agreement export, amortized cost.
    AzureEaAmortized,
    /// Azure Microsoft Customer Agreement export (camelCase), actual cost.
    AzureMcaActual,
    /// Azure Microsoft Customer Agreement export (camelCase), amortized cost.
    AzureMcaAmortized,
    /// Azure legacy pay-as-you-go usage export (`UsageDateTime`, `PreTaxCost`), incl. localized.
    AzurePayAsYouGo,
    /// GCP Cloud Billing export flattened to CSV (dotted headers).
    GcpCsv,
    /// GCP Cloud Billing export as JSON lines (nested records).
    GcpJsonLines,
}

impl BillingFormat {
    /// The stable name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            BillingFormat::Focus10 => "focus-1.0",
            BillingFormat::Focus11 => "focus-1.1",
            BillingFormat::Focus12 => "focus-1.2",
            BillingFormat::Focus13 => "focus-1.3",
            BillingFormat::FocusContractCommitment => "focus-1.3-contract-commitment",
            BillingFormat::AwsCurLegacy => "aws-cur-legacy",
            BillingFormat::AwsCur2 => "aws-cur-2.0",
            BillingFormat::AzureEaActual => "azure-ea-actual",
            BillingFormat::AzureEaAmortized => "azure-ea-amortized",
            BillingFormat::AzureMcaActual => "azure-mca-actual",
            BillingFormat::AzureMcaAmortized => "azure-mca-amortized",
            BillingFormat::AzurePayAsYouGo => "azure-payg",
            BillingFormat::GcpCsv => "gcp-billing-csv",
            BillingFormat::GcpJsonLines => "gcp-billing-jsonl",
        }
    }
}

impl fmt::Display for BillingFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The formats capcast supports, for error messages.
pub const SUPPORTED: &str = "FOCUS 1.0, 1.1, 1.2, 1.3 (and the 1.3 Contract Commitment dataset); \
AWS CUR legacy (CSV, gzip CSV) and CUR 2.0 (Parquet, gzip CSV); Azure EA and MCA exports \
(actual and amortized) and legacy pay-as-you-go exports, incl. localized headers; \
GCP billing export (CSV with dotted headers, JSON lines)";

/// Recognises the format of a probed file from its header (and, for Azure, a sample of rows to
/// tell actual from amortized cost).
///
/// # Errors
/// [`Error::UnknownFormat`] listing what was recognised and which formats are supported.
pub fn detect(probe: &Probe) -> Result<BillingFormat> {
    let header: HashSet<&str> = probe.header.iter().map(String::as_str).collect();
    if let Some(format) = focus::recognise(&header) {
        return Ok(format);
    }
    if let Some(format) = cur::recognise(&header) {
        return Ok(format);
    }
    if let Some(format) = azure::recognise(&header, probe) {
        return Ok(format);
    }
    if let Some(format) = gcp::recognise(&header, probe.kind == FileKind::JsonLines) {
        return Ok(format);
    }
    Err(Error::UnknownFormat {
        path: probe.path.clone(),
        detail: describe_unknown(&probe.header),
    })
}

fn describe_unknown(header: &[String]) -> String {
    let focus_hits = super::schema::MANDATORY
        .iter()
        .filter(|name| header.iter().any(|h| h == *name))
        .count();
    let shown: Vec<&str> = header.iter().take(8).map(String::as_str).collect();
    let prefixes: HashSet<&str> = header
        .iter()
        .filter_map(|h| h.split_once('/').map(|(p, _)| p))
        .collect();
    let mut prefixes: Vec<&str> = prefixes.into_iter().collect();
    prefixes.sort_unstable();
    let mut detail = format!(
        "{} columns, starting {}{}; {focus_hits} of the 21 FOCUS 1.2 mandatory columns found",
        header.len(),
        shown.join(", "),
        if header.len() > shown.len() {
            ", ..."
        } else {
            ""
        },
    );
    if !prefixes.is_empty() {
        detail.push_str(&format!(
            "; column groups {} (lineItem/cost/usage groups like these without AWS's lineItem/UnblendedCost look like an Oracle Cloud (OCI) cost report, which capcast does not read: export FOCUS from OCI instead)",
            prefixes.join(", ")
        ));
    }
    detail.push_str(&format!(". supported formats: {SUPPORTED}"));
    detail
}
