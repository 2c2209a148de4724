//! GCP Cloud Billing exports (standard and detailed) to FOCUS 1.2, as users get them out of
//! BigQuery: CSV with dotted headers (`service.description`; `labels` and `credits` are JSON
//! text) or JSON lines with nested records. [`read_json_lines`] flattens JSON lines into the
//! CSV's shape, so one mapping serves both. What maps how:
//!
//! | FOCUS | from |
//! |---|---|
//! | BillingAccountId, BillingCurrency | `billing_account_id`, `currency` |
//! | BillingPeriodStart/End | `invoice.month` (`YYYYMM`): the month in Google's billing time zone, America/Los_Angeles, as UTC instants |
//! | ChargePeriodStart/End | `usage_start_time`, `usage_end_time` (`2024-01-01 00:00:00 UTC`) |
//! | ChargeCategory | `cost_type`: regular -> Usage, tax -> Tax, adjustment and rounding_error -> Adjustment (absent -> Usage) |
//! | ChargeClass | `Correction` when the row has `adjustment_info`, or is an adjustment of usage before its invoice month |
//! | ChargeFrequency | commitment fees (`sku.description` "Commitment...") Recurring, other regular rows Usage-Based, the rest One-Time |
//! | ChargeDescription | `sku.description` |
//! | BilledCost, ContractedCost | `cost` |
//! | EffectiveCost | `cost` + the sum of `credits[].amount` (credits are negative) |
//! | ListCost | `cost_at_list` (`cost` where absent) |
//! | PricingQuantity/Unit, ConsumedQuantity/Unit | `usage.amount_in_pricing_units`/`usage.pricing_unit`, `usage.amount`/`usage.unit` (consumed: regular rows) |
//! | PricingCategory | regular rows: Committed with a committed use discount credit or a commitment SKU, Dynamic for Spot/Preemptible SKUs, else Standard |
//! | CommitmentDiscount* | the first credit of type `COMMITTED_USAGE_DISCOUNT` (category Usage) or `COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE` (Spend): id (or full name, name), full name, type "Committed Use Discount", status Used |
//! | SubAccountId/Name/Type | `project.id`, `project.name`, "Project" |
//! | ServiceName, ServiceCategory | `service.description`, [`SERVICE_CATEGORY`] (unknown -> Other) |
//! | RegionId, AvailabilityZone | `location.region`, `location.zone` |
//! | ResourceId, ResourceName | `resource.global_name` (else `resource.name`), `resource.name` |
//! | SkuId | `sku.id` |
//! | ProviderName, PublisherName, InvoiceIssuerName | Google Cloud (publisher: `seller_name` for third-party rows) |
//! | Tags | `labels` `[{key, value}]` as one JSON object |
//!
//! Other columns are kept as `x_` extension columns (`x_service.id`, `x_credits`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

use super::cur::lookup;
use super::format::BillingFormat;
use super::mapping::{Mapping, Parse};
use super::pipeline::ROW;
use super::source::{open_text, Probe};
use crate::error::{Error, Position, Result};

/// The columns of a GCP export that capcast reads, with dotted names. [`read_json_lines`]
/// always returns them (null where a file lacks them).
pub const COLUMNS: [&str; 24] = [
    "billing_account_id",
    "service.id",
    "service.description",
    "sku.id",
    "sku.description",
    "usage_start_time",
    "usage_end_time",
    "project.id",
    "project.name",
    "labels",
    "location.region",
    "location.zone",
    "resource.name",
    "resource.global_name",
    "cost",
    "cost_at_list",
    "currency",
    "usage.amount",
    "usage.unit",
    "usage.amount_in_pricing_units",
    "usage.pricing_unit",
    "credits",
    "invoice.month",
    "cost_type",
];

/// GCP's billing time zone: invoice months start at midnight Pacific time.
pub const BILLING_TIME_ZONE: &str = "America/Los_Angeles";

