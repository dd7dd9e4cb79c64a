"""A plan as plain JSON: what `plan --json` prints, what a scenario stores, what the workbook shows.

Host and VM indices become names, numpy arrays become lists, and every figure says its unit in its
key. The structure is stable: the dashboard and the workbook read it back from saved scenarios.
"""

from typing import TYPE_CHECKING, Any

import numpy as np

from optimizer import BudgetPlan, ConsolidationResult, OptionTco, Reason, ReasonCode, ReplacementPlan
from parcimonie.wording import plan_warnings

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome

OPEX_KEYS = ("energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur")


def _num(value: Any) -> Any:
    """A JSON number (None for NaN/inf), rounded to the cent."""
    if value is None:
        return None
    f = float(value)
    return round(f, 2) if np.isfinite(f) else None


# Bridge until the typed plan document: the optimizer now gives reason codes; the JSON keeps the
# English wording the dashboard and the workbook still translate, plus the code and its figures.
_REASON_PROSE = {
    ReasonCode.NO_CAPACITY_LEFT: "no target host left with enough free capacity",
    ReasonCode.NO_TARGET_HOST: "no target host available",
    ReasonCode.NO_FREE_EXISTING_HOST: "no free existing host left",
    ReasonCode.TEMPLATE: "template excluded by policy (include_templates=False)",
    ReasonCode.POWERED_OFF: "powered off, excluded by policy (include_powered_off=False)",
    ReasonCode.NO_CAPACITY_ON_NEW_HOSTS: "no capacity left on new hosts",
}


def _reason(vm: str, reason: Reason) -> dict[str, Any]:
    p = reason.params
    if reason.code == ReasonCode.TOO_LARGE:
        text = (
            f"demand ({p['cpu_ref_mhz']:.0f} ref MHz, {p['memory_mib']:.0f} MiB) exceeds"
            " the usable capacity of every target host"
        )
    elif reason.code == ReasonCode.TOO_LARGE_FOR_NEW_HOSTS:
        text = "demand exceeds the usable capacity of the new host model; its host is kept"
    else:
        text = _REASON_PROSE.get(reason.code, str(reason.code))
    return {"vm": vm, "reason": text, "code": str(reason.code), "params": dict(p)}


def _option(option: OptionTco) -> dict[str, Any]:
    return {
        "name": option.name,
        "n_hosts": option.n_hosts,
        "tca_eur_ht": _num(option.tca_eur_ht),
        "tca_eur_ttc": _num(option.tca_eur_ttc),
        "licence_purchase_eur_ttc": _num(option.licence_purchase_eur_ttc),
        "tco_eur": _num(option.tco_eur),
        "tco_depreciated_eur": _num(option.tco_depreciated_eur),
        "opex_eur": _num(option.opex_eur.sum()),
        **{key: _num(getattr(option, key).sum()) for key in OPEX_KEYS},
        "energy_kwh": _num(option.energy_kwh.sum()),
        "operational_kgco2e": _num(option.operational_kgco2e.sum()),
        "embodied_kgco2e": _num(option.embodied_kgco2e),
    }


def _targets(result: ConsolidationResult, host_names: tuple[str, ...], offer: str | None) -> list[str]:
    labels = []
    for k, existing in enumerate(result.target_existing_host.tolist()):
        labels.append(host_names[existing] if existing >= 0 else f"nouveau-{k + 1:03d}")
    return labels


