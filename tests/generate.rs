//! The sample-data generator: the files it writes are valid FOCUS 1.2 with exact commitment
//! accounting, carry the planted patterns, and match the utilization file. Every check reads
//! the written files with the `csv` crate (independently of capcast's loaders).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use capcast::generate::{
    billing_frame, utilization_frame, write_large_focus_csv, write_sample, SampleOptions,
    SampleSummary, BILLING_FILE, LEVEL_SHIFT_SERVICE, MONTH_END_SERVICE, UTILIZATION_FILE,
};
use capcast::ingest::billing::schema::MANDATORY;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Weekday};
use polars::prelude::{DataType, TimeUnit, TimeZone};

/// The columns of one billing row the tests use.
struct Row {
    charge_start: i64,
    charge_end: i64,
    billing_start: i64,
    billing_end: i64,
    category: String,
    frequency: String,
    pricing_category: String,
    billed: f64,
    effective: f64,
    list: f64,
    contracted: f64,
    pricing_quantity: f64,
    commitment_id: String,
    status: String,
    commitment_quantity: Option<f64>,
    service: String,
    service_category: String,
    resource_id: String,
    resource_type: String,
    tags: String,
    sku_details: String,
}

struct Fixture {
    _dir: tempfile::TempDir,
    options: SampleOptions,
    summary: SampleSummary,
    billing_bytes: Vec<u8>,
    utilization_bytes: Vec<u8>,
    header: Vec<String>,
    rows: Vec<Row>,
    /// Rows with an empty value, per mandatory column.
    empty_mandatory: BTreeMap<&'static str, usize>,
}

fn seconds(text: &str) -> i64 {
    assert!(
        text.ends_with('Z') && text.contains('T'),
        "not ISO UTC: {text}"
    );
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .timestamp()
}

fn number(text: &str) -> Option<f64> {
    (!text.is_empty()).then(|| text.parse().unwrap_or_else(|e| panic!("{text}: {e}")))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn parse_billing(csv_bytes: &[u8]) -> (Vec<String>, Vec<Row>, BTreeMap<&'static str, usize>) {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} missing"))
    };
    let mandatory: Vec<(&'static str, usize)> = MANDATORY.iter().map(|m| (*m, at(m))).collect();
    let mut empty: BTreeMap<&'static str, usize> = MANDATORY.iter().map(|m| (*m, 0)).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let r = record.expect("csv record");
        for (name, index) in &mandatory {
            if r[*index].is_empty() {
                *empty.entry(name).or_default() += 1;
            }
        }
        let text = |name: &str| r[at(name)].to_string();
        let num = |name: &str| number(&r[at(name)]);
        rows.push(Row {
            charge_start: seconds(&r[at("ChargePeriodStart")]),
            charge_end: seconds(&r[at("ChargePeriodEnd")]),
            billing_start: seconds(&r[at("BillingPeriodStart")]),
            billing_end: seconds(&r[at("BillingPeriodEnd")]),
            category: text("ChargeCategory"),
            frequency: text("ChargeFrequency"),
            pricing_category: text("PricingCategory"),
            billed: num("BilledCost").expect("BilledCost"),
            effective: num("EffectiveCost").expect("EffectiveCost"),
            list: num("ListCost").expect("ListCost"),
            contracted: num("ContractedCost").expect("ContractedCost"),
            pricing_quantity: num("PricingQuantity").expect("PricingQuantity"),
            commitment_id: text("CommitmentDiscountId"),
            status: text("CommitmentDiscountStatus"),
            commitment_quantity: num("CommitmentDiscountQuantity"),
            service: text("ServiceName"),
            service_category: text("ServiceCategory"),
            resource_id: text("ResourceId"),
            resource_type: text("ResourceType"),
            tags: text("Tags"),
            sku_details: text("SkuPriceDetails"),
        });
    }
    (header, rows, empty)
}

/// The default sample, written once for all tests.
fn sample() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = SampleOptions::default();
        let summary = write_sample(dir.path(), &options).expect("sample written");
        let billing_bytes = std::fs::read(dir.path().join(BILLING_FILE)).expect("billing file");
        let utilization_bytes =
            std::fs::read(dir.path().join(UTILIZATION_FILE)).expect("utilization file");
        let (header, rows, empty_mandatory) = parse_billing(&gunzip(&billing_bytes));
        Fixture {
            _dir: dir,
            options,
            summary,
            billing_bytes,
            utilization_bytes,
            header,
            rows,
            empty_mandatory,
        }
    })
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()).max(1e-300)
}

