"""capcast: capacity planning and cloud cost forecasting.

Loaders for cloud billing exports (FOCUS, AWS CUR, Azure, GCP) and utilization exports
(CloudWatch, Prometheus, Azure Monitor, Bitbrains, long CSV), with a reconciled load report,
aggregation of billing rows into regular time series, and forecasting of many series at once
(ETS, MSTL, Theta, a Prophet-family regression and baselines, chosen per series by backtest,
with calibrated intervals). The engine is Rust (polars); frames arrive as polars DataFrames.

>>> import capcast
>>> load = capcast.read_billing("exports/")           # doctest: +SKIP
>>> load.costs.select("BilledCost").sum()             # doctest: +SKIP
>>> series = capcast.aggregate(load.costs, dimensions=["ServiceName"])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import polars as pl

from capcast import _native
from capcast._catalog import catalog, catalog_offers
from capcast._rightsize import RightsizeResult, rightsize
from capcast._commitments import (
    BillUsage,
    CommitmentBacktest,
    CommitmentPlan,
    backtest_bill,
    backtest_commitments,
    bill_usage,
    commitment_offers,
    optimize_commitments,
    commitment_horizon,
)
from capcast._forecast import (
    BacktestResult,
    Chart,
    ForecastResult,
    anomalies,
    backtest,
    fan_chart,
    forecast,
    sample_paths,
)
from capcast._frames import as_arrow_stream as _as_arrow_stream
from capcast._frames import check_polars_version as _check_polars_version
from capcast._frames import to_polars as _to_polars
from capcast._plan import (
    BudgetResult,
    ErlangC,
    RunwayResult,
    SloResult,
    budget_forecast,
    erlang_c,
    required_capacity,
    runway,
    runway_from_forecast,
    servers_for_wait,
    slo_burn,
)
from capcast._plan_report import Figure, PlanReport, ReportSection, plan
from capcast._reports import (
    CostTotal,
    DuplicateReport,
    FileReport,
    Issue,
    LoadReport,
    Rejection,
    Repair,
    UtilizationFileReport,
    UtilizationReport,
)
from capcast.exceptions import (
    CapcastError,
    ComputeError,
    DataError,
    FormatError,
    NotFoundError,
    ParameterError,
    ReadError,
)

_check_polars_version()

__version__: str = _native.__version__

__all__ = [
    "catalog",
    "catalog_offers",
    "RightsizeResult",
    "rightsize",
    "BacktestResult",
    "BillingLoad",
    "BudgetResult",
    "ErlangC",
    "RunwayResult",
    "SloResult",
    "Chart",
    "ForecastResult",
    "CommitmentBacktest",
    "CommitmentPlan",
    "CapcastError",
    "ComputeError",
    "CostTotal",
    "DataError",
    "DuplicateReport",
    "FileReport",
    "Figure",
    "FormatError",
    "Issue",
    "LoadReport",
    "NotFoundError",
    "ParameterError",
    "PlanReport",
    "ReadError",
    "Rejection",
    "Repair",
    "ReportSection",
    "UtilizationFileReport",
    "UtilizationLoad",
    "UtilizationReport",
    "__version__",
    "aggregate",
    "anomalies",
    "backtest",
    "budget_forecast",
    "erlang_c",
    "required_capacity",
    "runway",
    "runway_from_forecast",
    "servers_for_wait",
    "slo_burn",
    "backtest_commitments",
    "BillUsage",
    "backtest_bill",
    "bill_usage",
    "commitment_offers",
    "fan_chart",
    "forecast",
    "generate_sample",
    "optimize_commitments",
    "commitment_horizon",
    "plan",
    "read_billing",
    "read_utilization",
    "sample_paths",
    "tag",
    "tag_coverage",
    "top_movers",
]

#: A path, or several: a file, a folder of parts, or a list of them.
PathArg = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]
#: An instant bounding a window: a datetime (naive = UTC), a date (midnight UTC) or ISO text.
Instant = Union[_dt.datetime, _dt.date, str]
#: Anything capcast reads as a frame: polars DataFrame or LazyFrame, pandas DataFrame, pyarrow
#: Table, or any object with ``__arrow_c_stream__``.
FrameArg = Any


def _paths(paths: PathArg) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        items = [paths]
    elif isinstance(paths, Iterable) and not isinstance(paths, bytes):
        items = list(paths)
    else:
        raise ParameterError(
            "invalid parameter 'paths': expected a path or a list of paths, "
            f"got {type(paths).__name__}",
            parameter="paths",
        )
    out = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise ParameterError(
                f"invalid parameter 'paths': expected a path, got {type(item).__name__}",
                parameter="paths",
            )
        out.append(os.fsdecode(os.fspath(item)))
    if not out:
        raise ParameterError(
            "invalid parameter 'paths': expected at least one file or folder",
            parameter="paths",
        )
    return out


@dataclass(frozen=True, repr=False)
class BillingLoad:
    """What :func:`read_billing` returns.

    Attributes:
        costs: the billing rows with FOCUS 1.2 column names and types (amounts ``Float64``,
            periods ``Datetime("us", "UTC")``, ``Tags`` as JSON text).
        commitments: the FOCUS 1.3 Contract Commitment dataset, when one of the files is one.
        report: rows and money read versus returned, repairs, rejections, duplicates.
    """

    costs: pl.DataFrame
    commitments: pl.DataFrame | None
    report: LoadReport

    def __repr__(self) -> str:
        commitments = "None" if self.commitments is None else f"{self.commitments.shape}"
        return (
            f"BillingLoad(costs={self.costs.shape}, commitments={commitments})\n{self.report!r}"
        )

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


@dataclass(frozen=True, repr=False)
class UtilizationLoad:
    """What :func:`read_utilization` returns.

    Attributes:
        samples: the long frame ``resource_id, metric, ts (Datetime us UTC), value``.
        resources: one row per resource: ``resource_id, vcpu, memory_gib, instance_type``.
        report: per file, the points read, kept and dropped (with reasons), and warnings.
    """

    samples: pl.DataFrame
    resources: pl.DataFrame
    report: UtilizationReport

    def __repr__(self) -> str:
        return (
            f"UtilizationLoad(samples={self.samples.shape}, resources={self.resources.shape})"
            f"\n{self.report!r}"
        )

    def _repr_html_(self) -> str:
        return self.report._repr_html_()


def read_billing(
    paths: PathArg,
    *,
    lenient: bool = False,
    dedupe: bool = False,
    allow_mixed_currencies: bool = False,
    check_billing_period: bool = True,
) -> BillingLoad:
    """Read billing exports (files or folders of parts) into FOCUS 1.2 rows.

    Every file's format (FOCUS 1.0-1.3, AWS CUR, Azure, GCP) is detected from its header, and
    the load is reconciled: ``report.totals`` gives, per cost column and currency, the money
    read and the money returned.

    Args:
        paths: a file, a folder, or a list of them.
        lenient: drop rows that break a rule (listing them in the report) instead of raising.
        dedupe: drop repeated line items (same line item id and interval), keeping the first.
        allow_mixed_currencies: accept several billing currencies in one load.
        check_billing_period: reject rows charged outside their billing period (corrections
            excepted).

    Raises:
        NotFoundError: a path does not exist (also a ``FileNotFoundError``).
        FormatError: a file's format is not recognised.
        DataError: bad data in strict mode; ``.file``, ``.row``, ``.column``, ``.value`` say where.
    """
    costs, commitments, report_json, report_text = _native.read_billing(
        _paths(paths),
        lenient=lenient,
        dedupe=dedupe,
        allow_mixed_currencies=allow_mixed_currencies,
        check_billing_period=check_billing_period,
    )
    return BillingLoad(
        costs=_to_polars(costs),
        commitments=None if commitments is None else _to_polars(commitments),
        report=LoadReport._from_json(report_json, report_text),
    )


def read_utilization(
    paths: PathArg,
    *,
    format: str | None = None,
    statistic: str = "average",
    counters_to_rates: bool = True,
    resource_id: str | None = None,
    metric: str | None = None,
) -> UtilizationLoad:
    """Read utilization exports (files or folders) into one long frame.

    Args:
        paths: a file, a folder, or a list of them.
        format: the format of every file (``cloudwatch-get-metric-data``,
            ``cloudwatch-get-metric-statistics``, ``prometheus-range``, ``azure-monitor``,
            ``bitbrains``, ``long-csv``); ``None`` detects each file's format.
        statistic: the CloudWatch statistic / Azure aggregation kept (``average``,
            ``maximum``, ``minimum``, ``sum``, ``samplecount``).
        counters_to_rates: turn Prometheus counters (``*_total``) into per-second rates.
        resource_id: the resource of sources that do not name one.
        metric: the metric of Prometheus series without ``__name__``.

    Raises:
        NotFoundError, FormatError, DataError, ParameterError.
    """
    samples, resources, report_json, report_text = _native.read_utilization(
        _paths(paths),
        format=format,
        statistic=statistic,
        counters_to_rates=counters_to_rates,
        resource_id=resource_id,
        metric=metric,
    )
    return UtilizationLoad(
        samples=_to_polars(samples),
        resources=_to_polars(resources),
        report=UtilizationReport._from_json(report_json, report_text),
    )


def _instant(value: Instant, name: str) -> str:
    """An instant as RFC 3339 text in UTC (naive datetimes and dates are taken as UTC)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return value.astimezone(_dt.timezone.utc).isoformat()
    if isinstance(value, _dt.date):
        return f"{value.isoformat()}T00:00:00+00:00"
    if isinstance(value, str):
        return value
    raise ParameterError(
        f"invalid parameter '{name}': expected a datetime, a date or ISO 8601 text, "
        f"got {type(value).__name__}",
        parameter=name,
    )


