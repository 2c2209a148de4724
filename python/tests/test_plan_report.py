"""capcast.plan: the planning report from Python, on the bundled sample."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import capcast


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[capcast.PlanReport, Path]:
    out = tmp_path_factory.mktemp("plan") / "report"
    return capcast.plan(budget="25000 USD", out=out), out


def test_tables_are_frames_and_charts_render(run: tuple[capcast.PlanReport, Path]) -> None:
    report, _ = run
    tables = report.tables
    for name in ["forecast_by_service", "forecast_daily", "budget_burndown", "load_totals"]:
        assert isinstance(tables[name], pl.DataFrame), name
    services = tables["forecast_by_service"]
    assert {"service", "history_cost", "forecast_cost", "change_pct", "model"} <= set(
        services.columns
    )
    # The interval of each 30-day total holds the point forecast.
    ok = services.filter(
        (pl.col("forecast_lower_80") <= pl.col("forecast_cost") * 1.02)
        & (pl.col("forecast_cost") <= pl.col("forecast_upper_80") * 1.02)
    )
    assert ok.height == services.height
    chart = report.charts["budget_burndown"]
    assert chart.format == "svg" and b"<svg" in chart.data
    png = report.chart("budget_burndown", format="png")
    assert png.data.startswith(b"\x89PNG")


def test_budget_figures_use_the_given_budget(run: tuple[capcast.PlanReport, Path]) -> None:
    report, _ = run
    budget = report.section("budget")
    assert budget.available
    assert budget.figures[0].value == "$25,000"
    burndown = report.tables["budget_burndown"]
    assert burndown["budget"].unique().to_list() == [25000.0]
    # Budget left = budget - spend to date, every row.
    diff = (burndown["budget"] - burndown["spend_to_date"] - burndown["budget_left"]).abs()
    assert diff.max() < 1e-6  # type: ignore[operator]
    settings = report.settings
    assert settings.columns == ["setting", "value", "source"]
    assert "--budget" in settings.filter(pl.col("setting") == "Monthly budget")["source"][0]


def test_files_and_notebook_display(run: tuple[capcast.PlanReport, Path]) -> None:
    report, out = run
    assert (out / "report.html").read_text(encoding="utf-8") == report.html
    for name in report.charts:
        assert (out / "charts" / f"{name}.svg").is_file()
        assert (out / "charts" / f"{name}.png").is_file()
    for name, frame in report.tables.items():
        records = json.loads((out / "tables" / f"{name}.json").read_text(encoding="utf-8"))
        assert len(records) == frame.height, name
        assert pl.read_csv(out / "tables" / f"{name}.csv").height == frame.height, name
    html = report._repr_html_()
    assert html.startswith("<iframe") and "srcdoc=" in html and "<script" not in html
    assert "PlanReport(" in repr(report)


def test_missing_sections_say_why(run: tuple[capcast.PlanReport, Path]) -> None:
    report, _ = run
    for section in report.sections:
        if not section.available:
            assert section.reason and not section.figures and not section.tables


def test_bad_inputs_raise_clear_errors(
    run: tuple[capcast.PlanReport, Path], tmp_path: Path
) -> None:
    with pytest.raises(capcast.ParameterError, match="EUR.*USD"):
        capcast.plan(budget="1000 EUR")
    with pytest.raises(capcast.ParameterError, match="budget"):
        capcast.plan(budget="lots")
    with pytest.raises(capcast.ParameterError, match="budget"):
        capcast.plan(budget=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(capcast.ParameterError, match="horizon_days"):
        capcast.plan(horizon_days=0)
    with pytest.raises(FileNotFoundError):
        capcast.plan(tmp_path / "no-such-folder")
    bad = tmp_path / "budget.csv"
    bad.write_text("month,amount\n2026-09,abc\n", encoding="utf-8")
    with pytest.raises(capcast.DataError, match="row 2"):
        capcast.plan(budget_file=bad)
    report, _ = run
    with pytest.raises(capcast.ParameterError, match="no section"):
        report.section("nothing")
    with pytest.raises(capcast.ParameterError, match="format"):
        report.chart("budget_burndown", format="jpg")


def test_bundled_report_groups_capacity_and_shows_the_slo(
    run: tuple[capcast.PlanReport, Path],
) -> None:
    report, _ = run
    runway = report.tables["capacity_runway"]
    assert set(runway["group"]) == {"payments", "search", "platform", "data", "(untagged)"}
    assert {"crossing_p10", "crossing_p90", "prob_cross_within_horizon"} <= set(runway.columns)
    groups = report.settings.filter(pl.col("setting") == "Capacity groups")
    assert "team" in groups["value"][0] and groups["source"][0].startswith("automatic")
    slo = report.section("slo")
    assert slo.available
    alerts = report.tables["slo_alerts"]
    pages = alerts.filter(pl.col("severity") == "page")
    assert pages.height == 1 and pages["burn_rate"][0] == 14.4
    assert "slo_burn_rate" in report.charts


def test_group_by_slo_and_target_are_passed_through(tmp_path: Path) -> None:
    series = tmp_path / "requests.csv"
    rows = ["timestamp,error_rate"]
    rows += [f"2026-08-01T{h:02d}:00:00Z,{0.02 if h >= 20 else 0.0}" for h in range(24)]
    series.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = capcast.plan(
        group_by="instance_type", slo=series, slo_target=0.99, horizon_days=7, paths=20
    )
    assert "m5.xlarge" in set(report.tables["capacity_runway"]["group"])
    settings = dict(zip(report.settings["setting"], report.settings["source"]))
    assert settings["Capacity groups"] == "--group-by"
    assert settings["SLO request series"] == "--slo"
    assert settings["SLO target"] == "--slo-target"
    # 4 hours at 2 % against a 1 % budget, every row weighing the same: 8 budget-hours of 24.
    left = report.tables["slo_burn_hourly"]["budget_remaining"][-1]
    assert left == pytest.approx(1.0 - 4 * 2.0 / 24)


def test_bad_slo_and_group_inputs_raise(tmp_path: Path) -> None:
    bad = tmp_path / "requests.csv"
    bad.write_text("timestamp,total,errors\n2026-08-02T00:00:00Z,100,x\n", encoding="utf-8")
    with pytest.raises(capcast.DataError, match=r"requests.csv.*row 1.*'errors'.*x"):
        capcast.plan(slo=bad)
    with pytest.raises(capcast.ParameterError, match="slo_target"):
        capcast.plan(slo_target=99.9)
    with pytest.raises(capcast.ParameterError, match="'nope'.*team"):
        capcast.plan(group_by="nope")
