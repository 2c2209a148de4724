"""capcast.rightsize on the bundled fleet sample and its bill, and bad settings."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import capcast

ROOT = Path(__file__).resolve().parents[2]
FLEET = ROOT / "data/sample/utilization/fleet.csv"
BILLING = ROOT / "data/sample/billing/focus-1.2-sample.csv.gz"


def test_fleet_with_bill() -> None:
    load = capcast.read_utilization(FLEET)
    bill = capcast.read_billing(BILLING)
    result = capcast.rightsize(load, billing=bill)
    recs = result.recommendations
    assert recs.columns[:4] == ["resource_id", "finding", "recommended_vcpu", "recommended_memory_gib"]
    assert recs.height == 15
    assert recs["recommended_instance_type"].null_count() == 0
    assert "bundled" in result.catalog_source
    by_team = result.savings_by("tag:team")
    assert by_team.columns == ["group", "monthly_savings"]
    assert by_team["monthly_savings"].sum() == pytest.approx(
        recs.select(pl.coalesce("monthly_savings_effective", "monthly_savings_list")).to_series().sum()
    )


def test_settings_and_errors() -> None:
    load = capcast.read_utilization(FLEET)
    recs = capcast.rightsize(load, use_catalog=False, cpu_percentile=95.0).recommendations
    assert recs["recommended_instance_type"].null_count() == 15
    with pytest.raises(ValueError, match="cpu_percentile"):
        capcast.rightsize(load, cpu_percentile=120.0)
    with pytest.raises(ValueError, match="mode"):
        capcast.rightsize(load, mode="mainframe")
    with pytest.raises(capcast.ParameterError, match="unknown setting 'cpu_percentil'"):
        capcast.rightsize(load, cpu_percentil=95.0)
    with pytest.raises(capcast.ParameterError, match="expected a number, got 'high'") as err:
        capcast.rightsize(load, cpu_percentile="high")
    assert "cpu_percentile" in str(err.value)
    with pytest.raises(capcast.ParameterError, match="expected True or False"):
        capcast.rightsize(load, allow_burstable="yes")
    # None keeps the default, as in the signature's docs.
    same = capcast.rightsize(load, use_catalog=False, cpu_percentile=95.0, region=None)
    assert same.recommendations.equals(recs)


def test_charts() -> None:
    """plot_savings and plot_resource give SVG documents naming what they show."""
    import xml.etree.ElementTree as ET

    load = capcast.read_utilization(FLEET)
    result = capcast.rightsize(load, billing=capcast.read_billing(BILLING))
    chart = result.plot_savings(by="tag:team")
    assert isinstance(chart, capcast.Chart) and chart.format == "svg"
    svg = chart._repr_svg_()
    assert svg is not None
    ET.fromstring(svg)
    assert "Monthly savings by tag:team" in svg
    for team in result.savings_by("tag:team")["group"].to_list():
        assert team in svg
    sized = result.recommendations.filter(pl.col("finding") == "over_provisioned")
    rid = sized["resource_id"][0]
    chart = result.plot_resource(rid)
    svg = chart._repr_svg_()
    assert svg is not None
    ET.fromstring(svg)
    assert rid in svg
    current = sized["current_vcpu"][0]
    assert f"current {current:g}" in svg
    assert "recommended" in svg and "P99.5" in svg and "CPU (cores)" in svg
    png = result.plot_resource(rid, format="png")
    assert png._repr_png_() is not None and png.data.startswith(b"\x89PNG")
    for by in ("account", "service", "region", "finding"):
        assert result.plot_savings(by=by).data.startswith(b"<svg")


def test_chart_errors() -> None:
    load = capcast.read_utilization(FLEET)
    result = capcast.rightsize(load)
    with pytest.raises(capcast.ParameterError, match="'no-such-vm' is not in the utilization data"):
        result.plot_resource("no-such-vm")
    with pytest.raises(capcast.ParameterError, match="unknown grouping"):
        result.plot_savings(by="colour")
    with pytest.raises(capcast.ParameterError, match="expected 'svg' or 'png'"):
        result.plot_resource(result.recommendations["resource_id"][0], format="pdf")
    strict = capcast.rightsize(load, min_data_hours=10_000.0)
    rid = strict.recommendations["resource_id"][0]
    with pytest.raises(capcast.DataError, match="insufficient_data"):
        strict.plot_resource(rid)
