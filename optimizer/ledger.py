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

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import host_capacity
from optimizer.drivers import RatioDrivers, explain_ratio
from optimizer.estate import HostTable, Offer
from optimizer.finance import BudgetComparison, BudgetPlan, build_budget, compare_budgets, with_end_of_horizon
from optimizer.licences import licences_to_buy
from optimizer.new_fleet import Moves, ReplacementInputs, offer_licence_eur_ht, owned_host_licences
from optimizer.renewal import Renewal, renew_like_for_like
from optimizer.replacement_plan import Capacity, ReplacementPlan
from optimizer.tco import FleetHardware
from optimizer.yearly import (
    COST_KEYS,
    TransitionCosts,
    add_fleets_year,
    net_book_value_eur,
    transition_costs,
    transition_weights,
)

__all__ = ["account_replacement"]

F64 = NDArray[np.float64]
_LINES = ("energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur")


def _new_fleet_by_year(*, h: int, inputs: ReplacementInputs, moves: Moves) -> tuple[F64, NDArray[np.bool_]]:
    """Load (h, t, 2) and Windows flag (h, t) of the new hosts each year, from the VMs moved so far."""
    t_new = moves.fleet.n_hosts
    target = moves.placement[inputs.vm_index]
    windows = inputs.vms.is_windows[inputs.vm_index]
    moved_t = moves.moved_year_index
    loads = np.zeros((h, t_new, inputs.sizes.shape[1]))
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
    """Yearly figures (shape (h,), `COST_KEYS`) of the scenario and the baseline, and the licences bought."""

    scenario: dict[str, F64]
    baseline: dict[str, F64]
    n_scenario: NDArray[np.int64]
    licence_invest_eur_ttc: F64
    old_windows: NDArray[np.bool_]


def _old_windows(inputs: ReplacementInputs) -> NDArray[np.bool_]:
    """Shape (n,): existing hosts carrying a Windows VM (their licences are owned)."""
    vms = inputs.vms
    old_win = np.zeros(inputs.hosts.n_hosts, dtype=bool)
    on = vms.is_windows & (vms.host >= 0) & ~vms.is_template
    old_win[vms.host[on]] = True
    return old_win


def _licences_bought(*, a: Assumptions, inputs: ReplacementInputs, wins: NDArray[np.bool_]) -> F64:
    """Datacenter licences TTC bought each year: a new host's, the first year it carries Windows."""
    h = len(inputs.years)
    licence_t = np.where(wins.any(axis=0), wins.argmax(axis=0), -1) if wins.shape[1] else np.zeros(0, np.int64)
    needed = np.bincount(licence_t[licence_t >= 0], minlength=h)[:h].astype(float)
    # Licences the authority already owns (and may transfer) cover the first hosts: only the rest is bought.
    bought = licences_to_buy(needed=needed, owned=owned_host_licences(offer=inputs.offer, a=a))
    return np.asarray(bought * offer_licence_eur_ht(offer=inputs.offer, a=a) * (1 + a.vat_rate), dtype=float)


def _yearly_lines(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves) -> _Lines:
    """Cost the scenario (hosts kept + new hosts bought so far) and the baseline, year by year.

    The transition year is paid pro rata (`optimizer.yearly.transition_weights`).
    """
    hosts, years = inputs.hosts, inputs.years
    h, fleet = len(years), moves.fleet
    old_win = _old_windows(inputs)
    loads, wins = _new_fleet_by_year(h=h, inputs=inputs, moves=moves)
    old_hw = FleetHardware.of_hosts(hosts)
    new_hw = FleetHardware.of_offer(inputs.offer, fleet.purchase_year)
    scen = {k: np.zeros(h) for k in COST_KEYS}
    base = {k: np.zeros(h) for k in COST_KEYS}
    n_scen = np.zeros(h, dtype=np.int64)
    for t, year in enumerate(years):
        util_new = inputs.cpu_memory(loads[t])[:, 0] / inputs.raw_new[0] if fleet.n_hosts else np.zeros(0)
        w_old, w_new = transition_weights(
            retire_year=moves.retire_year, purchase_year=new_hw.purchase_year, year=year, a=a
        )
        add_fleets_year(
            scen, t, [(old_hw, inputs.util_old, old_win, w_old), (new_hw, util_new, wins[t], w_new)], year=year, a=a
        )
        add_fleets_year(base, t, [(old_hw, inputs.util_old, old_win, np.ones(hosts.n_hosts))], year=year, a=a)
        alive = np.isnan(moves.retire_year) | (moves.retire_year > year)
        n_scen[t] = int(alive.sum() + (fleet.purchase_year <= year).sum())
    return _Lines(scen, base, n_scen, _licences_bought(a=a, inputs=inputs, wins=wins), old_win)


