"""capcast.catalog and capcast.catalog_offers: the bundled catalog and loading price files."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import capcast


def test_bundled_catalog_has_every_provider_in_five_regions() -> None:
    frame = capcast.catalog()
    regions = frame.group_by("provider").agg(pl.col("region").n_unique()).sort("provider")
    assert regions["provider"].to_list() == ["aws", "azure", "gcp"]
    assert min(regions["region"].to_list()) >= 5
    row = frame.filter(
        (pl.col("instance_type") == "m6i.xlarge") & (pl.col("region") == "us-east-2")
    )
    # libcloud 3.9.1 price table (2025-03-02): 0.192 USD/h, 4 vCPU, 16 GiB.
    assert row.select("vcpu", "memory_gib", "on_demand_hourly").row(0) == (4.0, 16.0, 0.192)
    assert (frame["best_offer_hourly"] < frame["on_demand_hourly"]).all()


def test_filters_and_offers() -> None:
    frame = capcast.catalog(provider="gcp", region="us-central1")
    assert set(frame["provider"]) == {"gcp"} and set(frame["region"]) == {"us-central1"}
    offers = capcast.catalog_offers(provider="gcp", region="us-central1")
    assert set(offers["kind"]) == {"gcp_committed_use"}
    assert ((offers["discount"] > 0) & (offers["discount"] < 1)).all()


def test_plain_csv(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "provider,region,instance_type,vcpu,memory_gib,on_demand_hourly\n"
        "other,dc-1,vm.large,8,32,0.25\n"
    )
    frame = capcast.catalog(path)
    assert frame.select("instance_type", "vcpu", "memory_gib", "on_demand_hourly").row(0) == (
        "vm.large",
        8.0,
        32.0,
        0.25,
    )


def test_azure_page(tmp_path: Path) -> None:
    page = {
        "BillingCurrency": "USD",
        "Items": [
            {
                "armSkuName": "Standard_D2s_v5",
                "armRegionName": "eastus",
                "retailPrice": 0.096,
                "unitOfMeasure": "1 Hour",
                "type": "Consumption",
                "productName": "Virtual Machines Dsv5 Series",
                "meterName": "D2s v5",
                "serviceName": "Virtual Machines",
                "currencyCode": "USD",
            },
            {
                "armSkuName": "Standard_D2s_v5",
                "armRegionName": "eastus",
                "retailPrice": 519.0,
                "unitOfMeasure": "1 Hour",
                "type": "Reservation",
                "reservationTerm": "1 Year",
                "productName": "Virtual Machines Dsv5 Series",
                "meterName": "D2s v5",
                "serviceName": "Virtual Machines",
                "currencyCode": "USD",
            },
        ],
        "NextPageLink": None,
    }
    path = tmp_path / "azure.json"
    path.write_text(json.dumps(page))
    offers = capcast.catalog_offers(path)
    upfront = offers.filter(pl.col("payment") == "all_upfront")
    assert upfront.select("kind", "term_years", "upfront").row(0) == (
        "azure_reservation",
        1,
        519.0,
    )


def test_bad_input_raises_capcast_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "provider,region,instance_type,vcpu,memory_gib,on_demand_hourly\naws,x,y,abc,1,1\n"
    )
    with pytest.raises(capcast.DataError, match="vcpu"):
        capcast.catalog(bad)
    with pytest.raises(capcast.NotFoundError):
        capcast.catalog(tmp_path / "missing.json")
    with pytest.raises(capcast.ParameterError, match="provider"):
        capcast.catalog(provider="ibm")
