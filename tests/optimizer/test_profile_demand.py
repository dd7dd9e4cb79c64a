"""The plan packs on usage profiles (`Policy(demand="profile")`): hand-checked estates and invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import Assumptions, HostTable, Policy, VmTable, compute_demand, plan_consolidation, plan_replacement
from optimizer.demand import coarsen_max, profile_reference
from optimizer.fit import FIT_TOL
from optimizer.limits import host_quantities, limit_capacity, offer_quantities
from optimizer.vm_rows import concat_vms, take_vms
from tests.optimizer.estates import GIB, make_offer

#: 24 hourly slots; "day" VMs run 9 000 MHz from 8h to 18h, "night" VMs the other 14 hours.
DAY = np.where((np.arange(24) >= 8) & (np.arange(24) < 18), 9000.0, 0.0)
NIGHT = 9000.0 - DAY
#: A host of 10 cores x 5 000 MHz at perf 1.0: 50 000 reference MHz raw, 40 000 usable at 0.8.
OFFER = make_offer(n_cores=10, cpu_mhz=5000.0, memory_mib=512 * GIB, perf_per_core=1.0)
PROFILE = Policy(ceiling=0.8, ha_reserve_hosts=1, scope="estate", demand="profile")
P95 = Policy(ceiling=0.8, ha_reserve_hosts=1, scope="estate", demand="p95")


def _hosts(n: int = 4) -> HostTable:
    return HostTable.build(
        n_cores=np.full(n, 10),
        cpu_mhz=np.full(n, 5000.0),
        memory_mib=np.full(n, 512 * GIB),
        perf_per_core=np.ones(n),
        purchase_year=np.full(n, 2012.0),
        purchase_price_eur_ttc=np.full(n, 10000.0),
    )


def _complementary() -> VmTable:
    """4 day VMs then 4 night VMs, P95 9 000 MHz each, two per host on 4 hosts."""
    return VmTable.build(
        n_vcpus=np.full(8, 2),
        memory_mib=np.full(8, 8 * GIB),
        host=np.repeat(np.arange(4), 2),
        cpu_p95_mhz=np.full(8, 9000.0),
        cpu_profile_mhz=np.vstack([np.tile(DAY, (4, 1)), np.tile(NIGHT, (4, 1))]),
    )


def test_new_offer_profiles_need_one_host_where_p95_needs_two() -> None:
    # P95: 8 x 9 000 = 72 000 > 40 000, and 5 x 9 000 > 40 000: 4 VMs a host, 2 hosts + 1 reserve.
    # Profiles: at every hour 4 VMs run, 36 000 <= 40 000: 1 host + 1 reserve.
    vms = _complementary()
    p95 = plan_consolidation(hosts=_hosts(), vms=vms, offer=OFFER, policy=P95)
    prof = plan_consolidation(hosts=_hosts(), vms=vms, offer=OFFER, policy=PROFILE)
    assert (p95.n_hosts_after, p95.demand) == (3, "p95")
    assert (prof.n_hosts_after, prof.demand, prof.p95_kept_groups) == (2, "profile", ())
    assert prof.n_ha_reserve_hosts == 1 and prof.n_vms_placed == 8
    # Utilisation: the peak over hours of the summed profile, 36 000 / 50 000 raw.
    loaded = ~prof.target_is_ha_reserve
    assert prof.cpu_utilisation[loaded].tolist() == pytest.approx([0.72])
    assert p95.cpu_utilisation[~p95.target_is_ha_reserve].tolist() == pytest.approx([0.72, 0.72])


def test_repack_profiles_free_one_more_host() -> None:
    vms = _complementary()
    p95 = plan_consolidation(hosts=_hosts(), vms=vms, offer=None, policy=P95)
    prof = plan_consolidation(hosts=_hosts(), vms=vms, offer=None, policy=PROFILE)
    assert (p95.n_hosts_after, prof.n_hosts_after) == (3, 2)
    assert prof.hosts_freed.size == 2 and prof.ha_reserve_uncovered == ()
    assert prof.lower_bound == 2 and prof.status == "OPTIMAL"


def test_replacement_buys_one_host_fewer_on_profiles() -> None:
    vms = _complementary()
    args = {"hosts": _hosts(), "vms": vms, "offers": OFFER, "start_year": 2026}
    p95 = plan_replacement(**args, policy=P95)  # type: ignore[arg-type]
    prof = plan_replacement(**args, policy=PROFILE)  # type: ignore[arg-type]
    assert int(p95.new_hosts_per_year.sum()) == 3  # 2 + reserve, every old host due in 2026
    assert int(prof.new_hosts_per_year.sum()) == 2
    assert (prof.placement >= 0).all()


def test_growth_applies_to_every_slot() -> None:
    # 25 % growth: in year 1 four VMs weigh 45 000 at every hour > 40 000: a second serving host.
    vms = _complementary()
    a = Assumptions(demand_growth_per_year=0.25)
    prof = plan_replacement(hosts=_hosts(), vms=vms, offers=OFFER, policy=PROFILE, start_year=2026, assumptions=a)
    assert prof.growth_hosts >= 1


def test_memory_bound_estate_keeps_the_p95_packing_when_profiles_need_more() -> None:
    # Memory binds (200 GiB VMs on 409,6 GiB usable): 2 VMs a host whatever the CPU; never more hosts on profiles.
    rng = np.random.default_rng(3)
    m = 12
    vms = VmTable.build(
        n_vcpus=np.full(m, 2),
        memory_mib=np.full(m, 200 * GIB),
        host=np.arange(m) % 4,
        cpu_p95_mhz=np.full(m, 3000.0),
        cpu_profile_mhz=rng.uniform(0, 9000, size=(m, 24)),  # peaks above the P95
    )
    p95 = plan_consolidation(hosts=_hosts(), vms=vms, offer=OFFER, policy=P95)
    prof = plan_consolidation(hosts=_hosts(), vms=vms, offer=OFFER, policy=PROFILE)
    assert prof.n_hosts_after <= p95.n_hosts_after
    assert p95.n_hosts_after == 7  # 6 hosts of 2 VMs + reserve


def test_profiles_peaking_above_the_p95_fall_back_to_it() -> None:
    # Each VM's profile is flat at 12 000 (above its 9 000 P95): profiles need 3 VMs a host, P95 4.
    vms = VmTable.build(
        n_vcpus=np.full(8, 2),
        memory_mib=np.full(8, 8 * GIB),
        host=np.repeat(np.arange(4), 2),
        cpu_p95_mhz=np.full(8, 9000.0),
        cpu_profile_mhz=np.full((8, 24), 12000.0),
    )
    prof = plan_consolidation(hosts=_hosts(), vms=vms, offer=OFFER, policy=PROFILE)
    assert prof.n_hosts_after == 3 and prof.p95_kept_groups == (-1,)
    assert prof.demand == "profile"


def test_profile_reference_uses_each_vms_own_factor_and_fills_gaps() -> None:
    cpu_ref = np.array([2000.0, 600.0, 900.0])
    raw = np.array([1000.0, 300.0, np.nan])  # factors 2, 2; the third has no P95: the median, 2
    prof = np.array([[100.0, np.nan], [50.0, 150.0], [10.0, 20.0]])
    out = profile_reference(prof, cpu_ref, raw)
    assert out.tolist() == [[200.0, 2000.0], [100.0, 300.0], [20.0, 40.0]]


def test_coarsen_max_keeps_the_peak_of_each_window() -> None:
    fine = np.arange(288, dtype=float).reshape(1, 288) % 7
    coarse = coarsen_max(fine, 72)
    assert coarse.shape == (1, 72)
    assert (coarse[0] == fine[0].reshape(72, 4).max(axis=1)).all()
    assert coarsen_max(fine[:, :24], 72).shape == (1, 24)


def test_profiles_follow_subsets_and_concatenation() -> None:
    vms = _complementary()
    sub = take_vms(vms, [7, 0])
    assert sub.cpu_profile_mhz is not None and sub.cpu_profile_mhz[0].tolist() == NIGHT.tolist()
    both = concat_vms(sub, VmTable.build(n_vcpus=[1], memory_mib=[GIB], host=[-1]))
    assert both.cpu_profile_mhz is not None and np.isnan(both.cpu_profile_mhz[2]).all()
    with pytest.raises(ValueError, match="cpu_profile_mhz"):
        VmTable.build(n_vcpus=[1], memory_mib=[GIB], host=[0], cpu_profile_mhz=np.ones((2, 3)))


def test_without_profiles_profile_demand_is_the_p95_plan() -> None:
    vms = take_vms(_complementary(), np.arange(8), cpu_profile_mhz=None)
    prof = plan_consolidation(hosts=_hosts(), vms=vms, offer=OFFER, policy=PROFILE)
    assert (prof.n_hosts_after, prof.demand) == (3, "p95")


@st.composite
def _estates(draw: st.DrawFn) -> tuple[HostTable, VmTable, Policy]:
    m = draw(st.integers(min_value=1, max_value=30))
    seed = draw(st.integers(min_value=0, max_value=10_000))
    rng = np.random.default_rng(seed)
    n_hosts = draw(st.integers(min_value=2, max_value=6))
    hosts = HostTable.build(
        n_cores=rng.integers(4, 16, size=n_hosts),
        cpu_mhz=np.full(n_hosts, 3000.0),
        memory_mib=rng.choice([64, 128], size=n_hosts) * GIB,
        perf_per_core=rng.uniform(0.6, 1.2, size=n_hosts),
        cluster=rng.integers(0, 2, size=n_hosts),
    )
    profile = rng.uniform(0, 8000, size=(m, 12)) * (rng.random((m, 12)) < 0.6)
    profile[rng.random((m, 12)) < 0.1] = np.nan
    vms = VmTable.build(
        n_vcpus=rng.integers(1, 8, size=m),
        memory_mib=rng.uniform(1, 32, size=m) * GIB,
        host=rng.integers(0, n_hosts, size=m),
        cpu_p95_mhz=np.where(rng.random(m) < 0.8, rng.uniform(100, 6000, size=m), np.nan),
        cpu_profile_mhz=profile,
    )
    policy = Policy(
        ceiling=draw(st.sampled_from([0.5, 0.8, 1.0])),
        ha_reserve_hosts=draw(st.integers(min_value=0, max_value=1)),
        scope=draw(st.sampled_from(["cluster", "estate"])),
        vcpu_ratio=draw(st.sampled_from([None, 2.0, 4.0])),
        memory_overcommit=draw(st.sampled_from([None, 1.0])),
        demand="profile",
    )
    return hosts, vms, policy


@settings(max_examples=40, deadline=None)
@given(case=_estates(), on_offer=st.booleans())
def test_every_slot_memory_and_caps_hold_and_the_reserve_covers(
    case: tuple[HostTable, VmTable, Policy], on_offer: bool
) -> None:
    hosts, vms, policy = case
    offer = OFFER if on_offer else None
    result = plan_consolidation(hosts=hosts, vms=vms, offer=offer, policy=policy, method="heuristic")
    p95 = plan_consolidation(hosts=hosts, vms=vms, offer=offer, policy=Policy(**{**policy.to_dict(), "demand": "p95"}))
    assert result.n_vms_placed >= p95.n_vms_placed
    if result.n_vms_placed == p95.n_vms_placed:
        assert result.n_hosts_after <= p95.n_hosts_after  # never worse than the P95
    demand = compute_demand(hosts=hosts, vms=vms, assumptions=Assumptions(), policy=policy)
    assert demand.cpu_profile_ref_mhz is not None
    t = result.target_is_ha_reserve.size
    raw = np.tile(offer_quantities(OFFER), (t, 1)) if on_offer else host_quantities(hosts)[result.target_existing_host]
    slots = demand.n_slots
    caps = limit_capacity(raw, policy, slots)  # (t, slots + 1 + caps)
    sizes = np.column_stack([demand.cpu_profile_ref_mhz, demand.memory_mib])
    extra = []
    if policy.vcpu_ratio is not None:
        extra.append(vms.n_vcpus[demand.vm_index].astype(float))
    if policy.memory_overcommit is not None:
        extra.append(vms.memory_mib[demand.vm_index])
    sizes = np.column_stack([sizes, *extra]) if extra else sizes
    where = result.placement[demand.vm_index]
    load = np.zeros((t, sizes.shape[1]))
    if on_offer:
        ok = where >= 0
        np.add.at(load, where[ok], sizes[ok])
    else:
        row = {int(h): i for i, h in enumerate(result.target_existing_host)}
        for p in np.flatnonzero(where >= 0):
            load[row[int(where[p])]] += sizes[p]
    kept = set(result.p95_kept_groups)
    on_profiles = np.array([c not in kept for c in result.target_cluster]) if t else np.zeros(0, bool)
    slack = FIT_TOL * np.maximum(caps.max(axis=0), 1.0) * 10
    # Groups packed on profiles: every slot under the usable CPU; all: memory and caps.
    assert (load[on_profiles] <= caps[on_profiles] + slack).all()
    assert (load[:, slots:] <= caps[:, slots:] + slack[slots:]).all()
    if not on_offer and policy.ha_reserve_hosts and not result.ha_reserve_uncovered:
        for g in np.unique(result.target_cluster):
            mine = result.target_cluster == g
            spare = mine & result.target_is_ha_reserve
            used = mine & ~result.target_is_ha_reserve & (load.sum(axis=1) > 0)
            if g in kept or not used.any():
                continue
            # The reserve carries the largest host's load at every slot, memory and caps.
            assert (caps[spare].sum(axis=0) + slack >= load[used].max(axis=0)).all()
