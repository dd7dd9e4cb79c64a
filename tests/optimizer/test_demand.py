import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer import (
    Assumptions,
    HostTable,
    Policy,
    ReasonCode,
    UsageSource,
    VmTable,
    apportion_host_usage,
    compute_demand,
    data_confidence,
    host_capacity,
)


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


def test_templates_and_powered_off_vms_left_out_in_vm_order_with_figureless_reasons() -> None:
    # Templates and powered-off VMs interleaved; a powered-off template is reported as a template.
    # The reasons carry no figure (one instance is shared per code) and pickle (the dashboard caches them).
    vms = VmTable.build(
        n_vcpus=[1] * 6,
        memory_mib=[100] * 6,
        host=[0] * 6,
        powered_on=[False, True, True, False, False, True],
        is_template=[False, True, False, True, False, False],
    )
    policy = Policy(include_powered_off=False, include_templates=False)
    d = compute_demand(hosts=_hosts(), vms=vms, assumptions=Assumptions(), policy=policy)
    template, off = ReasonCode.TEMPLATE, ReasonCode.POWERED_OFF
    assert [(i, r.code) for i, r in d.excluded] == [(0, off), (1, template), (3, template), (4, off)]
    assert d.vm_index.tolist() == [2, 5] and all(dict(r.params) == {} for _, r in d.excluded)
    assert pickle.loads(pickle.dumps(d.excluded)) == d.excluded


def _one_host(**usage: float) -> HostTable:
    # 2 × 10 cores at 2 000 MHz = 40 000 MHz; 100 000 MiB; perf 1 so MHz read as reference MHz.
    return HostTable.build(n_cores=[20], cpu_mhz=[2000], memory_mib=[100_000], perf_per_core=[1.0], **usage)


def test_host_usage_is_apportioned_by_vcpus_after_the_vms_with_their_own_figure() -> None:
    hosts = _one_host(cpu_usage_mhz=[20_000], memory_usage_mib=[50_000])
    vms = VmTable.build(
        n_vcpus=[4, 6, 2, 8],
        memory_mib=[8_000, 12_000, 4_000, 16_000],
        host=[0, 0, 0, 0],
        cpu_p95_mhz=[np.nan, np.nan, 1_000, np.nan],
        memory_p95_mib=[np.nan, np.nan, 2_000, np.nan],
        usage_source=[3, 3, 0, 3],
        powered_on=[True, True, True, False],  # the powered-off VM takes no share
    )
    a = Assumptions(sample_safety_factor=1.0)
    # CPU: 20 000 − 1 000 (VM 2's own) = 19 000 shared over 10 vCPUs → 1 900 per vCPU.
    d = compute_demand(hosts=hosts, vms=vms, assumptions=a, policy=Policy(use_memory_p95=True))
    assert d.vm_index.tolist() == [0, 1, 2, 3]
    assert d.cpu_ref_mhz[:3].tolist() == pytest.approx([7_600, 11_400, 1_000])
    assert d.usage_source.tolist() == [
        UsageSource.HOST_APPORTIONED,
        UsageSource.HOST_APPORTIONED,
        UsageSource.MEASURED_P95,
        UsageSource.ESTIMATED,  # powered off: no share of the host's usage, estimated as before
    ]
    assert d.cpu_ref_mhz[3] == pytest.approx(8 * 2000 * 0.5)
    # Memory: 50 000 − 2 000 = 48 000 shared over 20 000 MiB allocated → 2.4 per MiB, capped at the allocation.
    assert d.memory_mib[:3].tolist() == pytest.approx([8_000, 12_000, 2_000])
    half = _one_host(cpu_usage_mhz=[20_000], memory_usage_mib=[12_000])
    d = compute_demand(hosts=half, vms=vms, assumptions=a, policy=Policy(use_memory_p95=True))
    assert d.memory_mib[:2].tolist() == pytest.approx([4_000, 6_000])  # 10 000 / 20 000 → 0.5 per MiB
    assert d.cpu_estimated.tolist() == [False, False, False, True]


