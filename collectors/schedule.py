"""Nightly collection of every configured source with APScheduler 3 (``parcimonie schedule``).

The schedule is plain data in the inventory (``collection_schedule``: cron line, time zone,
sources, catch-up delay, latest fire time run); at each start the job is rebuilt in memory
(``MemoryJobStore``): no pickled job anywhere, nothing read from the database can run code.

Promises kept:

- **missed runs**: at start, if the stored schedule had a fire time since the latest one run (or
  since it was created) that is no older than ``misfire_grace_s``, the collection runs once at
  once (coalesced: several missed fire times give one run), then the cron goes on. The fire time
  is noted when its run ends, so a scheduler killed in the middle of a run runs it again.
- **no overlapping runs**: ``max_instances=1``.
- **one scheduler per database**: a lock row (``scheduler_lock``) held by ``hostname:pid``, taken
  atomically, its heartbeat refreshed every ``heartbeat_s`` by a thread, released on exit (normal,
  SIGTERM, SIGINT); a lock whose heartbeat is older than ``3 × heartbeat_s`` is taken over. A
  scheduler whose lock was taken over stops.
"""

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from collectors.runner import run_all
from collectors.sources import VSphereSource
from inventory import CollectionRun, os_user, record_runs, session_scope, utcnow
from inventory.schedule_store import (
    LockState,
    Sources,
    acquire_lock,
    get_schedule,
    record_fire,
    refresh_lock,
    release_lock,
    save_schedule,
)

logger = logging.getLogger(__name__)

JOB_ID = "collect-all"
DEFAULT_HEARTBEAT_S = 30.0
STALE_HEARTBEATS = 3  # a lock without heartbeat for this many intervals is taken over
_TICK = timedelta(microseconds=1)
_CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
#: What the shell runs after each scheduled collection (the dashboard's plan computed ahead): passed
#: in, so the collectors import nothing above the inventory.
AfterRun = Callable[[Engine, list[CollectionRun]], object]


def parse_cron(cron: str, tz: str) -> CronTrigger:
    """A trigger from a crontab line; ``ValueError`` naming the bad part otherwise.

    Five fields (minute hour day month weekday) as in crontab; six fields put the seconds first
    (APScheduler's extension, used by the tests to fire within seconds).
    """
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{tz}'") from None
    try:
        parts = cron.split()
        if len(parts) == 6:
            fields = dict(zip(("second", *_CRON_FIELDS), parts, strict=True))
            return CronTrigger(timezone=zone, **fields)
        return CronTrigger.from_crontab(cron, timezone=zone)
    except ValueError as err:
        raise ValueError(f"invalid cron expression '{cron}': {err}") from None