fn epoch(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp()
}

#[test]
fn summary_matches_the_files() {
    let f = sample();
    assert_eq!(f.summary.billing_rows, f.rows.len());
    let utilization_rows = f.utilization_bytes.iter().filter(|b| **b == b'\n').count() - 1;
    assert_eq!(f.summary.utilization_rows, utilization_rows);
    let billed: f64 = f.rows.iter().map(|r| r.billed).sum();
    let effective: f64 = f.rows.iter().map(|r| r.effective).sum();
    assert!(close(f.summary.total_billed_cost, billed, 1e-12));
    assert!(close(f.summary.total_effective_cost, effective, 1e-12));
    assert_eq!(f.summary.files.len(), 3);
    assert!(f.summary.files[2].ends_with(capcast::generate::SLO_FILE));
    assert!(f.summary.files[0].ends_with(BILLING_FILE));
    // A few MB compressed, as documented.
    let size = f.billing_bytes.len();
    assert!((1_500_000..4_500_000).contains(&size), "{size} bytes");
    // Billed exceeds effective by the RI upfront not yet amortized: 5 x 0.12 x (8760 - 2952).
    assert!(close(billed - effective, 0.6 * (8760.0 - 2952.0), 1e-9));
    let json = serde_json::to_value(&f.summary).expect("summary serialises");
    assert!(json["billing_rows"].as_u64().is_some());
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let f = sample();
    let dir = tempfile::tempdir().expect("temp dir");
    write_sample(dir.path(), &f.options).expect("again");
    assert!(std::fs::read(dir.path().join(BILLING_FILE)).expect("billing") == f.billing_bytes);
    assert!(
        std::fs::read(dir.path().join(UTILIZATION_FILE)).expect("utilization")
            == f.utilization_bytes
    );
    let other = tempfile::tempdir().expect("temp dir");
    let options = SampleOptions {
        seed: 7,
        months: 1,
        ..SampleOptions::default()
    };
    write_sample(other.path(), &options).expect("seed 7");
    let first = write_sample(
        dir.path(),
        &SampleOptions {
            months: 1,
            ..f.options.clone()
        },
    );
    first.expect("seed 42, one month");
    assert!(
        std::fs::read(other.path().join(BILLING_FILE)).expect("seed 7")
            != std::fs::read(dir.path().join(BILLING_FILE)).expect("seed 42")
    );
}

#[test]
fn every_mandatory_focus_column_is_present_and_filled() {
    let f = sample();
    for name in MANDATORY {
        assert!(f.header.iter().any(|h| h == name), "{name} missing");
        let empty = f.empty_mandatory[name];
        if name == "ChargeClass" {
            // Null unless a row corrects an invoiced period; the sample has no corrections.
            assert_eq!(empty, f.rows.len());
        } else {
            assert_eq!(empty, 0, "{name} empty in {empty} rows");
        }
    }
    assert_eq!(f.header.len(), 57);
}

#[test]
fn enumerations_hold_allowed_values() {
    let f = sample();
    let categories = capcast::ingest::billing::schema::enum_values("ServiceCategory")
        .expect("ServiceCategory is an enumeration");
    for r in &f.rows {
        assert!(["Usage", "Purchase"].contains(&r.category.as_str()));
        assert!(["One-Time", "Recurring", "Usage-Based"].contains(&r.frequency.as_str()));
        assert!(["Standard", "Committed"].contains(&r.pricing_category.as_str()));
        assert!(["", "Used", "Unused"].contains(&r.status.as_str()));
        assert!(categories.contains(&r.service_category.as_str()));
        assert!(r.list + 1e-12 >= r.effective, "list below effective");
        assert!(r.list + 1e-12 >= r.contracted, "list below contracted");
        assert!(r.pricing_quantity > 0.0);
    }
    let services: BTreeSet<&str> = f.rows.iter().map(|r| r.service.as_str()).collect();
    for s in [
        "Amazon Elastic Compute Cloud",
        "Amazon Relational Database Service",
        "Amazon Simple Storage Service",
        "AWS Lambda",
        "Amazon CloudFront",
        "Amazon Elastic Kubernetes Service",
    ] {
        assert!(services.contains(s), "{s}");
    }
}

