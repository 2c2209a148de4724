//! Charts for reports: a forecast fan chart and horizontal bar charts, as SVG or PNG.
//!
//! Every chart is described by a builder and rendered into a [`Chart`], which holds the
//! finished file in memory (SVG text or PNG bytes) until it is saved:
//!
//! ```
//! use capcast::chart::{BarChart, ChartFormat, ValueFormat};
//!
//! let chart = BarChart::new(vec![("payments".into(), 1250.0), ("search".into(), 830.5)])
//!     .title("Savings by team")
//!     .value_format(ValueFormat::currency("$"))
//!     .render(ChartFormat::Svg)?;
//! assert!(chart.to_svg_string().unwrap().contains("Savings by team"));
//! # Ok::<(), capcast::Error>(())
//! ```
//!
//! - [`fan`]: history, point forecast, shaded prediction intervals (wider levels lighter) and
//!   dashed changepoint markers on a UTC date axis ([`FanChart`]).
//! - [`bars`]: sorted horizontal bars with value labels, such as cost by service or savings by
//!   team ([`BarChart`]).
//! - [`budget`]: a budget burn-down: cumulative actual and forecast spend against the budget
//!   ([`BurndownChart`]).
//! - [`distribution`]: histograms of samples with labelled capacity and statistic markers,
//!   such as one resource's CPU and memory against its current and recommended size
//!   ([`DistributionChart`]).
//! - [`runway`]: forecast utilization bands against a capacity threshold, with the crossing
//!   date marked ([`RunwayChart`]).
//!
//! SVG text stays real `<text>` elements (searchable, selectable, styled by the viewer's
//! `sans-serif`). PNG text is drawn from DejaVu Sans, embedded in the library from
//! `data/fonts/` (Bitstream Vera licence, see `data/fonts/LICENSE-DejaVu.txt`), so rendering
//! needs no system font library.

mod axis;
pub mod bars;
pub mod budget;
pub mod distribution;
pub mod fan;
pub mod frames;
pub mod runway;
pub mod slo;
mod timeplot;

use std::path::Path;
use std::sync::Once;

use plotters::backend::RGBPixel;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};

pub use axis::ValueFormat;
pub use bars::{BarChart, BarOrder};
pub use budget::BurndownChart;
pub use distribution::{DistributionChart, DistributionPanel, MarkerKind};
pub use fan::FanChart;
pub use runway::RunwayChart;
pub use slo::BurnRateChart;

/// The smallest and largest accepted width or height, in pixels.
pub const SIZE_RANGE: (u32, u32) = (200, 8000);

/// The file format of a rendered chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// Scalable vector graphics, text kept as `<text>` elements.
    Svg,
    /// A PNG image (8-bit RGB).
    Png,
}

impl ChartFormat {
    /// The format named by a file's extension (`.svg` or `.png`, any case).
    ///
    /// # Errors
    /// [`Error::UnknownFormat`] naming the path for any other extension or none.
    pub fn from_path(path: impl AsRef<Path>) -> Result<ChartFormat> {
        let path = path.as_ref();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(ChartFormat::Svg),
            Some("png") => Ok(ChartFormat::Png),
            _ => Err(Error::UnknownFormat {
                path: path.to_path_buf(),
                detail: "a chart file must end in .svg or .png".into(),
            }),
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Svg => "svg",
            ChartFormat::Png => "png",
        }
    }
}

/// A rendered chart: the complete SVG document or PNG file, in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    format: ChartFormat,
    size: (u32, u32),
    bytes: Vec<u8>,
}

impl Chart {
    /// The format it was rendered in.
    pub fn format(&self) -> ChartFormat {
        self.format
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    /// The file's bytes (UTF-8 SVG text or PNG).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The SVG document, or `None` for a PNG chart.
    pub fn to_svg_string(&self) -> Option<String> {
        match self.format {
            ChartFormat::Svg => Some(String::from_utf8_lossy(&self.bytes).into_owned()),
            ChartFormat::Png => None,
        }
    }

    /// The PNG file's bytes, or `None` for an SVG chart.
    pub fn png_bytes(&self) -> Option<&[u8]> {
        match self.format {
            ChartFormat::Png => Some(&self.bytes),
            ChartFormat::Svg => None,
        }
    }

    /// Writes the chart to `path`, whose extension must match the format.
    ///
    /// # Errors
    /// [`Error::UnknownFormat`] if the extension is not the chart's format's; [`Error::Io`]
    /// or [`Error::NotFound`] (a missing folder) naming the path if writing fails.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let wanted = ChartFormat::from_path(path)?;
        if wanted != self.format {
            return Err(Error::UnknownFormat {
                path: path.to_path_buf(),
                detail: format!(
                    "the chart was rendered as {}, so the file must end in .{}",
                    self.format.extension(),
                    self.format.extension()
                ),
            });
        }
        std::fs::write(path, &self.bytes).map_err(|e| Error::io(path, e))
    }
}

