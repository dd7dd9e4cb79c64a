"""A plan's JSON (``parcimonie.plan_json``) shaped into the frames the pages show (pure pandas).

The same JSON comes from an interactive plan or from a saved scenario, whether the dashboard or
``parcimonie plan --scenario NAME`` saved it. Repacking onto existing hosts has no replacement plan
(``replacement`` None) and one option (keep the estate): its money columns stay empty.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parcimonie.estate_inputs import EstateInputs

NO_CLUSTER = "—"
BUDGET_LINES = ("investissement_eur", "fctva_eur", "energy_eur", "maintenance_eur", "licences_eur",
                "staff_eur", "rack_eur", "fonctionnement_eur", "net_eur")
SAVING_LINES = ("energy_eur", "licences_eur", "maintenance_eur", "staff_eur", "rack_eur",
                "investissement_eur", "fctva_eur")


@dataclass(frozen=True)
class ConsolidationFrames:
    """A consolidation for review.

    ``targets``: one row per host after (host, cluster, kind new/existing/ha, n_vms, cpu and memory
    utilisation as shares); ``placement``: one row per placed VM (vm, from_host, cluster, to_host);
    ``freed``: existing hosts no longer needed; ``unplaced``: VMs that fit on no target.
    """

    targets: pd.DataFrame
    placement: pd.DataFrame
    freed: pd.DataFrame
    unplaced: pd.DataFrame


def cluster_names(inputs: EstateInputs, hosts: pd.DataFrame) -> dict[int, str]:
    """The optimizer's cluster index → cluster name, through the hosts' row ids (-1: no cluster)."""
    by_id = dict(zip(hosts["id"], hosts["cluster"].fillna(NO_CLUSTER), strict=True))
    names: dict[int, str] = {-1: NO_CLUSTER}
    for index, row_id in zip(inputs.hosts.cluster.tolist(), inputs.host_row_ids, strict=True):
        if index >= 0:
            names.setdefault(int(index), str(by_id.get(row_id, NO_CLUSTER)))
    return names


def consolidation_frames(plan: dict[str, Any], *, hosts: pd.DataFrame, clusters: dict[int, str]) -> ConsolidationFrames:
    """The consolidation of ``plan`` as tables; ``hosts`` is the inventory's host frame (by name)."""
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
    freed = hosts[hosts["name"].isin(c["hosts_freed"])]
    freed = pd.DataFrame({
        "host": freed["name"], "cluster": freed["cluster"].fillna(NO_CLUSTER), "n_cores": freed["n_cores"],
        "memory_gib": freed["memory_gib"], "purchase_year": freed["purchase_year"], "n_vms_before": freed["n_vms"],
    })
    unplaced = pd.DataFrame(c["unplaced"], columns=["vm", "reason"])
    return ConsolidationFrames(targets=targets, placement=placement, freed=freed, unplaced=unplaced)


def options_frame(plan: dict[str, Any]) -> pd.DataFrame:
    """One row per option (keep the estate first), with its TCO saving against keeping the estate."""
    options = pd.DataFrame(plan["options"])
    options["is_keep"] = [True] + [False] * (len(options) - 1)
    options["tco_savings_eur"] = float(options["tco_eur"].iloc[0]) - options["tco_eur"]
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
    rows = plan["replacement"][f"budget_{which}"]
    table = pd.DataFrame(rows).set_index("year")[list(BUDGET_LINES)].T
    table.columns = [str(year) for year in table.columns]
    table["total"] = table.sum(axis=1)
    return table


def _target_option(results: dict[str, Any]) -> dict[str, Any] | None:
    offer = results["consolidation"].get("offer")
    return next((o for o in results["options"][1:] if o["name"] == offer), None)


def scenario_summary(scenarios: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per saved scenario: hosts, TCA/TCO of its offer, savings, payback, carbon (None if repack)."""
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
            "total_savings_eur": replacement["totals"]["savings_eur"] if replacement else None,
            "payback_year": replacement["payback_year"] if replacement else None,
            "operational_kgco2e": sum(y["operational_kgco2e_scenario"] for y in yearly) if yearly else None,
            "embodied_kgco2e": sum(y["embodied_kgco2e_purchased"] for y in yearly) if yearly else None,
            "carbon_saved_kgco2e": sum(y["carbon_savings_kgco2e"] for y in yearly) if yearly else None,
            "carbon_payback_year": replacement["carbon_payback_year"] if replacement else None,
        })
    return pd.DataFrame(rows)


def cumulative_costs(scenarios: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Cumulative net budget per year: the baseline once (``scenario`` None), then each replacement plan."""
    planned = [s for s in scenarios if s["results"].get("replacement")]
    rows: list[dict[str, Any]] = []
    for k, s in enumerate(planned):
        r = s["results"]["replacement"]
        series = [("budget_baseline", None)] if k == 0 else []
        for key, name in [*series, ("budget_scenario", s["name"])]:
            years = [row["year"] for row in r[key]]
            cumulative = np.cumsum([row["net_eur"] for row in r[key]]).tolist()
            rows += [{"scenario": name, "year": y, "cumulative": v} for y, v in zip(years, cumulative, strict=True)]
    return pd.DataFrame(rows, columns=["scenario", "year", "cumulative"])


def savings_split(scenarios: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Savings over the horizon by budget line, one row per scenario with a replacement plan."""
    rows = []
    for s in scenarios:
        r = s["results"].get("replacement")
        if r:
            by_line = r["savings_by_category_eur"]
            rows.append({"scenario": s["name"], **{line: float(by_line.get(line) or 0.0) for line in SAVING_LINES}})
    return pd.DataFrame(rows, columns=["scenario", *SAVING_LINES])


@dataclass(frozen=True)
class BestScenario:
    """The saved scenario with the largest yearly saving (last year of its horizon)."""

    name: str
    saving_eur_per_year: float
    saving_share: float | None
    saving_eur_horizon: float
    horizon_years: int
    n_hosts_before: int
    n_hosts_after: int


def best_scenario(scenarios: Sequence[dict[str, Any]]) -> BestScenario | None:
    """The scenario whose replacement plan saves most in its last year, or None without any."""
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
        n_hosts_before=int(c["n_hosts_before"]), n_hosts_after=int(c["n_hosts_after"]),
    )