/// `service.description` to FOCUS ServiceCategory for common GCP services; others are `Other`.
pub const SERVICE_CATEGORY: &[(&str, &str)] = &[
    ("Compute Engine", "Compute"),
    ("Kubernetes Engine", "Compute"),
    ("Cloud Run", "Compute"),
    ("Cloud Run Functions", "Compute"),
    ("Cloud Functions", "Compute"),
    ("App Engine", "Compute"),
    ("VMware Engine", "Compute"),
    ("Cloud Storage", "Storage"),
    ("Filestore", "Storage"),
    ("Backup and DR Service", "Storage"),
    ("BigQuery", "Analytics"),
    ("BigQuery Storage API", "Analytics"),
    ("BigQuery Reservation API", "Analytics"),
    ("Dataflow", "Analytics"),
    ("Cloud Dataproc", "Analytics"),
    ("Dataproc", "Analytics"),
    ("Cloud Composer", "Analytics"),
    ("Looker", "Analytics"),
    ("Cloud SQL", "Databases"),
    ("Cloud Spanner", "Databases"),
    ("Cloud Bigtable", "Databases"),
    ("Cloud Firestore", "Databases"),
    ("Firestore", "Databases"),
    ("Cloud Memorystore for Redis", "Databases"),
    ("AlloyDB", "Databases"),
    ("Networking", "Networking"),
    ("Cloud DNS", "Networking"),
    ("Cloud CDN", "Networking"),
    ("Cloud Load Balancing", "Networking"),
    ("Cloud NAT", "Networking"),
    ("Cloud VPN", "Networking"),
    ("Cloud Interconnect", "Networking"),
    ("Cloud Pub/Sub", "Integration"),
    ("Pub/Sub", "Integration"),
    ("Cloud Scheduler", "Integration"),
    ("Cloud Tasks", "Integration"),
    ("Workflows", "Integration"),
    ("Apigee", "Integration"),
    ("Cloud Logging", "Management and Governance"),
    ("Cloud Monitoring", "Management and Governance"),
    ("Stackdriver Logging", "Management and Governance"),
    ("Stackdriver Monitoring", "Management and Governance"),
    ("Cloud Trace", "Management and Governance"),
    ("Cloud Build", "Developer Tools"),
    ("Artifact Registry", "Developer Tools"),
    ("Container Registry", "Developer Tools"),
    ("Cloud Source Repositories", "Developer Tools"),
    ("Secret Manager", "Security"),
    ("Cloud Key Management Service (KMS)", "Security"),
    ("Security Command Center", "Security"),
    ("Cloud Armor", "Security"),
    ("Identity Platform", "Identity"),
    ("Vertex AI", "AI and Machine Learning"),
    ("Gemini API", "AI and Machine Learning"),
    ("Cloud Vision API", "AI and Machine Learning"),
    ("Cloud Speech API", "AI and Machine Learning"),
    ("Cloud Translation", "AI and Machine Learning"),
    ("Cloud Natural Language", "AI and Machine Learning"),
    ("Document AI", "AI and Machine Learning"),
    ("Cloud IoT Core", "Internet of Things"),
    ("Transcoder API", "Media"),
    ("Database Migration Service", "Migration"),
    ("Storage Transfer Service", "Migration"),
    ("Maps API", "Web"),
    ("Firebase Hosting", "Web"),
];

/// `cost_type` to FOCUS ChargeCategory.
const CHARGE_CATEGORY: &[(&str, &str)] = &[
    ("regular", "Usage"),
    ("tax", "Tax"),
    ("adjustment", "Adjustment"),
    ("rounding_error", "Adjustment"),
];

/// Credit types of committed use discounts, with their FOCUS CommitmentDiscountCategory.
const COMMITMENT_CREDITS: &[(&str, &str)] = &[
    ("COMMITTED_USAGE_DISCOUNT", "Usage"),
    ("COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", "Spend"),
];

/// Recognises GCP headers: `cost` and `usage_start_time` with `service.description`,
/// `service.id` or `billing_account_id`.
pub fn recognise(header: &HashSet<&str>, json_lines: bool) -> Option<BillingFormat> {
    let gcp = header.contains("cost")
        && header.contains("usage_start_time")
        && (header.contains("service.description")
            || header.contains("service.id")
            || header.contains("billing_account_id"));
    match (gcp, json_lines) {
        (false, _) => None,
        (true, true) => Some(BillingFormat::GcpJsonLines),
        (true, false) => Some(BillingFormat::GcpCsv),
    }
}

