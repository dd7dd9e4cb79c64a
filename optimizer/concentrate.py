"""Slack concentration: swaps and shifts between bins that make loose bins looser.

A bin can only be emptied when the others have room for its items, and on hard instances the free
room is spread thinly over every bin: no single bin can take even a small item. Like the local
searches of Fleszar and Hindi (2002) and Levine and Ducatelle (2004), this pass maximises the sum
of squared (weighted) bin loads, which is largest when the free room sits in few bins: an item of
a loose bin A is swapped with an item (or an empty slot) of another bin B when both still fit and

    gain = 2 * sum_d w_d * delta_d * (L_A,d - L_B,d + delta_d) > 0,   delta = size_B - size_A,

the exact change of `w . L_A^2 + w . L_B^2`. Only items of the loosest bins are tried as `A`,
against the items of the `_PARTNER_BINS` loosest bins as `B` (a full bin can only take a larger
item for a smaller one), so a sweep is one (|A items|, |B items| + |B bins|, d) array.
Each sweep makes every improving move on bins no better move of the sweep touched: each strictly
increases the sum, so the descent ends.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.work import Work

__all__ = ["concentrate"]

#: Loosest bins whose items are tried per move, and the cap on scored pairs x dimensions per move.
_LOOSE_BINS = 48
#: Bins (the loosest) whose items are the partners of a swap: a full bin only gives items back.
_PARTNER_BINS = 1024
_MAX_CELLS = 4_000_000
#: Improving moves considered per sweep (those on disjoint bins are all made).
_MAX_MOVES_PER_SWEEP = 4096


def _best_swaps(
    sizes: NDArray[np.float64],
    assignment: NDArray[np.int64],
    res: NDArray[np.float64],
    weights: NDArray[np.float64],
    loads: NDArray[np.float64],
    alive: NDArray[np.bool_],
    work: Work,
) -> list[tuple[int, int, int]]:
    """Improving moves (item from a loose bin, item swapped with it or -1 for a shift, target
    bin), best first, on disjoint pairs of bins."""
    live = np.flatnonzero(alive)
    score = loads[live] @ weights
    by_load = live[np.argsort(score, kind="stable")]
    partners = by_load[:_PARTNER_BINS]
    per_bin = max(1, int(np.count_nonzero(assignment >= 0)) // int(live.size))
    cells = per_bin * per_bin * partners.size * sizes.shape[1]
    loose = by_load[: max(1, min(_LOOSE_BINS, _MAX_CELLS // cells))]
    xs = np.flatnonzero(np.isin(assignment, loose))
    placed = np.flatnonzero(np.isin(assignment, partners))
    # Partners: the items of the partner bins, then an empty slot (size 0) in each of them.
    ys = np.concatenate([placed, np.full(partners.size, -1)])
    y_bin = np.concatenate([assignment[placed], partners])
    y_size = np.vstack([sizes[placed], np.zeros((partners.size, sizes.shape[1]))])
    a_bin = assignment[xs]
    work.spend(xs.size * ys.size * sizes.shape[1])
    ok = a_bin[:, None] != y_bin[None, :]
    gain = np.zeros(ok.shape)
    # One dimension at a time on (X, Y) arrays: cheaper than (X, Y, d) arrays reduced over d.
    for k in range(sizes.shape[1]):
        delta = y_size[None, :, k] - sizes[xs, k][:, None]
        ok &= res[a_bin, k][:, None] >= delta - _FIT_TOL
        ok &= res[y_bin, k][None, :] >= -delta - _FIT_TOL
        gain += (weights[k] * delta) * (loads[a_bin, k][:, None] - loads[y_bin, k][None, :] + delta)
    gain = np.where(ok, 2.0 * gain, -np.inf)
    return _disjoint_moves(gain, xs, ys, a_bin, y_bin)


def _disjoint_moves(
    gain: NDArray[np.float64],
    xs: NDArray[np.int64],
    ys: NDArray[np.int64],
    a_bin: NDArray[np.int64],
    y_bin: NDArray[np.int64],
) -> list[tuple[int, int, int]]:
    """The improving moves, best first, that touch no bin touched by a better one: they can all
    be made at once, each with the gain it was scored with."""
    flat = np.flatnonzero(gain > 1e-12)
    if flat.size > _MAX_MOVES_PER_SWEEP:
        flat = flat[np.argpartition(-gain.flat[flat], _MAX_MOVES_PER_SWEEP)[:_MAX_MOVES_PER_SWEEP]]
    flat = flat[np.argsort(-gain.flat[flat], kind="stable")]
    touched: set[int] = set()
    moves = []
    for f in flat.tolist():
        i, j = divmod(f, gain.shape[1])
        a, b = int(a_bin[i]), int(y_bin[j])
        if a in touched or b in touched:
            continue
        touched.update((a, b))
        moves.append((int(xs[i]), int(ys[j]), b))
    return moves


def concentrate(
    *,
    sizes: NDArray[np.float64],
    assignment: NDArray[np.int64],
    res: NDArray[np.float64],
    weights: NDArray[np.float64],
    caps_pos: NDArray[np.float64],
    work: Work,
    max_moves: int,
) -> int:
    """Make improving swaps and shifts until none is left, `max_moves` or `work` is spent (a sweep
    costs its scored pairs x dimensions in cells; mutates `assignment` and `res`; closed bins have
    a residual of -1). Returns the moves made."""
    alive = res[:, 0] > -0.5  # closed bins have a residual of -1
    loads = np.where(alive[:, None], caps_pos - res, 0.0)
    made = 0
    while made < max_moves and not work.done:
        moves = _best_swaps(sizes, assignment, res, weights, loads, alive, work)
        if not moves:
            break
        for x, y, b in moves:
            a = int(assignment[x])
            delta = sizes[y] - sizes[x] if y >= 0 else -sizes[x]
            res[a] -= delta
            res[b] += delta
            loads[a] += delta
            loads[b] -= delta
            assignment[x] = b
            if y >= 0:
                assignment[y] = a
        made += len(moves)
    return made
