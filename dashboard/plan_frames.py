"""A plan's JSON (``parcimonie.planning.document``) shaped into the frames the pages show (pure pandas).

The same JSON comes from an interactive plan or from a saved scenario, whether the dashboard or
``parcimonie plan --scenario NAME`` saved it. Repacking onto existing hosts has no replacement plan
(``replacement`` None) and one option (keep the estate): its money columns stay empty.
"""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard.cluster_limits import cluster_limit
from parcimonie.planning import EstateInputs
from parcimonie.planning.document import BudgetRow, PlanDocument, PolicyEcho
from parcimonie.planning.messages import Message
from parcimonie.planning.scenarios import SavedPlan

NO_CLUSTER = "—"
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
CLUSTER_COLUMNS = (
    "cluster",
    "n_hosts_before",
    "n_hosts_after",
    "n_vms",
    "cpu_utilisation",
    "memory_utilisation",
    "limit",
)
ESTATE_ROW = "*"  # the one row of ``clusters`` when the plan pools the whole estate (scope "estate")
VM_SIZE_COLUMNS = ("n_vcpus", "memory_gib", "cpu_p95_mhz")
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


@dataclass(frozen=True)
class ConsolidationFrames:
    """A consolidation for review.

    ``targets``: one row per host after (host, cluster, kind new/existing/ha, n_vms, cpu and memory
    utilisation as shares); ``placement``: one row per placed VM (vm, from_host, cluster, to_host,
    and the VM's size from the inventory: n_vcpus, memory_gib, cpu_p95_mhz);
    ``freed``: existing hosts no longer needed (not those still carrying an unplaced VM);
    ``unplaced``: VMs that fit on no target (vm, host, reason: a ``Message``); ``excluded``: VMs the
    policy left out (vm, host, reason: ``Message`` "reason.template" or "reason.powered_off");
    ``n_kept_by_unplaced``: hosts the optimizer freed that still carry an unplaced VM;
    ``clusters``: per cluster before and after (``cluster_before_after``).
    """

    targets: pd.DataFrame
    placement: pd.DataFrame
    freed: pd.DataFrame
    unplaced: pd.DataFrame
    excluded: pd.DataFrame
    n_kept_by_unplaced: int = 0
    clusters: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(CLUSTER_COLUMNS)))


def cluster_names(inputs: EstateInputs, hosts: pd.DataFrame) -> dict[int, str]:
    """The optimizer's cluster index → cluster name, through the hosts' row ids (-1: no cluster)."""
    by_id = dict(zip(hosts["id"], hosts["cluster"].fillna(NO_CLUSTER), strict=True))
    names: dict[int, str] = {-1: NO_CLUSTER}
    for index, row_id in zip(inputs.hosts.cluster.tolist(), inputs.host_row_ids, strict=True):
        if index >= 0:
            names.setdefault(int(index), str(by_id.get(row_id, NO_CLUSTER)))
    return names


def hosts_per_cluster(inputs: EstateInputs, clusters: Mapping[int, str]) -> dict[str, int]:
    """How many of the plan's hosts (the optimizer's inputs) each cluster holds before, by cluster name."""
    return dict(Counter(clusters.get(int(k), NO_CLUSTER) for k in inputs.hosts.cluster.tolist()))


def cluster_before_after(
    targets: pd.DataFrame, hosts_before: Mapping[str, int], policy: PolicyEcho | None = None
) -> pd.DataFrame:
    """One row per cluster: hosts before and after, VMs placed, utilisation after and the limiting resource.

    ``cpu_utilisation`` and ``memory_utilisation`` are the mean shares of the hosts carrying VMs after
    (HA reserve hosts left out; a host with unknown usage left out of the mean); ``limit`` is "cpu" or
    "memory", the resource with the higher utilisation (the one the packing runs out of first), None
    when neither is known. With the plan's ``policy`` and targets carrying ``vcpus_per_core`` and
    ``memory_allocated_ratio``, ``limit`` may also be "vcpu_ratio" or "memory_overcommit": the limit
    whose mean share of its cap is highest (``cluster_limit``). Clusters sorted by name.
    """
    loaded = targets[targets["kind"] != "ha"]
    after = targets.groupby("cluster").size()
    grouped = loaded.groupby("cluster").agg(
        n_vms=("n_vms", "sum"), cpu=("cpu_utilisation", "mean"), memory=("memory_utilisation", "mean")
    )
    names = sorted({*hosts_before, *after.index})
    frame = pd.DataFrame(
        {
            "cluster": names,
            "n_hosts_before": [int(hosts_before.get(n, 0)) for n in names],
            "n_hosts_after": [int(after.get(n, 0)) for n in names],
            "n_vms": [int(grouped["n_vms"].get(n, 0)) for n in names],
            "cpu_utilisation": [float(grouped["cpu"].get(n, np.nan)) for n in names],
            "memory_utilisation": [float(grouped["memory"].get(n, np.nan)) for n in names],
        }
    )
    cpu, memory = frame["cpu_utilisation"], frame["memory_utilisation"]
    frame["limit"] = [
        None if c != c and m != m else ("cpu" if m != m or (c == c and c >= m) else "memory")
        for c, m in zip(cpu.tolist(), memory.tolist(), strict=True)
    ]
    if policy is not None and {"vcpus_per_core", "memory_allocated_ratio"} <= set(loaded.columns):
        caps = loaded.groupby("cluster")[["vcpus_per_core", "memory_allocated_ratio"]].mean()
        frame["limit"] = [
            cluster_limit(row, caps.loc[row["cluster"]] if row["cluster"] in caps.index else None, policy)
            for row in frame.to_dict("records")
        ]
    return frame[list(CLUSTER_COLUMNS)]


