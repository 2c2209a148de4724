//! EC2 instance-hours and the two commitments that cover them: a Reserved Instance (1 year,
//! all upfront) and a Compute Savings Plan (3 years, no upfront, billed monthly).
//!
//! # The accounting rule the sample satisfies, exactly
//! For every `CommitmentDiscountId` and every hour of the window, the `Used` and `Unused` usage
//! rows together carry the whole hourly commitment: their `CommitmentDiscountQuantity` sums to
//! the commitment (5 instance-hours for the RI, the hourly USD commitment for the Savings Plan)
//! and their `EffectiveCost` sums to the hourly amortized fee. Over the window:
//!
//! `sum(EffectiveCost of usage rows) = sum over purchase rows p of
//!  BilledCost(p) * hours(ChargePeriod(p) within the window) / hours(ChargePeriod(p))`
//!
//! A purchase row's charge period is the time it pays for: the whole one-year term for the RI
//! (bought at the window start, renewed each year), the calendar month for the Savings Plan's
//! recurring fee. The Savings Plan's months lie inside the window, so its usage rows sum to its
//! purchase rows exactly; the RI's usage rows sum to the share of the upfront fee amortized
//! over the window's hours (all of it when the window covers whole terms). Amounts are decimal
//! with ten places and the hourly amortization is distributed in integer units of 1e-10, so the
//! rule holds to 1e-10 USD.
//!
//! AWS applies the RI first (to m5.xlarge Linux in us-east-1, in fleet order), then the Savings
//! Plan to the remaining instance-hours with the deepest discount first; an instance-hour the
//! Savings Plan covers only in part is split into a covered row and an on-demand row.

use super::billing::{Commitment, Kind, Line, Meter, Model};
use super::calendar::{add_months, epoch, HOUR};
use super::catalog::{
    on_demand_price, sku, stream, uuid, EC2, REGIONS, SAVINGS_PLANS, SHARED, US_EAST_1,
};
use super::fixed::Fixed;
use super::SampleOptions;

/// Instances the Reserved Instance covers each hour.
pub(crate) const RI_COUNT: i64 = 5;
/// Instance type the Reserved Instance applies to (in us-east-1).
pub(crate) const RI_TYPE: &str = "m5.xlarge";
/// The RI's amortized price per instance-hour (the upfront fee is this times 5 times the
/// term's hours).
pub(crate) const RI_HOURLY: f64 = 0.12;
/// The Savings Plan's hourly commitment in USD.
pub(crate) const SP_HOURLY: f64 = 1.45;

const ON_DEMAND_OFFER: &str = ".JRTCKXETXF.6YS6EN2CT7";
const RI_OFFER: &str = ".6QCMYABX3D.6YS6EN2CT7";
const SP_OFFER: &str = ".SPC3YNUPFRT.6YS6EN2CT7";

struct InstanceMeters {
    on_demand: u32,
    reserved: Option<u32>,
    savings_plan: u32,
    price: Fixed,
    sp_price: Fixed,
}

struct Term {
    start: i64,
    end: i64,
    commitment: u16,
    unused_meter: u32,
    upfront: Fixed,
}

fn usage(meter: u32, kind: Kind, model: &Model, h: usize) -> Line {
    let start = model.window.hour_start(h);
    Line {
        meter,
        kind,
        charge_start: start,
        charge_end: start + HOUR,
        month: model.window.hours[h].month as u16,
        pricing_quantity: Fixed::ONE,
        consumed_quantity: Some(Fixed::ONE),
        billed: Fixed::ZERO,
        effective: Fixed::ZERO,
        list: Fixed::ZERO,
        contracted: Fixed::ZERO,
        commitment: None,
        commitment_quantity: None,
    }
}

/// The hourly fee of hour `offset` of a term of `hours` hours whose total is `total`: integer
/// shares that add up to `total` over the term.
fn amortized(total: Fixed, hours: i64, offset: i64) -> Fixed {
    let share = |k: i64| (total.0 as i128 * k as i128 / hours as i128) as i64;
    Fixed(share(offset + 1) - share(offset))
}

