//! Runs a [`Mapping`] over one file: parses raw columns (counting repairs, flagging rejects),
//! computes the FOCUS columns, checks charge periods against billing periods, and builds the
//! audit query whose one pass yields the file's row counts, repairs and cost totals.

use polars::prelude::*;

use super::mapping::{self, Mapping, Parse};
use super::report::Rejection;
use super::schema::{FocusType, COST_COLUMNS};
use super::source::{FileKind, Probe};
use crate::error::{Error, Position, Result};

/// Separates column, value and reason inside the internal rejection column.
pub const SEP: &str = "\u{1f}";
/// Internal column: the source file.
pub const FILE: &str = "__file";
/// Internal column: the 1-based data row.
pub const ROW: &str = "__row";
/// Internal column: the number of the first check the row failed (null when kept).
pub const REJECT: &str = "__reject";
/// Internal column of [`FilePlan::diagnose`]: why the row was rejected.
pub const REASON: &str = "__reason";

/// The internal name under which a checked raw column is carried to the diagnosis.
fn raw_carry(name: &str) -> String {
    format!("__raw:{name}")
}

/// One file, planned: lazy data and its audit query.
pub struct FilePlan {
    /// FOCUS (or commitment) columns, extension columns, and the internal columns, with every
    /// check evaluated (blank lines dropped, `__reject` set).
    pub data: LazyFrame,
    /// The rejected rows only: `__file`, `__row` and `__reason` (column, value and what was
    /// expected, separated by [`SEP`]).
    pub diagnose: LazyFrame,
    /// The same rows without the checks, for files whose audit found nothing to reject and no
    /// blank lines: queries then read only the columns they use (projection pushdown).
    pub clean: LazyFrame,
    /// One row per currency with counts and totals.
    pub audit: LazyFrame,
    /// (column, kind) of each repair counter `__rep<i>` in the audit.
    pub repair_labels: Vec<(String, String)>,
    /// The output columns in order (without internal columns).
    pub columns: Vec<String>,
}

