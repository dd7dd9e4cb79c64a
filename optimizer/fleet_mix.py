"""The cheapest new fleet: a mix of offers and counts, not one offer at a time.

`optimizer.fleet.compare_offers` packs each offer alone and keeps the cheapest. With per-core
licences in the TCO, fewer cores can beat fewer hosts, and a CPU-rich offer beside a memory-rich
one can beat both: `cheapest_fleet` searches mixes of at most two offers per group (cluster, or
the estate) and reports the mix's TCO, the best single offer's TCO and a proven lower bound on the
TCO of any fleet of these offers (`optimizer.fleet_bound`).

Search, per group (`optimizer.fleet_search`): every offer alone (the single-offer fleets, reserve
of the same offer), then for each pair (A, B), A the better value per unit of capacity, the bins
"k hosts of A, then hosts of B" packed by `pack_vectors` (the greedy opens them in that order), k
scanned on a coarse grid then refined by halving steps around the best (about 5 + 2·log2(k range)
packings per pair; pairs whose own lower bound exceeds the best candidate are skipped). With
`separate_windows`, the same on the Windows VMs and on the others apart, so that only the hosts
carrying Windows pay the Datacenter licence. A candidate is feasible only when all the group's
VMs are placed. Each candidate is costed by `option_tco` on its own hosts with the
estate-wide terms switched off (vSphere order minimum, Windows licences owned), which makes group
costs add up exactly; the chosen groups are then costed together with the real assumptions, and
the best single offer wins instead if that real TCO is lower (so mix <= best single, always).

HA reserve: `ha_reserve_hosts` hosts per group, each able to take over any working host of the
group: its usable capacity at least the largest host's in every dimension (CPU, memory and the
policy's vCPU : core and memory overcommit caps, `optimizer.limits`, which bind the packing too). The cheapest offer
(per host over the horizon, Windows licence included when the group carries Windows) dominating
every offer used in the group is bought; a mix with no such offer is not feasible. Reserve hosts
are licensed for Windows when their group carries a Windows VM, as in `compare_offers`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.consolidation import cluster_labels
from optimizer.demand import compute_demand
from optimizer.errors import PlanInputError
from optimizer.estate import HostTable, Offer, VmTable
from optimizer.fleet_bound import GroupDemand, TcoLowerBound, tco_lower_bound
from optimizer.fleet_search import GroupFleet, SearchContext, best_group_fleet
from optimizer.limits import limit_capacity, offer_quantities, packing_dims, vm_quantities
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode
from optimizer.tco import OptionTco

__all__ = ["FleetMix", "cheapest_fleet"]


@dataclass(frozen=True, eq=False)
class FleetMix:
    """The cheapest fleet found, against the best single offer and a proven TCO lower bound.

    Attributes:
        offers: the offers searched, in the order given.
        counts: hosts bought per offer (HA reserve included), aligned with `offers`.
        host_offer, host_group, host_is_ha_reserve: shape (t,), each new host's offer index, group
            (cluster label, -1 in estate scope) and reserve flag.
        host_windows: shape (t,), hosts licensed for Windows Server Datacenter (carrying a Windows
            VM, or reserve of a group that has one). With the Windows VMs apart, the plan must keep
            them on these hosts (a DRS VM-host affinity rule).
        cpu_utilisation, memory_utilisation: shape (t,), load / raw capacity of each new host.
        placement: shape (m,) over the VmTable, new host index of each VM, -1 if not placed.
        unplaced: (vm index, reason): left out by policy, or TOO_LARGE for every offer.
        option: the mix's TCO (`option_tco` on the whole new fleet).
        single_options: per offer, the TCO of the fleet of that offer alone (HA reserve of the same
            offer), None when some VM fits no host of it.
        lower_bound: proven lower bound on the TCO of any fleet of these offers.
        n_packings: `pack_vectors` calls made by the search (its work).
        n_pairs_pruned: pairs of offers not scanned: their lower bound already exceeded the best
            candidate of the group.
    """

    offers: tuple[Offer, ...]
    counts: tuple[int, ...]
    host_offer: NDArray[np.int64]
    host_group: NDArray[np.int64]
    host_is_ha_reserve: NDArray[np.bool_]
    host_windows: NDArray[np.bool_]
    cpu_utilisation: NDArray[np.float64]
    memory_utilisation: NDArray[np.float64]
    placement: NDArray[np.int64]
    unplaced: tuple[tuple[int, Reason], ...]
    option: OptionTco
    single_options: tuple[OptionTco | None, ...]
    lower_bound: TcoLowerBound
    n_packings: int
    n_pairs_pruned: int

    @property
    def counts_by_offer(self) -> dict[str, int]:
        """Offer name -> hosts bought (offers not used included, at 0)."""
        return {o.name: n for o, n in zip(self.offers, self.counts, strict=True)}

    @property
    def tco_eur(self) -> float:
        """The mix's TCO, EUR TTC over the horizon."""
        return self.option.tco_eur

    @property
    def best_single(self) -> int | None:
        """Index of the cheapest single offer carrying every VM, None if none can."""
        ok = [i for i, o in enumerate(self.single_options) if o is not None]
        return min(ok, key=lambda i: self.single_options[i].tco_eur) if ok else None  # type: ignore[union-attr]

    @property
    def best_single_option(self) -> OptionTco | None:
        """The TCO of the cheapest single-offer fleet, None if no offer carries every VM alone."""
        best = self.best_single
        return None if best is None else self.single_options[best]

    @property
    def savings_vs_single_eur(self) -> float | None:
        """Best single offer's TCO minus the mix's (>= 0), None without a single-offer fleet."""
        single = self.best_single_option
        return None if single is None else single.tco_eur - self.tco_eur

    @property
    def gap_eur(self) -> float:
        """The mix's TCO minus the lower bound (>= 0): at most this much could still be saved."""
        return self.tco_eur - self.lower_bound.value_eur

    @property
    def gap_pct(self) -> float:
        """`gap_eur` relative to the bound, %."""
        bound = self.lower_bound.value_eur
        return 100.0 * self.gap_eur / bound if bound > 0 else 0.0


