"""Limits vSphere enforces besides demand under the ceiling: vCPU : core ratio, memory overcommit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import HostTable, Policy, PolicyError, VmTable, plan_consolidation
from optimizer.limits import LIMIT_NAMES, limit_capacity, limiting, limiting_rows, offer_quantities, packing_dims
from tests.optimizer.estates import GIB, make_offer

#: 8 cores at 2 000 MHz, perf 1.0 (16 000 ref MHz), 64 GiB.
SMALL = {"name": "8c", "n_cores": 8, "cpu_mhz": 2000.0, "memory_mib": 64 * GIB, "perf_per_core": 1.0}


def _vms(vcpus: list[int], cpu_mhz: list[float], memory_gib: list[float], **columns: object) -> VmTable:
    n = len(vcpus)
    return VmTable.build(
        n_vcpus=np.array(vcpus),
        memory_mib=np.array(memory_gib) * GIB,
        host=np.full(n, -1),
        cpu_p95_mhz=np.array(cpu_mhz),
        **columns,
    )


def _no_hosts() -> HostTable:
    return HostTable.build(n_cores=np.zeros(0), cpu_mhz=np.zeros(0), memory_mib=np.zeros(0))


def test_packing_dims_follow_the_caps_set() -> None:
    assert packing_dims(Policy(vcpu_ratio=None)).tolist() == [0, 1]
    assert packing_dims(Policy()).tolist() == [0, 1, 2]  # 4:1 by default
    assert packing_dims(Policy(memory_overcommit=1.5)).tolist() == [0, 1, 2, 3]
    # 8 cores x 4 = 32 vCPU slots; 64 GiB x 1.5 = 96 GiB allocated; CPU and memory x 0.8.
    caps = limit_capacity(offer_quantities(make_offer(**SMALL)), Policy(memory_overcommit=1.5))
    assert caps.tolist() == pytest.approx([12800.0, 0.8 * 64 * GIB, 32.0, 96 * GIB])


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), True, "4"])
def test_bad_caps_are_refused(value: object) -> None:
    with pytest.raises(PolicyError):
        Policy(vcpu_ratio=value)  # type: ignore[arg-type]
    with pytest.raises(PolicyError):
        Policy(memory_overcommit=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["heuristic", "exact"])
def test_vcpu_ratio_opens_hosts_the_demand_would_not_need(method: str) -> None:
    # Six 4-vCPU VMs using 100 MHz and 1 GiB each: demand fits one 8-core host (600 of 16 000 MHz),
    # but at 2 vCPUs per core a host takes 16 vCPUs, i.e. 4 VMs: 24 vCPUs need 2 hosts.
    vms = _vms([4] * 6, [100.0] * 6, [1.0] * 6)
    offer = make_offer(**SMALL)
    free = Policy(ceiling=1.0, ha_reserve_hosts=0, vcpu_ratio=None)
    capped = Policy(ceiling=1.0, ha_reserve_hosts=0, vcpu_ratio=2.0)
    assert plan_consolidation(hosts=_no_hosts(), vms=vms, offer=offer, policy=free).n_hosts_after == 1
    r = plan_consolidation(hosts=_no_hosts(), vms=vms, offer=offer, policy=capped, method=method)  # type: ignore[arg-type]
    assert r.n_hosts_after == 2 and r.lower_bound == 2 and r.status == "OPTIMAL"
    assert (r.vcpus_per_core <= 2.0).all() and (r.vcpus_per_core * 8).sum() == 24
    assert r.limiting_resource == "vcpu_ratio"  # 24 of 32 slots, against 600 of 32 000 MHz
    assert r.target_limit == ("vcpu_ratio", "vcpu_ratio")
    # A host with n VMs: n x 4 vCPUs of 16 slots, n x 100 of 16 000 MHz, n GiB of 64 GiB.
    for row, per_core in zip(r.limit_shares.tolist(), r.vcpus_per_core.tolist(), strict=True):
        n = per_core * 8 / 4
        assert row[:3] == pytest.approx([n * 100 / 16000, n / 64, n * 4 / 16])
        assert np.isnan(row[3])  # no memory overcommit cap


def test_memory_overcommit_caps_allocation_when_memory_is_sized_on_p95() -> None:
    # Four VMs of 48 GiB allocated, 8 GiB P95: on P95 the 64 GiB host holds all four (32 GiB),
    # but at most 1.5 x 64 = 96 GiB may be allocated on it, i.e. two VMs: 2 hosts.
    vms = _vms([1] * 4, [100.0] * 4, [48.0] * 4, memory_p95_mib=np.full(4, 8 * GIB))
    base = {"ceiling": 1.0, "ha_reserve_hosts": 0, "use_memory_p95": True, "vcpu_ratio": None}
    offer = make_offer(**SMALL)
    assert plan_consolidation(hosts=_no_hosts(), vms=vms, offer=offer, policy=Policy(**base)).n_hosts_after == 1  # type: ignore[arg-type]
    r = plan_consolidation(hosts=_no_hosts(), vms=vms, offer=offer, policy=Policy(**base, memory_overcommit=1.5))  # type: ignore[arg-type]
    assert r.n_hosts_after == 2 and r.lower_bound == 2
    assert r.memory_allocated_ratio.tolist() == pytest.approx([1.5, 1.5])  # 96 GiB on 64 GiB
    assert r.limiting_resource == "memory_overcommit"


def test_demand_still_limits_when_the_caps_are_loose() -> None:
    # Two VMs of 1 vCPU using 10 000 ref MHz: CPU demand, not vCPUs, needs 2 hosts of 16 000 x 0.8.
    vms = _vms([1, 1], [10000.0, 10000.0], [1.0, 1.0])
    r = plan_consolidation(hosts=_no_hosts(), vms=vms, offer=make_offer(**SMALL), policy=Policy(ha_reserve_hosts=0))
    assert r.n_hosts_after == 2 and r.limiting_resource == "cpu"
    assert r.target_limit == ("cpu", "cpu")


def test_vcpu_ratio_applies_to_existing_hosts_too() -> None:
    # Two existing hosts of 4 cores; 12 single-vCPU VMs of little demand: at 2:1 a host takes 8.
    hosts = HostTable.build(
        n_cores=[4, 4], cpu_mhz=[2000.0, 2000.0], memory_mib=[64 * GIB, 64 * GIB], perf_per_core=[1.0, 1.0]
    )
    vms = VmTable.build(
        n_vcpus=np.ones(12, dtype=int),
        memory_mib=np.full(12, GIB),
        host=np.zeros(12, dtype=int),
        cpu_p95_mhz=np.full(12, 50.0),
    )
    r = plan_consolidation(hosts=hosts, vms=vms, policy=Policy(ha_reserve_hosts=0, vcpu_ratio=2.0))
    assert r.n_hosts_after == 2 and (r.vcpus_per_core <= 2.0).all()
    assert (r.vcpus_per_core * 4).sum() == 12  # 12 vCPUs on 2 x 4 cores


def test_limiting_names_the_fullest_limit() -> None:
    assert limiting(np.array([0.2, 0.5, 0.9, np.nan])) == "vcpu_ratio"
    assert limiting(np.array([0.0, 0.0, np.nan, np.nan])) is None
    assert LIMIT_NAMES == ("cpu", "memory", "vcpu_ratio", "memory_overcommit")


_SHARE = st.sampled_from([np.nan, np.inf, 0.0, -0.5, 0.25, 0.5, 0.9, 1.2])


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_SHARE, min_size=4, max_size=4), max_size=12))
def test_limiting_rows_is_limiting_of_each_row(rows: list[list[float]]) -> None:
    shares = np.array(rows, dtype=float).reshape(-1, 4)
    assert limiting_rows(shares) == tuple(limiting(row) for row in shares)  # ties: the first, as nanargmax


@settings(max_examples=40, deadline=None)
@given(
    vcpus=st.lists(st.integers(1, 16), min_size=1, max_size=30),
    ratio=st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.0]),
    overcommit=st.sampled_from([None, 1.0, 1.2, 2.0]),
    existing=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_no_host_exceeds_the_caps(
    vcpus: list[int], ratio: float, overcommit: float | None, existing: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    m = len(vcpus)
    vms = VmTable.build(
        n_vcpus=np.array(vcpus),
        memory_mib=rng.choice([2.0, 8.0, 24.0, 60.0], size=m) * GIB,
        memory_p95_mib=rng.uniform(0.5, 2.0, m) * GIB,
        host=np.zeros(m, dtype=int) if existing else np.full(m, -1),
        cpu_p95_mhz=rng.uniform(10.0, 3000.0, m),
    )
    hosts = HostTable.build(
        n_cores=rng.choice([8, 16, 24], size=6),
        cpu_mhz=np.full(6, 2400.0),
        memory_mib=rng.choice([64.0, 128.0], size=6) * GIB,
        perf_per_core=np.ones(6),
    )
    policy = Policy(ha_reserve_hosts=1, vcpu_ratio=ratio, memory_overcommit=overcommit, use_memory_p95=True)
    offer = None if existing else make_offer(**SMALL)
    r = plan_consolidation(hosts=hosts, vms=vms, offer=offer, policy=policy, method="heuristic")
    assert (r.vcpus_per_core <= ratio + 1e-9).all()
    if overcommit is not None:
        assert (r.memory_allocated_ratio <= overcommit + 1e-9).all()
    assert (r.cpu_utilisation <= 0.8 + 1e-9).all() and (r.memory_utilisation <= 0.8 + 1e-9).all()
    assert r.lower_bound <= r.n_hosts_after or r.status == "PARTIAL"
    # A VM larger than every host's vCPU slots is reported, never placed.
    slots = ratio * (hosts.n_cores if existing else np.array([8]))
    too_big = np.array(vcpus) > slots.max()
    assert (r.placement[too_big] < 0).all()


@pytest.mark.parametrize("growth", [0.0, 0.10])
def test_the_replacement_plan_respects_the_vcpu_cap(growth: float) -> None:
    # 40 idle 4-vCPU VMs (160 vCPUs) on 4 old hosts: demand fits one 8-core offer host, but at
    # 2 vCPUs per core it takes 16 vCPUs (4 VMs): 10 hosts carry them, plus the reserve. Demand
    # growth shrinks CPU and memory room, never vCPU slots.
    from optimizer import Assumptions, plan_replacement

    hosts = HostTable.build(
        n_cores=np.full(4, 16),
        cpu_mhz=np.full(4, 2000.0),
        memory_mib=np.full(4, 128 * GIB),
        perf_per_core=np.ones(4),
        purchase_year=np.full(4, 2015.0),
    )
    vms = VmTable.build(
        n_vcpus=np.full(40, 4),
        memory_mib=np.full(40, GIB),
        host=np.repeat(np.arange(4), 10),
        cpu_p95_mhz=np.full(40, 50.0),
    )
    policy = Policy(scope="estate", vcpu_ratio=2.0)
    a = Assumptions(demand_growth_per_year=growth)
    plan = plan_replacement(
        hosts=hosts, vms=vms, offers=make_offer(**SMALL), assumptions=a, policy=policy, start_year=2027
    )
    placed = plan.placement >= 0
    assert placed.all()
    vcpus = np.bincount(plan.placement[placed], weights=vms.n_vcpus[placed], minlength=plan.new_host_year.size)
    assert (vcpus <= 2.0 * 8 + 1e-9).all()
    assert int((~plan.new_host_is_reserve).sum()) == 10 and int(plan.new_host_is_reserve.sum()) == 1
