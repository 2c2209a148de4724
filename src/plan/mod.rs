//! Planning: capacity, budgets and SLOs from forecasts (and, later, the planning report).
//!
//! Everything here works on what the forecasting engine returns — sample paths
//! (`unique_id, path, ds, y`, [`crate::forecast::BatchForecast::paths`]) and histories — or on
//! plain numbers, and returns polars frames:
//!
//! - [`runway`]: when a forecast quantile of utilization crosses a threshold of capacity, with
//!   the spread of first-crossing dates across paths; [`runway_forecast`] does the same from
//!   the quantiles of a forecasts frame (no paths needed, no spread).
//! - [`required`]: instances per day, week or month so forecast peak load stays under a target
//!   utilization, with N+k redundancy.
//! - [`erlang`]: latency-aware sizing with the M/M/c queue (Erlang C) and Little's law.
//! - [`budget`]: month-end and quarter-end spend against a budget: overrun probability, the
//!   date the budget runs out, burn-down data.
//! - [`slo`]: error-budget burn rates and multi-window, multi-burn-rate alerts.
//! - [`period`]: UTC calendar periods (day, ISO week, month, quarter).
//!
//! ```
//! use capcast::plan::{erlang_c, instances_for};
//!
//! // 10 Erlangs offered to 12 servers: 44.9 % of requests queue.
//! assert!((erlang_c(12, 10.0)? - 0.4494).abs() < 1e-4);
//! // 1000 req/s at 150 per instance, 80 % target, N+1.
//! assert_eq!(instances_for(1000.0, 150.0, 0.8, 1)?, 10);
//! # Ok::<(), capcast::Error>(())
//! ```

pub mod budget;
pub mod erlang;
pub(crate) mod frame;
pub mod period;
pub mod report;
pub mod required;
pub mod runway;
pub mod runway_forecast;
pub mod slo;

pub use budget::{budget_forecast, overrun_probability, BudgetForecast, BudgetParams};
pub use erlang::{
    erlang_b, erlang_c, little_concurrency, little_throughput, servers_for_wait, MmcQueue,
};
pub use period::Period;
pub use required::{instances_for, required_capacity, RequiredParams};
pub use runway::{runway, Runway, RunwayParams};
pub use runway_forecast::runway_from_forecast;
pub use slo::{slo_burn, window_name, BurnRule, Severity, SloBurn, SloParams};