#[test]
fn periods_are_iso_hours_inside_calendar_months() {
    let f = sample();
    let start = epoch(f.options.start);
    let end = epoch(f.options.end());
    for r in &f.rows {
        let charge = DateTime::from_timestamp(r.charge_start, 0).expect("instant");
        let month_start = NaiveDate::from_ymd_opt(charge.year(), charge.month(), 1).expect("day");
        assert_eq!(r.billing_start, epoch(month_start));
        let next = month_start
            .checked_add_months(chrono::Months::new(1))
            .expect("month");
        assert_eq!(r.billing_end, epoch(next));
        assert!(start <= r.charge_start && r.charge_start < end);
        if r.category == "Usage" {
            assert_eq!(r.charge_end - r.charge_start, 3600);
            assert_eq!(charge.minute(), 0);
        }
    }
}

/// Σ EffectiveCost of a commitment's usage rows = Σ purchase BilledCost x share of the
/// purchase's charge period inside the window; Used + Unused = the commitment every hour.
#[test]
fn commitment_identities_hold_exactly() {
    let f = sample();
    let (start, end) = (epoch(f.options.start), epoch(f.options.end()));
    let mut expected: HashMap<&str, f64> = HashMap::new();
    let mut hourly_commitment: HashMap<&str, f64> = HashMap::new();
    let mut purchases: HashMap<&str, Vec<&Row>> = HashMap::new();
    for r in f.rows.iter().filter(|r| r.category == "Purchase") {
        assert_eq!(r.effective, 0.0);
        assert!(r.status.is_empty());
        let period = (r.charge_end - r.charge_start) as f64;
        let inside = (r.charge_end.min(end) - r.charge_start.max(start)).max(0) as f64;
        *expected.entry(&r.commitment_id).or_default() += r.billed * inside / period;
        let per_hour = r.commitment_quantity.expect("quantity") / (period / 3600.0);
        let previous = hourly_commitment.insert(&r.commitment_id, per_hour);
        assert!(previous.is_none_or(|p| close(p, per_hour, 1e-12)));
        purchases.entry(&r.commitment_id).or_default().push(r);
    }
    assert_eq!(purchases.len(), 2);
    let ri = purchases
        .iter()
        .find(|(_, p)| p[0].frequency == "One-Time")
        .expect("an RI");
    let sp = purchases
        .iter()
        .find(|(_, p)| p[0].frequency == "Recurring")
        .expect("a savings plan");
    assert_eq!(ri.1.len(), 1);
    assert_eq!(ri.1[0].billed, 0.12 * 5.0 * 8760.0);
    assert_eq!(ri.1[0].charge_end - ri.1[0].charge_start, 8760 * 3600);
    assert_eq!(sp.1.len(), 4, "one recurring fee per month");

    let mut actual: HashMap<&str, f64> = HashMap::new();
    let mut per_hour: HashMap<(&str, i64), f64> = HashMap::new();
    let mut statuses: BTreeSet<(&str, &str)> = BTreeSet::new();
    for r in f.rows.iter().filter(|r| !r.status.is_empty()) {
        assert_eq!(r.category, "Usage");
        assert_eq!(r.pricing_category, "Committed");
        assert_eq!(r.billed, 0.0);
        *actual.entry(&r.commitment_id).or_default() += r.effective;
        *per_hour
            .entry((&r.commitment_id, r.charge_start))
            .or_default() += r.commitment_quantity.expect("quantity");
        statuses.insert((&r.commitment_id, &r.status));
    }
    for (id, want) in &expected {
        let got = actual[id];
        assert!(
            close(got, *want, 1e-9),
            "{id}: usage {got} vs purchases {want}"
        );
    }
    // The savings plan's months are all inside the window: usage equals purchases in full.
    let sp_billed: f64 = sp.1.iter().map(|r| r.billed).sum();
    assert!(close(actual[sp.0], sp_billed, 1e-9));
    let hours = ((end - start) / 3600) as usize;
    for id in [ri.0, sp.0] {
        assert!(statuses.contains(&(id, "Used")) && statuses.contains(&(id, "Unused")));
        let want = hourly_commitment[id];
        let covered: Vec<f64> = per_hour
            .iter()
            .filter(|((c, _), _)| c == id)
            .map(|(_, q)| *q)
            .collect();
        assert_eq!(covered.len(), hours, "{id} misses hours");
        for q in covered {
            assert!(close(q, want, 1e-9), "{id}: used + unused {q} vs {want}");
        }
    }
    assert_eq!(hourly_commitment[ri.0], 5.0);
}

