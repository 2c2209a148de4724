//! AWS Cost and Usage Reports to FOCUS 1.2: the legacy CUR (`lineItem/UnblendedCost`, CSV or
//! gzip CSV, one column per product attribute and per tag) and CUR 2.0 from AWS Data Exports
//! (snake_case `line_item_unblended_cost`, Parquet or gzip CSV, map columns `resource_tags`,
//! `product`, `cost_category`, `discount`).
//!
//! One mapping serves both: it is written with legacy names, and [`column_name`] turns them
//! into CUR 2.0 names (`savingsPlan/SavingsPlanARN` -> `savings_plan_savings_plan_a_r_n`, the
//! rule AWS itself uses). What maps how:
//!
//! | FOCUS | from |
//! |---|---|
//! | BillingAccountId, BillingAccountName | `bill/PayerAccountId`, `bill/PayerAccountName` (CUR 2.0 only) |
//! | SubAccountId, SubAccountName | `lineItem/UsageAccountId`, `lineItem/UsageAccountName` (CUR 2.0 only) |
//! | BillingPeriodStart/End, ChargePeriodStart/End | `bill/BillingPeriodStartDate`/`EndDate`, `lineItem/UsageStartDate`/`EndDate` |
//! | ChargeCategory, ChargeClass, ChargeFrequency | `lineItem/LineItemType` ([`CHARGE_CATEGORY`], [`CHARGE_FREQUENCY`]; `Refund` is a `Correction`) |
//! | BilledCost | `lineItem/NetUnblendedCost` when the file has it, else `lineItem/UnblendedCost` |
//! | EffectiveCost | per line item type, see [`effective_cost`] |
//! | ListCost, ListUnitPrice | `pricing/publicOnDemandCost` (or `publicOnDemandRate` x `UsageAmount`), `pricing/publicOnDemandRate` |
//! | ContractedCost, ContractedUnitPrice | BilledCost and `lineItem/UnblendedRate`, except RI-covered usage (list) and Savings Plan negation (0) |
//! | PricingCategory | `pricing/term` (OnDemand -> Standard, Reserved -> Committed, Spot -> Dynamic); covered usage -> Committed; purchases -> Standard |
//! | PricingQuantity, PricingUnit, ConsumedQuantity, ConsumedUnit | `lineItem/UsageAmount`, `pricing/unit` (consumed: usage rows only) |
//! | CommitmentDiscountId/Type/Category/Status | `reservation/ReservationARN` (Reserved Instance, Usage) or `savingsPlan/SavingsPlanARN` (Savings Plan, Spend); Used on covered usage |
//! | ProviderName, PublisherName, InvoiceIssuerName, InvoiceId | `AWS`, `bill/BillingEntity`, `bill/InvoicingEntity`, `bill/InvoiceId` |
//! | ServiceName, ServiceCategory | `product/ProductName` (CUR 2.0: `product` map's `product_name`; else `lineItem/ProductCode`), [`SERVICE_CATEGORY`] by product code |
//! | RegionId, RegionName, AvailabilityZone | `product/regionCode` (else `product/region`), `product/location`, `lineItem/AvailabilityZone` |
//! | ResourceId, ResourceType | `lineItem/ResourceId`, `product/productFamily` where there is a resource |
//! | SkuId, SkuPriceId, SkuPriceDetails | `product/sku`, `pricing/RateCode`, JSON of InstanceType, CoreCount (vCPU), MemorySize (GiB), OperatingSystem, StorageClass |
//! | Tags | every `resourceTags/user:<key>` column (`aws:` tags keep their prefix), CUR 2.0's `resource_tags` map (`user_team` -> `team`) |
//!
//! Every other column is kept as an `x_` extension column (`x_product/instanceType`,
//! `x_identity/LineItemId`); CUR 2.0's other map columns become JSON text (`x_product`).
//! Line items are identified by `identity/LineItemId` and `identity/TimeInterval`, so parts
//! delivered twice are found.

use std::collections::HashSet;

use polars::prelude::*;

use super::format::BillingFormat;
use super::gcp::key_value_json;
use super::mapping::{Mapping, Parse};
use super::pipeline::{FILE, ROW};
use super::source::Probe;
use crate::error::{Error, Position, Result};

/// `lineItem/LineItemType` to FOCUS ChargeCategory; other types become `Adjustment`.
pub const CHARGE_CATEGORY: &[(&str, &str)] = &[
    ("Usage", "Usage"),
    ("DiscountedUsage", "Usage"),
    ("SavingsPlanCoveredUsage", "Usage"),
    ("SavingsPlanNegation", "Usage"),
    ("EdpDiscount", "Usage"),
    ("PrivateRateDiscount", "Usage"),
    ("BundledDiscount", "Usage"),
    ("DistributorDiscount", "Usage"),
    ("Discount", "Usage"),
    ("SavingsPlanUpfrontFee", "Purchase"),
    ("SavingsPlanRecurringFee", "Purchase"),
    ("RIFee", "Purchase"),
    ("Fee", "Purchase"),
    ("Tax", "Tax"),
    ("Credit", "Credit"),
    ("Refund", "Credit"),
];

