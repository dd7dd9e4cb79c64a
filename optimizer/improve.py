"""Improvement phase of `pack_vectors`: fewer bins, never a worse packing, never over capacity.

Under one deterministic work budget (`optimizer.work.Work`, in cells: (item, bin, dimension)
values evaluated), so the result never depends on the machine's load:

1. Bin emptying: the least-loaded bins are emptied when all their items fit (norm-based best fit)
   in the other open bins' free room; stops after 8 consecutive failures. Cheap, and enough on
   estates of many small VMs per host.
2. Only when items are large relative to bins (at most `_HARD_ITEMS_PER_BIN` per bin on average)
   and the packing is above the volume bound, rounds of slack concentration
   (`optimizer/concentrate.py`: swaps that gather the free room into few bins) and of the ejection
   search (`optimizer/ejection.py`: a bin is emptied by trading items through a pool), which find
   the exact fits the greedy passes miss. Every move keeps every bin within capacity; a bin the
   ejection search cannot empty is restored. The rounds stop at the volume bound, after
   `_IDLE_ROUNDS` rounds that empty nothing, or when the budget is spent.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.concentrate import concentrate
from optimizer.ejection import EjectionState, eject_bins
from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.work import Work

__all__ = ["empty_bins", "improve_packing"]

#: A closed (emptied) bin has a residual of -1; an open one is at least -_FIT_TOL.
_CLOSED = -0.5
#: Targets the ejection search may fail on in a row before it stops.
_EJECT_MAX_FAILURES = 6
#: The concentration and ejection searches run only with at most this many items per bin on
#: average (items large relative to bins: the hard cases; estates of small VMs are at the bound).
_HARD_ITEMS_PER_BIN = 8
#: Rounds of concentration then ejection, and moves per concentration.
_ROUNDS = 50
#: Rounds in a row that empty no bin before the searches stop.
_IDLE_ROUNDS = 3
_CONCENTRATE_MOVES = 200


def improve_packing(
    *,
    sizes: NDArray[np.float64],
    assignment: NDArray[np.int64],
    res: NDArray[np.float64],
    weights: NDArray[np.float64],
    n_open: int,
    n_preopened: int,
    caps_pos: NDArray[np.float64],
    budget_s: float,
) -> int:
    """Run both passes on a complete packing (mutates `assignment` and `res` in place).

    `sizes`, `res` and `caps_pos` are normalised; `assignment` holds bin positions. Returns the
    number of bins emptied; emptied positions keep a residual of -1 (closed). `budget_s` is
    converted to cells at `optimizer.work.CELLS_PER_S`: the same inputs always do the same work.
    """
    work = Work.of_seconds(budget_s)
    caps_pos = caps_pos[:n_open]
    emptied = empty_bins(
        sizes=sizes,
        assignment=assignment,
        res=res,
        weights=weights,
        n_open=n_open,
        n_preopened=n_preopened,
        caps_pos=caps_pos,
        work=work,
    )
    if np.count_nonzero(assignment >= 0) > _HARD_ITEMS_PER_BIN * n_open:
        return emptied  # many small items per bin: emptying is enough, the searches below cost
    state = EjectionState(
        sizes=sizes,
        weights=weights,
        assignment=assignment,
        res=res[:n_open],
        alive=res[:n_open, 0] > _CLOSED,
        n_preopened=n_preopened,
    )
    return emptied + _search_rounds(state, caps_pos=caps_pos, work=work)


def _search_rounds(state: EjectionState, *, caps_pos: NDArray[np.float64], work: Work) -> int:
    """Concentration then ejection, in rounds, until the volume bound is reached, the rounds stop
    emptying bins or the work budget is spent. Returns the number of bins emptied."""
    emptied = idle = 0
    _close_empty(state.assignment, state.res, state.n_preopened)  # opened up front, never used
    for _ in range(_ROUNDS):
        state.alive[:] = state.res[:, 0] > _CLOSED
        load = (caps_pos - state.res)[state.alive].sum(axis=0)
        if int(state.alive.sum()) - state.n_preopened < 2 or state.alive.sum() <= np.ceil(load.max() - 1e-9):
            break
        moved = concentrate(
            sizes=state.sizes,
            assignment=state.assignment,
            res=state.res,
            weights=state.weights,
            caps_pos=caps_pos,
            work=work,
            max_moves=_CONCENTRATE_MOVES,
        )
        gained = _close_empty(state.assignment, state.res, state.n_preopened)
        state.alive[:] = state.res[:, 0] > _CLOSED
        gained += eject_bins(state, caps_pos=caps_pos, work=work, max_failures=_EJECT_MAX_FAILURES)
        emptied += gained
        idle = 0 if gained else idle + 1
        if idle >= _IDLE_ROUNDS or (moved == 0 and gained == 0):
            break
    return emptied


def _close_empty(assignment: NDArray[np.int64], res: NDArray[np.float64], n_preopened: int) -> int:
    """Close the open bins (past the pre-opened ones) that moves left without items."""
    count = np.bincount(assignment[assignment >= 0], minlength=res.shape[0])
    empty = np.flatnonzero((count == 0) & (res[:, 0] > _CLOSED))
    empty = empty[empty >= n_preopened]
    res[empty] = -1.0
    return int(empty.size)


def empty_bins(
    *,
    sizes: NDArray[np.float64],
    assignment: NDArray[np.int64],
    res: NDArray[np.float64],
    weights: NDArray[np.float64],
    n_open: int,
    n_preopened: int,
    caps_pos: NDArray[np.float64],
    work: Work,
    max_failures: int = 8,
) -> int:
    """Try to empty the least-loaded open bins by norm-based best-fit moves (mutates in place).

    Each item tried costs (open bins x dimensions) cells of `work`; stops when it is spent.
    Returns the number of bins emptied.
    """
    placed = np.flatnonzero(assignment >= 0)
    by_pos = placed[np.argsort(assignment[placed], kind="stable")]
    counts = np.bincount(assignment[placed], minlength=n_open)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    members = {p: by_pos[offsets[p] : offsets[p + 1]] for p in range(n_preopened, n_open)}
    alive = np.ones(n_open, dtype=bool)
    used = ((caps_pos[:n_open] - res[:n_open]) * weights).sum(axis=1)
    victims = [p for p in np.argsort(used, kind="stable").tolist() if p >= n_preopened]
    failures = emptied = 0
    for c in victims:
        if failures >= max_failures or work.done:
            break
        items = members.get(c, np.zeros(0, np.int64))
        if items.size == 0:
            continue
        t = res[:n_open].copy()
        ok_mask = alive.copy()
        ok_mask[c] = False
        moves: list[tuple[int, int]] = []
        order = items[np.argsort(-(sizes[items] * weights).sum(axis=1))]
        for i in order.tolist():
            work.spend(t.size)
            a = t - sizes[i]
            fit = ok_mask & (a >= -_FIT_TOL).all(axis=1)
            score = np.where(fit, ((weights * a) * a).sum(axis=1), np.inf)
            j = int(score.argmin())
            if score[j] == np.inf:
                break
            t[j] -= sizes[i]
            moves.append((i, j))
        if len(moves) < items.size:
            failures += 1
            continue
        failures = 0
        emptied += 1
        alive[c] = False
        t[c] = -1.0  # closed: never feasible again
        res[:n_open] = t
        for i, j in moves:
            assignment[i] = j
            if j in members:
                members[j] = np.append(members[j], i)
        members[c] = np.zeros(0, np.int64)
    return emptied
