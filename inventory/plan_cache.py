"""Plans kept between processes: the recommended plan's summary and its tornado, per snapshot.

The dashboard's first screen reads its plan here before computing anything, so the first browser to
connect after a start or a collection does not wait for a 50 000-VM plan: ``parcimonie dashboard``,
a collection, an import, the demo and the nightly run compute it beforehand (``parcimonie.planning.
plan_cache``). One row per (snapshot, request): ``snapshot_key`` says which inventory content the
plan was computed on (the latest successful run), ``request_key`` is a stable hash of the request,
its assumptions and the offers. A row without summary is a computation in progress
(``computing_since``), so a second process waits for it rather than computing the same plan again.
Rows of another snapshot are never read back and are pruned when a new one is stored.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col

from inventory.models import utcnow
from inventory.types import UTCDateTime

KEY_LENGTH = 200
#: A computation claimed longer ago than this is taken as abandoned (its process died).
STALE_CLAIM = timedelta(minutes=15)


class PlanCache(SQLModel, table=True):
    """One stored plan: its summary document (no placement list) and its tornado bars, as JSON."""

    __tablename__ = "plan_cache"
    __table_args__ = (UniqueConstraint("snapshot_key", "request_key", name="uq_plan_cache_snapshot_request"),)
    id: int | None = Field(default=None, primary_key=True)
    snapshot_key: str = Field(max_length=KEY_LENGTH, index=True, description="Latest successful run: id@end")
    request_key: str = Field(max_length=KEY_LENGTH, description="Hash of request, assumptions and offers")
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    computing_since: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    summary: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    tornado: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON, nullable=True)
    tornado_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


@dataclass(frozen=True)
class StoredPlan:
    """What the cache holds for a snapshot and a request (summary None: still being computed)."""

    summary: dict[str, Any] | None
    tornado: list[dict[str, Any]] | None
    computing: bool


def _row(session: Session, snapshot_key: str, request_key: str) -> PlanCache | None:
    return session.scalars(
        select(PlanCache).where(col(PlanCache.snapshot_key) == snapshot_key, col(PlanCache.request_key) == request_key)
    ).one_or_none()


def read_plan(
    session: Session, *, snapshot_key: str, request_key: str, now: datetime | None = None
) -> StoredPlan | None:
    """The stored plan of this snapshot and request; None when there is none (nor a live computation)."""
    row = _row(session, snapshot_key, request_key)
    if row is None:
        return None
    at = now or utcnow()
    computing = row.summary is None and row.computing_since is not None and at - row.computing_since < STALE_CLAIM
    if row.summary is None and not computing:
        return None
    return StoredPlan(summary=row.summary, tornado=row.tornado, computing=computing)


def claim_plan(session: Session, *, snapshot_key: str, request_key: str, now: datetime | None = None) -> bool:
    """Mark this plan as being computed by the caller; False when it is stored or another process computes it.

    Commits (the claim must be seen by other processes at once).
    """
    at = now or utcnow()
    row = _row(session, snapshot_key, request_key)
    if row is not None:
        if row.summary is not None or (row.computing_since is not None and at - row.computing_since < STALE_CLAIM):
            return False
        row.computing_since = at
    else:
        row = PlanCache(snapshot_key=snapshot_key, request_key=request_key, created_at=at, computing_since=at)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # another process claimed it between our read and our write
        session.rollback()
        return False
    return True


def release_plan(session: Session, *, snapshot_key: str, request_key: str) -> None:
    """Give up a claim that produced no plan (the request was refused): the next reader computes it."""
    row = _row(session, snapshot_key, request_key)
    if row is not None and row.summary is None:
        session.delete(row)
        session.flush()


def store_plan(
    session: Session,
    *,
    snapshot_key: str,
    request_key: str,
    summary: dict[str, Any],
    tornado: list[dict[str, Any]] | None = None,
) -> None:
    """Keep ``summary`` (and ``tornado`` when given) for this snapshot and request; prune other snapshots."""
    now = utcnow()
    row = _row(session, snapshot_key, request_key) or PlanCache(
        snapshot_key=snapshot_key, request_key=request_key, created_at=now
    )
    row.summary, row.computing_since, row.created_at = summary, None, now
    if tornado is not None:
        row.tornado, row.tornado_at = tornado, now
    session.add(row)
    prune_plans(session, keep_snapshot_key=snapshot_key)
    session.flush()


def store_tornado(session: Session, *, snapshot_key: str, request_key: str, tornado: list[dict[str, Any]]) -> bool:
    """Add the tornado bars to a stored plan; False when the plan is not stored (nothing written)."""
    row = _row(session, snapshot_key, request_key)
    if row is None or row.summary is None:
        return False
    row.tornado, row.tornado_at = tornado, utcnow()
    session.add(row)
    session.flush()
    return True


def prune_plans(session: Session, *, keep_snapshot_key: str) -> int:
    """Delete the plans of every snapshot but ``keep_snapshot_key``; returns how many went."""
    result = session.execute(delete(PlanCache).where(col(PlanCache.snapshot_key) != keep_snapshot_key))
    return int(getattr(result, "rowcount", 0) or 0)
