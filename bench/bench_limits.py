"""Benchmark of the limits vSphere enforces: what the vCPU : core and memory overcommit caps cost
in time and hosts, and the HA reserve of mixed clusters.

Usage:
    python bench/bench_limits.py           # 10 000 and 100 000 VMs
    python bench/bench_limits.py --small   # CI: 1 000 and 10 000 VMs

The estate is bench/bench_optimizer.py's (about 8 VMs per old host, mostly idle CPU). For each
size it plans onto the 2x32-core 1 TiB offer and repacks onto the existing (mixed) hosts, with
no cap, with the default 4 vCPUs per core, with 2 per core, and with 2 per core plus memory sized
on P95 under a 1.5 overcommit cap: heuristic only, estate scope (the largest groups), N+1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_optimizer import OFFER, synthetic_estate  # noqa: E402

from optimizer import Policy, plan_consolidation  # noqa: E402

CASES: tuple[tuple[str, dict[str, object]], ...] = (
    ("no cap", {"vcpu_ratio": None}),
    ("4 vCPU/core", {}),
    ("2 vCPU/core", {"vcpu_ratio": 2.0}),
    ("2 vCPU/core + P95 memory, overcommit 1.5", {"vcpu_ratio": 2.0, "use_memory_p95": True, "memory_overcommit": 1.5}),
)


def bench(n_vms: int) -> None:
    """Print time, hosts, bound and limiting resource per case, onto the offer and the existing hosts."""
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=3)
    for target, offer in (("offer", OFFER), ("existing", None)):
        for label, fields in CASES:
            policy = Policy(scope="estate", **fields)  # type: ignore[arg-type]
            start = time.perf_counter()
            r = plan_consolidation(hosts=hosts, vms=vms, offer=offer, policy=policy, method="heuristic")
            spent = time.perf_counter() - start
            print(
                f"{n_vms:>7} VMs  {target:<8} {label:<42} {spent:6.2f} s  hosts {r.n_hosts_after:>5} "
                f"(reserve {r.n_ha_reserve_hosts}, bound {r.lower_bound})  limit {r.limiting_resource}  "
                f"max vCPU/core {r.vcpus_per_core.max():.2f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI mode: smaller sizes")
    args = parser.parse_args()
    for n in (1_000, 10_000) if args.small else (10_000, 100_000):
        bench(n)


if __name__ == "__main__":
    main()
