"""The sample generator, read back through the loaders: totals agree to 1e-9."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import capcast


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sample")
    summary = capcast.generate_sample(out, seed=7, months=1)
    return out, summary


def test_summary_and_files(sample: tuple[Path, dict]) -> None:
    out, summary = sample
    assert (out / "billing" / "focus-1.2-sample.csv.gz").is_file()
    assert (out / "utilization" / "fleet.csv").is_file()
    assert summary["billing_rows"] > 0 and summary["utilization_rows"] > 0
    assert len(summary["files"]) == 3
    assert (out / "slo" / "requests.csv").is_file()


def test_billing_reads_back_with_the_same_totals(sample: tuple[Path, dict]) -> None:
    out, summary = sample
    load = capcast.read_billing(out / "billing")
    assert load.costs.height == summary["billing_rows"]
    assert load.report.rows_rejected == 0
    billed = math.fsum(load.costs["BilledCost"].to_list())
    effective = math.fsum(load.costs["EffectiveCost"].to_list())
    assert billed == pytest.approx(summary["total_billed_cost"], rel=1e-9)
    assert effective == pytest.approx(summary["total_effective_cost"], rel=1e-9)


def test_utilization_reads_back(sample: tuple[Path, dict]) -> None:
    out, summary = sample
    load = capcast.read_utilization(out / "utilization" / "fleet.csv")
    assert load.report.files[0].format == "long-csv"
    assert load.samples.height == summary["utilization_rows"]
    assert set(load.samples["metric"].unique()) == {"cpu_utilization", "memory_utilization"}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = capcast.generate_sample(tmp_path / "a", seed=3, months=1)
    b = capcast.generate_sample(tmp_path / "b", seed=3, months=1)
    assert a["total_billed_cost"] == b["total_billed_cost"]
    for name in ("billing/focus-1.2-sample.csv.gz", "utilization/fleet.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
