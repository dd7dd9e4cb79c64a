"""Ejection search: empty one bin by swapping its items, through a pool, with items of other bins.

The greedy pass and the plain bin-emptying pass only move an item into a bin that already has room
for it. On instances where every bin of the optimum is full (Falkenauer's "triplets" and their
two-dimensional analogues) no such room exists: a bin can only be emptied if the other bins trade
their items for better-fitting ones. This module does it in the manner of the consistent
neighbourhood search of Buljubasic and Vasquez (2016), simplified to a descent:

1. Close a target bin; its items form the *pool*. Every other bin stays within capacity.
2. Repeat the best move among: a pool item (or two) enters a bin, which ejects zero, one or two of
   its items to the pool so that it still fits. The gain of a move is the weighted size that leaves
   the pool (entering minus ejected); only moves with a positive gain are made, so the pool shrinks
   in size (its items get smaller) at every step and the search ends.
3. An empty pool is a packing with one bin fewer; otherwise the bins are restored as they were.

Moves are scored for all bins and slot combinations at once: bins' items are held in a padded
(bins, K) matrix, and the ejected size of each combination of one or two slots is one gather.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.work import STEP_CELLS, Work

__all__ = ["EjectionState", "eject_bins"]

#: Pairs of items are ejected together only while no bin holds more than this many items: with
#: tens of items per bin the pairs are many and small items move one by one anyway.
_PAIR_MAX_ITEMS = 8
#: A target whose pool has not emptied after this many moves is given up.
_MAX_MOVES = 60
#: Moves during which an item ejected from a bin may not re-enter it.
_TENURE = 5
#: Bins (those with the most free room) a target's items may move into.
_EJECT_BINS = 192


@dataclass
class EjectionState:
    """The packing being improved; mutated in place. Normalised units, bins by position.

    Attributes:
        sizes: shape (m, d), item sizes.
        weights: shape (d,), weight of each dimension in a move's gain.
        assignment: shape (m,), position of each item's bin (-1 unplaced).
        res: shape (n_open, d), residual capacity per open position (closed positions: -1).
        alive: shape (n_open,), positions still in use.
        n_preopened: positions below this are never emptied.
    """

    sizes: NDArray[np.float64]
    weights: NDArray[np.float64]
    assignment: NDArray[np.int64]
    res: NDArray[np.float64]
    alive: NDArray[np.bool_]
    n_preopened: int


def _members(state: EjectionState) -> NDArray[np.int64]:
    """(n_open, K + 1) matrix of each bin's items, padded with m; the last column is all padding."""
    m, n = state.sizes.shape[0], state.res.shape[0]
    placed = np.flatnonzero(state.assignment >= 0)
    pos = state.assignment[placed]
    counts = np.bincount(pos, minlength=n)
    k = int(counts.max(initial=0)) + 2
    mat = np.full((n, k), m, dtype=np.int64)
    order = placed[np.argsort(pos, kind="stable")]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, counts)
    mat[state.assignment[order], rank] = order
    return mat


