"""The audit trail: events recorded in the caller's transaction, read back newest first and filtered."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from inventory import (
    AuditEvent,
    audit_actors,
    audit_events,
    latest_event,
    record_event,
    record_run,
    record_runs,
    session_scope,
)
from inventory.records import Snapshot


def test_recorded_events_read_back_newest_first_and_filtered(engine: Engine) -> None:
    with session_scope(engine) as session:
        record_event(session, actor="ada", action="scenario.saved", object="Plan A", after={"n": 1})
        record_event(session, actor="bob", action="offer.added", object="Devis", after={"price": 9000.0})
        record_event(
            session, actor="ada", action="assumption.changed", object="pue", before={"value": 1.5}, after={"value": 1.7}
        )
    with Session(engine) as session:
        assert [e.object for e in audit_events(session)] == ["pue", "Devis", "Plan A"]
        assert [e.object for e in audit_events(session, actor="ada")] == ["pue", "Plan A"]
        assert [e.actor for e in audit_events(session, action="offer.added")] == ["bob"]
        today = datetime.now(UTC).date()
        assert len(audit_events(session, since=today, until=today)) == 3
        assert audit_events(session, until=today - timedelta(days=1)) == []
        assert audit_events(session, since=today + timedelta(days=1)) == []
        assert audit_actors(session) == ["ada", "bob"]
        found = latest_event(session, action="assumption.changed", object="pue")
        assert found is not None and found.before == {"value": 1.5} and found.after == {"value": 1.7}
        assert found.at.tzinfo is not None
        assert latest_event(session, action="scenario.deleted", object="Plan A") is None


def test_unknown_actions_are_refused_and_values_are_kept_as_json(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValueError, match="unknown audit action"):
        record_event(session, actor="ada", action="scenario.hacked")
    with session_scope(engine) as session:
        event_id = record_event(
            session, actor="   " + "x" * 500, action="import.run", after={"day": date(2026, 1, 2)}
        ).id
    with Session(engine) as session:
        (stored,) = audit_events(session)
    assert stored.after == {"day": "2026-01-02"} and len(stored.actor) == 200 and stored.id == event_id


def test_a_failed_change_leaves_no_event(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        record_event(session, actor="ada", action="offer.removed", object="Devis")
        raise RuntimeError("the change failed")
    with Session(engine) as session:
        assert audit_events(session) == []


def test_runs_are_imports_or_collections(engine: Engine) -> None:
    runs = [
        record_run(engine, source=f"{kind}:x", kind=kind, collect=lambda: Snapshot(complete=False))
        for kind in ("rvtools", "csv", "vsphere", "local")
    ]
    with session_scope(engine) as session:
        record_runs(session, runs, actor="root")
    with Session(engine) as session:
        events: list[AuditEvent] = list(reversed(audit_events(session)))
    assert [e.action for e in events] == ["import.run", "import.run", "collection.run", "collection.run"]
    assert [e.object for e in events] == ["rvtools:x", "csv:x", "vsphere:x", "local:x"]
    assert all(e.after is not None and e.after["run_id"] == r.id for e, r in zip(events, runs, strict=True))
