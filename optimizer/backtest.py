"""Replay a placement on usage it was not fitted on: how long each host would have run hot.

A plan is fitted on past usage (P95 figures or profiles of days 1..n-1). Replaying the next
period's measured profiles (day n) on the proposed placement tells what the ceiling really bought:
minutes per host above 100 % of its CPU (demand queued: the VMs run slower) and above the ceiling
(the headroom the DSI asked for was eaten). A host "above" in a slot is counted for the whole slot,
so minutes are multiples of the slot length; figures are scaled to a 30-day month so that a
one-day replay and a one-week replay read the same way.

Memory is not replayed: ESXi does not queue memory, it balloons, compresses and swaps, and a plan
sizes memory on allocation (or its P95) which profiles of consumed memory rarely exceed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Backtest", "ClusterBacktest", "replay"]

#: Minutes in the 30-day month overflow figures are expressed per.
MONTH_MINUTES = 30 * 24 * 60


@dataclass(frozen=True)
class ClusterBacktest:
    """One group's replay: the sum of its hosts' hot minutes and its worst host."""

    cluster: int
    n_hosts: int
    minutes_above_capacity: float
    minutes_above_ceiling: float
    worst_host: int
    worst_utilisation: float


@dataclass(frozen=True, eq=False)
class Backtest:
    """Replay of a placement over `n_slots` slots of `slot_minutes`.

    Attributes:
        peak_utilisation: shape (t,), highest CPU load / capacity of each target host over the replay.
        minutes_above_capacity: shape (t,), minutes each host spent above 100 % of its CPU.
        minutes_above_ceiling: shape (t,), minutes each host spent above the plan's ceiling.
        per_month_factor: multiply a replay's minutes by it to read them per 30-day month.
        clusters: per group, in label order.
        n_vms_replayed: placed VMs with a replay profile; n_vms_missing: placed VMs without one
            (their load is absent from the replay, which then understates it).
    """

    ceiling: float
    slot_minutes: float
    n_slots: int
    peak_utilisation: NDArray[np.float64]
    minutes_above_capacity: NDArray[np.float64]
    minutes_above_ceiling: NDArray[np.float64]
    per_month_factor: float
    clusters: tuple[ClusterBacktest, ...]
    n_vms_replayed: int
    n_vms_missing: int

    @property
    def worst_host(self) -> int:
        """Target index of the host that ran hottest (-1 without hosts)."""
        return int(np.argmax(self.peak_utilisation)) if self.peak_utilisation.size else -1

    @property
    def overflow_minutes_per_month(self) -> float:
        """Host-minutes above 100 % of CPU, summed over hosts, per 30-day month."""
        return float(self.minutes_above_capacity.sum()) * self.per_month_factor

    @property
    def ceiling_minutes_per_month(self) -> float:
        """Host-minutes above the ceiling, summed over hosts, per 30-day month."""
        return float(self.minutes_above_ceiling.sum()) * self.per_month_factor


def _check(
    target_of_vm: NDArray[np.int64],
    profiles: NDArray[np.float64],
    capacity: NDArray[np.float64],
    ceiling: float,
    slot_minutes: float,
) -> None:
    if profiles.ndim != 2 or profiles.shape[0] != target_of_vm.shape[0]:
        raise ValueError(f"profiles must have shape (m, slots) with m = {target_of_vm.shape[0]}, got {profiles.shape}")
    if capacity.ndim != 1 or (target_of_vm >= capacity.size).any() or (target_of_vm < -1).any():
        raise ValueError("target_of_vm must index `capacity_ref_mhz` (or be -1)")
    if not np.isfinite(capacity).all() or (capacity <= 0).any():
        raise ValueError("capacity_ref_mhz must be finite and > 0")
    if not 0 < ceiling <= 1 or not (np.isfinite(slot_minutes) and slot_minutes > 0):
        raise ValueError("ceiling must be in (0, 1] and slot_minutes > 0")


def _host_loads(target: NDArray[np.int64], profiles: NDArray[np.float64], t: int) -> NDArray[np.float64]:
    """Shape (t, s): the summed profiles of each target's VMs (sorted sums: ``np.add.at`` is slow)."""
    load = np.zeros((t, profiles.shape[1]))
    if target.size == 0:
        return load
    order = np.argsort(target, kind="stable")
    hosts, starts = np.unique(target[order], return_index=True)
    load[hosts] = np.add.reduceat(profiles[order], starts, axis=0)
    return load


def replay(
    *,
    target_of_vm: NDArray[np.int64],
    profiles_ref_mhz: NDArray[np.float64],
    capacity_ref_mhz: NDArray[np.float64],
    target_cluster: NDArray[np.int64],
    ceiling: float,
    slot_minutes: float,
) -> Backtest:
    """Replay CPU profiles on a placement.

    Args:
        target_of_vm: shape (m,), target host of each VM (0..t-1), -1 when not placed.
        profiles_ref_mhz: shape (m, s), CPU demand of each VM in each slot, in reference MHz
            (the unit of `optimizer.demand`); NaN for a VM without a replay profile.
        capacity_ref_mhz: shape (t,), each target's raw CPU capacity (100 %), reference MHz.
        target_cluster: shape (t,), group label of each target.
        ceiling: the plan's utilisation ceiling, in (0, 1].
        slot_minutes: length of a slot.
    """
    target_of_vm = np.asarray(target_of_vm, dtype=np.int64)
    profiles = np.asarray(profiles_ref_mhz, dtype=float)
    capacity = np.asarray(capacity_ref_mhz, dtype=float)
    _check(target_of_vm, profiles, capacity, ceiling, slot_minutes)
    t, s = capacity.size, profiles.shape[1]
    placed = target_of_vm >= 0
    known = ~np.isnan(profiles).any(axis=1)
    use = placed & known
    load = _host_loads(target_of_vm[use], profiles[use], t)
    util = load / capacity[:, None]
    # A tiny tolerance: a host filled to exactly its capacity is not "above" it.
    above_cap = (util > 1.0 + 1e-9).sum(axis=1) * slot_minutes
    above_ceiling = (util > ceiling + 1e-9).sum(axis=1) * slot_minutes
    peak = util.max(axis=1) if s else np.zeros(t)
    labels = np.asarray(target_cluster, dtype=np.int64)
    clusters = []
    for c in np.unique(labels).tolist():
        members = np.flatnonzero(labels == c)
        worst = int(members[np.argmax(peak[members])])
        clusters.append(
            ClusterBacktest(
                cluster=int(c),
                n_hosts=int(members.size),
                minutes_above_capacity=float(above_cap[members].sum()),
                minutes_above_ceiling=float(above_ceiling[members].sum()),
                worst_host=worst,
                worst_utilisation=float(peak[worst]),
            )
        )
    replay_minutes = s * slot_minutes
    return Backtest(
        ceiling=float(ceiling),
        slot_minutes=float(slot_minutes),
        n_slots=int(s),
        peak_utilisation=peak,
        minutes_above_capacity=above_cap.astype(float),
        minutes_above_ceiling=above_ceiling.astype(float),
        per_month_factor=MONTH_MINUTES / replay_minutes if replay_minutes else 0.0,
        clusters=tuple(clusters),
        n_vms_replayed=int(use.sum()),
        n_vms_missing=int((placed & ~known).sum()),
    )
