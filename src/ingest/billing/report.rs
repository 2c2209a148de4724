//! The load report: what a billing load read, kept, repaired and rejected, and the money in
//! versus the money out, per cost column and currency.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// One file of a load.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// The format detected from its header.
    pub format: String,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Notes on how the file was read (e.g. which cost view).
    pub notes: Vec<String>,
}

/// A kind of repair and how many values it touched.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Repair {
    /// The column (as named in the source file).
    pub column: String,
    /// What was repaired, e.g. "NULL string -> null", "non-ISO date -> UTC ISO 8601",
    /// "enum spelling", "unknown value kept".
    pub kind: String,
    /// How many values.
    pub count: u64,
}

/// One rejected row (the first few are kept as examples).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rejection {
    /// The file.
    pub file: PathBuf,
    /// 1-based data row.
    pub row: u64,
    /// The column that failed (as named in the file).
    pub column: String,
    /// The value that failed, verbatim.
    pub value: String,
    /// What was expected.
    pub reason: String,
}

/// Line items delivered more than once (the same line item id and time interval).
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct DuplicateReport {
    /// Whether the format has a line item identity to check.
    pub checked: bool,
    /// Rows that repeat an earlier row's identity.
    pub rows: u64,
    /// BilledCost of those repeated rows.
    pub billed_cost: f64,
    /// Whether they were dropped (`dedupe`) or kept.
    pub dropped: bool,
    /// The first few repeated identities.
    pub examples: Vec<String>,
}

/// The total of one cost column in one currency, as read and as returned.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CostTotal {
    /// FOCUS cost column.
    pub column: String,
    /// Billing currency.
    pub currency: String,
    /// Sum over every row read that had a readable value.
    pub read: f64,
    /// Sum over the rows returned.
    pub returned: f64,
}

/// What a billing load did, row by row and cent by cent.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct LoadReport {
    /// Detected format (one name, or several joined by `+` for a mixed folder).
    pub format: String,
    /// Each file.
    pub files: Vec<FileReport>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows returned.
    pub rows_kept: u64,
    /// Rows with at least one repaired value.
    pub rows_repaired: u64,
    /// Rows rejected (only in lenient mode; strict mode stops at the first).
    pub rows_rejected: u64,
    /// Repairs by column and kind.
    pub repairs: Vec<Repair>,
    /// The first rejected rows.
    pub rejections: Vec<Rejection>,
    /// Duplicate line items.
    pub duplicates: DuplicateReport,
    /// Totals per cost column and currency.
    pub totals: Vec<CostTotal>,
    /// Everything else a user should know.
    pub warnings: Vec<String>,
    /// Rows in the Contract Commitment dataset, if one was loaded.
    pub commitment_rows: u64,
}

impl LoadReport {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "load report ({})", self.format)?;
        writeln!(
            f,
            "  rows: {} read, {} kept, {} repaired, {} rejected",
            self.rows_read, self.rows_kept, self.rows_repaired, self.rows_rejected
        )?;
        writeln!(f, "  files: {}", self.files.len())?;
        for file in self.files.iter().take(10) {
            writeln!(
                f,
                "    {} [{}] {} rows{}",
                file.path.display(),
                file.format,
                file.rows_read,
                if file.rows_rejected > 0 {
                    format!(", {} rejected", file.rows_rejected)
                } else {
                    String::new()
                }
            )?;
        }
        if self.files.len() > 10 {
            writeln!(f, "    ... {} more", self.files.len() - 10)?;
        }
        if self.commitment_rows > 0 {
            writeln!(f, "  contract commitments: {} rows", self.commitment_rows)?;
        }
        if !self.totals.is_empty() {
            writeln!(f, "  totals (read -> returned):")?;
            for t in &self.totals {
                writeln!(
                    f,
                    "    {:<15} {:<4} {:>18.6} -> {:>18.6}{}",
                    t.column,
                    t.currency,
                    t.read,
                    t.returned,
                    if (t.read - t.returned).abs() > 1e-9 * t.read.abs().max(1.0) {
                        "  (difference: rejected rows)"
                    } else {
                        ""
                    }
                )?;
            }
        }
        if !self.repairs.is_empty() {
            writeln!(f, "  repairs:")?;
            for r in &self.repairs {
                writeln!(f, "    {:<28} {:<40} {}", r.column, r.kind, r.count)?;
            }
        }
        if self.duplicates.checked {
            writeln!(
                f,
                "  duplicate line items: {} rows (billed {:.6}){}",
                self.duplicates.rows,
                self.duplicates.billed_cost,
                if self.duplicates.dropped && self.duplicates.rows > 0 {
                    ", dropped"
                } else {
                    ""
                }
            )?;
        }
        if !self.rejections.is_empty() {
            writeln!(f, "  rejected (first {}):", self.rejections.len())?;
            for r in &self.rejections {
                writeln!(
                    f,
                    "    {}, row {}, column '{}', value '{}': {}",
                    r.file.display(),
                    r.row,
                    r.column,
                    r.value,
                    r.reason
                )?;
            }
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}
