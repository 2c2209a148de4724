"""The exceptions capcast raises.

Every exception is a :class:`CapcastError` and also derives from the builtin that matches its
meaning, so ``except ValueError`` catches bad data and ``except FileNotFoundError`` a missing
path. Each carries where the problem was found, when known:

``file``, ``row`` (1-based data row, the header being row 0), ``column`` and ``value``.
"""

from __future__ import annotations

import errno as _errno

__all__ = [
    "CapcastError",
    "ComputeError",
    "DataError",
    "FormatError",
    "NotFoundError",
    "ParameterError",
    "ReadError",
]


class CapcastError(Exception):
    """Base class of every error capcast raises.

    Attributes:
        message: the full, lower-case message (also ``str(error)``).
        file: the file the problem is in, or ``None``.
        row: the 1-based data row, or ``None``.
        column: the column as spelled in the file, or ``None``.
        value: the offending value, verbatim, or ``None``.
    """

    message: str
    file: str | None
    row: int | None
    column: str | None
    value: str | None

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.value = value

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the attributes through pickling (multiprocessing, joblib).
        return (_rebuild, (type(self), self.message, self.__dict__.copy()))


def _rebuild(cls: type[CapcastError], message: str, state: dict[str, object]) -> CapcastError:
    state = {key: value for key, value in state.items() if key != "message"}
    return cls(message, **state)  # type: ignore[arg-type]


class DataError(CapcastError, ValueError):
    """Input data that breaks a rule: a value that is not a number, a missing column, ..."""


class FormatError(DataError):
    """A file whose format capcast does not recognise."""


class ParameterError(CapcastError, ValueError):
    """A parameter outside its documented range; ``parameter`` names it."""

    parameter: str | None

    def __init__(self, message: str, *, parameter: str | None = None, **position: object) -> None:
        super().__init__(message, **position)  # type: ignore[arg-type]
        self.parameter = parameter


class ReadError(CapcastError, OSError):
    """A file or folder that exists but could not be read."""


class NotFoundError(CapcastError, FileNotFoundError):
    """A path that does not exist. Also a :class:`FileNotFoundError`, with ``filename`` set."""

    def __init__(self, message: str, **position: object) -> None:
        super().__init__(message, **position)  # type: ignore[arg-type]
        self.errno = _errno.ENOENT
        self.strerror = "no such file or folder"
        self.filename = self.file


class ComputeError(CapcastError, RuntimeError):
    """A failure inside the data-frame engine, or an internal error of capcast.

    ``internal`` is true when capcast itself failed (a bug: please report it).
    """

    internal: bool

    def __init__(self, message: str, *, internal: bool = False, **position: object) -> None:
        super().__init__(message, **position)  # type: ignore[arg-type]
        self.internal = internal
