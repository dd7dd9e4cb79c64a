"""The nightly scheduler's plain data: its schedules and its one-per-database lock (no pickle).

``collection_schedule`` holds one row per schedule (cron line, time zone, sources, catch-up delay,
the latest fire time run, the next one); ``collectors.schedule`` rebuilds APScheduler's jobs in
memory from it at each start. Readers (``parcimonie schedule --list``, the dashboard) read these
columns: nothing is ever unpickled. The legacy ``apscheduler_jobs`` table of APScheduler's
SQLAlchemy job store is dropped by migration ``0003_scheduler`` and never read.

The lock (``scheduler_lock``, one row per lock name) is taken atomically: an ``INSERT`` when no row
exists, else a conditional ``UPDATE`` that succeeds only when the row is ours or its heartbeat is
stale. The holder refreshes its heartbeat with an ``UPDATE … WHERE holder = me`` (0 rows: the lock
was taken over) and deletes the row on exit.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, inspect, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from inventory.database import session_scope
from inventory.models import CollectionSchedule, SchedulerLock, utcnow

SCHEDULER_JOBS_TABLE = "apscheduler_jobs"  # legacy pickled job store: dropped by 0003_scheduler, never read
SCHEDULES_TABLE = "collection_schedule"
LOCK_TABLE = "scheduler_lock"
SCHEDULER_LOCK = "scheduler"

Sources = str | list[str]


@dataclass(frozen=True)
class LockState:
    """The lock row as read: who holds it, since when, and its last heartbeat."""

    holder: str
    acquired_at: datetime
    heartbeat_at: datetime


@dataclass(frozen=True)
class LockAttempt:
    """The outcome of ``acquire_lock``: acquired or not, and the row as it stands afterwards."""

    acquired: bool
    state: LockState
    taken_over_from: str | None = None


def _state(row: SchedulerLock) -> LockState:
    assert row.acquired_at is not None and row.heartbeat_at is not None
    return LockState(holder=row.holder, acquired_at=row.acquired_at, heartbeat_at=row.heartbeat_at)


def read_lock(engine: Engine, name: str = SCHEDULER_LOCK) -> LockState | None:
    """The lock as it stands, or None when free (or before the migrations created the table)."""
    if not inspect(engine).has_table(LOCK_TABLE):
        return None
    with Session(engine) as session:
        row = session.get(SchedulerLock, name)
        return None if row is None else _state(row)


def acquire_lock(
    engine: Engine,
    *,
    holder: str,
    stale_after_s: float,
    name: str = SCHEDULER_LOCK,
    now: datetime | None = None,
) -> LockAttempt:
    """Take lock ``name`` for ``holder`` if it is free, already ours, or stale (no heartbeat since ``stale_after_s``).

    Atomic on SQLite and PostgreSQL: the primary key lets one ``INSERT`` win; the ``UPDATE``'s
    condition is evaluated on the locked row, so two schedulers never both take over a stale lock.
    """
    now = now or utcnow()
    try:
        with session_scope(engine) as session:
            session.add(SchedulerLock(name=name, holder=holder, acquired_at=now, heartbeat_at=now))
        return LockAttempt(True, LockState(holder, now, now))
    except IntegrityError:
        pass  # a row exists: take it over only if it is ours or stale
    previous = read_lock(engine, name)
    stale_before = now - timedelta(seconds=stale_after_s)
    statement = (
        update(SchedulerLock)
        .where(col(SchedulerLock.name) == name)
        .where((col(SchedulerLock.holder) == holder) | (col(SchedulerLock.heartbeat_at) < stale_before))
        .values(holder=holder, acquired_at=now, heartbeat_at=now)
    )
    with engine.begin() as conn:
        result: CursorResult[tuple[()]] = conn.execute(statement)
        won = result.rowcount == 1
    if won:
        taken = previous.holder if previous is not None and previous.holder != holder else None
        return LockAttempt(True, LockState(holder, now, now), taken_over_from=taken)
    current = read_lock(engine, name)
    if current is None:  # released between our two statements: try again from the start
        return acquire_lock(engine, holder=holder, stale_after_s=stale_after_s, name=name, now=now)
    return LockAttempt(False, current)


def refresh_lock(engine: Engine, *, holder: str, name: str = SCHEDULER_LOCK, now: datetime | None = None) -> bool:
    """Refresh ``holder``'s heartbeat; False when the lock is no longer ours (taken over, or deleted)."""
    statement = (
        update(SchedulerLock)
        .where(col(SchedulerLock.name) == name)
        .where(col(SchedulerLock.holder) == holder)
        .values(heartbeat_at=now or utcnow())
    )
    with engine.begin() as conn:
        result: CursorResult[tuple[()]] = conn.execute(statement)
        return result.rowcount == 1


