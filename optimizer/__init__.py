"""Parcimonie optimizer: consolidation, replacement planning, TCO/TCA, budget and carbon.

Pure functions over frozen dataclasses and numpy arrays; imports only numpy, the standard library
and OR-Tools (CP-SAT in `optimizer.exact`, GLOP in `optimizer.fleet_bound`). No database, no I/O.
"""

from optimizer.assumptions import GENERATION_CATALOGUE, VSPHERE_MODELS, Assumptions, estimate_generation_figures
from optimizer.bounds import LowerBound, lower_bound_heterogeneous, lower_bound_identical
from optimizer.consolidation import ConsolidationResult, plan_consolidation
from optimizer.constraints import PlacementRules
from optimizer.demand import VmDemand, compute_demand, host_capacity, offer_capacity
from optimizer.drivers import MainDriver, RatioDrivers, explain_ratio
from optimizer.errors import AssumptionError, PlanInputError, PolicyError
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.exact import ExactPacking, pack_vectors_exact
from optimizer.finance import (
    BudgetComparison,
    BudgetPlan,
    budget_from_option,
    build_budget,
    compare_budgets,
    with_end_of_horizon,
)
from optimizer.fleet import (
    OfferComparison,
    OptionComparison,
    compare_offers,
    compare_options,
    current_cpu_utilisation,
    keep_estate_tco,
    offer_fleet_tco,
    repack_tco,
)
from optimizer.fleet_bound import TcoLowerBound, tco_lower_bound
from optimizer.fleet_mix import FleetMix, cheapest_fleet
from optimizer.licences import (
    licences_to_buy,
    vsphere_estate_extra_eur,
    vsphere_host_eur_ht,
    vsphere_licensed_cores,
    vsphere_model_in_force,
    windows_licence_eur_ht,
    windows_licensed_cores,
)
from optimizer.new_fleet import NewFleet
from optimizer.packing import Packing, PackRequest, pack_vectors, pack_vectors_many
from optimizer.policy import CAUTIOUS_CEILING, Policy
from optimizer.reasons import Reason, ReasonCode
from optimizer.renewal import pick_renewal_offers
from optimizer.replacement import plan_replacement
from optimizer.replacement_plan import Capacity, ReplacementPlan, savings_without_licences_eur
from optimizer.tco import (
    FleetHardware,
    OptionTco,
    YearlyCosts,
    energy_price_sensitivity,
    host_power_w,
    host_yearly_costs,
    maintenance_eur_ht,
    offer_unit_eur_ht,
    option_tco,
    yearly_energy_kwh,
)
from optimizer.usage import DataConfidence, UsageSource, apportion_host_usage, data_confidence

__all__ = [
    "DataConfidence",
    "UsageSource",
    "apportion_host_usage",
    "data_confidence",
    "CAUTIOUS_CEILING",
    "GENERATION_CATALOGUE",
    "VSPHERE_MODELS",
    "AssumptionError",
    "Assumptions",
    "BudgetComparison",
    "BudgetPlan",
    "ConsolidationResult",
    "ExactPacking",
    "FleetHardware",
    "FleetMix",
    "HostTable",
    "LowerBound",
    "MainDriver",
    "Capacity",
    "NewFleet",
    "Offer",
    "OfferComparison",
    "OptionComparison",
    "PlacementRules",
    "OptionTco",
    "PackRequest",
    "Packing",
    "PlanInputError",
    "Policy",
    "PolicyError",
    "RatioDrivers",
    "Reason",
    "ReasonCode",
    "ReplacementPlan",
    "TcoLowerBound",
    "VmDemand",
    "VmTable",
    "YearlyCosts",
    "budget_from_option",
    "build_budget",
    "cheapest_fleet",
    "compare_budgets",
    "with_end_of_horizon",
    "compare_offers",
    "compare_options",
    "complete_host_estimates",
    "compute_demand",
    "current_cpu_utilisation",
    "energy_price_sensitivity",
    "estimate_generation_figures",
    "explain_ratio",
    "host_capacity",
    "host_power_w",
    "host_yearly_costs",
    "keep_estate_tco",
    "licences_to_buy",
    "lower_bound_heterogeneous",
    "lower_bound_identical",
    "maintenance_eur_ht",
    "offer_capacity",
    "offer_fleet_tco",
    "offer_unit_eur_ht",
    "option_tco",
    "pack_vectors",
    "pack_vectors_exact",
    "pack_vectors_many",
    "plan_consolidation",
    "pick_renewal_offers",
    "plan_replacement",
    "repack_tco",
    "savings_without_licences_eur",
    "tco_lower_bound",
    "vsphere_estate_extra_eur",
    "vsphere_host_eur_ht",
    "vsphere_licensed_cores",
    "vsphere_model_in_force",
    "windows_licence_eur_ht",
    "windows_licensed_cores",
    "yearly_energy_kwh",
]