def _window(value: Sequence[Instant], name: str) -> tuple[str, str]:
    if isinstance(value, (str, bytes)) or len(value) != 2:
        raise ParameterError(
            f"invalid parameter '{name}': expected a (start, end) pair", parameter=name
        )
    return _instant(value[0], name), _instant(value[1], name)


def _names(value: str | Sequence[str], name: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str):
            raise ParameterError(
                f"invalid parameter '{name}': expected column names, got {type(item).__name__}",
                parameter=name,
            )
    return items


def aggregate(
    costs: FrameArg,
    *,
    dimensions: str | Sequence[str] = (),
    freq: str = "day",
    cost: str = "effective",
    usage: str | None = None,
    gap_fill: str = "zero",
    spread: bool = False,
    start: Instant | None = None,
    end: Instant | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> pl.DataFrame:
    """Aggregate billing rows into regular time series ``unique_id, ds, y``.

    Args:
        costs: FOCUS rows (``read_billing(...).costs``), as polars, pandas or pyarrow.
        dimensions: columns that split the series (``ServiceName``, ``Tags.team`` or
            ``tag:team``, ``SkuPriceDetails.<key>``, ``InstanceType``, ...); none gives one
            series named ``total``.
        freq: ``hour``, ``day``, ``week`` (ISO, Monday) or ``month``.
        cost: the cost column: ``effective``, ``billed``, ``list`` or ``contracted``.
        usage: measure a quantity instead of cost: ``consumed`` or ``pricing``.
        gap_fill: periods without rows: ``zero``, ``null``, ``forward`` or ``none``.
        spread: spread each row over its charge period instead of its start period.
        start, end: the window (``end`` exclusive); default: the periods with rows.
        filters: keep only rows whose dimension takes one of the values, e.g.
            ``{"ChargeCategory": ["Usage"]}``; several filters must all hold.

    Returns:
        ``unique_id`` (the dimension values joined with ``/``, or ``total``), one column per
        dimension, ``ds`` (period start, ``Datetime("us", "UTC")``) and ``y`` (Float64),
        sorted by ``unique_id`` then ``ds``.
    """
    stream = _as_arrow_stream(costs, "costs")
    result = _native.aggregate(
        stream,
        dimensions=_names(dimensions, "dimensions"),
        freq=freq,
        cost=cost,
        usage=usage,
        gap_fill=gap_fill,
        spread=spread,
        start=None if start is None else _instant(start, "start"),
        end=None if end is None else _instant(end, "end"),
        filters=None
        if filters is None
        else {name: _names(values, "filters") for name, values in filters.items()},
    )
    return _to_polars(result)


def tag_coverage(
    costs: FrameArg,
    tag_key: str,
    *,
    by: str | Sequence[str] = (),
    cost: str = "effective",
) -> pl.DataFrame:
    """The share of cost that carries the tag ``tag_key``, overall or per ``by`` group."""
    stream = _as_arrow_stream(costs, "costs")
    return _to_polars(
        _native.tag_coverage(stream, tag_key, by=_names(by, "by"), cost=cost)
    )


def top_movers(
    costs: FrameArg,
    dimensions: str | Sequence[str],
    *,
    before: Sequence[Instant],
    after: Sequence[Instant],
    n: int = 10,
    cost: str = "effective",
) -> pl.DataFrame:
    """The ``n`` groups whose cost changed most between two windows (``(start, end)`` pairs,
    end exclusive)."""
    stream = _as_arrow_stream(costs, "costs")
    return _to_polars(
        _native.top_movers(
            stream,
            _names(dimensions, "dimensions"),
            before=_window(before, "before"),
            after=_window(after, "after"),
            n=n,
            cost=cost,
        )
    )


def generate_sample(
    out_dir: str | os.PathLike[str],
    *,
    seed: int = 42,
    months: int = 4,
    start: _dt.date | str | None = None,
    utilization_interval_minutes: int = 60,
) -> dict[str, Any]:
    """Write capcast's seeded sample data under ``out_dir``.

    Writes ``billing/focus-1.2-sample.csv.gz`` (hourly FOCUS 1.2 rows of a small AWS
    organisation), ``utilization/fleet.csv`` (CPU and memory of its EC2 fleet) and
    ``slo/requests.csv`` (requests and errors every 5 minutes, for the report's SLO section).
    The same options give byte-identical files.

    Returns:
        ``billing_rows``, ``utilization_rows``, ``files``, ``total_billed_cost``,
        ``total_effective_cost``.
    """
    if isinstance(start, _dt.datetime):
        start = start.date()
    summary = _native.generate_sample(
        os.fspath(out_dir),
        seed=seed,
        months=months,
        start=start.isoformat() if isinstance(start, _dt.date) else start,
        utilization_interval_minutes=utilization_interval_minutes,
    )
    result: dict[str, Any] = _json.loads(summary)
    return result


def tag(key: str) -> pl.Expr:
    """A polars expression reading the tag ``key`` from the JSON ``Tags`` column.

    >>> costs.group_by(capcast.tag("team")).agg(pl.col("BilledCost").sum())  # doctest: +SKIP
    """
    path = f'$["{key}"]' if "'" in key else f"$['{key}']"
    return pl.col("Tags").str.json_path_match(path).alias(f"tag:{key}")