fn instance_meters(model: &mut Model) -> Vec<InstanceMeters> {
    let mut out = Vec::new();
    for index in 0..model.fleet.instances.len() {
        let instance = &model.fleet.instances[index];
        let region = &REGIONS[instance.region];
        let itype = instance.itype;
        let price = on_demand_price(itype, region);
        let usage_type = format!("{}BoxUsage:{}", region.usage_prefix, itype.name);
        let sku_id = sku(&usage_type);
        let details = format!(
            r#"{{"InstanceType":"{}","InstanceFamily":"{}","vCPU":{},"MemoryGiB":{},"OperatingSystem":"Linux","Tenancy":"Shared"}}"#,
            itype.name, itype.family, itype.vcpu, itype.memory_gib
        );
        let template = |price_id: &str, description: String| Meter {
            account: instance.account,
            service: &EC2,
            region: Some(region),
            zone: Some(instance.zone.clone()),
            resource_id: Some(instance.resource_id.clone()),
            resource_name: Some(instance.name.to_string()),
            resource_type: Some("Instance"),
            sku_id: sku_id.clone(),
            sku_price_id: format!("{sku_id}{price_id}"),
            sku_meter: usage_type.clone(),
            description,
            pricing_unit: "Hours",
            consumed_unit: Some("Hours"),
            list_unit_price: Some(Fixed::from_f64(price)),
            contracted_unit_price: Some(Fixed::from_f64(price)),
            sku_price_details: Some(details.clone()),
            tags: instance.tags.map(str::to_string),
        };
        let on_demand = template(
            ON_DEMAND_OFFER,
            format!("${price} per On Demand Linux {} Instance Hour", itype.name),
        );
        let reserved = (itype.name == RI_TYPE && instance.region == US_EAST_1).then(|| {
            template(
                RI_OFFER,
                format!(
                    "USD 0.0 hourly fee per Linux/UNIX (Amazon VPC), {} reserved instance applied",
                    itype.name
                ),
            )
        });
        let savings_plan = template(
            SP_OFFER,
            format!(
                "Compute Savings Plan rate for Linux {} in {}",
                itype.name, region.name
            ),
        );
        let sp_price = Fixed::from_f64(price * itype.sp_rate);
        let on_demand = model.add_meter(on_demand);
        let reserved = reserved.map(|m| model.add_meter(m));
        let savings_plan = model.add_meter(savings_plan);
        out.push(InstanceMeters {
            on_demand,
            reserved,
            savings_plan,
            price: Fixed::from_f64(price),
            sp_price,
        });
    }
    out
}

fn reserved_instances(
    model: &mut Model,
    options: &SampleOptions,
    ids: &mut rand::rngs::StdRng,
) -> Vec<Term> {
    let region = &REGIONS[US_EAST_1];
    let price = on_demand_price(super::catalog::instance_type(RI_TYPE), region);
    let usage_type = format!("{}BoxUsage:{RI_TYPE}", region.usage_prefix);
    let sku_id = sku(&usage_type);
    let mut terms = Vec::new();
    let mut year = 0;
    loop {
        let start = epoch(add_months(options.start, 12 * year));
        if start >= model.window.end {
            break;
        }
        let end = epoch(add_months(options.start, 12 * (year + 1)));
        let hours = (end - start) / HOUR;
        let upfront = Fixed::from_f64(RI_HOURLY).scale(RI_COUNT * hours);
        let id = format!(
            "arn:aws:ec2:us-east-1:{}:reserved-instances/{}",
            model.account_id(SHARED),
            uuid(ids)
        );
        let commitment = model.add_commitment(Commitment {
            id: id.clone(),
            name: format!("{RI_COUNT} x {RI_TYPE} Linux/UNIX us-east-1, 1 yr Standard All Upfront"),
            category: "Usage",
            kind: "Reserved Instance",
            unit: "Hours",
        });
        let base = |sku_meter: String, description: String, unit_price: f64| Meter {
            account: SHARED,
            service: &EC2,
            region: Some(region),
            zone: None,
            resource_id: Some(id.clone()),
            resource_name: None,
            resource_type: Some("Reserved Instance"),
            sku_id: sku_id.clone(),
            sku_price_id: format!("{sku_id}{RI_OFFER}"),
            sku_meter,
            description,
            pricing_unit: "Hours",
            consumed_unit: None,
            list_unit_price: Some(Fixed::from_f64(unit_price)),
            contracted_unit_price: Some(Fixed::from_f64(unit_price)),
            sku_price_details: Some(format!(
                r#"{{"InstanceType":"{RI_TYPE}","InstanceCount":{RI_COUNT},"Term":"1yr","PurchaseOption":"All Upfront","OfferingClass":"standard","OperatingSystem":"Linux"}}"#
            )),
            tags: None,
        };
        let purchase = model.add_meter(base(
            format!("HeavyUsage:{RI_TYPE}"),
            format!(
                "Sign-up charge for subscription: {RI_COUNT} x {RI_TYPE} Linux/UNIX (Amazon VPC), 1 yr Standard All Upfront"
            ),
            RI_HOURLY,
        ));
        let unused_meter = model.add_meter(base(
            format!("Reservation:{RI_TYPE}"),
            format!("Unused reservation hours: {RI_TYPE} Linux/UNIX (Amazon VPC), us-east-1"),
            price,
        ));
        let quantity = Fixed::whole(RI_COUNT * hours);
        model.lines.push(Line {
            meter: purchase,
            kind: Kind::OneTimePurchase,
            charge_start: start,
            charge_end: end,
            month: model.window.month_of(start) as u16,
            pricing_quantity: quantity,
            consumed_quantity: None,
            billed: upfront,
            effective: Fixed::ZERO,
            list: upfront,
            contracted: upfront,
            commitment: Some(commitment),
            commitment_quantity: Some(quantity),
        });
        terms.push(Term {
            start,
            end,
            commitment,
            unused_meter,
            upfront,
        });
        year += 1;
    }
    terms
}

