"""Usage profiles: each VM's CPU (and memory) over a representative period, stored compactly.

A profile is a series of equal slots (vCenter's historical intervals: the past day at 300 s, the
past week at 1 800 s). Each series is quantised to 16-bit codes against its own peak, so one VM's
day and week fit in about 2.5 KB and 50 000 VMs in about 125 MB, on SQLite and PostgreSQL alike.
Writing a VM's profile for a period replaces the previous one: a profile describes the latest
period collected, the history of totals lives in ``capacity_history``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from inventory.columns import core_table
from inventory.models import HostUsageProfile, UsageProfile, VirtualMachine, utcnow

__all__ = [
    "PERIODS",
    "ProfileRecord",
    "decode",
    "decoded_series",
    "encode",
    "encoded_columns",
    "load_profiles",
    "present_profile_rows",
    "match_vms",
    "replace_rows",
    "store_profiles",
    "stored_fields",
]

#: Period name -> slot length in seconds (vCenter's historical intervals 1 and 2).
PERIODS: dict[str, int] = {"day": 300, "week": 1800}
_MISSING = 0xFFFF
_TOP = _MISSING - 1


def encode(values: NDArray[np.float64]) -> tuple[float, bytes]:
    """Quantise a series of finite values >= 0 (NaN: no sample) to (scale, uint16 codes)."""
    v = np.asarray(values, dtype=float)
    known = ~np.isnan(v)
    if (v[known] < 0).any() or not np.isfinite(v[known]).all():
        raise ValueError("a usage series holds only finite values >= 0 (NaN for a slot without sample)")
    peak = float(v[known].max()) if known.any() else 0.0
    scale = peak / _TOP if peak > 0 else 1.0
    codes = np.full(v.shape, _MISSING, dtype="<u2")
    codes[known] = np.rint(v[known] / scale).astype("<u2")
    return scale, codes.tobytes()


def decode(scale: float, codes: bytes) -> NDArray[np.float64]:
    """The series `encode` stored (NaN where no sample)."""
    raw = np.frombuffer(codes, dtype="<u2")
    out = raw.astype(float) * scale
    out[raw == _MISSING] = np.nan
    return out


def encoded_columns(
    period: str, cpu_mhz: NDArray[np.float64], memory_mib: NDArray[np.float64] | None
) -> dict[str, Any]:
    """The stored columns of one series pair (VM or host): slot grid, scales and 16-bit codes."""
    if period not in PERIODS:
        raise ValueError(f"unknown profile period {period!r} (expected one of {sorted(PERIODS)})")
    cpu = np.asarray(cpu_mhz, dtype=float)
    if memory_mib is not None and np.shape(memory_mib) != cpu.shape:
        raise ValueError("the memory series must have as many slots as the CPU series")
    cpu_scale, cpu_codes = encode(cpu)
    mem_scale, mem_codes = (None, None) if memory_mib is None else encode(memory_mib)
    return {
        "period": period,
        "slot_seconds": PERIODS[period],
        "n_slots": int(cpu.size),
        "cpu_scale_mhz": cpu_scale,
        "cpu_codes": cpu_codes,
        "memory_scale_mib": mem_scale,
        "memory_codes": mem_codes,
    }


def decoded_series(row: Any) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """A stored row's CPU and memory series (memory None when not stored); entity or plain row."""
    memory = None
    if row.memory_codes is not None and row.memory_scale_mib is not None:
        memory = decode(row.memory_scale_mib, row.memory_codes)
    return decode(row.cpu_scale_mhz, row.cpu_codes), memory


def replace_rows(session: Session, owner: Any, rows: Sequence[UsageProfile | HostUsageProfile]) -> int:
    """Delete the stored rows of each (owner, period) among `rows`, then add `rows`; returns the count.

    `owner` is the owner column (``UsageProfile.vm_id`` or ``HostUsageProfile.host_id``). Runs in
    the caller's transaction: a failed collection or import rolls its profiles back with the rest.
    """
    table, key = owner.class_, owner.key
    for period in {r.period for r in rows}:
        ids = [getattr(r, key) for r in rows if r.period == period]
        for start in range(0, len(ids), 5000):  # stay under SQLite's bound-parameter limit
            chunk = ids[start : start + 5000]
            session.exec(delete(table).where(col(table.period) == period, col(owner).in_(chunk)))
    session.add_all(rows)
    session.flush()
    return len(rows)


