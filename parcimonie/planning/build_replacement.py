"""The replacement plan's part of the document: yearly rows, budget lines, drivers, baselines,
flags on the estate kept, residual value and capacity freed (``build.build_document`` calls it).

Also the two conversions every part of the document shares: a finite number or None, a reason as
a ``Message``.
"""

from typing import TYPE_CHECKING, Any

import numpy as np

from optimizer import BudgetComparison, BudgetPlan, Reason, ReplacementPlan
from parcimonie.planning.document import (
    BaselineComparison,
    BudgetRow,
    CapacityFreed,
    Drivers,
    KeepFlags,
    Replacement,
    ResidualValue,
    Retirement,
    Totals,
    Unplaced,
    YearRow,
)
from parcimonie.planning.messages import Message

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome

__all__ = ["OPEX_KEYS", "finite", "reason_message", "replacement_section"]

OPEX_KEYS = ("energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur")


def finite(value: Any) -> float | None:
    """A JSON number (None for NaN/inf), rounded to the cent."""
    if value is None:
        return None
    f = float(value)
    return round(f, 2) if np.isfinite(f) else None


def reason_message(reason: Reason) -> Message:
    """An optimizer reason as a message code of ``MESSAGES`` with JSON-ready figures."""
    params: dict[str, float | int | str | list[str] | None] = {}
    for key, value in reason.params.items():
        params[key] = finite(value) if isinstance(value, (float, np.floating)) else value
    return Message(code=f"reason.{reason.code}", params=params)


def _budget_rows(plan: BudgetPlan) -> list[BudgetRow]:
    licences = plan.investissement_licences_eur
    return [
        BudgetRow(
            year=year,
            investissement_eur=finite(plan.investissement_eur[t]),
            investissement_licences_eur=finite(0.0 if licences is None else licences[t]),
            fctva_eur=finite(plan.fctva_eur[t]),
            **{key: finite(getattr(plan, key)[t]) for key in OPEX_KEYS},
            fonctionnement_eur=finite(plan.fonctionnement_eur[t]),
            net_eur=finite(plan.net_eur[t]),
            transition_eur=finite(plan.transition_line_eur[t]),
        )
        for t, year in enumerate(plan.years)
    ]


def _yearly_extra(plan: ReplacementPlan, t: int) -> dict[str, float | None]:
    """The like-for-like savings, the capacity freed and the transition lines of year index t."""
    extra: dict[str, float | None] = {}
    like = plan.like_for_like_comparison
    if like is not None:
        extra["savings_vs_like_for_like_eur"] = finite(like.savings_eur[t])
        extra["cumulative_savings_vs_like_for_like_eur"] = finite(like.cumulative_savings_eur[t])
    if plan.capacity is not None:
        extra["staff_hours_freed"] = finite(plan.capacity.staff_hours_freed[t])
        extra["rack_u_freed"] = finite(plan.capacity.rack_u_freed[t])
    if plan.transition is not None:
        extra["disposal_eur"] = finite(plan.transition.disposal_eur[t])
        extra["migration_eur"] = finite(plan.transition.migration_eur[t])
        extra["training_eur"] = finite(plan.transition.training_eur[t])
    return extra


def _yearly(plan: ReplacementPlan) -> list[YearRow]:
    c = plan.comparison
    return [
        YearRow(
            year=year,
            n_hosts_scenario=int(plan.n_hosts_scenario[t]),
            n_hosts_baseline=int(plan.n_hosts_baseline[t]),
            new_hosts=int(plan.new_hosts_per_year[t]),
            savings_eur=finite(c.savings_eur[t]),
            cumulative_savings_eur=finite(c.cumulative_savings_eur[t]),
            energy_kwh_scenario=finite(plan.energy_kwh_scenario[t]),
            energy_kwh_baseline=finite(plan.energy_kwh_baseline[t]),
            operational_kgco2e_scenario=finite(plan.operational_kgco2e_scenario[t]),
            operational_kgco2e_baseline=finite(plan.operational_kgco2e_baseline[t]),
            embodied_kgco2e_purchased=finite(plan.embodied_kgco2e_purchased[t]),
            carbon_savings_kgco2e=finite(plan.carbon_savings_kgco2e[t]),
            **_yearly_extra(plan, t),
        )
        for t, year in enumerate(plan.years)
    ]


def _drivers(plan: ReplacementPlan) -> Drivers:
    d = plan.drivers
    return Drivers(
        n_hosts_replaced=d.n_hosts_replaced,
        n_hosts_new=d.n_hosts_new,
        n_hosts_reserve=d.n_hosts_reserve,
        ratio=finite(d.ratio),
        vms_per_host_before=finite(d.vms_per_host_before),
        vms_per_host_after=finite(d.vms_per_host_after),
        cpu_utilisation_before=finite(d.cpu_utilisation_before),
        cpu_utilisation_after=finite(d.cpu_utilisation_after),
        per_core_perf_gain=finite(d.per_core_perf_gain),
        core_count_gain=finite(d.core_count_gain),
        binding_resource=d.binding_resource,  # type: ignore[arg-type]
        main_driver=str(d.main_driver),  # type: ignore[arg-type]
    )


