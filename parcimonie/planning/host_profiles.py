"""The hosts' measured load over time, from their stored usage profiles (``inventory.host_profiles``).

`load_host_profiles` aligns the day and week profiles on a ``HostTable``'s rows for planning.
`measured_load` reads them as the DSI asks: per host and per cluster, the day's peak CPU
utilisation and the minutes spent above 80 % and above 100 % over the last day and the last week.
Utilisation is CPU MHz over the host's raw capacity (cores x nominal MHz, no ceiling); a cluster's
is the sum over its hosts with a sample in that slot, over their summed capacity. A day slot is
5 minutes, a week slot 30: a slot above a threshold counts its whole length. See docs/profiles.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlmodel import Session

from inventory.host_profiles import host_capacity_rows, load_host_profile_rows
from inventory.profiles import PERIODS
from optimizer import HostTable
from parcimonie.planning.capacity import jsonable

__all__ = [
    "THRESHOLDS",
    "ClusterLoad",
    "HostLoad",
    "HostProfiles",
    "LoadFigures",
    "MeasuredLoad",
    "estate_load",
    "load_host_profiles",
    "measured_load",
]

_SLOTS = {"day": 288, "week": 336}
#: Utilisation thresholds whose minutes are counted: the usual ceiling, and saturation.
THRESHOLDS = (0.8, 1.0)


@dataclass(frozen=True, eq=False)
class HostProfiles:
    """Stored host profiles aligned on a HostTable's rows, raw MHz (NaN: no sample or no profile)."""

    ids: tuple[str, ...]
    day: NDArray[np.float64] | None
    week: NDArray[np.float64] | None
    day_start: datetime | None
    week_start: datetime | None
    n_with: int


def _tables(
    session: Session, host_ids: Sequence[int]
) -> tuple[dict[str, NDArray[np.float64] | None], dict[str, datetime | None], set[int]]:
    row = {h: k for k, h in enumerate(host_ids)}
    tables: dict[str, NDArray[np.float64] | None] = {}
    starts: dict[str, datetime | None] = {}
    having: set[int] = set()
    for period, n in _SLOTS.items():
        stored = load_host_profile_rows(session, period, host_ids=list(row))
        series = [(row[i], p) for i, p in stored.items() if p.cpu_mhz.size == n]
        tables[period], starts[period] = None, None
        if series:
            table = np.full((len(host_ids), n), np.nan)
            for k, p in series:
                table[k] = p.cpu_mhz
                having.add(k)
            tables[period] = table
            starts[period] = max(p.start_at for _k, p in series)
    return tables, starts, having


def load_host_profiles(session: Session, hosts: HostTable) -> HostProfiles:
    """Day and week CPU profiles of the hosts of `hosts` (rows by host id), None for a period no host has."""
    ids = [int(i) if str(i).isdigit() else -1 for i in hosts.ids]
    tables, starts, having = _tables(session, ids)
    return HostProfiles(
        ids=tuple(hosts.ids),
        day=tables["day"],
        week=tables["week"],
        day_start=starts["day"],
        week_start=starts["week"],
        n_with=len(having),
    )


@dataclass(frozen=True)
class LoadFigures:
    """Measured CPU load of a host or cluster; None where the period has no sample."""

    peak_day: float | None  # the day's highest slot, share of raw capacity
    minutes_over_80_day: float | None
    minutes_over_100_day: float | None
    peak_week: float | None
    minutes_over_80_week: float | None
    minutes_over_100_week: float | None


@dataclass(frozen=True)
class HostLoad:
    """One host's measured load."""

    name: str
    cluster: str | None
    capacity_mhz: float
    load: LoadFigures


@dataclass(frozen=True)
class ClusterLoad:
    """A cluster's measured load: its profiled hosts' summed MHz over their summed capacity, slot by slot."""

    cluster: str
    n_hosts: int
    capacity_mhz: float
    load: LoadFigures


