//! What a planning report is made of: sections, each with key figures, text, charts and
//! tables, or a reason it is not available. Pure data: the HTML writer ([`super::html`]) and
//! the file writer ([`super::output`]) only read it.

use polars::prelude::DataFrame;

use crate::chart::{Chart, ChartFormat};
use crate::error::Result;

/// Whether a section has content.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// The section was computed.
    Ready,
    /// The section could not be computed; the text says why (shown instead of numbers).
    Unavailable(String),
}

/// A chart of the report in both formats: SVG (inlined in the HTML) and PNG (for slides).
#[derive(Debug, Clone)]
pub struct ReportChart {
    /// File stem, unique in the report (`cost_forecast_total`).
    pub name: String,
    /// The caption.
    pub title: String,
    /// The SVG rendering.
    pub svg: Chart,
    /// The PNG rendering.
    pub png: Chart,
}

impl ReportChart {
    /// Renders a chart twice through `render` (once per format).
    ///
    /// # Errors
    /// Whatever `render` returns.
    pub fn new(
        name: impl Into<String>,
        title: impl Into<String>,
        render: impl Fn(ChartFormat) -> Result<Chart>,
    ) -> Result<ReportChart> {
        Ok(ReportChart {
            name: name.into(),
            title: title.into(),
            svg: render(ChartFormat::Svg)?,
            png: render(ChartFormat::Png)?,
        })
    }
}

/// A table of the report; written as CSV and JSON, shown (its first rows) in the HTML.
#[derive(Debug, Clone)]
pub struct ReportTable {
    /// File stem, unique in the report (`forecast_by_service`).
    pub name: String,
    /// The caption.
    pub title: String,
    /// The rows.
    pub frame: DataFrame,
}

impl ReportTable {
    /// A table named `name` with caption `title`.
    pub fn new(name: impl Into<String>, title: impl Into<String>, frame: DataFrame) -> Self {
        ReportTable {
            name: name.into(),
            title: title.into(),
            frame,
        }
    }
}

/// A headline number: a label, its value as text, and an optional note (the interval, the
/// comparison).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What it is (`Forecast, next 30 days`).
    pub label: String,
    /// The value, formatted (`$12,345`).
    pub value: String,
    /// Context (`80 % interval $11,900 – $12,800`), may be empty.
    pub note: String,
}

impl Figure {
    /// A figure.
    pub fn new(
        label: impl Into<String>,
        value: impl Into<String>,
        note: impl Into<String>,
    ) -> Self {
        Figure {
            label: label.into(),
            value: value.into(),
            note: note.into(),
        }
    }
}

/// One part of the report (cost forecast, budget, rightsizing, ...).
#[derive(Debug, Clone)]
pub struct Section {
    /// Anchor and key (`forecast`), unique in the report.
    pub id: String,
    /// The heading.
    pub title: String,
    /// Whether it has content.
    pub status: Status,
    /// Headline numbers.
    pub figures: Vec<Figure>,
    /// Paragraphs of plain text (escaped when written).
    pub text: Vec<String>,
    /// Preformatted text (the load report), shown in a monospace block.
    pub preformatted: Option<String>,
    /// Charts, in order.
    pub charts: Vec<ReportChart>,
    /// Tables, in order.
    pub tables: Vec<ReportTable>,
}

impl Section {
    /// An empty, ready section.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Section {
            id: id.into(),
            title: title.into(),
            status: Status::Ready,
            figures: Vec::new(),
            text: Vec::new(),
            preformatted: None,
            charts: Vec::new(),
            tables: Vec::new(),
        }
    }

    /// A section that is not available, with the reason shown in its place.
    pub fn unavailable(
        id: impl Into<String>,
        title: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Section {
            status: Status::Unavailable(reason.into()),
            ..Section::new(id, title)
        }
    }

    /// Whether the section was computed.
    pub fn is_ready(&self) -> bool {
        self.status == Status::Ready
    }
}

/// A setting or assumption the report was made with (shown in its own table).
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The setting (`Forecast horizon`).
    pub name: String,
    /// Its value (`30 days`).
    pub value: String,
    /// Where it came from or why (`default`, `--budget`, `bundled catalog`).
    pub source: String,
}

impl Setting {
    /// A setting.
    pub fn new(
        name: impl Into<String>,
        value: impl Into<String>,
        source: impl Into<String>,
    ) -> Self {
        Setting {
            name: name.into(),
            value: value.into(),
            source: source.into(),
        }
    }
}
