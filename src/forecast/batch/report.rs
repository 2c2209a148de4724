//! Backtest tables and cost anomalies over many series.

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::frame::{ds_column, id_column, level_name, nullable_f64, read};
use super::BatchParams;
use crate::error::{Error, Result};
use crate::forecast::auto::Evaluation;
use crate::forecast::metrics::Metrics;
use crate::forecast::model::check_levels;

/// The result of [`backtest_frame`].
#[derive(Debug, Clone)]
pub struct BatchBacktest {
    /// One row per series and candidate: `unique_id, model, baseline, chosen` (the best, or
    /// in the ensemble of the best), `mae, rmse,
    /// mape, smape, mase, coverage_<level>, winkler_<level>, pinball_lower_<level>,
    /// pinball_upper_<level>, ..., error` (metrics averaged over windows; null when
    /// undefined or when the candidate failed; a series that failed before any backtest has
    /// one row with a null model).
    pub per_series: DataFrame,
    /// One row per model: `model, n_series, wins, mae, rmse, mape, smape, mase,
    /// coverage_<level>, winkler_<level>, ...`: `n_series` series scored, `wins` series
    /// where it ranked first, metrics averaged over those series.
    pub summary: DataFrame,
}

/// Each series' id and evaluation (or why it could not be evaluated).
type Evaluated = Vec<(String, Result<Evaluation>)>;

/// One per-series row.
struct Row {
    id: String,
    model: Option<String>,
    baseline: bool,
    chosen: bool,
    best: bool,
    metrics: Option<Metrics>,
    error: Option<String>,
}

fn evaluate_all(
    df: &DataFrame,
    params: &BatchParams,
    levels: &[f64],
) -> Result<(DataType, Evaluated)> {
    let input = read(df)?;
    let auto = params.auto_params().levels(levels);
    let fallback_step = super::frame::batch_step(&input.series);
    let results = input
        .series
        .par_iter()
        .map(|raw| {
            let evaluation = params
                .series(raw, fallback_step)
                .and_then(|s| auto.evaluate(&s));
            (raw.id.clone(), evaluation)
        })
        .collect();
    Ok((input.id_dtype, results))
}

/// Backtests every candidate on every series (the backtest auto mode runs to choose).
///
/// # Errors
/// As [`super::forecast_frame`]; per-series failures are rows with an `error`.
pub fn backtest_frame(df: &DataFrame, params: &BatchParams) -> Result<BatchBacktest> {
    let levels = params.check()?;
    let (id_dtype, results) = evaluate_all(df, params, &levels)?;
    let mut rows = Vec::new();
    for (id, result) in results {
        match result {
            Err(e) => rows.push(Row {
                id,
                model: None,
                baseline: false,
                chosen: false,
                best: false,
                metrics: None,
                error: Some(e.to_string()),
            }),
            Ok(ev) => {
                let best = ev.ranked.first().cloned();
                for s in &ev.scores {
                    let error = s
                        .error
                        .clone()
                        .or_else(|| match (&ev.selection, &s.metrics) {
                            (crate::forecast::auto::Selection::Fallback { reason }, None) => {
                                Some(reason.clone())
                            }
                            _ => None,
                        });
                    rows.push(Row {
                        id: id.clone(),
                        model: Some(s.model.clone()),
                        baseline: s.baseline,
                        chosen: s.chosen,
                        best: best.as_deref() == Some(s.model.as_str()),
                        metrics: s.metrics.clone(),
                        error,
                    });
                }
            }
        }
    }
    let per_series = per_series_frame(&rows, &levels, &id_dtype)?;
    let summary = summary_frame(&rows, &levels)?;
    Ok(BatchBacktest {
        per_series,
        summary,
    })
}

/// The metric columns of `metrics` (NaN where absent).
fn metric_columns(metrics: &[Option<&Metrics>], levels: &[f64], pinball: bool) -> Vec<Column> {
    let get = |f: &dyn Fn(&Metrics) -> f64| -> Vec<f64> {
        metrics
            .iter()
            .map(|m| m.map(f).unwrap_or(f64::NAN))
            .collect()
    };
    let mut columns = vec![
        nullable_f64("mae", &get(&|m| m.mae)),
        nullable_f64("rmse", &get(&|m| m.rmse)),
        nullable_f64("mape", &get(&|m| m.mape)),
        nullable_f64("smape", &get(&|m| m.smape)),
        nullable_f64("mase", &get(&|m| m.mase)),
    ];
    for &level in levels {
        let name = level_name(level);
        let of = |f: fn(&crate::forecast::metrics::IntervalScore) -> f64| {
            get(&move |m: &Metrics| m.interval(level).map(f).unwrap_or(f64::NAN))
        };
        columns.push(nullable_f64(
            &format!("coverage_{name}"),
            &of(|i| i.coverage),
        ));
        columns.push(nullable_f64(&format!("winkler_{name}"), &of(|i| i.winkler)));
        if pinball {
            columns.push(nullable_f64(
                &format!("pinball_lower_{name}"),
                &of(|i| i.pinball_lower),
            ));
            columns.push(nullable_f64(
                &format!("pinball_upper_{name}"),
                &of(|i| i.pinball_upper),
            ));
        }
    }
    columns
}

