//! Horizontal bar charts for rankings such as cost by service or savings by team: one bar per
//! label, sorted, each with its value written at its end (negative values extend left, in red).
//!
//! ```
//! use capcast::chart::{BarChart, ChartFormat, ValueFormat};
//!
//! let chart = BarChart::new(vec![
//!     ("AmazonEC2".into(), 48_210.0),
//!     ("AmazonRDS".into(), 12_400.0),
//!     ("AmazonS3".into(), 3_050.5),
//! ])
//! .title("Cost by service, March")
//! .value_format(ValueFormat::currency("$"))
//! .render(ChartFormat::Png)?;
//! assert!(chart.png_bytes().is_some());
//! # Ok::<(), capcast::Error>(())
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{linear_axis, Axis, ValueFormat};
use super::{
    draw_title, fit_text, render, text_width, theme, Chart, ChartFormat, Draw, DrawResult, Zoom,
    MARGIN, SIZE_RANGE,
};
use crate::error::{Error, Result};

/// The default width in pixels; the height grows with the number of bars.
pub const DEFAULT_WIDTH: u32 = 900;

/// Pixels per bar when the height is chosen automatically.
const ROW_PX: u32 = 34;

/// The order of the bars, from top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BarOrder {
    /// Largest value first (the default).
    #[default]
    Descending,
    /// Smallest value first.
    Ascending,
    /// As given.
    AsGiven,
}

/// A horizontal bar chart, built step by step and rendered with [`BarChart::render`].
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `title` | empty | the heading |
/// | `x_label` | empty | the value axis' description |
/// | `value_format` | plain | prefix/suffix of values ([`ValueFormat`]) |
/// | `order` | descending | [`BarOrder`] |
/// | `top` | all | keep the `n` largest bars and sum the rest into one "Other" bar |
/// | `size` | 900 wide, 34 px per bar | pixels |
#[derive(Debug, Clone)]
pub struct BarChart {
    items: Vec<(String, f64)>,
    title: String,
    x_label: String,
    value_format: ValueFormat,
    order: BarOrder,
    top: Option<usize>,
    size: Option<(u32, u32)>,
}

impl BarChart {
    /// A chart of `(label, value)` pairs.
    pub fn new(items: Vec<(String, f64)>) -> Self {
        BarChart {
            items,
            title: String::new(),
            x_label: String::new(),
            value_format: ValueFormat::plain(),
            order: BarOrder::Descending,
            top: None,
            size: None,
        }
    }

