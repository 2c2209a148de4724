"""Data frames across the Rust boundary, through the Arrow PyCapsule interface.

Out: the extension returns ``capcast._native.ArrowStream`` objects; :func:`to_polars` reads one
into a ``polars.DataFrame`` without copying the buffers (polars >= 1.10 reads any multi-batch stream with
``__arrow_c_stream__``).

In: :func:`as_arrow_stream` accepts a polars DataFrame or LazyFrame, a pandas DataFrame or a
pyarrow Table / RecordBatch (anything with ``__arrow_c_stream__``), and returns an object the
extension can import.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

import polars as pl

from capcast.exceptions import ParameterError

#: The oldest Python polars whose DataFrame constructor reads Arrow PyCapsule streams.
MIN_POLARS = (1, 10)


class ArrowStreamExportable(Protocol):
    """Anything that exports an Arrow C stream (polars, pyarrow, pandas >= 2.2, ...)."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...


def check_polars_version() -> None:
    """Raise ``ImportError`` with a readable message when the installed polars is too old."""
    parts = []
    for piece in pl.__version__.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    if tuple(parts) < MIN_POLARS:
        wanted = ".".join(map(str, MIN_POLARS))
        raise ImportError(
            f"capcast needs polars >= {wanted}, found polars {pl.__version__}: "
            f"run `pip install 'polars>={wanted}'`"
        )


def to_polars(stream: ArrowStreamExportable) -> pl.DataFrame:
    """A polars DataFrame from a frame exported by the extension (no copy of the buffers)."""
    frame = pl.DataFrame(stream)
    return frame


def as_arrow_stream(frame: Any, name: str) -> ArrowStreamExportable:
    """An object with ``__arrow_c_stream__`` for ``frame``; ``name`` is the argument's name.

    Raises:
        ParameterError: ``frame`` is not a polars, pandas or pyarrow frame.
    """
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    if isinstance(frame, pl.DataFrame):
        return frame
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(frame, pandas.DataFrame):
        # Through polars: works without pyarrow-backed pandas and keeps datetimes' time zones.
        return pl.from_pandas(frame)
    if hasattr(frame, "__arrow_c_stream__"):
        return frame  # type: ignore[no-any-return]
    raise ParameterError(
        f"invalid parameter '{name}': expected a polars, pandas or pyarrow data frame, "
        f"got {type(frame).__name__}",
        parameter=name,
    )
