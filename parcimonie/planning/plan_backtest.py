"""Backtest the plan's own consolidation per cluster, against the estate as it runs today.

The issue asks every plan to be replayed on history it was not fitted on: minutes per host above
100 % of its CPU and above the ceiling, the worst host, per cluster. Two placements are replayed on
the held-out day (``optimizer.risk.backtest_split``) with ``optimizer.backtest.replay``:

- *after*: the plan's consolidation (``outcome.consolidation``), each target host at its raw CPU
  (an offer's, or the existing host's when repacking), HA reserve hosts carrying nothing;
- *before*: every VM on its current host, each host at its raw CPU.

Per cluster (hosts in no cluster together, as cluster -1), then the whole estate; a plan packing
across clusters (scope "estate") has no cluster of its own after, only the estate's line.

Profiles are converted to reference MHz with each VM's own P95 conversion (source host performance,
comfort factor), as the time-aligned section does; a VM without a profile counts flat at its P95.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from optimizer import VmDemand, compute_demand
from optimizer.backtest import Backtest, replay
from optimizer.limits import host_quantities, offer_quantities
from optimizer.profile_pack import fill_missing
from optimizer.risk import BacktestSplit, backtest_split
from parcimonie.planning.messages import text
from parcimonie.planning.profile_document import ClusterBacktest, PlanBacktest

if TYPE_CHECKING:
    from parcimonie.planning.profile_plan import VmProfiles
    from parcimonie.planning.service import PlanOutcome

__all__ = ["backtest_rows", "group_label", "plan_backtest"]


def _split(profiles: VmProfiles, outcome: PlanOutcome, demand: VmDemand) -> BacktestSplit:
    """Held-out split of the placed VMs' profiles, in reference MHz (NaN rows: no profile)."""
    vms, idx = outcome.inputs.vms, demand.vm_index
    raw_p95 = vms.cpu_p95_mhz[idx]
    ok = np.isfinite(raw_p95) & (raw_p95 > 0)
    factor = np.full(idx.size, np.nan)
    factor[ok] = demand.cpu_ref_mhz[ok] / raw_p95[ok]
    factor = np.where(np.isnan(factor), float(np.median(factor[ok])) if ok.any() else 1.0, factor)
    rows = profiles.rows_of(vms)[idx]

    def take(table: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        if table is None:
            return None
        out = np.full((idx.size, table.shape[1]), np.nan)
        out[rows >= 0] = table[rows[rows >= 0]]
        return np.asarray(out * factor[:, None], dtype=float)

    return backtest_split(day=take(profiles.day), week=take(profiles.week))


def _after(outcome: PlanOutcome, capacity_all: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Target of each VM of the table (-1: not placed) and each target's raw CPU (reference MHz)."""
    result = outcome.consolidation
    existing = result.target_existing_host
    offer_cpu = np.nan if outcome.target_offer is None else float(offer_quantities(outcome.target_offer)[0])
    capacity = np.where(existing >= 0, capacity_all[np.maximum(existing, 0)], offer_cpu)
    placement = result.placement.astype(np.int64)
    if not result.offer_name:  # a repack places VMs on existing host indices: map them to targets
        target_of = np.full(max(capacity_all.size, 1), -1, dtype=np.int64)
        target_of[existing[existing >= 0]] = np.flatnonzero(existing >= 0)
        placement = np.where(placement >= 0, target_of[np.maximum(placement, 0)], -1)
    return placement, capacity


def _clusters(run: Backtest, labels: NDArray[np.int64], names: list[str]) -> list[ClusterBacktest]:
    """One entry per cluster label of the replay, in label order."""
    return [_group(run, np.flatnonzero(labels == c.cluster), names, c.cluster) for c in run.clusters]


def _group(run: Backtest, members: NDArray[np.int64], names: list[str], cluster: int | None) -> ClusterBacktest:
    """One group of hosts' hot minutes (per month: total and mean per host) and its worst host."""
    n = int(members.size)
    month = run.per_month_factor
    above_cap = float(run.minutes_above_capacity[members].sum()) * month
    above_ceiling = float(run.minutes_above_ceiling[members].sum()) * month
    worst = int(members[np.argmax(run.peak_utilisation[members])]) if n else -1
    return ClusterBacktest(
        cluster=cluster,
        n_hosts=n,
        minutes_above_capacity_total=above_cap,
        minutes_above_capacity_per_host=above_cap / n if n else 0.0,
        minutes_above_ceiling_total=above_ceiling,
        minutes_above_ceiling_per_host=above_ceiling / n if n else 0.0,
        worst_host=names[worst] if n else None,
        worst_utilisation=float(run.peak_utilisation[worst]) if n else 0.0,
    )


def plan_backtest(outcome: PlanOutcome) -> PlanBacktest | None:
    """Before and after, per cluster and for the estate; None without profiles or without a placement."""
    profiles, inputs = outcome.inputs.profiles, outcome.inputs
    result, hosts = outcome.consolidation, inputs.hosts
    if profiles is None or profiles.n_with == 0 or hosts.n_hosts == 0 or result.target_cluster.size == 0:
        return None
    policy = outcome.request.policy
    demand = compute_demand(hosts=hosts, vms=inputs.vms, assumptions=outcome.assumptions, policy=policy)
    split = _split(profiles, outcome, demand)
    replayed = fill_missing(split.replay, demand.cpu_ref_mhz)  # no profile: flat at the P95
    capacity_all = host_quantities(hosts)[:, 0]
    placement, capacity = _after(outcome, capacity_all)
    if not np.isfinite(capacity).all():
        return None  # new hosts without an offer to size them (cannot happen from run_plan)
    idx, ceiling, minutes = demand.vm_index, policy.ceiling, split.replay_slot_minutes
    labels = [f"nouveau-{k + 1:03d}" for k in range(capacity.size)]
    after_names = [hosts.names[e] if e >= 0 else labels[k] for k, e in enumerate(result.target_existing_host.tolist())]
    runs = []
    for target, cap, clusters in (
        (inputs.vms.host[idx], capacity_all, hosts.cluster),
        (placement[idx], capacity, result.target_cluster),
    ):
        runs.append(
            replay(
                target_of_vm=target,
                profiles_ref_mhz=replayed,
                capacity_ref_mhz=cap,
                target_cluster=clusters,
                ceiling=ceiling,
                slot_minutes=minutes,
            )
        )
    before, after = runs
    with_profile = int((~np.isnan(split.replay).all(axis=1)).sum())
    return PlanBacktest(
        ceiling=ceiling,
        n_vms=int(idx.size),
        n_vms_with_profile=with_profile,
        replay_slots=int(split.replay.shape[1]),
        replay_slot_minutes=minutes,
        held_out=split.held_out,
        before=_clusters(before, hosts.cluster, list(hosts.names)),
        before_total=_group(before, np.arange(capacity_all.size), list(hosts.names), None),
        after=[] if policy.scope == "estate" else _clusters(after, result.target_cluster, after_names),
        after_total=_group(after, np.arange(capacity.size), after_names, None),
        cluster_names=list(outcome.inputs.cluster_names),
    )


def group_label(group: ClusterBacktest, language: str = "fr", names: Sequence[str] = ()) -> str:
    """How the CLI and the workbook name a line: its cluster's name (``PlanBacktest.cluster_names``;
    "cluster 2" when unnamed), "sans cluster", or "parc entier"."""
    if group.cluster is None:
        return text("backtest.estate", language)
    if group.cluster < 0:
        return text("backtest.no_cluster", language)
    if group.cluster < len(names):
        return names[group.cluster]
    return text("backtest.cluster", language, n=group.cluster)


def backtest_rows(backtest: PlanBacktest) -> list[tuple[str, ClusterBacktest]]:
    """The lines to show, as (side, group): each cluster before then after, then the estate's two.

    `side` is a message code ("backtest.before" or "backtest.after"); the CLI and the workbook
    read the same lines in the same order.
    """
    after = {g.cluster: g for g in backtest.after}
    rows: list[tuple[str, ClusterBacktest]] = []
    for g in backtest.before:
        rows.append(("backtest.before", g))
        if g.cluster in after:
            rows.append(("backtest.after", after.pop(g.cluster)))
    rows += [("backtest.after", g) for g in after.values()]
    return [*rows, ("backtest.before", backtest.before_total), ("backtest.after", backtest.after_total)]
