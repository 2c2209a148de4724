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
