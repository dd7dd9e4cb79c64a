"""A plan's JSON (``parcimonie.planning.document``) shaped into the frames the pages show (pure pandas).

The same JSON comes from an interactive plan or from a saved scenario, whether the dashboard or
``parcimonie plan --scenario NAME`` saved it. Repacking onto existing hosts has no replacement plan
(``replacement`` None) and one option (keep the estate): its money columns stay empty.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parcimonie.planning.estate_inputs import EstateInputs

NO_CLUSTER = "—"
BUDGET_LINES = ("investissement_eur", "investissement_materiel_eur", "investissement_licences_eur", "fctva_eur",
                "energy_eur", "maintenance_eur", "licences_eur", "staff_eur", "rack_eur", "fonctionnement_eur",
                "net_eur")
SAVING_LINES = ("energy_eur", "licences_eur", "maintenance_eur", "staff_eur", "rack_eur",
                "investissement_materiel_eur", "investissement_licences_eur", "fctva_eur")
# Assumptions a user chooses per scenario as policy (echoed in the assumptions): not a reason to
# refuse a comparison between scenarios.
POLICY_ASSUMPTIONS = ("utilisation_ceiling", "ha_reserve_hosts")


@dataclass(frozen=True)
class ConsolidationFrames:
    """A consolidation for review.

    ``targets``: one row per host after (host, cluster, kind new/existing/ha, n_vms, cpu and memory
    utilisation as shares); ``placement``: one row per placed VM (vm, from_host, cluster, to_host);
    ``freed``: existing hosts no longer needed (not those still carrying an unplaced VM);
    ``unplaced``: VMs that fit on no target (vm, host, reason); ``excluded``: VMs the policy left out
    (vm, host, reason: the optimizer's "template/powered off, excluded by policy");
    ``n_kept_by_unplaced``: hosts the optimizer freed that still carry an unplaced VM.
    """

    targets: pd.DataFrame
    placement: pd.DataFrame
    freed: pd.DataFrame
    unplaced: pd.DataFrame
    excluded: pd.DataFrame
    n_kept_by_unplaced: int = 0


def cluster_names(inputs: EstateInputs, hosts: pd.DataFrame) -> dict[int, str]:
    """The optimizer's cluster index → cluster name, through the hosts' row ids (-1: no cluster)."""
    by_id = dict(zip(hosts["id"], hosts["cluster"].fillna(NO_CLUSTER), strict=True))
    names: dict[int, str] = {-1: NO_CLUSTER}
    for index, row_id in zip(inputs.hosts.cluster.tolist(), inputs.host_row_ids, strict=True):
        if index >= 0:
            names.setdefault(int(index), str(by_id.get(row_id, NO_CLUSTER)))
    return names


def excluded_vms(plan: dict[str, Any], vms: pd.DataFrame) -> pd.DataFrame:
    """The VMs ``plan``'s request leaves out (templates, powered-off VMs), from the inventory's VM frame.

    Columns vm, host, reason (the optimizer's wording, translated by ``dashboard.messages``).
    """
    request = plan.get("request") or {}
    templates = vms["is_template"].astype(bool) & (not request.get("include_templates", False))
    off = (vms["power_state"] != "on") & (not request.get("include_powered_off", True)) & ~templates
    reason = np.where(templates, "template excluded by policy", "powered off, excluded by policy")
    chosen = templates | off
    return pd.DataFrame({"vm": vms["name"][chosen], "host": vms["host"][chosen],
                         "reason": reason[chosen.to_numpy()]}).reset_index(drop=True)


def consolidation_frames(plan: dict[str, Any], *, hosts: pd.DataFrame, clusters: dict[int, str],
                         vms: pd.DataFrame | None = None) -> ConsolidationFrames:
    """The consolidation of ``plan`` as tables; ``hosts`` and ``vms`` are the inventory's frames (by name)."""
    c = plan["consolidation"]
    host_cluster = dict(zip(hosts["name"], hosts["cluster"].fillna(NO_CLUSTER), strict=True))
    targets = pd.DataFrame(c["targets"], columns=["host", "existing", "cluster", "ha_reserve", "n_vms",
                                                  "cpu_utilisation", "memory_utilisation"])
    kind = np.where(targets["ha_reserve"].astype(bool), "ha",
                    np.where(targets["existing"].astype(bool), "existing", "new"))
    targets = pd.DataFrame({
        "host": targets["host"], "cluster": targets["cluster"].map(lambda k: clusters.get(int(k), NO_CLUSTER)),
        "kind": kind, "n_vms": targets["n_vms"].astype(int),
        "cpu_utilisation": targets["cpu_utilisation"].astype(float),
        "memory_utilisation": targets["memory_utilisation"].astype(float),
    })
    placement = pd.DataFrame(c["placement"], columns=["vm", "from_host", "to_host"])
    placement.insert(2, "cluster", placement["from_host"].map(host_cluster).fillna(NO_CLUSTER))
    vm_host = dict(zip(vms["name"], vms["host"], strict=True)) if vms is not None else {}
    unplaced = pd.DataFrame(c["unplaced"], columns=["vm", "reason"])
    unplaced.insert(1, "host", unplaced["vm"].map(vm_host))
    kept = set(unplaced["host"].dropna()) & set(c["hosts_freed"])  # freed on paper, still running VMs
    freed = hosts[hosts["name"].isin(c["hosts_freed"]) & ~hosts["name"].isin(kept)]
    freed = pd.DataFrame({
        "host": freed["name"], "cluster": freed["cluster"].fillna(NO_CLUSTER), "n_cores": freed["n_cores"],
        "memory_gib": freed["memory_gib"], "purchase_year": freed["purchase_year"], "n_vms_before": freed["n_vms"],
    })
    excluded = excluded_vms(plan, vms) if vms is not None else pd.DataFrame(columns=["vm", "host", "reason"])
    return ConsolidationFrames(targets=targets, placement=placement, freed=freed, unplaced=unplaced,
                               excluded=excluded, n_kept_by_unplaced=len(kept))


def options_frame(plan: dict[str, Any]) -> pd.DataFrame:
    """One row per option (keep the estate first), with its TCO gap to keeping the estate.

    ``tco_gap_eur`` compares TCOs with every host bought at once: not the replacement plan's saving.
    """
    options = pd.DataFrame(plan["options"])
    options["is_keep"] = [True] + [False] * (len(options) - 1)
    options["tco_gap_eur"] = float(options["tco_eur"].iloc[0]) - options["tco_eur"]
    if "licence_purchase_eur_ttc" not in options:  # plans saved before the licences were split out
        options["licence_purchase_eur_ttc"] = 0.0
    options["licence_purchase_eur_ttc"] = options["licence_purchase_eur_ttc"].astype(float).fillna(0.0)
    options["carbon_kgco2e"] = options["operational_kgco2e"] + options["embodied_kgco2e"]
    return options


def sensitivity_frame(plan: dict[str, Any], prices: Sequence[float]) -> pd.DataFrame:
    """TCO of each option (columns, by name) for each electricity price (€/kWh TTC, rows).

    Energy is the only line that depends on the price, linearly (kWh × price): the packing does not.
    """
    rows = {o["name"]: [o["tco_eur"] - o["energy_eur"] + o["energy_kwh"] * p for p in prices] for o in plan["options"]}
    return pd.DataFrame({"price": list(prices), **rows})


def budget_frame(plan: dict[str, Any], *, which: str) -> pd.DataFrame:
    """The replacement plan's yearly budget (``which``: "scenario" or "baseline"): lines × years, total."""
    rows = pd.DataFrame(plan["replacement"][f"budget_{which}"])
    if "investissement_licences_eur" not in rows:  # plans saved before the licences were split out
        rows["investissement_licences_eur"] = 0.0
    rows["investissement_licences_eur"] = rows["investissement_licences_eur"].astype(float).fillna(0.0)
    rows["investissement_materiel_eur"] = rows["investissement_eur"] - rows["investissement_licences_eur"]
    table = rows.set_index("year")[list(BUDGET_LINES)].T
    table.columns = [str(year) for year in table.columns]
    table["total"] = table.sum(axis=1)
    return table


def _target_option(results: dict[str, Any]) -> dict[str, Any] | None:
    offer = results["consolidation"].get("offer")
    return next((o for o in results["options"][1:] if o["name"] == offer), None)


def _licence_investment(rows: Sequence[dict[str, Any]]) -> float:
    return float(sum(row.get("investissement_licences_eur") or 0.0 for row in rows))


def scenario_summary(scenarios: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per saved scenario: hosts, TCA/TCO of its offer, savings, payback, carbon (None if repack).

    ``n_hosts_after``, ``tca_eur_ttc`` and ``tco_eur`` are the one-shot consolidation (every host bought
    at once); ``plan_n_hosts`` (hosts in the plan's last year, ``plan_last_year``) and
    ``plan_investment_eur`` (the plan's purchases over the horizon) are the saved multi-year plan's.
    """
    rows = []
    for s in scenarios:
        r = s["results"]
        c, replacement, option = r["consolidation"], r.get("replacement"), _target_option(r)
        yearly = replacement["yearly"] if replacement else []
        rows.append({
            "scenario": s["name"], "offer": c.get("offer"), "updated_at": s["updated_at"],
            "n_hosts_before": c["n_hosts_before"], "n_hosts_after": c["n_hosts_after"],
            "n_hosts_freed": len(c["hosts_freed"]),
            "tca_eur_ttc": option["tca_eur_ttc"] if option else None,
            "tco_eur": option["tco_eur"] if option else None,
            "plan_n_hosts": yearly[-1]["n_hosts_scenario"] if yearly else None,
            "plan_last_year": yearly[-1]["year"] if yearly else None,
            "plan_investment_eur": (sum(row["investissement_eur"] or 0.0 for row in replacement["budget_scenario"])
                                    if replacement else None),
            "total_savings_eur": replacement["totals"]["savings_eur"] if replacement else None,
            "payback_year": replacement["payback_year"] if replacement else None,
            "operational_kgco2e": sum(y["operational_kgco2e_scenario"] for y in yearly) if yearly else None,
            "embodied_kgco2e": sum(y["embodied_kgco2e_purchased"] for y in yearly) if yearly else None,
            "carbon_saved_kgco2e": sum(y["carbon_savings_kgco2e"] for y in yearly) if yearly else None,
            "carbon_payback_year": replacement["carbon_payback_year"] if replacement else None,
        })
    return pd.DataFrame(rows)


def cumulative_costs(scenarios: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Cumulative net budget per year of each replacement plan, and of each distinct baseline.

    Scenarios made with different assumptions (energy price, horizon…) have different baselines: one
    baseline row series per distinct baseline (``is_baseline`` True), its ``scenario`` the names of
    the scenarios sharing it joined by " · ". Baselines come first, in the scenarios' order.
    """
    planned = [s for s in scenarios if s["results"].get("replacement")]
    baselines: dict[tuple[Any, ...], list[str]] = {}
    series: dict[tuple[Any, ...], list[tuple[int, float]]] = {}
    plans: list[dict[str, Any]] = []
    for s in planned:
        r = s["results"]["replacement"]
        base = [(row["year"], float(row["net_eur"] or 0.0)) for row in r["budget_baseline"]]
        key = tuple((y, round(v)) for y, v in base)
        baselines.setdefault(key, []).append(s["name"])
        series.setdefault(key, base)
        scen = np.cumsum([row["net_eur"] or 0.0 for row in r["budget_scenario"]]).tolist()
        plans += [{"scenario": s["name"], "year": row["year"], "cumulative": v, "is_baseline": False}
                  for row, v in zip(r["budget_scenario"], scen, strict=True)]
    rows: list[dict[str, Any]] = []
    for key, names in baselines.items():
        years = [y for y, _ in series[key]]
        cumulative = np.cumsum([v for _, v in series[key]]).tolist()
        rows += [{"scenario": " · ".join(names), "year": y, "cumulative": v, "is_baseline": True}
                 for y, v in zip(years, cumulative, strict=True)]
    return pd.DataFrame(rows + plans, columns=["scenario", "year", "cumulative", "is_baseline"])


def savings_split(scenarios: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Savings over the horizon by budget line, one row per scenario with a replacement plan.

    The investment saving is split into hardware (account 2183) and perpetual licences (2051).
    """
    rows = []
    for s in scenarios:
        r = s["results"].get("replacement")
        if r:
            by_line = {line: float(value or 0.0) for line, value in r["savings_by_category_eur"].items()}
            licences = _licence_investment(r["budget_baseline"]) - _licence_investment(r["budget_scenario"])
            by_line["investissement_licences_eur"] = licences
            by_line["investissement_materiel_eur"] = by_line.get("investissement_eur", 0.0) - licences
            rows.append({"scenario": s["name"], **{line: by_line.get(line, 0.0) for line in SAVING_LINES}})
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
    """The assumptions (name → value) of a plan that differ from ``reference``, policy choices aside."""
    return {
        name: assumptions.get(name)
        for name in sorted({*assumptions, *reference})
        if name not in POLICY_ASSUMPTIONS and not _same(assumptions.get(name), reference.get(name))
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


def best_scenario(scenarios: Sequence[dict[str, Any]]) -> BestScenario | None:
    """The scenario whose replacement plan saves most in its last year, or None without any.

    Pass only scenarios computed with the same assumptions: savings under other energy prices or
    horizons do not compare (see ``assumption_differences``).
    """
    planned = [s for s in scenarios if s["results"].get("replacement", {}) and s["results"]["replacement"]["yearly"]]
    if not planned:
        return None
    best = max(planned, key=lambda s: s["results"]["replacement"]["yearly"][-1]["savings_eur"] or 0.0)
    r, c = best["results"]["replacement"], best["results"]["consolidation"]
    saving = float(r["yearly"][-1]["savings_eur"] or 0.0)
    baseline = r["budget_baseline"][-1]["net_eur"] if r["budget_baseline"] else None
    return BestScenario(
        name=best["name"], saving_eur_per_year=saving, saving_share=saving / baseline if baseline else None,
        saving_eur_horizon=float(r["totals"]["savings_eur"] or 0.0), horizon_years=len(r["years"]),
        year=int(r["yearly"][-1]["year"]),
        n_hosts_before=int(c["n_hosts_before"]), n_hosts_after=int(c["n_hosts_after"]),
    )
