"""Rightsizing from Python: the cheapest safe size for every VM or container, priced at list
price and, with a bill, at what the resource really costs.

>>> load = capcast.read_utilization("data/sample/utilization/fleet.csv")      # doctest: +SKIP
>>> bill = capcast.read_billing("data/sample/billing/focus-1.2-sample.csv.gz")  # doctest: +SKIP
>>> capcast.rightsize(load, billing=bill).recommendations                       # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import polars as pl

from capcast import _native
from capcast._forecast import Chart
from capcast._frames import to_polars as _to_polars
from capcast.exceptions import ParameterError

__all__ = ["RightsizeResult", "rightsize"]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class RightsizeResult:
    """What :func:`rightsize` returns.

    Attributes:
        recommendations: one row per resource, ranked by monthly savings: always
            ``resource_id, finding, recommended_vcpu, recommended_memory_gib``, then (VM mode)
            instance types, prices, savings, projected utilization, risk, or (Kubernetes mode)
            requests and limits, then ``hours_of_data, samples, reason``.
        catalog_source: where the catalog's prices came from (empty without a catalog).
    """

    recommendations: pl.DataFrame
    catalog_source: str
    _inputs: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def savings_by(self, group_by: str = "account") -> pl.DataFrame:
        """Monthly savings summed by ``account``, ``service``, ``region``, ``finding`` or
        ``tag:KEY``: effective savings where the bill gives them, else list savings."""
        recs = self.recommendations
        if "monthly_savings_list" not in recs.columns:
            raise ValueError("savings_by needs VM-mode recommendations")
        savings = pl.coalesce("monthly_savings_effective", "monthly_savings_list")
        if group_by.startswith("tag:"):
            key = group_by[4:]
            groups = pl.col("tags").map_elements(
                lambda text: _tag(text, key), return_dtype=pl.String
            )
        elif group_by in ("account", "service", "region", "finding"):
            groups = pl.col(group_by)
        else:
            raise ParameterError(
                f"unknown grouping '{group_by}': expected account, service, region, finding or tag:KEY"
            )
        return (
            recs.filter(savings.is_not_null())
            .group_by(groups.fill_null("(none)").alias("group"))
            .agg(savings.sum().alias("monthly_savings"))
            .sort("monthly_savings", descending=True)
        )


    def plot_savings(
        self, by: str = "account", *, format: str = "svg", title: str | None = None
    ) -> Chart:
        """A bar chart of monthly savings by ``account``, ``service``, ``region``,
        ``finding`` or ``tag:KEY`` (see :meth:`savings_by`), largest first.

        Raises:
            ParameterError: an unknown grouping, or no priced recommendation (rightsize
                with a catalog).
            ValueError: Kubernetes-mode recommendations.
        """
        _check_format(format)
        table = self.savings_by(by)
        data = _native.rightsize_savings_chart(
            [str(g) for g in table["group"].to_list()],
            [float(v) for v in table["monthly_savings"].to_list()],
            title=title or f"Monthly savings by {by}",
            format=format,
        )
        return Chart(data, format)

    def plot_resource(self, resource_id: str, *, format: str = "svg") -> Chart:
        """One resource's CPU (cores) and memory (GiB) distribution over the lookback:
        histograms with the current size, the recommended size and the chosen percentile
        (memory statistic) marked.

        Raises:
            ParameterError: ``resource_id`` is not in the utilization data.
            DataError: the resource got no size (insufficient or invalid data; the message
                says why).
        """
        _check_format(format)
        if not self._inputs:
            raise ValueError("plot_resource needs a result of capcast.rightsize")
        inputs = self._inputs
        data = _native.rightsize_resource_chart(
            inputs["samples"],
            str(resource_id),
            inputs["resources"],
            inputs["billing"],
            inputs["catalog"],
            format=format,
            settings=inputs["settings"],
        )
        return Chart(data, format)


def _check_format(format: str) -> None:
    if format not in ("svg", "png"):
        raise ParameterError(f"format '{format}': expected 'svg' or 'png'", parameter="format")


def _tag(text: str | None, key: str) -> str | None:
    if not text:
        return None
    try:
        value = json.loads(text).get(key)
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value)


def rightsize(
    utilization: Any,
    billing: Any = None,
    catalog: PathLike | Sequence[PathLike] | None = None,
    *,
    resources: pl.DataFrame | None = None,
    use_catalog: bool = True,
    **settings: Any,
) -> RightsizeResult:
    """Rightsize every resource of a utilization frame.

    Args:
        utilization: what :func:`capcast.read_utilization` returns (its ``samples`` and
            ``resources`` are used), or a long frame ``resource_id, metric, ts, value``.
        billing: what :func:`capcast.read_billing` returns, or a FOCUS frame: effective prices
            (``EffectiveCost`` per consumed hour over the lookback), region, account and tags.
        catalog: price files or plain catalog CSVs; ``None`` uses the bundled catalog.
        resources: sizes ``resource_id, vcpu, memory_gib, instance_type`` when
            ``utilization`` is a bare frame.
        use_catalog: ``False`` sizes in vCPU and GiB only.
        **settings: ``mode`` (``vm``/``kubernetes``), ``cpu_percentile`` (99.5),
            ``cpu_headroom`` (20), ``memory_headroom`` (20), ``memory_statistic`` (``max`` or
            ``p99``...), ``lookback_days`` (14), ``min_data_hours`` (30), ``same_family_only``,
            ``allow_burstable``, ``same_architecture``, ``kubernetes_method`` (``vpa``/``krr``),
            ``kubernetes_limits``, ``provider``, ``region``.
    """
    samples = getattr(utilization, "samples", utilization)
    if resources is None:
        resources = getattr(utilization, "resources", None)
    costs = getattr(billing, "costs", billing)
    if catalog is None:
        paths: list[str] = []
    elif isinstance(catalog, (str, os.PathLike)):
        paths = [os.fspath(catalog)]
    else:
        paths = [os.fspath(p) for p in catalog]
    settings = {"use_catalog": use_catalog, **settings}
    stream, source = _native.rightsize(samples, resources, costs, paths, settings=settings)
    inputs = {
        "samples": samples,
        "resources": resources,
        "billing": costs,
        "catalog": paths,
        "settings": settings,
    }
    return RightsizeResult(
        recommendations=_to_polars(stream), catalog_source=source, _inputs=inputs
    )