@dataclass(frozen=True, eq=False)
class _Group:
    label: int
    vm_index: NDArray[np.int64]  # VmTable indices of the group's VMs to place
    sizes: NDArray[np.float64]
    windows: NDArray[np.bool_]


def cheapest_fleet(
    *,
    hosts: HostTable,
    vms: VmTable,
    offers: Sequence[Offer],
    assumptions: Assumptions,
    policy: Policy,
    start_year: int,
    separate_windows: bool = True,
) -> FleetMix:
    """Choose the mix of offers and counts with the lowest TCO over the horizon (module docstring).

    Same inputs as `compare_offers`; the policy's ceiling, scope, HA reserve and VM filters apply as
    in `plan_consolidation`. VMs larger than every offer are reported TOO_LARGE and left out (of
    the bound too).

    Raises:
        PlanInputError: "no_offer" (empty `offers`), "empty_estate" (no VM), "nothing_to_place"
            (every VM left out by the policy), "no_offer_fits" (no VM fits any offer),
            "no_feasible_mix" (a group no candidate carries with its HA reserve).
    """
    if not offers:
        raise PlanInputError("no_offer")
    if vms.n_vms == 0:
        raise PlanInputError("empty_estate", {"n_hosts": hosts.n_hosts, "n_vms": 0})
    groups, unplaced = _groups(hosts=hosts, vms=vms, offers=offers, assumptions=assumptions, policy=policy)
    ctx = SearchContext.build(offers=offers, assumptions=assumptions, policy=policy, start_year=start_year)
    chosen: list[GroupFleet] = []
    singles: list[list[GroupFleet | None]] = []
    for g in groups:
        best, alone = best_group_fleet(ctx, sizes=g.sizes, windows=g.windows, separate_windows=separate_windows)
        chosen.append(best)
        singles.append(alone)
    mix = _assemble(ctx, groups, chosen, vms.n_vms)
    single_options: list[OptionTco | None] = []
    for o in range(len(offers)):
        fleets = [s[o] for s in singles]
        if any(f is None for f in fleets):
            single_options.append(None)
            continue
        assembly = _assemble(ctx, groups, [f for f in fleets if f is not None], vms.n_vms)
        single_options.append(dataclasses.replace(assembly.option, name=offers[o].name))
        if assembly.option.tco_eur < mix.option.tco_eur:  # estate-wide terms can reverse the order
            mix = assembly
    bound = tco_lower_bound(
        groups=[GroupDemand.of(g.sizes[:, :2], g.windows) for g in groups],
        offers=offers,
        assumptions=assumptions,
        ceiling=policy.ceiling,
        ha_reserve_hosts=policy.ha_reserve_hosts,
        start_year=start_year,
    )
    return FleetMix(
        offers=tuple(offers),
        counts=tuple(int((mix.host_offer == o).sum()) for o in range(len(offers))),
        host_offer=mix.host_offer,
        host_group=mix.host_group,
        host_is_ha_reserve=mix.is_reserve,
        host_windows=mix.windows,
        cpu_utilisation=mix.util[:, 0],
        memory_utilisation=mix.util[:, 1],
        placement=mix.placement,
        unplaced=tuple(sorted(unplaced, key=lambda u: u[0])),
        option=mix.option,
        single_options=tuple(single_options),
        lower_bound=bound,
        n_packings=ctx.n_packings,
        n_pairs_pruned=ctx.n_pairs_pruned,
    )