/// The raw rows of a file as a lazy frame with `__row` and `__file`.
pub fn raw_frame(probe: &Probe) -> Result<LazyFrame> {
    let lf = match probe.kind {
        FileKind::Csv | FileKind::CsvGz => super::source::scan_csv_as_text(probe)?,
        FileKind::Parquet => LazyFrame::scan_parquet(
            PlRefPath::new(probe.path.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .map_err(|e| {
            Error::data(
                Position::file(&probe.path),
                format!("cannot read as parquet: {e}"),
            )
        })?,
        FileKind::JsonLines => super::gcp::read_json_lines(&probe.path)?.lazy(),
    };
    // A blank line (or one holding only whitespace or a carriage return, as in the FOCUS 1.2
    // specification's scenario files) is not a row: it is flagged here, counted, and skipped.
    // Every column after the first must be empty: a row with only some cells filled (Azure's
    // header-set samples fill one date in the middle) is a row, not a blank line.
    let blank = match (probe.kind, probe.header.first()) {
        (FileKind::Csv | FileKind::CsvGz, Some(first)) if probe.header.len() > 1 => {
            probe.header[1..].iter().fold(
                col(first.as_str())
                    .str()
                    .strip_chars(lit(NULL))
                    .eq(lit(""))
                    .fill_null(lit(true)),
                |acc, name| acc.and(col(name.as_str()).is_null()),
            )
        }
        _ => lit(false),
    };
    Ok(lf.with_row_index(ROW, Some(1)).with_columns([
        lit(probe.path.to_string_lossy().to_string()).alias(FILE),
        blank.alias(BLANK),
    ]))
}

/// Internal column: the row is a blank line.
pub const BLANK: &str = "__blank";

fn reason(column: &str, value: Expr, expected: &str) -> Expr {
    concat_str(
        [
            lit(format!("{column}{SEP}")),
            value.cast(DataType::String).fill_null(lit("")),
            lit(format!("{SEP}{expected}")),
        ],
        "",
        false,
    )
}

/// Plans one file.
///
/// `schema` lists the output columns (FOCUS 1.2, or the commitment dataset's), each filled from
/// the mapping's outputs or null. `billing_period_tolerance` (hours) enables the charge-period
/// check: charges starting outside their billing period by more than the tolerance are
/// rejected; within it they are kept and counted (providers that bill in a local time zone).
pub fn plan(
    probe: &Probe,
    mapping: &Mapping,
    schema: &[(&str, FocusType)],
    billing_period_tolerance: Option<u32>,
) -> Result<FilePlan> {
    let mut raw = raw_frame(probe)?;
    let raw_schema = raw
        .collect_schema()
        .map_err(|e| Error::data(Position::file(&probe.path), format!("cannot read: {e}")))?;

    let mut parsed_exprs = Vec::new();
    // Row-level checks: a cheap boolean flag per check, and the reason text, which is only
    // ever evaluated on the few rejected rows (see `FilePlan::diagnose`).
    let mut reject_exprs: Vec<Expr> = Vec::new();
    let mut reject_reasons: Vec<Expr> = Vec::new();
    let mut checked_raw: Vec<String> = Vec::new();
    let mut repair_exprs = Vec::new();
    let mut repair_labels = Vec::new();
    let mut add_repair = |column: &str, kind: &str, flag: Expr, repair_exprs: &mut Vec<Expr>| {
        let name = format!("__rep{}", repair_labels.len());
        repair_labels.push((column.to_string(), kind.to_string()));
        repair_exprs.push(flag.fill_null(lit(false)).alias(name));
    };

    for column in &mapping.parse {
        let name = column.raw.as_str();
        let out = mapping::parsed_name(name);
        let dtype = raw_schema.get(name).cloned().unwrap_or(DataType::String);
        let value = col(name);
        if dtype != DataType::String {
            // Typed sources (Parquet, JSON): the engine already parsed them.
            let expr = match column.parse {
                Parse::Number => value.clone().cast(DataType::Float64),
                Parse::DateTime => match dtype {
                    DataType::Datetime(_, Some(_)) => value
                        .clone()
                        .dt()
                        .convert_time_zone(TimeZone::UTC)
                        .cast(super::schema::utc_datetime()),
                    DataType::Datetime(_, None) | DataType::Date => value
                        .clone()
                        .cast(DataType::Datetime(TimeUnit::Microseconds, None))
                        .dt()
                        .replace_time_zone(Some(TimeZone::UTC), lit("raise"), NonExistent::Raise),
                    // Text in a typed file (JSON lines): ISO 8601 in its common forms.
                    _ => mapping::datetime_value(
                        value.clone().cast(DataType::String),
                        &[0, 1, 5, 9, 11],
                    ),
                },
                Parse::Text | Parse::Enum(_) => value.clone().cast(DataType::String),
            };
            parsed_exprs.push(expr.alias(out));
            continue;
        }
        // The parsed value is computed once (stage 1); the checks below read it back as
        // `parsed` (stage 2), so each cell is parsed a single time.
        let parsed = col(out.as_str());
        let present = mapping::is_nullish(value.clone()).not();
        match &column.parse {
            Parse::Text => {
                parsed_exprs.push(mapping::text_value(value.clone()).alias(out));
                add_repair(
                    name,
                    "NULL string -> null",
                    mapping::is_null_string(value),
                    &mut repair_exprs,
                );
            }
            Parse::Number => {
                parsed_exprs.push(mapping::number_value(value.clone()).alias(out));
                let bad = present.clone().and(
                    parsed
                        .clone()
                        .is_null()
                        .or(parsed.clone().is_infinite())
                        .or(parsed.is_nan()),
                );
                reject_exprs.push(bad);
                reject_reasons.push(reason(name, col(raw_carry(name)), "expected a number"));
                checked_raw.push(name.to_string());
                add_repair(
                    name,
                    "NULL string -> null",
                    mapping::is_null_string(value),
                    &mut repair_exprs,
                );
            }
            Parse::DateTime => {
                let formats = mapping::sniff_datetime_formats(&probe.sample_values(name));
                parsed_exprs.push(mapping::datetime_value(value.clone(), &formats).alias(out));
                let shown: Vec<&str> = formats
                    .iter()
                    .map(|&i| {
                        mapping::DATETIME_FORMATS
                            .get(i)
                            .copied()
                            .unwrap_or("hour 24-47 rolled over")
                    })
                    .collect();
                reject_exprs.push(present.clone().and(parsed.clone().is_null()));
                reject_reasons.push(reason(
                    name,
                    col(raw_carry(name)),
                    &format!(
                        "expected a date/time like the rest of the file ({})",
                        shown.join(" or ")
                    ),
                ));
                checked_raw.push(name.to_string());
                if formats.contains(&mapping::ROLLOVER) {
                    add_repair(
                        name,
                        "hour >= 24 rolled over to the next day",
                        mapping::datetime_rolled_over(value.clone(), &formats),
                        &mut repair_exprs,
                    );
                }
                // Canonical FOCUS form: `YYYY-MM-DDTHH:MM:SS[.f]Z`.
                let canonical = value.clone().str().ends_with(lit("Z")).and(
                    value
                        .clone()
                        .str()
                        .slice(lit(10i64), lit(1u64))
                        .eq(lit("T")),
                );
                add_repair(
                    name,
                    "non-ISO date -> UTC ISO 8601",
                    parsed.is_not_null().and(canonical.not()),
                    &mut repair_exprs,
                );
                add_repair(
                    name,
                    "NULL string -> null",
                    mapping::is_null_string(value),
                    &mut repair_exprs,
                );
            }
            Parse::Enum(allowed) => {
                parsed_exprs.push(mapping::enum_value(value.clone(), allowed).alias(out));
                let known = mapping::equals_any(parsed.clone(), allowed).fill_null(lit(false));
                add_repair(
                    name,
                    "enum spelling",
                    known.clone().and(parsed.clone().neq(value.clone())),
                    &mut repair_exprs,
                );
                add_repair(
                    name,
                    "unknown value kept",
                    parsed.is_not_null().and(known.not()),
                    &mut repair_exprs,
                );
                add_repair(
                    name,
                    "NULL string -> null",
                    mapping::is_null_string(value),
                    &mut repair_exprs,
                );
            }
        }
    }

    // Stage 1: parsed columns, row-level rejects and repair flags next to the raw columns.
    let reject_names: Vec<String> = (0..reject_exprs.len())
        .map(|i| format!("__rej{i}"))
        .collect();
    let mut checks: Vec<Expr> = reject_exprs
        .into_iter()
        .zip(&reject_names)
        .map(|(e, n)| e.fill_null(lit(false)).alias(n.as_str()))
        .collect();
    checks.extend(repair_exprs);
    let parsed_only = raw.clone().with_columns(parsed_exprs.clone());
    let lf = raw.with_columns(parsed_exprs).with_columns(checks);

    // Stage 2: output columns.
    let mut select = Vec::new();
    let mut columns = Vec::new();
    for (name, ty) in schema {
        let expr = match mapping.outputs.iter().find(|(n, _)| n == name) {
            Some((_, e)) => e.clone().cast(ty.dtype()),
            None => lit(NULL).cast(ty.dtype()),
        };
        select.push(expr.alias(*name));
        columns.push(name.to_string());
    }
    for (raw_name, out) in &mapping.extensions {
        if columns.contains(out) {
            continue;
        }
        select.push(col(raw_name.as_str()).alias(out.as_str()));
        columns.push(out.clone());
    }
    for (name, _) in &mapping.outputs {
        if !columns.contains(name) {
            // Outputs outside the schema (e.g. x_ columns computed by a mapping).
            let (_, e) = mapping
                .outputs
                .iter()
                .find(|(n, _)| n == name)
                .expect("listed");
            select.push(e.clone().alias(name.as_str()));
            columns.push(name.clone());
        }
    }
    let mut clean_select = select.clone();
    clean_select.push(col(FILE));
    clean_select.push(col(ROW));
    clean_select.push(lit(NULL).cast(DataType::Int32).alias(REJECT));
    let clean = parsed_only.select(clean_select);
    select.push(col(FILE));
    select.push(col(ROW));
    select.push(col(BLANK));
    for n in &reject_names {
        select.push(col(n.as_str()));
    }
    for name in &checked_raw {
        select.push(col(name.as_str()).alias(raw_carry(name)));
    }
    for i in 0..repair_labels.len() {
        select.push(col(format!("__rep{i}")));
    }
    let mut lf = lf.select(select);

    // Stage 3: the one rejection of each row (first failing check wins), as a check number.
    let mut flags: Vec<Expr> = reject_names.iter().map(|n| col(n.as_str())).collect();
    let mut reasons = reject_reasons;
    let has = |c: &str| schema.iter().any(|(n, _)| *n == c);
    let mut period_flag: Option<String> = None;
    if let (Some(tolerance), true) = (
        billing_period_tolerance,
        has("ChargePeriodStart") && has("BillingPeriodStart"),
    ) {
        let start = col("ChargePeriodStart");
        let not_correction = col("ChargeClass")
            .neq(lit("Correction"))
            .fill_null(lit(true));
        let slack = lit(chrono::Duration::hours(tolerance as i64));
        let outside = start
            .clone()
            .lt(col("BillingPeriodStart"))
            .or(start.clone().gt_eq(col("BillingPeriodEnd")))
            .and(not_correction.clone())
            .fill_null(lit(false));
        let far_outside = start
            .clone()
            .lt(col("BillingPeriodStart") - slack.clone())
            .or(start.clone().gt_eq(col("BillingPeriodEnd") + slack))
            .and(not_correction)
            .fill_null(lit(false));
        let flag = format!("__rep{}", repair_labels.len());
        repair_labels.push((
            "ChargePeriodStart".to_string(),
            format!("outside its billing period by less than {tolerance} h (kept; time-zone skew)"),
        ));
        lf = lf.with_columns([
            outside.and(far_outside.clone().not()).alias(flag.as_str()),
            far_outside.alias("__rej_period"),
        ]);
        period_flag = Some("__rej_period".to_string());
        flags.push(col("__rej_period"));
        reasons.push(concat_str(
            [
                lit(format!("ChargePeriodStart{SEP}")),
                start.dt().to_string("%Y-%m-%dT%H:%M:%SZ"),
                lit(format!("{SEP}expected a charge period starting inside its billing period [")),
                col("BillingPeriodStart").dt().to_string("%Y-%m-%dT%H:%M:%SZ"),
                lit(", "),
                col("BillingPeriodEnd").dt().to_string("%Y-%m-%dT%H:%M:%SZ"),
                lit(format!(
                    ") give or take {tolerance} h (rows fixing an earlier period must have ChargeClass 'Correction')"
                )),
            ],
            "",
            false,
        ));
    }
    // The check number of the first failing check (null when the row is kept).
    let mut reject = lit(NULL).cast(DataType::Int32);
    for (i, flag) in flags.iter().enumerate().rev() {
        reject = when(flag.clone()).then(lit(i as i32)).otherwise(reject);
    }
    lf = lf.with_column(
        when(col(BLANK))
            .then(lit(NULL).cast(DataType::Int32))
            .otherwise(reject)
            .alias(REJECT),
    );
    // Why rejected rows were rejected: built only after filtering to them.
    let mut why = lit(NULL).cast(DataType::String);
    for (i, reason_text) in reasons.iter().enumerate().rev() {
        why = when(col(REJECT).eq(lit(i as i32)))
            .then(reason_text.clone())
            .otherwise(why);
    }
    let diagnose = lf.clone().filter(col(REJECT).is_not_null()).select([
        col(FILE),
        col(ROW),
        why.alias(REASON),
    ]);
    let mut internal: Vec<String> = reject_names.clone();
    internal.extend(checked_raw.iter().map(|n| raw_carry(n)));
    internal.extend(period_flag);
    let lf = lf.drop(by_name(internal.iter().map(|s| s.as_str()), true, false));

    // The audit: one pass, one row per currency.
    let kept = col(REJECT).is_null();
    let mut aggs = vec![
        col(BLANK).not().sum().alias("__rows"),
        col(BLANK).sum().alias("__blank"),
        col(REJECT).is_not_null().sum().alias("__rejected"),
    ];
    for cost in COST_COLUMNS {
        if has(cost) {
            aggs.push(col(cost).sum().alias(format!("__read:{cost}")));
            aggs.push(
                col(cost)
                    .filter(kept.clone())
                    .sum()
                    .alias(format!("__returned:{cost}")),
            );
        }
    }
    if !repair_labels.is_empty() {
        let flags: Vec<Expr> = (0..repair_labels.len())
            .map(|i| col(format!("__rep{i}")))
            .collect();
        aggs.push(any_horizontal(&flags)?.sum().alias("__rows_repaired"));
        for i in 0..repair_labels.len() {
            aggs.push(col(format!("__rep{i}")).sum().alias(format!("__rep{i}")));
        }
    } else {
        aggs.push(lit(0u32).alias("__rows_repaired"));
    }
    let currency = if has("BillingCurrency") {
        col("BillingCurrency").fill_null(lit(""))
    } else {
        lit("")
    };
    let audit = lf
        .clone()
        .group_by([currency.alias("__currency")])
        .agg(aggs);
    let data = lf.filter(col(BLANK).not()).drop(by_name(
        (0..repair_labels.len())
            .map(|i| format!("__rep{i}"))
            .chain([BLANK.to_string()])
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str()),
        true,
        false,
    ));
    Ok(FilePlan {
        data,
        clean,
        diagnose,
        audit,
        repair_labels,
        columns,
    })
}

/// Splits an internal rejection reason into (column, value, reason).
pub fn split_reason(reason: &str) -> (String, String, String) {
    let mut parts = reason.splitn(3, SEP);
    let column = parts.next().unwrap_or("").to_string();
    let value = parts.next().unwrap_or("").to_string();
    let why = parts.next().unwrap_or("").to_string();
    (column, value, why)
}

/// The strict-mode error for the first rejected row, out of `total`.
pub fn rejection_error(first: &Rejection, total: u64) -> Error {
    let more = if total > 1 {
        format!(" ({total} rows rejected in all; pass lenient=True / --lenient to load the rest and list them)")
    } else {
        " (pass lenient=True / --lenient to load the other rows and report this one)".to_string()
    };
    Error::data(
        Position::file(&first.file)
            .row(first.row)
            .column(first.column.clone())
            .value(first.value.clone()),
        format!("{}{more}", first.reason),
    )
}
