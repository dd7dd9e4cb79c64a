"""Benchmark of reclamation (`optimizer.reclaim.find_reclaimable`) and of the planning report.

Usage:
    python bench/bench_reclaim.py           # 10 000 and 100 000 VMs
    python bench/bench_reclaim.py --small   # CI: 1 000 and 10 000 VMs

Reuses the optimizer benchmark's synthetic estates (mostly idle CPU, old hosts), with 10 % of VMs
powered off for 0-120 days, memory consumed P95 at 20-90 % of the allocation and 5 % ballooning.
Prints the time of the pure classification and of `after_reclaim`, and the counts per category.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_optimizer import synthetic_estate  # noqa: E402

from optimizer import Assumptions, Policy  # noqa: E402
from optimizer.reclaim import IDLE, OVERSIZED, ZOMBIE, VmSignals, after_reclaim, find_reclaimable  # noqa: E402


def run(n_vms: int, seed: int = 7) -> None:
    """Time one classification of ``n_vms`` VMs and print its figures."""
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=seed)
    rng = np.random.default_rng(seed)
    off = rng.random(n_vms) < 0.10
    vms = replace(
        vms,
        powered_on=~off,
        memory_p95_mib=vms.memory_mib * rng.uniform(0.2, 0.9, n_vms),
    )
    signals = VmSignals.build(
        n_vms,
        powered_off_days=np.where(off, rng.uniform(0, 120, n_vms), np.nan),
        memory_pressure=rng.random(n_vms) < 0.05,
    )
    start = time.perf_counter()
    result = find_reclaimable(hosts=hosts, vms=vms, signals=signals, assumptions=Assumptions(), policy=Policy())
    classify_s = time.perf_counter() - start
    start = time.perf_counter()
    left = after_reclaim(vms=vms, result=result)
    after_s = time.perf_counter() - start
    print(
        f"{n_vms:>7} VMs: classify {classify_s:.3f} s, after_reclaim {after_s:.3f} s; "
        f"zombie {result.count(ZOMBIE)}, idle {result.count(IDLE)}, oversized {result.count(OVERSIZED)}, "
        f"{result.total('vcpus_freed'):.0f} vCPUs and {result.total('eur_per_year'):,.0f} EUR/year freed; "
        f"{left.n_vms} VMs left",
        flush=True,
    )


def main() -> None:
    """Run the sizes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="CI sizes")
    sizes = (1_000, 10_000) if parser.parse_args().small else (10_000, 100_000)
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main()
