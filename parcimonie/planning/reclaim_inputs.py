"""Reads what reclamation needs per VM beyond the plan's tables (``optimizer.reclaim.VmSignals``).

Days powered off come from the inventory's ``powered_off_since`` (dated by the write path): the
span between the first and the latest sighting powered off, so a VM is never called off longer
than it was seen off. Memory ballooning/swapping and active memory are not in the inventory yet:
they stay "unknown" (False, NaN), so no memory is shrunk on a guess and idle VMs are judged on the
consumed P95 (an upper bound of activity).
"""

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from sqlmodel import Session

from inventory.limits import number_problem
from inventory.reclaim_rows import memory_signal_rows, missing_vm_rows, powered_off_spans
from optimizer import UsageSource, VmTable
from optimizer.reclaim import VmSignals
from optimizer.vm_rows import concat_vms

if TYPE_CHECKING:
    from parcimonie.planning.estate_inputs import EstateInputs

SECONDS_PER_DAY = 86400.0


def load_vm_signals(session: Session, vms: VmTable) -> VmSignals:
    """Signals of the VMs of ``vms`` (whose ids are the inventory row ids, as ``load_estate`` writes them)."""
    spans = powered_off_spans(session)
    memory = memory_signal_rows(session)  # RVTools vMemory: active, ballooned, swapped MiB
    days = np.full(vms.n_vms, np.nan)
    pressure = np.zeros(vms.n_vms, dtype=bool)
    active = np.full(vms.n_vms, np.nan)
    position = {vm_id: i for i, vm_id in enumerate(vms.ids)}
    for row_id, span in spans.items():
        i = position.get(str(row_id))
        if i is not None:
            days[i] = max(0.0, span.total_seconds() / SECONDS_PER_DAY)
    for row_id, (active_mib, ballooned, swapped) in memory.items():
        i = position.get(str(row_id))
        if i is not None:
            active[i] = np.nan if active_mib is None else active_mib
            pressure[i] = bool(ballooned) or bool(swapped)  # any ballooned or swapped MiB: never shrink
    return VmSignals.build(
        vms.n_vms,
        powered_off_days=days,
        missing=np.zeros(vms.n_vms, dtype=bool),  # present VMs only: the plan's tables hold no missing VM
        memory_pressure=pressure,
        memory_active_mib=active,
    )


def with_missing_vms(session: Session, inputs: "EstateInputs") -> "EstateInputs":
    """``inputs`` with the VMs missing from their source appended (on no host, powered off, flagged
    missing), for the reclamation report only: a plan never holds them, so they free allocation and
    per-vCPU licences, no demand. VMs without a plausible size are left out."""
    rows = [
        r
        for r in missing_vm_rows(session)
        if r.n_vcpus
        and r.memory_mib
        and number_problem("n_vcpus", r.n_vcpus, integer=True) is None
        and number_problem("memory_mib", r.memory_mib) is None
    ]
    if not rows:
        return inputs
    vms, k = inputs.vms, len(rows)
    missing = VmTable.build(
        ids=[str(r.id) for r in rows],
        names=[r.name for r in rows],
        host=np.full(k, -1),
        n_vcpus=[r.n_vcpus for r in rows],
        memory_mib=[r.memory_mib for r in rows],
        powered_on=np.zeros(k, dtype=bool),
        is_windows=["windows" in (r.guest_os or "").lower() for r in rows],
        usage_source=np.full(k, int(UsageSource.ESTIMATED)),
    )
    both = concat_vms(vms, missing)
    old = inputs.vm_signals or VmSignals.build(vms.n_vms)
    signals = VmSignals.build(
        both.n_vms,
        powered_off_days=np.concatenate([old.powered_off_days, np.full(k, np.nan)]),
        missing=np.concatenate([old.missing, np.ones(k, dtype=bool)]),
        memory_pressure=np.concatenate([old.memory_pressure, np.zeros(k, dtype=bool)]),
        memory_active_mib=np.concatenate([old.memory_active_mib, np.full(k, np.nan)]),
    )
    return replace(inputs, vms=both, vm_signals=signals)