/// `lineItem/LineItemType` to FOCUS ChargeFrequency (tax follows usage, as in AWS's own
/// FOCUS export); other types are null.
pub const CHARGE_FREQUENCY: &[(&str, &str)] = &[
    ("Usage", "Usage-Based"),
    ("DiscountedUsage", "Usage-Based"),
    ("SavingsPlanCoveredUsage", "Usage-Based"),
    ("SavingsPlanNegation", "Usage-Based"),
    ("EdpDiscount", "Usage-Based"),
    ("PrivateRateDiscount", "Usage-Based"),
    ("BundledDiscount", "Usage-Based"),
    ("DistributorDiscount", "Usage-Based"),
    ("Discount", "Usage-Based"),
    ("Tax", "Usage-Based"),
    ("RIFee", "Recurring"),
    ("SavingsPlanRecurringFee", "Recurring"),
    ("Fee", "One-Time"),
    ("SavingsPlanUpfrontFee", "One-Time"),
    ("Credit", "One-Time"),
    ("Refund", "One-Time"),
];

/// Negotiated-discount line item types: usage-category rows with negative cost.
const DISCOUNTS: &[&str] = &[
    "EdpDiscount",
    "PrivateRateDiscount",
    "BundledDiscount",
    "DistributorDiscount",
    "Discount",
];

/// Line item types whose rows are consumption (ConsumedQuantity is set).
const CONSUMPTION: &[&str] = &["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"];

/// `lineItem/ProductCode` to FOCUS ServiceCategory for common AWS services; unknown codes
/// become `Other`. Based on the product families AWS lists on its pricing pages.
pub const SERVICE_CATEGORY: &[(&str, &str)] = &[
    // Compute
    ("AmazonEC2", "Compute"),
    ("AWSLambda", "Compute"),
    ("AmazonECS", "Compute"),
    ("AmazonEKS", "Compute"),
    ("AmazonECR", "Compute"),
    ("AmazonECRPublic", "Compute"),
    ("AmazonLightsail", "Compute"),
    ("AWSAppRunner", "Compute"),
    ("AWSOutposts", "Compute"),
    ("AmazonAppStream", "Compute"),
    ("AWSBatch", "Compute"),
    ("AmazonWorkSpaces", "Compute"),
    // Storage
    ("AmazonS3", "Storage"),
    ("AmazonS3GlacierDeepArchive", "Storage"),
    ("AmazonGlacier", "Storage"),
    ("AmazonEFS", "Storage"),
    ("AmazonFSx", "Storage"),
    ("AmazonEBS", "Storage"),
    ("AWSBackup", "Storage"),
    ("AWSStorageGateway", "Storage"),
    ("AWSElasticDisasterRecovery", "Storage"),
    // Databases
    ("AmazonRDS", "Databases"),
    ("AmazonDynamoDB", "Databases"),
    ("AmazonElastiCache", "Databases"),
    ("AmazonRedshift", "Databases"),
    ("AmazonDocDB", "Databases"),
    ("AmazonNeptune", "Databases"),
    ("AmazonMemoryDB", "Databases"),
    ("AmazonTimestream", "Databases"),
    ("AmazonMCS", "Databases"),
    // Networking
    ("AmazonVPC", "Networking"),
    ("AWSELB", "Networking"),
    ("AmazonCloudFront", "Networking"),
    ("AmazonRoute53", "Networking"),
    ("AWSDataTransfer", "Networking"),
    ("AWSDirectConnect", "Networking"),
    ("AWSGlobalAccelerator", "Networking"),
    ("AmazonApiGateway", "Networking"),
    ("AWSTransitGateway", "Networking"),
    ("AWSNetworkFirewall", "Networking"),
    ("AWSCloudMap", "Networking"),
    // Analytics
    ("AWSGlue", "Analytics"),
    ("AmazonAthena", "Analytics"),
    ("AmazonES", "Analytics"),
    ("AmazonKinesis", "Analytics"),
    ("AmazonKinesisFirehose", "Analytics"),
    ("AmazonKinesisAnalytics", "Analytics"),
    ("AmazonMSK", "Analytics"),
    ("AmazonQuickSight", "Analytics"),
    ("ElasticMapReduce", "Analytics"),
    ("AWSLakeFormation", "Analytics"),
    // Integration
    ("AWSQueueService", "Integration"),
    ("AmazonSNS", "Integration"),
    ("AmazonStates", "Integration"),
    ("AmazonMQ", "Integration"),
    ("AmazonMWAA", "Integration"),
    ("AWSEvents", "Integration"),
    ("AppFlow", "Integration"),
    // Management and Governance
    ("AmazonCloudWatch", "Management and Governance"),
    ("AWSCloudTrail", "Management and Governance"),
    ("AWSConfig", "Management and Governance"),
    ("AWSCloudFormation", "Management and Governance"),
    ("AWSSystemsManager", "Management and Governance"),
    ("AWSCostExplorer", "Management and Governance"),
    ("AWSBudgets", "Management and Governance"),
    ("AWSServiceCatalog", "Management and Governance"),
    ("AmazonGrafana", "Management and Governance"),
    ("AmazonPrometheus", "Management and Governance"),
    ("AWSCloudShell", "Management and Governance"),
    // Security and identity
    ("awskms", "Security"),
    ("AWSSecretsManager", "Security"),
    ("awswaf", "Security"),
    ("AWSShield", "Security"),
    ("AmazonGuardDuty", "Security"),
    ("AWSSecurityHub", "Security"),
    ("AmazonInspector", "Security"),
    ("AmazonInspectorV2", "Security"),
    ("AmazonMacie", "Security"),
    ("AWSCertificateManager", "Security"),
    ("CloudHSM", "Security"),
    ("AmazonDetective", "Security"),
    ("AmazonCognito", "Identity"),
    ("AWSDirectoryService", "Identity"),
    // Machine learning
    ("AmazonSageMaker", "AI and Machine Learning"),
    ("AmazonBedrock", "AI and Machine Learning"),
    ("AmazonRekognition", "AI and Machine Learning"),
    ("AmazonTextract", "AI and Machine Learning"),
    ("comprehend", "AI and Machine Learning"),
    ("transcribe", "AI and Machine Learning"),
    ("translate", "AI and Machine Learning"),
    ("AmazonPolly", "AI and Machine Learning"),
    ("AmazonLex", "AI and Machine Learning"),
    ("AmazonKendra", "AI and Machine Learning"),
    // Developer tools
    ("AWSCodeCommit", "Developer Tools"),
    ("AWSCodePipeline", "Developer Tools"),
    ("CodeBuild", "Developer Tools"),
    ("AWSCodeDeploy", "Developer Tools"),
    ("AWSCodeArtifact", "Developer Tools"),
    ("AWSAmplify", "Developer Tools"),
    ("AWSAppSync", "Developer Tools"),
    ("AWSXRay", "Developer Tools"),
    // Internet of Things
    ("AWSIoT", "Internet of Things"),
    ("AWSGreengrass", "Internet of Things"),
    ("AWSIoTAnalytics", "Internet of Things"),
    // Media, migration, business applications
    ("AWSElementalMediaConvert", "Media"),
    ("AmazonKinesisVideo", "Media"),
    ("AmazonIVS", "Media"),
    ("AWSMigrationHubRefactorSpaces", "Migration"),
    ("AWSDatabaseMigrationSvc", "Migration"),
    ("AWSDataSync", "Migration"),
    ("AWSTransfer", "Migration"),
    ("AmazonSES", "Business Applications"),
    ("AmazonConnect", "Business Applications"),
    ("AmazonChime", "Business Applications"),
    ("AmazonWorkMail", "Business Applications"),
    ("AmazonPinpoint", "Business Applications"),
];

