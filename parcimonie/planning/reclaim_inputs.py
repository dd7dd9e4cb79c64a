"""Reads what reclamation needs per VM beyond the plan's tables (``optimizer.reclaim.VmSignals``).

Days powered off come from the inventory's ``powered_off_since`` (dated by the write path): the
span between the first and the latest sighting powered off, so a VM is never called off longer
than it was seen off. Memory ballooning/swapping and active memory are not in the inventory yet:
they stay "unknown" (False, NaN), so no memory is shrunk on a guess and idle VMs are judged on the
consumed P95 (an upper bound of activity).
"""

import numpy as np
from sqlmodel import Session

from inventory.reclaim_rows import powered_off_spans
from optimizer import VmTable
from optimizer.reclaim import VmSignals

SECONDS_PER_DAY = 86400.0


def load_vm_signals(session: Session, vms: VmTable) -> VmSignals:
    """Signals of the VMs of ``vms`` (whose ids are the inventory row ids)."""
    spans = powered_off_spans(session)
    days = np.full(vms.n_vms, np.nan)
    for i, vm_id in enumerate(vms.ids):
        span = spans.get(int(vm_id)) if vm_id.isdigit() else None
        if span is not None:
            days[i] = max(0.0, (span[1] - span[0]).total_seconds() / SECONDS_PER_DAY)
    return VmSignals.build(
        vms.n_vms,
        powered_off_days=days,
        missing=np.zeros(vms.n_vms, dtype=bool),  # present VMs only: the plan's tables hold no missing VM
        memory_pressure=np.zeros(vms.n_vms, dtype=bool),  # not collected yet (ballooned / swapped MiB)
        memory_active_mib=np.full(vms.n_vms, np.nan),  # not collected yet (active MiB)
    )
