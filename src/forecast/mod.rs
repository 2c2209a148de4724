//! Forecasting: models, intervals, backtests and many series at once.
//!
//! Every model follows one pattern: checked parameters fit a [`TimeSeries`] into an immutable
//! fitted model, which predicts a [`Forecast`] (point forecast and intervals at several
//! levels) and draws sample paths:
//!
//! ```
//! use capcast::forecast::{BaselineParams, Fitted, TimeSeries};
//!
//! let y = TimeSeries::hourly((0..48).map(|t| (t % 24) as f64).collect())?;
//! let fitted = BaselineParams::seasonal_naive(24).fit(&y)?;
//! let forecast = fitted.predict(24, &[80.0, 95.0])?;
//! assert_eq!(forecast.mean[5], 5.0);
//! # Ok::<(), capcast::Error>(())
//! ```
//!
//! - [`series`]: the regular grid models fit, and explicit handling of missing values and
//!   irregular timestamps.
//! - [`model`]: the [`Model`] and [`Fitted`] traits, [`Forecast`] and interval levels.
//! - [`baseline`]: naive, seasonal naive and drift.
//! - [`ets`]: exponential smoothing state space models (ETS) and AutoETS, any season length.

pub mod baseline;
pub mod ets;
pub mod model;
pub mod series;

pub use baseline::{BaselineParams, FittedBaseline};
pub use ets::{EtsParams, FittedEts};
pub use model::{check_levels, Fitted, Forecast, Interval, Model};
pub use series::{Combine, Missing, TimeSeries};
