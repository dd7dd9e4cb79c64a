import numpy as np
import pytest

from optimizer import Assumptions, HostTable, Policy, ReasonCode, VmTable, compute_demand, host_capacity


def _hosts() -> HostTable:
    return HostTable.build(n_cores=[10, 10], cpu_mhz=[2000, 3000], memory_mib=[1000, 1000], perf_per_core=[0.5, 1.0])


def test_cpu_is_normalised_to_reference_cores() -> None:
    vms = VmTable.build(n_vcpus=[2, 2], memory_mib=[100, 100], host=[0, 1], cpu_p95_mhz=[1000, 1000])
    d = compute_demand(hosts=_hosts(), vms=vms, assumptions=Assumptions(), policy=Policy())
    assert d.cpu_ref_mhz.tolist() == [500.0, 1000.0]
    cap = host_capacity(hosts=_hosts(), ceiling=0.5)
    assert cap[0].tolist() == [10 * 2000 * 0.5 * 0.5, 500.0]


def test_unknown_p95_falls_back_to_share_of_allocation_and_comfort_factor() -> None:
    vms = VmTable.build(n_vcpus=[4], memory_mib=[100], host=[1])
    a = Assumptions(cpu_unknown_fraction=0.25, cpu_comfort_factor=1.3)
    d = compute_demand(hosts=_hosts(), vms=vms, assumptions=a, policy=Policy())
    assert d.cpu_estimated.tolist() == [True]
    assert d.cpu_ref_mhz[0] == pytest.approx(4 * 3000 * 0.25 * 1.3)


def test_policy_filters_and_memory_p95() -> None:
    vms = VmTable.build(
        n_vcpus=[1, 1, 1],
        memory_mib=[800, 800, 800],
        host=[0, 0, 0],
        memory_p95_mib=[200, np.nan, 900],
        powered_on=[True, False, True],
        is_template=[False, False, True],
    )
    d = compute_demand(hosts=_hosts(), vms=vms, assumptions=Assumptions(), policy=Policy())
    assert d.vm_index.tolist() == [0, 1] and [(i, r.code) for i, r in d.excluded] == [(2, ReasonCode.TEMPLATE)]
    d = compute_demand(
        hosts=_hosts(),
        vms=vms,
        assumptions=Assumptions(),
        policy=Policy(include_powered_off=False, include_templates=True, use_memory_p95=True),
    )
    assert d.vm_index.tolist() == [0, 2] and [(i, r.code) for i, r in d.excluded] == [(1, ReasonCode.POWERED_OFF)]
    assert d.memory_mib.tolist() == [200.0, 800.0]  # P95 never above the allocation
