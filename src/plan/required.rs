//! Required capacity per future period: the instances needed so that forecast peak load stays
//! under a target utilization, with N+k redundancy.
//!
//! For each group and period (day, ISO week or month, UTC) the peak of every sample path
//! within the period is taken, and the chosen quantile of those peaks across paths is the
//! peak load to plan for (so "P95" means: in 95 % of the simulated futures the period's peak
//! stays under the capacity bought). Then
//! `base = max(1, ceil(peak / (per_instance × target_utilization)))` and
//! `instances = base + redundancy`.
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `per_instance` | (required) | load one instance serves at 100 % utilization, in the paths' unit |
//! | `target_utilization` | 0.8 | highest planned utilization at peak, in (0, 1] |
//! | `quantile` | 0.95 | quantile of the period peak across sample paths, in (0, 1) |
//! | `redundancy` | 1 | spare instances (N+k) |
//! | `period` | day | [`Period`] of the rows |
//!
//! Output columns: `unique_id, period_start, peak_load, quantile, target_utilization,
//! base_instances, redundancy, instances, peak_utilization` (`peak_utilization` is the peak
//! load over the capacity of the base instances). Negative path values count as zero load.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::plan::frame::{
    check_open_unit, check_positive, check_unit, id_column, quantile_sorted, read_paths,
    time_column,
};
use crate::plan::Period;

/// Parameters of [`required_capacity`] (see the module docs for the defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredParams {
    per_instance: f64,
    target_utilization: f64,
    quantile: f64,
    redundancy: u64,
    period: Period,
}

impl RequiredParams {
    /// Parameters for instances that each serve `per_instance` load units at 100 %.
    pub fn new(per_instance: f64) -> Self {
        RequiredParams {
            per_instance,
            target_utilization: 0.8,
            quantile: 0.95,
            redundancy: 1,
            period: Period::Day,
        }
    }
    /// Highest planned utilization at peak, in (0, 1] (default 0.8).
    pub fn target_utilization(mut self, target: f64) -> Self {
        self.target_utilization = target;
        self
    }
    /// Quantile of the period peak across sample paths, in (0, 1) (default 0.95).
    pub fn quantile(mut self, quantile: f64) -> Self {
        self.quantile = quantile;
        self
    }
    /// Spare instances on top of those the load needs (default 1: N+1).
    pub fn redundancy(mut self, k: u64) -> Self {
        self.redundancy = k;
        self
    }
    /// The period of each output row (default day).
    pub fn period(mut self, period: Period) -> Self {
        self.period = period;
        self
    }

    fn check(&self) -> Result<()> {
        check_positive("per_instance", self.per_instance)?;
        check_unit("target_utilization", self.target_utilization)?;
        check_open_unit("quantile", self.quantile)
    }
}

/// Instances needed for `peak_load`: `max(1, ceil(peak_load / (per_instance × target)))`
/// plus `redundancy`. A negative load counts as zero.
///
/// # Errors
/// [`Error::Parameter`] if `per_instance` is not positive and finite, `target` is outside
/// (0, 1], or `peak_load` is not finite.
///
/// # Example
/// ```
/// // 1000 req/s peak, 150 req/s per instance, 80 % target, N+1: ceil(8.33) + 1 = 10.
/// assert_eq!(capcast::plan::instances_for(1000.0, 150.0, 0.8, 1)?, 10);
/// # Ok::<(), capcast::Error>(())
/// ```
pub fn instances_for(
    peak_load: f64,
    per_instance: f64,
    target: f64,
    redundancy: u64,
) -> Result<u64> {
    check_positive("per_instance", per_instance)?;
    check_unit("target_utilization", target)?;
    Ok(base_instances(peak_load, per_instance, target)?.saturating_add(redundancy))
}