/// CUR 2.0 map columns; each becomes JSON object text (`resource_tags` becomes Tags).
const MAP_COLUMNS: [&str; 4] = ["resource_tags", "product", "cost_category", "discount"];

/// Recognises CUR headers: legacy by `lineItem/UnblendedCost` (or `lineItem/LineItemType` with
/// `identity/LineItemId`), CUR 2.0 by `line_item_unblended_cost` or `line_item_line_item_type`.
pub fn recognise(header: &HashSet<&str>) -> Option<BillingFormat> {
    if header.contains("lineItem/UnblendedCost")
        || (header.contains("lineItem/LineItemType") && header.contains("identity/LineItemId"))
    {
        Some(BillingFormat::AwsCurLegacy)
    } else if header.contains("line_item_unblended_cost")
        || header.contains("line_item_line_item_type")
    {
        Some(BillingFormat::AwsCur2)
    } else {
        None
    }
}

/// The name of legacy CUR column `legacy` (`group/Field`) in `format`: unchanged for the
/// legacy CUR; for CUR 2.0 the group and field in snake_case, every capital starting a new
/// word (`savingsPlan/SavingsPlanARN` -> `savings_plan_savings_plan_a_r_n`).
pub fn column_name(format: BillingFormat, legacy: &str) -> String {
    if format != BillingFormat::AwsCur2 {
        return legacy.to_string();
    }
    let mut out = String::with_capacity(legacy.len() + 8);
    for (i, part) in legacy.split('/').enumerate() {
        if i > 0 {
            out.push('_');
        }
        for (j, ch) in part.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if j > 0 {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            } else {
                out.push(ch);
            }
        }
    }
    out
}

/// The mapping being built for one CUR file: parses columns by legacy name and remembers
/// which raw columns became FOCUS columns (the others are kept as `x_` columns).
struct Builder<'a> {
    probe: &'a Probe,
    format: BillingFormat,
    m: Mapping,
    consumed: Vec<String>,
}

