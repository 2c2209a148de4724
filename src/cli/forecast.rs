//! `capcast forecast`, `capcast backtest` and `capcast anomalies`: many series from a long
//! `unique_id, ds, y` file (CSV or Parquet), fitted in parallel.

use std::path::PathBuf;
use std::time::Duration;

use capcast::chart::{ChartFormat, FanChart};
use capcast::forecast::registry::BatchSpec;
use capcast::forecast::{
    anomalies, backtest_frame, forecast_frame, AutoParams, BatchParams, IntervalMethod,
};
use capcast::ingest::write::write_frame;
use capcast::series::read_series;
use capcast::Result;
use polars::prelude::*;

/// How series are read and placed on a grid (shared by the three subcommands).
#[derive(Debug, clap::Args)]
pub struct SeriesFlags {
    /// The series: a CSV (optionally .gz) or Parquet file with columns unique_id, ds, y.
    #[arg(long, short)]
    input: PathBuf,
    /// Seasonal period in steps (repeatable), e.g. --season 24 --season 168 for hourly data;
    /// default: daily and weekly cycles found from the time step.
    #[arg(long = "season")]
    seasons: Vec<usize>,
    /// The time step (1h, 30m, 1d); default: the most common difference between timestamps.
    #[arg(long)]
    step: Option<String>,
    /// Missing values and empty slots: interpolate, forward, zero, error or keep.
    #[arg(long, default_value = "interpolate")]
    missing: String,
    /// Several points in one slot: error, mean, sum or last.
    #[arg(long, default_value = "error")]
    combine: String,
    /// The model: auto (the best per series by backtest error), naive, seasonal_naive, drift,
    /// ets, mstl, theta or regression. Repeat to let auto choose among several.
    #[arg(long = "model", default_value = "auto")]
    models: Vec<String>,
    /// Backtest windows that auto mode and conformal intervals use.
    #[arg(long)]
    windows: Option<usize>,
}

impl SeriesFlags {
    /// The batch parameters these flags mean, for this horizon and these levels; `tweak`
    /// adjusts the model-choice parameters.
    fn params(
        &self,
        horizon: usize,
        levels: &[f64],
        tweak: impl FnOnce(AutoParams) -> AutoParams,
    ) -> Result<BatchParams> {
        BatchSpec {
            models: self.models.clone(),
            seasons: (!self.seasons.is_empty()).then(|| self.seasons.clone()),
            step: self.step.clone(),
            missing: self.missing.clone(),
            combine: self.combine.clone(),
            windows: self.windows,
        }
        .params(horizon, levels, tweak)
    }

    fn read(&self) -> Result<DataFrame> {
        let spinner = spinner(format!("reading {}", self.input.display()));
        let frame = read_series(&self.input);
        spinner.finish_and_clear();
        frame
    }
}

/// Arguments of `capcast forecast`.
#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    series: SeriesFlags,
    /// Steps to forecast.
    #[arg(long, short = 'H')]
    horizon: usize,
    /// Prediction interval level in percent (repeatable; 50 to 99.9).
    #[arg(long = "level", default_values_t = [80.0, 95.0])]
    levels: Vec<f64>,
    /// Write `unique_id, ds, yhat, yhat_lower_<level>, yhat_upper_<level>` (.csv or .parquet);
    /// default: print.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write the model chosen per series (`unique_id, model, spec, n_obs, status, error`).
    #[arg(long)]
    models_output: Option<PathBuf>,
    /// Clamp forecasts and intervals at 0 (cost and load are never negative).
    #[arg(long)]
    non_negative: bool,
    /// Clamp forecasts and intervals at this capacity.
    #[arg(long)]
    cap: Option<f64>,
    /// Use each model's own intervals instead of conformal intervals from backtests.
    #[arg(long)]
    native_intervals: bool,
    /// Average the best K models instead of picking one (auto mode).
    #[arg(long, default_value_t = 1)]
    ensemble: usize,
    /// Draw N sample paths per series and write them to --paths-output.
    #[arg(long, requires = "paths_output")]
    paths: Option<usize>,
    /// Where sample paths go (`unique_id, path, ds, y`; .csv or .parquet).
    #[arg(long)]
    paths_output: Option<PathBuf>,
    /// Seed of the sample paths.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Draw a fan chart of one series (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
    /// The series to chart (default: the first).
    #[arg(long)]
    chart_series: Option<String>,
}

