"""Collection runs: each run is recorded, and its snapshot lands whole or not at all."""

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from inventory.database import is_locked_error, session_scope, source_write_scope
from inventory.enums import RunStatus
from inventory.errors import CollectionError, ImportInProgress
from inventory.history import record_capacity
from inventory.limits import KIND_LENGTH, check_source
from inventory.models import CollectionRun, utcnow
from inventory.records import Snapshot
from inventory.repository import upsert_observations
from inventory.rules import replace_rules

logger = logging.getLogger(__name__)


#: A run still ``running`` after this long, whose process cannot be checked, is taken as dead.
STALE_AFTER = timedelta(hours=6)


def _hostname() -> str:
    return socket.gethostname()[:255]


def _process_gone(pid: int) -> bool:
    """True when no process ``pid`` runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists, under another user (PermissionError)
        return False
    return False


def close_abandoned_runs(session: Session, *, now: datetime | None = None) -> list[int]:
    """Mark failed the runs left ``running`` by a process that died (SIGKILL, power cut); their ids.

    A run started on this machine whose process is gone is closed at once; a run of another machine
    (or without a recorded process) once it is older than ``STALE_AFTER``. Should a live run be
    closed by mistake, its own ``finish_run`` sets its real outcome.
    """
    at = now or utcnow()
    here = _hostname()
    statement = (
        select(CollectionRun).where(col(CollectionRun.status) == RunStatus.RUNNING).order_by(col(CollectionRun.id))
    )
    running = session.scalars(statement).all()
    closed: list[int] = []
    for run in running:
        if run.hostname == here and run.pid is not None and _process_gone(run.pid):
            reason = f"interrompue : le processus {run.pid} sur {here} s'est arrêté avant la fin (tué ou arrêté ?)"
        elif run.started_at is not None and at - run.started_at > STALE_AFTER:
            hours = STALE_AFTER.total_seconds() / 3600
            reason = f"interrompue : toujours en cours après {hours:.0f} h, sans nouvelles de son processus"
        else:
            continue
        run.status, run.error, run.finished_at = RunStatus.FAILED, reason, at
        session.add(run)
        assert run.id is not None
        closed.append(run.id)
        logger.warning("run %s of %s: %s", run.id, run.source, reason)
    return closed


def start_run(engine: Engine, *, source: str, kind: str) -> int:
    """Record a run as ``running`` (committed at once, so a crash leaves a trace); returns its id.

    Runs that died without finishing are closed first (``close_abandoned_runs``). On SQLite, a
    database kept locked by another import's write raises ``ImportInProgress``.
    """
    try:
        with session_scope(engine) as session:
            close_abandoned_runs(session)
            run = CollectionRun(
                source=source,
                kind=kind,
                started_at=utcnow(),
                status=RunStatus.RUNNING,
                pid=os.getpid(),
                hostname=_hostname(),
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            return run.id
    except OperationalError as err:
        if is_locked_error(err):
            raise ImportInProgress(
                f"{source} : une autre importation est en cours et occupe la base : réessayez quand elle sera terminée"
            ) from None
        raise


def finish_run(engine: Engine, run_id: int, **values: object) -> CollectionRun:
    """Set the outcome of run ``run_id`` (status, counts, error) and its end time; returns it detached."""
    with session_scope(engine) as session:
        run = session.get(CollectionRun, run_id)
        assert run is not None
        for name, value in values.items():
            setattr(run, name, value.replace("\x00", "\\x00") if isinstance(value, str) else value)
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
    body marks the run failed with its message and is not propagated (``recorder.run`` says it),
    except ``ImportInProgress`` (another run of the source holds the write: the run is marked failed
    and the error propagates, for the CLI to say so); any other exception is a bug: the run is
    marked failed and the exception propagates. The body owns
    its own transaction, so a failed run has written nothing.
    """
    check_source(source)
    check_source(kind, field="kind", length=KIND_LENGTH)
    recorder = RunRecorder(run_id=start_run(engine, source=source, kind=kind))
    try:
        yield recorder
    except ImportInProgress as err:
        logger.error("run %s failed: %s", source, err)
        recorder.run = finish_run(engine, recorder.run_id, status=RunStatus.FAILED, error=str(err))
        raise
    except CollectionError as err:
        logger.error("run %s failed: %s", source, err)
        recorder.run = finish_run(engine, recorder.run_id, status=RunStatus.FAILED, error=str(err))
        return
    except BaseException as err:
        finish_run(engine, recorder.run_id, status=RunStatus.FAILED, error=f"internal error: {err!r}")
        raise
    recorder.run = finish_run(engine, recorder.run_id, status=RunStatus.SUCCEEDED, error=None, **recorder.counts)


def record_run(
    engine: Engine,
    *,
    source: str,
    kind: str,
    collect: Callable[[], Snapshot],
    now: datetime | None = None,
    as_of: date | None = None,
) -> CollectionRun:
    """Run ``collect`` and write its snapshot in one transaction, recording the run either way.

    The same transaction adds the run's rows to the capacity history (``inventory.history``), dated
    ``as_of`` (an export's own date) or else the day of the write (UTC).

    Collection happens before any write: a source that drops mid-run leaves the inventory as it was.
    The write holds the source's lock (``source_write_scope``): concurrent runs of one source are
    serialised; one that waits too long raises ``ImportInProgress`` (recorded failed).
    On a ``CollectionError`` the returned run says ``failed`` with the message (see ``recorded_run``).
    """
    with recorded_run(engine, source=source, kind=kind) as recorder:
        snapshot = collect()
        with source_write_scope(engine, source) as session:
            report = upsert_observations(session=session, source=source, snapshot=snapshot, now=now)
            if snapshot.placement_rules is not None:  # DRS rules: the source's own, replaced whole
                replace_rules(session, source, snapshot.placement_rules)
            day = as_of or (now or utcnow()).date()
            record_capacity(session, run_id=recorder.run_id, source=source, as_of=day)
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
