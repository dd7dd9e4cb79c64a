"""Backtest a profile plan on history it was not fitted on, and price headroom by risk.

Fit and replay (``backtest_split``): with a week profile (336 x 30 min), the plan is fitted on its
first six days and replayed on the last day, at 5 minutes when the day profile (the same last day)
exists, else on the week's last 48 slots. With only a day profile there is no held-out history:
the replay is the fitted day itself (``held_out`` False, said with the figures).

The risk curve (``risk_curve``): for each ceiling, the hosts the plan needs and the minutes per
month its hosts would have spent above 100 % of their CPU in the replay (``optimizer.backtest``).
A DSI then picks the ceiling by the risk it accepts; the sources' cautious 40 % and the usual 80 %
are two points of the curve. Method in docs/profiles.md.

A curve point is lighter than the plan's own packing (``profile_pack.pack_curve_point``): vectors
built once for all ceilings, greedy without improvement by default, no exact search, a projected
bound. The plan's ceiling reuses the plan's packing when given (`plan`), so the curve's host counts
there are the plan's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.backtest import Backtest, replay
from optimizer.profile_pack import ProfilePacking, fill_missing, pack_curve_point, profile_sizes

__all__ = ["DEFAULT_CEILINGS", "BacktestSplit", "RiskPoint", "backtest_split", "replay_packing", "risk_curve"]

#: Ceilings of the risk curve: from the sources' cautious 40 % to 100 %.
DEFAULT_CEILINGS: tuple[float, ...] = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
_SLOTS_PER_WEEK_DAY = 48  # 30-minute slots in a day


@dataclass(frozen=True, eq=False)
class BacktestSplit:
    """Profiles to fit the plan on, profiles to replay it on, and whether the replay is held out."""

    fit: NDArray[np.float64]
    fit_slot_minutes: float
    replay: NDArray[np.float64]
    replay_slot_minutes: float
    held_out: bool


def backtest_split(*, day: NDArray[np.float64] | None, week: NDArray[np.float64] | None) -> BacktestSplit:
    """Fit on the week minus its last day and replay that day (5-minute day profile when given)."""
    if week is not None:
        week = np.asarray(week, dtype=float)
        if week.ndim != 2 or week.shape[1] <= _SLOTS_PER_WEEK_DAY:
            raise ValueError(f"week profiles must have shape (k, s > 48), got {week.shape}")
        fit = week[:, :-_SLOTS_PER_WEEK_DAY]
        if day is not None:
            return BacktestSplit(fit, 30.0, np.asarray(day, dtype=float), 5.0, True)
        return BacktestSplit(fit, 30.0, week[:, -_SLOTS_PER_WEEK_DAY:], 30.0, True)
    if day is None:
        raise ValueError("a backtest needs day or week profiles")
    day = np.asarray(day, dtype=float)
    return BacktestSplit(day, 5.0, day, 5.0, False)


@dataclass(frozen=True)
class RiskPoint:
    """One ceiling of the risk curve: hosts of each method and their replayed overflow per month."""

    ceiling: float
    n_hosts_profile: int
    n_hosts_p95: int
    bound_profile: int
    overflow_minutes_profile: float
    overflow_minutes_p95: float
    ceiling_minutes_profile: float
    worst_utilisation_profile: float


def replay_packing(
    assignment: NDArray[np.int64],
    replay_ref_mhz: NDArray[np.float64],
    *,
    cpu_capacity: float,
    ceiling: float,
    slot_minutes: float,
) -> Backtest:
    """Replay one placement on identical hosts of raw CPU `cpu_capacity` (one group)."""
    n_targets = max(1, int(assignment.max()) + 1 if assignment.size else 1)
    return replay(
        target_of_vm=assignment,
        profiles_ref_mhz=replay_ref_mhz,
        capacity_ref_mhz=np.full(n_targets, float(cpu_capacity)),
        target_cluster=np.zeros(n_targets, dtype=np.int64),
        ceiling=ceiling,
        slot_minutes=slot_minutes,
    )


def _point(packing: ProfilePacking, split: BacktestSplit, cpu_raw: float, ceiling: float) -> RiskPoint:
    minutes = split.replay_slot_minutes
    on_profile, on_p95 = (
        replay_packing(a, split.replay, cpu_capacity=cpu_raw, ceiling=ceiling, slot_minutes=minutes)
        for a in (packing.assignment_profile, packing.assignment_p95)
    )
    return RiskPoint(
        ceiling=ceiling,
        n_hosts_profile=packing.n_hosts_profile,
        n_hosts_p95=packing.n_hosts_p95,
        bound_profile=packing.bound_profile.value,
        overflow_minutes_profile=on_profile.overflow_minutes_per_month,
        overflow_minutes_p95=on_p95.overflow_minutes_per_month,
        ceiling_minutes_profile=on_profile.ceiling_minutes_per_month,
        worst_utilisation_profile=float(on_profile.peak_utilisation.max(initial=0.0)),
    )


def risk_curve(
    *,
    split: BacktestSplit,
    cpu_p95_ref_mhz: NDArray[np.float64],
    memory_mib: NDArray[np.float64],
    raw_capacity: NDArray[np.float64],
    ceilings: Sequence[float] = DEFAULT_CEILINGS,
    improve_budget_s: float = 0.0,
    plan: ProfilePacking | None = None,
    plan_ceiling: float | None = None,
) -> tuple[RiskPoint, ...]:
    """Hosts (profile and P95 packings) against replayed overflow minutes per month, per ceiling.

    Args:
        split: fit and replay profiles (``backtest_split``), reference MHz.
        cpu_p95_ref_mhz: shape (k,), each VM's scalar P95 demand.
        memory_mib: shape (k,), memory demand.
        raw_capacity: shape (2,), one target host's raw (CPU reference MHz, memory MiB), at 100 %.
        ceilings: utilisation ceilings to try, each in (0, 1].
        improve_budget_s: improvement budget of each point's profile packing (0: greedy only).
        plan: the plan's own packing (``pack_on_profiles`` on the same VMs), taken as the point
            at `plan_ceiling` instead of packing again: the curve then reads the plan's hosts there.
        plan_ceiling: the ceiling `plan` was packed at.
    """
    if (plan is None) != (plan_ceiling is None):
        raise ValueError("plan and plan_ceiling go together")
    raw = np.asarray(raw_capacity, dtype=float).reshape(-1)
    p95 = np.asarray(cpu_p95_ref_mhz, dtype=float)
    sizes = profile_sizes(fill_missing(split.fit, p95), memory_mib)
    scalar = profile_sizes(p95[:, None], memory_mib)
    points = []
    for ceiling in ceilings:
        if not 0 < ceiling <= 1:
            raise ValueError(f"ceilings must be in (0, 1], got {ceiling}")
        if plan is not None and plan_ceiling is not None and abs(plan_ceiling - ceiling) < 1e-9:
            packing = plan
        else:
            packing = pack_curve_point(
                sizes=sizes, scalar=scalar, host_capacity=raw * ceiling, improve_budget_s=improve_budget_s
            )
        points.append(_point(packing, split, float(raw[0]), float(ceiling)))
    return tuple(points)