def _cash(lines: dict[str, F64], keep: dict[str, F64], a: Assumptions) -> dict[str, F64]:
    """The money lines of a budget: staff and rack as in the keep baseline unless they are cash
    (`staff_savings_are_cash`, `rack_savings_are_cash`): freed hours and U are capacity."""
    out = {k: lines[k] for k in _LINES}
    if not a.staff_savings_are_cash:
        out["staff_eur"] = keep["staff_eur"].copy()
    if not a.rack_savings_are_cash:
        out["rack_eur"] = keep["rack_eur"].copy()
    return out


def _scenario_transition(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves) -> TransitionCosts:
    """Disposal of the hosts retired, migration of the VMs moved, training with the first purchase."""
    h = len(inputs.years)
    retired = np.array([(moves.retire_year == y).sum() for y in inputs.years], dtype=float)
    moved = moves.moved_year_index[moves.moved_year_index >= 0]
    return transition_costs(
        retired_per_year=retired,
        vms_moved_per_year=np.bincount(moved, minlength=h)[:h].astype(float),
        bought_per_year=moves.new_per_year.astype(float),
        trains=True,
        a=a,
    )


def _residual_values(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves) -> tuple[float, float]:
    """Residual value at the end of the horizon: (scenario: hosts kept + new hosts, baseline: all hosts)."""
    hosts, last = inputs.hosts, inputs.years[-1]
    kept = np.isnan(moves.retire_year)
    fleet = moves.fleet
    scenario = net_book_value_eur(
        price_eur_ttc=np.concatenate([hosts.purchase_price_eur_ttc[kept], np.full(fleet.n_hosts, inputs.unit_eur_ttc)]),
        purchase_year=np.concatenate([hosts.purchase_year[kept], fleet.purchase_year.astype(float)]),
        last_year=last,
        a=a,
    )
    baseline = net_book_value_eur(
        price_eur_ttc=hosts.purchase_price_eur_ttc, purchase_year=hosts.purchase_year, last_year=last, a=a
    )
    return scenario, baseline


