//! The seeded generator of capcast's bundled sample data: a realistic multi-month, hourly
//! FOCUS 1.2 billing export of a small AWS organisation, and the CPU and memory utilization of
//! its EC2 fleet.
//!
//! # What the sample contains
//! - One payer account (`Acme Retail`) and four member accounts (`payments-prod`,
//!   `search-prod`, `data-platform`, `shared-services`) in us-east-1, eu-west-1 and us-west-2.
//! - Fifteen EC2 instances of real types (m5.large, m5.xlarge, c5.2xlarge, r5.large,
//!   r5.2xlarge, t3.medium) with one `ResourceId` each: an autoscaled web tier (burst instances
//!   run only at peak traffic), Kubernetes nodes, a hot search indexer, an idle legacy box,
//!   over-provisioned workers. Their utilization is in the matching utilization file.
//! - Twenty-four usage series of other services (EBS, RDS, S3, Lambda, CloudFront, EKS, VPC,
//!   data transfer, Glue, ELB, CloudWatch, DynamoDB) with trend, daily and weekly cycles and
//!   autocorrelated noise, plus planted effects: a month-end effect ([`MONTH_END_SERVICE`]
//!   runs all day on the last two days of each month, data transfer doubles) and a level shift
//!   ([`LEVEL_SHIFT_SERVICE`] doubles from [`SampleOptions::level_shift_date`]).
//! - A Reserved Instance (5 x m5.xlarge, 1 year, all upfront; one `One-Time` purchase row,
//!   renewed every 12 months) and a Compute Savings Plan (3 years, no upfront; one `Recurring`
//!   purchase row per month), with `Used` rows on the usage they cover and an `Unused` row in
//!   every hour they are not fully used. For every `CommitmentDiscountId`, the `EffectiveCost`
//!   of its usage rows equals the `BilledCost` of its purchase rows times the share of each
//!   purchase's charge period inside the window (the Savings Plan's months lie inside it; the
//!   RI's one-year term is amortized hour by hour), exactly to 1e-10 USD; `Used + Unused`
//!   equals the commitment in every hour.
//! - Tags as JSON (`{"team":"payments","env":"prod"}`), with some rows untagged; SKU details as
//!   JSON (`{"InstanceType":"m5.xlarge","vCPU":4,...}`).
//! - A request series of the checkout API for the report's SLO section: requests and errors
//!   every 5 minutes over the last 30 days, with a fast and a slow incident.
//!
//! Everything is drawn from `rand`'s `StdRng` streams seeded from [`SampleOptions::seed`]:
//! the same options give byte-identical files.
//!
//! # Files
//! [`write_sample`] writes `billing/focus-1.2-sample.csv.gz` (gzip CSV with the 57 FOCUS 1.2
//! columns capcast returns, dates as `2026-05-01T00:00:00Z`) and `utilization/fleet.csv` (the
//! long CSV `timestamp,resource_id,metric,value,vcpu,memory_gib,instance_type`, metrics
//! `cpu_utilization` and `memory_utilization` in percent) and `slo/requests.csv` (requests and
//! failed requests every 5 minutes, for the report's SLO section). [`write_large_focus_csv`] streams a
//! FOCUS file of any size for benchmarks.
//!
//! ```no_run
//! use capcast::generate::{write_sample, SampleOptions};
//!
//! let summary = write_sample(std::path::Path::new("data/sample"), &SampleOptions::default())?;
//! println!("{} billing rows, {:.2} USD billed", summary.billing_rows, summary.total_billed_cost);
//! # Ok::<(), capcast::Error>(())
//! ```

mod billing;
mod calendar;
mod catalog;
mod commitments;
mod fixed;
mod fleet;
mod large;
mod service_table;
mod services;
mod slo;

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use polars::prelude::DataFrame;

use crate::error::{Error, Result};
use billing::Model;

pub use large::write_large_focus_csv;

/// Where [`write_sample`] puts the billing file, relative to its folder.
pub const BILLING_FILE: &str = "billing/focus-1.2-sample.csv.gz";
/// Where [`write_sample`] puts the utilization file, relative to its folder.
pub const UTILIZATION_FILE: &str = "utilization/fleet.csv";
/// Where [`write_sample`] puts the request series of the SLO section, relative to its folder:
/// `timestamp,total,errors` every 5 minutes over the window's last 30 days, with two incidents.
pub const SLO_FILE: &str = "slo/requests.csv";
/// The service whose cost jumps on the last two days of every month.
pub const MONTH_END_SERVICE: &str = "AWS Glue";
/// The service whose cost doubles from [`SampleOptions::level_shift_date`] on.
pub const LEVEL_SHIFT_SERVICE: &str = "Amazon Relational Database Service";