fn base_instances(peak_load: f64, per_instance: f64, target: f64) -> Result<u64> {
    if !peak_load.is_finite() {
        return Err(Error::parameter(
            "peak_load",
            format!("{peak_load} is not a finite load"),
        ));
    }
    let ratio = peak_load.max(0.0) / (per_instance * target);
    // A load of exactly k instances' worth (up to rounding in the division) needs k, not k+1.
    let n = (ratio * (1.0 - 1e-12)).ceil();
    if n >= u64::MAX as f64 {
        return Err(Error::parameter(
            "per_instance",
            format!("{peak_load} / {per_instance} needs more instances than can be counted; check the units"),
        ));
    }
    Ok((n as u64).max(1))
}

/// Instances needed per group and period from forecast sample paths of load.
///
/// `paths` is a frame `unique_id, path, ds, y` ([`crate::forecast::BatchForecast::paths`]):
/// load in the unit `per_instance` is given in (requests per second, vCPUs, ...).
///
/// # Errors
/// [`Error::Parameter`] for parameters outside their ranges; [`Error::Data`] for a missing or
/// mistyped column, an empty frame, a null or non-finite value, or paths of one group with
/// different timestamps.
///
/// # Example
/// ```
/// use capcast::plan::{required_capacity, Period, RequiredParams};
/// use polars::prelude::*;
///
/// let hour = 3_600_000_000i64;
/// let paths = df!(
///     "unique_id" => ["web"; 4],
///     "path" => [0i64, 0, 1, 1],
///     "ds" => [0, hour, 0, hour],
///     "y" => [700.0, 1000.0, 650.0, 900.0],
/// )?
/// .lazy()
/// .with_column(col("ds").cast(DataType::Datetime(TimeUnit::Microseconds, None)))
/// .collect()?;
/// let out = required_capacity(&paths, &RequiredParams::new(150.0).period(Period::Day))?;
/// // P95 of the daily peaks (1000, 900) is 995: ceil(995 / 120) = 9, plus one spare.
/// assert_eq!(out.column("instances")?.u64()?.get(0), Some(10));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn required_capacity(paths: &DataFrame, params: &RequiredParams) -> Result<DataFrame> {
    params.check()?;
    let input = read_paths(paths, "paths")?;
    let mut ids = Vec::new();
    let mut starts = Vec::new();
    let mut peaks = Vec::new();
    let mut base = Vec::new();
    let mut total = Vec::new();
    let mut util = Vec::new();
    for group in &input.groups {
        // Periods: runs of consecutive steps with the same period start.
        let mut h = 0;
        while h < group.ds.len() {
            let start = params.period.start(group.ds[h])?;
            let mut end = h + 1;
            while end < group.ds.len() && params.period.start(group.ds[end])? == start {
                end += 1;
            }
            let mut period_peaks: Vec<f64> = group
                .paths
                .iter()
                .map(|p| p[h..end].iter().fold(0.0f64, |m, &v| m.max(v)))
                .collect();
            period_peaks.sort_by(f64::total_cmp);
            let peak = quantile_sorted(&period_peaks, params.quantile);
            let n = base_instances(peak, params.per_instance, params.target_utilization)?;
            ids.push(group.id.clone());
            starts.push(Some(start));
            peaks.push(peak);
            base.push(n);
            total.push(n.saturating_add(params.redundancy));
            util.push(peak / (n as f64 * params.per_instance));
            h = end;
        }
    }
    let height = ids.len();
    Ok(DataFrame::new(
        height,
        vec![
            id_column(ids, &input.id_dtype)?,
            time_column("period_start", starts)?,
            Column::new("peak_load".into(), peaks),
            Column::new("quantile".into(), vec![params.quantile; height]),
            Column::new(
                "target_utilization".into(),
                vec![params.target_utilization; height],
            ),
            Column::new("base_instances".into(), base),
            Column::new("redundancy".into(), vec![params.redundancy; height]),
            Column::new("instances".into(), total),
            Column::new("peak_utilization".into(), util),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::frame::{DAY, HOUR};
    use proptest::prelude::*;

    fn paths_frame(ds: &[i64], paths: &[Vec<f64>]) -> DataFrame {
        let mut id = Vec::new();
        let mut p = Vec::new();
        let mut t = Vec::new();
        let mut y = Vec::new();
        for (j, path) in paths.iter().enumerate() {
            for (h, v) in path.iter().enumerate() {
                id.push("web");
                p.push(j as i64);
                t.push(ds[h]);
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

    #[test]
    fn hand_worked_instances() {
        // ceil(1000 / 120) = 9 (+1 spare); exactly 960 / 120 = 8 needs 8, not 9.
        assert_eq!(instances_for(1000.0, 150.0, 0.8, 1).unwrap(), 10);
        assert_eq!(instances_for(960.0, 150.0, 0.8, 0).unwrap(), 8);
        assert_eq!(instances_for(0.8, 1.0, 0.8, 2).unwrap(), 3);
        assert_eq!(instances_for(0.0, 1.0, 0.8, 0).unwrap(), 1);
        assert_eq!(instances_for(-5.0, 1.0, 0.8, 0).unwrap(), 1);
        assert!(instances_for(1.0, -1.0, 0.8, 0).is_err());
        assert!(instances_for(1.0, 1.0, 0.0, 0).is_err());
        assert!(instances_for(1.0, 1.0, 1.5, 0).is_err());
        assert!(instances_for(f64::NAN, 1.0, 0.5, 0).is_err());
    }

    #[test]
    fn per_day_rows_from_paths() {
        // Two days of 12-hourly steps, three paths. Daily peaks per path:
        // day 0: 100, 200, 300 -> P50 200; day 1: 400, 50, 10 -> P50 50.
        let ds = [0, 12 * HOUR, DAY, DAY + 12 * HOUR];
        let paths = vec![
            vec![100.0, 90.0, 400.0, 10.0],
            vec![20.0, 200.0, 50.0, 5.0],
            vec![300.0, 0.0, -1.0, 10.0],
        ];
        let out = required_capacity(
            &paths_frame(&ds, &paths),
            &RequiredParams::new(40.0)
                .quantile(0.5)
                .target_utilization(0.5)
                .redundancy(2),
        )
        .unwrap();
        assert_eq!(out.height(), 2);
        let peak: Vec<f64> = out
            .column("peak_load")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(peak, vec![200.0, 50.0]);
        let n: Vec<u64> = out
            .column("instances")
            .unwrap()
            .u64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        // 200 / 20 = 10 (+2); 50 / 20 = 2.5 -> 3 (+2).
        assert_eq!(n, vec![12, 5]);
        // One weekly row (1970-01-01 is a Thursday; both days in the same ISO week).
        let week = required_capacity(
            &paths_frame(&ds, &paths),
            &RequiredParams::new(40.0).period(Period::Week),
        )
        .unwrap();
        assert_eq!(week.height(), 1);
    }

    #[test]
    fn bad_input_is_an_error() {
        let ds = [0, HOUR];
        let f = paths_frame(&ds, &[vec![1.0, 2.0]]);
        assert!(required_capacity(&f, &RequiredParams::new(0.0)).is_err());
        assert!(required_capacity(&f, &RequiredParams::new(1.0).quantile(1.0)).is_err());
        let empty = f.head(Some(0));
        let err = required_capacity(&empty, &RequiredParams::new(1.0)).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        let no_path = f.drop("path").unwrap();
        let err = required_capacity(&no_path, &RequiredParams::new(1.0)).unwrap_err();
        assert!(err.to_string().contains("'path'"), "{err}");
    }

    proptest! {
        #[test]
        fn monotone_in_load_and_target(
            load in 0.0f64..1e6, more in 0.0f64..1e5, per in 0.1f64..1e3,
            target in 0.05f64..1.0, less in 0.0f64..0.05, k in 0u64..3,
        ) {
            let n = instances_for(load, per, target, k).unwrap();
            prop_assert!(instances_for(load + more, per, target, k).unwrap() >= n);
            // A lower target utilization never needs fewer instances.
            prop_assert!(instances_for(load, per, (target - less).max(0.01), k).unwrap() >= n);
            // Enough capacity: the base instances keep the load at or under the target.
            let base = n - k;
            prop_assert!(load.max(0.0) <= base as f64 * per * target * (1.0 + 1e-9));
        }
    }
}
