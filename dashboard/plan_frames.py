"""A plan's JSON (``parcimonie.planning.document``) shaped into the money and scenario frames (pure pandas).

The same JSON comes from an interactive plan or from a saved scenario, whether the dashboard or
``parcimonie plan --scenario NAME`` saved it. Repacking onto existing hosts has no replacement plan
(``replacement`` None) and one option (keep the estate): its money columns stay empty. The consolidation's
own frames (hosts after, placement, per cluster) are ``dashboard.consolidation_frames``.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parcimonie.planning.document import BudgetRow, PlanDocument
from parcimonie.planning.scenarios import SavedPlan

BUDGET_LINES = (
    "investissement_eur",
    "investissement_materiel_eur",
    "investissement_licences_eur",
    "fctva_eur",
    "energy_eur",
    "maintenance_eur",
    "licences_eur",
    "staff_eur",
    "rack_eur",
    "fonctionnement_eur",
    "net_eur",
)
SAVING_LINES = (
    "energy_eur",
    "licences_eur",
    "maintenance_eur",
    "staff_eur",
    "rack_eur",
    "investissement_materiel_eur",
    "investissement_licences_eur",
    "fctva_eur",
)


def options_frame(plan: PlanDocument) -> pd.DataFrame:
    """One row per option (keep the estate first), with its TCO gap to keeping the estate.

    ``tco_gap_eur`` compares TCOs with every host bought at once: not the replacement plan's saving.
    """
    options = pd.DataFrame([o.model_dump() for o in plan.options])
    options["is_keep"] = [True] + [False] * (len(options) - 1)
    options["tco_gap_eur"] = float(options["tco_eur"].iloc[0]) - options["tco_eur"]
    options["licence_purchase_eur_ttc"] = options["licence_purchase_eur_ttc"].astype(float).fillna(0.0)
    options["carbon_kgco2e"] = options["operational_kgco2e"] + options["embodied_kgco2e"]
    return options


def sensitivity_frame(plan: PlanDocument) -> pd.DataFrame:
    """TCO of each option (columns, by name) for each electricity price (€/kWh TTC, rows), as the plan computed it."""
    return pd.DataFrame([{"price": p.price_eur_per_kwh, **p.tco_eur_by_option} for p in plan.sensitivity])


def _budget_rows(rows: Sequence[BudgetRow]) -> pd.DataFrame:
    frame = pd.DataFrame([row.model_dump() for row in rows])
    frame["investissement_licences_eur"] = frame["investissement_licences_eur"].astype(float).fillna(0.0)
    frame["investissement_materiel_eur"] = frame["investissement_eur"] - frame["investissement_licences_eur"]
    return frame


def budget_frame(plan: PlanDocument, *, which: str) -> pd.DataFrame:
    """The replacement plan's yearly budget (``which``: "scenario" or "baseline"): lines × years, total."""
    assert plan.replacement is not None
    rows = _budget_rows(plan.replacement.budget_scenario if which == "scenario" else plan.replacement.budget_baseline)
    table = rows.set_index("year")[list(BUDGET_LINES)].T
    table.columns = [str(year) for year in table.columns]
    table["total"] = table.sum(axis=1)
    return table


def _licence_investment(rows: Sequence[BudgetRow]) -> float:
    return float(sum(row.investissement_licences_eur or 0.0 for row in rows))


def scenario_summary(scenarios: Sequence[SavedPlan]) -> pd.DataFrame:
    """One row per saved scenario: hosts, TCA/TCO of its offer, savings, payback, carbon (None if repack).

    ``n_hosts_after``, ``tca_eur_ttc`` and ``tco_eur`` are the one-shot consolidation (every host bought
    at once); ``plan_n_hosts`` (hosts in the plan's last year, ``plan_last_year``) and
    ``plan_investment_eur`` (the plan's purchases over the horizon) are the saved multi-year plan's.
    """
    rows = []
    for s in scenarios:
        doc = s.document
        c, r, option = doc.consolidation, doc.replacement, doc.target_option
        yearly = r.yearly if r else []
        rows.append(
            {
                "scenario": s.name,
                "offer": c.offer,
                "updated_at": s.updated_at,
                "n_hosts_before": c.n_hosts_before,
                "n_hosts_after": c.n_hosts_after,
                "n_hosts_freed": len(c.hosts_freed),
                "tca_eur_ttc": option.tca_eur_ttc if option else None,
                "tco_eur": option.tco_eur if option else None,
                "plan_n_hosts": yearly[-1].n_hosts_scenario if yearly else None,
                "plan_last_year": yearly[-1].year if yearly else None,
                "plan_investment_eur": r.investment_eur if r else None,
                "total_savings_eur": r.totals.savings_eur if r else None,
                "payback_year": r.payback_year if r else None,
                "operational_kgco2e": sum(y.operational_kgco2e_scenario or 0.0 for y in yearly) if yearly else None,
                "embodied_kgco2e": sum(y.embodied_kgco2e_purchased or 0.0 for y in yearly) if yearly else None,
                "carbon_saved_kgco2e": sum(y.carbon_savings_kgco2e or 0.0 for y in yearly) if yearly else None,
                "carbon_payback_year": r.carbon_payback_year if r else None,
            }
        )
    return pd.DataFrame(rows)


