//! Billing loaders: FOCUS, AWS CUR, Azure and GCP exports to one FOCUS 1.2 frame, with a
//! [`LoadReport`] that accounts for every row and every unit of money.
//!
//! ```no_run
//! use capcast::ingest::{read_billing, BillingOptions};
//! let billing = read_billing(&["export/"], &BillingOptions::default())?;
//! assert_eq!(billing.report.rows_read, billing.report.rows_kept);
//! # Ok::<(), capcast::Error>(())
//! ```

pub mod azure;
pub mod cur;
pub mod focus;
pub mod format;
pub mod gcp;
pub mod mapping;
pub mod pipeline;
pub mod report;
pub mod schema;
pub mod source;
pub mod tags;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use format::BillingFormat;
pub use report::{CostTotal, DuplicateReport, FileReport, LoadReport, Rejection, Repair};

use crate::error::{Error, Position, Result};
use mapping::Mapping;
use pipeline::{FILE, REJECT, ROW};

/// Settings of a billing load. The defaults are strict: any rejected row is an error.
#[derive(Debug, Clone)]
pub struct BillingOptions {
    /// Keep going past rejected rows, dropping them and listing them in the report.
    pub lenient: bool,
    /// Drop repeated line items (same line item id and time interval), keeping the first.
    pub dedupe: bool,
    /// Accept several billing currencies in one load (totals are always per currency).
    pub allow_mixed_currencies: bool,
    /// Reject rows whose ChargePeriodStart lies outside their billing period (unless they
    /// are corrections) by more than `billing_period_tolerance_hours`.
    pub check_billing_period: bool,
    /// Hours a charge may start outside its billing period and still be kept (counted in the
    /// report): providers such as Oracle and Azure cut billing periods in a local time zone.
    /// Default 24.
    pub billing_period_tolerance_hours: u32,
    /// How many rejected rows and duplicates the report lists.
    pub max_examples: usize,
    /// Show a progress bar on a terminal (hidden when stderr is not a terminal).
    pub progress: bool,
}

impl Default for BillingOptions {
    fn default() -> Self {
        BillingOptions {
            lenient: false,
            dedupe: false,
            allow_mixed_currencies: false,
            check_billing_period: true,
            billing_period_tolerance_hours: 24,
            max_examples: 20,
            progress: false,
        }
    }
}

/// A billing load: the rows (lazy), the contract commitments (if any) and the report.
pub struct Billing {
    /// FOCUS 1.2 rows, lazy: aggregate before collecting large loads.
    pub costs: LazyFrame,
    /// The FOCUS 1.3 Contract Commitment dataset, when one of the files is one.
    pub commitments: Option<DataFrame>,
    /// What the load did.
    pub report: LoadReport,
}

struct Planned {
    path: PathBuf,
    plan: pipeline::FilePlan,
    key: Vec<Expr>,
    notes: Vec<String>,
}