    /// The heading.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The value axis' description.
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = label.into();
        self
    }

    /// How values are written (currency symbol, unit).
    pub fn value_format(mut self, format: ValueFormat) -> Self {
        self.value_format = format;
        self
    }

    /// The order of the bars.
    pub fn order(mut self, order: BarOrder) -> Self {
        self.order = order;
        self
    }

    /// Keeps the `n` bars with the largest values and adds one bar "Other (k more)" with the
    /// sum of the rest (checked when rendering: at least 1).
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }

    /// Width and height in pixels (default: 900 wide, the height from the number of bars).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }

    /// Draws the chart.
    ///
    /// # Errors
    /// [`Error::Parameter`] when there are no bars, a value is not finite (the message names
    /// its label), `top` is 0, or the size is out of range.
    pub fn render(&self, format: ChartFormat) -> Result<Chart> {
        render(&self.prepare()?, format)
    }

    /// Draws the chart in the format named by `path`'s extension (`.svg` or `.png`) and
    /// writes it there.
    ///
    /// # Errors
    /// As [`Self::render`]; [`Error::UnknownFormat`] for another extension; [`Error::Io`] or
    /// [`Error::NotFound`] naming the path if writing fails.
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        self.render(ChartFormat::from_path(path)?)?.save(path)
    }

    fn prepare(&self) -> Result<Prepared> {
        if self.items.is_empty() {
            return Err(Error::parameter("items", "no bars to draw"));
        }
        if let Some((label, value)) = self.items.iter().find(|(_, v)| !v.is_finite()) {
            return Err(Error::parameter(
                "items",
                format!("the value of '{label}' is {value}, expected a finite number"),
            ));
        }
        if let Some((label, value)) = self.items.iter().find(|(_, v)| v.abs() > 1e300) {
            return Err(Error::parameter(
                "items",
                format!("the value of '{label}' is {value}, too large to chart"),
            ));
        }
        let mut items = self.items.clone();
        if let Some(n) = self.top {
            if n == 0 {
                return Err(Error::parameter("top", "must be at least 1 bar"));
            }
            if items.len() > n {
                items.sort_by(|a, b| b.1.total_cmp(&a.1));
                let rest = items.split_off(n);
                let sum = rest.iter().map(|r| r.1).sum();
                let other = (format!("Other ({} more)", rest.len()), sum);
                // Keep "Other" last whatever the order.
                sort(&mut items, self.order);
                items.push(other);
            } else {
                sort(&mut items, self.order);
            }
        } else {
            sort(&mut items, self.order);
        }
        let size = self.size.unwrap_or_else(|| {
            let header = if self.title.is_empty() { 20 } else { 60 };
            let footer = if self.x_label.is_empty() { 60 } else { 85 };
            let h = header + footer + ROW_PX * items.len() as u32;
            (DEFAULT_WIDTH, h.clamp(260, SIZE_RANGE.1))
        });
        Ok(Prepared {
            items,
            title: self.title.clone(),
            x_label: self.x_label.clone(),
            value_format: self.value_format.clone(),
            size,
        })
    }
}

fn sort(items: &mut [(String, f64)], order: BarOrder) {
    match order {
        BarOrder::Descending => items.sort_by(|a, b| b.1.total_cmp(&a.1)),
        BarOrder::Ascending => items.sort_by(|a, b| a.1.total_cmp(&b.1)),
        BarOrder::AsGiven => {}
    }
}

#[derive(Debug)]
struct Prepared {
    items: Vec<(String, f64)>,
    title: String,
    x_label: String,
    value_format: ValueFormat,
    size: (u32, u32),
}

impl Draw for Prepared {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, z: Zoom) -> DrawResult<DB> {
        let top = draw_title(root, &self.title, z)? + z.px(4.0);
        let (w, _) = root.dim_in_pixel();
        let margin = z.px(MARGIN);
        let label_style = z.font(theme::LABEL_SIZE, &theme::TEXT);
        let value_style = z.font(theme::LABEL_SIZE, &theme::TITLE);
        let desc_style = z.font(theme::DESC_SIZE, &theme::MUTED);

        // Category labels: at most a third of the width, shortened with an ellipsis.
        let max_label = (w as f64 * 0.32) as u32;
        let labels: Vec<String> = self
            .items
            .iter()
            .map(|(l, _)| fit_text(root, l, &label_style, max_label))
            .collect();
        let label_w = labels
            .iter()
            .map(|l| text_width(root, l, &label_style))
            .max()
            .unwrap_or(0) as i32;
        let raw: Vec<f64> = self.items.iter().map(|i| i.1).collect();
        let values = self.value_format.values(&raw);
        let value_w = values
            .iter()
            .map(|l| text_width(root, l, &value_style))
            .max()
            .unwrap_or(0) as i32
            + z.px(12.0);

