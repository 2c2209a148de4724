//! The capacity runway section. Its engine is not part of this build yet, so the section says so
//! instead of showing numbers.

use crate::plan::report::context::Context;
use crate::plan::report::model::Section;

/// The section.
pub(crate) fn section(_ctx: &Context) -> Section {
    Section::unavailable(
        "capacity",
        "Capacity runway",
        "not available in this build: the capacity runway engine (src/plan/runway.rs) is not part of it yet",
    )
}
