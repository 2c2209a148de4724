//! The billing model of the sample: row templates ("meters"), commitments and the generated
//! lines, and their output as FOCUS 1.2 columns, to a polars frame or a CSV stream.
//!
//! One table ([`COLUMNS`]) says how each FOCUS column is read from a line, so the frame and the
//! CSV can never disagree.

use std::io::Write;

use polars::prelude::*;

use super::calendar::Window;
use super::catalog::{
    Region, Service, BILLING_ACCOUNT_ID, BILLING_ACCOUNT_NAME, ISSUER, PROVIDER, SUB_ACCOUNTS,
};
use super::fixed::Fixed;
use super::fleet::Fleet;
use super::{commitments, services, SampleOptions};

/// What is constant across the rows of one series: account, service, SKU, resource, text.
pub(crate) struct Meter {
    pub account: usize,
    pub service: &'static Service,
    pub region: Option<&'static Region>,
    pub zone: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub resource_type: Option<&'static str>,
    pub sku_id: String,
    pub sku_price_id: String,
    pub sku_meter: String,
    pub description: String,
    pub pricing_unit: &'static str,
    pub consumed_unit: Option<&'static str>,
    pub list_unit_price: Option<Fixed>,
    pub contracted_unit_price: Option<Fixed>,
    pub sku_price_details: Option<String>,
    pub tags: Option<String>,
}

/// A commitment discount (Reserved Instance or Savings Plan).
pub(crate) struct Commitment {
    pub id: String,
    pub name: String,
    /// `Usage` or `Spend`.
    pub category: &'static str,
    /// `Reserved Instance` or `Savings Plan`.
    pub kind: &'static str,
    /// `Hours` or `USD`.
    pub unit: &'static str,
}

/// The kind of a line, which fixes ChargeCategory, ChargeFrequency, PricingCategory and
/// CommitmentDiscountStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// On-demand usage.
    Usage,
    /// Usage covered by a commitment.
    Used,
    /// The unused part of a commitment for one hour.
    Unused,
    /// An upfront commitment fee.
    OneTimePurchase,
    /// A recurring commitment fee.
    RecurringPurchase,
}

impl Kind {
    fn charge_category(self) -> &'static str {
        match self {
            Kind::Usage | Kind::Used | Kind::Unused => "Usage",
            Kind::OneTimePurchase | Kind::RecurringPurchase => "Purchase",
        }
    }
    fn charge_frequency(self) -> &'static str {
        match self {
            Kind::Usage | Kind::Used | Kind::Unused => "Usage-Based",
            Kind::OneTimePurchase => "One-Time",
            Kind::RecurringPurchase => "Recurring",
        }
    }
    fn pricing_category(self) -> &'static str {
        match self {
            Kind::Used | Kind::Unused => "Committed",
            _ => "Standard",
        }
    }
    fn status(self) -> Option<&'static str> {
        match self {
            Kind::Used => Some("Used"),
            Kind::Unused => Some("Unused"),
            _ => None,
        }
    }
}

/// One billing row.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub meter: u32,
    pub kind: Kind,
    /// Unix seconds.
    pub charge_start: i64,
    /// Unix seconds.
    pub charge_end: i64,
    /// Index into the window's months: the billing period.
    pub month: u16,
    pub pricing_quantity: Fixed,
    pub consumed_quantity: Option<Fixed>,
    pub billed: Fixed,
    pub effective: Fixed,
    pub list: Fixed,
    pub contracted: Fixed,
    pub commitment: Option<u16>,
    pub commitment_quantity: Option<Fixed>,
}

/// The whole sample's billing: the window, the fleet behind the compute rows, the meters,
/// the commitments and the lines (sorted by ChargePeriodStart, then meter).
pub(crate) struct Model {
    pub window: Window,
    pub fleet: Fleet,
    /// `(id, name)` of each sub-account.
    pub sub_accounts: Vec<(String, String)>,
    pub meters: Vec<Meter>,
    pub commitments: Vec<Commitment>,
    pub lines: Vec<Line>,
}