/// Adds the fleet's instance-hours, the RI and the Savings Plan with their purchase rows.
pub(crate) fn add_compute(model: &mut Model, options: &SampleOptions) {
    let mut ids = stream(options.seed, "commitment-ids");
    let meters = instance_meters(model);
    let terms = reserved_instances(model, options, &mut ids);

    // The Savings Plan and its monthly fees.
    let commitment_hourly = Fixed::from_f64(SP_HOURLY);
    let sp_id = format!(
        "arn:aws:savingsplans::{}:savingsplan/{}",
        model.account_id(SHARED),
        uuid(&mut ids)
    );
    let sp = model.add_commitment(Commitment {
        id: sp_id.clone(),
        name: format!("Compute Savings Plan, 3 yr No Upfront, {SP_HOURLY} USD/hour"),
        category: "Spend",
        kind: "Savings Plan",
        unit: "USD",
    });
    let sp_sku = sku("ComputeSP:3yrNoUpfront");
    let sp_meter = |description: String, unit_price: Option<Fixed>| Meter {
        account: SHARED,
        service: &SAVINGS_PLANS,
        region: None,
        zone: None,
        resource_id: Some(sp_id.clone()),
        resource_name: None,
        resource_type: Some("Savings Plan"),
        sku_id: sp_sku.clone(),
        sku_price_id: format!("{sp_sku}{SP_OFFER}"),
        sku_meter: "ComputeSP:3yrNoUpfront".to_string(),
        description,
        pricing_unit: "Hours",
        consumed_unit: None,
        list_unit_price: unit_price,
        contracted_unit_price: unit_price,
        sku_price_details: Some(format!(
            r#"{{"Term":"3yr","PurchaseOption":"No Upfront","HourlyCommitment":{SP_HOURLY}}}"#
        )),
        tags: None,
    };
    let sp_purchase = model.add_meter(sp_meter(
        format!("3 year No Upfront Compute Savings Plan with {SP_HOURLY} USD hourly commitment"),
        Some(commitment_hourly),
    ));
    let sp_unused = model.add_meter(sp_meter(
        "Unused Compute Savings Plan commitment".to_string(),
        None,
    ));
    for index in 0..model.window.months.len() {
        let month = &model.window.months[index];
        let fee = commitment_hourly.scale(month.hours);
        let line = Line {
            meter: sp_purchase,
            kind: Kind::RecurringPurchase,
            charge_start: month.start,
            charge_end: month.end,
            month: index as u16,
            pricing_quantity: Fixed::whole(month.hours),
            consumed_quantity: None,
            billed: fee,
            effective: Fixed::ZERO,
            list: fee,
            contracted: fee,
            commitment: Some(sp),
            commitment_quantity: Some(fee),
        };
        model.lines.push(line);
    }

    // Hour by hour: RI first, then the Savings Plan, then on demand.
    let fleet_len = model.fleet.instances.len();
    let mut sp_order: Vec<usize> = (0..fleet_len).collect();
    sp_order.sort_by(|a, b| {
        let rate = |i: usize| model.fleet.instances[i].itype.sp_rate;
        rate(*a).total_cmp(&rate(*b)).then(a.cmp(b))
    });
    let mut lines = Vec::new();
    for h in 0..model.window.hours.len() {
        let start = model.window.hour_start(h);
        let running = |i: usize| model.fleet.instances[i].running[h];
        let mut covered = vec![false; fleet_len];

        if let Some(term) = terms.iter().find(|t| t.start <= start && start < t.end) {
            let hours = (term.end - term.start) / HOUR;
            let fee = amortized(term.upfront, hours, (start - term.start) / HOUR);
            let slot = |j: i64| {
                Fixed(
                    (fee.0 as i128 * (j + 1) as i128 / RI_COUNT as i128
                        - fee.0 as i128 * j as i128 / RI_COUNT as i128) as i64,
                )
            };
            let mut used = 0;
            for i in 0..fleet_len {
                let Some(meter) = meters[i].reserved else {
                    continue;
                };
                if used == RI_COUNT || !running(i) {
                    continue;
                }
                let mut line = usage(meter, Kind::Used, model, h);
                line.effective = slot(used);
                line.list = meters[i].price;
                line.contracted = meters[i].price;
                line.commitment = Some(term.commitment);
                line.commitment_quantity = Some(Fixed::ONE);
                lines.push(line);
                covered[i] = true;
                used += 1;
            }
            if used < RI_COUNT {
                let idle = RI_COUNT - used;
                let price = meters.iter().find_map(|m| m.reserved.map(|_| m.price));
                let price = price.unwrap_or(Fixed::ZERO);
                let mut line = usage(term.unused_meter, Kind::Unused, model, h);
                line.pricing_quantity = Fixed::whole(idle);
                line.consumed_quantity = None;
                line.effective = (used..RI_COUNT).fold(Fixed::ZERO, |acc, j| acc.add(slot(j)));
                line.list = price.scale(idle);
                line.contracted = line.list;
                line.commitment = Some(term.commitment);
                line.commitment_quantity = Some(Fixed::whole(idle));
                lines.push(line);
            }
        }

        let mut remaining = commitment_hourly;
        for &i in &sp_order {
            if covered[i] || !running(i) {
                continue;
            }
            let m = &meters[i];
            let on_demand = |quantity: Fixed| {
                let mut line = usage(m.on_demand, Kind::Usage, model, h);
                let cost = m.price.times(quantity);
                line.pricing_quantity = quantity;
                line.consumed_quantity = Some(quantity);
                line.billed = cost;
                line.effective = cost;
                line.list = cost;
                line.contracted = cost;
                line
            };
            if remaining.0 <= 0 {
                lines.push(on_demand(Fixed::ONE));
                continue;
            }
            let (quantity, spend) = if m.sp_price <= remaining {
                (Fixed::ONE, m.sp_price)
            } else {
                let share = Fixed::from_f64(remaining.to_f64() / m.sp_price.to_f64());
                (share, remaining)
            };
            let mut line = usage(m.savings_plan, Kind::Used, model, h);
            line.pricing_quantity = quantity;
            line.consumed_quantity = Some(quantity);
            line.effective = spend;
            line.list = m.price.times(quantity);
            line.contracted = line.list;
            line.commitment = Some(sp);
            line.commitment_quantity = Some(spend);
            lines.push(line);
            remaining = remaining.sub(spend);
            if quantity < Fixed::ONE {
                lines.push(on_demand(Fixed::ONE.sub(quantity)));
            }
        }
        if remaining.0 > 0 {
            let mut line = usage(sp_unused, Kind::Unused, model, h);
            line.consumed_quantity = None;
            line.effective = remaining;
            line.list = remaining;
            line.contracted = remaining;
            line.commitment = Some(sp);
            line.commitment_quantity = Some(remaining);
            lines.push(line);
        }
    }
    model.lines.extend(lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn amortization_shares_add_up_to_the_total() {
        let total = Fixed::from_f64(1234.5678901234);
        let hours = 8784;
        let sum: i64 = (0..hours).map(|o| amortized(total, hours, o).0).sum();
        assert_eq!(sum, total.0);
    }

    #[test]
    fn every_hour_carries_the_whole_commitment() {
        let options = SampleOptions {
            months: 2,
            ..SampleOptions::default()
        };
        let model = Model::build(&options, 0);
        let ri = model
            .commitments
            .iter()
            .position(|c| c.kind == "Reserved Instance")
            .unwrap() as u16;
        let sp = model
            .commitments
            .iter()
            .position(|c| c.kind == "Savings Plan")
            .unwrap() as u16;
        let mut quantity: HashMap<(u16, i64), i64> = HashMap::new();
        let mut effective: HashMap<(u16, i64), i64> = HashMap::new();
        let mut statuses = HashMap::new();
        for line in &model.lines {
            if matches!(line.kind, Kind::Used | Kind::Unused) {
                let key = (line.commitment.unwrap(), line.charge_start);
                *quantity.entry(key).or_default() += line.commitment_quantity.unwrap().0;
                *effective.entry(key).or_default() += line.effective.0;
                *statuses.entry((key.0, line.kind)).or_insert(0) += 1;
                assert_eq!(line.billed, Fixed::ZERO);
            }
        }
        let hours = model.window.hours.len();
        assert_eq!(quantity.len(), 2 * hours);
        for ((commitment, _), q) in &quantity {
            if *commitment == ri {
                assert_eq!(*q, Fixed::whole(RI_COUNT).0);
            } else {
                assert_eq!(*q, Fixed::from_f64(SP_HOURLY).0);
            }
        }
        for ((commitment, _), e) in &effective {
            let expected = if *commitment == ri {
                Fixed::from_f64(RI_HOURLY).scale(RI_COUNT)
            } else {
                Fixed::from_f64(SP_HOURLY)
            };
            assert_eq!(*e, expected.0);
        }
        // Both commitments have used and unused hours.
        for c in [ri, sp] {
            assert!(statuses.get(&(c, Kind::Used)).copied().unwrap_or(0) > 0);
            assert!(statuses.get(&(c, Kind::Unused)).copied().unwrap_or(0) > 0);
        }
    }

    #[test]
    fn reserved_instance_renews_and_amortizes_the_window_share() {
        // 14 months: the first term lies inside the window, the second (2027-05-01 to
        // 2028-05-01, with 29 February: 8784 hours) only for May and June 2027.
        let options = SampleOptions {
            months: 14,
            ..SampleOptions::default()
        };
        let model = Model::build(&options, 0);
        let purchases: Vec<&Line> = model
            .lines
            .iter()
            .filter(|l| l.kind == Kind::OneTimePurchase)
            .collect();
        assert_eq!(purchases.len(), 2);
        assert_eq!(
            purchases[0].billed,
            Fixed::from_f64(RI_HOURLY).scale(5 * 8760)
        );
        assert_eq!(
            purchases[1].billed,
            Fixed::from_f64(RI_HOURLY).scale(5 * 8784)
        );
        for purchase in purchases {
            let id = purchase.commitment;
            let usage: i64 = model
                .lines
                .iter()
                .filter(|l| l.commitment == id && matches!(l.kind, Kind::Used | Kind::Unused))
                .map(|l| l.effective.0)
                .sum();
            let term = (purchase.charge_end - purchase.charge_start) / HOUR;
            let inside = (purchase.charge_end.min(model.window.end) - purchase.charge_start) / HOUR;
            let share = purchase.billed.0 as i128 * inside as i128 / term as i128;
            assert_eq!(usage as i128, share);
        }
    }

    #[test]
    fn savings_plan_splits_partially_covered_hours() {
        let model = Model::build(&SampleOptions::default(), 0);
        let partial = model
            .lines
            .iter()
            .filter(|l| l.kind == Kind::Used && l.pricing_quantity < Fixed::ONE)
            .count();
        assert!(partial > 0);
        // Every instance-hour is billed for exactly one hour in total.
        let mut hours: HashMap<(String, i64), i64> = HashMap::new();
        for line in &model.lines {
            let meter = &model.meters[line.meter as usize];
            if meter.resource_type == Some("Instance") {
                let id = meter.resource_id.clone().unwrap();
                *hours.entry((id, line.charge_start)).or_default() += line.pricing_quantity.0;
            }
        }
        assert!(hours.values().all(|q| *q == Fixed::ONE.0));
        let running: usize = model
            .fleet
            .instances
            .iter()
            .map(|i| i.running.iter().filter(|r| **r).count())
            .sum();
        assert_eq!(hours.len(), running);
    }
}
