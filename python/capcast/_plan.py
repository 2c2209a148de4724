"""Capacity planning from Python: runway, required capacity, Erlang C sizing, budgets and SLO
burn rates.

The frame functions take forecast sample paths ``unique_id, path, ds, y`` (from
:func:`capcast.sample_paths`) and/or histories ``unique_id, ds, y`` and return polars
DataFrames; the work runs in Rust with the GIL released.

>>> paths = capcast.sample_paths(cpu, horizon=24 * 30, n_paths=200)   # doctest: +SKIP
>>> capcast.runway(paths, threshold=0.8, quantile=0.95).summary         # doctest: +SKIP
>>> capcast.servers_for_wait(100.0, 1.0, target_wait=0.1, percentile=0.8)
107
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from capcast import _native
from capcast._forecast import Chart
from capcast._frames import as_arrow_stream as _as_arrow_stream
from capcast._frames import to_polars as _to_polars

__all__ = [
    "BudgetResult",
    "ErlangC",
    "RunwayResult",
    "SloResult",
    "budget_forecast",
    "erlang_c",
    "required_capacity",
    "runway",
    "runway_from_forecast",
    "servers_for_wait",
    "slo_burn",
]


@dataclass(frozen=True)
class RunwayResult:
    """The result of :func:`runway`.

    Attributes:
        summary: one row per group: ``unique_id, threshold, quantile, capacity, crossing_ds,
            crossing_p10, crossing_p50, crossing_p90, prob_cross_within_horizon,
            current_peak_utilization, horizon_end``. ``crossing_ds`` is when the chosen
            quantile of the forecast reaches ``threshold`` of capacity (null: not within the
            horizon); the P10/P50/P90 are quantiles of the paths' first crossing dates.
        curves: ``unique_id, ds, utilization_p10, utilization_p50, utilization_p90,
            utilization_q``: forecast utilization (over capacity) per step.
    """

    summary: pl.DataFrame
    curves: pl.DataFrame

    def plot(
        self,
        unique_id: str | None = None,
        *,
        history: Any | None = None,
        format: str = "svg",
        last: int | None = None,
        title: str | None = None,
    ) -> Chart:
        """The runway chart of one group (default: the first): observed utilization (from
        ``history``), the forecast P10-P90 band, median and chosen quantile, the threshold
        and the crossing date."""
        data = _native.runway_chart(
            _as_arrow_stream(self.summary, "summary"),
            _as_arrow_stream(self.curves, "curves"),
            history=None if history is None else _as_arrow_stream(history, "history"),
            unique_id=unique_id,
            format=format,
            last=last,
            title=title,
        )
        return Chart(data, format)


@dataclass(frozen=True)
class BudgetResult:
    """The result of :func:`budget_forecast`.

    Attributes:
        summary: per group and period: ``unique_id, period, period_start, period_end,
            actual_to_date, forecast_mean, forecast_p10, forecast_p50, forecast_p90, budget,
            prob_overrun, exhaustion_ds, exhaustion_p10, exhaustion_p90``.
        burndown: per group, period and step: ``unique_id, period, ds, actual_cumulative,
            forecast_mean, forecast_p10, forecast_p50, forecast_p90, budget, budget_linear``.
    """

    summary: pl.DataFrame
    burndown: pl.DataFrame

    def plot(
        self,
        unique_id: str | None = None,
        *,
        period: str = "month",
        currency: str | None = None,
        format: str = "svg",
        title: str | None = None,
    ) -> Chart:
        """The burn-down chart of one group (default: the first) and period: cumulative actual
        and forecast spend against the budget, and the date it runs out. ``currency`` is the
        symbol written before amounts (``"$"``)."""
        data = _native.burndown_chart(
            _as_arrow_stream(self.summary, "summary"),
            _as_arrow_stream(self.burndown, "burndown"),
            unique_id=unique_id,
            period=period,
            currency=currency,
            format=format,
            title=title,
        )
        return Chart(data, format)


@dataclass(frozen=True)
class SloResult:
    """The result of :func:`slo_burn`.

    Attributes:
        series: ``ds, error_rate, burn_<window>..., budget_remaining`` per row.
        alerts: ``severity, burn_rate, long_window, short_window, start, end, active``: the
            intervals during which a multi-window burn-rate rule fired.
        budget_remaining: share of the error budget left at the last row (negative when
            overspent).
    """

    series: pl.DataFrame
    alerts: pl.DataFrame
    budget_remaining: float


@dataclass(frozen=True)
class ErlangC:
    """An M/M/c queue (:func:`erlang_c`). Times are in the unit of the rates.

    Attributes:
        servers: the number of servers ``c``.
        load: offered load ``a = arrival_rate / service_rate`` in Erlangs.
        utilization: ``a / c``.
        prob_wait: the probability an arrival waits (Erlang C).
        mean_wait: mean time in queue.
        mean_response: mean time in system (queue plus service).
        mean_queue_length: mean number waiting (Little's law).
        wait_percentiles: percentile (a fraction) -> wait in queue at that percentile.
    """

    servers: int
    load: float
    utilization: float
    prob_wait: float
    mean_wait: float
    mean_response: float
    mean_queue_length: float
    wait_percentiles: dict[float, float]


def runway(
    paths: Any,
    *,
    history: Any | None = None,
    threshold: float = 0.8,
    quantile: float = 0.95,
    capacity: float = 1.0,
    capacities: Mapping[str, float] | None = None,
) -> RunwayResult:
    """When does forecast utilization cross ``threshold`` of capacity?

    Args:
        paths: forecast sample paths ``unique_id, path, ds, y`` (:func:`capcast.sample_paths`).
        history: the observed ``unique_id, ds, y``, for the current peak utilization.
        threshold: share of capacity, in (0, 1].
        quantile: the forecast quantile compared with the threshold, in (0, 1).
        capacity: capacity in the paths' unit (1.0 for fractions, 100 for percent).
        capacities: per ``unique_id`` capacities overriding ``capacity``.

    Raises:
        ParameterError: a parameter outside its range (e.g. a capacity that is not positive).
        DataError: a missing column, an empty frame or a bad value (the message says where).
    """
    s, c = _native.runway(
        _as_arrow_stream(paths, "paths"),
        history=None if history is None else _as_arrow_stream(history, "history"),
        threshold=float(threshold),
        quantile=float(quantile),
        capacity=float(capacity),
        capacities=None if capacities is None else {str(k): float(v) for k, v in capacities.items()},
    )
    return RunwayResult(summary=_to_polars(s), curves=_to_polars(c))


def runway_from_forecast(
    forecasts: Any,
    *,
    history: Any | None = None,
    threshold: float = 0.8,
    quantile: float = 0.95,
    capacity: float = 1.0,
    capacities: Mapping[str, float] | None = None,
) -> RunwayResult:
    """:func:`runway` from quantile forecasts (``capcast.forecast(...).forecasts``) instead of
    sample paths. The ``quantile`` must be a bound the forecast has: 0.95 needs level 90
    (``yhat_upper_90``), 0.975 level 95. There is no spread of crossing dates: the
    ``crossing_p10/p50/p90`` and ``prob_cross_within_horizon`` columns are null.
    """
    s, c = _native.runway_from_forecast(
        _as_arrow_stream(forecasts, "forecasts"),
        history=None if history is None else _as_arrow_stream(history, "history"),
        threshold=float(threshold),
        quantile=float(quantile),
        capacity=float(capacity),
        capacities=None if capacities is None else {str(k): float(v) for k, v in capacities.items()},
    )
    return RunwayResult(summary=_to_polars(s), curves=_to_polars(c))


def required_capacity(
    paths: Any,
    *,
    per_instance: float,
    target_utilization: float = 0.8,
    quantile: float = 0.95,
    redundancy: int = 1,
    period: str = "day",
) -> pl.DataFrame:
    """Instances needed per ``day``, ``week`` or ``month`` so the ``quantile`` of forecast
    peak load stays under ``target_utilization`` of the instances, plus ``redundancy`` spares.

    Returns ``unique_id, period_start, peak_load, quantile, target_utilization,
    base_instances, redundancy, instances, peak_utilization``.
    """
    return _to_polars(
        _native.required_capacity(
            _as_arrow_stream(paths, "paths"),
            per_instance=float(per_instance),
            target_utilization=float(target_utilization),
            quantile=float(quantile),
            redundancy=int(redundancy),
            period=period,
        )
    )


def erlang_c(
    arrival_rate: float,
    service_rate: float,
    servers: int,
    *,
    percentiles: Sequence[float] = (0.5, 0.9, 0.95, 0.99),
) -> ErlangC:
    """The M/M/c queue with ``servers`` servers: probability of waiting (Erlang C), mean wait
    and wait percentiles. Rates in the same unit (e.g. per second).

    Raises:
        ParameterError: a rate that is not positive, no servers, or an unstable queue
            (``arrival_rate >= servers * service_rate``).
    """
    ps = [float(p) for p in percentiles]
    load, util, prob, wait, response, queue, waits = _native.erlang_c(
        float(arrival_rate), float(service_rate), int(servers), percentiles=ps
    )
    return ErlangC(
        servers=int(servers),
        load=load,
        utilization=util,
        prob_wait=prob,
        mean_wait=wait,
        mean_response=response,
        mean_queue_length=queue,
        wait_percentiles=dict(zip(ps, waits)),
    )


def servers_for_wait(
    arrival_rate: float,
    service_rate: float,
    target_wait: float,
    percentile: float = 0.95,
) -> int:
    """The fewest servers such that a share ``percentile`` of arrivals waits at most
    ``target_wait`` in queue (M/M/c)."""
    return _native.servers_for_wait(
        float(arrival_rate), float(service_rate), float(target_wait), float(percentile)
    )


def budget_forecast(
    history: Any,
    paths: Any,
    *,
    budget: float | None = None,
    budget_period: str = "month",
    group_budgets: Mapping[str, float] | None = None,
    periods: Sequence[str] = ("month", "quarter"),
) -> BudgetResult:
    """Month-end and quarter-end spend against a budget: forecast totals, the probability of
    an overrun, the date the budget runs out, and burn-down data.

    Args:
        history: observed daily cost ``unique_id, ds, y``.
        paths: forecast sample paths of the same series, reaching the end of every period.
        budget: the budget per ``budget_period`` for every group.
        budget_period: ``month`` or ``quarter``.
        group_budgets: per ``unique_id`` budgets (per ``budget_period``) overriding ``budget``.
        periods: the periods to forecast.

    Raises:
        ParameterError: a budget that is not positive, or paths ending before a period does.
        DataError: a missing column, an empty frame or a bad value.
    """
    s, b = _native.budget_forecast(
        _as_arrow_stream(history, "history"),
        _as_arrow_stream(paths, "paths"),
        periods=[str(p) for p in periods],
        budget=None if budget is None else float(budget),
        budget_period=budget_period,
        group_budgets=None
        if group_budgets is None
        else {str(k): float(v) for k, v in group_budgets.items()},
    )
    return BudgetResult(summary=_to_polars(s), burndown=_to_polars(b))


def slo_burn(series: Any, *, target: float, period: str = "30d") -> SloResult:
    """Error-budget burn rates and multi-window burn-rate alerts (SRE workbook rules) from a
    frame ``ds, errors, total`` or ``ds, error_rate``, for an SLO ``target`` such as 0.999
    over ``period`` (``30d``, ``4w``)."""
    s, a, remaining = _native.slo_burn(
        _as_arrow_stream(series, "series"), target=float(target), period=period
    )
    return SloResult(series=_to_polars(s), alerts=_to_polars(a), budget_remaining=remaining)
