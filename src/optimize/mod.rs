//! Optimization: instance catalogs and prices ([`catalog`]), rightsizing, and commitment
//! portfolios.
//!
//! Every optimizer prices its advice from a [`catalog::Catalog`]: list prices from the bundled
//! catalog or from the provider's own price files, and effective prices from the user's bill
//! where the billing data has them.

pub mod catalog;
pub mod commitments;
pub mod rightsize;