/// Reads billing exports (files or folders of parts) into FOCUS 1.2 rows.
///
/// Every file's format is detected from its header. Each file is read once up front to
/// account for rows and money; the returned frame stays lazy.
///
/// # Errors
/// A missing path, an unrecognised format (the message lists what was recognised and what is
/// supported), an empty or header-only file, a truncated gzip, a wrong delimiter, a missing
/// mandatory column, and in strict mode (the default) the first rejected row (a cost that is
/// not a number, an unreadable date, a charge outside its billing period) or mixed currencies.
pub fn read_billing<P: AsRef<Path>>(paths: &[P], options: &BillingOptions) -> Result<Billing> {
    let files = source::discover(paths)?;
    let progress = progress_bar(files.len() as u64, options.progress);
    let mut report = LoadReport::default();
    let mut planned: Vec<Planned> = Vec::new();
    let mut commitment_frames: Vec<LazyFrame> = Vec::new();
    let mut diagnoses: Vec<LazyFrame> = Vec::new();
    let mut repairs: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut totals: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    let mut currencies: BTreeMap<String, u64> = BTreeMap::new();

    for path in &files {
        progress.set_message(path.display().to_string());
        let probe = source::probe(path)?;
        if !probe.has_rows {
            if options.lenient {
                report
                    .warnings
                    .push(format!("{}: header only, no rows", path.display()));
                report.files.push(FileReport {
                    path: path.clone(),
                    format: "empty".into(),
                    rows_read: 0,
                    rows_rejected: 0,
                    notes: vec![],
                });
                progress.inc(1);
                continue;
            }
            return Err(Error::data(
                Position::file(path).row(1),
                "the file has a header but no data rows: expected at least one row (pass lenient=True / --lenient to skip empty parts)",
            ));
        }
        let format = format::detect(&probe)?;
        let (mapping, out_schema) = mapping_for(format, &probe)?;
        let plan = pipeline::plan(
            &probe,
            &mapping,
            &out_schema,
            options
                .check_billing_period
                .then_some(options.billing_period_tolerance_hours),
        )?;
        let audit = plan.audit.clone();
        let audit = crate::engine::collect_streaming(audit).map_err(|e| engine_error(path, e))?;
        let file_audit = read_audit(&audit, &plan.repair_labels)?;
        for (label, count) in &file_audit.repairs {
            if *count > 0 {
                *repairs.entry(label.clone()).or_default() += count;
            }
        }
        report.rows_read += file_audit.rows;
        if file_audit.blank > 0 {
            report.warnings.push(format!(
                "{}: {} blank lines skipped (not rows)",
                path.display(),
                file_audit.blank
            ));
        }
        report.rows_rejected += file_audit.rejected;
        report.rows_repaired += file_audit.rows_repaired;
        let mut plan = plan;
        if file_audit.rejected > 0 {
            diagnoses.push(plan.diagnose.clone());
        } else if file_audit.blank == 0 {
            // Nothing to filter: let queries read only the columns they use.
            plan.data = plan.clean.clone();
        }
        if format == BillingFormat::FocusContractCommitment {
            report.commitment_rows += file_audit.rows;
            commitment_frames.push(plan.data.clone());
        } else {
            for ((column, currency), (read, returned)) in &file_audit.totals {
                let entry = totals
                    .entry((column.clone(), currency.clone()))
                    .or_default();
                entry.0 += read;
                entry.1 += returned;
            }
            for (currency, rows) in &file_audit.currencies {
                *currencies.entry(currency.clone()).or_default() += rows;
            }
        }
        report.files.push(FileReport {
            path: path.clone(),
            format: format.name().to_string(),
            rows_read: file_audit.rows,
            rows_rejected: file_audit.rejected,
            notes: mapping.notes.clone(),
        });
        if format != BillingFormat::FocusContractCommitment {
            planned.push(Planned {
                path: path.clone(),
                plan,
                key: mapping.line_item_key.clone(),
                notes: mapping.notes.clone(),
            });
        }
        progress.inc(1);
    }
    progress.finish_and_clear();

    let mut formats: Vec<&str> = report.files.iter().map(|f| f.format.as_str()).collect();
    formats.sort_unstable();
    formats.dedup();
    report.format = formats.join("+");
    report.repairs = repairs
        .into_iter()
        .map(|((column, kind), count)| Repair {
            column,
            kind,
            count,
        })
        .collect();

    let data_frames: Vec<LazyFrame> = planned.iter().map(|p| p.plan.data.clone()).collect();
    let mut data = if data_frames.is_empty() {
        DataFrame::empty_with_schema(&schema::schema()).lazy()
    } else if data_frames.len() == 1 {
        data_frames[0].clone()
    } else {
        concat_lf_diagonal(data_frames, UnionArgs::default())?
    };

    // Rejections: strict mode stops at the first; lenient lists the first few.
    if report.rows_rejected > 0 {
        let mut examples: Option<DataFrame> = None;
        for diagnose in &diagnoses {
            let remaining = options.max_examples - examples.as_ref().map_or(0, |e| e.height());
            if remaining == 0 {
                break;
            }
            let found = diagnose.clone().limit(remaining as IdxSize).collect()?;
            examples = Some(match examples {
                None => found,
                Some(mut e) => {
                    e.vstack_mut(&found)?;
                    e
                }
            });
        }
        let examples = examples.unwrap_or_default();
        let rejections = rejections_of(&examples)?;
        if !options.lenient {
            if let Some(first) = rejections.first() {
                return Err(pipeline::rejection_error(first, report.rows_rejected));
            }
        }
        report.rejections = rejections;
    }

    // Mixed currencies.
    let nonempty: Vec<(&String, &u64)> = currencies.iter().filter(|(c, _)| !c.is_empty()).collect();
    if nonempty.len() > 1 && !options.allow_mixed_currencies {
        let (main, _) = nonempty
            .iter()
            .max_by_key(|(_, n)| **n)
            .copied()
            .unwrap_or(nonempty[0]);
        let other = nonempty
            .iter()
            .find(|(c, _)| *c != main)
            .map(|(c, _)| (*c).clone())
            .unwrap_or_default();
        let first = data
            .clone()
            .filter(col("BillingCurrency").eq(lit(other.clone())))
            .select([col(FILE), col(ROW)])
            .limit(1)
            .collect()?;
        let (file, row) = first_position(&first);
        let list: Vec<String> = nonempty
            .iter()
            .map(|(c, n)| format!("{c} ({n} rows)"))
            .collect();
        return Err(Error::data(
            Position::file(file).row(row).column("BillingCurrency").value(other),
            format!(
                "mixed currencies in one load ({}): expected a single billing currency like '{main}' (pass allow_mixed_currencies=True / --allow-mixed-currencies to load them; totals are kept per currency)",
                list.join(", ")
            ),
        ));
    }

    // Duplicate line items: among the rows that are kept, a row whose identity (line item id
    // and interval) repeats an earlier row's. Rejected rows take no part.
    let mut duplicate_costs: BTreeMap<(String, String), f64> = BTreeMap::new();
    let keyed: Vec<&Planned> = planned.iter().filter(|p| !p.key.is_empty()).collect();
    if !keyed.is_empty() {
        report.duplicates.checked = true;
        let key_frames: Vec<LazyFrame> = keyed
            .iter()
            .map(|p| {
                p.plan.data.clone().filter(col(REJECT).is_null()).select([
                    concat_str(p.key.clone(), "|", false).alias("__key"),
                    col("BillingCurrency").fill_null(lit("")),
                    col("BilledCost"),
                    col("EffectiveCost"),
                    col("ListCost"),
                    col("ContractedCost"),
                ])
            })
            .collect();
        let keys = if key_frames.len() == 1 {
            key_frames[0].clone()
        } else {
            concat(key_frames, UnionArgs::default())?
        };
        let dups = keys
            .filter(col("__key").is_first_distinct().not())
            .collect()?;
        report.duplicates.rows = dups.height() as u64;
        if dups.height() > 0 {
            let by_currency = dups
                .clone()
                .lazy()
                .group_by([col("BillingCurrency")])
                .agg(
                    schema::COST_COLUMNS
                        .iter()
                        .map(|c| col(*c).sum())
                        .collect::<Vec<_>>(),
                )
                .collect()?;
            let currencies = by_currency.column("BillingCurrency")?.str()?.clone();
            for i in 0..by_currency.height() {
                let currency = currencies.get(i).unwrap_or("").to_string();
                for cost in schema::COST_COLUMNS {
                    *duplicate_costs
                        .entry((cost.to_string(), currency.clone()))
                        .or_default() += f64_at(&by_currency, cost, i);
                }
            }
            report.duplicates.billed_cost = duplicate_costs
                .iter()
                .filter(|((c, _), _)| c == "BilledCost")
                .map(|(_, v)| v)
                .sum();
            let key_col = dups.column("__key")?.str()?.clone();
            report.duplicates.examples = key_col
                .iter()
                .flatten()
                .take(options.max_examples)
                .map(|s| s.to_string())
                .collect();
            report.duplicates.dropped = options.dedupe;
            if options.dedupe {
                let frames: Vec<LazyFrame> = planned
                    .iter()
                    .map(|p| {
                        let key = if p.key.is_empty() {
                            concat_str([col(FILE), col(ROW).cast(DataType::String)], "|", false)
                        } else {
                            concat_str(p.key.clone(), "|", false)
                        };
                        p.plan
                            .data
                            .clone()
                            .filter(col(REJECT).is_null())
                            .with_column(key.alias("__key"))
                    })
                    .collect();
                data = if frames.len() == 1 {
                    frames[0].clone()
                } else {
                    concat_lf_diagonal(frames, UnionArgs::default())?
                };
                data = data.filter(col("__key").is_first_distinct()).drop(by_name(
                    ["__key"],
                    true,
                    false,
                ));
                report.warnings.push(format!(
                    "dropped {} duplicate line items (billed {:.6}); 'returned' totals exclude them",
                    report.duplicates.rows, report.duplicates.billed_cost
                ));
            } else {
                report.warnings.push(format!(
                    "{} duplicate line items (the same line item id and interval delivered more than once, billed {:.6}); kept: pass dedupe=True / --dedupe to drop repeats",
                    report.duplicates.rows, report.duplicates.billed_cost
                ));
            }
        }
    }

    let dropped_duplicates = if options.dedupe {
        report.duplicates.rows
    } else {
        0
    };
    report.rows_kept =
        report.rows_read - report.rows_rejected - report.commitment_rows - dropped_duplicates;
    for ((column, currency), (read, mut returned)) in totals {
        if options.dedupe {
            returned -= duplicate_costs
                .get(&(column.clone(), currency.clone()))
                .copied()
                .unwrap_or(0.0);
        }
        report.totals.push(CostTotal {
            column,
            currency,
            read,
            returned,
        });
    }
    for p in &planned {
        for note in &p.notes {
            if note.starts_with("FOCUS 1.2 mandatory") {
                report
                    .warnings
                    .push(format!("{}: {note}", p.path.display()));
            }
        }
    }

    let costs = data
        .filter(col(REJECT).is_null())
        .drop(by_name([FILE, ROW, REJECT], true, false));
    let commitments = if commitment_frames.is_empty() {
        None
    } else {
        let lf = if commitment_frames.len() == 1 {
            commitment_frames.remove(0)
        } else {
            concat_lf_diagonal(commitment_frames, UnionArgs::default())?
        };
        Some(
            lf.filter(col(REJECT).is_null())
                .drop(by_name([FILE, ROW, REJECT], true, false))
                .collect()?,
        )
    };
    Ok(Billing {
        costs,
        commitments,
        report,
    })
}

