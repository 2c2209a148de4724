"""Forecasting from Python: many series at once, backtests, anomalies, sample paths and charts.

Every function takes a long frame ``unique_id, ds, y`` (polars, pandas or pyarrow; ``ds`` a
date or date/time, naive values read as UTC) and returns polars DataFrames. The work runs in
Rust on all cores with the GIL released.

>>> result = capcast.forecast(series, horizon=168, levels=[80, 95])  # doctest: +SKIP
>>> result.forecasts.columns                                          # doctest: +SKIP
['unique_id', 'ds', 'yhat', 'yhat_lower_80', 'yhat_upper_80', 'yhat_lower_95', 'yhat_upper_95']
>>> result.plot("total")                                              # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from capcast import _native
from capcast._frames import as_arrow_stream as _as_arrow_stream
from capcast._frames import to_polars as _to_polars
from capcast.exceptions import ParameterError

__all__ = [
    "BacktestResult",
    "Chart",
    "ForecastResult",
    "anomalies",
    "backtest",
    "fan_chart",
    "forecast",
    "sample_paths",
]


class Chart:
    """A rendered chart (SVG or PNG). Notebooks display it inline; :meth:`save` writes it."""

    __slots__ = ("_data", "_format")

    def __init__(self, data: bytes, format: str) -> None:
        self._data = data
        self._format = format

    @property
    def format(self) -> str:
        """``svg`` or ``png``."""
        return self._format

    @property
    def data(self) -> bytes:
        """The file's bytes."""
        return self._data

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the chart to ``path``."""
        with open(path, "wb") as f:
            f.write(self._data)

    def _repr_svg_(self) -> str | None:
        return self._data.decode("utf-8") if self._format == "svg" else None

    def _repr_png_(self) -> bytes | None:
        return self._data if self._format == "png" else None

    def __repr__(self) -> str:
        return f"Chart(format={self._format!r}, {len(self._data)} bytes)"


def _levels(levels: Sequence[float]) -> list[float]:
    if isinstance(levels, (int, float)):
        return [float(levels)]
    return [float(level) for level in levels]


def _seasons(season_lengths: Sequence[int] | int | None) -> list[int] | None:
    if season_lengths is None:
        return None
    if isinstance(season_lengths, int):
        return [season_lengths]
    return [int(m) for m in season_lengths]


def _step(step: str | None) -> str | None:
    if step is not None and not isinstance(step, str):
        raise ParameterError(f"invalid parameter 'step': expected text such as '1h', got {step!r}")
    return step


@dataclass(frozen=True)
class ForecastResult:
    """The result of :func:`forecast`.

    Attributes:
        forecasts: ``unique_id, ds, yhat, yhat_lower_<level>, yhat_upper_<level>`` per level.
        models: per series ``unique_id, model, spec, n_obs, status, error``: the model
            chosen, what was fitted (``spec``, e.g. ``Conformal(ETS(M,Ad,M))``) and, for a
            series that failed, why. Other series are unaffected.
        history: each series as the model saw it (``unique_id, ds, y``), on its regular
            grid after combining duplicate slots and filling missing values.
        changepoints: ``unique_id, ds``: trend changepoints of the chosen models.
    """

    forecasts: pl.DataFrame
    models: pl.DataFrame
    history: pl.DataFrame
    changepoints: pl.DataFrame

    def plot(
        self,
        unique_id: str | None = None,
        *,
        format: str = "svg",
        last: int | None = None,
        title: str | None = None,
    ) -> Chart:
        """A fan chart of one series (default: the first): history, point forecast and the
        intervals, shaded by level. ``last`` shows only that many history points."""
        return fan_chart(
            self.history,
            self.forecasts,
            unique_id,
            changepoints=self.changepoints,
            format=format,
            last=last,
            title=title,
        )


@dataclass(frozen=True)
class BacktestResult:
    """The result of :func:`backtest`.

    Attributes:
        metrics: per series and model: ``unique_id, model, baseline, chosen, mae, rmse,
            mape, smape, mase, coverage_<level>, winkler_<level>, pinball_lower_<level>,
            pinball_upper_<level>, error``, averaged over the windows (``chosen`` marks the
            model auto mode picks; ``baseline`` the seasonal naive baseline).
        summary: per model: ``model, n_series, wins`` and the same metrics averaged over
            series.
    """

    metrics: pl.DataFrame
    summary: pl.DataFrame


def forecast(
    series: Any,
    horizon: int,
    *,
    levels: Sequence[float] = (80, 95),
    model: str = "auto",
    season_lengths: Sequence[int] | int | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
    non_negative: bool = False,
    cap: float | None = None,
    conformal: bool | None = None,
    ensemble: int = 0,
) -> ForecastResult:
    """Forecast every series of a long frame ``unique_id, ds, y``, in parallel.

    Args:
        series: polars, pandas or pyarrow frame with ``unique_id``, ``ds`` and ``y``.
        horizon: number of steps to forecast.
        levels: prediction interval levels in percent (50 to 99.9), e.g. ``[80, 95]``.
        model: ``auto`` (per series, the best of the models below by backtest MASE, seasonal
            naive always a candidate), or one of ``naive``, ``seasonal_naive``, ``drift``,
            ``ets``, ``mstl``, ``theta``, ``regression``.
        season_lengths: seasonal periods in steps, e.g. ``[24, 168]`` for hourly data;
            default: daily and weekly cycles found from the step.
        step: the time step (``1h``, ``30m``, ``1d``); default: the most common difference.
        missing: missing values and empty slots: ``interpolate``, ``forward``, ``zero``,
            ``error`` or ``keep``.
        combine: several points in one slot: ``error``, ``mean``, ``sum`` or ``last``.
        non_negative: clamp point forecasts and intervals at 0 (cost and load).
        cap: clamp at this capacity.
        conformal: ``True`` for conformal intervals from rolling backtests, ``False`` for the
            model's own; default: conformal wherever the model's own are not calibrated.
        ensemble: with ``auto``, average the best ``ensemble`` models (0: pick one).

    Raises:
        ParameterError: an invalid parameter (the message names it).
        DataError: the frame lacks a column or has values of the wrong type.
    """
    stream = _as_arrow_stream(series, "series")
    forecasts, models, history, changepoints = _native.forecast(
        stream,
        int(horizon),
        levels=_levels(levels),
        model=model,
        season_lengths=_seasons(season_lengths),
        step=_step(step),
        missing=missing,
        combine=combine,
        non_negative=non_negative,
        cap=cap,
        conformal=conformal,
        ensemble=int(ensemble),
    )
    return ForecastResult(
        _to_polars(forecasts), _to_polars(models), _to_polars(history), _to_polars(changepoints)
    )


def backtest(
    series: Any,
    horizon: int,
    *,
    windows: int = 3,
    step_size: int | None = None,
    models: Sequence[str] | str = "auto",
    levels: Sequence[float] = (80, 95),
    season_lengths: Sequence[int] | int | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
) -> BacktestResult:
    """Rolling-origin backtests: for each of ``windows`` cutoffs ``step_size`` steps apart
    (default: ``horizon``; the last window ends at the end of each series), fit on the
    history before the cutoff and score the next ``horizon`` points.

    ``models`` is ``auto`` (every candidate auto mode compares, seasonal naive included) or
    a list of model names.

    Returns:
        :class:`BacktestResult` with per-series metrics, a per-model summary and every window.
    """
    stream = _as_arrow_stream(series, "series")
    names = [models] if isinstance(models, str) else list(models)
    metrics, summary = _native.backtest(
        stream,
        int(horizon),
        windows=int(windows),
        step_size=None if step_size is None else int(step_size),
        models=names,
        levels=_levels(levels),
        season_lengths=_seasons(season_lengths),
        step=_step(step),
        missing=missing,
        combine=combine,
    )
    return BacktestResult(_to_polars(metrics), _to_polars(summary))


def anomalies(
    series: Any,
    *,
    level: float = 95,
    horizon: int | None = None,
    windows: int = 4,
    model: str = "auto",
    season_lengths: Sequence[int] | int | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
) -> pl.DataFrame:
    """Points of history outside the backtest prediction interval at ``level``: a cost
    anomaly report ``unique_id, ds, y, yhat, lower, upper, excess`` (``excess`` is how far
    outside the interval the point lies, positive above, negative below).

    The last ``windows`` x ``horizon`` points of each series are checked (default horizon:
    one season, or 24 steps)."""
    stream = _as_arrow_stream(series, "series")
    return _to_polars(
        _native.anomalies(
            stream,
            level=float(level),
            horizon=None if horizon is None else int(horizon),
            windows=int(windows),
            model=model,
            season_lengths=_seasons(season_lengths),
            step=_step(step),
            missing=missing,
            combine=combine,
        )
    )


def sample_paths(
    series: Any,
    horizon: int,
    n_paths: int = 100,
    *,
    model: str = "auto",
    seed: int = 0,
    season_lengths: Sequence[int] | int | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
    non_negative: bool = False,
) -> pl.DataFrame:
    """Simulated future paths (scenarios) per series: ``unique_id, path, ds, y``;
    reproducible for a given ``seed``."""
    stream = _as_arrow_stream(series, "series")
    return _to_polars(
        _native.sample_paths(
            stream,
            int(horizon),
            int(n_paths),
            model=model,
            seed=int(seed),
            season_lengths=_seasons(season_lengths),
            step=_step(step),
            missing=missing,
            combine=combine,
            non_negative=non_negative,
        )
    )


def fan_chart(
    history: Any,
    forecasts: Any,
    unique_id: str | None = None,
    *,
    changepoints: Any | None = None,
    format: str = "svg",
    last: int | None = None,
    title: str | None = None,
) -> Chart:
    """A forecast fan chart for one series (default: the first in ``forecasts``): history,
    point forecast and shaded intervals, with ``changepoints`` (``unique_id, ds``) marked.
    ``format`` is ``svg`` or ``png``."""
    if format not in ("svg", "png"):
        raise ParameterError(f"invalid parameter 'format': expected 'svg' or 'png', got {format!r}")
    data = _native.fan_chart(
        _as_arrow_stream(history, "history"),
        _as_arrow_stream(forecasts, "forecasts"),
        changepoints=None if changepoints is None else _as_arrow_stream(changepoints, "changepoints"),
        unique_id=unique_id,
        format=format,
        last=None if last is None else int(last),
        title=title,
    )
    return Chart(bytes(data), format)
