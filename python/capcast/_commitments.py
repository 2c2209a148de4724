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

From a bill: :func:`bill_usage` reads the usage, pools and owned commitments in these shapes,
:func:`commitment_offers` prices the pools from a catalog, :func:`backtest_bill` replays a
purchase date. AWS pools are measured in normalized unit-hours (the unit of Reserved Instance
size flexibility: ``large`` = 4, ``xlarge`` = 8, ...), Azure and GCP machine families in
vCPU-hours. GCP bills vCPUs and memory per machine series, which resource-based committed use
discounts commit separately: a GCP export gives a vCPU-hour pool and a GiB-hour pool per
series and region (``n2 cores/us-central1``, ``n2 memory/us-central1``).

>>> bill = capcast.bill_usage(capcast.read_billing("focus.csv.gz"))      # doctest: +SKIP
>>> offers = capcast.commitment_offers(bill.pools)                        # doctest: +SKIP
>>> capcast.optimize_commitments(bill.usage, offers, bill.existing)       # doctest: +SKIP

Horizon: a commitment is in force only during its term and pays its fees over the term
whatever the usage does, so give scenarios as long as the longest term offered
(:func:`commitment_horizon`: 26,280 hours when 3-year offers are considered). Offers whose term
ends inside the scenarios may then be renewed at each later term boundary: the plan lists those
renewals as ``planned`` purchases. On shorter scenarios the years beyond are assumed to look
like the scenarios, and :attr:`CommitmentPlan.assumptions` says so.

>>> h = capcast.commitment_horizon(offers)                       # doctest: +SKIP
>>> usage = capcast.sample_paths(history, horizon=h, n_paths=10)  # doctest: +SKIP
>>> plan = capcast.optimize_commitments(usage, offers)           # doctest: +SKIP
>>> plan.purchases                                               # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import polars as pl

from capcast import _native
from capcast._frames import as_arrow_stream as _as_arrow_stream
from capcast._frames import to_polars as _to_polars
from capcast.exceptions import DataError

__all__ = [
    "BillUsage",
    "CommitmentBacktest",
    "CommitmentPlan",
    "backtest_bill",
    "backtest_commitments",
    "bill_usage",
    "commitment_horizon",
    "commitment_offers",
    "optimize_commitments",
]

_Path = Union[str, "os.PathLike[str]"]
_When = Union[_dt.datetime, _dt.date, str]


@dataclass(frozen=True)
class CommitmentPlan:
    """The result of :func:`optimize_commitments`.

    Attributes:
        purchases: ``instrument, kind, term_years, payment, scope, timing, start_hour,
            start_month, quantity, hourly_commitment, upfront, tranches, utilization, savings,
            break_even_month``; ``timing`` is ``now`` (buy now) or ``planned`` (a renewal the
            plan counts on from ``start_hour``; decide it again then).
        summary: one row: ``hours, scenarios, sampled_hours, on_demand_cost,
            cost_without_purchase, expected_cost, cost_p10, cost_p90, savings, savings_p10,
            savings_p90, esr, esr_p10, esr_p90, upfront, planned_upfront, objective,
            solve_seconds, assumptions`` (``upfront`` is paid now, ``planned_upfront`` when the
            renewals start; ``assumptions`` a list of strings).
        monthly: ``month, eligible_on_demand, coverage_before, coverage_after,
            utilization_before, utilization_after, cost_after, start_hour, start``. Months are
            calendar months (UTC) when the usage's ``ds`` are consecutive hours (``start`` is
            then the month's first hour; the first and last months may be partial), else
            730-hour blocks (``start`` null). ``start_month`` and ``break_even_month`` count
            the same months.
        quantities: ``instrument, quantity`` bought now for every instrument offered (zeros
            included).
    """

    purchases: pl.DataFrame
    summary: pl.DataFrame
    monthly: pl.DataFrame
    quantities: pl.DataFrame

    @property
    def assumptions(self) -> list[str]:
        """What the plan assumes about the horizon, in words: terms longer than the scenarios
        (judged on them, later years assumed alike), tranches running past them, planned
        renewals. Empty when the scenarios cover every term."""
        if "assumptions" not in self.summary.columns or self.summary.height == 0:
            return []
        value = self.summary["assumptions"][0]
        return [] if value is None else [str(v) for v in value]


