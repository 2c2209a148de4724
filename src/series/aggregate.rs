//! [`aggregate`]: billing rows to long `unique_id, <dimensions...>, ds, y` series.

use polars::prelude::*;

use super::dimensions;
use super::gaps;
use super::input::{self, CHARGE_PERIOD_END, CHARGE_PERIOD_START};
use super::params::{Frequency, SeriesParams};
use crate::error::{Error, Position, Result};

/// Internal column: the row's charge period start.
const START: &str = "__capcast_start";
/// Internal column: the row's charge period end.
const END: &str = "__capcast_end";
/// Output column: the series name.
pub(crate) const UNIQUE_ID: &str = "unique_id";
/// Output column: the period start.
pub(crate) const DS: &str = "ds";
/// Output column: the value.
pub(crate) const Y: &str = "y";

/// One microsecond-counted length per fixed frequency (months have none).
fn fixed_micros(frequency: Frequency) -> Option<i64> {
    const HOUR: i64 = 3_600_000_000;
    match frequency {
        Frequency::Hour => Some(HOUR),
        Frequency::Day => Some(24 * HOUR),
        Frequency::Week => Some(7 * 24 * HOUR),
        Frequency::Month => None,
    }
}

/// The start of the period after the period starting at `period` (a `Datetime(us, UTC)`).
pub(crate) fn next_period(period: Expr, frequency: Frequency) -> Expr {
    let us = period.cast(DataType::Int64);
    match fixed_micros(frequency) {
        Some(len) => (us + lit(len)).cast(input::utc_datetime()),
        // 32 days after a month's first day is always inside the next month.
        None => (us + lit(32 * 24 * 3_600_000_000i64))
            .cast(input::utc_datetime())
            .dt()
            .truncate(lit(frequency.every())),
    }
}

/// The start of the period containing `t`.
pub(crate) fn period_of(t: Expr, frequency: Frequency) -> Expr {
    t.dt().truncate(lit(frequency.every()))
}

