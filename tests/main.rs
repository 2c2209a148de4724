//! capcast's integration tests: one binary (fastest to link), one module per area.

mod common;

mod billing_focus;
mod billing_azure;
mod utilization;
mod generate;
mod series;
mod billing_cur;
mod billing_gcp;
mod billing_properties;
mod cli;
