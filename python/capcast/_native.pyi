"""Type stubs of the Rust extension ``capcast._native`` (src/python/). Its functions return raw
parts: frames as Arrow streams and reports as JSON text plus the report's readable text; the
public API is the package ``capcast``."""

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any, final

__version__: str
__all__ = [
    "catalog",
    "catalog_offers",
    "rightsize",
    "rightsize_resource_chart",
    "rightsize_savings_chart",
    "ArrowStream",
    "generate_sample",
    "read_billing",
    "read_utilization",
    "aggregate",
    "tag_coverage",
    "top_movers",
    "forecast",
    "backtest",
    "anomalies",
    "sample_paths",
    "fan_chart",
    "runway",
    "required_capacity",
    "erlang_c",
    "servers_for_wait",
    "budget_forecast",
    "slo_burn",
    "runway_chart",
    "runway_from_forecast",
    "burndown_chart",
    "optimize_commitments",
    "backtest_commitments",
    "bill_usage",
    "commitment_offers",
    "backtest_bill",
    "plan",
    "_echo_frame",
    "_panic",
    "__version__",
]

@final
class ArrowStream:
    """A frame produced by capcast; ``polars.DataFrame(stream)`` or ``pyarrow.table(stream)``
    read it through the Arrow PyCapsule interface."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    @property
    def height(self) -> int: ...
    @property
    def columns(self) -> list[str]: ...
    def __len__(self) -> int: ...

def read_billing(
    paths: Sequence[str | PathLike[str]],
    *,
    lenient: bool = False,
    dedupe: bool = False,
    allow_mixed_currencies: bool = False,
    check_billing_period: bool = True,
) -> tuple[ArrowStream, ArrowStream | None, str, str]:
    """-> (costs, commitments, report_json, report_text)"""

def read_utilization(
    paths: Sequence[str | PathLike[str]],
    *,
    format: str | None = None,
    statistic: str = "average",
    counters_to_rates: bool = True,
    resource_id: str | None = None,
    metric: str | None = None,
) -> tuple[ArrowStream, ArrowStream, str, str]:
    """-> (samples, resources, report_json, report_text)"""

def aggregate(
    costs: object,
    *,
    dimensions: Sequence[str] = ...,
    freq: str = "day",
    cost: str = "effective",
    usage: str | None = None,
    gap_fill: str = "zero",
    spread: bool = False,
    start: str | None = None,
    end: str | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
) -> ArrowStream: ...
def tag_coverage(
    costs: object,
    tag_key: str,
    *,
    by: Sequence[str] = ...,
    cost: str = "effective",
) -> ArrowStream: ...
def top_movers(
    costs: object,
    dimensions: Sequence[str],
    *,
    before: tuple[str, str],
    after: tuple[str, str],
    n: int = 10,
    cost: str = "effective",
) -> ArrowStream: ...
def generate_sample(
    out_dir: str | PathLike[str],
    *,
    seed: int = 42,
    months: int = 4,
    start: str | None = None,
    utilization_interval_minutes: int = 60,
) -> str:
    """-> the summary as JSON"""

def forecast(
    series: object,
    horizon: int,
    *,
    levels: Sequence[float],
    model: str = "auto",
    season_lengths: Sequence[int] | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
    non_negative: bool = False,
    cap: float | None = None,
    conformal: bool | None = None,
    ensemble: int = 0,
) -> tuple[ArrowStream, ArrowStream, ArrowStream, ArrowStream]: ...
def backtest(
    series: object,
    horizon: int,
    *,
    windows: int = 3,
    step_size: int | None = None,
    models: Sequence[str] = ...,
    levels: Sequence[float] = ...,
    season_lengths: Sequence[int] | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
) -> tuple[ArrowStream, ArrowStream]: ...
def anomalies(
    series: object,
    *,
    level: float = 95.0,
    horizon: int | None = None,
    windows: int = 4,
    model: str = "auto",
    season_lengths: Sequence[int] | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
) -> ArrowStream: ...
def sample_paths(
    series: object,
    horizon: int,
    n_paths: int,
    *,
    model: str = "auto",
    seed: int = 0,
    season_lengths: Sequence[int] | None = None,
    step: str | None = None,
    missing: str = "interpolate",
    combine: str = "error",
    non_negative: bool = False,
) -> ArrowStream: ...
def fan_chart(
    history: object,
    forecasts: object,
    *,
    changepoints: object | None = None,
    unique_id: str | None = None,
    format: str = "svg",
    last: int | None = None,
    title: str | None = None,
) -> bytes: ...
def runway(
    paths: object,
    *,
    history: object | None = None,
    threshold: float = 0.8,
    quantile: float = 0.95,
    capacity: float = 1.0,
    capacities: Mapping[str, float] | None = None,
) -> tuple[ArrowStream, ArrowStream]:
    """-> (summary, curves)"""

def runway_from_forecast(
    forecasts: object,
    *,
    history: object | None = None,
    threshold: float = 0.8,
    quantile: float = 0.95,
    capacity: float = 1.0,
    capacities: Mapping[str, float] | None = None,
) -> tuple[ArrowStream, ArrowStream]:
    """-> (summary, curves)"""

def required_capacity(
    paths: object,
    *,
    per_instance: float,
    target_utilization: float = 0.8,
    quantile: float = 0.95,
    redundancy: int = 1,
    period: str = "day",
) -> ArrowStream: ...
def erlang_c(
    arrival_rate: float,
    service_rate: float,
    servers: int,
    *,
    percentiles: Sequence[float] = ...,
) -> tuple[float, float, float, float, float, float, list[float]]:
    """-> (load, utilization, prob_wait, mean_wait, mean_response, mean_queue_length,
    wait_percentiles)"""

def servers_for_wait(
    arrival_rate: float,
    service_rate: float,
    target_wait: float,
    percentile: float = 0.95,
) -> int: ...
def budget_forecast(
    history: object,
    paths: object,
    *,
    periods: Sequence[str] = ...,
    budget: float | None = None,
    budget_period: str = "month",
    group_budgets: Mapping[str, float] | None = None,
) -> tuple[ArrowStream, ArrowStream]:
    """-> (summary, burndown)"""

def slo_burn(
    series: object,
    *,
    target: float,
    period: str = "30d",
) -> tuple[ArrowStream, ArrowStream, float]:
    """-> (series, alerts, budget_remaining)"""

def runway_chart(
    summary: object,
    curves: object,
    *,
    history: object | None = None,
    unique_id: str | None = None,
    format: str = "svg",
    last: int | None = None,
    title: str | None = None,
) -> bytes: ...
def burndown_chart(
    summary: object,
    burndown: object,
    *,
    unique_id: str | None = None,
    period: str = "month",
    currency: str | None = None,
    format: str = "svg",
    title: str | None = None,
) -> bytes: ...
def _echo_frame(frame: object) -> ArrowStream:
    """Imports a frame and exports it again (the round trip the tests check)."""

def _panic(message: str) -> None:
    """Panics in Rust; raises capcast.ComputeError."""

def catalog(
    paths: Sequence[str] = ...,
    *,
    provider: str | None = None,
    region: str | None = None,
) -> tuple[ArrowStream, str]:
    """-> (instances, source)"""

def catalog_offers(
    paths: Sequence[str] = ...,
    *,
    provider: str | None = None,
    region: str | None = None,
) -> ArrowStream: ...

def optimize_commitments(
    usage: object,
    offers: object,
    existing: object | None = None,
    *,
    cost_of_capital: float = 0.05,
    max_upfront: float | None = None,
    min_coverage: float | None = None,
    max_coverage: float | None = None,
    risk: str = "mean",
    alpha: float = 0.9,
    ladder: int = 1,
    ladder_spacing_hours: int = 730,
    max_samples: int = 100000,
    seed: int = 0,
) -> tuple[ArrowStream, ArrowStream, ArrowStream, ArrowStream]: ...
def backtest_commitments(
    history: object,
    offers: object,
    existing: object | None = None,
    *,
    buy_hour: int,
    eval_hours: int = 8760,
    lookback_hours: int = 720,
    scenarios: str = "forecast",
    paths: int = 20,
    cost_of_capital: float = 0.05,
    max_samples: int = 100000,
    seed: int = 0,
) -> tuple[ArrowStream, ArrowStream]: ...
def bill_usage(
    costs: object,
    *,
    ends: Sequence[tuple[str, int]] = ...,
    term_years: int | None = None,
    catalog: Sequence[str] = ...,
    contracts: object | None = None,
) -> tuple[
    ArrowStream, ArrowStream, ArrowStream, ArrowStream, list[str], tuple[int, int, int, float]
]: ...
def commitment_offers(pools: object, *, catalog: Sequence[str] = ...) -> ArrowStream: ...
def backtest_bill(
    costs: object,
    buy_at_us: int,
    *,
    eval_hours: int | None = None,
    lookback_hours: int = 720,
    scenarios: str = "forecast",
    paths: int = 20,
    cost_of_capital: float = 0.05,
    max_samples: int = 100000,
    seed: int = 0,
    ends: Sequence[tuple[str, int]] = ...,
    term_years: int | None = None,
    catalog: Sequence[str] = ...,
    net_owned: bool = True,
) -> tuple[ArrowStream, ArrowStream, list[str], tuple[int, int]]: ...
def plan(
    billing: Sequence[str] | None = None,
    *,
    utilization: Sequence[str] | None = None,
    budget: str | None = None,
    budget_file: str | None = None,
    horizon_days: int = 30,
    paths: int = 200,
    seed: int = 0,
    out: str | None = None,
    lenient: bool = False,
    group_by: str | None = None,
    slo: str | None = None,
    slo_target: float | None = None,
) -> dict[str, Any]: ...

def rightsize(
    samples: object,
    resources: object | None = None,
    billing: object | None = None,
    catalog: Sequence[str] = ...,
    *,
    settings: dict[str, Any] | None = None,
) -> tuple[ArrowStream, str]:
    """-> (recommendations, catalog source)"""

def rightsize_resource_chart(
    samples: object,
    resource_id: str,
    resources: object | None = None,
    billing: object | None = None,
    catalog: Sequence[str] = ...,
    *,
    format: str = "svg",
    settings: dict[str, Any] | None = None,
) -> bytes:
    """-> SVG or PNG bytes of one resource's CPU and memory distribution"""

def rightsize_savings_chart(
    groups: Sequence[str],
    savings: Sequence[float],
    *,
    title: str = "Monthly savings",
    format: str = "svg",
) -> bytes:
    """-> SVG or PNG bytes of monthly savings by group"""