/// The mapping of a GCP export (CSV or JSON lines).
///
/// # Errors
/// A file without `cost` or `usage_start_time`.
pub fn mapping(probe: &Probe, format: BillingFormat) -> Result<Mapping> {
    // JSON lines: `read_json_lines` returns every standard column, whatever the first line has.
    let augmented;
    let probe = if format == BillingFormat::GcpJsonLines {
        let mut p = probe.clone();
        for name in COLUMNS {
            if !p.has(name) {
                p.header.push(name.to_string());
            }
        }
        augmented = p;
        &augmented
    } else {
        probe
    };
    for essential in ["cost", "usage_start_time"] {
        if !probe.has(essential) {
            return Err(Error::data(
                Position::file(&probe.path).row(0).column(essential),
                format!(
                    "missing mandatory column: expected the GCP billing column '{essential}' in the header (found {} columns)",
                    probe.header.len()
                ),
            ));
        }
    }
    let mut m = Mapping::default();
    let mut consumed: Vec<&str> = Vec::new();
    let mut take = |m: &mut Mapping, name: &'static str, parse: Parse| {
        if probe.has(name) {
            consumed.push(name);
        }
        m.parse_column(probe, name, parse)
    };
    let null_text = || lit(NULL).cast(DataType::String);

    let cost_type = take(&mut m, "cost_type", Parse::Text);
    let regular = cost_type.clone().eq(lit("regular")).fill_null(lit(true));
    let sku_description = take(&mut m, "sku.description", Parse::Text);
    let commitment_sku = sku_description
        .clone()
        .str()
        .to_lowercase()
        .str()
        .starts_with(lit("commitment"))
        .fill_null(lit(false));

    // Accounts and periods.
    let account = take(&mut m, "billing_account_id", Parse::Text);
    m.output("BillingAccountId", account);
    let currency = take(&mut m, "currency", Parse::Text);
    m.output("BillingCurrency", currency);
    let month = take(&mut m, "invoice.month", Parse::Text);
    let (period_start, period_end) = invoice_month_period(month)?;
    m.output("BillingPeriodStart", period_start.clone());
    m.output("BillingPeriodEnd", period_end);
    let start = take(&mut m, "usage_start_time", Parse::DateTime);
    let end = take(&mut m, "usage_end_time", Parse::DateTime);
    m.output("ChargePeriodStart", start.clone());
    m.output("ChargePeriodEnd", end);
    let project = take(&mut m, "project.id", Parse::Text);
    let project_name = take(&mut m, "project.name", Parse::Text);
    m.output("SubAccountId", project.clone());
    m.output("SubAccountName", project_name);
    m.output(
        "SubAccountType",
        when(project.is_not_null())
            .then(lit("Project"))
            .otherwise(null_text()),
    );

    // Charge category, class, frequency.
    m.output(
        "ChargeCategory",
        when(cost_type.clone().is_null())
            .then(lit("Usage"))
            .otherwise(lookup(
                cost_type.clone(),
                CHARGE_CATEGORY,
                Some("Adjustment"),
            )),
    );
    let mut adjusted = cost_type
        .clone()
        .eq(lit("adjustment"))
        .fill_null(lit(false))
        .and(start.clone().lt(period_start).fill_null(lit(false)));
    for name in [
        "adjustment_info.id",
        "adjustment_info.description",
        "adjustment_info.type",
        "adjustment_info.mode",
    ] {
        if probe.has(name) {
            let info = m.parse_column(probe, name, Parse::Text);
            adjusted = adjusted.or(info.is_not_null());
        }
    }
    m.output(
        "ChargeClass",
        when(adjusted)
            .then(lit("Correction"))
            .otherwise(null_text()),
    );
    m.output(
        "ChargeFrequency",
        when(regular.clone().and(commitment_sku.clone()))
            .then(lit("Recurring"))
            .when(regular.clone())
            .then(lit("Usage-Based"))
            .otherwise(lit("One-Time")),
    );
    m.output("ChargeDescription", sku_description.clone());

    // Costs.
    let cost = take(&mut m, "cost", Parse::Number);
    let credits = take(&mut m, "credits", Parse::Text);
    let path = probe.path.display().to_string();
    m.output("BilledCost", cost.clone());
    m.output("ContractedCost", cost.clone());
    m.output(
        "EffectiveCost",
        cost.clone() + credits_total(credits.clone(), &path),
    );
    let list = take(&mut m, "cost_at_list", Parse::Number);
    m.output("ListCost", coalesce(&[list, cost]));
    if probe.has("price.effective_price") {
        let price = take(&mut m, "price.effective_price", Parse::Number);
        m.output("ContractedUnitPrice", price);
    }
    let pricing_quantity = take(&mut m, "usage.amount_in_pricing_units", Parse::Number);
    let pricing_unit = take(&mut m, "usage.pricing_unit", Parse::Text);
    m.output("PricingQuantity", pricing_quantity);
    m.output("PricingUnit", pricing_unit);
    let amount = take(&mut m, "usage.amount", Parse::Number);
    let unit = take(&mut m, "usage.unit", Parse::Text);
    m.output(
        "ConsumedQuantity",
        when(regular.clone())
            .then(amount)
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );
    m.output(
        "ConsumedUnit",
        when(regular.clone()).then(unit).otherwise(null_text()),
    );

    // Commitments (committed use discounts arrive as credits on usage rows).
    let commitment = commitment_credit(credits, &path);
    let field = |path: &str| {
        commitment
            .clone()
            .str()
            .json_path_match(lit(path.to_string()))
    };
    let commitment_type = field("$.type");
    m.output(
        "CommitmentDiscountId",
        coalesce(&[field("$.id"), field("$.full_name"), field("$.name")]),
    );
    m.output(
        "CommitmentDiscountName",
        coalesce(&[field("$.full_name"), field("$.name")]),
    );
    m.output(
        "CommitmentDiscountCategory",
        lookup(commitment_type.clone(), COMMITMENT_CREDITS, None),
    );
    m.output(
        "CommitmentDiscountType",
        when(commitment.clone().is_not_null())
            .then(lit("Committed Use Discount"))
            .otherwise(null_text()),
    );
    m.output(
        "CommitmentDiscountStatus",
        when(commitment.clone().is_not_null().and(regular.clone()))
            .then(lit("Used"))
            .otherwise(null_text()),
    );
    let spot = sku_description
        .clone()
        .str()
        .contains(lit("(?i)spot|preemptible"), false)
        .fill_null(lit(false));
    m.output(
        "PricingCategory",
        when(regular.clone().not())
            .then(null_text())
            .when(commitment.is_not_null().or(commitment_sku))
            .then(lit("Committed"))
            .when(spot)
            .then(lit("Dynamic"))
            .otherwise(lit("Standard")),
    );

    // Provider, service, location, resource, SKU.
    m.output("ProviderName", lit("Google Cloud"));
    m.output("InvoiceIssuerName", lit("Google Cloud"));
    let publisher = if probe.has("seller_name") {
        let seller = m.parse_column(probe, "seller_name", Parse::Text);
        let google = if probe.has("transaction_type") {
            let kind = m.parse_column(probe, "transaction_type", Parse::Text);
            kind.eq(lit("GOOGLE")).fill_null(lit(true))
        } else {
            lit(false)
        };
        when(google)
            .then(lit("Google Cloud"))
            .otherwise(coalesce(&[seller, lit("Google Cloud")]))
    } else {
        lit("Google Cloud")
    };
    m.output("PublisherName", publisher);
    let service = take(&mut m, "service.description", Parse::Text);
    m.output("ServiceName", service.clone());
    m.output(
        "ServiceCategory",
        lookup(service, SERVICE_CATEGORY, Some("Other")),
    );
    let region = take(&mut m, "location.region", Parse::Text);
    m.output("RegionId", region);
    let zone = take(&mut m, "location.zone", Parse::Text);
    m.output("AvailabilityZone", zone);
    let resource_name = take(&mut m, "resource.name", Parse::Text);
    let global_name = take(&mut m, "resource.global_name", Parse::Text);
    m.output(
        "ResourceId",
        coalesce(&[global_name, resource_name.clone()]),
    );
    m.output("ResourceName", resource_name);
    let sku = take(&mut m, "sku.id", Parse::Text);
    m.output("SkuId", sku);
    if probe.has("labels") {
        consumed.push("labels");
        let labels = m.parse_column(probe, "labels", Parse::Text);
        m.output(
            "Tags",
            key_value_json(labels, "labels", &probe.path, same_key),
        );
    }

    // `credits` stays as text too: it is the detail behind EffectiveCost.
    consumed.retain(|c| *c != "credits");
    m.keep_unmapped(probe, "x_", &consumed);
    m.notes.push(
        "EffectiveCost = cost + sum(credits.amount); BillingPeriodStart/End = invoice.month in America/Los_Angeles"
            .to_string(),
    );
    if !probe.has("cost_at_list") {
        m.notes
            .push("the file has no cost_at_list: ListCost = cost".to_string());
    }
    m.notes
        .push("GCP exports have no billing account name: BillingAccountName is null".to_string());
    Ok(m)
}

