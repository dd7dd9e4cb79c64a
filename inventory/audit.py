"""The audit trail: who changed what in the inventory, when, with the values before and after.

One row per change (``audit_event``): a scenario saved, renamed or deleted, an assumption changed,
an offer added or removed, an import or a collection run. The actor is the signed-in user of the
dashboard (their e-mail or name) or the operating-system user of a CLI run. Rows are only added,
never changed: the trail is what a committee reads back. Values are stored as JSON (plain text in
it: whoever shows them keeps them inert).
"""

import getpass
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import JSON, select
from sqlmodel import Field, Session, SQLModel, col

from inventory.models import utcnow
from inventory.types import UTCDateTime

#: The actions the trail records.
ACTIONS: Final = (
    "scenario.saved",
    "scenario.renamed",
    "scenario.deleted",
    "assumption.changed",
    "offer.added",
    "offer.removed",
    "import.run",
    "collection.run",
)
ACTOR_LENGTH: Final = 200
OBJECT_LENGTH: Final = 300


class AuditEvent(SQLModel, table=True):
    """One recorded change: when, who, which action on which object, the values before and after."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True, description="When (UTC)")
    actor: str = Field(max_length=ACTOR_LENGTH, index=True, description="Signed-in or OS user")
    action: str = Field(max_length=50, index=True, description="One of ACTIONS, e.g. 'scenario.saved'")
    object: str = Field(default="", max_length=OBJECT_LENGTH, description="What changed: a name, a source")
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON, nullable=True)


def os_user() -> str:
    """The operating-system user running this process (``getpass.getuser``): the actor of a CLI run.

    "?" when none is known (no USER/LOGNAME and no passwd entry, as in some containers).
    """
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


def _json_safe(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` as JSON would read it back (dates and other objects as text)."""
    if value is None:
        return None
    safe: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return safe


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    object: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the trail, in the caller's transaction (the change and its record commit together).

    Raises ``ValueError`` for an action not in ``ACTIONS``. Over-long actors and objects are cut.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        at=utcnow(),
        actor=(actor.strip() or "?")[:ACTOR_LENGTH],
        action=action,
        object=object[:OBJECT_LENGTH],
        before=_json_safe(before),
        after=_json_safe(after),
    )
    session.add(event)
    session.flush()
    return event


def audit_events(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    """Recorded events, newest first, filtered by actor, action and days (``until`` included, UTC)."""
    statement = select(AuditEvent).order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
    if actor:
        statement = statement.where(col(AuditEvent.actor) == actor)
    if action:
        statement = statement.where(col(AuditEvent.action) == action)
    if since is not None:
        statement = statement.where(col(AuditEvent.at) >= datetime.combine(since, time(), tzinfo=UTC))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC)
        statement = statement.where(col(AuditEvent.at) < end)
    return list(session.scalars(statement))


def audit_actors(session: Session) -> list[str]:
    """Everyone the trail names, alphabetically (the dashboard's filter)."""
    return list(session.scalars(select(col(AuditEvent.actor)).distinct().order_by(col(AuditEvent.actor))))


def latest_event(session: Session, *, action: str, object: str) -> AuditEvent | None:
    """The latest event of ``action`` on ``object`` (who saved a scenario last), or None."""
    statement = (
        select(AuditEvent)
        .where(col(AuditEvent.action) == action, col(AuditEvent.object) == object)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(1)
    )
    return session.scalars(statement).first()


#: Run kinds that are imports of files (the others are collections from a live source).
IMPORT_KINDS: Final = frozenset({"rvtools", "csv"})


def record_runs(session: Session, runs: "list[Any]", *, actor: str) -> None:
    """One event per collection run (``CollectionRun`` rows): "import.run" for files, else "collection.run"."""
    for run in runs:
        record_event(
            session,
            actor=actor,
            action="import.run" if run.kind in IMPORT_KINDS else "collection.run",
            object=run.source,
            after={
                "run_id": run.id,
                "kind": run.kind,
                "status": str(run.status.value if hasattr(run.status, "value") else run.status),
                "n_hosts": run.n_hosts,
                "n_vms": run.n_vms,
                "error": run.error,
            },
        )
