"""The data confidence of a plan: the optimizer's shares by usage source as the document's
``Confidence``, the line a plan opens with, and the warnings it implies.

The line is the same on every surface (CLI text, workbook summary, dashboard overview): a plan
built mostly on estimates says so first, any other plan states its level and where its demand
comes from.
"""

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from optimizer import Assumptions, DataConfidence, VmTable
from parcimonie.planning.messages import Message


class Confidence(BaseModel):
    """How far the plan's demand can be trusted: shares of the CPU demand by usage source and the
    level 1–5 they earn (``optimizer.usage``; thresholds in docs/assumptions.md, "Data confidence")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=1, le=5)
    score: float  # weighted share of trusted demand, 0 to 1
    min_days: float  # window a measured P95 needs to count fully (Assumptions.confidence_min_days)
    share_measured: float  # P95 measured over at least min_days
    share_measured_short: float  # P95 measured over a shorter window
    share_sample: float  # point-in-time samples (RVTools), times Assumptions.sample_safety_factor
    share_host_apportioned: float  # the host's usage shared by vCPUs
    share_estimated: float  # estimated from allocation (Assumptions.cpu_unknown_fraction)
    n_vms_measured: int = 0
    n_vms_sample: int = 0
    n_vms_host_apportioned: int = 0
    n_vms_estimated: int = 0
    #: VMs on a host the inventory does not describe (no capacity figures): placed with the median host.
    n_vms_unknown_host: int = 0
    mostly_estimated: bool = False  # more than half of the demand estimated: said in the plan's first line


def plan_confidence(found: DataConfidence | None, vms: VmTable, assumptions: Assumptions) -> Confidence | None:
    """The document's confidence, or None when the plan placed no VM (nothing to trust)."""
    if found is None or found.n_vms == 0:
        return None
    measured, sample, apportioned, estimated = found.n_by_source
    return Confidence(
        level=found.level,
        score=found.score,
        min_days=assumptions.confidence_min_days,
        share_measured=found.share_measured,
        share_measured_short=found.share_measured_short,
        share_sample=found.share_sample,
        share_host_apportioned=found.share_host_apportioned,
        share_estimated=found.share_estimated,
        n_vms_measured=measured,
        n_vms_sample=sample,
        n_vms_host_apportioned=apportioned,
        n_vms_estimated=estimated,
        n_vms_unknown_host=int(np.count_nonzero(vms.host < 0)),
        mostly_estimated=found.mostly_estimated,
    )


def confidence_line(confidence: Confidence | None) -> Message | None:
    """The plan's first line: a warning when its demand is mostly estimated, else its level."""
    if confidence is None:
        return None
    params: dict[str, float | int | str | list[str] | None] = {
        "level": confidence.level,
        "meaning": f"confidence.level_{confidence.level}",
        "measured": confidence.share_measured,
        "short": confidence.share_measured_short,
        "sample": confidence.share_sample,
        "apportioned": confidence.share_host_apportioned,
        "estimated": confidence.share_estimated,
        "days": confidence.min_days,
    }
    code = "confidence.mostly_estimated" if confidence.mostly_estimated else "confidence.line"
    return Message(code=code, params=params)


def confidence_warnings(confidence: Confidence | None) -> list[Message]:
    """Warnings the confidence implies: VMs on hosts the inventory does not describe."""
    if confidence is None or not confidence.n_vms_unknown_host:
        return []
    return [Message(code="warning.vms_on_unknown_hosts", params={"n": confidence.n_vms_unknown_host})]
