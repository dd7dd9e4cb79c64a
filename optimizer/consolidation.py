"""Consolidation plan: how few hosts can carry the VMs, and which ones.

Targets are either new hosts of an `Offer` (several offers: see `optimizer.fleet.compare_offers`)
or the existing hosts (`offer` None), opened largest usable capacity first (CPU in reference MHz,
so newer cores count more), then by per-core performance. With the policy's `scope="cluster"` each
cluster is packed separately, with its own HA reserve; `scope="estate"` packs everything together.
Besides demand under the ceiling, the policy's vCPU : core and memory overcommit caps are packing
dimensions (`optimizer.limits`). On existing hosts, the reserve covers the load of the k largest
hosts of the group in every dimension (`optimizer.ha_reserve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.bounds import lower_bound_heterogeneous, lower_bound_identical
from optimizer.consolidation_result import ConsolidationResult, Targets, assemble_result
from optimizer.constraints import PlacementRules, group_units
from optimizer.demand import VmDemand, compute_demand
from optimizer.errors import PlanInputError
from optimizer.estate import (
    HostTable,
    Offer,
    VmTable,
    complete_host_estimates,
    validate_hosts,
    validate_vms,
)
from optimizer.exact import pack_vectors_exact
from optimizer.ha_reserve import choose_reserve, reserve_lower_bound, reserve_need
from optimizer.limits import (
    host_quantities,
    limit_capacity,
    offer_quantities,
    pack_under_caps,
    packing_dims,
    vm_quantities,
)
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode
from optimizer.ruled import pack_ruled_group

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
    heur = pack_under_caps(sizes=sizes, bin_capacities=caps)
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
        time_limit_s: total CP-SAT budget, shared by the groups in order.
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
    job = _Job(hosts=hosts, vms=vms, demand=demand, policy=pol, method=method, budget_s=time_limit_s)
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
    return replace(result, n_migrations=int(moved.sum()))


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


@dataclass
class _Job:
    """What every group of one plan shares; `budget_s` is the CP-SAT time left."""

    hosts: HostTable
    vms: VmTable
    demand: VmDemand
    policy: Policy
    method: str
    budget_s: float
    #: Shape (k, 4): the four quantities of each VM to place (`optimizer.limits.QUANTITIES`).
    quantities: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 4)))
    last_bound: int = 0  # lower bound of the group packed last (without its reserve)
    rules: PlacementRules | None = None

    def new_targets(self) -> Targets:
        """Empty targets, with the VMs the policy left out already reported."""
        return Targets(placement=np.full(self.vms.n_vms, -1, dtype=np.int64), unplaced=list(self.demand.excluded))

    def pack(
        self,
        tg: Targets,
        *,
        group: int,
        pos: NDArray[np.int64],
        caps: NDArray[np.float64],
        identical: bool,
        members: NDArray[np.int64] | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Pack the VMs at `pos` into `caps` (usable, packing dimensions; existing hosts `members`
        on a repack); report the unplaced.

        Returns (assignment, used, load): load per bin in the four quantities, shape (b, 4)."""
        sizes = self.quantities[pos][:, packing_dims(self.policy)]
        if self.rules is not None or members is not None:  # rules, or fewest moves on a repack
            assignment, used, bound, kind, solver, spent = self._pack_ruled(
                tg, pos=pos, sizes=sizes, caps=caps, members=members
            )
        else:
            assignment, used, bound, kind, solver, spent = _pack_group(
                sizes=sizes, caps=caps, identical=identical, method=self.method, time_limit_s=self.budget_s
            )
        self.budget_s -= spent
        self.last_bound = bound
        tg.bound += bound
        tg.kinds.append(f"cluster {group}: {kind}" if self.policy.scope == "cluster" else kind)
        tg.solvers.append(solver)
        told = {int(v) for v, _ in tg.unplaced}
        for p in np.flatnonzero(assignment < 0).tolist():
            vm = int(self.demand.vm_index[pos[p]])
            if vm in told:
                continue
            if ((sizes[p] <= caps).all(axis=1)).any():
                tg.unplaced.append((vm, Reason(ReasonCode.NO_CAPACITY_LEFT)))
            else:
                params = {"cpu_ref_mhz": float(sizes[p, 0]), "memory_mib": float(sizes[p, 1])}
                tg.unplaced.append((vm, Reason(ReasonCode.TOO_LARGE, params)))
        load = np.zeros((caps.shape[0], 4))
        ok = assignment >= 0
        np.add.at(load, assignment[ok], self.quantities[pos][ok])
        return assignment, used, load

    def _pack_ruled(
        self,
        tg: Targets,
        *,
        pos: NDArray[np.int64],
        sizes: NDArray[np.float64],
        caps: NDArray[np.float64],
        members: NDArray[np.int64] | None,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], int, str, str, float]:
        """`_pack_group` under the rules (`optimizer.ruled`); rule failures go to `tg.unplaced`."""
        vm_index = self.demand.vm_index[pos]
        home = np.full(pos.size, -1, dtype=np.int64)
        fixed = np.full(pos.size, -1, dtype=np.int64)
        if members is not None:
            slot = np.full(self.hosts.n_hosts + 1, -1, dtype=np.int64)  # host -> bin; index -1 -> -1
            slot[members] = np.arange(members.size)
            home = slot[self.vms.host[vm_index]]
            if self.rules is not None:
                want = self.rules.fixed_hosts(self.vms.host)[vm_index]
                fixed = np.where(want >= 0, np.where(slot[want] >= 0, slot[want], -2), -1)
        rules = self.rules or PlacementRules()
        units = group_units(vm_index=vm_index, sizes=sizes, rules=rules, fixed_bin=fixed, home_bin=home)
        out = pack_ruled_group(
            units=units,
            caps=caps,
            n_positions=pos.size,
            identical=members is None,
            method=self.method,
            time_limit_s=self.budget_s,
        )
        tg.unplaced.extend((int(vm_index[p]), r) for p, r in out.rejected)
        return out.assignment, out.used, out.bound, out.kind, out.solver, out.spent_s

    def groups(self) -> list[tuple[int, NDArray[np.int64]]]:
        """Non-empty groups in label order."""
        found = _groups(hosts=self.hosts, vms=self.vms, demand=self.demand, scope=self.policy.scope)
        return [(g, pos) for g, pos in sorted(found.items()) if pos.size]


