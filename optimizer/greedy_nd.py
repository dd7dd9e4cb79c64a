"""The greedy pass of `pack_vectors` for any number of dimensions, scored with matrix operations.

Same rules as the two-dimensional pass in `optimizer/packing.py` (pre-opened dot-product fit, or
norm-based best fit with bins opened on demand), but the open bins' residuals are one (bins, d)
matrix. Up to `EXPLICIT_MAX_DIMS` dimensions (CPU, memory and the caps) an item's scores over
every open bin are explicit elementwise sums, dimension after dimension (`weighted_sum`), which
`optimizer/greedy_nd_batch.py` repeats operation for operation over many passes in lockstep; beyond
(a time-aligned profile of 288 slots per VM) they are one BLAS matrix-vector product per item, not
a Python loop over slots (BLAS rounds its own way, so that path has no lockstep twin).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import FIT_TOL as _FIT_TOL

__all__ = ["EXPLICIT_MAX_DIMS", "GreedyRun", "greedy_nd", "weighted_sum"]

#: Unopened bins are searched for the first that fits in blocks of this many.
_BLOCK = 64

#: Up to this many dimensions scores are explicit elementwise sums (`weighted_sum`), beyond BLAS.
EXPLICIT_MAX_DIMS = 8

#: (assignment to positions, perm: position -> bin, residual per position (b, d), n_open, n_placed)
GreedyRun = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], int, int]


def weighted_sum(cols: Sequence[NDArray[np.float64]], coefs: Sequence[NDArray[np.float64]]) -> NDArray[np.float64]:
    """`cols[0] * coefs[0] + cols[1] * coefs[1] + ...`, left to right: the one evaluation order
    the single pass and the lockstep passes share, so both round alike."""
    acc = cols[0] * coefs[0]
    for col, coef in zip(cols[1:], coefs[1:], strict=True):
        acc = acc + col * coef
    return np.asarray(acc, dtype=float)


def _scores(r: NDArray[np.float64], coefs: NDArray[np.float64], explicit: bool) -> NDArray[np.float64]:
    """`r @ coefs` for r (n, d): explicit elementwise sums up to `EXPLICIT_MAX_DIMS`, else BLAS."""
    if not explicit:
        return np.asarray(r @ coefs, dtype=float)
    return weighted_sum([r[..., k] for k in range(r.shape[-1])], list(coefs))


def _first_fitting(res: NDArray[np.float64], start: int, need: NDArray[np.float64]) -> int:
    """First position >= start whose residual holds `need` in every dimension, or -1."""
    for lo in range(start, res.shape[0], _BLOCK):
        hit = np.flatnonzero((res[lo : lo + _BLOCK] >= need).all(axis=1))
        if hit.size:
            return lo + int(hit[0])
    return -1


def greedy_nd(
    *,
    norm: NDArray[np.float64],
    order: NDArray[np.int64],
    capn: NDArray[np.float64],
    weights: NDArray[np.float64],
    n_open: int,
    spread: bool,
) -> GreedyRun:
    """One greedy pass over items `order` (sizes `norm`) into bins `capn`, the first `n_open` open.

    spread=True: place by maximal weighted dot product `w . (s * r)` over the open bins;
    spread=False: by minimal weighted `||r - s||^2` (best fit). An item no open bin holds opens the
    next bin, in `capn` order, that does; an item no bin holds is skipped (assignment -1). Among
    equal scores the first open bin wins.
    """
    b = capn.shape[0]
    explicit = capn.shape[1] <= EXPLICIT_MAX_DIMS
    assignment = np.full(norm.shape[0], -1, dtype=np.int64)
    perm = np.arange(b, dtype=np.int64)
    res = capn.copy()
    sq = _scores(res * res, weights, explicit)  # weighted squared norm of each residual, for best fit
    n_placed = 0
    for i in order.tolist():
        s = norm[i]
        need = s - _FIT_TOL
        j = -1
        if n_open:
            r = res[:n_open]
            dot = _scores(r, weights * s, explicit)
            # ||r - s||^2_w = ||r||^2_w - 2 w.(r s) + ||s||^2_w, the last term the same for all bins.
            if spread and not explicit:
                j = _best_fitting(r, -dot, need)
            else:
                fit = (r >= need).all(axis=1)
                score = np.where(fit, -dot if spread else sq[:n_open] - 2.0 * dot, np.inf)
                j = int(score.argmin()) if score.size and score.min() < np.inf else -1
        if j < 0:
            q = _first_fitting(res, n_open, need)
            if q < 0:
                continue  # fits nowhere now, nor later: residuals only shrink
            if q != n_open:  # move bin q to position n_open, keeping the others' order
                for arr in (perm, res, sq):
                    arr[n_open : q + 1] = np.roll(arr[n_open : q + 1], 1, axis=0)
            j = n_open
            n_open += 1
        assignment[i] = j
        res[j] -= s
        if not spread:  # only best fit reads the squared norms
            sq[j] = _scores(res[j] * res[j], weights, explicit)
        n_placed += 1
    return assignment, perm, res, n_open, n_placed


def _best_fitting(r: NDArray[np.float64], score: NDArray[np.float64], need: NDArray[np.float64]) -> int:
    """The open bin of lowest score (the first among equals) that holds `need`, or -1.

    Bins are tested in score order, a block at a time: for the dot product the best-scored bin
    (the most free room where the item is large) usually fits, so the (bins, d) comparison is
    rarely made for every bin (hundreds of profile slots). (For best fit the tightest bins come
    first and often do not fit: the caller tests every bin at once instead.)"""
    ranked = np.argsort(score, kind="stable")
    for lo in range(0, ranked.size, _BLOCK // 4):
        block = ranked[lo : lo + _BLOCK // 4]
        hit = np.flatnonzero((r[block] >= need).all(axis=1))
        if hit.size:
            return int(block[hit[0]])
    return -1