impl Builder<'_> {
    fn name(&self, legacy: &str) -> String {
        column_name(self.format, legacy)
    }

    fn has(&self, legacy: &str) -> bool {
        self.probe.has(&self.name(legacy))
    }

    /// Parses a column that becomes a FOCUS column (not kept as an extension).
    fn take(&mut self, legacy: &str, parse: Parse) -> Expr {
        let name = self.name(legacy);
        if self.probe.has(&name) && !self.consumed.contains(&name) {
            self.consumed.push(name.clone());
        }
        self.m.parse_column(self.probe, &name, parse)
    }

    fn number(&mut self, legacy: &str) -> Expr {
        self.take(legacy, Parse::Number)
    }

    fn text(&mut self, legacy: &str) -> Expr {
        self.take(legacy, Parse::Text)
    }

    fn time(&mut self, legacy: &str) -> Expr {
        self.take(legacy, Parse::DateTime)
    }

    /// Parses a column used inside a derived value but also kept as an `x_` column.
    fn peek(&mut self, legacy: &str) -> Expr {
        let name = self.name(legacy);
        self.m.parse_column(self.probe, &name, Parse::Text)
    }

    /// A product attribute (`product/vcpu`): its own column in the legacy CUR (and for the
    /// fixed `product_*` columns of CUR 2.0), else the key of CUR 2.0's `product` map.
    fn product(&mut self, legacy: &str, product_json: &Option<Expr>) -> Expr {
        let column = self.peek(legacy);
        match (self.format, product_json) {
            (BillingFormat::AwsCur2, Some(json)) if !self.has(legacy) => {
                let field = legacy.trim_start_matches("product/");
                let key = column_name(BillingFormat::AwsCur2, field);
                json.clone().str().json_path_match(lit(format!("$.{key}")))
            }
            _ => column,
        }
    }
}

