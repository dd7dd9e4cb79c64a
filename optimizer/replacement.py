"""Multi-year replacement plan: which hosts retire when, what to buy, and what it saves.

Policy (documented simplifications):

* A host is due for replacement from `purchase_year + replacement_age_years` (unknown purchase
  year: due at once). Among due hosts, priority goes to age, out-of-warranty status, support
  cost and energy inefficiency (W per reference GHz); with `yearly_investment_cap_eur`, the longest
  priority-ordered prefix whose purchases fit the cap is replaced and the rest wait a year.
* Retiring hosts' VMs are packed (see `optimizer.packing`) first into the spare capacity of the new
  hosts already bought, then onto new hosts of one offer (several offers: the one with the lowest
  TCO when consolidating the whole estate, `optimizer.fleet.compare_offers`). With the policy's
  `scope="estate"` the new hosts form one pool with `ha_reserve_hosts` spare hosts bought with the
  first purchase, and cluster boundaries are not kept; with `scope="cluster"` each cluster (a VM's
  own, else its host's; VMs without either form one group) is packed onto new hosts of its own,
  and buys its own reserve with its first purchase, as `plan_consolidation` does.
* The transition year is paid pro rata from the commissioning month (`optimizer.yearly`). A host
  carrying a VM that fits no new host is kept (reported in `unplaced`).
* Two baselines: keep every host, with support costs rising as they age; and renew each host like
  for like when it reaches `replacement_age_years` (`optimizer.renewal`).
* Cash versus capacity: staff hours and rack units freed are reported apart (`Capacity`) and lower
  the staff and rack lines only with `staff_savings_are_cash` / `rack_savings_are_cash`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.consolidation import cluster_labels
from optimizer.demand import compute_demand, host_capacity, offer_capacity
from optimizer.errors import PlanInputError
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.fleet import compare_offers, current_cpu_utilisation
from optimizer.ledger import account_replacement
from optimizer.licences import licences_to_buy
from optimizer.limits import (
    CapsRequest,
    limit_capacity,
    n_demand_dims,
    offer_quantities,
    pack_under_caps,
    pack_under_caps_many,
    packed_sizes,
    peak_quantities,
    vm_quantities,
)
from optimizer.new_fleet import Moves, NewFleet, ReplacementInputs, offer_licence_eur_ht, owned_host_licences
from optimizer.packing import Packing
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode
from optimizer.replacement_plan import ReplacementPacking, ReplacementPlan
from optimizer.tco import host_power_w, maintenance_eur_ht, offer_unit_eur_ht

__all__ = ["ReplacementPlan", "plan_replacement"]

F64 = NDArray[np.float64]


def _priority(*, hosts: HostTable, util: F64, start_year: int, a: Assumptions) -> F64:
    """Score in [0, 4]: age, out of warranty, support cost, W per reference GHz (each in [0, 1])."""
    age = np.where(np.isnan(hosts.purchase_year), a.replacement_age_years, start_year - hosts.purchase_year)
    maint = maintenance_eur_ht(
        year=start_year,
        purchase_year=hosts.purchase_year,
        purchase_price_eur_ttc=hosts.purchase_price_eur_ttc,
        warranty_end_year=hosts.warranty_end_year,
        support_cost_eur_ttc_per_year=hosts.support_cost_eur_ttc_per_year,
        assumptions=a,
    )
    power = host_power_w(power_idle_w=hosts.power_idle_w, power_max_w=hosts.power_max_w, cpu_utilisation=util)
    w_per_ghz = power / (host_capacity(hosts=hosts, ceiling=1.0)[:, 0] / 1000.0)

    def unit(x: F64) -> F64:
        top = float(np.max(x)) if x.size else 0.0
        return np.asarray(np.clip(x, 0, None) / top if top > 0 else np.zeros_like(x), dtype=float)

    score = unit(age.astype(float)) + (maint > 0).astype(float) + unit(maint) + unit(w_per_ghz)
    return np.asarray(score, dtype=float)


@dataclass(frozen=True, eq=False)
class _GroupPack:
    """One group's share of a year's move: VM positions, their packing onto the group's serving
    new hosts (pre-opened bins, `serving` indices into the new fleet) then fresh ones, and the new
    hosts to buy (HA reserve included at the group's first purchase)."""

    group: int
    pos: NDArray[np.int64]
    res: Packing
    serving: NDArray[np.int64]
    bought: int


@dataclass(frozen=True, eq=False)
class _Step:
    """What every yearly step shares; VM arrays aligned on the p VMs to place.

    Attributes:
        vm_group: shape (p,), group of each VM (-1 for all in estate scope, else its cluster).
        is_win: shape (p,), Windows VMs. cap_new: shape (d,), usable capacity of one new host.
        licence_eur_ttc: Datacenter licence of one new host; owned_licences: how many new hosts the
            owned transferable cores license before any purchase. due: shape (n,), year each host is
            due. pinned: shape (n,), hosts kept because they carry a VM too large to move.
        pos_by_host: host -> positions of its VMs to move; orphans: VMs on no host (moved first).
    """

    inputs: ReplacementInputs
    vm_group: NDArray[np.int64]
    is_win: NDArray[np.bool_]
    cap_new: F64
    licence_eur_ttc: float
    due: F64
    pinned: NDArray[np.bool_]
    pos_by_host: dict[int, NDArray[np.int64]]
    orphans: NDArray[np.int64]
    owned_licences: float = 0.0  # host licences the owned transferable cores cover, used first
    growth: float = 0.0  # demand growth per year: in year t a VM needs its size x (1 + growth)^t

    def cap_at(self, t: int) -> F64:
        """Usable capacity of one new host in year t, in year-0 demand units (sizes stay those of
        year 0; dividing the capacity by (1 + g)^t is the same test as growing the sizes). Only
        CPU (each profile slot) and memory demand grow: the caps' dimensions (vCPUs, allocated MiB) stay."""
        factor = np.ones(self.cap_new.size)
        factor[: n_demand_dims(self.inputs.n_slots)] = (1.0 + self.growth) ** t
        return np.asarray(self.cap_new / factor, dtype=float)


def _pack_prefix(
    step: _Step, fleet: NewFleet, *, k: int, extra: NDArray[np.int64], cands: NDArray[np.int64], t: int = 0
) -> list[_GroupPack]:
    """Pack the VMs of the first k candidate hosts (and `extra` VM positions) onto new hosts.

    Each group is packed alone: first into the spare capacity of its new hosts already bought
    (reserve excluded: it stays empty), then onto fresh hosts; a group's first purchase adds the
    policy's HA reserve.
    """
    empty = np.zeros(0, np.int64)
    pos_all = np.concatenate([extra] + [step.pos_by_host.get(int(c), empty) for c in cands[:k]]).astype(np.int64)
    labels = step.vm_group[pos_all]
    cap_new, ha = step.cap_at(t), step.inputs.policy.ha_reserve_hosts
    groups, requests = [], []
    for g in np.unique(labels).tolist():
        pos = pos_all[labels == g]
        serving = np.flatnonzero((fleet.group == g) & ~fleet.is_reserve)
        residual = np.maximum(cap_new - fleet.load_ref_mhz_mib[serving], 0.0)
        caps = np.vstack([residual, np.tile(cap_new, (pos.size, 1))])
        groups.append((int(g), pos, serving))
        requests.append(CapsRequest(step.inputs.sizes[pos], caps, serving.size, n_demand_dims(step.inputs.n_slots)))
    out = []
    # The groups are independent (each packs onto its own hosts): their greedy passes run in lockstep.
    for (g, pos, serving), res in zip(groups, pack_under_caps_many(requests), strict=True):
        fresh = res.n_bins - serving.size
        bought = fresh + (ha if fresh > 0 and not (fleet.group == g).any() else 0)
        out.append(_GroupPack(g, pos, res, serving, bought))
    return out


def _spend(step: _Step, fleet: NewFleet, packs: list[_GroupPack]) -> float:
    """Investment TTC of a `_pack_prefix` result: new hosts, and a Datacenter licence for each host
    that carries Windows for the first time, less those the owned transferable cores still cover."""
    total, n_lic_all = 0.0, 0
    ha = step.inputs.policy.ha_reserve_hosts
    for gp in packs:
        licensed = fleet.has_windows[gp.serving]
        bins = np.unique(gp.res.assignment[(gp.res.assignment >= 0) & step.is_win[gp.pos]])
        pre = bins[bins < licensed.size]
        n_lic = int((bins >= licensed.size).sum() + (~licensed[pre]).sum())
        if bins.size and not fleet.has_windows[fleet.group == gp.group].any():
            n_lic += ha  # the group's first Windows VM: its reserve hosts are licensed too
        total += gp.bought * step.inputs.unit_eur_ttc
        n_lic_all += n_lic
    already = float(fleet.has_windows.sum())
    to_buy = licences_to_buy(needed=np.array([already, n_lic_all]), owned=step.owned_licences)[1]
    return total + float(to_buy) * step.licence_eur_ttc


def _replace_year(step: _Step, moves: Moves, *, t: int, year: int) -> None:
    """Retire the due hosts of `year` (priority first, within the investment cap) and move their
    VMs onto new hosts, updating `moves` in place."""
    _regrow(step, moves, t=t, year=year)
    alive = np.isnan(moves.retire_year) & ~step.pinned
    cands = np.flatnonzero(alive & (step.due <= year))
    cands = cands[np.argsort(-step.inputs.priority[cands], kind="stable")]
    extra = step.orphans if t == 0 else np.zeros(0, np.int64)
    fleet, cap = moves.fleet, step.inputs.yearly_investment_cap_eur
    k = cands.size
    packs = _pack_prefix(step, fleet, k=k, extra=extra, cands=cands, t=t)
    if cap is not None and _spend(step, fleet, packs) > cap:
        lo, hi = 0, k  # largest priority prefix whose purchases fit the cap
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _spend(step, fleet, _pack_prefix(step, fleet, k=mid, extra=extra, cands=cands, t=t)) <= cap:
                lo = mid
            else:
                hi = mid - 1
        k = lo
        packs = _pack_prefix(step, fleet, k=k, extra=extra, cands=cands, t=t)
    if not packs and k == 0:
        return
    moves.retire_year[cands[:k]] = year
    for gp in packs:
        _apply_group(step, moves, gp, t=t, year=year)


def _regrow(step: _Step, moves: Moves, *, t: int, year: int) -> None:
    """Growing demand: in each group whose VMs already on new hosts no longer fit them in year t,
    re-pack those VMs at their grown size onto the group's serving hosts and buy the hosts it
    lacks (growth hosts: outside the investment cap). A VM too large once grown stays put."""
    fleet, inputs = moves.fleet, step.inputs
    if step.growth == 0 or t == 0 or fleet.n_hosts == 0:
        return
    cap = step.cap_at(t)
    for g in np.unique(fleet.group).tolist():
        serving = np.flatnonzero((fleet.group == g) & ~fleet.is_reserve)
        if (fleet.load_ref_mhz_mib[serving] <= cap * (1 + 1e-12)).all():
            continue
        pos = np.flatnonzero(np.isin(moves.placement[inputs.vm_index], serving) & (moves.moved_year_index >= 0))
        res = pack_under_caps(
            sizes=inputs.sizes[pos],
            bin_capacities=np.tile(cap, (serving.size + pos.size, 1)),
            n_preopened=serving.size,
            n_demand=n_demand_dims(inputs.n_slots),
        )
        used_fresh = res.bins_used[res.bins_used >= serving.size]
        remap = np.full(res.load.shape[0], -1, dtype=np.int64)
        remap[: serving.size] = serving
        remap[used_fresh] = fleet.buy(n_serving=used_fresh.size, n_reserve=0, group=int(g), year=year) + np.arange(
            used_fresh.size
        )
        ok = res.assignment >= 0
        moved, target = pos[ok], remap[res.assignment[ok]]
        np.subtract.at(fleet.load_ref_mhz_mib, moves.placement[inputs.vm_index[moved]], inputs.sizes[moved])
        np.add.at(fleet.load_ref_mhz_mib, target, inputs.sizes[moved])
        moves.placement[inputs.vm_index[moved]] = target
        fleet.has_windows[target[step.is_win[moved]]] = True
        moves.new_per_year[t] += used_fresh.size
        moves.growth_bought += int(used_fresh.size)


def _apply_group(step: _Step, moves: Moves, gp: _GroupPack, *, t: int, year: int) -> None:
    """Buy the group's new hosts and move its placed VMs; keep the hosts of the unplaced ones."""
    inputs, fleet = step.inputs, moves.fleet
    res, pos, n_pre = gp.res, gp.pos, gp.serving.size
    used_fresh = res.bins_used[res.bins_used >= n_pre]
    remap = np.full(res.load.shape[0], -1, dtype=np.int64)
    remap[:n_pre] = gp.serving
    first = fleet.buy(n_serving=used_fresh.size, n_reserve=gp.bought - used_fresh.size, group=gp.group, year=year)
    remap[used_fresh] = first + np.arange(used_fresh.size)
    ok = res.assignment >= 0
    target = remap[res.assignment[ok]]
    np.add.at(fleet.load_ref_mhz_mib, target, inputs.sizes[pos[ok]])
    moves.placement[inputs.vm_index[pos[ok]]] = target
    moves.moved_year_index[pos[ok]] = t
    fleet.has_windows[target[step.is_win[pos[ok]]]] = True
    if fleet.has_windows[fleet.group == gp.group].any():
        fleet.has_windows[(fleet.group == gp.group) & fleet.is_reserve] = True
    moves.new_per_year[t] += gp.bought
    for p in pos[~ok].tolist():
        moves.unplaced.append((int(inputs.vm_index[p]), Reason(ReasonCode.NO_CAPACITY_ON_NEW_HOSTS)))
        if inputs.src[p] >= 0:
            moves.retire_year[inputs.src[p]] = np.nan  # keep the host that still carries it


def _check(*, hosts: HostTable, vms: VmTable, offers: list[Offer], cap: float | None) -> None:
    if not offers:
        raise PlanInputError("no_offer")
    if hosts.n_hosts == 0 or vms.n_vms == 0:
        raise PlanInputError("empty_estate", {"n_hosts": hosts.n_hosts, "n_vms": vms.n_vms})
    if cap is not None and cap <= 0:
        raise PlanInputError("bad_investment_cap", {"yearly_investment_cap_eur": float(cap)})


def plan_replacement(
    *,
    hosts: HostTable,
    vms: VmTable,
    offers: Offer | Sequence[Offer],
    assumptions: Assumptions | None = None,
    policy: Policy | None = None,
    start_year: int | None = None,
    horizon_years: int | None = None,
    yearly_investment_cap_eur: float | None = None,
    renewal_offers: Sequence[Offer] | None = None,
) -> ReplacementPlan:
    """Plan host retirements and purchases year by year, against keeping the estate as is and
    against renewing it like for like.

    Args:
        hosts: the existing hosts, shape (n,).
        vms: the VMs, shape (m,).
        offers: one or several server models (several: the best of `compare_offers`).
        assumptions: defaults if None.
        policy: ceiling and HA reserve of the new hosts, scope ("estate" pools all new hosts with
            one HA reserve; "cluster" moves each VM to new hosts of its own cluster, each cluster
            buying its own reserve at its first purchase) and VM filters (defaults if None).
        start_year: first budget year (None: `assumptions.reference_year`).
        horizon_years: years planned (None: `assumptions.horizon_years`).
        yearly_investment_cap_eur: TTC ceiling on purchases per year (None: no cap).
        renewal_offers: the current offers of the like-for-like baseline (None: `offers`).

    Raises:
        PlanInputError: "no_offer", "empty_estate", "bad_investment_cap".
    """
    a = assumptions or Assumptions()
    if horizon_years is not None:
        a = a.with_overrides(horizon_years=horizon_years)
    pol = policy or Policy()
    year0 = a.reference_year if start_year is None else int(start_year)
    offer_list = [offers] if isinstance(offers, Offer) else list(offers)
    _check(hosts=hosts, vms=vms, offers=offer_list, cap=yearly_investment_cap_eur)
    offer = offer_list[0]
    if len(offer_list) > 1:
        pick = compare_offers(
            hosts=hosts, vms=vms, offers=offer_list, assumptions=a, policy=pol, start_year=year0, method="heuristic"
        )
        offer = offer_list[pick.best]
    step, moves = _prepare(
        hosts=hosts,
        vms=vms,
        offer=offer,
        a=a,
        policy=pol,
        year0=year0,
        cap=yearly_investment_cap_eur,
        renewal_offers=tuple(offer_list if renewal_offers is None else renewal_offers) or (offer,),
    )
    for t, year in enumerate(step.inputs.years):
        _replace_year(step, moves, t=t, year=year)
    plan = account_replacement(a=a, inputs=step.inputs, moves=moves)
    return dataclasses.replace(
        plan, packing=ReplacementPacking(assumptions=a, hosts=hosts, inputs=step.inputs, moves=moves)
    )


def _prepare(
    *,
    hosts: HostTable,
    vms: VmTable,
    offer: Offer,
    a: Assumptions,
    policy: Policy,
    year0: int,
    cap: float | None,
    renewal_offers: tuple[Offer, ...],
) -> tuple[_Step, Moves]:
    """Demand, priorities and due years; VMs too large for the new model pin their host."""
    done, estimated = complete_host_estimates(hosts=hosts)
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=a, policy=policy)
    # CPU, memory, then the policy's caps (vCPUs per core, memory overcommit) as packing dimensions.
    # On profiles (``Policy.demand``), CPU is one dimension per slot (`optimizer.limits`).
    sizes, src = packed_sizes(demand=demand, vms=vms, policy=policy), vms.host[demand.vm_index]
    cap_new = limit_capacity(offer_quantities(offer), policy, demand.n_slots)
    too_big = ~(sizes <= cap_new).all(axis=1)
    peak = peak_quantities(vm_quantities(demand=demand, vms=vms))
    unplaced = [
        (
            int(demand.vm_index[p]),
            Reason(
                ReasonCode.TOO_LARGE_FOR_NEW_HOSTS,
                {"cpu_ref_mhz": float(peak[p, 0]), "memory_mib": float(peak[p, 1])},
            ),
        )
        for p in np.flatnonzero(too_big)
    ]
    pinned = np.zeros(hosts.n_hosts, dtype=bool)
    pinned[src[too_big & (src >= 0)]] = True
    util_old = current_cpu_utilisation(hosts=hosts, vms=vms, assumptions=a)
    years = tuple(range(year0, year0 + a.horizon_years))
    inputs = ReplacementInputs(
        hosts=done,
        estimated=estimated,
        vms=vms,
        offer=offer,
        policy=policy,
        yearly_investment_cap_eur=cap,
        years=years,
        priority=_priority(hosts=done, util=util_old, start_year=year0, a=a),
        util_old=util_old,
        sizes=sizes,
        src=src,
        vm_index=demand.vm_index,
        raw_new=offer_capacity(offer=offer, ceiling=1.0),
        unit_eur_ttc=offer_unit_eur_ht(offer=offer, assumptions=a) * (1 + a.vat_rate),
        renewal_offers=renewal_offers,
        n_slots=demand.n_slots,
    )
    scoped = policy.scope == "cluster"
    step = _Step(
        inputs=inputs,
        vm_group=(
            cluster_labels(hosts=hosts, vms=vms, vm_index=demand.vm_index)
            if scoped
            else np.full(sizes.shape[0], -1, dtype=np.int64)
        ),
        is_win=vms.is_windows[demand.vm_index],
        cap_new=cap_new,
        # Datacenter licence TTC, bought when a new host first carries a Windows VM.
        licence_eur_ttc=offer_licence_eur_ht(offer=offer, a=a) * (1 + a.vat_rate),
        due=np.where(np.isnan(done.purchase_year), year0, done.purchase_year + a.replacement_age_years),
        owned_licences=owned_host_licences(offer=offer, a=a),
        pinned=pinned,
        pos_by_host={int(k): np.flatnonzero((src == k) & ~too_big) for k in np.unique(src)},
        orphans=np.flatnonzero((src < 0) & ~too_big),  # VMs on no known host: moved in year 0
        growth=a.demand_growth_per_year,
    )
    moves = Moves(
        fleet=NewFleet(load_ref_mhz_mib=np.zeros((0, sizes.shape[1]))),
        retire_year=np.full(hosts.n_hosts, np.nan),
        placement=np.full(vms.n_vms, -1, dtype=np.int64),
        moved_year_index=np.full(sizes.shape[0], -1, dtype=np.int64),
        new_per_year=np.zeros(len(years), dtype=np.int64),
        unplaced=list(unplaced),
    )
    return step, moves
