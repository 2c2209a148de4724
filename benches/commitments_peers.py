"""Commitment portfolio: capcast against finoptim (PyPI) on the same usage and prices.

One year of hourly usage (8760 hours) across 200 pools (daily and weekly cycles, a trend,
noise, some pools that stop or start mid-year), priced per pool on demand, with Reserved
Instances 1y and 3y per pool and Compute Savings Plans 1y and 3y over all pools: the four
pricing models finoptim knows (`RI1Y`, `RI3Y`, `SP1Y`, `SP3Y`), no upfront. capcast also solves
the same problem with two more instrument kinds (EC2 Instance Savings Plans 1y and 3y per pool,
6 kinds in all), which finoptim cannot express; that run is compared with finoptim's 4-kind
portfolio, which is feasible for it too.

Both portfolios are costed twice on all 8760 hours: by finoptim's own `cost` function and by
capcast's evaluation (AWS application order); the ratio is capcast / finoptim. capcast's
linear program runs on a stratified sample of hours (`--samples`, default 200 hours x 200
pools); its reported cost is on every hour.

    bash scripts/bench-commitments.sh                 # the full comparison
    bash scripts/bench-commitments.sh --pools 20 --hours 2000   # a quick one
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np
import pandas as pd
import polars as pl

import capcast


def make_problem(pools: int, hours: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    h = np.arange(hours)
    base = rng.lognormal(1.5, 0.8, pools)
    amp = rng.uniform(0.0, 0.5, pools)
    weekly = rng.uniform(0.0, 0.3, pools)
    trend = rng.normal(0.0, 0.4, pools)
    daily = np.sin(2 * np.pi * (h % 24) / 24)[:, None]
    week = (((h // 24) % 7) < 5).astype(float)[:, None]
    level = base[None, :] * (1 + trend[None, :] * h[:, None] / hours)
    x = level * (1 + amp[None, :] * daily) * (1 - weekly[None, :] * (1 - week))
    x *= rng.lognormal(0.0, 0.15, (hours, pools))
    # a tenth of the pools stop or start at a random hour
    for p in rng.choice(pools, pools // 10, replace=False):
        cut = rng.integers(hours // 4, 3 * hours // 4)
        if rng.random() < 0.5:
            x[cut:, p] = 0.0
        else:
            x[:cut, p] = 0.0
    x = np.round(np.maximum(x, 0.0), 3)
    cols = [f"pool{p:03d}" for p in range(pools)]
    index = pd.date_range("2025-01-01", periods=hours, freq="h")
    usage = pd.DataFrame(x, index=index, columns=cols)
    od = rng.uniform(0.05, 2.0, pools)
    prices = pd.DataFrame(
        [od, od * rng.uniform(0.55, 0.65, pools), od * rng.uniform(0.38, 0.45, pools),
         od * rng.uniform(0.68, 0.75, pools), od * rng.uniform(0.48, 0.55, pools)],
        index=["OD", "RI1Y", "RI3Y", "SP1Y", "SP3Y"],
        columns=cols,
    )
    return usage, prices


def capcast_frames(usage: pd.DataFrame, prices: pd.DataFrame, ec2_sp: bool):
    pools = list(usage.columns)
    start = dt.datetime(2025, 1, 1)
    long = pl.DataFrame(
        {
            "unique_id": np.repeat(pools, len(usage)),
            "ds": pl.datetime_range(
                start, start + dt.timedelta(hours=len(usage) - 1), "1h", eager=True
            ).to_list() * len(pools),
            "y": usage.to_numpy().T.reshape(-1),
        }
    )
    rows: dict[str, list] = {k: [] for k in [
        "instrument", "kind", "term_years", "payment", "upfront", "hourly", "pool", "rate",
        "on_demand"]}

    def add(name, kind, term, hourly, pool, rate):
        rows["instrument"].append(name)
        rows["kind"].append(kind)
        rows["term_years"].append(term)
        rows["payment"].append("no_upfront")
        rows["upfront"].append(0.0)
        rows["hourly"].append(hourly)
        rows["pool"].append(pool)
        rows["rate"].append(rate)
        rows["on_demand"].append(float(prices.loc["OD", pool]))

    for pool in pools:
        for term in (1, 3):
            add(f"RI{term}Y {pool}", "reserved_standard", term,
                float(prices.loc[f"RI{term}Y", pool]), pool, 1.0)
            if ec2_sp:
                # EC2 Instance SP: between the RI and the Compute SP price.
                rate = float(prices.loc[f"RI{term}Y", pool] + prices.loc[f"SP{term}Y", pool]) / 2
                add(f"EC2SP{term}Y {pool}", "savings_plan_ec2_instance", term, 1.0, pool, rate)
    for term in (1, 3):
        for pool in pools:
            add(f"SP{term}Y", "savings_plan_compute", term, 1.0, pool,
                float(prices.loc[f"SP{term}Y", pool]))
    return long, pl.DataFrame(rows)


def to_finoptim(quantities: pl.DataFrame) -> dict:
    out: dict = {"RI1Y": {}, "RI3Y": {}, "SP1Y": 0.0, "SP3Y": 0.0}
    for name, q in quantities.iter_rows():
        if name.startswith("RI"):
            model, pool = name.split(" ")
            out[model][pool] = q
        elif name.startswith("SP"):
            out[name] = q
    return out


def from_finoptim(arrangement: pd.DataFrame, names: list[str]) -> list[float]:
    terms = {"one_year_commitments": "1Y", "three_years_commitments": "3Y"}
    q = {}
    for column, term in terms.items():
        if column not in arrangement.columns:
            continue
        for index, value in arrangement[column].items():
            if index == "savings plans":
                q[f"SP{term}"] = float(value)
            else:
                q[f"RI{term} {index}"] = float(value)
    return [q.get(n, 0.0) for n in names]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pools", type=int, default=200)
    ap.add_argument("--hours", type=int, default=8760)
    ap.add_argument("--samples", type=int, default=200, help="sampled hours in capcast's LP")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-finoptim", action="store_true")
    args = ap.parse_args()
    import finoptim as fp

    usage, prices = make_problem(args.pools, args.hours, args.seed)
    long, offers = capcast_frames(usage, prices, ec2_sp=False)
    print(f"{args.pools} pools x {args.hours} hours; instruments: RI 1y/3y per pool, "
          f"Compute SP 1y/3y; capcast LP on {args.samples} sampled hours")

    t = time.perf_counter()
    plan = capcast.optimize_commitments(long, offers, cost_of_capital=0.0,
                                        max_samples=args.samples, seed=args.seed)
    t_capcast = time.perf_counter() - t
    cap_q = to_finoptim(plan.quantities)
    cap_fp_cost = fp.cost(usage, prices, commitments=cap_q, period="H")
    cap_own = plan.summary["expected_cost"][0]
    od_cost = plan.summary["on_demand_cost"][0]

    names = plan.quantities["instrument"].to_list()
    check = _capcast_cost_of(long, offers, plan.quantities["quantity"].to_list(), names, args)
    assert abs(check - cap_own) <= 1e-6 * cap_own, (check, cap_own)  # the numpy copy agrees
    rows = [("capcast", t_capcast, cap_fp_cost, cap_own)]
    if not args.skip_finoptim:
        t = time.perf_counter()
        res = fp.optimise(usage, prices, period="H")
        t_fin = time.perf_counter() - t
        arr = res.optimal_arangment
        fin_q = {"RI1Y": {}, "RI3Y": {}, "SP1Y": 0.0, "SP3Y": 0.0}
        terms = {"one_year_commitments": "1Y", "three_years_commitments": "3Y"}
        for column, term in terms.items():
            if column in arr.columns:
                for index, value in arr[column].items():
                    if index == "savings plans":
                        fin_q[f"SP{term}"] = float(value)
                    else:
                        fin_q[f"RI{term}"][index] = float(value)
        fin_fp_cost = fp.cost(usage, prices, commitments=fin_q, period="H")
        fin_own = _capcast_cost_of(long, offers, from_finoptim(arr, names), names, args)
        rows.append(("finoptim", t_fin, fin_fp_cost, fin_own))

    print()
    print(f"all on demand: {od_cost:,.0f}")
    print(f"{'tool':<10} {'solve s':>9} {'cost (finoptim.cost)':>22} {'cost (capcast eval)':>21}")
    for name, secs, c1, c2 in rows:
        print(f"{name:<10} {secs:>9.2f} {c1:>22,.0f} {c2:>21,.0f}")
    if len(rows) == 2:
        c, f = rows
        print(f"ratio capcast/finoptim: time {c[1] / f[1]:.4f} ({f[1] / c[1]:.0f}x faster), "
              f"cost {c[2] / f[2]:.4f} (finoptim.cost), {c[3] / f[3]:.4f} (capcast eval)")

    # capcast alone with six instrument kinds.
    long6, offers6 = capcast_frames(usage, prices, ec2_sp=True)
    t = time.perf_counter()
    plan6 = capcast.optimize_commitments(long6, offers6, cost_of_capital=0.0,
                                         max_samples=args.samples, seed=args.seed)
    t_six = time.perf_counter() - t
    cost6 = plan6.summary["expected_cost"][0]
    print(f"capcast, 6 kinds (+ EC2 Instance SP 1y/3y per pool): {t_six:.2f} s, "
          f"cost {cost6:,.0f} (capcast eval), ESR {plan6.summary['esr'][0]:.3f}")
    if len(rows) == 2:
        # finoptim cannot express EC2 Instance Savings Plans: its best is its 4-kind portfolio,
        # which is also feasible with 6 kinds, so capcast's 6-kind cost must not exceed it.
        f = rows[1]
        print(f"ratio capcast (6 kinds)/finoptim (its 4 kinds): time {t_six / f[1]:.4f} "
              f"({f[1] / t_six:.0f}x faster), cost {cost6 / f[3]:.4f} (capcast eval)")


def _capcast_cost_of(long, offers, quantities, names, args) -> float:
    """The cost of a given portfolio on every hour by capcast's rules (reservations first,
    then the Savings Plans' plan-pool pairs, highest discount first), in numpy; checked above to agree
    with capcast's own evaluation of its plan."""
    usage = long.pivot(on="unique_id", index="ds", values="y").sort("ds").drop("ds")
    pools = usage.columns
    x = usage.to_numpy()
    od = dict(zip(offers["pool"], offers["on_demand"]))
    od_v = np.array([od[p] for p in pools])
    col = {p: i for i, p in enumerate(pools)}
    q = dict(zip(names, quantities))
    residual = x.copy()
    fees = 0.0
    hours = x.shape[0]
    singles = offers.filter(~pl.col("instrument").str.starts_with("SP"))
    for name, hourly, pool, rate in singles.select("instrument", "hourly", "pool", "rate").iter_rows():
        qty = q.get(name, 0.0)
        if qty <= 0:
            continue
        fees += qty * hourly * hours
        j = col[pool]
        residual[:, j] = np.maximum(residual[:, j] - qty / rate, 0.0)
    pairs = []
    budgets = {}
    for sp in ("SP1Y", "SP3Y"):
        qty = q.get(sp, 0.0)
        if qty <= 0:
            continue
        fees += qty * hours
        budgets[sp] = np.full(hours, qty)
        rows = offers.filter(pl.col("instrument") == sp)
        for pool, rate in zip(rows["pool"], rows["rate"]):
            pairs.append((rate / od[pool], sp, col[pool], rate))
    for _, sp, j, rate in sorted(pairs):
        take = np.minimum(residual[:, j], budgets[sp] / rate)
        residual[:, j] -= take
        budgets[sp] -= take * rate
    return fees + float((residual * od_v[None, :]).sum())


if __name__ == "__main__":
    main()
