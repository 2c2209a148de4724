//! The parameters of [`aggregate`](super::aggregate): what to measure, by which dimensions, at
//! which frequency, over which window, and how to fill periods without rows.
//!
//! [`SeriesParams`] is a builder; [`SeriesParams::check`] validates it (and `aggregate` calls
//! it before touching any data).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::dimensions::Dimension;
use crate::error::{Error, Result};

/// The length of one period of a series. Periods are aligned in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Frequency {
    /// One hour.
    Hour,
    /// One UTC day (the default).
    #[default]
    Day,
    /// One ISO week, starting on Monday 00:00 UTC.
    Week,
    /// One calendar month, starting on the 1st at 00:00 UTC.
    Month,
}

impl Frequency {
    /// The polars duration string of one period (`1h`, `1d`, `1w`, `1mo`).
    pub fn every(self) -> &'static str {
        match self {
            Frequency::Hour => "1h",
            Frequency::Day => "1d",
            Frequency::Week => "1w",
            Frequency::Month => "1mo",
        }
    }

    /// The canonical lower-case name (`hour`, `day`, `week`, `month`).
    pub fn name(self) -> &'static str {
        match self {
            Frequency::Hour => "hour",
            Frequency::Day => "day",
            Frequency::Week => "week",
            Frequency::Month => "month",
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Frequency {
    type Err = Error;

    /// Case-insensitive: `hour`/`h`/`1h`/`hourly`, `day`/`d`/`1d`/`daily`,
    /// `week`/`w`/`1w`/`weekly`, `month`/`m`/`mo`/`1mo`/`monthly`.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the value and listing the accepted spellings.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hour" | "h" | "1h" | "hourly" => Ok(Frequency::Hour),
            "day" | "d" | "1d" | "daily" => Ok(Frequency::Day),
            "week" | "w" | "1w" | "weekly" => Ok(Frequency::Week),
            "month" | "m" | "mo" | "1mo" | "monthly" => Ok(Frequency::Month),
            _ => Err(Error::parameter(
                "frequency",
                format!(
                    "unknown frequency '{s}'; expected one of hour (h, 1h), day (d, 1d), \
                     week (w, 1w), month (m, mo, 1mo)"
                ),
            )),
        }
    }
}

/// One of the four FOCUS cost columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CostColumn {
    /// `BilledCost`: what is invoiced (cash view).
    Billed,
    /// `EffectiveCost`: amortized cost, commitment fees spread over the usage they cover (the
    /// default, as forecasts normally use it).
    #[default]
    Effective,
    /// `ListCost`: at public list prices.
    List,
    /// `ContractedCost`: at negotiated prices, before commitment discounts.
    Contracted,
}

impl CostColumn {
    /// The FOCUS column name, e.g. `BilledCost`.
    pub fn column_name(self) -> &'static str {
        match self {
            CostColumn::Billed => "BilledCost",
            CostColumn::Effective => "EffectiveCost",
            CostColumn::List => "ListCost",
            CostColumn::Contracted => "ContractedCost",
        }
    }
}

impl fmt::Display for CostColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.column_name())
    }
}

impl FromStr for CostColumn {
    type Err = Error;

    /// Case-insensitive, `_` and `-` ignored: `billed`, `BilledCost`, `billed_cost`,
    /// `effective`, `list`, `contracted` and their `...Cost` forms.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the value and listing the accepted names.
    fn from_str(s: &str) -> Result<Self> {
        match squash(s).as_str() {
            "billed" | "billedcost" => Ok(CostColumn::Billed),
            "effective" | "effectivecost" => Ok(CostColumn::Effective),
            "list" | "listcost" => Ok(CostColumn::List),
            "contracted" | "contractedcost" => Ok(CostColumn::Contracted),
            _ => Err(Error::parameter(
                "cost",
                format!(
                    "unknown cost column '{s}'; expected one of billed (BilledCost), \
                     effective (EffectiveCost), list (ListCost), contracted (ContractedCost)"
                ),
            )),
        }
    }
}

/// One of the two FOCUS quantity columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QuantityColumn {
    /// `PricingQuantity`, in `PricingUnit`.
    Pricing,
    /// `ConsumedQuantity`, in `ConsumedUnit` (the default).
    #[default]
    Consumed,
}

impl QuantityColumn {
    /// The FOCUS column name, e.g. `ConsumedQuantity`.
    pub fn column_name(self) -> &'static str {
        match self {
            QuantityColumn::Pricing => "PricingQuantity",
            QuantityColumn::Consumed => "ConsumedQuantity",
        }
    }
}

