//! The capacity section: per resource group (a utilization column, a billing tag or the
//! instance type; see [`super::groups`]), the daily peak of CPU cores in use is forecast, and
//! [`crate::plan::runway`] gives the date its P95 reaches 80 % of the group's cores today,
//! with the P10/P50/P90 of the sample paths' crossing dates;
//! [`crate::plan::required_capacity`] gives the instances needed per month (N+1, 80 % target
//! at the P95 peak, instances of the group's mean size today).

use polars::prelude::*;

use super::groups::{resolve, Groups, Source};
use crate::chart::{BarChart, BarOrder, RunwayChart, ValueFormat};
use crate::error::Result;
use crate::forecast::forecast_frame;
use crate::plan::report::context::{date, Context, DAY_US};
use crate::plan::report::model::{Figure, ReportChart, ReportTable, Section, Setting};
use crate::plan::report::PlanParams;
use crate::plan::{required_capacity, runway, Period, RequiredParams, RunwayParams};

const ID: &str = "capacity";
const TITLE: &str = "Capacity runway";
/// Share of a group's cores that counts as full.
const THRESHOLD: f64 = 0.8;
/// Forecast quantile compared with the threshold.
const QUANTILE: f64 = 0.95;
/// Runway charts drawn at most (the groups closest to full).
const MAX_RUNWAY_CHARTS: usize = 8;