def consolidation_to_dict(result: ConsolidationResult, outcome: "PlanOutcome") -> dict[str, Any]:
    """The consolidation: summary, per-target utilisation, placement, freed hosts, unplaced VMs."""
    hosts, vms = outcome.inputs.hosts, outcome.inputs.vms
    request = outcome.request
    # VMs the policy leaves out (templates, powered-off) are not failures to place.
    excluded = (vms.is_template & (not request.policy.include_templates)) | (
        ~vms.powered_on & (not request.policy.include_powered_off)
    )
    labels = _targets(result, hosts.names, result.offer_name)
    n_vms = (
        np.bincount(result.placement[result.placement >= 0], minlength=result.n_hosts_after)
        if (result.offer_name)
        else None
    )
    targets = []
    for k, label in enumerate(labels):
        existing = int(result.target_existing_host[k])
        count = int(n_vms[k]) if n_vms is not None else int((result.placement == existing).sum())
        targets.append(
            {
                "host": label,
                "existing": existing >= 0,
                "cluster": int(result.target_cluster[k]),
                "ha_reserve": bool(result.target_is_ha_reserve[k]),
                "n_vms": count,
                "cpu_utilisation": _num(result.cpu_utilisation[k]),
                "memory_utilisation": _num(result.memory_utilisation[k]),
            }
        )
    if result.offer_name:
        to_label = {k: labels[k] for k in range(len(labels))}
    else:
        to_label = {int(e): hosts.names[int(e)] for e in result.target_existing_host.tolist()}
    placement = [
        {"vm": vms.names[j], "from_host": hosts.names[src] if src >= 0 else None, "to_host": to_label[int(dst)]}
        for j, (src, dst) in enumerate(zip(vms.host.tolist(), result.placement.tolist(), strict=True))
        if dst >= 0
    ]
    return {
        "status": result.status,
        "offer": result.offer_name,
        "n_hosts_before": result.n_hosts_before,
        "n_hosts_after": result.n_hosts_after,
        "n_ha_reserve_hosts": result.n_ha_reserve_hosts,
        "lower_bound": result.lower_bound,
        "bound_kinds": list(result.bound_kinds),
        "gap_hosts": result.gap_hosts,
        "gap_pct": _num(result.gap_pct),
        "vms_per_host_before": _num(result.vms_per_host_before),
        "vms_per_host_after": _num(result.vms_per_host_after),
        "solver": result.solver,
        "tco_by_offer_eur": {o.name: _num(o.tco_eur) for o in outcome.options},
        "hosts_freed": [hosts.names[i] for i in result.hosts_freed.tolist()],
        "n_excluded_by_policy": int(excluded.sum()),
        "unplaced": [_reason(vms.names[i], reason) for i, reason in result.unplaced if not excluded[i]],
        "targets": targets,
        "placement": placement,
    }


def _budget_rows(plan: BudgetPlan) -> list[dict[str, Any]]:
    rows = []
    for t, year in enumerate(plan.years):
        rows.append(
            {
                "year": year,
                "investissement_eur": _num(plan.investissement_eur[t]),
                "investissement_licences_eur": _num(
                    0.0 if plan.investissement_licences_eur is None else plan.investissement_licences_eur[t]
                ),
                "fctva_eur": _num(plan.fctva_eur[t]),
                **{key: _num(getattr(plan, key)[t]) for key in OPEX_KEYS},
                "fonctionnement_eur": _num(plan.fonctionnement_eur[t]),
                "net_eur": _num(plan.net_eur[t]),
            }
        )
    return rows


