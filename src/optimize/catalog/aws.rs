//! The AWS Price List bulk offer file for Amazon EC2, one region, in JSON or CSV form.
//!
//! JSON: `products{sku: {productFamily, attributes{instanceType, vcpu, memory "16 GiB",
//! regionCode, operatingSystem, tenancy, preInstalledSw, capacitystatus, operation,
//! physicalProcessor}}}` and `terms{OnDemand{sku{term{priceDimensions{..{unit "Hrs",
//! pricePerUnit{USD}}}}}}, Reserved{sku{term{termAttributes{LeaseContractLength "1yr",
//! OfferingClass "standard", PurchaseOption "Partial Upfront"}, priceDimensions{unit "Hrs" or
//! "Quantity" (the upfront fee)}}}}}`.
//! CSV: a preamble (`"FormatVersion","v1.0"`, `"Disclaimer"`, `"Publication Date"`,
//! `"Version"`, `"OfferCode"`), then one row per price dimension with the header `"SKU",
//! "OfferTermCode", "RateCode", "TermType", ..., "Unit", "PricePerUnit", "Currency",
//! "LeaseContractLength", "PurchaseOption", "OfferingClass", ..., "Instance Type", "vCPU",
//! "Memory", ..., "Tenancy", "Operating System", ..., "Region Code", ...`.
//!
//! Kept: Linux, shared tenancy, no pre-installed software, capacity status `Used`, operation
//! `RunInstances` (where the file has these attributes). Everything else is skipped and counted
//! in the catalog's `source` text.

use super::shapes::{aws_architecture, family_and_generation, is_burstable};
use super::{Architecture, Catalog, Instance, Offer, OfferKind, Payment, Provider};
use crate::error::{Error, Position, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Deserialize)]
struct OfferFile {
    #[serde(rename = "publicationDate", default)]
    publication_date: String,
    products: HashMap<String, Product>,
    #[serde(default)]
    terms: Terms,
}

#[derive(Deserialize)]
struct Product {
    #[serde(rename = "productFamily", default)]
    product_family: String,
    #[serde(default)]
    attributes: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
struct Terms {
    #[serde(rename = "OnDemand", default)]
    on_demand: HashMap<String, HashMap<String, Term>>,
    #[serde(rename = "Reserved", default)]
    reserved: HashMap<String, HashMap<String, Term>>,
}

#[derive(Deserialize)]
struct Term {
    #[serde(rename = "priceDimensions", default)]
    price_dimensions: HashMap<String, Dimension>,
    #[serde(rename = "termAttributes", default)]
    term_attributes: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Dimension {
    #[serde(default)]
    unit: String,
    #[serde(rename = "pricePerUnit", default)]
    price_per_unit: HashMap<String, String>,
}

/// The attributes of one product, whichever form the file has.
#[derive(Default)]
struct Attributes {
    family: String,
    instance_type: String,
    vcpu: String,
    memory: String,
    region: String,
    os: String,
    tenancy: String,
    software: String,
    capacity: String,
    operation: String,
    processor: String,
}

/// One price dimension: the term's kind and attributes, its unit and price.
struct Price {
    reserved: Option<(String, String, String)>, // lease, class, purchase option
    term: String,
    unit: String,
    amount: String,
    currency: String,
}

/// Collects products and prices from either form, then builds the catalog.
struct Builder<'a> {
    path: &'a Path,
    products: BTreeMap<String, (Position, Attributes)>,
    prices: HashMap<String, Vec<(Position, Price)>>,
}

/// Reads the JSON form of an EC2 offer file.
pub fn load_aws_json(path: &Path) -> Result<Catalog> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let offer: OfferFile =
        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|source| Error::Json {
            path: path.to_path_buf(),
            source,
        })?;
    let mut builder = Builder {
        path,
        products: BTreeMap::new(),
        prices: HashMap::new(),
    };
    for (sku, product) in offer.products {
        let a = |k: &str| product.attributes.get(k).cloned().unwrap_or_default();
        let position = Position::file(path).column(format!("products.{sku}"));
        let attributes = Attributes {
            family: product.product_family.clone(),
            instance_type: a("instanceType"),
            vcpu: a("vcpu"),
            memory: a("memory"),
            region: a("regionCode"),
            os: a("operatingSystem"),
            tenancy: a("tenancy"),
            software: a("preInstalledSw"),
            capacity: a("capacitystatus"),
            operation: a("operation"),
            processor: a("physicalProcessor"),
        };
        builder.products.insert(sku, (position, attributes));
    }
    for (kind, terms) in [
        ("OnDemand", offer.terms.on_demand),
        ("Reserved", offer.terms.reserved),
    ] {
        for (sku, by_code) in terms {
            for (code, term) in by_code {
                let reserved = (kind == "Reserved").then(|| {
                    let t = |k: &str| term.term_attributes.get(k).cloned().unwrap_or_default();
                    (
                        t("LeaseContractLength"),
                        t("OfferingClass"),
                        t("PurchaseOption"),
                    )
                });
                for (rate, dimension) in term.price_dimensions {
                    let (currency, amount) = dimension
                        .price_per_unit
                        .iter()
                        .next()
                        .map(|(c, a)| (c.clone(), a.clone()))
                        .unwrap_or_default();
                    let position =
                        Position::file(path).column(format!("terms.{kind}.{sku}.{code}.{rate}"));
                    builder.prices.entry(sku.clone()).or_default().push((
                        position,
                        Price {
                            reserved: reserved.clone(),
                            term: code.clone(),
                            unit: dimension.unit,
                            amount,
                            currency,
                        },
                    ));
                }
            }
        }
    }
    builder.finish(&format!(
        "aws ec2 offer file {} (published {})",
        path.display(),
        if offer.publication_date.is_empty() {
            "?"
        } else {
            &offer.publication_date
        }
    ))
}