/// The billing period of an invoice month `YYYYMM`: from midnight of its first day in
/// [`BILLING_TIME_ZONE`] to midnight of the next month's first day, as UTC instants. Null
/// where the month is not `YYYYMM`.
///
/// # Errors
/// Only if the time zone database lacks [`BILLING_TIME_ZONE`].
pub fn invoice_month_period(month: Expr) -> Result<(Expr, Expr)> {
    let zone = TimeZone::opt_try_new(Some(BILLING_TIME_ZONE))?;
    let options = StrptimeOptions {
        format: Some("%Y%m%d".into()),
        strict: false,
        exact: true,
        cache: true,
    };
    let number = month.str().strip_chars(lit(NULL)).cast(DataType::Int64);
    // 202312 -> 202401, 202401 -> 202402 (no `offset_by` in this polars build).
    let next_number = when((number.clone() % lit(100i64)).eq(lit(12i64)))
        .then(number.clone() + lit(89i64))
        .otherwise(number.clone() + lit(1i64));
    let first_day = |yyyymm: Expr| {
        concat_str([yyyymm.cast(DataType::String), lit("01")], "", false)
            .str()
            .to_date(options.clone())
            .cast(DataType::Datetime(TimeUnit::Microseconds, None))
    };
    let to_utc = |naive: Expr| {
        naive
            .dt()
            .replace_time_zone(zone.clone(), lit("raise"), NonExistent::Raise)
            .dt()
            .convert_time_zone(TimeZone::UTC)
    };
    let next = first_day(next_number);
    let first_day = first_day(number);
    Ok((to_utc(first_day), to_utc(next)))
}

