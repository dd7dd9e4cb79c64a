"""A plan's consolidation (``parcimonie.planning.document``) shaped into the frames Consolidation shows (pure pandas).

Targets after, placement with the VMs' sizes, freed hosts, unplaced and excluded VMs, and the per-cluster
before/after, from an interactive plan or a saved scenario alike.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.cluster_limits import cluster_limit
from parcimonie.planning import EstateInputs
from parcimonie.planning.document import PlanDocument, PolicyEcho
from parcimonie.planning.messages import Message

NO_CLUSTER = "—"
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
    moves: Mapping[str, Sequence[str | None]] | None = None,
) -> ConsolidationFrames:
    """The consolidation of ``plan`` as tables; ``hosts`` and ``vms`` are the inventory's frames (by name).

    ``hosts_before``: the plan's hosts per cluster name before (``hosts_per_cluster``), for ``clusters``.
    ``moves``: the placement as columns vm, from_host, to_host (``parcimonie.planning.vm_moves``) for a
    document built without its per-VM lists; by default, the document's ``placement``.
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
        dict(moves)
        if moves is not None
        else {
            "vm": [m.vm for m in c.placement],
            "from_host": [m.from_host for m in c.placement],
            "to_host": [m.to_host for m in c.placement],
        },
        columns=["vm", "from_host", "to_host"],
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
