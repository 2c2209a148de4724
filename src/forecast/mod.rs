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
//! - [`regression`]: a Prophet-family decomposable model (changepoint trend, level shifts,
//!   Fourier seasonalities, calendar-exact month effects, holidays, robust fit).

pub mod baseline;
pub mod model;
pub mod regression;
pub mod series;

pub use baseline::{BaselineParams, FittedBaseline};
pub use model::{check_levels, Fitted, Forecast, Interval, Model};
pub use regression::{FittedRegression, ProphetParams, RegressionParams};
pub use series::{Combine, Missing, TimeSeries};
