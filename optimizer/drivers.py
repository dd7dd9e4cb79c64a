"""What drives a consolidation ratio: utilisation, VMs per host, or CPU generation gain.

For the binding resource b (the one the new hosts fill most), the ratio old hosts / new hosts is
about `capacity_gain[b] * utilisation_after[b] / utilisation_before[b]`: a new host offers
`capacity_gain` times an old host's capacity, and is filled to a higher utilisation. The CPU
capacity gain itself splits into per-core performance x core count x frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["RatioDrivers", "explain_ratio"]

_DIMS = ("cpu", "memory")


@dataclass(frozen=True)
class RatioDrivers:
    """Factors of the ratio between replaced hosts and new hosts (see module docstring)."""

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
    main_driver: str
    explanation: tuple[str, ...]
    n_hosts_reserve: int = 0


def explain_ratio(
    *,
    old_raw_capacity: NDArray[np.float64],
    old_load: NDArray[np.float64],
    old_perf_per_core: NDArray[np.float64],
    old_n_cores: NDArray[np.int64],
    new_raw_capacity: NDArray[np.float64],
    new_load: NDArray[np.float64],
    new_perf_per_core: float,
    new_n_cores: int,
    n_vms: int,
    n_hosts_new_total: int,
    n_hosts_reserve: int = 0,
) -> RatioDrivers:
    """Explain the ratio for r replaced hosts and k new hosts carrying their VMs.

    Args:
        old_raw_capacity: shape (r, 2), (reference MHz, MiB) of each replaced host, no ceiling.
        old_load: shape (r, 2), demand of the VMs they carried.
        old_perf_per_core: shape (r,), per-core score of each replaced host.
        old_n_cores: shape (r,), cores of each replaced host.
        new_raw_capacity: shape (2,), one new host, no ceiling.
        new_load: shape (k, 2), load on each new host carrying VMs (HA reserve excluded).
        new_perf_per_core: per-core score of the new model.
        new_n_cores: cores of the new model.
        n_vms: VMs moved.
        n_hosts_new_total: new hosts bought, HA reserve included.
        n_hosts_reserve: HA reserve hosts among them (one set per cluster in cluster scope).
    """
    r, k = old_raw_capacity.shape[0], new_load.shape[0]
    if r == 0 or k == 0:
        return RatioDrivers(
            r,
            n_hosts_new_total,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            "none",
            0.0,
            0.0,
            "none",
            ("no host replaced",),
            n_hosts_reserve,
        )
    before = old_load.sum(axis=0) / old_raw_capacity.sum(axis=0)
    after = new_load.sum(axis=0) / (new_raw_capacity * k)
    gain = new_raw_capacity / old_raw_capacity.mean(axis=0)
    b = int(np.argmax(after))
    from_cap = float(gain[b])
    from_util = float(after[b] / before[b]) if before[b] > 0 else float("inf")
    perf_gain = float(new_perf_per_core / np.average(old_perf_per_core, weights=old_n_cores))
    core_gain = float(new_n_cores / old_n_cores.mean())
    ratio = r / n_hosts_new_total if n_hosts_new_total else float("inf")
    driver = (
        "utilisation"
        if from_util >= from_cap
        else ("cpu generation" if b == 0 and perf_gain >= core_gain else "host size")
    )
    reserve_note = f" incl. {n_hosts_reserve} HA reserve" if n_hosts_reserve else ""
    lines = (
        (
            f"{r} hosts replaced by {n_hosts_new_total}{reserve_note} (ratio {ratio:.1f}); "
            f"VMs per host {n_vms / r:.1f} -> {n_vms / max(k, 1):.1f}."
        ),
        (
            f"Binding resource: {_DIMS[b]}; utilisation {100 * before[b]:.0f} % -> "
            f"{100 * after[b]:.0f} % (x{from_util:.1f}); a new host has x{from_cap:.1f} "
            f"the {_DIMS[b]} of an old one."
        ),
        (
            f"CPU per core x{perf_gain:.2f} (generation gain), cores per host x{core_gain:.1f}; "
            f"memory per host x{gain[1]:.1f}."
        ),
        f"Main driver: {driver}.",
    )
    return RatioDrivers(
        n_hosts_replaced=r,
        n_hosts_new=n_hosts_new_total,
        ratio=float(ratio),
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
        explanation=lines,
        n_hosts_reserve=n_hosts_reserve,
    )
