"""What drives a consolidation ratio: utilisation, VMs per host, or CPU generation gain.

For the binding resource b (the one the new hosts fill most), the ratio old hosts / new hosts is
about `capacity_gain[b] * utilisation_after[b] / utilisation_before[b]`: a new host offers
`capacity_gain` times an old host's capacity, and is filled to a higher utilisation. The CPU
capacity gain itself splits into per-core performance x core count x frequency.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from optimizer.demand import offer_capacity
from optimizer.estate import Offer

__all__ = ["MainDriver", "RatioDrivers", "explain_ratio"]

_DIMS = ("cpu", "memory")


class MainDriver(StrEnum):
    """What mostly explains the ratio (see the module docstring)."""

    UTILISATION = "utilisation"  # new hosts are filled higher than the old ones were
    CPU_GENERATION = "cpu_generation"  # CPU binds and per-core performance gained most
    HOST_SIZE = "host_size"  # a new host is simply larger (more cores or memory)
    NONE = "none"  # no host replaced


@dataclass(frozen=True)
class RatioDrivers:
    """Factors of the ratio between replaced hosts and new hosts (see module docstring).

    `binding_resource` is "cpu", "memory" or "none"; utilisations are shares in [0, 1]; gains are
    new / old ratios; `ratio_from_capacity` x `ratio_from_utilisation` approximates `ratio`.
    """

    n_hosts_replaced: int
    n_hosts_new: int
    ratio: float
    vms_per_host_before: float
    vms_per_host_after: float
    cpu_utilisation_before: float
    cpu_utilisation_after: float
    memory_utilisation_before: float
    memory_utilisation_after: float
    cpu_capacity_gain: float
    memory_capacity_gain: float
    per_core_perf_gain: float
    core_count_gain: float
    binding_resource: str
    ratio_from_capacity: float
    ratio_from_utilisation: float
    main_driver: MainDriver
    n_hosts_reserve: int = 0


def explain_ratio(
    *,
    old_raw_capacity: NDArray[np.float64],
    old_load: NDArray[np.float64],
    old_perf_per_core: NDArray[np.float64],
    old_n_cores: NDArray[np.int64],
    offer: Offer,
    new_load: NDArray[np.float64],
    n_vms: int,
    n_hosts_new_total: int,
    n_hosts_reserve: int = 0,
) -> RatioDrivers:
    """Explain the ratio for r replaced hosts and k new hosts of `offer` carrying their VMs.

    Args:
        old_raw_capacity: shape (r, 2), (reference MHz, MiB) of each replaced host, no ceiling.
        old_load: shape (r, 2), demand of the VMs they carried.
        old_perf_per_core: shape (r,), per-core score of each replaced host.
        old_n_cores: shape (r,), cores of each replaced host.
        offer: the new model.
        new_load: shape (k, 2), load on each new host carrying VMs (HA reserve excluded).
        n_vms: VMs moved.
        n_hosts_new_total: new hosts bought, HA reserve included.
        n_hosts_reserve: HA reserve hosts among them (one set per cluster in cluster scope).
    """
    r, k = old_raw_capacity.shape[0], new_load.shape[0]
    if r == 0 or k == 0:
        zeros = dict.fromkeys(_FIGURES, 0.0)
        return RatioDrivers(
            n_hosts_replaced=r,
            n_hosts_new=n_hosts_new_total,
            binding_resource="none",
            main_driver=MainDriver.NONE,
            n_hosts_reserve=n_hosts_reserve,
            **zeros,
        )
    new_raw = offer_capacity(offer=offer, ceiling=1.0)
    before = old_load.sum(axis=0) / old_raw_capacity.sum(axis=0)
    after = new_load.sum(axis=0) / (new_raw * k)
    gain = new_raw / old_raw_capacity.mean(axis=0)
    b = int(np.argmax(after))
    from_cap = float(gain[b])
    from_util = float(after[b] / before[b]) if before[b] > 0 else float("inf")
    perf_gain = float(offer.perf_per_core / np.average(old_perf_per_core, weights=old_n_cores))
    core_gain = float(offer.n_cores / old_n_cores.mean())
    if from_util >= from_cap:
        driver = MainDriver.UTILISATION
    elif b == 0 and perf_gain >= core_gain:
        driver = MainDriver.CPU_GENERATION
    else:
        driver = MainDriver.HOST_SIZE
    return RatioDrivers(
        n_hosts_replaced=r,
        n_hosts_new=n_hosts_new_total,
        ratio=float(r / n_hosts_new_total if n_hosts_new_total else float("inf")),
        vms_per_host_before=n_vms / r,
        vms_per_host_after=n_vms / k,
        cpu_utilisation_before=float(before[0]),
        cpu_utilisation_after=float(after[0]),
        memory_utilisation_before=float(before[1]),
        memory_utilisation_after=float(after[1]),
        cpu_capacity_gain=float(gain[0]),
        memory_capacity_gain=float(gain[1]),
        per_core_perf_gain=perf_gain,
        core_count_gain=core_gain,
        binding_resource=_DIMS[b],
        ratio_from_capacity=from_cap,
        ratio_from_utilisation=from_util,
        main_driver=driver,
        n_hosts_reserve=n_hosts_reserve,
    )


_FIGURES = (
    "ratio",
    "vms_per_host_before",
    "vms_per_host_after",
    "cpu_utilisation_before",
    "cpu_utilisation_after",
    "memory_utilisation_before",
    "memory_utilisation_after",
    "cpu_capacity_gain",
    "memory_capacity_gain",
    "per_core_perf_gain",
    "core_count_gain",
    "ratio_from_capacity",
    "ratio_from_utilisation",
)
