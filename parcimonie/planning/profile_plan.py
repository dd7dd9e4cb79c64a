"""Time-aligned consolidation in the plan: P95 and profile packings side by side, backtest, risk curve.

Reads the VMs' stored usage profiles (``inventory.profiles``); the fit period (the week minus its
last day, else the day: ``optimizer.risk.backtest_split``) rides on the VM table
(``VmTable.cpu_profile_mhz``, `fit_profiles`), so every packing of the plan can size on it
(``Policy.demand``, chosen by ``demand_choice``). The section's two answers are consolidations on
the plan's target offer under the plan's own policy (per cluster, HA reserve, caps, rules), one
with demand "p95" and one with "profile": the chosen one is the plan's consolidation itself. Each
is costed like the plan's options and replayed on the held-out last day (``optimizer.risk``); the
risk curve stays an estate-wide packing without reserve. Method: docs/profiles.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from inventory.profiles import load_profiles
from optimizer import (
    Assumptions,
    ConsolidationResult,
    Offer,
    VmTable,
    compute_demand,
    offer_capacity,
    offer_fleet_tco,
    plan_consolidation,
)
from optimizer.demand import profile_reference
from optimizer.fleet import target_windows
from optimizer.policy import Demand
from optimizer.risk import BacktestSplit, backtest_split, replay_packing, risk_curve
from parcimonie.planning.demand_choice import DemandRequest
from parcimonie.planning.profile_document import DemandAnswer, ProfileComparison, RiskPointDoc
from parcimonie.planning.rules import placement_rules

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome

__all__ = ["DemandChoice", "VmProfiles", "compare_profiles", "fit_profiles", "load_vm_profiles"]

DemandChoice = DemandRequest
_SLOTS = {"day": 288, "week": 336}


@dataclass(frozen=True, eq=False)
class VmProfiles:
    """Stored profiles aligned on a VmTable's rows, raw MHz (NaN: no sample or no profile)."""

    ids: tuple[str, ...]
    day: NDArray[np.float64] | None
    week: NDArray[np.float64] | None
    n_with: int

    def rows_of(self, vms: VmTable) -> NDArray[np.int64]:
        """Row of each VM of `vms` in these tables (-1: not loaded), e.g. after reclamation dropped some."""
        pos = {vm_id: k for k, vm_id in enumerate(self.ids)}
        return np.array([pos.get(i, -1) for i in vms.ids], dtype=np.int64)


def _take(table: NDArray[np.float64], rows: NDArray[np.int64]) -> NDArray[np.float64]:
    out = np.full((rows.size, table.shape[1]), np.nan)
    out[rows >= 0] = table[rows[rows >= 0]]
    return out


def load_vm_profiles(session: Session, vms: VmTable) -> VmProfiles:
    """Day and week CPU profiles of the VMs of `vms` (rows by VM id), None for a period nobody has."""
    row = {int(i): k for k, i in enumerate(vms.ids) if str(i).isdigit()}
    out: dict[str, NDArray[np.float64] | None] = {}
    having: set[int] = set()
    for period, n in _SLOTS.items():
        stored = load_profiles(session, period, vm_ids=list(row))
        series = [(row[i], p.cpu_mhz) for i, p in stored.items() if p.cpu_mhz.size == n]
        if not series:
            out[period] = None
            continue
        table = np.full((vms.n_vms, n), np.nan)
        for k, cpu in series:
            table[k] = cpu
            having.add(k)
        out[period] = table
    return VmProfiles(ids=tuple(vms.ids), day=out["day"], week=out["week"], n_with=len(having))


def fit_profiles(profiles: VmProfiles) -> NDArray[np.float64] | None:
    """The fit period of each VM's profile, raw MHz (rows of `profiles`; None without profiles): the
    week minus its held-out last day, else the day (``optimizer.risk.backtest_split``)."""
    if profiles.n_with == 0 or (profiles.day is None and profiles.week is None):
        return None
    return backtest_split(day=profiles.day, week=profiles.week).fit


@dataclass(frozen=True)
class _Job:
    offer: Offer
    assumptions: Assumptions
    start_year: int
    raw: NDArray[np.float64]  # one host's raw (CPU reference MHz, memory MiB)
    windows: NDArray[np.bool_]  # per placed VM
    mean_load: NDArray[np.float64]  # per placed VM: mean CPU over the fit, reference MHz


def _tco_of_count(job: _Job, n_hosts: int, windows_share: float) -> float:
    """Fleet TCO of `n_hosts` evenly loaded hosts, the kept placement's share of them carrying Windows."""
    if n_hosts == 0:
        return 0.0
    util = np.full(n_hosts, min(1.0, float(job.mean_load.sum()) / (n_hosts * job.raw[0])))
    windows = np.arange(n_hosts) < round(windows_share * n_hosts)
    cost = offer_fleet_tco(
        offer=job.offer,
        cpu_utilisation=util,
        carries_windows=windows,
        assumptions=job.assumptions,
        start_year=job.start_year,
    )
    return float(cost.tco_eur)


