//! The plain CSV catalog: one row per instance type and region, and optionally a second CSV
//! of commitment offers. The bundled catalog uses this format too.
//!
//! Instance columns (names case-insensitive, any order, extra columns ignored):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `provider` | yes | `aws`, `azure`, `gcp` or `other` |
//! | `region` | yes | the provider's region code |
//! | `instance_type` | yes | as the provider spells it |
//! | `vcpu` | yes | virtual CPUs (> 0) |
//! | `memory_gib` | yes | memory in GiB (> 0) |
//! | `on_demand_hourly` | yes | on-demand price per hour (>= 0) |
//! | `family` | no | defaults to the family read from the instance type |
//! | `generation` | no | an integer, or empty |
//! | `architecture` | no | `x86_64` (default) or `arm64` |
//! | `burstable` | no | `true` / `false` (default) |
//! | `currency` | no | ISO 4217, default `USD` |
//!
//! Offer columns: `provider, region, instance_type, kind, term_years, payment, upfront, hourly`
//! (`kind` one of [`OfferKind`]'s snake_case names, `payment` `no_upfront`, `partial_upfront`
//! or `all_upfront`). Every offer must name an instance of the instance file.

use super::shapes::{family_and_generation, is_burstable};
use super::{Architecture, Catalog, Instance, Offer, OfferKind, Provider};
use crate::error::{Error, Position, Result};
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// The required columns of a plain instance CSV.
pub const INSTANCE_COLUMNS: [&str; 6] = [
    "provider",
    "region",
    "instance_type",
    "vcpu",
    "memory_gib",
    "on_demand_hourly",
];
/// The required columns of a plain offer CSV.
pub const OFFER_COLUMNS: [&str; 8] = [
    "provider",
    "region",
    "instance_type",
    "kind",
    "term_years",
    "payment",
    "upfront",
    "hourly",
];

/// Reads a plain instance CSV at `path`, and the offers CSV at `offers` if given.
pub fn load_plain(path: &Path, offers: Option<&Path>) -> Result<Catalog> {
    let text = read_text(path)?;
    let offers_text = offers.map(read_text).transpose()?;
    let offers_name = offers.map(|p| p.display().to_string()).unwrap_or_default();
    let mut catalog = parse(
        &text,
        offers_text.as_deref(),
        &path.display().to_string(),
        &offers_name,
    )?;
    catalog.source = format!("plain csv {}", path.display());
    Ok(catalog)
}

pub(super) fn read_text(path: &Path) -> Result<String> {
    if !path.exists() {
        return Err(Error::NotFound {
            path: path.to_path_buf(),
        });
    }
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// One CSV table with named columns, and where it came from (for messages).
struct Table<'a> {
    name: &'a str,
    columns: HashMap<String, usize>,
    reader: csv::Reader<&'a [u8]>,
}

impl<'a> Table<'a> {
    fn new(text: &'a str, name: &'a str, required: &[&str]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| Error::data(Position::file(name), format!("unreadable header: {e}")))?;
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase(),
                    i,
                )
            })
            .collect();
        for column in required {
            if !columns.contains_key(*column) {
                return Err(Error::data(
                    Position::file(name).column(*column),
                    format!(
                        "missing column; a plain catalog needs {}",
                        required.join(", ")
                    ),
                ));
            }
        }
        Ok(Table {
            name,
            columns,
            reader,
        })
    }
}

/// A field reader for one row.
pub(super) struct Row<'a> {
    pub(super) position: Position,
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn at(&self, column: &str) -> Position {
        let value = self.get(column).unwrap_or_default();
        self.position.clone().column(column).value(value)
    }

    fn get(&self, column: &str) -> Option<&str> {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
    }

    fn text(&self, column: &str) -> Result<String> {
        match self.get(column) {
            Some(value) if !value.is_empty() => Ok(value.to_string()),
            _ => Err(Error::data(self.at(column), "empty; a value is required")),
        }
    }

    fn parsed<T: FromStr<Err = String>>(&self, column: &str) -> Result<T> {
        let text = self.text(column)?;
        text.parse()
            .map_err(|e: String| Error::data(self.at(column), e))
    }

    fn number(&self, column: &str, positive: bool) -> Result<f64> {
        let text = self.text(column)?;
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && (v > 0.0 || (!positive && v >= 0.0)) => Ok(v),
            _ if positive => Err(Error::data(self.at(column), "expected a number > 0")),
            _ => Err(Error::data(self.at(column), "expected a number >= 0")),
        }
    }
}