@dataclass(frozen=True)
class CommitmentBacktest:
    """The result of :func:`backtest_commitments`.

    Attributes:
        policies: ``policy, realised_cost, on_demand_cost, esr, regret, upfront`` for
            ``capcast``, ``cost_explorer``, ``hindsight`` and ``on_demand``.
        monthly: ``policy, month, cost``: realised cost per month after the purchase.
        notes: from :func:`backtest_bill`: assumptions made reading the bill, pools and
            commitments left out.
        buy_hour: from :func:`backtest_bill`: the purchase hour, from the bill's first hour.
        eval_hours: from :func:`backtest_bill`: the hours billed after the purchase.
    """

    policies: pl.DataFrame
    monthly: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    buy_hour: int | None = None
    eval_hours: int | None = None


def commitment_horizon(offers: Any) -> int:
    """Hours of usage scenarios that cover the longest term in ``offers`` (``term_years`` times
    8,760): 26,280 when 3-year offers are considered. Forecast this far
    (:func:`capcast.sample_paths`) so that every term is judged on its own years.

    Raises:
        DataError: ``offers`` has no ``term_years`` column or no rows.
    """
    frame = pl.DataFrame(offers) if not isinstance(offers, pl.DataFrame) else offers
    if "term_years" not in frame.columns or frame.height == 0:
        raise DataError(
            "offers: expected a 'term_years' column and at least one row", column="term_years"
        )
    top = frame["term_years"].cast(pl.Float64).max()
    longest = top if isinstance(top, float) else float("nan")
    if not longest >= 1.0:
        raise DataError(
            f"offers: expected whole years >= 1, got {longest}",
            column="term_years",
            value=str(longest),
        )
    return int(longest) * 8760


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
    """Choose how much of each instrument to buy now, and which renewals to plan, to minimise
    the expected cost over the usage scenarios (an exact linear program over sampled hours).
    Scenarios as long as :func:`commitment_horizon` judge every term on its own years; on
    shorter ones :attr:`CommitmentPlan.assumptions` says what is assumed.

    Args:
        usage: hourly usage per pool (module docs), one scenario or several (``path``).
        offers: the instruments one can buy.
        existing: commitments already owned, netted out until they end.
        cost_of_capital: annual rate turning upfront payments into equivalent hourly ones.
        max_upfront: budget for the upfront payments of what is bought now.
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


@dataclass(frozen=True)
class BillUsage:
    """The result of :func:`bill_usage`: a bill's compute usage and owned commitments in the
    shapes :func:`optimize_commitments` reads.

    Attributes:
        usage: ``unique_id, ds, y``: eligible usage per pool and hour (the ``usage`` argument
            of :func:`optimize_commitments`), for the pools the catalog prices.
        pools: ``pool, provider, region, family, resource, unit``; ``resource`` is
            ``instances`` (a machine family) or, for GCP series, ``cores`` or ``memory``;
            ``unit`` is ``normalized unit-hours`` (AWS), ``vCPU-hours`` or ``GiB-hours`` (GCP
            memory). :func:`commitment_offers` prices them.
        existing: the owned commitments priced by the catalog (the ``existing`` argument of
            :func:`optimize_commitments`): offers columns plus ``quantity, end, id``.
        owned: every owned commitment: ``id, kind`` (``reserved_instance``,
            ``savings_plan_compute``, ``savings_plan_ec2_instance``, ``gcp_committed_use``),
            ``scope, quantity, unit, unit_price, term_years, start, end, end_source``.
        assumptions: every guess made (commitment ends, plan types, unit fallbacks) and what
            was left out (pools the catalog does not price, commitments it cannot price).
        eligible_rows: usage rows read (instance rows, GCP vCPU and RAM rows).
        ineligible_rows: other rows of the bill (counted, not used).
        hours: hours from the first to the last hour of eligible usage.
        instance_hours: instance-hours of the eligible instance rows (GCP vCPU and RAM rows
            are not instance-hours).
    """

    usage: pl.DataFrame
    pools: pl.DataFrame
    existing: pl.DataFrame
    owned: pl.DataFrame
    assumptions: list[str]
    eligible_rows: int
    ineligible_rows: int
    hours: int
    instance_hours: float


def _costs(billing: Any) -> Any:
    """The billing rows of a :class:`capcast.BillingLoad`, a frame, or paths to read."""
    if isinstance(billing, (str, os.PathLike)) or (
        isinstance(billing, Sequence)
        and not isinstance(billing, (bytes, bytearray))
        and all(isinstance(p, (str, os.PathLike)) for p in billing)
    ):
        from capcast import read_billing

        return read_billing(billing).costs
    return _as_arrow_stream(getattr(billing, "costs", billing), "billing")


def _contracts(billing: Any) -> Any | None:
    """The FOCUS 1.3 Contract Commitment dataset of a :class:`capcast.BillingLoad`, if any."""
    contracts = getattr(billing, "commitments", None)
    return None if contracts is None else _as_arrow_stream(contracts, "contracts")


def _micros(value: _When, name: str) -> int:
    """Microseconds since the epoch (UTC; naive times are UTC) of a date/time or ISO text."""
    from capcast.exceptions import ParameterError

    when: Any = value
    if isinstance(when, str):
        try:
            when = _dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError as e:
            raise ParameterError(
                f"invalid parameter '{name}': {value!r} is not an ISO date/time", parameter=name
            ) from e
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)
        delta = when - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        return int(delta // _dt.timedelta(microseconds=1))
    if isinstance(when, _dt.date):
        return (when - _dt.date(1970, 1, 1)).days * 86_400_000_000
    raise ParameterError(
        f"invalid parameter '{name}': expected a date, datetime or ISO text, "
        f"got {type(value).__name__}",
        parameter=name,
    )


def _catalog_paths(catalog: _Path | Sequence[_Path] | None) -> list[str]:
    if catalog is None:
        return []
    if isinstance(catalog, (str, os.PathLike)):
        return [os.fspath(catalog)]
    return [os.fspath(p) for p in catalog]


def _ends(ends: Mapping[str, _When] | None) -> list[tuple[str, int]]:
    return [(str(k), _micros(v, "ends")) for k, v in (ends or {}).items()]


def bill_usage(
    billing: Any,
    *,
    ends: Mapping[str, _When] | None = None,
    term_years: int | None = None,
    catalog: _Path | Sequence[_Path] | None = None,
) -> BillUsage:
    """Read a FOCUS bill's hourly eligible compute usage per pool (instance family and
    region) and the commitments it shows as owned.

    Args:
        billing: what :func:`capcast.read_billing` returns, a FOCUS 1.2 frame (its ``costs``),
            or paths of billing files to read.
        ends: the end date of commitments by ``CommitmentDiscountId``. Without it, the end
            is the one the bill states (AWS CUR ``reservation/EndTime``,
            ``savingsPlan/EndTime``, or the FOCUS 1.3 Contract Commitment dataset of a
            :class:`capcast.BillingLoad`), else the start plus the bill's ``Term``, else
            ``term_years``; ``owned.end_source`` says which.
        term_years: the term assumed when neither ``ends`` nor the bill says one (default 1).
        catalog: price files for pricing the pools and owned Savings Plans (default: the
            bundled catalog); pools it does not price are left out, said in ``assumptions``.

    Raises:
        ParameterError: a column is missing, the bill has no eligible usage, or the catalog
            prices none of its pools.
        DataError: an unreadable value (``.row``, ``.column``, ``.value`` say where).
    """
    usage, pools, existing, owned, assumptions, counts = _native.bill_usage(
        _costs(billing),
        ends=_ends(ends),
        term_years=None if term_years is None else int(term_years),
        catalog=_catalog_paths(catalog),
        contracts=_contracts(billing),
    )
    eligible, ineligible, hours, instance_hours = counts
    return BillUsage(
        usage=_to_polars(usage),
        pools=_to_polars(pools),
        existing=_to_polars(existing),
        owned=_to_polars(owned),
        assumptions=list(assumptions),
        eligible_rows=int(eligible),
        ineligible_rows=int(ineligible),
        hours=int(hours),
        instance_hours=float(instance_hours),
    )


def commitment_offers(
    pools: Any,
    catalog: _Path | Sequence[_Path] | None = None,
) -> pl.DataFrame:
    """Every commitment the catalog offers for ``pools``, as the ``offers`` frame of
    :func:`optimize_commitments` (with ``on_demand`` per pool).

    Args:
        pools: ``pool, provider, region, family`` and optionally ``resource``
            (:attr:`BillUsage.pools`).
        catalog: price files (default: the bundled catalog).

    Raises:
        ParameterError: the catalog does not price a pool (the message names it).
        DataError: the pools frame lacks a column or names an unknown provider or resource.
    """
    return _to_polars(
        _native.commitment_offers(
            _as_arrow_stream(pools, "pools"), catalog=_catalog_paths(catalog)
        )
    )


def backtest_bill(
    billing: Any,
    buy_at: _When,
    *,
    eval_hours: int | None = None,
    lookback_hours: int = 720,
    scenarios: str = "forecast",
    paths: int = 20,
    cost_of_capital: float = 0.05,
    max_samples: int = 100_000,
    seed: int = 0,
    ends: Mapping[str, _When] | None = None,
    term_years: int | None = None,
    catalog: _Path | Sequence[_Path] | None = None,
    net_owned: bool = True,
) -> CommitmentBacktest:
    """Replay a purchase on a billing history: at ``buy_at``, buy with capcast's policy (the
    optimizer on forecast ``scenarios`` of the history before), a Cost-Explorer-like policy
    (the last ``lookback_hours``, the best single instrument type) and perfect hindsight, the
    commitments owned then netted out until they end; bill the following ``eval_hours``
    (default: the rest of the bill) as they happened.

    Args:
        billing: as for :func:`bill_usage`.
        buy_at: the purchase date (naive times are UTC).
        eval_hours: hours billed after the purchase (at most the rest of the bill).
        lookback_hours: Cost Explorer's lookback (30 days); ``buy_at`` must leave it.
        scenarios: ``forecast`` (MSTL sample paths) or ``bootstrap`` (weekly blocks).
        paths: scenarios for capcast's policy.
        cost_of_capital: annual rate turning upfront payments into hourly ones.
        max_samples: scenario-hours in each linear program before hours are sampled.
        seed: seed of the scenarios and samples.
        ends, term_years, catalog: as for :func:`bill_usage`.
        net_owned: net out the commitments owned at ``buy_at`` (those bought later never
            are); ``False``: every policy starts from nothing.

    Returns:
        the realised cost, ESR and regret against hindsight of each policy, the cost per
        month, and ``notes`` (assumptions, pools and commitments left out).

    Raises:
        ParameterError: ``buy_at`` outside the bill or too early (the message gives the
            dates allowed), or another invalid parameter.
        DataError: an unreadable value in the bill.
    """
    policies, monthly, notes, (buy_hour, evaluated) = _native.backtest_bill(
        _costs(billing),
        _micros(buy_at, "buy_at"),
        eval_hours=None if eval_hours is None else int(eval_hours),
        lookback_hours=int(lookback_hours),
        scenarios=scenarios,
        paths=int(paths),
        cost_of_capital=float(cost_of_capital),
        max_samples=int(max_samples),
        seed=int(seed),
        ends=_ends(ends),
        term_years=None if term_years is None else int(term_years),
        catalog=_catalog_paths(catalog),
        net_owned=bool(net_owned),
    )
    return CommitmentBacktest(
        _to_polars(policies),
        _to_polars(monthly),
        list(notes),
        int(buy_hour),
        int(evaluated),
    )
