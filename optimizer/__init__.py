"""Parcimonie optimizer: consolidation, replacement planning, TCO/TCA, budget and carbon.

Pure functions over frozen dataclasses and numpy arrays; imports only numpy, the standard library
and (in `optimizer.exact` only) OR-Tools. No database, no I/O.
"""

from optimizer.assumptions import (
    CAUTIOUS_CEILING,
    GENERATION_CATALOGUE,
    Assumptions,
    estimate_generation_figures,
)
from optimizer.bounds import LowerBound, lower_bound_heterogeneous, lower_bound_identical
from optimizer.consolidation import ConsolidationResult, plan_consolidation
from optimizer.demand import VmDemand, compute_demand, host_capacity, offer_capacity
from optimizer.drivers import RatioDrivers, explain_ratio
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.exact import ExactPacking, pack_vectors_exact
from optimizer.finance import (
    BudgetComparison,
    BudgetPlan,
    budget_from_option,
    build_budget,
    compare_budgets,
)
from optimizer.fleet import current_cpu_utilisation, keep_estate_tco, offer_fleet_tco
from optimizer.options import OptionComparison, compare_options, consolidated_tco
from optimizer.packing import Packing, pack_vectors
from optimizer.replacement import ReplacementPlan, plan_replacement
from optimizer.tco import (
    OptionTco,
    YearlyCosts,
    host_power_w,
    host_yearly_costs,
    maintenance_eur_ht,
    option_tco,
    vsphere_licensed_cores,
    windows_licence_eur_ht,
    windows_licensed_cores,
    yearly_energy_kwh,
)

__all__ = [
    "CAUTIOUS_CEILING",
    "GENERATION_CATALOGUE",
    "Assumptions",
    "BudgetComparison",
    "BudgetPlan",
    "ConsolidationResult",
    "ExactPacking",
    "HostTable",
    "LowerBound",
    "Offer",
    "OptionComparison",
    "OptionTco",
    "Packing",
    "RatioDrivers",
    "ReplacementPlan",
    "VmDemand",
    "VmTable",
    "YearlyCosts",
    "budget_from_option",
    "build_budget",
    "compare_budgets",
    "compare_options",
    "complete_host_estimates",
    "compute_demand",
    "consolidated_tco",
    "current_cpu_utilisation",
    "estimate_generation_figures",
    "explain_ratio",
    "host_capacity",
    "host_power_w",
    "host_yearly_costs",
    "keep_estate_tco",
    "lower_bound_heterogeneous",
    "lower_bound_identical",
    "maintenance_eur_ht",
    "offer_capacity",
    "offer_fleet_tco",
    "option_tco",
    "pack_vectors",
    "pack_vectors_exact",
    "plan_consolidation",
    "plan_replacement",
    "vsphere_licensed_cores",
    "windows_licence_eur_ht",
    "windows_licensed_cores",
    "yearly_energy_kwh",
]
