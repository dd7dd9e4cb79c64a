import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer import (
    Assumptions,
    HostTable,
    PlanInputError,
    Policy,
    PolicyError,
    ReasonCode,
    VmTable,
    compare_offers,
    host_capacity,
    offer_capacity,
    plan_consolidation,
)
from tests.optimizer.estates import GIB, make_estate, make_offer


def _assert_capacity_respected(result, hosts, vms, ceiling):  # type: ignore[no-untyped-def]
    assert (result.cpu_utilisation <= ceiling + 1e-9).all()
    assert (result.memory_utilisation <= ceiling + 1e-9).all()
    assert not result.cpu_utilisation[result.target_is_ha_reserve].any()


def test_consolidates_onto_offer_per_cluster_with_ha() -> None:
    hosts, vms = make_estate(n_hosts=20, vms_per_host=6, n_clusters=2)
    r = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), method="heuristic")
    assert r.status in ("OPTIMAL", "FEASIBLE")
    assert (r.placement >= 0).all() and not r.unplaced
    assert r.n_ha_reserve_hosts == 2  # N+1 in each of the 2 clusters
    assert r.lower_bound <= r.n_hosts_after < hosts.n_hosts
    assert r.gap_hosts == r.n_hosts_after - r.lower_bound
    assert set(r.target_cluster.tolist()) == {0, 1}
    # A VM stays in its cluster.
    assert (r.target_cluster[r.placement] == vms.cluster).all()
    assert r.hosts_freed.tolist() == list(range(20))
    assert r.vms_per_host_after > r.vms_per_host_before == 6
    _assert_capacity_respected(r, hosts, vms, 0.8)
    assert r.policy.scope == "cluster" and r.assumptions["pue"] == 1.8
    assert r.hosts_with_estimates.size == 20  # no rated perf/power: catalogue figures
    assert r.n_vms_cpu_estimated == 0


def test_estate_scope_needs_no_more_hosts_than_cluster_scope() -> None:
    hosts, vms = make_estate(n_hosts=30, vms_per_host=5, n_clusters=3)
    by_cluster = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), method="heuristic")
    pooled = plan_consolidation(
        hosts=hosts, vms=vms, offer=make_offer(), policy=Policy(scope="estate"), method="heuristic"
    )
    assert pooled.n_ha_reserve_hosts == 1
    assert pooled.n_hosts_after <= by_cluster.n_hosts_after


def test_cautious_ceiling_needs_more_hosts() -> None:
    hosts, vms = make_estate(n_hosts=20, vms_per_host=6)
    normal = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), policy=Policy(scope="estate"))
    cautious = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), policy=Policy(scope="estate", ceiling=0.4))
    assert cautious.n_hosts_after > normal.n_hosts_after
    _assert_capacity_respected(cautious, hosts, vms, 0.4)


def test_repack_onto_existing_hosts_frees_some() -> None:
    hosts, vms = make_estate(n_hosts=12, vms_per_host=4, n_clusters=1)
    r = plan_consolidation(hosts=hosts, vms=vms, offer=None, method="heuristic")
    assert r.offer_name is None
    used = set(r.target_existing_host.tolist())
    assert set(r.placement.tolist()) <= used
    assert len(r.hosts_freed) == hosts.n_hosts - r.n_hosts_after > 0
    cap = host_capacity(hosts=hosts, ceiling=0.8)
    load = np.zeros(hosts.n_hosts)
    np.add.at(load, r.placement, vms.memory_mib)
    assert (load <= cap[:, 1] + 1e-6).all()


def test_cheapest_offer_is_chosen_by_tco() -> None:
    hosts, vms = make_estate(n_hosts=20, vms_per_host=6)
    cheap = make_offer(name="cheap", price_eur_ttc=10800.0)
    dear = make_offer(name="dear", price_eur_ttc=48000.0)
    cmp = compare_offers(
        hosts=hosts, vms=vms, offers=[dear, cheap], assumptions=Assumptions(), policy=Policy(), start_year=2026
    )
    assert cmp.best == 1 and cmp.best_result.offer_name == "cheap"
    assert cmp.tco_by_offer["cheap"] < cmp.tco_by_offer["dear"] and cmp.best_option.name == "cheap"
    with pytest.raises(PlanInputError):
        compare_offers(hosts=hosts, vms=vms, offers=[], assumptions=Assumptions(), policy=Policy(), start_year=2026)