impl Model {
    /// Builds the sample for checked `options`. `replica` > 0 makes a copy of the organisation
    /// with its own sub-account ids (used to make the large benchmark file).
    pub fn build(options: &SampleOptions, replica: u32) -> Model {
        let window = Window::new(options);
        let fleet = Fleet::simulate(options.seed, &window);
        let sub_accounts = SUB_ACCOUNTS
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if replica == 0 {
                    (format!("{:012}", a.id), a.name.to_string())
                } else {
                    let id = a.id + 10 * replica as u64 + i as u64 + 1;
                    (
                        format!("{:012}", id % 1_000_000_000_000),
                        format!("{}-r{replica}", a.name),
                    )
                }
            })
            .collect();
        let mut model = Model {
            window,
            fleet,
            sub_accounts,
            meters: Vec::new(),
            commitments: Vec::new(),
            lines: Vec::new(),
        };
        commitments::add_compute(&mut model, options);
        services::add_services(&mut model, options.seed);
        model.lines.sort_by_key(|l| (l.charge_start, l.meter));
        model
    }

    /// Adds a meter and returns its index.
    pub fn add_meter(&mut self, meter: Meter) -> u32 {
        self.meters.push(meter);
        (self.meters.len() - 1) as u32
    }

    /// Adds a commitment and returns its index.
    pub fn add_commitment(&mut self, commitment: Commitment) -> u16 {
        self.commitments.push(commitment);
        (self.commitments.len() - 1) as u16
    }

    /// The id of sub-account `index`.
    pub fn account_id(&self, index: usize) -> &str {
        &self.sub_accounts[index].0
    }

    /// The value of column `col` on `line`.
    fn cell<'a>(&'a self, line: &'a Line, col: Col) -> Cell<'a> {
        let meter = &self.meters[line.meter as usize];
        let month = &self.window.months[line.month as usize];
        let commitment = line.commitment.map(|c| &self.commitments[c as usize]);
        let text = |s: &'a str| Cell::Text(Some(s));
        let opt = |s: Option<&'a str>| Cell::Text(s);
        match col {
            Col::BillingAccountId => text(BILLING_ACCOUNT_ID),
            Col::BillingAccountName => text(BILLING_ACCOUNT_NAME),
            Col::BillingAccountType => text("Management Account"),
            Col::SubAccountId => text(&self.sub_accounts[meter.account].0),
            Col::SubAccountName => text(&self.sub_accounts[meter.account].1),
            Col::SubAccountType => text("Member Account"),
            Col::BillingCurrency | Col::PricingCurrency => text("USD"),
            Col::BillingPeriodStart => Cell::Time(month.start),
            Col::BillingPeriodEnd => Cell::Time(month.end),
            Col::ChargePeriodStart => Cell::Time(line.charge_start),
            Col::ChargePeriodEnd => Cell::Time(line.charge_end),
            Col::ChargeCategory => text(line.kind.charge_category()),
            Col::ChargeClass => Cell::Text(None),
            Col::ChargeDescription => text(&meter.description),
            Col::ChargeFrequency => text(line.kind.charge_frequency()),
            Col::BilledCost => Cell::Number(Some(line.billed)),
            Col::EffectiveCost | Col::PricingCurrencyEffectiveCost => {
                Cell::Number(Some(line.effective))
            }
            Col::ListCost => Cell::Number(Some(line.list)),
            Col::ContractedCost => Cell::Number(Some(line.contracted)),
            Col::ListUnitPrice | Col::PricingCurrencyListUnitPrice => {
                Cell::Number(meter.list_unit_price)
            }
            Col::ContractedUnitPrice | Col::PricingCurrencyContractedUnitPrice => {
                Cell::Number(meter.contracted_unit_price)
            }
            Col::PricingCategory => text(line.kind.pricing_category()),
            Col::PricingQuantity => Cell::Number(Some(line.pricing_quantity)),
            Col::PricingUnit => text(meter.pricing_unit),
            Col::ConsumedQuantity => Cell::Number(line.consumed_quantity),
            Col::ConsumedUnit => opt(line.consumed_quantity.and(meter.consumed_unit)),
            Col::CommitmentDiscountCategory => opt(commitment.map(|c| c.category)),
            Col::CommitmentDiscountId => opt(commitment.map(|c| c.id.as_str())),
            Col::CommitmentDiscountName => opt(commitment.map(|c| c.name.as_str())),
            Col::CommitmentDiscountQuantity => Cell::Number(line.commitment_quantity),
            Col::CommitmentDiscountStatus => opt(line.kind.status()),
            Col::CommitmentDiscountType => opt(commitment.map(|c| c.kind)),
            Col::CommitmentDiscountUnit => opt(commitment.map(|c| c.unit)),
            Col::CapacityReservationId | Col::CapacityReservationStatus => Cell::Text(None),
            Col::InvoiceId => text(&month.invoice),
            Col::InvoiceIssuerName | Col::PublisherName => text(ISSUER),
            Col::ProviderName => text(PROVIDER),
            Col::ServiceCategory => text(meter.service.category),
            Col::ServiceSubcategory => text(meter.service.subcategory),
            Col::ServiceName => text(meter.service.name),
            Col::RegionId => opt(meter.region.map(|r| r.id)),
            Col::RegionName => opt(meter.region.map(|r| r.name)),
            Col::AvailabilityZone => opt(meter.zone.as_deref()),
            Col::ResourceId => opt(meter.resource_id.as_deref()),
            Col::ResourceName => opt(meter.resource_name.as_deref()),
            Col::ResourceType => opt(meter.resource_type),
            Col::SkuId => text(&meter.sku_id),
            Col::SkuMeter => text(&meter.sku_meter),
            Col::SkuPriceId => text(&meter.sku_price_id),
            Col::SkuPriceDetails => opt(meter.sku_price_details.as_deref()),
            Col::Tags => opt(meter.tags.as_deref()),
        }
    }

    /// Sum of BilledCost and of EffectiveCost over `lines`.
    pub fn totals(lines: &[Line]) -> (f64, f64) {
        let billed: i64 = lines.iter().map(|l| l.billed.0).sum();
        let effective: i64 = lines.iter().map(|l| l.effective.0).sum();
        (Fixed(billed).to_f64(), Fixed(effective).to_f64())
    }

    /// The lines as a FOCUS 1.2 frame (see [`super::billing_frame`] for the types).
    pub fn frame(&self) -> PolarsResult<DataFrame> {
        let lines = &self.lines;
        let columns = COLUMNS
            .iter()
            .map(|&(col, name, ty)| -> Column {
                let cells = lines.iter().map(|line| self.cell(line, col));
                match ty {
                    Type::Text => Column::new(
                        name.into(),
                        cells
                            .map(|c| match c {
                                Cell::Text(t) => t,
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    ),
                    Type::Number => Column::new(
                        name.into(),
                        cells
                            .map(|c| match c {
                                Cell::Number(n) => n.map(Fixed::to_f64),
                                _ => None,
                            })
                            .collect::<Vec<_>>(),
                    ),
                    Type::Time => Int64Chunked::from_iter_options(
                        name.into(),
                        cells.map(|c| match c {
                            Cell::Time(secs) => Some(secs * 1_000_000),
                            _ => None,
                        }),
                    )
                    .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
                    .into_column(),
                }
            })
            .collect();
        DataFrame::new(lines.len(), columns)
    }

    /// Writes `lines` as CSV records (no header) to `writer`; returns the bytes written by
    /// each record through `on_record`, which may stop the writing by returning `false`.
    pub fn write_records<W: Write>(
        &self,
        lines: &[Line],
        writer: &mut csv::Writer<W>,
        mut on_record: impl FnMut(&Line) -> bool,
    ) -> csv::Result<()> {
        let mut buffer = String::with_capacity(32);
        for line in lines {
            for &(col, _, _) in COLUMNS {
                match self.cell(line, col) {
                    Cell::Text(Some(text)) => writer.write_field(text)?,
                    Cell::Text(None) | Cell::Number(None) => writer.write_field("")?,
                    Cell::Number(Some(n)) => {
                        buffer.clear();
                        n.write_to(&mut buffer);
                        writer.write_field(&buffer)?;
                    }
                    Cell::Time(secs) => writer.write_field(self.window.iso(secs).as_bytes())?,
                }
            }
            writer.write_record(None::<&[u8]>)?;
            if !on_record(line) {
                break;
            }
        }
        Ok(())
    }
}

/// Writes the FOCUS 1.2 header.
pub(crate) fn write_header<W: Write>(writer: &mut csv::Writer<W>) -> csv::Result<()> {
    writer.write_record(COLUMNS.iter().map(|c| c.1))
}

/// A value of one column on one line.
enum Cell<'a> {
    Text(Option<&'a str>),
    Number(Option<Fixed>),
    Time(i64),
}

/// The type of a column in the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    /// `String`.
    Text,
    /// `Float64`.
    Number,
    /// `Datetime(us, UTC)`.
    Time,
}