/// The mapping of a file of `format`, and the columns it returns.
fn mapping_for(
    format: BillingFormat,
    probe: &source::Probe,
) -> Result<(Mapping, Vec<(&'static str, schema::FocusType)>)> {
    let focus = schema::COLUMNS.to_vec();
    Ok(match format {
        BillingFormat::FocusContractCommitment => (
            focus::commitment_mapping(probe)?,
            focus::COMMITMENT_COLUMNS.to_vec(),
        ),
        BillingFormat::Focus10
        | BillingFormat::Focus11
        | BillingFormat::Focus12
        | BillingFormat::Focus13 => (focus::mapping(probe)?, focus),
        BillingFormat::AwsCurLegacy | BillingFormat::AwsCur2 => {
            (cur::mapping(probe, format)?, focus)
        }
        BillingFormat::GcpCsv | BillingFormat::GcpJsonLines => {
            (gcp::mapping(probe, format)?, focus)
        }
        BillingFormat::AzureEaActual
        | BillingFormat::AzureEaAmortized
        | BillingFormat::AzureMcaActual
        | BillingFormat::AzureMcaAmortized
        | BillingFormat::AzurePayAsYouGo => (azure::mapping(probe, format)?, focus),
    })
}

fn progress_bar(len: u64, enabled: bool) -> indicatif::ProgressBar {
    if !enabled {
        return indicatif::ProgressBar::hidden();
    }
    // Drawn on stderr only when it is a terminal: piped output stays quiet.
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let template = if len > 1 {
        "{spinner} reading billing [{bar:30}] {pos}/{len} files, {elapsed} {wide_msg}"
    } else {
        // One file: a spinner, since a large file is read in one pass of unknown length.
        "{spinner} reading billing, {elapsed} {wide_msg}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn engine_error(path: &Path, e: PolarsError) -> Error {
    Error::data(Position::file(path), format!("cannot read: {e}"))
}

struct FileAudit {
    rows: u64,
    blank: u64,
    rejected: u64,
    rows_repaired: u64,
    repairs: Vec<((String, String), u64)>,
    totals: Vec<((String, String), (f64, f64))>,
    currencies: Vec<(String, u64)>,
}

fn u64_at(df: &DataFrame, name: &str, row: usize) -> u64 {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::UInt64).ok())
        .and_then(|c| c.u64().ok().and_then(|ca| ca.get(row)))
        .unwrap_or(0)
}