/// Per group: daily peak of cores in use (`unique_id, ds, y`), and the group's instances,
/// cores and mean cores per instance today. `members` is `resource_id, group`.
fn daily_peaks(
    samples: &DataFrame,
    resources: &DataFrame,
    members: &DataFrame,
) -> Result<(DataFrame, DataFrame)> {
    let cpu = samples
        .clone()
        .lazy()
        .filter(col("metric").eq(lit("cpu_utilization")))
        .join(
            resources
                .clone()
                .lazy()
                .select([col("resource_id"), col("vcpu")])
                .join(
                    members.clone().lazy(),
                    [col("resource_id")],
                    [col("resource_id")],
                    JoinArgs::new(JoinType::Inner),
                ),
            [col("resource_id")],
            [col("resource_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("vcpu").is_not_null())
        .with_column((col("value") / lit(100.0) * col("vcpu")).alias("cores"));
    let hourly = cpu
        .clone()
        .group_by([col("group"), col("ts").dt().truncate(lit("1h"))])
        .agg([col("cores").sum()]);
    let peaks = hourly
        .group_by([
            col("group").alias("unique_id"),
            col("ts").dt().truncate(lit("1d")).alias("ds"),
        ])
        .agg([col("cores").max().alias("y")])
        .sort(["unique_id", "ds"], SortMultipleOptions::default())
        .collect()?;
    // Today's fleet: the resources reporting on the last day.
    let last = cpu
        .clone()
        .select([col("ts").max().dt().truncate(lit("1d")).alias("last")]);
    let groups = cpu
        .cross_join(last, None)
        .filter(col("ts").gt_eq(col("last")))
        .group_by([col("group"), col("resource_id")])
        .agg([col("vcpu").first().cast(DataType::Float64)])
        .group_by([col("group")])
        .agg([
            col("resource_id").n_unique().alias("instances"),
            col("vcpu").sum().alias("cores"),
        ])
        .with_column(
            (col("cores") / col("instances").cast(DataType::Float64)).alias("vcpu_per_instance"),
        )
        .sort(["group"], SortMultipleOptions::default())
        .collect()?;
    Ok((peaks, groups))
}

/// `resource_id, instance_type, vcpu, group`: every resource of the utilization data and its
/// group (`(untagged)` when it has none).
fn membership(resources: &DataFrame, groups: &Groups) -> Result<DataFrame> {
    let ids: Vec<String> = resources
        .column("resource_id")?
        .str()?
        .iter()
        .map(|r| r.unwrap_or("").to_string())
        .collect();
    let members = match groups.source {
        Source::InstanceType => resources
            .clone()
            .lazy()
            .select([
                col("resource_id"),
                col("instance_type")
                    .fill_null(lit(super::groups::UNTAGGED))
                    .alias("group"),
            ])
            .collect()?,
        _ => groups.frame(&ids)?,
    };
    Ok(resources
        .clone()
        .lazy()
        .select([col("resource_id"), col("instance_type"), col("vcpu")])
        .join(
            members.lazy(),
            [col("resource_id")],
            [col("resource_id")],
            JoinArgs::new(JoinType::Left),
        )
        .collect()?)
}

/// The resource groups of the utilization data (see [`super::groups`]), `None` without
/// utilization data. Called before the slow steps so that a bad `--group-by` fails fast.
///
/// # Errors
/// As [`resolve`].
pub(crate) fn groups(ctx: &Context, params: &PlanParams) -> Result<Option<Groups>> {
    let Ok(util) = &ctx.utilization else {
        return Ok(None);
    };
    let ids: Vec<String> = util
        .resources
        .column("resource_id")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    Ok(Some(resolve(
        &ctx.costs,
        &params.utilization,
        params.group_by.as_deref(),
        &ids,
    )?))
}

/// The section, and the settings it used.
pub(crate) fn section(
    ctx: &Context,
    params: &PlanParams,
    grouping: Option<Groups>,
    settings: &mut Vec<Setting>,
) -> Result<Section> {
    let (util, grouping) = match (&ctx.utilization, grouping) {
        (Ok(u), Some(g)) => (u, g),
        (Err(why), _) => {
            return Ok(Section::unavailable(
                ID,
                TITLE,
                format!("needs utilization data: {why}"),
            ))
        }
        (Ok(_), None) => {
            return Ok(Section::unavailable(ID, TITLE, "no resource groups"));
        }
    };
    let key = grouping.key();
    settings.push(Setting::new(
        "Capacity groups",
        match &grouping.source {
            Source::InstanceType => "instance type".to_string(),
            Source::Column(c) => format!("utilization column '{c}'"),
            Source::Tag(t) => format!("billing tag '{t}' (ResourceId -> Tags)"),
        },
        if grouping.automatic {
            match &grouping.source {
                Source::InstanceType => "automatic: no group-like utilization column or well-known tag covering half the fleet",
                Source::Column(_) => "automatic: a group-like column of the utilization data",
                Source::Tag(_) => "automatic: the well-known tag covering most of the fleet",
            }
        } else {
            "--group-by"
        },
    ));
    let members = membership(&util.resources, &grouping)?;
    let (peaks, groups) = daily_peaks(
        &util.samples,
        &util.resources,
        &members.select(["resource_id", "group"])?,
    )?;
    if peaks.height() == 0 || groups.height() == 0 {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the utilization data has no cpu_utilization of resources with a known vCPU count",
        ));
    }
    let batch = super::forecast::batch_params(params)?;
    let fc = forecast_frame(&peaks, &batch)?;
    let Some(paths) = fc.paths.as_ref() else {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the forecast drew no sample paths",
        ));
    };
    let names = groups.column("group")?.str()?.clone();
    let cores = groups.column("cores")?.f64()?.clone();
    let per = groups.column("vcpu_per_instance")?.f64()?.clone();
    let mut rp = RunwayParams::default()
        .threshold(THRESHOLD)
        .quantile(QUANTILE);
    for i in 0..groups.height() {
        if let (Some(n), Some(c)) = (names.get(i), cores.get(i)) {
            if c > 0.0 {
                rp = rp.group_capacity(n, c);
            }
        }
    }
    // Groups without a fleet today have no capacity to run out of (listed in the text).
    let known: Vec<String> = (0..groups.height())
        .filter_map(|i| names.get(i).map(str::to_string))
        .collect();
    let known_series = Series::new("k".into(), known.clone());
    let paths = paths
        .clone()
        .lazy()
        .filter(
            col("unique_id")
                .cast(DataType::String)
                .is_in(lit(known_series).implode(false), false),
        )
        .collect()?;
    let rw = runway(&paths, Some(&fc.history), &rp)?;

    // Required instances per month, per group (instances of the group's mean size today).
    let mut required = Vec::new();
    for i in 0..groups.height() {
        let (Some(name), Some(size)) = (names.get(i), per.get(i)) else {
            continue;
        };
        let group_paths = paths
            .clone()
            .lazy()
            .filter(
                col("unique_id")
                    .cast(DataType::String)
                    .eq(lit(name.to_string())),
            )
            .collect()?;
        if group_paths.height() == 0 || size.is_nan() || size <= 0.0 {
            continue;
        }
        required.push(
            required_capacity(
                &group_paths,
                &RequiredParams::new(size).period(Period::Month),
            )?
            .lazy()
            .with_column(col("unique_id").cast(DataType::String))
            .rename(["unique_id"], ["group"], true),
        );
    }
    let required = if required.is_empty() {
        DataFrame::empty()
    } else {
        concat(required, UnionArgs::default())?.collect()?
    };

    let forecast_peak = rw
        .curves
        .clone()
        .lazy()
        .group_by([col("unique_id").cast(DataType::String)])
        .agg([col("utilization_q")
            .max()
            .alias("forecast_peak_utilization")]);
    let days_to = |c: &str, name: &str| {
        ((col(c).cast(DataType::Int64) - lit(ctx.last_day)) / lit(DAY_US)).alias(name)
    };
    let summary = rw
        .summary
        .clone()
        .lazy()
        .with_column(col("unique_id").cast(DataType::String))
        .join(
            forecast_peak,
            [col("unique_id")],
            [col("unique_id")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            groups.clone().lazy().select([
                col("group").alias("unique_id"),
                col("instances"),
                col("vcpu_per_instance"),
            ]),
            [col("unique_id")],
            [col("unique_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            days_to("crossing_ds", "runway_days"),
            days_to("crossing_p10", "runway_days_p10"),
            days_to("crossing_p50", "runway_days_p50"),
            days_to("crossing_p90", "runway_days_p90"),
        ])
        .rename(["unique_id"], ["group"], true)
        .sort_by_exprs(
            [col("crossing_ds"), col("forecast_peak_utilization")],
            SortMultipleOptions::default()
                .with_nulls_last(true)
                .with_order_descending_multi([false, true]),
        )
        .collect()?;

    let mut section = Section::new(ID, TITLE);
    let h = params.horizon_days;
    let ids = summary.column("group")?.str()?.clone();
    let crossing = summary.column("crossing_ds")?.cast(&DataType::Int64)?;
    let crossing = crossing.i64()?.clone();
    let p10 = summary.column("crossing_p10")?.cast(&DataType::Int64)?;
    let p10 = p10.i64()?.clone();
    let p90 = summary.column("crossing_p90")?.cast(&DataType::Int64)?;
    let p90 = p90.i64()?.clone();
    let prob = summary.column("prob_cross_within_horizon")?.f64()?.clone();
    let crossing_groups = crossing.iter().flatten().count();
    let band = |i: usize| -> String {
        let d = |t: Option<i64>| t.map(date).unwrap_or_else(|| format!("after {h} days"));
        format!(
            "P10–P90 of the paths' crossing dates {} – {}; {:.0} % of paths cross within {h} days",
            d(p10.get(i)),
            d(p90.get(i)),
            100.0 * prob.get(i).unwrap_or(0.0)
        )
    };
    match (ids.get(0), crossing.get(0)) {
        (Some(first), Some(t)) => section.figures.push(Figure::new(
            "First group to run out",
            format!("{first} on {}", date(t)),
            format!(
                "P95 of its daily CPU peak reaches 80 % of its cores; {}",
                band(0)
            ),
        )),
        _ => section.figures.push(Figure::new(
            "Groups running out",
            "none",
            format!("no group's P95 daily CPU peak reaches 80 % of its cores within {h} days"),
        )),
    }
    section.figures.push(Figure::new(
        format!("Groups crossing within {h} days"),
        format!("{crossing_groups} of {}", summary.height()),
        format!("groups by {key}, cores in use at the daily peak"),
    ));
    let peaks_q = summary.column("forecast_peak_utilization")?.f64()?.clone();
    let fullest = (0..summary.height())
        .filter_map(|i| Some((i, ids.get(i)?, peaks_q.get(i)?)))
        .max_by(|a, b| a.2.total_cmp(&b.2));
    if let Some((i, name, p)) = fullest {
        section.figures.push(Figure::new(
            "Closest to full",
            name.to_string(),
            format!(
                "P95 forecast daily peak {:.0} % of its cores within {h} days; {}",
                100.0 * p,
                band(i)
            ),
        ));
    }
    section.text.push(format!(
        "Per group ({}), the cores in use at each day's busiest hour (CPU utilization × vCPUs, summed over the group's instances) are forecast {h} days ahead; the runway ends on the first day the P95 of the forecast reaches 80 % of the cores the group has today. Its uncertainty: the P10, P50 and P90 of each sample path's first crossing date (empty when fewer than that share of paths cross within the horizon) and the share of paths that cross. Required instances: N+1 at an 80 % target for the P95 monthly peak, in instances of the group's mean size today.",
        match &grouping.source {
            Source::InstanceType => "instance type".to_string(),
            Source::Column(c) => format!("utilization column '{c}'"),
            Source::Tag(t) => format!("billing tag '{t}'"),
        }
    ));
    // Every resource is in a group; say which groups have no runway, and why.
    let member_groups: std::collections::BTreeSet<String> = members
        .column("group")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let (mut idle, mut unforecast) = (Vec::new(), Vec::new());
    for g in &member_groups {
        if !known.iter().any(|k| k == g) {
            idle.push(g.clone());
        } else if !ids.iter().flatten().any(|i| i == g) {
            unforecast.push(g.clone());
        }
    }
    if !idle.is_empty() {
        section.text.push(format!(
            "Groups with no instance reporting CPU on the last day, so no current capacity to run out of: {} (their resources are in the capacity_groups table).",
            idle.join(", ")
        ));
    }
    if !unforecast.is_empty() {
        section.text.push(format!(
            "Groups whose daily peak could not be forecast (too little history): {}.",
            unforecast.join(", ")
        ));
    }
    settings.push(Setting::new(
        "Runway threshold",
        "80 % of current cores, P95 of the forecast daily peak; uncertainty from the P10/P90 of the paths' crossing dates",
        "default",
    ));
    settings.push(Setting::new(
        "Required capacity",
        "N+1 instances of the group's mean size today, 80 % target utilization at the P95 monthly peak",
        "default",
    ));

    let bars: Vec<(String, f64)> = (0..summary.height())
        .filter_map(|i| Some((ids.get(i)?.to_string(), 100.0 * peaks_q.get(i)?)))
        .collect();
    let title = format!(
        "Forecast P95 daily peak within {h} days, % of today's cores (runway ends at 80 %)"
    );
    section
        .charts
        .push(ReportChart::new("capacity_runway", title.clone(), |f| {
            BarChart::new(bars.clone())
                .title(title.clone())
                .x_label(format!(
                    "highest P95 forecast of the daily CPU peak, % of the cores in use today, by {key}"
                ))
                .value_format(ValueFormat::unit("%"))
                .order(BarOrder::Descending)
                .size(1100, (140 + 42 * bars.len() as u32).clamp(240, 1200))
                .render(f)
        })?);
    // One runway chart (history, P10–P90 band, P95, threshold) per group, closest to full first.
    let mut order: Vec<(usize, f64)> = (0..summary.height())
        .map(|i| (i, peaks_q.get(i).unwrap_or(0.0)))
        .collect();
    order.sort_by(|a, b| {
        crossing
            .get(a.0)
            .unwrap_or(i64::MAX)
            .cmp(&crossing.get(b.0).unwrap_or(i64::MAX))
            .then(b.1.total_cmp(&a.1))
    });
    for (n, (i, _)) in order.iter().take(MAX_RUNWAY_CHARTS).enumerate() {
        let Some(id) = ids.get(*i) else { continue };
        let title = format!("{id}: cores in use at the daily peak, % of today's cores");
        section.charts.push(ReportChart::new(
            format!("capacity_runway_{}", n + 1),
            title.clone(),
            |f| {
                RunwayChart::new(&rw)
                    .history(&fc.history)
                    .unique_id(id)
                    .last(60)
                    .title(title.clone())
                    .render(f)
            },
        )?);
    }
    section.tables.push(ReportTable::new(
        "capacity_runway",
        format!("Runway per group ({key}), with the P10/P50/P90 crossing dates"),
        summary,
    ));
    if required.height() > 0 {
        section.tables.push(ReportTable::new(
            "capacity_required",
            "Instances needed per group and month (N+1, 80 % target, P95 peak)",
            required,
        ));
    }
    section.tables.push(ReportTable::new(
        "capacity_groups",
        format!("Resources and their group ({key}; (untagged) when they have no value)"),
        members,
    ));
    section.tables.push(ReportTable::new(
        "capacity_forecast",
        "Daily peak cores in use, forecast per group",
        fc.forecasts,
    ));
    Ok(section)
}
