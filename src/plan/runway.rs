//! Runway: when does forecast utilization cross a threshold of current capacity?
//!
//! For each group the chosen quantile (default P95) of the forecast sample paths is taken at
//! every step; `crossing_ds` is the first step where it reaches `threshold × capacity`
//! (default 80 %). Its uncertainty comes from the paths themselves: each path's first
//! crossing time gives a distribution, summarised by its P10/P50/P90 (paths that never cross
//! count as "after the horizon", so a quantile that falls among them is null) and by the
//! share of paths that cross within the horizon.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `threshold` | 0.8 | share of capacity, in (0, 1] |
//! | `quantile` | 0.95 | forecast quantile compared with the threshold, in (0, 1) |
//! | `capacity` | 1.0 | capacity in the paths' unit (1.0 when they are utilization fractions, 100 for percent, cores for core counts) |
//! | `group_capacity` | none | capacity of one group, overriding `capacity` |
//!
//! Output ([`Runway::summary`]): `unique_id, threshold, quantile, capacity, crossing_ds,
//! crossing_p10, crossing_p50, crossing_p90, prob_cross_within_horizon,
//! current_peak_utilization, horizon_end` (times null where there is no crossing; the peak is
//! the history's largest value over capacity, null without history). [`Runway::curves`]
//! holds the utilization quantiles per step for charts.
//!
//! Because the per-step quantile and each path's first crossing are monotone in the threshold,
//! a higher threshold never crosses earlier (a property test checks it).

use std::collections::HashMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::plan::frame::{
    censored_quantile, check_open_unit, check_unit, id_column, quantile_sorted, read_paths,
    read_series, time_column, Paths,
};

/// Parameters of [`runway`] (see the module docs for the defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct RunwayParams {
    pub(crate) threshold: f64,
    pub(crate) quantile: f64,
    capacity: f64,
    group_capacity: HashMap<String, f64>,
}

impl Default for RunwayParams {
    fn default() -> Self {
        RunwayParams {
            threshold: 0.8,
            quantile: 0.95,
            capacity: 1.0,
            group_capacity: HashMap::new(),
        }
    }
}

