//! A bill's usage, pools and owned commitments as frames in the shapes
//! [`super::problem_from_frames`] reads (the Python `bill_usage` and `commitment_offers`
//! return these), and catalog instruments as an offers frame.
//!
//! - usage: `unique_id, ds, y` (units per hour; [`super::PoolKey::unit`]);
//! - pools: `pool, provider, region, family, unit`;
//! - offers: `instrument, kind, term_years, payment, upfront, hourly, pool, rate, on_demand`;
//! - existing: the offers columns plus `quantity, end, id`;
//! - owned: every [`OwnedCommitment`] field.

use polars::prelude::*;

use super::billing::{BillUsage, HOUR_US};
use super::frames::strings;
use super::{Instrument, Pool, PoolKey, PoolResource};
use crate::error::{Error, Position, Result};
use crate::optimize::catalog::Provider;

fn utc() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

/// Offers-shaped rows of `instruments`, one per instrument and pool covered, with the pools'
/// on-demand prices; `extra` adds `(quantity, end_us, id)` for an existing frame.
fn instrument_rows(
    instruments: &[Instrument],
    pools: &[Pool],
    extra: Option<&[(f64, i64, String)]>,
) -> Result<DataFrame> {
    let (mut name, mut kind, mut term, mut payment) = (vec![], vec![], vec![], vec![]);
    let (mut upfront, mut hourly, mut pool, mut rate, mut od) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut quantity, mut end, mut id) = (vec![], vec![], vec![]);
    for (i, instrument) in instruments.iter().enumerate() {
        for c in &instrument.scope {
            name.push(instrument.name.clone());
            kind.push(instrument.kind.as_str());
            term.push(i64::from(instrument.term_years));
            payment.push(instrument.payment.as_str());
            upfront.push(instrument.upfront);
            hourly.push(instrument.hourly);
            pool.push(c.pool.clone());
            rate.push(c.rate);
            od.push(
                pools
                    .iter()
                    .find(|p| p.id == c.pool)
                    .map_or(f64::NAN, |p| p.on_demand),
            );
            if let Some(extra) = extra {
                quantity.push(extra[i].0);
                end.push(extra[i].1);
                id.push(extra[i].2.clone());
            }
        }
    }
    let mut df = df!(
        "instrument" => name,
        "kind" => kind,
        "term_years" => term,
        "payment" => payment,
        "upfront" => upfront,
        "hourly" => hourly,
        "pool" => pool,
        "rate" => rate,
        "on_demand" => od,
    )?;
    if extra.is_some() {
        df = df
            .hstack(&[
                Column::new("quantity".into(), quantity),
                Column::new("end".into(), end).cast(&utc())?,
                Column::new("id".into(), id),
            ])?
            .clone();
    }
    Ok(df)
}

/// The offers frame of `instruments` (module docs), priced on `pools`.
///
/// # Errors
/// Only on an internal polars failure.
pub fn offers_frame(pools: &[Pool], instruments: &[Instrument]) -> Result<DataFrame> {
    instrument_rows(instruments, pools, None)
}

/// Pool keys from a pools frame (`pool, provider, region, family`, and `resource` where
/// present: `instances`, `cores` or `memory`, default `instances`; the `pools` frame of a
/// bill).
///
/// # Errors
/// [`Error::Data`] naming the column (and row and value) missing, null, not a provider or
/// not a resource.
pub fn pools_from_frame(df: &DataFrame) -> Result<Vec<PoolKey>> {
    for name in ["pool", "provider", "region", "family"] {
        if df.column(name).is_err() {
            return Err(Error::data(
                Position::default().column(name),
                "the pools frame has no such column (expected pool, provider, region, family)",
            ));
        }
    }
    let col = |name: &str| strings(df, "pools", name);
    let (ids, providers, regions, families) = (
        col("pool")?,
        col("provider")?,
        col("region")?,
        col("family")?,
    );
    let resources = match df.column("resource") {
        Ok(_) => col("resource")?,
        Err(_) => vec![String::new(); df.height()],
    };
    let at = |row: usize, column: &str, value: &str| {
        Position::default()
            .row(row as u64 + 1)
            .column(column)
            .value(value)
    };
    ids.into_iter()
        .zip(providers)
        .zip(regions.into_iter().zip(families))
        .zip(resources)
        .enumerate()
        .map(|(row, (((id, p), (region, family)), r))| {
            let provider = p
                .parse::<Provider>()
                .map_err(|e| Error::data(at(row, "provider", &p), e))?;
            let resource = r
                .parse::<PoolResource>()
                .map_err(|e| Error::data(at(row, "resource", &r), e))?;
            Ok(PoolKey {
                id,
                provider,
                region,
                family,
                resource,
            })
        })
        .collect()
}

