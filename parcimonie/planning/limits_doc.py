"""The limits vSphere enforces, in the plan document: echo of the caps, per-host and plan-wide
limiting resource, and the HA reserve that cannot cover the largest host (``optimizer.limits``,
``optimizer.ha_reserve``). Kept apart from ``build.py`` so each part of the document has its module.
"""

from __future__ import annotations

import math
from typing import Any

from optimizer import ConsolidationResult, Policy
from parcimonie.planning.document import Consolidation, PolicyEcho
from parcimonie.planning.messages import Message

__all__ = [
    "consolidation_limit_fields",
    "limits_message",
    "limits_warnings",
    "policy_limit_fields",
    "target_limit_fields",
]


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def policy_limit_fields(policy: Policy) -> dict[str, Any]:
    """The caps of ``policy``, for ``PolicyEcho``."""
    return {"vcpu_ratio": policy.vcpu_ratio, "memory_overcommit": policy.memory_overcommit}


def target_limit_fields(result: ConsolidationResult, k: int) -> dict[str, Any]:
    """vCPUs per core, allocated memory ratio and limiting resource of target ``k``, for ``Target``
    (empty on results that carry no such figures)."""
    if k >= len(result.target_limit):
        return {}
    return {
        "vcpus_per_core": _num(float(result.vcpus_per_core[k])),
        "memory_allocated_ratio": _num(float(result.memory_allocated_ratio[k])),
        "limit": result.target_limit[k],
    }


def consolidation_limit_fields(result: ConsolidationResult) -> dict[str, Any]:
    """Plan-wide limiting resource and the clusters whose reserve is short, for ``Consolidation``."""
    return {
        "limiting_resource": result.limiting_resource,
        "ha_reserve_uncovered": [int(g) for g in result.ha_reserve_uncovered],
    }


def limits_message(c: Consolidation, policy: PolicyEcho) -> Message | None:
    """One line: the caps applied and the resource that limits the plan (None when nothing is placed)."""
    if c.limiting_resource is None:
        return None
    loaded = [t for t in c.targets if not t.ha_reserve and t.vcpus_per_core is not None]
    return Message(
        code="limits.summary",
        params={
            "resource": f"limit.{c.limiting_resource}",
            "vcpu_cap": policy.vcpu_ratio,  # None reads as "—": no cap
            "memory_cap": policy.memory_overcommit,
            "max_vcpus_per_core": max((t.vcpus_per_core or 0.0 for t in loaded), default=0.0),
            "max_memory_ratio": max((t.memory_allocated_ratio or 0.0 for t in loaded), default=0.0),
        },
    )


def limits_warnings(c: Consolidation) -> list[Message]:
    """A warning when some cluster's reserve cannot carry its largest host(s)."""
    if not c.ha_reserve_uncovered:
        return []
    return [Message(code="warning.ha_reserve_uncovered", params={"n": len(c.ha_reserve_uncovered)})]
