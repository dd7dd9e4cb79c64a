import numpy as np
import pytest

from optimizer import pack_vectors_exact

CAP = np.array([100.0, 100.0])


def test_known_optimum_with_bound_and_gap() -> None:
    # Six items of (50, 10) and six of (10, 50): no bin holds more than two of them, so 6 bins,
    # while the volume bound says 4 (360 / 100 per dimension). CP-SAT proves 6.
    sizes = np.array([[50.0, 10.0]] * 6 + [[10.0, 50.0]] * 6)
    ex = pack_vectors_exact(sizes=sizes, bin_capacities=np.tile(CAP, (12, 1)), time_limit_s=10)
    assert ex.status == "OPTIMAL" and ex.n_bins == 6 and ex.best_bound == 6 and ex.gap_bins == 0
    load = np.zeros((12, 2))
    np.add.at(load, ex.assignment, sizes)
    assert (load <= CAP).all()


def test_heterogeneous_bins_and_hint() -> None:
    sizes = np.array([[40.0, 40.0]] * 3)
    caps = np.array([[50.0, 50.0], [130.0, 130.0], [50.0, 50.0]])
    ex = pack_vectors_exact(sizes=sizes, bin_capacities=caps, hint=np.array([0, 1, 2]), time_limit_s=5)
    assert ex.n_bins == 1 and set(ex.assignment.tolist()) == {1}


def test_item_fitting_no_bin_is_left_out() -> None:
    ex = pack_vectors_exact(
        sizes=np.array([[10.0, 10.0], [500.0, 1.0]]), bin_capacities=np.tile(CAP, (2, 1)), time_limit_s=5
    )
    assert ex.assignment.tolist() == [0, -1] and ex.n_bins == 1


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="time_limit_s"):
        pack_vectors_exact(sizes=np.ones((1, 2)), bin_capacities=np.ones((1, 2)), time_limit_s=0)
    with pytest.raises(ValueError, match="bin_capacities"):
        pack_vectors_exact(sizes=np.ones((1, 2)), bin_capacities=np.zeros((0, 2)))
