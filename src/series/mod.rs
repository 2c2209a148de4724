//! Aggregation of billing rows into regular time series (`unique_id, ds, y`).
//!
//! The input is the lazy FOCUS 1.2 frame the billing loaders return; the output is the long
//! format the Python forecasting ecosystem expects (statsforecast's `unique_id, ds, y`), with
//! the dimension columns alongside so the series can be filtered.
//!
//! - [`aggregate`] with [`SeriesParams`]: cost or usage per dimension combination and period,
//!   gaps filled explicitly ([`GapFill`]), optionally spreading multi-period charges.
//! - [`tag_coverage`]: how much cost lacks a given tag.
//! - [`top_movers`]: which dimension values changed cost most between two windows.
//! - [`read_series`]: a long `unique_id, ds, y` file (CSV or Parquet), checked cell by cell.
//!
//! # Dimensions
//! A dimension is one of:
//! - a column of the billing frame, by its exact name (`ServiceName`, `SubAccountId`,
//!   `x_product/instanceType`, ...). An exact column name always wins over the forms below.
//! - `Tags.<key>` or `tag:<key>`: the value of `<key>` in the `Tags` JSON object (read with
//!   polars' `json_path_match` and the path `$['<key>']`). Any key works, including keys with
//!   dots, spaces, slashes or quotes (`Tags.kubernetes.io/name`), except keys containing a
//!   backslash. Keys are case-sensitive. The output column is named `Tags.<key>`.
//! - `SkuPriceDetails.<key>`: the value of `<key>` in the `SkuPriceDetails` JSON object, by the
//!   same rules.
//! - `InstanceType`: `x_product/instanceType` (AWS CUR) where present and not empty, else
//!   `SkuPriceDetails.InstanceType`.
//! - `InstanceFamily`: the instance type up to its first `.` (`m5.large` -> `m5`), except
//!   that AWS's service prefixes `db.` and `cache.` stay with the family (`db.r5.large` ->
//!   `db.r5`). A type without a `.` (`n2-standard-4`) is its own family.
//!
//! Missing values get a visible marker instead of null, so every row belongs to a series:
//! [`UNTAGGED`] (`(untagged)`) for a `Tags.<key>` that is absent, null or empty (also when
//! `Tags` itself is null or not a JSON object), and [`MISSING`] (`(none)`) for every other
//! dimension that is null or empty. Non-text JSON values are read as their JSON text (`5`).
//!
//! A series' `unique_id` is its dimension values joined with `/` (`total` without
//! dimensions); a value that itself contains `/` makes the name ambiguous to read, but the
//! separate dimension columns never are.
//!
//! # Periods
//! Periods are aligned in UTC: hours, days, ISO weeks starting on Monday, calendar months. A
//! row belongs to the period of its `ChargePeriodStart` unless
//! [`SeriesParams::spread`] shares it over its whole charge period (see [`aggregate`]).
//!
//! # Example
//! ```
//! use capcast::series::{aggregate, Frequency, GapFill, SeriesParams};
//! use polars::prelude::*;
//!
//! let utc = DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
//! let day = 86_400_000_000i64;
//! let costs = df!(
//!     "ChargePeriodStart" => [0, 0, 3 * day],
//!     "ServiceName" => ["EC2", "S3", "EC2"],
//!     "Tags" => [Some(r#"{"team":"web"}"#), None, Some(r#"{"team":"web"}"#)],
//!     "EffectiveCost" => [2.0, 1.0, 4.0],
//! )?
//! .lazy()
//! .with_column(col("ChargePeriodStart").cast(utc));
//! let params = SeriesParams::new()
//!     .dimensions(["ServiceName", "Tags.team"])
//!     .frequency(Frequency::Day)
//!     .gap_fill(GapFill::Zero);
//! let series = aggregate(costs, &params)?;
//! // Two series ("EC2/web", "S3/(untagged)") times four days.
//! assert_eq!(series.height(), 8);
//! assert_eq!(series.column("y")?.f64()?.sum(), Some(7.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aggregate;
mod dimensions;
mod gaps;
mod input;
mod movers;
mod params;
mod read;
mod tags;

pub use aggregate::aggregate;
pub use dimensions::{MISSING, UNTAGGED};
pub use movers::top_movers;
pub use params::{CostColumn, Filter, Frequency, GapFill, Measure, QuantityColumn, SeriesParams};
pub(crate) use read::parse_instant;
pub use read::{read_series, SERIES_COLUMNS};
pub use tags::tag_coverage;
