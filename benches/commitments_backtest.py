"""Backtest of buying policies on a synthetic billing history (the generator of
benches/commitments_peers.py): buy at mid-history with capcast (forecast sample paths or a
weekly bootstrap), a Cost-Explorer-like policy (30-day lookback, best single instrument type)
and perfect hindsight; print the realised cost of each over the following months.

    PYTHONPATH=python python benches/commitments_backtest.py --pools 20
"""

from __future__ import annotations

import argparse
import time

import polars as pl

import capcast
from commitments_peers import capcast_frames, make_problem


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pools", type=int, default=20)
    ap.add_argument("--hours", type=int, default=8760)
    ap.add_argument("--buy", type=int, default=4380)
    ap.add_argument("--paths", type=int, default=10)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    usage, prices = make_problem(args.pools, args.hours, args.seed)
    long, offers = capcast_frames(usage, prices, ec2_sp=False)
    for scenarios in ("forecast", "bootstrap"):
        t = time.perf_counter()
        result = capcast.backtest_commitments(
            long, offers, buy_hour=args.buy, eval_hours=args.hours - args.buy,
            scenarios=scenarios, paths=args.paths, cost_of_capital=0.0, max_samples=2_000,
        )
        print(f"\nscenarios={scenarios}: {time.perf_counter() - t:.1f} s; buy at hour "
              f"{args.buy}, billed {args.hours - args.buy} hours after")
        with pl.Config(tbl_rows=20, tbl_cols=10, float_precision=3):
            print(result.policies)
            print(result.monthly.pivot(on="policy", index="month", values="cost"))


if __name__ == "__main__":
    main()