/// Runs `capcast forecast`.
pub fn run_forecast(args: ForecastArgs) -> Result<()> {
    let chart_format = args
        .chart
        .as_ref()
        .map(ChartFormat::from_path)
        .transpose()?;
    let history = args.series.read()?;
    let mut params = args
        .series
        .params(args.horizon, &args.levels, |auto| {
            let auto = auto.ensemble(args.ensemble);
            if args.native_intervals {
                auto.intervals(IntervalMethod::Native)
            } else {
                auto
            }
        })?
        .non_negative(args.non_negative)
        .seed(args.seed);
    if let Some(cap) = args.cap {
        params = params.cap(cap);
    }
    if let Some(paths) = args.paths {
        params = params.paths(paths);
    }
    let spinner = spinner(format!(
        "forecasting {} series",
        history.column("unique_id")?.n_unique()?
    ));
    let result = forecast_frame(&history, &params);
    spinner.finish_and_clear();
    let result = result?;
    report_failures(&result.models)?;
    match &args.output {
        Some(path) => {
            write_frame(result.forecasts.clone().lazy(), path)?;
            println!(
                "wrote {} forecast rows to {}",
                result.forecasts.height(),
                path.display()
            );
        }
        None => println!("{}", result.forecasts),
    }
    if let Some(path) = &args.models_output {
        write_frame(result.models.clone().lazy(), path)?;
        println!("wrote the model of each series to {}", path.display());
    } else {
        println!("{}", result.models);
    }
    if let (Some(paths), Some(path)) = (&result.paths, &args.paths_output) {
        write_frame(paths.clone().lazy(), path)?;
        println!(
            "wrote {} sample path rows to {}",
            paths.height(),
            path.display()
        );
    }
    if let (Some(path), Some(format)) = (&args.chart, chart_format) {
        let data = capcast::chart::frames::fan_chart_data(
            &result.history,
            &result.forecasts,
            Some(&result.changepoints),
            args.chart_series.as_deref(),
        )?;
        let forecast = data.forecast();
        let title = format!("{}: forecast", data.unique_id);
        FanChart::new(&data.history_ds, &data.history_y, &forecast)
            .title(title)
            .changepoints(&data.changepoints)
            .last(args.horizon.saturating_mul(4).max(48))
            .render(format)?
            .save(path)?;
        println!(
            "wrote the fan chart of {} to {}",
            data.unique_id,
            path.display()
        );
    }
    Ok(())
}

/// Arguments of `capcast backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    series: SeriesFlags,
    /// Steps forecast in each window.
    #[arg(long, short = 'H')]
    horizon: usize,
    /// Prediction interval level in percent (repeatable).
    #[arg(long = "level", default_values_t = [80.0, 95.0])]
    levels: Vec<f64>,
    /// Steps between window cutoffs (default: the horizon).
    #[arg(long = "step-size")]
    step_size: Option<usize>,
    /// Write the per-series metrics (.csv or .parquet).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Runs `capcast backtest`: rolling-origin windows, metrics per series and model, and the
/// summary per model.
pub fn run_backtest(args: BacktestArgs) -> Result<()> {
    let history = args.series.read()?;
    let params = args.series.params(args.horizon, &args.levels, |auto| {
        let auto = auto.horizon(args.horizon);
        match args.step_size {
            Some(step) => auto.step(step),
            None => auto,
        }
    })?;
    let spinner = spinner("backtesting".to_string());
    let result = backtest_frame(&history, &params);
    spinner.finish_and_clear();
    let result = result?;
    if let Some(path) = &args.output {
        write_frame(result.per_series.clone().lazy(), path)?;
        println!("wrote per-series metrics to {}", path.display());
    }
    println!("{}", result.summary);
    Ok(())
}

/// Arguments of `capcast anomalies`.
#[derive(Debug, clap::Args)]
pub struct AnomaliesArgs {
    #[command(flatten)]
    series: SeriesFlags,
    /// Interval level in percent: points outside it are anomalies.
    #[arg(long, default_value_t = 95.0)]
    level: f64,
    /// Steps per backtest window (default: one season, or 24).
    #[arg(long, short = 'H')]
    horizon: Option<usize>,
    /// Write the anomalies (.csv or .parquet); default: print.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Runs `capcast anomalies`: history points outside the backtest prediction interval.
pub fn run_anomalies(args: AnomaliesArgs) -> Result<()> {
    let history = args.series.read()?;
    let horizon = args
        .horizon
        .or_else(|| args.series.seasons.first().copied())
        .unwrap_or(24);
    let params = args.series.params(horizon, &[args.level], |auto| auto)?;
    let spinner = spinner("scoring history against backtest intervals".to_string());
    let found = anomalies(&history, &params, args.level);
    spinner.finish_and_clear();
    let found = found?;
    match &args.output {
        Some(path) => {
            write_frame(found.clone().lazy(), path)?;
            println!("wrote {} anomalies to {}", found.height(), path.display());
        }
        None => println!("{found}"),
    }
    Ok(())
}

/// Prints series that could not be forecast (the others are written as usual).
fn report_failures(models: &DataFrame) -> Result<()> {
    let failed = models
        .clone()
        .lazy()
        .filter(col("status").eq(lit("error")))
        .collect()?;
    if failed.height() > 0 {
        eprintln!(
            "warning: {} of {} series could not be forecast:",
            failed.height(),
            models.height()
        );
        let ids = failed.column("unique_id")?.cast(&DataType::String)?;
        let errors = failed.column("error")?.cast(&DataType::String)?;
        for (id, error) in ids.str()?.iter().zip(errors.str()?.iter()).take(10) {
            eprintln!("  {}: {}", id.unwrap_or(""), error.unwrap_or(""));
        }
    }
    Ok(())
}

/// A spinner on a terminal (hidden when stderr is not one) while long work runs.
fn spinner(message: String) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
