"""Physical servers to virtualise (P2V): each becomes a VM to place, sized from its measured usage.

A server running no hypervisor is, for the plan, a VM on no known host: vCPUs = its cores, memory
allocated = its memory in use (P95; all of its memory when unknown, flagged estimated), CPU demand
its P95 in MHz of its own cores. `compute_demand` normalises a VM on no known host with the median
host's per-core performance (`unknown_host_reference`), so the figure handed to it is scaled by
perf(server) / perf(reference): the demand then comes out as P95 × perf(server) reference MHz, the
server's generation counted as for any VM. A server with no CPU figure keeps none: its demand is
estimated from its cores like any VM without usage (at the reference core, flagged estimated).

Virtualising a server retires its hardware: its energy (at its measured utilisation), maintenance
or support contract, staff hours and rack space stop; `p2v_yearly_savings` gives them per server.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.demand import unknown_host_reference
from optimizer.estate import HostTable, VmTable, complete_host_estimates
from optimizer.tco import FleetHardware, host_yearly_costs
from optimizer.usage import UsageSource

__all__ = ["P2V_LINES", "P2vCandidates", "p2v_candidates", "p2v_running_costs", "p2v_yearly_savings"]


@dataclass(frozen=True, eq=False)
class P2vCandidates:
    """The physical servers as VMs, shape (s,) each, in the order of the servers' table.

    Attributes:
        vms: one VM per server (host -1, cluster -1, powered on, not Windows-licensed here).
        cpu_estimated: no CPU usage figure: demand estimated from the cores.
        memory_estimated: no memory usage figure: all its memory is allocated.
        cpu_ref_mhz: CPU demand in reference MHz (P95 × perf per core; NaN when estimated).
    """

    vms: VmTable
    cpu_estimated: NDArray[np.bool_]
    memory_estimated: NDArray[np.bool_]
    cpu_ref_mhz: NDArray[np.float64]


def p2v_candidates(*, servers: HostTable, hosts: HostTable, sampled: NDArray[np.bool_] | None = None) -> P2vCandidates:
    """The `servers` (no hypervisor) as VMs to place among the VMs of `hosts` (module docstring).

    `sampled`: shape (s,), servers whose usage is a point-in-time sample, not a P95 over a window:
    their VMs carry the SAMPLE source, so demand gets `sample_safety_factor` as any sampled VM."""
    done, _ = complete_host_estimates(hosts=servers)
    ref_perf, _ = unknown_host_reference(complete_host_estimates(hosts=hosts)[0])
    cpu_ref = done.cpu_usage_mhz * done.perf_per_core  # NaN stays NaN: estimated
    memory_known = ~np.isnan(done.memory_usage_mib)
    memory = np.where(memory_known, np.minimum(done.memory_usage_mib, done.memory_mib), done.memory_mib)
    memory = np.maximum(memory, 1.0)  # a VM holds some memory, whatever a probe read
    s = servers.n_hosts
    vms = VmTable.build(
        ids=[f"p2v:{i}" for i in servers.ids],
        names=list(servers.names),
        host=np.full(s, -1),
        n_vcpus=np.maximum(done.n_cores, 1),
        memory_mib=memory,
        memory_p95_mib=np.where(memory_known, memory, np.nan),
        cpu_p95_mhz=cpu_ref / ref_perf,
        usage_source=np.where(
            np.isnan(cpu_ref),
            int(UsageSource.ESTIMATED),
            np.where(_flags(sampled, s), int(UsageSource.SAMPLE), int(UsageSource.MEASURED_P95)),
        ),
    )
    return P2vCandidates(vms=vms, cpu_estimated=np.isnan(cpu_ref), memory_estimated=~memory_known, cpu_ref_mhz=cpu_ref)


#: The lines a server's retirement stops (its licences are left out: the workload keeps its
#: operating system licence as a VM).
P2V_LINES = ("energy_eur", "maintenance_eur", "staff_eur", "rack_eur", "energy_kwh", "operational_kgco2e")


def _running_costs(servers: HostTable, year: int, assumptions: Assumptions) -> dict[str, NDArray[np.float64]]:
    """`P2V_LINES` of each server in `year`: energy at its measured utilisation (mean, else P95,
    else `cpu_unknown_fraction`), maintenance or support as it ages, staff and rack."""
    done, _ = complete_host_estimates(hosts=servers)
    capacity = done.n_cores * done.cpu_mhz
    used = np.where(np.isnan(done.cpu_usage_mean_mhz), done.cpu_usage_mhz, done.cpu_usage_mean_mhz)
    util = np.where(np.isnan(used), assumptions.cpu_unknown_fraction, np.clip(used / capacity, 0.0, 1.0))
    costs = host_yearly_costs(
        fleet=FleetHardware.of_hosts(done),
        cpu_utilisation=util,
        carries_windows=np.zeros(servers.n_hosts, dtype=bool),
        year=year,
        assumptions=assumptions,
    )
    return {k: np.asarray(getattr(costs, k), dtype=float) for k in P2V_LINES}


def _flags(sampled: NDArray[np.bool_] | None, s: int) -> NDArray[np.bool_]:
    """`sampled` as a boolean array of shape (s,) (all False when None)."""
    if sampled is None:
        return np.zeros(s, dtype=bool)
    flags = np.asarray(sampled, dtype=bool).reshape(-1)
    if flags.shape != (s,):
        raise ValueError(f"sampled must have shape ({s},), got {flags.shape}")
    return flags


def p2v_yearly_savings(*, servers: HostTable, year: int, assumptions: Assumptions) -> NDArray[np.float64]:
    """Per server, EUR TTC its retirement saves in `year` (energy, maintenance, staff, rack)."""
    lines = _running_costs(servers, year, assumptions)
    return lines["energy_eur"] + lines["maintenance_eur"] + lines["staff_eur"] + lines["rack_eur"]


def p2v_running_costs(
    *, servers: HostTable, start_year: int, assumptions: Assumptions
) -> dict[str, NDArray[np.float64]]:
    """`P2V_LINES` of all the servers together, each year of the horizon, shape (h,): what keeping
    them running costs, and so what virtualising them saves."""
    years = range(start_year, start_year + assumptions.horizon_years)
    per_year = [_running_costs(servers, year, assumptions) for year in years]
    return {k: np.array([float(y[k].sum()) for y in per_year]) for k in P2V_LINES}
