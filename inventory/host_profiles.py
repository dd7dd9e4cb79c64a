"""Usage profiles of hosts: each host's CPU (and memory) over the day and the week, stored compactly.

The same periods, grids and 16-bit quantisation as the VMs' profiles (``inventory.profiles``), in
a sibling table (``host_usage_profile``): about 2.5 KB per host, 2 000 hosts in about 5 MB. Writing
a host's profile for a period replaces the previous one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from inventory.enums import LifecycleStatus
from inventory.models import Cluster, Host, HostUsageProfile, utcnow
from inventory.profiles import encoded_columns, present_profile_rows, replace_rows, stored_fields

__all__ = [
    "HostProfileRecord",
    "StoredHostProfile",
    "host_capacity_rows",
    "load_host_profile_rows",
    "match_hosts",
    "store_host_profiles",
]


@dataclass(frozen=True, eq=False)
class HostProfileRecord:
    """One host's series for one period, as collectors and imports hand it to the inventory."""

    host_id: int
    period: str
    start_at: datetime
    cpu_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64] | None = None


def _row(record: HostProfileRecord, source: str, now: datetime) -> HostUsageProfile:
    columns = encoded_columns(record.period, record.cpu_mhz, record.memory_mib)
    return HostUsageProfile(
        host_id=record.host_id, start_at=record.start_at, source=source, collected_at=now, **columns
    )


def store_host_profiles(session: Session, records: Iterable[HostProfileRecord], *, source: str) -> int:
    """Replace the stored profile of each (host, period) given, in the caller's transaction; returns the count."""
    now = utcnow()
    return replace_rows(session, HostUsageProfile.host_id, [_row(r, source, now) for r in records])


@dataclass(frozen=True, eq=False)
class StoredHostProfile:
    """A decoded host profile: its period's first slot, slot length and series."""

    host_id: int
    start_at: datetime
    slot_seconds: int
    cpu_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64] | None


def load_host_profile_rows(
    session: Session, period: str, *, host_ids: Sequence[int] | None = None
) -> dict[int, StoredHostProfile]:
    """Profiles of present hosts for `period` (all, or those of `host_ids`), by host id."""
    rows = present_profile_rows(session, HostUsageProfile.host_id, Host, period, host_ids)
    return {i: StoredHostProfile(host_id=i, **stored_fields(row)) for i, row in rows}


def host_capacity_rows(session: Session) -> list[tuple[int, str, str | None, float | None]]:
    """Present hosts (not missing, not retired), by id: (id, name, cluster name, raw CPU MHz = cores x MHz or None).

    The capacity is None when a figure is missing or impossible (not a finite positive number).
    """
    columns = [Host.id, Host.name, Cluster.name, Host.n_sockets, Host.n_cores_per_socket, Host.cpu_mhz]
    statement = (
        sa_select(*[col(c) for c in columns])
        .outerjoin(Cluster, col(Cluster.id) == col(Host.cluster_id))
        .where(col(Host.missing_since).is_(None), col(Host.status) != LifecycleStatus.RETIRED)
        .order_by(col(Host.id))
    )
    out: list[tuple[int, str, str | None, float | None]] = []
    for host_id, name, cluster, sockets, cores, mhz in session.execute(statement).all():
        raw = float(sockets or 0) * float(cores or 0) * float(mhz or 0)
        out.append((int(host_id), str(name), cluster, raw if math.isfinite(raw) and raw > 0 else None))
    return out


def match_hosts(session: Session, keys: Iterable[str]) -> tuple[dict[str, int], set[str]]:
    """Present hosts by key (external id, case-insensitive, else name), and the keys naming several.

    For imports whose rows name hosts collected by another source; keys in neither are unknown.
    """
    rows = session.exec(select(Host.id, Host.external_id, Host.name).where(col(Host.missing_since).is_(None))).all()
    by_id: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for host_id, external_id, name in rows:
        if host_id is None:
            continue
        by_id.setdefault(external_id.lower(), host_id)
        by_name.setdefault(name.lower(), []).append(host_id)
    out: dict[str, int] = {}
    ambiguous: set[str] = set()
    for key in keys:
        named = by_name.get(key.lower(), [])
        if key.lower() in by_id:
            out[key] = by_id[key.lower()]
        elif len(named) == 1:
            out[key] = named[0]
        elif len(named) > 1:
            ambiguous.add(key)
    return out, ambiguous
