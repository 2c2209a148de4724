"""aggregate, tag_coverage and top_movers from Python: sums that must be preserved, inputs
from polars, pandas and pyarrow alike."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import capcast

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def costs() -> pl.DataFrame:
    day = dt.datetime(2026, 5, 1, tzinfo=UTC)
    starts = [day, day, day + dt.timedelta(days=3), day + dt.timedelta(days=3)]
    return pl.DataFrame(
        {
            "ChargePeriodStart": starts,
            "ChargePeriodEnd": [start + dt.timedelta(hours=1) for start in starts],
            "ServiceName": ["EC2", "S3", "EC2", "S3"],
            "Tags": ['{"team":"web"}', None, '{"team":"web"}', '{"env":"prod"}'],
            "EffectiveCost": [2.0, 1.0, 4.0, 0.5],
            "BilledCost": [3.0, 1.0, 4.0, 0.5],
        },
        schema_overrides={
            "ChargePeriodStart": pl.Datetime("us", "UTC"),
            "ChargePeriodEnd": pl.Datetime("us", "UTC"),
        },
    )


def test_aggregate_preserves_the_total(costs: pl.DataFrame) -> None:
    series = capcast.aggregate(costs, dimensions=["ServiceName"], freq="day")
    assert series.columns[0] == "unique_id" and series.columns[-2:] == ["ds", "y"]
    assert series.schema["ds"] == pl.Datetime("us", "UTC")
    assert series.schema["y"] == pl.Float64
    assert sorted(series["unique_id"].unique().to_list()) == ["EC2", "S3"]
    # Two series over four days, gaps filled with zero.
    assert series.height == 8
    assert math.fsum(series["y"].to_list()) == pytest.approx(7.5, rel=1e-12)
    billed = capcast.aggregate(costs, cost="billed")
    assert billed["unique_id"].unique().to_list() == ["total"]
    assert math.fsum(billed["y"].to_list()) == pytest.approx(8.5, rel=1e-12)


def test_aggregate_reads_pandas_and_pyarrow_alike(costs: pl.DataFrame) -> None:
    expected = capcast.aggregate(costs, dimensions="ServiceName", freq="week")
    assert_frame_equal(capcast.aggregate(costs.to_pandas(), dimensions="ServiceName", freq="week"), expected)
    assert_frame_equal(capcast.aggregate(costs.to_arrow(), dimensions="ServiceName", freq="week"), expected)
    assert_frame_equal(capcast.aggregate(costs.lazy(), dimensions="ServiceName", freq="week"), expected)


def test_aggregate_window_and_filters(costs: pl.DataFrame) -> None:
    series = capcast.aggregate(
        costs,
        dimensions=["ServiceName"],
        start=dt.date(2026, 5, 2),
        end="2026-05-05T00:00:00Z",
        filters={"ServiceName": ["EC2"]},
    )
    assert series["unique_id"].unique().to_list() == ["EC2"]
    assert series["ds"].min() == dt.datetime(2026, 5, 2, tzinfo=UTC)
    assert math.fsum(series["y"].to_list()) == pytest.approx(4.0)


def test_aggregate_parameter_errors(costs: pl.DataFrame) -> None:
    with pytest.raises(capcast.ParameterError):
        capcast.aggregate(costs, freq="fortnight")
    with pytest.raises(capcast.ParameterError):
        capcast.aggregate(costs, cost="imaginary")
    with pytest.raises(capcast.ParameterError):
        capcast.aggregate(costs, dimensions=["NoSuchColumn"])
    with pytest.raises(capcast.ParameterError):
        capcast.aggregate(costs, start="yesterday-ish")


def test_tag_coverage(costs: pl.DataFrame) -> None:
    coverage = capcast.tag_coverage(costs, "team")
    row = coverage.row(0, named=True)
    assert row["total_cost"] == pytest.approx(7.5)
    assert row["untagged_cost"] == pytest.approx(1.5)
    assert row["untagged_share"] == pytest.approx(0.2)
    by_service = capcast.tag_coverage(costs, "team", by=["ServiceName"], cost="billed")
    assert by_service.height == 2


def test_top_movers(costs: pl.DataFrame) -> None:
    day = dt.datetime(2026, 5, 1, tzinfo=UTC)
    movers = capcast.top_movers(
        costs,
        ["ServiceName"],
        before=(day, day + dt.timedelta(days=1)),
        after=(day + dt.timedelta(days=3), day + dt.timedelta(days=4)),
        n=1,
    )
    assert movers.height == 1
    top = movers.row(0, named=True)
    assert top["ServiceName"] == "EC2"
    assert top["change"] == pytest.approx(2.0)
    with pytest.raises(capcast.ParameterError):
        capcast.top_movers(costs, ["ServiceName"], before=(day, day), after=(day, day), n=1)


def test_focus_sample_daily_total_matches_the_rows(focus_sample: Path) -> None:
    costs = capcast.read_billing(focus_sample).costs
    series = capcast.aggregate(costs, dimensions=["ServiceName"], freq="day", cost="billed")
    assert math.fsum(series["y"].to_list()) == pytest.approx(
        math.fsum(costs["BilledCost"].fill_null(0).to_list()), rel=1e-9
    )
