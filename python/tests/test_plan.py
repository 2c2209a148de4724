"""Capacity planning from Python: runway, required capacity, Erlang C, budgets and SLO burn
rates, with hand-worked values and errors mapped onto the exception classes."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import polars as pl
import pytest

import capcast

UTC = dt.timezone.utc
START = dt.datetime(2026, 1, 1, tzinfo=UTC)


def paths_frame(unique_id: str, paths: list[list[float]], step: dt.timedelta) -> pl.DataFrame:
    rows = [
        (unique_id, j, START + step * (h + 1), v)
        for j, path in enumerate(paths)
        for h, v in enumerate(path)
    ]
    return pl.DataFrame(rows, schema=["unique_id", "path", "ds", "y"], orient="row")


def exact_erlang_c(c: int, a: Fraction) -> float:
    """Erlang C from its closed form in exact rational arithmetic (the reference)."""
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return float(top / (sum(a**k / math.factorial(k) for k in range(c)) + top))


def test_erlang_c_matches_exact_fractions() -> None:
    q = capcast.erlang_c(10.0, 1.0, 12)
    assert q.prob_wait == pytest.approx(exact_erlang_c(12, Fraction(10)), abs=1e-12)
    assert q.prob_wait == pytest.approx(0.4494, abs=1e-4)
    assert q.mean_wait == pytest.approx(q.prob_wait / 2, abs=1e-12)
    assert q.utilization == pytest.approx(10 / 12)
    # The P90 wait leaves 10 % waiting longer: C e^{-2 t} = 0.1.
    t = q.wait_percentiles[0.9]
    assert q.prob_wait * math.exp(-2 * t) == pytest.approx(0.1, abs=1e-12)
    assert q.wait_percentiles[0.5] == 0.0


def test_servers_for_wait_is_smallest() -> None:
    c = capcast.servers_for_wait(100.0, 1.0, target_wait=0.1, percentile=0.8)
    assert c == 107
    for servers, ok in [(c, True), (c - 1, False)]:
        tail = exact_erlang_c(servers, Fraction(100)) * math.exp(-(servers - 100) * 0.1)
        assert (tail <= 0.2) is ok


def test_erlang_errors() -> None:
    with pytest.raises(capcast.ParameterError, match="servers"):
        capcast.erlang_c(10.0, 1.0, 10)
    with pytest.raises(ValueError, match="service_rate"):
        capcast.servers_for_wait(1.0, -1.0, 0.1)


def test_runway_hand_worked() -> None:
    # Ten straight lines 0.5 + 0.01 (j + 1) t over 30 days (see src/plan/runway.rs).
    paths = [[0.5 + 0.01 * (j + 1) * t for t in range(1, 31)] for j in range(10)]
    frame = paths_frame("db", paths, dt.timedelta(days=1))
    out = capcast.runway(frame, threshold=0.8, quantile=0.95)
    row = out.summary.row(0, named=True)
    day = lambda n: START + dt.timedelta(days=n)  # noqa: E731
    assert row["crossing_ds"] == day(4)
    assert (row["crossing_p10"], row["crossing_p50"], row["crossing_p90"]) == (day(3), day(5), day(15))
    assert row["prob_cross_within_horizon"] == 1.0
    assert out.curves.height == 30
    # A higher threshold never crosses earlier.
    later = capcast.runway(frame, threshold=0.95).summary.row(0, named=True)
    assert later["crossing_ds"] >= row["crossing_ds"]


def test_runway_errors() -> None:
    frame = paths_frame("db", [[0.5, 0.6]], dt.timedelta(days=1))
    with pytest.raises(capcast.ParameterError, match="capacity"):
        capcast.runway(frame, capacity=-1.0)
    with pytest.raises(capcast.ParameterError, match="threshold"):
        capcast.runway(frame, threshold=1.5)
    with pytest.raises(capcast.DataError, match="empty"):
        capcast.runway(frame.head(0))


def test_runway_on_engine_paths() -> None:
    rng = np.random.default_rng(3)
    n = 24 * 21
    t = np.arange(n)
    y = 0.4 + 0.0005 * t + 0.05 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 0.01, n)
    series = pl.DataFrame(
        {"unique_id": ["web"] * n, "ds": [START + dt.timedelta(hours=int(i)) for i in t], "y": y}
    )
    paths = capcast.sample_paths(series, 24 * 14, 100, model="drift", seed=1)
    out = capcast.runway(paths, history=series, threshold=0.8)
    row = out.summary.row(0, named=True)
    assert 0.0 <= row["prob_cross_within_horizon"] <= 1.0
    assert row["current_peak_utilization"] == pytest.approx(float(y.max()))


def test_runway_from_forecast_needs_the_level() -> None:
    rng = np.random.default_rng(5)
    n = 24 * 14
    t = np.arange(n)
    y = 0.3 + 0.0015 * t + rng.normal(0, 0.005, n)
    series = pl.DataFrame(
        {"unique_id": ["web"] * n, "ds": [START + dt.timedelta(hours=int(i)) for i in t], "y": y}
    )
    result = capcast.forecast(series, 24 * 14, levels=[80, 90], model="drift")
    out = capcast.runway_from_forecast(result.forecasts, history=result.history)
    row = out.summary.row(0, named=True)
    assert row["crossing_ds"] is not None
    assert row["crossing_p50"] is None
    with pytest.raises(capcast.DataError, match="level 95"):
        capcast.runway_from_forecast(result.forecasts, quantile=0.975)


def test_required_capacity() -> None:
    frame = paths_frame("web", [[700.0, 1000.0], [650.0, 900.0]], dt.timedelta(hours=1))
    out = capcast.required_capacity(frame, per_instance=150.0)
    # P95 of the day's peaks (1000, 900) is 995; 995 / 120 -> 9, plus one spare.
    assert out["peak_load"].to_list() == [pytest.approx(995.0)]
    assert out["instances"].to_list() == [10]
    with pytest.raises(capcast.ParameterError, match="period"):
        capcast.required_capacity(frame, per_instance=150.0, period="fortnight")


def test_budget_forecast_hand_worked() -> None:
    history = pl.DataFrame(
        {"ds": [START + dt.timedelta(days=d) for d in range(10)], "y": [100.0] * 10}
    )
    paths = pl.DataFrame(
        [
            ("series", j, START + dt.timedelta(days=d), rate)
            for j, rate in enumerate([90.0, 95.0, 100.0, 105.0, 110.0])
            for d in range(10, 90)
        ],
        schema=["unique_id", "path", "ds", "y"],
        orient="row",
    )
    out = capcast.budget_forecast(history, paths, budget=3000.0)
    month = out.summary.filter(pl.col("period") == "month").row(0, named=True)
    assert month["forecast_mean"] == pytest.approx(3100.0)
    assert month["prob_overrun"] == pytest.approx(0.6)
    assert month["exhaustion_ds"] == START + dt.timedelta(days=29)
    assert out.burndown.filter(pl.col("period") == "month").height == 31
    with pytest.raises(capcast.ParameterError, match="positive"):
        capcast.budget_forecast(history, paths, budget=0.0)
    with pytest.raises(capcast.ParameterError, match="more day"):
        capcast.budget_forecast(history, paths.filter(pl.col("ds") < START + dt.timedelta(days=40)))


def test_slo_burn_hand_computed() -> None:
    minute = dt.timedelta(minutes=1)
    frame = pl.DataFrame(
        {
            "ds": [START + minute * i for i in range(360)],
            "errors": [20.0 if 100 <= i < 160 else 0.0 for i in range(360)],
            "total": [1000.0] * 360,
        }
    )
    out = capcast.slo_burn(frame, target=0.999)
    page = out.alerts.filter((pl.col("severity") == "page") & (pl.col("long_window") == "1h"))
    assert page["start"].to_list() == [START + minute * 143]
    assert page["end"].to_list() == [START + minute * 160]
    assert out.budget_remaining == pytest.approx(1 - 1200 / 360)
    with pytest.raises(capcast.ParameterError, match="target"):
        capcast.slo_burn(frame, target=1.0)
    with pytest.raises(capcast.DataError, match="error_rate"):
        capcast.slo_burn(frame.select("ds"), target=0.99)


def test_charts_render() -> None:
    paths = [[0.5 + 0.01 * (j + 1) * t for t in range(1, 31)] for j in range(10)]
    result = capcast.runway(paths_frame("db", paths, dt.timedelta(days=1)))
    svg = result.plot().data.decode()
    assert "80% of capacity" in svg
    assert result.plot(format="png").data[:4] == b"\x89PNG"
    history = pl.DataFrame(
        {"ds": [START + dt.timedelta(days=d) for d in range(10)], "y": [100.0] * 10}
    )
    budget_paths = pl.DataFrame(
        [("series", j, START + dt.timedelta(days=d), 100.0 + j) for j in range(5) for d in range(10, 90)],
        schema=["unique_id", "path", "ds", "y"],
        orient="row",
    )
    budget = capcast.budget_forecast(history, budget_paths, budget=3000.0)
    chart = budget.plot(currency="$")
    assert "Budget $3,000" in chart.data.decode()
    with pytest.raises(capcast.ParameterError, match="unique_id"):
        budget.plot("nope")
