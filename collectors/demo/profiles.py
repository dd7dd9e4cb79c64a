"""Usage profiles of the demo estate: office hours, night batches, weekday batches, flat services.

Real estates mix VMs that peak at different times: desktops' back ends and business applications
in office hours, backups and ETL at night, payroll and reporting batches on weekday evenings, and
directory or database services almost flat. The demo draws one of these shapes per powered-on VM
and scales it so that the profile's peak slots sit at the VM's P95: packing on the profiles then
finds the complementarity the P95 hides (docs/profiles.md). Each hypervisor's own profile is the
sum of its powered-on VMs' plus 5 % of its CPU and memory for the hypervisor itself.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from inventory.profiles import PERIODS
from inventory.records import HostProfileSeries, ProfileSeries

__all__ = [
    "HYPERVISOR_OVERHEAD",
    "SHAPES",
    "demo_host_profiles",
    "demo_profiles",
    "demo_series",
    "shape_series",
    "vm_profile_series",
]

#: Shape name -> share of powered-on VMs.
SHAPES: dict[str, float] = {"office": 0.45, "night": 0.2, "batch": 0.1, "flat": 0.25}
_FLOOR = {"office": 0.12, "night": 0.1, "batch": 0.15, "flat": 0.7}


def shape_series(shape: str, start: datetime, slot_s: int, n_slots: int) -> NDArray[np.float64]:
    """Load in [0, 1] of a shape at each slot from `start` (hours and weekdays of the slot's start)."""
    stamps = [start + timedelta(seconds=k * slot_s) for k in range(n_slots)]
    hour = np.array([t.hour + t.minute / 60 for t in stamps])
    weekday = np.array([t.weekday() < 5 for t in stamps])
    if shape == "office":
        on = weekday & (hour >= 8) & (hour < 18.5)
        lunch = (hour >= 12) & (hour < 14)
        level = np.where(on, np.where(lunch, 0.7, 1.0), 0.0)
    elif shape == "night":
        level = ((hour >= 22) | (hour < 4.5)).astype(float)
    elif shape == "batch":
        level = (weekday & (hour >= 18.5) & (hour < 21.5)).astype(float)
    else:
        level = 0.8 + 0.2 * np.sin(hour / 24 * 2 * np.pi) ** 2
    floor = _FLOOR[shape]
    return floor + (1 - floor) * level


#: Period -> (first slot, CPU MHz (VMs x slots), memory MiB (VMs x slots)).
DemoSeries = dict[str, tuple[datetime, NDArray[np.float64], NDArray[np.float64]]]

#: A host's own load besides its VMs' (the hypervisor, its agents): this share of its CPU and memory.
HYPERVISOR_OVERHEAD = 0.05


def demo_series(
    cpu_p95_mhz: NDArray[np.float64], memory_p95_mib: NDArray[np.float64], *, end: datetime, seed: int
) -> DemoSeries:
    """Day (the day before `end`) and week (the week before `end`) series of VMs with these P95s."""
    rng = np.random.default_rng(seed)
    names = list(SHAPES)
    shares = np.array([SHAPES[n] for n in names])
    n_vms = len(cpu_p95_mhz)
    kind = rng.choice(len(names), size=n_vms, p=shares / shares.sum())
    out: DemoSeries = {}
    for period, n_slots in (("day", 288), ("week", 336)):
        slot_s = PERIODS[period]
        start = end - timedelta(seconds=slot_s * n_slots)
        shapes = np.stack([shape_series(n, start, slot_s, n_slots) for n in names])
        noise = rng.uniform(0.85, 1.0, size=(n_vms, n_slots))
        cpu = np.round(shapes[kind] * noise * np.asarray(cpu_p95_mhz)[:, None], 1)
        mem = np.round(np.asarray(memory_p95_mib)[:, None] * (0.9 + 0.1 * shapes[kind]), 1)
        out[period] = (start, cpu, mem)
    return out


def vm_profile_series(external_ids: Sequence[str], series: DemoSeries) -> list[ProfileSeries]:
    """``demo_series`` as the snapshot's VM profiles (rows in the order of `external_ids`)."""
    out: list[ProfileSeries] = []
    for period, (start, cpu, mem) in series.items():
        for j, ext in enumerate(external_ids):
            out.append(
                ProfileSeries.model_construct(
                    vm_external_id=ext,
                    period=period,
                    start_at=start,
                    cpu_mhz=cpu[j].tolist(),
                    memory_mib=mem[j].tolist(),
                )
            )
    return out


def demo_profiles(
    external_ids: Sequence[str],
    cpu_p95_mhz: NDArray[np.float64],
    memory_p95_mib: NDArray[np.float64],
    *,
    end: datetime,
    seed: int,
) -> list[ProfileSeries]:
    """Day (the day before `end`) and week (the week before `end`) profiles of the given VMs."""
    return vm_profile_series(external_ids, demo_series(cpu_p95_mhz, memory_p95_mib, end=end, seed=seed))


def demo_host_profiles(
    series: DemoSeries,
    vm_host: NDArray[np.int64],
    host_external_ids: Sequence[str],
    host_cpu_mhz: NDArray[np.float64],
    host_memory_mib: NDArray[np.float64],
) -> list[HostProfileSeries]:
    """Each host's profile: the sum of its VMs' series (rows of `series`, on host `vm_host`) plus
    ``HYPERVISOR_OVERHEAD`` of its raw CPU (cores x MHz, `host_cpu_mhz`) and memory, every slot."""
    n_hosts = len(host_external_ids)
    out: list[HostProfileSeries] = []
    for period, (start, cpu, mem) in series.items():
        host_cpu = np.zeros((n_hosts, cpu.shape[1]))
        host_mem = np.zeros((n_hosts, mem.shape[1]))
        np.add.at(host_cpu, vm_host, cpu)
        np.add.at(host_mem, vm_host, mem)
        host_cpu += HYPERVISOR_OVERHEAD * np.asarray(host_cpu_mhz, dtype=float)[:, None]
        host_mem += HYPERVISOR_OVERHEAD * np.asarray(host_memory_mib, dtype=float)[:, None]
        for i, ext in enumerate(host_external_ids):
            out.append(
                HostProfileSeries.model_construct(
                    host_external_id=ext,
                    period=period,
                    start_at=start,
                    cpu_mhz=np.round(host_cpu[i], 1).tolist(),
                    memory_mib=np.round(host_mem[i], 1).tolist(),
                )
            )
    return out
