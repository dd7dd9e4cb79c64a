"""Observed CPU and memory usage from the PerformanceManager: P95 and mean over a window.

Statistics come in batches of QueryPerf calls that respect vCenter's per-call cap
(``config.vpxd.stats.maxQueryMetrics``, 64 by default): entities × counters per call stays under
it. The sampling interval is the finest one that still covers the window: a historical rollup
(5 min kept a day, 30 min a week…) when vCenter has one enabled, else the real-time 20 s samples
kept about an hour (the window is then cut to that hour).

Series are asked for in the CSV format (one string per counter instead of one element per
sample; servers that ignore it, like govmomi's simulator, answer "normal" series, read alike) and
read by ``samples.read_samples`` straight into numpy arrays, not by pyVmomi's deserialiser.
"""

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyVmomi import vim
from pyVmomi.Iso8601 import ParseISO8601

from collectors.vsphere.client import VSphereClient
from collectors.vsphere.mapping import Usage
from collectors.vsphere.samples import EntitySamples

logger = logging.getLogger(__name__)

REALTIME_INTERVAL_S = 20
REALTIME_KEPT_S = 3600


@dataclass(frozen=True)
class UsageCounter:
    """A performance counter, its unit in vSphere, and the factor to the stored unit."""

    name: str
    unit: str
    to_stored: float


CPU_USAGE = UsageCounter("cpu.usagemhz.average", "MHz", 1.0)
MEMORY_CONSUMED = UsageCounter("mem.consumed.average", "KiB → MiB", 1 / 1024)
COUNTERS = (CPU_USAGE, MEMORY_CONSUMED)


def choose_interval(intervals: Sequence[tuple[int, int]], window_s: float) -> tuple[int, float]:
    """(sampling period, window) for a wanted window, given enabled (period, kept) intervals."""
    for period, kept in sorted(intervals):
        if kept >= window_s:
            return period, window_s
    if intervals and window_s > REALTIME_KEPT_S:
        period, kept = max(intervals, key=lambda item: item[1])
        return period, float(kept)
    return REALTIME_INTERVAL_S, min(window_s, REALTIME_KEPT_S)


def summarise(
    cpu_mhz: Sequence[float] | NDArray[np.float64], memory_kib: Sequence[float] | NDArray[np.float64]
) -> tuple[float | None, float | None, float | None]:
    """(P95 CPU MHz, mean CPU MHz, P95 memory MiB) from raw samples; -1 (no data) is dropped."""
    cpu = np.asarray(cpu_mhz, dtype=float)
    mem = np.asarray(memory_kib, dtype=float)
    cpu = cpu[cpu >= 0] * CPU_USAGE.to_stored
    mem = mem[mem >= 0] * MEMORY_CONSUMED.to_stored
    return (
        float(np.percentile(cpu, 95)) if cpu.size else None,
        float(cpu.mean()) if cpu.size else None,
        float(np.percentile(mem, 95)) if mem.size else None,
    )


def samples_of(metric: Any) -> EntitySamples:
    """pyVmomi's deserialised result of one entity ('normal' or 'csv') as ``EntitySamples``.

    The reference path: the collector reads responses with ``samples.read_samples`` instead.
    """
    values: dict[int, NDArray[np.float64]] = {}
    for series in metric.value or ():
        raw = series.value
        items = [v for v in raw.split(",") if v] if isinstance(raw, str) else list(raw or ())
        values[series.id.counterId] = np.array(items, dtype=np.float64)
    if isinstance(metric, vim.PerformanceManager.EntityMetricCSV):
        stamps = tuple(ParseISO8601(t) for t in (metric.sampleInfoCSV or "").split(",")[1::2] if t)
    else:
        stamps = tuple(info.timestamp for info in metric.sampleInfo or ())
    return EntitySamples(metric.entity._moId, stamps, values)


