import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import Reason, ReasonCode, lower_bound_identical, pack_vectors, pack_vectors_exact
from optimizer.packing import Packing, PackRequest, pack_vectors_many

CAP = np.array([100.0, 100.0])
items = st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120)), min_size=1, max_size=60)


def _check_invariants(sizes: np.ndarray, caps: np.ndarray, packing) -> None:  # type: ignore[no-untyped-def]
    placed = packing.assignment >= 0
    reported = {i for i, _ in packing.unplaced}
    # Every item placed or reported, never both.
    assert set(np.flatnonzero(~placed).tolist()) == reported
    load = np.zeros_like(caps)
    np.add.at(load, packing.assignment[placed], sizes[placed])
    assert (load <= caps * (1 + 1e-9) + 1e-9).all()  # no bin over capacity
    assert np.allclose(load, packing.load)


@settings(max_examples=60, deadline=None)
@given(items)
def test_heuristic_invariants_and_bound(raw: list[tuple[int, int]]) -> None:
    sizes = np.array(raw, dtype=float)
    caps = np.tile(CAP, (len(raw), 1))
    packing = pack_vectors(sizes=sizes, bin_capacities=caps)
    _check_invariants(sizes, caps, packing)
    too_big = (sizes > CAP).any(axis=1)
    assert {i for i, _ in packing.unplaced} == set(np.flatnonzero(too_big).tolist())
    assert lower_bound_identical(sizes=sizes, capacity=CAP).value <= packing.n_bins


@settings(max_examples=40, deadline=None)
@given(items, st.lists(st.tuples(st.integers(1, 150), st.integers(1, 150)), min_size=1, max_size=6))
def test_heterogeneous_bins_invariants(raw: list[tuple[int, int]], bins: list[tuple[int, int]]) -> None:
    sizes = np.array(raw, dtype=float)
    caps = np.array(bins, dtype=float)
    _check_invariants(sizes, caps, pack_vectors(sizes=sizes, bin_capacities=caps))


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(5, 70), st.integers(5, 70)), min_size=2, max_size=12))
def test_exact_oracle_on_tiny_instances(raw: list[tuple[int, int]]) -> None:
    sizes = np.array(raw, dtype=float)
    heur = pack_vectors(sizes=sizes, bin_capacities=np.tile(CAP, (len(raw), 1)))
    exact = pack_vectors_exact(sizes=sizes, bin_capacities=np.tile(CAP, (len(raw), 1)), time_limit_s=10.0)
    assert exact.status == "OPTIMAL"
    assert lower_bound_identical(sizes=sizes, capacity=CAP).value <= exact.n_bins <= heur.n_bins
    _check_invariants(sizes, np.tile(CAP, (len(raw), 1)), _as_packing(exact, sizes))


def _as_packing(exact, sizes):  # type: ignore[no-untyped-def]
    class P:
        assignment = exact.assignment
        unplaced: tuple[tuple[int, Reason], ...] = ()
        load = np.zeros((len(sizes), 2))

    np.add.at(P.load, exact.assignment, sizes)
    return P


def test_oversized_item_reported_with_reason() -> None:
    sizes = np.array([[10.0, 10.0], [10.0, 500.0]])
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(CAP, (2, 1)))
    assert packing.assignment.tolist()[1] == -1
    reason = packing.unplaced[0][1]
    assert reason.code == ReasonCode.TOO_LARGE
    assert reason.params == {
        "cpu_ref_mhz": 10.0,
        "memory_mib": 500.0,
        "max_cpu_ref_mhz": 100.0,
        "max_memory_mib": 100.0,
    }


def test_preopened_bins_are_used_first() -> None:
    caps = np.array([[30.0, 30.0], [100.0, 100.0], [100.0, 100.0]])
    packing = pack_vectors(sizes=np.array([[20.0, 20.0], [50.0, 50.0]]), bin_capacities=caps, n_preopened=1)
    assert set(packing.assignment.tolist()) <= {0, 1} and packing.n_bins == 2
    small = pack_vectors(sizes=np.array([[20.0, 20.0]]), bin_capacities=caps, n_preopened=1)
    assert small.assignment.tolist() == [0] and small.bins_used.tolist() == [0]


