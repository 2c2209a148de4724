"""Load reports as frozen, typed Python objects.

The extension hands each report over as JSON (the Rust ``serde`` form) plus its readable text
(the Rust ``Display``); these classes give it attribute access, ``to_dict()`` and a readable
``repr`` (plain text in a terminal, an HTML table in a notebook).
"""

from __future__ import annotations

import copy
import html
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CostTotal",
    "DuplicateReport",
    "FileReport",
    "LoadReport",
    "Issue",
    "Rejection",
    "Repair",
    "UtilizationFileReport",
    "UtilizationReport",
]


@dataclass(frozen=True)
class FileReport:
    """One file of a billing load."""

    path: str
    format: str
    rows_read: int
    rows_rejected: int
    notes: tuple[str, ...]

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> FileReport:
        return cls(
            path=str(data["path"]),
            format=str(data["format"]),
            rows_read=int(data["rows_read"]),
            rows_rejected=int(data["rows_rejected"]),
            notes=tuple(str(note) for note in data["notes"]),
        )


@dataclass(frozen=True)
class Repair:
    """A kind of repair on one column, and how many values it touched."""

    column: str
    kind: str
    count: int

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Repair:
        return cls(column=str(data["column"]), kind=str(data["kind"]), count=int(data["count"]))


@dataclass(frozen=True)
class Rejection:
    """One rejected row: where it is, the value that failed and why."""

    file: str
    row: int
    column: str
    value: str
    reason: str

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Rejection:
        return cls(
            file=str(data["file"]),
            row=int(data["row"]),
            column=str(data["column"]),
            value=str(data["value"]),
            reason=str(data["reason"]),
        )


@dataclass(frozen=True)
class DuplicateReport:
    """Line items delivered more than once (same line item id and time interval)."""

    checked: bool
    rows: int
    billed_cost: float
    dropped: bool
    examples: tuple[str, ...]

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> DuplicateReport:
        return cls(
            checked=bool(data["checked"]),
            rows=int(data["rows"]),
            billed_cost=float(data["billed_cost"]),
            dropped=bool(data["dropped"]),
            examples=tuple(str(example) for example in data["examples"]),
        )


@dataclass(frozen=True)
class CostTotal:
    """The total of one cost column in one currency, as read and as returned."""

    column: str
    currency: str
    read: float
    returned: float

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> CostTotal:
        return cls(
            column=str(data["column"]),
            currency=str(data["currency"]),
            read=float(data["read"]),
            returned=float(data["returned"]),
        )


