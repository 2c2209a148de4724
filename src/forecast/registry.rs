//! Models by the names users type: `--model ets` on the command line, `model="mstl"` in
//! Python.
//!
//! | name | model | seasons used |
//! |---|---|---|
//! | `auto` | per series, the best of the candidates below by backtest error ([`super::auto`]) | all |
//! | `naive` | last value | none |
//! | `seasonal_naive` | value one season ago | the first |
//! | `drift` | line through the first and last values | none |
//! | `ets` | AutoETS: error, trend, damping and season chosen by AICc | the first |
//! | `mstl` | MSTL decomposition, trend forecast by Theta | all |
//! | `theta` | AutoTheta (standard, optimised and dynamic variants) | the first |
//! | `regression` | Prophet-family regression (changepoints, level shifts, Fourier and calendar terms) | from timestamps |
//!
//! Season lengths are given in steps, or found per series from its time step
//! ([`default_seasons`]: daily and weekly cycles below a day, weekly for days, ...). A
//! [`NamedModel`] resolves them when it fits, so one model serves series of different steps.

use std::fmt;

use super::auto::AutoParams;
use super::baseline::BaselineParams;
use super::batch::BatchParams;
use super::ets::EtsParams;
use super::model::{Fitted, Model};
use super::mstl::MstlParams;
use super::regression::RegressionParams;
use super::series::{default_seasons, parse_step, Combine, Missing, TimeSeries};
use super::theta::ThetaParams;
use crate::error::{Error, Result};

/// Simulated paths behind the regression model's own intervals when chosen by name. Auto
/// mode's intervals are conformal, so the paths only score the backtest windows; 300 keep the
/// 95 % quantile within about a percent of 1,000 paths at a third of the cost.
const REGRESSION_PATHS: usize = 300;

/// Every name [`NamedModel::parse`] accepts, `auto` first.
pub const MODEL_NAMES: [&str; 8] = [
    "auto",
    "naive",
    "seasonal_naive",
    "drift",
    "ets",
    "mstl",
    "theta",
    "regression",
];

/// A model family chosen by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// Last value.
    Naive,
    /// Value one (main) season ago.
    SeasonalNaive,
    /// Line through the first and last values.
    Drift,
    /// AutoETS.
    Ets,
    /// MSTL with every season.
    Mstl,
    /// AutoTheta.
    Theta,
    /// Prophet-family regression.
    Regression,
}

impl ModelKind {
    /// The user-facing name (`seasonal_naive`, `ets`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Naive => "naive",
            ModelKind::SeasonalNaive => "seasonal_naive",
            ModelKind::Drift => "drift",
            ModelKind::Ets => "ets",
            ModelKind::Mstl => "mstl",
            ModelKind::Theta => "theta",
            ModelKind::Regression => "regression",
        }
    }
}

/// A model by name, with optional season lengths (otherwise found per series).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedModel {
    kind: ModelKind,
    seasons: Option<Vec<usize>>,
}

impl NamedModel {
    /// The model `kind` with these season lengths (`None`: from each series' step).
    pub fn new(kind: ModelKind, seasons: Option<Vec<usize>>) -> Self {
        NamedModel { kind, seasons }
    }

    /// Parses one of [`MODEL_NAMES`] except `auto` (which is not one model: see
    /// [`models_by_name`]).
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the accepted names.
    pub fn parse(name: &str, seasons: Option<Vec<usize>>) -> Result<Self> {
        let kind = match name.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "naive" => ModelKind::Naive,
            "seasonal_naive" | "snaive" => ModelKind::SeasonalNaive,
            "drift" => ModelKind::Drift,
            "ets" | "autoets" => ModelKind::Ets,
            "mstl" => ModelKind::Mstl,
            "theta" | "autotheta" => ModelKind::Theta,
            "regression" | "prophet" => ModelKind::Regression,
            _ => {
                return Err(Error::parameter(
                    "model",
                    format!(
                        "'{name}' is not a model; expected one of {}",
                        MODEL_NAMES.join(", ")
                    ),
                ))
            }
        };
        Ok(NamedModel::new(kind, seasons))
    }

    /// The family.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The model for `series`, with its seasons resolved.
    fn resolve(&self, series: &TimeSeries) -> Box<dyn Model> {
        let seasons = self
            .seasons
            .clone()
            .unwrap_or_else(|| default_seasons(series.step(), series.len()));
        self.build(seasons)
    }

    /// The model with these seasons (periods of 1 or less are ignored).
    fn build(&self, seasons: Vec<usize>) -> Box<dyn Model> {
        let seasons: Vec<usize> = seasons.into_iter().filter(|&m| m > 1).collect();
        let main = seasons.first().copied();
        match (self.kind, main) {
            (ModelKind::Naive, _) => Box::new(BaselineParams::naive()),
            (ModelKind::Drift, _) => Box::new(BaselineParams::drift()),
            (ModelKind::SeasonalNaive, Some(m)) => Box::new(BaselineParams::seasonal_naive(m)),
            (ModelKind::SeasonalNaive, None) => Box::new(BaselineParams::naive()),
            (ModelKind::Ets, Some(m)) => Box::new(EtsParams::auto().season_length(m)),
            (ModelKind::Ets, None) => Box::new(EtsParams::auto()),
            (ModelKind::Mstl, _) if !seasons.is_empty() => Box::new(MstlParams::new(&seasons)),
            // Without a season MSTL is its trend model.
            (ModelKind::Mstl, _) => Box::new(ThetaParams::auto()),
            (ModelKind::Theta, Some(m)) => Box::new(ThetaParams::auto().season_length(m)),
            (ModelKind::Theta, None) => Box::new(ThetaParams::auto()),
            (ModelKind::Regression, _) => {
                Box::new(RegressionParams::default().n_paths(REGRESSION_PATHS))
            }
        }
    }
}

