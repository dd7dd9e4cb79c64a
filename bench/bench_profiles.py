"""Benchmark of time-aligned consolidation: a week of 30-minute profiles per VM, fitted on six days.

Usage:
    python bench/bench_profiles.py           # 10 000 VMs (target: planned in <= 30 s on 2 cores)
    python bench/bench_profiles.py --small   # CI: 1 000 VMs
    python bench/bench_profiles.py --plan [--slots N]   # the whole plan (run_plan) on P95, then on profiles

With --plan, those VMs (P95 of the fitted slots, memory as drawn) sit on the old hosts of
``bench_optimizer.synthetic_estate`` (clusters of about 32 hosts), and the planning service runs in
full (repack, offer, replacement) with demand "p95" then "profile"; `--slots` forces how many slots
a profile is packed on (288: the full fit; 144, 72 ...: coarsened by ``optimizer.demand.coarsen_max``;
default: ``PACK_MAX_CELLS``).

Each VM draws a shape (office hours, night batch, weekday evening batch, flat service: the demo's,
`collectors/demo/profiles.py`) with its own peak, a level varying by day (-20 % to +15 %) and 15 %
noise per slot: a week at 30 minutes and its last day again at 5 minutes. The plan is fitted on the
week minus its last day (288 slots: d = 289 with memory) and replayed on the last day at 5 minutes.
Printed: hosts with profiles and with scalar P95 (the P95 of the same fitted slots), the per-slot
bound and the gap to it, the replayed overflow minutes per month above 100 % and above the 80 %
ceiling, the risk curve, and the time of each step. The risk curve is timed twice: as it was
(one full `pack_on_profiles` per ceiling: L2 bounds on every slot, both greedy rules) and as it is
(`optimizer.risk.risk_curve`: vectors built once, one greedy rule at this size, projected bound);
each point prints both host counts, which should match.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_optimizer import OFFER, synthetic_estate

from collectors.demo.profiles import SHAPES, shape_series
from optimizer import VmTable, offer_capacity
from optimizer.profile_pack import pack_on_profiles
from optimizer.risk import BacktestSplit, RiskPoint, backtest_split, replay_packing, risk_curve

T = TypeVar("T")
END = datetime(2026, 11, 24, tzinfo=UTC)  # a Tuesday, midnight: the replayed day is a Monday


def estate(n_vms: int, seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(week (n, 336) at 30 min, day (n, 288) at 5 min, memory (n,)) in reference MHz and MiB."""
    rng = np.random.default_rng(seed)
    names = list(SHAPES)
    kind = rng.choice(len(names), size=n_vms, p=np.array([SHAPES[n] for n in names]))
    peak = rng.lognormal(np.log(3000.0), 0.9, size=n_vms)
    memory = rng.lognormal(np.log(6144.0), 0.6, size=n_vms)
    # Days differ: each VM's level varies by day (-20 % to +15 %), so the replayed day is not the fit.
    week_days = np.repeat(rng.uniform(0.8, 1.15, size=(n_vms, 7)), 48, axis=1)
    week_start, day_start = END - timedelta(days=7), END - timedelta(days=1)
    week_shapes = np.stack([shape_series(n, week_start, 1800, 336) for n in names])
    day_shapes = np.stack([shape_series(n, day_start, 300, 288) for n in names])
    week = week_shapes[kind] * peak[:, None] * week_days * rng.uniform(0.85, 1.0, size=(n_vms, 336))
    day_level = week_days[:, -1:]
    day = day_shapes[kind] * peak[:, None] * day_level * rng.uniform(0.85, 1.0, size=(n_vms, 288))
    return week, day, memory


def curve_before(split: BacktestSplit, p95: NDArray[np.float64], memory: NDArray[np.float64]) -> list[RiskPoint]:
    """The risk curve as it was computed before: one full profile packing per ceiling, greedy only."""
    raw = offer_capacity(offer=OFFER, ceiling=1.0)
    points = []
    for ceiling in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        plan = pack_on_profiles(
            cpu_slots_ref_mhz=split.fit,
            cpu_p95_ref_mhz=p95,
            memory_mib=memory,
            host_capacity=raw * ceiling,
            improve_budget_s=0.0,
            exact_max_items=0,
        )
        (point,) = risk_curve(
            split=split, cpu_p95_ref_mhz=p95, memory_mib=memory, raw_capacity=raw, ceilings=(ceiling,), plan=plan,
            plan_ceiling=ceiling,
        )  # fmt: skip
        points.append(point)
    return points