class _Report:
    """What every report shares: the source JSON, the Rust text, ``to_dict`` and reprs."""

    _data: dict[str, Any]
    _text: str

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python data (a deep copy of the JSON form)."""
        return copy.deepcopy(self._data)

    def to_json(self) -> str:
        """The report as pretty JSON, the form ``capcast ingest --report`` writes."""
        return json.dumps(self._data, indent=2)

    def __repr__(self) -> str:
        return self._text.rstrip("\n")

    def __str__(self) -> str:
        return self._text.rstrip("\n")

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self._text)}</pre>"


@dataclass(frozen=True, repr=False)
class LoadReport(_Report):
    """What a billing load read, kept, repaired and rejected, and the money in versus out.

    ``rows_read == rows_kept + rows_rejected (+ duplicates dropped)``; ``totals`` gives, per cost
    column and currency, the sum over every row read and over the rows returned.
    """

    format: str
    files: tuple[FileReport, ...]
    rows_read: int
    rows_kept: int
    rows_repaired: int
    rows_rejected: int
    repairs: tuple[Repair, ...]
    rejections: tuple[Rejection, ...]
    duplicates: DuplicateReport
    totals: tuple[CostTotal, ...]
    warnings: tuple[str, ...]
    commitment_rows: int
    _data: dict[str, Any] = field(compare=False)
    _text: str = field(compare=False)

    @classmethod
    def _from_json(cls, text_json: str, text: str) -> LoadReport:
        data = json.loads(text_json)
        return cls(
            format=str(data["format"]),
            files=tuple(FileReport._from_dict(item) for item in data["files"]),
            rows_read=int(data["rows_read"]),
            rows_kept=int(data["rows_kept"]),
            rows_repaired=int(data["rows_repaired"]),
            rows_rejected=int(data["rows_rejected"]),
            repairs=tuple(Repair._from_dict(item) for item in data["repairs"]),
            rejections=tuple(Rejection._from_dict(item) for item in data["rejections"]),
            duplicates=DuplicateReport._from_dict(data["duplicates"]),
            totals=tuple(CostTotal._from_dict(item) for item in data["totals"]),
            warnings=tuple(str(item) for item in data["warnings"]),
            commitment_rows=int(data.get("commitment_rows", 0)),
            _data=data,
            _text=text,
        )

    def total(self, column: str = "BilledCost", currency: str | None = None) -> CostTotal:
        """The total of ``column`` (in ``currency``, needed only for mixed-currency loads)."""
        matches = [
            t for t in self.totals if t.column == column and currency in (None, t.currency)
        ]
        if len(matches) != 1:
            known = ", ".join(f"{t.column} {t.currency}" for t in self.totals)
            raise KeyError(
                f"no single total for column {column!r}"
                + (f" in {currency}" if currency else "")
                + f"; the report has: {known or 'none'}"
            )
        return matches[0]

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(t.column)}</td><td>{html.escape(t.currency)}</td>"
            f"<td style='text-align:right'>{t.read:,.2f}</td>"
            f"<td style='text-align:right'>{t.returned:,.2f}</td></tr>"
            for t in self.totals
        )
        warnings = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        return (
            f"<div><b>load report</b> ({html.escape(self.format)}): {len(self.files)} file(s); "
            f"rows {self.rows_read:,} read, {self.rows_kept:,} kept, "
            f"{self.rows_repaired:,} repaired, {self.rows_rejected:,} rejected"
            f"<table><thead><tr><th>column</th><th>currency</th><th>read</th>"
            f"<th>returned</th></tr></thead><tbody>{rows}</tbody></table>"
            + (f"<ul>{warnings}</ul>" if warnings else "")
            + "</div>"
        )


@dataclass(frozen=True)
class Issue:
    """A reason points were dropped (or look wrong), how many, and where it first happened."""

    reason: str
    count: int
    first: str

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(reason=str(data["reason"]), count=int(data["count"]), first=str(data["first"]))


@dataclass(frozen=True)
class UtilizationFileReport:
    """One file of a utilization load: every point read is kept or dropped for a reason."""

    path: str
    format: str
    rows: int | None
    series: int
    points_read: int
    points_kept: int
    dropped: tuple[Issue, ...]
    warnings: tuple[Issue, ...]

    @property
    def points_dropped(self) -> int:
        """Points dropped, all reasons together."""
        return sum(issue.count for issue in self.dropped)

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> UtilizationFileReport:
        rows = data["rows"]
        return cls(
            path=str(data["path"]),
            # serde spells the format in snake_case; Python and the CLI use the kebab names.
            format=str(data["format"]).replace("cloud_watch", "cloudwatch").replace("_", "-"),
            rows=None if rows is None else int(rows),
            series=int(data["series"]),
            points_read=int(data["points_read"]),
            points_kept=int(data["points_kept"]),
            dropped=tuple(Issue._from_dict(item) for item in data["dropped"]),
            warnings=tuple(Issue._from_dict(item) for item in data["warnings"]),
        )


@dataclass(frozen=True, repr=False)
class UtilizationReport(_Report):
    """What a utilization load read: per file, points read = kept + dropped (by reason)."""

    files: tuple[UtilizationFileReport, ...]
    resources: int
    duplicate_points: int
    _data: dict[str, Any] = field(compare=False)
    _text: str = field(compare=False)

    @property
    def points_read(self) -> int:
        """Points read over all files."""
        return sum(f.points_read for f in self.files)

    @property
    def points_kept(self) -> int:
        """Points kept over all files."""
        return sum(f.points_kept for f in self.files)

    @property
    def points_dropped(self) -> int:
        """Points dropped over all files."""
        return sum(f.points_dropped for f in self.files)

    @property
    def warnings(self) -> int:
        """Warnings (kept points that look wrong) over all files."""
        return sum(issue.count for f in self.files for issue in f.warnings)

    @classmethod
    def _from_json(cls, text_json: str, text: str) -> UtilizationReport:
        data = json.loads(text_json)
        return cls(
            files=tuple(UtilizationFileReport._from_dict(item) for item in data["files"]),
            resources=int(data["resources"]),
            duplicate_points=int(data["duplicate_points"]),
            _data=data,
            _text=text,
        )
