"""Limits the hypervisor enforces, as extra packing dimensions beside demand under the ceiling.

Every VM to place is a vector of four quantities (`QUANTITIES`): CPU demand (reference MHz),
memory demand (MiB), allocated vCPUs and allocated memory (MiB). A host offers, for each, a usable
capacity: CPU and memory times the policy's ceiling; `vcpu_ratio` × physical cores (vSphere
schedules vCPUs on cores: too many per core and VMs wait, "CPU ready"); `memory_overcommit` ×
physical memory (allocated memory beyond what the host holds is ballooned or swapped). The packing
dimensions (`packing_dims`) are the first two plus each cap the policy sets; the heuristic, CP-SAT
and the lower bounds all work on those, so a plan never proposes what the caps forbid.

`shares` says how much of each usable limit a host uses, and `limiting` which limit binds: the one
closest to full, so a plan reports "vcpu_ratio" when the cores run out of vCPU slots before demand
fills the ceiling.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optimizer.demand import VmDemand, host_capacity, offer_capacity
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.policy import Policy

__all__ = [
    "LIMIT_NAMES",
    "QUANTITIES",
    "host_quantities",
    "limit_capacity",
    "limiting",
    "offer_quantities",
    "packing_dims",
    "shares",
    "vm_quantities",
]

#: Columns of `vm_quantities` / `host_quantities`: CPU demand, memory demand, vCPUs, allocated MiB.
QUANTITIES: tuple[str, str, str, str] = ("cpu", "memory", "vcpus", "memory_allocated")
#: Name of the limit each column is checked against (what "limiting resource" reports).
LIMIT_NAMES: tuple[str, str, str, str] = ("cpu", "memory", "vcpu_ratio", "memory_overcommit")


def packing_dims(policy: Policy) -> NDArray[np.int64]:
    """Columns of the four quantities that are packed under `policy`: CPU, memory, then each cap set."""
    dims = [0, 1]
    if policy.vcpu_ratio is not None:
        dims.append(2)
    if policy.memory_overcommit is not None:
        dims.append(3)
    return np.array(dims, dtype=np.int64)


def vm_quantities(*, demand: VmDemand, vms: VmTable) -> NDArray[np.float64]:
    """Shape (k, 4) over the VMs of `demand`: CPU (reference MHz), memory demand, vCPUs, allocated MiB."""
    idx = demand.vm_index
    return np.column_stack(
        [demand.cpu_ref_mhz, demand.memory_mib, vms.n_vcpus[idx].astype(float), vms.memory_mib[idx].astype(float)]
    ).reshape(-1, 4)


def host_quantities(hosts: HostTable) -> NDArray[np.float64]:
    """Shape (n, 4): raw capacity of each host in the four quantities (ref MHz, MiB, cores, MiB)."""
    done, _ = complete_host_estimates(hosts=hosts)
    raw = host_capacity(hosts=hosts, ceiling=1.0)
    return np.column_stack([raw, done.n_cores.astype(float), done.memory_mib.astype(float)]).reshape(-1, 4)


def offer_quantities(offer: Offer) -> NDArray[np.float64]:
    """Shape (4,): raw capacity of one host of `offer` in the four quantities."""
    raw = offer_capacity(offer=offer, ceiling=1.0)
    return np.array([raw[0], raw[1], float(offer.n_cores), float(offer.memory_mib)])


def _factors(policy: Policy) -> NDArray[np.float64]:
    """What multiplies each raw quantity to give the usable limit (NaN where no cap is set)."""
    ratio = np.nan if policy.vcpu_ratio is None else policy.vcpu_ratio
    over = np.nan if policy.memory_overcommit is None else policy.memory_overcommit
    return np.array([policy.ceiling, policy.ceiling, ratio, over])


def limit_capacity(raw: NDArray[np.float64], policy: Policy) -> NDArray[np.float64]:
    """Usable capacity in the packing dimensions, shape (..., d), from raw quantities (..., 4)."""
    dims = packing_dims(policy)
    return np.asarray(raw, dtype=float)[..., dims] * _factors(policy)[dims]


def shares(load: NDArray[np.float64], raw: NDArray[np.float64], policy: Policy) -> NDArray[np.float64]:
    """Shape (t, 4): share of each usable limit the load uses (NaN where the limit is off or unknown)."""
    usable = np.asarray(raw, dtype=float).reshape(-1, 4) * _factors(policy)
    load = np.asarray(load, dtype=float).reshape(-1, 4)
    out = np.full(load.shape, np.nan)
    np.divide(load, usable, out=out, where=np.isfinite(usable) & (usable > 0))
    return out


def limiting(share: NDArray[np.float64]) -> str | None:
    """Name of the limit closest to full among `share` (shape (4,)), None when nothing is loaded."""
    s = np.asarray(share, dtype=float)
    if not np.isfinite(s).any() or np.nanmax(s) <= 0:
        return None
    return LIMIT_NAMES[int(np.nanargmax(s))]
