"""Collection runs: each run is recorded, and its snapshot lands whole or not at all."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from inventory.database import session_scope
from inventory.enums import RunStatus
from inventory.errors import CollectionError
from inventory.limits import KIND_LENGTH, check_source
from inventory.models import CollectionRun, utcnow
from inventory.records import Snapshot
from inventory.repository import upsert_observations

logger = logging.getLogger(__name__)


def start_run(engine: Engine, *, source: str, kind: str) -> int:
    """Record a run as ``running`` (committed at once, so a crash leaves a trace); returns its id."""
    with session_scope(engine) as session:
        run = CollectionRun(source=source, kind=kind, started_at=utcnow(), status=RunStatus.RUNNING)
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, **values: object) -> CollectionRun:
    """Set the outcome of run ``run_id`` (status, counts, error) and its end time; returns it detached."""
    with session_scope(engine) as session:
        run = session.get(CollectionRun, run_id)
        assert run is not None
        for name, value in values.items():
            setattr(run, name, value)
        run.finished_at = utcnow()
        session.add(run)
        session.flush()
        session.refresh(run)
        session.expunge(run)
        return run


@dataclass
class RunRecorder:
    """What the body of ``recorded_run`` reports: the counts to store; then the finished run."""

    run_id: int
    counts: dict[str, int] = field(default_factory=dict)
    run: CollectionRun | None = None


@contextmanager
def recorded_run(engine: Engine, *, source: str, kind: str) -> Iterator[RunRecorder]:
    """Record the run of the ``with`` body: ``running`` first, then ``succeeded`` or ``failed``.

    The run row is committed at once, so a crash leaves a trace. A ``CollectionError`` raised by the
    body marks the run failed with its message and is not propagated (``recorder.run`` says it); any
    other exception is a bug: the run is marked failed and the exception propagates. The body owns
    its own transaction, so a failed run has written nothing.
    """
    check_source(source)
    check_source(kind, field="kind", length=KIND_LENGTH)
    recorder = RunRecorder(run_id=start_run(engine, source=source, kind=kind))
    try:
        yield recorder
    except CollectionError as err:
        logger.error("run %s failed: %s", source, err)
        recorder.run = finish_run(engine, recorder.run_id, status=RunStatus.FAILED, error=str(err))
        return
    except BaseException as err:
        finish_run(engine, recorder.run_id, status=RunStatus.FAILED, error=f"internal error: {err!r}")
        raise
    recorder.run = finish_run(engine, recorder.run_id, status=RunStatus.SUCCEEDED, **recorder.counts)


def record_run(
    engine: Engine,
    *,
    source: str,
    kind: str,
    collect: Callable[[], Snapshot],
    now: datetime | None = None,
) -> CollectionRun:
    """Run ``collect`` and write its snapshot in one transaction, recording the run either way.

    Collection happens before any write: a source that drops mid-run leaves the inventory as it was.
    On a ``CollectionError`` the returned run says ``failed`` with the message (see ``recorded_run``).
    """
    with recorded_run(engine, source=source, kind=kind) as recorder:
        snapshot = collect()
        with session_scope(engine) as session:
            report = upsert_observations(session=session, source=source, snapshot=snapshot, now=now)
        recorder.counts = dict(
            n_sites=len(snapshot.sites),
            n_clusters=len(snapshot.clusters),
            n_hosts=len(snapshot.hosts),
            n_vms=len(snapshot.vms),
            n_datastores=len(snapshot.datastores),
            n_created=report.created,
            n_updated=report.updated,
            n_marked_missing=report.marked_missing,
        )
    run = recorder.run
    assert run is not None
    if run.status == RunStatus.SUCCEEDED:
        logger.info(
            "collection %s succeeded: %d hosts, %d VMs (%d created, %d updated, %d marked missing)",
            source,
            run.n_hosts,
            run.n_vms,
            run.n_created,
            run.n_updated,
            run.n_marked_missing,
        )
    return run


def recent_runs(session: Session, *, limit: int = 50) -> list[CollectionRun]:
    """The latest runs, newest first."""
    statement = select(CollectionRun).order_by(col(CollectionRun.id).desc()).limit(limit)
    return list(session.scalars(statement))