def holder_id() -> str:
    """Who holds the lock: ``hostname:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def missed_fire_time(trigger: CronTrigger, *, since: datetime, now: datetime, grace_s: float) -> datetime | None:
    """The latest fire time after ``since`` and up to ``now`` if it is no older than ``grace_s``, else None."""
    start = max(since + _TICK, now - timedelta(seconds=grace_s))
    latest: datetime | None = None
    fire: datetime | None = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + _TICK)
    return latest


def make_scheduler(*, misfire_grace_s: int, background: bool = False) -> BaseScheduler:
    """A scheduler with jobs in memory only, coalesced and never overlapping."""
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_s}
    kind = BackgroundScheduler if background else BlockingScheduler
    return kind(jobstores={"default": MemoryJobStore()}, job_defaults=defaults, timezone="UTC")


def collect_job(
    engine: Engine,
    *,
    sources: list[VSphereSource],
    include_local: bool,
    usage_window_h: float,
    max_query_metrics: int,
    local_samples: Path | None = None,
    after_run: AfterRun | None = None,
) -> list[CollectionRun]:
    """The scheduled job: collect every source of the schedule into ``engine``'s inventory.

    Each run is recorded in the audit trail as the scheduler's ("scheduler:<OS user>"); then
    ``after_run`` (the shell's: the dashboard's plan computed ahead) is called with the runs.
    """
    runs = run_all(
        engine,
        sources=sources,
        include_local=include_local,
        local_samples=local_samples,
        usage_window_h=usage_window_h,
        max_query_metrics=max_query_metrics,
    )
    try:
        with session_scope(engine) as session:
            record_runs(session, runs, actor=f"scheduler:{os_user()}")
    except SQLAlchemyError as err:  # the runs themselves are recorded; only their audit line is missing
        logger.warning("scheduled collection not written to the audit trail: %s", type(err).__name__)
    failed = [r.source for r in runs if r.error]
    logger.info("scheduled collection: %d runs, %d failed %s", len(runs), len(failed), failed or "")
    if after_run is not None:
        try:
            after_run(engine, runs)
        except Exception as err:  # the collection is recorded: a failing hook must not turn it into an error
            logger.warning("after-run hook failed: %s", err)
    return runs


@dataclass(frozen=True)
class ScheduleConfig:
    """What to collect and when: the stored schedule plus what only the settings hold (never a password)."""

    cron: str
    timezone: str
    misfire_grace_s: int
    sources: list[VSphereSource] = field(default_factory=list)
    include_local: bool = False
    source_names: Sources = "all"
    usage_window_h: float = 24.0
    max_query_metrics: int = 64
    local_samples: Path | None = None  # this machine's rolling usage samples (``collectors.local.samples``)


def register_collection(
    scheduler: BaseScheduler,
    engine: Engine,
    config: ScheduleConfig,
    *,
    next_run_time: datetime | None = None,
    after_run: AfterRun | None = None,
) -> Job:
    """Add (or replace) the collection job in ``scheduler``'s memory; ``next_run_time`` may be a missed fire time."""
    kwargs: dict[str, Any] = {
        "sources": list(config.sources),
        "include_local": config.include_local,
        "usage_window_h": config.usage_window_h,
        "max_query_metrics": config.max_query_metrics,
        "local_samples": config.local_samples,
        "after_run": after_run,
    }
    extra = {} if next_run_time is None else {"next_run_time": next_run_time}
    return scheduler.add_job(
        collect_job,
        trigger=parse_cron(config.cron, config.timezone),
        args=(engine,),
        id=JOB_ID,
        name=f"Collecte de toutes les sources ({config.cron}, {config.timezone})",
        kwargs=kwargs,
        replace_existing=True,
        **extra,
    )


class SchedulerBusy(Exception):
    """Another scheduler holds the database's lock."""

    def __init__(self, state: LockState, stale_after_s: float) -> None:
        super().__init__(f"scheduler lock held by {state.holder}")
        self.state = state
        self.stale_after_s = stale_after_s


