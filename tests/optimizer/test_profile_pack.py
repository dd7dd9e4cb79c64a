"""Packing on usage profiles: known optima on complementary estates, no regression when memory binds."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.profile_pack import fill_missing, pack_on_profiles

HOST = np.array([2000.0, 1_000_000.0])  # usable CPU (reference MHz), memory (MiB)


def _day_night(n_pairs: int, s: int = 24) -> np.ndarray:
    """n day VMs (800 in the first half of the slots, 200 after) and n night VMs (the reverse)."""
    day = np.where(np.arange(s) < s // 2, 800.0, 200.0)
    return np.vstack([np.tile(day, (n_pairs, 1)), np.tile(day[::-1], (n_pairs, 1))])


def test_complementary_pairs_need_half_the_hosts_and_reach_the_per_slot_bound() -> None:
    # 20 VMs, P95 800 each: two per host on P95 (1 600 <= 2 000, a third would make 2 400): 10 hosts.
    # Each slot sums to 10 x 800 + 10 x 200 = 10 000 MHz, i.e. 5 hosts of 2 000: the per-slot bound.
    # Two day and two night VMs fill a host exactly (800 + 800 + 200 + 200 = 2 000): 5 hosts reach it.
    slots = _day_night(10)
    result = pack_on_profiles(
        cpu_slots_ref_mhz=slots, cpu_p95_ref_mhz=slots.max(axis=1), memory_mib=np.full(20, 1024.0), host_capacity=HOST
    )
    assert result.n_hosts_p95 == 10
    assert result.bound_profile.value == 5 and result.bound_profile.kind.startswith("volume")
    assert result.n_hosts_profile == 5 and result.method == "profile" and result.n_hosts == 5
    load = np.zeros((5, slots.shape[1]))
    np.add.at(load, result.assignment, slots)
    assert (load <= HOST[0] + 1e-9).all()


def test_memory_bound_estate_needs_no_more_hosts_than_p95() -> None:
    # Memory binds: each VM holds 40 % of a host's memory, so two per host whatever the profiles.
    slots = _day_night(6)
    memory = np.full(12, 0.4 * HOST[1])
    result = pack_on_profiles(
        cpu_slots_ref_mhz=slots, cpu_p95_ref_mhz=slots.max(axis=1), memory_mib=memory, host_capacity=HOST
    )
    assert result.n_hosts_p95 == 6 and result.n_hosts_profile == 6 and result.n_hosts == 6
    # The volume bound is ceil(12 x 0.4) = 5 on memory (CPU: 6 x 800 + 6 x 200 = 6 000 per slot, 3 hosts);
    # three VMs never share a host (1.2 > 1), so 6 is optimal: CP-SAT proves it on this small instance.
    assert result.bound_profile.value == 5
    assert result.exact_status == "OPTIMAL"


def test_profiles_above_their_p95_keep_the_p95_plan() -> None:
    # Peaks above the P95 at the same slot: the profile needs more hosts; the P95 plan is kept and said so.
    slots = np.tile(np.r_[np.full(19, 500.0), 1500.0], (4, 1))
    result = pack_on_profiles(
        cpu_slots_ref_mhz=slots, cpu_p95_ref_mhz=np.full(4, 500.0), memory_mib=np.ones(4), host_capacity=HOST
    )
    assert result.n_hosts_p95 == 1 and result.n_hosts_profile == 4
    assert result.p95_kept and result.n_hosts == 1
    assert (result.assignment == result.assignment_p95).all()


def test_vm_without_profile_counts_at_its_p95() -> None:
    filled = fill_missing(np.array([[1.0, np.nan], [np.nan, np.nan]]), np.array([5.0, 7.0]))
    assert filled.tolist() == [[1.0, 5.0], [7.0, 7.0]]


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 25),
    s=st.integers(1, 12),
    seed=st.integers(0, 2**16),
)
def test_never_worse_than_p95_and_never_below_the_bound(n: int, s: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    slots = rng.uniform(0, 1500, size=(n, s))
    memory = rng.uniform(0, 0.6, size=n) * HOST[1]
    result = pack_on_profiles(
        cpu_slots_ref_mhz=slots,
        cpu_p95_ref_mhz=np.percentile(slots, 95, axis=1),
        memory_mib=memory,
        host_capacity=HOST,
        improve_budget_s=0.05,
        exact_time_s=0.5,
    )
    assert result.n_hosts <= result.n_hosts_p95
    assert result.n_hosts_profile >= result.bound_profile.value
    placed = result.assignment_profile
    assert (placed >= 0).all()
    load = np.zeros((n, s))
    np.add.at(load, placed, slots)
    assert (load <= HOST[0] * (1 + 1e-9)).all()


def test_projected_bound_by_hand_and_never_above_the_full_bound() -> None:
    from optimizer.profile_pack import profile_sizes, projected_bound

    # Capacity 2 000 per slot: slot 0 sums to 3 x 900 = 2 700 (2 hosts), slot 1 to 3 x 100; a fourth VM
    # of 2 500 at slot 1 fits no host and is left out, as the full bound leaves it out.
    slots = np.array([[900.0, 100.0], [900.0, 100.0], [900.0, 100.0], [0.0, 2500.0]])
    sizes = profile_sizes(slots, np.full(4, 1.0))
    cap = np.array([2000.0, 2000.0, 10.0])
    from optimizer.bounds import lower_bound_identical

    found = projected_bound(sizes, cap)
    assert found.value == 2 == lower_bound_identical(sizes=sizes, capacity=cap).value
    assert found.kind == "volume(cpu)"  # named by the dimension of the full vector (slot 0)
    rng = np.random.default_rng(3)
    wide = profile_sizes(rng.uniform(0, 900, size=(60, 40)), rng.uniform(0, 5, size=60))
    wide_cap = np.concatenate([np.full(40, 2000.0), [10.0]])
    assert projected_bound(wide, wide_cap).value <= lower_bound_identical(sizes=wide, capacity=wide_cap).value


def test_a_curve_point_finds_the_plans_hosts_on_small_estates() -> None:
    from optimizer.profile_pack import pack_curve_point, profile_sizes

    slots = _day_night(10)
    memory = np.full(20, 1024.0)
    point = pack_curve_point(
        sizes=profile_sizes(slots, memory), scalar=profile_sizes(slots.max(axis=1)[:, None], memory), host_capacity=HOST
    )
    # The complementary pairs: 5 hosts on profiles (the per-slot bound), 10 on P95, as pack_on_profiles.
    assert (point.n_hosts_profile, point.n_hosts_p95, point.bound_profile.value) == (5, 10, 5)
    assert point.method == "profile" and point.exact_status is None