@dataclass(frozen=True, eq=False)
class ProfileRecord:
    """One VM's series for one period, as collectors and imports hand it to the inventory."""

    vm_id: int
    period: str
    start_at: datetime
    cpu_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64] | None = None

    @property
    def slot_seconds(self) -> int:
        """Slot length of the period."""
        return PERIODS[self.period]


def _row(record: ProfileRecord, source: str, now: datetime) -> UsageProfile:
    columns = encoded_columns(record.period, record.cpu_mhz, record.memory_mib)
    return UsageProfile(vm_id=record.vm_id, start_at=record.start_at, source=source, collected_at=now, **columns)


def store_profiles(session: Session, records: Iterable[ProfileRecord], *, source: str) -> int:
    """Replace the stored profile of each (VM, period) given; returns the number written.

    Runs inside the caller's transaction: a failed collection or import rolls its profiles back
    with the rest of its rows.
    """
    now = utcnow()
    return replace_rows(session, UsageProfile.vm_id, [_row(r, source, now) for r in records])


@dataclass(frozen=True, eq=False)
class StoredProfile:
    """A decoded profile: its period, first slot, slot length and series."""

    vm_id: int
    start_at: datetime
    slot_seconds: int
    cpu_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64] | None


def load_profiles(session: Session, period: str, *, vm_ids: Sequence[int] | None = None) -> dict[int, StoredProfile]:
    """Profiles of present VMs for `period` (all, or those of `vm_ids`), by VM id."""
    rows = present_profile_rows(session, UsageProfile.vm_id, VirtualMachine, period, vm_ids)
    return {i: StoredProfile(vm_id=i, **stored_fields(row)) for i, row in rows}


def present_profile_rows(
    session: Session, owner: Any, owner_table: Any, period: str, ids: Sequence[int] | None
) -> list[tuple[int, Any]]:
    """(owner id, stored row) of `period` for owners still present (all, or those of `ids`).

    `owner` is the profile table's owner column (``UsageProfile.vm_id``, ``HostUsageProfile.host_id``),
    `owner_table` the table it points to (``VirtualMachine``, ``Host``). The rows are plain rows with
    the table's column names, not ORM entities: building 100 000 entities took most of a plan's read."""
    table, key = core_table(owner.class_), owner.key
    query = (
        sa_select(*table.c)
        .join(core_table(owner_table), core_table(owner_table).c.id == table.c[key])
        .where(table.c.period == period, core_table(owner_table).c.missing_since.is_(None))
    )
    wanted = None if ids is None else set(ids)
    return [(getattr(r, key), r) for r in session.execute(query) if wanted is None or getattr(r, key) in wanted]


def stored_fields(row: Any) -> dict[str, Any]:
    """A stored row (entity or plain row of either profile table) as the decoded profile's fields:
    first slot, slot length, CPU and memory series."""
    cpu, memory = decoded_series(row)
    return {
        "start_at": row.start_at or utcnow(),
        "slot_seconds": row.slot_seconds,
        "cpu_mhz": cpu,
        "memory_mib": memory,
    }


def match_vms(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Present VMs by key: their external id (a UUID, case-insensitive), else their name when unique.

    For imports whose rows name VMs collected by another source; keys absent from the result are
    unknown (or name several present VMs).
    """
    rows = session.exec(
        select(VirtualMachine.id, VirtualMachine.external_id, VirtualMachine.name).where(
            col(VirtualMachine.missing_since).is_(None)
        )
    ).all()
    by_id: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for vm_id, external_id, name in rows:
        if vm_id is None:
            continue
        by_id.setdefault(external_id.lower(), vm_id)
        by_name.setdefault(name, []).append(vm_id)
    out: dict[str, int] = {}
    for key in keys:
        if key.lower() in by_id:
            out[key] = by_id[key.lower()]
        elif len(by_name.get(key, ())) == 1:
            out[key] = by_name[key][0]
    return out
