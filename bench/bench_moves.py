"""Benchmark of a repack onto existing hosts with fewest moves, with and without placement rules.

Usage:
    python bench/bench_moves.py           # 2 500 to 50 000 VMs
    python bench/bench_moves.py --small   # CI: 2 500 VMs

Estate: `bench_optimizer.synthetic_estate`, repacked onto its own hosts at an 80 % ceiling, N+1
per cluster (cluster scope) or once (estate scope), `method="heuristic"`. Prints the time, the
hosts against the bound, and the migrations (VMs placed away from their current host) against the
VMs placed; then the same with one anti-affinity pair per 50 VMs and one kept-together pair per 50.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_optimizer import synthetic_estate

from optimizer import HostTable, PlacementRules, Policy, VmTable, plan_consolidation


def _rules(vms: VmTable) -> PlacementRules:
    """One anti-affinity pair and one kept-together pair per 50 VMs, within a cluster."""
    anti, together = [], []
    for start in range(0, vms.n_vms - 4, 50):
        anti.append((f"anti{start}", np.array([start, start + 1])))
        together.append((f"app{start}", np.array([start + 2, start + 3])))
    return PlacementRules(anti_affinity=tuple(anti), together=tuple(together))


def _run(hosts: HostTable, vms: VmTable, scope: str, rules: PlacementRules | None) -> str:
    start = time.perf_counter()
    r = plan_consolidation(
        hosts=hosts,
        vms=vms,
        policy=Policy(scope=scope),
        method="heuristic",
        rules=rules,  # type: ignore[arg-type]
    )
    spent = time.perf_counter() - start
    return (
        f"{spent:6.2f} s | hosts {r.n_hosts_before:6d} -> {r.n_hosts_after:6d} (bound {r.lower_bound:6d}) | "
        f"migrations {r.n_migrations:6d} of {r.n_vms_placed:6d} placed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI mode: 2 500 VMs only")
    sizes = (2_500,) if parser.parse_args().small else (2_500, 10_000, 50_000)
    print("== repack onto existing hosts, fewest moves (heuristic) ==")
    for n in sizes:
        hosts, vms = synthetic_estate(n_vms=n, seed=0)
        for scope in ("cluster", "estate"):
            print(f"{n:7d} VMs | {scope:7s} | no rule    | {_run(hosts, vms, scope, None)}")
            print(f"{n:7d} VMs | {scope:7s} | with rules | {_run(hosts, vms, scope, _rules(vms))}")


if __name__ == "__main__":
    main()
