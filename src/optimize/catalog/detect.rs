//! One entry point for every catalog format: [`load_catalog`] looks at a file (or a folder)
//! and hands it to the right loader.

use super::{aws, aws_savings_plans, azure, gcp, plain, Catalog};
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The formats [`load_catalog`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    AwsJson,
    AwsCsv,
    AwsSavingsPlans,
    Azure,
    Gcp,
    Plain,
    PlainOffers,
}

const SUPPORTED: &str = "supported: AWS Price List EC2 offer file (JSON or CSV), AWS Savings \
                         Plans offer file (JSON), Azure Retail Prices API JSON page, GCP Cloud \
                         Billing Catalog SKU JSON, plain catalog CSV (provider, region, \
                         instance_type, vcpu, memory_gib, on_demand_hourly), or a folder of these";

/// Loads a catalog from `path`, detecting the format from the content: a JSON file with
/// `products` and `terms.OnDemand` is an AWS EC2 offer file, with `terms.savingsPlan` an AWS
/// Savings Plans offer file (which holds only rates: load it with [`load_catalogs`] beside an
/// EC2 catalog), with `Items` an Azure Retail Prices page, with `skus` a GCP SKU list; a CSV
/// starting with `FormatVersion` is an AWS offer file in CSV form, else a plain catalog CSV.
/// A folder loads every `.json` and `.csv` file in it (a plain `offers.csv` is attached to the
/// plain `instances.csv` beside it).
pub fn load_catalog(path: impl AsRef<Path>) -> Result<Catalog> {
    load_catalogs(&[path.as_ref().to_path_buf()])
}

/// Loads and merges several catalog files or folders, in order (later files win for the same
/// instance). Savings Plans files are applied last, to the instances the others loaded.
pub fn load_catalogs(paths: &[PathBuf]) -> Result<Catalog> {
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(Error::NotFound { path: path.clone() });
        }
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::io(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("csv")
                    })
                })
                .collect();
            inside.sort();
            if inside.is_empty() {
                return Err(Error::UnknownFormat {
                    path: path.clone(),
                    detail: format!("a folder with no .json or .csv file; {SUPPORTED}"),
                });
            }
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    let mut catalog = Catalog::default();
    let mut savings_plans = Vec::new();
    let mut offers_files = Vec::new();
    for file in &files {
        match detect(file)? {
            Format::AwsJson => catalog = catalog.merge(aws::load_aws_json(file)?),
            Format::AwsCsv => catalog = catalog.merge(aws::load_aws_csv(file)?),
            Format::AwsSavingsPlans => savings_plans.push(file.clone()),
            Format::Azure => catalog = catalog.merge(azure::load_azure(file)?),
            Format::Gcp => catalog = catalog.merge(gcp::load_gcp(file)?),
            Format::PlainOffers => offers_files.push(file.clone()),
            Format::Plain => {
                let sibling = file.with_file_name("offers.csv");
                let offers = (file.file_name().and_then(|n| n.to_str()) == Some("instances.csv")
                    && files.contains(&sibling))
                .then_some(sibling);
                if let Some(o) = &offers {
                    offers_files.retain(|f| f != o);
                }
                catalog = catalog.merge(plain::load_plain(file, offers.as_deref())?);
            }
        }
    }
    for file in offers_files {
        let attached = files.iter().any(|f| {
            f.file_name().and_then(|n| n.to_str()) == Some("instances.csv")
                && f.with_file_name("offers.csv") == file
        });
        if !attached {
            return Err(Error::UnknownFormat {
                path: file,
                detail: "a plain offers csv needs its instances.csv in the same folder".into(),
            });
        }
    }
    for file in savings_plans {
        let rates = aws_savings_plans::load_savings_plans(&file)?;
        if catalog.instances.is_empty() {
            return Err(Error::UnknownFormat {
                path: file,
                detail: "an AWS Savings Plans offer file holds only discounted rates; load it \
                         together with an EC2 offer file or a plain catalog"
                    .into(),
            });
        }
        rates.apply(&mut catalog);
    }
    Ok(catalog)
}

/// Reads the first bytes of `path` to tell its format.
fn detect(path: &Path) -> Result<Format> {
    let mut head = vec![0u8; 1 << 16];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&head[..n]);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        let has = |key: &str| text.contains(&format!("\"{key}\""));
        if has("savingsPlan") {
            return Ok(Format::AwsSavingsPlans);
        }
        if has("products") || has("offerCode") {
            return Ok(Format::AwsJson);
        }
        if has("Items") || has("BillingCurrency") {
            return Ok(Format::Azure);
        }
        if has("skus") || has("skuId") {
            return Ok(Format::Gcp);
        }
        // Keys may come in any order: parse the whole file to be sure.
        let value: serde_json::Value =
            serde_json::from_str(&plain::read_text(path)?).map_err(|source| Error::Json {
                path: path.to_path_buf(),
                source,
            })?;
        return match value {
            v if v.pointer("/terms/savingsPlan").is_some() => Ok(Format::AwsSavingsPlans),
            v if v.get("products").is_some() => Ok(Format::AwsJson),
            v if v.get("Items").is_some() => Ok(Format::Azure),
            v if v.get("skus").is_some() => Ok(Format::Gcp),
            _ => Err(Error::UnknownFormat {
                path: path.to_path_buf(),
                detail: format!("json without products, Items or skus; {SUPPORTED}"),
            }),
        };
    }
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    if first.trim_start_matches('"').starts_with("formatversion") {
        return Ok(Format::AwsCsv);
    }
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect();
    let has = |c: &str| header.iter().any(|h| h == c);
    if has("instance_type") && has("on_demand_hourly") {
        return Ok(Format::Plain);
    }
    if has("instance_type") && has("kind") && has("term_years") {
        return Ok(Format::PlainOffers);
    }
    Err(Error::UnknownFormat {
        path: path.to_path_buf(),
        detail: format!(
            "first line '{}'; {SUPPORTED}",
            first.chars().take(80).collect::<String>()
        ),
    })
}