/// A chart description that can draw itself on any plotters backend.
pub(crate) trait Draw {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);

    /// Draws the whole chart on `root` (already filled white), every length multiplied by
    /// `z` (the backend is `z` times the chart's size).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, z: Zoom) -> DrawResult<DB>;
}

/// The factor from chart pixels to backend pixels: PNGs are drawn at twice their size and
/// averaged down, which smooths lines and text edges (plotters draws lines without
/// anti-aliasing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Zoom(pub f64);

impl Zoom {
    /// A length in backend pixels.
    pub fn px(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }

    /// A non-negative length in backend pixels.
    pub fn upx(self, v: f64) -> u32 {
        (v * self.0).round().max(0.0) as u32
    }

    /// A `sans-serif` text style of `size` chart pixels.
    pub fn font(self, size: f64, colour: &'static RGBColor) -> TextStyle<'static> {
        TextStyle::from(("sans-serif", size * self.0).into_font()).color(colour)
    }

    /// A bold `sans-serif` text style of `size` chart pixels.
    pub fn bold(self, size: f64, colour: &'static RGBColor) -> TextStyle<'static> {
        TextStyle::from(("sans-serif", size * self.0, FontStyle::Bold).into_font()).color(colour)
    }
}

/// PNGs are drawn at this multiple of their size, then averaged down.
const SUPERSAMPLE: u32 = 2;
/// Larger PNGs (in final pixels) are drawn directly, without supersampling.
const SUPERSAMPLE_MAX_PIXELS: u64 = 4_000_000;

/// The result of drawing on a backend.
pub(crate) type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Checks a chart size in pixels.
pub(crate) fn check_size((w, h): (u32, u32)) -> Result<()> {
    let (lo, hi) = SIZE_RANGE;
    if !(lo..=hi).contains(&w) || !(lo..=hi).contains(&h) {
        return Err(Error::parameter(
            "size",
            format!("{w}x{h} pixels is outside {lo}-{hi} pixels per side"),
        ));
    }
    Ok(())
}

/// Renders `chart` into the requested format.
pub(crate) fn render<D: Draw>(chart: &D, format: ChartFormat) -> Result<Chart> {
    let size = chart.size();
    check_size(size)?;
    register_fonts();
    let bytes = match format {
        ChartFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                paint(chart, &root, Zoom(1.0))?;
            }
            svg.into_bytes()
        }
        ChartFormat::Png => {
            // Large images are drawn at their own size to bound memory.
            let k = if size.0 as u64 * size.1 as u64 <= SUPERSAMPLE_MAX_PIXELS {
                SUPERSAMPLE
            } else {
                1
            };
            let big = (size.0 * k, size.1 * k);
            let mut rgb = vec![0u8; big.0 as usize * big.1 as usize * 3];
            {
                let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, big)
                    .map_err(|e| draw_error(&e))?;
                paint(chart, &backend.into_drawing_area(), Zoom(k as f64))?;
            }
            encode_png(&downsample(&rgb, size, k as usize), size)?
        }
    };
    Ok(Chart {
        format,
        size,
        bytes,
    })
}

fn paint<D: Draw, DB: DrawingBackend>(
    chart: &D,
    root: &DrawingArea<DB, Shift>,
    z: Zoom,
) -> Result<()> {
    root.fill(&WHITE).map_err(|e| draw_error(&e))?;
    chart.draw(root, z).map_err(|e| draw_error(&e))?;
    root.present().map_err(|e| draw_error(&e))
}

fn draw_error(e: &dyn std::fmt::Display) -> Error {
    Error::parameter("chart", format!("could not be drawn: {e}"))
}

/// Averages each `k` x `k` block of an RGB image `k` times the size of `(w, h)`.
fn downsample(rgb: &[u8], (w, h): (u32, u32), k: usize) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let big_w = w * k;
    let mut out = vec![0u8; w * h * 3];
    let n = (k * k) as u32;
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..k {
                    let row = (y * k + dy) * big_w;
                    for dx in 0..k {
                        sum += rgb[(row + x * k + dx) * 3 + c] as u32;
                    }
                }
                out[(y * w + x) * 3 + c] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| draw_error(&e))?;
        writer.write_image_data(rgb).map_err(|e| draw_error(&e))?;
        writer.finish().map_err(|e| draw_error(&e))?;
    }
    Ok(out)
}

/// DejaVu Sans, embedded so PNG text needs no system fonts (licence in `data/fonts/`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../data/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, for titles.
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../data/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts as plotters' `sans-serif` family (once per process).
fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded files are valid fonts (a test renders text with them); a failure
        // here would only make PNG text fail with a clear "could not be drawn" error.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, DEJAVU_SANS);
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, DEJAVU_SANS_BOLD);
    });
}

/// Colours and font sizes shared by every chart, so they look like one family.
pub(crate) mod theme {
    use plotters::style::RGBColor;