def _clusters(plan: PlanDocument, targets: pd.DataFrame, hosts_before: Mapping[str, int]) -> pd.DataFrame:
    """Per cluster before and after; one row, ``ESTATE_ROW``, when the plan pools the whole estate."""
    if plan.request.policy.scope == "estate":
        return cluster_before_after(
            targets.assign(cluster=ESTATE_ROW), {ESTATE_ROW: sum(hosts_before.values())}, plan.request.policy
        )
    return cluster_before_after(targets, hosts_before, plan.request.policy)


def excluded_vms(plan: PlanDocument, vms: pd.DataFrame) -> pd.DataFrame:
    """The VMs ``plan``'s policy leaves out (templates, powered-off VMs), from the inventory's VM frame.

    Columns vm, host, reason (a ``Message``).
    """
    policy = plan.request.policy
    templates = vms["is_template"].astype(bool) & (not policy.include_templates)
    off = (vms["power_state"] != "on") & (not policy.include_powered_off) & ~templates
    template, powered_off = Message(code="reason.template"), Message(code="reason.powered_off")
    chosen = templates | off
    reason = [template if is_template else powered_off for is_template in templates[chosen]]
    return pd.DataFrame(
        {
            "vm": vms["name"][chosen],
            "host": vms["host"][chosen],
            "reason": pd.Series(reason, dtype=object, index=vms.index[chosen]),
        }
    ).reset_index(drop=True)


def consolidation_frames(
    plan: PlanDocument,
    *,
    hosts: pd.DataFrame,
    clusters: dict[int, str],
    vms: pd.DataFrame | None = None,
    hosts_before: Mapping[str, int] | None = None,
) -> ConsolidationFrames:
    """The consolidation of ``plan`` as tables; ``hosts`` and ``vms`` are the inventory's frames (by name).

    ``hosts_before``: the plan's hosts per cluster name before (``hosts_per_cluster``), for ``clusters``.
    """
    c = plan.consolidation
    host_cluster = dict(zip(hosts["name"], hosts["cluster"].fillna(NO_CLUSTER), strict=True))
    targets = pd.DataFrame(
        [t.model_dump() for t in c.targets],
        columns=[
            "host",
            "existing",
            "cluster",
            "ha_reserve",
            "n_vms",
            "cpu_utilisation",
            "memory_utilisation",
            "vcpus_per_core",
            "memory_allocated_ratio",
            "limit",
        ],
    )
    kind = np.where(
        targets["ha_reserve"].astype(bool), "ha", np.where(targets["existing"].astype(bool), "existing", "new")
    )
    targets = pd.DataFrame(
        {
            "host": targets["host"],
            "cluster": targets["cluster"].map(lambda k: clusters.get(int(k), NO_CLUSTER)),
            "kind": kind,
            "n_vms": targets["n_vms"].astype(int),
            "cpu_utilisation": targets["cpu_utilisation"].astype(float),
            "memory_utilisation": targets["memory_utilisation"].astype(float),
            "vcpus_per_core": targets["vcpus_per_core"].astype(float),
            "memory_allocated_ratio": targets["memory_allocated_ratio"].astype(float),
            "host_limit": targets["limit"],
        }
    )
    placement = pd.DataFrame(
        {
            "vm": [m.vm for m in c.placement],
            "from_host": [m.from_host for m in c.placement],
            "to_host": [m.to_host for m in c.placement],
        }
    )
    placement.insert(2, "cluster", placement["from_host"].map(host_cluster).fillna(NO_CLUSTER))
    sizes = vms.drop_duplicates("name").set_index("name") if vms is not None else pd.DataFrame()
    for column in VM_SIZE_COLUMNS:  # a VM frame without sizes leaves them unknown
        placement[column] = placement["vm"].map(sizes[column].astype(float)) if column in sizes else np.nan
    vm_host = dict(zip(vms["name"], vms["host"], strict=True)) if vms is not None else {}
    unplaced = pd.DataFrame(
        {"vm": [u.vm for u in c.unplaced], "reason": pd.Series([u.reason for u in c.unplaced], dtype=object)}
    )
    unplaced.insert(1, "host", unplaced["vm"].map(vm_host))
    kept = set(unplaced["host"].dropna()) & set(c.hosts_freed)  # freed on paper, still running VMs
    freed = hosts[hosts["name"].isin(c.hosts_freed) & ~hosts["name"].isin(kept)]
    freed = pd.DataFrame(
        {
            "host": freed["name"],
            "cluster": freed["cluster"].fillna(NO_CLUSTER),
            "n_cores": freed["n_cores"],
            "memory_gib": freed["memory_gib"],
            "purchase_year": freed["purchase_year"],
            "n_vms_before": freed["n_vms"],
        }
    )
    excluded = excluded_vms(plan, vms) if vms is not None else pd.DataFrame(columns=["vm", "host", "reason"])
    return ConsolidationFrames(
        targets=targets,
        placement=placement,
        freed=freed,
        unplaced=unplaced,
        excluded=excluded,
        n_kept_by_unplaced=len(kept),
        clusters=_clusters(plan, targets, hosts_before or {}),
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
