"""Which demand sizes a plan, the VMs' usage profiles or their P95: decided once per plan.

The rule (``PlanRequest.demand``): "p95" and "profile" are taken as asked; "auto" takes the
profiles when more than half of the VMs the plan places have one. The planning service applies it
to every packing of the plan (``Policy.demand``), and the time-aligned section (``profile_plan``)
reads the same rule, so both call the same answer chosen. docs/profiles.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from optimizer import Policy, VmTable
from optimizer.policy import Demand
from parcimonie.planning.messages import Message

if TYPE_CHECKING:
    from parcimonie.planning.document import Consolidation

__all__ = ["DemandRequest", "choose_demand", "demand_line", "plan_demand", "profile_coverage"]

DemandRequest = Literal["auto", "p95", "profile"]


def profile_coverage(vms: VmTable, policy: Policy) -> tuple[int, int]:
    """(VMs to place that have a usage profile, VMs to place): the policy's filters applied."""
    keep = np.ones(vms.n_vms, dtype=bool)
    if not policy.include_templates:
        keep &= ~vms.is_template
    if not policy.include_powered_off:
        keep &= vms.powered_on
    if vms.cpu_profile_mhz is None:
        return 0, int(keep.sum())
    having = ~np.isnan(vms.cpu_profile_mhz).all(axis=1)
    return int((having & keep).sum()), int(keep.sum())


def choose_demand(requested: DemandRequest, *, n_with_profile: int, n_vms: int) -> Demand:
    """The demand asked for, or under "auto" the profiles when more than half of the VMs have one."""
    if requested != "auto":
        return requested
    return "profile" if 2 * n_with_profile > n_vms else "p95"


def plan_demand(requested: DemandRequest, vms: VmTable, policy: Policy) -> Demand:
    """`choose_demand` on the VMs the plan places."""
    n_with, n = profile_coverage(vms, policy)
    return choose_demand(requested, n_with_profile=n_with, n_vms=n)


def demand_line(c: Consolidation) -> Message:
    """The one sentence every surface shows on what sized the plan (CLI, dashboard, workbook)."""
    share = c.demand_profile_share or 0.0
    if c.demand == "p95":
        return Message(code="plan.demand.p95", params={"share": share})
    if c.p95_kept_clusters:
        return Message(code="plan.demand.profile_p95_kept", params={"share": share, "n": len(c.p95_kept_clusters)})
    return Message(code="plan.demand.profile", params={"share": share})