@dataclass(frozen=True)
class MeasuredLoad:
    """Per host (profiled, with a known capacity) and per cluster; hosts profiled without capacity named."""

    day_start: datetime | None
    week_start: datetime | None
    hosts: list[HostLoad]
    clusters: list[ClusterLoad]
    no_capacity: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text, floats rounded, no NaN."""
        return jsonable(asdict(self))  # type: ignore[no-any-return]


def _period(util: NDArray[np.float64] | None, slot_minutes: float) -> tuple[float | None, float | None, float | None]:
    """(peak, minutes above 80 %, minutes above 100 %) of one utilisation series (NaN slots ignored)."""
    if util is None or np.isnan(util).all():
        return None, None, None
    known = util[~np.isnan(util)]
    over = [float((known > t).sum() * slot_minutes) for t in THRESHOLDS]
    return float(known.max()), over[0], over[1]


def _figures(day: NDArray[np.float64] | None, week: NDArray[np.float64] | None) -> LoadFigures:
    d = _period(day, PERIODS["day"] / 60)
    w = _period(week, PERIODS["week"] / 60)
    return LoadFigures(d[0], d[1], d[2], w[0], w[1], w[2])


def _share(table: NDArray[np.float64] | None, k: int, capacity: float) -> NDArray[np.float64] | None:
    """Row `k` of `table` as a share of `capacity` (None without the table)."""
    return None if table is None else table[k] / capacity


def _pooled(table: NDArray[np.float64] | None, rows: list[int], capacity: NDArray[np.float64]) -> Any:
    """Summed MHz of `rows` per slot over the capacity of those with a sample (NaN: none has one)."""
    if table is None:
        return None
    sub = table[rows]
    known = ~np.isnan(sub)
    cap = (known * capacity[rows][:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cap > 0, np.where(known, sub, 0.0).sum(axis=0) / cap, np.nan)


def measured_load(
    profiles: HostProfiles, names: Sequence[str], clusters: Sequence[str | None], capacity_mhz: Sequence[float]
) -> MeasuredLoad:
    """Per host and per cluster figures of `profiles` (rows: `names`, `clusters`, raw `capacity_mhz`; NaN unknown)."""
    cap = np.asarray(capacity_mhz, dtype=float)
    profiled = [
        k
        for k in range(len(names))
        if any(t is not None and not np.isnan(t[k]).all() for t in (profiles.day, profiles.week))
    ]
    usable = [k for k in profiled if np.isfinite(cap[k]) and cap[k] > 0]
    hosts = [
        HostLoad(
            name=names[k],
            cluster=clusters[k],
            capacity_mhz=float(cap[k]),
            load=_figures(_share(profiles.day, k, cap[k]), _share(profiles.week, k, cap[k])),
        )
        for k in usable
    ]
    by_cluster: dict[str, list[int]] = {}
    for k in usable:
        if clusters[k] is not None:
            by_cluster.setdefault(str(clusters[k]), []).append(k)
    cluster_loads = [
        ClusterLoad(
            cluster=name,
            n_hosts=len(rows),
            capacity_mhz=float(cap[rows].sum()),
            load=_figures(_pooled(profiles.day, rows, cap), _pooled(profiles.week, rows, cap)),
        )
        for name, rows in sorted(by_cluster.items())
    ]
    return MeasuredLoad(
        day_start=profiles.day_start,
        week_start=profiles.week_start,
        hosts=sorted(hosts, key=lambda h: (h.cluster or "", h.name)),
        clusters=cluster_loads,
        no_capacity=sorted(names[k] for k in profiled if k not in set(usable)),
    )


def estate_load(session: Session) -> MeasuredLoad:
    """``measured_load`` of the present hosts' stored profiles (capacity: cores x nominal MHz)."""
    rows = host_capacity_rows(session)
    tables, starts, _having = _tables(session, [r[0] for r in rows])
    profiles = HostProfiles(
        ids=tuple(str(r[0]) for r in rows),
        day=tables["day"],
        week=tables["week"],
        day_start=starts["day"],
        week_start=starts["week"],
        n_with=len(_having),
    )
    return measured_load(
        profiles, [r[1] for r in rows], [r[2] for r in rows], [np.nan if r[3] is None else r[3] for r in rows]
    )