impl fmt::Display for QuantityColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.column_name())
    }
}

impl FromStr for QuantityColumn {
    type Err = Error;

    /// Case-insensitive, `_` and `-` ignored: `pricing`, `PricingQuantity`, `consumed`,
    /// `ConsumedQuantity`.
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the value and listing the accepted names.
    fn from_str(s: &str) -> Result<Self> {
        match squash(s).as_str() {
            "pricing" | "pricingquantity" => Ok(QuantityColumn::Pricing),
            "consumed" | "consumedquantity" => Ok(QuantityColumn::Consumed),
            _ => Err(Error::parameter(
                "quantity",
                format!(
                    "unknown quantity column '{s}'; expected pricing (PricingQuantity) or \
                     consumed (ConsumedQuantity)"
                ),
            )),
        }
    }
}

/// What a series adds up.
///
/// Quantities of different units do not add up meaningfully: with [`Measure::Usage`], put
/// `PricingUnit` or `ConsumedUnit` among the dimensions, or filter on one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Money, from one cost column.
    Cost(CostColumn),
    /// A usage quantity.
    Usage {
        /// `PricingQuantity` or `ConsumedQuantity`.
        quantity: QuantityColumn,
    },
}

impl Default for Measure {
    fn default() -> Self {
        Measure::Cost(CostColumn::Effective)
    }
}

impl Measure {
    /// The column that is summed, e.g. `EffectiveCost`.
    pub fn column_name(self) -> &'static str {
        match self {
            Measure::Cost(c) => c.column_name(),
            Measure::Usage { quantity } => quantity.column_name(),
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.column_name())
    }
}

impl FromStr for Measure {
    type Err = Error;

    /// A cost column name (as [`CostColumn`] reads it) or a quantity column name (as
    /// [`QuantityColumn`] reads it).
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the value and listing the accepted names.
    fn from_str(s: &str) -> Result<Self> {
        if let Ok(cost) = s.parse::<CostColumn>() {
            return Ok(Measure::Cost(cost));
        }
        if let Ok(quantity) = s.parse::<QuantityColumn>() {
            return Ok(Measure::Usage { quantity });
        }
        Err(Error::parameter(
            "measure",
            format!(
                "unknown measure '{s}'; expected a cost column (billed, effective, list, \
                 contracted) or a quantity column (pricing, consumed)"
            ),
        ))
    }
}

/// What a series holds for a period in which it has no rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GapFill {
    /// Only the periods in which the series has rows.
    None,
    /// Every period from the first to the last (of all series, or `start`/`end` when given)
    /// for every series, with `0` where the series has no rows (the default). Totals are
    /// unchanged.
    #[default]
    Zero,
    /// As `Zero`, with null instead of `0`.
    Null,
    /// As `Null`, then each null takes the series' previous value; periods before a series'
    /// first row stay null. This repeats amounts, so totals grow: use it for levels
    /// (quantities in use), not for costs that are meant to be added up.
    Forward,
}

impl FromStr for GapFill {
    type Err = Error;

    /// Case-insensitive: `none`, `zero`, `null`, `forward` (also `ffill`).
    ///
    /// # Errors
    /// [`Error::Parameter`] naming the value and listing the accepted names.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(GapFill::None),
            "zero" | "0" => Ok(GapFill::Zero),
            "null" => Ok(GapFill::Null),
            "forward" | "ffill" => Ok(GapFill::Forward),
            _ => Err(Error::parameter(
                "gap_fill",
                format!("unknown gap fill '{s}'; expected one of none, zero, null, forward"),
            )),
        }
    }
}

/// Keeps rows whose `dimension` takes one of `values`.
///
/// The dimension is written as in [`SeriesParams::dimensions`] and compared after null and
/// empty values are replaced (so `Tags.team` in `["(untagged)"]` keeps untagged rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// A dimension, e.g. `ChargeCategory` or `Tags.team`.
    pub dimension: String,
    /// The values to keep (compared exactly, case-sensitive).
    pub values: Vec<String>,
}

