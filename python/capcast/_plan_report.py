"""The planning report from Python: :func:`plan` runs loading, forecasting, the budget,
rightsizing, commitments and capacity planning in Rust and returns a :class:`PlanReport`
with every table as a polars DataFrame and every chart as a :class:`Chart`. In a notebook
the report displays as its HTML page.

>>> report = capcast.plan(budget=25000, out="report")   # doctest: +SKIP
>>> report.tables["forecast_by_service"]                 # doctest: +SKIP
>>> report.charts["budget_burndown"]                     # doctest: +SKIP
"""

from __future__ import annotations

import html as _html
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Union

import polars as pl

from capcast import _native
from capcast._forecast import Chart
from capcast._frames import to_polars as _to_polars
from capcast.exceptions import ParameterError

__all__ = ["Figure", "PlanReport", "ReportSection", "plan"]

_PathArg = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]


@dataclass(frozen=True)
class Figure:
    """A headline number of a section: ``label``, ``value`` (formatted) and ``note``."""

    label: str
    value: str
    note: str


@dataclass(frozen=True)
class ReportSection:
    """One section of the report.

    Attributes:
        id: its key (``forecast``, ``budget``, ``rightsizing``, ...).
        title: its heading.
        reason: why it is not available (``None`` when it is).
        figures: headline numbers.
        text: paragraphs.
        charts: chart name -> SVG :class:`Chart` (PNG in :attr:`png_charts`).
        png_charts: chart name -> PNG :class:`Chart`.
        tables: table name -> DataFrame.
    """

    id: str
    title: str
    reason: str | None
    figures: tuple[Figure, ...]
    text: tuple[str, ...]
    charts: dict[str, Chart] = field(repr=False)
    png_charts: dict[str, Chart] = field(repr=False)
    tables: dict[str, pl.DataFrame] = field(repr=False)

    @property
    def available(self) -> bool:
        """Whether the section was computed."""
        return self.reason is None


