"""Forecasting from Python: column names users rely on, interval invariants, per-series
failures, errors mapped onto the exception classes, and charts."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

import capcast

UTC = dt.timezone.utc
START = dt.datetime(2026, 1, 5, tzinfo=UTC)


def hourly(unique_id: str, values: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unique_id": [unique_id] * len(values),
            "ds": [START + dt.timedelta(hours=i) for i in range(len(values))],
            "y": values.astype(float),
        }
    )


def daily_cycle(n: int, seed: int, level: float = 10.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 3 * np.sin(2 * np.pi * t / 24) + 0.01 * t + rng.normal(0, 0.3, n)


@pytest.fixture(scope="module")
def series() -> pl.DataFrame:
    return pl.concat([hourly("web", daily_cycle(24 * 21, 1)), hourly("db", daily_cycle(24 * 21, 2, 4.0))])


def test_forecast_columns_nesting_and_models(series: pl.DataFrame) -> None:
    result = capcast.forecast(series, 48, levels=[95, 80])
    assert result.forecasts.columns == [
        "unique_id",
        "ds",
        "yhat",
        "yhat_lower_80",
        "yhat_upper_80",
        "yhat_lower_95",
        "yhat_upper_95",
    ]
    assert result.forecasts.height == 2 * 48
    f = result.forecasts
    assert (f["yhat_lower_95"] <= f["yhat_lower_80"]).all()
    assert (f["yhat_lower_80"] <= f["yhat"]).all()
    assert (f["yhat"] <= f["yhat_upper_80"]).all()
    assert (f["yhat_upper_80"] <= f["yhat_upper_95"]).all()
    first = f.filter(pl.col("unique_id") == "web")["ds"].min()
    assert first == START + dt.timedelta(hours=24 * 21)
    assert set(result.models["unique_id"]) == {"web", "db"}
    assert (result.models["status"] == "ok").all()
    # A daily cycle must be forecast: the peak-to-trough range of the forecast is wide.
    web = f.filter(pl.col("unique_id") == "web")["yhat"]
    assert web.max() - web.min() > 3.0


@pytest.mark.parametrize("model", ["naive", "seasonal_naive", "drift", "ets", "mstl", "theta", "regression"])
def test_every_named_model_forecasts(series: pl.DataFrame, model: str) -> None:
    result = capcast.forecast(series, 24, model=model, levels=[80])
    assert result.forecasts.height == 48
    assert result.forecasts["yhat"].is_finite().all()
    assert (result.models["status"] == "ok").all(), result.models
    # The named model is the one used (seasonal naive is scored beside it, not swapped in).
    prefix = {"naive": "Naive", "seasonal_naive": "SeasonalNaive", "drift": "Drift", "ets": "ETS",
              "mstl": "MSTL", "theta": "Theta", "regression": "Regression"}[model]
    used = result.models["model"].to_list()
    assert all(name.lower().startswith(prefix.lower()) or name == model for name in used), used


def test_non_negative_and_cap() -> None:
    falling = hourly("x", np.linspace(5.0, 0.1, 200))
    result = capcast.forecast(falling, 100, model="drift", non_negative=True, cap=3.0)
    f = result.forecasts
    for column in f.columns[2:]:
        assert (f[column] >= 0).all() and (f[column] <= 3.0).all(), column


def test_a_bad_series_fails_alone(series: pl.DataFrame) -> None:
    empty = pl.DataFrame(
        {"unique_id": ["bad"], "ds": [START], "y": [float("nan")]},
        schema_overrides={"ds": pl.Datetime("us", "UTC")},
    )
    result = capcast.forecast(pl.concat([series, empty]), 24)
    status = dict(zip(result.models["unique_id"], result.models["status"]))
    assert status["web"] == "ok" and status["bad"] != "ok"
    error = result.models.filter(pl.col("unique_id") == "bad")["error"][0]
    assert error and "missing" in error
    assert result.forecasts.filter(pl.col("unique_id") == "bad").height == 0


def test_pandas_input_and_missing_values() -> None:
    values = daily_cycle(24 * 10, 3)
    values[[5, 50, 51]] = np.nan
    frame = hourly("x", values).to_pandas()
    assert isinstance(frame, pd.DataFrame)
    result = capcast.forecast(frame, 24, model="seasonal_naive")
    assert result.forecasts["yhat"].is_finite().all()
    # Refusing missing values fails that series (named in `models`), not the batch.
    refused = capcast.forecast(frame, 24, model="seasonal_naive", missing="error")
    assert refused.forecasts.height == 0
    assert refused.models["status"][0] == "error"
    assert "no value at 2026-01-05T05:00:00Z" in refused.models["error"][0]


def test_errors_are_capcast_exceptions(series: pl.DataFrame) -> None:
    with pytest.raises(capcast.ParameterError, match="level"):
        capcast.forecast(series, 24, levels=[0.8])
    with pytest.raises(ValueError):
        capcast.forecast(series, 0)
    with pytest.raises(capcast.ParameterError, match="model"):
        capcast.forecast(series, 24, model="arima-please")
    with pytest.raises(capcast.DataError, match="'y'"):
        capcast.forecast(series.rename({"y": "value"}), 24)


def test_backtest_metrics(series: pl.DataFrame) -> None:
    result = capcast.backtest(series, 24, windows=2, models=["seasonal_naive", "naive"], season_lengths=[24])
    for column in ["unique_id", "model", "baseline", "chosen", "mae", "rmse", "mase", "smape", "coverage_80", "coverage_95"]:
        assert column in result.metrics.columns, result.metrics.columns
    assert set(result.summary["model"]) == {"SeasonalNaive(24)", "Naive"}
    snaive = result.summary.filter(pl.col("model") == "SeasonalNaive(24)")["mase"][0]
    naive = result.summary.filter(pl.col("model") == "Naive")["mase"][0]
    # On a strong daily cycle, seasonal naive beats naive, and auto mode picks it.
    assert snaive < naive
    assert result.metrics.filter(pl.col("chosen"))["model"].to_list() == ["SeasonalNaive(24)"] * 2
    rmse, mae = result.metrics["rmse"], result.metrics["mae"]
    assert (rmse >= mae - 1e-12).all()


def test_anomalies_find_an_injected_spike() -> None:
    values = daily_cycle(24 * 14, 4)
    values[-30] += 25.0
    found = capcast.anomalies(hourly("x", values), level=99, horizon=24, windows=3, model="seasonal_naive")
    assert {"unique_id", "ds", "y", "yhat", "lower", "upper", "excess"} <= set(found.columns)
    spike = START + dt.timedelta(hours=24 * 14 - 30)
    row = found.filter(pl.col("ds") == spike)
    assert row.height == 1 and row["excess"][0] > 10


def test_sample_paths_are_reproducible(series: pl.DataFrame) -> None:
    a = capcast.sample_paths(series, 12, 20, model="seasonal_naive", seed=7)
    b = capcast.sample_paths(series, 12, 20, model="seasonal_naive", seed=7)
    assert a.columns == ["unique_id", "path", "ds", "y"]
    assert a.height == 2 * 20 * 12
    assert a.equals(b)
    assert not math.isnan(a["y"].sum())


def test_fan_chart_svg_and_png(series: pl.DataFrame, tmp_path) -> None:
    result = capcast.forecast(series, 24, model="seasonal_naive")
    svg = result.plot("web", last=72)
    assert svg.format == "svg" and svg._repr_svg_() is not None and "<svg" in svg._repr_svg_()
    png = result.plot("web", format="png")
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    png.save(tmp_path / "fan.png")
    assert (tmp_path / "fan.png").stat().st_size == len(png.data)
    with pytest.raises(capcast.ParameterError):
        result.plot("nope")