def usage_of(samples: EntitySamples, *, cpu_key: int, mem_key: int | None, period_s: int) -> Usage | None:
    """P95 and mean of one entity's samples over the period they cover; None without samples."""
    if not samples.timestamps:
        return None
    empty = np.empty(0)
    cpu_p95, cpu_mean, mem_p95 = summarise(
        samples.values.get(cpu_key, empty), samples.values.get(mem_key, empty) if mem_key is not None else empty
    )
    return Usage(
        cpu_p95_mhz=cpu_p95,
        cpu_mean_mhz=cpu_mean,
        memory_p95_mib=mem_p95,
        period_start=min(samples.timestamps) - timedelta(seconds=period_s),
        period_end=max(samples.timestamps),
    )


@dataclass(frozen=True, eq=False)
class UsageQuery:
    """Samples of one QueryPerf window: the interval read, the window and its end (vCenter's clock)."""

    period_s: int
    window_s: float
    end: datetime
    samples: list[EntitySamples]


def query_window(
    client: VSphereClient,
    entities: Sequence[tuple[type, str]],
    *,
    period_s: int,
    window_s: float,
    end: datetime,
    max_query_metrics: int = 64,
    workers: int = 4,
) -> UsageQuery | None:
    """CPU and memory samples of the entities at `period_s` over the window ending at `end`, in batches."""
    counters = client.counter_ids([c.name for c in COUNTERS])
    if CPU_USAGE.name not in counters or not entities:
        return None
    start = end - timedelta(seconds=window_s)
    n_samples = int(window_s // period_s)
    metric_ids = [vim.PerformanceManager.MetricId(counterId=key, instance="") for key in counters.values()]
    per_call = max(1, max_query_metrics // len(metric_ids))
    specs = [
        vim.PerformanceManager.QuerySpec(
            entity=client.entity(kind, ref),
            metricId=metric_ids,
            intervalId=period_s,
            startTime=start,
            endTime=end,
            maxSample=n_samples,
            format="csv",
        )
        for kind, ref in entities
    ]
    batches = [specs[i : i + per_call] for i in range(0, len(specs), per_call)]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = [samples for batch in pool.map(client.query_samples, batches) for samples in batch]
    logger.debug(
        "%s: samples of %d objects at %d s over %.0f s in %d calls",
        client.source.source,
        len(entities),
        period_s,
        window_s,
        len(batches),
    )
    return UsageQuery(period_s=period_s, window_s=window_s, end=end, samples=results)


def collect_usage(
    client: VSphereClient,
    entities: Sequence[tuple[type, str]],
    *,
    window_h: float,
    max_query_metrics: int = 64,
    workers: int = 4,
    fetched: list[UsageQuery] | None = None,
) -> dict[str, Usage]:
    """Usage per managed object id of the given (type, id) hosts and VMs; absent when no data.

    The query's samples are appended to `fetched` when given, for the profiles to reuse.
    """
    if not entities:
        return {}
    counters = client.counter_ids([c.name for c in COUNTERS])
    if CPU_USAGE.name not in counters:
        logger.warning("%s: counter %s not available: no usage figures", client.source.source, CPU_USAGE.name)
        return {}
    period_s, window_s = choose_interval(client.historical_intervals(), window_h * 3600)
    per_call = max(1, max_query_metrics // len(counters))
    query = query_window(
        client,
        entities,
        period_s=period_s,
        window_s=window_s,
        end=client.server_time(),
        max_query_metrics=max_query_metrics,
        workers=workers,
    )
    if query is None:
        return {}
    if fetched is not None:
        fetched.append(query)
    cpu_key = counters[CPU_USAGE.name]
    mem_key = counters.get(MEMORY_CONSUMED.name)
    usage: dict[str, Usage] = {}
    for samples in query.samples:
        figures = usage_of(samples, cpu_key=cpu_key, mem_key=mem_key, period_s=period_s)
        if figures is not None:
            usage[samples.ref] = figures
    logger.debug(
        "%s: usage of %d/%d objects at %d s over %.0f s in %d calls",
        client.source.source,
        len(usage),
        len(entities),
        period_s,
        window_s,
        -(-len(entities) // per_call),
    )
    return usage