def _pack_on_offer(job: _Job, offer: Offer) -> Targets:
    """Each group onto identical new hosts of `offer`, plus its HA reserve."""
    tg = job.new_targets()
    raw_one = offer_quantities(offer)
    cap_one = limit_capacity(raw_one, job.policy)
    for g, pos in job.groups():
        caps = np.tile(cap_one, (pos.size, 1))
        assignment, used, load = job.pack(tg, group=g, pos=pos, caps=caps, identical=True)
        slot = np.full(caps.shape[0], -1, dtype=np.int64)
        for b in used.tolist():
            slot[b] = tg.add(group=g, existing=-1, is_ha=False, load=load[b], raw=raw_one)
        ok = assignment >= 0
        tg.placement[job.demand.vm_index[pos[ok]]] = slot[assignment[ok]]
        if used.size:
            for _ in range(job.policy.ha_reserve_hosts):
                tg.bound += 1  # the reserve is part of the requirement, so of the bound too
                tg.add(group=g, existing=-1, is_ha=True, load=np.zeros(4), raw=raw_one)
    return tg


def _repack_existing(job: _Job) -> Targets:
    """Each group onto its own cluster's existing hosts (any free host if it has none), opened
    largest usable capacity first, then by per-core performance; spare ones become its reserve."""
    hosts, tg = job.hosts, job.new_targets()
    raw_all = host_quantities(hosts)
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
        assignment, used, load = job.pack(tg, group=g, pos=pos, caps=cap_all[members], identical=False, members=members)
        for b in used.tolist():
            tg.add(group=g, existing=int(members[b]), is_ha=False, load=load[b], raw=raw_all[members[b]])
        ok = assignment >= 0
        tg.placement[job.demand.vm_index[pos[ok]]] = members[assignment[ok]]
        if used.size:
            _add_reserve(job, tg, group=g, members=members, used=used, load=load, pos=pos)
        free[[t for t in tg.existing if t >= 0]] = False
    return tg


def _add_reserve(
    job: _Job,
    tg: Targets,
    *,
    group: int,
    members: NDArray[np.int64],
    used: NDArray[np.int64],
    load: NDArray[np.float64],
    pos: NDArray[np.int64],
) -> None:
    """Keep spare members (preference order) as the group's reserve, enough to carry the load of its
    k largest used hosts in every packing dimension; raise the bound to match."""
    k, dims = job.policy.ha_reserve_hosts, packing_dims(job.policy)
    raw = host_quantities(job.hosts)[members]
    caps = limit_capacity(raw, job.policy)
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