def release_lock(engine: Engine, *, holder: str, name: str = SCHEDULER_LOCK) -> bool:
    """Free the lock if ``holder`` has it; False when it was not (or no longer) theirs."""
    statement = delete(SchedulerLock).where(col(SchedulerLock.name) == name).where(col(SchedulerLock.holder) == holder)
    with engine.begin() as conn:
        result: CursorResult[tuple[()]] = conn.execute(statement)
        return result.rowcount == 1


def _detached(session: Session, row: CollectionSchedule) -> CollectionSchedule:
    session.flush()
    session.refresh(row)
    session.expunge(row)
    return row


def get_schedule(engine: Engine, name: str) -> CollectionSchedule | None:
    """Schedule ``name`` (detached), or None."""
    with Session(engine) as session:
        row = session.get(CollectionSchedule, name)
        if row is not None:
            session.expunge(row)
        return row


def list_schedules(engine: Engine) -> list[CollectionSchedule]:
    """Every stored schedule, by name; empty before the first ``parcimonie schedule``."""
    if not inspect(engine).has_table(SCHEDULES_TABLE):
        return []
    with Session(engine) as session:
        rows = list(session.scalars(select(CollectionSchedule).order_by(col(CollectionSchedule.name))))
        for row in rows:
            session.expunge(row)
        return rows


def save_schedule(
    engine: Engine,
    *,
    name: str,
    cron: str,
    timezone: str,
    sources: Sources,
    misfire_grace_s: int,
    now: datetime | None = None,
) -> CollectionSchedule:
    """Create or update schedule ``name``; ``updated_at`` moves only when its definition changes.

    ``last_fire_at`` is kept: it says which fire times were already run, whatever the new cron.
    """
    now = now or utcnow()
    with session_scope(engine) as session:
        row = session.get(CollectionSchedule, name)
        if row is None:
            row = CollectionSchedule(
                name=name,
                cron=cron,
                timezone=timezone,
                sources=sources,
                misfire_grace_s=misfire_grace_s,
                created_at=now,
                updated_at=now,
            )
        definition = (cron, timezone, sources, misfire_grace_s)
        if (row.cron, row.timezone, row.sources, row.misfire_grace_s) != definition:
            row.cron, row.timezone, row.sources, row.misfire_grace_s = definition
            row.updated_at = now
        session.add(row)
        return _detached(session, row)


def record_fire(engine: Engine, name: str, *, fire_at: datetime | None, next_run_at: datetime | None) -> None:
    """Note that the run due at ``fire_at`` was run (the latest fire time is kept) and the next one."""
    with session_scope(engine) as session:
        row = session.get(CollectionSchedule, name)
        if row is None:
            return
        if fire_at is not None and (row.last_fire_at is None or fire_at > row.last_fire_at):
            row.last_fire_at = fire_at
        row.next_run_at = next_run_at
        session.add(row)


def next_run_times(engine: Engine) -> dict[str, datetime]:
    """Schedule name → next run time (UTC); empty when nothing was ever scheduled."""
    return {row.name: row.next_run_at for row in list_schedules(engine) if row.next_run_at is not None}
