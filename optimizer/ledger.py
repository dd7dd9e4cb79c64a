"""Year-by-year accounts of a replacement plan: costs, budgets, carbon and ratio drivers.

Each year the new hosts carry only the VMs moved so far (their energy follows that load), and a
new host needs its Windows Server Datacenter licence from the first year it carries a Windows VM:
the licence is then bought (investissement TTC, outside the FCTVA base) once the
`windows_licences_owned_cores` reassigned to new hosts are used up, and its Software Assurance paid
every year after (fonctionnement). Existing hosts' licences are owned: Software Assurance only.
vSphere's estate-wide terms (72-core order minimum, a contract) apply each year to the hosts
running in the scenario and in the baseline. `savings_without_licences_eur` gives the saving with
every licence line zeroed.
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
from optimizer.policy import Policy
from optimizer.reasons import Reason
from optimizer.tco import (
    FleetHardware,
    host_yearly_costs,
    licences_to_buy,
    vsphere_estate_extra_eur,
    windows_licence_eur_ht,
    windows_licensed_cores,
)

__all__ = [
    "Moves",
    "NewFleet",
    "ReplacementInputs",
    "ReplacementPlan",
    "account_replacement",
    "offer_licence_eur_ht",
    "owned_host_licences",
    "savings_without_licences_eur",
]

F64 = NDArray[np.float64]
_LINES = ("energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur")


@dataclass(frozen=True, eq=False)
class ReplacementPlan:
    """Outcome of `plan_replacement`. Yearly arrays have shape (h,), host arrays (n,), VM (m,).

    Attributes:
        status: "OK", or "PARTIAL" when some VMs could not move (see `unplaced`).
        offer_name: the server model bought.
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
        unplaced: (vm index, reason) for VMs that could not move.
        policy, yearly_investment_cap_eur, assumptions: echo of the inputs that made the plan.
    """

    status: str
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
    unplaced: tuple[tuple[int, Reason], ...]
    policy: Policy = field(default_factory=Policy)
    yearly_investment_cap_eur: float | None = None
    assumptions: dict[str, Any] = field(default_factory=dict)

    @property
    def yearly_savings_without_licences_eur(self) -> F64:
        """Savings per year (shape (h,)) with the licence lines zeroed in both budgets: the
        sensitivity of the saving to the licences (`savings_without_licences_eur`)."""
        return savings_without_licences_eur(self.comparison)

    @property
    def savings_without_licences_eur(self) -> float:
        """Total of `yearly_savings_without_licences_eur` over the horizon (undiscounted)."""
        return float(self.yearly_savings_without_licences_eur.sum())

    @property
    def npv_savings_without_licences_eur(self) -> float:
        """Discounted total of `yearly_savings_without_licences_eur`."""
        return float((self.yearly_savings_without_licences_eur * self.scenario.discount_factors).sum())


def savings_without_licences_eur(comparison: BudgetComparison) -> F64:
    """Yearly savings (shape (h,), EUR TTC) of `comparison` had neither budget any licence line:
    `licences_eur` (subscriptions, Software Assurance) and `investissement_licences_eur` (perpetual
    licences bought) zeroed in the scenario and the baseline.

    The licences bought are outside the FCTVA base, so the FCTVA is unchanged: the saving less the
    licence lines' own savings, `savings - (base - scen)[licences] - (base - scen)[licences bought]`.
    """
    scen, base = comparison.scenario, comparison.baseline
    h = len(scen.years)
    scen_inv = np.zeros(h) if scen.investissement_licences_eur is None else scen.investissement_licences_eur
    base_inv = np.zeros(h) if base.investissement_licences_eur is None else base.investissement_licences_eur
    licences = (base.licences_eur - scen.licences_eur) + (base_inv - scen_inv)
    return np.asarray(comparison.savings_eur - licences, dtype=float)


def offer_licence_eur_ht(*, offer: Offer, a: Assumptions) -> float:
    """Windows Server Datacenter licence price HT of one host of `offer` (0 if Windows disabled)."""
    one = windows_licence_eur_ht(
        n_sockets=np.array([offer.n_sockets]), n_cores=np.array([offer.n_cores]), assumptions=a
    )
    return float(one[0])


def owned_host_licences(*, offer: Offer, a: Assumptions) -> float:
    """How many hosts of `offer` the `windows_licences_owned_cores` license (may be fractional:
    the rest of a host's cores is then bought). 128 owned cores, 64-core hosts: 2."""
    one = windows_licensed_cores(
        n_sockets=np.array([offer.n_sockets]), n_cores=np.array([offer.n_cores]), assumptions=a
    )
    return a.windows_licences_owned_cores / float(one[0])


@dataclass
class NewFleet:
    """The new hosts bought so far (t entries), grown year by year by the replacement planner.

    Attributes:
        load_ref_mhz_mib: shape (t, 2), demand placed on each (reference MHz, MiB).
        is_reserve: shape (t,), HA reserve hosts (they stay empty).
        group: shape (t,), group served (cluster, or -1 in estate scope).
        has_windows: shape (t,), already licensed for Windows Server Datacenter.
        purchase_year: shape (t,).
    """

    load_ref_mhz_mib: F64 = field(default_factory=lambda: np.zeros((0, 2)))
    is_reserve: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    group: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    has_windows: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    purchase_year: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_hosts(self) -> int:
        """Number of new hosts t."""
        return int(self.is_reserve.size)

    def buy(self, *, n_serving: int, n_reserve: int, group: int, year: int) -> int:
        """Add `n_serving` hosts then `n_reserve` reserve hosts; returns the index of the first."""
        first, n = self.n_hosts, n_serving + n_reserve
        self.load_ref_mhz_mib = np.vstack([self.load_ref_mhz_mib, np.zeros((n, 2))])
        self.is_reserve = np.concatenate([self.is_reserve, np.zeros(n_serving, bool), np.ones(n_reserve, bool)])
        self.group = np.concatenate([self.group, np.full(n, group, dtype=np.int64)])
        self.has_windows = np.concatenate([self.has_windows, np.zeros(n, bool)])
        self.purchase_year = np.concatenate([self.purchase_year, np.full(n, year, dtype=np.int64)])
        return first


@dataclass
class Moves:
    """The decisions of the yearly loop: retirements, VM moves and purchases.

    `moved_year_index` (shape (p,), aligned on the VMs to place) is the index in the years of the
    move of each VM, -1 if it stays; `placement` (shape (m,)) its new host.
    """

    fleet: NewFleet
    retire_year: F64
    placement: NDArray[np.int64]
    moved_year_index: NDArray[np.int64]
    new_per_year: NDArray[np.int64]
    unplaced: list[tuple[int, Reason]]


@dataclass(frozen=True, eq=False)
class ReplacementInputs:
    """What the accounts need besides the moves; VM arrays aligned on the p VMs to place.

    Attributes:
        hosts: existing hosts, estimates completed; `estimated` flags them (shape (n,)).
        sizes: shape (p, 2) demand; src: shape (p,) source host; vm_index: shape (p,) row in vms.
        raw_new: shape (2,), raw capacity of one new host; unit_eur_ttc: one host + install.
    """

    hosts: HostTable
    estimated: NDArray[np.bool_]
    vms: VmTable
    offer: Offer
    policy: Policy
    yearly_investment_cap_eur: float | None
    years: tuple[int, ...]
    priority: F64
    util_old: F64
    sizes: F64
    src: NDArray[np.int64]
    vm_index: NDArray[np.int64]
    raw_new: F64
    unit_eur_ttc: float


def _new_fleet_by_year(*, h: int, inputs: ReplacementInputs, moves: Moves) -> tuple[F64, NDArray[np.bool_]]:
    """Load (h, t, 2) and Windows flag (h, t) of the new hosts each year, from the VMs moved so far."""
    t_new = moves.fleet.n_hosts
    target = moves.placement[inputs.vm_index]
    windows = inputs.vms.is_windows[inputs.vm_index]
    moved_t = moves.moved_year_index
    loads = np.zeros((h, t_new, 2))
    wins = np.zeros((h, t_new), dtype=bool)
    fleet = moves.fleet
    for t in range(h):
        now = (moved_t >= 0) & (moved_t <= t) & (target >= 0)
        np.add.at(loads[t], target[now], inputs.sizes[now])
        wins[t, target[now & windows]] = True
        # A reserve host runs the VMs of a failed host of its group: licensed like them.
        windows_groups = np.unique(fleet.group[wins[t]])
        bought = fleet.purchase_year <= inputs.years[t]
        wins[t] |= fleet.is_reserve & bought & np.isin(fleet.group, windows_groups)
    return loads, wins


def _payback(years: tuple[int, ...], yearly: F64) -> int | None:
    """First year from which the cumulative sum stays >= 0, None if it ends negative."""
    cum = np.cumsum(yearly)
    if cum.size == 0 or cum[-1] < -1e-6:
        return None
    negative = np.flatnonzero(cum < -1e-6)
    return years[0] if negative.size == 0 else years[int(negative[-1]) + 1]


@dataclass(frozen=True, eq=False)
class _Lines:
    """Yearly lines (shape (h,)) of the scenario and the baseline, and the licences bought."""

    scenario: dict[str, F64]
    baseline: dict[str, F64]
    n_scenario: NDArray[np.int64]
    licence_invest_eur_ttc: F64


def _yearly_lines(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves) -> _Lines:
    """Cost the scenario (hosts kept + new hosts bought so far) and the baseline, year by year."""
    hosts, vms, years = inputs.hosts, inputs.vms, inputs.years
    h, fleet = len(years), moves.fleet
    old_win = np.zeros(hosts.n_hosts, dtype=bool)
    on = vms.is_windows & (vms.host >= 0) & ~vms.is_template
    old_win[vms.host[on]] = True
    loads, wins = _new_fleet_by_year(h=h, inputs=inputs, moves=moves)
    # Year index in which each new host first carries Windows: its licence is bought then.
    licence_t = np.where(wins.any(axis=0), wins.argmax(axis=0), -1) if fleet.n_hosts else np.zeros(0, np.int64)
    licences_bought = np.bincount(licence_t[licence_t >= 0], minlength=h)[:h].astype(float)
    to_buy = licences_to_buy(needed=licences_bought, owned=owned_host_licences(offer=inputs.offer, a=a))
    licence_invest = to_buy * offer_licence_eur_ht(offer=inputs.offer, a=a) * (1 + a.vat_rate)
    old_hw = FleetHardware.of_hosts(hosts)
    new_hw = FleetHardware.of_offer(inputs.offer, fleet.purchase_year)
    keys = _LINES + ("energy_kwh", "operational_kgco2e")
    scen = {k: np.zeros(h) for k in keys}
    base = {k: np.zeros(h) for k in keys}
    n_scen = np.zeros(h, dtype=np.int64)
    # The transition year is paid pro rata: new hosts from their commissioning month, the hosts they
    # replace until then (and through the parallel run).
    new_share = (13 - a.commissioning_month) / 12
    old_share = min(1.0, (a.commissioning_month - 1 + a.parallel_run_months) / 12)
    for t, year in enumerate(years):
        old = host_yearly_costs(
            fleet=old_hw, cpu_utilisation=inputs.util_old, carries_windows=old_win, year=year, assumptions=a
        )
        util_new = loads[t][:, 0] / inputs.raw_new[0] if fleet.n_hosts else np.zeros(0)
        new = host_yearly_costs(
            fleet=new_hw, cpu_utilisation=util_new, carries_windows=wins[t], year=year, assumptions=a
        )
        alive = np.isnan(moves.retire_year) | (moves.retire_year > year)
        bought = fleet.purchase_year <= year
        old_weight = np.where(alive, 1.0, np.where(moves.retire_year == year, old_share, 0.0))
        new_weight = np.where(fleet.purchase_year < year, 1.0, np.where(bought, new_share, 0.0))
        for key, line in scen.items():
            base[key][t] = getattr(old, key).sum()
            line[t] = (getattr(old, key) * old_weight).sum() + (getattr(new, key) * new_weight).sum()
        n_scen[t] = int(alive.sum() + bought.sum())
        vs_scen = (old.vsphere_eur * old_weight).sum() + (new.vsphere_eur * new_weight).sum()
        scen["licences_eur"][t] += vsphere_estate_extra_eur(
            hosts_eur_ttc=vs_scen, n_hosts=n_scen[t], year=year, assumptions=a
        )
        base["licences_eur"][t] += vsphere_estate_extra_eur(
            hosts_eur_ttc=old.vsphere_eur.sum(), n_hosts=hosts.n_hosts, year=year, assumptions=a
        )
    return _Lines(scen, base, n_scen, licence_invest)


def _drivers(*, inputs: ReplacementInputs, moves: Moves) -> RatioDrivers:
    """What explains the ratio between the hosts retired and the new hosts bought."""
    hosts, fleet = inputs.hosts, moves.fleet
    replaced = np.flatnonzero(~np.isnan(moves.retire_year))
    old_load = np.zeros((hosts.n_hosts, 2))
    ok = inputs.src >= 0
    np.add.at(old_load, inputs.src[ok], inputs.sizes[ok])
    serving = ~fleet.is_reserve & (fleet.load_ref_mhz_mib.sum(axis=1) > 0)
    return explain_ratio(
        old_raw_capacity=host_capacity(hosts=hosts, ceiling=1.0)[replaced],
        old_load=old_load[replaced],
        old_perf_per_core=hosts.perf_per_core[replaced],
        old_n_cores=hosts.n_cores[replaced],
        offer=inputs.offer,
        new_load=fleet.load_ref_mhz_mib[serving],
        n_vms=int((moves.placement >= 0).sum()),
        n_hosts_new_total=fleet.n_hosts,
        n_hosts_reserve=int(fleet.is_reserve.sum()),
    )


def _carbon(*, a: Assumptions, offer: Offer, new_per_year: NDArray[np.int64]) -> tuple[F64, F64]:
    """Embodied carbon of the hosts bought each year: (full amount, amortised over their life)."""
    h = new_per_year.size
    unit_co2 = a.embodied_kgco2e_per_server if offer.embodied_kgco2e is None else offer.embodied_kgco2e
    purchased = np.asarray(new_per_year * unit_co2, dtype=float)
    amortised = np.zeros(h)
    life = a.embodied_lifetime_years
    for t in range(h):
        amortised[t : t + life] += purchased[t] / life
    return purchased, amortised


def account_replacement(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves) -> ReplacementPlan:
    """Cost the scenario and the baseline year by year, and assemble the plan."""
    years, offer, h = inputs.years, inputs.offer, len(inputs.years)
    lines = _yearly_lines(a=a, inputs=inputs, moves=moves)
    invest = np.asarray(moves.new_per_year * inputs.unit_eur_ttc, dtype=float) + lines.licence_invest_eur_ttc
    scenario = build_budget(
        name=f"replace with {offer.name}",
        years=years,
        investissement_eur=invest,
        investissement_licences_eur=lines.licence_invest_eur_ttc,
        assumptions=a,
        **{k: lines.scenario[k] for k in _LINES},
    )
    baseline = build_budget(
        name="keep estate",
        years=years,
        investissement_eur=np.zeros(h),
        assumptions=a,
        **{k: lines.baseline[k] for k in _LINES},
    )
    comparison = compare_budgets(scenario=scenario, baseline=baseline)
    purchased, amortised = _carbon(a=a, offer=offer, new_per_year=moves.new_per_year)
    carbon = lines.baseline["operational_kgco2e"] - lines.scenario["operational_kgco2e"] - purchased
    fleet = moves.fleet
    return ReplacementPlan(
        status="PARTIAL" if moves.unplaced else "OK",
        offer_name=offer.name,
        years=years,
        retire_year=moves.retire_year,
        priority=inputs.priority,
        new_hosts_per_year=moves.new_per_year,
        new_host_year=fleet.purchase_year,
        new_host_cluster=fleet.group,
        new_host_is_reserve=fleet.is_reserve,
        placement=moves.placement,
        n_hosts_scenario=lines.n_scenario,
        n_hosts_baseline=np.full(h, inputs.hosts.n_hosts, dtype=np.int64),
        scenario=scenario,
        baseline=baseline,
        comparison=comparison,
        savings_by_category=dict(comparison.savings_by_line),
        energy_kwh_scenario=lines.scenario["energy_kwh"],
        energy_kwh_baseline=lines.baseline["energy_kwh"],
        operational_kgco2e_scenario=lines.scenario["operational_kgco2e"],
        operational_kgco2e_baseline=lines.baseline["operational_kgco2e"],
        embodied_kgco2e_purchased=purchased,
        embodied_kgco2e_amortised=amortised,
        carbon_savings_kgco2e=carbon,
        carbon_payback_year=_payback(years, carbon),
        payback_year=comparison.payback_year,
        drivers=_drivers(inputs=inputs, moves=moves),
        hosts_with_estimates=np.flatnonzero(inputs.estimated).astype(np.int64),
        unplaced=tuple(sorted(moves.unplaced, key=lambda u: u[0])),
        policy=inputs.policy,
        yearly_investment_cap_eur=inputs.yearly_investment_cap_eur,
        assumptions=a.to_dict(),
    )