/// Reads the CSV form of an EC2 offer file (with its metadata preamble).
pub fn load_aws_csv(path: &Path) -> Result<Catalog> {
    let text = super::plain::read_text(path)?;
    let mut publication = String::from("?");
    let mut start = None;
    let mut offset = 0;
    for (line_number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start_matches('\u{feff}');
        if trimmed.starts_with("\"SKU\"") || trimmed.starts_with("SKU,") {
            start = Some((offset, line_number));
            break;
        }
        if let Some(rest) = trimmed.strip_prefix("\"Publication Date\",") {
            publication = rest.trim_matches('"').to_string();
        }
        offset += line.len() + 1;
    }
    let Some((offset, preamble)) = start else {
        return Err(Error::data(
            Position::file(path).column("SKU"),
            "no header row starting with \"SKU\" after the preamble",
        ));
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&text.as_bytes()[offset..]);
    let headers = reader
        .headers()
        .map_err(|e| Error::data(Position::file(path), e.to_string()))?
        .clone();
    let column: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_ascii_lowercase(), i))
        .collect();
    for required in ["sku", "termtype", "unit", "priceperunit", "instance type"] {
        if !column.contains_key(required) {
            return Err(Error::data(
                Position::file(path).column(required),
                "missing column in the offer file's header",
            ));
        }
    }
    let mut builder = Builder {
        path,
        products: BTreeMap::new(),
        prices: HashMap::new(),
    };
    for (i, record) in reader.records().enumerate() {
        // Rows count from the first line after the header, as data rows.
        let position = Position::file(path).row((i + 1) as u64);
        let record = record.map_err(|e| Error::data(position.clone(), e.to_string()))?;
        let get = |name: &str| {
            column
                .get(name)
                .and_then(|&c| record.get(c))
                .unwrap_or("")
                .to_string()
        };
        let sku = get("sku");
        builder.products.entry(sku.clone()).or_insert_with(|| {
            (
                position.clone(),
                Attributes {
                    family: get("product family"),
                    instance_type: get("instance type"),
                    vcpu: get("vcpu"),
                    memory: get("memory"),
                    region: get("region code"),
                    os: get("operating system"),
                    tenancy: get("tenancy"),
                    software: get("pre installed s/w"),
                    capacity: get("capacitystatus"),
                    operation: get("operation"),
                    processor: get("physical processor"),
                },
            )
        });
        let reserved = (get("termtype") == "Reserved").then(|| {
            (
                get("leasecontractlength"),
                get("offeringclass"),
                get("purchaseoption"),
            )
        });
        builder.prices.entry(sku).or_default().push((
            position.column("PricePerUnit"),
            Price {
                reserved,
                term: get("offertermcode"),
                unit: get("unit"),
                amount: get("priceperunit"),
                currency: get("currency"),
            },
        ));
    }
    let _ = preamble;
    builder.finish(&format!(
        "aws ec2 offer file {} (published {publication})",
        path.display()
    ))
}

