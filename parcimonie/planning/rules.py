"""Stored placement rules (by name) as the optimizer's `PlacementRules` (indices of one estate).

Resolved when a plan runs, on the tables it packs (after reclamation, if asked): a rule naming a
VM or host the plan does not hold (left out, reclaimed, gone since the import) is dropped; the
others keep their meaning. Groups of fewer than two VMs in the plan constrain nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inventory.rules import RuleRow
from optimizer import HostTable, PlacementRules, VmTable


def _index(names: Sequence[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        out.setdefault(name, []).append(i)
    return out


def _groups(rows: Sequence[RuleRow], kind: str, vm_of: dict[str, list[int]]) -> tuple[tuple[str, np.ndarray], ...]:
    members: dict[str, list[int]] = {}
    for r in rows:
        if r.kind == kind and r.group and r.vm:
            members.setdefault(r.group, []).extend(vm_of.get(r.vm, []))
    return tuple((name, np.array(sorted(set(v)), dtype=np.int64)) for name, v in members.items() if len(set(v)) > 1)


def placement_rules(rows: Sequence[RuleRow], *, hosts: HostTable, vms: VmTable) -> PlacementRules | None:
    """The rules over `hosts` and `vms`, or None when none applies."""
    if not rows:  # no rule imported: nothing to index (50 000 VM names)
        return None
    vm_of, host_of = _index(vms.names), _index(hosts.names)
    pins = [
        (v, host_of[r.host][0])
        for r in rows
        if r.kind == "pin" and r.vm and r.host in host_of
        for v in vm_of.get(r.vm, [])
    ]
    stay_vms = [v for r in rows if r.kind == "stay" and r.vm for v in vm_of.get(r.vm, [])]
    stay_hosts = [h for r in rows if r.kind == "stay" and not r.vm and r.host for h in host_of.get(r.host, [])]
    rules = PlacementRules(
        anti_affinity=_groups(rows, "anti_affinity", vm_of),
        together=_groups(rows, "together", vm_of),
        pin_vm=np.array([v for v, _ in pins], dtype=np.int64),
        pin_host=np.array([h for _, h in pins], dtype=np.int64),
        stay_vms=np.array(stay_vms, dtype=np.int64),
        stay_hosts=np.array(stay_hosts, dtype=np.int64),
    )
    return None if rules.empty else rules
