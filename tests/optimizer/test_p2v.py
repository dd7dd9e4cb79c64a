"""Physical servers to virtualise: sized from their usage (generation counted), savings by hand."""

import numpy as np
import pytest

from optimizer import Assumptions, HostTable, Policy, VmTable, compute_demand, plan_consolidation
from optimizer.p2v import p2v_candidates, p2v_running_costs, p2v_yearly_savings
from optimizer.usage import UsageSource
from tests.optimizer.estates import GIB

#: Two hypervisors scoring 2.0 per core (the reference a VM on no known host is normalised with).
HOSTS = HostTable.build(
    n_cores=[16, 16], cpu_mhz=[2000.0, 2000.0], memory_mib=[256 * GIB, 256 * GIB], perf_per_core=[2.0, 2.0]
)


def _servers(cpu_usage: list[float], memory_usage: list[float], **columns: object) -> HostTable:
    n = len(cpu_usage)
    return HostTable.build(
        names=[f"srv{i}" for i in range(n)],
        n_cores=np.full(n, 8),
        cpu_mhz=np.full(n, 2000.0),
        memory_mib=np.full(n, 64 * GIB),
        perf_per_core=np.full(n, 0.5),
        cpu_usage_mhz=cpu_usage,
        memory_usage_mib=np.array(memory_usage) * GIB,
        **columns,
    )


def test_a_server_is_sized_from_its_usage_at_its_generation() -> None:
    p2v = p2v_candidates(servers=_servers([4000.0, np.nan], [10.0, np.nan]), hosts=HOSTS)
    # 4 000 MHz of cores scoring 0.5 is 2 000 reference MHz; handed over as 2 000 / 2.0 = 1 000 MHz
    # of the reference host, so that compute_demand (x 2.0) gives back 2 000.
    assert p2v.vms.cpu_p95_mhz[0] == pytest.approx(1000.0)
    assert p2v.cpu_ref_mhz[0] == pytest.approx(2000.0)
    assert p2v.vms.memory_mib.tolist() == [10 * GIB, 64 * GIB]  # in use, else all of it
    assert p2v.cpu_estimated.tolist() == [False, True] and p2v.memory_estimated.tolist() == [False, True]
    assert p2v.vms.n_vcpus.tolist() == [8, 8] and p2v.vms.names == ("srv0", "srv1")
    assert p2v.vms.usage_source.tolist() == [UsageSource.MEASURED_P95, UsageSource.ESTIMATED]
    vms = p2v.vms
    demand = compute_demand(hosts=HOSTS, vms=vms, assumptions=Assumptions(), policy=Policy())
    assert demand.cpu_ref_mhz[0] == pytest.approx(2000.0)
    # No figure: 8 vCPUs x 2 000 MHz (reference host) x cpu_unknown_fraction x 2.0, flagged.
    a = Assumptions()
    assert demand.cpu_ref_mhz[1] == pytest.approx(8 * 2000.0 * a.cpu_unknown_fraction * 2.0)
    assert demand.cpu_estimated.tolist() == [False, True]


def test_servers_are_placed_onto_the_hosts_like_vms() -> None:
    p2v = p2v_candidates(servers=_servers([4000.0, 2000.0], [10.0, 20.0]), hosts=HOSTS)
    r = plan_consolidation(hosts=HOSTS, vms=p2v.vms, policy=Policy(ha_reserve_hosts=0))
    assert (r.placement >= 0).all() and r.n_hosts_after == 1


def test_yearly_savings_by_hand() -> None:
    a = Assumptions(pue=1.0, electricity_eur_per_kwh=0.20)
    servers = _servers(
        [8000.0],
        [10.0],
        power_idle_w=[100.0],
        power_max_w=[300.0],
        cpu_usage_mean_mhz=[4000.0],  # a quarter of 8 x 2 000 MHz
        support_cost_eur_ttc_per_year=[600.0],
        purchase_year=[2015.0],
        warranty_end_year=[2020.0],
        rack_units=[2.0],
    )
    # Energy: 100 + 0.25 x 200 = 150 W, 150 x 8 760 h = 1 314 kWh x 0.20 = 262.80 EUR; support
    # 600 TTC (out of warranty all 2027); staff and rack as the assumptions say.
    expected = 262.80 + 600.0 + a.staff_hours_per_host_per_year * a.staff_eur_per_hour + 2 * a.rack_eur_per_u_per_year
    saved = p2v_yearly_savings(servers=servers, year=2027, assumptions=a)
    assert saved.tolist() == pytest.approx([expected])


def test_no_server_no_candidate() -> None:
    empty = HostTable.build(n_cores=np.zeros(0), cpu_mhz=np.zeros(0), memory_mib=np.zeros(0))
    p2v = p2v_candidates(servers=empty, hosts=HOSTS)
    assert p2v.vms.n_vms == 0 and isinstance(p2v.vms, VmTable)


def test_running_costs_over_the_horizon_start_with_the_yearly_savings() -> None:
    a = Assumptions(pue=1.0, electricity_eur_per_kwh=0.20)
    servers = _servers([8000.0, 1000.0], [10.0, 4.0], purchase_year=[2015.0, 2022.0], rack_units=[2.0, 1.0])
    lines = p2v_running_costs(servers=servers, start_year=2027, assumptions=a)
    first = sum(lines[k][0] for k in ("energy_eur", "maintenance_eur", "staff_eur", "rack_eur"))
    assert first == pytest.approx(float(p2v_yearly_savings(servers=servers, year=2027, assumptions=a).sum()))
    assert all(v.shape == (a.horizon_years,) for v in lines.values())
    # Energy is the same each year (same load); kWh x price = EUR.
    assert lines["energy_eur"] == pytest.approx(lines["energy_kwh"] * 0.20)


def test_a_sampled_server_gets_the_safety_factor() -> None:
    # One sample of 4 000 MHz on cores scoring 0.5 (2 000 ref MHz) is no P95: x sample_safety_factor.
    a = Assumptions()
    p2v = p2v_candidates(servers=_servers([4000.0], [10.0]), hosts=HOSTS, sampled=np.array([True]))
    assert p2v.vms.usage_source.tolist() == [UsageSource.SAMPLE]
    demand = compute_demand(hosts=HOSTS, vms=p2v.vms, assumptions=a, policy=Policy())
    assert demand.cpu_ref_mhz[0] == pytest.approx(2000.0 * a.sample_safety_factor)
    with pytest.raises(ValueError, match="shape"):
        p2v_candidates(servers=_servers([4000.0], [10.0]), hosts=HOSTS, sampled=np.array([True, False]))