/// Reads a JSON-lines export (gzip allowed) into a frame of text columns with dotted names:
/// nested records are flattened (`service.description`), arrays (`labels`, `credits`) are
/// written back as JSON text, numbers as their JSON text. Every name in [`COLUMNS`] is a
/// column (null where absent), followed by every other name found, in order of appearance.
///
/// # Errors
/// A missing or unreadable file, and a line that is not a JSON object (the error names the
/// file and the line).
pub fn read_json_lines(path: &Path) -> Result<DataFrame> {
    let mut table = Table::new(COLUMNS.iter().map(|c| c.to_string()).collect());
    for_each_object(path, usize::MAX, |flat| table.push(flat))?;
    let height = table.rows;
    let columns: Vec<Column> = table
        .names
        .into_iter()
        .zip(table.values)
        .map(|(name, values)| Column::new(name.into(), values))
        .collect();
    Ok(DataFrame::new(height, columns)?)
}

/// The header (dotted names, in order of appearance) and the first `limit` rows of a
/// JSON-lines file, flattened as [`read_json_lines`] does; for probing.
///
/// # Errors
/// As [`read_json_lines`].
pub fn sample_json_lines(path: &Path, limit: usize) -> Result<Sample> {
    let mut table = Table::new(Vec::new());
    for_each_object(path, limit, |flat| table.push(flat))?;
    let rows = (0..table.rows)
        .map(|r| table.values.iter().map(|v| v[r].clone()).collect())
        .collect();
    Ok((table.names, rows))
}

/// The header and the rows of a sample of a JSON-lines file (`None` for absent values).
pub type Sample = (Vec<String>, Vec<Vec<Option<String>>>);

/// Key/value pairs of one row (a value may be null).
type Pairs = Vec<(String, Option<String>)>;

/// Columns of text built row by row from flattened objects.
struct Table {
    names: Vec<String>,
    index: HashMap<String, usize>,
    values: Vec<Vec<Option<String>>>,
    rows: usize,
}

