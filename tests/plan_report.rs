//! `capcast plan` on the bundled sample, as a user runs it: the files it promises, a
//! self-contained page, and the page opened in headless Chromium (Debian's `chromium`, which
//! scripts/setup.sh installs): no console or load errors, and a screenshot that is not blank.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The report folder, made once for every test of this module.
fn report_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_capcast"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["plan", "--out"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "capcast plan failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("report.html"), "{stdout}");
        dir
    })
    .path()
}

fn html() -> String {
    std::fs::read_to_string(report_dir().join("report.html")).unwrap()
}

/// The names linked as `<folder>/<name>.<ext>` in the page.
fn linked(html: &str, folder: &str, ext: &str) -> BTreeSet<String> {
    let prefix = format!("href=\"{folder}/");
    html.match_indices(&prefix)
        .filter_map(|(i, _)| {
            let rest = &html[i + prefix.len()..];
            let end = rest.find('"')?;
            rest[..end]
                .strip_suffix(&format!(".{ext}"))
                .map(str::to_string)
        })
        .collect()
}

/// Decodes a PNG into (width, height, RGB(A) bytes, channels).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf, info.color_type.samples())
}

/// Share of pixels that are not near-white, and the number of distinct colours.
fn ink(path: &Path) -> (f64, usize) {
    let (w, h, px, channels) = decode_png(path);
    let mut colours = BTreeSet::new();
    let mut inked = 0usize;
    for p in px.chunks(channels) {
        let rgb = (
            p[0],
            p.get(1).copied().unwrap_or(p[0]),
            p.get(2).copied().unwrap_or(p[0]),
        );
        colours.insert(rgb);
        if rgb.0 < 235 || rgb.1 < 235 || rgb.2 < 235 {
            inked += 1;
        }
    }
    (inked as f64 / (w as f64 * h as f64), colours.len())
}

