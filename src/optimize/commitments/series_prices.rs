//! Prices of a GCP machine series' vCPU-hour and memory GiB-hour in a region: the pools of
//! resource-based committed use discounts ([`super::PoolResource::Cores`] and
//! [`super::PoolResource::Memory`]), which commit vCPUs and memory of one series in one region.
//!
//! GCP prices every predefined machine as its vCPUs times the series' vCPU price plus its GiB
//! times the series' memory price (the bundled catalog builds its GCP rows so from libcloud's
//! per-vCPU and per-GiB table, and the Cloud Billing Catalog loader from Google's SKUs). The
//! two prices are read back by least squares over the series' machines in the region
//! (burstable shared-core machines left out). They are exact when the machines have at least
//! two memory-per-vCPU ratios (`standard` 4, `highcpu` 1, `highmem` 8 GiB per vCPU); a fit
//! more than 1 % off any machine is refused, as is a series with one ratio (`c2`, whose
//! bill usage is read into its machine family instead: [`super::gcp_usage`]). Each committed
//! use offer term is fitted the same way, giving the commitment's price per vCPU-hour and per
//! GiB-hour: for `n2` in `us-central1`, 0.031611 and 0.004237 on demand, 0.019915 and 0.002669
//! committed for a year (37 % off), as GCP's `N2 Instance Core`/`Ram` and `Commitment v1: N2
//! Cpu`/`Ram ... for 1 Year` SKUs price them.

use std::collections::BTreeMap;

use super::pricing::{offer_name, PoolKey, PoolResource};
use super::problem::{Coverage, Instrument, Pool};
use crate::error::{Error, Result};
use crate::optimize::catalog::{Catalog, Instance, OfferKind, Payment};

/// The largest relative error of a fitted machine price accepted.
const FIT_TOLERANCE: f64 = 0.01;

/// Price per vCPU-hour and per GiB-hour fitted to `(vcpu, GiB, price)` points; `None` when the
/// points have a single memory-per-vCPU ratio.
fn fit(points: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let (mut vv, mut vm, mut mm, mut vp, mut mp) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(v, m, p) in points {
        vv += v * v;
        vm += v * m;
        mm += m * m;
        vp += v * p;
        mp += m * p;
    }
    let det = vv * mm - vm * vm;
    if det <= 1e-9 * vv * mm {
        return None;
    }
    Some(((vp * mm - mp * vm) / det, (mp * vv - vp * vm) / det))
}

/// The price of the pool's resource from a fit, or an error naming the pool and why.
fn resource_price(key: &PoolKey, what: &str, machines: &[(&Instance, f64)]) -> Result<f64> {
    let refuse = |why: String| {
        Error::parameter(
            "pools",
            format!(
                "pool '{}': {what} of GCP series '{}' in '{}' {why}",
                key.id, key.family, key.region
            ),
        )
    };
    let points: Vec<(f64, f64, f64)> = machines
        .iter()
        .map(|(i, p)| (i.vcpu, i.memory_gib, *p))
        .collect();
    let (core, memory) = fit(&points).ok_or_else(|| {
        refuse("cannot be priced per vCPU and per GiB: the catalog's machines of the series all have the same memory per vCPU".into())
    })?;
    for (instance, price) in machines {
        let fitted = core * instance.vcpu + memory * instance.memory_gib;
        if (fitted - price).abs() > FIT_TOLERANCE * price.abs().max(1e-12) {
            return Err(refuse(format!(
                "cannot be priced per vCPU and per GiB: '{}' costs {price}, the fit gives {fitted:.6}",
                instance.instance_type
            )));
        }
    }
    let price = match key.resource {
        PoolResource::Memory => memory,
        _ => core,
    };
    if price <= 0.0 {
        return Err(refuse(format!("fits a price of {price:.6}, not positive")));
    }
    Ok(price)
}

