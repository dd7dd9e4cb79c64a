"""plan_consolidation under placement rules, and its count of migrations."""

from __future__ import annotations

import numpy as np

from optimizer import HostTable, Policy, VmTable, plan_consolidation
from optimizer.constraints import PlacementRules
from optimizer.reasons import ReasonCode
from tests.optimizer.estates import GIB, make_estate, make_offer

FLAT = Policy(ceiling=1.0, ha_reserve_hosts=0, scope="estate")


def _estate(memory_gib: list[float], host: list[int], n_hosts: int) -> tuple[HostTable, VmTable]:
    """Hosts of 100 GiB and ample CPU; VMs sized by memory, on the given hosts."""
    hosts = HostTable.build(
        n_cores=np.full(n_hosts, 64), cpu_mhz=np.full(n_hosts, 2400.0), memory_mib=np.full(n_hosts, 100 * GIB)
    )
    m = len(memory_gib)
    vms = VmTable.build(
        n_vcpus=np.ones(m, dtype=np.int64),
        memory_mib=np.array(memory_gib) * GIB,
        host=np.array(host),
        cpu_p95_mhz=np.full(m, 100.0),
        memory_p95_mib=np.array(memory_gib) * GIB,
    )
    return hosts, vms


def test_repack_keeps_vms_home_and_counts_migrations() -> None:
    hosts, vms = _estate([10, 60, 30], [0, 1, 1], 2)
    r = plan_consolidation(hosts=hosts, vms=vms, policy=FLAT, method="heuristic")
    assert r.n_hosts_after == 1 and r.placement.tolist() == [1, 1, 1] and r.n_migrations == 1


def test_anti_affinity_and_stay_in_a_repack() -> None:
    hosts, vms = _estate([10, 10, 10], [0, 1, 2], 3)
    rules = PlacementRules(anti_affinity=(("dc", np.array([0, 1])),), stay_hosts=np.array([2]))
    r = plan_consolidation(hosts=hosts, vms=vms, policy=FLAT, method="heuristic", rules=rules)
    assert r.placement[0] != r.placement[1] and r.placement[2] == 2
    assert r.n_hosts_after == 2 and r.n_migrations == 1 and r.lower_bound == 2


def test_pin_outside_the_targets_is_reported() -> None:
    hosts, vms = _estate([10, 10], [0, 1], 2)
    rules = PlacementRules(pin_vm=np.array([0]), pin_host=np.array([1]))
    ok = plan_consolidation(hosts=hosts, vms=vms, policy=FLAT, method="heuristic", rules=rules)
    assert ok.placement.tolist() == [1, 1] and ok.n_migrations == 1
    two = Policy(ceiling=1.0, ha_reserve_hosts=0, scope="cluster")
    split = HostTable.build(
        n_cores=np.full(2, 64), cpu_mhz=np.full(2, 2400.0), memory_mib=np.full(2, 100 * GIB), cluster=np.array([0, 1])
    )
    r = plan_consolidation(hosts=split, vms=vms, policy=two, method="heuristic", rules=rules)
    assert [(v, u.code) for v, u in r.unplaced] == [(0, ReasonCode.PINNED_HOST_UNAVAILABLE)]


def test_offer_plan_moves_every_vm_and_respects_anti_affinity() -> None:
    hosts, vms = make_estate(n_hosts=4, vms_per_host=5, n_clusters=1)
    plain = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), method="heuristic")
    assert plain.n_migrations == plain.n_vms_placed == vms.n_vms
    rules = PlacementRules(anti_affinity=(("nodes", np.array([0, 1, 2])),))
    r = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), method="heuristic", rules=rules)
    assert np.unique(r.placement[:3]).size == 3 and r.n_hosts_after >= 3 + 1  # plus the HA reserve
    assert plain.n_hosts_after < r.n_hosts_after
