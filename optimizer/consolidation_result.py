"""The result of a consolidation plan, and its assembly from per-group packings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import VmDemand
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.fleet import offer_fleet_tco

__all__ = ["ConsolidationResult", "assemble_result"]


@dataclass(frozen=True, eq=False)
class ConsolidationResult:
    """Outcome of `plan_consolidation`.

    Attributes:
        status: "OPTIMAL" (hosts == proven bound), "FEASIBLE", "PARTIAL" (some VMs unplaced) or
            "EMPTY" (no VM to place after policy filters).
        message: one-line human summary.
        offer_name: chosen offer, or None when repacking onto existing hosts.
        placement: shape (m,) over the VmTable: target host index (existing host index when
            repacking, else new host 0..n-1), -1 if excluded or unplaced.
        target_cluster: shape (t,), cluster of each target host (-1 estate scope).
        target_existing_host: shape (t,), existing host index of each target, -1 for new hosts.
        target_is_ha_reserve: shape (t,), True for hosts kept empty as HA reserve.
        cpu_utilisation, memory_utilisation: shape (t,), load / raw capacity of each target.
        n_hosts_before, n_hosts_after (including HA reserve), n_ha_reserve_hosts.
        lower_bound: proven minimum hosts incl. the same HA reserve, for every VM to place (those
            that fit some target host); bound_kinds per group.
        gap_hosts, gap_pct: n_hosts_after - lower_bound, and relative to the bound (%). None when
            the status is "PARTIAL": the bound then covers VMs that found no room, so a gap
            against it means nothing (capacity is insufficient, not the packing poor).
        vms_per_host_before, vms_per_host_after: placed VMs per host (after: incl. HA reserve).
        hosts_freed: existing host indices no longer needed.
        unplaced: (vm index, reason) for VMs excluded by policy or that could not be placed.
        solver: "heuristic", or CP-SAT status per group when used.
        hosts_with_estimates: existing hosts whose perf or power came from the generation
            catalogue (missing rated figures).
        n_vms_cpu_estimated: VMs to place whose CPU demand was estimated (no P95).
        tco_by_offer: offer name -> TCO EUR TTC over the horizon (several offers).
        policy, assumptions: echo of the inputs that made the result.
    """

    status: str
    message: str
    offer_name: str | None
    placement: NDArray[np.int64]
    target_cluster: NDArray[np.int64]
    target_existing_host: NDArray[np.int64]
    target_is_ha_reserve: NDArray[np.bool_]
    cpu_utilisation: NDArray[np.float64]
    memory_utilisation: NDArray[np.float64]
    n_hosts_before: int
    n_hosts_after: int
    n_ha_reserve_hosts: int
    lower_bound: int
    bound_kinds: tuple[str, ...]
    gap_hosts: int | None
    gap_pct: float | None
    vms_per_host_before: float
    vms_per_host_after: float
    hosts_freed: NDArray[np.int64]
    unplaced: tuple[tuple[int, str], ...]
    solver: str
    hosts_with_estimates: NDArray[np.int64]
    n_vms_cpu_estimated: int
    tco_by_offer: dict[str, float] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)
    assumptions: dict[str, Any] = field(default_factory=dict)


def assemble_result(
    *,
    hosts: HostTable,
    vms: VmTable,
    demand: VmDemand,
    offer: Offer | None,
    a: Assumptions,
    placement: NDArray[np.int64],
    unplaced: list[tuple[int, str]],
    t_cluster: list[int],
    t_existing: list[int],
    t_ha: list[bool],
    t_load: list[NDArray[np.float64]],
    t_raw: list[NDArray[np.float64]],
    bound_total: int,
    kinds: list[str],
    solvers: list[str],
    policy: dict[str, Any],
    year: int,
) -> ConsolidationResult:
    """Build the result from per-target lists (t entries) filled by the consolidation planner."""
    load = np.array(t_load).reshape(-1, 2)
    raw = np.array(t_raw).reshape(-1, 2)
    util = np.divide(load, raw, out=np.zeros_like(load), where=raw > 0)
    existing = np.array(t_existing, dtype=np.int64)
    is_ha = np.array(t_ha, dtype=bool)
    n_after = int(existing.size)
    n_placed = int((placement >= 0).sum())
    freed = np.setdiff1d(np.arange(hosts.n_hosts), existing[existing >= 0]).astype(np.int64)
    gap = n_after - bound_total
    short_ha = int(sum(1 for _ in kinds)) * policy["ha_reserve_hosts"] - int(is_ha.sum())
    tcos: dict[str, float] = {}
    if offer is not None:
        win = np.zeros(n_after, dtype=bool)
        on_win = (placement >= 0) & vms.is_windows
        win[placement[on_win]] = True
        tcos[offer.name] = offer_fleet_tco(
            offer=offer,
            cpu_utilisation=util[:, 0],
            carries_windows=win,
            assumptions=a,
            start_year=year,
        ).tco_eur
    n_short = len(unplaced) - len(demand.excluded)
    if demand.vm_index.size == 0:
        status = "EMPTY"
    elif n_short > 0:
        status = "PARTIAL"
    else:
        status = "OPTIMAL" if gap <= 0 else "FEASIBLE"
    target = offer.name if offer else "existing hosts"
    message = (
        f"{n_placed} VMs on {n_after} hosts ({target}, incl. {int(is_ha.sum())} HA reserve) vs {hosts.n_hosts} before; "
    )
    if n_short > 0:
        message += (
            f"capacity insufficient: {n_short} VMs could not be placed; placing them all would"
            f" need at least {bound_total} hosts (no gap reported)"
        )
    else:
        message += f"lower bound {bound_total}, gap {gap}"
    if short_ha > 0:
        message += f"; HA reserve short by {short_ha} host(s): no spare existing host"
    return ConsolidationResult(
        status=status,
        message=message,
        offer_name=offer.name if offer else None,
        placement=placement,
        target_cluster=np.array(t_cluster, dtype=np.int64),
        target_existing_host=existing,
        target_is_ha_reserve=is_ha,
        cpu_utilisation=util[:, 0],
        memory_utilisation=util[:, 1],
        n_hosts_before=hosts.n_hosts,
        n_hosts_after=n_after,
        n_ha_reserve_hosts=int(is_ha.sum()),
        lower_bound=int(bound_total),
        bound_kinds=tuple(kinds),
        gap_hosts=None if status == "PARTIAL" else int(gap),
        gap_pct=None if status == "PARTIAL" else (float(100.0 * gap / bound_total) if bound_total else 0.0),
        vms_per_host_before=demand.vm_index.size / hosts.n_hosts if hosts.n_hosts else 0.0,
        vms_per_host_after=n_placed / n_after if n_after else 0.0,
        hosts_freed=freed,
        unplaced=tuple(sorted(unplaced)),
        solver=", ".join(sorted(set(solvers))) or "none",
        hosts_with_estimates=np.flatnonzero(complete_host_estimates(hosts=hosts)[1]).astype(np.int64),
        n_vms_cpu_estimated=int(demand.cpu_estimated.sum()),
        tco_by_offer=tcos,
        policy=dict(policy),
        assumptions=a.to_dict(),
    )