#[test]
fn plan_writes_the_page_every_chart_and_every_table() {
    let dir = report_dir();
    let html = html();
    let charts = linked(&html, "charts", "svg");
    let tables = linked(&html, "tables", "csv");
    for name in [
        "cost_forecast_total",
        "cost_forecast_1",
        "budget_burndown",
        "rightsizing_savings",
        "commitment_coverage",
        "capacity_runway",
        "capacity_runway_1",
        "slo_burn_rate",
    ] {
        assert!(
            charts.contains(name),
            "chart {name} missing from {charts:?}"
        );
    }
    for name in [
        "load_files",
        "load_totals",
        "forecast_by_service",
        "forecast_daily",
        "forecast_models",
        "cost_anomalies",
        "budget_burndown",
        "rightsizing",
        "commitment_purchases",
        "commitment_summary",
        "commitment_coverage",
        "commitments_owned",
        "capacity_runway",
        "capacity_required",
        "capacity_groups",
        "slo_alerts",
        "slo_burn_hourly",
    ] {
        assert!(
            tables.contains(name),
            "table {name} missing from {tables:?}"
        );
    }
    for name in &charts {
        let svg = std::fs::read_to_string(dir.join(format!("charts/{name}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.contains("<text"), "{name}.svg");
        let (share, colours) = ink(&dir.join(format!("charts/{name}.png")));
        assert!(
            share > 0.02 && colours > 20,
            "{name}.png looks blank: {share} {colours}"
        );
    }
    for name in &tables {
        let csv = std::fs::read_to_string(dir.join(format!("tables/{name}.csv"))).unwrap();
        let json = std::fs::read_to_string(dir.join(format!("tables/{name}.json"))).unwrap();
        let records: serde_json::Value = serde_json::from_str(&json).unwrap();
        let rows = records.as_array().expect("an array of records").len();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        assert_eq!(reader.records().count(), rows, "{name}: CSV and JSON rows");
    }
    // Every file the page links to exists.
    for (folder, ext) in [("charts", "png"), ("tables", "json")] {
        for name in linked(&html, folder, ext) {
            assert!(
                dir.join(format!("{folder}/{name}.{ext}")).is_file(),
                "{name}.{ext}"
            );
        }
    }
}

#[test]
fn the_page_is_self_contained_and_says_what_is_missing() {
    let html = html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for banned in [
        "<script",
        "<link",
        "<img",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(banned), "the page must not contain {banned}");
    }
    // Charts are inline SVG; the load report and the settings are there.
    assert!(html.matches("<svg role=\"img\"").count() >= 3);
    assert!(html.contains("The full load report"));
    assert!(html.contains("Settings and assumptions"));
    assert!(html.contains("Monthly budget"));
    // A section without its engine says so, and shows no figures.
    for id in ["rightsizing", "commitments", "capacity"] {
        let start = html.find(&format!("<section id=\"{id}\">")).expect(id);
        let body = &html[start..start + html[start..].find("</section>").unwrap()];
        if body.contains("na-box") {
            assert!(body.contains("not available"), "{body}");
            assert!(!body.contains("class=\"figure\""), "{body}");
        }
    }
}

#[test]
fn the_commitments_section_recommends_a_purchase_that_lowers_the_expected_cost() {
    let dir = report_dir();
    let html = html();
    let start = html
        .find("<section id=\"commitments\">")
        .expect("commitments");
    let body = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(!body.contains("na-box"), "{body}");
    let json = std::fs::read_to_string(dir.join("tables/commitment_summary.json")).unwrap();
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let value = |measure: &str| -> f64 {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["measure"] == measure)
            .and_then(|r| r["expected"].as_f64())
            .unwrap_or_else(|| panic!("{measure} in {json}"))
    };
    // Owned commitments already save; the purchase never costs more than owning them only.
    assert!(value("expected_cost") < value("on_demand_cost"), "{json}");
    assert!(
        value("expected_cost") <= value("cost_owned_only") + 1e-6,
        "{json}"
    );
    let owned = std::fs::read_to_string(dir.join("tables/commitments_owned.csv")).unwrap();
    assert!(
        owned.contains("reserved_instance") && owned.contains("savings_plan"),
        "{owned}"
    );
}

fn records(name: &str) -> Vec<serde_json::Value> {
    let json = std::fs::read_to_string(report_dir().join(format!("tables/{name}.json"))).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value.as_array().unwrap().clone()
}

fn texts(rows: &[serde_json::Value], field: &str) -> BTreeSet<String> {
    rows.iter()
        .map(|r| r[field].as_str().unwrap_or("").to_string())
        .collect()
}

/// The bundled bill tags its instances with `team` (13 of 15; the other two have no tags), so
/// the automatic grouping is by that tag and keeps the two in `(untagged)`.
#[test]
fn the_bundled_capacity_runway_is_per_team_and_keeps_untagged_instances() {
    let html = html();
    let teams: BTreeSet<String> = ["(untagged)", "data", "payments", "platform", "search"]
        .map(String::from)
        .into();
    let runway = records("capacity_runway");
    assert_eq!(texts(&runway, "group"), teams);
    for field in [
        "crossing_p10",
        "crossing_p50",
        "crossing_p90",
        "runway_days_p90",
    ] {
        assert!(runway[0].get(field).is_some(), "{field} in {:?}", runway[0]);
    }
    // Nothing crosses within 30 days; search is closest to full (P95 peak ~79 % of 24 cores).
    assert_eq!(runway[0]["group"], "search");
    assert_eq!(runway[0]["capacity"], 24.0);
    assert_eq!(texts(&records("capacity_required"), "group"), teams);
    let members = records("capacity_groups");
    assert_eq!(members.len(), 15);
    let untagged: BTreeSet<String> = members
        .iter()
        .filter(|r| r["group"] == "(untagged)")
        .map(|r| r["instance_type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(untagged, ["r5.large", "t3.medium"].map(String::from).into());
    assert!(
        html.contains("Capacity groups"),
        "settings name the grouping"
    );
    assert!(html.contains("billing tag"), "settings name the grouping");
}

/// The bundled request series plants a 45-minute burst at 3 % errors (burn 30) on
/// 2026-08-12 from 14:20 and 30 hours at 0.4 % (burn 4) from 2026-08-24 02:00: the 14.4x page
/// fires once the hour holds 14.4/30 of the burst (25 of its minutes: 14:45), the 6x page
/// never (6 h would need 72 burst minutes), the 3x and 1x tickets fire during the slow burn.
#[test]
fn the_bundled_slo_section_shows_the_budget_and_the_alerts() {
    let html = html();
    let start = html.find("<section id=\"slo\">").expect("slo section");
    let body = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(!body.contains("na-box"), "{body}");
    assert!(body.contains("Error budget remaining"), "{body}");
    let alerts = records("slo_alerts");
    let pages: Vec<&serde_json::Value> =
        alerts.iter().filter(|a| a["severity"] == "page").collect();
    assert_eq!(pages.len(), 1, "{alerts:?}");
    assert_eq!(pages[0]["burn_rate"], 14.4);
    assert_eq!(pages[0]["start"], "2026-08-12T14:45:00Z");
    let tickets: BTreeSet<String> = alerts
        .iter()
        .filter(|a| a["severity"] == "ticket")
        .map(|a| a["start"].as_str().unwrap()[..10].to_string())
        .collect();
    assert_eq!(tickets, ["2026-08-24".to_string()].into());
    let hourly = records("slo_burn_hourly");
    let left = hourly.last().unwrap()["budget_remaining"].as_f64().unwrap();
    assert!((0.5..0.7).contains(&left), "{left}");
}

/// Bad inputs fail before the slow steps, naming what is wrong.
#[test]
fn bad_slo_and_group_inputs_fail_fast_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("requests.csv");
    std::fs::write(
        &bad,
        "timestamp,total,errors\n2026-08-02T00:00:00Z,100,1\n2026-08-02T00:05:00Z,100,many\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_capcast"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .arg("plan")
            .args(args)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).to_string()
    };
    let err = run(&["--slo", bad.to_str().unwrap()]);
    assert!(
        err.contains("requests.csv")
            && err.contains("row 2")
            && err.contains("'errors'")
            && err.contains("many"),
        "{err}"
    );
    let err = run(&["--group-by", "cost_centre"]);
    assert!(
        err.contains("'cost_centre'") && err.contains("team"),
        "{err}"
    );
    let err = run(&["--slo-target", "99.9"]);
    assert!(err.contains("slo_target"), "{err}");
    assert!(!dir.path().join("out").exists());
}

fn chromium(args: &[&str], page: &Path, profile: &Path) -> Output {
    let url = format!("file://{}", page.display());
    let output = Command::new("timeout")
        .arg("120")
        .arg("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output();
    match output {
        Ok(o) => o,
        Err(e) => panic!(
            "could not run chromium ({e}); install it with scripts/setup.sh \
             (apt-get install chromium)"
        ),
    }
}

/// A copy of `page` with a probe in its head that records script errors, failed resource
/// loads and `console.error` calls on the `<html>` element, where `--dump-dom` shows them.
fn probe(page: &str, dir: &Path) -> PathBuf {
    const PROBE: &str = r#"<script>
(function () {
  var root = document.documentElement;
  function note(text) { root.setAttribute('data-probe-errors', (root.getAttribute('data-probe-errors') || '') + '|' + text); }
  window.addEventListener('error', function (e) {
    note(e.message || ('failed to load ' + ((e.target && (e.target.src || e.target.href)) || '?')));
  }, true);
  window.addEventListener('unhandledrejection', function (e) { note('rejection ' + e.reason); });
  var original = console.error;
  console.error = function () { note('console.error ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
  window.addEventListener('load', function () { root.setAttribute('data-probe-loaded', 'yes'); });
})();
</script>"#;
    let path = dir.join("probe.html");
    std::fs::write(
        &path,
        page.replacen("<head>", &format!("<head>\n{PROBE}"), 1),
    )
    .unwrap();
    path
}

fn dom_errors(page: &str, name: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let probe_dir = dir.path().join(name);
    std::fs::create_dir_all(&probe_dir).unwrap();
    let path = probe(page, &probe_dir);
    let out = chromium(&["--dump-dom"], &path, &dir.path().join("profile"));
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "chromium failed: {stderr}");
    assert!(
        dom.contains("data-probe-loaded=\"yes\""),
        "the page did not finish loading:\n{stderr}"
    );
    (dom, stderr)
}

#[test]
fn chromium_loads_the_page_without_errors_and_draws_it() {
    // The probe itself: a page with a script error and a missing image must be caught.
    let broken = "<!DOCTYPE html><html><head><title>x</title></head><body>\
                  <img src=\"missing.png\"><script>undefinedFunction();</script></body></html>";
    let (dom, stderr) = dom_errors(broken, "broken");
    assert!(
        dom.contains("data-probe-errors=\"")
            && dom.contains("|Uncaught ReferenceError: undefinedFunction"),
        "the probe missed the errors:\n{dom}\n{stderr}"
    );
    assert!(
        dom.contains("|failed to load file:"),
        "the probe missed the failed load:\n{dom}"
    );
    assert!(
        stderr.contains("Uncaught"),
        "chromium's log lacks the error:\n{stderr}"
    );

    // The report: no errors of either kind.
    let html = html();
    let (dom, stderr) = dom_errors(&html, "report");
    assert!(
        !dom.contains("data-probe-errors=\""),
        "errors in the page:\n{dom}"
    );
    assert!(!stderr.contains("Uncaught"), "console errors:\n{stderr}");
    assert!(dom.contains("capcast planning report"));

    // A screenshot of the real page is not blank.
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    let out = chromium(
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
            "--hide-scrollbars",
        ],
        &report_dir().join("report.html"),
        &dir.path().join("profile"),
    );
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (w, h, _, _) = decode_png(&shot);
    assert_eq!((w, h), (1280, 2000));
    let (share, colours) = ink(&shot);
    assert!(
        share > 0.05 && colours > 50,
        "the screenshot looks blank: {:.1} % inked, {colours} colours",
        100.0 * share
    );
}