fn daily(rows: &[Row], service: &str) -> BTreeMap<i64, f64> {
    let mut days = BTreeMap::new();
    for r in rows.iter().filter(|r| r.service == service) {
        *days.entry(r.charge_start.div_euclid(86_400)).or_default() += r.effective;
    }
    days
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn month_end_effect_is_present() {
    let f = sample();
    for (service, factor) in [(MONTH_END_SERVICE, 4.0), ("AWS Data Transfer", 1.4)] {
        let (mut last, mut rest) = (Vec::new(), Vec::new());
        for (day, cost) in daily(&f.rows, service) {
            let date = DateTime::from_timestamp(day * 86_400, 0).expect("day");
            let next = date + chrono::Duration::days(2);
            if next.month() != date.month() {
                last.push(cost);
            } else {
                rest.push(cost);
            }
        }
        assert_eq!(last.len(), 8, "two days in each of four months");
        let (last, rest) = (mean(&last), mean(&rest));
        assert!(last > factor * rest, "{service}: {last} vs {rest}");
    }
}

#[test]
fn level_shift_is_present() {
    let f = sample();
    let shift = epoch(f.options.level_shift_date()) / 86_400;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for (day, cost) in daily(&f.rows, LEVEL_SHIFT_SERVICE) {
        if day < shift {
            before.push(cost);
        } else {
            after.push(cost);
        }
    }
    let ratio = mean(&after) / mean(&before);
    assert!((1.8..2.3).contains(&ratio), "ratio {ratio}");
    // The shift is a step on its day, not a drift.
    let days = daily(&f.rows, LEVEL_SHIFT_SERVICE);
    assert!(days[&shift] > 1.8 * days[&(shift - 1)]);
}

#[test]
fn trend_and_daily_and_weekly_cycles() {
    let f = sample();
    let (mut peak, mut night, mut weekday, mut weekend) = (0.0, 0.0, 0.0, 0.0);
    for r in f.rows.iter().filter(|r| r.service == "AWS Lambda") {
        let t = DateTime::from_timestamp(r.charge_start, 0).expect("instant");
        match t.hour() {
            14..=16 => peak += r.effective,
            2..=4 => night += r.effective,
            _ => {}
        }
        if matches!(t.weekday(), Weekday::Sat | Weekday::Sun) {
            weekend += r.effective / 2.0;
        } else {
            weekday += r.effective / 5.0;
        }
    }
    assert!(peak > 1.8 * night, "{peak} vs {night}");
    assert!(weekend < 0.85 * weekday, "{weekend} vs {weekday}");
    // Storage grows month over month.
    let monthly = |service: &str| {
        let mut months: BTreeMap<i64, f64> = BTreeMap::new();
        for r in f.rows.iter().filter(|r| r.service == service) {
            *months.entry(r.billing_start).or_default() +=
                r.effective / ((r.billing_end - r.billing_start) as f64);
        }
        months.into_values().collect::<Vec<f64>>()
    };
    let s3 = monthly("Amazon Simple Storage Service");
    assert!(s3.windows(2).all(|w| w[1] > w[0]), "{s3:?}");
}

#[test]
fn teams_are_tagged_and_some_rows_are_not() {
    let f = sample();
    let mut teams = BTreeSet::new();
    let mut untagged = 0;
    for r in &f.rows {
        if r.tags.is_empty() {
            untagged += 1;
            continue;
        }
        let tags: serde_json::Value = serde_json::from_str(&r.tags).expect("tags are json");
        teams.insert(tags["team"].as_str().expect("a team tag").to_string());
        assert!(tags["env"].is_string());
    }
    assert_eq!(
        teams.into_iter().collect::<Vec<_>>(),
        vec!["data", "payments", "platform", "search"]
    );
    assert!(untagged > f.rows.len() / 20 && untagged < f.rows.len() / 2);
}

/// `(timestamp, resource_id) -> [cpu, memory]` percent.
type Samples = BTreeMap<(i64, String), [f64; 2]>;
/// `resource_id -> (vcpu, memory_gib, instance_type)`.
type Instances = HashMap<String, (i64, f64, String)>;

/// The samples and instance facts of the utilization file.
fn read_utilization(bytes: &[u8]) -> (Samples, Instances) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "timestamp",
            "resource_id",
            "metric",
            "value",
            "vcpu",
            "memory_gib",
            "instance_type"
        ]
    );
    let mut samples = Samples::new();
    let mut facts = HashMap::new();
    for record in reader.records() {
        let r = record.expect("record");
        let value: f64 = r[3].parse().expect("value");
        assert!((0.0..=100.0).contains(&value));
        let slot = match &r[2] {
            "cpu_utilization" => 0,
            "memory_utilization" => 1,
            other => panic!("metric {other}"),
        };
        samples
            .entry((seconds(&r[0]), r[1].to_string()))
            .or_default()[slot] = value;
        facts.insert(
            r[1].to_string(),
            (
                r[4].parse().expect("vcpu"),
                r[5].parse().expect("memory"),
                r[6].to_string(),
            ),
        );
    }
    (samples, facts)
}

