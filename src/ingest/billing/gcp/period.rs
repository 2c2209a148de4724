//! GCP billing periods: invoice months (`invoice.month`, `YYYYMM`) in Google's billing time
//! zone as UTC instants.

use polars::prelude::*;

use crate::error::Result;

/// GCP's billing time zone: invoice months start at midnight Pacific time.
pub const BILLING_TIME_ZONE: &str = "America/Los_Angeles";

/// The billing period of an invoice month `YYYYMM`: from midnight of its first day in
/// [`BILLING_TIME_ZONE`] to midnight of the next month's first day, as UTC instants. Null
/// where the month is not `YYYYMM`.
///
/// # Errors
/// Only if the time zone database lacks [`BILLING_TIME_ZONE`].
pub fn invoice_month_period(month: Expr) -> Result<(Expr, Expr)> {
    let zone = TimeZone::opt_try_new(Some(BILLING_TIME_ZONE))?;
    let options = StrptimeOptions {
        format: Some("%Y%m%d".into()),
        strict: false,
        exact: true,
        cache: true,
    };
    let number = month.str().strip_chars(lit(NULL)).cast(DataType::Int64);
    // 202312 -> 202401, 202401 -> 202402 (no `offset_by` in this polars build).
    let next_number = when((number.clone() % lit(100i64)).eq(lit(12i64)))
        .then(number.clone() + lit(89i64))
        .otherwise(number.clone() + lit(1i64));
    let first_day = |yyyymm: Expr| {
        concat_str([yyyymm.cast(DataType::String), lit("01")], "", false)
            .str()
            .to_date(options.clone())
            .cast(DataType::Datetime(TimeUnit::Microseconds, None))
    };
    let to_utc = |naive: Expr| {
        naive
            .dt()
            .replace_time_zone(zone.clone(), lit("raise"), NonExistent::Raise)
            .dt()
            .convert_time_zone(TimeZone::UTC)
    };
    let next = first_day(next_number);
    let first_day = first_day(number);
    Ok((to_utc(first_day), to_utc(next)))
}