macro_rules! focus_columns {
    ($($name:ident: $ty:ident),* $(,)?) => {
        /// A FOCUS 1.2 column.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Col { $($name),* }

        /// Every column written, in order, with its name and frame type.
        pub(crate) const COLUMNS: &[(Col, &str, Type)] =
            &[$((Col::$name, stringify!($name), Type::$ty)),*];
    };
}

focus_columns! {
    BillingAccountId: Text,
    BillingAccountName: Text,
    BillingAccountType: Text,
    SubAccountId: Text,
    SubAccountName: Text,
    SubAccountType: Text,
    BillingCurrency: Text,
    BillingPeriodStart: Time,
    BillingPeriodEnd: Time,
    ChargePeriodStart: Time,
    ChargePeriodEnd: Time,
    ChargeCategory: Text,
    ChargeClass: Text,
    ChargeDescription: Text,
    ChargeFrequency: Text,
    BilledCost: Number,
    EffectiveCost: Number,
    ListCost: Number,
    ContractedCost: Number,
    ListUnitPrice: Number,
    ContractedUnitPrice: Number,
    PricingCategory: Text,
    PricingQuantity: Number,
    PricingUnit: Text,
    PricingCurrency: Text,
    PricingCurrencyContractedUnitPrice: Number,
    PricingCurrencyEffectiveCost: Number,
    PricingCurrencyListUnitPrice: Number,
    ConsumedQuantity: Number,
    ConsumedUnit: Text,
    CommitmentDiscountCategory: Text,
    CommitmentDiscountId: Text,
    CommitmentDiscountName: Text,
    CommitmentDiscountQuantity: Number,
    CommitmentDiscountStatus: Text,
    CommitmentDiscountType: Text,
    CommitmentDiscountUnit: Text,
    CapacityReservationId: Text,
    CapacityReservationStatus: Text,
    InvoiceId: Text,
    InvoiceIssuerName: Text,
    ProviderName: Text,
    PublisherName: Text,
    ServiceCategory: Text,
    ServiceSubcategory: Text,
    ServiceName: Text,
    RegionId: Text,
    RegionName: Text,
    AvailabilityZone: Text,
    ResourceId: Text,
    ResourceName: Text,
    ResourceType: Text,
    SkuId: Text,
    SkuMeter: Text,
    SkuPriceId: Text,
    SkuPriceDetails: Text,
    Tags: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::build(
            &SampleOptions {
                months: 1,
                ..SampleOptions::default()
            },
            0,
        )
    }

    #[test]
    fn columns_are_the_focus_1_2_set_of_the_loader() {
        let ours: Vec<&str> = COLUMNS.iter().map(|c| c.1).collect();
        let schema: Vec<&str> = crate::ingest::billing::schema::COLUMNS
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(ours, schema);
        for (name, ty) in crate::ingest::billing::schema::COLUMNS {
            let ours = COLUMNS.iter().find(|c| c.1 == *name).unwrap().2;
            let expected = match ty {
                crate::ingest::billing::schema::FocusType::Number => Type::Number,
                crate::ingest::billing::schema::FocusType::DateTime => Type::Time,
                _ => Type::Text,
            };
            assert_eq!(ours, expected, "{name}");
        }
    }

    #[test]
    fn frame_and_csv_agree() {
        let model = model();
        let frame = model.frame().unwrap();
        assert_eq!(frame.height(), model.lines.len());
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_header(&mut writer).unwrap();
        model
            .write_records(&model.lines, &mut writer, |_| true)
            .unwrap();
        let bytes = writer.into_inner().unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let headers = reader.headers().unwrap().clone();
        let billed = headers.iter().position(|h| h == "BilledCost").unwrap();
        let start = headers
            .iter()
            .position(|h| h == "ChargePeriodStart")
            .unwrap();
        let from_csv: Vec<f64> = reader
            .records()
            .map(|r| r.unwrap()[billed].parse().unwrap())
            .collect();
        let column = frame.column("BilledCost").unwrap().f64().unwrap();
        assert_eq!(from_csv.len(), column.len());
        for (a, b) in from_csv.iter().zip(column.into_no_null_iter()) {
            assert_eq!(*a, b);
        }
        let first = csv::Reader::from_reader(bytes.as_slice())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(&first[start], "2026-05-01T00:00:00Z");
    }

    #[test]
    fn lines_are_sorted_and_in_their_billing_period() {
        let model = model();
        for pair in model.lines.windows(2) {
            assert!(pair[0].charge_start <= pair[1].charge_start);
        }
        for line in &model.lines {
            let month = &model.window.months[line.month as usize];
            assert!(month.start <= line.charge_start && line.charge_start < month.end);
        }
    }
}