fn f64_at(df: &DataFrame, name: &str, row: usize) -> f64 {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Float64).ok())
        .and_then(|c| c.f64().ok().and_then(|ca| ca.get(row)))
        .unwrap_or(0.0)
}

fn read_audit(audit: &DataFrame, labels: &[(String, String)]) -> Result<FileAudit> {
    let mut out = FileAudit {
        rows: 0,
        blank: 0,
        rejected: 0,
        rows_repaired: 0,
        repairs: Vec::new(),
        totals: Vec::new(),
        currencies: Vec::new(),
    };
    let currency = audit.column("__currency")?.str()?.clone();
    let mut repair_counts = vec![0u64; labels.len()];
    for row in 0..audit.height() {
        let cur = currency.get(row).unwrap_or("").to_string();
        let rows = u64_at(audit, "__rows", row);
        out.rows += rows;
        out.blank += u64_at(audit, "__blank", row);
        out.rejected += u64_at(audit, "__rejected", row);
        out.rows_repaired += u64_at(audit, "__rows_repaired", row);
        out.currencies.push((cur.clone(), rows));
        for (i, count) in repair_counts.iter_mut().enumerate() {
            *count += u64_at(audit, &format!("__rep{i}"), row);
        }
        for cost in schema::COST_COLUMNS {
            let read_name = format!("__read:{cost}");
            if audit.column(&read_name).is_ok() {
                out.totals.push((
                    (cost.to_string(), cur.clone()),
                    (
                        f64_at(audit, &read_name, row),
                        f64_at(audit, &format!("__returned:{cost}"), row),
                    ),
                ));
            }
        }
    }
    out.repairs = labels.iter().cloned().zip(repair_counts).collect();
    Ok(out)
}

fn first_position(df: &DataFrame) -> (PathBuf, u64) {
    let file = df
        .column(FILE)
        .ok()
        .and_then(|c| c.str().ok().and_then(|s| s.get(0).map(PathBuf::from)))
        .unwrap_or_default();
    (file, u64_at(df, ROW, 0))
}

fn rejections_of(df: &DataFrame) -> Result<Vec<Rejection>> {
    let files = df.column(FILE)?.str()?.clone();
    let reasons = df.column(pipeline::REASON)?.str()?.clone();
    let mut out = Vec::new();
    for i in 0..df.height() {
        let (column, value, reason) = pipeline::split_reason(reasons.get(i).unwrap_or(""));
        out.push(Rejection {
            file: PathBuf::from(files.get(i).unwrap_or("")),
            row: u64_at(df, ROW, i),
            column,
            value,
            reason,
        });
    }
    Ok(out)
}
