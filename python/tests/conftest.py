"""Shared fixtures: the real sample exports in ../shared/data (never copied into the repo)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
FOCUS_SAMPLE = SHARED_DATA / "billing" / "focus" / "focus-1.0-sample.csv"
CUR_SAMPLE = SHARED_DATA / "billing" / "aws-cur" / "legacy-cur-sample.csv"
BITBRAINS = SHARED_DATA / "utilization" / "bitbrains-rnd-2013-7"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"sample data not found: {path} (the repository expects ../shared/data)")
    return path


@pytest.fixture(scope="session")
def focus_sample() -> Path:
    """The public FOCUS 1.0 sample: 1000 rows, literal NULLs, dates without T/Z."""
    return _require(FOCUS_SAMPLE)


@pytest.fixture(scope="session")
def cur_sample() -> Path:
    """A public legacy AWS Cost and Usage Report sample (with line item ids)."""
    return _require(CUR_SAMPLE)


@pytest.fixture(scope="session")
def bitbrains() -> Path:
    """The Bitbrains GWA-T-12 Rnd trace: one ;-and-tab separated CSV per VM."""
    return _require(BITBRAINS)


@pytest.fixture()
def focus_rows(focus_sample: Path) -> tuple[list[str], list[list[str]]]:
    """The FOCUS sample's header and rows, read with Python's csv module."""
    with focus_sample.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


@pytest.fixture()
def write_focus(tmp_path: Path, focus_rows: tuple[list[str], list[list[str]]]):
    """Writes a copy of the first rows of the FOCUS sample, with cells replaced:
    ``write_focus(n_rows, {(row, column): value})`` (row 1-based)."""
    header, rows = focus_rows

    def write(n_rows: int = 5, changes: dict[tuple[int, str], str] | None = None) -> Path:
        out = tmp_path / "bill.csv"
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
            writer.writerow(header)
            for index, row in enumerate(rows[:n_rows], start=1):
                row = list(row)
                for (at, column), value in (changes or {}).items():
                    if at == index:
                        row[header.index(column)] = value
                writer.writerow(row)
        return out

    return write


@pytest.fixture()
def copy_of(tmp_path: Path):
    """Copies a file into the test's temporary folder."""

    def copy(path: Path, name: str | None = None) -> Path:
        out = tmp_path / (name or path.name)
        shutil.copy(path, out)
        return out

    return copy
