"""The per-group search behind `optimizer.fleet_mix.cheapest_fleet`: each offer alone, then each
pair of offers with the count of the first scanned (coarse grid, then halving steps).

Every candidate is packed by `pack_vectors` and costed by `option_tco` on its own hosts (HA reserve
included) with the estate-wide terms switched off, so that the groups' costs add up.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import offer_capacity
from optimizer.errors import PlanInputError
from optimizer.estate import Offer
from optimizer.fleet_bound import BoundFigures, GroupDemand, group_lower_bound
from optimizer.limits import limit_capacity, offer_quantities
from optimizer.packing import pack_vectors
from optimizer.policy import Policy
from optimizer.tco import FleetHardware, OptionTco, offer_unit_eur_ht, option_tco

__all__ = ["COARSE_POINTS", "GroupFleet", "SearchContext", "best_group_fleet"]

#: Counts of the first offer of a pair tried before refining around the best.
COARSE_POINTS = 5
_CAP_TOL = 1e-12  # relative: an offer dominates another with equal capacities


@dataclass(frozen=True, eq=False)
class GroupFleet:
    """One group's candidate fleet.

    Attributes:
        cost: its TCO with the estate-wide terms off (EUR TTC over the horizon), reserve included.
        host_offer, load, windows: working hosts' offer index, load (k, 2) and Windows licensing.
        assignment: shape (p,), working host of each VM of the group.
        reserve_offer: offer of the HA reserve hosts, -1 without reserve.
    """

    cost: float
    host_offer: NDArray[np.int64]
    load: NDArray[np.float64]
    windows: NDArray[np.bool_]
    assignment: NDArray[np.int64]
    reserve_offer: int


@dataclass
class SearchContext:
    """Per-offer figures every candidate needs (arrays shape (n,) over the offers), and the count
    of packings made so far."""

    offers: tuple[Offer, ...]
    assumptions: Assumptions
    additive: Assumptions  # the same without estate-wide terms: group costs add up
    start_year: int
    ha: int
    caps: NDArray[np.float64]  # (n, d) usable capacity in the packing dimensions (`optimizer.limits`)
    raw: NDArray[np.float64]  # (n, 2) raw capacity
    unit_ht: NDArray[np.float64]
    embodied: NDArray[np.float64]
    figures: BoundFigures  # linear cost of one host over the horizon (`fixed`, `windows`), for bounds
    hardware: FleetHardware  # one host per offer
    n_packings: int = 0
    n_pairs_pruned: int = 0

    @classmethod
    def build(
        cls, *, offers: Sequence[Offer], assumptions: Assumptions, policy: Policy, start_year: int
    ) -> SearchContext:
        """Compute the per-offer figures once."""
        a = assumptions
        figures = BoundFigures.build(offers=offers, assumptions=a, ceiling=policy.ceiling, start_year=start_year)
        parts = [FleetHardware.of_offer(o, np.array([start_year], dtype=np.int64)) for o in offers]
        hardware = FleetHardware(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(FleetHardware)}
        )
        return cls(
            offers=tuple(offers),
            assumptions=a,
            additive=a.with_overrides(vsphere_min_cores_per_order=0, windows_licences_owned_cores=0),
            start_year=start_year,
            ha=policy.ha_reserve_hosts,
            caps=np.array([limit_capacity(offer_quantities(o), policy) for o in offers]),
            raw=np.array([offer_capacity(offer=o, ceiling=1.0) for o in offers]),
            unit_ht=np.array([offer_unit_eur_ht(offer=o, assumptions=a) for o in offers]),
            embodied=np.array(
                [a.embodied_kgco2e_per_server if o.embodied_kgco2e is None else o.embodied_kgco2e for o in offers]
            ),
            figures=figures,
            hardware=hardware,
        )

    def fleet_tco(
        self,
        *,
        host_offer: NDArray[np.int64],
        load: NDArray[np.float64],
        windows: NDArray[np.bool_],
        assumptions: Assumptions,
        name: str = "cheapest mix",
    ) -> OptionTco:
        """`option_tco` of new hosts of the offers `host_offer` (shape (t,)) carrying `load` (t, 2)."""
        return option_tco(
            name=name,
            fleet=self.hardware.subset(host_offer),
            cpu_utilisation=load[:, 0] / self.raw[host_offer, 0],
            carries_windows=windows,
            tca_eur_ht=float(self.unit_ht[host_offer].sum()),
            embodied_kgco2e=float(self.embodied[host_offer].sum()),
            start_year=self.start_year,
            assumptions=assumptions,
            buys_windows_licences=True,
        )

    def reserve_for(self, used: NDArray[np.int64], has_windows: bool) -> int | None:
        """The cheapest offer whose usable capacity covers every offer in `used` in both
        dimensions (so one reserve host takes over any working host), None if there is none."""
        envelope = self.caps[used].max(axis=0)
        dominates = (self.caps >= envelope * (1.0 - _CAP_TOL)).all(axis=1)
        if not dominates.any():
            return None
        cost = self.figures.fixed + self.figures.windows * float(has_windows)
        return int(np.flatnonzero(dominates)[np.argmin(cost[dominates])])


@dataclass(frozen=True, eq=False)
class _Packed:
    host_offer: NDArray[np.int64]
    load: NDArray[np.float64]
    windows: NDArray[np.bool_]
    assignment: NDArray[np.int64]
    has_windows: bool


def _pack(
    ctx: SearchContext, sizes: NDArray[np.float64], windows: NDArray[np.bool_], bins: NDArray[np.int64]
) -> _Packed | None:
    """Pack the group onto bins of offers `bins` (preference order); None unless all are placed."""
    packing = pack_vectors(sizes=sizes, bin_capacities=ctx.caps[bins])
    ctx.n_packings += 1
    if (packing.assignment < 0).any():
        return None
    used = packing.bins_used
    slot = np.full(bins.size, -1, dtype=np.int64)
    slot[used] = np.arange(used.size)
    assignment = slot[packing.assignment]
    carries = np.zeros(used.size, dtype=bool)
    carries[assignment[windows]] = True
    # CPU and memory load only: what utilisation and energy read (the caps' dimensions come after).
    return _Packed(bins[used], packing.load[used][:, :2], carries, assignment, bool(windows.any()))


def _costed(ctx: SearchContext, packed: _Packed, reserve: int | None, ha: int) -> GroupFleet | None:
    """The candidate with `ha` HA reserve hosts (`reserve` an offer, or None: the cheapest that
    covers the hosts used), costed; None when no offer can be the reserve."""
    if ha == 0:
        reserve = -1
    elif reserve is None:
        reserve = ctx.reserve_for(np.unique(packed.host_offer), packed.has_windows)
        if reserve is None:
            return None
    n_res = ha if reserve >= 0 else 0
    option = ctx.fleet_tco(
        host_offer=np.concatenate([packed.host_offer, np.full(n_res, reserve, dtype=np.int64)]),
        load=np.vstack([packed.load, np.zeros((n_res, 2))]),
        windows=np.concatenate([packed.windows, np.full(n_res, packed.has_windows)]),
        assumptions=ctx.additive,
    )
    return GroupFleet(option.tco_eur, packed.host_offer, packed.load, packed.windows, packed.assignment, reserve)


def best_group_fleet(
    ctx: SearchContext, *, sizes: NDArray[np.float64], windows: NDArray[np.bool_], separate_windows: bool
) -> tuple[GroupFleet, list[GroupFleet | None]]:
    """The cheapest candidate for one group (sizes (p, d), every VM fitting some offer), and the
    single-offer fleets (reserve of the same offer; None where some VM does not fit the offer).

    With `separate_windows`, the Windows VMs and the others are also searched apart (each on its
    own hosts, one reserve for both): only the hosts carrying Windows then pay the Datacenter
    licence, which on licence-heavy estates outweighs the hosts the split can cost.

    Raises:
        PlanInputError: "no_feasible_mix" when no candidate places every VM with its reserve (a
            pair cannot carry the group and no offer can back up the hosts of all of them).
    """
    split = None
    if separate_windows and windows.any() and not windows.all():
        win, _ = _search(ctx, sizes[windows], windows[windows], 0)
        other, _ = _search(ctx, sizes[~windows], windows[~windows], 0)
        assignment = np.zeros(sizes.shape[0], dtype=np.int64)
        assignment[windows] = win.assignment
        assignment[~windows] = other.assignment + win.host_offer.size
        packed = _Packed(
            np.concatenate([win.host_offer, other.host_offer]),
            np.vstack([win.load, other.load]),
            np.concatenate([win.windows, other.windows]),
            assignment,
            True,
        )
        split = _costed(ctx, packed, None, ctx.ha)
    # A packing blind to Windows licenses about every host when Windows VMs are common: its pairs
    # are pruned on that bound against the split (a heuristic shortcut, not a proof).
    incumbent = (math.inf, False) if split is None else (split.cost, True)
    best, singles = _search(ctx, sizes, windows, ctx.ha, incumbent)
    return (split if split is not None and split.cost < best.cost else best), singles


def _search(
    ctx: SearchContext,
    sizes: NDArray[np.float64],
    windows: NDArray[np.bool_],
    ha: int,
    incumbent: tuple[float, bool] = (math.inf, False),
) -> tuple[GroupFleet, list[GroupFleet | None]]:
    """Each offer alone, then each pair scanned (the offer of better value per unit of capacity
    first, the other filling the rest: trying both orders gave the same fleets on the bench at
    twice the work); the cheapest candidate and the singles. Pairs are skipped when their bound
    reaches the best candidate or `incumbent[0]` (a cost found elsewhere; `incumbent[1]`: bound
    them as if every host carrying a VM were licensed for Windows)."""
    n, m = len(ctx.offers), sizes.shape[0]
    fits: NDArray[np.bool_] = np.asarray((sizes[:, None, :] <= ctx.caps[None, :, :]).all(axis=2), dtype=bool)
    singles: list[GroupFleet | None] = []
    alone: dict[int, int] = {}  # offer -> working hosts when it carries the group alone
    candidates: list[GroupFleet] = []
    for o in range(n):
        packed = _pack(ctx, sizes, windows, np.full(m, o, dtype=np.int64)) if fits[:, o].all() else None
        single = None if packed is None else _costed(ctx, packed, o, ha)
        singles.append(single)
        if packed is not None and single is not None:
            alone[o] = packed.host_offer.size
            candidates += [c for c in (single, _costed(ctx, packed, None, ha)) if c is not None]
    demand = GroupDemand.of(sizes[:, :2], windows)  # the bound on CPU and memory alone stays valid
    if incumbent[1] and demand.has_windows:
        demand = dataclasses.replace(demand, windows=demand.total)
    pairs = []
    rank = np.argsort(_by_value(ctx))  # "k of the better value, then the other": one order per pair
    for a, b in ((a, b) for a in range(n) for b in range(n) if rank[a] < rank[b]):
        if fits[:, a].any() and (fits[:, a] | fits[:, b]).all():
            use = np.isin(np.arange(n), (a, b))
            pairs.append((group_lower_bound(ctx.figures, demand, use=use, ha_reserve_hosts=ha), a, b))
    for bound, a, b in sorted(pairs):
        if bound >= min([incumbent[0], *(c.cost for c in candidates)]):
            ctx.n_pairs_pruned += 1  # no fleet of these two offers can beat the best found
            continue
        k_hi = alone[a] - 1 if a in alone else _volume(sizes[fits[:, a]], ctx.caps[a])
        found = _scan_pair(ctx, sizes, windows, (a, b, ha), k_hi)
        if found is not None:
            candidates.append(found)
    if not candidates:  # some VMs need a third offer: every offer, cheapest per capacity first
        packed = _pack(ctx, sizes, windows, np.repeat(_by_value(ctx), m))
        found = None if packed is None else _costed(ctx, packed, None, ha)
        if found is None:
            raise PlanInputError("no_feasible_mix", {"n_vms": m})
        candidates.append(found)
    return min(candidates, key=lambda c: c.cost), singles


def _by_value(ctx: SearchContext) -> NDArray[np.int64]:
    """Offers by cost per unit of capacity (both dimensions, relative to the largest), cheapest first."""
    capacity = (ctx.caps / ctx.caps.max(axis=0)).sum(axis=1)
    return np.asarray(np.argsort(ctx.figures.fixed / capacity, kind="stable"), dtype=np.int64)


def _volume(sizes: NDArray[np.float64], cap: NDArray[np.float64]) -> int:
    """Hosts of capacity `cap` the volume of `sizes` needs (at least)."""
    return int(math.ceil(float((sizes.sum(axis=0) / cap).max())))


def _scan_pair(
    ctx: SearchContext, sizes: NDArray[np.float64], windows: NDArray[np.bool_], pair: tuple[int, int, int], k_hi: int
) -> GroupFleet | None:
    """Best of "k hosts of pair[0], then hosts of pair[1]" (reserve: pair[2] hosts) for k in
    [1, k_hi]: `COARSE_POINTS` on a grid, then best ± step for halving steps (about 2·log2 of the
    grid spacing more packings)."""
    if k_hi < 1:
        return None
    first, second, ha = pair
    m = sizes.shape[0]
    seen: dict[int, GroupFleet | None] = {}

    def cost(k: int) -> float:
        if k not in seen:
            bins = np.concatenate([np.full(k, first), np.full(m, second)]).astype(np.int64)
            packed = _pack(ctx, sizes, windows, bins)
            seen[k] = None if packed is None else _costed(ctx, packed, None, ha)
        found = seen[k]
        return math.inf if found is None else found.cost

    grid = sorted({int(round(k)) for k in np.linspace(1, k_hi, min(COARSE_POINTS, k_hi))})
    best = min(grid, key=cost)
    step = max(1, (k_hi - 1) // (2 * max(len(grid) - 1, 1)))
    while step >= 1:
        best = min([best, *(k for k in (best - step, best + step) if 1 <= k <= k_hi)], key=cost)
        step //= 2
    return seen[best]
