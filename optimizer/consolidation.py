"""Consolidation plan: how few hosts can carry the VMs, and which ones.

Targets are either new hosts of an `Offer` (several offers: each is evaluated alone and the one with
the lowest TCO over the horizon wins; mixed fleets are not searched) or the existing hosts (`offer`
None), opened largest usable capacity first (CPU in reference MHz, so newer cores count more), then
by per-core performance. With `scope="cluster"` each cluster
is packed separately, with its own HA reserve; `scope="estate"` packs everything together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.bounds import lower_bound_heterogeneous, lower_bound_identical
from optimizer.consolidation_result import ConsolidationResult, assemble_result
from optimizer.demand import VmDemand, compute_demand, host_capacity, offer_capacity
from optimizer.estate import (
    HostTable,
    Offer,
    VmTable,
    complete_host_estimates,
    validate_hosts,
    validate_vms,
)
from optimizer.exact import pack_vectors_exact
from optimizer.packing import pack_vectors

__all__ = ["ConsolidationResult", "cluster_labels", "plan_consolidation"]

EXACT_AUTO_MAX_VMS = 60  # method="auto" tries CP-SAT on groups up to this many VMs
EXACT_MAX_VMS = 2000  # method="exact" falls back to the heuristic above this group size


def cluster_labels(*, hosts: HostTable, vms: VmTable, vm_index: NDArray[np.int64]) -> NDArray[np.int64]:
    """Cluster of each VM in `vm_index` (shape (p,)): its own, else its host's, else -1.

    The groups of `scope="cluster"`, shared by `plan_consolidation` and `plan_replacement`.
    """
    cl = vms.cluster[vm_index].copy()
    src = vms.host[vm_index]
    from_host = (cl < 0) & (src >= 0)
    cl[from_host] = hosts.cluster[src[from_host]]
    return np.asarray(cl, dtype=np.int64)


def _groups(*, hosts: HostTable, vms: VmTable, demand: VmDemand, scope: str) -> dict[int, NDArray[np.int64]]:
    """Group -> positions in `demand` (cluster of the VM, else of its host, else -1)."""
    if scope == "estate":
        return {-1: np.arange(demand.vm_index.size)}
    cl = cluster_labels(hosts=hosts, vms=vms, vm_index=demand.vm_index)
    return {int(c): np.flatnonzero(cl == c) for c in np.unique(cl)}


def _pack_group(
    *,
    sizes: NDArray[np.float64],
    caps: NDArray[np.float64],
    identical: bool,
    method: str,
    time_limit_s: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, str, str, float]:
    """Return (assignment into caps, bins used, lower bound, bound kind, solver label, CP-SAT s)."""
    heur = pack_vectors(sizes=sizes, bin_capacities=caps)
    lb = (
        lower_bound_identical(sizes=sizes, capacity=caps[0])
        if identical
        else lower_bound_heterogeneous(sizes=sizes, capacities=caps)
    )
    assignment, used, bound, solver = heur.assignment, heur.bins_used, lb.value, "heuristic"
    want_exact = (method == "exact" and sizes.shape[0] <= EXACT_MAX_VMS) or (
        method == "auto" and sizes.shape[0] <= EXACT_AUTO_MAX_VMS and heur.n_bins > lb.value
    )
    if method == "exact" and not want_exact:
        solver = f"heuristic (group over {EXACT_MAX_VMS} VMs for CP-SAT)"
    spent = 0.0
    if want_exact and sizes.shape[0] and heur.n_bins > 0 and time_limit_s >= 0.2:
        if identical:
            ex_caps, hint = caps[: heur.n_bins], heur.assignment
        else:
            ex_caps, hint = caps, heur.assignment
        ex = pack_vectors_exact(sizes=sizes, bin_capacities=ex_caps, hint=hint, time_limit_s=time_limit_s)
        solver, spent = f"cp-sat:{ex.status}", ex.wall_time_s
        bound = max(bound, ex.best_bound)
        ok = ex.n_bins >= 0 and ((ex.assignment >= 0) == (heur.assignment >= 0)).all()
        if ok and ex.n_bins <= heur.n_bins:
            assignment = ex.assignment
            used = np.unique(ex.assignment[ex.assignment >= 0])
    return assignment, used, bound, lb.kind, solver, spent


def plan_consolidation(
    *,
    hosts: HostTable,
    vms: VmTable,
    offer: Offer | Sequence[Offer] | None = None,
    assumptions: Assumptions | None = None,
    ceiling: float | None = None,
    ha_reserve_hosts: int | None = None,
    scope: Literal["cluster", "estate"] = "cluster",
    use_memory_p95: bool = False,
    include_powered_off: bool = True,
    include_templates: bool = False,
    method: Literal["auto", "heuristic", "exact"] = "auto",
    time_limit_s: float = 10.0,
    start_year: int | None = None,
) -> ConsolidationResult:
    """Plan the fewest hosts carrying the VMs under a utilisation ceiling and an HA reserve.

    Args:
        hosts: existing hosts, shape (n,).
        vms: the VMs, shape (m,).
        offer: an offer, several (cheapest TCO wins), or None to repack onto existing hosts.
        assumptions: defaults if None.
        ceiling: utilisation ceiling of targets (None: `assumptions.utilisation_ceiling`).
        ha_reserve_hosts: spare hosts per group (None: `assumptions.ha_reserve_hosts`).
        scope: "cluster" packs each cluster alone with its own HA reserve; "estate" pools all.
        use_memory_p95: size memory on P95 (see `compute_demand`).
        include_powered_off: place powered-off VMs too.
        include_templates: place templates too.
        method: "heuristic", "exact" (CP-SAT, small groups only) or "auto" (CP-SAT on groups of up
            to 60 VMs when the heuristic is above the bound).
        time_limit_s: total CP-SAT budget, shared by the groups in order.
        start_year: first year of the TCO horizon (default `assumptions.reference_year`).
    """
    a = assumptions or Assumptions()
    ceiling = a.utilisation_ceiling if ceiling is None else ceiling
    ha = a.ha_reserve_hosts if ha_reserve_hosts is None else ha_reserve_hosts
    _check_args(hosts=hosts, vms=vms, scope=scope, method=method, ha=ha, time_limit_s=time_limit_s)
    offers: list[Offer] = [] if offer is None else ([offer] if isinstance(offer, Offer) else list(offer))
    if offer is not None and not offers:
        raise ValueError("offer must be an Offer, a non-empty sequence of offers, or None")
    demand = compute_demand(
        hosts=hosts,
        vms=vms,
        assumptions=a,
        use_memory_p95=use_memory_p95,
        include_powered_off=include_powered_off,
        include_templates=include_templates,
    )
    policy = {
        "ceiling": ceiling,
        "ha_reserve_hosts": ha,
        "scope": scope,
        "use_memory_p95": use_memory_p95,
        "include_powered_off": include_powered_off,
        "include_templates": include_templates,
        "method": method,
        "time_limit_s": time_limit_s,
    }
    year = a.reference_year if start_year is None else start_year
    if not offers:
        return _plan(
            hosts=hosts,
            vms=vms,
            demand=demand,
            offer=None,
            a=a,
            ceiling=ceiling,
            ha=ha,
            scope=scope,
            method=method,
            time_limit_s=time_limit_s,
            policy=policy,
            year=year,
        )
    results = [
        _plan(
            hosts=hosts,
            vms=vms,
            demand=demand,
            offer=o,
            a=a,
            ceiling=ceiling,
            ha=ha,
            scope=scope,
            method=method,
            time_limit_s=time_limit_s,
            policy=policy,
            year=year,
        )
        for o in offers
    ]
    tcos = {r.offer_name or "": r.tco_by_offer[r.offer_name or ""] for r in results}
    best = min(results, key=lambda r: (len(r.unplaced), tcos[r.offer_name or ""]))
    return ConsolidationResult(**{**best.__dict__, "tco_by_offer": tcos})


def _check_args(*, hosts: HostTable, vms: VmTable, scope: str, method: str, ha: int, time_limit_s: float) -> None:
    validate_hosts(hosts)
    validate_vms(vms, hosts)
    if hosts.n_hosts == 0 and vms.n_vms == 0:
        raise ValueError("hosts and vms are empty: nothing to consolidate (empty estate)")
    if vms.n_vms == 0:
        raise ValueError("vms is empty: nothing to consolidate (empty estate)")
    if scope not in ("cluster", "estate"):
        raise ValueError(f"scope must be 'cluster' or 'estate', got {scope!r}")
    if method not in ("auto", "heuristic", "exact"):
        raise ValueError(f"method must be 'auto', 'heuristic' or 'exact', got {method!r}")
    if ha < 0:
        raise ValueError(f"ha_reserve_hosts must be >= 0, got {ha}")
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s}")


def _plan(
    *,
    hosts: HostTable,
    vms: VmTable,
    demand: VmDemand,
    offer: Offer | None,
    a: Assumptions,
    ceiling: float,
    ha: int,
    scope: str,
    method: str,
    time_limit_s: float,
    policy: dict[str, Any],
    year: int,
) -> ConsolidationResult:
    sizes = demand.sizes
    placement = np.full(vms.n_vms, -1, dtype=np.int64)
    unplaced: list[tuple[int, str]] = list(demand.excluded)
    t_cluster: list[int] = []
    t_existing: list[int] = []
    t_ha: list[bool] = []
    t_load: list[NDArray[np.float64]] = []
    t_raw: list[NDArray[np.float64]] = []
    bound_total, kinds, solvers = 0, [], []
    budget_s = time_limit_s
    if offer is None:
        if hosts.n_hosts == 0:
            raise ValueError("hosts is empty and offer is None: no target host to repack onto")
        done, _ = complete_host_estimates(hosts=hosts)
        cap_all = host_capacity(hosts=hosts, ceiling=ceiling)
        raw_all = host_capacity(hosts=hosts, ceiling=1.0)
        # Preference: largest usable capacity first (weighted by each resource's share of the
        # demand; CPU capacity is in reference MHz, so newer cores count more), then per-core perf.
        share = sizes.sum(axis=0) / cap_all.sum(axis=0)
        weight = share / share.sum() if share.sum() > 0 else np.full(2, 0.5)
        score = (cap_all / cap_all.max(axis=0)) @ weight
        pref = np.lexsort((-done.perf_per_core, -score))
        free = np.ones(hosts.n_hosts, dtype=bool)  # an existing host serves one group only
    else:
        cap_one = offer_capacity(offer=offer, ceiling=ceiling)
        raw_one = offer_capacity(offer=offer, ceiling=1.0)
    for g, pos in sorted(_groups(hosts=hosts, vms=vms, demand=demand, scope=scope).items()):
        if pos.size == 0:
            continue
        if offer is None:
            members = pref if (scope == "estate") else pref[hosts.cluster[pref] == g]
            if members.size == 0:  # VMs of a cluster without hosts: any host still free
                members = pref
            members = members[free[members]]
            if members.size == 0:
                for p in pos.tolist():
                    unplaced.append((int(demand.vm_index[p]), "no free existing host left"))
                continue
            caps, identical = cap_all[members], False
        else:
            caps, identical = np.tile(cap_one, (pos.size, 1)), True
        assignment, used, bound, kind, solver, spent = _pack_group(
            sizes=sizes[pos],
            caps=caps,
            identical=identical,
            method=method,
            time_limit_s=budget_s,
        )
        budget_s -= spent
        bound_total += bound
        kinds.append(f"cluster {g}: {kind}" if scope == "cluster" else kind)
        solvers.append(solver)
        for p in np.flatnonzero(assignment < 0):
            reason = "no target host left with enough free capacity"
            if not ((sizes[pos[p]] <= caps).all(axis=1)).any():
                reason = (
                    f"demand ({sizes[pos[p], 0]:.0f} ref MHz, {sizes[pos[p], 1]:.0f} MiB) exceeds"
                    " the usable capacity of every target host"
                )
            unplaced.append((int(demand.vm_index[pos[p]]), reason))
        load = np.zeros((caps.shape[0], 2))
        ok = assignment >= 0
        np.add.at(load, assignment[ok], sizes[pos[ok]])
        first_new = len(t_cluster)
        slot = {int(b): first_new + k for k, b in enumerate(used.tolist())}
        for b in used.tolist():
            t_cluster.append(g)
            t_existing.append(int(members[b]) if offer is None else -1)
            t_ha.append(False)
            t_load.append(load[b])
            t_raw.append(raw_all[members[b]] if offer is None else raw_one)
        vm_rows = demand.vm_index[pos[ok]]
        if offer is None:
            placement[vm_rows] = members[assignment[ok]]
        else:
            placement[vm_rows] = np.array([slot[int(b)] for b in assignment[ok]], dtype=np.int64)
        if used.size:
            used_set = set(used.tolist())
            spare = [b for b in range(caps.shape[0]) if b not in used_set] if offer is None else []
            for k in range(ha):
                if offer is None and k >= len(spare):
                    break
                bound_total += 1  # the reserve is part of the requirement, so of the bound too
                t_cluster.append(g)
                t_existing.append(int(members[spare[k]]) if offer is None else -1)
                t_ha.append(True)
                t_load.append(np.zeros(2))
                t_raw.append(raw_all[members[spare[k]]] if offer is None else raw_one)
        if offer is None:
            free[[t for t in t_existing if t >= 0]] = False
    return assemble_result(
        hosts=hosts,
        vms=vms,
        demand=demand,
        offer=offer,
        a=a,
        placement=placement,
        unplaced=unplaced,
        t_cluster=t_cluster,
        t_existing=t_existing,
        t_ha=t_ha,
        t_load=t_load,
        t_raw=t_raw,
        bound_total=bound_total,
        kinds=kinds,
        solvers=solvers,
        policy=policy,
        year=year,
    )
