"""Why a VM was not placed, as a code and its figures (the wording belongs to the caller)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Reason", "ReasonCode"]


class ReasonCode(StrEnum):
    """Codes of `Reason`; the params each one carries are listed beside it."""

    #: cpu_ref_mhz, memory_mib (the VM's demand); max_cpu_ref_mhz, max_memory_mib (the largest
    #: usable target capacity) when known.
    TOO_LARGE = "too_large"
    NO_CAPACITY_LEFT = "no_capacity_left"  # fits a target, but none had room left
    NO_TARGET_HOST = "no_target_host"  # no target host at all (no bin given)
    NO_FREE_EXISTING_HOST = "no_free_existing_host"  # repack: every existing host serves another group
    TEMPLATE = "template"  # left out by policy (include_templates=False)
    POWERED_OFF = "powered_off"  # left out by policy (include_powered_off=False)
    #: replacement: cpu_ref_mhz, memory_mib; the VM fits no host of the new model, its host is kept.
    TOO_LARGE_FOR_NEW_HOSTS = "too_large_for_new_hosts"
    NO_CAPACITY_ON_NEW_HOSTS = "no_capacity_on_new_hosts"  # replacement: no room left on new hosts
    #: placement rules (optimizer/constraints.py). group: a kept-together group holds two VMs of
    #: this anti-affinity group.
    RULES_CONFLICT = "rules_conflict"
    #: pinned (or kept) on a host that is not a target of its group, or on two different hosts.
    PINNED_HOST_UNAVAILABLE = "pinned_host_unavailable"
    #: group, size, n_hosts: an anti-affinity group with more VMs than the hosts available.
    ANTI_AFFINITY_TOO_FEW_HOSTS = "anti_affinity_too_few_hosts"


@dataclass(frozen=True)
class Reason:
    """A code and its figures (see `ReasonCode` for the params of each)."""

    code: ReasonCode
    params: Mapping[str, float | int | str] = field(default_factory=dict)
