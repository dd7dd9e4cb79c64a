"""Benchmark of a plan of many clusters: the greedy passes of all groups in lockstep vs one by one.

Usage:
    python bench/bench_groups.py           # 50 000 VMs in 48 clusters (the dashboard's demo size)
    python bench/bench_groups.py --small   # CI: 10 000 VMs in 10 clusters

`plan_consolidation(method="heuristic")` in cluster scope onto one offer packs each cluster by two
greedy passes; `optimizer.greedy_batch` runs those of every cluster in lockstep
(`Job.prefetch`). When a cap binds (the capped cases: a 40 % ceiling, where the 4:1 vCPU : core
ratio binds on 45 of 48 clusters, and vCPU 2:1 with memory overcommit 1:1 at 60 %, binding on all),
the clusters are packed again on 3 or 4 dimensions, whose passes `optimizer.greedy_nd_batch` runs in
lockstep too. Printed: the packing of the groups alone (`pack_under_caps` per group, then
`pack_under_caps_many` with the two-dimensional lockstep only, as before `greedy_nd_batch`, then
with both), then the whole plan without the prefetch, with it on two dimensions only, and with it
entirely; all must give the same packings and the same plan. Estate of bench/bench_optimizer.py,
hosts dealt round-robin to clusters.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optimizer.packing as packing_module
from bench.bench_optimizer import OFFER, synthetic_estate
from optimizer import Assumptions, HostTable, Policy, VmTable, compute_demand, plan_consolidation
from optimizer.consolidation_job import Job, groups_of
from optimizer.limits import (
    CapsRequest,
    limit_capacity,
    n_demand_dims,
    offer_quantities,
    pack_under_caps,
    pack_under_caps_many,
    packing_dims,
    vm_quantities,
)

RUNS = 5
#: Caps bind on no cluster at 80 % and 60 %; at 40 % the default 4:1 vCPU ratio binds on 45 of the
#: 48 clusters; vCPU 2:1 and memory 1:1 at 60 % on every cluster (four dimensions).
POLICIES = (
    Policy(),
    Policy(ceiling=0.6),
    Policy(ceiling=0.4),
    Policy(ceiling=0.6, vcpu_ratio=2.0, memory_overcommit=1.0),
)


def clustered_estate(*, n_vms: int, n_clusters: int, seed: int) -> tuple[HostTable, VmTable]:
    """The synthetic estate of bench_optimizer.py with its hosts dealt to `n_clusters` clusters."""
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=seed)
    hosts = dataclasses.replace(hosts, cluster=np.arange(hosts.n_hosts, dtype=np.int64) % n_clusters)
    return hosts, dataclasses.replace(vms, cluster=hosts.cluster[vms.host])


def _median_s(run: Callable[[], object]) -> tuple[float, float, object]:
    """(median, best) seconds over RUNS runs, and the last result."""
    times, out = [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), out


def bench_packing(hosts: HostTable, vms: VmTable, policy: Policy) -> None:
    """The groups' heuristic packings, one by one and in one batch."""
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=Assumptions(), policy=policy)
    quantities = vm_quantities(demand=demand, vms=vms)[:, packing_dims(policy)]
    raw_one = offer_quantities(OFFER)
    requests = [
        CapsRequest(quantities[pos], limit_capacity(np.tile(raw_one, (pos.size, 1)), policy), 0, n_demand_dims())
        for _, pos in sorted(groups_of(hosts=hosts, vms=vms, demand=demand, scope="cluster").items())
    ]
    one, one_best, ref = _median_s(
        lambda: [pack_under_caps(sizes=r.sizes, bin_capacities=r.bin_capacities, n_demand=r.n_demand) for r in requests]
    )
    with mock.patch.object(packing_module, "EXPLICIT_MAX_DIMS", 2):  # no few-dimension lockstep
        two, two_best, got_two = _median_s(lambda: pack_under_caps_many(requests))
    many, many_best, got = _median_s(lambda: pack_under_caps_many(requests))
    assert isinstance(ref, list) and isinstance(got, list) and isinstance(got_two, list)
    same = all(
        np.array_equal(a.assignment, b.assignment) and np.array_equal(a.assignment, c.assignment)
        for a, b, c in zip(ref, got, got_two, strict=True)
    )
    print(
        f"  packing {len(requests)} groups: one by one {one:.3f} s (best {one_best:.3f}), "
        f"2-D lockstep {two:.3f} s (best {two_best:.3f}), "
        f"all lockstep {many:.3f} s (best {many_best:.3f}), x{one / many:.1f}, same packings: {same}"
    )
    if not same:
        raise SystemExit("batched packings differ")


def bench_plan(hosts: HostTable, vms: VmTable, policy: Policy) -> None:
    """The whole plan with the prefetch (batched) and without it (each group packed alone)."""

    def plan() -> object:
        return plan_consolidation(hosts=hosts, vms=vms, offer=OFFER, policy=policy, method="heuristic")

    after, after_best, res_after = _median_s(plan)
    with mock.patch.object(packing_module, "EXPLICIT_MAX_DIMS", 2):
        two, two_best, res_two = _median_s(plan)
    with mock.patch.object(Job, "prefetch", lambda self, groups: None):
        before, before_best, res_before = _median_s(plan)
    same = all(
        np.array_equal(res_after.placement, other.placement)  # type: ignore[attr-defined]
        for other in (res_before, res_two)
    )
    print(
        f"  plan_consolidation: per group {before:.3f} s (best {before_best:.3f}), "
        f"2-D lockstep {two:.3f} s (best {two_best:.3f}), "
        f"all lockstep {after:.3f} s (best {after_best:.3f}), "
        f"{res_after.n_hosts_after} hosts, same plan: {same}"  # type: ignore[attr-defined]
    )
    if not same:
        raise SystemExit("batched plan differs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI mode: 10 000 VMs in 10 clusters")
    args = parser.parse_args()
    sizes = ((10_000, 10),) if args.small else ((10_000, 10), (50_000, 48))
    for n_vms, n_clusters in sizes:
        hosts, vms = clustered_estate(n_vms=n_vms, n_clusters=n_clusters, seed=n_vms)
        for policy in POLICIES:
            caps = f"vCPU {policy.vcpu_ratio}:1, memory overcommit {policy.memory_overcommit}"
            print(f"== {n_vms} VMs in {n_clusters} clusters, heuristic, ceiling {policy.ceiling:.0%}, {caps} ==")
            bench_packing(hosts, vms, policy)
            bench_plan(hosts, vms, policy)


if __name__ == "__main__":
    main()