/// The mapping of a legacy CUR or CUR 2.0 file.
///
/// # Errors
/// A file without the line item type, the unblended cost or the usage start date.
pub fn mapping(probe: &Probe, format: BillingFormat) -> Result<Mapping> {
    let mut b = Builder {
        probe,
        format,
        m: Mapping::default(),
        consumed: Vec::new(),
    };
    for essential in [
        "lineItem/LineItemType",
        "lineItem/UnblendedCost",
        "lineItem/UsageStartDate",
    ] {
        if !b.has(essential) {
            let name = b.name(essential);
            return Err(Error::data(
                Position::file(&probe.path).row(0).column(name.clone()),
                format!(
                    "missing mandatory column: expected the AWS CUR column '{name}' in the header (found {} columns)",
                    probe.header.len()
                ),
            ));
        }
    }

    // CUR 2.0 map columns as JSON object text.
    let mut maps: Vec<(&str, Expr)> = Vec::new();
    if format == BillingFormat::AwsCur2 {
        for name in MAP_COLUMNS {
            if probe.has(name) {
                b.consumed.push(name.to_string());
                let key_fn: fn(&str) -> String = if name == "resource_tags" {
                    cur2_tag_key
                } else {
                    same_key
                };
                maps.push((name, key_value_json(col(name), name, &probe.path, key_fn)));
            }
        }
    }
    let map_json = |name: &str| {
        maps.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| e.clone())
    };
    let product_json = map_json("product");

    let line_type = b.text("lineItem/LineItemType");
    let is = |types: &[&str]| one_of(line_type.clone(), types);

    // Accounts, periods, descriptions.
    let payer = b.text("bill/PayerAccountId");
    b.m.output("BillingAccountId", payer);
    let payer_name = b.text("bill/PayerAccountName");
    b.m.output("BillingAccountName", payer_name);
    let account = b.text("lineItem/UsageAccountId");
    b.m.output("SubAccountId", account);
    let account_name = b.text("lineItem/UsageAccountName");
    b.m.output("SubAccountName", account_name);
    let currency = b.text("lineItem/CurrencyCode");
    b.m.output("BillingCurrency", currency);
    for (focus, legacy) in [
        ("BillingPeriodStart", "bill/BillingPeriodStartDate"),
        ("BillingPeriodEnd", "bill/BillingPeriodEndDate"),
        ("ChargePeriodStart", "lineItem/UsageStartDate"),
        ("ChargePeriodEnd", "lineItem/UsageEndDate"),
    ] {
        let value = b.time(legacy);
        b.m.output(focus, value);
    }
    let description = b.text("lineItem/LineItemDescription");
    b.m.output("ChargeDescription", description);

    // Charge category, class and frequency.
    let category = lookup(line_type.clone(), CHARGE_CATEGORY, Some("Adjustment"));
    b.m.output("ChargeCategory", category.clone());
    b.m.output(
        "ChargeClass",
        when(line_type.clone().eq(lit("Refund")))
            .then(lit("Correction"))
            .otherwise(lit(NULL).cast(DataType::String)),
    );
    b.m.output(
        "ChargeFrequency",
        lookup(line_type.clone(), CHARGE_FREQUENCY, None),
    );

    // Costs.
    let unblended = b.number("lineItem/UnblendedCost");
    let has_net = b.has("lineItem/NetUnblendedCost");
    let billed = if has_net {
        let net = b.number("lineItem/NetUnblendedCost");
        coalesce(&[net, unblended.clone()])
    } else {
        unblended.clone()
    };
    b.m.output("BilledCost", billed.clone());
    let components = EffectiveInputs {
        unblended: unblended.clone(),
        reservation_effective: b.number("reservation/EffectiveCost"),
        savings_plan_effective: b.number("savingsPlan/SavingsPlanEffectiveCost"),
        commitment_to_date: b.number("savingsPlan/TotalCommitmentToDate"),
        used_commitment: b.number("savingsPlan/UsedCommitment"),
        unused_upfront: b.number("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"),
        unused_recurring: b.number("reservation/UnusedRecurringFee"),
        reservation_arn: b.text("reservation/ReservationARN"),
    };
    let reservation_arn = components.reservation_arn.clone();
    b.m.output(
        "EffectiveCost",
        effective_cost(line_type.clone(), components),
    );

    let public_cost = b.number("pricing/publicOnDemandCost");
    let public_rate = b.number("pricing/publicOnDemandRate");
    let amount = b.number("lineItem/UsageAmount");
    let list = coalesce(&[
        public_cost,
        public_rate.clone() * amount.clone(),
        billed.clone(),
    ]);
    b.m.output(
        "ListCost",
        when(is(&["SavingsPlanNegation"]).or(is(DISCOUNTS)))
            .then(lit(0.0))
            .otherwise(list.clone()),
    );
    b.m.output(
        "ContractedCost",
        when(is(&["DiscountedUsage"]))
            .then(list)
            .when(is(&["SavingsPlanNegation"]))
            .then(lit(0.0))
            .otherwise(billed),
    );
    b.m.output("ListUnitPrice", public_rate.clone());
    let rate = b.number("lineItem/UnblendedRate");
    let rate = if has_net && b.has("lineItem/NetUnblendedRate") {
        let net_rate = b.number("lineItem/NetUnblendedRate");
        coalesce(&[net_rate, rate])
    } else {
        rate
    };
    b.m.output(
        "ContractedUnitPrice",
        when(is(&["Usage", "SavingsPlanCoveredUsage"]))
            .then(rate)
            .when(is(&["DiscountedUsage"]))
            .then(public_rate)
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );

    // Pricing and consumption.
    let term = b.text("pricing/term");
    let usage_type = b.peek("lineItem/UsageType");
    b.m.output(
        "PricingCategory",
        pricing_category(line_type.clone(), category.clone(), term, usage_type),
    );
    let unit = b.text("pricing/unit");
    b.m.output("PricingQuantity", amount.clone());
    b.m.output("PricingUnit", unit.clone());
    let pricing_currency = b.text("pricing/currency");
    b.m.output("PricingCurrency", pricing_currency);
    b.m.output(
        "ConsumedQuantity",
        when(is(CONSUMPTION))
            .then(amount)
            .otherwise(lit(NULL).cast(DataType::Float64)),
    );
    b.m.output(
        "ConsumedUnit",
        when(is(CONSUMPTION))
            .then(unit)
            .otherwise(lit(NULL).cast(DataType::String)),
    );

    // Commitments.
    let savings_plan_arn = b.text("savingsPlan/SavingsPlanARN");
    let commitment_id = coalesce(&[reservation_arn.clone(), savings_plan_arn.clone()]);
    b.m.output("CommitmentDiscountId", commitment_id.clone());
    let null_text = || lit(NULL).cast(DataType::String);
    b.m.output(
        "CommitmentDiscountType",
        when(reservation_arn.clone().is_not_null())
            .then(lit("Reserved Instance"))
            .when(savings_plan_arn.clone().is_not_null())
            .then(lit("Savings Plan"))
            .otherwise(null_text()),
    );
    b.m.output(
        "CommitmentDiscountCategory",
        when(reservation_arn.is_not_null())
            .then(lit("Usage"))
            .when(savings_plan_arn.is_not_null())
            .then(lit("Spend"))
            .otherwise(null_text()),
    );
    b.m.output(
        "CommitmentDiscountStatus",
        when(commitment_id.is_not_null().and(category.eq(lit("Usage"))))
            .then(lit("Used"))
            .otherwise(null_text()),
    );

    // Provider, invoice, service.
    b.m.output("ProviderName", lit("AWS"));
    let publisher = b.text("bill/BillingEntity");
    b.m.output("PublisherName", coalesce(&[publisher, lit("AWS")]));
    let issuer = b.text("bill/InvoicingEntity");
    b.m.output("InvoiceIssuerName", coalesce(&[issuer, lit("AWS")]));
    let invoice = b.text("bill/InvoiceId");
    b.m.output("InvoiceId", invoice);
    let product_name = if format == BillingFormat::AwsCur2 && !b.has("product/ProductName") {
        b.product("product/ProductName", &product_json)
    } else {
        b.text("product/ProductName")
    };
    let product_code = b.text("lineItem/ProductCode");
    let service_code = b.peek("product/servicecode");
    b.m.output(
        "ServiceName",
        coalesce(&[product_name, product_code.clone()]),
    );
    b.m.output(
        "ServiceCategory",
        lookup(
            coalesce(&[product_code, service_code]),
            SERVICE_CATEGORY,
            Some("Other"),
        ),
    );

    // Location, resource, SKU.
    let region_code = coalesce(&[
        b.product("product/regionCode", &product_json),
        b.product("product/region", &product_json),
    ]);
    b.m.output("RegionId", region_code);
    let location = b.product("product/location", &product_json);
    b.m.output("RegionName", location);
    let zone = b.text("lineItem/AvailabilityZone");
    b.m.output("AvailabilityZone", zone);
    let resource = b.text("lineItem/ResourceId");
    let family = b.product("product/productFamily", &product_json);
    b.m.output("ResourceId", resource.clone());
    b.m.output(
        "ResourceType",
        when(resource.is_not_null())
            .then(family)
            .otherwise(null_text()),
    );
    let sku = b.text("product/sku");
    b.m.output("SkuId", sku);
    let rate_code = b.text("pricing/RateCode");
    b.m.output("SkuPriceId", rate_code);
    let details = vec![
        (
            "InstanceType",
            json_string(b.product("product/instanceType", &product_json)),
        ),
        (
            "CoreCount",
            json_number_or_string(b.product("product/vcpu", &product_json), ""),
        ),
        (
            "MemorySize",
            json_number_or_string(b.product("product/memory", &product_json), "GiB"),
        ),
        (
            "OperatingSystem",
            json_string(b.product("product/operatingSystem", &product_json)),
        ),
        (
            "StorageClass",
            json_string(b.product("product/storageClass", &product_json)),
        ),
    ];
    b.m.output("SkuPriceDetails", json_object(details));

    // Tags.
    let tags = tag_columns(&mut b);
    let tags = match (map_json("resource_tags"), tags) {
        (Some(map), Some(columns)) => Some(coalesce(&[map, columns])),
        (Some(map), None) => Some(map),
        (None, columns) => columns,
    };
    if let Some(tags) = tags {
        b.m.output("Tags", tags);
    }
    for (name, json) in &maps {
        if *name != "resource_tags" {
            b.m.output(&format!("x_{name}"), json.clone());
        }
    }

    // Extension columns and the line item identity.
    let consumed: Vec<&str> = b.consumed.iter().map(String::as_str).collect();
    b.m.keep_unmapped(probe, "x_", &consumed);
    let id = b.name("identity/LineItemId");
    let interval = b.name("identity/TimeInterval");
    if probe.has(&id) {
        let interval = if probe.has(&interval) {
            col(format!("x_{interval}"))
                .cast(DataType::String)
                .fill_null(lit(""))
        } else {
            lit("")
        };
        b.m.line_item_key = vec![
            coalesce(&[
                col(format!("x_{id}")).cast(DataType::String),
                concat_str([col(FILE), col(ROW).cast(DataType::String)], "#", false),
            ]),
            interval,
        ];
    }

    b.m.notes.push(if has_net {
        "BilledCost = lineItem/NetUnblendedCost (after negotiated discounts)".to_string()
    } else {
        "BilledCost = lineItem/UnblendedCost (the file has no NetUnblendedCost)".to_string()
    });
    b.m.notes.push(
        "EffectiveCost amortizes Reserved Instance and Savings Plan fees per lineItem/LineItemType"
            .to_string(),
    );
    if !b.has("bill/PayerAccountName") {
        b.m.notes.push(
            "the legacy CUR has no payer account name: BillingAccountName is null".to_string(),
        );
    }
    Ok(b.m)
}

