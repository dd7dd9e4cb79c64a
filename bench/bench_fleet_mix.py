"""Benchmark of the cheapest fleet (`optimizer.cheapest_fleet`): the mix's TCO against the best
single offer and the proven lower bound, and the time the search takes.

Usage:
    python bench/bench_fleet_mix.py           # 1 000, 10 000 and 30 000 VMs
    python bench/bench_fleet_mix.py --small   # CI: 1 000 and 10 000 VMs

Estates: `bench_optimizer.synthetic_estate` (about 8 VMs per old host, heavy tail, 55 % Windows);
offers: the default catalogue (`inventory.catalogue.DEFAULT_OFFERS`); default assumptions (vSphere
and Windows Server Datacenter per core) and policy (80 % ceiling, N+1), both scopes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_optimizer import synthetic_estate

from inventory.catalogue import DEFAULT_OFFERS
from optimizer import Assumptions, Offer, Policy, cheapest_fleet

START_YEAR = 2027


def default_offers() -> list[Offer]:
    """The default catalogue as optimizer offers (TTC prices, as the planning service reads them)."""
    return [
        Offer(
            name=m.name,
            n_sockets=m.n_sockets,
            n_cores=m.n_sockets * m.n_cores_per_socket,
            cpu_mhz=m.cpu_mhz,
            memory_mib=m.memory_mib,
            perf_per_core=m.perf_per_core,
            price_eur_ttc=m.price_eur,
            install_eur_ttc=m.install_eur,
            power_idle_w=m.power_idle_w,
            power_max_w=m.power_max_w,
            embodied_kgco2e=m.embodied_kgco2e,
            warranty_years=m.warranty_years,
            rack_units=float(m.rack_units),
        )
        for m in DEFAULT_OFFERS
    ]


def _short(name: str) -> str:
    return name.split(" (")[0]


def bench(n_vms: int, scope: str) -> None:
    hosts, vms = synthetic_estate(n_vms=n_vms, seed=n_vms)
    offers = default_offers()
    t0 = time.perf_counter()
    mix = cheapest_fleet(
        hosts=hosts,
        vms=vms,
        offers=offers,
        assumptions=Assumptions(),
        policy=Policy(scope=scope),
        start_year=START_YEAR,
    )
    elapsed = time.perf_counter() - t0
    single = mix.best_single_option
    best = "none" if mix.best_single is None else _short(offers[mix.best_single].name)
    counts = ", ".join(f"{n} x {_short(name)}" for name, n in mix.counts_by_offer.items() if n)
    saving = mix.savings_vs_single_eur or 0.0
    print(
        f"{n_vms:>6} VMs {scope:>7} | {elapsed:6.2f} s, {mix.n_packings:>4} packings, {mix.n_pairs_pruned} pairs pruned"
        f" | best single ({best}) {'-' if single is None else f'{single.tco_eur / 1e6:8.3f}'} M€"
        f" | mix {mix.tco_eur / 1e6:8.3f} M€ (-{100 * saving / single.tco_eur if single else 0:.1f} %): {counts}"
        f" | bound {mix.lower_bound.value_eur / 1e6:8.3f} M€, gap {mix.gap_eur / 1e6:.3f} M€ ({mix.gap_pct:.2f} %)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI sizes: 1 000 and 10 000 VMs")
    args = parser.parse_args()
    sizes = (1_000, 10_000) if args.small else (1_000, 10_000, 30_000)
    for n in sizes:
        for scope in ("cluster", "estate"):
            bench(n, scope)


if __name__ == "__main__":
    main()
