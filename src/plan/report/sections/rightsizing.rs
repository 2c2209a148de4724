//! The rightsizing section. Its engine is not part of this build yet, so the section says so
//! instead of showing numbers.

use crate::plan::report::context::Context;
use crate::plan::report::model::Section;

/// The section.
pub(crate) fn section(_ctx: &Context) -> Section {
    Section::unavailable(
        "rightsizing",
        "Rightsizing",
        "not available in this build: the rightsizing engine (src/optimize/rightsize) is not part of it yet",
    )
}
