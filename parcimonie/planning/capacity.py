"""Capacity over time: growth, time remaining and hosts needed, per cluster and for the estate.

Reads the capacity history (``inventory.capacity_history``: one row per successful run and
cluster) and computes with ``optimizer.growth``. The CLI (`parcimonie capacity`) and the dashboard
both show this report. See docs/capacity.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from inventory import CapacityHistory, capacity_history
from optimizer import Policy
from optimizer.growth import Trend, hosts_needed, trend_of, usable_capacity, years_remaining

__all__ = [
    "DEFAULT_HORIZON_YEARS",
    "CapacityReport",
    "GroupCapacity",
    "HistoryPoint",
    "ResourceOutlook",
    "YearHosts",
    "capacity_report",
    "estate_capacity",
    "measured_growth",
]

DEFAULT_HORIZON_YEARS = 5


@dataclass(frozen=True)
class HistoryPoint:
    """One day of a group's history (the day's latest run)."""

    as_of: date
    run_id: int
    n_hosts: int
    cpu_demand_mhz: float
    memory_demand_mib: float
    cpu_capacity_mhz: float
    memory_mib: float


@dataclass(frozen=True)
class ResourceOutlook:
    """CPU (MHz) or memory (MiB) of a group: demand, capacity, growth and time remaining.

    ``usable`` is capacity x ceiling minus the HA reserve (largest host x reserve hosts).
    ``years_remaining`` counts from the last run's day (0: already over; None: never, at this trend);
    ``years_soonest`` / ``years_latest`` read the band's high and low slopes.
    """

    demand: float
    level: float
    capacity: float
    usable: float
    growth_per_year: float
    growth_low_per_year: float | None
    growth_high_per_year: float | None
    years_remaining: float | None
    years_soonest: float | None
    years_latest: float | None


@dataclass(frozen=True)
class YearHosts:
    """Hosts like today's average needed in a year of the horizon (``offset`` years after the last run)."""

    offset: int
    year: int
    cpu_demand_mhz: float
    memory_demand_mib: float
    hosts: int | None


@dataclass(frozen=True)
class GroupCapacity:
    """A cluster (``cluster`` None: the whole estate) over time."""

    cluster: str | None
    as_of: date
    n_runs: int
    n_hosts: int
    cpu: ResourceOutlook
    memory: ResourceOutlook
    hosts_by_year: list[YearHosts]
    history: list[HistoryPoint]


@dataclass(frozen=True)
class CapacityReport:
    """The capacity outlook of every cluster present at the latest run, then the estate."""

    as_of: date | None
    ceiling: float
    ha_reserve_hosts: int
    memory_basis: str
    horizon_years: int
    groups: list[GroupCapacity]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text, floats rounded, no NaN."""
        return jsonable(asdict(self))  # type: ignore[no-any-return]


def jsonable(value: Any) -> Any:
    """Dicts and lists of figures as JSON: dates (and datetimes) as ISO text, floats rounded, no NaN."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    return value


def _memory_demand(row: CapacityHistory, policy: Policy) -> float:
    return row.memory_p95_mib if policy.use_memory_p95 else row.memory_allocated_mib


def _points(rows: Sequence[CapacityHistory], policy: Policy) -> list[HistoryPoint]:
    """One point per day: the day's latest run (rows come oldest first)."""
    by_day: dict[date, HistoryPoint] = {}
    for row in rows:
        assert row.run_id is not None
        by_day[row.as_of] = HistoryPoint(
            as_of=row.as_of,
            run_id=row.run_id,
            n_hosts=row.n_hosts,
            cpu_demand_mhz=row.cpu_p95_mhz,
            memory_demand_mib=_memory_demand(row, policy),
            cpu_capacity_mhz=row.cpu_capacity_mhz,
            memory_mib=row.memory_mib,
        )
    return sorted(by_day.values(), key=lambda p: p.as_of)


def _outlook(trend: Trend, demand: float, capacity: float, largest: float, policy: Policy) -> ResourceOutlook:
    usable = usable_capacity(capacity, largest, ceiling=policy.ceiling, ha_reserve_hosts=policy.ha_reserve_hosts)
    return ResourceOutlook(
        demand=demand,
        level=trend.level,
        capacity=capacity,
        usable=usable,
        growth_per_year=trend.slope_per_year,
        growth_low_per_year=trend.low_per_year,
        growth_high_per_year=trend.high_per_year,
        years_remaining=years_remaining(trend, usable),
        years_soonest=years_remaining(trend, usable, trend.high_per_year) if trend.high_per_year is not None else None,
        years_latest=years_remaining(trend, usable, trend.low_per_year) if trend.low_per_year is not None else None,
    )


