"""Where a greedy pass of `pack_vectors` starts: item order, dimension weights, bins opened up front.

Computed once per instance by `optimizer/packing.py` and handed to every pass of it, single-instance
(`_greedy`, `optimizer/greedy_nd.py`) or in lockstep (`optimizer/greedy_batch.py`,
`optimizer/greedy_nd_batch.py`), so all start alike.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.fit import TOL as _TOL
from optimizer.reasons import Reason, ReasonCode

__all__ = ["dimension_weights", "initial_open", "order_items"]


def dimension_weights(norm: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each dimension's share of the normalised demand, floored at 0.1 / d (never ignored
    entirely); in two dimensions 0.1 + 0.9 x share, as always."""
    n_dims = norm.shape[1]
    share = norm.sum(axis=0)
    weights = share / share.sum() if share.sum() > 0 else np.full(n_dims, 1.0 / n_dims)
    return np.asarray(0.2 / n_dims + 0.9 * weights, dtype=float)


def order_items(
    *, sizes: NDArray[np.float64], caps: NDArray[np.float64], norm: NDArray[np.float64]
) -> tuple[list[tuple[int, Reason]], NDArray[np.int64]]:
    """Items larger than every bin (TOO_LARGE), and the others in placement order: decreasing
    largest normalised size, then their sum, then raw CPU and memory (the first two dimensions).

    A TOO_LARGE reason names the first two dimensions (CPU and memory; memory 0 in one dimension).
    """
    fits_any = np.zeros(sizes.shape[0], dtype=bool)
    distinct = caps[:1] if (caps == caps[:1]).all() else np.unique(caps, axis=0)
    for cap in distinct:
        fits_any |= (sizes <= cap).all(axis=1)
    ref = np.maximum(caps.max(axis=0), _TOL)
    two = np.zeros((sizes.shape[0], 2))
    two[:, : min(2, sizes.shape[1])] = sizes[:, :2]
    ref2 = np.zeros(2)
    ref2[: min(2, ref.size)] = ref[:2]
    too_large = []
    for i in np.flatnonzero(~fits_any).tolist():
        params = {
            "cpu_ref_mhz": float(two[i, 0]),
            "memory_mib": float(two[i, 1]),
            "max_cpu_ref_mhz": float(ref2[0]),
            "max_memory_mib": float(ref2[1]),
        }
        too_large.append((int(i), Reason(ReasonCode.TOO_LARGE, params)))
    cand = np.flatnonzero(fits_any)
    key = norm[cand].max(axis=1)
    raw = [sizes[cand, k] for k in reversed(range(min(2, sizes.shape[1])))]
    order = cand[np.lexsort((*raw, -norm[cand].sum(axis=1), -key))]
    return too_large, np.asarray(order, dtype=np.int64)


def initial_open(*, capn: NDArray[np.float64], demand: NDArray[np.float64], n_preopened: int) -> int:
    """Smallest bin prefix whose cumulative capacity covers the total demand (>= n_preopened)."""
    cum = np.cumsum(capn, axis=0)
    k = 0
    for d in range(capn.shape[1]):
        k = max(k, int(np.searchsorted(cum[:, d], demand[d] * (1 - 1e-9), side="left")) + 1)
    return max(n_preopened, min(k, int(capn.shape[0])))
