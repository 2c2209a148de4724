"""Forecast accuracy and speed: capcast against statsforecast, Prophet and augurs, same series, same run.

Run it with ``bash scripts/bench-forecast.sh`` (it makes ``target/bench-venv`` with the peers from
the package index and builds capcast into it). Options: ``--datasets a,b``, ``--peers a,b``,
``--max-series N`` (per dataset), ``--json out.json``.

Datasets (each split once: the last ``horizon`` points are held out):

| name | what | step | seasons | horizon |
|---|---|---|---|---|
| generated-cost | hourly EffectiveCost per ServiceName from capcast's seeded generator (``generate_sample``), last 1,608 hours | 1 h | 24, 168 | 168 |
| google2019 | Google 2019 cluster trace, cluster CPU and memory, 5-minute means resampled to hourly | 1 h | 24, 168 | 168 |
| alibaba2018 | Alibaba 2018 cluster trace, 5 utilization metrics, resampled to hourly (8 days) | 1 h | 24 | 24 |
| bitbrains | Bitbrains Rnd July 2013, CPU usage (MHz) of each of 25 VMs, resampled to hourly | 1 h | 24, 168 | 168 |
| taylor | half-hourly electricity demand shipped inside the pmdarima wheel (``load_taylor``) | 30 min | 48, 336 | 336 |

Metrics per dataset and model: MASE (scale: in-sample seasonal naive MAE at the first season),
sMAPE (percent, 0-200), empirical coverage of the 80 % and 95 % intervals, and wall-clock seconds
per series (every peer uses both cores where it can: statsforecast ``n_jobs=-1``, capcast's rayon
pool; Prophet and augurs fit one series at a time, as their APIs do).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import polars as pl

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "utilization"
LEVELS = (80, 95)


@dataclass
class Dataset:
    name: str
    step: str  # pandas frequency alias
    seasons: list[int]
    horizon: int
    series: dict[str, pd.DataFrame]  # unique_id -> frame with ds, y (train + test)


# ---------------------------------------------------------------- datasets


def _hourly(values: np.ndarray, start: str, minutes: int) -> pd.Series:
    index = pd.date_range(start, periods=len(values), freq=f"{minutes}min")
    return pd.Series(values, index=index).resample("1h").mean().interpolate()


def _frame(s: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"ds": s.index.tz_localize(None), "y": s.to_numpy(dtype=float)})


def generated_cost() -> Dataset:
    import capcast

    with tempfile.TemporaryDirectory() as tmp:
        capcast.generate_sample(tmp, seed=42, months=4)
        load = capcast.read_billing(os.path.join(tmp, "billing"))
        series = capcast.aggregate(load.costs, dimensions="ServiceName", freq="hour")
    out = {}
    for (uid,), part in series.group_by(["unique_id"], maintain_order=True):
        part = part.sort("ds").tail(1440 + 168)
        y = part["y"].to_numpy()
        if len(y) < 1440 + 168 or np.count_nonzero(y) < len(y) // 2:
            continue  # services with a few purchases a year are not hourly series
        out[str(uid)] = pd.DataFrame(
            {"ds": part["ds"].dt.replace_time_zone(None).to_pandas(), "y": y}
        )
    return Dataset("generated-cost", "h", [24, 168], 168, out)


def google2019() -> Dataset:
    raw = pd.read_csv(SHARED / "google2019-cluster-5min-month.csv")
    out = {
        col: _frame(_hourly(raw[col].to_numpy(), "2019-05-01", 5))
        for col in ["avg_cpu", "avg_mem"]
    }
    return Dataset("google2019", "h", [24, 168], 168, out)


def alibaba2018() -> Dataset:
    raw = pd.read_csv(SHARED / "alibaba2018-cluster-5min-8days.csv")
    out = {col: _frame(_hourly(raw[col].to_numpy(), "2018-01-01", 5)) for col in raw.columns}
    return Dataset("alibaba2018", "h", [24], 24, out)


def bitbrains() -> Dataset:
    out = {}
    for path in sorted((SHARED / "bitbrains-rnd-2013-7").glob("*.csv"), key=lambda p: int(p.stem)):
        raw = pd.read_csv(path, sep=";\t", engine="python")
        raw.columns = [c.strip() for c in raw.columns]
        ts = pd.to_datetime(raw["Timestamp [ms]"], unit="s")
        s = pd.Series(raw["CPU usage [MHZ]"].to_numpy(dtype=float), index=ts).sort_index()
        s = s[~s.index.duplicated()].resample("1h").mean().interpolate()
        if len(s) >= 2 * 168 + 168:
            out[f"vm{path.stem}"] = _frame(s)
    return Dataset("bitbrains", "h", [24, 168], 168, out)


def taylor() -> Dataset:
    from pmdarima.datasets import load_taylor

    y = np.asarray(load_taylor(), dtype=float)
    ds = pd.date_range("2000-06-05", periods=len(y), freq="30min")
    return Dataset("taylor", "30min", [48, 336], 336, {"taylor": pd.DataFrame({"ds": ds, "y": y})})


DATASETS: dict[str, Callable[[], Dataset]] = {
    "generated-cost": generated_cost,
    "google2019": google2019,
    "alibaba2018": alibaba2018,
    "bitbrains": bitbrains,
    "taylor": taylor,
}

# ---------------------------------------------------------------- runners
# Each runner gets the training frames and returns {uid: {"mean", "lo80", "hi80", "lo95", "hi95"}}.

Result = dict[str, dict[str, np.ndarray]]


def _long(train: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.concat([f.assign(unique_id=uid) for uid, f in train.items()], ignore_index=True)[
        ["unique_id", "ds", "y"]
    ]


def run_capcast(data: Dataset, train: dict[str, pd.DataFrame], model: str = "auto") -> Result:
    import capcast

    frame = pl.from_pandas(_long(train))
    result = capcast.forecast(
        frame,
        data.horizon,
        levels=list(LEVELS),
        model=model,
        season_lengths=data.seasons,
    )
    out: Result = {}
    for (uid,), part in result.forecasts.group_by(["unique_id"], maintain_order=True):
        part = part.sort("ds")
        out[str(uid)] = {
            "mean": part["yhat"].to_numpy(),
            **{f"lo{lv}": part[f"yhat_lower_{lv}"].to_numpy() for lv in LEVELS},
            **{f"hi{lv}": part[f"yhat_upper_{lv}"].to_numpy() for lv in LEVELS},
        }
    return out


def _statsforecast(data: Dataset, train: dict[str, pd.DataFrame], model) -> Result:
    from statsforecast import StatsForecast

    sf = StatsForecast(models=[model], freq=data.step, n_jobs=-1)
    fc = sf.forecast(df=_long(train), h=data.horizon, level=list(LEVELS))
    name = repr(model)
    out: Result = {}
    for uid, part in fc.groupby("unique_id", sort=False):
        out[str(uid)] = {
            "mean": part[name].to_numpy(),
            **{f"lo{lv}": part[f"{name}-lo-{lv}"].to_numpy() for lv in LEVELS},
            **{f"hi{lv}": part[f"{name}-hi-{lv}"].to_numpy() for lv in LEVELS},
        }
    return out


def run_sf_autoets(data: Dataset, train: dict[str, pd.DataFrame]) -> Result:
    from statsforecast.models import AutoETS

    return _statsforecast(data, train, AutoETS(season_length=data.seasons[0]))


def run_sf_mstl(data: Dataset, train: dict[str, pd.DataFrame]) -> Result:
    from statsforecast.models import MSTL

    return _statsforecast(data, train, MSTL(season_length=data.seasons))


def run_augurs_mstl(data: Dataset, train: dict[str, pd.DataFrame]) -> Result:
    import augurs

    out: Result = {}
    for uid, frame in train.items():
        model = augurs.MSTL.ets(data.seasons)
        model.fit(frame["y"].to_numpy(dtype=float))
        res = {}
        for lv in LEVELS:
            fc = model.predict(data.horizon, level=lv / 100)
            res["mean"] = np.asarray(fc.point())
            res[f"lo{lv}"] = np.asarray(fc.lower())
            res[f"hi{lv}"] = np.asarray(fc.upper())
        out[uid] = res
    return out


def run_prophet(data: Dataset, train: dict[str, pd.DataFrame]) -> Result:
    from prophet import Prophet

    logging.getLogger("cmdstanpy").setLevel(logging.ERROR)
    logging.getLogger("prophet").setLevel(logging.ERROR)
    out: Result = {}
    for uid, frame in train.items():
        model = Prophet(uncertainty_samples=500)
        model.fit(frame)
        future = model.make_future_dataframe(periods=data.horizon, freq=data.step, include_history=False)
        point = model.predict(future)["yhat"].to_numpy()
        # One fit gives one interval width; quantiles of the predictive samples give both levels.
        samples = model.predictive_samples(future)["yhat"]
        res = {"mean": point}
        for lv in LEVELS:
            res[f"lo{lv}"] = np.quantile(samples, (1 - lv / 100) / 2, axis=1)
            res[f"hi{lv}"] = np.quantile(samples, 1 - (1 - lv / 100) / 2, axis=1)
        out[uid] = res
    return out


PEERS: dict[str, Callable[[Dataset, dict[str, pd.DataFrame]], Result]] = {
    "capcast auto": run_capcast,
    "statsforecast AutoETS": run_sf_autoets,
    "statsforecast MSTL": run_sf_mstl,
    "augurs MSTL": run_augurs_mstl,
    "Prophet": run_prophet,
}

# ---------------------------------------------------------------- metrics


def score(data: Dataset, train: dict[str, pd.DataFrame], test: dict[str, pd.DataFrame], result: Result) -> dict[str, float]:
    m = data.seasons[0]
    mase, smape, cov = [], [], {lv: [] for lv in LEVELS}
    for uid, frame in test.items():
        y = frame["y"].to_numpy(dtype=float)
        fc = result.get(uid)
        if fc is None:
            raise RuntimeError(f"{data.name}: no forecast for series {uid}")
        yhat = fc["mean"]
        history = train[uid]["y"].to_numpy(dtype=float)
        scale = np.mean(np.abs(history[m:] - history[:-m]))
        err = np.abs(y - yhat)
        mase.append(np.mean(err) / scale if scale > 0 else np.nan)
        denom = np.abs(y) + np.abs(yhat)
        smape.append(np.mean(np.where(denom > 0, 200 * err / np.where(denom > 0, denom, 1), 0)))
        for lv in LEVELS:
            cov[lv].append(np.mean((y >= fc[f"lo{lv}"]) & (y <= fc[f"hi{lv}"])))
    return {
        "MASE": float(np.nanmean(mase)),
        "sMAPE": float(np.mean(smape)),
        **{f"cov{lv}": 100 * float(np.mean(cov[lv])) for lv in LEVELS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--max-series", type=int, default=0)
    parser.add_argument("--json")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    rows = []
    for name in args.datasets.split(","):
        data = DATASETS[name]()
        items = list(data.series.items())
        if args.max_series:
            items = items[: args.max_series]
        train = {uid: f.iloc[: -data.horizon].reset_index(drop=True) for uid, f in items}
        test = {uid: f.iloc[-data.horizon :].reset_index(drop=True) for uid, f in items}
        print(f"\n{data.name}: {len(items)} series, {len(next(iter(train.values())))} training points, "
              f"seasons {data.seasons}, horizon {data.horizon}", flush=True)
        for peer in args.peers.split(","):
            started = time.perf_counter()
            try:
                result = PEERS[peer](data, train)
            except Exception as exc:  # a peer failing is a result to report, not a crash
                print(f"  {peer:<24} failed: {type(exc).__name__}: {exc}", flush=True)
                continue
            seconds = (time.perf_counter() - started) / len(items)
            row = {"dataset": data.name, "model": peer, "series": len(items), **score(data, train, test, result), "s/series": seconds}
            rows.append(row)
            print(f"  {peer:<24} MASE {row['MASE']:7.3f}  sMAPE {row['sMAPE']:6.2f}  "
                  f"cov80 {row['cov80']:5.1f}  cov95 {row['cov95']:5.1f}  {seconds:9.4f} s/series", flush=True)

    table = pd.DataFrame(rows)
    print("\n" + table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    ours = table[table["model"] == "capcast auto"].set_index("dataset")
    for peer, goal in [("augurs MSTL", 5), ("statsforecast AutoETS", 50)]:
        theirs = table[table["model"] == peer].set_index("dataset")
        for ds in ours.index.intersection(theirs.index):
            ratio = theirs.loc[ds, "s/series"] / ours.loc[ds, "s/series"]
            print(f"speed {ds}: capcast auto is {ratio:.1f}x faster per series than {peer} (goal {goal}x)")
    for ds in ours.index:
        peers = table[(table["dataset"] == ds) & (table["model"] != "capcast auto")]
        if len(peers):
            best = peers["MASE"].min()
            print(f"accuracy {ds}: capcast MASE {ours.loc[ds, 'MASE']:.3f} vs best peer {best:.3f}; "
                  f"coverage 80/95: {ours.loc[ds, 'cov80']:.1f}/{ours.loc[ds, 'cov95']:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    sys.exit(main())