    /// Titles.
    pub const TITLE: RGBColor = RGBColor(17, 24, 39);
    /// Labels and legend text.
    pub const TEXT: RGBColor = RGBColor(55, 65, 81);
    /// Secondary text (axis descriptions).
    pub const MUTED: RGBColor = RGBColor(107, 114, 128);
    /// Grid lines.
    pub const GRID: RGBColor = RGBColor(229, 231, 235);
    /// Axis lines.
    pub const AXIS: RGBColor = RGBColor(156, 163, 175);
    /// The zero line when values go negative.
    pub const ZERO: RGBColor = RGBColor(107, 114, 128);
    /// Observed history.
    pub const HISTORY: RGBColor = RGBColor(51, 65, 85);
    /// The point forecast and its interval bands.
    pub const FORECAST: RGBColor = RGBColor(37, 99, 235);
    /// Changepoint markers and negative bars.
    pub const ALERT: RGBColor = RGBColor(220, 38, 38);
    /// Positive bars.
    pub const BAR: RGBColor = RGBColor(37, 99, 235);

    /// Title size in pixels.
    pub const TITLE_SIZE: f64 = 22.0;
    /// Tick labels, legend and value labels.
    pub const LABEL_SIZE: f64 = 15.0;
    /// Axis descriptions.
    pub const DESC_SIZE: f64 = 15.0;
}

/// Shortens `text` with an ellipsis so it is at most `max_px` wide in `style` on `area`.
pub(crate) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_px: u32,
) -> String {
    let width = |s: &str| {
        area.estimate_text_size(s, style)
            .map(|(w, _)| w)
            .unwrap_or(0)
    };
    if width(text) <= max_px {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search on the number of characters kept.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if width(&candidate) <= max_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let kept: String = chars[..lo].iter().collect();
    format!("{}…", kept.trim_end())
}

/// Outer margin of every chart, in chart pixels.
pub(crate) const MARGIN: f64 = 18.0;

/// Draws `title` (if any) at the top left, shortened to fit; returns the y below it (backend
/// pixels).
pub(crate) fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    z: Zoom,
) -> std::result::Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let margin = z.px(MARGIN);
    if title.is_empty() {
        return Ok(margin);
    }
    let (w, _) = root.dim_in_pixel();
    let style = z.bold(theme::TITLE_SIZE, &theme::TITLE);
    let title = fit_text(root, title, &style, w.saturating_sub(2 * margin as u32));
    root.draw_text(
        &title,
        &style.pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Left,
            plotters::style::text_anchor::VPos::Top,
        )),
        (margin, margin),
    )?;
    Ok(margin + z.px(theme::TITLE_SIZE + 12.0))
}

/// Width in pixels of `text` in `style` on `area` (0 if it cannot be measured).
pub(crate) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> u32 {
    area.estimate_text_size(text, style)
        .map(|(w, _)| w)
        .unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod testutil {
    /// Decodes PNG bytes and returns (width, height, RGB pixels).
    pub fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    /// Whether `svg` has a `<text>` element whose whole content is `text`.
    pub fn has_text(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n</text>"))
    }

    /// Writes a chart to /tmp for a person to look at when `CAPCAST_CHART_DUMP` is set.
    pub fn dump(chart: &super::Chart, name: &str) {
        if std::env::var_os("CAPCAST_CHART_DUMP").is_some() {
            let path = std::env::temp_dir().join(format!("{name}.{}", chart.format().extension()));
            chart.save(path).unwrap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(ChartFormat::from_path("a/b.SVG").unwrap(), ChartFormat::Svg);
        assert_eq!(ChartFormat::from_path("b.png").unwrap(), ChartFormat::Png);
        let err = ChartFormat::from_path("b.jpg").unwrap_err();
        assert!(err.to_string().contains("b.jpg"), "{err}");
        assert!(ChartFormat::from_path("noext").is_err());
    }

    #[test]
    fn sizes_are_checked() {
        assert!(check_size((800, 400)).is_ok());
        assert!(check_size((10, 400)).is_err());
        assert!(check_size((800, 100_000)).is_err());
    }

    #[test]
    fn save_checks_extension_and_names_path() {
        let chart = BarChart::new(vec![("a".into(), 1.0)])
            .render(ChartFormat::Svg)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        assert!(chart.save(dir.path().join("x.png")).is_err());
        chart.save(dir.path().join("x.svg")).unwrap();
        let missing = dir.path().join("no/such/dir/x.svg");
        let err = chart.save(&missing).unwrap_err();
        assert!(err.to_string().contains("no/such/dir"), "{err}");
    }

    #[test]
    fn truncation_keeps_text_within_width() {
        register_fonts();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 200)).into_drawing_area();
        let style = TextStyle::from(("sans-serif", 14.0).into_font());
        let long = "a very long label that will never fit in eighty pixels";
        let short = fit_text(&root, long, &style, 80);
        assert!(short.ends_with('…'));
        assert!(text_width(&root, &short, &style) <= 80);
        assert_eq!(fit_text(&root, "ok", &style, 80), "ok");
    }
}
