"""One consolidation group packed under placement rules and the fewest-moves objective.

The heuristic (`optimizer.moves.pack_units`) on the group's units; CP-SAT on small groups with
the same rules as constraints and moves as a secondary objective; the bound on the units (merged
kept-together VMs are valid items for every bound) raised to the largest anti-affinity group
(each of its VMs needs its own host). Pins and stays are not in the bound (it ignores them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.bounds import lower_bound_heterogeneous, lower_bound_identical
from optimizer.constraints import Units
from optimizer.exact import ExactRules, pack_vectors_exact
from optimizer.moves import count_moves, pack_units
from optimizer.reasons import Reason, ReasonCode

__all__ = ["RuledGroup", "pack_ruled_group"]

EXACT_AUTO_MAX_VMS = 60
EXACT_MAX_VMS = 2000
#: CP-SAT seconds spent on moves alone (the host count already at the bound): fewer moves are
#: worth a short search, not the plan's whole budget.
MOVES_ONLY_S = 1.0


@dataclass(frozen=True, eq=False)
class RuledGroup:
    """A packed group: bin per VM position (-1 unplaced), bins used, bound, and why VMs failed."""

    assignment: NDArray[np.int64]
    used: NDArray[np.int64]
    bound: int
    kind: str
    solver: str
    spent_s: float
    rejected: list[tuple[int, Reason]]


def _bound(units: Units, caps: NDArray[np.float64], identical: bool) -> tuple[int, str]:
    lb = (
        lower_bound_identical(sizes=units.sizes, capacity=caps[0])
        if identical
        else lower_bound_heterogeneous(sizes=units.sizes, capacities=caps)
    )
    anti = min(max(units.group_sizes, default=0), caps.shape[0])
    return (anti, f"anti-affinity({anti})") if anti > lb.value else (lb.value, lb.kind)


def _exact(
    units: Units, caps: NDArray[np.float64], hint: NDArray[np.int64], time_limit_s: float
) -> tuple[NDArray[np.int64] | None, int, str, float]:
    """CP-SAT on the units with the rules; (assignment or None, bound, status, seconds)."""
    conflicts = tuple(tuple(u for u, gs in enumerate(units.groups) if g in gs) for g in range(len(units.group_names)))
    rules = ExactRules(conflicts=conflicts, fixed=units.fixed, home=units.home)
    ex = pack_vectors_exact(sizes=units.sizes, bin_capacities=caps, hint=hint, time_limit_s=time_limit_s, rules=rules)
    ok = ex.n_bins >= 0 and ((ex.assignment >= 0) == (hint >= 0)).all()
    return (ex.assignment if ok else None), ex.best_bound, f"cp-sat:{ex.status}", ex.det_time_s


def pack_ruled_group(
    *,
    units: Units,
    caps: NDArray[np.float64],
    n_positions: int,
    identical: bool,
    method: str,
    time_limit_s: float,
) -> RuledGroup:
    """Pack `units` (of a group of `n_positions` VMs) into `caps`: fewest bins, then fewest moves."""
    bound, kind = _bound(units, caps, identical)
    heur = pack_units(units=units, caps=caps, target=bound)
    assignment = heur.assignment
    n_units = units.sizes.shape[0]
    want = (method == "exact" and n_units <= EXACT_MAX_VMS) or (
        method == "auto" and n_units <= EXACT_AUTO_MAX_VMS and (heur.n_bins > bound or heur.n_moves > 0)
    )
    solver, spent = "heuristic", 0.0
    if want and n_units and heur.n_bins > 0 and time_limit_s >= 0.2:
        ex_caps = caps[: max(heur.n_bins, 1)] if identical else caps
        limit = min(time_limit_s, MOVES_ONLY_S) if heur.n_bins <= bound else time_limit_s
        found, ex_bound, solver, spent = _exact(units, ex_caps, assignment, limit)
        bound = max(bound, ex_bound)
        if found is not None:
            n_ex = int(np.unique(found[found >= 0]).size)
            if (n_ex, count_moves(found, units.home)) <= (heur.n_bins, heur.n_moves):
                assignment = found
    per_vm = np.full(n_positions, -1, dtype=np.int64)
    for u, members in enumerate(units.members):
        per_vm[members] = assignment[u]
    rejected = list(units.rejected)
    for u in np.flatnonzero(assignment < 0).tolist():
        big = [g for g in units.groups[u] if units.group_sizes[g] > caps.shape[0]]
        if big:
            params = {"group": units.group_names[big[0]], "size": units.group_sizes[big[0]], "n_hosts": caps.shape[0]}
            rejected.extend((p, Reason(ReasonCode.ANTI_AFFINITY_TOO_FEW_HOSTS, params)) for p in units.members[u])
    used = np.unique(assignment[assignment >= 0]).astype(np.int64)
    return RuledGroup(per_vm, used, bound, kind, solver, spent, rejected)
