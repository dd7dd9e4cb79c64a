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


def test_many_dimensions_keep_l2_where_it_can_pass_the_volume() -> None:
    # 300 slot dimensions: L2 is computed on a few only, yet a slot where 5 items each take 60 % of
    # a host (5 hosts needed, volume says 3) is among them: its items are the largest of any dimension.
    rng = np.random.default_rng(0)
    sizes = rng.uniform(0.0, 0.05, size=(40, 300))
    sizes[:5, 137] = 0.6
    bound = lower_bound_identical(sizes=sizes, capacity=np.ones(300))
    assert bound.value == 5 and bound.kind == "martello-toth-L2(dim137)"


def test_many_dimensions_bound_never_above_the_all_dimensions_one() -> None:
    from optimizer.bounds import _l2_one_dim, _units_down, _units_up

    rng = np.random.default_rng(1)
    for _ in range(20):
        sizes = rng.uniform(0.0, 0.7, size=(30, 40)) * (rng.random((30, 40)) < 0.3)
        cap = np.ones(40)
        units, cap_units = _units_down(sizes), _units_up(cap)
        full = max(_l2_one_dim(units[:, d], int(cap_units[d])) for d in range(40))
        volume = max(-(-int(units[:, d].sum()) // int(cap_units[d])) for d in range(40))
        value = lower_bound_identical(sizes=sizes, capacity=cap).value
        assert max(volume, 1) <= value <= max(full, volume, 1)
