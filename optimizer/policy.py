"""The sizing policy of a plan: what the user chooses, as opposed to cost assumptions."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

from optimizer.errors import PolicyError

__all__ = ["CAUTIOUS_CEILING", "DEMANDS", "SCOPES", "Demand", "Policy", "Scope"]

#: Ceiling preset from the source texts: "x86 servers become unstable above 40 % of their
#: capacity" (French press 2015-2018). Offered as a cautious preset, not a law.
CAUTIOUS_CEILING: float = 0.40
Scope = Literal["cluster", "estate"]
SCOPES: tuple[Scope, ...] = ("cluster", "estate")
Demand = Literal["p95", "profile"]
DEMANDS: tuple[Demand, ...] = ("p95", "profile")


@dataclass(frozen=True)
class Policy:
    """How targets are sized and which VMs are placed.

    Attributes:
        ceiling: utilisation ceiling of target hosts, in (0, 1] (0.80: usual capacity-tool
            headroom; see `CAUTIOUS_CEILING`).
        ha_reserve_hosts: spare hosts per group (N+1 per cluster by default).
        scope: "cluster" packs each cluster alone with its own HA reserve; "estate" pools all.
        use_memory_p95: size memory on its P95 rather than the allocation.
        include_powered_off: place powered-off VMs too.
        include_templates: place templates too.
        vcpu_ratio: most vCPUs allocated per physical core of a target host (None: no cap). 4:1
            is the usual figure for server workloads; vSphere itself refuses more than 32.
        memory_overcommit: most memory allocated per MiB of physical memory of a target host
            (None: no cap; with memory sized on its allocation the ceiling already keeps it under 1).
        demand: "p95" packs each VM's CPU as one figure, its P95; "profile" packs its CPU usage
            profile (`VmTable.cpu_profile_mhz`: the peak of the sums, not the sum of the peaks),
            a group keeping its P95 packing when the profiles would need more hosts
            (``optimizer.demand``, docs/profiles.md). Without profiles both are the same.
    """

    ceiling: float = 0.80
    ha_reserve_hosts: int = 1
    scope: Scope = "cluster"
    use_memory_p95: bool = False
    include_powered_off: bool = True
    include_templates: bool = False
    vcpu_ratio: float | None = 4.0
    memory_overcommit: float | None = None
    demand: Demand = "p95"

    def __post_init__(self) -> None:
        c = self.ceiling
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c) or not 0 < c <= 1:
            raise PolicyError("out_of_range", "ceiling", c)
        object.__setattr__(self, "ceiling", float(c))
        ha = self.ha_reserve_hosts
        if isinstance(ha, bool) or not isinstance(ha, (int, float)) or not float(ha).is_integer():
            raise PolicyError("not_integer", "ha_reserve_hosts", ha)
        if ha < 0:
            raise PolicyError("negative", "ha_reserve_hosts", ha)
        object.__setattr__(self, "ha_reserve_hosts", int(ha))
        if self.scope not in SCOPES:
            raise PolicyError("unknown_scope", "scope", self.scope)
        if self.demand not in DEMANDS:
            raise PolicyError("unknown_demand", "demand", self.demand)
        for name in ("vcpu_ratio", "memory_overcommit"):
            _check_cap(name, getattr(self, name))
            if getattr(self, name) is not None:
                object.__setattr__(self, name, float(getattr(self, name)))
        for name in ("use_memory_p95", "include_powered_off", "include_templates"):
            object.__setattr__(self, name, bool(getattr(self, name)))

    def to_dict(self) -> dict[str, Any]:
        """Every field by name, to echo in results."""
        return dataclasses.asdict(self)


def _check_cap(name: str, value: object) -> None:
    """A cap is None (off) or a finite number > 0 (a ratio: 4.0 vCPUs per core, 1.5 × memory)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise PolicyError("out_of_range", name, value)