#[test]
fn utilization_covers_every_billed_instance_hour() {
    let f = sample();
    let (samples, facts) = read_utilization(&f.utilization_bytes);
    let mut billed_hours: BTreeSet<(i64, String)> = BTreeSet::new();
    for r in f.rows.iter().filter(|r| r.resource_type == "Instance") {
        assert_eq!(r.service, "Amazon Elastic Compute Cloud");
        billed_hours.insert((r.charge_start, r.resource_id.clone()));
        let details: serde_json::Value = serde_json::from_str(&r.sku_details).expect("json");
        let (vcpu, memory, itype) = &facts[&r.resource_id];
        assert_eq!(details["InstanceType"].as_str(), Some(itype.as_str()));
        assert_eq!(details["vCPU"].as_i64(), Some(*vcpu));
        assert_eq!(details["MemoryGiB"].as_f64(), Some(*memory));
    }
    let sampled: BTreeSet<(i64, String)> = samples.keys().cloned().collect();
    assert_eq!(billed_hours, sampled);
    let instances: BTreeSet<&String> = billed_hours.iter().map(|(_, id)| id).collect();
    assert!(instances.len() >= 10);
    // Real AWS sizes.
    for (vcpu, memory, itype) in facts.values() {
        let expected = match itype.as_str() {
            "m5.large" => (2, 8.0),
            "m5.xlarge" => (4, 16.0),
            "c5.2xlarge" => (8, 16.0),
            "r5.large" => (2, 16.0),
            "r5.2xlarge" => (8, 64.0),
            "t3.medium" => (2, 4.0),
            other => panic!("unexpected type {other}"),
        };
        assert_eq!((*vcpu, *memory), expected, "{itype}");
    }
}

#[test]
fn fleet_has_idle_hot_and_over_provisioned_instances() {
    let f = sample();
    let (samples, facts) = read_utilization(&f.utilization_bytes);
    let mut cpu: HashMap<&str, Vec<f64>> = HashMap::new();
    for ((_, id), [c, _]) in &samples {
        cpu.entry(id).or_default().push(*c);
    }
    let means: Vec<f64> = cpu.values().map(|v| mean(v)).collect();
    assert!(means.iter().any(|m| *m < 2.0), "an idle instance");
    assert!(means.iter().any(|m| *m > 85.0), "a hot instance");
    assert!(
        means.iter().filter(|m| **m < 15.0).count() >= 3,
        "over-provisioned ones"
    );

    // Used cores follow the compute cost hour by hour.
    let mut cores: BTreeMap<i64, f64> = BTreeMap::new();
    for ((t, id), [c, _]) in &samples {
        *cores.entry(*t).or_default() += c / 100.0 * facts[id].0 as f64;
    }
    let mut cost: BTreeMap<i64, f64> = BTreeMap::new();
    for r in f.rows.iter().filter(|r| r.resource_type == "Instance") {
        *cost.entry(r.charge_start).or_default() += r.list;
    }
    let xs: Vec<f64> = cost.values().copied().collect();
    let ys: Vec<f64> = cores.values().copied().collect();
    assert_eq!(xs.len(), ys.len());
    let (mx, my) = (mean(&xs), mean(&ys));
    let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    let correlation = cov / (vx * vy).sqrt();
    assert!(correlation > 0.5, "correlation {correlation}");
}

