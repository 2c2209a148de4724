//! The capacity section: per group of instances (by instance type), the daily peak of CPU
//! cores in use is forecast, and [`crate::plan::runway`] gives the date its P95 reaches 80 %
//! of the group's cores today; [`crate::plan::required_capacity`] gives the instances needed
//! per month (N+1, 80 % target at the P95 peak).

use polars::prelude::*;

use crate::chart::{BarChart, BarOrder, ValueFormat};
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

/// Per instance type: daily peak of cores in use (`unique_id, ds, y`), and the group's cores
/// and cores per instance today.
fn daily_peaks(samples: &DataFrame, resources: &DataFrame) -> Result<(DataFrame, DataFrame)> {
    let cpu = samples
        .clone()
        .lazy()
        .filter(col("metric").eq(lit("cpu_utilization")))
        .join(
            resources.clone().lazy().select([
                col("resource_id"),
                col("vcpu"),
                col("instance_type"),
            ]),
            [col("resource_id")],
            [col("resource_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(
            col("vcpu")
                .is_not_null()
                .and(col("instance_type").is_not_null()),
        )
        .with_column((col("value") / lit(100.0) * col("vcpu")).alias("cores"));
    let hourly = cpu
        .clone()
        .group_by([col("instance_type"), col("ts").dt().truncate(lit("1h"))])
        .agg([col("cores").sum()]);
    let peaks = hourly
        .group_by([
            col("instance_type").alias("unique_id"),
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
        .group_by([col("instance_type")])
        .agg([
            col("resource_id").n_unique().alias("instances"),
            col("vcpu").first().alias("vcpu_per_instance"),
        ])
        .with_column(
            (col("instances").cast(DataType::Float64) * col("vcpu_per_instance")).alias("cores"),
        )
        .sort(["instance_type"], SortMultipleOptions::default())
        .collect()?;
    Ok((peaks, groups))
}

/// The section, and the settings it used.
pub(crate) fn section(
    ctx: &Context,
    params: &PlanParams,
    settings: &mut Vec<Setting>,
) -> Result<Section> {
    let util = match &ctx.utilization {
        Ok(u) => u,
        Err(why) => {
            return Ok(Section::unavailable(
                ID,
                TITLE,
                format!("needs utilization data: {why}"),
            ))
        }
    };
    let (peaks, groups) = daily_peaks(&util.samples, &util.resources)?;
    if peaks.height() == 0 || groups.height() == 0 {
        return Ok(Section::unavailable(
            ID,
            TITLE,
            "the utilization data has no cpu_utilization of resources with a known vCPU count and instance type",
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
    let names = groups.column("instance_type")?.str()?.clone();
    let cores = groups.column("cores")?.f64()?.clone();
    let per = groups
        .column("vcpu_per_instance")?
        .cast(&DataType::Float64)?;
    let per = per.f64()?.clone();
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
    // Groups without a fleet today have no capacity to run out of.
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

    // Required instances per month, per group (each group's own instance size).
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
        if group_paths.height() == 0 {
            continue;
        }
        required.push(
            required_capacity(
                &group_paths,
                &RequiredParams::new(size).period(Period::Month),
            )?
            .lazy(),
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
                col("instance_type").alias("unique_id"),
                col("instances"),
                col("vcpu_per_instance"),
            ]),
            [col("unique_id")],
            [col("unique_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            ((col("crossing_ds").cast(DataType::Int64) - lit(ctx.last_day)) / lit(DAY_US))
                .alias("runway_days"),
        )
        .rename(["unique_id"], ["instance_type"], true)
        .sort(
            ["crossing_ds"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;

    let mut section = Section::new(ID, TITLE);
    let h = params.horizon_days;
    let ids = summary.column("instance_type")?.str()?.clone();
    let days = summary.column("runway_days")?.cast(&DataType::Float64)?;
    let days = days.f64()?.clone();
    let crossing = summary.column("crossing_ds")?.cast(&DataType::Int64)?;
    let crossing = crossing.i64()?.clone();
    let crossing_groups = days.iter().flatten().count();
    match (ids.get(0), crossing.get(0)) {
        (Some(first), Some(t)) => section.figures.push(Figure::new(
            "First group to run out",
            first.to_string(),
            format!(
                "P95 of its daily CPU peak reaches 80 % of its cores on {}",
                date(t)
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
        "instance types, cores in use at the daily peak",
    ));
    let peaks = summary.column("forecast_peak_utilization")?.f64()?.clone();
    let fullest = (0..summary.height())
        .filter_map(|i| Some((ids.get(i)?, peaks.get(i)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((name, p)) = fullest {
        section.figures.push(Figure::new(
            "Closest to full",
            name.to_string(),
            format!(
                "P95 forecast daily peak {:.0} % of its cores within {h} days",
                100.0 * p
            ),
        ));
    }
    section.text.push(format!(
        "Per instance type, the cores in use at each day's busiest hour (CPU utilization × vCPUs, summed over the instances) are forecast {h} days ahead; the runway ends on the first day the P95 of the forecast reaches 80 % of the cores the type has today. P10–P90 dates come from each sample path's first crossing. Required instances: N+1 at an 80 % target for the P95 monthly peak."
    ));
    settings.push(Setting::new(
        "Runway threshold",
        "80 % of current cores, P95 of the forecast daily peak",
        "default",
    ));
    settings.push(Setting::new(
        "Required capacity",
        "N+1 instances, 80 % target utilization at the P95 monthly peak",
        "default",
    ));

    let peak = summary.column("forecast_peak_utilization")?.f64()?.clone();
    let bars: Vec<(String, f64)> = (0..summary.height())
        .filter_map(|i| Some((ids.get(i)?.to_string(), 100.0 * peak.get(i)?)))
        .collect();
    let title = format!(
        "Forecast P95 daily peak within {h} days, % of today's cores (runway ends at 80 %)"
    );
    section
        .charts
        .push(ReportChart::new("capacity_runway", title.clone(), |f| {
            BarChart::new(bars.clone())
                .title(title.clone())
                .x_label("highest P95 forecast of the daily CPU peak, % of the cores in use today")
                .value_format(ValueFormat::unit("%"))
                .order(BarOrder::Descending)
                .size(1100, (140 + 42 * bars.len() as u32).clamp(240, 1200))
                .render(f)
        })?);
    section.tables.push(ReportTable::new(
        "capacity_runway",
        "Runway per instance type",
        summary,
    ));
    if required.height() > 0 {
        section.tables.push(ReportTable::new(
            "capacity_required",
            "Instances needed per month (N+1, 80 % target, P95 peak)",
            required,
        ));
    }
    section.tables.push(ReportTable::new(
        "capacity_forecast",
        "Daily peak cores in use, forecast per instance type",
        fc.forecasts,
    ));
    Ok(section)
}
