"""Fast heuristic for 2-D vector bin packing (CPU, memory), vectorised with numpy.

Algorithm (best-fit decreasing with a weighted slack, then a bin-emptying pass):

1. Items are sorted by decreasing size key `max(cpu/cap_cpu, mem/cap_mem)` (ties: larger sum);
   identical items end up adjacent and are placed as a run.
2. Each item goes to the open bin that fits it with the smallest weighted slack
   `w_cpu * res_cpu / cap_cpu + w_mem * res_mem / cap_mem` (best fit), where weights are each
   dimension's share of total normalised demand, so the scarce dimension is packed tightest. The
   choice is one `np.argmin` over the open bins' residual arrays. When no open bin fits, the next bin
   in `bin_capacities` order that can hold the item is opened. A run of k identical items is placed
   in one step: after the first copy goes to bin j, j stays the best fit for the next copy while it
   fits, so this is exactly item-by-item best fit.
3. Improvement: the least-loaded bins are emptied when all their items fit (best fit) in the other
   open bins; stops after a few consecutive failures or a time budget.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Packing", "pack_vectors"]

_TOL = 1e-9


@dataclass(frozen=True, eq=False)
class Packing:
    """Result of `pack_vectors`.

    Attributes:
        assignment: shape (m,), bin index (into `bin_capacities`) of each item, -1 if unplaced.
        bins_used: shape (k,), sorted indices of bins in use (holding items, or pre-opened).
        load: shape (b, 2), total item size per bin.
        unplaced: tuple of (item index, reason).
        n_bins_emptied: bins emptied by the improvement pass.
    """

    assignment: NDArray[np.int64]
    bins_used: NDArray[np.int64]
    load: NDArray[np.float64]
    unplaced: tuple[tuple[int, str], ...]
    n_bins_emptied: int

    @property
    def n_bins(self) -> int:
        return int(self.bins_used.size)


def _check_inputs(sizes: NDArray[np.float64], caps: NDArray[np.float64], n_preopened: int) -> None:
    if sizes.ndim != 2 or sizes.shape[1] != 2:
        raise ValueError(f"sizes must have shape (m, 2), got {sizes.shape}")
    if caps.ndim != 2 or caps.shape[1] != 2:
        raise ValueError(f"bin_capacities must have shape (b, 2), got {caps.shape}")
    if not np.isfinite(sizes).all() or (sizes < 0).any():
        raise ValueError("sizes must be finite and >= 0")
    if not np.isfinite(caps).all() or (caps < 0).any():
        raise ValueError("bin_capacities must be finite and >= 0")
    if not 0 <= n_preopened <= caps.shape[0]:
        raise ValueError(f"n_preopened must be in [0, {caps.shape[0]}], got {n_preopened}")


def pack_vectors(
    *,
    sizes: NDArray[np.float64],
    bin_capacities: NDArray[np.float64],
    n_preopened: int = 0,
    improve: bool = True,
    improve_budget_s: float = 2.0,
) -> Packing:
    """Pack 2-D items into bins, opening bins in the order given.

    Args:
        sizes: shape (m, 2), item demands (e.g. reference MHz, MiB), >= 0.
        bin_capacities: shape (b, 2), usable capacity of each candidate bin, in preference order.
            For identical new hosts pass `np.tile(capacity, (m, 1))`.
        n_preopened: the first `n_preopened` bins are already open (e.g. hosts already bought);
            they are used first and never counted as emptied.
        improve: run the bin-emptying pass.
        improve_budget_s: wall-clock budget of the improvement pass, in seconds.

    Returns:
        A `Packing`. Items larger than every bin, or left when bins run out, are in `unplaced`.
    """
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2) if np.size(sizes) else np.zeros((0, 2))
    caps = np.asarray(bin_capacities, dtype=float)
    _check_inputs(sizes, caps, n_preopened)
    m, b = sizes.shape[0], caps.shape[0]
    assignment = np.full(m, -1, dtype=np.int64)
    unplaced: list[tuple[int, str]] = []
    if b == 0:
        unplaced = [(i, "no target host available") for i in range(m)]
        return Packing(assignment, np.zeros(0, np.int64), np.zeros((0, 2)), tuple(unplaced), 0)
    ref = np.maximum(caps.max(axis=0), _TOL)
    norm = sizes / ref
    share = norm.sum(axis=0)
    weights = share / share.sum() if share.sum() > 0 else np.array([0.5, 0.5])
    weights = 0.1 + 0.9 * weights  # never ignore a dimension entirely

    fits_any = np.zeros(m, dtype=bool)
    for cap in np.unique(caps, axis=0):
        fits_any |= (sizes <= cap).all(axis=1)
    big = ref * 1.0
    for i in np.flatnonzero(~fits_any):
        unplaced.append((int(i), (
            f"demand ({sizes[i, 0]:.0f} ref MHz, {sizes[i, 1]:.0f} MiB) exceeds the usable capacity"
            f" of every target host (max {big[0]:.0f} ref MHz, {big[1]:.0f} MiB)")))

    cand = np.flatnonzero(fits_any)
    key = norm[cand].max(axis=1)
    order = cand[np.lexsort((sizes[cand, 1], sizes[cand, 0], -norm[cand].sum(axis=1), -key))]

    # Per position p (bins in opening order): perm[p] = bin index; residuals and weighted slack.
    perm = np.arange(b, dtype=np.int64)
    res0 = caps[:, 0].copy()
    res1 = caps[:, 1].copy()
    wn = weights / ref
    slack = res0 * wn[0] + res1 * wn[1]
    n_open = n_preopened
    inf = np.inf

    so = sizes[order]
    same = np.concatenate([[False], (so[1:] == so[:-1]).all(axis=1)]) if order.size else np.zeros(0, bool)
    starts = np.flatnonzero(~same)
    ends = np.concatenate([starts[1:], [order.size]])
    for start, end in zip(starts.tolist(), ends.tolist()):
        s0, s1 = float(so[start, 0]), float(so[start, 1])
        ds = s0 * wn[0] + s1 * wn[1]
        pos = start
        while pos < end:
            j = -1
            if n_open:
                score = np.where((res0[:n_open] >= s0) & (res1[:n_open] >= s1), slack[:n_open], inf)
                jj = int(score.argmin())
                if score[jj] < inf:
                    j = jj
            if j < 0:
                if n_open >= b:
                    break
                later = np.flatnonzero((res0[n_open:] >= s0) & (res1[n_open:] >= s1))
                if later.size == 0:
                    break
                q = n_open + int(later[0])
                if q != n_open:  # move bin q to position n_open, keeping the others' order
                    for arr in (perm, res0, res1, slack):
                        moved = arr[q]
                        arr[n_open + 1:q + 1] = arr[n_open:q].copy()
                        arr[n_open] = moved
                j = n_open
                n_open += 1
            k = end - pos
            if s0 > 0:
                k = min(k, int(res0[j] / s0 + _TOL))
            if s1 > 0:
                k = min(k, int(res1[j] / s1 + _TOL))
            k = max(k, 1)
            assignment[order[pos:pos + k]] = j  # positions for now, mapped to bins below
            res0[j] -= k * s0
            res1[j] -= k * s1
            slack[j] -= k * ds
            pos += k
        for i in order[pos:end]:
            unplaced.append((int(i), "no target host left with enough free capacity"))

    emptied = 0
    if improve and n_open - n_preopened > 1:
        emptied = _empty_bins(sizes=sizes, assignment=assignment, res0=res0, res1=res1,
                              slack=slack, wn=wn, n_open=n_open, n_preopened=n_preopened,
                              caps_pos=caps[perm], budget_s=improve_budget_s)
    placed = assignment >= 0
    assignment[placed] = perm[assignment[placed]]
    load = np.zeros((b, 2))
    np.add.at(load, assignment[placed], sizes[placed])
    used = np.unique(np.concatenate([assignment[placed], perm[:n_preopened]])).astype(np.int64)
    return Packing(assignment, used, load, tuple(sorted(unplaced)), emptied)


def _empty_bins(
    *,
    sizes: NDArray[np.float64],
    assignment: NDArray[np.int64],
    res0: NDArray[np.float64],
    res1: NDArray[np.float64],
    slack: NDArray[np.float64],
    wn: NDArray[np.float64],
    n_open: int,
    n_preopened: int,
    caps_pos: NDArray[np.float64],
    budget_s: float,
    max_failures: int = 8,
) -> int:
    """Try to empty the least-loaded open bins by best-fit moves; mutates arrays in place.

    `assignment` holds bin *positions* here. Returns the number of bins emptied.
    """
    deadline = time.perf_counter() + budget_s
    placed = np.flatnonzero(assignment >= 0)
    by_pos = placed[np.argsort(assignment[placed], kind="stable")]
    counts = np.bincount(assignment[placed], minlength=n_open)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    members = {p: by_pos[offsets[p]:offsets[p + 1]] for p in range(n_preopened, n_open)}
    alive = np.ones(n_open, dtype=bool)
    full_slack = caps_pos[:n_open, 0] * wn[0] + caps_pos[:n_open, 1] * wn[1]
    load_key = full_slack - slack[:n_open]
    victims = [p for p in np.argsort(load_key, kind="stable").tolist() if p >= n_preopened]
    failures = emptied = 0
    for c in victims:
        if failures >= max_failures or time.perf_counter() > deadline:
            break
        items = members.get(c, np.zeros(0, np.int64))
        if items.size == 0:
            continue
        t0, t1, ts = res0[:n_open].copy(), res1[:n_open].copy(), slack[:n_open].copy()
        ok_mask = alive.copy()
        ok_mask[c] = False
        moves: list[tuple[int, int]] = []
        order = items[np.argsort(-(sizes[items, 0] * wn[0] + sizes[items, 1] * wn[1]))]
        for i in order.tolist():
            s0, s1 = sizes[i, 0], sizes[i, 1]
            score = np.where(ok_mask & (t0 >= s0) & (t1 >= s1), ts, np.inf)
            j = int(score.argmin())
            if score[j] == np.inf:
                break
            t0[j] -= s0
            t1[j] -= s1
            ts[j] -= s0 * wn[0] + s1 * wn[1]
            moves.append((i, j))
        if len(moves) < items.size:
            failures += 1
            continue
        failures = 0
        emptied += 1
        alive[c] = False
        t0[c], t1[c] = caps_pos[c, 0], caps_pos[c, 1]
        ts[c] = np.inf  # closed bin: never a best fit again
        res0[:n_open], res1[:n_open], slack[:n_open] = t0, t1, ts
        for i, j in moves:
            assignment[i] = j
            if j in members:
                members[j] = np.append(members[j], i)
        members[c] = np.zeros(0, np.int64)
    return emptied
