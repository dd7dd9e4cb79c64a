"""Fast heuristic for vector bin packing in d >= 1 dimensions (CPU, memory, ...), with numpy.

Algorithm ("pre-opened dot-product fit decreasing", then an improvement phase):

1. Sizes are normalised by the largest bin; each dimension gets a weight from its share of the total
   demand (floored at 0.1 / d) so the scarce dimension counts most.
2. The smallest prefix of bins whose capacity covers the total demand (the volume bound) is opened
   up front. Plain first/best fit decreasing stacks the CPU-heavy items (which come first in the
   order) into the same few bins until their CPU is full and their memory wasted; opening the
   bound's worth of bins first lets the placement spread them.
3. Items in decreasing `max(size)` order go to the open bin that fits and maximises the weighted
   dot product `w . (s * r)` of item size and bin residual (Panigrahy et al., "Heuristics for
   Vector Bin Packing", 2011): a CPU-heavy item lands where CPU is left. In two dimensions the
   choice is one `np.argmin` over the open bins' residual arrays, or, while at most
   `_LIST_MAX_OPEN` bins are open (cluster scope: ~25 per cluster), a plain Python loop over
   lists, which avoids numpy's per-call overhead and gives the same choice; in other dimensions
   `optimizer/greedy_nd.py` (explicit elementwise sums up to 8 dimensions, one matrix-vector
   product beyond). When no open bin fits, the next bin in
   `bin_capacities` order that can hold the item is opened.
4. Up to `second_rule_max_items` items, a second pass runs classic norm-based best fit decreasing
   (bins opened on demand; better when items are large relative to bins) and the better pass wins.
5. Improvement (`optimizer/improve.py`): bin emptying, then an ejection search that trades items
   between bins to empty one more, under a time budget.

`pack_vectors_many` packs independent instances (a plan's clusters) at once: the two-dimensional
passes of all of them run in lockstep (`optimizer/greedy_batch.py`, the k-th item of every pass
placed by one set of numpy operations over a (passes x bins) matrix), with exactly the placements
of `_greedy`, which stays the single-instance path; so do the passes in 1 or 3 to 8 dimensions
(`optimizer/greedy_nd_batch.py`, exactly those of `greedy_nd`: a cap that binds). Phases 1, 2 and
5 run per instance (`optimizer/pack_start.py` for 1 and 2).

Identical sizes are not grouped: CPU demand comes from continuous P95 figures, so runs of identical
items are rare. Measured by bench/bench_optimizer.py, bench/bench_packing.py and
bench/bench_groups.py on 2 cores (docs/optimizer.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import FIT_TOL as _FIT_TOL
from optimizer.fit import TOL as _TOL
from optimizer.greedy_batch import GreedyResult, GreedyTask, greedy_batch
from optimizer.greedy_nd import EXPLICIT_MAX_DIMS, GreedyRun, greedy_nd
from optimizer.greedy_nd_batch import NdTask, greedy_nd_batch
from optimizer.improve import improve_packing
from optimizer.pack_start import dimension_weights, initial_open, order_items
from optimizer.reasons import Reason, ReasonCode

__all__ = ["PackRequest", "Packing", "pack_vectors", "pack_vectors_many"]

#: Up to this many open bins, `_greedy` scores them in a Python loop; beyond, with numpy. Measured
#: (docs/optimizer.md): lists are ~3x faster at ~25 open bins, 13x slower at ~1 500.
_LIST_MAX_OPEN = 50


@dataclass(frozen=True, eq=False)
class Packing:
    """Result of `pack_vectors`.

    Attributes:
        assignment: shape (m,), bin index (into `bin_capacities`) of each item, -1 if unplaced.
        bins_used: shape (k,), sorted indices of bins in use (holding items, or pre-opened).
        load: shape (b, d), total item size per bin.
        unplaced: (item index, reason): TOO_LARGE, NO_CAPACITY_LEFT or NO_TARGET_HOST.
        n_bins_emptied: bins emptied by the improvement pass.
    """

    assignment: NDArray[np.int64]
    bins_used: NDArray[np.int64]
    load: NDArray[np.float64]
    unplaced: tuple[tuple[int, Reason], ...]
    n_bins_emptied: int

    @property
    def n_bins(self) -> int:
        """Number of bins in use."""
        return int(self.bins_used.size)


def _check_inputs(sizes: NDArray[np.float64], caps: NDArray[np.float64], n_preopened: int) -> None:
    if caps.ndim != 2 or caps.shape[1] < 1:
        raise ValueError(f"bin_capacities must have shape (b, d) with d >= 1, got {caps.shape}")
    if sizes.ndim != 2 or sizes.shape[1] != caps.shape[1]:
        raise ValueError(f"sizes must have shape (m, {caps.shape[1]}), got {sizes.shape}")
    if not np.isfinite(sizes).all() or (sizes < 0).any():
        raise ValueError("sizes must be finite and >= 0")
    if not np.isfinite(caps).all() or (caps < 0).any():
        raise ValueError("bin_capacities must be finite and >= 0")
    if not 0 <= n_preopened <= caps.shape[0]:
        raise ValueError(f"n_preopened must be in [0, {caps.shape[0]}], got {n_preopened}")


@dataclass(frozen=True)
class PackRequest:
    """The arguments of one `pack_vectors` call, for `pack_vectors_many`."""

    sizes: NDArray[np.float64]
    bin_capacities: NDArray[np.float64]
    n_preopened: int = 0
    improve: bool = True
    improve_budget_s: float = 2.0
    second_rule_max_items: int = 20_000


@dataclass
class _Prepared:
    """An instance ready for its greedy passes: normalised sizes and bins, weights, order."""

    req: PackRequest
    sizes: NDArray[np.float64]
    norm: NDArray[np.float64]
    capn: NDArray[np.float64]
    weights: NDArray[np.float64]
    order: NDArray[np.int64]
    unplaced: list[tuple[int, Reason]]
    spreads: tuple[bool, ...]


def pack_vectors(
    *,
    sizes: NDArray[np.float64],
    bin_capacities: NDArray[np.float64],
    n_preopened: int = 0,
    improve: bool = True,
    improve_budget_s: float = 2.0,
    second_rule_max_items: int = 20_000,
) -> Packing:
    """Pack d-dimensional items into bins, opening bins in the order given.

    Args:
        sizes: shape (m, d), item demands (e.g. reference MHz, MiB, then any further dimension:
            allocated vCPUs against a ratio cap, CPU per time slot...), >= 0.
        bin_capacities: shape (b, d), d >= 1, usable capacity of each candidate bin, in preference order.
            For identical new hosts pass `np.tile(capacity, (m, 1))`.
        n_preopened: the first `n_preopened` bins are already open (e.g. hosts already bought);
            they are used first and never counted as emptied.
        improve: run the improvement phase (bin emptying, then the ejection search).
        improve_budget_s: work budget of the improvement phase, seconds at the fixed rate
            `optimizer.work.CELLS_PER_S` (no deadline: never depends on the machine's load).
        second_rule_max_items: up to this many items, also run norm-based best fit decreasing
            (bins opened on demand) and keep the better of the two passes.

    Returns:
        A `Packing`. Items larger than every bin, and items that fit in no bin's residual capacity
        when their turn comes (bins run out), are in `unplaced`; the items after them are still
        placed, so an unplaced item fits in no bin's residual capacity at the end.
    """
    req = PackRequest(sizes, bin_capacities, n_preopened, improve, improve_budget_s, second_rule_max_items)
    prep = _prepare(req)
    if isinstance(prep, Packing):
        return prep
    return _finish(prep, [_run_greedy(prep, spread) for spread in prep.spreads])


def pack_vectors_many(requests: Sequence[PackRequest]) -> list[Packing]:
    """`pack_vectors` on each request, the greedy passes of all of them run in lockstep, those in
    two dimensions together (`optimizer.greedy_batch`), those in few others together
    (`optimizer.greedy_nd_batch`): the same packings, with one Python loop over item ranks instead
    of one per pass (a plan packs each cluster separately)."""
    preps = [_prepare(req) for req in requests]
    runs = _lockstep_runs([p for p in preps if isinstance(p, _Prepared)])
    out: list[Packing] = []
    for prep in preps:
        if isinstance(prep, Packing):
            out.append(prep)
            continue
        got = runs.get(id(prep))
        out.append(_finish(prep, got if got is not None else [_run_greedy(prep, s) for s in prep.spreads]))
    return out


def _lockstep_runs(preps: list[_Prepared]) -> dict[int, list[GreedyRun]]:
    """The greedy passes of `preps` run in lockstep, by `id` of the instance: in two dimensions
    together, and in 1 or 3 to `EXPLICIT_MAX_DIMS` dimensions together, when more than one
    instance shares the path (one alone keeps the single-instance pass)."""
    two = [p for p in preps if p.capn.shape[1] == 2]
    few = [p for p in preps if p.capn.shape[1] != 2 and p.capn.shape[1] <= EXPLICIT_MAX_DIMS]
    out: dict[int, list[GreedyRun]] = {}
    if len(two) > 1:
        done = iter(greedy_batch([_task(p, spread) for p in two for spread in p.spreads]))
        out.update({id(p): [_as_run(next(done)) for _ in p.spreads] for p in two})
    if len(few) > 1:
        nd = iter(greedy_nd_batch([_nd_task(p, spread) for p in few for spread in p.spreads]))
        out.update({id(p): [next(nd) for _ in p.spreads] for p in few})
    return out


def _prepare(req: PackRequest) -> _Prepared | Packing:
    """Checked, normalised inputs, weights, placement order and the TOO_LARGE items; the final
    `Packing` already when there is no bin."""
    caps = np.asarray(req.bin_capacities, dtype=float)
    n_dims = caps.shape[1] if caps.ndim == 2 else 2
    sizes = np.asarray(req.sizes, dtype=float)
    sizes = sizes.reshape(-1, n_dims) if sizes.size and sizes.ndim < 2 else sizes
    sizes = sizes if sizes.size else np.zeros((0, n_dims))
    _check_inputs(sizes, caps, req.n_preopened)
    m, b = sizes.shape[0], caps.shape[0]
    if b == 0:
        unplaced = tuple((i, Reason(ReasonCode.NO_TARGET_HOST)) for i in range(m))
        empty = np.zeros(0, np.int64)
        return Packing(np.full(m, -1, dtype=np.int64), empty, np.zeros((0, n_dims)), unplaced, 0)
    ref = np.maximum(caps.max(axis=0), _TOL)
    norm = sizes / ref
    too_large, order = order_items(sizes=sizes, caps=caps, norm=norm)
    # Dot-product placement over pre-opened bins, and classic best fit when the instance is small enough.
    spreads = (True, False) if order.size <= req.second_rule_max_items else (True,)
    # Work in normalised units (capacity of the largest bin = 1 per dimension).
    return _Prepared(req, sizes, norm, caps / ref, dimension_weights(norm), order, too_large, spreads)


def _finish(prep: _Prepared, runs: list[GreedyRun]) -> Packing:
    """Keep the better greedy pass, report the items it skipped, improve it, assemble the `Packing`."""
    req, sizes, capn, order = prep.req, prep.sizes, prep.capn, prep.order
    unplaced = list(prep.unplaced)
    assignment, perm, res, n_open, _ = min(runs, key=lambda r: (-r[4], np.unique(r[0][r[0] >= 0]).size))
    # An item skipped by the greedy pass fitted no bin when its turn came; residuals only shrink
    # afterwards, so it fits nowhere at the end either.
    short = order[assignment[order] < 0]
    for i in short.tolist():
        unplaced.append((int(i), Reason(ReasonCode.NO_CAPACITY_LEFT)))
    emptied = 0
    # Emptying bins is pointless when capacity is short, and an emptied bin could then hold a
    # skipped item: only run it when every item that fits somewhere was placed.
    if req.improve and short.size == 0 and n_open - req.n_preopened > 1:
        emptied = improve_packing(
            sizes=prep.norm,
            assignment=assignment,
            res=res,
            weights=prep.weights,
            n_open=n_open,
            n_preopened=req.n_preopened,
            caps_pos=capn[perm],
            budget_s=req.improve_budget_s,
        )
    placed = assignment >= 0
    assignment[placed] = perm[assignment[placed]]
    load = np.zeros((capn.shape[0], capn.shape[1]))
    np.add.at(load, assignment[placed], sizes[placed])
    used = np.unique(np.concatenate([assignment[placed], perm[: req.n_preopened]])).astype(np.int64)
    return Packing(assignment, used, load, tuple(sorted(unplaced, key=lambda u: u[0])), emptied)


def _spread_open(prep: _Prepared, spread: bool) -> int:
    """Bins open at the start of a pass: the volume bound's worth for the dot-product pass."""
    if not spread:
        return prep.req.n_preopened
    return initial_open(capn=prep.capn, demand=prep.norm[prep.order].sum(axis=0), n_preopened=prep.req.n_preopened)


def _task(prep: _Prepared, spread: bool) -> GreedyTask:
    """The two-dimensional pass `_run_greedy` would run, for `greedy_batch`."""
    w = (float(prep.weights[0]), float(prep.weights[1]))
    return GreedyTask(prep.norm, prep.order, prep.capn, w, _spread_open(prep, spread), spread)


def _nd_task(prep: _Prepared, spread: bool) -> NdTask:
    """The pass `_run_greedy` would run through `greedy_nd`, for `greedy_nd_batch`."""
    return NdTask(prep.norm, prep.order, prep.capn, prep.weights, _spread_open(prep, spread), spread)


def _as_run(out: GreedyResult) -> GreedyRun:
    """A two-dimensional pass's result with its residuals as one (b, 2) array."""
    assignment, perm, res0, res1, n_open, n_placed = out
    return assignment, perm, np.column_stack([res0, res1]), n_open, n_placed


def _run_greedy(prep: _Prepared, spread: bool) -> GreedyRun:
    """One greedy pass: the two-dimensional pass below for d = 2, `greedy_nd` otherwise."""
    n_open = _spread_open(prep, spread)
    if prep.capn.shape[1] != 2:
        return greedy_nd(
            norm=prep.norm, order=prep.order, capn=prep.capn, weights=prep.weights, n_open=n_open, spread=spread
        )
    t = _task(prep, spread)
    return _as_run(_greedy(norm=t.norm, order=t.order, capn=t.capn, weights=t.weights, n_open=t.n_open, spread=spread))


def _greedy(
    *,
    norm: NDArray[np.float64],
    order: NDArray[np.int64],
    capn: NDArray[np.float64],
    weights: tuple[float, float],
    n_open: int,
    spread: bool,
) -> GreedyResult:
    """One greedy pass; returns (assignment to positions, perm, res0, res1, n_open, n_placed).

    An item that fits no open bin and no bin left to open is skipped (assignment -1) and the pass
    goes on with the next, smaller items.

    spread=True: open the volume bound's worth of bins first, place by maximal dot product.
    spread=False: open bins on demand, place by norm-based best fit (smallest weighted
    `||residual - size||^2`), which does better when items are large relative to bins.
    """
    b = capn.shape[0]
    w0, w1 = weights
    assignment = np.full(norm.shape[0], -1, dtype=np.int64)
    perm = np.arange(b, dtype=np.int64)  # position p (bins in opening order) -> bin index
    res0 = capn[:, 0].copy()
    res1 = capn[:, 1].copy()
    inf = np.inf
    n_placed = 0
    # While few bins are open, their residuals live in Python lists (l0, l1): a loop over ~25 floats
    # beats numpy's per-call overhead. Beyond _LIST_MAX_OPEN open bins, numpy over res0/res1.
    use_list = n_open <= _LIST_MAX_OPEN
    l0: list[float] = res0[:n_open].tolist() if use_list else []
    l1: list[float] = res1[:n_open].tolist() if use_list else []
    for i, (s0, s1) in zip(order.tolist(), norm[order].tolist(), strict=True):
        j = -1
        if use_list:
            j = _pick_in_lists(l0, l1, s0, s1, w0, w1, spread)
        elif n_open:
            r0, r1 = res0[:n_open], res1[:n_open]
            fit = (r0 >= s0 - _FIT_TOL) & (r1 >= s1 - _FIT_TOL)
            if spread:
                score = np.where(fit, -(w0 * s0 * r0 + w1 * s1 * r1), inf)
            else:
                a0, a1 = r0 - s0, r1 - s1
                score = np.where(fit, w0 * a0 * a0 + w1 * a1 * a1, inf)
            jj = int(score.argmin())
            if score[jj] < inf:
                j = jj
        if j < 0:
            later = np.flatnonzero((res0[n_open:] >= s0 - _FIT_TOL) & (res1[n_open:] >= s1 - _FIT_TOL))
            if later.size == 0:
                continue  # fits nowhere now, nor later: residuals only shrink
            qq = n_open + int(later[0])
            if qq != n_open:  # move bin qq to position n_open, keeping the others' order
                for arr in (perm, res0, res1):
                    moved = arr[qq]
                    arr[n_open + 1 : qq + 1] = arr[n_open:qq].copy()
                    arr[n_open] = moved
            j = n_open
            n_open += 1
            if use_list and n_open > _LIST_MAX_OPEN:  # switch to numpy for good
                res0[:j], res1[:j] = l0, l1
                use_list = False
            elif use_list:
                l0.append(float(res0[j]))
                l1.append(float(res1[j]))
        assignment[i] = j
        if use_list:
            l0[j] -= s0
            l1[j] -= s1
        else:
            res0[j] -= s0
            res1[j] -= s1
        n_placed += 1
    if use_list:
        res0[:n_open], res1[:n_open] = l0, l1
    return assignment, perm, res0, res1, n_open, n_placed


def _pick_in_lists(l0: list[float], l1: list[float], s0: float, s1: float, w0: float, w1: float, spread: bool) -> int:
    """The numpy choice of `_greedy` on Python lists: same float operations in the same order, and
    the first bin among equal scores (as `argmin`), so placements are identical. -1 if none fits."""
    t0, t1 = s0 - _FIT_TOL, s1 - _FIT_TOL
    best, j = np.inf, -1
    if spread:
        a, b = w0 * s0, w1 * s1  # numpy evaluates w0 * s0 * r0 as (w0 * s0) * r0
        for q, (r0, r1) in enumerate(zip(l0, l1, strict=True)):
            if r0 >= t0 and r1 >= t1:
                score = -(a * r0 + b * r1)
                if score < best:
                    best, j = score, q
    else:
        for q, (r0, r1) in enumerate(zip(l0, l1, strict=True)):
            if r0 >= t0 and r1 >= t1:
                a0, a1 = r0 - s0, r1 - s1
                score = w0 * a0 * a0 + w1 * a1 * a1
                if score < best:
                    best, j = score, q
    return j
