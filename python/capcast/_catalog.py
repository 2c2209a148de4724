"""Instance catalogs from Python: what each instance type offers and costs, on demand and under
every commitment offer.

>>> capcast.catalog().filter(pl.col("instance_type") == "m6i.xlarge")   # doctest: +SKIP
>>> capcast.catalog(["ec2-us-east-1.json", "savings-plans.json"])       # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Union

import polars as pl

from capcast import _native
from capcast._frames import to_polars as _to_polars

__all__ = ["catalog", "catalog_offers"]

CatalogPath = Union[str, "os.PathLike[str]"]


def _paths(path: CatalogPath | Sequence[CatalogPath] | None) -> list[str]:
    if path is None:
        return []
    if isinstance(path, (str, os.PathLike)):
        return [os.fspath(path)]
    return [os.fspath(p) for p in path]


def catalog(
    path: CatalogPath | Sequence[CatalogPath] | None = None,
    *,
    provider: str | None = None,
    region: str | None = None,
) -> pl.DataFrame:
    """An instance catalog as a frame, one row per instance type and region.

    Args:
        path: price files or folders, format detected: AWS Price List EC2 offer files (JSON or
            CSV), AWS Savings Plans offer files, Azure Retail Prices API pages, GCP Cloud
            Billing Catalog SKU lists, plain catalog CSV. ``None``: the bundled catalog
            (sources and dates in ``data/catalog/README.md``).
        provider: only ``aws``, ``azure``, ``gcp`` or ``other``.
        region: only this region code.

    Returns:
        ``provider, region, instance_type, family, generation, architecture, vcpu,
        memory_gib, burstable, on_demand_hourly, currency, offers`` (how many commitment
        offers) and ``best_offer_hourly`` (the lowest effective hourly price of any offer).
    """
    stream, _source = _native.catalog(_paths(path), provider=provider, region=region)
    return _to_polars(stream)


def catalog_offers(
    path: CatalogPath | Sequence[CatalogPath] | None = None,
    *,
    provider: str | None = None,
    region: str | None = None,
) -> pl.DataFrame:
    """The commitment offers of a catalog, one row per offer.

    Arguments as for :func:`catalog`. Returns ``provider, region, instance_type, kind,
    term_years, payment, upfront, hourly, effective_hourly`` (upfront spread over the term plus
    the hourly fee), ``on_demand_hourly`` and ``discount`` (1 - effective / on demand).
    """
    return _to_polars(_native.catalog_offers(_paths(path), provider=provider, region=region))