impl fmt::Display for NamedModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.name())
    }
}

impl Model for NamedModel {
    /// The model's own name when the seasons are known (`SeasonalNaive(24)`,
    /// `MSTL(24,168)+Theta(STM)`), else the user-facing name (`seasonal_naive`).
    fn name(&self) -> String {
        match &self.seasons {
            Some(seasons) => self.build(seasons.clone()).name(),
            None => self.kind.name().to_string(),
        }
    }

    fn fit_model(&self, series: &TimeSeries) -> Result<Box<dyn Fitted>> {
        self.resolve(series).fit_model(series)
    }
}

/// The models named in `names` (`None` for `auto`: the default candidates), for
/// [`super::AutoParams::models`].
///
/// # Errors
/// [`Error::Parameter`] for an unknown name, or `auto` listed with other names.
pub fn models_by_name(
    names: &[String],
    seasons: Option<Vec<usize>>,
) -> Result<Option<Vec<Box<dyn Model>>>> {
    if names.is_empty() || (names.len() == 1 && names[0].trim() == "auto") {
        return Ok(None);
    }
    names
        .iter()
        .map(|name| {
            if name.trim() == "auto" {
                return Err(Error::parameter(
                    "model",
                    "'auto' already compares every model; list either auto or specific models",
                ));
            }
            Ok(Box::new(NamedModel::parse(name, seasons.clone())?) as Box<dyn Model>)
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// How series are read and which models run, as users spell it on the command line and in
/// Python (both build their batch parameters here, so their messages are identical).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSpec {
    /// Model names: `auto` or a list (see [`MODEL_NAMES`]).
    pub models: Vec<String>,
    /// Seasons in steps (`None`: from each series' step).
    pub seasons: Option<Vec<usize>>,
    /// The grid step as text (`1h`; `None`: inferred per series).
    pub step: Option<String>,
    /// The missing-value policy by name ([`Missing::parse`]).
    pub missing: String,
    /// The duplicate-slot policy by name ([`Combine::parse`]).
    pub combine: String,
    /// Backtest windows of auto mode (`None`: its default).
    pub windows: Option<usize>,
}

impl BatchSpec {
    /// The batch parameters for this horizon and these levels; `tweak` adjusts the
    /// model-choice parameters (ensemble, interval method, backtest horizon, ...).
    ///
    /// # Errors
    /// [`Error::Parameter`] for an unknown name or spelling.
    pub fn params(
        &self,
        horizon: usize,
        levels: &[f64],
        tweak: impl FnOnce(AutoParams) -> AutoParams,
    ) -> Result<BatchParams> {
        let mut auto = AutoParams::default().levels(levels);
        if let Some(seasons) = &self.seasons {
            auto = auto.season_lengths(seasons);
        }
        if let Some(models) = models_by_name(&self.models, self.seasons.clone())? {
            auto = auto.models(models);
        }
        if let Some(windows) = self.windows {
            auto = auto.windows(windows);
        }
        let mut params = BatchParams::default()
            .horizon(horizon)
            .levels(levels)
            .missing(Missing::parse(&self.missing)?)
            .combine(Combine::parse(&self.combine)?)
            .auto(tweak(auto));
        if let Some(step) = &self.step {
            params = params.step(parse_step(step)?);
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::series::HOUR_US;

    #[test]
    fn names_parse_and_unknown_names_list_the_choices() {
        assert_eq!(
            NamedModel::parse("SNaive", None).unwrap().kind(),
            ModelKind::SeasonalNaive
        );
        assert_eq!(
            NamedModel::parse("prophet", None).unwrap().kind(),
            ModelKind::Regression
        );
        let err = NamedModel::parse("arima", None).unwrap_err().to_string();
        assert!(
            err.contains("'arima'") && err.contains("seasonal_naive"),
            "{err}"
        );
        assert!(models_by_name(&["auto".into()], None).unwrap().is_none());
        assert!(models_by_name(&["auto".into(), "ets".into()], None).is_err());
    }

    #[test]
    fn seasons_come_from_the_series_step() {
        let y: Vec<f64> = (0..24 * 20).map(|t| (t % 24) as f64).collect();
        let series = TimeSeries::new(0, HOUR_US, y).unwrap();
        let fitted = NamedModel::parse("seasonal_naive", None)
            .unwrap()
            .fit_model(&series)
            .unwrap();
        assert_eq!(fitted.name(), "SeasonalNaive(24)");
        let fitted = NamedModel::parse("mstl", Some(vec![24]))
            .unwrap()
            .fit_model(&series)
            .unwrap();
        assert!(fitted.name().starts_with("MSTL(24)"), "{}", fitted.name());
    }
}
