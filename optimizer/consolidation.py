"""Consolidation plan: how few hosts can carry the VMs, and which ones.

Targets are either new hosts of an `Offer` (several offers: see `optimizer.fleet.compare_offers`)
or the existing hosts (`offer` None), opened largest usable capacity first (CPU in reference MHz,
so newer cores count more), then by per-core performance. With the policy's `scope="cluster"` each
cluster is packed separately, with its own HA reserve; `scope="estate"` packs everything together.
Besides demand under the ceiling, the policy's vCPU : core and memory overcommit caps are packing
dimensions (`optimizer.limits`). On existing hosts, the reserve covers the load of the k largest
hosts of the group in every dimension (`optimizer.ha_reserve`).

Under `Policy(demand="profile")` a VM's CPU is its usage profile: one packing dimension per time
slot (`optimizer.limits`). Never worse than the P95, per group: a group whose profile packing needs
more hosts than its P95 packing keeps the P95 one (`ConsolidationResult.p95_kept_groups`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.consolidation_job import Job, cluster_labels
from optimizer.consolidation_result import ConsolidationResult, Targets, assemble_result
from optimizer.constraints import PlacementRules
from optimizer.demand import compute_demand
from optimizer.errors import PlanInputError
from optimizer.estate import (
    HostTable,
    Offer,
    VmTable,
    complete_host_estimates,
    validate_hosts,
    validate_vms,
)
from optimizer.ha_reserve import choose_reserve, reserve_lower_bound, reserve_need
from optimizer.limits import (
    host_quantities,
    limit_capacity,
    offer_quantities,
    packing_dims,
    peak_quantities,
    vm_quantities,
)
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode

__all__ = ["ConsolidationResult", "cluster_labels", "plan_consolidation"]


def plan_consolidation(
    *,
    hosts: HostTable,
    vms: VmTable,
    offer: Offer | None = None,
    assumptions: Assumptions | None = None,
    policy: Policy | None = None,
    method: Literal["auto", "heuristic", "exact"] = "auto",
    time_limit_s: float = 10.0,
    rules: PlacementRules | None = None,
) -> ConsolidationResult:
    """Plan the fewest hosts carrying the VMs under a utilisation ceiling and an HA reserve.

    Args:
        hosts: existing hosts, shape (n,).
        vms: the VMs, shape (m,).
        offer: the server model to buy, or None to repack onto existing hosts (to choose between
            several offers, see `optimizer.fleet.compare_offers`).
        assumptions: defaults if None.
        policy: ceiling, HA reserve, scope and VM filters (defaults if None).
        method: "heuristic", "exact" (CP-SAT, small groups only) or "auto" (CP-SAT on groups of up
            to 60 VMs when the heuristic is above the bound).
        time_limit_s: total CP-SAT budget in deterministic seconds (`optimizer.exact`), shared by
            the groups in order: the same inputs always give the same plan.
        rules: anti-affinity, kept-together, pins and stays (`optimizer.constraints`); pins and
            stays apply to a repack only. A repack also keeps VMs on their current host where the
            host count allows (fewest moves, `optimizer.moves`).

    Raises:
        PlanInputError: "empty_estate", "no_target_host", "unknown_method", "bad_time_limit".
    """
    a = assumptions or Assumptions()
    pol = policy or Policy()
    _check_args(hosts=hosts, vms=vms, offer=offer, method=method, time_limit_s=time_limit_s)
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=a, policy=pol)
    job = Job(hosts=hosts, vms=vms, demand=demand, policy=pol, method=method, budget_s=time_limit_s)
    job.quantities = vm_quantities(demand=demand, vms=vms)
    job.rules = None if rules is None or rules.empty else rules
    targets = _repack_existing(job) if offer is None else _pack_on_offer(job, offer)
    result = assemble_result(
        hosts=hosts,
        demand=demand,
        offer_name=None if offer is None else offer.name,
        a=a,
        policy=pol,
        targets=targets,
    )
    placed = result.placement >= 0
    moved = placed if offer is not None else placed & (result.placement != vms.host)
    return replace(
        result,
        n_migrations=int(moved.sum()),
        demand="profile" if demand.n_slots else "p95",
        p95_kept_groups=tuple(targets.p95_kept),
    )


def _check_args(*, hosts: HostTable, vms: VmTable, offer: Offer | None, method: str, time_limit_s: float) -> None:
    validate_hosts(hosts)
    validate_vms(vms, hosts)
    if vms.n_vms == 0:
        raise PlanInputError("empty_estate", {"n_hosts": hosts.n_hosts, "n_vms": 0})
    if offer is None and hosts.n_hosts == 0:
        raise PlanInputError("no_target_host")
    if method not in ("auto", "heuristic", "exact"):
        raise PlanInputError("unknown_method", {"method": str(method)})
    if time_limit_s <= 0:
        raise PlanInputError("bad_time_limit", {"time_limit_s": float(time_limit_s)})


def _pack_on_offer(job: Job, offer: Offer) -> Targets:
    """Each group onto identical new hosts of `offer`, plus its HA reserve."""
    tg = job.new_targets()
    raw_one = offer_quantities(offer)
    groups = job.groups()
    job.prefetch([(g, pos, np.tile(raw_one, (pos.size, 1))) for g, pos in groups])
    for g, pos in groups:
        raw = np.tile(raw_one, (pos.size, 1))
        assignment, used, load, _ = job.pack(tg, group=g, pos=pos, raw=raw, identical=True)
        slot = np.full(raw.shape[0], -1, dtype=np.int64)
        for b in used.tolist():
            slot[b] = tg.add(group=g, existing=-1, is_ha=False, load=peak_quantities(load[b]), raw=raw_one)
        ok = assignment >= 0
        tg.placement[job.demand.vm_index[pos[ok]]] = slot[assignment[ok]]
        if used.size:
            for _ in range(job.policy.ha_reserve_hosts):
                tg.bound += 1  # the reserve is part of the requirement, so of the bound too
                tg.add(group=g, existing=-1, is_ha=True, load=np.zeros(4), raw=raw_one)
    return tg


def _repack_existing(job: Job) -> Targets:
    """Each group onto its own cluster's existing hosts (any free host if it has none), opened
    largest usable capacity first, then by per-core performance; spare ones become its reserve."""
    hosts, tg = job.hosts, job.new_targets()
    raw_all = host_quantities(hosts)
    # Hosts in the order of the P95 plan, on profiles too: a group that keeps its P95 packing gets
    # exactly the P95 plan's.
    cap_all = limit_capacity(raw_all, job.policy)
    pref = _preference(hosts=hosts, sizes=job.quantities[:, packing_dims(job.policy)], cap_all=cap_all)
    free = np.ones(hosts.n_hosts, dtype=bool)  # an existing host serves one group only
    for g, pos in job.groups():
        members = pref if job.policy.scope == "estate" else pref[hosts.cluster[pref] == g]
        if members.size == 0:  # VMs of a cluster without hosts: any host still free
            members = pref
        members = members[free[members]]
        if members.size == 0:
            tg.unplaced.extend((int(v), Reason(ReasonCode.NO_FREE_EXISTING_HOST)) for v in job.demand.vm_index[pos])
            continue
        assignment, used, load, packed_on = job.pack(
            tg, group=g, pos=pos, raw=raw_all[members], identical=False, members=members
        )
        for b in used.tolist():
            tg.add(
                group=g, existing=int(members[b]), is_ha=False, load=peak_quantities(load[b]), raw=raw_all[members[b]]
            )
        ok = assignment >= 0
        tg.placement[job.demand.vm_index[pos[ok]]] = members[assignment[ok]]
        if used.size:
            _add_reserve(job, tg, group=g, members=members, used=used, load=load, pos=pos, n_slots=packed_on)
        free[[t for t in tg.existing if t >= 0]] = False
    return tg


def _add_reserve(
    job: Job,
    tg: Targets,
    *,
    group: int,
    members: NDArray[np.int64],
    used: NDArray[np.int64],
    load: NDArray[np.float64],
    pos: NDArray[np.int64],
    n_slots: int,
) -> None:
    """Keep spare members (preference order) as the group's reserve, enough to carry the load of its
    k largest used hosts in every packing dimension (each slot on profiles); raise the bound to match."""
    k, dims = job.policy.ha_reserve_hosts, packing_dims(job.policy, n_slots)
    raw = host_quantities(job.hosts)[members]
    caps = limit_capacity(raw, job.policy, n_slots)
    spare = np.setdiff1d(np.arange(members.size), used)  # in preference order: members are sorted
    chosen, covered = choose_reserve(reserve_need(load[used][:, dims], k), caps[spare], k)
    if covered and k > 0:
        # Any packing plus a covering reserve needs >= bound + k hosts, and enough capacity for
        # the demand plus its k largest items (optimizer.ha_reserve): keep the larger.
        sizes = job.quantities[pos][:, dims]
        total = max(job.last_bound + k, reserve_lower_bound(sizes=sizes, capacities=caps, k=k))
        tg.bound += total - job.last_bound
    else:
        tg.bound += int(chosen.size)  # the reserve found; the shortfall is reported, not bounded
        if k > 0 and not covered:
            tg.uncovered.append(group)
    for b in spare[chosen].tolist():
        tg.add(group=group, existing=int(members[b]), is_ha=True, load=np.zeros(4), raw=raw[b])


def _preference(*, hosts: HostTable, sizes: NDArray[np.float64], cap_all: NDArray[np.float64]) -> NDArray[np.int64]:
    """Existing hosts, largest usable capacity first (weighted by each packing dimension's share of
    the demand, vCPU slots included; CPU capacity is in reference MHz, so newer cores count more),
    then per-core perf."""
    done, _ = complete_host_estimates(hosts=hosts)
    share = sizes.sum(axis=0) / cap_all.sum(axis=0)
    weight = share / share.sum() if share.sum() > 0 else np.full(cap_all.shape[1], 1.0 / cap_all.shape[1])
    score = (cap_all / cap_all.max(axis=0)) @ weight
    return np.asarray(np.lexsort((-done.perf_per_core, -score)), dtype=np.int64)
