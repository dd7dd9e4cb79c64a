"""The two-dimensional greedy pass of `pack_vectors`, for many independent instances at once.

A plan packs every cluster separately, each by two greedy passes; one pass is a Python loop over its
items, so a plan of a hundred clusters runs two hundred such loops. Here the passes run in
lockstep: at step k the k-th item of every pass that still has items is placed at once, over a
(passes x bins) matrix of open-bin residuals (-1 where no bin is open, which fits nothing).

Each pass gives exactly what `optimizer.packing._greedy` gives alone: the same float operations in
the same order (numpy's elementwise float64 arithmetic is the IEEE arithmetic of Python floats),
the first bin in opening order among equal scores, and, when no open bin fits, the first
not-yet-open bin in `capn` order that fits, moved to position `n_open`. Passes are grouped by rule
(dot product, then best fit) and, within a rule, by decreasing item count, so the passes still
running at a step are a prefix of each group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.lockstep import chunks, run_chunks

__all__ = ["GreedyResult", "GreedyTask", "greedy_batch"]

#: Most cells (steps x passes) of one lockstep batch: its seven (steps, passes) matrices then hold
#: about 50 MB. A plan of 100 clusters of 1 000 VMs is 2 x 10^5.
_MAX_CELLS = 1_000_000

#: (assignment to positions, perm: position -> bin, res0, res1, n_open, n_placed), as `_greedy`.
GreedyResult = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], int, int]


@dataclass(frozen=True)
class GreedyTask:
    """The arguments of one two-dimensional greedy pass (`optimizer.packing._greedy`)."""

    norm: NDArray[np.float64]  # (m, 2) normalised item sizes
    order: NDArray[np.int64]  # items to place, in placement order
    capn: NDArray[np.float64]  # (b, 2) normalised bin capacities, in opening preference order
    weights: tuple[float, float]
    n_open: int  # the first n_open bins are open from the start
    spread: bool  # True: maximal weighted dot product; False: best fit, bins opened on demand


def greedy_batch(tasks: Sequence[GreedyTask]) -> list[GreedyResult]:
    """Run the passes of `tasks` in lockstep; result i is `_greedy` on `tasks[i]`.

    Passes of similar length run together, at most `_MAX_CELLS` (steps x passes) at a time: the
    sizes by step are dense matrices, which one long pass beside many short ones would blow up."""
    by_len = sorted(range(len(tasks)), key=lambda i: -tasks[i].order.size)
    parts = chunks(by_len, length=lambda i: int(tasks[i].order.size), width=lambda _: 1, max_cells=_MAX_CELLS)
    return run_chunks(len(tasks), parts, lambda chunk: _Batch([tasks[i] for i in chunk]).run())


class _Batch:
    """The state of the passes in lockstep: row r of the matrices is pass `tasks[index[r]]`."""

    def __init__(self, tasks: Sequence[GreedyTask]) -> None:
        spread = [i for i, t in enumerate(tasks) if t.spread]
        fit = [i for i, t in enumerate(tasks) if not t.spread]
        by_len = sorted(spread, key=lambda i: -tasks[i].order.size) + sorted(fit, key=lambda i: -tasks[i].order.size)
        self.tasks = [tasks[i] for i in by_len]
        self.index = by_len
        self.n_spread = len(spread)
        n_rows = len(by_len)
        self.lengths = np.array([t.order.size for t in self.tasks], dtype=np.int64)
        self.n_steps = int(self.lengths.max(initial=0))
        self._items()
        self.n_open = [t.n_open for t in self.tasks]
        self.steps = np.full((n_rows, self.n_steps), -1, dtype=np.int64)  # position of each step's item
        # Unopened bins, row after row in one flat array each (position order; stale once opened).
        self.n_bins = [t.capn.shape[0] for t in self.tasks]
        self.offset = [0, *np.cumsum(self.n_bins)[:-1].tolist()]
        self.cap0 = np.concatenate([t.capn[:, 0] for t in self.tasks]).astype(float)
        self.cap1 = np.concatenate([t.capn[:, 1] for t in self.tasks]).astype(float)
        self.perm = np.concatenate([np.arange(t.capn.shape[0], dtype=np.int64) for t in self.tasks])
        width = max(self.n_open, default=0) + 8
        self.open0 = np.full((n_rows, width), -1.0)
        self.open1 = np.full((n_rows, width), -1.0)
        for r, t in enumerate(self.tasks):
            self.open0[r, : t.n_open] = t.capn[: t.n_open, 0]
            self.open1[r, : t.n_open] = t.capn[: t.n_open, 1]
        self.width = [max(self.n_open[: self.n_spread], default=0), max(self.n_open[self.n_spread :], default=0)]
        self.active = [self.n_spread, n_rows - self.n_spread]
        self.ar = np.arange(n_rows, dtype=np.int64)
        self.rows = self.ar  # the rows still running

    def _items(self) -> None:
        """Sizes, fit thresholds and weighted sizes by step: (steps, rows) matrices, 0 past a pass's end."""
        n_rows = len(self.tasks)
        s0 = np.zeros((self.n_steps, n_rows))
        s1 = np.zeros((self.n_steps, n_rows))
        for r, t in enumerate(self.tasks):
            s0[: t.order.size, r] = t.norm[t.order, 0]
            s1[: t.order.size, r] = t.norm[t.order, 1]
        self.s0, self.s1 = s0, s1
        self.t0, self.t1 = s0 - _FIT_TOL, s1 - _FIT_TOL
        self.w0 = np.array([t.weights[0] for t in self.tasks], dtype=float)
        self.w1 = np.array([t.weights[1] for t in self.tasks], dtype=float)
        # `_greedy` evaluates w0 * s0 * r0 as (w0 * s0) * r0.
        self.ws0, self.ws1 = self.w0 * s0, self.w1 * s1

    def step(self, k: int) -> None:
        """Place the k-th item of every pass that has one."""
        self._shrink(k)
        n_spread, n_fit = self.active
        lo, rows = self.n_spread, self.rows
        pos = np.full(rows.size, -1, dtype=np.int64)
        ok = np.zeros(rows.size, dtype=bool)
        if n_spread and self.width[0]:
            pos[:n_spread], ok[:n_spread] = self._spread(k, n_spread)
        if n_fit and self.width[1]:
            pos[n_spread:], ok[n_spread:] = self._best_fit(k, lo, n_fit)
        if not ok.all():
            pos[~ok] = self._open(k, rows[~ok])
            placed = pos >= 0
            rows, pos = rows[placed], pos[placed]
        self.open0[rows, pos] -= self.s0[k, rows]
        self.open1[rows, pos] -= self.s1[k, rows]
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

    def _spread(self, k: int, n: int) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Open bin of maximal weighted dot product among those that fit, for rows [0, n)."""
        w = self.width[0]
        r0, r1 = self.open0[:n, :w], self.open1[:n, :w]
        fit = (r0 >= self.t0[k, :n, None]) & (r1 >= self.t1[k, :n, None])
        # `_greedy` takes the argmin of -(x): negation is exact, so the argmax of x, first among equals.
        score = np.where(fit, self.ws0[k, :n, None] * r0 + self.ws1[k, :n, None] * r1, -np.inf)
        pos = score.argmax(axis=1)
        return pos, fit[self.ar[:n], pos]

    def _best_fit(self, k: int, lo: int, n: int) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Open bin of minimal weighted squared residual among those that fit, for rows [lo, lo + n)."""
        w = self.width[1]
        rr = slice(lo, lo + n)
        r0, r1 = self.open0[rr, :w], self.open1[rr, :w]
        s0, s1 = self.s0[k, rr, None], self.s1[k, rr, None]
        fit = (r0 >= self.t0[k, rr, None]) & (r1 >= self.t1[k, rr, None])
        a0, a1 = r0 - s0, r1 - s1
        score = np.where(fit, self.w0[rr, None] * a0 * a0 + self.w1[rr, None] * a1 * a1, np.inf)
        pos = score.argmin(axis=1)
        return pos, fit[self.ar[:n], pos]

    def _open(self, k: int, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """Open, for each row, the first unopened bin that holds its item (moved to position
        n_open); its position, or -1 where none does."""
        out = np.full(rows.size, -1, dtype=np.int64)
        thresholds = zip(self.t0[k, rows].tolist(), self.t1[k, rows].tolist(), strict=True)
        for i, (r, (t0, t1)) in enumerate(zip(rows.tolist(), thresholds, strict=True)):
            n, at = self.n_open[r], self.offset[r] + self.n_open[r]
            if n < self.n_bins[r] and self.cap0[at] >= t0 and self.cap1[at] >= t1:
                q = n  # the usual case: the next bin in opening order fits
            else:
                q = self._move_first_fitting(r, t0, t1)
            if q >= 0:
                self._mark_open(r)
                out[i] = q
        return out

    def _move_first_fitting(self, r: int, t0: float, t1: float) -> int:
        """Move the first unopened bin of row r that fits to position n_open; that position, or -1."""
        n, start, end = self.n_open[r], self.offset[r], self.offset[r] + self.n_bins[r]
        hit = np.flatnonzero((self.cap0[start + n : end] >= t0) & (self.cap1[start + n : end] >= t1))
        if hit.size == 0:
            return -1  # fits nowhere now, nor later: residuals only shrink
        seg = slice(start + n, start + n + int(hit[0]) + 1)
        for arr in (self.cap0, self.cap1, self.perm):
            arr[seg] = np.roll(arr[seg], 1)
        return n

    def _mark_open(self, r: int) -> None:
        """Position n_open of row r becomes open, with its bin's capacity as residual."""
        n = self.n_open[r]
        if n >= self.open0.shape[1]:
            grow = np.full((self.open0.shape[0], self.open0.shape[1]), -1.0)
            self.open0 = np.hstack([self.open0, grow])
            self.open1 = np.hstack([self.open1, grow])
        self.open0[r, n] = self.cap0[self.offset[r] + n]
        self.open1[r, n] = self.cap1[self.offset[r] + n]
        self.n_open[r] = n + 1
        g = 0 if r < self.n_spread else 1
        self.width[g] = max(self.width[g], n + 1)

    def run(self) -> list[GreedyResult]:
        """Every step, then each pass's result."""
        for k in range(self.n_steps):
            self.step(k)
        return self.results()

    def results(self) -> list[GreedyResult]:
        """Each pass's result, in the order of the tasks given."""
        out: list[GreedyResult | None] = [None] * len(self.tasks)
        for r, t in enumerate(self.tasks):
            n, start, end = self.n_open[r], self.offset[r], self.offset[r] + self.n_bins[r]
            assignment = np.full(t.norm.shape[0], -1, dtype=np.int64)
            assignment[t.order] = self.steps[r, : t.order.size]
            res0 = np.concatenate([self.open0[r, :n], self.cap0[start + n : end]])
            res1 = np.concatenate([self.open1[r, :n], self.cap1[start + n : end]])
            perm = self.perm[start:end].copy()
            n_placed = int((self.steps[r] >= 0).sum())
            out[self.index[r]] = (assignment, perm, res0, res1, n, n_placed)
        return [o for o in out if o is not None]
