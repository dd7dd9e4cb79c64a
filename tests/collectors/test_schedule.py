"""The nightly scheduler in-process: plain-data schedule, missed fire times, the lock protocol, a run recorded."""

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from collectors.schedule import (
    JOB_ID,
    NightlyScheduler,
    ScheduleConfig,
    SchedulerBusy,
    missed_fire_time,
    parse_cron,
)
from collectors.sources import VSphereSource
from inventory import CollectionRun, RunStatus, audit_events, next_run_times, os_user
from inventory.schedule_store import (
    acquire_lock,
    get_schedule,
    list_schedules,
    read_lock,
    refresh_lock,
    release_lock,
)

PARIS = ZoneInfo("Europe/Paris")


def test_bad_cron_and_time_zone_and_seconds() -> None:
    with pytest.raises(ValueError, match="invalid cron expression '0 25 \\* \\* \\*'"):
        parse_cron("0 25 * * *", "Europe/Paris")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        parse_cron("0 2 * * *", "Mars/Olympus")
    trigger = parse_cron("15 30 2 * * *", "UTC")  # six fields: seconds first
    start = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, start) == datetime(2026, 11, 24, 2, 30, 15, tzinfo=UTC)


def test_missed_fire_time_is_the_latest_one_within_grace() -> None:
    nightly = parse_cron("0 2 * * *", "Europe/Paris")
    two_am = datetime(2026, 11, 24, 2, 0, tzinfo=PARIS)
    since = datetime(2026, 11, 23, 3, 0, tzinfo=PARIS)
    now = datetime(2026, 11, 24, 5, 0, tzinfo=PARIS)
    assert missed_fire_time(nightly, since=since, now=now, grace_s=6 * 3600) == two_am
    assert missed_fire_time(nightly, since=since, now=now, grace_s=3600) is None  # three hours late: too late
    assert missed_fire_time(nightly, since=two_am, now=now, grace_s=6 * 3600) is None  # already run
    assert missed_fire_time(nightly, since=since, now=two_am - timedelta(seconds=1), grace_s=6 * 3600) is None
    hourly = parse_cron("0 * * * *", "UTC")
    down = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)
    back = datetime(2026, 11, 24, 5, 10, tzinfo=UTC)
    # Five hourly fire times missed: one run, for the latest.
    assert missed_fire_time(hourly, since=down, now=back, grace_s=6 * 3600) == datetime(2026, 11, 24, 5, tzinfo=UTC)


def test_lock_protocol(engine: Engine) -> None:
    t0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert read_lock(engine) is None
    first = acquire_lock(engine, holder="a:1", stale_after_s=90, now=t0)
    assert first.acquired and first.taken_over_from is None
    refused = acquire_lock(engine, holder="b:2", stale_after_s=90, now=t0 + timedelta(seconds=60))
    assert not refused.acquired and refused.state.holder == "a:1" and refused.state.heartbeat_at == t0
    assert refresh_lock(engine, holder="a:1", now=t0 + timedelta(seconds=80))
    assert not acquire_lock(engine, holder="b:2", stale_after_s=90, now=t0 + timedelta(seconds=160)).acquired
    # No heartbeat for more than 90 s: taken over.
    taken = acquire_lock(engine, holder="b:2", stale_after_s=90, now=t0 + timedelta(seconds=171))
    assert taken.acquired and taken.taken_over_from == "a:1"
    assert not refresh_lock(engine, holder="a:1")  # the old holder learns it lost the lock
    assert not release_lock(engine, holder="a:1")
    state = read_lock(engine)
    assert state is not None and state.holder == "b:2"
    assert release_lock(engine, holder="b:2")
    assert read_lock(engine) is None
    assert acquire_lock(engine, holder="c:3", stale_after_s=90).acquired


