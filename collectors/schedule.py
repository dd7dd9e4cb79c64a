"""Nightly collection of every configured source with APScheduler 3 (``parcimonie schedule``).

Jobs live in a ``SQLAlchemyJobStore`` on the inventory database (table ``apscheduler_jobs``), so
a restarted scheduler finds them again; ``coalesce`` runs a collection missed while it was down
once (within ``misfire_grace_time``), ``max_instances=1`` forbids overlapping runs. The job's
arguments (the source list, no password, no database URL) are stored with it and refreshed each
time the scheduler starts; the job writes through the engine the running scheduler holds.
"""

import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from collectors.runner import run_all
from collectors.sources import VSphereSource
from inventory import CollectionRun, make_engine
from inventory.schedule_store import SCHEDULER_JOBS_TABLE
from inventory.schedule_store import next_run_times as read_next_run_times

logger = logging.getLogger(__name__)

JOB_ID = "collect-all"
JOBS_TABLE = SCHEDULER_JOBS_TABLE
_engine: Engine | None = None


def parse_cron(cron: str, tz: str) -> CronTrigger:
    """A trigger from a crontab line; ``ValueError`` naming the bad part otherwise."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{tz}'") from None
    try:
        return CronTrigger.from_crontab(cron, timezone=zone)
    except ValueError as err:
        raise ValueError(f"invalid cron expression '{cron}': {err}") from None


def make_scheduler(database_url: str, *, misfire_grace_s: int, background: bool = False) -> BaseScheduler:
    """A scheduler whose jobs persist in the database, coalesced and never overlapping."""
    defaults = {"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_s}
    stores = {"default": SQLAlchemyJobStore(url=database_url, tablename=JOBS_TABLE)}
    kind = BackgroundScheduler if background else BlockingScheduler
    return kind(jobstores=stores, job_defaults=defaults, timezone=UTC)


def collect_job(
    *,
    sources: list[dict[str, Any]],
    include_local: bool,
    usage_window_h: float,
    max_query_metrics: int,
) -> list[CollectionRun]:
    """The scheduled job: collect every source into the running scheduler's database."""
    if _engine is None:
        raise RuntimeError("no engine: the collection job runs inside `parcimonie schedule`")
    runs = run_all(
        _engine,
        sources=[VSphereSource(**s) for s in sources],
        include_local=include_local,
        usage_window_h=usage_window_h,
        max_query_metrics=max_query_metrics,
    )
    failed = [r.source for r in runs if r.error]
    logger.info("scheduled collection: %d runs, %d failed %s", len(runs), len(failed), failed or "")
    return runs


def register_collection(
    scheduler: BaseScheduler,
    *,
    cron: str,
    tz: str,
    sources: list[VSphereSource],
    include_local: bool,
    usage_window_h: float = 24.0,
    max_query_metrics: int = 64,
) -> Job:
    """Add (or replace) the nightly collection job."""
    kwargs = {
        "sources": [s.model_dump(mode="json") for s in sources],
        "include_local": include_local,
        "usage_window_h": usage_window_h,
        "max_query_metrics": max_query_metrics,
    }
    return scheduler.add_job(
        collect_job,
        trigger=parse_cron(cron, tz),
        id=JOB_ID,
        name=f"Collecte de toutes les sources ({cron}, {tz})",
        kwargs=kwargs,
        replace_existing=True,
    )


def bind_engine(engine: Engine | None) -> None:
    """The engine scheduled jobs write through (set by the process that runs the scheduler)."""
    global _engine
    _engine = engine


def list_jobs(database_url: str) -> list[Job]:
    """The jobs stored in the database, without starting a scheduler."""
    store = SQLAlchemyJobStore(url=database_url, tablename=JOBS_TABLE)
    store.start(BackgroundScheduler(timezone=UTC), "default")
    try:
        return list(store.get_all_jobs())
    finally:
        store.shutdown()


def next_run_times(database_url: str) -> dict[str, datetime]:
    """Job id → next run time (UTC) read from the job store; empty before any ``schedule``."""
    engine = make_engine(database_url)
    try:
        return read_next_run_times(engine)
    finally:
        engine.dispose()
