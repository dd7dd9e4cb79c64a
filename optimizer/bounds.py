"""Lower bounds on the number of hosts for 2-D vector bin packing (CPU, memory).

Any packing of the 2-D items is also a packing of each 1-D projection, so a 1-D bound per dimension
is a valid 2-D bound. We compute, per dimension, the volume bound `ceil(sum / capacity)` and the
Martello-Toth L2 bound (which also counts items larger than half a bin), and keep the best.
For bins of different capacities we use a volume bound over the largest bins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["LowerBound", "lower_bound_heterogeneous", "lower_bound_identical"]

_DIMS = ("cpu", "memory")
_EPS = 1e-9


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


def _ceil(x: float) -> int:
    return int(np.ceil(x - _EPS * max(1.0, abs(x))))


def _l2_one_dim(sizes: NDArray[np.float64], capacity: float) -> int:
    """Martello-Toth L2 bound for 1-D bin packing; sizes must all be <= capacity."""
    if sizes.size == 0:
        return 0
    s = np.sort(sizes / capacity)  # normalise: capacity 1
    cums = np.concatenate([[0.0], np.cumsum(s)])
    m = s.size
    half = 0.5
    alphas = np.unique(np.concatenate([[0.0], s[s <= half]]))
    # J1 = {s > 1 - a}, J2 = {1/2 < s <= 1 - a}, J3 = {a <= s <= 1/2}
    i_half_r = np.searchsorted(s, half, side="right")
    i_top_r = np.searchsorted(s, 1.0 - alphas, side="right")
    i_alpha_l = np.searchsorted(s, alphas, side="left")
    n_j1 = m - i_top_r
    n_j2 = i_top_r - i_half_r
    sum_j2 = cums[i_top_r] - cums[i_half_r]
    sum_j3 = cums[i_half_r] - cums[i_alpha_l]
    extra = sum_j3 - (n_j2 - sum_j2)
    extra_bins = np.ceil(np.maximum(extra, 0.0) - _EPS * np.maximum(1.0, np.abs(extra)))
    values = n_j1 + n_j2 + np.maximum(extra_bins, 0)
    return int(values.max())


def lower_bound_identical(*, sizes: NDArray[np.float64], capacity: NDArray[np.float64]) -> LowerBound:
    """Lower bound on bins of identical `capacity` for items `sizes`.

    Args:
        sizes: shape (m, 2), item demands; items larger than `capacity` are ignored (they cannot be
            placed and are reported elsewhere).
        capacity: shape (2,), capacity of one bin, > 0.
    """
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2)
    capacity = np.asarray(capacity, dtype=float).reshape(2)
    if (capacity <= 0).any():
        raise ValueError(f"capacity must be > 0 in every dimension, got {capacity}")
    fits = (sizes <= capacity).all(axis=1)
    sizes = sizes[fits]
    if sizes.shape[0] == 0:
        return LowerBound(value=0, kind="empty", volume=0)
    volumes = [_ceil(float(sizes[:, d].sum() / capacity[d])) for d in range(2)]
    l2s = [_l2_one_dim(sizes[:, d], float(capacity[d])) for d in range(2)]
    volume = max(volumes)
    best_l2 = max(l2s)
    if best_l2 > volume:
        d = int(np.argmax(l2s))
        return LowerBound(value=best_l2, kind=f"martello-toth-L2({_DIMS[d]})", volume=volume)
    d = int(np.argmax(volumes))
    return LowerBound(value=max(volume, 1), kind=f"volume({_DIMS[d]})", volume=volume)


def lower_bound_heterogeneous(*, sizes: NDArray[np.float64], capacities: NDArray[np.float64]) -> LowerBound:
    """Lower bound on the number of bins chosen among bins of different capacities.

    For each dimension, the fewest bins whose largest capacities sum to the total demand (a volume
    bound; no item-size argument is used across different capacities).

    Args:
        sizes: shape (m, 2); items that fit in no bin are ignored.
        capacities: shape (b, 2), capacity of each available bin.
    """
    sizes = np.asarray(sizes, dtype=float).reshape(-1, 2)
    capacities = np.asarray(capacities, dtype=float).reshape(-1, 2)
    if capacities.shape[0] == 0:
        raise ValueError("capacities must hold at least one bin")
    distinct = np.unique(capacities, axis=0)
    fits = np.zeros(sizes.shape[0], dtype=bool)
    for cap in distinct:
        fits |= (sizes <= cap).all(axis=1)
    sizes = sizes[fits]
    if sizes.shape[0] == 0:
        return LowerBound(value=0, kind="empty", volume=0)
    best, best_d = 1, 0
    for d in range(2):
        caps = np.sort(capacities[:, d])[::-1]
        cum = np.cumsum(caps)
        need = float(sizes[:, d].sum())
        k = int(np.searchsorted(cum, need * (1 - _EPS), side="left")) + 1
        k = min(k, caps.size)
        if k > best:
            best, best_d = k, d
    return LowerBound(value=best, kind=f"volume-largest-bins({_DIMS[best_d]})", volume=best)
