"""Where each VM's usage comes from, the host usage shared among VMs without their own, and how far
an estate's demand can be trusted.

Sources, from the most to the least trusted (``UsageSource``): a P95 measured over a window
(vSphere statistics), a point-in-time sample (an RVTools export), the host's usage apportioned to
its VMs, an estimate from the allocation. The data confidence of an estate weighs each source's
share of the CPU demand and rates the whole from 1 to 5, as Azure Migrate rates its assessments
(bands of 20 %; docs/assumptions.md, "Data confidence").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from optimizer.estate import HostTable, VmTable

__all__ = [
    "CONFIDENCE_BANDS",
    "CONFIDENCE_WEIGHTS",
    "DataConfidence",
    "UsageSource",
    "apportion_host_usage",
    "data_confidence",
]


class UsageSource(IntEnum):
    """Where a VM's usage figure comes from (codes stored in ``VmTable.usage_source``)."""

    MEASURED_P95 = 0
    SAMPLE = 1
    HOST_APPORTIONED = 2
    ESTIMATED = 3


#: How much each kind of figure counts towards the confidence score: a P95 measured over at least
#: ``Assumptions.confidence_min_days`` counts fully; a shorter P95 or a sample half (one moment, or
#: too short a window, may miss the peaks); a host's usage shared by allocation a quarter (right in
#: total for the host, a guess for each VM); an estimate nothing.
CONFIDENCE_WEIGHTS = {"measured": 1.0, "short_or_sample": 0.5, "host_apportioned": 0.25, "estimated": 0.0}
#: Score above which the level is 2, 3, 4, 5 (Azure Migrate's bands: 0–20 % one star … 81–100 % five).
CONFIDENCE_BANDS = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class DataConfidence:
    """Shares of the estate's CPU demand by source (they sum to 1 when there is demand), the weighted
    score and its level from 1 (mostly guesses) to 5 (measured P95 over a long enough window)."""

    share_measured: float  # measured P95 over at least the minimum window
    share_measured_short: float  # measured P95 over a shorter (or unknown) window
    share_sample: float
    share_host_apportioned: float
    share_estimated: float
    score: float
    level: int
    n_vms: int
    #: VMs by source, in ``UsageSource`` order (measured P95, sample, host-apportioned, estimated).
    n_by_source: tuple[int, int, int, int] = (0, 0, 0, 0)

    @property
    def mostly_estimated(self) -> bool:
        """More than half of the demand is estimated from allocation: the plan must say so first."""
        return self.share_estimated > 0.5


def apportion_host_usage(hosts: HostTable, vms: VmTable) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per VM, the CPU MHz and memory MiB apportioned from its host's usage (NaN where not apportioned).

    A host's usage less what its running VMs with their own figure use is shared among its running
    VMs without one, by vCPUs (CPU) and by allocated memory (memory). VMs on no known host, powered
    off, templates, and hosts without a usage figure get NaN.
    """
    cpu = np.full(vms.n_vms, np.nan)
    memory = np.full(vms.n_vms, np.nan)
    if hosts.n_hosts == 0:
        return cpu, memory
    running = vms.powered_on & ~vms.is_template & (vms.host >= 0)
    host = np.where(running, vms.host, 0)
    cases = (
        (vms.cpu_p95_mhz, vms.n_vcpus.astype(float), hosts.cpu_usage_mhz, cpu),
        (vms.memory_p95_mib, vms.memory_mib, hosts.memory_usage_mib, memory),
    )
    for own, allocation, usage, out in cases:
        known = running & ~np.isnan(own)
        unknown = running & np.isnan(own)
        used = np.bincount(host[known], weights=own[known], minlength=hosts.n_hosts)
        weight = np.bincount(host[unknown], weights=allocation[unknown], minlength=hosts.n_hosts)
        residual = np.maximum(usage - used, 0.0)  # NaN stays NaN: no figure for that host
        per_unit = np.divide(residual, weight, out=np.full(hosts.n_hosts, np.nan), where=weight > 0)
        share = per_unit[host]
        target = unknown & ~np.isnan(share)
        out[target] = allocation[target] * share[target]
    return cpu, memory


def data_confidence(
    cpu_demand: NDArray[np.float64], source: NDArray[np.int8], usage_days: NDArray[np.float64], min_days: float
) -> DataConfidence:
    """The confidence of demands ``cpu_demand`` by their ``source`` (``UsageSource`` codes); a
    measured P95 counts as measured when its window (``usage_days``) is at least ``min_days``.
    Without any demand (every VM at 0 MHz), each VM weighs the same."""
    weights = cpu_demand if cpu_demand.sum() > 0 else np.ones_like(cpu_demand)
    total = float(weights.sum())
    measured = source == UsageSource.MEASURED_P95
    long_enough = measured & (np.nan_to_num(usage_days, nan=0.0) >= min_days)

    def share(mask: NDArray[np.bool_]) -> float:
        return float(weights[mask].sum() / total) if total > 0 else 0.0

    shares = (
        share(long_enough),
        share(measured & ~long_enough),
        share(source == UsageSource.SAMPLE),
        share(source == UsageSource.HOST_APPORTIONED),
        share(source == UsageSource.ESTIMATED),
    )
    w = CONFIDENCE_WEIGHTS
    score = (
        shares[0] * w["measured"]
        + (shares[1] + shares[2]) * w["short_or_sample"]
        + shares[3] * w["host_apportioned"]
        + shares[4] * w["estimated"]
    )
    level = 1 + sum(score > band + 1e-12 for band in CONFIDENCE_BANDS)
    counts = np.bincount(source.astype(np.int64), minlength=len(UsageSource))[: len(UsageSource)]
    n_by_source = (int(counts[0]), int(counts[1]), int(counts[2]), int(counts[3]))
    return DataConfidence(*shares, score=score, level=level, n_vms=int(cpu_demand.size), n_by_source=n_by_source)
