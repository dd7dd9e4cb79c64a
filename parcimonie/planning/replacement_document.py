"""The plan document's multi-year replacement section: retirements, purchases, budgets, savings.

Split from ``document.py`` (which re-exports every model here); ``PlanDocument.replacement``
holds one ``Replacement`` (None for a quick review without the multi-year plan).
"""

from typing import Literal

from pydantic import Field

from parcimonie.planning.document_base import Frozen as _Frozen
from parcimonie.planning.document_base import Unplaced
from parcimonie.planning.messages import Message

__all__ = [
    "BaselineComparison",
    "BudgetRow",
    "CapacityFreed",
    "Drivers",
    "KeepFlags",
    "Replacement",
    "ResidualValue",
    "Retirement",
    "Totals",
    "YearRow",
]


class BudgetRow(_Frozen):
    """One budget year, split the way a budget is voted (EUR TTC)."""

    year: int
    investissement_eur: float | None
    investissement_licences_eur: float | None
    fctva_eur: float | None
    energy_eur: float | None
    maintenance_eur: float | None
    licences_eur: float | None
    staff_eur: float | None
    rack_eur: float | None
    fonctionnement_eur: float | None
    net_eur: float | None
    transition_eur: float | None = None  # disposal + migration + training (part of fonctionnement_eur)


class YearRow(_Frozen):
    """One year of a replacement plan against keeping the estate."""

    year: int
    n_hosts_scenario: int
    n_hosts_baseline: int
    new_hosts: int
    savings_eur: float | None
    cumulative_savings_eur: float | None
    energy_kwh_scenario: float | None
    energy_kwh_baseline: float | None
    operational_kgco2e_scenario: float | None
    operational_kgco2e_baseline: float | None
    embodied_kgco2e_purchased: float | None
    carbon_savings_kgco2e: float | None
    savings_vs_like_for_like_eur: float | None = None  # like-for-like net - scenario net
    cumulative_savings_vs_like_for_like_eur: float | None = None
    staff_hours_freed: float | None = None  # capacity: keep's hours - the plan's (not cash by default)
    rack_u_freed: float | None = None  # capacity: keep's rack units - the plan's (not cash by default)
    disposal_eur: float | None = None  # transition line, scenario: retired hosts
    migration_eur: float | None = None  # transition line, scenario: VMs moved
    training_eur: float | None = None  # transition line, scenario: with the first purchase


class Retirement(_Frozen):
    """An existing host the plan retires, and when."""

    host: str
    year: int
    priority: float | None
    purchase_year: float | None


class Totals(_Frozen):
    """The replacement plan over the horizon against keeping the estate (EUR TTC); against renewing
    like for like: ``Replacement.comparisons``."""

    scenario_eur: float | None
    baseline_eur: float | None
    savings_eur: float | None
    npv_savings_eur: float | None
    fctva_after_horizon_eur: float | None


class BaselineComparison(_Frozen):
    """The plan against one baseline (EUR TTC): "keep" the estate as it is, or renew it "like_for_like"
    (each host at the replacement age, with the cheapest offer covering its cores and memory)."""

    baseline: Literal["keep", "like_for_like"]
    baseline_eur: float | None
    savings_eur: float | None
    npv_savings_eur: float | None
    payback_year: int | None
    residual_value_savings_eur: float | None  # plan's residual value - the baseline's (reported apart)


class ResidualValue(_Frozen):
    """Value of the hardware still owned at the end of the horizon (net book value x share, EUR)."""

    scenario_eur: float | None
    keep_eur: float | None
    like_for_like_eur: float | None
    counted_in_savings: bool = False


class CapacityFreed(_Frozen):
    """Staff hours and rack units the plan frees against keeping the estate (capacity, not cash
    unless the switches say so)."""

    staff_hours_freed_total: float | None
    rack_u_freed_at_end: float | None  # in the last year
    staff_savings_are_cash: bool = False
    rack_savings_are_cash: bool = False


class KeepFlags(_Frozen):
    """Keeping the estate as it is: hosts out of warranty and past the replacement age, in the
    first year and by the last year of the horizon (names)."""

    first_year: int
    last_year: int
    out_of_warranty_first_year: list[str] = Field(default_factory=list)
    out_of_warranty_by_last_year: list[str] = Field(default_factory=list)
    past_replacement_age_first_year: list[str] = Field(default_factory=list)
    past_replacement_age_by_last_year: list[str] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many hosts in each list."""
        return {k: len(v) for k, v in self.model_dump().items() if isinstance(v, list)}


class Drivers(_Frozen):
    """What explains the ratio of replaced hosts to new ones (optimizer.RatioDrivers)."""

    n_hosts_replaced: int
    n_hosts_new: int
    n_hosts_reserve: int
    ratio: float | None
    vms_per_host_before: float | None
    vms_per_host_after: float | None
    cpu_utilisation_before: float | None
    cpu_utilisation_after: float | None
    per_core_perf_gain: float | None
    core_count_gain: float | None
    binding_resource: Literal["cpu", "memory", "none"]
    main_driver: Literal["utilisation", "cpu_generation", "host_size", "none"]

    def message(self) -> Message:
        """The ratio and what explains it, as one sentence to word."""
        figures = self.model_dump(exclude={"binding_resource", "main_driver", "n_hosts_reserve"})
        return Message(
            code="drivers.sentence",
            params={**figures, "resource": f"resource.{self.binding_resource}", "driver": f"driver.{self.main_driver}"},
        )


class Replacement(_Frozen):
    """The multi-year replacement plan: retirements, purchases, budgets, savings, carbon."""

    status: str
    offer: str
    years: list[int]
    yearly: list[YearRow]
    budget_scenario: list[BudgetRow]
    budget_baseline: list[BudgetRow]
    totals: Totals
    savings_by_category_eur: dict[str, float | None]
    payback_year: int | None
    carbon_payback_year: int | None
    retirements: list[Retirement]
    unplaced: list[Unplaced]
    drivers: Drivers
    comparisons: list[BaselineComparison] = Field(default_factory=list)  # against "keep" and "like_for_like"
    budget_like_for_like: list[BudgetRow] = Field(default_factory=list)
    like_for_like_renewals: dict[str, int] = Field(default_factory=dict)  # host -> year renewed there
    residual_value: ResidualValue | None = None
    capacity: CapacityFreed | None = None
    keep_flags: KeepFlags | None = None
    # Demand assumed to grow by this share a year (`demand_growth_per_year`); new hosts bought
    # because VMs already moved outgrew theirs.
    demand_growth_per_year: float = 0.0
    growth_hosts: int = 0

    @property
    def investment_eur(self) -> float:
        """Purchases over the horizon (investissement, EUR TTC)."""
        return float(sum(row.investissement_eur or 0.0 for row in self.budget_scenario))