def test_samples_get_the_safety_factor_capped_at_the_allocation() -> None:
    vms = VmTable.build(
        n_vcpus=[2, 2, 2],
        memory_mib=[4_000, 4_000, 4_000],
        host=[0, 0, 0],
        cpu_p95_mhz=[1_000, 3_000, 1_000],
        memory_p95_mib=[1_000, 3_000, 1_000],
        usage_source=[UsageSource.SAMPLE, UsageSource.SAMPLE, UsageSource.MEASURED_P95],
    )
    a = Assumptions(sample_safety_factor=1.5)
    d = compute_demand(hosts=_one_host(), vms=vms, assumptions=a, policy=Policy(use_memory_p95=True))
    # 1 000 × 1.5; 3 000 × 1.5 = 4 500 > 2 vCPUs × 2 000 MHz → 4 000; a measured P95 as it is.
    assert d.cpu_ref_mhz.tolist() == pytest.approx([1_500, 4_000, 1_000])
    assert d.memory_mib.tolist() == pytest.approx([1_500, 4_000, 1_000])
    assert d.usage_source.tolist() == [UsageSource.SAMPLE, UsageSource.SAMPLE, UsageSource.MEASURED_P95]


def test_confidence_shares_and_levels_by_hand() -> None:
    source = np.array([UsageSource.MEASURED_P95] * 2 + [UsageSource.SAMPLE, UsageSource.ESTIMATED], dtype=np.int8)
    cpu = np.array([4_000.0, 1_000.0, 3_000.0, 2_000.0])  # 10 000 MHz in all
    days = np.array([30.0, 2.0, np.nan, np.nan])
    c = data_confidence(cpu, source, days, min_days=7)
    assert (c.share_measured, c.share_measured_short, c.share_sample, c.share_estimated) == pytest.approx(
        (0.4, 0.1, 0.3, 0.2)
    )
    # 0.4 × 1 + (0.1 + 0.3) × 0.5 + 0.2 × 0 = 0.6: not above 60 % → level 3.
    assert c.score == pytest.approx(0.6) and c.level == 3 and not c.mostly_estimated
    assert data_confidence(cpu, source, days, min_days=1).level == 4  # 0.5 + 0.15 = 0.65
    estimated = np.full(4, UsageSource.ESTIMATED, dtype=np.int8)
    c = data_confidence(cpu, estimated, days, min_days=7)
    assert (c.level, c.mostly_estimated) == (1, True)
    apportioned = np.full(4, UsageSource.HOST_APPORTIONED, dtype=np.int8)
    assert data_confidence(cpu, apportioned, days, min_days=7).level == 2  # 0.25
    measured = np.zeros(4, dtype=np.int8)
    assert data_confidence(cpu, measured, np.full(4, 7.0), min_days=7).level == 5


@given(
    st.lists(
        st.tuples(st.floats(0, 1e5), st.integers(0, 3), st.floats(0, 60)),
        min_size=1,
        max_size=30,
    )
)
def test_confidence_shares_sum_to_one_and_level_follows_score(rows: list[tuple[float, int, float]]) -> None:
    cpu = np.array([r[0] for r in rows])
    source = np.array([r[1] for r in rows], dtype=np.int8)
    c = data_confidence(cpu, source, np.array([r[2] for r in rows]), min_days=7)
    total = c.share_measured + c.share_measured_short + c.share_sample + c.share_host_apportioned + c.share_estimated
    assert total == pytest.approx(1.0)
    assert 0 <= c.score <= 1 + 1e-9 and 1 <= c.level <= 5
    assert c.level == 1 + sum(c.score > b + 1e-12 for b in (0.2, 0.4, 0.6, 0.8))


def test_confidence_counts_vms_by_source() -> None:
    source = np.array([0, 1, 1, 2, 3, 3, 3], dtype=np.int8)
    c = data_confidence(np.ones(7), source, np.full(7, np.nan), min_days=7)
    assert c.n_by_source == (1, 2, 1, 3) and c.n_vms == 7
    assert c.share_estimated == pytest.approx(3 / 7)


def test_no_host_means_nothing_to_apportion() -> None:
    empty = HostTable.build(n_cores=[], cpu_mhz=[], memory_mib=[])
    vms = VmTable.build(n_vcpus=[2], memory_mib=[1_000], host=[-1])
    cpu, memory = apportion_host_usage(empty, vms)
    assert np.isnan(cpu).all() and np.isnan(memory).all()
    d = compute_demand(hosts=empty, vms=vms, assumptions=Assumptions(), policy=Policy())
    assert d.usage_source.tolist() == [UsageSource.ESTIMATED] and d.cpu_ref_mhz[0] == pytest.approx(2 * 2400 * 0.5)