def test_running_out_of_bins_is_reported() -> None:
    packing = pack_vectors(sizes=np.array([[60.0, 60.0]] * 3), bin_capacities=np.tile(CAP, (2, 1)))
    assert (packing.assignment >= 0).sum() == 2
    assert packing.unplaced[0][1].code == ReasonCode.NO_CAPACITY_LEFT


def test_two_thousand_vms_within_one_host_of_bound() -> None:
    rng = np.random.default_rng(3)
    m = 2000
    vcpus = rng.choice([1, 2, 4, 8, 16], size=m, p=[0.25, 0.35, 0.25, 0.1, 0.05])
    sizes = np.column_stack([vcpus * 2400 * rng.beta(1.2, 8, m), rng.choice([2, 4, 8, 16, 32, 64], size=m) * 1024.0])
    cap = np.array([64 * 2600 * 0.8, 768 * 1024 * 0.8])
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(cap, (m, 1)))
    assert packing.n_bins <= lower_bound_identical(sizes=sizes, capacity=cap).value + 1


def test_items_after_an_unplaceable_one_are_still_placed() -> None:
    # Regression: the greedy pass stopped at the first item it could not place.
    caps = np.array([[10.0, 10.0], [10.0, 10.0]])
    sizes = np.array([[9.0, 9.0]] * 3 + [[1.0, 1.0]] * 2)
    packing = pack_vectors(sizes=sizes, bin_capacities=caps)
    assert (packing.assignment >= 0).sum() == 4
    assert [i for i, _ in packing.unplaced] == [2]
    _check_invariants(sizes, caps, packing)


def _fits_nowhere_at_end(sizes: np.ndarray, caps: np.ndarray, packing) -> None:  # type: ignore[no-untyped-def]
    residual = caps - packing.load
    for i, _ in packing.unplaced:
        assert not (sizes[i] <= residual + 1e-9).all(axis=1).any(), (i, sizes[i], residual)


@settings(max_examples=80, deadline=None)
@given(
    items,
    st.lists(st.tuples(st.integers(1, 150), st.integers(1, 150)), min_size=1, max_size=6),
    st.integers(0, 6),
)
def test_unplaced_items_fit_in_no_residual_capacity(
    raw: list[tuple[int, int]], bins: list[tuple[int, int]], n_pre: int
) -> None:
    sizes = np.array(raw, dtype=float)
    caps = np.array(bins, dtype=float)
    packing = pack_vectors(sizes=sizes, bin_capacities=caps, n_preopened=min(n_pre, len(bins)))
    _check_invariants(sizes, caps, packing)
    _fits_nowhere_at_end(sizes, caps, packing)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=150),
    st.lists(st.tuples(st.integers(1, 150), st.integers(1, 150)), min_size=1, max_size=40),
    st.integers(0, 8),
    st.booleans(),
)
def test_list_and_numpy_greedy_paths_place_identically(
    raw: list[tuple[int, int]], bins: list[tuple[int, int]], n_pre: int, identical: bool
) -> None:
    # `_greedy` scores open bins in Python lists below `_LIST_MAX_OPEN`, with numpy above: numpy
    # only (0), lists only (huge) and a switch after 3 open bins must give the same packing.
    import optimizer.packing as packing_module

    sizes = np.array(raw, dtype=float)
    caps = np.tile(CAP * 0.9, (len(raw), 1)) if identical else np.array(bins, dtype=float)
    results = []
    for limit in (0, 10**9, 3):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(packing_module, "_LIST_MAX_OPEN", limit)
            results.append(
                pack_vectors(sizes=sizes, bin_capacities=caps, n_preopened=min(n_pre, caps.shape[0]), improve=False)
            )
    ref = results[0]
    for other in results[1:]:
        assert np.array_equal(other.assignment, ref.assignment)
        assert np.array_equal(other.bins_used, ref.bins_used)
        assert np.array_equal(other.load, ref.load)
        assert other.unplaced == ref.unplaced


def test_list_and_numpy_paths_agree_on_a_realistic_instance() -> None:
    import optimizer.packing as packing_module

    rng = np.random.default_rng(5)
    m = 3000
    vcpus = rng.choice([1, 2, 4, 8, 16], size=m, p=[0.25, 0.35, 0.25, 0.1, 0.05])
    sizes = np.column_stack([vcpus * 2400 * rng.beta(1.2, 8, m), rng.choice([2, 4, 8, 16, 32, 64], size=m) * 1024.0])
    caps = np.tile(np.array([64 * 2600 * 0.8, 768 * 1024 * 0.8]), (m, 1))
    assignments = []
    for limit in (0, 10**9, 50):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(packing_module, "_LIST_MAX_OPEN", limit)
            assignments.append(pack_vectors(sizes=sizes, bin_capacities=caps).assignment)
    assert np.array_equal(assignments[0], assignments[1]) and np.array_equal(assignments[0], assignments[2])


