//! The usage-based services around the fleet (storage, databases, serverless, CDN, data
//! transfer, ETL, ...): one hourly series each, shaped by trend, daily and weekly cycles,
//! month-end effects, the mid-window level shift and autocorrelated noise.
//!
//! The patterns a forecaster must find are planted here:
//! - month-end: AWS Glue runs its monthly close all day on the last two days of each month
//!   (and only 01:00-05:00 UTC on other days); data transfer doubles on those days;
//! - level shift: from [`super::SampleOptions::level_shift_date`] a second database migrated
//!   from on premises runs on Amazon RDS, doubling the service's cost;
//! - trend: storage and traffic grow a few percent a month;
//! - cycles: traffic-driven services peak at 15:00 UTC and drop at weekends.

use rand_distr::{Distribution, StandardNormal};

use super::billing::{Kind, Line, Meter, Model};
use super::calendar::{HourFacts, HOUR};
use super::catalog::{hex, sku, stream, REGIONS};
use super::fixed::Fixed;
use super::fleet::diurnal;
use super::service_table::{Active, Profile, SERIES};

fn fill(template: &str, account: &str, region: &str, hex: &str) -> String {
    template
        .replace("{account}", account)
        .replace("{region}", region)
        .replace("{hex}", hex)
}

impl Profile {
    /// Whether the series has a row in an hour.
    fn active(&self, facts: &HourFacts) -> bool {
        match self.active {
            Active::Always => true,
            Active::Batch => facts.month_end || (1..5).contains(&facts.hour_of_day),
            Active::AfterShift => facts.after_shift,
        }
    }

    /// The hourly level before noise.
    fn level(&self, facts: &HourFacts) -> f64 {
        let mut level = self.base * (1.0 + self.growth * facts.elapsed_months);
        level *= diurnal(facts.hour_of_day, self.diurnal);
        if facts.weekend {
            level *= self.weekend;
        }
        if facts.month_end {
            level *= self.month_end;
        }
        if facts.after_shift {
            level *= self.shift;
        }
        level
    }
}

/// Adds one meter and its hourly rows for every service series.
pub(crate) fn add_services(model: &mut Model, seed: u64) {
    let mut ids = stream(seed, "service-ids");
    for series in SERIES {
        let region = series.region.map(|r| &REGIONS[r]);
        let resource = series.resource.map(|template| {
            let digits = hex(&mut ids, 16);
            // CloudFront distribution ids are upper-case; volume, NAT and ALB ids lower-case.
            let digits = if template.contains("cloudfront") {
                digits.to_uppercase()
            } else {
                digits
            };
            fill(
                template,
                model.account_id(series.account),
                region.map_or("", |r| r.id),
                &digits,
            )
        });
        let resource_name = resource
            .as_deref()
            .map(|r| r.rsplit(['/', ':']).next().unwrap_or(r).to_string());
        let sku_id = sku(&format!("{}/{}", series.service.name, series.usage_type));
        let list = Fixed::from_f64(series.price);
        let contracted = Fixed::from_f64(series.price * (1.0 - series.discount));
        let meter = model.add_meter(Meter {
            account: series.account,
            service: series.service,
            region,
            zone: None,
            resource_name,
            resource_id: resource,
            resource_type: series.resource_type,
            sku_price_id: format!("{sku_id}.JRTCKXETXF.6YS6EN2CT7"),
            sku_id,
            sku_meter: series.usage_type.to_string(),
            description: series.description.to_string(),
            pricing_unit: series.unit,
            consumed_unit: Some(series.unit),
            list_unit_price: Some(list),
            contracted_unit_price: Some(contracted),
            sku_price_details: series.details.map(str::to_string),
            tags: series.tags.map(str::to_string),
        });
        let mut rng = stream(seed, series.key);
        let profile = &series.profile;
        let mut noise = 0.0;
        let phi: f64 = 0.7;
        for (h, facts) in model.window.hours.iter().enumerate() {
            let z: f64 = StandardNormal.sample(&mut rng);
            noise = phi * noise + profile.noise * (1.0 - phi * phi).sqrt() * z;
            if !profile.active(facts) {
                continue;
            }
            let mut quantity = profile.level(facts) * noise.exp();
            if profile.storage {
                quantity /= model.window.months[facts.month].hours as f64;
            }
            // As many decimals as a meter reports: whole requests, GB to the megabyte.
            let places = if quantity >= 1000.0 {
                0
            } else if quantity >= 1.0 {
                3
            } else {
                6
            };
            let quantity = Fixed::rounded(quantity, places);
            let start = model.window.hour_start(h);
            let billed = contracted.times(quantity);
            model.lines.push(Line {
                meter,
                kind: Kind::Usage,
                charge_start: start,
                charge_end: start + HOUR,
                month: facts.month as u16,
                pricing_quantity: quantity,
                consumed_quantity: Some(quantity),
                billed,
                effective: billed,
                list: list.times(quantity),
                contracted: billed,
                commitment: None,
                commitment_quantity: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::SampleOptions;

    #[test]
    fn series_keys_are_unique() {
        let mut keys: Vec<&str> = SERIES.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SERIES.len());
        assert!(SERIES
            .iter()
            .any(|s| s.service.name == crate::generate::MONTH_END_SERVICE
                && s.profile.month_end > 1.0));
    }

    #[test]
    fn storage_bills_gb_months() {
        let model = Model::build(
            &SampleOptions {
                months: 1,
                ..SampleOptions::default()
            },
            0,
        );
        let index = model
            .meters
            .iter()
            .position(|m| m.resource_id.as_deref() == Some("arn:aws:s3:::acme-payments-receipts"))
            .unwrap() as u32;
        let gb_months: f64 = model
            .lines
            .iter()
            .filter(|l| l.meter == index)
            .map(|l| l.pricing_quantity.to_f64())
            .sum();
        // About 8 TB stored for one month, growing 3 % a month.
        assert!((8_000.0..8_300.0).contains(&gb_months), "{gb_months}");
    }

    #[test]
    fn glue_runs_nightly_and_all_day_at_month_end() {
        let options = SampleOptions {
            months: 1,
            ..SampleOptions::default()
        };
        let model = Model::build(&options, 0);
        let glue = model
            .meters
            .iter()
            .position(|m| m.service.name == "AWS Glue")
            .unwrap() as u32;
        let hours: Vec<i64> = model
            .lines
            .iter()
            .filter(|l| l.meter == glue)
            .map(|l| (l.charge_start - model.window.start) / HOUR)
            .collect();
        // 29 days x 4 nightly hours + 2 days x 24 hours.
        assert_eq!(hours.len(), 29 * 4 + 48);
    }
}