/// The inputs of [`effective_cost`] (parsed columns; typed nulls where the file lacks them).
pub struct EffectiveInputs {
    /// `lineItem/UnblendedCost`.
    pub unblended: Expr,
    /// `reservation/EffectiveCost`.
    pub reservation_effective: Expr,
    /// `savingsPlan/SavingsPlanEffectiveCost`.
    pub savings_plan_effective: Expr,
    /// `savingsPlan/TotalCommitmentToDate`.
    pub commitment_to_date: Expr,
    /// `savingsPlan/UsedCommitment`.
    pub used_commitment: Expr,
    /// `reservation/UnusedAmortizedUpfrontFeeForBillingPeriod`.
    pub unused_upfront: Expr,
    /// `reservation/UnusedRecurringFee`.
    pub unused_recurring: Expr,
    /// `reservation/ReservationARN`.
    pub reservation_arn: Expr,
}

/// EffectiveCost (amortized) by line item type:
///
/// | LineItemType | EffectiveCost |
/// |---|---|
/// | DiscountedUsage (RI-covered) | `reservation/EffectiveCost` |
/// | SavingsPlanCoveredUsage | `savingsPlan/SavingsPlanEffectiveCost` |
/// | SavingsPlanNegation, SavingsPlanUpfrontFee | 0 |
/// | SavingsPlanRecurringFee | `TotalCommitmentToDate - UsedCommitment` (the unused part) |
/// | RIFee | `UnusedAmortizedUpfrontFeeForBillingPeriod + UnusedRecurringFee` |
/// | Fee with a reservation ARN (RI upfront) | 0 |
/// | anything else (Usage, Tax, Credit, Refund, discounts, other fees) | `lineItem/UnblendedCost` |
///
/// Covered usage whose amortized column is empty falls back to the unblended cost; missing
/// parts of the unused-commitment sums count as 0.
pub fn effective_cost(line_type: Expr, x: EffectiveInputs) -> Expr {
    let is = |types: &[&str]| one_of(line_type.clone(), types);
    let zero = || lit(0.0);
    when(is(&["DiscountedUsage"]))
        .then(coalesce(&[x.reservation_effective, x.unblended.clone()]))
        .when(is(&["SavingsPlanCoveredUsage"]))
        .then(coalesce(&[x.savings_plan_effective, x.unblended.clone()]))
        .when(is(&["SavingsPlanNegation", "SavingsPlanUpfrontFee"]))
        .then(zero())
        .when(is(&["SavingsPlanRecurringFee"]))
        .then(x.commitment_to_date.fill_null(zero()) - x.used_commitment.fill_null(zero()))
        .when(is(&["RIFee"]))
        .then(x.unused_upfront.fill_null(zero()) + x.unused_recurring.fill_null(zero()))
        .when(is(&["Fee"]).and(x.reservation_arn.is_not_null()))
        .then(zero())
        .otherwise(x.unblended)
}