impl Table {
    fn new(names: Vec<String>) -> Self {
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let values = vec![Vec::new(); names.len()];
        Table {
            names,
            index,
            values,
            rows: 0,
        }
    }

    fn push(&mut self, flat: Vec<(String, Option<String>)>) {
        for (name, value) in flat {
            let i = match self.index.get(&name) {
                Some(&i) => i,
                None => {
                    self.names.push(name.clone());
                    self.values.push(vec![None; self.rows]);
                    self.index.insert(name, self.names.len() - 1);
                    self.names.len() - 1
                }
            };
            let column = &mut self.values[i];
            if column.len() > self.rows {
                // The same dotted name twice in one object: the last wins.
                column[self.rows] = value;
            } else {
                column.push(value);
            }
        }
        self.rows += 1;
        for column in &mut self.values {
            if column.len() < self.rows {
                column.push(None);
            }
        }
    }
}

/// Calls `f` with each of the first `limit` objects of a JSON-lines file, flattened.
fn for_each_object(
    path: &Path,
    limit: usize,
    mut f: impl FnMut(Vec<(String, Option<String>)>),
) -> Result<()> {
    let reader = std::io::BufReader::new(open_text(path)?);
    let mut seen = 0usize;
    for (i, line) in reader.lines().enumerate() {
        if seen >= limit {
            break;
        }
        let number = i as u64 + 1;
        let line = line.map_err(|e| {
            Error::data(
                Position::file(path).row(number),
                format!("cannot read line {number} ({e}): expected UTF-8 text, one JSON object per line (a truncated .gz file?)"),
            )
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).map_err(|e| {
            Error::data(
                Position::file(path).row(number).value(line.clone()),
                format!("line {number} is not valid JSON ({e}): expected one JSON object per line"),
            )
        })?;
        let Value::Object(map) = value else {
            return Err(Error::data(
                Position::file(path).row(number).value(line),
                format!("line {number} is not a JSON object: expected one JSON object per line"),
            ));
        };
        let mut flat = Vec::new();
        flatten("", &map, &mut flat);
        f(flat);
        seen += 1;
    }
    Ok(())
}

/// Flattens like `source::flatten_keys`: non-empty objects recurse with dotted names, every
/// other value is a leaf.
fn flatten(
    prefix: &str,
    map: &serde_json::Map<String, Value>,
    out: &mut Vec<(String, Option<String>)>,
) {
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => flatten(&name, inner, out),
            Value::Object(_) | Value::Null => out.push((name, None)),
            Value::String(s) => out.push((name, Some(s.clone()))),
            Value::Number(n) => out.push((name, Some(n.to_string()))),
            Value::Bool(b) => out.push((name, Some(b.to_string()))),
            Value::Array(_) => out.push((name, Some(value.to_string()))),
        }
    }
}

/// The text of a JSON value used as a tag value (strings without quotes).
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Key/value pairs from one JSON text: an object `{"k": "v"}` or an array of
/// `{"key": k, "value": v}` records. `None` for text that is neither.
fn pairs_of_json(text: &str) -> Option<Pairs> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(map) => Some(
            map.iter()
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect(),
        ),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                let Value::Object(record) = item else {
                    return None;
                };
                let key = record.get("key").and_then(value_text)?;
                out.push((key, record.get("value").and_then(value_text)));
            }
            Some(out)
        }
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn same_key(key: &str) -> String {
    key.to_string()
}

