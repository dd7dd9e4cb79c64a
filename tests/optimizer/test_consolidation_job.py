"""`Job.prefetch`: the heuristic packings of every group computed at once give the same plans."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import optimizer.consolidation_job as job_module
from optimizer import HostTable, Policy, VmTable, plan_consolidation
from optimizer.consolidation_result import ConsolidationResult
from tests.optimizer.estates import GIB, make_estate, make_offer


def _same_result(a: ConsolidationResult, b: ConsolidationResult) -> None:
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f.name
        else:
            assert x == y, f.name


def _profiled(hosts: HostTable, vms: VmTable, seed: int) -> VmTable:
    """The same VMs with a 12-slot CPU profile each."""
    rng = np.random.default_rng(seed)
    profile = vms.cpu_p95_mhz[:, None] * rng.uniform(0.1, 1.0, size=(vms.n_vms, 12))
    return dataclasses.replace(vms, cpu_profile_mhz=profile)


CASES = [
    ("heuristic", Policy()),
    ("heuristic", Policy(ceiling=0.5, vcpu_ratio=1.0)),  # the vCPU cap binds: packed on every dimension
    ("auto", Policy(ha_reserve_hosts=2)),
    ("exact", Policy(memory_overcommit=1.0)),
    ("heuristic", Policy(demand="profile")),
    ("heuristic", Policy(scope="estate")),
]


@pytest.mark.parametrize(("method", "policy"), CASES)
def test_prefetched_packings_give_the_plan_of_the_per_group_path(
    method: str, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    hosts, vms = make_estate(n_hosts=24, vms_per_host=14, n_clusters=5, seed=4)
    vms = _profiled(hosts, vms, 4) if policy.demand == "profile" else vms
    offer = make_offer(n_cores=16, memory_mib=256 * GIB)
    kw = {"hosts": hosts, "vms": vms, "offer": offer, "policy": policy, "method": method, "time_limit_s": 2.0}
    batched = plan_consolidation(**kw)  # type: ignore[arg-type]
    monkeypatch.setattr(job_module.Job, "prefetch", lambda self, groups: None)
    per_group = plan_consolidation(**kw)  # type: ignore[arg-type]
    _same_result(batched, per_group)
    assert batched.n_hosts_after > 5  # several hosts per cluster: the packings are not trivial


def test_groups_on_an_offer_are_not_packed_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    hosts, vms = make_estate(n_hosts=24, vms_per_host=14, n_clusters=5, seed=2)

    def one_by_one(**_: object) -> None:
        raise AssertionError("pack_under_caps called for one group")

    monkeypatch.setattr(job_module, "pack_under_caps", one_by_one)
    result = plan_consolidation(hosts=hosts, vms=vms, offer=make_offer(), method="heuristic")
    assert result.n_vms_placed == vms.n_vms and set(result.target_cluster.tolist()) == set(range(5))
