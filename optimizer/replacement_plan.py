"""The outcome of a replacement plan: what `plan_replacement` returns, and derived savings.

Budgets per year for the scenario and its baselines (keep the estate, renew like for like), the
capacity it frees apart from cash, carbon, ratio drivers, and the saving with every licence line
zeroed (`savings_without_licences_eur`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.drivers import RatioDrivers
from optimizer.estate import HostTable
from optimizer.finance import BudgetComparison, BudgetPlan
from optimizer.new_fleet import Moves, ReplacementInputs
from optimizer.policy import Policy
from optimizer.reasons import Reason
from optimizer.yearly import TransitionCosts

__all__ = ["Capacity", "ReplacementPlan", "savings_without_licences_eur"]

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Capacity:
    """Staff hours and rack units used per year, shape (h,): capacity, apart from the cash lines.

    Freed = baseline - scenario (negative when the plan needs more).
    """

    staff_hours_scenario: F64
    staff_hours_baseline: F64
    rack_u_scenario: F64
    rack_u_baseline: F64

    @property
    def staff_hours_freed(self) -> F64:
        """Hours of administration freed each year."""
        return np.asarray(self.staff_hours_baseline - self.staff_hours_scenario, dtype=float)

    @property
    def rack_u_freed(self) -> F64:
        """Rack units freed each year."""
        return np.asarray(self.rack_u_baseline - self.rack_u_scenario, dtype=float)


@dataclass(frozen=True, eq=False)
class ReplacementPacking:
    """What a replacement plan decided (its inputs and moves), on which hosts, under which assumptions."""

    assumptions: Assumptions
    hosts: HostTable  # as given, before their estimates were completed (``inputs.hosts``)
    inputs: ReplacementInputs
    moves: Moves


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
        like_for_like, like_for_like_comparison: the "renew like for like" baseline (each host
            renewed at `replacement_age_years` with the cheapest offer covering its cores and
            memory, `optimizer.renewal`) and the plan's savings against it (`comparison` is
            against keeping the estate).
        like_for_like_renew_year: shape (n,), renewal year of each host there (NaN: not renewed).
        like_for_like_offer: shape (n,), offer each host would be renewed with.
        capacity: staff hours and rack units of the scenario and the keep baseline per year.
        transition: the scenario's disposal, migration and training lines.
        warranty_end_year, replacement_due_year: shape (n,), for the keep baseline's flags.
        growth_hosts: new hosts bought (within `new_hosts_per_year`) because the demand of VMs
            already moved grew (`demand_growth_per_year`).
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
    like_for_like: BudgetPlan | None = None
    like_for_like_comparison: BudgetComparison | None = None
    like_for_like_renew_year: F64 = field(default_factory=lambda: np.zeros(0))
    like_for_like_offer: tuple[str, ...] = ()
    capacity: Capacity | None = None
    transition: TransitionCosts | None = None
    warranty_end_year: F64 = field(default_factory=lambda: np.zeros(0))
    replacement_due_year: F64 = field(default_factory=lambda: np.zeros(0))
    growth_hosts: int = 0
    #: The decisions behind the plan, kept so other prices can re-cost them (``optimizer.recost``).
    packing: ReplacementPacking | None = field(default=None, repr=False)

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
