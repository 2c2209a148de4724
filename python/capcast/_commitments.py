"""Commitment portfolio optimization from Python: what Reserved Instances, Savings Plans,
Azure reservations and GCP committed use discounts to buy, chosen jointly on hourly usage
scenarios, and a backtest of buying policies on a billing history.

Frames:

- ``usage``: ``unique_id`` (the pool), ``ds`` (hourly), ``y`` (units per hour), optional
  ``path`` (scenario; :func:`capcast.sample_paths` output fits as is) and ``on_demand``
  (price per unit-hour).
- ``offers``: one row per instrument and pool it covers: ``instrument, kind, term_years,
  payment, upfront, hourly, pool, rate`` and optional ``on_demand``. ``rate`` is what covering
  one unit-hour of the pool consumes of the commitment: 1 for a reservation (priced per unit),
  the discounted price of the unit-hour for a Savings Plan (priced per dollar of hourly
  commitment, ``hourly`` = 1 with no upfront).
- ``existing``: the columns of ``offers`` plus ``quantity`` and ``end_hour`` (hours from the
  first ``ds``) or ``end`` (a date/time).

>>> plan = capcast.optimize_commitments(usage, offers)  # doctest: +SKIP
>>> plan.purchases                                      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from capcast import _native
from capcast._frames import as_arrow_stream as _as_arrow_stream
from capcast._frames import to_polars as _to_polars

__all__ = ["CommitmentBacktest", "CommitmentPlan", "backtest_commitments", "optimize_commitments"]


@dataclass(frozen=True)
class CommitmentPlan:
    """The result of :func:`optimize_commitments`.

    Attributes:
        purchases: ``instrument, kind, term_years, payment, scope, quantity,
            hourly_commitment, upfront, tranches, utilization, savings, break_even_month``.
        summary: one row: ``hours, scenarios, sampled_hours, on_demand_cost,
            cost_without_purchase, expected_cost, cost_p10, cost_p90, savings, savings_p10,
            savings_p90, esr, esr_p10, esr_p90, upfront, objective, solve_seconds``.
        monthly: ``month, eligible_on_demand, coverage_before, coverage_after,
            utilization_before, utilization_after, cost_after``.
        quantities: ``instrument, quantity`` for every instrument offered (zeros included).
    """

    purchases: pl.DataFrame
    summary: pl.DataFrame
    monthly: pl.DataFrame
    quantities: pl.DataFrame


@dataclass(frozen=True)
class CommitmentBacktest:
    """The result of :func:`backtest_commitments`.

    Attributes:
        policies: ``policy, realised_cost, on_demand_cost, esr, regret, upfront`` for
            ``capcast``, ``cost_explorer``, ``hindsight`` and ``on_demand``.
        monthly: ``policy, month, cost``: realised cost per month after the purchase.
    """

    policies: pl.DataFrame
    monthly: pl.DataFrame


def optimize_commitments(
    usage: Any,
    offers: Any,
    existing: Any | None = None,
    *,
    cost_of_capital: float = 0.05,
    max_upfront: float | None = None,
    min_coverage: float | None = None,
    max_coverage: float | None = None,
    risk: str = "mean",
    alpha: float = 0.9,
    ladder: int = 1,
    ladder_spacing_hours: int = 730,
    max_samples: int = 100_000,
    seed: int = 0,
) -> CommitmentPlan:
    """Choose how much of each instrument to buy now to minimise the expected cost over the
    usage scenarios (an exact linear program over sampled hours).

    Args:
        usage: hourly usage per pool (module docs), one scenario or several (``path``).
        offers: the instruments one can buy.
        existing: commitments already owned, netted out until they end.
        cost_of_capital: annual rate turning upfront payments into equivalent hourly ones.
        max_upfront: budget for all upfront payments.
        min_coverage: minimum expected coverage (0 to 1).
        max_coverage: maximum expected coverage (0 to 1).
        risk: ``mean`` (expected cost) or ``cvar`` (mean of the worst ``1 - alpha`` share of
            scenarios).
        alpha: the CVaR level.
        ladder: split each purchase into this many tranches ...
        ladder_spacing_hours: ... bought this many hours apart.
        max_samples: scenario-hours in the linear program before hours are sampled (the
            plan is then evaluated on every hour).
        seed: seed of the hour sample.

    Raises:
        ParameterError: an invalid parameter, an offer covering a pool without usage, or
            constraints no portfolio meets.
        DataError: a frame lacks a column or has a value of the wrong type.
    """
    purchases, summary, monthly, quantities = _native.optimize_commitments(
        _as_arrow_stream(usage, "usage"),
        _as_arrow_stream(offers, "offers"),
        None if existing is None else _as_arrow_stream(existing, "existing"),
        cost_of_capital=float(cost_of_capital),
        max_upfront=None if max_upfront is None else float(max_upfront),
        min_coverage=None if min_coverage is None else float(min_coverage),
        max_coverage=None if max_coverage is None else float(max_coverage),
        risk=risk,
        alpha=float(alpha),
        ladder=int(ladder),
        ladder_spacing_hours=int(ladder_spacing_hours),
        max_samples=int(max_samples),
        seed=int(seed),
    )
    return CommitmentPlan(
        _to_polars(purchases), _to_polars(summary), _to_polars(monthly), _to_polars(quantities)
    )


def backtest_commitments(
    history: Any,
    offers: Any,
    existing: Any | None = None,
    *,
    buy_hour: int,
    eval_hours: int = 8760,
    lookback_hours: int = 720,
    scenarios: str = "forecast",
    paths: int = 20,
    cost_of_capital: float = 0.05,
    max_samples: int = 100_000,
    seed: int = 0,
) -> CommitmentBacktest:
    """Buy at hour ``buy_hour`` of the history with capcast's policy (the optimizer on
    ``scenarios``: ``forecast`` sample paths or a weekly ``bootstrap`` of the history before
    the purchase), a Cost-Explorer-like policy (the last ``lookback_hours``, the best single
    instrument type) and perfect hindsight; bill the next ``eval_hours`` as they happened.

    Raises:
        ParameterError: an invalid parameter (the message names it).
        DataError: a frame lacks a column or has a value of the wrong type.
    """
    policies, monthly = _native.backtest_commitments(
        _as_arrow_stream(history, "history"),
        _as_arrow_stream(offers, "offers"),
        None if existing is None else _as_arrow_stream(existing, "existing"),
        buy_hour=int(buy_hour),
        eval_hours=int(eval_hours),
        lookback_hours=int(lookback_hours),
        scenarios=scenarios,
        paths=int(paths),
        cost_of_capital=float(cost_of_capital),
        max_samples=int(max_samples),
        seed=int(seed),
    )
    return CommitmentBacktest(_to_polars(policies), _to_polars(monthly))
