"""Multi-year replacement plan: which hosts retire when, what to buy, and what it saves.

Policy (documented simplifications):

* A host is due for replacement from `purchase_year + replacement_age_years` (unknown purchase
  year: due at once). Among due hosts, priority goes to age, out-of-warranty status, support
  cost and energy inefficiency (W per reference GHz); with `yearly_investment_cap_eur`, the longest
  priority-ordered prefix whose purchases fit the cap is replaced and the rest wait a year.
* Retiring hosts' VMs are packed (see `optimizer.packing`) first into the spare capacity of the new
  hosts already bought, then onto new hosts of one offer (several offers: the one with the lowest
  TCO when consolidating the whole estate). With `scope="estate"` (default) the new hosts form
  one pool with `ha_reserve_hosts` spare hosts bought with the first purchase, and cluster
  boundaries are not kept; with `scope="cluster"` each cluster (a VM's own, else its host's; VMs
  without either form one group) is packed onto new hosts of its own, and buys its own reserve
  with its first purchase, as `plan_consolidation(scope="cluster")` does.
* Changes happen at the start of a year: a retired host costs nothing that year, a new one costs a
  full year. A host carrying a VM that fits no new host is kept (reported in `unplaced`).
* The baseline keeps every host, with support costs rising as they age.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.consolidation import cluster_labels, plan_consolidation
from optimizer.demand import compute_demand, host_capacity, offer_capacity
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.fleet import current_cpu_utilisation
from optimizer.ledger import ReplacementPlan, account_replacement, offer_licence_eur_ht
from optimizer.packing import Packing, pack_vectors
from optimizer.tco import host_power_w, maintenance_eur_ht

__all__ = ["ReplacementPlan", "plan_replacement"]

F64 = NDArray[np.float64]


def _priority(*, hosts: HostTable, util: F64, start_year: int, a: Assumptions) -> F64:
    """Score in [0, 4]: age, out of warranty, support cost, W per reference GHz (each in [0, 1])."""
    age = np.where(np.isnan(hosts.purchase_year), a.replacement_age_years, start_year - hosts.purchase_year)
    maint = maintenance_eur_ht(
        year=start_year,
        purchase_year=hosts.purchase_year,
        purchase_price_eur=hosts.purchase_price_eur,
        warranty_end_year=hosts.warranty_end_year,
        support_cost_eur_per_year=hosts.support_cost_eur_per_year,
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


def _pack_prefix(
    *,
    k: int,
    extra: NDArray[np.int64],
    cands: NDArray[np.int64],
    pos_by_host: dict[int, NDArray[np.int64]],
    vm_group: NDArray[np.int64],
    sizes: F64,
    cap_new: F64,
    new_load: F64,
    new_group: NDArray[np.int64],
    is_reserve: NDArray[np.bool_],
    ha: int,
) -> list[_GroupPack]:
    """Pack the VMs of the first k candidate hosts (and `extra` VM positions) onto new hosts.

    Each group (`vm_group`, shape (p,): one label for the whole estate, or the cluster) is packed
    alone: first into the spare capacity of its new hosts already bought (`new_group`, shape (t,)),
    then onto fresh hosts of capacity `cap_new`; a group's first purchase adds `ha` reserve hosts.
    """
    empty = np.zeros(0, np.int64)
    pos_all = np.concatenate([extra] + [pos_by_host.get(int(c), empty) for c in cands[:k]]).astype(np.int64)
    labels = vm_group[pos_all]
    out = []
    for g in np.unique(labels).tolist():
        pos = pos_all[labels == g]
        mine = new_group == g
        serving = np.flatnonzero(mine & ~is_reserve)
        residual = np.maximum(cap_new - new_load[serving], 0.0)
        caps = np.vstack([residual, np.tile(cap_new, (pos.size, 1))])
        res = pack_vectors(sizes=sizes[pos], bin_capacities=caps, n_preopened=serving.size)
        fresh = res.n_bins - serving.size
        bought = fresh + (ha if fresh > 0 and not mine.any() else 0)
        out.append(_GroupPack(int(g), pos, res, serving, bought))
    return out


def _spend(
    packs: list[_GroupPack],
    *,
    is_win: NDArray[np.bool_],
    has_win: NDArray[np.bool_],
    unit_ttc: float,
    licence_ttc: float,
) -> float:
    """Investment TTC of a `_pack_prefix` result: new hosts, and a Datacenter licence for each host
    that carries Windows for the first time (`has_win`: shape (t,), new hosts already licensed)."""
    total = 0.0
    for gp in packs:
        licensed = has_win[gp.serving]
        bins = np.unique(gp.res.assignment[(gp.res.assignment >= 0) & is_win[gp.pos]])
        pre = bins[bins < licensed.size]
        n_lic = int((bins >= licensed.size).sum() + (~licensed[pre]).sum())
        total += gp.bought * unit_ttc + n_lic * licence_ttc
    return total


def plan_replacement(
    *,
    hosts: HostTable,
    vms: VmTable,
    offers: Offer | Sequence[Offer],
    assumptions: Assumptions | None = None,
    start_year: int | None = None,
    horizon_years: int | None = None,
    ceiling: float | None = None,
    ha_reserve_hosts: int | None = None,
    yearly_investment_cap_eur: float | None = None,
    use_memory_p95: bool = False,
    include_powered_off: bool = True,
    include_templates: bool = False,
    scope: Literal["cluster", "estate"] = "estate",
) -> ReplacementPlan:
    """Plan host retirements and purchases year by year, against keeping the estate as is.

    Args:
        hosts: the existing hosts, shape (n,).
        vms: the VMs, shape (m,).
        offers: one or several server models (prices HT).
        assumptions: defaults if None.
        start_year: first budget year (None: `assumptions.reference_year`).
        horizon_years: years planned (None: `assumptions.horizon_years`).
        ceiling: utilisation ceiling of new hosts (None: `assumptions.utilisation_ceiling`).
        ha_reserve_hosts: spare new hosts (None: `assumptions.ha_reserve_hosts`).
        yearly_investment_cap_eur: TTC ceiling on purchases per year (None: no cap).
        use_memory_p95: size memory on P95 (see `compute_demand`).
        include_powered_off: move powered-off VMs too.
        include_templates: move templates too.
        scope: "estate" pools all new hosts with one HA reserve; "cluster" moves each VM to new
            hosts of its own cluster (as `plan_consolidation(scope="cluster")`; VMs without
            cluster form one group), and each cluster buys its own reserve at its first purchase.
    """
    a = assumptions or Assumptions()
    if horizon_years is not None:
        a = a.with_overrides(horizon_years=horizon_years)
    year0 = a.reference_year if start_year is None else int(start_year)
    ceiling = a.utilisation_ceiling if ceiling is None else ceiling
    ha = a.ha_reserve_hosts if ha_reserve_hosts is None else int(ha_reserve_hosts)
    offer_list = [offers] if isinstance(offers, Offer) else list(offers)
    if not offer_list:
        raise ValueError("offers must hold at least one Offer")
    if hosts.n_hosts == 0 or vms.n_vms == 0:
        raise ValueError("hosts and vms must not be empty (empty estate)")
    if yearly_investment_cap_eur is not None and yearly_investment_cap_eur <= 0:
        raise ValueError("yearly_investment_cap_eur must be > 0 or None")
    if ha < 0:
        raise ValueError(f"ha_reserve_hosts must be >= 0, got {ha}")
    if scope not in ("cluster", "estate"):
        raise ValueError(f"scope must be 'cluster' or 'estate', got {scope!r}")
    offer = offer_list[0]
    if len(offer_list) > 1:
        pick = plan_consolidation(
            hosts=hosts,
            vms=vms,
            offer=offer_list,
            assumptions=a,
            ceiling=ceiling,
            ha_reserve_hosts=ha,
            scope=scope,
            method="heuristic",
            start_year=year0,
        )
        offer = next(o for o in offer_list if o.name == pick.offer_name)

    done, estimated = complete_host_estimates(hosts=hosts)
    demand = compute_demand(
        hosts=hosts,
        vms=vms,
        assumptions=a,
        use_memory_p95=use_memory_p95,
        include_powered_off=include_powered_off,
        include_templates=include_templates,
    )
    sizes = demand.sizes
    src = vms.host[demand.vm_index]
    cap_new = offer_capacity(offer=offer, ceiling=ceiling)
    raw_new = offer_capacity(offer=offer, ceiling=1.0)
    too_big = ~(sizes <= cap_new).all(axis=1)
    unplaced = [
        (
            int(demand.vm_index[p]),
            "demand exceeds the usable capacity of the new host model; its host is kept",
        )
        for p in np.flatnonzero(too_big)
    ]
    pinned = np.zeros(hosts.n_hosts, dtype=bool)
    pinned[src[too_big & (src >= 0)]] = True

    util_old = current_cpu_utilisation(hosts=hosts, vms=vms, assumptions=a)
    priority = _priority(hosts=done, util=util_old, start_year=year0, a=a)
    due = np.where(np.isnan(done.purchase_year), year0, done.purchase_year + a.replacement_age_years)
    years = tuple(range(year0, year0 + a.horizon_years))
    h = len(years)
    unit_ttc = (offer.price_eur + (a.install_eur_per_host if offer.install_eur is None else offer.install_eur)) * (
        1 + a.vat_rate
    )
    # Datacenter licence TTC, bought when a new host first carries a Windows VM.
    licence_ttc = offer_licence_eur_ht(offer=offer, a=a) * (1 + a.vat_rate)
    is_win = vms.is_windows[demand.vm_index]
    if scope == "cluster":
        vm_group = cluster_labels(hosts=hosts, vms=vms, vm_index=demand.vm_index)
    else:
        vm_group = np.full(sizes.shape[0], -1, dtype=np.int64)

    retire_year = np.full(hosts.n_hosts, np.nan)
    placement = np.full(vms.n_vms, -1, dtype=np.int64)
    moved_t = np.full(sizes.shape[0], -1, dtype=np.int64)  # year index each VM moves in
    new_load = np.zeros((0, 2))
    is_reserve = np.zeros(0, dtype=bool)
    new_group = np.zeros(0, dtype=np.int64)  # group (cluster, or -1 in estate scope) of each new host
    has_win = np.zeros(0, dtype=bool)  # new host already licensed for Windows
    new_year: list[int] = []
    new_per_year = np.zeros(h, dtype=np.int64)
    empty = np.zeros(0, np.int64)
    pos_by_host = {int(k): np.flatnonzero((src == k) & ~too_big) for k in np.unique(src)}
    orphans = np.flatnonzero((src < 0) & ~too_big)  # VMs on no known host: moved in year 0

    for t, year in enumerate(years):
        alive = np.isnan(retire_year) & ~pinned
        cands = np.flatnonzero(alive & (due <= year))
        cands = cands[np.argsort(-priority[cands], kind="stable")]
        pack = functools.partial(
            _pack_prefix,
            extra=orphans if t == 0 else empty,
            cands=cands,
            pos_by_host=pos_by_host,
            vm_group=vm_group,
            sizes=sizes,
            cap_new=cap_new,
            new_load=new_load,
            new_group=new_group,
            is_reserve=is_reserve,  # the reserve stays empty
            ha=ha,
        )
        spend = functools.partial(_spend, is_win=is_win, has_win=has_win, unit_ttc=unit_ttc, licence_ttc=licence_ttc)
        k = cands.size
        packs = pack(k=k)
        if yearly_investment_cap_eur is not None and spend(packs) > yearly_investment_cap_eur:
            lo, hi = 0, k  # largest priority prefix whose purchases fit the cap
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if spend(pack(k=mid)) <= yearly_investment_cap_eur:
                    lo = mid
                else:
                    hi = mid - 1
            k = lo
            packs = pack(k=k)
        if not packs and k == 0:
            continue
        retire_year[cands[:k]] = year
        for gp in packs:
            res, pos, n_pre = gp.res, gp.pos, gp.serving.size
            used_fresh = res.bins_used[res.bins_used >= n_pre]
            remap = np.full(res.load.shape[0], -1, dtype=np.int64)
            remap[:n_pre] = gp.serving
            remap[used_fresh] = new_load.shape[0] + np.arange(used_fresh.size)
            reserve = gp.bought - used_fresh.size
            new_load = np.vstack([new_load, np.zeros((gp.bought, 2))])
            is_reserve = np.concatenate([is_reserve, np.zeros(used_fresh.size, bool), np.ones(reserve, bool)])
            has_win = np.concatenate([has_win, np.zeros(gp.bought, bool)])
            new_group = np.concatenate([new_group, np.full(gp.bought, gp.group, dtype=np.int64)])
            ok = res.assignment >= 0
            target = remap[res.assignment[ok]]
            np.add.at(new_load, target, sizes[pos[ok]])
            placement[demand.vm_index[pos[ok]]] = target
            moved_t[pos[ok]] = t
            has_win[target[is_win[pos[ok]]]] = True
            new_year.extend([year] * gp.bought)
            new_per_year[t] += gp.bought
            for p in pos[~ok]:
                unplaced.append((int(demand.vm_index[p]), "no capacity left on new hosts"))
                if src[p] >= 0:
                    retire_year[src[p]] = np.nan  # keep the host that still carries it

    return account_replacement(
        hosts=done,
        estimated=estimated,
        vms=vms,
        a=a,
        offer=offer,
        years=years,
        retire_year=retire_year,
        util_old=util_old,
        new_load=new_load,
        is_reserve=is_reserve,
        new_group=new_group,
        raw_new=raw_new,
        new_year=np.array(new_year, dtype=np.int64),
        new_per_year=new_per_year,
        placement=placement,
        unit_ttc=unit_ttc,
        priority=priority,
        unplaced=unplaced,
        demand_sizes=sizes,
        src=src,
        vm_index=demand.vm_index,
        moved_year_index=moved_t,
        policy={
            "start_year": year0,
            "ceiling": ceiling,
            "ha_reserve_hosts": ha,
            "yearly_investment_cap_eur": yearly_investment_cap_eur,
            "use_memory_p95": use_memory_p95,
            "include_powered_off": include_powered_off,
            "include_templates": include_templates,
            "offer": offer.name,
            "scope": scope,
        },
    )
