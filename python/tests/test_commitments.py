"""capcast.optimize_commitments and capcast.backtest_commitments: frames in and out, the
newsvendor answer by hand, owned commitments, and errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

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


SAMPLE = str(
    __import__("pathlib").Path(__file__).resolve().parents[2]
    / "data/sample/billing/focus-1.2-sample.csv.gz"
)


@pytest.fixture(scope="module")
def sample_bill() -> capcast.BillingLoad:
    return capcast.read_billing(SAMPLE)


def test_bill_usage_feeds_the_optimizer(sample_bill: capcast.BillingLoad) -> None:
    """bill -> bill_usage -> commitment_offers -> optimize_commitments on the bundled sample,
    whose truth is in src/generate/commitments.rs: 5 m5.xlarge RIs (factor 8: 40 normalized
    units at 0.12 / 8 = 0.015 per NU-hour) and a 1.45 USD/h Compute Savings Plan."""
    bill = capcast.bill_usage(sample_bill)
    assert isinstance(bill, capcast.BillUsage)
    assert bill.usage.columns == ["unique_id", "ds", "y"]
    assert bill.hours == (31 + 30 + 31 + 31) * 24
    assert set(bill.pools["unit"]) == {"normalized unit-hours"}
    assert bill.usage["unique_id"].n_unique() == bill.pools.height
    ri = bill.owned.filter(pl.col("kind") == "reserved_instance").row(0, named=True)
    assert ri["quantity"] == pytest.approx(40.0, abs=1e-9)
    assert ri["unit_price"] == pytest.approx(0.015, abs=1e-9)
    assert ri["unit"] == "normalized units"
    sp = bill.owned.filter(pl.col("kind") == "savings_plan_compute").row(0, named=True)
    assert sp["quantity"] == pytest.approx(1.45, abs=1e-9)
    assert bill.existing.height >= 2 and "end" in bill.existing.columns
    assert any("no end date" in a for a in bill.assumptions)
    offers = capcast.commitment_offers(bill.pools)
    assert set(offers["pool"]) == set(bill.pools["pool"])
    # The last four weeks as the one scenario.
    recent = bill.usage.filter(pl.col("ds") >= bill.usage["ds"].max() - dt.timedelta(days=28))
    plan = capcast.optimize_commitments(recent, offers, bill.existing, max_samples=3000)
    s = plan.summary.row(0, named=True)
    assert s["cost_without_purchase"] < s["on_demand_cost"]
    assert s["expected_cost"] <= s["cost_without_purchase"] + 1e-6
    # Paths and frames are read too.
    assert capcast.bill_usage(SAMPLE).owned.height == bill.owned.height
    assert capcast.bill_usage(sample_bill.costs).usage.height == bill.usage.height


def test_bill_usage_bad_input_raises_capcast_errors(sample_bill: capcast.BillingLoad) -> None:
    with pytest.raises(capcast.ParameterError, match="SkuPriceDetails"):
        capcast.bill_usage(sample_bill.costs.drop("SkuPriceDetails"))
    storage = sample_bill.costs.filter(pl.col("ResourceType") == "Volume")
    with pytest.raises(capcast.ParameterError, match="no eligible compute usage"):
        capcast.bill_usage(storage)
    with pytest.raises(capcast.ParameterError, match="billing"):
        capcast.bill_usage(42)
    with pytest.raises(capcast.ParameterError, match="term_years"):
        capcast.bill_usage(sample_bill, term_years=0)
    with pytest.raises(capcast.ParameterError, match="ends"):
        capcast.bill_usage(sample_bill, ends={"x": "not a date"})
    with pytest.raises(capcast.DataError, match="provider"):
        capcast.commitment_offers(
            pl.DataFrame({"pool": ["a"], "provider": ["ibm"], "region": ["r"], "family": ["f"]})
        )
    with pytest.raises(capcast.DataError, match="family"):
        capcast.commitment_offers(pl.DataFrame({"pool": ["a"]}))


def _gcp_row(sku: str, hour: int, quantity: float, unit: str, cost: float) -> dict[str, object]:
    start = dt.datetime(2026, 3, 2) + dt.timedelta(hours=hour)
    seconds = 3600.0 * (1024.0**3 if unit == "gibibyte hour" else 1.0)
    return {
        "billing_account_id": "0123AB-4567CD-89EF01",
        "service": {"id": "6F81-5844-456A", "description": "Compute Engine"},
        "sku": {"id": "s", "description": sku},
        "usage_start_time": f"{start:%Y-%m-%d %H}:00:00 UTC",
        "usage_end_time": f"{start + dt.timedelta(hours=1):%Y-%m-%d %H}:00:00 UTC",
        "project": {"id": "p1", "name": "p1"},
        "location": {"region": "us-central1"},
        "cost": cost,
        "currency": "USD",
        "usage": {
            "amount": quantity * seconds,
            "unit": "seconds" if unit == "hour" else "byte-seconds",
            "amount_in_pricing_units": quantity,
            "pricing_unit": unit,
        },
        "credits": [],
        "invoice": {"month": "202603"},
        "cost_type": "regular",
    }


def test_bill_usage_reads_gcp_vcpu_and_memory_per_series(tmp_path: Path) -> None:
    """A GCP billing export (JSON lines): N2 vCPUs 8, 6, 4 and memory 32, 24, 16 GiB, and the
    fees of an owned 1-year CUD of 2 vCPUs. The pools are per series and resource, priced at
    GCP's N2 SKU prices in us-central1 (0.031611 per vCPU-hour, 0.004237 per GiB-hour; 1-year
    CUD 0.019915), and the optimizer buys GCP CUDs for them."""
    rows = []
    for h, cores in enumerate([8, 6, 4]):
        rows.append(_gcp_row("N2 Instance Core running in Americas", h, cores, "hour", cores * 0.031611))
        rows.append(_gcp_row("N2 Instance Ram running in Americas", h, 4 * cores, "gibibyte hour", 0.0))
        rows.append(_gcp_row("Commitment v1: N2 Cpu in Americas for 1 Year", h, 2, "hour", 2 * 0.019915))
    path = tmp_path / "gcp.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    bill = capcast.bill_usage(capcast.read_billing(str(path)))
    pools = bill.pools.sort("pool")
    assert pools["pool"].to_list() == ["n2 cores/us-central1", "n2 memory/us-central1"]
    assert pools["resource"].to_list() == ["cores", "memory"]
    assert pools["unit"].to_list() == ["vCPU-hours", "GiB-hours"]
    cores = bill.usage.filter(pl.col("unique_id") == "n2 cores/us-central1").sort("ds")
    assert cores["y"].to_list() == pytest.approx([8.0, 6.0, 4.0])
    owned = bill.owned.row(0, named=True)
    assert (owned["kind"], owned["scope"], owned["unit"]) == (
        "gcp_committed_use",
        "n2 cores/us-central1",
        "vCPUs",
    )
    assert owned["quantity"] == pytest.approx(2.0) and owned["unit_price"] == pytest.approx(0.019915)
    offers = capcast.commitment_offers(bill.pools)
    one_year = offers.filter(
        (pl.col("pool") == "n2 cores/us-central1") & (pl.col("term_years") == 1)
    ).row(0, named=True)
    assert one_year["kind"] == "gcp_committed_use"
    assert one_year["hourly"] == pytest.approx(0.019915, abs=2e-6)
    assert one_year["on_demand"] == pytest.approx(0.031611, abs=2e-6)
    plan = capcast.optimize_commitments(bill.usage, offers, bill.existing)
    assert set(plan.purchases["instrument"].to_list()) <= set(offers["instrument"].to_list())
    with pytest.raises(capcast.DataError, match="resource"):
        capcast.commitment_offers(bill.pools.with_columns(pl.lit("disks").alias("resource")))


def test_backtest_bill_on_the_sample(sample_bill: capcast.BillingLoad) -> None:
    """Bought on 1 June 2026, billed over June to August, every policy starting from nothing
    (``net_owned=False``: the sample's owned commitments already cover nearly all its usage).
    Hindsight's regret is 0 and no policy beats it (1e-6 relative: the LP's duality gap);
    buying nothing costs exactly on demand."""
    result = capcast.backtest_bill(
        sample_bill, dt.datetime(2026, 6, 1), paths=4, max_samples=4000, net_owned=False
    )
    assert isinstance(result, capcast.CommitmentBacktest)
    assert result.policies["policy"].to_list() == [
        "capcast",
        "cost_explorer",
        "hindsight",
        "on_demand",
    ]
    assert result.buy_hour == 31 * 24 and result.eval_hours == (30 + 31 + 31) * 24
    rows = {r["policy"]: r for r in result.policies.iter_rows(named=True)}
    assert abs(rows["hindsight"]["regret"]) < 1e-9
    for r in rows.values():
        assert r["realised_cost"] >= rows["hindsight"]["realised_cost"] * (1 - 1e-6)
    assert rows["on_demand"]["realised_cost"] == pytest.approx(rows["on_demand"]["on_demand_cost"])
    assert rows["capcast"]["realised_cost"] < rows["on_demand"]["realised_cost"]
    assert any("not netted" in n for n in result.notes)
    with pytest.raises(capcast.ParameterError, match="2026-05-31"):
        capcast.backtest_bill(sample_bill, "2026-05-02")


def test_renewals_are_planned_on_multi_year_scenarios_and_assumptions_said() -> None:
    # Two years of usage: 10 units in year 1, 5 in year 2. A 1-year RI at 0.6 (40 % off): buy
    # 10 now and plan a renewal of 5 at hour 8,760 (month 13); both fully used.
    # Cost (0.6 * 10 + 0.6 * 5) * 8,760 = 78,840; on demand (10 + 5) * 8,760 = 131,400.
    usage = _usage([10.0] * 8760 + [5.0] * 8760)
    offers = _ri(0.6)
    assert capcast.commitment_horizon(offers) == 8760
    assert capcast.commitment_horizon(offers.with_columns(term_years=pl.lit(3))) == 26280
    plan = capcast.optimize_commitments(usage, offers, max_samples=2000)
    rows = plan.purchases.select("timing", "start_hour", "start_month", "quantity").rows()
    assert [r[:3] for r in rows] == [("now", 0, 1), ("planned", 8760, 13)]
    assert rows[0][3] == pytest.approx(10.0, abs=1e-4)
    assert rows[1][3] == pytest.approx(5.0, abs=1e-4)
    assert plan.summary["expected_cost"][0] == pytest.approx(78_840.0, rel=1e-6)
    assert plan.summary["planned_upfront"][0] == 0.0
    assert len(plan.assumptions) == 1
    assert "renewed at each year boundary" in plan.assumptions[0]
    # A 3-year offer on one year of usage: judged on the year, and the plan says so.
    short = capcast.optimize_commitments(
        _usage([10.0] * 48), offers.with_columns(term_years=pl.lit(3))
    )
    assert short.assumptions == [
        "3-year instruments judged on a 48-hour horizon: years beyond it assumed like the horizon"
    ]
    with pytest.raises(capcast.DataError, match="term_years"):
        capcast.commitment_horizon(offers.drop("term_years"))
