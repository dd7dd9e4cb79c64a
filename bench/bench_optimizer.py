"""Benchmark of the optimizer's packing: time and hosts above the lower bound.

Usage:
    python bench/bench_optimizer.py           # 1 000, 10 000, 100 000 VMs; CP-SAT up to 2 000 VMs
    python bench/bench_optimizer.py --small   # CI: 1 000 and 10 000 VMs; short CP-SAT runs

The hard classes (triplets, time-aligned profiles) are in bench/bench_packing.py.

Synthetic estates: mostly 1-4 vCPU / 2-16 GiB VMs with a heavy tail (up to 32 vCPU / 512 GiB),
mostly idle CPU (P95 drawn from Beta(1.2, 8) of the allocation), on old hosts (2016-2022).
Targets: a 2x32-core 1 TiB offer at an 80 % ceiling, N+1; packing over the estate, and
`plan_consolidation` in both scopes (about 32 old hosts per cluster).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer import (
    Assumptions,
    HostTable,
    Offer,
    Policy,
    VmTable,
    compute_demand,
    lower_bound_identical,
    offer_capacity,
    pack_vectors,
    pack_vectors_exact,
    plan_consolidation,
)

GIB = 1024.0
OFFER = Offer(
    name="2x32c-1TiB",
    n_sockets=2,
    n_cores=64,
    cpu_mhz=2800.0,
    memory_mib=1024 * GIB,
    perf_per_core=1.0,
    price_eur_ttc=21600.0,
    power_idle_w=250.0,
    power_max_w=800.0,
)


def synthetic_estate(*, n_vms: int, seed: int) -> tuple[HostTable, VmTable]:
    """About 8 VMs per old host; realistic size mix with a heavy tail; mostly idle."""
    rng = np.random.default_rng(seed)
    n_hosts = max(2, n_vms // 8)
    hosts = HostTable.build(
        n_cores=rng.choice([16, 20, 24, 32], size=n_hosts),
        cpu_mhz=rng.choice([2100.0, 2400.0, 2600.0], size=n_hosts),
        memory_mib=rng.choice([256, 384, 512, 768], size=n_hosts) * GIB,
        purchase_year=rng.integers(2016, 2023, size=n_hosts).astype(float),
        cluster=rng.integers(0, max(1, n_hosts // 32), size=n_hosts),
    )
    vcpus = rng.choice([1, 2, 4, 8, 16, 32], size=n_vms, p=[0.22, 0.38, 0.25, 0.10, 0.04, 0.01])
    memory = (
        rng.choice(
            [2, 4, 8, 16, 32, 64, 128, 256, 512],
            size=n_vms,
            p=[0.12, 0.25, 0.28, 0.18, 0.09, 0.05, 0.02, 0.007, 0.003],
        )
        * GIB
    )
    host = rng.integers(0, n_hosts, size=n_vms)
    p95 = vcpus * hosts.cpu_mhz[host] * rng.beta(1.2, 8.0, size=n_vms)
    p95[rng.random(n_vms) < 0.05] = np.nan  # some VMs without statistics
    vms = VmTable.build(
        n_vcpus=vcpus,
        memory_mib=memory,
        host=host,
        cluster=hosts.cluster[host],
        cpu_p95_mhz=p95,
        powered_on=rng.random(n_vms) < 0.93,
        is_windows=rng.random(n_vms) < 0.55,
    )
    return hosts, vms


def bench_scale(n_vms: int) -> None:
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=n_vms)
    a = Assumptions()
    policy = Policy()
    sizes = compute_demand(hosts=hosts, vms=vms, assumptions=a, policy=policy).sizes
    cap = offer_capacity(offer=OFFER, ceiling=policy.ceiling)
    t0 = time.perf_counter()
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(cap, (sizes.shape[0], 1)))
    t_pack = time.perf_counter() - t0
    lb = lower_bound_identical(sizes=sizes, capacity=cap)
    t0 = time.perf_counter()
    plan = plan_consolidation(hosts=hosts, vms=vms, offer=OFFER, policy=Policy(scope="estate"), method="heuristic")
    t_plan = time.perf_counter() - t0
    t0 = time.perf_counter()
    per_cluster = plan_consolidation(hosts=hosts, vms=vms, offer=OFFER, policy=policy, method="heuristic")
    t_cluster = time.perf_counter() - t0
    over = packing.n_bins - lb.value
    print(
        f"{n_vms:>7} VMs | pack {t_pack:6.2f} s | hosts {packing.n_bins:>5} | bound {lb.value:>5}"
        f" ({lb.kind}) | over bound {over} ({100 * over / max(lb.value, 1):.2f} %) | "
        f"plan_consolidation estate {t_plan:6.2f} s, {plan.n_hosts_before} -> {plan.n_hosts_after} hosts;"
        f" cluster {t_cluster:6.2f} s, -> {per_cluster.n_hosts_after} hosts"
    )


def bench_exact(n_vms: int, time_limit_s: float) -> None:
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=7 + n_vms)
    a = Assumptions()
    policy = Policy()
    sizes = compute_demand(hosts=hosts, vms=vms, assumptions=a, policy=policy).sizes
    # A smaller target host so that even small estates need several hosts.
    small = Offer(
        name="1x16c-256GiB",
        n_sockets=1,
        n_cores=16,
        cpu_mhz=2800.0,
        memory_mib=256 * GIB,
        perf_per_core=1.0,
        price_eur_ttc=8400.0,
        power_idle_w=90.0,
        power_max_w=300.0,
    )
    cap = offer_capacity(offer=small, ceiling=policy.ceiling)
    t0 = time.perf_counter()
    heur = pack_vectors(sizes=sizes, bin_capacities=np.tile(cap, (sizes.shape[0], 1)))
    t_heur = time.perf_counter() - t0
    lb = lower_bound_identical(sizes=sizes, capacity=cap)
    ex = pack_vectors_exact(
        sizes=sizes,
        bin_capacities=np.tile(cap, (heur.n_bins, 1)),
        hint=heur.assignment,
        time_limit_s=time_limit_s,
    )
    print(
        f"{n_vms:>7} VMs | heuristic {heur.n_bins:>4} hosts in {t_heur:5.2f} s | CP-SAT "
        f"{ex.status} {ex.n_bins:>4} hosts, proven bound {ex.best_bound} (ours {lb.value}) in "
        f"{ex.wall_time_s:5.1f} s | heuristic - bound = {heur.n_bins - ex.best_bound}"
    )


def bench_hard(n_items: int, time_limit_s: float, seed: int = 11) -> None:
    """Adversarial mix: few large items per host (5-45 % of a host in each resource)."""
    rng = np.random.default_rng(seed)
    cap = np.array([100.0, 100.0])
    sizes = np.round(rng.uniform(5.0, 45.0, size=(n_items, 2)))
    heur = pack_vectors(sizes=sizes, bin_capacities=np.tile(cap, (n_items, 1)))
    lb = lower_bound_identical(sizes=sizes, capacity=cap)
    ex = pack_vectors_exact(
        sizes=sizes, bin_capacities=np.tile(cap, (heur.n_bins, 1)), hint=heur.assignment, time_limit_s=time_limit_s
    )
    print(
        f"{n_items:>7} large items | heuristic {heur.n_bins:>4} bins | CP-SAT {ex.status} "
        f"{ex.n_bins:>4} bins, proven bound {ex.best_bound} (ours {lb.value}) in "
        f"{ex.wall_time_s:5.1f} s | heuristic - CP-SAT = {heur.n_bins - ex.n_bins}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI mode: smaller sizes, short CP-SAT")
    args = parser.parse_args()
    scales = (1_000, 10_000) if args.small else (1_000, 10_000, 100_000)
    print("== heuristic vs lower bound (offer 2x32c 1 TiB, ceiling 80 %) ==")
    for n in scales:
        bench_scale(n)
    print("== heuristic vs CP-SAT (offer 1x16c 256 GiB) ==")
    exact_cases = ((200, 5.0), (1_000, 10.0)) if args.small else ((200, 10.0), (500, 20.0), (2_000, 60.0))
    for n, limit in exact_cases:
        bench_exact(n, limit)
    print("== adversarial large items: heuristic vs CP-SAT ==")
    for n, limit in ((40, 5.0),) if args.small else ((40, 10.0), (80, 20.0)):
        bench_hard(n, limit)


if __name__ == "__main__":
    main()
