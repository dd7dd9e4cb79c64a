"""This machine as a host of the inventory, in its own source ``local:<hostname>``.

The snapshot is complete for that source (it only ever holds this machine): if the machine id
changes (a reinstall), the old row is marked missing. External id: /etc/machine-id, else the
host name. Usage figures come from a short CPU sample; they describe a moment, not a month,
unless a rolling store of earlier runs' samples is given (``collectors.local.samples``): the P95 is
then taken over every kept sample, and counts as measured once the history spans a day.
"""

import socket
from pathlib import Path
from typing import Any

import numpy as np

from collectors.local.probe import MachineFacts, probe_machine
from collectors.local.samples import MEASURED_MIN_DAYS, UsageHistory, record_samples
from inventory.enums import PowerState, UsageSource
from inventory.records import HostRecord, Snapshot


def local_source() -> str:
    """The inventory source of this machine."""
    return f"local:{socket.gethostname()}"


def map_machine(facts: MachineFacts, history: UsageHistory | None = None) -> HostRecord:
    """The host record of the observed machine (fields it could not read are left unset); usage
    over `history` (this run's samples included) when given."""
    values: dict[str, Any] = {
        "name": facts.hostname,
        "cpu_model": facts.cpu_model,
        "n_sockets": facts.n_sockets,
        "n_cores_per_socket": max(1, facts.n_cores // facts.n_sockets),
        "n_threads": facts.n_threads,
        "cpu_mhz": facts.cpu_mhz,
        "memory_mib": facts.memory_mib,
        "vendor": facts.vendor,
        "model": facts.model,
        "serial_number": facts.serial_number,
        "hypervisor_version": facts.os_version,
        "power_state": PowerState.ON,
        "boot_time": facts.boot_time,
        "local_storage_gib": round(sum(d.total_gib for d in facts.disks), 1) if facts.disks else None,
        "memory_usage_p95_mib": facts.memory_used_mib,
        "usage_period_start": facts.sampled_from,
        "usage_period_end": facts.sampled_to,
    }
    usage = facts.cpu_usage_mhz
    if facts.cpu_mhz and usage.size:
        values["cpu_usage_p95_mhz"] = float(np.percentile(usage, 95))
        values["cpu_usage_mean_mhz"] = float(usage.mean())
    if values.get("cpu_usage_p95_mhz") is not None or values.get("memory_usage_p95_mib") is not None:
        values["usage_source"] = UsageSource.MEASURED_P95
    if history is not None:
        values.update(_over_history(history, with_cpu=bool(facts.cpu_mhz)))
    return HostRecord(external_id=facts.machine_id, **{k: v for k, v in values.items() if v is not None})


def _over_history(history: UsageHistory, *, with_cpu: bool) -> dict[str, Any]:
    """Usage figures over the kept samples: P95 and mean CPU, P95 memory, the window, its source."""
    values: dict[str, Any] = {
        "memory_usage_p95_mib": float(np.percentile(history.memory_mib, 95)),
        "usage_period_start": history.first,
        "usage_period_end": history.last,
        "usage_source": UsageSource.MEASURED_P95 if history.days >= MEASURED_MIN_DAYS else UsageSource.SAMPLE,
    }
    if with_cpu and history.cpu_mhz.size:
        values["cpu_usage_p95_mhz"] = float(np.percentile(history.cpu_mhz, 95))
        values["cpu_usage_mean_mhz"] = float(history.cpu_mhz.mean())
    return values


def collect_local(
    *, sample_s: float = 1.0, facts: MachineFacts | None = None, samples_path: Path | None = None
) -> Snapshot:
    """A complete snapshot of the ``local:<hostname>`` source: this one host; with `samples_path`,
    its usage over the rolling store of earlier runs (``collectors.local.samples``)."""
    seen = facts or probe_machine(sample_s=sample_s)
    history = None if samples_path is None else record_samples(samples_path, seen)
    return Snapshot(hosts=[map_machine(seen, history)], complete=True)
