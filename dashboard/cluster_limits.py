"""Which of the limits vSphere enforces binds a cluster, and the dashboard's cap inputs as Policy
fields (pure: no Streamlit, for ``dashboard.plan_frames``)."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from parcimonie.planning.document import PolicyEcho

__all__ = ["cluster_limit", "limit_caps"]


def limit_caps(vcpu_ratio: float, memory_overcommit: float) -> dict[str, float | None]:
    """The dashboard's two cap inputs as Policy fields: 0 means no cap."""
    return {"vcpu_ratio": float(vcpu_ratio) or None, "memory_overcommit": float(memory_overcommit) or None}


def cluster_limit(row: Mapping[Any, Any], caps: pd.Series | None, policy: PolicyEcho) -> str | None:
    """The limit closest to full in one cluster: mean utilisation over the ceiling for CPU and
    memory, mean vCPUs per core over ``vcpu_ratio``, mean allocated memory ratio over
    ``memory_overcommit`` (caps the policy does not set are left out); None when nothing is known."""
    shares = {
        "cpu": float(row["cpu_utilisation"]) / policy.ceiling,
        "memory": float(row["memory_utilisation"]) / policy.ceiling,
    }
    if caps is not None and policy.vcpu_ratio is not None:
        shares["vcpu_ratio"] = float(caps["vcpus_per_core"]) / policy.vcpu_ratio
    if caps is not None and policy.memory_overcommit is not None:
        shares["memory_overcommit"] = float(caps["memory_allocated_ratio"]) / policy.memory_overcommit
    known = {k: v for k, v in shares.items() if v == v}
    return max(known, key=lambda k: known[k]) if known else None