def test_vm_bigger_than_any_host_is_reported() -> None:
    hosts, vms = make_estate(n_hosts=4, vms_per_host=2, n_clusters=1)
    big = VmTable.build(
        n_vcpus=np.append(vms.n_vcpus, 8),
        memory_mib=np.append(vms.memory_mib, 4096 * GIB),
        host=np.append(vms.host, 0),
        cpu_p95_mhz=np.append(vms.cpu_p95_mhz, 100.0),
    )
    r = plan_consolidation(hosts=hosts, vms=big, offer=make_offer())
    assert r.status == "PARTIAL" and r.placement[-1] == -1
    vm, reason = r.unplaced[0]
    assert vm == big.n_vms - 1 and reason.code == ReasonCode.TOO_LARGE
    assert reason.params["memory_mib"] == 4096 * GIB and reason.params["cpu_ref_mhz"] > 0
    assert (r.placement[:-1] >= 0).all()


def test_exact_method_reaches_the_bound_on_small_cluster() -> None:
    hosts, vms = make_estate(n_hosts=6, vms_per_host=5, n_clusters=1)
    small = make_offer(n_cores=16, memory_mib=256 * GIB)
    r = plan_consolidation(hosts=hosts, vms=vms, offer=small, method="exact", time_limit_s=10.0)
    assert r.solver.startswith("cp-sat")
    heur = plan_consolidation(hosts=hosts, vms=vms, offer=small, method="heuristic")
    assert r.lower_bound <= r.n_hosts_after <= heur.n_hosts_after


@pytest.mark.parametrize(
    "kw, code",
    [
        ({"method": "magic"}, "unknown_method"),
        ({"time_limit_s": 0.0}, "bad_time_limit"),
    ],
)
def test_bad_arguments_raise(kw: dict[str, object], code: str) -> None:
    hosts, vms = make_estate(n_hosts=2, vms_per_host=2)
    with pytest.raises(PlanInputError) as err:
        plan_consolidation(hosts=hosts, vms=vms, **kw)  # type: ignore[arg-type]
    assert err.value.code == code


@pytest.mark.parametrize("kw", [{"scope": "galaxy"}, {"ceiling": 1.5}, {"ha_reserve_hosts": -1}])
def test_bad_policy_raises(kw: dict[str, object]) -> None:
    with pytest.raises(PolicyError):
        Policy(**kw)  # type: ignore[arg-type]


def test_empty_estate_raises() -> None:
    hosts, _ = make_estate(n_hosts=2, vms_per_host=1)
    empty = VmTable.build(n_vcpus=[], memory_mib=[], host=[])
    with pytest.raises(PlanInputError) as err:
        plan_consolidation(hosts=hosts, vms=empty, offer=make_offer())
    assert err.value.code == "empty_estate" and err.value.params["n_vms"] == 0
    none = HostTable.build(n_cores=[], cpu_mhz=[], memory_mib=[])
    _, vms = make_estate(n_hosts=2, vms_per_host=1)
    orphans = VmTable.build(n_vcpus=vms.n_vcpus, memory_mib=vms.memory_mib, host=np.full(vms.n_vms, -1))
    with pytest.raises(PlanInputError) as err:
        plan_consolidation(hosts=none, vms=orphans, offer=None)
    assert err.value.code == "no_target_host"


def test_only_templates_gives_empty_status() -> None:
    hosts = HostTable.build(n_cores=[8], cpu_mhz=[2000], memory_mib=[8192])
    vms = VmTable.build(n_vcpus=[1], memory_mib=[1024], host=[0], is_template=[True])
    r = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer())
    assert r.status == "EMPTY" and r.n_hosts_after == 0 and r.unplaced[0][1].code == ReasonCode.TEMPLATE


def test_offer_capacity_uses_ceiling() -> None:
    cap = offer_capacity(offer=make_offer(), ceiling=0.5)
    assert cap.tolist() == [64 * 2800 * 0.5, 1024 * GIB * 0.5]
    assert Policy().ceiling == 0.8


