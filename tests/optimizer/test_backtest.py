"""Replaying a placement on held-out profiles: every figure checked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.backtest import MONTH_MINUTES, replay


def test_hot_minutes_by_hand() -> None:
    # Two hosts of 10 000 ref MHz, ceiling 80 %, four 5-minute slots (20 minutes replayed).
    # Host 0 carries VMs 0 and 1:  slots 4 000+3 000=7 000 | 6 000+3 000=9 000 | 8 000+3 000=11 000 | 1 000+0
    #   -> utilisation 0,70 | 0,90 | 1,10 | 0,10: above the ceiling in 2 slots (10 min), above 100 % in 1 (5 min)
    # Host 1 carries VM 2: 8 000 in every slot -> 0,80 exactly: neither above the ceiling nor above 100 %.
    # VM 3 is not placed: its load counts nowhere.
    profiles = np.array(
        [
            [4000, 6000, 8000, 1000],
            [3000, 3000, 3000, 0],
            [8000, 8000, 8000, 8000],
            [9e9, 9e9, 9e9, 9e9],
        ],
        dtype=float,
    )
    bt = replay(
        target_of_vm=np.array([0, 0, 1, -1]),
        profiles_ref_mhz=profiles,
        capacity_ref_mhz=np.array([10_000.0, 10_000.0]),
        target_cluster=np.array([0, 0]),
        ceiling=0.8,
        slot_minutes=5,
    )
    assert bt.minutes_above_ceiling.tolist() == [10.0, 0.0]
    assert bt.minutes_above_capacity.tolist() == [5.0, 0.0]
    assert bt.peak_utilisation == pytest.approx([1.1, 0.8])
    assert bt.worst_host == 0
    # 20 minutes replayed -> a 30-day month is 43 200 / 20 = 2 160 replays.
    assert bt.per_month_factor == pytest.approx(2160.0)
    assert bt.overflow_minutes_per_month == pytest.approx(5 * 2160)
    assert bt.ceiling_minutes_per_month == pytest.approx(10 * 2160)
    (cluster,) = bt.clusters
    assert (cluster.n_hosts, cluster.worst_host, cluster.worst_utilisation) == (2, 0, pytest.approx(1.1))
    assert bt.n_vms_replayed == 3 and bt.n_vms_missing == 0


def test_vm_without_replay_profile_is_counted_apart() -> None:
    profiles = np.array([[1000.0, 1000.0], [np.nan, np.nan]])
    bt = replay(
        target_of_vm=np.array([0, 0]),
        profiles_ref_mhz=profiles,
        capacity_ref_mhz=np.array([1500.0]),
        target_cluster=np.array([3]),
        ceiling=0.5,
        slot_minutes=30,
    )
    assert (bt.n_vms_replayed, bt.n_vms_missing) == (1, 1)
    assert bt.minutes_above_ceiling.tolist() == [60.0]  # 1 000 / 1 500 = 0,67 > 0,5 in both slots
    assert bt.minutes_above_capacity.tolist() == [0.0]
    assert bt.clusters[0].cluster == 3


def test_per_cluster_sums() -> None:
    # Cluster 0: hosts 0 and 2; cluster 1: host 1. One slot of 60 minutes; capacity 100.
    bt = replay(
        target_of_vm=np.array([0, 1, 2]),
        profiles_ref_mhz=np.array([[120.0], [50.0], [101.0]]),
        capacity_ref_mhz=np.array([100.0, 100.0, 100.0]),
        target_cluster=np.array([0, 1, 0]),
        ceiling=0.8,
        slot_minutes=60,
    )
    by = {c.cluster: c for c in bt.clusters}
    assert by[0].minutes_above_capacity == 120.0 and by[0].worst_host == 0
    assert by[1].minutes_above_capacity == 0.0 and by[1].minutes_above_ceiling == 0.0
    assert MONTH_MINUTES == 43_200


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ceiling": 0.0}, "ceiling"),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"capacity_ref_mhz": np.array([0.0])}, "capacity"),
        ({"target_of_vm": np.array([1])}, "target_of_vm"),
        ({"profiles_ref_mhz": np.zeros((2, 3))}, "shape"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "target_of_vm": np.array([0]),
        "profiles_ref_mhz": np.zeros((1, 3)),
        "capacity_ref_mhz": np.array([10.0]),
        "target_cluster": np.array([0]),
        "ceiling": 0.8,
        "slot_minutes": 5,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        replay(**args)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(
    n_vms=st.integers(1, 12),
    n_hosts=st.integers(1, 4),
    n_slots=st.integers(1, 24),
    ceiling=st.floats(0.1, 1.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_replay_invariants(n_vms: int, n_hosts: int, n_slots: int, ceiling: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    target = rng.integers(-1, n_hosts, n_vms)
    profiles = rng.uniform(0, 500, (n_vms, n_slots))
    capacity = rng.uniform(200, 2000, n_hosts)
    bt = replay(
        target_of_vm=target,
        profiles_ref_mhz=profiles,
        capacity_ref_mhz=capacity,
        target_cluster=np.zeros(n_hosts, dtype=np.int64),
        ceiling=ceiling,
        slot_minutes=5,
    )
    # Above 100 % implies above the ceiling; no host is hot longer than the replay.
    assert (bt.minutes_above_capacity <= bt.minutes_above_ceiling).all()
    assert (bt.minutes_above_ceiling <= n_slots * 5).all()
    # The peak is the true peak of the summed load.
    for h in range(n_hosts):
        load = profiles[target == h].sum(axis=0)
        assert bt.peak_utilisation[h] == pytest.approx(load.max() / capacity[h])
        assert bt.minutes_above_capacity[h] == 5 * int((load / capacity[h] > 1 + 1e-9).sum())


def test_hosts_in_any_order_and_empty_hosts_sum_by_hand() -> None:
    # VMs listed out of host order, host 1 empty: host 0 = 1 + 4 = 5, host 2 = 2 + 3 = 5 (capacity 4: 125 %).
    bt = replay(
        target_of_vm=np.array([2, 0, 2, 0]),
        profiles_ref_mhz=np.array([[2.0], [1.0], [3.0], [4.0]]),
        capacity_ref_mhz=np.array([10.0, 10.0, 4.0]),
        target_cluster=np.array([0, 0, 1]),
        ceiling=1.0,
        slot_minutes=60,
    )
    assert bt.peak_utilisation == pytest.approx([0.5, 0.0, 1.25])
    assert bt.minutes_above_capacity.tolist() == [0.0, 0.0, 60.0]
