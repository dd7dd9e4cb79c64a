"""Usage profiles from vCenter's historical intervals: each VM's and host's day (288 x 300 s) and week (336 x 1 800 s).

A profile keeps the time shape the P95 throws away, so the optimizer can pack VMs whose peaks do not
coincide (``optimizer/profile_pack.py``); a host's profile shows its measured load over time
(``parcimonie.planning.host_profiles``). Each period is one batched QueryPerf series per VM and host, at the
interval's own sampling period; the samples the P95 query already fetched are reused when it read
the same interval over the same window (the default 24 h window on a vCenter with interval 1).
Samples are put on the period's grid by their timestamp (a vCenter sample is stamped at the end of
its interval); slots without a sample, or with vCenter's -1 (no data), stay NaN.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from pyVmomi import vim

from collectors.vsphere.client import VSphereClient
from collectors.vsphere.samples import EntitySamples
from collectors.vsphere.usage import CPU_USAGE, MEMORY_CONSUMED, UsageQuery, query_window
from inventory.profiles import PERIODS
from inventory.records import HostProfileSeries, ProfileSeries

__all__ = ["PROFILE_SLOTS", "collect_all_profiles", "collect_profiles", "on_grid"]

#: Period -> number of slots (a day of 5-minute slots, a week of 30-minute slots).
PROFILE_SLOTS: dict[str, int] = {"day": 288, "week": 336}


@dataclass(frozen=True)
class _Window:
    period: str
    slot_s: int
    start: datetime
    samples: list[EntitySamples]


def on_grid(
    stamps: Sequence[datetime], values: NDArray[np.float64], *, start: datetime, slot_s: int, n_slots: int
) -> NDArray[np.float64]:
    """Samples stamped at the end of their interval, as a series of `n_slots` slots from `start` (NaN: none)."""
    out = np.full(n_slots, np.nan)
    if not len(stamps) or values.size != len(stamps):
        return out
    offsets = np.array([(t - start).total_seconds() for t in stamps])
    slot = np.ceil(offsets / slot_s - 1e-9).astype(np.int64) - 1
    ok = (slot >= 0) & (slot < n_slots) & (values >= 0) & np.isfinite(values)
    out[slot[ok]] = values[ok]
    return out


def _windows(client: VSphereClient, refs: Sequence[tuple[type, str]], reuse: UsageQuery | None) -> list[_Window]:
    """One window per period: the P95 query's samples when they match, else one batched query."""
    enabled = {period for period, _kept in client.historical_intervals()}
    end = client.server_time() if reuse is None else reuse.end
    windows = []
    for period, n_slots in PROFILE_SLOTS.items():
        slot_s = PERIODS[period]
        window_s = slot_s * n_slots
        if reuse is not None and reuse.period_s == slot_s and reuse.window_s == window_s:
            windows.append(_Window(period, slot_s, reuse.end - timedelta(seconds=window_s), reuse.samples))
            continue
        if enabled and slot_s not in enabled:
            continue  # the interval is switched off on this vCenter: no profile for this period
        query = query_window(client, refs, period_s=slot_s, window_s=window_s, end=end)
        if query is not None:
            windows.append(_Window(period, slot_s, query.end - timedelta(seconds=window_s), query.samples))
    return windows


def _series(
    client: VSphereClient, refs: Sequence[tuple[type, str]], reuse: UsageQuery | None
) -> Iterator[tuple[str, str, datetime, NDArray[np.float64], NDArray[np.float64] | None]]:
    """(ref, period, start, CPU MHz, memory MiB or None) of each entity of `refs` with CPU samples."""
    counters = client.counter_ids([CPU_USAGE.name, MEMORY_CONSUMED.name])
    cpu_key, mem_key = counters.get(CPU_USAGE.name), counters.get(MEMORY_CONSUMED.name)
    if cpu_key is None or not refs:
        return
    wanted = {ref for _kind, ref in refs}
    for w in _windows(client, refs, reuse):
        n_slots = PROFILE_SLOTS[w.period]
        for s in w.samples:
            if s.ref not in wanted or cpu_key not in s.values:
                continue
            cpu_raw = s.values[cpu_key] * CPU_USAGE.to_stored
            cpu = on_grid(s.timestamps, cpu_raw, start=w.start, slot_s=w.slot_s, n_slots=n_slots)
            if np.isnan(cpu).all():
                continue
            memory = None
            if mem_key is not None and mem_key in s.values:
                mem = s.values[mem_key] * MEMORY_CONSUMED.to_stored
                memory = on_grid(s.timestamps, mem, start=w.start, slot_s=w.slot_s, n_slots=n_slots)
            yield s.ref, w.period, w.start, cpu, None if memory is None or np.isnan(memory).all() else memory


def collect_all_profiles(
    client: VSphereClient,
    vm_ids: Mapping[str, str],
    host_ids: Mapping[str, str],
    *,
    reuse: UsageQuery | None = None,
) -> tuple[list[ProfileSeries], list[HostProfileSeries]]:
    """Day and week profiles of the given VMs and hosts (managed object id -> external id), one query per period.

    Hosts read the same counters as VMs: ``cpu.usagemhz.average`` and ``mem.consumed.average``.
    """
    refs = [(vim.VirtualMachine, ref) for ref in vm_ids] + [(vim.HostSystem, ref) for ref in host_ids]
    vms: list[ProfileSeries] = []
    hosts: list[HostProfileSeries] = []
    for ref, period, start, cpu, memory in _series(client, refs, reuse):
        mem = None if memory is None else memory.tolist()
        if ref in vm_ids:
            vms.append(
                ProfileSeries(
                    vm_external_id=vm_ids[ref], period=period, start_at=start, cpu_mhz=cpu.tolist(), memory_mib=mem
                )
            )
        else:
            hosts.append(
                HostProfileSeries(
                    host_external_id=host_ids[ref], period=period, start_at=start, cpu_mhz=cpu.tolist(), memory_mib=mem
                )
            )
    return vms, hosts


def collect_profiles(
    client: VSphereClient, vm_ids: Mapping[str, str], *, reuse: UsageQuery | None = None
) -> list[ProfileSeries]:
    """Day and week profiles of the given VMs (managed object id -> external id), for those with samples."""
    return collect_all_profiles(client, vm_ids, {}, reuse=reuse)[0]
