"""Lower bounds on the number of hosts for d-dimensional vector bin packing (CPU, memory, ...).

Any packing of the d-dimensional items is also a packing of each 1-D projection, so a 1-D bound per
dimension is a valid bound. We compute, per dimension, the volume bound `ceil(sum / capacity)` and the
Martello-Toth L2 bound (which also counts items larger than half a bin), and keep the best.
For bins of different capacities we use a volume bound over the largest bins.

The bounds are computed in exact integer arithmetic, never in floating point: sizes are rounded
*down* and capacities *up* to thousandths of their unit (MHz, MiB). A bound of the rounded instance
is a bound of the original (smaller items in larger bins never need more bins), so rounding can only
lower a bound, never lift it above a feasible packing; float comparisons around `1 - alpha`
could (two items that fill a bin exactly looked one unit too large).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["LowerBound", "lower_bound_heterogeneous", "lower_bound_identical"]

_DIMS = ("cpu", "memory")  # names of the first two dimensions; the others are "dim<k>"
_SCALE = 1000  # thousandths of a MHz or MiB: 1e5 items of 1e7 units stay far below 2**63


@dataclass(frozen=True)
class LowerBound:
    """A proven lower bound on the number of bins.

    Attributes:
        value: the bound (number of bins, >= 0).
        kind: which bound reached it, e.g. "volume(memory)" or "martello-toth-L2(cpu)".
        volume: the plain volume bound, for comparison.
    """

    value: int
    kind: str
    volume: int


def _units_down(sizes: NDArray[np.float64]) -> NDArray[np.int64]:
    """Sizes in integer thousandths, rounded down (a smaller item: the bound can only drop)."""
    return np.floor(sizes * _SCALE).astype(np.int64)


def _units_up(capacity: NDArray[np.float64]) -> NDArray[np.int64]:
    """Capacities in integer thousandths, rounded up (a larger bin: the bound can only drop)."""
    return np.ceil(capacity * _SCALE).astype(np.int64)


def _dim_name(d: int) -> str:
    return _DIMS[d] if d < len(_DIMS) else f"dim{d}"


def _as_matrix(sizes: NDArray[np.float64], d: int) -> NDArray[np.float64]:
    """Sizes as an (m, d) float matrix; an empty input is (0, d)."""
    arr = np.asarray(sizes, dtype=float)
    return arr.reshape(-1, d) if arr.size else np.zeros((0, d))


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _l2_one_dim(sizes: NDArray[np.int64], capacity: int) -> int:
    """Martello-Toth L2 bound for 1-D bin packing, exact on integers; sizes must all be <= capacity.

    For 0 <= a <= C/2: J1 = {s > C - a}, J2 = {C/2 < s <= C - a}, J3 = {a <= s <= C/2};
    L2(a) = |J1| + |J2| + max(0, ceil((sum J3 - (|J2| C - sum J2)) / C)), and L2 = max over a.
    """
    if sizes.size == 0:
        return 0
    s = np.sort(sizes)
    cums = np.concatenate([[0], np.cumsum(s)])
    m = s.size
    half = capacity // 2  # s <= C/2 <=> s <= floor(C/2) for integers
    alphas = np.unique(np.concatenate([[0], s[s <= half]]))
    i_half_r = np.searchsorted(s, half, side="right")
    i_top_r = np.searchsorted(s, capacity - alphas, side="right")
    i_alpha_l = np.searchsorted(s, alphas, side="left")
    n_j1 = m - i_top_r
    n_j2 = i_top_r - i_half_r
    sum_j2 = cums[i_top_r] - cums[i_half_r]
    sum_j3 = cums[i_half_r] - cums[i_alpha_l]
    extra = sum_j3 - (n_j2 * capacity - sum_j2)
    extra_bins = np.where(extra > 0, -(-extra // capacity), 0)
    return int((n_j1 + n_j2 + extra_bins).max())


#: Past this many dimensions (usage profiles: one per time slot), L2 is computed on the dimensions
#: of highest volume and those with the largest items only: any subset of dimensions gives a valid
#: bound, and these are where L2 can pass the volume bound (288 slots: 2 s of L2 saved per plan).
L2_ALL_DIMS_MAX = 12
_L2_TOP_VOLUME, _L2_TOP_ITEM = 8, 4


def _l2_dims(units: NDArray[np.int64], cap: NDArray[np.int64], volumes: list[int]) -> NDArray[np.int64]:
    """The dimensions L2 is computed on: all of them up to `L2_ALL_DIMS_MAX`, else the chosen few."""
    n_dims = cap.size
    if n_dims <= L2_ALL_DIMS_MAX:
        return np.arange(n_dims)
    by_volume = np.argsort(-np.asarray(volumes, dtype=float), kind="stable")[:_L2_TOP_VOLUME]
    by_item = np.argsort(-(units.max(axis=0) / cap), kind="stable")[:_L2_TOP_ITEM]
    return np.unique(np.concatenate([by_volume, by_item]))


def lower_bound_identical(*, sizes: NDArray[np.float64], capacity: NDArray[np.float64]) -> LowerBound:
    """Lower bound on bins of identical `capacity` for items `sizes`.

    Args:
        sizes: shape (m, d), item demands; items larger than `capacity` are ignored (they cannot be
            placed and are reported elsewhere).
        capacity: shape (d,), capacity of one bin, > 0; d >= 1 (2 for CPU and memory).
    """
    capacity = np.asarray(capacity, dtype=float).reshape(-1)
    n_dims = capacity.size
    if n_dims == 0:
        raise ValueError("capacity must have at least one dimension")
    sizes = _as_matrix(sizes, n_dims)
    if (capacity <= 0).any():
        raise ValueError(f"capacity must be > 0 in every dimension, got {capacity}")
    fits = (sizes <= capacity).all(axis=1)
    sizes = sizes[fits]
    if sizes.shape[0] == 0:
        return LowerBound(value=0, kind="empty", volume=0)
    units, cap = _units_down(sizes), _units_up(capacity)
    volumes = [_ceil_div(int(units[:, d].sum()), int(cap[d])) for d in range(n_dims)]
    dims = _l2_dims(units, cap, volumes)
    l2s = [_l2_one_dim(units[:, d], int(cap[d])) for d in dims.tolist()]
    volume = max(volumes)
    best_l2 = max(l2s)
    if best_l2 > volume:
        d = int(dims[int(np.argmax(l2s))])
        return LowerBound(value=best_l2, kind=f"martello-toth-L2({_dim_name(d)})", volume=volume)
    d = int(np.argmax(volumes))
    return LowerBound(value=max(volume, 1), kind=f"volume({_dim_name(d)})", volume=volume)


def lower_bound_heterogeneous(*, sizes: NDArray[np.float64], capacities: NDArray[np.float64]) -> LowerBound:
    """Lower bound on the number of bins chosen among bins of different capacities.

    For each dimension, the fewest bins whose largest capacities sum to the total demand (a volume
    bound; no item-size argument is used across different capacities).

    Args:
        sizes: shape (m, d); items that fit in no bin are ignored.
        capacities: shape (b, d), capacity of each available bin.
    """
    capacities = np.asarray(capacities, dtype=float)
    n_dims = capacities.shape[-1] if capacities.ndim == 2 else 2
    capacities = capacities.reshape(-1, n_dims)
    sizes = _as_matrix(sizes, n_dims)
    if capacities.shape[0] == 0:
        raise ValueError("capacities must hold at least one bin")
    distinct = np.unique(capacities, axis=0)
    fits = np.zeros(sizes.shape[0], dtype=bool)
    for cap in distinct:
        fits |= (sizes <= cap).all(axis=1)
    sizes = sizes[fits]
    if sizes.shape[0] == 0:
        return LowerBound(value=0, kind="empty", volume=0)
    units, cap_units = _units_down(sizes), _units_up(capacities)
    best, best_d = 1, 0
    for d in range(n_dims):
        cum = np.cumsum(np.sort(cap_units[:, d])[::-1])
        need = int(units[:, d].sum())
        k = min(int(np.searchsorted(cum, need, side="left")) + 1, cum.size)
        if k > best:
            best, best_d = k, d
    return LowerBound(value=best, kind=f"volume-largest-bins({_dim_name(best_d)})", volume=best)