        // Value axis from zero (or the most negative value) to the largest value, widened
        // so each value label fits beside its bar.
        let lo = self.items.iter().fold(0.0f64, |m, i| m.min(i.1));
        let hi = self.items.iter().fold(0.0f64, |m, i| m.max(i.1));
        let (lo, hi) = if lo == hi { (0.0, 1.0) } else { (lo, hi) };
        let y_area = label_w + z.px(14.0);
        let plot_w = (w as i32 - 2 * margin - y_area - z.px(10.0)).max(z.px(80.0));
        let max_ticks = (plot_w / z.px(110.0)).clamp(2, 10) as usize;
        let mut x_axis = linear_axis(lo, hi, max_ticks, &self.value_format);
        let left_room = if lo < 0.0 { value_w } else { 0 };
        let usable = (plot_w - value_w - left_room).max(plot_w / 3) as f64;
        let per_px = (x_axis.hi - x_axis.lo) / usable;
        // Only widen where the ticks do not already leave room.
        let need_hi = hi + value_w as f64 * per_px;
        let need_lo = lo - left_room as f64 * per_px;
        x_axis.hi = x_axis.hi.max(need_hi);
        x_axis.lo = x_axis.lo.min(need_lo);
        let n_x = x_axis.ticks.len();

        let n = self.items.len();
        let y_axis = Axis {
            lo: 0.0,
            hi: n as f64,
            ticks: labels
                .iter()
                .enumerate()
                .map(|(i, l)| ((n - 1 - i) as f64 + 0.5, l.clone()))
                .collect(),
        };

        let area = root.margin(top, margin, margin, margin);
        let mut chart = ChartBuilder::on(&area)
            .margin_right(z.px(10.0))
            .x_label_area_size(z.px(if self.x_label.is_empty() { 34.0 } else { 54.0 }))
            .y_label_area_size(y_area)
            .build_cartesian_2d::<Axis, Axis>(x_axis, y_axis)?;
        let mut mesh = chart.configure_mesh();
        mesh.disable_y_mesh()
            .x_labels(n_x)
            .y_labels(n)
            .set_all_tick_mark_size(z.px(5.0))
            .bold_line_style(theme::GRID.stroke_width(z.upx(1.0)))
            .axis_style(theme::AXIS.stroke_width(z.upx(1.0)))
            .label_style(label_style.clone())
            .axis_desc_style(desc_style);
        if !self.x_label.is_empty() {
            mesh.x_desc(self.x_label.clone());
        }
        mesh.draw()?;