def timed(step: Callable[[], T]) -> tuple[T, float, float]:
    """The step's result, its wall-clock and its CPU seconds (the machine is shared: both tell)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = step()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def bench_plan(n_vms: int, slots: int | None) -> None:
    """The planning service in full (repack, the offer, replacement) on P95 then on profiles."""
    import optimizer.demand
    from parcimonie.planning.estate_inputs import EstateInputs
    from parcimonie.planning.profile_plan import VmProfiles, fit_profiles
    from parcimonie.planning.service import PlanRequest, run_plan

    if slots is not None:  # exactly `slots` (a divisor of 288), whatever the VM count
        optimizer.demand.PACK_MAX_CELLS, optimizer.demand.PACK_MIN_SLOTS = 0, slots
    hosts, _ = synthetic_estate(n_vms=n_vms, seed=n_vms)
    week, day, memory = estate(n_vms)
    rng = np.random.default_rng(1)
    host = rng.integers(0, hosts.n_hosts, size=n_vms)
    fit_p95 = np.percentile(week[:, :-48], 95, axis=1)  # the profiles read as MHz of their host's cores
    vms = VmTable.build(
        ids=[str(i) for i in range(n_vms)],
        n_vcpus=np.clip(np.ceil(week.max(axis=1) / 1200.0), 1, 32),
        memory_mib=memory,
        host=host,
        cluster=hosts.cluster[host],
        cpu_p95_mhz=fit_p95,
        usage_days=np.full(n_vms, 7.0),
        is_windows=rng.random(n_vms) < 0.5,
    )
    profiles = VmProfiles(ids=vms.ids, day=day, week=week, n_with=n_vms)
    vms = replace(vms, cpu_profile_mhz=fit_profiles(profiles))
    inputs = EstateInputs(
        hosts=hosts, vms=vms, offers=(OFFER,), host_row_ids=tuple(range(hosts.n_hosts)), profiles=profiles
    )
    most = max(optimizer.demand.PACK_MIN_SLOTS, optimizer.demand.PACK_MAX_CELLS // n_vms)
    print(f"{n_vms} VMs on {hosts.n_hosts} hosts, profiles packed on {min(most, 288)} slots (of 288)")
    for demand in ("p95", "profile"):
        started = time.perf_counter()
        outcome = run_plan(inputs, PlanRequest(offers=(OFFER.name,), demand=demand), today=END.date())  # type: ignore[arg-type]
        took = time.perf_counter() - started
        repack, replacement = outcome.repack, outcome.replacement
        print(
            f"{demand:>7}: run_plan {took:.1f} s | on {OFFER.name} {outcome.consolidation.n_hosts_after} hosts "
            f"(kept P95 in {len(outcome.consolidation.p95_kept_groups)} of {len(outcome.consolidation.bound_kinds)} "
            f"clusters) | repack {repack.n_hosts if repack else '-'} hosts | replacement "
            f"{int(replacement.new_hosts_per_year.sum()) if replacement else '-'} new hosts"
        )


def main() -> None:
    """Plan, replay and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI size (1 000 VMs)")
    parser.add_argument("--plan", action="store_true", help="the whole plan (run_plan), P95 then profiles")
    parser.add_argument("--slots", type=int, default=None, help="with --plan: most slots a profile is packed on")
    args = parser.parse_args()
    n_vms = 1_000 if args.small else 10_000
    if args.plan:
        bench_plan(n_vms, args.slots)
        return
    week, day, memory = estate(n_vms)
    raw = offer_capacity(offer=OFFER, ceiling=1.0)
    started = time.perf_counter()
    split = backtest_split(day=day, week=week)
    p95 = np.percentile(split.fit, 95, axis=1)
    plan = pack_on_profiles(
        cpu_slots_ref_mhz=split.fit, cpu_p95_ref_mhz=p95, memory_mib=memory, host_capacity=raw * 0.8, exact_max_items=0
    )
    planned = time.perf_counter() - started
    replays = [
        replay_packing(a, split.replay, cpu_capacity=float(raw[0]), ceiling=0.8, slot_minutes=split.replay_slot_minutes)
        for a in (plan.assignment_profile, plan.assignment_p95)
    ]
    bound = plan.bound_profile.value
    n_slots = split.fit.shape[1]
    print(f"{n_vms} VMs, fit {n_slots} slots x {split.fit_slot_minutes:.0f} min (d = {n_slots + 1})")
    print(f"planned in {planned:.1f} s (profile and P95 packings, bounds)")
    print(f"hosts with profiles {plan.n_hosts_profile} | with scalar P95 {plan.n_hosts_p95} | kept: {plan.method}")
    print(
        f"per-slot bound {bound} ({plan.bound_profile.kind}) | gap {plan.n_hosts_profile - bound} hosts "
        f"({(plan.n_hosts_profile - bound) / max(bound, 1):.1%}) | P95 bound {plan.bound_p95.value}"
    )
    for label, r in zip(("profiles", "P95"), replays, strict=True):
        print(
            f"backtest {label:<8}: {r.overflow_minutes_per_month:.0f} host-min/month above 100 %, "
            f"{r.ceiling_minutes_per_month:.0f} above 80 %, worst host {r.peak_utilisation.max():.0%}"
        )
    before, wall_before, cpu_before = timed(lambda: curve_before(split, p95, memory))
    curve, wall, cpu = timed(lambda: risk_curve(split=split, cpu_p95_ref_mhz=p95, memory_mib=memory, raw_capacity=raw))
    print(
        f"risk curve (7 ceilings) before: {wall_before:.1f} s ({cpu_before:.1f} s CPU) | "
        f"now: {wall:.1f} s ({cpu:.1f} s CPU), x{wall_before / max(wall, 1e-9):.1f}"
    )
    for p, old in zip(curve, before, strict=True):
        print(
            f"  ceiling {p.ceiling:.0%}: hosts {p.n_hosts_profile} (before {old.n_hosts_profile}; "
            f"P95 {p.n_hosts_p95}, before {old.n_hosts_p95}), overflow {p.overflow_minutes_profile:.0f} "
            f"host-min/month (P95 {p.overflow_minutes_p95:.0f})"
        )


if __name__ == "__main__":
    main()