@contextmanager
def sigterm_exits() -> Iterator[None]:
    """In the main thread, SIGTERM raises ``SystemExit`` (as Ctrl+C raises ``KeyboardInterrupt``) so cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class NightlyScheduler:
    """One scheduler on one database: ``acquire`` the lock, ``prepare`` the job, ``run``, then ``close``."""

    def __init__(
        self,
        engine: Engine,
        config: ScheduleConfig,
        *,
        heartbeat_s: float = DEFAULT_HEARTBEAT_S,
        holder: str | None = None,
        background: bool = False,
        after_run: AfterRun | None = None,
    ) -> None:
        self.engine = engine
        self.after_run = after_run
        self.config = config
        self.heartbeat_s = heartbeat_s
        self.holder = holder or holder_id()
        self.scheduler = make_scheduler(misfire_grace_s=config.misfire_grace_s, background=background)
        self.scheduler.add_listener(self._on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.catch_up: datetime | None = None
        self.taken_over_from: str | None = None
        self.lock_lost = False
        self._holding = False
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    @property
    def stale_after_s(self) -> float:
        return STALE_HEARTBEATS * self.heartbeat_s

    def acquire(self, *, wait: bool = False, on_wait: Callable[[LockState], None] | None = None) -> None:
        """Take the database's scheduler lock; ``SchedulerBusy`` if held (or, with ``wait``, wait for it)."""
        told = False
        while True:
            attempt = acquire_lock(self.engine, holder=self.holder, stale_after_s=self.stale_after_s)
            if attempt.acquired:
                self._holding = True
                self.taken_over_from = attempt.taken_over_from
                if attempt.taken_over_from:
                    logger.warning("stale scheduler lock of %s taken over", attempt.taken_over_from)
                return
            if not wait:
                raise SchedulerBusy(attempt.state, self.stale_after_s)
            if on_wait is not None and not told:
                on_wait(attempt.state)
                told = True
            time.sleep(self.heartbeat_s)

    def prepare(self, *, now: datetime | None = None) -> Job:
        """Save the schedule, find a missed fire time of the stored one, and add the job (in memory)."""
        if not self._holding:
            raise RuntimeError("acquire the scheduler lock first")
        now = now or utcnow()
        config = self.config
        stored = get_schedule(self.engine, JOB_ID)
        if stored is not None:
            try:
                before = parse_cron(stored.cron, stored.timezone)
            except ValueError as err:
                logger.warning("stored schedule unreadable, no catch-up: %s", err)
            else:
                since = stored.last_fire_at or stored.created_at
                assert since is not None
                self.catch_up = missed_fire_time(before, since=since, now=now, grace_s=config.misfire_grace_s)
        save_schedule(
            self.engine,
            name=JOB_ID,
            cron=config.cron,
            timezone=config.timezone,
            sources=config.source_names,
            misfire_grace_s=config.misfire_grace_s,
            now=now,
        )
        trigger = parse_cron(config.cron, config.timezone)
        first = self.catch_up or trigger.get_next_fire_time(None, now)
        job = register_collection(self.scheduler, self.engine, config, next_run_time=first, after_run=self.after_run)
        record_fire(self.engine, JOB_ID, fire_at=None, next_run_at=first)
        if self.catch_up is not None:
            logger.info("missed collection due at %s runs now", self.catch_up.isoformat())
        return job

    def run(self) -> None:
        """Start the heartbeat and the scheduler; in the foreground, block until SIGTERM, Ctrl+C or a lost lock."""
        self._heartbeat = threading.Thread(target=self._beat, name="scheduler-heartbeat", daemon=True)
        self._heartbeat.start()
        with sigterm_exits():
            try:
                self.scheduler.start()
            except (KeyboardInterrupt, SystemExit):
                logger.info("scheduler stopping")

    def close(self) -> None:
        """Stop the scheduler (waiting for a running collection), the heartbeat, and free the lock."""
        try:
            self.scheduler.shutdown(wait=True)
        except SchedulerNotRunningError:
            pass
        finally:
            self._stop.set()
            if self._heartbeat is not None:
                self._heartbeat.join(timeout=5)
            if self._holding:
                self._holding = False
                try:
                    release_lock(self.engine, holder=self.holder)
                except SQLAlchemyError as err:  # the lock goes stale and is taken over later
                    logger.error("could not release the scheduler lock: %s", err)

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat_s):
            try:
                ours = refresh_lock(self.engine, holder=self.holder)
            except SQLAlchemyError as err:  # the database is away: keep trying, someone may take over meanwhile
                logger.warning("scheduler heartbeat failed: %s", err)
                continue
            if not ours:
                logger.error("scheduler lock taken over by another scheduler: stopping")
                self.lock_lost = True
                self._holding = False
                try:
                    self.scheduler.shutdown(wait=False)
                except SchedulerNotRunningError:
                    pass
                return

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.job_id != JOB_ID:
            return
        try:
            job = self.scheduler.get_job(JOB_ID)
        except JobLookupError:
            job = None
        fired = None if event.code == EVENT_JOB_MISSED else event.scheduled_run_time
        try:
            record_fire(self.engine, JOB_ID, fire_at=fired, next_run_at=job.next_run_time if job else None)
        except SQLAlchemyError as err:
            logger.error("could not record the scheduled run of %s: %s", event.scheduled_run_time, err)