def _drivers(*, inputs: ReplacementInputs, moves: Moves) -> RatioDrivers:
    """What explains the ratio between the hosts retired and the new hosts bought."""
    hosts, fleet = inputs.hosts, moves.fleet
    replaced = np.flatnonzero(~np.isnan(moves.retire_year))
    old_load = np.zeros((hosts.n_hosts, inputs.sizes.shape[1]))
    ok = inputs.src >= 0
    np.add.at(old_load, inputs.src[ok], inputs.sizes[ok])
    old_load = inputs.cpu_memory(old_load)  # CPU and memory: what the ratio reads
    serving = ~fleet.is_reserve & (fleet.load_ref_mhz_mib.sum(axis=1) > 0)
    return explain_ratio(
        old_raw_capacity=host_capacity(hosts=hosts, ceiling=1.0)[replaced],
        old_load=old_load[replaced],
        old_perf_per_core=hosts.perf_per_core[replaced],
        old_n_cores=hosts.n_cores[replaced],
        offer=inputs.offer,
        new_load=inputs.cpu_memory(fleet.load_ref_mhz_mib[serving]),
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


@dataclass(frozen=True, eq=False)
class _Budgets:
    """The three budgets of a plan and the comparisons against both baselines."""

    scenario: BudgetPlan
    baseline: BudgetPlan
    comparison: BudgetComparison
    like_for_like: BudgetPlan
    like_for_like_comparison: BudgetComparison


def _no_purchase_no_payback(comparison: BudgetComparison, bought: bool) -> BudgetComparison:
    """A plan that buys nothing pays nothing back: its payback year is None."""
    return comparison if bought else dataclasses.replace(comparison, payback_year=None)


def _budgets(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves, lines: _Lines, renewal: Renewal) -> _Budgets:
    """Scenario, keep and like-for-like budgets (staff and rack as cash only when said so)."""
    years = inputs.years
    invest = np.asarray(moves.new_per_year * inputs.unit_eur_ttc, dtype=float) + lines.licence_invest_eur_ttc
    residual_scenario, residual_keep = _residual_values(a=a, inputs=inputs, moves=moves)
    scenario = build_budget(
        name=f"replace with {inputs.offer.name}",
        years=years,
        investissement_eur=invest,
        investissement_licences_eur=lines.licence_invest_eur_ttc,
        assumptions=a,
        **_cash(lines.scenario, lines.baseline, a),
    )
    scenario = with_end_of_horizon(
        scenario,
        transition_eur=_scenario_transition(a=a, inputs=inputs, moves=moves).total_eur,
        residual_value_eur=residual_scenario,
    )
    baseline = build_budget(
        name="keep estate",
        years=years,
        investissement_eur=np.zeros(len(years)),
        assumptions=a,
        **{k: lines.baseline[k] for k in _LINES},
    )
    baseline = with_end_of_horizon(baseline, transition_eur=None, residual_value_eur=residual_keep)
    like = build_budget(
        name="renew like for like",
        years=years,
        investissement_eur=renewal.investissement_eur,
        investissement_licences_eur=renewal.investissement_licences_eur,
        assumptions=a,
        **_cash(renewal.lines, lines.baseline, a),
    )
    like = with_end_of_horizon(
        like, transition_eur=renewal.transition.total_eur, residual_value_eur=renewal.residual_value_eur
    )
    bought = bool(moves.new_per_year.sum() > 0)
    return _Budgets(
        scenario=scenario,
        baseline=baseline,
        comparison=_no_purchase_no_payback(compare_budgets(scenario=scenario, baseline=baseline), bought),
        like_for_like=like,
        like_for_like_comparison=_no_purchase_no_payback(compare_budgets(scenario=scenario, baseline=like), bought),
    )


def _renewal(*, a: Assumptions, inputs: ReplacementInputs, old_windows: NDArray[np.bool_]) -> Renewal:
    """The like-for-like baseline of the plan's hosts, with the renewal offers (default: the plan's)."""
    ok = inputs.src >= 0
    return renew_like_for_like(
        hosts=inputs.hosts,
        offers=inputs.renewal_offers or (inputs.offer,),
        util_old=inputs.util_old,
        old_windows=old_windows,
        vms_per_host=np.bincount(inputs.src[ok], minlength=inputs.hosts.n_hosts).astype(np.int64),
        years=inputs.years,
        a=a,
    )


def _keep_flags(*, a: Assumptions, hosts: HostTable) -> tuple[F64, F64]:
    """Shape (n,) each: end of warranty (fractional year; unknown: purchase + default warranty;
    NaN if both unknown) and year the replacement age is reached (NaN if purchase year unknown)."""
    warranty = np.where(
        np.isnan(hosts.warranty_end_year), hosts.purchase_year + a.default_warranty_years, hosts.warranty_end_year
    )
    return np.asarray(warranty, dtype=float), np.asarray(hosts.purchase_year + a.replacement_age_years, dtype=float)


def account_replacement(*, a: Assumptions, inputs: ReplacementInputs, moves: Moves) -> ReplacementPlan:
    """Cost the scenario and both baselines year by year, and assemble the plan."""
    years, offer, h = inputs.years, inputs.offer, len(inputs.years)
    lines = _yearly_lines(a=a, inputs=inputs, moves=moves)
    renewal = _renewal(a=a, inputs=inputs, old_windows=lines.old_windows)
    budgets = _budgets(a=a, inputs=inputs, moves=moves, lines=lines, renewal=renewal)
    comparison = budgets.comparison
    purchased, amortised = _carbon(a=a, offer=offer, new_per_year=moves.new_per_year)
    carbon = lines.baseline["operational_kgco2e"] - lines.scenario["operational_kgco2e"] - purchased
    fleet = moves.fleet
    offers = inputs.renewal_offers or (inputs.offer,)
    warranty_end, due = _keep_flags(a=a, hosts=inputs.hosts)
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
        scenario=budgets.scenario,
        baseline=budgets.baseline,
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
        growth_hosts=moves.growth_bought,
        unplaced=tuple(sorted(moves.unplaced, key=lambda u: u[0])),
        policy=inputs.policy,
        yearly_investment_cap_eur=inputs.yearly_investment_cap_eur,
        assumptions=a.to_dict(),
        like_for_like=budgets.like_for_like,
        like_for_like_comparison=budgets.like_for_like_comparison,
        like_for_like_renew_year=renewal.renew_year,
        like_for_like_offer=tuple(offers[k].name for k in renewal.offer_index.tolist()),
        capacity=Capacity(
            staff_hours_scenario=lines.scenario["staff_hours"],
            staff_hours_baseline=lines.baseline["staff_hours"],
            rack_u_scenario=lines.scenario["rack_u"],
            rack_u_baseline=lines.baseline["rack_u"],
        ),
        transition=_scenario_transition(a=a, inputs=inputs, moves=moves),
        warranty_end_year=warranty_end,
        replacement_due_year=due,
    )