/// The pool's on-demand price per unit-hour and its committed use instruments (one per term
/// and payment the catalog offers for the series in the region).
///
/// # Errors
/// [`Error::Parameter`] naming the pool when the catalog has no machine of the series in the
/// region, or its prices cannot be split into vCPU and memory prices.
pub(super) fn series_pool(catalog: &Catalog, key: &PoolKey) -> Result<(Pool, Vec<Instrument>)> {
    let prefix = format!("{}-", key.family);
    let machines: Vec<&Instance> = catalog
        .in_region(key.provider, &key.region)
        .filter(|i| i.family.starts_with(&prefix) && !i.burstable)
        .filter(|i| i.vcpu > 0.0 && i.on_demand_hourly > 0.0)
        .collect();
    if machines.is_empty() {
        return Err(Error::parameter(
            "pools",
            format!(
                "pool '{}': the catalog has no {:?} machine of series '{}' in region '{}'",
                key.id, key.provider, key.family, key.region
            ),
        ));
    }
    let on_demand: Vec<(&Instance, f64)> =
        machines.iter().map(|i| (*i, i.on_demand_hourly)).collect();
    let pool = Pool {
        id: key.id.clone(),
        on_demand: resource_price(key, "the on-demand price", &on_demand)?,
    };
    // (term, payment) -> machines with that offer, at its upfront and its hourly fee.
    type Offered<'a> = BTreeMap<(u8, Payment), Vec<(&'a Instance, f64, f64)>>;
    let mut offered: Offered = BTreeMap::new();
    for instance in &machines {
        for offer in &instance.offers {
            if offer.kind == OfferKind::GcpCommittedUse {
                offered
                    .entry((offer.term_years, offer.payment))
                    .or_default()
                    .push((instance, offer.upfront, offer.hourly));
            }
        }
    }
    let mut instruments = Vec::new();
    for ((term_years, payment), rows) in offered {
        let what = format!("the {term_years}-year committed use price");
        let hourly: Vec<(&Instance, f64)> = rows.iter().map(|r| (r.0, r.2)).collect();
        let upfront = if rows.iter().any(|r| r.1 != 0.0) {
            let fees: Vec<(&Instance, f64)> = rows.iter().map(|r| (r.0, r.1)).collect();
            resource_price(key, &format!("{what} (upfront)"), &fees)?
        } else {
            0.0
        };
        instruments.push(Instrument {
            name: format!(
                "{} {}",
                offer_name(OfferKind::GcpCommittedUse, term_years, payment),
                key.id
            ),
            kind: OfferKind::GcpCommittedUse,
            term_years,
            payment,
            upfront,
            hourly: resource_price(key, &what, &hourly)?,
            scope: vec![Coverage {
                pool: key.id.clone(),
                rate: 1.0,
            }],
        });
    }
    Ok((pool, instruments))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::catalog::Provider;

    fn key(series: &str, resource: PoolResource) -> PoolKey {
        PoolKey {
            id: format!("{series} {}/us-central1", resource.as_str()),
            provider: Provider::Gcp,
            region: "us-central1".into(),
            family: series.into(),
            resource,
        }
    }

    /// GCP's list prices for N2 in us-central1 (Cloud Billing Catalog SKUs `N2 Instance Core
    /// running in Americas` 0.031611/h and `N2 Instance Ram running in Americas`
    /// 0.004237/GiB-h; the bundled catalog's rows are built from them, libcloud 3.9.1,
    /// 2025-03-02); 1-year committed: 37 % off, the `Commitment v1: N2 Cpu in Americas for 1
    /// Year` price 0.019915.
    #[test]
    fn n2_vcpu_and_memory_prices_are_read_back_from_the_bundled_machines() {
        let catalog = Catalog::bundled().unwrap();
        let (cores, cud) = series_pool(&catalog, &key("n2", PoolResource::Cores)).unwrap();
        assert!(
            (cores.on_demand - 0.031611).abs() < 2e-6,
            "{}",
            cores.on_demand
        );
        let one_year = cud.iter().find(|i| i.term_years == 1).unwrap();
        assert!(
            (one_year.hourly - 0.019915).abs() < 2e-6,
            "{}",
            one_year.hourly
        );
        assert_eq!(one_year.payment, Payment::NoUpfront);
        assert_eq!(cud.len(), 2);
        let (memory, cud) = series_pool(&catalog, &key("n2", PoolResource::Memory)).unwrap();
        assert!(
            (memory.on_demand - 0.004237).abs() < 2e-7,
            "{}",
            memory.on_demand
        );
        let three_year = cud.iter().find(|i| i.term_years == 3).unwrap();
        assert!((three_year.hourly - 0.004237 * 0.45).abs() < 2e-7);
    }

    #[test]
    fn a_series_of_one_memory_ratio_or_none_in_the_region_is_refused_by_name() {
        let catalog = Catalog::bundled().unwrap();
        let err = series_pool(&catalog, &key("c2", PoolResource::Cores)).unwrap_err();
        assert!(err.to_string().contains("same memory per vCPU"), "{err}");
        assert!(err.to_string().contains("c2 cores/us-central1"), "{err}");
        let err = series_pool(&catalog, &key("m3", PoolResource::Memory)).unwrap_err();
        assert!(
            err.to_string().contains("no Gcp machine of series 'm3'"),
            "{err}"
        );
    }

    #[test]
    fn the_fit_is_exact_on_two_ratios_and_none_on_one() {
        let (c, m) = fit(&[(2.0, 8.0, 0.1), (2.0, 2.0, 0.07)]).unwrap();
        assert!((c - 0.03).abs() < 1e-12 && (m - 0.005).abs() < 1e-12);
        assert!(fit(&[(4.0, 16.0, 0.2), (8.0, 32.0, 0.4)]).is_none());
    }
}
