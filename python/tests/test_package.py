"""The package surface: exports, version, typing marker, polars version check."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import capcast
from capcast import _frames

REPO = Path(__file__).resolve().parents[2]


def test_every_export_exists() -> None:
    for name in capcast.__all__:
        assert hasattr(capcast, name), name


def test_version_is_the_crate_version() -> None:
    cargo = (REPO / "Cargo.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"', cargo, re.MULTILINE)
    assert match is not None
    assert capcast.__version__ == match[1]


def test_package_is_typed() -> None:
    package = Path(capcast.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()


def test_too_old_polars_is_refused_with_a_readable_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pl, "__version__", "1.2.3")
    with pytest.raises(ImportError, match=r"capcast needs polars >= 1\.10, found polars 1\.2\.3"):
        _frames.check_polars_version()
    monkeypatch.setattr(pl, "__version__", "1.10.0rc1")
    _frames.check_polars_version()
