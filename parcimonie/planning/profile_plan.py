"""Time-aligned consolidation in the plan: P95 and profile packings side by side, backtest, risk curve.

Reads the VMs' stored usage profiles (``inventory.profiles``), converts them to reference MHz with
each VM's own P95 conversion (``optimizer.demand``: source host performance and comfort factor), and
packs the VMs the plan places onto its target offer twice, on the profiles and on the P95
(``optimizer.profile_pack``). Each answer is costed with the offer's fleet TCO and replayed on the
held-out last day (``optimizer.risk``). The method, the bound and the backtest: docs/profiles.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from inventory.profiles import load_profiles
from optimizer import Assumptions, Offer, VmTable, compute_demand, offer_capacity, offer_fleet_tco
from optimizer.profile_pack import ProfilePacking, pack_on_profiles
from optimizer.risk import BacktestSplit, backtest_split, replay_packing, risk_curve
from parcimonie.planning.profile_document import DemandAnswer, ProfileComparison, RiskPointDoc

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome

__all__ = ["DemandChoice", "VmProfiles", "compare_profiles", "load_vm_profiles"]

DemandChoice = Literal["auto", "p95", "profile"]
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


def _reference_factor(cpu_ref: NDArray[np.float64], cpu_raw: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each VM's MHz -> reference MHz factor, as its P95 was converted (median where no P95)."""
    ok = np.isfinite(cpu_raw) & (cpu_raw > 0)
    factor = np.full(cpu_ref.shape, np.nan)
    factor[ok] = cpu_ref[ok] / cpu_raw[ok]
    fallback = float(np.median(factor[ok])) if ok.any() else 1.0
    return np.where(np.isnan(factor), fallback, factor)


@dataclass(frozen=True)
class _Job:
    offer: Offer
    assumptions: Assumptions
    start_year: int
    raw: NDArray[np.float64]  # one host's raw (CPU reference MHz, memory MiB)
    windows: NDArray[np.bool_]  # per placed VM
    mean_load: NDArray[np.float64]  # per placed VM: mean CPU over the fit, reference MHz


def _tco(job: _Job, assignment: NDArray[np.int64]) -> float:
    """Fleet TCO of the hosts a placement uses (utilisation: mean fitted load per host)."""
    used = assignment >= 0
    _, host = np.unique(assignment[used], return_inverse=True)
    n = int(host.max()) + 1 if host.size else 0
    load = np.bincount(host, weights=job.mean_load[used], minlength=n)
    windows = np.bincount(host, weights=job.windows[used].astype(float), minlength=n) > 0
    cost = offer_fleet_tco(
        offer=job.offer,
        cpu_utilisation=np.clip(load / job.raw[0], 0.0, 1.0),
        carries_windows=windows,
        assumptions=job.assumptions,
        start_year=job.start_year,
    )
    return float(cost.tco_eur)


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


def _answers(job: _Job, packing: ProfilePacking, split: BacktestSplit, ceiling: float) -> list[DemandAnswer]:
    answers = []
    for demand, assignment, n, bound in (
        ("p95", packing.assignment_p95, packing.n_hosts_p95, packing.bound_p95),
        ("profile", packing.assignment_profile, packing.n_hosts_profile, packing.bound_profile),
    ):
        replayed = replay_packing(
            assignment,
            split.replay,
            cpu_capacity=float(job.raw[0]),
            ceiling=ceiling,
            slot_minutes=split.replay_slot_minutes,
        )
        answers.append(
            DemandAnswer(
                demand=demand,  # type: ignore[arg-type]
                n_hosts=n,
                lower_bound=bound.value,
                bound_kind=bound.kind,
                tco_eur=_tco(job, assignment),
                overflow_minutes_per_month=replayed.overflow_minutes_per_month,
                ceiling_minutes_per_month=replayed.ceiling_minutes_per_month,
                worst_host_utilisation=float(replayed.peak_utilisation.max(initial=0.0)),
            )
        )
    return answers


def compare_profiles(outcome: PlanOutcome) -> ProfileComparison | None:
    """Both answers on the plan's target offer; None without profiles or target offer."""
    offer, inputs = outcome.target_offer, outcome.inputs
    profiles, requested = inputs.profiles, outcome.request.demand
    if profiles is None or profiles.n_with == 0 or offer is None:
        return None
    policy, a = outcome.request.policy, outcome.assumptions
    demand = compute_demand(hosts=inputs.hosts, vms=inputs.vms, assumptions=a, policy=policy)
    idx = demand.vm_index
    factor = _reference_factor(demand.cpu_ref_mhz, inputs.vms.cpu_p95_mhz[idx])[:, None]
    rows = profiles.rows_of(inputs.vms)[idx]
    day, week = (None if t is None else _take(t, rows) * factor for t in (profiles.day, profiles.week))
    split = backtest_split(day=day, week=week)
    raw = offer_capacity(offer=offer, ceiling=1.0)
    packing = pack_on_profiles(
        cpu_slots_ref_mhz=split.fit,
        cpu_p95_ref_mhz=demand.cpu_ref_mhz,
        memory_mib=demand.memory_mib,
        host_capacity=raw * policy.ceiling,
    )
    fit = np.where(np.isnan(split.fit), demand.cpu_ref_mhz[:, None], split.fit)
    job = _Job(offer, a, outcome.start_year, raw, inputs.vms.is_windows[idx], fit.mean(axis=1))
    with_profile = int((~np.isnan(split.fit).all(axis=1)).sum())
    wanted = requested if requested != "auto" else ("profile" if 2 * with_profile > idx.size else "p95")
    chosen = "p95" if wanted == "p95" or packing.p95_kept else "profile"
    kept = packing.assignment_p95 if chosen == "p95" else packing.assignment_profile
    hosts_with_windows = np.unique(kept[(kept >= 0) & job.windows]).size
    share = hosts_with_windows / max(1, np.unique(kept[kept >= 0]).size)
    curve = risk_curve(split=split, cpu_p95_ref_mhz=demand.cpu_ref_mhz, memory_mib=demand.memory_mib, raw_capacity=raw)
    return ProfileComparison(
        demand=chosen,  # type: ignore[arg-type]
        requested=requested,
        offer=offer.name,
        ceiling=policy.ceiling,
        n_vms=int(idx.size),
        n_vms_with_profile=with_profile,
        p95_kept=packing.p95_kept,
        fit_slots=int(split.fit.shape[1]),
        fit_slot_minutes=split.fit_slot_minutes,
        replay_slots=int(split.replay.shape[1]),
        replay_slot_minutes=split.replay_slot_minutes,
        held_out=split.held_out,
        answers=_answers(job, packing, split, policy.ceiling),
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
