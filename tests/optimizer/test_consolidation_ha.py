"""HA reserve of a mixed cluster: it carries the load of the k largest hosts, not k spare hosts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import HostTable, Policy, VmTable, host_capacity, plan_consolidation
from optimizer.ha_reserve import choose_reserve, reserve_lower_bound, reserve_need
from tests.optimizer.estates import GIB

#: Ceiling 1.0 and no vCPU cap, so capacities are the hand figures below.
PLAIN = Policy(ceiling=1.0, ha_reserve_hosts=1, scope="estate", vcpu_ratio=None)


def _mixed(n_small: int) -> HostTable:
    """One host of 50 cores x 2 000 MHz (100 000 ref MHz, 512 GiB), then `n_small` of 5 cores (10 000, 64 GiB)."""
    n = 1 + n_small
    return HostTable.build(
        n_cores=[50] + [5] * n_small,
        cpu_mhz=np.full(n, 2000.0),
        memory_mib=np.array([512.0] + [64.0] * n_small) * GIB,
        perf_per_core=np.ones(n),
    )


def _five_big_vms() -> VmTable:
    """Five VMs of 20 000 ref MHz and 1 GiB on host 0: none fits a small host, so all go on the big one."""
    return VmTable.build(
        n_vcpus=np.full(5, 10), memory_mib=np.full(5, GIB), host=np.zeros(5, dtype=int), cpu_p95_mhz=np.full(5, 20000.0)
    )


def test_reserve_need_sums_the_k_largest_loads_per_dimension() -> None:
    loads = np.array([[10.0, 1.0], [30.0, 2.0], [20.0, 5.0]])
    assert reserve_need(loads, 1).tolist() == [30.0, 5.0]  # the largest of each column
    assert reserve_need(loads, 2).tolist() == [50.0, 7.0]
    assert reserve_need(loads, 0).tolist() == [0.0, 0.0]


def test_choose_reserve_takes_at_least_k_and_enough_to_cover() -> None:
    spares = np.array([[20.0, 4.0], [20.0, 4.0], [20.0, 4.0]])
    assert choose_reserve(np.array([30.0, 1.0]), spares, 1) == (pytest.approx([0, 1]), True)
    assert choose_reserve(np.array([5.0, 1.0]), spares, 2)[0].tolist() == [0, 1]  # k even when 1 covers
    chosen, covered = choose_reserve(np.array([70.0, 1.0]), spares, 1)
    assert chosen.tolist() == [0] and not covered


def test_reserve_of_small_hosts_must_carry_the_largest_host() -> None:
    # The big host carries 100 000 MHz; one small spare (10 000) would not restart its VMs: ten do.
    r = plan_consolidation(hosts=_mixed(10), vms=_five_big_vms(), policy=PLAIN)
    assert r.n_hosts_after == 11 and r.n_ha_reserve_hosts == 10 and r.ha_reserve_uncovered == ()
    assert r.target_existing_host[r.target_is_ha_reserve].tolist() == list(range(1, 11))
    # Bound: the big host (items fit no other), then demand + largest item = 120 000 MHz needs the
    # big host and two small ones: 3 (N+1 alone would say 2).
    assert r.lower_bound == 3
    assert r.n_ha_reserve_short == 0


def test_reserve_that_cannot_cover_is_reported() -> None:
    r = plan_consolidation(hosts=_mixed(2), vms=_five_big_vms(), policy=PLAIN)
    assert r.ha_reserve_uncovered == (-1,)  # the estate group
    assert r.n_ha_reserve_hosts == 1 and r.lower_bound == 2  # 1 loaded + the 1 spare kept


def test_reserve_lower_bound_by_hand() -> None:
    caps = np.array([[100.0], [10.0], [10.0], [10.0]])
    # 5 x 20 + the largest (20) = 120: the 100 and two 10s.
    assert reserve_lower_bound(sizes=np.full((5, 1), 20.0), capacities=caps, k=1) == 3
    # k = 2: 100 + 40 = 140 > 130 available: every host.
    assert reserve_lower_bound(sizes=np.full((5, 1), 20.0), capacities=caps, k=2) == 4
    assert reserve_lower_bound(sizes=np.full((2, 1), 200.0), capacities=caps, k=1) == 0  # fits nowhere


@settings(max_examples=40, deadline=None)
@given(
    n_hosts=st.integers(2, 8),
    n_vms=st.integers(1, 25),
    k=st.integers(1, 2),
    seed=st.integers(0, 10_000),
)
def test_reserve_covers_the_k_largest_hosts(n_hosts: int, n_vms: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    hosts = HostTable.build(
        n_cores=rng.choice([8, 16, 32], size=n_hosts),
        cpu_mhz=np.full(n_hosts, 2400.0),
        memory_mib=rng.choice([64.0, 128.0, 384.0], size=n_hosts) * GIB,
        perf_per_core=rng.choice([0.7, 1.0], size=n_hosts),
    )
    vms = VmTable.build(
        n_vcpus=rng.integers(1, 8, n_vms),
        memory_mib=rng.choice([2.0, 8.0, 32.0], size=n_vms) * GIB,
        host=rng.integers(0, n_hosts, n_vms),
        cpu_p95_mhz=rng.uniform(100.0, 8000.0, n_vms),
    )
    policy = Policy(ha_reserve_hosts=k, scope="estate")
    r = plan_consolidation(hosts=hosts, vms=vms, policy=policy, method="heuristic")
    raw = host_capacity(hosts=hosts, ceiling=1.0)[r.target_existing_host]
    load = np.column_stack([r.cpu_utilisation, r.memory_utilisation]) * raw
    reserve = r.target_is_ha_reserve
    if r.ha_reserve_uncovered == () and (~reserve).any():
        assert reserve.sum() >= k
        need = -np.sort(-load[~reserve], axis=0)[:k].sum(axis=0)
        assert (raw[reserve].sum(axis=0) * 0.8 >= need - 1e-6).all()
        if r.status != "PARTIAL":
            assert r.lower_bound <= r.n_hosts_after
    assert not load[reserve].any()
