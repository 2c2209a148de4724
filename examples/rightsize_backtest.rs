//! The Bitbrains rightsizing backtest: recommend from the first half of each VM of
//! `../shared/data/utilization/bitbrains-rnd-2013-7`, replay the second half, and print total
//! savings and how often 5-minute demand exceeded the recommended capacity, for the default
//! settings and alternatives.
//!
//! `cargo run --release --example rightsize_backtest [PATH]`

use capcast::ingest::{read_utilization, UtilizationOptions};
use capcast::optimize::rightsize::backtest::{backtest, split_halves, LinearPrice};
use capcast::optimize::rightsize::{rightsize, MemoryStatistic, RightsizeInput, RightsizeParams};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/utilization/bitbrains-rnd-2013-7".into());
    let load = read_utilization(&[&path], &UtilizationOptions::default())?;
    let base = RightsizeParams::default();
    let settings = [
        ("default: P99.5 cpu +20 %, max memory +20 %", base.clone()),
        (
            "P95 cpu +10 %, max memory +10 %",
            base.clone()
                .cpu_percentile(95.0)
                .cpu_headroom(10.0)
                .memory_headroom(10.0),
        ),
        (
            "max cpu +0 %, max memory +0 %",
            base.clone()
                .cpu_percentile(100.0)
                .cpu_headroom(0.0)
                .memory_headroom(0.0),
        ),
        (
            "P90 cpu +0 %, P99 memory +0 %",
            base.clone()
                .cpu_percentile(90.0)
                .cpu_headroom(0.0)
                .memory_statistic(MemoryStatistic::Percentile(99.0))
                .memory_headroom(0.0),
        ),
    ];
    let price = LinearPrice::default();
    println!(
        "Bitbrains {path}: recommend from the first half of each VM, check the second half.\n\
         Savings priced at ${}/vCPU-h and ${}/GiB-h (GCP N2 custom, us-central1).\n",
        price.per_vcpu_hour, price.per_gib_hour
    );
    println!(
        "| settings | VMs sized | vCPU before -> after | GiB before -> after | savings % | cpu samples exceeded % | memory samples exceeded % | either exceeded % |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, params) in settings {
        let s = backtest(&load.samples, &load.resources, &params, price)?;
        println!(
            "| {name} | {}/{} | {:.0} -> {:.0} | {:.1} -> {:.1} | {:.1} | {:.3} | {:.3} | {:.3} |",
            s.recommended,
            s.resources,
            s.vcpu_current,
            s.vcpu_recommended,
            s.memory_current,
            s.memory_recommended,
            s.savings_percent,
            s.cpu_exceeded_percent,
            s.memory_exceeded_percent,
            s.any_exceeded_percent
        );
    }
    // The VMs that got no size: their finding and why (first half, default settings).
    let (first, _) = split_halves(&load.samples)?;
    let result = rightsize(
        &RightsizeInput::new(&first).resources(&load.resources),
        &RightsizeParams::default(),
    )?;
    println!("\nVMs without a recommendation (first half, default settings):");
    for rec in result.recommendations() {
        if !rec.finding.is_some_and(|f| f.recommends()) {
            println!(
                "- VM {}: {} ({} hours of data, {} samples): {}",
                rec.resource_id,
                rec.finding.map_or("none", |f| f.name()),
                rec.hours_of_data,
                rec.samples,
                rec.reason.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}
