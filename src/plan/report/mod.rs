//! The planning report: one run over billing (and utilization) data that loads, forecasts,
//! rightsizes, chooses commitments and plans capacity, and writes everything a FinOps or
//! capacity review needs into one folder.
//!
//! [`plan`] computes a [`PlanReport`] from [`PlanParams`]; [`PlanReport::write`] writes
//! - `report.html`: one self-contained page (inline CSS, charts as inline SVG, no scripts and
//!   no external resources) with the load report, every section, and the settings and
//!   assumptions used;
//! - `charts/<name>.svg` and `charts/<name>.png`: every chart in both formats;
//! - `tables/<name>.csv` and `tables/<name>.json`: every table (JSON as an array of records).
//!
//! Sections whose engine is missing from this build, or which the inputs cannot support (no
//! utilization data for rightsizing), say so in place of numbers: the report never shows a
//! made-up figure.
//!
//! ```no_run
//! use capcast::plan::report::{plan, PlanParams};
//!
//! let report = plan(&PlanParams::bundled().horizon_days(30))?;
//! report.write("report")?;
//! # Ok::<(), capcast::Error>(())
//! ```
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `billing` | none (required; [`PlanParams::bundled`] uses the sample) | billing files or folders |
//! | `utilization` | none | utilization files or folders (rightsizing, capacity) |
//! | `budget` | none: the last full month's spend, stated as an assumption | monthly budget |
//! | `horizon_days` | 30 | days to forecast (1 to 730) |
//! | `levels` | 80, 95 | interval levels in percent |
//! | `paths` | 200 | forecast sample paths (budget probabilities) |
//! | `seed` | 0 | seed of the sample paths |
//! | `group_by` | automatic: a group-like utilization column (`group`, `service`, `app`, `team`, `namespace`, ...), else the bill's best-covering well-known tag (`service`, `app`, `team`, ...), else `instance_type` | capacity groups: a utilization column or a billing tag key |
//! | `slo` | none ([`PlanParams::bundled`] uses the sample's `slo/requests.csv`) | request series of the SLO section ([`read_requests`] lists the columns) |
//! | `slo_target` | 0.999 | SLO target, in (0, 1) |

mod budget;
mod context;
pub mod html;
mod model;
pub mod output;
mod requests;
mod sections;
mod table;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::ingest::BillingOptions;

pub use budget::Budget;
pub use model::{Figure, ReportChart, ReportTable, Section, Setting, Status};
pub use requests::read_requests;

/// The SLO target when none is given.
pub const DEFAULT_SLO_TARGET: f64 = 0.999;

/// The bundled sample folder: `data/sample` under the current folder when present (a
/// checkout), else the one next to the sources capcast was built from.
pub fn sample_dir() -> PathBuf {
    let local = PathBuf::from("data/sample");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample"))
}

/// What to plan from, and how (see the module docs for the defaults).
#[derive(Debug, Clone)]
pub struct PlanParams {
    billing: Vec<PathBuf>,
    utilization: Vec<PathBuf>,
    budget: Option<Budget>,
    horizon_days: usize,
    levels: Vec<f64>,
    paths: usize,
    seed: u64,
    load: BillingOptions,
    group_by: Option<String>,
    slo: Option<PathBuf>,
    slo_bundled: bool,
    slo_target: Option<f64>,
}

impl PlanParams {
    /// A plan over these billing files or folders, without utilization data.
    pub fn new<P: AsRef<Path>>(billing: &[P]) -> Self {
        PlanParams {
            billing: billing.iter().map(|p| p.as_ref().to_path_buf()).collect(),
            utilization: Vec::new(),
            budget: None,
            horizon_days: 30,
            levels: vec![80.0, 95.0],
            paths: 200,
            seed: 0,
            load: BillingOptions::default(),
            group_by: None,
            slo: None,
            slo_bundled: false,
            slo_target: None,
        }
    }

    /// A plan over the bundled sample: its billing folder, its fleet's utilization and its
    /// request series (SLO section).
    pub fn bundled() -> Self {
        let dir = sample_dir();
        let mut params = PlanParams::new(&[dir.join("billing")])
            .utilization(&[dir.join("utilization/fleet.csv")])
            .slo(dir.join("slo/requests.csv"));
        params.slo_bundled = true;
        params
    }

    /// Groups capacity by this utilization column or billing tag key (default: automatic).
    pub fn group_by(mut self, key: impl Into<String>) -> Self {
        self.group_by = Some(key.into());
        self
    }

    /// The request series of the SLO section (see [`read_requests`] for the columns).
    pub fn slo(mut self, path: impl AsRef<Path>) -> Self {
        self.slo = Some(path.as_ref().to_path_buf());
        self.slo_bundled = false;
        self
    }

