"""The result of a consolidation plan, and its assembly from per-group packings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import VmDemand
from optimizer.estate import HostTable, complete_host_estimates
from optimizer.limits import limiting, limiting_rows
from optimizer.limits import shares as limit_shares
from optimizer.policy import Policy
from optimizer.reasons import Reason
from optimizer.usage import DataConfidence

__all__ = ["ConsolidationResult", "Targets", "assemble_result"]


@dataclass(frozen=True, eq=False)
class ConsolidationResult:
    """Outcome of `plan_consolidation`.

    Attributes:
        status: "OPTIMAL" (hosts == proven bound), "FEASIBLE", "PARTIAL" (some VMs found no room)
            or "EMPTY" (no VM to place after policy filters).
        offer_name: the offer packed onto, or None when repacking onto existing hosts.
        placement: shape (m,) over the VmTable: target host index (existing host index when
            repacking, else new host 0..n-1), -1 if excluded or unplaced.
        target_cluster: shape (t,), cluster of each target host (-1 estate scope).
        target_existing_host: shape (t,), existing host index of each target, -1 for new hosts.
        target_is_ha_reserve: shape (t,), True for hosts kept empty as HA reserve.
        cpu_utilisation, memory_utilisation: shape (t,), load / raw capacity of each target.
        n_hosts_before, n_hosts_after (including HA reserve), n_ha_reserve_hosts.
        n_ha_reserve_short: reserve hosts the policy asks for but no spare existing host could be
            (repack only; 0 otherwise).
        n_vms_placed: VMs placed; n_vms_short: VMs to place that found no room (PARTIAL).
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
        confidence: how far the demand placed can be trusted (None on results built by hand).
        policy, assumptions: echo of the inputs that made the result.
        limit_shares: shape (t, 4), share of each usable limit (`optimizer.limits.LIMIT_NAMES`: CPU
            and memory under the ceiling, vCPU : core cap, memory overcommit cap) each target uses;
            NaN where the policy sets no such cap.
        vcpus_per_core, memory_allocated_ratio: shape (t,), allocated vCPUs per physical core and
            allocated memory per physical MiB of each target (whether capped or not).
        target_limit: per target, the limit closest to full (None on an empty host).
        limiting_resource: the limit closest to full over the loaded targets together (None if none).
        ha_reserve_uncovered: groups whose spare hosts cannot carry the load of their k largest hosts.
        demand: "profile" when CPU was packed on usage profiles (`Policy.demand` and profiles
            present), else "p95"; `cpu_utilisation` is then each host's peak over slots of its
            summed profile over its capacity (what it carries at its busiest slot).
        p95_kept_groups: on profiles, the groups that kept their P95 packing (it needed fewer hosts).
    """

    status: str
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
    n_ha_reserve_short: int
    n_vms_placed: int
    n_vms_short: int
    lower_bound: int
    bound_kinds: tuple[str, ...]
    gap_hosts: int | None
    gap_pct: float | None
    vms_per_host_before: float
    vms_per_host_after: float
    hosts_freed: NDArray[np.int64]
    unplaced: tuple[tuple[int, Reason], ...]
    solver: str
    hosts_with_estimates: NDArray[np.int64]
    n_vms_cpu_estimated: int
    #: Shares of the CPU demand by usage source, and the level 1–5 they earn (``optimizer.usage``).
    confidence: DataConfidence | None = None
    #: VMs placed away from their current host (every placed VM on new hosts).
    n_migrations: int = 0
    policy: Policy = field(default_factory=Policy)
    assumptions: dict[str, Any] = field(default_factory=dict)
    limit_shares: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 4)))
    vcpus_per_core: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    memory_allocated_ratio: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    target_limit: tuple[str | None, ...] = ()
    limiting_resource: str | None = None
    ha_reserve_uncovered: tuple[int, ...] = ()
    demand: str = "p95"
    p95_kept_groups: tuple[int, ...] = ()


@dataclass
class Targets:
    """Target hosts (t entries) and bookkeeping, filled group by group by the planner."""

    placement: NDArray[np.int64]
    unplaced: list[tuple[int, Reason]]
    cluster: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    is_ha: list[bool] = field(default_factory=list)
    load: list[NDArray[np.float64]] = field(default_factory=list)
    raw: list[NDArray[np.float64]] = field(default_factory=list)
    bound: int = 0
    kinds: list[str] = field(default_factory=list)
    solvers: list[str] = field(default_factory=list)
    uncovered: list[int] = field(default_factory=list)  # groups whose reserve cannot cover their largest hosts
    p95_kept: list[int] = field(default_factory=list)  # groups packed on P95 where profiles needed more hosts

    def add(
        self, *, group: int, existing: int, is_ha: bool, load: NDArray[np.float64], raw: NDArray[np.float64]
    ) -> int:
        """Append one target host; returns its index."""
        self.cluster.append(group)
        self.existing.append(existing)
        self.is_ha.append(is_ha)
        self.load.append(load)
        self.raw.append(raw)
        return len(self.cluster) - 1


def assemble_result(
    *,
    hosts: HostTable,
    demand: VmDemand,
    offer_name: str | None,
    a: Assumptions,
    policy: Policy,
    targets: Targets,
) -> ConsolidationResult:
    """Build the result from the targets filled by the consolidation planner."""
    tg = targets
    load = np.array(tg.load).reshape(-1, 4)
    raw = np.array(tg.raw).reshape(-1, 4)
    util = np.divide(load, raw, out=np.zeros_like(load), where=raw > 0)
    share = limit_shares(load, raw, policy)
    loaded = ~np.array(tg.is_ha, dtype=bool)
    existing = np.array(tg.existing, dtype=np.int64)
    is_ha = np.array(tg.is_ha, dtype=bool)
    n_after = int(existing.size)
    n_placed = int((tg.placement >= 0).sum())
    freed = np.setdiff1d(np.arange(hosts.n_hosts), existing[existing >= 0]).astype(np.int64)
    gap = n_after - tg.bound
    short_ha = len(tg.kinds) * policy.ha_reserve_hosts - int(is_ha.sum())
    n_short = len(tg.unplaced) - len(demand.excluded)
    if demand.vm_index.size == 0:
        status = "EMPTY"
    elif n_short > 0:
        status = "PARTIAL"
    else:
        status = "OPTIMAL" if gap <= 0 else "FEASIBLE"
    return ConsolidationResult(
        status=status,
        offer_name=offer_name,
        placement=tg.placement,
        target_cluster=np.array(tg.cluster, dtype=np.int64),
        target_existing_host=existing,
        target_is_ha_reserve=is_ha,
        cpu_utilisation=util[:, 0],
        memory_utilisation=util[:, 1],
        n_hosts_before=hosts.n_hosts,
        n_hosts_after=n_after,
        n_ha_reserve_hosts=int(is_ha.sum()),
        n_ha_reserve_short=max(short_ha, 0),
        n_vms_placed=n_placed,
        n_vms_short=max(n_short, 0),
        lower_bound=int(tg.bound),
        bound_kinds=tuple(tg.kinds),
        gap_hosts=None if status == "PARTIAL" else int(gap),
        gap_pct=None if status == "PARTIAL" else (float(100.0 * gap / tg.bound) if tg.bound else 0.0),
        vms_per_host_before=demand.vm_index.size / hosts.n_hosts if hosts.n_hosts else 0.0,
        vms_per_host_after=n_placed / n_after if n_after else 0.0,
        hosts_freed=freed,
        unplaced=tuple(sorted(tg.unplaced, key=lambda u: u[0])),
        solver=", ".join(sorted(set(tg.solvers))) or "none",
        hosts_with_estimates=np.flatnonzero(complete_host_estimates(hosts=hosts)[1]).astype(np.int64),
        n_vms_cpu_estimated=int(demand.cpu_estimated.sum()),
        confidence=demand.confidence(a.confidence_min_days),
        policy=policy,
        assumptions=a.to_dict(),
        limit_shares=share,
        vcpus_per_core=util[:, 2],
        memory_allocated_ratio=util[:, 3],
        target_limit=limiting_rows(share),
        limiting_resource=limiting(limit_shares(load[loaded].sum(axis=0), raw[loaded].sum(axis=0), policy)[0]),
        ha_reserve_uncovered=tuple(tg.uncovered),
    )
