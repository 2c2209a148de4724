"""The exception hierarchy, the positions errors carry, and that no panic reaches Python."""

from __future__ import annotations

import errno
import pickle
from pathlib import Path

import pytest

import capcast
from capcast import _native
from capcast.exceptions import (
    CapcastError,
    ComputeError,
    DataError,
    FormatError,
    NotFoundError,
    ParameterError,
    ReadError,
)


def test_hierarchy_derives_from_the_matching_builtins() -> None:
    assert issubclass(DataError, CapcastError) and issubclass(DataError, ValueError)
    assert issubclass(FormatError, DataError) and issubclass(FormatError, ValueError)
    assert issubclass(ParameterError, CapcastError) and issubclass(ParameterError, ValueError)
    assert issubclass(NotFoundError, CapcastError)
    assert issubclass(NotFoundError, FileNotFoundError) and issubclass(NotFoundError, OSError)
    assert issubclass(ReadError, CapcastError) and issubclass(ReadError, OSError)
    assert issubclass(ComputeError, CapcastError) and issubclass(ComputeError, RuntimeError)
    # Exported at the top level too.
    assert capcast.DataError is DataError and capcast.NotFoundError is NotFoundError


def test_missing_file_is_not_found_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError) as info:
        capcast.read_billing(missing)
    err = info.value
    assert isinstance(err, NotFoundError) and isinstance(err, CapcastError)
    assert err.file == str(missing)
    assert err.filename == str(missing)
    assert err.errno == errno.ENOENT
    assert str(missing) in str(err) and "no such file" in str(err)


def test_missing_utilization_folder_is_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        capcast.read_utilization(tmp_path / "metrics")


def test_bad_cost_is_a_value_error_naming_file_row_column_value(write_focus) -> None:
    path = write_focus(5, {(3, "BilledCost"): "12,5x"})
    try:
        capcast.read_billing(path)
    except ValueError as err:  # the point: `except ValueError` is enough
        assert isinstance(err, DataError)
        assert err.file is not None and Path(err.file).name == "bill.csv"
        assert err.row == 3
        assert err.column == "BilledCost"
        assert err.value == "12,5x"
        message = str(err)
        assert "bill.csv" in message and "row 3" in message and "BilledCost" in message
        assert "12,5x" in message
    else:
        pytest.fail("a cost that is not a number must raise")


def test_unknown_format_is_format_error(tmp_path: Path) -> None:
    path = tmp_path / "weird.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        capcast.read_billing(path)
    assert isinstance(info.value, DataError) and isinstance(info.value, ValueError)
    assert info.value.file == str(path)


def test_parameter_errors_name_the_parameter(tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as info:
        capcast.read_utilization(tmp_path, format="carrier-pigeon")
    assert info.value.parameter == "format"
    assert "carrier-pigeon" in str(info.value)
    with pytest.raises(ParameterError) as info:
        capcast.read_billing([])
    assert info.value.parameter == "paths"
    with pytest.raises(ParameterError):
        capcast.read_billing(42)  # type: ignore[arg-type]
    with pytest.raises(ParameterError) as info:
        capcast.generate_sample(tmp_path, months=0)
    assert info.value.parameter == "months"
    with pytest.raises(ParameterError) as info:
        capcast.generate_sample(tmp_path, start="May 2026")
    assert info.value.parameter == "start"


def test_rust_panic_becomes_compute_error_not_panic_exception() -> None:
    with pytest.raises(ComputeError) as info:
        _native._panic("boom")
    assert info.value.internal is True
    assert "boom" in str(info.value) and "internal error" in str(info.value)
    # pyo3's PanicException derives from BaseException only; ours is an ordinary Exception.
    assert isinstance(info.value, Exception) and isinstance(info.value, RuntimeError)


@pytest.mark.parametrize(
    "error",
    [
        DataError("x.csv, row 2: bad", file="x.csv", row=2, column="c", value="v"),
        NotFoundError("gone.csv: no such file or folder", file="gone.csv"),
        ParameterError("invalid parameter 'n'", parameter="n"),
        ComputeError("engine", internal=True),
    ],
)
def test_errors_pickle_with_their_attributes(error: CapcastError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.__dict__ == error.__dict__
