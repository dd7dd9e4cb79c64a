"""The lower bound never exceeds a feasible packing: exact on complements, equal items and halves."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import lower_bound_heterogeneous, lower_bound_identical, pack_vectors, pack_vectors_exact

C = 100_000


def _complement_pairs(rng: np.random.Generator, n: int, capacity: int = C) -> np.ndarray:
    """n pairs (a, b) and (C - a, C - b): every pair fills one bin exactly in both dimensions."""
    a = rng.integers(capacity // 2 + 1, int(0.9 * capacity), size=n)
    b = rng.integers(int(0.1 * capacity) + 1, capacity // 2, size=n)
    return np.concatenate([np.stack([a, b], 1), np.stack([capacity - a, capacity - b], 1)]).astype(float)


def test_exact_complements_need_exactly_one_bin_per_pair() -> None:
    # The case that made the float L2 say 101 while 100 bins hold the items.
    sizes = _complement_pairs(np.random.default_rng(7), 100)
    capacity = np.array([C, C], dtype=float)
    bound = lower_bound_identical(sizes=sizes, capacity=capacity)
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(capacity, (len(sizes), 1)))
    assert not packing.unplaced
    assert bound.value <= packing.n_bins
    assert bound.value == 100  # the volume alone proves 100: 100 pairs of exactly one bin each


def test_items_of_exactly_half_a_bin() -> None:
    # Two halves fill a bin: 7 halves need 4 bins, not more, not fewer.
    sizes = np.array([[50.0, 10.0]] * 7)
    bound = lower_bound_identical(sizes=sizes, capacity=np.array([100.0, 100.0]))
    assert bound.value == 4
    # A hair over half: no two together, 7 bins.
    over = lower_bound_identical(sizes=np.array([[50.001, 10.0]] * 7), capacity=np.array([100.0, 100.0]))
    assert over.value == 7


_sizes = st.lists(
    st.one_of(
        st.tuples(st.integers(0, C), st.integers(0, C)),
        st.sampled_from([(C // 2, C // 2), (C, 0), (0, C), (C // 3, C // 3), (C // 2 + 1, 1)]),
    ),
    min_size=1,
    max_size=60,
)


def _with_complements(items: list[tuple[int, int]]) -> np.ndarray:
    pairs = [(C - a, C - b) for a, b in items[: len(items) // 2]]
    return np.array(items + pairs, dtype=float)


@settings(max_examples=400, deadline=None)
@given(_sizes)
def test_bound_never_exceeds_a_feasible_packing(items: list[tuple[int, int]]) -> None:
    sizes = _with_complements(items)
    capacity = np.array([C, C], dtype=float)
    bound = lower_bound_identical(sizes=sizes, capacity=capacity)
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(capacity, (len(sizes), 1)), improve_budget_s=0.05)
    assert not packing.unplaced
    assert bound.value <= packing.n_bins
    # The same holds with capacities of several kinds (one of them this one).
    caps = np.array([capacity, capacity / 2, capacity * 2])
    mixed = lower_bound_heterogeneous(sizes=sizes, capacities=np.repeat(caps, len(sizes), axis=0))
    assert mixed.value <= packing.n_bins


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 100), st.integers(1, 100)), min_size=1, max_size=9))
def test_bound_never_exceeds_the_proven_optimum(items: list[tuple[int, int]]) -> None:
    sizes = _with_complements(items) if len(items) > 1 else np.array(items, dtype=float)
    capacity = np.array([100.0, 100.0])
    bound = lower_bound_identical(sizes=sizes, capacity=capacity)
    exact = pack_vectors_exact(sizes=sizes, bin_capacities=np.tile(capacity, (len(sizes), 1)), time_limit_s=5.0)
    if exact.status == "OPTIMAL":
        assert bound.value <= exact.n_bins
