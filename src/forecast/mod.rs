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
//! - [`metrics`], [`backtest`], [`conformal`], [`auto`], [`batch`]: accuracy metrics,
//!   rolling-origin backtests, conformal intervals, model selection, and many series over a
//!   polars frame (forecasts, backtest tables, cost anomalies).
//! - [`stl`]: STL decomposition (Cleveland et al. 1990), as statsmodels runs it.
//! - [`mstl`]: MSTL with several seasonal periods (daily + weekly on hourly data), forecast as
//!   a trend model plus repeated seasonal cycles.
//! - [`theta`]: the Theta method and its optimised and dynamic variants, with `AutoTheta`.
//! - [`registry`]: models by the names users type (`ets`, `mstl`, `auto`, ...).
//! - [`regression`]: a Prophet-family decomposable model (changepoint trend, level shifts,
//!   Fourier seasonalities, calendar-exact month effects, holidays, robust fit).
//! - [`ets`]: exponential smoothing state space models (ETS) and AutoETS, any season length.

pub mod auto;
pub mod backtest;
pub mod baseline;
pub mod batch;
pub mod conformal;
pub mod ets;
pub mod metrics;
pub mod model;
pub mod mstl;
pub mod registry;
pub mod regression;
pub mod series;
pub mod stl;
#[cfg(test)]
mod testdata;
pub mod theta;

pub use auto::{
    candidates, AutoParams, CandidateScore, EnsembleCombine, FittedAuto, IntervalMethod, Selection,
};
pub use backtest::{Backtest, BacktestParams, ModelScore, WindowForecast};
pub use baseline::{BaselineParams, FittedBaseline};
pub use batch::{
    anomalies, backtest_frame, forecast_frame, BatchBacktest, BatchForecast, BatchParams,
};
pub use conformal::{ConformalMethod, ConformalParams, FittedConformal};
pub use ets::{EtsParams, FittedEts};
pub use metrics::{IntervalScore, Metric, Metrics};
pub use model::{check_levels, Fitted, Forecast, Interval, Model};
pub use mstl::{FittedMstl, MstlParams};
pub use registry::{models_by_name, ModelKind, NamedModel, MODEL_NAMES};
pub use regression::{FittedRegression, ProphetParams, RegressionParams};
pub use series::{Combine, Missing, TimeSeries};
pub use stl::{StlDecomposition, StlParams};
pub use theta::{Decomposition, FittedTheta, ThetaModel, ThetaParams};