impl Builder<'_> {
    fn finish(self, source: &str) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        let (mut other, mut no_price, mut duplicate) = (0usize, 0usize, 0usize);
        for (sku, (position, a)) in &self.products {
            let wanted = (a.family.is_empty() || a.family == "Compute Instance")
                && !a.instance_type.is_empty()
                && (a.os.is_empty() || a.os == "Linux")
                && (a.tenancy.is_empty() || a.tenancy == "Shared")
                && (a.software.is_empty() || a.software == "NA")
                && (a.capacity.is_empty() || a.capacity == "Used")
                && (a.operation.is_empty() || a.operation == "RunInstances");
            if !wanted {
                other += 1;
                continue;
            }
            if a.region.is_empty() {
                return Err(Error::data(
                    position.clone().value(sku.clone()),
                    "product without regionCode; capcast needs an offer file with region codes",
                ));
            }
            let vcpu = a
                .vcpu
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| *v > 0.0)
                .ok_or_else(|| {
                    Error::data(
                        field(position, "vcpu").value(a.vcpu.clone()),
                        format!("instance {}: expected a vCPU count > 0", a.instance_type),
                    )
                })?;
            let memory_gib = parse_memory(&a.memory).ok_or_else(|| {
                Error::data(
                    field(position, "memory").value(a.memory.clone()),
                    format!(
                        "instance {}: expected memory like '16 GiB'",
                        a.instance_type
                    ),
                )
            })?;
            let prices = self.prices.get(sku).map(Vec::as_slice).unwrap_or(&[]);
            let mut on_demand = None;
            let mut currency = String::from("USD");
            let mut reserved: BTreeMap<String, (Option<Offer>, f64, f64)> = BTreeMap::new();
            for (at, price) in prices {
                let amount: f64 = price.amount.trim().parse().map_err(|_| {
                    Error::data(at.clone().value(price.amount.clone()), "expected a price")
                })?;
                if !price.currency.is_empty() {
                    currency = price.currency.clone();
                }
                match (&price.reserved, price.unit.as_str()) {
                    (None, "Hrs") => on_demand = Some(amount),
                    (None, _) => {}
                    (Some((lease, class, option)), unit) => {
                        let entry = reserved
                            .entry(price.term.clone())
                            .or_insert_with(|| (reserved_offer(lease, class, option), 0.0, 0.0));
                        match unit {
                            "Hrs" => entry.2 += amount,
                            "Quantity" => entry.1 += amount,
                            other => {
                                return Err(Error::data(
                                    at.clone().value(other.to_string()),
                                    "reserved price in an unknown unit (expected Hrs or Quantity)",
                                ))
                            }
                        }
                    }
                }
            }
            let Some(on_demand_hourly) = on_demand else {
                no_price += 1;
                continue;
            };
            let key = (a.region.clone(), a.instance_type.clone());
            if seen.contains_key(&key) {
                duplicate += 1;
                continue;
            }
            let (family, generation) = family_and_generation(Provider::Aws, &a.instance_type);
            let architecture = if a.processor.contains("Graviton") {
                Architecture::Arm64
            } else {
                aws_architecture(&family)
            };
            let offers = reserved
                .into_values()
                .filter_map(|(offer, upfront, hourly)| {
                    offer.map(|o| Offer {
                        upfront,
                        hourly,
                        ..o
                    })
                })
                .collect();
            seen.insert(key, catalog.instances.len());
            catalog.instances.push(Instance {
                provider: Provider::Aws,
                region: a.region.clone(),
                burstable: is_burstable(Provider::Aws, &a.instance_type),
                instance_type: a.instance_type.clone(),
                family,
                generation,
                architecture,
                vcpu,
                memory_gib,
                on_demand_hourly,
                currency,
                offers,
            });
        }
        let _ = self.path;
        catalog.source = format!(
            "{source}: {} instances; skipped {other} products that are not Linux shared-tenancy \
             instances, {no_price} without an hourly on-demand price, {duplicate} duplicates",
            catalog.instances.len()
        );
        Ok(catalog)
    }
}

/// The position of one attribute of a product: `products.SKU.attributes.NAME` in JSON, the
/// column in CSV.
fn field(position: &Position, name: &str) -> Position {
    match &position.column {
        Some(base) => position.clone().column(format!("{base}.attributes.{name}")),
        None => position.clone().column(name),
    }
}

/// `"16 GiB"`, `"0.5 GiB"`, `"1,024 GiB"` -> GiB.
fn parse_memory(text: &str) -> Option<f64> {
    let number = text.trim().trim_end_matches("GiB").trim().replace(',', "");
    number.parse::<f64>().ok().filter(|v| *v > 0.0)
}

/// The offer a reserved term's attributes describe (prices filled in later).
fn reserved_offer(lease: &str, class: &str, option: &str) -> Option<Offer> {
    let term_years = match lease {
        "1yr" | "1 yr" | "1" => 1,
        "3yr" | "3 yr" | "3" => 3,
        _ => return None,
    };
    let kind = match class.to_ascii_lowercase().as_str() {
        "standard" | "" => OfferKind::ReservedStandard,
        "convertible" => OfferKind::ReservedConvertible,
        _ => return None,
    };
    let payment: Payment = option.parse().ok()?;
    Some(Offer {
        kind,
        term_years,
        payment,
        upfront: 0.0,
        hourly: 0.0,
    })
}
