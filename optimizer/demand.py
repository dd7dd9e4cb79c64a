"""Per-VM demand vectors and host capacities in generation-neutral units.

CPU is expressed in *reference MHz*: MHz of a 2024 reference core (`perf_per_core == 1.0`). A VM
using `p` MHz on a source host whose cores score `perf_s` needs `p * perf_s` reference MHz, i.e.
`p * perf_s / perf_t` MHz on a target whose cores score `perf_t`. A host of `c` cores at `f` MHz
scoring `perf` offers `c * f * perf` reference MHz. Memory is in MiB and does not convert.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.assumptions import Assumptions
from optimizer.estate import (
    HostTable,
    Offer,
    VmTable,
    complete_host_estimates,
    validate_hosts,
    validate_vms,
)
from optimizer.policy import Policy
from optimizer.reasons import Reason, ReasonCode

__all__ = ["VmDemand", "compute_demand", "host_capacity", "offer_capacity"]


@dataclass(frozen=True, eq=False)
class VmDemand:
    """Demand of the k VMs kept for placement.

    Attributes:
        vm_index: shape (k,), index of each kept VM in the VmTable.
        cpu_ref_mhz: shape (k,), CPU demand in reference MHz (comfort factor applied).
        memory_mib: shape (k,), memory demand in MiB.
        cpu_estimated: shape (k,), True where CPU P95 was unknown and estimated from allocation.
        excluded: (vm index, reason) for VMs left out by policy (TEMPLATE, POWERED_OFF).
    """

    vm_index: NDArray[np.int64]
    cpu_ref_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64]
    cpu_estimated: NDArray[np.bool_]
    excluded: tuple[tuple[int, Reason], ...]

    @property
    def sizes(self) -> NDArray[np.float64]:
        """Shape (k, 2): columns (cpu_ref_mhz, memory_mib)."""
        return np.column_stack([self.cpu_ref_mhz, self.memory_mib])


def compute_demand(
    *,
    hosts: HostTable,
    vms: VmTable,
    assumptions: Assumptions,
    policy: Policy,
) -> VmDemand:
    """Compute demand vectors for the VMs to place.

    CPU: `cpu_p95_mhz * perf_per_core(source host) * cpu_comfort_factor`; when P95 is unknown,
    `n_vcpus * cpu_mhz(source host) * cpu_unknown_fraction` instead (flagged in `cpu_estimated`).
    A VM on no known host is normalised with the median host. Memory: allocated MiB, or P95 when
    `policy.use_memory_p95` and known (never more than allocated). The policy also says whether
    templates and powered-off VMs are kept.

    Args:
        hosts: the source hosts (perf_per_core NaN allowed: estimated from purchase year).
        vms: the VMs.
        assumptions: figures used (`cpu_comfort_factor`, `cpu_unknown_fraction`).
        policy: `use_memory_p95`, `include_powered_off`, `include_templates` are used.
    """
    validate_hosts(hosts)
    validate_vms(vms, hosts)
    done, _ = complete_host_estimates(hosts=hosts)
    excluded: list[tuple[int, Reason]] = []
    keep = np.ones(vms.n_vms, dtype=bool)
    if not policy.include_templates:
        for i in np.flatnonzero(vms.is_template):
            excluded.append((int(i), Reason(ReasonCode.TEMPLATE)))
        keep &= ~vms.is_template
    if not policy.include_powered_off:
        off = ~vms.powered_on & keep
        for i in np.flatnonzero(off):
            excluded.append((int(i), Reason(ReasonCode.POWERED_OFF)))
        keep &= vms.powered_on
    idx = np.flatnonzero(keep).astype(np.int64)
    src = vms.host[idx]
    if done.n_hosts:
        med_perf = float(np.median(done.perf_per_core))
        med_mhz = float(np.median(done.cpu_mhz))
    else:
        med_perf, med_mhz = 1.0, 2400.0
    known = src >= 0
    safe = np.where(known, src, 0)
    perf = np.where(known, done.perf_per_core[safe] if done.n_hosts else med_perf, med_perf)
    mhz = np.where(known, done.cpu_mhz[safe] if done.n_hosts else med_mhz, med_mhz)
    p95 = vms.cpu_p95_mhz[idx]
    estimated = np.isnan(p95)
    fallback = vms.n_vcpus[idx] * mhz * assumptions.cpu_unknown_fraction
    cpu = np.where(estimated, fallback, p95) * perf * assumptions.cpu_comfort_factor
    memory = vms.memory_mib[idx].astype(float)
    if policy.use_memory_p95:
        p95m = vms.memory_p95_mib[idx]
        memory = np.where(np.isnan(p95m), memory, np.minimum(p95m, memory))
    return VmDemand(
        vm_index=idx,
        cpu_ref_mhz=cpu.astype(float),
        memory_mib=memory,
        cpu_estimated=estimated,
        excluded=tuple(sorted(excluded, key=lambda e: e[0])),
    )


def host_capacity(*, hosts: HostTable, ceiling: float) -> NDArray[np.float64]:
    """Usable capacity of each host, shape (n, 2): (reference MHz, MiB), both times `ceiling`."""
    _check_ceiling(ceiling)
    done, _ = complete_host_estimates(hosts=hosts)
    cpu = done.n_cores * done.cpu_mhz * done.perf_per_core * ceiling
    return np.column_stack([cpu, done.memory_mib * ceiling]).astype(float)


def offer_capacity(*, offer: Offer, ceiling: float) -> NDArray[np.float64]:
    """Usable capacity of one host of `offer`, shape (2,): (reference MHz, MiB) times `ceiling`."""
    _check_ceiling(ceiling)
    return np.array([offer.n_cores * offer.cpu_mhz * offer.perf_per_core * ceiling, offer.memory_mib * ceiling])


def _check_ceiling(ceiling: float) -> None:
    if not 0 < ceiling <= 1:
        raise ValueError(f"ceiling must be in (0, 1], got {ceiling!r}")