/// One JSON object text (keys sorted; null values and empty objects dropped) from a column of
/// key/value data in any of the shapes exports use: JSON text of an object or of an array of
/// `{key, value}` records (GCP `labels`, CUR 2.0 maps in CSV), a list of key/value structs
/// (maps in Parquet), or a struct with one field per key. `key` renames keys
/// (`user_team` -> `team`).
///
/// Text that is not such JSON stops the load with an error naming the file, row, `column`
/// and value (the pipeline has no row-level reject for derived values).
pub fn key_value_json(value: Expr, column: &str, path: &Path, key: fn(&str) -> String) -> Expr {
    let column = column.to_string();
    let path = path.display().to_string();
    as_struct(vec![value.alias("v"), col(ROW).alias("r")]).map(
        move |c: Column| {
            let s = c.struct_()?;
            let fields = s.fields_as_series();
            let rows = fields[1].cast(&DataType::UInt64)?;
            let rows = rows.u64()?;
            let values = &fields[0];
            let pairs: Vec<Option<Pairs>> = match values.dtype() {
                DataType::String => {
                    let texts = values.str()?;
                    let mut out = Vec::with_capacity(texts.len());
                    for (text, row) in texts.iter().zip(rows.iter()) {
                        out.push(match text {
                            None => None,
                            Some(t) if t.trim().is_empty() => None,
                            Some(t) => Some(pairs_of_json(t).ok_or_else(|| {
                                polars_err!(ComputeError:
                                    "{path}, row {}, column '{column}', value '{}': expected a JSON object or an array of {{\"key\": ..., \"value\": ...}} records",
                                    row.unwrap_or(0), shorten(t))
                            })?),
                        });
                    }
                    out
                }
                DataType::List(_) => {
                    let lists = values.list()?;
                    let mut out = Vec::with_capacity(lists.len());
                    for entry in lists.amortized_iter() {
                        out.push(match entry {
                            None => None,
                            Some(series) => Some(struct_pairs(series.as_ref())?),
                        });
                    }
                    out
                }
                DataType::Struct(_) => {
                    let fields = values.struct_()?.fields_as_series();
                    let mut texts = Vec::new();
                    for f in &fields {
                        texts.push((f.name().to_string(), f.cast(&DataType::String)?));
                    }
                    (0..values.len())
                        .map(|i| {
                            Some(
                                texts
                                    .iter()
                                    .map(|(name, t)| {
                                        let v = t.str().ok().and_then(|t| t.get(i)).map(str::to_string);
                                        (name.clone(), v)
                                    })
                                    .collect(),
                            )
                        })
                        .collect()
                }
                _ => vec![None; values.len()],
            };
            let out: StringChunked = pairs
                .into_iter()
                .map(|pairs| {
                    let map: BTreeMap<String, String> = pairs?
                        .into_iter()
                        .filter_map(|(k, v)| v.map(|v| (key(&k), v)))
                        .collect();
                    if map.is_empty() {
                        None
                    } else {
                        serde_json::to_string(&map).ok()
                    }
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// Key/value pairs of a list of two-field structs (a Parquet map).
fn struct_pairs(series: &Series) -> PolarsResult<Pairs> {
    if series.is_empty() {
        return Ok(Vec::new());
    }
    let records = series.struct_()?;
    let fields = records.fields_as_series();
    let pick = |name: &str, at: usize| {
        fields
            .iter()
            .find(|f| f.name().as_str() == name)
            .or_else(|| fields.get(at))
            .cloned()
    };
    let (Some(keys), Some(values)) = (pick("key", 0), pick("value", 1)) else {
        return Ok(Vec::new());
    };
    let keys = keys.cast(&DataType::String)?;
    let values = values.cast(&DataType::String)?;
    Ok(keys
        .str()?
        .iter()
        .zip(values.str()?.iter())
        .filter_map(|(k, v)| k.map(|k| (k.to_string(), v.map(str::to_string))))
        .collect())
}

fn shorten(text: &str) -> String {
    let shown: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        format!("{shown}...")
    } else {
        shown
    }
}

/// The parsed credits of one row: `[{"name": ..., "amount": -1.5, "type": ...}, ...]`.
fn parse_credits(text: &str) -> Option<Vec<serde_json::Map<String, Value>>> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .collect(),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

fn credit_amount(credit: &serde_json::Map<String, Value>) -> Option<f64> {
    match credit.get("amount")? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Null => Some(0.0),
        _ => None,
    }
}

/// Runs `f` over each row's parsed credits (null and blank: no credits), with errors naming
/// the file, row, column `credits` and value.
fn map_credits<T, F>(credits: Expr, path: &str, dtype: DataType, f: F) -> Expr
where
    F: Fn(&[serde_json::Map<String, Value>]) -> Option<T> + Send + Sync + 'static,
    T: Send + Sync + 'static,
    Column: FromOptions<T>,
{
    let path = path.to_string();
    let out_dtype = dtype.clone();
    as_struct(vec![credits.alias("v"), col(ROW).alias("r")]).map(
        move |c: Column| {
            let s = c.struct_()?;
            let fields = s.fields_as_series();
            let texts = fields[0].cast(&DataType::String)?;
            let rows = fields[1].cast(&DataType::UInt64)?;
            let mut out: Vec<Option<T>> = Vec::with_capacity(texts.len());
            for (text, row) in texts.str()?.iter().zip(rows.u64()?.iter()) {
                let credits = match text {
                    None => Vec::new(),
                    Some(t) if t.trim().is_empty() => Vec::new(),
                    Some(t) => parse_credits(t)
                        .filter(|list| list.iter().all(|c| credit_amount(c).is_some()))
                        .ok_or_else(|| {
                            polars_err!(ComputeError:
                                "{path}, row {}, column 'credits', value '{}': expected a JSON array of credits like [{{\"name\": \"...\", \"amount\": -1.5, \"type\": \"...\"}}]",
                                row.unwrap_or(0), shorten(t))
                        })?,
                };
                out.push(f(&credits));
            }
            Ok(Column::from_options(c.name().clone(), out))
        },
        move |_, field| Ok(Field::new(field.name().clone(), out_dtype.clone())),
    )
}

/// Building a column from optional values (the two kinds [`map_credits`] returns).
trait FromOptions<T> {
    fn from_options(name: PlSmallStr, values: Vec<Option<T>>) -> Column;
}

impl FromOptions<f64> for Column {
    fn from_options(name: PlSmallStr, values: Vec<Option<f64>>) -> Column {
        Column::new(name, values)
    }
}

impl FromOptions<String> for Column {
    fn from_options(name: PlSmallStr, values: Vec<Option<String>>) -> Column {
        Column::new(name, values)
    }
}

/// The sum of a row's credit amounts (0 without credits).
fn credits_total(credits: Expr, path: &str) -> Expr {
    map_credits(credits, path, DataType::Float64, |list| {
        Some(list.iter().filter_map(credit_amount).sum::<f64>())
    })
}

/// The row's first committed use discount credit as JSON text (null without one).
fn commitment_credit(credits: Expr, path: &str) -> Expr {
    map_credits(credits, path, DataType::String, |list| {
        list.iter()
            .find(|c| {
                c.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| COMMITMENT_CREDITS.iter().any(|(k, _)| *k == t))
            })
            .and_then(|c| serde_json::to_string(c).ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_from_both_json_shapes() {
        let a = pairs_of_json(r#"[{"key":"env","value":"prod"},{"key":"team","value":null}]"#);
        assert_eq!(
            a,
            Some(vec![
                ("env".into(), Some("prod".into())),
                ("team".into(), None)
            ])
        );
        let b = pairs_of_json(r#"{"user_team":"a","n":3}"#);
        assert_eq!(
            b,
            Some(vec![
                ("user_team".into(), Some("a".into())),
                ("n".into(), Some("3".into()))
            ])
        );
        assert_eq!(pairs_of_json("not json"), None);
        assert_eq!(pairs_of_json("[1]"), None);
    }

    #[test]
    fn credits_sum_exactly() {
        let list = parse_credits(
            r#"[{"name":"CUD","amount":-0.25,"type":"COMMITTED_USAGE_DISCOUNT"},{"name":"SUD","amount":"-0.5"}]"#,
        );
        let list = list.unwrap_or_default();
        let total: f64 = list.iter().filter_map(credit_amount).sum();
        assert_eq!(total, -0.75);
        assert_eq!(parse_credits("{}"), None);
    }

    #[test]
    fn flattening_matches_probe_names() {
        let value: Value = serde_json::from_str(
            r#"{"service":{"id":"S","description":"Compute Engine"},"labels":[{"key":"env","value":"prod"}],"cost":1.5,"project":{},"x":null}"#,
        )
        .unwrap_or(Value::Null);
        let Value::Object(map) = value else {
            panic!("object expected")
        };
        let mut flat = Vec::new();
        flatten("", &map, &mut flat);
        let mut keys = Vec::new();
        super::super::source::flatten_keys("", &map, &mut keys);
        let names: Vec<String> = flat.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(names, keys);
        assert_eq!(
            flat[2],
            (
                "labels".into(),
                Some(r#"[{"key":"env","value":"prod"}]"#.into())
            )
        );
        assert_eq!(flat[3], ("cost".into(), Some("1.5".into())));
    }
}