/// PricingCategory: covered usage and its negation are Committed, purchases Standard, other
/// usage by `pricing/term` (spot usage types are Dynamic); null for tax, credits and rows
/// without a term.
fn pricing_category(line_type: Expr, category: Expr, term: Expr, usage_type: Expr) -> Expr {
    let term = term
        .str()
        .to_lowercase()
        .str()
        .replace_all(lit("[-_ ]"), lit(""), false);
    let spot = usage_type
        .str()
        .contains(lit("SpotUsage"), false)
        .fill_null(lit(false))
        .or(term.clone().eq(lit("spot")).fill_null(lit(false)));
    when(one_of(
        line_type,
        &[
            "DiscountedUsage",
            "SavingsPlanCoveredUsage",
            "SavingsPlanNegation",
        ],
    ))
    .then(lit("Committed"))
    .when(category.clone().eq(lit("Purchase")))
    .then(lit("Standard"))
    .when(category.neq(lit("Usage")).fill_null(lit(true)))
    .then(lit(NULL).cast(DataType::String))
    .when(spot)
    .then(lit("Dynamic"))
    .when(term.clone().eq(lit("ondemand")))
    .then(lit("Standard"))
    .when(term.clone().eq(lit("reserved")))
    .then(lit("Committed"))
    .when(term.is_null())
    .then(lit(NULL).cast(DataType::String))
    .otherwise(lit("Other"))
}

/// Tags from one-column-per-key tag columns: legacy `resourceTags/user:team`,
/// `resourceTags/aws:createdBy`; the Athena-style `resource_tags_user_team` in snake_case files.
fn tag_columns(b: &mut Builder<'_>) -> Option<Expr> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for raw in &b.probe.header {
        let key = if let Some(rest) = raw.strip_prefix("resourceTags/") {
            rest.strip_prefix("user:").unwrap_or(rest).to_string()
        } else if let Some(rest) = raw.strip_prefix("resource_tags_") {
            cur2_tag_key(rest)
        } else {
            continue;
        };
        if !key.is_empty() && !tags.iter().any(|(k, _)| *k == key) {
            tags.push((key, raw.clone()));
        }
    }
    if tags.is_empty() {
        return None;
    }
    tags.sort();
    let mut pairs = Vec::new();
    for (key, raw) in &tags {
        b.consumed.push(raw.clone());
        let value = b.m.parse_column(b.probe, raw, Parse::Text);
        pairs.push((key.clone(), json_string(value)));
    }
    Some(json_object(pairs))
}

/// A CUR 2.0 tag key as a user sees it: `user_team` -> `team`, `aws_createdBy` ->
/// `aws:createdBy`; other keys unchanged.
pub fn cur2_tag_key(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("user_") {
        rest.to_string()
    } else if let Some(rest) = key.strip_prefix("aws_") {
        format!("aws:{rest}")
    } else {
        key.to_string()
    }
}

fn same_key(key: &str) -> String {
    key.to_string()
}

/// True where `value` is one of `values` (false for null).
pub fn one_of(value: Expr, values: &[&str]) -> Expr {
    value
        .is_in(lit(Series::new("".into(), values)).implode(true), false)
        .fill_null(lit(false))
}