def _same_packing(a: Packing, b: Packing) -> bool:
    return (
        np.array_equal(a.assignment, b.assignment)
        and np.array_equal(a.bins_used, b.bins_used)
        and np.array_equal(a.load, b.load)
        and a.unplaced == b.unplaced
        and a.n_bins_emptied == b.n_bins_emptied
    )


many_instances = st.lists(
    st.tuples(
        st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120), st.integers(0, 50)), max_size=30),
        st.lists(st.tuples(st.integers(1, 150), st.integers(1, 150), st.integers(1, 60)), max_size=8),
        st.integers(0, 8),
        st.sampled_from(["identical", "mixed", "none"]),
        st.sampled_from([1, 2, 2, 2, 3]),
    ),
    min_size=1,
    max_size=7,
)


@settings(max_examples=80, deadline=None)
@given(many_instances)
def test_pack_vectors_many_equals_pack_vectors_on_each(cases: list[tuple[list, list, int, str, int]]) -> None:
    # Two-dimensional instances go through the lockstep passes, one- and three-dimensional ones
    # through the few-dimension lockstep passes (beside each other), instances without bins beside
    # them; the improvement phase runs on every instance.
    requests = []
    for items, bins, n_pre, kind, d in cases:
        sizes = np.array(items, dtype=float).reshape(-1, 3)[:, :d]
        if kind == "none":
            caps = np.zeros((0, d))
        elif kind == "identical" or not bins:
            caps = np.tile(np.full(d, 100.0), (max(len(items), 1), 1))
        else:
            caps = np.array(bins, dtype=float)[:, :d]
        requests.append(PackRequest(sizes, caps, min(n_pre, caps.shape[0])))
    got = pack_vectors_many(requests)
    for req, packing in zip(requests, got, strict=True):
        ref = pack_vectors(sizes=req.sizes, bin_capacities=req.bin_capacities, n_preopened=req.n_preopened)
        assert _same_packing(packing, ref)


def test_pack_vectors_many_runs_the_two_dimensional_passes_in_lockstep(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizer.packing as packing_module

    rng = np.random.default_rng(3)
    requests = [PackRequest(rng.uniform(1, 40, size=(m, 2)), np.tile([100.0, 100.0], (m, 1))) for m in (50, 7, 120)]
    ref = [pack_vectors(sizes=r.sizes, bin_capacities=r.bin_capacities) for r in requests]

    def per_pass(**_: object) -> None:
        raise AssertionError("per-pass greedy called")

    monkeypatch.setattr(packing_module, "_greedy", per_pass)
    got = pack_vectors_many(requests)
    assert all(_same_packing(a, b) for a, b in zip(got, ref, strict=True))
    assert pack_vectors_many([]) == []


def test_pack_vectors_many_runs_the_few_dimension_passes_in_lockstep(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three- and four-dimensional instances (a cap that binds) never call the single-instance
    # `greedy_nd`, and come out as `pack_vectors` packs each; one such instance alone keeps it.
    import optimizer.packing as packing_module

    rng = np.random.default_rng(5)
    shapes = ((50, 3), (7, 4), (120, 3), (30, 4))
    requests = [PackRequest(rng.uniform(1, 40, size=(m, d)), np.tile(np.full(d, 100.0), (m, 1))) for m, d in shapes]
    ref = [pack_vectors(sizes=r.sizes, bin_capacities=r.bin_capacities) for r in requests]
    single = packing_module.greedy_nd

    def per_pass(**_: object) -> None:
        raise AssertionError("per-pass greedy_nd called")

    monkeypatch.setattr(packing_module, "greedy_nd", per_pass)
    got = pack_vectors_many(requests)
    assert all(_same_packing(a, b) for a, b in zip(got, ref, strict=True))
    with pytest.raises(AssertionError, match="per-pass"):
        pack_vectors_many(requests[:1])
    monkeypatch.setattr(packing_module, "greedy_nd", single)
    assert _same_packing(pack_vectors_many(requests[:1])[0], ref[0])