impl RunwayParams {
    /// Share of capacity that counts as "full", in (0, 1] (default 0.8).
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.threshold = threshold;
        self
    }
    /// Forecast quantile compared with the threshold, in (0, 1) (default 0.95).
    pub fn quantile(mut self, quantile: f64) -> Self {
        self.quantile = quantile;
        self
    }
    /// Capacity of every group in the paths' unit (default 1.0: paths are fractions).
    pub fn capacity(mut self, capacity: f64) -> Self {
        self.capacity = capacity;
        self
    }
    /// Capacity of the group `id`, overriding [`Self::capacity`] for it.
    pub fn group_capacity(mut self, id: impl Into<String>, capacity: f64) -> Self {
        self.group_capacity.insert(id.into(), capacity);
        self
    }

    pub(crate) fn check(&self) -> Result<()> {
        check_unit("threshold", self.threshold)?;
        check_open_unit("quantile", self.quantile)?;
        check_capacity("capacity", self.capacity)?;
        for (id, &c) in &self.group_capacity {
            check_capacity(&format!("capacity of '{id}'"), c)?;
        }
        Ok(())
    }

    /// Checks that every group capacity names one of `ids`.
    pub(crate) fn check_ids<'a>(&self, ids: impl Iterator<Item = &'a str> + Clone) -> Result<()> {
        for id in self.group_capacity.keys() {
            if !ids.clone().any(|i| i == id) {
                return Err(Error::parameter(
                    "capacities",
                    format!("a capacity was given for '{id}', but there is no such unique_id"),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn capacity_of(&self, id: &str) -> f64 {
        self.group_capacity
            .get(id)
            .copied()
            .unwrap_or(self.capacity)
    }
}

fn check_capacity(name: &str, c: f64) -> Result<()> {
    if !(c.is_finite() && c > 0.0) {
        return Err(Error::parameter(
            name,
            format!("{c} is not a positive capacity"),
        ));
    }
    Ok(())
}

/// The result of [`runway`].
#[derive(Debug, Clone)]
pub struct Runway {
    /// One row per group (see the module docs for the columns).
    pub summary: DataFrame,
    /// `unique_id, ds, utilization_p10, utilization_p50, utilization_p90, utilization_q`:
    /// forecast utilization (paths over capacity) quantiles per step; `utilization_q` is the
    /// chosen quantile.
    pub curves: DataFrame,
}

/// One group's runway, in microseconds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupRunway {
    pub(crate) crossing: Option<i64>,
    pub(crate) p10: Option<i64>,
    pub(crate) p50: Option<i64>,
    pub(crate) p90: Option<i64>,
    pub(crate) prob: f64,
    /// The chosen quantile of utilization per step.
    pub(crate) curve_q: Vec<f64>,
}

/// The runway of one group's paths at `limit` (threshold × capacity, in path units).
pub(crate) fn group_runway(group: &Paths, quantile: f64, limit: f64) -> GroupRunway {
    let steps = group.ds.len();
    let mut column = vec![0.0; group.paths.len()];
    let mut curve_q = Vec::with_capacity(steps);
    let mut crossing = None;
    for h in 0..steps {
        for (c, p) in column.iter_mut().zip(&group.paths) {
            *c = p[h];
        }
        column.sort_by(f64::total_cmp);
        let q = quantile_sorted(&column, quantile);
        if crossing.is_none() && q >= limit {
            crossing = Some(group.ds[h]);
        }
        curve_q.push(q);
    }
    let firsts: Vec<Option<i64>> = group
        .paths
        .iter()
        .map(|p| p.iter().position(|&v| v >= limit).map(|h| group.ds[h]))
        .collect();
    let crossed = firsts.iter().filter(|f| f.is_some()).count();
    GroupRunway {
        crossing,
        p10: censored_quantile(&firsts, 0.1),
        p50: censored_quantile(&firsts, 0.5),
        p90: censored_quantile(&firsts, 0.9),
        prob: crossed as f64 / firsts.len().max(1) as f64,
        curve_q,
    }
}

/// The runway of every group of forecast sample paths.
///
/// `paths` is a frame `unique_id, path, ds, y` ([`crate::forecast::BatchForecast::paths`])
/// of utilization or load; `history` (optional) the observed `unique_id, ds, y` for the
/// current peak ([`crate::forecast::BatchForecast::history`]).
///
/// # Errors
/// [`Error::Parameter`] for a threshold outside (0, 1], a quantile outside (0, 1) or a
/// capacity that is not positive; [`Error::Data`] for a missing or mistyped column, an empty
/// frame, a null or non-finite path value, or paths of one group with different timestamps.
///
/// # Example
/// ```
/// use capcast::plan::{runway, RunwayParams};
/// use polars::prelude::*;
///
/// let day = 86_400_000_000i64;
/// // Two paths of utilization rising 10 points a day from 50 % and 60 %.
/// let paths = df!(
///     "unique_id" => ["db"; 6],
///     "path" => [0i64, 0, 0, 1, 1, 1],
///     "ds" => [day, 2 * day, 3 * day, day, 2 * day, 3 * day],
///     "y" => [0.5, 0.6, 0.7, 0.6, 0.7, 0.8],
/// )?
/// .lazy()
/// .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
/// .collect()?;
/// let out = runway(&paths, None, &RunwayParams::default().threshold(0.75))?;
/// assert_eq!(out.summary.column("prob_cross_within_horizon")?.f64()?.get(0), Some(0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn runway(
    paths: &DataFrame,
    history: Option<&DataFrame>,
    params: &RunwayParams,
) -> Result<Runway> {
    params.check()?;
    let input = read_paths(paths, "paths")?;
    params.check_ids(input.groups.iter().map(|g| g.id.as_str()))?;
    let peaks = history_peaks(history)?;
    let mut table = Table::default();
    for group in &input.groups {
        let cap = params.capacity_of(&group.id);
        let r = group_runway(group, params.quantile, params.threshold * cap);
        table.summary_row(
            &group.id,
            cap,
            [r.crossing, r.p10, r.p50, r.p90],
            Some(r.prob),
            peaks.get(&group.id).map(|p| p / cap),
            group.ds.last().copied(),
        );
        // Curves: P10/P50/P90 and the chosen quantile of utilization.
        let mut column = vec![0.0; group.paths.len()];
        for (h, &t) in group.ds.iter().enumerate() {
            for (c, p) in column.iter_mut().zip(&group.paths) {
                *c = p[h] / cap;
            }
            column.sort_by(f64::total_cmp);
            table.curve_row(
                &group.id,
                t,
                [
                    quantile_sorted(&column, 0.1),
                    quantile_sorted(&column, 0.5),
                    quantile_sorted(&column, 0.9),
                    r.curve_q[h] / cap,
                ],
            );
        }
    }
    table.finish(&input.id_dtype, params)
}

/// The largest finite value of each history series.
pub(crate) fn history_peaks(history: Option<&DataFrame>) -> Result<HashMap<String, f64>> {
    Ok(match history {
        Some(h) => read_series(h, "history", "y", true)?
            .groups
            .into_iter()
            .filter_map(|s| {
                let peak =
                    s.y.iter()
                        .filter(|v| v.is_finite())
                        .fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                peak.is_finite().then_some((s.id, peak))
            })
            .collect(),
        None => HashMap::new(),
    })
}

/// The rows of a [`Runway`] being built.
#[derive(Debug, Default)]
pub(crate) struct Table {
    ids: Vec<String>,
    caps: Vec<f64>,
    times: [Vec<Option<i64>>; 4],
    prob: Vec<Option<f64>>,
    peak: Vec<Option<f64>>,
    end: Vec<Option<i64>>,
    cid: Vec<String>,
    cds: Vec<Option<i64>>,
    curves: [Vec<f64>; 4],
}

impl Table {
    /// One group: capacity, (crossing, P10, P50, P90) times, crossing probability, current
    /// peak utilization and the horizon's last time.
    pub(crate) fn summary_row(
        &mut self,
        id: &str,
        cap: f64,
        times: [Option<i64>; 4],
        prob: Option<f64>,
        peak: Option<f64>,
        end: Option<i64>,
    ) {
        self.ids.push(id.to_string());
        self.caps.push(cap);
        for (col, t) in self.times.iter_mut().zip(times) {
            col.push(t);
        }
        self.prob.push(prob);
        self.peak.push(peak);
        self.end.push(end);
    }

    /// One step of a group's curves: utilization P10, P50, P90 and the chosen quantile.
    pub(crate) fn curve_row(&mut self, id: &str, t: i64, values: [f64; 4]) {
        self.cid.push(id.to_string());
        self.cds.push(Some(t));
        for (col, v) in self.curves.iter_mut().zip(values) {
            col.push(v);
        }
    }

    /// The summary and curves frames.
    pub(crate) fn finish(self, id_dtype: &DataType, params: &RunwayParams) -> Result<Runway> {
        let n = self.ids.len();
        let [crossing, p10, p50, p90] = self.times;
        let summary = DataFrame::new(
            n,
            vec![
                id_column(self.ids, id_dtype)?,
                Column::new("threshold".into(), vec![params.threshold; n]),
                Column::new("quantile".into(), vec![params.quantile; n]),
                Column::new("capacity".into(), self.caps),
                time_column("crossing_ds", crossing)?,
                time_column("crossing_p10", p10)?,
                time_column("crossing_p50", p50)?,
                time_column("crossing_p90", p90)?,
                Column::new("prob_cross_within_horizon".into(), self.prob),
                Column::new("current_peak_utilization".into(), self.peak),
                time_column("horizon_end", self.end)?,
            ],
        )?;
        let nullable = |name: &str, v: Vec<f64>| {
            let v: Vec<Option<f64>> = v.into_iter().map(|x| x.is_finite().then_some(x)).collect();
            Column::new(name.into(), v)
        };
        let [q10, q50, q90, qq] = self.curves;
        let curves = DataFrame::new(
            self.cid.len(),
            vec![
                id_column(self.cid, id_dtype)?,
                time_column("ds", self.cds)?,
                nullable("utilization_p10", q10),
                nullable("utilization_p50", q50),
                nullable("utilization_p90", q90),
                nullable("utilization_q", qq),
            ],
        )?;
        Ok(Runway { summary, curves })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::frame::DAY;
    use proptest::prelude::*;

    fn group(paths: Vec<Vec<f64>>) -> Paths {
        let steps = paths[0].len();
        Paths {
            id: "g".into(),
            ds: (1..=steps as i64).map(|d| d * DAY).collect(),
            paths,
        }
    }

    fn frame(g: &Paths) -> DataFrame {
        let (mut id, mut p, mut t, mut y) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (j, path) in g.paths.iter().enumerate() {
            for (h, v) in path.iter().enumerate() {
                id.push(g.id.clone());
                p.push(j as i64);
                t.push(g.ds[h]);
                y.push(*v);
            }
        }
        df!("unique_id" => id, "path" => p, "ds" => t, "y" => y)
            .unwrap()
            .lazy()
            .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
            .collect()
            .unwrap()
    }

    /// Hand-worked: ten straight-line paths, path j = 0.5 + 0.01 (j + 1) t on day t (1..=30).
    /// Path j reaches 0.8 on the first day t >= 30 / (j + 1): days 30, 15, 10, 8, 6, 5, 5, 4,
    /// 4, 3. At P95 (type 7: 0.55 of the way from path 8 to path 9, slope 0.0955) the curve
    /// reaches 0.8 on day ceil(0.3 / 0.0955) = 4. Sorted first crossings 3,4,4,5,5,6,8,10,15,30:
    /// P10 = 1st = day 3, P50 = 5th = day 5, P90 = 9th = day 15; all ten cross.
    #[test]
    fn hand_worked_lines() {
        let g = group(
            (0..10)
                .map(|j| {
                    (1..=30)
                        .map(|t| 0.5 + 0.01 * (j + 1) as f64 * t as f64)
                        .collect()
                })
                .collect(),
        );
        let r = group_runway(&g, 0.95, 0.8);
        assert_eq!(r.crossing, Some(4 * DAY));
        assert_eq!(r.p10, Some(3 * DAY));
        assert_eq!(r.p50, Some(5 * DAY));
        assert_eq!(r.p90, Some(15 * DAY));
        assert_eq!(r.prob, 1.0);
        // A limit of 3.96 (e.g. 99 % of a capacity of 4) is out of reach: the steepest path
        // ends at 0.5 + 0.1 * 30 = 3.5.
        let r = group_runway(&g, 0.95, 3.96);
        assert_eq!(r.crossing, None);
        assert_eq!(r.p50, None);
        assert_eq!(r.prob, 0.0);
    }

    #[test]
    fn frame_in_frame_out() {
        let g = group(vec![vec![50.0, 60.0, 70.0], vec![60.0, 70.0, 90.0]]);
        let history = df!(
            "unique_id" => ["g", "g"],
            "ds" => [0i64, DAY / 2],
            "y" => [Some(40.0), None],
        )
        .unwrap()
        .lazy()
        .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
        .collect()
        .unwrap();
        let out = runway(
            &frame(&g),
            Some(&history),
            &RunwayParams::default().capacity(100.0),
        )
        .unwrap();
        let s = &out.summary;
        let names: Vec<&str> = s.get_column_names().iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "unique_id",
                "threshold",
                "quantile",
                "capacity",
                "crossing_ds",
                "crossing_p10",
                "crossing_p50",
                "crossing_p90",
                "prob_cross_within_horizon",
                "current_peak_utilization",
                "horizon_end"
            ]
        );
        // P95 of (70, 90) at day 3 = 89 >= 80; day 2: P95 of (60, 70) = 69.5 < 80.
        let crossing = s
            .column("crossing_ds")
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap();
        assert_eq!(crossing.i64().unwrap().get(0), Some(3 * DAY));
        assert_eq!(
            s.column("prob_cross_within_horizon")
                .unwrap()
                .f64()
                .unwrap()
                .get(0),
            Some(0.5)
        );
        assert_eq!(
            s.column("current_peak_utilization")
                .unwrap()
                .f64()
                .unwrap()
                .get(0),
            Some(0.4)
        );
        assert_eq!(out.curves.height(), 3);
    }

    #[test]
    fn bad_input_is_an_error() {
        let f = frame(&group(vec![vec![0.5, 0.6]]));
        for p in [
            RunwayParams::default().threshold(0.0),
            RunwayParams::default().threshold(1.2),
            RunwayParams::default().quantile(1.0),
            RunwayParams::default().capacity(-4.0),
            RunwayParams::default().group_capacity("g", 0.0),
            RunwayParams::default().group_capacity("other", 2.0),
        ] {
            assert!(runway(&f, None, &p).is_err(), "{p:?}");
        }
        let err = runway(&f.head(Some(0)), None, &RunwayParams::default()).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let bad = f
            .lazy()
            .with_column(lit(f64::NAN).alias("y"))
            .collect()
            .unwrap();
        let err = runway(&bad, None, &RunwayParams::default()).unwrap_err();
        assert!(err.to_string().contains("row 1, column 'y'"), "{err}");
    }

    proptest! {
        /// A higher threshold never crosses earlier, for the quantile curve and for every
        /// quantile of the first-crossing distribution; the crossing probability never grows.
        #[test]
        fn monotone_in_threshold(
            seed_paths in proptest::collection::vec(proptest::collection::vec(0.0f64..1.0, 12), 1..8),
            t in 0.05f64..0.95, dt in 0.0f64..0.3, q in 0.05f64..0.95,
        ) {
            let g = group(seed_paths);
            let lo = group_runway(&g, q, t);
            let hi = group_runway(&g, q, t + dt);
            let later = |a: Option<i64>, b: Option<i64>| match (a, b) {
                (Some(x), Some(y)) => y >= x,
                (_, None) => true,
                (None, Some(_)) => false,
            };
            prop_assert!(later(lo.crossing, hi.crossing));
            prop_assert!(later(lo.p10, hi.p10));
            prop_assert!(later(lo.p50, hi.p50));
            prop_assert!(later(lo.p90, hi.p90));
            prop_assert!(hi.prob <= lo.prob);
        }
    }
}
