"""Placement rules a DSI needs, and their translation into packing units.

Rules (`PlacementRules`, indices into the VmTable and HostTable):

- anti-affinity groups: no two VMs of a group on one host (two domain controllers);
- kept-together groups: the VMs of a group share a host (they are packed as one item whose size is
  the sum of theirs, which keeps every lower bound valid);
- pins: a VM must run on a given existing host (repack only);
- stays: VMs, and every VM of some hosts, excluded from moves: they stay on their current host,
  which is then kept.

Pins and stays mean nothing on new hosts: a plan onto an offer ignores them (and says so).
`group_units` turns the rules of one packing group into units (merged VMs) with their anti-affinity
groups, their fixed bin and their home bin; the VMs the rules make impossible come back with a
reason instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.reasons import Reason, ReasonCode

__all__ = ["PlacementRules", "Units", "group_units"]

_I64 = NDArray[np.int64]


def _empty() -> _I64:
    return np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class PlacementRules:
    """Placement rules over one estate (VM and host indices).

    Attributes:
        anti_affinity: (group name, VM indices): never two of them on one host.
        together: (group name, VM indices): all on one host.
        pin_vm, pin_host: VM `pin_vm[k]` must run on existing host `pin_host[k]`.
        stay_vms: VMs that stay on their current host (excluded from moves).
        stay_hosts: hosts whose VMs all stay (the host is kept).
    """

    anti_affinity: tuple[tuple[str, _I64], ...] = ()
    together: tuple[tuple[str, _I64], ...] = ()
    pin_vm: _I64 = field(default_factory=_empty)
    pin_host: _I64 = field(default_factory=_empty)
    stay_vms: _I64 = field(default_factory=_empty)
    stay_hosts: _I64 = field(default_factory=_empty)

    @property
    def empty(self) -> bool:
        """No rule at all."""
        return not (self.anti_affinity or self.together or self.pin_vm.size or self.stay_vms.size) and not (
            self.stay_hosts.size
        )

    def fixed_hosts(self, vm_host: _I64) -> _I64:
        """Shape (m,): the existing host each VM must stay on or go to, -1 if free.

        A stay wins over a pin (the VM does not move at all); VMs with no current host cannot stay.
        """
        fixed = np.full(vm_host.size, -1, dtype=np.int64)
        fixed[self.pin_vm] = self.pin_host
        on_kept = np.isin(vm_host, self.stay_hosts) & (vm_host >= 0)
        fixed[on_kept] = vm_host[on_kept]
        stay = self.stay_vms[vm_host[self.stay_vms] >= 0]
        fixed[stay] = vm_host[stay]
        return fixed


@dataclass(frozen=True, eq=False)
class Units:
    """The items of one constrained packing group.

    Attributes:
        members: positions (into the group's sizes) merged into each unit.
        sizes: shape (u, d), summed sizes.
        groups: anti-affinity group ids of each unit (indices into `group_names`).
        group_names, group_sizes: name and member count of each anti-affinity group in play.
        fixed: shape (u,), bin each unit must go to, -1 if free.
        home: shape (u,), bin each unit runs on today, -1 if none (new hosts, or unknown).
        rejected: (position, reason) of VMs the rules make impossible to place.
    """

    members: list[list[int]]
    sizes: NDArray[np.float64]
    groups: list[tuple[int, ...]]
    group_names: list[str]
    group_sizes: list[int]
    fixed: _I64
    home: _I64
    rejected: list[tuple[int, Reason]]


def _merge(n: int, together: list[list[int]]) -> list[list[int]]:
    """Union of overlapping kept-together groups over positions 0..n-1; singletons for the rest."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for grp in together:
        for p in grp[1:]:
            parent[root(p)] = root(grp[0])
    by_root: dict[int, list[int]] = {}
    for i in range(n):
        by_root.setdefault(root(i), []).append(i)
    return list(by_root.values())


def _local(groups: tuple[tuple[str, _I64], ...], where: dict[int, int]) -> list[tuple[str, list[int]]]:
    """Rule groups restricted to the VMs of this packing group, as positions."""
    out = []
    for name, vms in groups:
        pos = sorted({where[v] for v in vms.tolist() if v in where})
        if len(pos) > 1:
            out.append((name, pos))
    return out


def group_units(
    *,
    vm_index: _I64,
    sizes: NDArray[np.float64],
    rules: PlacementRules,
    fixed_bin: _I64,
    home_bin: _I64,
) -> Units:
    """Units of one packing group: VMs `vm_index` (sizes `sizes`), their fixed and home bins.

    `fixed_bin` is -1 (free), a bin, or -2 (pinned to a host that is not a bin of this group).
    A unit holding two VMs of one anti-affinity group, or VMs fixed to different bins, or fixed
    outside the group, is rejected whole, with a reason.
    """
    where = {int(v): p for p, v in enumerate(vm_index.tolist())}
    anti = _local(rules.anti_affinity, where)
    members = _merge(len(where), [pos for _, pos in _local(rules.together, where)])
    anti_of: dict[int, list[int]] = {}
    for g, (_, pos) in enumerate(anti):
        for p in pos:
            anti_of.setdefault(p, []).append(g)
    kept: list[list[int]] = []
    groups: list[tuple[int, ...]] = []
    fixed: list[int] = []
    home: list[int] = []
    rejected: list[tuple[int, Reason]] = []
    for unit in members:
        gids = [g for p in unit for g in anti_of.get(p, [])]
        pins = {int(fixed_bin[p]) for p in unit if fixed_bin[p] != -1}
        reason = None
        if len(gids) != len(set(gids)):
            name = anti[next(g for g in gids if gids.count(g) > 1)][0]
            reason = Reason(ReasonCode.RULES_CONFLICT, {"group": name})
        elif len(pins) > 1 or -2 in pins:
            reason = Reason(ReasonCode.PINNED_HOST_UNAVAILABLE)
        if reason is not None:
            rejected.extend((p, reason) for p in unit)
            continue
        kept.append(unit)
        groups.append(tuple(sorted(set(gids))))
        fixed.append(pins.pop() if pins else -1)
        homes = [int(home_bin[p]) for p in unit if home_bin[p] >= 0]
        home.append(max(set(homes), key=homes.count) if homes else -1)
    d = sizes.shape[1]
    usz = np.array([sizes[u].sum(axis=0) for u in kept]).reshape(-1, d)
    return Units(
        members=kept,
        sizes=usz,
        groups=groups,
        group_names=[name for name, _ in anti],
        group_sizes=[len(pos) for _, pos in anti],
        fixed=np.array(fixed, dtype=np.int64),
        home=np.array(home, dtype=np.int64),
        rejected=rejected,
    )