/// What to generate.
///
/// | field | default | allowed |
/// |---|---|---|
/// | `seed` | 42 | any |
/// | `start` | 2026-05-01 | the first day of a month |
/// | `months` | 4 | 1 to 36 |
/// | `utilization_interval_minutes` | 60 | 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60 |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Seed of every random draw.
    pub seed: u64,
    /// First day of the window (the first day of a month).
    pub start: NaiveDate,
    /// Number of calendar months (billing periods) in the window.
    pub months: u32,
    /// Spacing of the utilization samples, in minutes (billing is always hourly).
    pub utilization_interval_minutes: u32,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            seed: 42,
            start: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default(),
            months: 4,
            utilization_interval_minutes: 60,
        }
    }
}

impl SampleOptions {
    /// Checks every field against the table above.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the first field out of range.
    pub fn check(&self) -> Result<()> {
        if self.start.day() != 1 {
            return Err(Error::parameter(
                "start",
                format!(
                    "must be the first day of a month (billing periods are calendar months), got {}",
                    self.start
                ),
            ));
        }
        if !(1..=36).contains(&self.months) {
            return Err(Error::parameter(
                "months",
                format!("must be between 1 and 36, got {}", self.months),
            ));
        }
        if self.start.year() > 9000 {
            return Err(Error::parameter(
                "start",
                format!("must be before the year 9000, got {}", self.start),
            ));
        }
        let minutes = self.utilization_interval_minutes;
        if minutes == 0 || minutes > 60 || 60 % minutes != 0 {
            return Err(Error::parameter(
                "utilization_interval_minutes",
                format!("must divide 60 (1, 5, 15, 60, ...), got {minutes}"),
            ));
        }
        Ok(())
    }

    /// The first day after the window.
    pub fn end(&self) -> NaiveDate {
        calendar::add_months(self.start, self.months)
    }

    /// The day [`LEVEL_SHIFT_SERVICE`] doubles: the 15th of the middle month of the window
    /// (2026-07-15 for the defaults).
    pub fn level_shift_date(&self) -> NaiveDate {
        let month = calendar::add_months(self.start, self.months / 2);
        month.with_day(15).unwrap_or(month)
    }
}

/// What [`write_sample`] or [`write_large_focus_csv`] wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SampleSummary {
    /// Billing rows written (not counting the header).
    pub billing_rows: usize,
    /// Utilization rows written (not counting the header).
    pub utilization_rows: usize,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// Sum of `BilledCost` over the billing rows, USD.
    pub total_billed_cost: f64,
    /// Sum of `EffectiveCost` over the billing rows, USD.
    pub total_effective_cost: f64,
}

/// The sample's billing rows as a FOCUS 1.2 frame.
///
/// The 57 columns of [`crate::ingest::billing::schema::COLUMNS`] in that order: text as
/// `String` (null where FOCUS allows it, e.g. `ChargeClass` is always null), amounts and
/// quantities as `Float64`, and the four period columns as `Datetime(us, "UTC")`. Rows are
/// ordered by `ChargePeriodStart`.
///
/// # Errors
/// [`Error::Parameter`] when an option is out of range; [`Error::Polars`] if the frame cannot be
/// built.
///
/// # Example
/// ```
/// use capcast::generate::{billing_frame, SampleOptions};
///
/// let options = SampleOptions { months: 1, ..SampleOptions::default() };
/// let frame = billing_frame(&options)?;
/// assert_eq!(frame.width(), 57);
/// assert!(frame.height() > 20_000);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn billing_frame(options: &SampleOptions) -> Result<DataFrame> {
    options.check()?;
    Ok(Model::build(options, 0).frame()?)
}

