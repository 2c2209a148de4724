"""read_billing on the public FOCUS 1.0 sample: rows, money and types against an independent
reading with Python's csv module."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import polars as pl
import pytest

import capcast
from capcast import BillingLoad, LoadReport

UTC_US = pl.Datetime("us", "UTC")


def _csv_sum(rows: list[list[str]], header: list[str], column: str) -> float:
    index = header.index(column)
    return math.fsum(float(row[index]) for row in rows if row[index] not in ("", "NULL"))


def test_focus_sample_rows_and_billed_cost_total(focus_sample: Path, focus_rows) -> None:
    header, rows = focus_rows
    assert len(rows) == 1000
    load = capcast.read_billing(focus_sample)
    assert isinstance(load, BillingLoad)
    assert isinstance(load.costs, pl.DataFrame)
    assert load.costs.height == 1000
    expected = _csv_sum(rows, header, "BilledCost")
    got = math.fsum(load.costs["BilledCost"].to_list())
    assert got == pytest.approx(expected, rel=1e-9)
    # The report's reconciliation agrees with the independent sum, read and returned.
    total = load.report.total("BilledCost")
    assert total.currency == "USD"
    assert total.read == pytest.approx(expected, rel=1e-9)
    assert total.returned == pytest.approx(expected, rel=1e-9)
    effective = _csv_sum(rows, header, "EffectiveCost")
    assert load.report.total("EffectiveCost").returned == pytest.approx(effective, rel=1e-9)


def test_focus_sample_types(focus_sample: Path) -> None:
    costs = capcast.read_billing(focus_sample).costs
    schema = costs.schema
    for column in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        assert schema[column] == pl.Float64, column
    for column in ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart"):
        assert schema[column] == UTC_US, column
    assert schema["ServiceName"] == pl.String
    # Literal NULL strings became nulls; the first row has no AvailabilityZone.
    assert costs["AvailabilityZone"][0] is None
    # "2024-09-18 22:00:00" (no T, no Z) became a UTC instant.
    first = costs.filter(pl.col("BilledCost") == 0.0000008).row(0, named=True)
    assert first["ChargePeriodStart"].isoformat() == "2024-09-18T22:00:00+00:00"


def test_report_is_typed_frozen_and_complete(focus_sample: Path) -> None:
    report = capcast.read_billing(focus_sample).report
    assert isinstance(report, LoadReport)
    assert report.rows_read == 1000
    assert report.rows_kept == 1000
    assert report.rows_rejected == 0
    assert len(report.files) == 1 and Path(report.files[0].path).name == focus_sample.name
    assert report.files[0].rows_read == 1000
    assert report.format.startswith("focus")
    # The sample's messiness is repaired and counted.
    assert report.rows_repaired > 0 and any(r.count > 0 for r in report.repairs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.rows_read = 5  # type: ignore[misc]
    # repr is the Rust text; to_dict the JSON form, with exactly the typed fields.
    assert repr(report).startswith("load report")
    assert "<table>" in report._repr_html_()
    data = report.to_dict()
    typed = {f.name for f in dataclasses.fields(LoadReport) if not f.name.startswith("_")}
    assert set(data) == typed, "the Rust LoadReport and the Python LoadReport differ"
    assert json.loads(report.to_json()) == data
    data["rows_read"] = -1  # a copy: the report is unchanged
    assert report.rows_read == 1000


def test_several_paths_and_pathlike(focus_sample: Path, copy_of) -> None:
    a = copy_of(focus_sample, "a.csv")
    b = copy_of(focus_sample, "b.csv")
    load = capcast.read_billing([a, str(b)])
    assert load.costs.height == 2000
    assert len(load.report.files) == 2
    folder = capcast.read_billing(a.parent)
    assert folder.costs.height == 2000


def test_dedupe_drops_repeated_line_items(cur_sample: Path, copy_of) -> None:
    # The AWS CUR sample has line item ids; the same export delivered twice repeats every one.
    cur = cur_sample
    a = copy_of(cur, "a.csv")
    copy_of(cur, "b.csv")
    once = capcast.read_billing(a)
    assert once.report.duplicates.checked and once.report.duplicates.rows == 0
    kept = capcast.read_billing(a.parent, dedupe=True)
    duplicates = kept.report.duplicates
    assert duplicates.checked and duplicates.dropped
    assert duplicates.rows == once.costs.height
    assert kept.costs.height == once.costs.height
    billed = math.fsum(once.costs["BilledCost"].fill_null(0).to_list())
    assert duplicates.billed_cost == pytest.approx(billed, rel=1e-9)
    assert kept.report.total("BilledCost").returned == pytest.approx(billed, rel=1e-9)


def test_tag_expression_reads_json_tags() -> None:
    costs = pl.DataFrame({"Tags": ['{"team":"web","env":"prod"}', None, '{"env":"dev"}']})
    out = costs.select(capcast.tag("team"), capcast.tag("env"))
    assert out.columns == ["tag:team", "tag:env"]
    assert out["tag:team"].to_list() == ["web", None, None]
    assert out["tag:env"].to_list() == ["prod", None, "dev"]