/// Aggregates billing rows into one series per combination of dimension values.
///
/// Returns the columns `unique_id` (String: the dimension values joined with `/`, or `total`
/// without dimensions), one String column per dimension (named as given, `tag:k` as
/// `Tags.k`), `ds` (`Datetime(us, UTC)`, the period start) and `y` (Float64, the sum of the
/// measure), sorted by `unique_id` then `ds`. [`GapFill`](super::GapFill) says what periods
/// without rows hold. Null amounts count as zero. The query stays lazy and runs once, on the
/// streaming engine.
///
/// # Periods
/// A row belongs to the period containing its `ChargePeriodStart` (truncated to the frequency,
/// in UTC). A row whose charge period spans several periods — a monthly fee in a daily series,
/// a one-time purchase — is put whole into its start period.
///
/// With [`SeriesParams::spread`], a row is instead shared among the periods its charge period
/// `[ChargePeriodStart, ChargePeriodEnd)` overlaps, in proportion to the time in each: a fee
/// for an hour-aligned charge period is spread evenly over its hours, so a 744-hour January
/// fee adds 24/744 of itself to each day. A row with no `ChargePeriodEnd`, or one not after
/// its start, stays whole in its start period. Shares in periods outside the window are left
/// out (the charge is clipped to the window).
///
/// # Window
/// `start` is rounded down to the start of its period; a period is kept when it starts before
/// `end`. Rows (or, with spread, shares) in other periods are left out.
///
/// # Errors
/// - [`Error::Parameter`] when [`SeriesParams::check`] fails, or a dimension or filter names
///   a column the frame lacks (the message lists the available columns).
/// - [`Error::Data`] when `ChargePeriodStart` (or, with spread, `ChargePeriodEnd`) is missing
///   or not a date/time, the measure column is missing or not numeric, or a row kept by the
///   filters has no `ChargePeriodStart`.
///
/// # Example
/// ```
/// use capcast::series::{aggregate, Frequency, SeriesParams};
/// use polars::prelude::*;
///
/// let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
/// let day = 86_400_000_000i64;
/// let costs = df!(
///     "ChargePeriodStart" => [0, 2 * day],
///     "ServiceName" => ["EC2", "EC2"],
///     "EffectiveCost" => [1.5, 2.0],
/// )?
/// .lazy()
/// .with_column(col("ChargePeriodStart").cast(utc));
/// let series = aggregate(costs, &SeriesParams::new().dimension("ServiceName"))?;
/// // Three days: 1.5, 0 (filled), 2.0.
/// assert_eq!(series.height(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn aggregate(costs: LazyFrame, params: &SeriesParams) -> Result<DataFrame> {
    params.check()?;
    let mut costs = costs;
    let schema = costs.collect_schema()?;
    let dims = dimensions::resolve_all(&params.dimensions, &schema, "dimensions")?;
    let mut filters = Vec::with_capacity(params.filters.len());
    for filter in &params.filters {
        filters.push(dimensions::filter_expr(
            &filter.dimension,
            &filter.values,
            &schema,
        )?);
    }
    let start = input::datetime(&schema, CHARGE_PERIOD_START)?;
    let value = input::number(&schema, params.measure.column_name())?;
    let end = if params.spread {
        Some(input::datetime(&schema, CHARGE_PERIOD_END)?)
    } else {
        None
    };

    let mut rows = costs;
    for filter in filters {
        rows = rows.filter(filter);
    }
    let mut columns: Vec<Expr> = dims
        .iter()
        .map(|d| d.expr.clone().alias(d.name.as_str()))
        .collect();
    columns.push(start.alias(START));
    columns.push(value.alias(Y));
    if let Some(end) = end {
        columns.push(end.alias(END));
    }
    let rows = rows.select(columns);
    let without_start = rows
        .clone()
        .filter(col(START).is_null())
        .select([len().alias("rows")]);
    let rows = rows.filter(col(START).is_not_null());

    let frequency = params.frequency;
    let periods = if params.spread {
        spread(rows, frequency)?
    } else {
        rows.with_column(period_of(col(START), frequency).alias(DS))
    };
    let first = params
        .start
        .map(|t| period_of(input::instant(t), frequency));
    let last = params
        .end
        .map(|t| period_of(input::micros(t.timestamp_micros() - 1), frequency));
    let mut periods = periods;
    if let Some(first) = &first {
        periods = periods.filter(col(DS).gt_eq(first.clone()));
    }
    if let Some(end) = params.end {
        periods = periods.filter(col(DS).lt(input::instant(end)));
    }

    let names: Vec<String> = dims.iter().map(|d| d.name.clone()).collect();
    let mut keys: Vec<Expr> = names.iter().map(|n| col(n.as_str())).collect();
    keys.push(col(DS));
    let observed = periods
        .group_by(keys)
        .agg([col(Y).sum()])
        .with_column(dimensions::unique_id(&names).alias(UNIQUE_ID));
    let filled = gaps::fill(observed, &names, frequency, first, last, params.gap_fill)?;
    let mut output: Vec<Expr> = vec![col(UNIQUE_ID)];
    output.extend(names.iter().map(|n| col(n.as_str())));
    output.push(col(DS));
    output.push(col(Y));
    let series = filled
        .select(output)
        .sort([UNIQUE_ID, DS], SortMultipleOptions::default());

    let mut frames = input::collect_all(vec![series, without_start])?;
    let without_start = frames.pop();
    let series = frames.pop();
    let (Some(series), Some(without_start)) = (series, without_start) else {
        return Err(Error::Polars(PolarsError::NoData(
            "the query returned fewer frames than asked".into(),
        )));
    };
    check_starts(&without_start)?;
    Ok(series)
}