/// The utilization of the sample's EC2 fleet as one long frame: `timestamp`
/// (`Datetime(us, "UTC")`), `resource_id`, `metric` (`cpu_utilization` or
/// `memory_utilization`), `value` (percent, two decimals), `vcpu` (`Int64`), `memory_gib`
/// (`Float64`), `instance_type`. An instance has samples only in the hours it runs (the same
/// hours it is billed for).
///
/// # Errors
/// [`Error::Parameter`] when an option is out of range; [`Error::Polars`] if the frame cannot be
/// built.
///
/// # Example
/// ```no_run
/// use capcast::generate::{utilization_frame, SampleOptions};
///
/// let frame = utilization_frame(&SampleOptions::default())?;
/// println!("{frame}");
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn utilization_frame(options: &SampleOptions) -> Result<DataFrame> {
    options.check()?;
    let window = calendar::Window::new(options);
    let fleet = fleet::Fleet::simulate(options.seed, &window);
    let samples = fleet::samples(
        options.seed,
        &window,
        &fleet,
        options.utilization_interval_minutes,
    );
    fleet::frame(&fleet, &samples)
}

/// Writes the sample under `dir`: [`BILLING_FILE`] (gzip CSV, FOCUS 1.2 header) and
/// [`UTILIZATION_FILE`] (plain CSV) and [`SLO_FILE`] (plain CSV), creating the folders as
/// needed.
///
/// # Errors
/// [`Error::Parameter`] when an option is out of range; [`Error::Io`] when a folder or file
/// cannot be created or written.
pub fn write_sample(dir: &Path, options: &SampleOptions) -> Result<SampleSummary> {
    options.check()?;
    let model = Model::build(options, 0);
    let billing_path = dir.join(BILLING_FILE);
    let utilization_path = dir.join(UTILIZATION_FILE);
    let slo_path = dir.join(SLO_FILE);
    for path in [&billing_path, &utilization_path, &slo_path] {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
    }

    let file = std::fs::File::create(&billing_path).map_err(|e| Error::io(&billing_path, e))?;
    // Best compression keeps the sample near 2.7 MB (level 6 gives 3.7 MB) for 0.2 s more;
    // the encoder is fed 1 MB at a time, which also compresses better than 8 KB writes.
    let gzip =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::best());
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, gzip));
    let written = billing::write_header(&mut writer)
        .and_then(|()| model.write_records(&model.lines, &mut writer, |_| true))
        .map_err(std::io::Error::from)
        .and_then(|()| writer.into_inner().map_err(|e| e.into_error()))
        .and_then(|buffer| buffer.into_inner().map_err(|e| e.into_error()))
        .and_then(|gzip| gzip.finish())
        .and_then(|mut out| out.flush());
    written.map_err(|e| Error::io(&billing_path, e))?;

    let samples = fleet::samples(
        options.seed,
        &model.window,
        &model.fleet,
        options.utilization_interval_minutes,
    );
    fleet::write_csv(&utilization_path, &model.window, &model.fleet, &samples)?;
    slo::write_csv(&slo_path, &slo::rows(options))?;

    let (billed, effective) = Model::totals(&model.lines);
    Ok(SampleSummary {
        billing_rows: model.lines.len(),
        utilization_rows: samples.len(),
        files: vec![billing_path, utilization_path, slo_path],
        total_billed_cost: billed,
        total_effective_cost: effective,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked() {
        let bad_start = SampleOptions {
            start: NaiveDate::from_ymd_opt(2026, 5, 2).unwrap(),
            ..SampleOptions::default()
        };
        assert_eq!(
            bad_start.check().unwrap_err().to_string(),
            "invalid parameter 'start': must be the first day of a month (billing periods are calendar months), got 2026-05-02"
        );
        let no_months = SampleOptions {
            months: 0,
            ..SampleOptions::default()
        };
        assert_eq!(
            no_months.check().unwrap_err().to_string(),
            "invalid parameter 'months': must be between 1 and 36, got 0"
        );
        let interval = SampleOptions {
            utilization_interval_minutes: 7,
            ..SampleOptions::default()
        };
        assert!(interval
            .check()
            .unwrap_err()
            .to_string()
            .starts_with("invalid parameter 'utilization_interval_minutes'"));
        assert!(billing_frame(&no_months).is_err());
        assert!(utilization_frame(&interval).is_err());
        assert!(SampleOptions::default().check().is_ok());
    }

    #[test]
    fn dates_of_the_default_window() {
        let options = SampleOptions::default();
        assert_eq!(options.end(), NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        assert_eq!(
            options.level_shift_date(),
            NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()
        );
    }
}