def replacement_to_dict(plan: ReplacementPlan, outcome: "PlanOutcome") -> dict[str, Any]:
    """The multi-year plan: retirements, purchases, budgets, savings, carbon, drivers."""
    hosts = outcome.inputs.hosts
    order = np.argsort(-plan.priority)
    retirements = [
        {
            "host": hosts.names[i],
            "year": int(plan.retire_year[i]),
            "priority": _num(plan.priority[i]),
            "purchase_year": _num(hosts.purchase_year[i]),
        }
        for i in order.tolist()
        if np.isfinite(plan.retire_year[i])
    ]
    c = plan.comparison
    yearly = []
    for t, year in enumerate(plan.years):
        yearly.append(
            {
                "year": year,
                "n_hosts_scenario": int(plan.n_hosts_scenario[t]),
                "n_hosts_baseline": int(plan.n_hosts_baseline[t]),
                "new_hosts": int(plan.new_hosts_per_year[t]),
                "savings_eur": _num(c.savings_eur[t]),
                "cumulative_savings_eur": _num(c.cumulative_savings_eur[t]),
                "energy_kwh_scenario": _num(plan.energy_kwh_scenario[t]),
                "energy_kwh_baseline": _num(plan.energy_kwh_baseline[t]),
                "operational_kgco2e_scenario": _num(plan.operational_kgco2e_scenario[t]),
                "operational_kgco2e_baseline": _num(plan.operational_kgco2e_baseline[t]),
                "embodied_kgco2e_purchased": _num(plan.embodied_kgco2e_purchased[t]),
                "carbon_savings_kgco2e": _num(plan.carbon_savings_kgco2e[t]),
            }
        )
    d = plan.drivers
    return {
        "status": plan.status,
        "offer": plan.offer_name,
        "years": list(plan.years),
        "yearly": yearly,
        "budget_scenario": _budget_rows(plan.scenario),
        "budget_baseline": _budget_rows(plan.baseline),
        "totals": {
            "scenario_eur": _num(plan.scenario.total_eur),
            "baseline_eur": _num(plan.baseline.total_eur),
            "savings_eur": _num(c.total_savings_eur),
            "npv_savings_eur": _num(c.npv_savings_eur),
            "fctva_after_horizon_eur": _num(plan.scenario.fctva_after_horizon_eur),
        },
        "savings_by_category_eur": {k: _num(np.sum(v)) for k, v in plan.savings_by_category.items()},
        "payback_year": plan.payback_year,
        "carbon_payback_year": plan.carbon_payback_year,
        "retirements": retirements,
        "unplaced": [_reason(outcome.inputs.vms.names[i], r) for i, r in plan.unplaced],
        "drivers": {
            "n_hosts_replaced": d.n_hosts_replaced,
            "n_hosts_new": d.n_hosts_new,
            "n_hosts_reserve": d.n_hosts_reserve,
            "ratio": _num(d.ratio),
            "vms_per_host_before": _num(d.vms_per_host_before),
            "vms_per_host_after": _num(d.vms_per_host_after),
            "cpu_utilisation_before": _num(d.cpu_utilisation_before),
            "cpu_utilisation_after": _num(d.cpu_utilisation_after),
            "per_core_perf_gain": _num(d.per_core_perf_gain),
            "core_count_gain": _num(d.core_count_gain),
            "binding_resource": d.binding_resource,
            "main_driver": str(d.main_driver),
        },
    }


def plan_to_dict(outcome: "PlanOutcome") -> dict[str, Any]:
    """The whole plan as JSON-ready data."""
    inputs = outcome.inputs
    plan = {
        "format": 1,
        "snapshot_key": inputs.snapshot_key,
        "start_year": outcome.start_year,
        # Bridge: readers still find the policy flat in the request, and ceiling/HA in the assumptions.
        "request": {**outcome.request.to_dict(), **outcome.request.policy.to_dict()},
        "assumptions": {
            **outcome.assumptions.to_dict(),
            "utilisation_ceiling": outcome.request.policy.ceiling,
            "ha_reserve_hosts": outcome.request.policy.ha_reserve_hosts,
        },
        "estate": {
            "n_hosts": inputs.hosts.n_hosts,
            "n_vms": inputs.vms.n_vms,
            "skipped_hosts": list(inputs.skipped_hosts),
            "physical_hosts": list(inputs.physical_hosts),
            "unsized_vms": list(inputs.unsized_vms),
        },
        "consolidation": consolidation_to_dict(outcome.consolidation, outcome),
        "options": [_option(outcome.keep)] + [_option(o) for o in outcome.options],
        "replacement": replacement_to_dict(outcome.replacement, outcome) if outcome.replacement else None,
    }
    plan["warnings"] = plan_warnings(plan)
    return plan