@dataclass(frozen=True, repr=False)
class PlanReport:
    """What :func:`plan` returns.

    Attributes:
        title, subtitle, generated: the heading, the data's period and total, and when it
            was made.
        sections: the sections in order (see :class:`ReportSection`).
        settings: ``setting, value, source``: the settings and assumptions used.
        html: the self-contained page (what ``report.html`` holds).
        files: the files written when ``out`` was given.
    """

    title: str
    subtitle: str
    generated: str
    sections: tuple[ReportSection, ...]
    settings: pl.DataFrame
    html: str
    files: tuple[str, ...]

    @property
    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table of every section, by name."""
        return {name: t for s in self.sections for name, t in s.tables.items()}

    @property
    def charts(self) -> dict[str, Chart]:
        """Every chart of every section, by name, as SVG."""
        return {name: c for s in self.sections for name, c in s.charts.items()}

    def chart(self, name: str, format: str = "svg") -> Chart:
        """One chart as ``svg`` or ``png``."""
        if format not in ("svg", "png"):
            raise ParameterError(
                f"invalid parameter 'format': {format!r}: expected 'svg' or 'png'",
                parameter="format",
            )
        for s in self.sections:
            charts = s.png_charts if format == "png" else s.charts
            if name in charts:
                return charts[name]
        raise ParameterError(
            f"invalid parameter 'name': no chart {name!r}; charts: {', '.join(self.charts)}",
            parameter="name",
        )

    def section(self, id: str) -> ReportSection:
        """The section with this id."""
        for s in self.sections:
            if s.id == id:
                return s
        ids = ", ".join(s.id for s in self.sections)
        raise ParameterError(
            f"invalid parameter 'id': no section {id!r}; sections: {ids}", parameter="id"
        )

    def save_html(self, path: str | os.PathLike[str]) -> None:
        """Writes the page alone (charts inline) to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)

    def __repr__(self) -> str:
        lines = [f"PlanReport({self.title!r}: {self.subtitle})"]
        for s in self.sections:
            if s.reason is not None:
                lines.append(f"  {s.title}: {s.reason}")
            elif s.figures:
                f = s.figures[0]
                lines.append(f"  {s.title}: {f.label} {f.value}")
            else:
                lines.append(f"  {s.title}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        # The page in an iframe: its styles stay inside it, and it needs no scripts.
        return (
            f'<iframe title="{_html.escape(self.title)}" srcdoc="{_html.escape(self.html)}" '
            'style="width:100%;height:900px;border:1px solid #e5e7eb;border-radius:6px">'
            "</iframe>"
        )


def _path_list(value: _PathArg | None, name: str) -> list[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, (str, os.PathLike)) else list(value)
    out = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise ParameterError(
                f"invalid parameter '{name}': expected a path, got {type(item).__name__}",
                parameter=name,
            )
        out.append(os.fsdecode(os.fspath(item)))
    return out


def _section(data: dict[str, Any]) -> ReportSection:
    return ReportSection(
        id=str(data["id"]),
        title=str(data["title"]),
        reason=None if data["reason"] is None else str(data["reason"]),
        figures=tuple(Figure(*f) for f in data["figures"]),
        text=tuple(str(t) for t in data["text"]),
        charts={name: Chart(bytes(svg), "svg") for name, _, svg, _ in data["charts"]},
        png_charts={name: Chart(bytes(png), "png") for name, _, _, png in data["charts"]},
        tables={name: _to_polars(stream) for name, _, stream in data["tables"]},
    )


def plan(
    billing: _PathArg | None = None,
    utilization: _PathArg | None = None,
    budget: float | str | None = None,
    out: str | os.PathLike[str] | None = None,
    *,
    budget_file: str | os.PathLike[str] | None = None,
    horizon_days: int = 30,
    paths: int = 200,
    seed: int = 0,
    lenient: bool = False,
    group_by: str | None = None,
    slo: str | os.PathLike[str] | None = None,
    slo_target: float | None = None,
) -> PlanReport:
    """Run the whole plan and return the report (and write it into ``out`` when given).

    Args:
        billing: billing files or folders; default: the bundled sample, with its fleet's
            utilization.
        utilization: utilization files or folders (rightsizing, capacity).
        budget: the monthly budget, a number in the billing currency or text such as
            ``"12000 USD"``; default: the last full month's spend (stated as an assumption).
        out: a folder to write ``report.html``, ``charts/*.svg|png`` and
            ``tables/*.csv|json`` into.
        budget_file: a CSV of monthly budgets (``month, amount[, currency]``) instead.
        horizon_days: days to forecast (1 to 730).
        paths: forecast sample paths (at least 20).
        seed: seed of the sample paths.
        lenient: drop billing rows that break a rule instead of raising.
        group_by: capacity groups: a column of the utilization data (``service``,
            ``namespace``, ...), a billing tag key (``team``: ResourceId -> Tags) or
            ``"instance_type"``; default: a group-like column, else the well-known tag covering
            most of the fleet, else the instance type (stated in the report's settings).
            Resources without a value are kept in the group ``(untagged)``.
        slo: a request series for the SLO section: CSV with ``timestamp`` and either
            ``total`` with ``errors`` (or ``good``), or ``error_rate`` (0 to 1); default with no
            billing: the bundled ``data/sample/slo/requests.csv``.
        slo_target: the SLO target in (0, 1); default 0.999.

    Raises:
        ParameterError: a bad parameter, or a budget in another currency than the data.
        NotFoundError, FormatError, DataError: unreadable inputs.
    """
    if isinstance(budget, bool) or not isinstance(budget, (int, float, str, type(None))):
        raise ParameterError(
            "invalid parameter 'budget': expected a number or text such as '12000 USD', "
            f"got {type(budget).__name__}",
            parameter="budget",
        )
    data = _native.plan(
        _path_list(billing, "billing"),
        utilization=_path_list(utilization, "utilization"),
        budget=None if budget is None else str(budget),
        budget_file=None if budget_file is None else os.fsdecode(os.fspath(budget_file)),
        horizon_days=int(horizon_days),
        paths=int(paths),
        seed=int(seed),
        out=None if out is None else os.fsdecode(os.fspath(out)),
        lenient=lenient,
        group_by=group_by,
        slo=None if slo is None else os.fsdecode(os.fspath(slo)),
        slo_target=None if slo_target is None else float(slo_target),
    )
    settings = pl.DataFrame(
        [list(s) for s in data["settings"]],
        schema={"setting": pl.String, "value": pl.String, "source": pl.String},
        orient="row",
    )
    return PlanReport(
        title=str(data["title"]),
        subtitle=str(data["subtitle"]),
        generated=str(data["generated"]),
        sections=tuple(_section(s) for s in data["sections"]),
        settings=settings,
        html=str(data["html"]),
        files=tuple(str(f) for f in data["files"]),
    )
