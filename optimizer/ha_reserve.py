"""HA reserve of a group of heterogeneous hosts: N+k that covers the loss of its k largest hosts.

vSphere HA restarts the VMs of a failed host on the survivors, so the reserve must hold what the
hosts that may fail carry. With identical new hosts, k spare hosts always do (each holds any host's
load). With existing hosts of different sizes, k spare hosts of the smallest model may not hold the
load of the k largest: the reserve here is chosen so that, in every packing dimension (CPU, memory,
vCPU slots...), its usable capacity covers the sum of the k largest host loads of that dimension.

The matching lower bound: any packing plus such a reserve has usable capacity at least the total
demand plus the k largest items of each dimension (the k most loaded hosts carry at least the k
largest items between them), so the fewest largest hosts whose capacities reach that sum is a
valid bound, like `optimizer.bounds.lower_bound_heterogeneous` (same integer rounding).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["choose_reserve", "reserve_lower_bound", "reserve_need"]

_SCALE = 1000  # thousandths of a unit, as optimizer.bounds


def reserve_need(loads: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Shape (d,): per dimension, the sum of the k largest of `loads` (shape (u, d), one row per loaded host)."""
    loads = np.asarray(loads, dtype=float)
    if k <= 0 or loads.shape[0] == 0:
        return np.zeros(loads.shape[1] if loads.ndim == 2 else 0)
    top = -np.sort(-loads, axis=0)[:k]
    return np.asarray(top.sum(axis=0), dtype=float)


def choose_reserve(
    need: NDArray[np.float64], spare_caps: NDArray[np.float64], k: int
) -> tuple[NDArray[np.int64], bool]:
    """Spare hosts to keep as reserve, and whether they cover `need` in every dimension.

    Takes the spares in the order given (largest first), at least k of them, and more while their
    usable capacities (`spare_caps`, shape (s, d)) do not cover `need`. When even every spare does
    not cover it, returns the first min(k, s) and False.
    """
    caps = np.asarray(spare_caps, dtype=float)
    s = caps.shape[0]
    if k <= 0:
        return np.zeros(0, dtype=np.int64), True
    total = np.cumsum(caps, axis=0) if s else np.zeros((0, need.size))
    covered = np.asarray((total >= np.asarray(need) - 1e-9).all(axis=1), dtype=bool)
    covered[: max(k - 1, 0)] = False  # never fewer than k reserve hosts
    hits = np.flatnonzero(covered)
    if hits.size:
        return np.arange(int(hits[0]) + 1, dtype=np.int64), True
    return np.arange(min(k, s), dtype=np.int64), False


def reserve_lower_bound(*, sizes: NDArray[np.float64], capacities: NDArray[np.float64], k: int) -> int:
    """Fewest hosts (loaded plus reserve) among `capacities` (shape (b, d)) whose usable capacity
    reaches the total of `sizes` (shape (m, d), items fitting no host ignored) plus its k largest
    items, in the most demanding dimension; 0 without items."""
    caps = np.asarray(capacities, dtype=float).reshape(-1, np.asarray(capacities).shape[-1])
    items = np.asarray(sizes, dtype=float).reshape(-1, caps.shape[1])
    fits = np.zeros(items.shape[0], dtype=bool)
    for cap in np.unique(caps, axis=0):
        fits |= (items <= cap).all(axis=1)
    items = items[fits]
    if items.shape[0] == 0 or caps.shape[0] == 0:
        return 0
    units = np.floor(items * _SCALE).astype(np.int64)
    cap_units = np.ceil(caps * _SCALE).astype(np.int64)
    best = 0
    for d in range(caps.shape[1]):
        col = np.sort(units[:, d])[::-1]
        need = int(col.sum() + col[:k].sum())
        cum = np.cumsum(np.sort(cap_units[:, d])[::-1])
        best = max(best, min(int(np.searchsorted(cum, need, side="left")) + 1, cum.size))
    return best
