"""Independent greedy passes run in lockstep, a chunk at a time (`greedy_batch`, `greedy_nd_batch`).

A chunk's arrays of sizes by step are dense (passes x longest pass x width): one long pass beside many
short ones would blow them up, so passes sorted by width then decreasing length are cut into chunks
of one width and at most `max_cells` cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

__all__ = ["chunks", "run_chunks"]

R = TypeVar("R")


def chunks(
    order: Sequence[int], *, length: Callable[[int], int], width: Callable[[int], int], max_cells: int
) -> Iterator[list[int]]:
    """Consecutive chunks of `order` (passes sorted by width, then by decreasing length): passes of one
    width, at most `max_cells` (longest length x width x passes) cells each, at least one pass."""
    start = 0
    while start < len(order):
        w = width(order[start])
        longest = max(length(order[start]), 1)
        same = [i for i in order[start:] if width(i) == w]
        chunk = same[: max(1, max_cells // (longest * w))]
        yield chunk
        start += len(chunk)


def run_chunks(n: int, parts: Iterator[list[int]], run: Callable[[list[int]], list[R]]) -> list[R]:
    """Result i of `n` passes: `run(chunk)` gives the results of the passes `chunk`, in its order."""
    out: list[R | None] = [None] * n
    for chunk in parts:
        for i, result in zip(chunk, run(chunk), strict=True):
            out[i] = result
    return [o for o in out if o is not None]