def test_one_winner_among_simultaneous_schedulers(engine: Engine) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def contend(n: int) -> None:
        barrier.wait()
        results.append(acquire_lock(engine, holder=f"h:{n}", stale_after_s=90).acquired)

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    # A stale lock taken over by several at once: still one winner.
    stale = datetime.now(UTC) + timedelta(seconds=200)
    results.clear()
    barrier.reset()

    def take_over(n: int) -> None:
        barrier.wait()
        results.append(acquire_lock(engine, holder=f"k:{n}", stale_after_s=90, now=stale).acquired)

    threads = [threading.Thread(target=take_over, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]


def _config(cron: str = "0 2 * * *", **changes: object) -> ScheduleConfig:
    values: dict[str, object] = {"cron": cron, "timezone": "Europe/Paris", "misfire_grace_s": 3600}
    values.update(changes)
    return ScheduleConfig(**values)  # type: ignore[arg-type]


def test_schedule_is_stored_as_plain_data_and_a_second_scheduler_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARCIMONIE_VSPHERE_PASSWORD", "hunter2-secret")
    source = VSphereSource(name="vc1", host="vc.example", user="ro")
    config = _config(sources=[source], include_local=True, source_names=["vc1", "local"])
    first = NightlyScheduler(engine, config, holder="host-a:100", background=True)
    first.acquire()
    first.prepare()
    first.scheduler.start(paused=True)  # job defaults apply when the scheduler starts
    job = first.scheduler.get_job(JOB_ID)
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    [row] = list_schedules(engine)
    assert (row.name, row.cron, row.timezone, row.sources, row.misfire_grace_s) == (
        JOB_ID,
        "0 2 * * *",
        "Europe/Paris",
        ["vc1", "local"],
        3600,
    )
    assert row.last_fire_at is None and first.catch_up is None
    when = next_run_times(engine)[JOB_ID]
    assert (when.astimezone(PARIS).hour, when.astimezone(PARIS).minute) == (2, 0)
    assert timedelta(0) < when - datetime.now(UTC) <= timedelta(days=1)
    second = NightlyScheduler(engine, _config(), holder="host-b:200", background=True)
    with pytest.raises(SchedulerBusy) as busy:
        second.acquire()
    assert busy.value.state.holder == "host-a:100" and busy.value.stale_after_s == 90
    first.close()
    assert read_lock(engine) is None
    # The next start replaces the definition (updated_at moves) and keeps the row's history.
    second.acquire()
    second.prepare()
    second.close()
    [again] = list_schedules(engine)
    assert again.sources == "all" and again.created_at == row.created_at
    assert again.updated_at is not None and row.updated_at is not None and again.updated_at > row.updated_at


def test_catch_up_uses_the_stored_schedule(engine: Engine) -> None:
    """Stored at 01:00 with a 02:00 cron, back at 04:00: the 02:00 run is owed once; not after it ran."""
    t0 = datetime(2026, 11, 24, 1, 0, tzinfo=PARIS)
    first = NightlyScheduler(engine, _config(misfire_grace_s=4 * 3600), holder="a:1", background=True)
    first.acquire()
    first.prepare(now=t0)
    first.close()
    back = NightlyScheduler(engine, _config("30 6 * * *", misfire_grace_s=4 * 3600), holder="a:2", background=True)
    back.acquire()
    job = back.prepare(now=t0 + timedelta(hours=3))
    back.close()
    owed = datetime(2026, 11, 24, 2, 0, tzinfo=PARIS)
    assert back.catch_up == owed and job.next_run_time == owed
    row = get_schedule(engine, JOB_ID)
    assert row is not None and row.cron == "30 6 * * *" and row.next_run_at == owed


def test_a_triggered_job_records_its_run_and_fire_time(sqlite_engine: Engine) -> None:
    engine = sqlite_engine
    fire = (datetime.now(UTC) + timedelta(seconds=3)).replace(microsecond=0)
    cron = f"{fire.second} {fire.minute} {fire.hour} * * *"
    scheduler = NightlyScheduler(
        engine, _config(cron, timezone="UTC", include_local=True), holder="t:1", heartbeat_s=0.5, background=True
    )
    scheduler.acquire()
    scheduler.prepare()
    runs: list[CollectionRun] = []
    try:
        scheduler.run()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            row = get_schedule(engine, JOB_ID)
            if row is not None and row.last_fire_at is not None:
                break
            time.sleep(0.2)
    finally:
        scheduler.close()
    with Session(engine) as session:
        runs = list(session.scalars(select(CollectionRun)))
    assert [(r.kind, r.status) for r in runs] == [("local", RunStatus.SUCCEEDED)]
    with Session(engine) as session:  # the audit trail names the scheduler and its OS user
        assert [(e.action, e.actor) for e in audit_events(session)] == [("collection.run", f"scheduler:{os_user()}")]
    row = get_schedule(engine, JOB_ID)
    assert row is not None and row.last_fire_at == fire and row.next_run_at == fire + timedelta(days=1)
    assert read_lock(engine) is None
