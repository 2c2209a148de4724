//! capcast's integration tests: one binary (fastest to link), one module per area.

mod common;

mod billing_azure;
mod billing_cur;
mod billing_focus;
mod billing_gcp;
mod billing_properties;
mod catalog_cli;
mod cli;
mod commitments_exports;
mod commitments_focus;
mod commitments_gcp;
mod forecast_cli;
mod generate;
mod plan_inputs;
mod plan_report;
mod rightsize;
mod series;
mod utilization;