def _comparison(name: str, c: BudgetComparison) -> BaselineComparison:
    return BaselineComparison(
        baseline=name,  # type: ignore[arg-type]
        baseline_eur=finite(c.baseline.total_eur),
        savings_eur=finite(c.total_savings_eur),
        npv_savings_eur=finite(c.npv_savings_eur),
        payback_year=c.payback_year,
        residual_value_savings_eur=finite(c.residual_value_savings_eur),
    )


def _keep_flags(plan: ReplacementPlan, names: tuple[str, ...]) -> KeepFlags | None:
    """Hosts out of warranty (ended by 1 January) and past the replacement age, first and last year."""
    if plan.warranty_end_year.size != len(names) or not plan.years:
        return None
    first, last = plan.years[0], plan.years[-1]

    def named(mask: np.ndarray[Any, Any]) -> list[str]:
        return [names[i] for i in np.flatnonzero(mask).tolist()]

    with np.errstate(invalid="ignore"):
        return KeepFlags(
            first_year=first,
            last_year=last,
            out_of_warranty_first_year=named(plan.warranty_end_year <= first),
            out_of_warranty_by_last_year=named(plan.warranty_end_year <= last),
            past_replacement_age_first_year=named(plan.replacement_due_year <= first),
            past_replacement_age_by_last_year=named(plan.replacement_due_year <= last),
        )


def _replacement_extra(plan: ReplacementPlan, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields of issue #8: both baselines, residual value, capacity freed, keep's flags."""
    a = plan.assumptions
    extra: dict[str, Any] = {
        "comparisons": [_comparison("keep", plan.comparison)],
        "keep_flags": _keep_flags(plan, names),
    }
    like, like_c = plan.like_for_like, plan.like_for_like_comparison
    if like is not None and like_c is not None:
        extra["comparisons"].append(_comparison("like_for_like", like_c))
        extra["budget_like_for_like"] = _budget_rows(like)
        extra["like_for_like_renewals"] = {
            names[i]: int(y) for i, y in enumerate(plan.like_for_like_renew_year.tolist()) if np.isfinite(y)
        }
    extra["residual_value"] = ResidualValue(
        scenario_eur=finite(plan.scenario.residual_value_eur),
        keep_eur=finite(plan.baseline.residual_value_eur),
        like_for_like_eur=None if like is None else finite(like.residual_value_eur),
        counted_in_savings=bool(a.get("residual_value_in_savings", False)),
    )
    if plan.capacity is not None:
        extra["capacity"] = CapacityFreed(
            staff_hours_freed_total=finite(plan.capacity.staff_hours_freed.sum()),
            rack_u_freed_at_end=finite(plan.capacity.rack_u_freed[-1]),
            staff_savings_are_cash=bool(a.get("staff_savings_are_cash", False)),
            rack_savings_are_cash=bool(a.get("rack_savings_are_cash", False)),
        )
    return extra


def replacement_section(plan: ReplacementPlan, outcome: "PlanOutcome") -> Replacement:
    hosts = outcome.inputs.hosts
    retirements = [
        Retirement(
            host=hosts.names[i],
            year=int(plan.retire_year[i]),
            priority=finite(plan.priority[i]),
            purchase_year=finite(hosts.purchase_year[i]),
        )
        for i in np.argsort(-plan.priority).tolist()
        if np.isfinite(plan.retire_year[i])
    ]
    c = plan.comparison
    return Replacement(
        status=plan.status,
        offer=plan.offer_name,
        years=list(plan.years),
        yearly=_yearly(plan),
        budget_scenario=_budget_rows(plan.scenario),
        budget_baseline=_budget_rows(plan.baseline),
        totals=Totals(
            scenario_eur=finite(plan.scenario.total_eur),
            baseline_eur=finite(plan.baseline.total_eur),
            savings_eur=finite(c.total_savings_eur),
            npv_savings_eur=finite(c.npv_savings_eur),
            fctva_after_horizon_eur=finite(plan.scenario.fctva_after_horizon_eur),
        ),
        savings_by_category_eur={k: finite(np.sum(v)) for k, v in plan.savings_by_category.items()},
        payback_year=plan.payback_year,
        carbon_payback_year=plan.carbon_payback_year,
        retirements=retirements,
        unplaced=[Unplaced(vm=outcome.inputs.vms.names[i], reason=reason_message(r)) for i, r in plan.unplaced],
        drivers=_drivers(plan),
        demand_growth_per_year=float(plan.assumptions.get("demand_growth_per_year", 0.0)),
        growth_hosts=int(plan.growth_hosts),
        **_replacement_extra(plan, hosts.names),
    )
