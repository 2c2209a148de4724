//! # capcast
//!
//! Capacity planning and cloud cost forecasting, in one engine.
//!
//! capcast reads what users export from their clouds — FOCUS billing data, AWS Cost and Usage
//! Reports, Azure Cost Management exports, GCP billing exports, and utilization metrics from
//! CloudWatch, Prometheus, Azure Monitor or plain CSV — normalises billing to FOCUS 1.2 columns,
//! reconciles every load (rows and money in versus out), and turns rows into regular time series.
//!
//! The primary entry points:
//! - [`ingest::read_billing`]: any billing export (file or folder) to a lazy FOCUS 1.2 frame plus
//!   a [`ingest::LoadReport`].
//! - [`ingest::read_utilization`]: utilization exports to one long frame
//!   `resource_id, metric, ts, value`.
//! - [`series`]: aggregation of billing rows into `unique_id, ds, y` series.
//! - [`generate`]: the seeded generator of the bundled sample data.
//! - [`chart`]: forecast fan charts and bar charts as SVG or PNG.
//! - [`plan`]: capacity runway, required instances, Erlang C sizing, budgets and SLO burn rates.
//!
//! ```no_run
//! use capcast::ingest::{read_billing, BillingOptions};
//!
//! let billing = read_billing(&["data/sample/billing"], &BillingOptions::default())?;
//! println!("{}", billing.report);
//! let frame = billing.costs.collect()?;
//! println!("{frame}");
//! # Ok::<(), capcast::Error>(())
//! ```

#![warn(missing_docs)]

pub mod chart;
pub mod engine;
pub mod error;
pub mod forecast;
pub mod generate;
pub mod ingest;
pub mod optimize;
pub mod plan;
pub mod series;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Position, Result};
