//! The HTML page of a planning report: one self-contained file (inline CSS, charts as inline
//! SVG), valid HTML5, readable without scripts, fonts or network. Tables show their first rows
//! and link to the full CSV and JSON files written beside the page.

use std::fmt::Write;

use super::model::{ReportChart, ReportTable, Section, Status};
use super::table::cell;
use super::PlanReport;

/// Rows of a table shown in the page (the files hold them all).
pub const SHOWN_ROWS: usize = 15;

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #111827;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
.sub { margin: 0; color: #4b5563; }
nav { margin: 18px 0 8px; }
nav ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px 8px; }
nav a { display: inline-block; padding: 3px 10px; border-radius: 999px; background: #e0e7ff;
  color: #1e3a8a; text-decoration: none; font-size: 14px; }
nav a.na { background: #e5e7eb; color: #6b7280; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 18px 22px;
  margin: 18px 0; }
h2 { margin: 0 0 12px; font-size: 21px; }
h3 { margin: 22px 0 6px; font-size: 16px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 12px;
  margin: 0 0 12px; }
.figure { border: 1px solid #e5e7eb; border-left: 4px solid #2563eb; border-radius: 8px;
  padding: 10px 12px; background: #f9fafb; }
.figure .label { color: #4b5563; font-size: 13px; }
.figure .value { font-size: 22px; font-weight: 650; overflow-wrap: anywhere; }
.figure .note { color: #6b7280; font-size: 13px; }
.na-box { border-left: 4px solid #9ca3af; background: #f9fafb; padding: 10px 14px; color: #374151; }
figure { margin: 14px 0; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #e5e7eb;
  border-radius: 6px; }
figcaption, .files { color: #4b5563; font-size: 13px; margin-top: 4px; }
.tablewrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; min-width: 50%; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e7eb; text-align: left;
  white-space: nowrap; }
th { background: #f3f4f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #111827; color: #e5e7eb; padding: 12px 14px; border-radius: 8px;
  overflow-x: auto; font-size: 12px; line-height: 1.45; }
details summary { cursor: pointer; color: #1e3a8a; margin: 8px 0; }
footer { color: #6b7280; font-size: 13px; text-align: center; margin-top: 24px; }
"#;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page.
pub fn render(report: &PlanReport) -> String {
    let mut h = String::with_capacity(1 << 20);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&report.title)
    );
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{} · made {}</p>\n</header>\n",
        escape(&report.title),
        escape(&report.subtitle),
        escape(&report.generated)
    );
    h.push_str("<nav aria-label=\"sections\"><ol>\n");
    for s in &report.sections {
        let class = if s.is_ready() { "" } else { " class=\"na\"" };
        let _ = writeln!(
            h,
            "<li><a href=\"#{}\"{class}>{}</a></li>",
            escape(&s.id),
            escape(&s.title)
        );
    }
    h.push_str("<li><a href=\"#settings\">Settings and assumptions</a></li>\n</ol></nav>\n");
    glance(&mut h, report);
    for s in &report.sections {
        section(&mut h, s);
    }
    settings(&mut h, report);
    let _ = write!(
        h,
        "<footer>Made by capcast {} — charts and tables are also in charts/ and tables/ beside this page.</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// The first figure of every ready section, as a summary at the top.
fn glance(h: &mut String, report: &PlanReport) {
    let figures: Vec<_> = report
        .sections
        .iter()
        .filter(|s| s.is_ready() && s.id != "data")
        .filter_map(|s| s.figures.first())
        .collect();
    if figures.is_empty() {
        return;
    }
    h.push_str("<section id=\"glance\">\n<h2>At a glance</h2>\n<div class=\"figures\">\n");
    for f in figures {
        figure(h, f);
    }
    h.push_str("</div>\n</section>\n");
}

fn figure(h: &mut String, f: &super::Figure) {
    let _ = writeln!(
        h,
        "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"note\">{}</div></div>",
        escape(&f.label),
        escape(&f.value),
        escape(&f.note)
    );
}

fn section(h: &mut String, s: &Section) {
    let _ = writeln!(
        h,
        "<section id=\"{}\">\n<h2>{}</h2>",
        escape(&s.id),
        escape(&s.title)
    );
    if let Status::Unavailable(reason) = &s.status {
        let _ = writeln!(h, "<p class=\"na-box\">{}</p>", escape(reason));
    }
    if !s.figures.is_empty() {
        h.push_str("<div class=\"figures\">\n");
        for f in &s.figures {
            figure(h, f);
        }
        h.push_str("</div>\n");
    }
    for p in &s.text {
        let _ = writeln!(h, "<p>{}</p>", escape(p));
    }
    for c in &s.charts {
        chart(h, c);
    }
    for t in &s.tables {
        table(h, t);
    }
    if let Some(text) = &s.preformatted {
        let _ = writeln!(
            h,
            "<details><summary>The full load report</summary>\n<pre>{}</pre>\n</details>",
            escape(text)
        );
    }
    h.push_str("</section>\n");
}

/// The SVG document as an element for inlining: no XML prologue, labelled for screen readers.
fn inline_svg(svg: &str, title: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    body.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
        1,
    )
}

fn chart(h: &mut String, c: &ReportChart) {
    let svg = c.svg.to_svg_string().unwrap_or_default();
    let _ = writeln!(
        h,
        "<figure>\n{}\n<figcaption>{} — <a href=\"charts/{name}.svg\">SVG</a> · <a href=\"charts/{name}.png\">PNG</a></figcaption>\n</figure>",
        inline_svg(&svg, &c.title),
        escape(&c.title),
        name = escape(&c.name)
    );
}

fn table(h: &mut String, t: &ReportTable) {
    let frame = &t.frame;
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<div class=\"tablewrap\"><table>\n<thead><tr>",
        escape(&t.title)
    );
    for name in frame.get_column_names() {
        let _ = write!(h, "<th>{}</th>", escape(name));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let shown = frame.height().min(SHOWN_ROWS);
    let columns = frame.columns();
    for i in 0..shown {
        h.push_str("<tr>");
        for c in columns {
            let value = c.get(i).map(|v| cell(&v)).unwrap_or_default();
            let class = if c.dtype().is_primitive_numeric() {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(h, "<td{class}>{}</td>", escape(&value));
        }
        h.push_str("</tr>\n");
    }
    if frame.height() == 0 {
        let _ = writeln!(
            h,
            "<tr><td colspan=\"{}\">(no rows)</td></tr>",
            columns.len().max(1)
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    let shown_text = if frame.height() > shown {
        format!("First {shown} of {} rows.", frame.height())
    } else {
        format!("{} rows.", frame.height())
    };
    let _ = writeln!(
        h,
        "<p class=\"files\">{shown_text} Full table: <a href=\"tables/{name}.csv\">CSV</a> · <a href=\"tables/{name}.json\">JSON</a></p>",
        name = escape(&t.name)
    );
}

fn settings(h: &mut String, report: &PlanReport) {
    h.push_str("<section id=\"settings\">\n<h2>Settings and assumptions</h2>\n<div class=\"tablewrap\"><table>\n<thead><tr><th>setting</th><th>value</th><th>source</th></tr></thead>\n<tbody>\n");
    for s in &report.settings {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.name),
            escape(&s.value),
            escape(&s.source)
        );
    }
    h.push_str("</tbody>\n</table></div>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn inlined_svg_drops_the_prologue_and_gets_a_label() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\"></svg>";
        assert_eq!(
            inline_svg(svg, "a < b"),
            "<svg role=\"img\" aria-label=\"a &lt; b\" width=\"10\" height=\"10\"></svg>"
        );
    }
}