def _hosts_by_year(cpu: Trend, memory: Trend, last: CapacityHistory, policy: Policy, horizon: int) -> list[YearHosts]:
    """Demand grown by its slope each year, over the current hosts' average capacity, plus the HA reserve."""
    years = []
    for k in range(horizon + 1):
        cpu_k, mem_k = max(cpu.at(k), 0.0), max(memory.at(k), 0.0)
        hosts = None
        if last.n_hosts > 0:
            ceiling, reserve = policy.ceiling, policy.ha_reserve_hosts
            by_cpu = hosts_needed(
                cpu_k, last.cpu_capacity_mhz / last.n_hosts, ceiling=ceiling, ha_reserve_hosts=reserve
            )
            by_mem = hosts_needed(mem_k, last.memory_mib / last.n_hosts, ceiling=ceiling, ha_reserve_hosts=reserve)
            known = [h for h in (by_cpu, by_mem) if h is not None]
            hosts = max(known) if known else None
        years.append(YearHosts(k, last.as_of.year + k, cpu_k, mem_k, hosts))
    return years


def _group(rows: Sequence[CapacityHistory], policy: Policy, horizon: int) -> GroupCapacity:
    points = _points(rows, policy)
    last = max(rows, key=lambda r: (r.as_of, r.run_id))
    dates = [p.as_of for p in points]
    cpu = trend_of(dates, [p.cpu_demand_mhz for p in points])
    memory = trend_of(dates, [p.memory_demand_mib for p in points])
    return GroupCapacity(
        cluster=last.cluster,
        as_of=last.as_of,
        n_runs=len(points),
        n_hosts=last.n_hosts,
        cpu=_outlook(cpu, last.cpu_p95_mhz, last.cpu_capacity_mhz, last.max_host_cpu_mhz, policy),
        memory=_outlook(memory, _memory_demand(last, policy), last.memory_mib, last.max_host_memory_mib, policy),
        hosts_by_year=_hosts_by_year(cpu, memory, last, policy, horizon),
        history=points,
    )


def capacity_report(
    rows: Sequence[CapacityHistory], *, policy: Policy | None = None, horizon_years: int = DEFAULT_HORIZON_YEARS
) -> CapacityReport:
    """The outlook of each cluster present at the latest run (by name), then the estate (last)."""
    chosen = policy or Policy()
    if not rows:
        return CapacityReport(None, chosen.ceiling, chosen.ha_reserve_hosts, _basis(chosen), horizon_years, [])
    latest_run = max(r.run_id for r in rows)
    current = {r.cluster for r in rows if r.run_id == latest_run and r.cluster is not None}
    by_group: dict[str | None, list[CapacityHistory]] = {}
    for row in rows:
        if row.cluster is None or row.cluster in current:
            by_group.setdefault(row.cluster, []).append(row)
    names = sorted(current)
    groups = [_group(by_group[name], chosen, horizon_years) for name in [*names, None] if name in by_group]
    as_of = max(r.as_of for r in rows)
    return CapacityReport(as_of, chosen.ceiling, chosen.ha_reserve_hosts, _basis(chosen), horizon_years, groups)


def _basis(policy: Policy) -> str:
    return "p95" if policy.use_memory_p95 else "allocated"


def estate_capacity(
    session: Session, *, policy: Policy | None = None, horizon_years: int = DEFAULT_HORIZON_YEARS
) -> CapacityReport:
    """``capacity_report`` of the stored history."""
    return capacity_report(capacity_history(session), policy=policy, horizon_years=horizon_years)


#: The range of ``Assumptions.demand_growth_per_year``: a measured growth is clipped to it.
GROWTH_RANGE = (-0.5, 1.0)


def relative_growth(report: CapacityReport) -> float:
    """The estate's demand growth per year as a share of its current demand: the CPU or memory
    slope over the last run's demand, the larger of the two (0 without history or demand),
    clipped to ``GROWTH_RANGE``."""
    estate = next((g for g in report.groups if g.cluster is None), None)
    if estate is None:
        return 0.0
    shares = [r.growth_per_year / r.demand for r in (estate.cpu, estate.memory) if r.demand > 0]
    if not shares:
        return 0.0
    low, high = GROWTH_RANGE
    return min(max(max(shares), low), high)


def measured_growth(rows: Sequence[CapacityHistory], policy: Policy | None = None) -> float:
    """``relative_growth`` of the history ``rows`` (memory as the ``policy`` sizes it)."""
    return relative_growth(capacity_report(rows, policy=policy))