/// Parses an instance CSV text and an optional offer CSV text; the names appear in messages.
pub fn parse(
    instances: &str,
    offers: Option<&str>,
    instances_name: &str,
    offers_name: &str,
) -> Result<Catalog> {
    let mut table = Table::new(instances, instances_name, &INSTANCE_COLUMNS)?;
    let mut catalog = Catalog::default();
    let mut index: HashMap<(Provider, String, String), usize> = HashMap::new();
    for (i, record) in table.reader.records().enumerate() {
        let position = Position::file(table.name).row(i as u64 + 1);
        let record = record.map_err(|e| Error::data(position.clone(), e.to_string()))?;
        let row = Row {
            position,
            record: &record,
            columns: &table.columns,
        };
        let instance = instance_from(&row)?;
        let key = (
            instance.provider,
            instance.region.clone(),
            instance.instance_type.clone(),
        );
        if index.insert(key, catalog.instances.len()).is_some() {
            return Err(Error::data(
                row.at("instance_type"),
                format!("listed twice for region '{}'", instance.region),
            ));
        }
        catalog.instances.push(instance);
    }
    if let Some(offers) = offers {
        let mut table = Table::new(offers, offers_name, &OFFER_COLUMNS)?;
        for (i, record) in table.reader.records().enumerate() {
            let position = Position::file(table.name).row(i as u64 + 1);
            let record = record.map_err(|e| Error::data(position.clone(), e.to_string()))?;
            let row = Row {
                position,
                record: &record,
                columns: &table.columns,
            };
            let key = (
                row.parsed::<Provider>("provider")?,
                row.text("region")?,
                row.text("instance_type")?,
            );
            let Some(&at) = index.get(&key) else {
                return Err(Error::data(
                    row.at("instance_type"),
                    format!(
                        "no such instance in region '{}' of the instance file",
                        key.1
                    ),
                ));
            };
            catalog.instances[at].offers.push(offer_from(&row)?);
        }
    }
    Ok(catalog)
}

fn instance_from(row: &Row<'_>) -> Result<Instance> {
    let provider: Provider = row.parsed("provider")?;
    let instance_type = row.text("instance_type")?;
    let (default_family, default_generation) = family_and_generation(provider, &instance_type);
    let family = match row.get("family") {
        Some(f) if !f.is_empty() => f.to_string(),
        _ => default_family,
    };
    let generation = match row.get("generation") {
        Some(g) if !g.is_empty() => Some(g.parse::<u32>().map_err(|_| {
            Error::data(row.at("generation"), "expected a whole number or nothing")
        })?),
        Some(_) => None,
        None => default_generation,
    };
    let architecture = match row.get("architecture") {
        Some(a) if !a.is_empty() => row.parsed::<Architecture>("architecture")?,
        _ => Architecture::X86_64,
    };
    let burstable = match row.get("burstable").map(str::to_ascii_lowercase).as_deref() {
        Some("true") | Some("yes") | Some("1") => true,
        Some("false") | Some("no") | Some("0") => false,
        Some("") | None => is_burstable(provider, &instance_type),
        Some(_) => return Err(Error::data(row.at("burstable"), "expected true or false")),
    };
    let currency = match row.get("currency") {
        Some(c) if !c.is_empty() => c.to_ascii_uppercase(),
        _ => "USD".to_string(),
    };
    Ok(Instance {
        provider,
        region: row.text("region")?,
        instance_type,
        family,
        generation,
        architecture,
        vcpu: row.number("vcpu", true)?,
        memory_gib: row.number("memory_gib", true)?,
        burstable,
        on_demand_hourly: row.number("on_demand_hourly", false)?,
        currency,
        offers: Vec::new(),
    })
}

fn offer_from(row: &Row<'_>) -> Result<Offer> {
    let kind: OfferKind = row.parsed("kind")?;
    let term_years = match row.text("term_years")?.as_str() {
        "1" => 1,
        "3" => 3,
        _ => return Err(Error::data(row.at("term_years"), "expected 1 or 3")),
    };
    Ok(Offer {
        kind,
        term_years,
        payment: row.parsed("payment")?,
        upfront: row.number("upfront", false)?,
        hourly: row.number("hourly", false)?,
    })
}

/// Writes `catalog` in the plain format: the instance CSV text and the offer CSV text (what
/// [`parse`] reads back). Prices keep every digit (Rust's shortest round-trip form).
pub fn write(catalog: &Catalog) -> (String, String) {
    let mut instances = String::from(
        "provider,region,instance_type,family,generation,architecture,vcpu,memory_gib,\
         burstable,on_demand_hourly,currency\n",
    );
    let mut offers =
        String::from("provider,region,instance_type,kind,term_years,payment,upfront,hourly\n");
    let quote = |text: &str| {
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    for it in &catalog.instances {
        let (provider, region, name) = (
            it.provider.as_str(),
            quote(&it.region),
            quote(&it.instance_type),
        );
        instances.push_str(&format!(
            "{provider},{region},{name},{},{},{},{:?},{:?},{},{:?},{}\n",
            quote(&it.family),
            it.generation.map(|g| g.to_string()).unwrap_or_default(),
            it.architecture.as_str(),
            it.vcpu,
            it.memory_gib,
            it.burstable,
            it.on_demand_hourly,
            quote(&it.currency),
        ));
        for o in &it.offers {
            offers.push_str(&format!(
                "{provider},{region},{name},{},{},{},{:?},{:?}\n",
                o.kind.as_str(),
                o.term_years,
                o.payment.as_str(),
                o.upfront,
                o.hourly,
            ));
        }
    }
    (instances, offers)
}
