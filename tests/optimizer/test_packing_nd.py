"""Packing in any number of dimensions, and the improvement phase (optimizer/improve.py)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import ReasonCode, lower_bound_identical, pack_vectors, pack_vectors_exact
from optimizer.concentrate import concentrate
from optimizer.ejection import EjectionState, eject_bins
from optimizer.work import Work


@st.composite
def instances(draw: st.DrawFn, max_items: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Integer items in d = 1..5 dimensions, identical bins of capacity 100 (or less) per dimension."""
    d = draw(st.integers(1, 5))
    cap = np.array(draw(st.lists(st.integers(40, 100), min_size=d, max_size=d)), dtype=float)
    rows = draw(st.lists(st.lists(st.integers(0, 60), min_size=d, max_size=d), min_size=1, max_size=max_items))
    return np.array(rows, dtype=float), cap


def _loads_within(sizes: np.ndarray, caps: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """Every placed item's bin holds it: the loads, recomputed, are within capacity exactly."""
    placed = assignment >= 0
    load = np.zeros_like(caps)
    np.add.at(load, assignment[placed], sizes[placed])
    assert (load <= caps).all()  # integer sizes: no tolerance needed
    return load


@settings(max_examples=80, deadline=None)
@given(instances())
def test_d_dimensional_packing_invariants(inst: tuple[np.ndarray, np.ndarray]) -> None:
    sizes, cap = inst
    caps = np.tile(cap, (len(sizes), 1))
    plain = pack_vectors(sizes=sizes, bin_capacities=caps, improve=False)
    packing = pack_vectors(sizes=sizes, bin_capacities=caps, improve_budget_s=0.5)
    for p in (plain, packing):
        load = _loads_within(sizes, caps, p.assignment)
        assert np.allclose(load, p.load) and p.load.shape == caps.shape
        too_big = (sizes > cap).any(axis=1)
        assert {i for i, _ in p.unplaced} == set(np.flatnonzero(too_big).tolist())
    assert packing.n_bins <= plain.n_bins  # the improvement never makes it worse
    assert lower_bound_identical(sizes=sizes, capacity=cap).value <= packing.n_bins


@settings(max_examples=25, deadline=None)
@given(instances(max_items=9))
def test_bound_below_the_proven_optimum_in_d_dimensions(inst: tuple[np.ndarray, np.ndarray]) -> None:
    sizes, cap = inst
    sizes = sizes[(sizes <= cap).all(axis=1)]
    caps = np.tile(cap, (max(len(sizes), 1), 1))
    exact = pack_vectors_exact(sizes=sizes, bin_capacities=caps, time_limit_s=5.0)
    heur = pack_vectors(sizes=sizes, bin_capacities=caps)
    if exact.status == "OPTIMAL":
        assert lower_bound_identical(sizes=sizes, capacity=cap).value <= exact.n_bins <= heur.n_bins
        _loads_within(sizes, caps, exact.assignment)


def test_one_dimension_by_hand() -> None:
    # 6+4, 5+5, 7+3: three full bins of 10; the volume bound says 3 as well.
    sizes = np.array([[6.0], [5.0], [7.0], [4.0], [5.0], [3.0]])
    packing = pack_vectors(sizes=sizes, bin_capacities=np.full((6, 1), 10.0))
    assert packing.n_bins == 3 and packing.load.shape == (6, 1)
    assert lower_bound_identical(sizes=sizes, capacity=np.array([10.0])).value == 3
    too_big = pack_vectors(sizes=np.array([[11.0]]), bin_capacities=np.full((1, 1), 10.0))
    assert too_big.unplaced[0][1].code == ReasonCode.TOO_LARGE
    assert too_big.unplaced[0][1].params["memory_mib"] == 0.0


def test_a_third_dimension_changes_the_packing_and_the_bound() -> None:
    # CPU and memory would put the four items in one bin; the third dimension (allocated vCPUs
    # against a ratio cap of 8) holds one VM of 5 vCPUs (two make 10 > 8): four bins. The volume
    # bound says ceil(20 / 8) = 3; L2 counts the items above half the cap (5 > 4): 4.
    sizes = np.array([[10.0, 10.0, 5.0]] * 4)
    cap = np.array([100.0, 100.0, 8.0])
    packing = pack_vectors(sizes=sizes, bin_capacities=np.tile(cap, (4, 1)))
    bound = lower_bound_identical(sizes=sizes, capacity=cap)
    assert packing.n_bins == 4 and bound.value == 4 and bound.kind == "martello-toth-L2(dim2)"
    exact = pack_vectors_exact(sizes=sizes, bin_capacities=np.tile(cap, (4, 1)), time_limit_s=5.0)
    assert exact.status == "OPTIMAL" and exact.n_bins == 4


def test_volume_bound_per_dimension_beyond_two() -> None:
    # 7 items of 30 % in the fourth dimension: ceil(2.1) = 3 bins, named after that dimension.
    bound = lower_bound_identical(sizes=np.array([[1.0, 1.0, 1.0, 30.0]] * 7), capacity=np.full(4, 100.0))
    assert bound.value == 3 and bound.kind == "volume(dim3)"


# Three bins filled exactly in both dimensions (capacity 100): d+c+f, a+g+h, b+e+i. The greedy
# passes alone open a fourth bin; the improvement phase must find the three.
_TRIPLETS = {
    "a": (30, 41), "b": (39, 28), "c": (27, 42), "d": (47, 32), "e": (26, 46),
    "f": (26, 26), "g": (32, 26), "h": (38, 33), "i": (35, 26),
}  # fmt: skip


def test_improvement_finds_the_optimum_of_a_small_triplets_instance() -> None:
    sizes = np.array(list(_TRIPLETS.values()), dtype=float)
    for bin_ in ("dcf", "agh", "bei"):  # the optimum, by hand: each triple fills a bin exactly
        assert np.array([_TRIPLETS[k] for k in bin_]).sum(axis=0).tolist() == [100, 100]
    caps = np.tile([100.0, 100.0], (9, 1))
    assert pack_vectors(sizes=sizes, bin_capacities=caps, improve=False).n_bins == 4
    packing = pack_vectors(sizes=sizes, bin_capacities=caps)
    assert packing.n_bins == 3 and packing.n_bins_emptied >= 1
    _loads_within(sizes, caps, packing.assignment)


def _state(sizes: np.ndarray, assignment: list[int], n_bins: int) -> EjectionState:
    res = np.ones((n_bins, sizes.shape[1]))
    np.subtract.at(res, np.array(assignment), sizes)
    return EjectionState(
        sizes=sizes,
        weights=np.full(sizes.shape[1], 1.0 / sizes.shape[1]),
        assignment=np.array(assignment, dtype=np.int64),
        res=res,
        alive=np.ones(n_bins, dtype=bool),
        n_preopened=0,
    )


def test_ejection_empties_a_bin_only_a_swap_can_empty() -> None:
    # Bins {0.6, 0.3}, {0.5, 0.2}, {0.4}: the 0.4 fits in no bin's free room (0.1, 0.3), but
    # swapping it with the 0.3 makes {0.6, 0.4} and {0.5, 0.3, 0.2}: two full bins.
    sizes = np.array([[0.6, 0.6], [0.3, 0.3], [0.5, 0.5], [0.2, 0.2], [0.4, 0.4]])
    state = _state(sizes, [0, 0, 1, 1, 2], 3)
    assert eject_bins(state, caps_pos=np.ones((3, 2)), work=Work.of_seconds(5.0), max_failures=3) == 1
    assert state.res[2].tolist() == [-1.0, -1.0] and (state.assignment < 2).all()
    load = np.zeros((2, 2))
    np.add.at(load, state.assignment, sizes)
    assert np.allclose(load, [[1.0, 1.0], [1.0, 1.0]])


def test_ejection_restores_the_bins_when_it_fails() -> None:
    # Three items of 0.6 cannot share bins: nothing can be emptied, and nothing moves.
    sizes = np.full((3, 2), 0.6)
    state = _state(sizes, [0, 1, 2], 3)
    before = state.res.copy()
    assert eject_bins(state, caps_pos=np.ones((3, 2)), work=Work.of_seconds(5.0), max_failures=3) == 0
    assert state.assignment.tolist() == [0, 1, 2] and np.array_equal(state.res, before)


def test_concentration_makes_the_loose_bin_looser() -> None:
    # Bin 0 holds 0.5 and 0.2 (load 0.7), bin 1 holds 0.3, one dimension; sum of squared loads
    # 0.49 + 0.09 = 0.58. Moving the 0.2 to bin 1 lowers it (0.25 + 0.25 = 0.5); swapping the 0.2 and
    # the 0.3 too (0.64 + 0.04 = 0.68 is higher, but then moving the 0.3 gains more): the best move
    # is the 0.3 into bin 0, which it fills exactly (1.0 + 0 = 1.0). Then no move improves.
    sizes = np.array([[0.5], [0.2], [0.3]])
    assignment = np.array([0, 0, 1], dtype=np.int64)
    res = np.array([[0.3], [0.7]])
    moved = concentrate(
        sizes=sizes,
        assignment=assignment,
        res=res,
        weights=np.array([1.0]),
        caps_pos=np.ones((2, 1)),
        work=Work.of_seconds(5.0),
        max_moves=10,
    )
    assert moved == 1 and assignment.tolist() == [0, 0, 0]
    assert np.allclose(res, [[0.0], [1.0]])


def test_profiles_of_288_slots_pack_within_capacity() -> None:
    # Day and night profiles complement each other: one day VM and one night VM share a host.
    t = np.arange(288)
    day = np.where((t >= 96) & (t < 216), 0.7, 0.2)
    night = np.where((t >= 96) & (t < 216), 0.2, 0.7)
    sizes = np.array([day, night] * 5)
    caps = np.ones((10, 288))
    packing = pack_vectors(sizes=sizes, bin_capacities=caps)
    assert packing.n_bins == 5 == lower_bound_identical(sizes=sizes, capacity=np.ones(288)).value
    assert (packing.load <= 1.0 + 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(instances(), st.lists(st.integers(20, 150), min_size=1, max_size=30), st.integers(0, 4))
def test_heterogeneous_and_preopened_bins_in_d_dimensions(
    inst: tuple[np.ndarray, np.ndarray], scales: list[int], n_pre: int
) -> None:
    sizes, cap = inst
    caps = np.array([cap * k / 100 for k in scales])  # bins of several sizes, same shape
    n_pre = min(n_pre, len(scales))
    packing = pack_vectors(sizes=sizes, bin_capacities=caps, n_preopened=n_pre, improve_budget_s=0.5)
    plain = pack_vectors(sizes=sizes, bin_capacities=caps, n_preopened=n_pre, improve=False)
    residual = caps - _loads_within(sizes, caps, packing.assignment)
    assert set(range(n_pre)) <= set(packing.bins_used.tolist())
    assert packing.n_bins <= plain.n_bins and len(packing.unplaced) == len(plain.unplaced)
    for i, _ in packing.unplaced:  # a VM left out fits in no bin's free room at the end
        assert not (sizes[i] <= residual).all(axis=1).any()
