"""Exact d-dimensional vector bin packing with OR-Tools CP-SAT, for small instances.

Sizes and capacities are made integers conservatively (sizes rounded up, capacities down), so a
solution is always feasible for the real figures.

Deterministic: the solver stops on CP-SAT's *deterministic time* (`max_deterministic_time`, a
count of the solver's work in units of about a second on a typical machine), with one search
worker and a fixed seed, so the same instance always gives the same assignment whatever the
machine's load. A wall-clock cap of `_SAFETY_FACTOR` x the budget (at least `_SAFETY_MIN_S`) stays
as a safety net only; it never binds on a run that is not starved of CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from optimizer.bounds import lower_bound_heterogeneous, lower_bound_identical

__all__ = ["ExactPacking", "ExactRules", "pack_vectors_exact"]

#: Wall-clock safety net: `_SAFETY_FACTOR` x the deterministic budget, and at least `_SAFETY_MIN_S`.
_SAFETY_FACTOR = 20.0
_SAFETY_MIN_S = 60.0


@dataclass(frozen=True, eq=False)
class ExactPacking:
    """Result of `pack_vectors_exact`.

    Attributes:
        status: "OPTIMAL", "FEASIBLE" or "UNKNOWN" (no solution within the budget).
        assignment: shape (m,), bin index per item (-1 if unknown or item fits no bin).
        n_bins: bins used by the best solution (-1 if none).
        best_bound: proven lower bound (max of the solver's bound and our combinatorial bound).
        gap_bins: n_bins - best_bound (0 when optimal).
        wall_time_s: solver wall-clock time (varies with the machine's load).
        det_time_s: solver deterministic time spent (the same on every run).
    """

    status: str
    assignment: NDArray[np.int64]
    n_bins: int
    best_bound: int
    gap_bins: int
    wall_time_s: float
    det_time_s: float = 0.0


def pack_vectors_exact(
    *,
    sizes: NDArray[np.float64],
    bin_capacities: NDArray[np.float64],
    hint: NDArray[np.int64] | None = None,
    time_limit_s: float = 10.0,
    num_workers: int = 1,
    seed: int = 0,
    rules: ExactRules | None = None,
) -> ExactPacking:
    """Minimise the number of bins used, with CP-SAT.

    Args:
        sizes: shape (m, d), item demands (>= 0); items that fit no bin are left at -1.
        bin_capacities: shape (b, d), candidate bins (d >= 1, 2 for CPU and memory); b bounds the
            number of bins (pass the heuristic's count of identical bins, or all existing hosts).
        hint: shape (m,), a known feasible assignment (e.g. from `pack_vectors`), or None.
        time_limit_s: CP-SAT deterministic time limit (`max_deterministic_time`, about seconds).
        num_workers: CP-SAT search workers; above 1 they are interleaved on one thread
            (`interleave_search`), which keeps the search deterministic.
        seed: CP-SAT random seed.
        rules: anti-affinity sets, fixed bins and home bins (fewest moves as a secondary
            objective: bins x (m + 1) + moves, so the bin count still comes first).
    """
    caps = np.asarray(bin_capacities, dtype=float)
    n_dims = caps.shape[-1] if caps.ndim == 2 else 2
    caps = caps.reshape(-1, n_dims)
    sizes = np.asarray(sizes, dtype=float)
    sizes = sizes.reshape(-1, n_dims) if sizes.size else np.zeros((0, n_dims))
    if caps.shape[0] == 0:
        raise ValueError("bin_capacities must hold at least one bin")
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s}")
    m = sizes.shape[0]
    fits: NDArray[np.bool_] = np.all(sizes[:, None, :] <= caps[None, :, :], axis=2)  # (m, b)
    placeable = np.any(fits, axis=1)
    items = np.flatnonzero(placeable)
    identical = bool((caps == caps[0]).all())
    bound = (
        lower_bound_identical(sizes=sizes, capacity=caps[0])
        if identical
        else lower_bound_heterogeneous(sizes=sizes, capacities=caps)
    ).value
    if items.size == 0:
        return ExactPacking("OPTIMAL", np.full(m, -1, np.int64), 0, 0, 0, 0.0)
    if rules is not None:
        identical = False  # fixed and home bins break the symmetry between identical bins
    model, x, y = _build_model(sizes=sizes, caps=caps, fits=fits, items=items, identical=identical, bound=bound)
    scale = 1
    if rules is not None:
        scale = _add_rules(model, x, y, rules=rules, m=m)
    if hint is not None:
        _add_hint(model, x, y, hint=np.asarray(hint, dtype=np.int64).reshape(m), items=items, identical=identical)
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = float(time_limit_s)
    solver.parameters.max_time_in_seconds = max(_SAFETY_FACTOR * float(time_limit_s), _SAFETY_MIN_S)
    solver.parameters.num_workers = int(num_workers)
    solver.parameters.interleave_search = int(num_workers) > 1
    solver.parameters.random_seed = int(seed)
    code = solver.solve(model)
    assignment = np.full(m, -1, dtype=np.int64)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (i, j), var in x.items():
            if solver.boolean_value(var):
                assignment[i] = j
        n_bins = int(np.unique(assignment[assignment >= 0]).size)
        # With rules the objective is bins x scale + moves (moves <= m): bins >= (bound - m) / scale.
        lb_obj = math.floor(solver.best_objective_bound + 1e-6) - (m if scale > 1 else 0)
        best = max(bound, -(-lb_obj // scale))
        status = "OPTIMAL" if code == cp_model.OPTIMAL or best >= n_bins else "FEASIBLE"
        best = n_bins if status == "OPTIMAL" else best
        return ExactPacking(status, assignment, n_bins, best, n_bins - best, solver.wall_time, _det_time(solver))
    return ExactPacking("UNKNOWN", assignment, -1, bound, -1, solver.wall_time, _det_time(solver))


def _det_time(solver: cp_model.CpSolver) -> float:
    """Deterministic time the solve spent (capped at its budget: it may overshoot it slightly)."""
    spent = float(solver.response_proto.deterministic_time)
    return min(spent, float(solver.parameters.max_deterministic_time))


_Vars = dict[tuple[int, int], cp_model.IntVar]


@dataclass(frozen=True, eq=False)
class ExactRules:
    """Placement rules for `pack_vectors_exact` (item indices, bin indices).

    Attributes:
        conflicts: sets of items of which at most one may go in any bin (anti-affinity).
        fixed: shape (m,), the bin an item must go to, -1 if free.
        home: shape (m,), the item's current bin (-1 none): moves away from it are minimised
            after the bin count.
    """

    conflicts: tuple[tuple[int, ...], ...]
    fixed: NDArray[np.int64]
    home: NDArray[np.int64]


def _add_rules(model: cp_model.CpModel, x: _Vars, y: list[cp_model.IntVar], *, rules: ExactRules, m: int) -> int:
    """Add the rules and the moves term; returns the scale of the bin count in the objective."""
    for group in rules.conflicts:
        for j in range(len(y)):
            in_j = [x[i, j] for i in group if (i, j) in x]
            if len(in_j) > 1:
                model.add_at_most_one(in_j)
    for i, j in enumerate(rules.fixed.tolist()):
        if j >= 0:
            if (i, j) not in x:
                model.add_bool_or([])  # the item does not fit its fixed bin: infeasible
            else:
                model.add(x[i, j] == 1)
    stays = [x[i, j] for i, j in enumerate(rules.home.tolist()) if j >= 0 and (i, j) in x]
    placed = len({i for i, _ in x})
    model.minimize((m + 1) * sum(y) + placed - sum(stays))
    return m + 1


def _build_model(
    *,
    sizes: NDArray[np.float64],
    caps: NDArray[np.float64],
    fits: NDArray[np.bool_],
    items: NDArray[np.int64],
    identical: bool,
    bound: int,
) -> tuple[cp_model.CpModel, _Vars, list[cp_model.IntVar]]:
    """The CP-SAT model: x[i, j] = 1 if item i is in bin j; y[j] = 1 if bin j is used."""
    b = caps.shape[0]
    isz = np.ceil(sizes - 1e-9).astype(np.int64)
    icap = np.floor(caps + 1e-9).astype(np.int64)
    model = cp_model.CpModel()
    x: _Vars = {}
    y = [model.new_bool_var(f"y{j}") for j in range(b)]
    for r, i in enumerate(items.tolist()):
        for j in range(b):
            # Symmetry breaking for identical bins: item of rank r only in bins 0..r.
            if fits[i, j] and (not identical or j <= r):
                x[i, j] = model.new_bool_var(f"x{i}_{j}")
    # Each placeable item in exactly one bin.
    for i in items.tolist():
        model.add_exactly_one(x[i, j] for j in range(b) if (i, j) in x)
    # Capacity per bin and dimension, only if the bin is used.
    for j in range(b):
        in_j = [i for i in items.tolist() if (i, j) in x]
        for d in range(caps.shape[1]):
            model.add(sum(int(isz[i, d]) * x[i, j] for i in in_j) <= int(icap[j, d]) * y[j])
        for i in in_j:
            model.add_implication(x[i, j], y[j])
    # Symmetry breaking: identical bins are used in order.
    if identical:
        for j in range(b - 1):
            model.add_implication(y[j + 1], y[j])
    model.add(sum(y) >= bound)
    # Objective: minimise the number of bins used.
    model.minimize(sum(y))
    return model, x, y


def _add_hint(
    model: cp_model.CpModel,
    x: _Vars,
    y: list[cp_model.IntVar],
    *,
    hint: NDArray[np.int64],
    items: NDArray[np.int64],
    identical: bool,
) -> None:
    """Start the search from a known assignment (bins renumbered for the symmetry breaking)."""
    relabel = _relabel_hint(hint[items]) if identical else {int(v): int(v) for v in hint}
    for i in items.tolist():
        target = relabel.get(int(hint[i]), -1)
        for j in range(len(y)):
            if (i, j) in x:
                model.add_hint(x[i, j], j == target)
    used_bins = {relabel.get(int(hint[i]), -1) for i in items.tolist()}
    for j in range(len(y)):
        model.add_hint(y[j], j in used_bins)


def _relabel_hint(bins: NDArray[np.int64]) -> dict[int, int]:
    """Renumber bins in order of first appearance, to satisfy the item-rank symmetry breaking."""
    mapping: dict[int, int] = {}
    for v in bins.tolist():
        if v >= 0 and v not in mapping:
            mapping[v] = len(mapping)
    return mapping