    /// The SLO target, in (0, 1) (default [`DEFAULT_SLO_TARGET`]).
    pub fn slo_target(mut self, target: f64) -> Self {
        self.slo_target = Some(target);
        self
    }

    /// Utilization files or folders.
    pub fn utilization<P: AsRef<Path>>(mut self, paths: &[P]) -> Self {
        self.utilization = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        self
    }

    /// The monthly budget.
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Days to forecast.
    pub fn horizon_days(mut self, days: usize) -> Self {
        self.horizon_days = days;
        self
    }

    /// Interval levels in percent.
    pub fn levels(mut self, levels: &[f64]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// Forecast sample paths (at least 20; more make budget probabilities finer).
    pub fn paths(mut self, paths: usize) -> Self {
        self.paths = paths;
        self
    }

    /// Seed of the sample paths.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Loader options for the billing data (lenient, dedupe, ...).
    pub fn load_options(mut self, options: BillingOptions) -> Self {
        self.load = options;
        self
    }

    /// The billing paths.
    pub fn billing_paths(&self) -> &[PathBuf] {
        &self.billing
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the parameter: no billing path, a horizon outside 1-730
    /// days, fewer than 20 paths, a bad level or budget.
    pub fn check(&self) -> Result<()> {
        if self.billing.is_empty() {
            return Err(Error::parameter(
                "billing",
                "give at least one billing file or folder",
            ));
        }
        if !(1..=730).contains(&self.horizon_days) {
            return Err(Error::parameter(
                "horizon_days",
                format!("{}: expected 1 to 730 days", self.horizon_days),
            ));
        }
        if self.paths < 20 {
            return Err(Error::parameter(
                "paths",
                format!("{}: expected at least 20 sample paths", self.paths),
            ));
        }
        crate::forecast::check_levels(&self.levels)?;
        if let Some(budget) = &self.budget {
            budget.check()?;
        }
        if let Some(t) = self.slo_target {
            if !(t > 0.0 && t < 1.0) {
                return Err(Error::parameter(
                    "slo_target",
                    format!("{t}: expected a share between 0 and 1 (0.999 for 99.9 %)"),
                ));
            }
        }
        if self
            .group_by
            .as_deref()
            .is_some_and(|k| k.trim().is_empty())
        {
            return Err(Error::parameter(
                "group_by",
                "expected a utilization column or a billing tag key, got an empty name",
            ));
        }
        Ok(())
    }
}

/// A finished planning report: its sections and the settings it was made with.
#[derive(Debug, Clone)]
pub struct PlanReport {
    /// The heading.
    pub title: String,
    /// When it was made (UTC, `2026-11-22 10:40`).
    pub generated: String,
    /// One line on the data: the period and the total.
    pub subtitle: String,
    /// Settings and assumptions, in order.
    pub settings: Vec<Setting>,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

impl PlanReport {
    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Every table of every section, in order.
    pub fn tables(&self) -> impl Iterator<Item = &ReportTable> {
        self.sections.iter().flat_map(|s| s.tables.iter())
    }

    /// Every chart of every section, in order.
    pub fn charts(&self) -> impl Iterator<Item = &ReportChart> {
        self.sections.iter().flat_map(|s| s.charts.iter())
    }

    /// The self-contained HTML page.
    pub fn to_html(&self) -> String {
        html::render(self)
    }

    /// Writes `report.html`, `charts/*.svg|png` and `tables/*.csv|json` into `dir` (created
    /// if missing); returns the files written.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that could not be written.
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<Vec<PathBuf>> {
        output::write(self, dir.as_ref())
    }
}

/// The steps [`plan_with_progress`] reports, in order.
pub const STEPS: [&str; 7] = [
    "loading billing data",
    "loading utilization data",
    "forecasting cost by service",
    "finding cost anomalies",
    "budget",
    "rightsizing, commitments and capacity",
    "SLO error budget",
];

/// Runs the whole plan (see the module docs).
///
/// # Errors
/// [`Error::Parameter`] for bad parameters; the loaders' errors for unreadable inputs. A
/// section that cannot be computed does not fail the plan: it says why in the report.
pub fn plan(params: &PlanParams) -> Result<PlanReport> {
    plan_with_progress(params, &mut |_, _| {})
}

/// [`plan`], calling `progress(step, message)` as each of [`STEPS`] starts (for a progress
/// bar).
///
/// # Errors
/// As [`plan`].
pub fn plan_with_progress(
    params: &PlanParams,
    progress: &mut dyn FnMut(usize, &str),
) -> Result<PlanReport> {
    params.check()?;
    sections::run(params, progress)
}