def _combos(k: int, pairs: bool) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Slot combinations a move may eject: none, one slot, or (when `pairs`) two slots."""
    pad = k - 1
    combos = [(pad, pad)] + [(a, pad) for a in range(pad)]
    if pairs:
        combos += list(combinations(range(pad), 2))
    arr = np.array(combos, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


@dataclass
class _Tabu:
    """An item ejected from a bin may not re-enter it for `tenure` moves."""

    bin: NDArray[np.int64]
    until: NDArray[np.int64]
    tenure: int
    step: int = 0

    def banned(self, group: tuple[int, ...]) -> list[int]:
        return [int(self.bin[p]) for p in group if self.until[p] > self.step]


def _best_move(
    state: EjectionState,
    mat: NDArray[np.int64],
    pool: list[int],
    tables: tuple[NDArray[np.float64], NDArray[np.float64]],
    tabu: _Tabu,
    rows: NDArray[np.int64],
) -> tuple[float, tuple[int, ...], int, int]:
    """(gain, entering items, bin, combo) of the best move into a bin of `rows` that is not tabu,
    improving or not; bin -1 if there is none."""
    ext, val = tables
    k = mat.shape[1]
    first, second = _combos(k, pairs=k - 2 <= _PAIR_MAX_ITEMS)
    sub = mat[rows]
    out = ext[sub[:, first]] + ext[sub[:, second]]  # (rows, C, d): size ejected by each combination
    out_val = val[sub[:, first]] + val[sub[:, second]]
    room = state.res[rows][:, None, :] + out
    alive = state.alive[rows]
    entering: list[tuple[int, ...]] = [(p,) for p in pool] + list(combinations(pool, 2))
    best: tuple[float, tuple[int, ...], int, int] = (-np.inf, (), -1, -1)
    for group in entering:
        s = state.sizes[list(group)].sum(axis=0)
        fits = alive[:, None] & (room[:, :, 0] >= s[0] - _FIT_TOL)
        for k in range(1, s.size):  # one dimension at a time: cheaper than .all(axis=2)
            fits &= room[:, :, k] >= s[k] - _FIT_TOL
        gain = np.where(fits, val[list(group)].sum() - out_val, -np.inf)
        banned = tabu.banned(group)
        if banned:  # `rows` is sorted
            at = np.minimum(np.searchsorted(rows, banned), rows.size - 1)
            gain[at[rows[at] == banned]] = -np.inf
        flat = int(gain.argmax())
        g = float(gain.flat[flat])
        if g > best[0] + 1e-12:
            best = (g, group, int(rows[flat // gain.shape[1]]), flat % gain.shape[1])
    return best


def _apply(
    state: EjectionState,
    mat: NDArray[np.int64],
    pool: list[int],
    move: tuple[float, tuple[int, ...], int, int],
    tabu: _Tabu,
) -> NDArray[np.int64]:
    """Make the move: entering items leave the pool for the bin, ejected ones join it."""
    _, group, j, c = move
    m = state.sizes.shape[0]
    first, second = _combos(mat.shape[1], pairs=mat.shape[1] - 2 <= _PAIR_MAX_ITEMS)
    for slot in {int(first[c]), int(second[c])}:
        q = int(mat[j, slot])
        if q < m:
            pool.append(q)
            state.assignment[q] = -1
            state.res[j] += state.sizes[q]
            mat[j, slot] = m
            tabu.bin[q], tabu.until[q] = j, tabu.step + tabu.tenure
    for p in group:
        pool.remove(p)
        free = np.flatnonzero(mat[j, :-1] == m)
        if free.size == 0:  # the bin needs one more slot: widen the matrix
            mat = np.concatenate([mat, np.full((mat.shape[0], 1), m, dtype=np.int64)], axis=1)
            free = np.array([mat.shape[1] - 2])
        mat[j, int(free[0])] = p
        state.assignment[p] = j
        state.res[j] -= state.sizes[p]
    return mat


def _empty_one(state: EjectionState, target: int, work: Work) -> bool:
    """Try to empty bin `target`; on failure every bin is restored. True if emptied.

    Moves go into the `_EJECT_BINS` bins with the most free room (weighted): a full bin only
    trades an item for a no smaller one, which never shrinks the pool.
    """
    saved = (state.assignment.copy(), state.res.copy())
    pool = np.flatnonzero(state.assignment == target).tolist()
    state.alive[target] = False
    state.assignment[pool] = -1
    room = np.where(state.alive, state.res @ state.weights, -np.inf)
    rows = np.sort(np.argsort(-room, kind="stable")[: min(_EJECT_BINS, int(state.alive.sum()))])
    mat = _members(state)
    ext = np.vstack([state.sizes, np.zeros((1, state.sizes.shape[1]))])
    val = ext @ state.weights
    m, d = state.sizes.shape
    tabu = _Tabu(np.full(m, -1, np.int64), np.zeros(m, np.int64), _TENURE)
    for step in range(_MAX_MOVES):
        if not pool:
            state.res[target] = -1.0
            return True
        if work.done:
            break
        tabu.step = step
        work.spend(_move_cells(len(pool), rows.size, mat.shape[1], d))
        move = _best_move(state, mat, pool, (ext, val), tabu, rows)
        if move[2] < 0:
            break
        mat = _apply(state, mat, pool, move, tabu)
    state.assignment[:], state.res[:] = saved
    state.alive[target] = True
    return False


def _move_cells(n_pool: int, n_rows: int, k: int, d: int) -> int:
    """Cells `_best_move` evaluates: per entering group (one or two pool items), every slot
    combination of every bin of `rows` in every dimension, plus the group's fixed cost."""
    n_groups = n_pool * (n_pool + 1) // 2
    n_combos = _combos(k, pairs=k - 2 <= _PAIR_MAX_ITEMS)[0].size
    return n_groups * (n_rows * n_combos * d + STEP_CELLS)


def eject_bins(state: EjectionState, *, caps_pos: NDArray[np.float64], work: Work, max_failures: int) -> int:
    """Empty bins one at a time, least loaded first, until `max_failures` targets in a row fail or
    `work` is spent (a move costs entering groups x bins x slot combinations x dimensions cells).
    Returns the number of bins emptied."""
    emptied = failures = 0
    tried: set[int] = set()
    while failures < max_failures and not work.done:
        used = ((caps_pos - state.res) @ state.weights)[state.n_preopened :]
        cand = [
            p + state.n_preopened
            for p in np.argsort(used, kind="stable").tolist()
            if state.alive[p + state.n_preopened] and p + state.n_preopened not in tried
        ]
        if len(cand) < 1 or int(state.alive[state.n_preopened :].sum()) < 2:
            break
        target = cand[0]
        if _empty_one(state, target, work):
            emptied, failures = emptied + 1, 0
            tried.clear()
        else:
            failures += 1
            tried.add(target)
    return emptied