impl BillUsage {
    /// Hourly usage as a long frame `unique_id, ds, y` (the optimizer's usage frame; units per
    /// pool in [`Self::pools_frame`]).
    ///
    /// # Errors
    /// Only on an internal polars failure.
    pub fn usage_frame(&self) -> Result<DataFrame> {
        let n = self.pools.len() * self.hours;
        let mut pool = Vec::with_capacity(n);
        let mut ds = Vec::with_capacity(n);
        for p in &self.pools {
            for h in 0..self.hours {
                pool.push(p.id.clone());
                ds.push(self.start_us + h as i64 * HOUR_US);
            }
        }
        let df = df!("unique_id" => pool, "ds" => ds, "y" => self.values.clone())?;
        Ok(df.lazy().with_column(col("ds").cast(utc())).collect()?)
    }

    /// The pools as a frame `pool, provider, region, family, resource, unit`.
    ///
    /// # Errors
    /// Only on an internal polars failure.
    pub fn pools_frame(&self) -> Result<DataFrame> {
        let p = &self.pools;
        Ok(df!(
            "pool" => p.iter().map(|k| k.id.clone()).collect::<Vec<_>>(),
            "provider" => p.iter().map(|k| k.provider.as_str()).collect::<Vec<_>>(),
            "region" => p.iter().map(|k| k.region.clone()).collect::<Vec<_>>(),
            "family" => p.iter().map(|k| k.family.clone()).collect::<Vec<_>>(),
            "resource" => p.iter().map(|k| k.resource.as_str()).collect::<Vec<_>>(),
            "unit" => p.iter().map(PoolKey::unit).collect::<Vec<_>>(),
        )?)
    }

    /// The owned commitments as a frame (`id, kind, scope, quantity, unit, unit_price,
    /// term_years, start, end, end_source`).
    ///
    /// # Errors
    /// Only on an internal polars failure.
    pub fn owned_frame(&self) -> Result<DataFrame> {
        let o = &self.owned;
        let df = df!(
            "id" => o.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
            "kind" => o.iter().map(|c| c.kind.clone()).collect::<Vec<_>>(),
            "scope" => o.iter().map(|c| c.scope.clone()).collect::<Vec<_>>(),
            "quantity" => o.iter().map(|c| c.quantity).collect::<Vec<_>>(),
            "unit" => o.iter().map(|c| c.unit.clone()).collect::<Vec<_>>(),
            "unit_price" => o.iter().map(|c| c.unit_price).collect::<Vec<_>>(),
            "term_years" => o.iter().map(|c| u32::from(c.term_years)).collect::<Vec<_>>(),
            "start" => o.iter().map(|c| c.start_us).collect::<Vec<_>>(),
            "end" => o.iter().map(|c| c.end_us).collect::<Vec<_>>(),
            "end_source" => o.iter().map(|c| c.end_source.clone()).collect::<Vec<_>>(),
        )?;
        Ok(df
            .lazy()
            .with_columns([col("start").cast(utc()), col("end").cast(utc())])
            .collect()?)
    }

    /// The owned commitments priced by `instruments` (see [`Self::owned_instrument`]) as an
    /// existing frame (offers columns plus `quantity, end, id`), and a note per commitment
    /// left out.
    ///
    /// # Errors
    /// Only on an internal polars failure.
    pub fn existing_frame(
        &self,
        pools: &[Pool],
        instruments: &[Instrument],
    ) -> Result<(DataFrame, Vec<String>)> {
        let mut kept = Vec::new();
        let mut extra = Vec::new();
        let mut notes = Vec::new();
        for c in &self.owned {
            match self.owned_instrument(c, instruments) {
                Ok(i) => {
                    kept.push(i);
                    extra.push((c.quantity, c.end_us, c.id.clone()));
                }
                Err(why) => notes.push(why),
            }
        }
        Ok((instrument_rows(&kept, pools, Some(&extra))?, notes))
    }
}