/// The parameters of [`aggregate`](super::aggregate), set by builder methods and checked by
/// [`SeriesParams::check`].
///
/// | parameter | default | allowed |
/// |---|---|---|
/// | `dimensions` | none (one series, `total`) | column names, `Tags.<key>` / `tag:<key>`, `SkuPriceDetails.<key>`, `InstanceType`, `InstanceFamily`; no duplicates; not `unique_id`, `ds` or `y` |
/// | `frequency` | [`Frequency::Day`] | hour, day, week (ISO, Monday start), month |
/// | `measure` | [`Measure::Cost`]`(`[`CostColumn::Effective`]`)` | a cost column or a quantity column |
/// | `gap_fill` | [`GapFill::Zero`] | none, zero, null, forward |
/// | `start` | the first period with rows | any instant; rounded down to the start of its period |
/// | `end` | the last period with rows | any instant after `start`; exclusive: a period is kept when it starts before `end` |
/// | `filter` (repeatable) | none | a dimension and a non-empty list of values; every filter must hold |
/// | `spread` | `false` | share each row over its charge period instead of putting it whole in its start period |
///
/// # Example
/// ```
/// use capcast::series::{CostColumn, Frequency, GapFill, Measure, SeriesParams};
///
/// let params = SeriesParams::new()
///     .dimensions(["ServiceName", "Tags.team"])
///     .frequency(Frequency::Week)
///     .measure(Measure::Cost(CostColumn::Billed))
///     .gap_fill(GapFill::Zero)
///     .filter("ChargeCategory", ["Usage", "Purchase"]);
/// params.check()?;
/// # Ok::<(), capcast::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesParams {
    pub(crate) dimensions: Vec<String>,
    pub(crate) frequency: Frequency,
    pub(crate) measure: Measure,
    pub(crate) gap_fill: GapFill,
    pub(crate) start: Option<DateTime<Utc>>,
    pub(crate) end: Option<DateTime<Utc>>,
    pub(crate) filters: Vec<Filter>,
    pub(crate) spread: bool,
}

impl SeriesParams {
    /// The defaults: one `total` series of daily `EffectiveCost`, gaps filled with zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the dimensions: each distinct combination of their values is one series. See
    /// [the dimension rules](super#dimensions).
    pub fn dimensions<I, S>(mut self, dimensions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.dimensions = dimensions.into_iter().map(Into::into).collect();
        self
    }

    /// Adds one dimension.
    pub fn dimension(mut self, dimension: impl Into<String>) -> Self {
        self.dimensions.push(dimension.into());
        self
    }

    /// Sets the period length.
    pub fn frequency(mut self, frequency: Frequency) -> Self {
        self.frequency = frequency;
        self
    }

    /// Sets what is summed.
    pub fn measure(mut self, measure: Measure) -> Self {
        self.measure = measure;
        self
    }

    /// Sets how periods without rows are filled.
    pub fn gap_fill(mut self, gap_fill: GapFill) -> Self {
        self.gap_fill = gap_fill;
        self
    }

    /// Sets the first period: the one containing `start`. Rows of earlier periods are left out.
    pub fn start(mut self, start: DateTime<Utc>) -> Self {
        self.start = Some(start);
        self
    }

    /// Sets the exclusive end: periods starting at or after `end` are left out.
    pub fn end(mut self, end: DateTime<Utc>) -> Self {
        self.end = Some(end);
        self
    }

