"""The nightly job: stored in the database, restored after a restart, recording runs."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from collectors.schedule import (
    JOB_ID,
    bind_engine,
    collect_job,
    list_jobs,
    make_scheduler,
    next_run_times,
    parse_cron,
    register_collection,
)
from collectors.sources import VSphereSource
from inventory import CollectionRun, RunStatus, make_engine, upgrade_database

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    return url, engine


def test_job_is_stored_with_its_policy_and_survives_a_restart(
    db: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = db
    monkeypatch.setenv("PARCIMONIE_VSPHERE_PASSWORD", "hunter2-secret")
    assert next_run_times(url) == {}
    scheduler = make_scheduler(url, misfire_grace_s=3600, background=True)
    source = VSphereSource(name="vc1", host="vc.example", user="ro")
    register_collection(scheduler, cron="0 2 * * *", tz="Europe/Paris", sources=[source], include_local=True)
    scheduler.start(paused=True)
    scheduler.shutdown(wait=False)
    jobs = list_jobs(url)
    assert [j.id for j in jobs] == [JOB_ID]
    job = jobs[0]
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    assert job.kwargs["sources"][0]["host"] == "vc.example" and "hunter2-secret" not in str(job.kwargs)
    when = next_run_times(url)[JOB_ID]
    local = when.astimezone(PARIS)
    assert (local.hour, local.minute) == (2, 0)
    assert timedelta(0) < when - datetime.now(UTC) <= timedelta(days=1)
    # A second start replaces the job rather than adding one.
    again = make_scheduler(url, misfire_grace_s=60, background=True)
    register_collection(again, cron="30 1 * * 1-5", tz="Europe/Paris", sources=[], include_local=False)
    again.start(paused=True)
    again.shutdown(wait=False)
    jobs = list_jobs(url)
    assert len(jobs) == 1 and jobs[0].misfire_grace_time == 60
    assert jobs[0].next_run_time.astimezone(PARIS).weekday() < 5


def test_a_triggered_job_records_runs(db: tuple[str, Engine]) -> None:
    url, engine = db
    scheduler = make_scheduler(url, misfire_grace_s=3600, background=True)
    register_collection(scheduler, cron="0 2 * * *", tz="Europe/Paris", sources=[], include_local=True)
    bind_engine(engine)
    try:
        scheduler.start()
        scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))
        deadline = time.monotonic() + 30
        runs: list[CollectionRun] = []
        while time.monotonic() < deadline and not runs:
            time.sleep(0.2)
            with Session(engine) as session:
                runs = list(session.scalars(select(CollectionRun).where(CollectionRun.status != RunStatus.RUNNING)))
        scheduler.shutdown(wait=True)
    finally:
        bind_engine(None)
    assert [(r.kind, r.status) for r in runs] == [("local", RunStatus.SUCCEEDED)]
    assert next_run_times(url)[JOB_ID].astimezone(PARIS).hour == 2


def test_job_outside_a_scheduler_and_bad_cron() -> None:
    with pytest.raises(RuntimeError, match="no engine"):
        collect_job(sources=[], include_local=True, usage_window_h=0, max_query_metrics=64)
    with pytest.raises(ValueError, match="invalid cron expression '0 25 \\* \\* \\*'"):
        parse_cron("0 25 * * *", "Europe/Paris")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        parse_cron("0 2 * * *", "Mars/Olympus")
