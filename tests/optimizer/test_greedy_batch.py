"""The lockstep greedy passes (`optimizer.greedy_batch`) place exactly as the per-pass `_greedy`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.greedy_batch import GreedyTask, greedy_batch
from optimizer.packing import PackRequest, _greedy, _prepare, _Prepared, _task


def _reference(task: GreedyTask) -> tuple[object, ...]:
    return _greedy(
        norm=task.norm, order=task.order, capn=task.capn, weights=task.weights, n_open=task.n_open, spread=task.spread
    )


def _assert_same(tasks: list[GreedyTask]) -> None:
    got = greedy_batch(tasks)
    assert len(got) == len(tasks)
    for task, batched in zip(tasks, got, strict=True):
        ref = _reference(task)
        names = ("assignment", "perm", "res0", "res1", "n_open", "n_placed")
        for name, a, b in zip(names, ref, batched, strict=True):
            assert np.array_equal(np.asarray(a), np.asarray(b)), name


def _tasks(sizes: np.ndarray, caps: np.ndarray, n_preopened: int = 0) -> list[GreedyTask]:
    """Both passes `pack_vectors` runs on this instance (normalised, ordered, volume-bound opening)."""
    prep = _prepare(PackRequest(sizes, caps, n_preopened))
    assert isinstance(prep, _Prepared)
    return [_task(prep, spread) for spread in prep.spreads]


Pairs = list[tuple[float, float]]


def _task_of(items: Pairs, bins: Pairs, n_open: int, spread: bool) -> GreedyTask:
    """A pass on raw normalised sizes, items in the order given, equal weights."""
    norm = np.array(items, dtype=float).reshape(-1, 2)
    order = np.arange(len(items), dtype=np.int64)
    return GreedyTask(norm, order, np.array(bins, dtype=float), (0.5, 0.5), n_open, spread)


instance = st.tuples(
    st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120)), max_size=40),
    st.lists(st.tuples(st.integers(0, 150), st.integers(0, 150)), min_size=1, max_size=12),
    st.integers(0, 12),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(instance, min_size=1, max_size=8))
def test_lockstep_passes_equal_the_per_pass_greedy(instances: list[tuple[list, list, int, bool]]) -> None:
    # Many instances at once, identical or heterogeneous bins, pre-opened bins, items of size 0,
    # items that fit nowhere, empty instances: every pass must come out as `_greedy` gives it.
    tasks = []
    for items, bins, n_pre, identical in instances:
        sizes = np.array(items, dtype=float).reshape(-1, 2)
        caps = np.tile([100.0, 100.0], (max(len(items), 1), 1)) if identical else np.array(bins, dtype=float)
        tasks += _tasks(sizes, caps, min(n_pre, caps.shape[0]))
    _assert_same(tasks)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 300), st.integers(0, 6), st.sampled_from([1.0, 3.0, 7.0]), st.integers(0, 2**31 - 1)),
        min_size=2,
        max_size=6,
    )
)
def test_lockstep_passes_equal_on_float_sizes_and_many_open_bins(specs: list[tuple[int, int, float, int]]) -> None:
    # Continuous sizes (no ties) and up to ~100 open bins, more than the list path of `_greedy` holds.
    tasks = []
    for m, n_pre, scale, seed in specs:
        rng = np.random.default_rng(seed)
        sizes = rng.uniform(0.0, scale, size=(m, 2)) * rng.uniform(0.2, 1.0, size=2)
        caps = np.tile([8.0, 8.0], (m, 1)) if seed % 2 else rng.uniform(2.0, 10.0, size=(m, 2))
        tasks += _tasks(sizes, caps, min(n_pre, m))
    _assert_same(tasks)


def test_ties_go_to_the_first_bin_in_opening_order() -> None:
    # Two equal items into three equal open bins: both passes choose bin 0 for the first (every
    # score ties), then the dot product picks the fuller-residual bin 1, best fit stays on bin 0.
    tasks = [_task_of([(0.2, 0.2), (0.2, 0.2)], [(1.0, 1.0)] * 3, 3, spread) for spread in (True, False)]
    _assert_same(tasks)
    spread, fit = greedy_batch(tasks)
    assert spread[0].tolist() == [0, 1] and fit[0].tolist() == [0, 0]


def test_an_item_that_fits_nowhere_is_skipped_and_the_next_placed() -> None:
    # Bins (0.5, 0.5) and (1, 0.3): item (0.6, 0.6) fits neither; (0.4, 0.2) opens bin 0 on demand.
    task = _task_of([(0.6, 0.6), (0.4, 0.2)], [(0.5, 0.5), (1.0, 0.3)], 0, False)
    _assert_same([task, task])
    assignment, perm, _, _, n_open, n_placed = greedy_batch([task])[0]
    assert assignment.tolist() == [-1, 0] and perm.tolist() == [0, 1] and (n_open, n_placed) == (1, 1)


def test_a_later_bin_that_fits_is_moved_to_the_next_opening_position() -> None:
    # No open bin; the first two bins are too small for (0.8, 0.8): bin 2 opens at position 0 and
    # the others keep their order behind it; then (0.1, 0.1) fits in it (best fit and dot product).
    bins = [(0.5, 0.5), (0.6, 0.9), (1.0, 1.0), (0.9, 0.9)]
    tasks = [_task_of([(0.8, 0.8), (0.1, 0.1)], bins, 0, spread) for spread in (False, True)]
    _assert_same(tasks)
    assignment, perm, res0, _, n_open, _ = greedy_batch(tasks)[0]
    assert perm.tolist() == [2, 0, 1, 3] and assignment.tolist() == [0, 0] and n_open == 1
    assert np.isclose(res0[0], 0.1)


def test_empty_and_one_item_passes_beside_longer_ones() -> None:
    tasks = [
        _task_of([], [(1.0, 1.0)], 1, True),
        _task_of([], [(1.0, 1.0)] * 2, 0, False),
        _task_of([(0.3, 0.7)], [(1.0, 1.0)] * 2, 0, False),
        _task_of([(0.3, 0.7)], [(1.0, 1.0)] * 2, 2, True),
        _task_of([(0.5, 0.5)] * 5, [(1.0, 1.0)] * 5, 2, True),
        _task_of([(0.5, 0.5)] * 5, [(1.0, 1.0)] * 5, 0, False),
    ]
    _assert_same(tasks)
    got = greedy_batch(tasks)
    assert got[0][0].size == 0 and got[1][4] == 0
    assert got[2][0].tolist() == [0] and got[5][4] == 3  # five halves need three bins


def test_all_bins_open_and_full_skips_the_rest() -> None:
    # Both bins pre-opened; the third 0.6 item fits in neither and no bin is left to open.
    task = _task_of([(0.6, 0.6)] * 3, [(1.0, 1.0)] * 2, 2, True)
    _assert_same([task, _task_of([(0.6, 0.6)] * 3, [(1.0, 1.0)] * 2, 0, False)])
    assert greedy_batch([task])[0][0].tolist() == [0, 1, -1]


def test_no_task_gives_no_result() -> None:
    assert greedy_batch([]) == []


@pytest.mark.parametrize("max_cells", [1, 7, 60])
def test_passes_split_into_chunks_give_the_same_results(max_cells: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A long pass beside short ones runs in several lockstep batches (here forced small): each pass
    # still comes out as alone, and the results stay in the order of the tasks.
    import optimizer.greedy_batch as batch_module

    rng = np.random.default_rng(11)
    tasks = []
    for m in (0, 1, 3, 40, 5, 17, 2):
        sizes = rng.uniform(0.0, 30.0, size=(m, 2))
        caps = np.tile([100.0, 100.0], (max(m, 1), 1)) if m % 2 else rng.uniform(20.0, 120.0, size=(m + 2, 2))
        tasks += _tasks(sizes, caps, min(1, m))
    monkeypatch.setattr(batch_module, "_MAX_CELLS", max_cells)
    _assert_same(tasks)


def test_scores_round_as_in_the_per_pass_greedy() -> None:
    # Two open bins whose scores differ only by the rounding of the evaluation order: `_greedy`
    # computes (w0 * a0) * a0 and (w0 * s0) * r0; w0 * (a0 * a0) or w0 * (s0 * r0) would choose the
    # other bin. Best fit: residuals b > a one ulp apart tie, so the first bin (b) wins. Dot
    # product: the larger residual wins strictly.
    a = 0.4805459886377689
    b = float(np.nextafter(a, 1.0))
    weights = (0.55, 0.45)
    one = np.arange(1, dtype=np.int64)
    fit = GreedyTask(np.zeros((1, 2)), one, np.array([[b, 0.0], [a, 0.0]]), weights, 2, False)
    s, r = 0.39165189849223603, 0.8039608984736398
    spread_bins = np.array([[r, 1.0], [float(np.nextafter(r, 1.0)), 1.0]])
    spread = GreedyTask(np.array([[s, 0.0]]), one, spread_bins, weights, 2, True)
    _assert_same([fit, spread])
    got = greedy_batch([fit, spread])
    assert got[0][0].tolist() == [0] and got[1][0].tolist() == [1]
