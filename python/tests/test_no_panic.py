"""Bad input from Python raises a capcast error (or a TypeError for a wrong argument type),
never a panic, a crash or a bare Exception."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

import capcast
from capcast import CapcastError


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty.csv": b"",
        "header-only.csv": b'"BilledCost","BillingCurrency"\n',
        "binary.csv": bytes(range(256)) * 40,
        "not-json.json": b"{\"MetricDataResults\": [",
        "truncated.csv.gz": gzip.compress(b"a,b\n" + b"1,2\n" * 1000)[:-20],
        "utf16.csv": "BilledCost,BillingCurrency\n1,USD\n".encode("utf-16"),
        "one-cell.csv": b"x",
    }
    out = {}
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        out[name] = path
    empty_dir = tmp_path / "empty-dir"
    empty_dir.mkdir()
    out["empty-dir"] = empty_dir
    return out


@pytest.mark.parametrize("loader", ["read_billing", "read_utilization"])
def test_bad_files_raise_capcast_errors(tmp_path: Path, loader: str) -> None:
    read = getattr(capcast, loader)
    for name, path in _bad_files(tmp_path).items():
        with pytest.raises(CapcastError) as info:
            read(path)
        assert not info.value.__class__.__name__ == "PanicException", name
        assert str(info.value), name


def test_bad_rows_in_lenient_mode_are_reported(write_focus) -> None:
    path = write_focus(
        6,
        {
            (2, "BilledCost"): "abc",
            (4, "ChargePeriodStart"): "not a date",
        },
    )
    load = capcast.read_billing(path, lenient=True)
    assert load.report.rows_read == 6
    assert load.report.rows_rejected == 2
    assert load.costs.height == 4
    rejected = {(r.row, r.column, r.value) for r in load.report.rejections}
    assert (2, "BilledCost", "abc") in rejected
    assert (4, "ChargePeriodStart", "not a date") in rejected


@pytest.mark.parametrize(
    "call",
    [
        lambda: capcast.aggregate(42),
        lambda: capcast.aggregate(pl.DataFrame({"x": [1]})),
        lambda: capcast.aggregate(pl.DataFrame(), dimensions=["ServiceName"]),
        lambda: capcast.tag_coverage("costs", "team"),
        lambda: capcast.top_movers(pl.DataFrame(), ["ServiceName"], before=(1,), after=(1, 2)),
        lambda: capcast.read_utilization(".", statistic="median-ish"),
        lambda: capcast.generate_sample("/proc/definitely/not/writable", months=1),
    ],
)
def test_bad_arguments_raise_capcast_errors(call) -> None:
    with pytest.raises(CapcastError):
        call()


def test_wrong_argument_types_raise_type_error() -> None:
    with pytest.raises((TypeError, CapcastError)):
        capcast.read_billing(["a.csv", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        capcast.read_billing("a.csv", lenient="yes")  # type: ignore[arg-type]
