"""Reclamation: each rule, its precedence, the ballooning guard and the savings, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import Assumptions, HostTable, Policy, VmTable
from optimizer.reclaim import IDLE, KEEP, OVERSIZED, ZOMBIE, VmSignals, after_reclaim, find_reclaimable

NAN = float("nan")

# One host: 2 sockets x 10 cores at 2 000 MHz, perf 1.0, 256 GiB, 100 W idle, 300 W at full load.
HOST = HostTable.build(
    n_cores=[20],
    cpu_mhz=[2000.0],
    memory_mib=[262144.0],
    perf_per_core=[1.0],
    power_idle_w=[100.0],
    power_max_w=[300.0],
)
# Ceiling 0.8: usable 20 x 2 000 x 0.8 = 32 000 MHz and 262 144 x 0.8 = 209 715.2 MiB.
USABLE_CPU, USABLE_MEMORY = 32000.0, 209715.2
# 100 + 200 x 0.8 = 260 W at the ceiling; 260 x 8 760 / 1 000 x 1.8 (PUE) = 4 099.68 kWh a year.
HOST_KWH = 4099.68
# vSphere per core: 2 CPUs x max(10, 16) cores x 150 EUR HT x 1.2 = 5 760 EUR TTC a year.
VSPHERE_TTC = 5760.0
# Windows Datacenter: max(2 x max(10, 8), 16) = 20 cores x 380 = 7 600 HT; 25 % SA x 1.2 = 2 280 TTC.
WINDOWS_SA_TTC = 2280.0
A = Assumptions(vm_licence_eur_per_vcpu_per_year=100.0)  # 120 EUR TTC per vCPU removed

#          vcpus  memory  p95 MHz  mem p95  on     off days  missing active  pressure windows template
ROWS = [
    (4, 8192.0, NAN, NAN, False, 40.0, False, NAN, False, False, False),  # 0 zombie: off 40 days
    (4, 8192.0, NAN, NAN, False, 10.0, False, NAN, False, False, False),  # 1 off 10 days: kept
    (2, 4096.0, 50.0, 300.0, True, NAN, False, NAN, False, True, False),  # 2 idle (Windows)
    (2, 4096.0, 50.0, 3000.0, True, NAN, False, NAN, False, False, False),  # 3 busy memory: oversized vCPU
    (8, 32768.0, 3000.0, NAN, True, NAN, False, 2048.0, True, False, False),  # 4 balloons: memory kept
    (4, 16384.0, 5000.0, NAN, True, NAN, False, 4000.0, False, False, False),  # 5 oversized memory
    (2, 4096.0, 10.0, 100.0, True, NAN, True, NAN, False, False, False),  # 6 missing (and idle-looking)
    (2, 4096.0, NAN, NAN, False, 1000.0, False, NAN, False, False, True),  # 7 template: never classified
    (4, 8192.0, NAN, NAN, True, NAN, False, NAN, False, False, False),  # 8 nothing measured: kept
]


def _estate() -> tuple[VmTable, VmSignals]:
    cols = list(zip(*ROWS, strict=True))
    vms = VmTable.build(
        n_vcpus=cols[0],
        memory_mib=cols[1],
        host=[0] * len(ROWS),
        cpu_p95_mhz=cols[2],
        memory_p95_mib=cols[3],
        powered_on=cols[4],
        is_windows=cols[9],
        is_template=cols[10],
    )
    signals = VmSignals.build(
        len(ROWS), powered_off_days=cols[5], missing=cols[6], memory_active_mib=cols[7], memory_pressure=cols[8]
    )
    return vms, signals


def _result():  # type: ignore[no-untyped-def]
    vms, signals = _estate()
    return vms, find_reclaimable(hosts=HOST, vms=vms, signals=signals, assumptions=A, policy=Policy())


def test_each_rule_and_the_precedence() -> None:
    _, r = _result()
    assert r.category.tolist() == [ZOMBIE, KEEP, IDLE, OVERSIZED, OVERSIZED, OVERSIZED, ZOMBIE, KEEP, KEEP]
    assert r.missing.tolist() == [False] * 6 + [True, False, False]  # zombie before idle


def test_a_missing_vm_is_in_no_plan_so_frees_allocation_and_licences_only() -> None:
    _, r = _result()
    assert r.cpu_ref_mhz_freed[6] == 0.0 and r.memory_demand_mib_freed[6] == 0.0 and r.host_share[6] == 0.0
    assert (r.vcpus_freed[6], r.memory_mib_freed[6]) == (2, 4096.0)
    assert r.eur_per_year[6] == pytest.approx(2 * 120.0)


def test_zombie_frees_what_the_plan_reserves_for_it() -> None:
    _, r = _result()
    # Unmeasured powered-off VM placed by the default policy: 4 x 2 000 x 0.5 = 4 000 MHz, 8 192 MiB.
    assert r.cpu_ref_mhz_freed[0] == pytest.approx(4000.0)
    assert r.memory_demand_mib_freed[0] == pytest.approx(8192.0)
    share = 4000.0 / USABLE_CPU  # 0.125, CPU binds (8 192 / 209 715.2 = 0.039)
    assert r.host_share[0] == pytest.approx(share)
    assert r.energy_kwh[0] == pytest.approx(share * HOST_KWH)  # 512.46 kWh
    assert r.energy_eur[0] == pytest.approx(512.46 * 0.20)
    assert r.licences_eur[0] == pytest.approx(0.125 * VSPHERE_TTC + 4 * 120.0)  # 720 + 480
    assert r.eur_per_year[0] == pytest.approx(102.492 + 1200.0)
    assert r.kgco2e_per_year[0] == pytest.approx(512.46 * 0.052)
    assert (r.vcpus_freed[0], r.memory_mib_freed[0]) == (4, 8192.0)


def test_idle_windows_vm_frees_its_share_of_windows_assurance() -> None:
    _, r = _result()
    share = 4096.0 / USABLE_MEMORY  # memory binds: 0.01953125 > 50 / 32 000
    assert r.host_share[2] == pytest.approx(share)
    assert r.licences_eur[2] == pytest.approx(share * (VSPHERE_TTC + WINDOWS_SA_TTC) + 2 * 120.0)


def test_removing_vcpus_frees_licences_not_demand() -> None:
    _, r = _result()
    # VM 3: ceil(50 x 1.3 / 2 000) = 1 vCPU; memory ceil(3 000 x 1.3 / 1 024) = 4 GiB: unchanged.
    assert (r.recommended_vcpus[3], r.recommended_memory_mib[3]) == (1, 4096.0)
    assert r.cpu_ref_mhz_freed[3] == 0.0 and r.host_share[3] == 0.0 and r.energy_eur[3] == 0.0
    assert r.eur_per_year[3] == pytest.approx(120.0)


def test_never_shrink_the_memory_of_a_vm_that_balloons() -> None:
    _, r = _result()
    # VM 4: ceil(3 000 x 1.3 / 2 000) = 2 vCPUs of 8; its 2 GiB active would give 3 GiB, but it balloons.
    assert (r.recommended_vcpus[4], r.recommended_memory_mib[4]) == (2, 32768.0)
    assert r.memory_kept[4] and r.memory_mib_freed[4] == 0.0


def test_oversized_memory_is_right_sized_to_whole_gib() -> None:
    _, r = _result()
    # VM 5: ceil(5 000 x 1.3 / 2 000) = 4 vCPUs (kept); ceil(4 000 x 1.3 / 1 024) = 6 GiB of 16.
    assert (r.recommended_vcpus[5], r.recommended_memory_mib[5]) == (4, 6144.0)
    assert r.memory_demand_mib_freed[5] == pytest.approx(10240.0)
    assert r.host_share[5] == pytest.approx(10240.0 / USABLE_MEMORY)


def test_ranking_and_totals() -> None:
    _, r = _result()
    assert sorted(r.ranked.tolist()) == [0, 2, 3, 4, 5, 6]
    eur = r.eur_per_year[r.ranked]
    assert (np.diff(eur) <= 1e-9).all()
    assert r.ranked[0] == 0  # 1 302.49 EUR: the largest
    assert r.total("eur_per_year") == pytest.approx(float(r.eur_per_year.sum()))
    assert r.total("vcpus_freed", ZOMBIE) == 4 + 2
    assert r.count(OVERSIZED) == 3


def test_a_policy_that_leaves_powered_off_vms_out_frees_no_demand_for_them() -> None:
    vms, signals = _estate()
    r = find_reclaimable(hosts=HOST, vms=vms, signals=signals, assumptions=A, policy=Policy(include_powered_off=False))
    assert r.category[0] == ZOMBIE and r.host_share[0] == 0.0
    assert r.eur_per_year[0] == pytest.approx(4 * 120.0)


def test_thresholds_are_assumptions() -> None:
    vms, signals = _estate()
    strict = A.with_overrides(reclaim_powered_off_days=60, idle_cpu_mhz=40.0)
    r = find_reclaimable(hosts=HOST, vms=vms, signals=signals, assumptions=strict, policy=Policy())
    assert r.category[0] == KEEP and r.category[2] == OVERSIZED  # 50 MHz is no longer idle


def test_after_reclaim_drops_and_right_sizes() -> None:
    vms, r = _result()
    left = after_reclaim(vms=vms, result=r)
    assert left.ids == ("v1", "v3", "v4", "v5", "v7", "v8")
    assert left.n_vcpus.tolist() == [4, 1, 2, 4, 2, 4]
    assert left.memory_mib.tolist() == [8192.0, 4096.0, 32768.0, 6144.0, 4096.0, 8192.0]
    assert int(left.n_vcpus.sum()) == int(vms.n_vcpus.sum()) - r.total("vcpus_freed")


def test_no_host_frees_allocation_only() -> None:
    vms = VmTable.build(n_vcpus=[2], memory_mib=[4096.0], host=[-1], powered_on=[False])
    signals = VmSignals.build(1, powered_off_days=[100.0])
    empty = HostTable.build(n_cores=[], cpu_mhz=[], memory_mib=[])
    r = find_reclaimable(hosts=empty, vms=vms, signals=signals, assumptions=A, policy=Policy())
    assert r.category.tolist() == [ZOMBIE] and r.host_share.tolist() == [0.0]


@st.composite
def _estates(draw: st.DrawFn) -> tuple[VmTable, VmSignals]:
    m = draw(st.integers(1, 12))
    fl = st.floats(0.0, 20000.0)
    opt = st.one_of(st.just(NAN), fl)
    vms = VmTable.build(
        n_vcpus=draw(st.lists(st.integers(1, 16), min_size=m, max_size=m)),
        memory_mib=draw(st.lists(st.floats(512.0, 65536.0), min_size=m, max_size=m)),
        host=draw(st.lists(st.integers(-1, 0), min_size=m, max_size=m)),
        cpu_p95_mhz=draw(st.lists(opt, min_size=m, max_size=m)),
        memory_p95_mib=draw(st.lists(opt, min_size=m, max_size=m)),
        powered_on=draw(st.lists(st.booleans(), min_size=m, max_size=m)),
        is_template=draw(st.lists(st.booleans(), min_size=m, max_size=m)),
        is_windows=draw(st.lists(st.booleans(), min_size=m, max_size=m)),
    )
    signals = VmSignals.build(
        m,
        powered_off_days=draw(st.lists(st.one_of(st.just(NAN), st.floats(0.0, 400.0)), min_size=m, max_size=m)),
        missing=draw(st.lists(st.booleans(), min_size=m, max_size=m)),
        memory_pressure=draw(st.lists(st.booleans(), min_size=m, max_size=m)),
        memory_active_mib=draw(st.lists(opt, min_size=m, max_size=m)),
    )
    return vms, signals


@settings(max_examples=60, deadline=None)
@given(_estates())
def test_each_vm_once_and_never_more_freed_than_allocated(estate: tuple[VmTable, VmSignals]) -> None:
    vms, signals = estate
    r = find_reclaimable(hosts=HOST, vms=vms, signals=signals, assumptions=A, policy=Policy())
    ranked = r.ranked.tolist()
    assert len(ranked) == len(set(ranked)) == int((r.category != KEEP).sum())
    assert ((r.vcpus_freed >= 0) & (r.vcpus_freed <= vms.n_vcpus)).all()
    assert ((r.memory_mib_freed >= 0) & (r.memory_mib_freed <= vms.memory_mib)).all()
    assert (r.recommended_vcpus[r.category == OVERSIZED] >= 1).all()
    pressed = signals.memory_pressure & (r.category == OVERSIZED)
    assert (r.memory_mib_freed[pressed] == 0).all()
    assert (r.category[vms.is_template] == KEEP).all()
    assert (r.host_share >= 0).all() and np.isfinite(r.eur_per_year).all()
    assert r.cpu_ref_mhz_freed[r.category == OVERSIZED].sum() == 0.0
    assert r.total("eur_per_year") == pytest.approx(float(r.eur_per_year[r.ranked].sum()))