def _groups(
    *, hosts: HostTable, vms: VmTable, offers: Sequence[Offer], assumptions: Assumptions, policy: Policy
) -> tuple[list[_Group], list[tuple[int, Reason]]]:
    """The groups to fill (as `plan_consolidation` makes them), and the VMs left out."""
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=assumptions, policy=policy)
    unplaced: list[tuple[int, Reason]] = list(demand.excluded)
    if demand.vm_index.size == 0:
        raise PlanInputError("nothing_to_place", {"n_vms": vms.n_vms})
    caps = np.array([limit_capacity(offer_quantities(o), policy) for o in offers])
    sizes = vm_quantities(demand=demand, vms=vms)[:, packing_dims(policy)]  # the caps are dimensions too
    fits: NDArray[np.bool_] = np.any(np.all(sizes[:, None, :] <= caps[None, :, :], axis=2), axis=1)
    largest = caps.max(axis=0)
    for p in np.flatnonzero(~fits).tolist():
        params = {
            "cpu_ref_mhz": float(sizes[p, 0]),
            "memory_mib": float(sizes[p, 1]),
            "max_cpu_ref_mhz": float(largest[0]),
            "max_memory_mib": float(largest[1]),
        }
        unplaced.append((int(demand.vm_index[p]), Reason(ReasonCode.TOO_LARGE, params)))
    if not fits.any():
        raise PlanInputError("no_offer_fits", {"n_vms": int(demand.vm_index.size)})
    if policy.scope == "estate":
        labels = np.full(demand.vm_index.size, -1, dtype=np.int64)
    else:
        labels = cluster_labels(hosts=hosts, vms=vms, vm_index=demand.vm_index)
    groups = []
    for label in np.unique(labels[fits]).tolist():
        pos = np.flatnonzero(fits & (labels == label))
        idx = demand.vm_index[pos]
        groups.append(_Group(label=int(label), vm_index=idx, sizes=sizes[pos], windows=vms.is_windows[idx]))
    return groups, unplaced


@dataclass(frozen=True, eq=False)
class _Assembly:
    host_offer: NDArray[np.int64]
    host_group: NDArray[np.int64]
    is_reserve: NDArray[np.bool_]
    windows: NDArray[np.bool_]
    util: NDArray[np.float64]
    placement: NDArray[np.int64]
    option: OptionTco


def _assemble(ctx: SearchContext, groups: Sequence[_Group], fleets: Sequence[GroupFleet], n_vms: int) -> _Assembly:
    """The whole new fleet: each group's working hosts then its reserve, costed with the real
    assumptions (estate-wide terms included)."""
    offer_parts, load_parts, win_parts, group_parts, reserve_parts = [], [], [], [], []
    placement = np.full(n_vms, -1, dtype=np.int64)
    start = 0
    for g, f in zip(groups, fleets, strict=True):
        placement[g.vm_index] = start + f.assignment
        n_res = ctx.ha if f.reserve_offer >= 0 else 0
        offer_parts.append(np.concatenate([f.host_offer, np.full(n_res, f.reserve_offer, dtype=np.int64)]))
        load_parts.append(np.vstack([f.load, np.zeros((n_res, 2))]))
        win_parts.append(np.concatenate([f.windows, np.full(n_res, bool(g.windows.any()))]))
        group_parts.append(np.full(f.host_offer.size + n_res, g.label, dtype=np.int64))
        reserve_parts.append(np.concatenate([np.zeros(f.host_offer.size, bool), np.ones(n_res, bool)]))
        start += f.host_offer.size + n_res
    host_offer = np.concatenate(offer_parts).astype(np.int64)
    load = np.vstack(load_parts)
    windows = np.concatenate(win_parts).astype(bool)
    option = ctx.fleet_tco(host_offer=host_offer, load=load, windows=windows, assumptions=ctx.assumptions)
    return _Assembly(
        host_offer=host_offer,
        host_group=np.concatenate(group_parts).astype(np.int64),
        is_reserve=np.concatenate(reserve_parts).astype(bool),
        windows=windows,
        util=load / ctx.raw[host_offer],
        placement=placement,
        option=option,
    )
