"""Year-by-year accounts of a replacement plan: costs, budgets, carbon and ratio drivers.

Each year the new hosts carry only the VMs moved so far (their energy follows that load), and a
new host needs its Windows Server Datacenter licence from the first year it carries a Windows VM:
the licence is then bought (investissement TTC, outside the FCTVA base) and its Software Assurance
paid every year after (fonctionnement). Existing hosts' licences are owned: Software Assurance only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import host_capacity
from optimizer.drivers import RatioDrivers, explain_ratio
from optimizer.estate import HostTable, Offer, VmTable
from optimizer.finance import BudgetComparison, BudgetPlan, build_budget, compare_budgets
from optimizer.tco import YearlyCosts, host_yearly_costs, maintenance_eur_ht, windows_licence_eur_ht

__all__ = ["ReplacementPlan", "account_replacement", "offer_licence_eur_ht"]

F64 = NDArray[np.float64]
_LINES = ("energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur")


@dataclass(frozen=True, eq=False)
class ReplacementPlan:
    """Outcome of `plan_replacement`. Yearly arrays have shape (h,), host arrays (n,), VM (m,).

    Attributes:
        retire_year: year each host is retired, NaN if kept over the horizon.
        priority: retirement priority score (higher first).
        new_hosts_per_year: new hosts bought each year (HA reserve included).
        new_host_year: shape (t,), purchase year of each new host.
        new_host_cluster: shape (t,), cluster each new host serves (-1: the whole estate, or VMs
            without cluster, in cluster scope).
        new_host_is_reserve: shape (t,), True for the HA reserve hosts (they carry no VM).
        placement: new host index of each moved VM, -1 if it stays (or is excluded).
        n_hosts_scenario, n_hosts_baseline: hosts running each year.
        scenario, baseline, comparison: budgets (investissement/fonctionnement) and savings.
        savings_by_category: energy, maintenance, licences, staff, rack, investissement, fctva.
        energy_kwh_*, operational_kgco2e_*: yearly energy and operational carbon.
        embodied_kgco2e_purchased: embodied carbon of hosts bought each year (full amount).
        embodied_kgco2e_amortised: the same spread over `embodied_lifetime_years`.
        carbon_savings_kgco2e: baseline operational - scenario operational - purchased embodied.
        carbon_payback_year / payback_year: first year from which cumulative savings stay >= 0.
        drivers: what explains the hosts ratio.
        hosts_with_estimates: hosts whose perf or power came from the generation catalogue.
    """

    status: str
    message: str
    offer_name: str
    years: tuple[int, ...]
    retire_year: F64
    priority: F64
    new_hosts_per_year: NDArray[np.int64]
    new_host_year: NDArray[np.int64]
    new_host_cluster: NDArray[np.int64]
    new_host_is_reserve: NDArray[np.bool_]
    placement: NDArray[np.int64]
    n_hosts_scenario: NDArray[np.int64]
    n_hosts_baseline: NDArray[np.int64]
    scenario: BudgetPlan
    baseline: BudgetPlan
    comparison: BudgetComparison
    savings_by_category: dict[str, F64]
    energy_kwh_scenario: F64
    energy_kwh_baseline: F64
    operational_kgco2e_scenario: F64
    operational_kgco2e_baseline: F64
    embodied_kgco2e_purchased: F64
    embodied_kgco2e_amortised: F64
    carbon_savings_kgco2e: F64
    carbon_payback_year: int | None
    payback_year: int | None
    drivers: RatioDrivers
    hosts_with_estimates: NDArray[np.int64]
    unplaced: tuple[tuple[int, str], ...]
    policy: dict[str, Any] = field(default_factory=dict)
    assumptions: dict[str, Any] = field(default_factory=dict)


def offer_licence_eur_ht(*, offer: Offer, a: Assumptions) -> float:
    """Windows Server Datacenter licence price HT of one host of `offer` (0 if Windows disabled)."""
    one = windows_licence_eur_ht(
        n_sockets=np.array([offer.n_sockets]), n_cores=np.array([offer.n_cores]), assumptions=a
    )
    return float(one[0])


def _new_fleet_by_year(
    *,
    h: int,
    t_new: int,
    target: NDArray[np.int64],
    moved_year_index: NDArray[np.int64],
    sizes: F64,
    windows: NDArray[np.bool_],
) -> tuple[F64, NDArray[np.bool_]]:
    """Load (h, t, 2) and Windows flag (h, t) of the new hosts each year, from the VMs moved so far.

    `target`, `moved_year_index`, `sizes` (p, 2) and `windows` are per VM to place.
    """
    loads = np.zeros((h, t_new, 2))
    wins = np.zeros((h, t_new), dtype=bool)
    for t in range(h):
        now = (moved_year_index >= 0) & (moved_year_index <= t) & (target >= 0)
        np.add.at(loads[t], target[now], sizes[now])
        wins[t, target[now & windows]] = True
    return loads, wins


def _payback(years: tuple[int, ...], yearly: F64) -> int | None:
    """First year from which the cumulative sum stays >= 0, None if it ends negative."""
    cum = np.cumsum(yearly)
    if cum.size == 0 or cum[-1] < -1e-6:
        return None
    negative = np.flatnonzero(cum < -1e-6)
    return years[0] if negative.size == 0 else years[int(negative[-1]) + 1]


def _costs(
    *,
    n_sockets: NDArray[np.int64],
    n_cores: NDArray[np.int64],
    idle: F64,
    peak: F64,
    util: F64,
    windows: NDArray[np.bool_],
    rack: F64,
    purchase_year: F64,
    price: F64,
    warranty_end: F64,
    support: F64,
    year: int,
    a: Assumptions,
) -> YearlyCosts:
    maint = maintenance_eur_ht(
        year=year,
        purchase_year=purchase_year,
        purchase_price_eur=price,
        warranty_end_year=warranty_end,
        support_cost_eur_per_year=support,
        assumptions=a,
    )
    return host_yearly_costs(
        n_sockets=n_sockets,
        n_cores=n_cores,
        power_idle_w=idle,
        power_max_w=peak,
        cpu_utilisation=util,
        carries_windows=windows,
        rack_units=rack,
        maintenance_ht_eur=maint,
        assumptions=a,
    )


def account_replacement(
    *,
    hosts: HostTable,
    vms: VmTable,
    a: Assumptions,
    offer: Offer,
    years: tuple[int, ...],
    retire_year: F64,
    util_old: F64,
    new_load: F64,
    is_reserve: NDArray[np.bool_],
    new_group: NDArray[np.int64],
    raw_new: F64,
    new_year: NDArray[np.int64],
    new_per_year: NDArray[np.int64],
    placement: NDArray[np.int64],
    unit_ttc: float,
    priority: F64,
    unplaced: list[tuple[int, str]],
    demand_sizes: F64,
    src: NDArray[np.int64],
    policy: dict[str, Any],
    estimated: NDArray[np.bool_],
    vm_index: NDArray[np.int64],
    moved_year_index: NDArray[np.int64],
) -> ReplacementPlan:
    """Cost the scenario and the baseline year by year (hosts with completed estimates).

    `demand_sizes`, `src`, `vm_index` and `moved_year_index` are aligned on the VMs to place
    (shape (p,)): `vm_index` their row in `vms`, `moved_year_index` the index in `years` of the
    year each moved to a new host (-1: not moved).
    """
    h, t_new = len(years), new_load.shape[0]
    old_win = np.zeros(hosts.n_hosts, dtype=bool)
    on = vms.is_windows & (vms.host >= 0) & ~vms.is_template
    old_win[vms.host[on]] = True
    moved = placement >= 0
    loads, wins = _new_fleet_by_year(
        h=h,
        t_new=t_new,
        target=placement[vm_index],
        moved_year_index=moved_year_index,
        sizes=demand_sizes,
        windows=vms.is_windows[vm_index],
    )
    # Year index in which each new host first carries Windows: its licence is bought then.
    licence_t = np.where(wins.any(axis=0), wins.argmax(axis=0), -1) if t_new else np.zeros(0, np.int64)
    unit_licence_ht = offer_licence_eur_ht(offer=offer, a=a)
    licences_bought = np.bincount(licence_t[licence_t >= 0], minlength=h)[:h].astype(float)
    licence_invest = licences_bought * unit_licence_ht * (1 + a.vat_rate)
    nf = np.full(t_new, 1.0)
    scen = {k: np.zeros(h) for k in _LINES + ("energy_kwh", "operational_kgco2e")}
    base = {k: np.zeros(h) for k in _LINES + ("energy_kwh", "operational_kgco2e")}
    n_scen = np.zeros(h, dtype=np.int64)
    n_base = np.full(h, hosts.n_hosts, dtype=np.int64)
    for t, year in enumerate(years):
        old = _costs(
            n_sockets=hosts.n_sockets,
            n_cores=hosts.n_cores,
            idle=hosts.power_idle_w,
            peak=hosts.power_max_w,
            util=util_old,
            windows=old_win,
            rack=hosts.rack_units,
            purchase_year=hosts.purchase_year,
            price=hosts.purchase_price_eur,
            warranty_end=hosts.warranty_end_year,
            support=hosts.support_cost_eur_per_year,
            year=year,
            a=a,
        )
        alive = np.isnan(retire_year) | (retire_year > year)
        bought = new_year <= year
        new = _costs(
            n_sockets=np.full(t_new, offer.n_sockets, dtype=np.int64),
            n_cores=np.full(t_new, offer.n_cores, dtype=np.int64),
            idle=nf * offer.power_idle_w,
            peak=nf * offer.power_max_w,
            util=loads[t][:, 0] / raw_new[0] if t_new else np.zeros(0),
            windows=wins[t],
            rack=nf * offer.rack_units,
            purchase_year=new_year.astype(float),
            price=nf * offer.price_eur,
            warranty_end=(new_year + offer.warranty_years).astype(float),
            support=np.full(t_new, np.nan),
            year=year,
            a=a,
        )
        for key, line in scen.items():
            base[key][t] = getattr(old, key).sum()
            line[t] = getattr(old, key)[alive].sum() + getattr(new, key)[bought].sum()
        n_scen[t] = int(alive.sum() + bought.sum())
    invest = np.asarray(new_per_year * unit_ttc, dtype=float) + licence_invest
    scenario = build_budget(
        name=f"replace with {offer.name}",
        years=years,
        investissement_eur=invest,
        investissement_licences_eur=licence_invest,
        assumptions=a,
        **{k: scen[k] for k in _LINES},
    )
    baseline = build_budget(
        name="keep estate",
        years=years,
        investissement_eur=np.zeros(h),
        assumptions=a,
        **{k: base[k] for k in _LINES},
    )
    comparison = compare_budgets(scenario=scenario, baseline=baseline)
    unit_co2 = a.embodied_kgco2e_per_server if offer.embodied_kgco2e is None else offer.embodied_kgco2e
    purchased = new_per_year * unit_co2
    amortised = np.zeros(h)
    life = a.embodied_lifetime_years
    for t in range(h):
        amortised[t : t + life] += purchased[t] / life
    carbon = base["operational_kgco2e"] - scen["operational_kgco2e"] - purchased
    replaced = np.flatnonzero(~np.isnan(retire_year))
    old_load = np.zeros((hosts.n_hosts, 2))
    ok = src >= 0
    np.add.at(old_load, src[ok], demand_sizes[ok])
    serving = ~is_reserve & (new_load.sum(axis=1) > 0)
    drivers = explain_ratio(
        old_raw_capacity=host_capacity(hosts=hosts, ceiling=1.0)[replaced],
        old_load=old_load[replaced],
        old_perf_per_core=hosts.perf_per_core[replaced],
        old_n_cores=hosts.n_cores[replaced],
        new_raw_capacity=raw_new,
        new_load=new_load[serving],
        new_perf_per_core=offer.perf_per_core,
        new_n_cores=offer.n_cores,
        n_vms=int(moved.sum()),
        n_hosts_new_total=t_new,
        n_hosts_reserve=int(is_reserve.sum()),
    )
    payback = comparison.payback_year
    status = "PARTIAL" if unplaced else "OK"
    message = (
        f"{replaced.size} of {hosts.n_hosts} hosts replaced by {t_new} x {offer.name} over "
        f"{years[0]}-{years[-1]}; savings {comparison.total_savings_eur:,.0f} EUR TTC "
        f"(NPV {comparison.npv_savings_eur:,.0f}); payback {payback}"
    )
    return ReplacementPlan(
        status=status,
        message=message,
        offer_name=offer.name,
        years=years,
        retire_year=retire_year,
        priority=priority,
        new_hosts_per_year=new_per_year,
        new_host_year=new_year,
        new_host_cluster=new_group,
        new_host_is_reserve=is_reserve,
        placement=placement,
        n_hosts_scenario=n_scen,
        n_hosts_baseline=n_base,
        scenario=scenario,
        baseline=baseline,
        comparison=comparison,
        savings_by_category=dict(comparison.savings_by_line),
        energy_kwh_scenario=scen["energy_kwh"],
        energy_kwh_baseline=base["energy_kwh"],
        operational_kgco2e_scenario=scen["operational_kgco2e"],
        operational_kgco2e_baseline=base["operational_kgco2e"],
        embodied_kgco2e_purchased=purchased.astype(float),
        embodied_kgco2e_amortised=amortised,
        carbon_savings_kgco2e=carbon,
        carbon_payback_year=_payback(years, carbon),
        payback_year=payback,
        drivers=drivers,
        hosts_with_estimates=np.flatnonzero(estimated).astype(np.int64),
        unplaced=tuple(sorted(unplaced)),
        policy=policy,
        assumptions=a.to_dict(),
    )