        for (i, ((_, v), text)) in self.items.iter().zip(&values).enumerate() {
            let y = (n - 1 - i) as f64;
            let colour = if *v < 0.0 { theme::ALERT } else { theme::BAR };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y + 0.18), (*v, y + 0.82)],
                colour.filled(),
            )))?;
            let (dx, anchor) = if *v < 0.0 {
                (-z.px(6.0), HPos::Right)
            } else {
                (z.px(6.0), HPos::Left)
            };
            chart.draw_series(std::iter::once(
                EmptyElement::at((*v, y + 0.5))
                    + Text::new(
                        text.clone(),
                        (dx, 0),
                        value_style.pos(Pos::new(anchor, VPos::Center)),
                    ),
            ))?;
        }
        if lo < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                theme::ZERO.stroke_width(z.upx(1.0)),
            )))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{decode_png, dump, has_text};

    fn teams() -> Vec<(String, f64)> {
        [
            ("payments", 18_250.0),
            ("search", 9_830.6),
            ("data-platform", 42_120.0),
            ("mobile", 1_204.75),
            (
                "internal-tools-and-developer-productivity-engineering",
                640.0,
            ),
            ("ml-inference", 27_400.0),
        ]
        .into_iter()
        .map(|(l, v)| (l.to_string(), v))
        .collect()
    }

    #[test]
    fn svg_is_sorted_with_value_labels() {
        let chart = BarChart::new(teams())
            .title("Savings by team")
            .x_label("USD per month")
            .value_format(ValueFormat::currency("$"))
            .render(ChartFormat::Svg)
            .unwrap();
        dump(&chart, "capcast-bars");
        let svg = chart.to_svg_string().unwrap();
        assert!(has_text(&svg, "Savings by team"));
        for v in ["$42,120", "$27,400", "$9,831", "$1,205", "$640"] {
            assert!(has_text(&svg, v), "missing {v}");
        }
        // Largest first: data-platform's label comes before payments' in drawing order
        // (labels are drawn top to bottom).
        let pos = |s: &str| svg.find(s).unwrap();
        assert!(pos(">\ndata-platform\n") < pos(">\npayments\n"));
        // The long label is shortened.
        assert!(svg.contains('…'));
        assert!(!svg.contains("developer-productivity-engineering"));
        assert_eq!(
            svg.matches("<rect").count() - 1,
            6,
            "background + one rect per bar"
        );
    }

    #[test]
    fn png_size_and_options() {
        let chart = BarChart::new(teams())
            .title("Cost by service")
            .value_format(ValueFormat::currency("$"))
            .top(3)
            .render(ChartFormat::Png)
            .unwrap();
        dump(&chart, "capcast-bars-top3");
        let (w, h, rgb) = decode_png(chart.png_bytes().unwrap());
        assert_eq!(w, DEFAULT_WIDTH);
        assert_eq!(h, 260);
        let RGBColor(r, g, b) = theme::BAR;
        let bar = rgb.chunks(3).filter(|p| p == &[r, g, b]).count();
        assert!(bar > 5000, "{bar} bar pixels");

        // A large PNG is drawn without supersampling (bounded memory), still at its size.
        let big = BarChart::new(teams())
            .size(2500, 1700)
            .render(ChartFormat::Png)
            .unwrap();
        assert_eq!(decode_png(big.png_bytes().unwrap()).0, 2500);

        let svg = BarChart::new(teams())
            .top(3)
            .order(BarOrder::Ascending)
            .size(600, 300)
            .render(ChartFormat::Svg)
            .unwrap()
            .to_svg_string()
            .unwrap();
        assert!(has_text(&svg, "Other (3 more)"));
        assert!(svg.contains("width=\"600\""));
    }

    #[test]
    fn edge_cases_render() {
        let cases: Vec<(&str, Vec<(String, f64)>)> = vec![
            ("one", vec![("only".into(), 3.0)]),
            ("zeros", vec![("a".into(), 0.0), ("b".into(), 0.0)]),
            (
                "negative",
                vec![
                    ("saved".into(), 1200.0),
                    ("overspent".into(), -450.0),
                    ("flat".into(), 0.0),
                ],
            ),
            ("huge", vec![("a".into(), 3.2e15), ("b".into(), 1.1e12)]),
            ("tiny", vec![("a".into(), 0.0031), ("b".into(), 0.0002)]),
            (
                "many",
                (0..60)
                    .map(|i| (format!("service-{i:02}"), (i * i) as f64))
                    .collect(),
            ),
        ];
        for (name, items) in cases {
            for format in [ChartFormat::Svg, ChartFormat::Png] {
                let chart = BarChart::new(items.clone())
                    .title(format!("Bars: {name}"))
                    .x_label("GiB")
                    .value_format(ValueFormat::unit("GiB"))
                    .render(format)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                dump(&chart, &format!("capcast-bars-{name}"));
            }
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(BarChart::new(vec![]).render(ChartFormat::Svg).is_err());
        let err = BarChart::new(vec![("x".into(), f64::NAN)])
            .render(ChartFormat::Svg)
            .unwrap_err();
        assert!(err.to_string().contains("'x'"), "{err}");
        assert!(BarChart::new(teams())
            .top(0)
            .render(ChartFormat::Svg)
            .is_err());
        assert!(BarChart::new(teams())
            .size(50, 50)
            .render(ChartFormat::Svg)
            .is_err());
        let dir = tempfile::tempdir().unwrap();
        let err = BarChart::new(teams())
            .save(dir.path().join("x.pdf"))
            .unwrap_err();
        assert!(err.to_string().contains("x.pdf"), "{err}");
        BarChart::new(teams())
            .save(dir.path().join("x.png"))
            .unwrap();
        let bytes = std::fs::read(dir.path().join("x.png")).unwrap();
        assert_eq!(decode_png(&bytes).0, DEFAULT_WIDTH);
    }
}