/// Fails when rows without a charge period start were counted.
fn check_starts(count: &DataFrame) -> Result<()> {
    let n = count
        .column("rows")
        .ok()
        .and_then(|c| c.get(0).ok())
        .and_then(|v| v.extract::<u64>())
        .unwrap_or(0);
    if n > 0 {
        return Err(Error::data(
            Position::default()
                .column(CHARGE_PERIOD_START)
                .value("null"),
            format!(
                "{n} row(s) have no charge period start; expected a UTC date/time on every row"
            ),
        ));
    }
    Ok(())
}

/// Shares each row among the periods its charge period overlaps, in proportion to time.
///
/// Every row becomes one row per overlapped period (`ds`), with `y` multiplied by the
/// fraction of the charge period inside that period. The fractions of a row add up to one
/// exactly in integer microseconds, so no money is created or lost beyond float rounding.
fn spread(rows: LazyFrame, frequency: Frequency) -> Result<LazyFrame> {
    let s = col(START).cast(DataType::Int64);
    let e = col(END).cast(DataType::Int64);
    let duration = e.clone() - s.clone();
    let spans = col(END).is_not_null().and(duration.clone().gt(lit(0i64)));
    // The last instant inside the charge period (the start itself for a point charge).
    let last = when(spans.clone())
        .then(e.clone() - lit(1i64))
        .otherwise(s.clone())
        .cast(input::utc_datetime());
    let periods = datetime_ranges(
        Some(period_of(col(START), frequency)),
        Some(last),
        Some(Duration::parse(frequency.every())),
        None,
        ClosedWindow::Both,
        Some(TimeUnit::Microseconds),
        Some(TimeZone::UTC),
    )?;
    let p = col(DS).cast(DataType::Int64);
    let next = next_period(col(DS), frequency).cast(DataType::Int64);
    let overlap_end = when(e.clone().lt(next.clone())).then(e).otherwise(next);
    let overlap_start = when(s.clone().gt(p.clone())).then(s).otherwise(p);
    let share = when(spans)
        .then(
            (overlap_end - overlap_start).cast(DataType::Float64)
                / duration.cast(DataType::Float64),
        )
        .otherwise(lit(1.0));
    Ok(rows
        .with_column(periods.alias(DS))
        .explode(
            cols([DS]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .with_column((col(Y) * share).alias(Y)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_micros()
    }

    /// `next_period` of each period start, as microseconds.
    fn next(starts: &[&str], frequency: Frequency) -> Vec<i64> {
        let values: Vec<i64> = starts.iter().map(|s| us(s)).collect();
        let df = df!("p" => values).unwrap();
        let out = df
            .lazy()
            .select(
                [next_period(col("p").cast(input::utc_datetime()), frequency)
                    .cast(DataType::Int64)
                    .alias("n")],
            )
            .collect()
            .unwrap();
        out.column("n")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .flatten()
            .collect()
    }

    #[test]
    fn next_period_follows_the_calendar() {
        assert_eq!(
            next(
                &[
                    "2024-12-01T00:00:00Z",
                    "2024-01-01T00:00:00Z",
                    "2024-02-01T00:00:00Z",
                    "2023-02-01T00:00:00Z"
                ],
                Frequency::Month
            ),
            [
                us("2025-01-01T00:00:00Z"),
                us("2024-02-01T00:00:00Z"),
                us("2024-03-01T00:00:00Z"),
                us("2023-03-01T00:00:00Z")
            ]
        );
        assert_eq!(
            next(&["2024-12-30T00:00:00Z"], Frequency::Week),
            [us("2025-01-06T00:00:00Z")]
        );
        assert_eq!(
            next(&["2024-12-31T00:00:00Z"], Frequency::Day),
            [us("2025-01-01T00:00:00Z")]
        );
        assert_eq!(
            next(&["2024-12-31T23:00:00Z"], Frequency::Hour),
            [us("2025-01-01T00:00:00Z")]
        );
    }
}