@settings(max_examples=25, deadline=None)
@given(
    n_hosts=st.integers(1, 6),
    seed=st.integers(0, 10_000),
    scope=st.sampled_from(["cluster", "estate"]),
    to_offer=st.booleans(),
    ceiling=st.sampled_from([0.4, 0.8, 1.0]),
)
def test_plan_invariants(n_hosts: int, seed: int, scope: str, to_offer: bool, ceiling: float) -> None:
    rng = np.random.default_rng(seed)
    hosts = HostTable.build(
        n_cores=rng.choice([8, 16, 32], n_hosts),
        cpu_mhz=np.full(n_hosts, 2400.0),
        memory_mib=rng.choice([64, 128, 256], n_hosts) * GIB,
        cluster=rng.integers(0, 2, n_hosts),
        perf_per_core=rng.uniform(0.5, 1.0, n_hosts),
    )
    m = int(rng.integers(1, 40))
    host = rng.integers(0, n_hosts, m)
    vms = VmTable.build(
        n_vcpus=rng.integers(1, 16, m),
        memory_mib=rng.choice([1, 4, 16, 64, 200], m) * GIB,
        host=host,
        cluster=hosts.cluster[host],
        cpu_p95_mhz=rng.uniform(0, 20000, m),
        is_template=rng.random(m) < 0.1,
    )
    offer = make_offer(n_cores=16, memory_mib=128 * GIB) if to_offer else None
    r = plan_consolidation(
        hosts=hosts,
        vms=vms,
        offer=offer,
        policy=Policy(scope=scope, ceiling=ceiling),  # type: ignore[arg-type]
        method="heuristic",
    )
    # Every VM is placed or reported, never both.
    reported = {i for i, _ in r.unplaced}
    assert set(np.flatnonzero(r.placement < 0).tolist()) == reported
    # No target over its usable capacity.
    assert (r.cpu_utilisation <= ceiling + 1e-9).all() and (r.memory_utilisation <= ceiling + 1e-9).all()
    if r.status in ("OPTIMAL", "FEASIBLE"):
        assert r.lower_bound <= r.n_hosts_after
    if to_offer:
        assert r.target_existing_host.tolist() == [-1] * r.n_hosts_after
    else:
        assert set(r.placement[r.placement >= 0].tolist()) <= set(r.target_existing_host.tolist())


def test_repack_short_of_capacity_uses_every_host_and_reports_no_gap() -> None:
    # Regression: at a very low ceiling the packing stopped at the first VM it could not place,
    # leaving hosts unused, and the result reported a negative gap against a bound covering the
    # VMs left out.
    hosts, vms = make_estate(n_hosts=12, vms_per_host=8, n_clusters=2, seed=4)
    policy = Policy(ceiling=0.1, ha_reserve_hosts=0, scope="estate")
    r = plan_consolidation(hosts=hosts, vms=vms, policy=policy, method="heuristic")
    assert r.status == "PARTIAL" and r.unplaced
    assert r.gap_hosts is None and r.gap_pct is None
    assert r.n_vms_short == len(r.unplaced) > 0
    assert ReasonCode.NO_CAPACITY_LEFT in {reason.code for _, reason in r.unplaced}
    # Every unplaced VM fits in no host's residual capacity.
    cap = host_capacity(hosts=hosts, ceiling=0.1)
    load = np.zeros((hosts.n_hosts, 2))
    placed = r.placement >= 0
    from optimizer import compute_demand

    d = compute_demand(hosts=hosts, vms=vms, assumptions=Assumptions(), policy=Policy())
    row = {int(v): k for k, v in enumerate(d.vm_index.tolist())}
    for j in np.flatnonzero(placed).tolist():
        load[r.placement[j]] += d.sizes[row[j]]
    residual = cap - load
    for j, _ in r.unplaced:
        assert not (d.sizes[row[j]] <= residual + 1e-6).all(axis=1).any()
    assert r.hosts_freed.size == 0 or all(
        not (d.sizes[row[j]] <= cap[r.hosts_freed]).all(axis=1).any() for j, _ in r.unplaced
    )
