//! Loaders: billing exports to FOCUS 1.2 frames, utilization exports to one long frame.

pub mod billing;
pub mod utilization;
pub mod write;

pub use billing::{read_billing, Billing, BillingOptions, LoadReport};
pub use utilization::{read_utilization, Utilization, UtilizationOptions};
