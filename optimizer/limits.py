"""Limits the hypervisor enforces, as extra packing dimensions beside demand under the ceiling.

Every VM to place is a vector of four quantities (`QUANTITIES`): CPU demand (reference MHz),
memory demand (MiB), allocated vCPUs and allocated memory (MiB). A host offers, for each, a usable
capacity: CPU and memory times the policy's ceiling; `vcpu_ratio` × physical cores (vSphere
schedules vCPUs on cores: too many per core and VMs wait, "CPU ready"); `memory_overcommit` ×
physical memory (allocated memory beyond what the host holds is ballooned or swapped). The packing
dimensions (`packing_dims`) are the first two plus each cap the policy sets; the heuristic, CP-SAT
and the lower bounds all work on those, so a plan never proposes what the caps forbid.

A VM packed on its CPU profile (``Policy(demand="profile")``, ``VmDemand.cpu_profile_ref_mhz``)
carries s more quantities, its CPU at each slot (columns 4 to 4 + s); its packing dimensions are then
the s slots (each against the usable CPU), memory, then the caps, and the CPU a host carries is the
peak over slots of its summed profile (`peak_quantities`). Demand dimensions come first: the
`n_demand_dims` leading columns grow with demand, the caps do not.

`shares` says how much of each usable limit a host uses, and `limiting` which limit binds: the one
closest to full, so a plan reports "vcpu_ratio" when the cores run out of vCPU slots before demand
fills the ceiling.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.demand import VmDemand, host_capacity, offer_capacity
from optimizer.estate import HostTable, Offer, VmTable, complete_host_estimates
from optimizer.packing import Packing, PackRequest, pack_vectors_many
from optimizer.policy import Policy

__all__ = [
    "LIMIT_NAMES",
    "CapsRequest",
    "QUANTITIES",
    "host_quantities",
    "limit_capacity",
    "limiting",
    "offer_quantities",
    "n_demand_dims",
    "pack_under_caps",
    "pack_under_caps_many",
    "packed_sizes",
    "packing_dims",
    "peak_quantities",
    "shares",
    "vm_quantities",
]

#: Columns of `vm_quantities` / `host_quantities`: CPU demand, memory demand, vCPUs, allocated MiB.
QUANTITIES: tuple[str, str, str, str] = ("cpu", "memory", "vcpus", "memory_allocated")
#: Name of the limit each column is checked against (what "limiting resource" reports).
LIMIT_NAMES: tuple[str, str, str, str] = ("cpu", "memory", "vcpu_ratio", "memory_overcommit")
#: Relative slack of the cap check (the packing's own fit test allows 1e-12 per placement, normalised).
_CAP_TOL = 1e-9


def packing_dims(policy: Policy, n_slots: int = 0) -> NDArray[np.int64]:
    """Columns of the quantities packed under `policy`: CPU (its P95, or each of the `n_slots` profile
    slots), memory, then each cap set."""
    dims = [0, 1] if n_slots == 0 else [*range(4, 4 + n_slots), 1]
    if policy.vcpu_ratio is not None:
        dims.append(2)
    if policy.memory_overcommit is not None:
        dims.append(3)
    return np.array(dims, dtype=np.int64)


def n_demand_dims(n_slots: int = 0) -> int:
    """How many leading packing dimensions are demand (CPU slots and memory), before the caps."""
    return 2 if n_slots == 0 else n_slots + 1


def vm_quantities(*, demand: VmDemand, vms: VmTable) -> NDArray[np.float64]:
    """Shape (k, 4 + s) over the VMs of `demand`: CPU (reference MHz), memory demand, vCPUs,
    allocated MiB, then the CPU at each of the s profile slots (s = 0 when packed on the P95)."""
    idx = demand.vm_index
    base = np.column_stack(
        [demand.cpu_ref_mhz, demand.memory_mib, vms.n_vcpus[idx].astype(float), vms.memory_mib[idx].astype(float)]
    ).reshape(-1, 4)
    if demand.cpu_profile_ref_mhz is None:
        return base
    return np.hstack([base, demand.cpu_profile_ref_mhz])


def packed_sizes(*, demand: VmDemand, vms: VmTable, policy: Policy) -> NDArray[np.float64]:
    """Shape (k, d): what each VM weighs in the packing dimensions (`packing_dims`)."""
    return vm_quantities(demand=demand, vms=vms)[:, packing_dims(policy, demand.n_slots)]


def peak_quantities(load: NDArray[np.float64]) -> NDArray[np.float64]:
    """Loads (..., 4 + s) as the four quantities (..., 4): with profiles, CPU is the peak over slots
    of the summed profile (what the host carries at its busiest slot)."""
    arr = np.asarray(load, dtype=float)
    if arr.shape[-1] == 4:
        return arr
    out = arr[..., :4].copy()
    out[..., 0] = arr[..., 4:].max(axis=-1)
    return out


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


def limit_capacity(raw: NDArray[np.float64], policy: Policy, n_slots: int = 0) -> NDArray[np.float64]:
    """Usable capacity in the packing dimensions, shape (..., d), from raw quantities (..., 4); each
    profile slot is checked against the usable CPU."""
    arr = np.asarray(raw, dtype=float)
    factors = _factors(policy)
    if n_slots:
        arr = np.concatenate([arr, np.repeat(arr[..., :1], n_slots, axis=-1)], axis=-1)
        factors = np.concatenate([factors, np.full(n_slots, policy.ceiling)])
    dims = packing_dims(policy, n_slots)
    return np.asarray(arr[..., dims] * factors[dims], dtype=float)


def shares(load: NDArray[np.float64], raw: NDArray[np.float64], policy: Policy) -> NDArray[np.float64]:
    """Shape (t, 4): share of each usable limit the load uses (NaN where the limit is off or unknown)."""
    usable = np.asarray(raw, dtype=float).reshape(-1, 4) * _factors(policy)
    load = np.asarray(load, dtype=float).reshape(-1, 4)
    out = np.full(load.shape, np.nan)
    np.divide(load, usable, out=out, where=np.isfinite(usable) & (usable > 0))
    return out


def limiting_rows(shares: NDArray[np.float64]) -> tuple[str | None, ...]:
    """`limiting` of each row of `shares` (shape (t, 4)), at once."""
    s = np.asarray(shares, dtype=float).reshape(-1, 4)
    filled = np.where(np.isnan(s), -np.inf, s)
    best = filled.argmax(axis=1)  # the first of equal shares, as nanargmax
    loaded = np.isfinite(s).any(axis=1) & (filled.max(axis=1) > 0)
    return tuple(LIMIT_NAMES[int(k)] if ok else None for k, ok in zip(best.tolist(), loaded.tolist(), strict=True))


def limiting(share: NDArray[np.float64]) -> str | None:
    """Name of the limit closest to full among `share` (shape (4,)), None when nothing is loaded."""
    s = np.asarray(share, dtype=float)
    if not np.isfinite(s).any() or np.nanmax(s) <= 0:
        return None
    return LIMIT_NAMES[int(np.nanargmax(s))]


def pack_under_caps(
    *, sizes: NDArray[np.float64], bin_capacities: NDArray[np.float64], n_preopened: int = 0, n_demand: int = 2
) -> Packing:
    """`pack_vectors` on demand plus caps (the first `n_demand` columns: CPU, or its profile slots,
    and memory; then the caps set).

    Caps rarely bind: first pack on demand alone (the fast path); when every item
    is placed and no bin goes past a cap, that packing is feasible in every dimension and is kept.
    Otherwise pack on all dimensions. Either way the result respects every cap; only the time
    differs (measured by bench/bench_limits.py).
    """
    return pack_under_caps_many([CapsRequest(sizes, bin_capacities, n_preopened, n_demand)])[0]


@dataclass(frozen=True)
class CapsRequest:
    """The arguments of one `pack_under_caps` call, for `pack_under_caps_many`."""

    sizes: NDArray[np.float64]
    bin_capacities: NDArray[np.float64]
    n_preopened: int = 0
    n_demand: int = 2


def pack_under_caps_many(requests: Sequence[CapsRequest]) -> list[Packing]:
    """`pack_under_caps` on each request; the packings on demand alone, then those on all dimensions
    where a cap is exceeded, each go through one `pack_vectors_many` (greedy passes in lockstep)."""
    sizes = [np.asarray(r.sizes, dtype=float) for r in requests]
    caps = [np.asarray(r.bin_capacities, dtype=float) for r in requests]
    capped = [i for i, (s, r) in enumerate(zip(sizes, requests, strict=True)) if _has_caps(s, r.n_demand)]
    demand_only = [_demand_only(requests[i], sizes[i], caps[i]) for i in capped]
    out: list[Packing | None] = [None] * len(requests)
    for i, two in zip(capped, pack_vectors_many(demand_only), strict=True):
        out[i] = _within_caps(two, sizes[i], caps[i])
    full = [i for i, o in enumerate(out) if o is None]
    packed = pack_vectors_many([PackRequest(sizes[i], caps[i], requests[i].n_preopened) for i in full])
    for i, p in zip(full, packed, strict=True):
        out[i] = p
    return [o for o in out if o is not None]


def _demand_only(req: CapsRequest, sizes: NDArray[np.float64], caps: NDArray[np.float64]) -> PackRequest:
    """The packing of `req` on its demand columns alone (the fast path)."""
    return PackRequest(sizes[:, : req.n_demand], caps[:, : req.n_demand], req.n_preopened)


def _has_caps(sizes: NDArray[np.float64], n_demand: int) -> bool:
    """Whether the items have columns beyond demand (caps) and there are items: the fast path applies."""
    return sizes.ndim == 2 and sizes.shape[1] > n_demand and sizes.shape[0] > 0


def _within_caps(two: Packing, sizes: NDArray[np.float64], caps: NDArray[np.float64]) -> Packing | None:
    """The demand-only packing `two` with its load in every dimension, if it places every item and
    no bin goes past a cap; None otherwise."""
    placed = two.assignment >= 0
    if not placed.all():
        return None
    load = np.zeros(caps.shape)
    np.add.at(load, two.assignment, sizes)
    slack = _CAP_TOL * np.maximum(caps.max(axis=0), 1.0)
    if (load <= caps + slack).all():
        return dataclasses.replace(two, load=load)
    return None