def _answer(
    job: _Job, result: ConsolidationResult, vms: VmTable, idx: NDArray[np.int64], split: BacktestSplit, ceiling: float
) -> DemandAnswer:
    """One consolidation as an answer: its hosts (reserve included), bound, TCO (as the plan's
    options cost it) and the replay of its placement on the held-out day."""
    replayed = replay_packing(
        result.placement[idx],
        split.replay,
        cpu_capacity=float(job.raw[0]),
        ceiling=ceiling,
        slot_minutes=split.replay_slot_minutes,
    )
    cost = offer_fleet_tco(
        offer=job.offer,
        cpu_utilisation=result.cpu_utilisation,
        carries_windows=target_windows(result, vms),
        assumptions=job.assumptions,
        start_year=job.start_year,
    )
    return DemandAnswer(
        demand="profile" if result.policy.demand == "profile" else "p95",
        n_hosts=result.n_hosts_after,
        lower_bound=result.lower_bound,
        bound_kind="; ".join(result.bound_kinds),
        tco_eur=float(cost.tco_eur),
        overflow_minutes_per_month=replayed.overflow_minutes_per_month,
        ceiling_minutes_per_month=replayed.ceiling_minutes_per_month,
        worst_host_utilisation=float(replayed.peak_utilisation.max(initial=0.0)),
    )


def _both(outcome: PlanOutcome, offer: Offer) -> dict[Demand, ConsolidationResult]:
    """The consolidation on `offer` with demand "p95" and "profile": the plan's own for the demand it
    chose, the other packed under the same policy, rules, method and time limit."""
    inputs, request, chosen = outcome.inputs, outcome.request, outcome.consolidation
    out: dict[Demand, ConsolidationResult] = {request.policy.demand: chosen}
    other: Demand = "p95" if request.policy.demand == "profile" else "profile"
    out[other] = plan_consolidation(
        hosts=inputs.hosts,
        vms=inputs.vms,
        offer=offer,
        assumptions=outcome.assumptions,
        policy=replace(request.policy, demand=other),
        method=request.method,
        time_limit_s=request.time_limit_s,
        rules=placement_rules(inputs.rule_rows, hosts=inputs.hosts, vms=inputs.vms),
    )
    return out


def compare_profiles(outcome: PlanOutcome) -> ProfileComparison | None:
    """Both answers on the plan's target offer; None without profiles or target offer."""
    offer, inputs = outcome.target_offer, outcome.inputs
    profiles, requested = inputs.profiles, outcome.request.demand
    if profiles is None or profiles.n_with == 0 or offer is None:
        return None
    policy, a = outcome.request.policy, outcome.assumptions
    demand = compute_demand(hosts=inputs.hosts, vms=inputs.vms, assumptions=a, policy=replace(policy, demand="p95"))
    idx = demand.vm_index
    rows = profiles.rows_of(inputs.vms)[idx]
    raw_p95 = inputs.vms.cpu_p95_mhz[idx]
    day, week = (
        None if t is None else _in_reference(_take(t, rows), demand.cpu_ref_mhz, raw_p95)
        for t in (profiles.day, profiles.week)
    )
    split = backtest_split(day=day, week=week)
    raw = offer_capacity(offer=offer, ceiling=1.0)
    results = _both(outcome, offer)
    fit = np.where(np.isnan(split.fit), demand.cpu_ref_mhz[:, None], split.fit)
    job = _Job(offer, a, outcome.start_year, raw, inputs.vms.is_windows[idx], fit.mean(axis=1))
    with_profile = int((~np.isnan(split.fit).all(axis=1)).sum())
    chosen = policy.demand
    kept = results[chosen].placement[idx]
    hosts_with_windows = np.unique(kept[(kept >= 0) & job.windows]).size
    share = hosts_with_windows / max(1, np.unique(kept[kept >= 0]).size)
    curve = risk_curve(split=split, cpu_p95_ref_mhz=demand.cpu_ref_mhz, memory_mib=demand.memory_mib, raw_capacity=raw)
    return ProfileComparison(
        demand=chosen,
        requested=requested,
        offer=offer.name,
        ceiling=policy.ceiling,
        n_vms=int(idx.size),
        n_vms_with_profile=with_profile,
        p95_kept=bool(results["profile"].p95_kept_groups),
        fit_slots=int(split.fit.shape[1]),
        fit_slot_minutes=split.fit_slot_minutes,
        replay_slots=int(split.replay.shape[1]),
        replay_slot_minutes=split.replay_slot_minutes,
        held_out=split.held_out,
        answers=[_answer(job, results[d], inputs.vms, idx, split, policy.ceiling) for d in ("p95", "profile")],
        risk_curve=[
            RiskPointDoc(
                ceiling=p.ceiling,
                n_hosts_profile=p.n_hosts_profile,
                n_hosts_p95=p.n_hosts_p95,
                overflow_minutes_per_month_profile=p.overflow_minutes_profile,
                overflow_minutes_per_month_p95=p.overflow_minutes_p95,
                tco_eur_profile=_tco_of_count(job, p.n_hosts_profile, share),
                tco_eur_p95=_tco_of_count(job, p.n_hosts_p95, share),
            )
            for p in curve
        ],
    )


def _in_reference(
    table: NDArray[np.float64], cpu_ref: NDArray[np.float64], cpu_raw: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Raw-MHz profiles in reference MHz with each VM's own P95 factor, NaN slots kept NaN (the
    backtest and the risk curve fill them their own way)."""
    ref = profile_reference(table, cpu_ref, cpu_raw)
    return np.where(np.isnan(table), np.nan, ref)
