//! The commitments section. The optimizer ([`crate::optimize::commitments`]) is in the build,
//! but the report does not yet derive its inputs from the bill — eligible usage per instance
//! family and region, and the commitments already owned (which must be netted out) — so the
//! section says so instead of recommending a purchase that ignores what is owned.

use crate::plan::report::context::Context;
use crate::plan::report::model::Section;

/// The section.
pub(crate) fn section(_ctx: &Context) -> Section {
    Section::unavailable(
        "commitments",
        "Commitments",
        "not available in this build: the commitment optimizer is present, but the report does not yet read eligible usage per pool and the commitments already owned from the bill; use capcast.optimize_commitments with usage, offers and existing frames",
    )
}