fn per_series_frame(rows: &[Row], levels: &[f64], id_dtype: &DataType) -> Result<DataFrame> {
    let metrics: Vec<Option<&Metrics>> = rows.iter().map(|r| r.metrics.as_ref()).collect();
    let mut columns = vec![
        id_column(rows.iter().map(|r| r.id.clone()).collect(), id_dtype)?,
        Column::new(
            "model".into(),
            rows.iter().map(|r| r.model.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "baseline".into(),
            rows.iter().map(|r| r.baseline).collect::<Vec<_>>(),
        ),
        Column::new(
            "chosen".into(),
            rows.iter().map(|r| r.chosen).collect::<Vec<_>>(),
        ),
    ];
    columns.extend(metric_columns(&metrics, levels, true));
    columns.push(Column::new(
        "error".into(),
        rows.iter().map(|r| r.error.clone()).collect::<Vec<_>>(),
    ));
    Ok(DataFrame::new(rows.len(), columns)?)
}

fn summary_frame(rows: &[Row], levels: &[f64]) -> Result<DataFrame> {
    // Models in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, (Vec<Metrics>, i64)> = BTreeMap::new();
    for r in rows {
        let (Some(model), Some(m)) = (&r.model, &r.metrics) else {
            continue;
        };
        if !groups.contains_key(model) {
            order.push(model.clone());
        }
        let g = groups.entry(model.clone()).or_insert((Vec::new(), 0));
        g.0.push(m.clone());
        g.1 += i64::from(r.best);
    }
    let means: Vec<Metrics> = order.iter().map(|m| Metrics::mean(&groups[m].0)).collect();
    let refs: Vec<Option<&Metrics>> = means.iter().map(Some).collect();
    let mut columns = vec![
        Column::new("model".into(), order.clone()),
        Column::new(
            "n_series".into(),
            order
                .iter()
                .map(|m| groups[m].0.len() as i64)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "wins".into(),
            order.iter().map(|m| groups[m].1).collect::<Vec<_>>(),
        ),
    ];
    columns.extend(metric_columns(&refs, levels, false));
    Ok(DataFrame::new(order.len(), columns)?)
}

/// Cost anomalies: history points outside the backtest prediction interval at `level`.
///
/// Each series is backtested as auto mode does (same candidates, horizon, step and windows)
/// and the best-ranked model's windows are kept: each covered history point gets the
/// forecast of the latest window covering it, with that model's own interval at `level`.
/// Only the last `windows * step + horizon - step` points are scanned: raise
/// [`super::AutoParams::windows`] to scan further back. Series that cannot be backtested
/// (too short, or every candidate failed) have no rows.
///
/// Output columns: `unique_id, ds, y, yhat, lower, upper, excess` (`excess` is `y - upper`
/// above the interval, `y - lower` (negative) below), sorted by id and time.
///
/// # Errors
/// [`Error::Parameter`] for a bad level or parameters; as [`super::forecast_frame`] for the
/// frame.
pub fn anomalies(df: &DataFrame, params: &BatchParams, level: f64) -> Result<DataFrame> {
    params.check()?;
    let levels = check_levels(&[level])?;
    let level = *levels
        .first()
        .ok_or_else(|| Error::parameter("level", "expected one level"))?;
    let (id_dtype, results) = evaluate_all(df, params, &levels)?;
    let (mut ids, mut ds, mut y, mut yhat, mut lower, mut upper, mut excess) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (id, result) in results {
        let Ok(ev) = result else { continue };
        let (Some(best), Some(bt)) = (ev.ranked.first(), &ev.backtest) else {
            continue;
        };
        // Latest window wins: windows come earliest first.
        let mut points: BTreeMap<i64, (f64, f64, f64, f64)> = BTreeMap::new();
        for w in bt.windows_of(best) {
            let Some(interval) = w.forecast.interval(level) else {
                continue;
            };
            for h in 0..w.actual.len() {
                points.insert(
                    w.forecast.ds[h],
                    (
                        w.actual[h],
                        w.forecast.mean[h],
                        interval.lower[h],
                        interval.upper[h],
                    ),
                );
            }
        }
        for (t, (a, p, lo, hi)) in points {
            if !(a.is_finite() && lo.is_finite() && hi.is_finite()) {
                continue;
            }
            let e = if a > hi {
                a - hi
            } else if a < lo {
                a - lo
            } else {
                continue;
            };
            ids.push(id.clone());
            ds.push(t);
            y.push(a);
            yhat.push(p);
            lower.push(lo);
            upper.push(hi);
            excess.push(e);
        }
    }
    let height = ids.len();
    Ok(DataFrame::new(
        height,
        vec![
            id_column(ids, &id_dtype)?,
            ds_column("ds", ds)?,
            Column::new("y".into(), y),
            Column::new("yhat".into(), yhat),
            Column::new("lower".into(), lower),
            Column::new("upper".into(), upper),
            Column::new("excess".into(), excess),
        ],
    )?)
}