    /// Adds a filter: keep only rows whose `dimension` is one of `values`.
    pub fn filter<I, S>(mut self, dimension: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.filters.push(Filter {
            dimension: dimension.into(),
            values: values.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Spreads each row's amount evenly over the time of its charge period
    /// (`ChargePeriodStart` to `ChargePeriodEnd`) instead of putting it all in its start
    /// period. A monthly fee in a daily series then adds 1/31 of the fee to each day of a
    /// 31-day month.
    pub fn spread(mut self, spread: bool) -> Self {
        self.spread = spread;
        self
    }

    /// The dimensions as given.
    pub fn dimension_names(&self) -> &[String] {
        &self.dimensions
    }

    /// Checks every parameter that can be checked without the data.
    ///
    /// # Errors
    /// [`Error::Parameter`] for an empty or malformed dimension (`Tags.` without a key), a
    /// dimension given twice or named `unique_id`, `ds` or `y`, a filter without values, or
    /// `start` not before `end`.
    pub fn check(&self) -> Result<()> {
        let mut seen: Vec<String> = Vec::new();
        for name in &self.dimensions {
            let dimension = Dimension::parse(name, "dimensions")?;
            let canonical = dimension.name();
            if ["unique_id", "ds", "y"].contains(&canonical.as_str()) {
                return Err(Error::parameter(
                    "dimensions",
                    format!("'{name}' is a name of the output columns (unique_id, ds, y)"),
                ));
            }
            if seen.contains(&canonical) {
                return Err(Error::parameter(
                    "dimensions",
                    format!("'{name}' is given twice"),
                ));
            }
            seen.push(canonical);
        }
        for filter in &self.filters {
            Dimension::parse(&filter.dimension, "filter")?;
            if filter.values.is_empty() {
                return Err(Error::parameter(
                    "filter",
                    format!(
                        "the filter on '{}' has no values; expected at least one",
                        filter.dimension
                    ),
                ));
            }
        }
        if let (Some(start), Some(end)) = (self.start, self.end) {
            if start >= end {
                return Err(Error::parameter(
                    "end",
                    format!("end {end} is not after start {start}"),
                ));
            }
        }
        Ok(())
    }
}

/// Lower-case with `_`, `-` and spaces removed, for forgiving name matching.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn frequency_parses_every_spelling() {
        for (s, f) in [
            ("hour", Frequency::Hour),
            ("H", Frequency::Hour),
            ("1h", Frequency::Hour),
            ("day", Frequency::Day),
            ("d", Frequency::Day),
            ("week", Frequency::Week),
            ("w", Frequency::Week),
            ("month", Frequency::Month),
            ("m", Frequency::Month),
            ("mo", Frequency::Month),
            ("1mo", Frequency::Month),
        ] {
            assert_eq!(s.parse::<Frequency>().unwrap(), f, "{s}");
        }
        let err = "fortnight".parse::<Frequency>().unwrap_err().to_string();
        assert!(
            err.contains("'fortnight'") && err.contains("frequency"),
            "{err}"
        );
    }

    #[test]
    fn cost_and_quantity_columns_parse_and_name() {
        assert_eq!("billed".parse::<CostColumn>().unwrap(), CostColumn::Billed);
        assert_eq!(
            "BilledCost".parse::<CostColumn>().unwrap(),
            CostColumn::Billed
        );
        assert_eq!(
            "effective_cost".parse::<CostColumn>().unwrap(),
            CostColumn::Effective
        );
        assert_eq!("List".parse::<CostColumn>().unwrap(), CostColumn::List);
        assert_eq!(
            "ContractedCost".parse::<CostColumn>().unwrap(),
            CostColumn::Contracted
        );
        assert_eq!(CostColumn::Contracted.column_name(), "ContractedCost");
        assert!("amortized"
            .parse::<CostColumn>()
            .unwrap_err()
            .to_string()
            .contains("'amortized'"));
        assert_eq!(
            "ConsumedQuantity".parse::<Measure>().unwrap(),
            Measure::Usage {
                quantity: QuantityColumn::Consumed
            }
        );
        assert_eq!(
            "billed".parse::<Measure>().unwrap(),
            Measure::Cost(CostColumn::Billed)
        );
        assert_eq!(
            Measure::Usage {
                quantity: QuantityColumn::Pricing
            }
            .column_name(),
            "PricingQuantity"
        );
        assert_eq!("ffill".parse::<GapFill>().unwrap(), GapFill::Forward);
        assert!("spline".parse::<GapFill>().is_err());
    }

    #[test]
    fn check_rejects_bad_parameters() {
        let ok = SeriesParams::new().dimensions(["ServiceName", "Tags.team"]);
        ok.check().unwrap();

        let err = SeriesParams::new()
            .dimensions(["Tags.team", "tag:team"])
            .check()
            .unwrap_err();
        assert!(
            err.to_string().contains("'tag:team' is given twice"),
            "{err}"
        );

        let err = SeriesParams::new().dimension("Tags.").check().unwrap_err();
        assert!(err.to_string().contains("'Tags.'"), "{err}");

        let err = SeriesParams::new().dimension("").check().unwrap_err();
        assert!(err.to_string().contains("dimensions"), "{err}");

        let err = SeriesParams::new().dimension("ds").check().unwrap_err();
        assert!(err.to_string().contains("output columns"), "{err}");

        let err = SeriesParams::new()
            .filter("ChargeCategory", Vec::<String>::new())
            .check()
            .unwrap_err();
        assert!(
            err.to_string().contains("'ChargeCategory' has no values"),
            "{err}"
        );

        let t = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let err = SeriesParams::new().start(t).end(t).check().unwrap_err();
        assert!(err.to_string().contains("is not after start"), "{err}");
    }
}
