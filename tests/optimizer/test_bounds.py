import numpy as np
import pytest

from optimizer import lower_bound_heterogeneous, lower_bound_identical


def test_volume_bound() -> None:
    lb = lower_bound_identical(sizes=np.array([[10.0, 30.0]] * 7), capacity=np.array([100.0, 100.0]))
    assert lb.value == 3 and lb.kind == "volume(memory)"


def test_l2_counts_items_above_half_capacity() -> None:
    # Three items of 0.6: the volume says 2 bins, no two fit together: 3.
    lb = lower_bound_identical(sizes=np.array([[60.0, 1.0]] * 3), capacity=np.array([100.0, 100.0]))
    assert lb.value == 3 and lb.volume == 2 and lb.kind.startswith("martello-toth-L2(cpu)")


def test_l2_mixes_large_and_medium_items() -> None:
    # Two items of 0.7 and two of 0.35: the 0.35 cannot join a 0.7 -> 3 bins (volume says 3 too),
    # four of 0.7 and four of 0.35 -> 6 bins (volume 5).
    sizes = np.array([[70.0, 0.0]] * 4 + [[35.0, 0.0]] * 4)
    lb = lower_bound_identical(sizes=sizes, capacity=np.array([100.0, 100.0]))
    assert lb.value == 6 and lb.volume == 5


def test_items_too_big_are_ignored_and_empty_is_zero() -> None:
    lb = lower_bound_identical(sizes=np.array([[200.0, 1.0]]), capacity=np.array([100.0, 100.0]))
    assert lb.value == 0 and lb.kind == "empty"
    with pytest.raises(ValueError, match="capacity"):
        lower_bound_identical(sizes=np.zeros((1, 2)), capacity=np.array([0.0, 1.0]))


def test_heterogeneous_bound_uses_largest_bins() -> None:
    caps = np.array([[100.0, 100.0], [50.0, 50.0], [300.0, 300.0]])
    lb = lower_bound_heterogeneous(sizes=np.array([[10.0, 10.0]] * 35), capacities=caps)
    assert lb.value == 2  # 350 needs the 300 and the 100
