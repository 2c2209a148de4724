#!/usr/bin/env python3
"""Rebuild capcast's bundled instance catalog (data/catalog/instances.csv and offers.csv).

Sources (see data/catalog/README.md for dates and licences):
  * apache-libcloud's bundled price table `libcloud/data/pricing.json` (on-demand EC2 Linux,
    Azure Linux, and GCE per-vCPU / per-GB prices with committed-use prices for c2);
  * opencost's `configs/awsreservationofferings.json`, read from ../shared/data/pricing/
    (AWS 3-year Standard All Upfront reservations: the upfront fee divided by 26,280 hours);
  * data/catalog/sources/*.csv: small row extracts, with their source named in the file.
Offers no real source gives are derived by the documented rules below and marked `derived`.

Usage:
    pip download --no-deps -d /tmp/lc apache-libcloud==3.9.1 && unzip -o /tmp/lc/*.whl 'libcloud/data/*' -d /tmp/lc
    python3 scripts/build_catalog.py --libcloud /tmp/lc/libcloud/data/pricing.json
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "catalog"
OPENCOST = ROOT.parent / "shared" / "data" / "pricing" / "aws-reservation-offerings-opencost.json"
LIBCLOUD_TAG = "libcloud-3.9.1"
OPENCOST_TAG = "opencost"
DERIVED = "derived"

# ---------------------------------------------------------------------------------------------
# AWS
AWS_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
               "ap-southeast-1", "ap-northeast-1"]
# family -> (GiB per vCPU, sizes)
AWS_FAMILIES = {
    "m5": 4, "m6i": 4, "m6g": 4, "m7i": 4, "m7g": 4,
    "c5": 2, "c6i": 2, "c6g": 2, "c7g": 2,
    "r5": 8, "r6i": 8, "r6g": 8, "r7g": 8,
}
AWS_SIZES = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16}
# AWS normalization factors (size flexibility), used for the linearity check.
AWS_NORMALIZATION = {"micro": 0.5, "small": 1, "medium": 2, "large": 4, "xlarge": 8,
                     "2xlarge": 16, "4xlarge": 32}
AWS_BURSTABLE = {"t3": ["micro", "small", "medium", "large", "xlarge"],
                 "t4g": ["micro", "small", "medium", "large", "xlarge"]}
T_SHAPES = {"micro": (2, 1), "small": (2, 2), "medium": (2, 4), "large": (2, 8), "xlarge": (4, 16)}

# Derived AWS offers: effective hourly price (upfront spread over the term, plus the hourly
# fee) as a share of the on-demand price. Rule of thumb from AWS's published discount levels for
# current general-purpose families (Linux, shared tenancy); NOT real prices, marked `derived`.
AWS_DERIVED_RATIO = {
    ("reserved_standard", 1, "no_upfront"): 0.63,
    ("reserved_standard", 1, "partial_upfront"): 0.60,
    ("reserved_standard", 1, "all_upfront"): 0.59,
    ("reserved_standard", 3, "no_upfront"): 0.44,
    ("reserved_standard", 3, "partial_upfront"): 0.41,
    ("reserved_standard", 3, "all_upfront"): 0.40,
    ("reserved_convertible", 1, "no_upfront"): 0.72,
    ("reserved_convertible", 1, "partial_upfront"): 0.69,
    ("reserved_convertible", 1, "all_upfront"): 0.67,
    ("reserved_convertible", 3, "no_upfront"): 0.52,
    ("reserved_convertible", 3, "partial_upfront"): 0.48,
    ("reserved_convertible", 3, "all_upfront"): 0.47,
    ("savings_plan_ec2_instance", 1, "no_upfront"): 0.63,
    ("savings_plan_ec2_instance", 3, "no_upfront"): 0.44,
    ("savings_plan_compute", 1, "no_upfront"): 0.72,
    ("savings_plan_compute", 3, "no_upfront"): 0.52,
}

# ---------------------------------------------------------------------------------------------
# Azure
AZURE_REGIONS = ["eastus", "westus2", "westeurope", "northeurope", "southeastasia", "uksouth"]
# family name -> (libcloud key pattern, arm name pattern, GiB per vCPU, sizes, generation)
AZURE_FAMILIES = {
    "Dsv4": ("standardd{n}sv4", "Standard_D{n}s_v4", 4, [2, 4, 8, 16], 4),
    "Dasv4": ("standardd{n}asv4", "Standard_D{n}as_v4", 4, [2, 4, 8, 16], 4),
    "Ddsv4": ("standardd{n}dsv4", "Standard_D{n}ds_v4", 4, [2, 4, 8, 16], 4),
    "Esv4": ("standarde{n}sv4", "Standard_E{n}s_v4", 8, [2, 4, 8, 16], 4),
    "Easv4": ("standarde{n}asv4", "Standard_E{n}as_v4", 8, [2, 4, 8, 16], 4),
    "Fsv2": ("standardf{n}sv2", "Standard_F{n}s_v2", 2, [2, 4, 8, 16], 2),
}
AZURE_B = {"Standard_B2s": ("standardb2s", 2, 4), "Standard_B2ms": ("standardb2ms", 2, 8),
           "Standard_B4ms": ("standardb4ms", 4, 16), "Standard_B8ms": ("standardb8ms", 8, 32)}
# Azure v5 sizes (not in libcloud 3.9.1): on-demand prices of one size per series, read from
# skypilot-org/skypilot-catalog `catalogs/v6/azure/vms.csv` (commit 098741e7, Apache-2.0,
# column `Price`; US regions only). Other sizes of the series are derived: Azure prices these
# series linearly in vCPU (in that file, e.g., Standard_E32-8s_v5 = 16 x Standard_E2s_v5 in
# every region), marked `derived`.
SKYPILOT_TAG = "skypilot-catalog"
AZURE_V5_REGIONS = ["eastus", "eastus2", "westus2", "centralus", "southcentralus"]
AZURE_V5 = {
    # family: (arm pattern, GiB per vCPU, anchor vCPU, {region: anchor price})
    "Dsv5": ("Standard_D{n}s_v5", 4, 8, {"centralus": 0.434, "eastus": 0.384, "eastus2": 0.384,
                                          "southcentralus": 0.461, "westus2": 0.384}),
    "Dasv5": ("Standard_D{n}as_v5", 4, 8, {"centralus": 0.389, "eastus": 0.344, "eastus2": 0.344,
                                            "southcentralus": 0.413, "westus2": 0.344}),
    "Ddsv5": ("Standard_D{n}ds_v5", 4, 8, {"centralus": 0.511, "eastus": 0.452, "eastus2": 0.452,
                                            "southcentralus": 0.542, "westus2": 0.452}),
    "Esv5": ("Standard_E{n}s_v5", 8, 2, {"centralus": 0.142, "eastus": 0.126, "eastus2": 0.126,
                                          "southcentralus": 0.151, "westus2": 0.126}),
}
# Derived Azure reservations: the term's total price as a share of on-demand for the same hours.
# Anchored on Retail Prices API items for Standard_D4ds_v5 in eastus (1 Year 1168 USD, 3 Years
# 2257 USD against 0.226 USD/h on demand: 0.590 and 0.380); NOT real prices, marked `derived`.
AZURE_DERIVED_RATIO = {1: 0.59, 3: 0.38}

# ---------------------------------------------------------------------------------------------
# GCP
GCP_REGIONS = ["us-central1", "us-east4", "europe-west1", "europe-west4", "asia-southeast1",
               "asia-northeast1"]
# family -> (libcloud key, GiB per vCPU, vCPU sizes)
GCP_FAMILIES = {
    "n2-standard": ("n2", 4, [2, 4, 8, 16]),
    "n2-highcpu": ("n2", 1, [2, 4, 8, 16]),
    "n2-highmem": ("n2", 8, [2, 4, 8, 16]),
    "n2d-standard": ("n2d", 4, [2, 4, 8, 16]),
    "n2d-highcpu": ("n2d", 1, [2, 4, 8, 16]),
    "n2d-highmem": ("n2d", 8, [2, 4, 8, 16]),
    "e2-standard": ("e2", 4, [2, 4, 8, 16]),
    "e2-highcpu": ("e2", 1, [2, 4, 8, 16]),
    "e2-highmem": ("e2", 8, [2, 4, 8, 16]),
    "c2-standard": ("c2", 4, [4, 8, 16]),
}
# GCP's published resource-based committed use discounts for N2, N2D and E2 vCPU and memory:
# 37 % off for 1 year, 55 % off for 3 years (c2 has real committed prices in libcloud's table).
GCP_DERIVED_DISCOUNT = {1: 0.37, 3: 0.55}


def r6(x: float) -> float:
    return round(x, 6)


def aws_rows(ec2: dict, opencost: dict, dropped: list[str]):
    instances, offers = [], []
    candidates = []  # (family, size, vcpu, mem, burstable)
    for fam, gib in AWS_FAMILIES.items():
        for size, vcpu in AWS_SIZES.items():
            candidates.append((fam, size, vcpu, vcpu * gib, False))
    for fam, sizes in AWS_BURSTABLE.items():
        for size in sizes:
            vcpu, mem = T_SHAPES[size]
            candidates.append((fam, size, vcpu, mem, True))
    for region in AWS_REGIONS:
        # linearity check: within a family and region, price per normalization unit is constant.
        by_family: dict[str, list] = {}
        for fam, size, vcpu, mem, burst in candidates:
            itype = f"{fam}.{size}"
            price = ec2.get(itype, {}).get(region)
            if not price:
                dropped.append(f"aws {region} {itype}: no price (missing or 0) in libcloud")
                continue
            by_family.setdefault(fam, []).append((size, vcpu, mem, burst, price))
        for fam, rows in by_family.items():
            # libcloud's EC2 table mixes in other usage types for some rows (a Local Zone or
            # dedicated price: often 5-10 % off the family line). Keep the largest group of sizes
            # whose price per normalization unit agrees within 1 % (ties: the cheapest group),
            # and only when at least two sizes corroborate each other.
            units = [p / AWS_NORMALIZATION[s] for s, _, _, _, p in rows]
            groups = [[j for j, v in enumerate(units) if abs(v / u - 1) <= 0.01] for u in units]
            best = max(groups, key=lambda g: (len(g), -min(units[j] for j in g)))
            for i, (size, vcpu, mem, burst, price) in enumerate(rows):
                itype = f"{fam}.{size}"
                if len(best) < 2 or i not in best:
                    line = units[best[0]] * AWS_NORMALIZATION[size]
                    dropped.append(f"aws {region} {itype}: {price} is not corroborated by the "
                                   f"family's linear price ({line:.4f} from the other sizes)")
                    continue
                gen = int("".join(c for c in fam[1:] if c.isdigit()))
                arch = "arm64" if fam.endswith("g") else "x86_64"
                instances.append(["aws", region, itype, fam, gen, arch, vcpu, mem,
                                  str(burst).lower(), price, "USD", LIBCLOUD_TAG])
                for (kind, term, pay), ratio in AWS_DERIVED_RATIO.items():
                    hours = 8760 * term
                    source = DERIVED
                    eff = price * ratio
                    real = opencost.get(f"{itype}/{region}")
                    if (kind, term, pay) == ("reserved_standard", 3, "all_upfront") and real:
                        eff = real
                        source = OPENCOST_TAG
                    if pay == "no_upfront":
                        upfront, hourly = 0.0, eff
                    elif pay == "partial_upfront":
                        upfront, hourly = round(eff * hours / 2), eff / 2
                        hourly = (eff * hours - upfront) / hours
                    else:
                        upfront, hourly = round(eff * hours, 2), 0.0
                    offers.append(["aws", region, itype, kind, term, pay, upfront, r6(hourly),
                                   source])
    return instances, offers


def azure_rows(az: dict, dropped: list[str]):
    instances, offers = [], []
    specs = []
    for fam, (key, arm, gib, sizes, gen) in AZURE_FAMILIES.items():
        for n in sizes:
            specs.append((key.format(n=n), arm.format(n=n), fam, gen, n, n * gib, False))
    for arm, (key, vcpu, mem) in AZURE_B.items():
        specs.append((key, arm, "Bs", "", vcpu, mem, True))
    for region in AZURE_REGIONS:
        for key, arm, fam, gen, vcpu, mem, burst in specs:
            price = az.get(key, {}).get(region)
            if not price:
                dropped.append(f"azure {region} {arm}: no price in libcloud")
                continue
            instances.append(["azure", region, arm, fam, gen, "x86_64", vcpu, mem,
                              str(burst).lower(), price, "USD", LIBCLOUD_TAG])
            for term, ratio in AZURE_DERIVED_RATIO.items():
                hours = 8760 * term
                total = round(price * ratio * hours, 2)
                offers.append(["azure", region, arm, "azure_reservation", term, "all_upfront",
                               total, 0.0, DERIVED])
                # full precision: the monthly payment is exactly the upfront total per hour
                offers.append(["azure", region, arm, "azure_reservation", term, "no_upfront",
                               0.0, total / hours, DERIVED])
    for fam, (arm, gib, anchor, prices) in AZURE_V5.items():
        for region in AZURE_V5_REGIONS:
            per_vcpu = prices[region] / anchor
            for n in (2, 4, 8, 16):
                price = prices[region] if n == anchor else round(per_vcpu * n, 6)
                source = SKYPILOT_TAG if n == anchor else DERIVED
                name = arm.format(n=n)
                instances.append(["azure", region, name, fam, 5, "x86_64", n, n * gib, "false",
                                  price, "USD", source])
                for term, ratio in AZURE_DERIVED_RATIO.items():
                    hours = 8760 * term
                    total = round(price * ratio * hours, 2)
                    offers.append(["azure", region, name, "azure_reservation", term,
                                   "all_upfront", total, 0.0, DERIVED])
                    offers.append(["azure", region, name, "azure_reservation", term,
                                   "no_upfront", 0.0, total / hours, DERIVED])
    return instances, offers


def gcp_rows(gce: dict, dropped: list[str]):
    instances, offers = [], []
    for region in GCP_REGIONS:
        for fam, (key, gib, sizes) in GCP_FAMILIES.items():
            cpu = gce[key]["cpu"]
            ram = gce[key]["ram"]

            def price(kind: str):
                c = cpu.get(kind, {}).get(region, {}).get("price")
                m = ram.get(kind, {}).get(region, {}).get("price")
                return (c, m) if c and m else None

            od = price("on_demand")
            for n in sizes:
                itype = f"{fam}-{n}"
                if od is None:
                    dropped.append(f"gcp {region} {itype}: no vCPU/RAM price in libcloud")
                    continue
                mem = n * gib
                hourly = r6(od[0] * n + od[1] * mem)
                gen = 3 if fam.startswith("c3") else 2
                instances.append(["gcp", region, itype, fam, gen, "x86_64", n, mem, "false",
                                  hourly, "USD", LIBCLOUD_TAG])
                for term in (1, 3):
                    real = price(f"{term}yr_commitment")
                    if real:
                        rate, source = r6(real[0] * n + real[1] * mem), LIBCLOUD_TAG
                    else:
                        rate = r6(hourly * (1 - GCP_DERIVED_DISCOUNT[term]))
                        source = DERIVED
                    offers.append(["gcp", region, itype, "gcp_committed_use", term,
                                   "no_upfront", 0.0, rate, source])
    return instances, offers


def extract_rows(dropped: list[str]):
    """Rows from data/catalog/sources/*.csv (already in the catalog's columns)."""
    instances, offers = [], []
    src = OUT / "sources"
    for path in sorted(src.glob("*-instances.csv")) if src.exists() else []:
        with path.open() as f:
            rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
        instances.extend(rows[1:])
    for path in sorted(src.glob("*-offers.csv")) if src.exists() else []:
        with path.open() as f:
            rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
        offers.extend(rows[1:])
    return instances, offers


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--libcloud", required=True, type=Path, help="libcloud/data/pricing.json")
    ap.add_argument("--opencost", type=Path, default=OPENCOST)
    args = ap.parse_args()
    lc = json.loads(args.libcloud.read_text())
    compute = lc["compute"]
    opencost = json.loads(args.opencost.read_text())
    dropped: list[str] = []
    inst, offs = [], []
    for i, o in (aws_rows(compute["ec2_linux"], opencost, dropped),
                 azure_rows(compute["azure_linux"], dropped),
                 gcp_rows(compute["gce_instances"], dropped),
                 extract_rows(dropped)):
        inst += i
        offs += o
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "instances.csv").open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["provider", "region", "instance_type", "family", "generation",
                    "architecture", "vcpu", "memory_gib", "burstable", "on_demand_hourly",
                    "currency", "price_source"])
        w.writerows(inst)
    with (OUT / "offers.csv").open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["provider", "region", "instance_type", "kind", "term_years", "payment",
                    "upfront", "hourly", "price_source"])
        w.writerows(offs)
    with (OUT / "dropped.txt").open("w") as f:
        f.write("# rows the build left out, and why (regenerated by scripts/build_catalog.py)\n")
        f.writelines(line + "\n" for line in dropped)
    print(f"{len(inst)} instances, {len(offs)} offers, {len(dropped)} left out", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
