"""read_utilization on the Bitbrains trace and on the generated fleet file, checked against an
independent reading with Python's csv module."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import polars as pl
import pytest

import capcast
from capcast import UtilizationLoad, UtilizationReport


def _bitbrains_rows(folder: Path) -> dict[str, list[dict[str, float]]]:
    """Each VM's rows, keyed by the file stem, with the ';\\t' separator taken apart."""
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=";")
            header = [name.strip() for name in next(reader)]
            out[path.stem] = [
                {name: float(cell) for name, cell in zip(header, row)} for row in reader if row
            ]
    return out


def test_bitbrains_folder(bitbrains: Path) -> None:
    vms = _bitbrains_rows(bitbrains)
    load = capcast.read_utilization(bitbrains)
    assert isinstance(load, UtilizationLoad)
    samples, resources, report = load.samples, load.resources, load.report

    assert samples.columns[:4] == ["resource_id", "metric", "ts", "value"]
    assert samples.schema["ts"] == pl.Datetime("us", "UTC")
    assert samples.schema["value"] == pl.Float64
    assert sorted(samples["resource_id"].unique().to_list()) == sorted(vms)

    # Every file is accounted for, with its rows as the csv module counts them.
    assert isinstance(report, UtilizationReport)
    assert len(report.files) == len(vms)
    for file in report.files:
        assert file.format == "bitbrains"
        assert file.rows == len(vms[Path(file.path).stem])
        assert file.points_read == file.points_kept + file.points_dropped
    assert report.points_kept == samples.height
    assert report.points_read == report.points_kept + report.points_dropped

    # cpu_utilization is the trace's `CPU usage [%]`, point for point.
    vm = "1"
    cpu = samples.filter((pl.col("resource_id") == vm) & (pl.col("metric") == "cpu_utilization"))
    expected = [row["CPU usage [%]"] for row in vms[vm]]
    assert cpu.height == len(expected)
    assert math.fsum(cpu["value"].to_list()) == pytest.approx(math.fsum(expected), rel=1e-12)

    # One resource row per VM; vcpu is the largest `CPU cores` of the file.
    assert resources.height == len(vms)
    vcpu = dict(zip(resources["resource_id"].to_list(), resources["vcpu"].to_list()))
    assert vcpu[vm] == max(row["CPU cores"] for row in vms[vm])

    assert repr(report).startswith("utilization load")
    typed = {f.name for f in dataclasses.fields(UtilizationReport) if not f.name.startswith("_")}
    assert set(report.to_dict()) == typed, "the Rust and Python UtilizationReport differ"


def test_format_can_be_forced_and_is_checked(bitbrains: Path) -> None:
    one = bitbrains / "1.csv"
    load = capcast.read_utilization(one, format="bitbrains")
    assert load.report.files[0].format == "bitbrains"
    with pytest.raises(capcast.DataError):
        capcast.read_utilization(one, format="cloudwatch-get-metric-data")
