"""How `plan_consolidation` packs one group: the groups of a plan, the packing of a group (heuristic,
CP-SAT on small groups, rules and fewest moves on a repack), and, on usage profiles, the P95
packing kept where it needs fewer hosts (never worse than the P95, per group).

Split from ``optimizer.consolidation``, which assembles the groups onto new or existing hosts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.bounds import lower_bound_heterogeneous, lower_bound_identical
from optimizer.consolidation_result import Targets
from optimizer.constraints import PlacementRules, group_units
from optimizer.demand import VmDemand
from optimizer.estate import HostTable, VmTable
from optimizer.exact import pack_vectors_exact
from optimizer.ha_reserve import choose_reserve, reserve_need
from optimizer.limits import (
    CapsRequest,
    limit_capacity,
    n_demand_dims,
    pack_under_caps,
    pack_under_caps_many,
    packing_dims,
)
from optimizer.packing import Packing
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode
from optimizer.ruled import pack_ruled_group

__all__ = ["EXACT_AUTO_MAX_VMS", "EXACT_MAX_VMS", "Job", "cluster_labels", "groups_of", "pack_group"]

#: One packing of a group: (assignment, bins used, bound, bound kind, solver, CP-SAT deterministic
#: s, VMs the rules reject).
_Packed = tuple[NDArray[np.int64], NDArray[np.int64], int, str, str, float, list[tuple[int, Reason]]]

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


def groups_of(*, hosts: HostTable, vms: VmTable, demand: VmDemand, scope: str) -> dict[int, NDArray[np.int64]]:
    """Group -> positions in `demand` (cluster of the VM, else of its host, else -1)."""
    if scope == "estate":
        return {-1: np.arange(demand.vm_index.size)}
    cl = cluster_labels(hosts=hosts, vms=vms, vm_index=demand.vm_index)
    return {int(c): np.flatnonzero(cl == c) for c in np.unique(cl)}


def pack_group(
    *,
    sizes: NDArray[np.float64],
    caps: NDArray[np.float64],
    identical: bool,
    method: str,
    time_limit_s: float,
    n_demand: int = 2,
    heur: Packing | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, str, str, float]:
    """Return (assignment into caps, bins used, lower bound, bound kind, solver label, CP-SAT s).

    `heur` is the heuristic packing when already computed (`Job.prefetch`): `pack_under_caps`
    on the same inputs, which gives the same packing."""
    if heur is None:
        heur = pack_under_caps(sizes=sizes, bin_capacities=caps, n_demand=n_demand)
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
        solver, spent = f"cp-sat:{ex.status}", ex.det_time_s
        bound = max(bound, ex.best_bound)
        ok = ex.n_bins >= 0 and ((ex.assignment >= 0) == (heur.assignment >= 0)).all()
        if ok and ex.n_bins <= heur.n_bins:
            assignment = ex.assignment
            used = np.unique(ex.assignment[ex.assignment >= 0])
    return assignment, used, bound, lb.kind, solver, spent


@dataclass
class Job:
    """What every group of one plan shares, and how one group is packed; `budget_s` is the CP-SAT
    deterministic time left (each group's spend is deterministic, so the sharing is too)."""

    hosts: HostTable
    vms: VmTable
    demand: VmDemand
    policy: Policy
    method: str
    budget_s: float
    #: Shape (k, 4 + s): the four quantities of each VM to place (`optimizer.limits.QUANTITIES`),
    #: then its CPU at each of the s profile slots (none when packed on the P95).
    quantities: NDArray[np.float64] = field(default_factory=lambda: np.zeros((0, 4)))
    last_bound: int = 0  # lower bound of the group packed last (without its reserve)
    rules: PlacementRules | None = None
    #: Heuristic packing of each group, by (group, CPU slots packed on), computed by `prefetch`.
    heuristic: dict[tuple[int, int], Packing] = field(default_factory=dict)

    def prefetch(self, groups: Sequence[tuple[int, NDArray[np.int64], NDArray[np.float64]]]) -> None:
        """Compute the heuristic packings `pack` will need for `groups` (label, positions, raw bins)
        in one `pack_under_caps_many`, whose greedy passes run in lockstep: a plan packs each
        cluster separately, and one Python loop per pass and cluster dominated its time.

        Only the packings `pack_group` computes (no rules, no repack), on the P95: on profiles the
        profile packings are many-dimensional (no lockstep pass) and large, so they stay per group."""
        if self.rules is not None:
            return
        dims = packing_dims(self.policy)
        requests = [
            CapsRequest(self.quantities[pos][:, dims], limit_capacity(raw, self.policy), 0, n_demand_dims())
            for _, pos, raw in groups
        ]
        packed = pack_under_caps_many(requests)
        self.heuristic = {(g, 0): p for (g, _, _), p in zip(groups, packed, strict=True)}

    def new_targets(self) -> Targets:
        """Empty targets, with the VMs the policy left out already reported."""
        return Targets(placement=np.full(self.vms.n_vms, -1, dtype=np.int64), unplaced=list(self.demand.excluded))

    def pack(
        self,
        tg: Targets,
        *,
        group: int,
        pos: NDArray[np.int64],
        raw: NDArray[np.float64],
        identical: bool,
        members: NDArray[np.int64] | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], int]:
        """Pack the VMs at `pos` into bins of raw quantities `raw` (b, 4) (existing hosts `members`
        on a repack); on profiles, keep the P95 packing when it needs fewer hosts; report the unplaced.

        Returns (assignment, used, load, slots packed on): load per bin in every quantity, (b, 4 + s)."""
        slots = self.demand.n_slots
        out = self._pack_on(group, pos=pos, raw=raw, identical=identical, members=members, n_slots=slots)
        if slots:
            scalar = self._pack_on(group, pos=pos, raw=raw, identical=identical, members=members, n_slots=0)
            # Never worse than the P95: as many VMs placed on fewer hosts (reserve included), or more placed.
            if self._cost(scalar, pos, raw, members, 0) < self._cost(out, pos, raw, members, slots):
                out, slots = scalar, 0
                tg.p95_kept.append(group)
        assignment, used, bound, kind, solver, _, rejected = out
        self.last_bound = bound
        tg.bound += bound
        tg.kinds.append(f"cluster {group}: {kind}" if self.policy.scope == "cluster" else kind)
        tg.solvers.append(solver)
        tg.unplaced.extend(rejected)
        caps = limit_capacity(raw, self.policy, slots)
        sizes = self.quantities[pos][:, packing_dims(self.policy, slots)]
        told = {int(v) for v, _ in tg.unplaced}
        for p in np.flatnonzero(assignment < 0).tolist():
            vm = int(self.demand.vm_index[pos[p]])
            if vm in told:
                continue
            if ((sizes[p] <= caps).all(axis=1)).any():
                tg.unplaced.append((vm, Reason(ReasonCode.NO_CAPACITY_LEFT)))
            else:
                q = self.quantities[pos[p]]
                params = {"cpu_ref_mhz": float(q[4:].max() if slots else q[0]), "memory_mib": float(q[1])}
                tg.unplaced.append((vm, Reason(ReasonCode.TOO_LARGE, params)))
        load = np.zeros((raw.shape[0], self.quantities.shape[1]))
        ok = assignment >= 0
        np.add.at(load, assignment[ok], self.quantities[pos][ok])
        return assignment, used, load, slots

    def _cost(
        self,
        out: _Packed,
        pos: NDArray[np.int64],
        raw: NDArray[np.float64],
        members: NDArray[np.int64] | None,
        n_slots: int,
    ) -> tuple[int, int]:
        """(VMs left out, hosts used plus, on a repack, the spare hosts its HA reserve takes)."""
        assignment, used = out[0], out[1]
        n_reserve = 0
        if members is not None and used.size:
            dims = packing_dims(self.policy, n_slots)
            load = np.zeros((raw.shape[0], dims.size))
            ok = assignment >= 0
            np.add.at(load, assignment[ok], self.quantities[pos[ok]][:, dims])
            spare = np.setdiff1d(np.arange(raw.shape[0]), used)
            k = self.policy.ha_reserve_hosts
            caps = limit_capacity(raw[spare], self.policy, n_slots)
            n_reserve = choose_reserve(reserve_need(load[used], k), caps, k)[0].size
        return int((assignment < 0).sum()), int(used.size) + n_reserve

    def _pack_on(
        self,
        group: int,
        *,
        pos: NDArray[np.int64],
        raw: NDArray[np.float64],
        identical: bool,
        members: NDArray[np.int64] | None,
        n_slots: int,
    ) -> _Packed:
        """One packing of the group, CPU on its P95 (`n_slots` 0) or on its profile slots; the CP-SAT
        deterministic time it spends comes off the budget."""
        caps = limit_capacity(raw, self.policy, n_slots)
        sizes = self.quantities[pos][:, packing_dims(self.policy, n_slots)]
        if self.rules is not None or members is not None:  # rules, or fewest moves on a repack
            out = self._pack_ruled(pos=pos, sizes=sizes, caps=caps, members=members, method=self.method)
            if members is not None and out[4].startswith("cp-sat"):
                out = self._fewest_hosts(out, pos=pos, sizes=sizes, raw=raw, members=members, n_slots=n_slots)
        else:
            packed = pack_group(
                sizes=sizes,
                caps=caps,
                identical=identical,
                method=self.method,
                time_limit_s=self.budget_s,
                n_demand=n_demand_dims(n_slots),
                heur=self.heuristic.pop((group, n_slots), None),
            )
            out = (*packed, [])
        self.budget_s -= out[5]
        return out

    def _fewest_hosts(
        self,
        out: _Packed,
        *,
        pos: NDArray[np.int64],
        sizes: NDArray[np.float64],
        raw: NDArray[np.float64],
        members: NDArray[np.int64],
        n_slots: int,
    ) -> _Packed:
        """CP-SAT's repack, unless the heuristic's needs fewer hosts once the HA reserve is counted:
        CP-SAT's fewest-moves packing may leave larger host loads, which a larger reserve must carry."""
        caps = limit_capacity(raw, self.policy, n_slots)
        heur = self._pack_ruled(pos=pos, sizes=sizes, caps=caps, members=members, method="heuristic")
        if self._cost(heur, pos, raw, members, n_slots) < self._cost(out, pos, raw, members, n_slots):
            return heur[0], heur[1], max(heur[2], out[2]), heur[3], f"heuristic (not {out[4]})", out[5], heur[6]
        return out

    def _pack_ruled(
        self,
        *,
        pos: NDArray[np.int64],
        sizes: NDArray[np.float64],
        caps: NDArray[np.float64],
        members: NDArray[np.int64] | None,
        method: str,
    ) -> _Packed:
        """`pack_group` under the rules (`optimizer.ruled`), with the VMs the rules reject."""
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
            method=method,
            time_limit_s=self.budget_s,
        )
        rejected = [(int(vm_index[p]), r) for p, r in out.rejected]
        return out.assignment, out.used, out.bound, out.kind, out.solver, out.spent_s, rejected

    def groups(self) -> list[tuple[int, NDArray[np.int64]]]:
        """Non-empty groups in label order."""
        found = groups_of(hosts=self.hosts, vms=self.vms, demand=self.demand, scope=self.policy.scope)
        return [(g, pos) for g, pos in sorted(found.items()) if pos.size]
