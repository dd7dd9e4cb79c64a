"""A plan's per-VM lists as columns, straight from the optimizer's arrays: where each placed VM goes.

The document's ``consolidation.placement`` and ``migrations`` hold one object per VM (50 000 at
50 000 VMs: a third of a second to build). A surface that shows them as a table, one page at a time
(the dashboard), asks the document without them (``PlanOutcome.document(vm_lists=False)``) and
reads these columns instead: the same rows, in the same order, as ``build`` writes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optimizer import ConsolidationResult

if TYPE_CHECKING:
    from parcimonie.planning.service import PlanOutcome


def target_labels(result: ConsolidationResult, host_names: tuple[str, ...]) -> list[str]:
    """Each target host's name: its own for an existing host, "nouveau-001"… for a new one."""
    return [
        host_names[existing] if existing >= 0 else f"nouveau-{k + 1:03d}"
        for k, existing in enumerate(result.target_existing_host.tolist())
    ]


def destination_labels(result: ConsolidationResult, host_names: tuple[str, ...]) -> dict[int, str]:
    """A placement value → the target's name (target indices on new hosts, existing host indices on a repack)."""
    if result.offer_name:
        return dict(enumerate(target_labels(result, host_names)))
    return {int(e): host_names[int(e)] for e in result.target_existing_host.tolist()}


def placement_columns(outcome: PlanOutcome) -> dict[str, list[str | None]]:
    """The document's placement as columns vm, from_host (None: a server to virtualise), to_host."""
    result, hosts, vms = outcome.consolidation, outcome.inputs.hosts, outcome.inputs.vms
    to_label = destination_labels(result, hosts.names)
    dst = np.asarray(result.placement, dtype=np.int64)
    placed = np.flatnonzero(dst >= 0)
    vm_names = np.asarray(vms.names, dtype=object)
    sources = np.asarray([*hosts.names, None], dtype=object)  # index -1: no source host
    src = np.asarray(vms.host, dtype=np.int64)[placed]
    labels = np.empty(max(to_label, default=-1) + 1, dtype=object)
    for value, name in to_label.items():
        labels[value] = name
    return {
        "vm": vm_names[placed].tolist(),
        "from_host": sources[np.where(src >= 0, src, len(hosts.names))].tolist(),
        "to_host": labels[dst[placed]].tolist(),
    }


def n_migrations(result: ConsolidationResult, vm_hosts: np.ndarray) -> int:
    """How many VMs move: every VM placed on new hosts; on a repack, those whose target is not their host."""
    dst = np.asarray(result.placement, dtype=np.int64)
    moved = dst >= 0
    if result.offer_name is None:
        moved &= dst != np.asarray(vm_hosts, dtype=np.int64)
    return int(moved.sum())
