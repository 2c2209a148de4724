"""capcast.optimize_commitments and capcast.backtest_commitments: frames in and out, the
newsvendor answer by hand, owned commitments, and errors."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import capcast


def _usage(values: list[float], pool: str = "m6i/us-east-1") -> pl.DataFrame:
    start = dt.datetime(2026, 1, 1)
    return pl.DataFrame(
        {
            "unique_id": [pool] * len(values),
            "ds": [start + dt.timedelta(hours=h) for h in range(len(values))],
            "y": values,
        }
    )


def _ri(hourly: float, pool: str = "m6i/us-east-1") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "instrument": ["ri"],
            "kind": ["reserved_standard"],
            "term_years": [1],
            "payment": ["no_upfront"],
            "upfront": [0.0],
            "hourly": [hourly],
            "pool": [pool],
            "rate": [1.0],
            "on_demand": [1.0],
        }
    )


def test_newsvendor_quantile_by_hand() -> None:
    # Discount 25 %: c* = F^-1(0.25) = the 3rd smallest of ten values = 5 (see the Rust test
    # newsvendor_quantile_by_hand for the derivation).
    usage = _usage([7.0, 2.0, 13.0, 5.0, 19.0, 3.0, 11.0, 23.0, 8.0, 17.0])
    plan = capcast.optimize_commitments(usage, _ri(0.75))
    assert isinstance(plan, capcast.CommitmentPlan)
    assert plan.purchases["quantity"][0] == pytest.approx(5.0, abs=1e-5)
    assert plan.summary["expected_cost"][0] == pytest.approx(100.5, abs=1e-4)
    assert plan.summary["on_demand_cost"][0] == pytest.approx(108.0)
    assert plan.monthly.columns[:3] == ["month", "eligible_on_demand", "coverage_before"]
    assert plan.quantities["instrument"].to_list() == ["ri"]


def test_existing_commitments_reduce_the_purchase() -> None:
    usage = _usage([10.0 + (h % 6) for h in range(24)])
    without = capcast.optimize_commitments(usage, _ri(0.6))
    existing = _ri(0.6).with_columns(quantity=pl.lit(8.0), end_hour=pl.lit(24))
    with_owned = capcast.optimize_commitments(usage, _ri(0.6), existing)
    assert without.quantities["quantity"][0] - with_owned.quantities["quantity"][0] == (
        pytest.approx(8.0, abs=1e-4)
    )


def test_sample_paths_are_scenarios_and_cvar_runs() -> None:
    frames = []
    for path in range(4):
        frame = _usage([5.0 + path + (h % 3) for h in range(12)]).with_columns(
            path=pl.lit(path)
        )
        frames.append(frame)
    plan = capcast.optimize_commitments(pl.concat(frames), _ri(0.7), risk="cvar", alpha=0.5)
    assert plan.summary["scenarios"][0] == 4
    assert plan.summary["cost_p10"][0] <= plan.summary["cost_p90"][0]


def test_errors_are_named() -> None:
    usage = _usage([1.0, 2.0])
    with pytest.raises(capcast.ParameterError, match="which has no usage"):
        capcast.optimize_commitments(
            usage.with_columns(on_demand=pl.lit(1.0)), _ri(0.6, pool="elsewhere")
        )
    with pytest.raises(capcast.DataError, match="no on-demand price"):
        capcast.optimize_commitments(usage, _ri(0.6, pool="elsewhere"))
    with pytest.raises(capcast.ParameterError, match="risk"):
        capcast.optimize_commitments(usage, _ri(0.6), risk="worst")
    with pytest.raises(capcast.DataError, match="rate"):
        capcast.optimize_commitments(usage, _ri(0.6).drop("rate"))
    with pytest.raises(capcast.ParameterError, match="min_coverage"):
        capcast.optimize_commitments(usage, _ri(0.6), min_coverage=2.0)


def test_backtest_policies() -> None:
    values = [10.0 + 5.0 * ((h % 24) < 12) + (h // 500) for h in range(24 * 7 * 8)]
    result = capcast.backtest_commitments(
        _usage(values), _ri(0.6), buy_hour=24 * 7 * 5, eval_hours=24 * 7 * 3,
        scenarios="bootstrap", paths=5,
    )
    policies = result.policies["policy"].to_list()
    assert policies == ["capcast", "cost_explorer", "hindsight", "on_demand"]
    regret = dict(zip(policies, result.policies["regret"].to_list()))
    assert regret["hindsight"] == 0.0
    assert all(value >= -1e-6 for value in regret.values())
    assert result.monthly.columns == ["policy", "month", "cost"]