def cumulative_costs(scenarios: Sequence[SavedPlan]) -> pd.DataFrame:
    """Cumulative net budget per year of each replacement plan, and of each distinct baseline.

    Scenarios made with different assumptions (energy price, horizon…) have different baselines: one
    baseline row series per distinct baseline (``is_baseline`` True), its ``scenario`` the names of
    the scenarios sharing it joined by " · ". Baselines come first, in the scenarios' order.
    """
    baselines: dict[tuple[Any, ...], list[str]] = {}
    series: dict[tuple[Any, ...], list[tuple[int, float]]] = {}
    plans: list[dict[str, Any]] = []
    for s in scenarios:
        r = s.document.replacement
        if r is None:
            continue
        base = [(row.year, float(row.net_eur or 0.0)) for row in r.budget_baseline]
        key = tuple((y, round(v)) for y, v in base)
        baselines.setdefault(key, []).append(s.name)
        series.setdefault(key, base)
        scen = np.cumsum([row.net_eur or 0.0 for row in r.budget_scenario]).tolist()
        plans += [
            {"scenario": s.name, "year": row.year, "cumulative": v, "is_baseline": False}
            for row, v in zip(r.budget_scenario, scen, strict=True)
        ]
    rows: list[dict[str, Any]] = []
    for key, names in baselines.items():
        years = [y for y, _ in series[key]]
        cumulative = np.cumsum([v for _, v in series[key]]).tolist()
        rows += [
            {"scenario": " · ".join(names), "year": y, "cumulative": v, "is_baseline": True}
            for y, v in zip(years, cumulative, strict=True)
        ]
    return pd.DataFrame(rows + plans, columns=["scenario", "year", "cumulative", "is_baseline"])


def savings_split(scenarios: Sequence[SavedPlan]) -> pd.DataFrame:
    """Savings over the horizon by budget line, one row per scenario with a replacement plan.

    The investment saving is split into hardware (account 2183) and perpetual licences (2051).
    """
    rows = []
    for s in scenarios:
        r = s.document.replacement
        if r:
            by_line = {line: float(value or 0.0) for line, value in r.savings_by_category_eur.items()}
            licences = _licence_investment(r.budget_baseline) - _licence_investment(r.budget_scenario)
            by_line["investissement_licences_eur"] = licences
            by_line["investissement_materiel_eur"] = by_line.get("investissement_eur", 0.0) - licences
            rows.append({"scenario": s.name, **{line: by_line.get(line, 0.0) for line in SAVING_LINES}})
    return pd.DataFrame(rows, columns=["scenario", *SAVING_LINES])


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a == b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def assumption_differences(assumptions: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    """The assumptions (name → value) of a plan that differ from ``reference`` (the policy is apart)."""
    return {
        name: assumptions.get(name)
        for name in sorted({*assumptions, *reference})
        if not _same(assumptions.get(name), reference.get(name))
    }


@dataclass(frozen=True)
class BestScenario:
    """The saved scenario with the largest saving in the last year of its plan (``year``)."""

    name: str
    saving_eur_per_year: float
    saving_share: float | None
    saving_eur_horizon: float
    horizon_years: int
    year: int
    n_hosts_before: int
    n_hosts_after: int


def best_scenario(scenarios: Sequence[SavedPlan]) -> BestScenario | None:
    """The scenario whose replacement plan saves most in its last year, or None without any.

    Pass only scenarios computed with the same assumptions: savings under other energy prices or
    horizons do not compare (see ``assumption_differences``).
    """
    planned = [s for s in scenarios if s.document.replacement and s.document.replacement.yearly]
    if not planned:
        return None
    best = max(planned, key=lambda s: s.document.replacement.yearly[-1].savings_eur or 0.0)  # type: ignore[union-attr]
    r, c = best.document.replacement, best.document.consolidation
    assert r is not None
    saving = float(r.yearly[-1].savings_eur or 0.0)
    baseline = r.budget_baseline[-1].net_eur if r.budget_baseline else None
    return BestScenario(
        name=best.name,
        saving_eur_per_year=saving,
        saving_share=saving / baseline if baseline else None,
        saving_eur_horizon=float(r.totals.savings_eur or 0.0),
        horizon_years=len(r.years),
        year=int(r.yearly[-1].year),
        n_hosts_before=c.n_hosts_before,
        n_hosts_after=c.n_hosts_after,
    )


def yearly_comparison(plan: PlanDocument) -> pd.DataFrame:
    """Per budget year: the current estate's net budget, the plan's, their difference and its running
    total (EUR TTC; the difference is the plan's saving that year). Empty without a replacement plan."""
    columns = ["year", "baseline_eur", "scenario_eur", "difference_eur", "cumulative_eur"]
    r = plan.replacement
    if r is None:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        [
            (y.year, b.net_eur, s.net_eur, y.savings_eur, y.cumulative_savings_eur)
            for y, s, b in zip(r.yearly, r.budget_scenario, r.budget_baseline, strict=True)
        ],
        columns=columns,
    )


def pair_comparison(first: SavedPlan, second: SavedPlan) -> pd.DataFrame:
    """Year by year, the net budget (EUR TTC) of two scenarios' replacement plans and their difference.

    Columns year, first_eur, second_eur, difference_eur (second − first: positive when the second costs
    more). Years of either plan, in order; a year only one plan covers leaves the other and the
    difference empty (None). Empty when neither has a replacement plan.
    """
    columns = ["year", "first_eur", "second_eur", "difference_eur"]

    def net(s: SavedPlan) -> dict[int, float]:
        r = s.document.replacement
        return {int(row.year): float(row.net_eur or 0.0) for row in r.budget_scenario} if r else {}

    a, b = net(first), net(second)
    rows = [
        (year, a.get(year), b.get(year), b[year] - a[year] if year in a and year in b else None)
        for year in sorted({*a, *b})
    ]
    return pd.DataFrame(rows, columns=columns).astype(object)
