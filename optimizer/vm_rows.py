"""Subsets and concatenations of VM tables, every per-VM array and the usage profiles kept aligned.

Reclamation drops VMs, P2V and the inventory's missing VMs append some: each goes through here, so
a VM's profile (`VmTable.cpu_profile_mhz`) follows its row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from optimizer.estate import VM_ARRAYS, VmTable, validate_vms

__all__ = ["concat_vms", "take_vms"]


def take_vms(vms: VmTable, idx: ArrayLike, **changed: Any) -> VmTable:
    """The VMs at `idx` (in that order), every per-VM array and the profiles kept aligned;
    `changed` replaces columns of the result (already of the new length)."""
    rows = np.asarray(idx, dtype=np.int64).reshape(-1)
    columns: dict[str, Any] = {name: getattr(vms, name)[rows] for name in VM_ARRAYS}
    profile = None if vms.cpu_profile_mhz is None else vms.cpu_profile_mhz[rows]
    columns.update(
        ids=tuple(vms.ids[i] for i in rows), names=tuple(vms.names[i] for i in rows), cpu_profile_mhz=profile
    )
    columns.update(changed)
    table = replace(vms, **columns)
    validate_vms(table)
    return table


def concat_vms(a: VmTable, b: VmTable) -> VmTable:
    """The VMs of `a` then those of `b`; a side without profiles gets NaN rows (when the other has)."""
    known = [t.cpu_profile_mhz for t in (a, b) if t.cpu_profile_mhz is not None]
    profile = None
    if known:
        s = known[0].shape[1]
        parts = [t.cpu_profile_mhz if t.cpu_profile_mhz is not None else np.full((t.n_vms, s), np.nan) for t in (a, b)]
        profile = np.vstack(parts)
    return VmTable.build(
        ids=[*a.ids, *b.ids],
        names=[*a.names, *b.names],
        cpu_profile_mhz=profile,
        **{name: np.concatenate([getattr(a, name), getattr(b, name)]) for name in VM_ARRAYS},
    )
