//! Gap filling: gives every series every period of the window, as [`GapFill`] asks.
//!
//! The window runs from the first period to the last: `start`/`end` when given, else the
//! earliest and latest periods in which any series has rows. The series are those with at
//! least one row in the window; each gets one row per period (`series x periods`, built
//! lazily as a cross join of the distinct series with the range of periods), and the
//! observed sums are joined onto that grid.

use polars::prelude::*;

use super::aggregate::{DS, UNIQUE_ID, Y};
use super::input;
use super::params::{Frequency, GapFill};
use crate::error::Result;

/// Fills `observed` (`unique_id, <dims...>, ds, y`, one row per observed series and period).
///
/// `first` and `last` are the first and last period starts of the window (literals), or
/// `None` to take them from the data.
pub(crate) fn fill(
    observed: LazyFrame,
    dims: &[String],
    frequency: Frequency,
    first: Option<Expr>,
    last: Option<Expr>,
    gap_fill: GapFill,
) -> Result<LazyFrame> {
    if gap_fill == GapFill::None {
        return Ok(observed);
    }
    // With no rows at all the bounds are null; any valid instant will do, as there are no
    // series to pair with the periods.
    let lo = first
        .unwrap_or_else(|| col(DS).min())
        .fill_null(input::micros(0));
    let hi = last.unwrap_or_else(|| col(DS).max()).fill_null(lo.clone());
    let periods = observed
        .clone()
        .select([lo.alias("lo"), hi.alias("hi")])
        .select([datetime_ranges(
            Some(col("lo")),
            Some(col("hi")),
            Some(Duration::parse(frequency.every())),
            None,
            ClosedWindow::Both,
            Some(TimeUnit::Microseconds),
            Some(TimeZone::UTC),
        )?
        .alias(DS)])
        .explode(
            cols([DS]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        );

    let mut keys: Vec<Expr> = vec![col(UNIQUE_ID)];
    keys.extend(dims.iter().map(|d| col(d.as_str())));
    let series = observed
        .clone()
        .select(keys)
        .unique(None, UniqueKeepStrategy::Any);
    let grid = series.cross_join(periods, None);
    let on = [col(UNIQUE_ID), col(DS)];
    let joined = grid.join(
        observed.select([col(UNIQUE_ID), col(DS), col(Y)]),
        on.clone(),
        on,
        JoinArgs::new(JoinType::Left),
    );
    Ok(match gap_fill {
        GapFill::None | GapFill::Null => joined,
        GapFill::Zero => joined.with_column(col(Y).fill_null(lit(0.0))),
        GapFill::Forward => joined
            .sort([UNIQUE_ID, DS], SortMultipleOptions::default())
            .with_column(
                col(Y)
                    .fill_null_with_strategy(FillNullStrategy::Forward(None))
                    .over([col(UNIQUE_ID)])?,
            ),
    })
}
