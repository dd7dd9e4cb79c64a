"""Benchmark of `pack_vectors` on hard classes: ratio to the optimum (when known) and to the bound.

Usage:
    python bench/bench_packing.py           # every class at full size
    python bench/bench_packing.py --small   # CI: small sizes only (about 15 s)

Classes:
- 2-D triplets: every bin is filled exactly, in both dimensions, by three items of 1/4 to 1/2 of a
  bin (Falkenauer's class, two-dimensional); the optimum is known by construction.
- Realistic estate: `bench_optimizer.synthetic_estate` (mostly small, mostly idle VMs) onto a
  2x32-core 1 TiB offer at an 80 % ceiling; the optimum is unknown, the bound is printed.
- Time-aligned profiles: d = 288 five-minute CPU slots per VM (office-hours, night-batch and flat
  profiles), to time the d-dimensional greedy pass; ratio to the bound.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_optimizer import OFFER, synthetic_estate

from optimizer import Assumptions, Policy, compute_demand, lower_bound_identical, offer_capacity, pack_vectors


def triplets(n_bins: int, *, capacity: int = 10_000, seed: int = 0) -> NDArray[np.float64]:
    """2-D analogue of Falkenauer's "triplets" class: every bin is filled exactly, in both
    dimensions, by three items of 1/4 to 1/2 of a bin each. The optimum is `n_bins`, known by
    construction, and equals the volume bound; shuffled."""
    rng = np.random.default_rng(seed)
    bins = []
    for _ in range(n_bins):
        dims = []
        for _dim in range(2):
            while True:
                pair = rng.integers(capacity // 4 + 1, capacity // 2, size=2)
                third = capacity - int(pair.sum())
                if capacity // 4 < third < capacity // 2:
                    break
            dims.append([int(pair[0]), int(pair[1]), third])
        bins.extend(zip(*dims, strict=True))
    sizes = np.array(bins, dtype=float)
    rng.shuffle(sizes)
    return sizes


def profiles(n_vms: int, *, slots: int = 288, seed: int = 0) -> NDArray[np.float64]:
    """CPU demand per five-minute slot (share of one host): office hours, night batch or flat."""
    rng = np.random.default_rng(seed)
    t = np.arange(slots) / slots * 24.0
    office = np.exp(-(((t - 14.0) / 3.5) ** 2))
    night = np.exp(-(((t - 2.0) / 2.0) ** 2)) + np.exp(-(((t - 26.0) / 2.0) ** 2))
    shapes = np.stack([office, night, np.full(slots, 0.6)])
    kind = rng.choice(3, size=n_vms, p=[0.6, 0.25, 0.15])
    peak = rng.uniform(0.01, 0.12, size=n_vms)
    base = rng.uniform(0.1, 0.3, size=n_vms)[:, None]
    noise = rng.uniform(0.9, 1.1, size=(n_vms, slots))
    return np.asarray(peak[:, None] * (base + (1 - base) * shapes[kind]) * noise, dtype=float)


def _report(label: str, sizes: NDArray[np.float64], cap: NDArray[np.float64], optimum: int | None, **kw: float) -> None:
    t0 = time.perf_counter()
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(cap, (sizes.shape[0], 1)), **kw)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - t0
    bound = lower_bound_identical(sizes=sizes, capacity=cap).value
    vs_opt = f"+{100 * (packing.n_bins - optimum) / optimum:5.2f} % over optimum {optimum:>5}" if optimum else ""
    print(
        f"{label:<38} | {sizes.shape[0]:>7} items, d={sizes.shape[1]:<3} | bins {packing.n_bins:>5} | "
        f"bound {bound:>5} (+{100 * (packing.n_bins - bound) / max(bound, 1):5.2f} %) | {vs_opt:<28} | "
        f"{elapsed:6.2f} s"
    )


def bench_triplets(n_items: int, budget_s: float = 2.0) -> None:
    sizes = triplets(n_items // 3)
    label = "2-D triplets" + ("" if budget_s == 2.0 else f" (improve_budget_s={budget_s:g})")
    _report(label, sizes, np.array([10_000.0, 10_000.0]), n_items // 3, improve_budget_s=budget_s)


def bench_estate(n_vms: int) -> None:
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=n_vms)
    policy = Policy()
    sizes = compute_demand(hosts=hosts, vms=vms, assumptions=Assumptions(), policy=policy).sizes
    _report("realistic estate (2x32c 1 TiB, 80 %)", sizes, offer_capacity(offer=OFFER, ceiling=policy.ceiling), None)


def bench_profiles(n_vms: int) -> None:
    _report("time-aligned CPU profiles (288 slots)", profiles(n_vms), np.ones(288), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI mode: small sizes only")
    args = parser.parse_args()
    for n in (300, 3_000) if args.small else (300, 3_000, 15_000):
        bench_triplets(n)
    if not args.small:
        bench_triplets(15_000, budget_s=20.0)
    for n in (10_000,) if args.small else (10_000, 100_000):
        bench_estate(n)
    bench_profiles(1_000 if args.small else 10_000)


if __name__ == "__main__":
    main()
