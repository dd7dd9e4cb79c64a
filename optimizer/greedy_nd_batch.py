"""The few-dimension greedy pass of `greedy_nd`, for many independent instances at once.

When a cap binds (vCPU : core ratio, memory overcommit), a plan packs its clusters again on three
or four dimensions, one `greedy_nd` pass per cluster and rule, each a Python loop over its items
with several numpy calls per item. Here, as `optimizer/greedy_batch.py` does in two dimensions,
the passes run in lockstep: at step k the k-th item of every pass that still has items is placed at
once, over a (d x passes x bins) array of open-bin residuals (-1 where no bin is open, which fits
nothing).

Each pass gives exactly what `greedy_nd` gives alone, up to `EXPLICIT_MAX_DIMS` dimensions: the
scores are the same `weighted_sum` of the same elementwise products (the dot product
`r . (w * s)`, the weighted squared norm `(r * r) . w` kept per bin, best fit
`||r||^2_w - 2 r . (w * s)`), the first bin in opening order among equal scores, and, when no
open bin fits, the first not-yet-open bin in `capn` order that fits, moved to position `n_open`.
Passes are grouped by dimension, then by rule and, within a rule, by decreasing item count, so the
passes still running at a step are a prefix of each rule's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.greedy_nd import EXPLICIT_MAX_DIMS, GreedyRun, weighted_sum
from optimizer.lockstep import chunks, run_chunks

__all__ = ["NdTask", "greedy_nd_batch"]

#: Most cells (steps x passes x dimensions) of one lockstep batch: its three (d, steps, passes)
#: arrays of sizes then hold about 100 MB. A plan of 100 clusters of 1 000 VMs on 4 dimensions is 4 x 10^5.
_MAX_CELLS = 4_000_000


@dataclass(frozen=True)
class NdTask:
    """The arguments of one `greedy_nd` pass in at most `EXPLICIT_MAX_DIMS` dimensions."""

    norm: NDArray[np.float64]  # (m, d) normalised item sizes
    order: NDArray[np.int64]  # items to place, in placement order
    capn: NDArray[np.float64]  # (b, d) normalised bin capacities, in opening preference order
    weights: NDArray[np.float64]  # (d,)
    n_open: int  # the first n_open bins are open from the start
    spread: bool  # True: maximal weighted dot product; False: best fit, bins opened on demand


def greedy_nd_batch(tasks: Sequence[NdTask]) -> list[GreedyRun]:
    """Run the passes of `tasks` in lockstep; result i is `greedy_nd` on `tasks[i]`.

    Passes of the same dimension and similar length run together, at most `_MAX_CELLS`
    (steps x passes x d) at a time: one long pass beside many short ones would blow up the dense
    arrays of sizes by step."""
    for t in tasks:
        if not 1 <= t.capn.shape[1] <= EXPLICIT_MAX_DIMS:
            raise ValueError(f"lockstep passes take 1 to {EXPLICIT_MAX_DIMS} dimensions, got {t.capn.shape[1]}")
    by_len = sorted(range(len(tasks)), key=lambda i: (tasks[i].capn.shape[1], -tasks[i].order.size))
    parts = chunks(
        by_len,
        length=lambda i: int(tasks[i].order.size),
        width=lambda i: int(tasks[i].capn.shape[1]),
        max_cells=_MAX_CELLS,
    )
    return run_chunks(len(tasks), parts, lambda chunk: _Batch([tasks[i] for i in chunk]).run())


class _Batch:
    """The state of passes of one dimension d in lockstep: row r is pass `tasks[index[r]]`."""

    def __init__(self, tasks: Sequence[NdTask]) -> None:
        spread = [i for i, t in enumerate(tasks) if t.spread]
        fit = [i for i, t in enumerate(tasks) if not t.spread]
        by_len = sorted(spread, key=lambda i: -tasks[i].order.size) + sorted(fit, key=lambda i: -tasks[i].order.size)
        self.tasks = [tasks[i] for i in by_len]
        self.index = by_len
        self.n_spread = len(spread)
        self.d = self.tasks[0].capn.shape[1]
        n_rows = len(by_len)
        self.lengths = np.array([t.order.size for t in self.tasks], dtype=np.int64)
        self.n_steps = int(self.lengths.max(initial=0))
        self._items()
        self.n_open = np.array([t.n_open for t in self.tasks], dtype=np.int64)
        self.steps = np.full((n_rows, self.n_steps), -1, dtype=np.int64)  # position of each step's item
        # Bins of every row, one after the other (position order; stale once opened).
        self.n_bins = np.array([t.capn.shape[0] for t in self.tasks], dtype=np.int64)
        self.offset = np.concatenate([[0], np.cumsum(self.n_bins)[:-1]]).astype(np.int64)
        self.caps = np.concatenate([t.capn for t in self.tasks]).astype(float).reshape(-1, self.d)
        self.perm = np.concatenate([np.arange(t.capn.shape[0], dtype=np.int64) for t in self.tasks])
        width = int(self.n_open.max(initial=0)) + 8
        self.open = np.full((self.d, n_rows, width), -1.0)  # residual of each open position
        self.sq = np.zeros((n_rows, width))  # its weighted squared norm (best fit)
        for r, t in enumerate(self.tasks):
            self.open[:, r, : t.n_open] = t.capn[: t.n_open].T
            self.sq[r, : t.n_open] = self._sq_of(t.capn[: t.n_open], self.w[:, r])
        spread_open, fit_open = self.n_open[: self.n_spread], self.n_open[self.n_spread :]
        self.width = [int(spread_open.max(initial=0)), int(fit_open.max(initial=0))]
        self.active = [self.n_spread, n_rows - self.n_spread]
        self.ar = np.arange(n_rows, dtype=np.int64)
        self.rows = self.ar  # the rows still running

    def _items(self) -> None:
        """Sizes, fit thresholds and weighted sizes by step: (d, steps, rows) arrays, 0 past a pass's end."""
        s = np.zeros((self.d, self.n_steps, len(self.tasks)))
        for r, t in enumerate(self.tasks):
            s[:, : t.order.size, r] = t.norm[t.order].T
        self.s = s
        self.t = s - _FIT_TOL
        self.w = np.stack([np.asarray(t.weights, dtype=float) for t in self.tasks], axis=1).reshape(self.d, -1)
        self.ws = self.w[:, None, :] * s  # `greedy_nd` scores with `weights * s`

    def _sq_of(self, res: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
        """Weighted squared norms of residuals (n, d), as `greedy_nd` computes them."""
        return weighted_sum([res[:, k] * res[:, k] for k in range(self.d)], list(w))

    def step(self, k: int) -> None:
        """Place the k-th item of every pass that has one."""
        self._shrink(k)
        n_spread, n_fit = self.active
        rows = self.rows
        pos = np.full(rows.size, -1, dtype=np.int64)
        ok = np.zeros(rows.size, dtype=bool)
        if n_spread and self.width[0]:
            pos[:n_spread], ok[:n_spread] = self._choose(k, slice(0, n_spread), True)
        if n_fit and self.width[1]:
            lo = self.n_spread
            pos[n_spread:], ok[n_spread:] = self._choose(k, slice(lo, lo + n_fit), False)
        if not ok.all():
            pos[~ok] = self._open(k, rows[~ok])
            placed = pos >= 0
            rows, pos = rows[placed], pos[placed]
        self.open[:, rows, pos] -= self.s[:, k, rows]
        got = self.open[:, rows, pos]
        self.sq[rows, pos] = weighted_sum([got[q] * got[q] for q in range(self.d)], list(self.w[:, rows]))
        self.steps[rows, k] = pos

    def _shrink(self, k: int) -> None:
        """Drop the passes whose items are all placed (the last of each group: lengths decrease)."""
        starts, before = (0, self.n_spread), list(self.active)
        for g in (0, 1):
            while self.active[g] and self.lengths[starts[g] + self.active[g] - 1] <= k:
                self.active[g] -= 1
        if self.active != before:
            lo = self.n_spread
            self.rows = np.r_[self.ar[: self.active[0]], self.ar[lo : lo + self.active[1]]]

    def _choose(self, k: int, rr: slice, spread: bool) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """For rows `rr`, the open bin of maximal dot product (spread) or minimal best-fit score
        among those that fit, first among equals; whether it fits."""
        w = self.width[0 if spread else 1]
        r = self.open[:, rr, :w]
        fit = r[0] >= self.t[0, k, rr, None]
        for q in range(1, self.d):
            fit &= r[q] >= self.t[q, k, rr, None]
        dot = weighted_sum(list(r), [self.ws[q, k, rr, None] for q in range(self.d)])
        # `greedy_nd` takes the argmin of -dot (negation is exact) or of sq - 2 dot.
        score = np.where(fit, -dot if spread else self.sq[rr, :w] - 2.0 * dot, np.inf)
        pos = score.argmin(axis=1)
        return pos, fit[np.arange(pos.size), pos]

    def _open(self, k: int, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """Open, for each row, the first unopened bin that holds its item (moved to position
        n_open); its position, or -1 where none does."""
        need = self.t[:, k, rows].T  # (rows, d)
        n = self.n_open[rows]
        left = n < self.n_bins[rows]
        quick = left.copy()  # the usual case: the next bin fits
        quick[left] = (self.caps[self.offset[rows[left]] + n[left]] >= need[left]).all(axis=1)
        out = np.where(quick, n, -1)
        for i in np.flatnonzero(~quick).tolist():
            out[i] = self._move_first_fitting(int(rows[i]), need[i])
        for r in rows[out >= 0].tolist():
            self._mark_open(r)
        return out

    def _move_first_fitting(self, r: int, need: NDArray[np.float64]) -> int:
        """Move the first unopened bin of row r that fits to position n_open; that position, or -1."""
        n, start = int(self.n_open[r]), int(self.offset[r])
        end = start + int(self.n_bins[r])
        hit = np.flatnonzero((self.caps[start + n : end] >= need).all(axis=1))
        if hit.size == 0:
            return -1  # fits nowhere now, nor later: residuals only shrink
        seg = slice(start + n, start + n + int(hit[0]) + 1)
        for arr in (self.caps, self.perm):
            arr[seg] = np.roll(arr[seg], 1, axis=0)
        return n

    def _mark_open(self, r: int) -> None:
        """Position n_open of row r becomes open, with its bin's capacity as residual."""
        n = int(self.n_open[r])
        if n >= self.open.shape[2]:
            self.open = np.concatenate([self.open, np.full(self.open.shape, -1.0)], axis=2)
            self.sq = np.hstack([self.sq, np.zeros(self.sq.shape)])
        cap = self.caps[self.offset[r] + n]
        self.open[:, r, n] = cap
        self.sq[r, n] = self._sq_of(cap[None, :], self.w[:, r])[0]
        self.n_open[r] = n + 1
        g = 0 if r < self.n_spread else 1
        self.width[g] = max(self.width[g], n + 1)

    def run(self) -> list[GreedyRun]:
        """Every step, then each pass's result."""
        for k in range(self.n_steps):
            self.step(k)
        return self.results()

    def results(self) -> list[GreedyRun]:
        """Each pass's result, in the order of the tasks given."""
        out: list[GreedyRun | None] = [None] * len(self.tasks)
        for r, t in enumerate(self.tasks):
            n, start = int(self.n_open[r]), int(self.offset[r])
            end = start + int(self.n_bins[r])
            assignment = np.full(t.norm.shape[0], -1, dtype=np.int64)
            assignment[t.order] = self.steps[r, : t.order.size]
            res = np.concatenate([self.open[:, r, :n].T, self.caps[start + n : end]]).reshape(-1, self.d)
            n_placed = int((self.steps[r] >= 0).sum())
            out[self.index[r]] = (assignment, self.perm[start:end].copy(), res, n, n_placed)
        return [o for o in out if o is not None]
