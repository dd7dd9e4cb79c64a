"""The lockstep few-dimension passes (`optimizer.greedy_nd_batch`) place exactly as `greedy_nd` alone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.greedy_nd import greedy_nd
from optimizer.greedy_nd_batch import NdTask, greedy_nd_batch
from optimizer.packing import PackRequest, _nd_task, _prepare, _Prepared

_NAMES = ("assignment", "perm", "res", "n_open", "n_placed")


def _assert_same(tasks: list[NdTask]) -> None:
    got = greedy_nd_batch(tasks)
    assert len(got) == len(tasks)
    for task, batched in zip(tasks, got, strict=True):
        t = task
        ref = greedy_nd(norm=t.norm, order=t.order, capn=t.capn, weights=t.weights, n_open=t.n_open, spread=t.spread)
        for name, a, b in zip(_NAMES, ref, batched, strict=True):
            assert np.array_equal(np.asarray(a), np.asarray(b)), name


def _tasks(sizes: np.ndarray, caps: np.ndarray, n_preopened: int = 0) -> list[NdTask]:
    """Both passes `pack_vectors` runs on this instance (normalised, ordered, volume-bound opening)."""
    prep = _prepare(PackRequest(sizes, caps, n_preopened))
    assert isinstance(prep, _Prepared)
    return [_nd_task(prep, spread) for spread in prep.spreads]


def _task_of(items: list[list[float]], bins: list[list[float]], n_open: int, spread: bool) -> NdTask:
    """A pass on raw normalised sizes, items in the order given, equal weights."""
    d = len(bins[0])
    norm = np.array(items, dtype=float).reshape(-1, d)
    order = np.arange(len(items), dtype=np.int64)
    return NdTask(norm, order, np.array(bins, dtype=float), np.full(d, 1.0 / d), n_open, spread)


instance = st.tuples(
    st.lists(st.lists(st.integers(0, 120), min_size=5, max_size=5), max_size=40),
    st.lists(st.lists(st.integers(0, 150), min_size=5, max_size=5), min_size=1, max_size=12),
    st.integers(0, 12),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([1, 3, 4, 5]), st.lists(instance, min_size=1, max_size=8))
def test_lockstep_passes_equal_greedy_nd(d: int, instances: list[tuple[list, list, int, bool]]) -> None:
    # Integer sizes (many ties), identical or heterogeneous bins, pre-opened bins, items of size 0,
    # items that fit nowhere, empty and one-item instances: every pass comes out as `greedy_nd` gives it.
    tasks = []
    for items, bins, n_pre, identical in instances:
        sizes = np.array(items, dtype=float).reshape(-1, 5)[:, :d]
        caps = np.tile(np.full(d, 100.0), (max(len(items), 1), 1)) if identical else np.array(bins, dtype=float)[:, :d]
        tasks += _tasks(sizes, caps, min(n_pre, caps.shape[0]))
    _assert_same(tasks)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 300), st.sampled_from([1, 3, 4, 8]), st.integers(0, 6), st.integers(0, 2**31 - 1)),
        min_size=2,
        max_size=6,
    )
)
def test_lockstep_passes_equal_on_float_sizes_mixed_dimensions(specs: list[tuple[int, int, int, int]]) -> None:
    # Continuous sizes, up to ~100 open bins, passes of several dimensions in one call.
    tasks = []
    for m, d, n_pre, seed in specs:
        rng = np.random.default_rng(seed)
        sizes = rng.uniform(0.0, 3.0, size=(m, d)) * rng.uniform(0.2, 1.0, size=d)
        caps = np.tile(np.full(d, 8.0), (m, 1)) if seed % 2 else rng.uniform(2.0, 10.0, size=(m, d))
        tasks += _tasks(sizes, caps, min(n_pre, m))
    _assert_same(tasks)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.6, 1.0]), min_size=3, max_size=3), max_size=12),
            st.lists(st.lists(st.sampled_from([0.5, 0.75, 1.0]), min_size=3, max_size=3), min_size=1, max_size=6),
            st.integers(0, 6),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_lockstep_passes_equal_on_any_order_and_opening(cases: list[tuple[list, list, int, bool]]) -> None:
    # Items in the order given (not decreasing), any number of bins open, either rule: exact ties
    # between bins are frequent, and items that fit no bin left.
    tasks = [_task_of(items, bins, min(n_open, len(bins)), spread) for items, bins, n_open, spread in cases]
    _assert_same(tasks)


def test_ties_go_to_the_first_bin_in_opening_order() -> None:
    # Two equal items into three equal open bins: both rules choose bin 0 for the first (every
    # score ties), then the dot product picks the fuller-residual bin 1, best fit stays on bin 0.
    items = [[0.2, 0.2, 0.2]] * 2
    tasks = [_task_of(items, [[1.0, 1.0, 1.0]] * 3, 3, spread) for spread in (True, False)]
    _assert_same(tasks)
    spread, fit = greedy_nd_batch(tasks)
    assert spread[0].tolist() == [0, 1] and fit[0].tolist() == [0, 0]


def test_an_item_that_fits_nowhere_is_skipped_and_a_later_bin_moved_forward() -> None:
    # (0.6, 0.6, 0.6) fits no bin; (0.8, 0.1, 0.1) fits only bin 2, which opens at position 0, the
    # others keeping their order behind it; (0.1, 0.1, 0.1) then joins it.
    bins = [[0.5, 0.5, 0.5], [0.7, 1.0, 0.55], [1.0, 0.3, 0.3], [0.5, 0.5, 0.5]]
    items = [[0.6, 0.6, 0.6], [0.8, 0.1, 0.1], [0.1, 0.1, 0.1]]
    tasks = [_task_of(items, bins, 0, spread) for spread in (False, True)]
    _assert_same(tasks)
    assignment, perm, res, n_open, n_placed = greedy_nd_batch(tasks)[0]
    assert assignment.tolist() == [-1, 0, 0] and perm.tolist() == [2, 0, 1, 3] and (n_open, n_placed) == (1, 2)
    assert np.allclose(res[0], [0.1, 0.1, 0.1])


def test_empty_and_one_item_passes_beside_longer_ones() -> None:
    one = [[1.0, 1.0, 1.0]]
    tasks = [
        _task_of([], one, 1, True),
        _task_of([], one * 2, 0, False),
        _task_of([[0.3, 0.7, 0.1]], one * 2, 0, False),
        _task_of([[0.3, 0.7, 0.1]], one * 2, 2, True),
        _task_of([[0.5, 0.5, 0.5]] * 5, one * 5, 2, True),
        _task_of([[0.5, 0.5, 0.5]] * 5, one * 5, 0, False),
    ]
    no_bin = NdTask(np.full((2, 3), 0.1), np.arange(2, dtype=np.int64), np.zeros((0, 3)), np.full(3, 1 / 3), 0, False)
    tasks.append(no_bin)
    _assert_same(tasks)
    got = greedy_nd_batch(tasks)
    assert got[0][0].size == 0 and got[1][3] == 0 and got[6][0].tolist() == [-1, -1]
    assert got[2][0].tolist() == [0] and got[5][3] == 3  # five halves need three bins


def test_scores_are_summed_dimension_after_dimension() -> None:
    # Two open bins one ulp apart in the first and last dimensions: summed left to right, the
    # second bin's dot product is larger by one ulp; summed right to left they tie (first bin).
    # `greedy_nd` and the lockstep pass both sum left to right and choose the second bin.
    weights = np.array([0.52, 0.16, 0.47])
    s = [0.09391237128273416, 0.19624588800629122, 0.11594993923106922]
    r1 = [0.9206139963461935, 0.6950372759699308, 0.9873464064411446]
    r2 = [0.9206139963461936, 0.6950372759699308, 0.9873464064411445]
    ws = weights * np.array(s)
    assert r1[0] * ws[0] + (r1[1] * ws[1] + r1[2] * ws[2]) == r2[0] * ws[0] + (r2[1] * ws[1] + r2[2] * ws[2])
    task = NdTask(np.array([s]), np.zeros(1, dtype=np.int64), np.array([r1, r2]), weights, 2, True)
    _assert_same([task, task])
    assert greedy_nd_batch([task])[0][0].tolist() == [1]


@pytest.mark.parametrize("max_cells", [1, 20, 300])
def test_passes_split_into_chunks_give_the_same_results(max_cells: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A long pass beside short ones, of two dimensions, runs in several lockstep batches (here
    # forced small): each still comes out as alone, in the order of the tasks.
    import optimizer.greedy_nd_batch as batch_module

    rng = np.random.default_rng(11)
    tasks = []
    for m, d in ((0, 3), (1, 4), (3, 3), (40, 4), (5, 3), (17, 4), (2, 3)):
        sizes = rng.uniform(0.0, 30.0, size=(m, d))
        caps = np.tile(np.full(d, 100.0), (max(m, 1), 1)) if m % 2 else rng.uniform(20.0, 120.0, size=(m + 2, d))
        tasks += _tasks(sizes, caps, min(1, m))
    monkeypatch.setattr(batch_module, "_MAX_CELLS", max_cells)
    _assert_same(tasks)


def test_no_task_gives_no_result_and_many_dimensions_are_refused() -> None:
    assert greedy_nd_batch([]) == []
    with pytest.raises(ValueError, match="1 to 8 dimensions"):
        greedy_nd_batch([_task_of([[0.1] * 9], [[1.0] * 9], 1, True)])