/// Looks `value` up in `table`; values not in the table (and nulls) become `default`.
pub fn lookup(value: Expr, table: &[(&str, &str)], default: Option<&str>) -> Expr {
    let keys: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
    let values: Vec<&str> = table.iter().map(|(_, v)| *v).collect();
    let default = match default {
        Some(d) => lit(d),
        None => lit(NULL).cast(DataType::String),
    };
    let found = value.clone().replace_strict(
        lit(Series::new("".into(), keys)),
        lit(Series::new("".into(), values)),
        Some(default.clone()),
        Some(DataType::String),
    );
    when(value.is_null()).then(default).otherwise(found)
}

/// A JSON string literal of a text value (`a"b` -> `"a\"b"`), null for null.
pub fn json_string(value: Expr) -> Expr {
    let mut escaped = value;
    for (from, to) in [
        ("\\", "\\\\"),
        ("\"", "\\\""),
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
    ] {
        escaped = escaped.str().replace_all(lit(from), lit(to), true);
    }
    concat_str([lit("\""), escaped, lit("\"")], "", false)
}

/// A JSON number where the text is a number (followed by `unit`, like `8 GiB`), else a JSON
/// string; null for null.
fn json_number_or_string(value: Expr, unit: &str) -> Expr {
    let pattern = format!(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*{}\s*$", regex_escape(unit));
    let number = value.clone().str().extract(lit(pattern), 1);
    when(number.clone().is_not_null())
        .then(number)
        .otherwise(json_string(value))
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || c == ' ' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

/// A JSON object text from (key, JSON value text or null) pairs, skipping null values; null
/// when every value is null.
pub fn json_object<K: AsRef<str>>(pairs: Vec<(K, Expr)>) -> Expr {
    if pairs.is_empty() {
        return lit(NULL).cast(DataType::String);
    }
    let pieces: Vec<Expr> = pairs
        .into_iter()
        .map(|(key, value)| {
            let key = serde_json::to_string(key.as_ref()).unwrap_or_else(|_| "\"\"".into());
            concat_str([lit(format!("{key}:")), value], "", false)
        })
        .collect();
    let body = concat_str(pieces, ",", true);
    when(body.clone().is_null().or(body.clone().eq(lit(""))))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(concat_str([lit("{"), body, lit("}")], "", false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cur2_names_follow_aws_rule() {
        let f = BillingFormat::AwsCur2;
        assert_eq!(
            column_name(f, "lineItem/UnblendedCost"),
            "line_item_unblended_cost"
        );
        assert_eq!(
            column_name(f, "savingsPlan/SavingsPlanARN"),
            "savings_plan_savings_plan_a_r_n"
        );
        assert_eq!(
            column_name(f, "reservation/ReservationARN"),
            "reservation_reservation_a_r_n"
        );
        assert_eq!(
            column_name(f, "bill/PayerAccountName"),
            "bill_payer_account_name"
        );
        assert_eq!(
            column_name(f, "pricing/publicOnDemandCost"),
            "pricing_public_on_demand_cost"
        );
        assert_eq!(
            column_name(f, "identity/TimeInterval"),
            "identity_time_interval"
        );
        assert_eq!(column_name(f, "product/regionCode"), "product_region_code");
        assert_eq!(
            column_name(BillingFormat::AwsCurLegacy, "product/regionCode"),
            "product/regionCode"
        );
    }

    #[test]
    fn tag_keys() {
        assert_eq!(cur2_tag_key("user_team"), "team");
        assert_eq!(cur2_tag_key("aws_createdBy"), "aws:createdBy");
        assert_eq!(cur2_tag_key("Name"), "Name");
    }

    #[test]
    fn lookups_json_and_effective_cost() -> PolarsResult<()> {
        let df = df!(
            "t" => [Some("Usage"), Some("RIFee"), Some("Mystery"), None],
            "v" => [Some("a\"b"), None, Some("8 GiB"), Some("x\\y")],
        )?;
        let out = df
            .lazy()
            .select([
                lookup(col("t"), CHARGE_CATEGORY, Some("Adjustment")).alias("cat"),
                lookup(col("t"), CHARGE_FREQUENCY, None).alias("freq"),
                json_object(vec![
                    ("k", json_string(col("v"))),
                    ("m", json_number_or_string(col("v"), "GiB")),
                ])
                .alias("json"),
            ])
            .collect()?;
        let cat: Vec<Option<&str>> = out.column("cat")?.str()?.iter().collect();
        assert_eq!(
            cat,
            vec![
                Some("Usage"),
                Some("Purchase"),
                Some("Adjustment"),
                Some("Adjustment")
            ]
        );
        let freq: Vec<Option<&str>> = out.column("freq")?.str()?.iter().collect();
        assert_eq!(
            freq,
            vec![Some("Usage-Based"), Some("Recurring"), None, None]
        );
        let json: Vec<Option<&str>> = out.column("json")?.str()?.iter().collect();
        assert_eq!(
            json,
            vec![
                Some(r#"{"k":"a\"b","m":"a\"b"}"#),
                None,
                Some(r#"{"k":"8 GiB","m":8}"#),
                Some(r#"{"k":"x\\y","m":"x\\y"}"#),
            ]
        );
        for text in json.iter().flatten() {
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_ok(),
                "{text}"
            );
        }
        Ok(())
    }
}