#[test]
fn frames_match_the_files() {
    let f = sample();
    let billing = billing_frame(&f.options).expect("billing frame");
    assert_eq!(billing.height(), f.rows.len());
    assert_eq!(billing.width(), 57);
    let names: Vec<String> = billing
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, f.header);
    let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
    for column in [
        "BillingPeriodStart",
        "BillingPeriodEnd",
        "ChargePeriodStart",
        "ChargePeriodEnd",
    ] {
        assert_eq!(billing.column(column).expect(column).dtype(), &utc);
    }
    let effective = billing.column("EffectiveCost").expect("column");
    assert_eq!(effective.dtype(), &DataType::Float64);
    let sum: f64 = effective.f64().expect("f64").into_no_null_iter().sum();
    let from_file: f64 = f.rows.iter().map(|r| r.effective).sum();
    assert!(close(sum, from_file, 1e-12));
    assert_eq!(
        billing.column("ChargeClass").expect("column").null_count(),
        f.rows.len()
    );

    let utilization = utilization_frame(&f.options).expect("utilization frame");
    assert_eq!(utilization.height(), f.summary.utilization_rows);
    assert_eq!(utilization.column("timestamp").expect("ts").dtype(), &utc);
    assert_eq!(
        utilization.column("vcpu").expect("vcpu").dtype(),
        &DataType::Int64
    );
    let values: f64 = utilization
        .column("value")
        .expect("value")
        .f64()
        .expect("f64")
        .into_no_null_iter()
        .sum();
    let (samples, _) = read_utilization(&f.utilization_bytes);
    let from_file: f64 = samples.values().map(|[c, m]| c + m).sum();
    assert!(close(values, from_file, 1e-9));
}

#[test]
fn five_minute_utilization() {
    let options = SampleOptions {
        months: 1,
        utilization_interval_minutes: 5,
        ..SampleOptions::default()
    };
    let hourly = utilization_frame(&SampleOptions {
        utilization_interval_minutes: 60,
        ..options.clone()
    })
    .expect("hourly");
    let five = utilization_frame(&options).expect("five-minute");
    assert_eq!(five.height(), 12 * hourly.height());
}

#[test]
fn bad_options_are_refused_before_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = SampleOptions {
        months: 40,
        ..SampleOptions::default()
    };
    let err = write_sample(dir.path(), &options).expect_err("40 months");
    assert_eq!(
        err.to_string(),
        "invalid parameter 'months': must be between 1 and 36, got 40"
    );
    assert!(!dir.path().join(BILLING_FILE).exists());
}

#[test]
fn large_file_is_focus_of_about_the_requested_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("large.csv");
    let target = 3_000_000;
    let summary = write_large_focus_csv(&path, target, 11).expect("large file");
    let bytes = std::fs::read(&path).expect("read");
    assert!((target..target + 100_000).contains(&(bytes.len() as u64)));
    let (header, rows, empty) = parse_billing(&bytes);
    assert_eq!(header, sample().header);
    assert_eq!(rows.len(), summary.billing_rows);
    assert!(empty
        .iter()
        .all(|(name, n)| *name == "ChargeClass" || *n == 0));
    let billed: f64 = rows.iter().map(|r| r.billed).sum();
    assert!(close(billed, summary.total_billed_cost, 1e-12));
    let again = dir.path().join("again.csv");
    write_large_focus_csv(&again, target, 11).expect("again");
    assert!(std::fs::read(&again).expect("read") == bytes);

    let gz = dir.path().join("large.csv.gz");
    let summary = write_large_focus_csv(&gz, 500_000, 11).expect("gzip");
    let compressed = std::fs::read(&gz).expect("read");
    assert!(compressed.len() >= 500_000);
    let (_, rows, _) = parse_billing(&gunzip(&compressed));
    assert_eq!(rows.len(), summary.billing_rows);
}

#[test]
fn write_errors_name_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A file where the billing folder should be.
    std::fs::write(dir.path().join("billing"), b"not a folder").expect("write");
    let err = write_sample(dir.path(), &SampleOptions::default()).expect_err("blocked");
    assert!(err.to_string().contains("billing"), "{err}");
    let missing = Path::new("/nonexistent-capcast-folder/large.csv");
    let err = write_large_focus_csv(missing, 10, 1).expect_err("missing folder");
    assert!(matches!(err, capcast::Error::NotFound { .. }));
    assert!(err.to_string().contains("nonexistent-capcast-folder"));
}

#[test]
fn the_loader_reads_the_sample_without_repairs() {
    use capcast::ingest::{read_billing, BillingOptions};
    let f = sample();
    let path = f.summary.files[0].clone();
    let billing = read_billing(&[path], &BillingOptions::default()).expect("sample loads");
    assert_eq!(billing.report.rows_read, f.rows.len() as u64);
    assert_eq!(billing.report.rows_kept, f.rows.len() as u64);
    assert_eq!(billing.report.rows_repaired, 0);
    assert_eq!(billing.report.rows_rejected, 0);
    let frame = billing.costs.collect().expect("collect");
    let loaded: f64 = frame
        .column("EffectiveCost")
        .expect("EffectiveCost")
        .f64()
        .expect("f64")
        .into_no_null_iter()
        .sum();
    assert!(close(loaded, f.summary.total_effective_cost, 1e-9));
}
