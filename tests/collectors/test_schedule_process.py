"""`parcimonie schedule` as real processes on SQLite and PostgreSQL: killed and restarted, two at once, legacy pickles.

The collection job is this machine (``PARCIMONIE_COLLECT_LOCAL=true``): cheap, recorded as a run. Cron
lines with a leading seconds field fire a few seconds ahead; the heartbeat is 1 s (stale after 3 s).
"""

import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, Float, LargeBinary, MetaData, String, Table, insert, inspect, select
from sqlmodel import Session
from typer.testing import CliRunner

from collectors.schedule import NightlyScheduler, ScheduleConfig
from inventory import CollectionRun, RunStatus, make_engine, upgrade_database
from inventory.schedule_store import SCHEDULER_JOBS_TABLE, acquire_lock, get_schedule, read_lock
from parcimonie.cli import app

REPO = Path(__file__).resolve().parents[2]
HEARTBEAT = ["--heartbeat-s", "1"]


class Scheduler:
    """A `parcimonie schedule` child process and its output file."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.log = cwd / f"schedule-{time.monotonic_ns()}.log"
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "parcimonie", "schedule", *args],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def holder_suffix(self) -> str:
        return f":{self.proc.pid}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait(self, timeout: float = 90) -> int:
        return self.proc.wait(timeout=timeout)


def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    upgrade_database(make_engine(database_url))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARCIMONIE_")}
    return {
        **clean,
        "PYTHONPATH": str(REPO),
        "PARCIMONIE_DATABASE_URL": database_url,
        "PARCIMONIE_COLLECT_LOCAL": "true",
        "PARCIMONIE_LOG_LEVEL": "INFO",
        "PARCIMONIE_SCHEDULE_MISFIRE_GRACE_S": "3600",
    }


@pytest.fixture
def spawn(env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Scheduler]]:
    started: list[Scheduler] = []

    def start(*args: str) -> Scheduler:
        scheduler = Scheduler(env, tmp_path, *args)
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.proc.poll() is None:
            scheduler.proc.kill()
            scheduler.proc.wait()


def _holds_lock(database_url: str, scheduler: Scheduler) -> bool:
    state = read_lock(make_engine(database_url))
    if scheduler.proc.poll() is not None:
        raise AssertionError(f"scheduler exited {scheduler.proc.returncode}:\n{scheduler.output()}")
    return state is not None and state.holder.endswith(scheduler.holder_suffix)


def _started(database_url: str, scheduler: Scheduler) -> bool:
    """The scheduler holds the lock and has saved its schedule (it printed so)."""
    return _holds_lock(database_url, scheduler) and "Planificateur démarré" in scheduler.output()


def _runs(database_url: str) -> list[CollectionRun]:
    with Session(make_engine(database_url)) as session:
        return list(session.scalars(select(CollectionRun)))


def _cron_at(moment: datetime) -> str:
    return f"{moment.second} {moment.minute} {moment.hour} * * *"


def test_a_run_missed_while_killed_runs_once_after_the_restart(
    database_url: str, spawn: Callable[..., Scheduler]
) -> None:
    fire = (datetime.now(UTC) + timedelta(seconds=8)).replace(microsecond=0)
    args = ["--cron", _cron_at(fire), "--timezone", "UTC", *HEARTBEAT]
    first = spawn(*args)
    _until(lambda: _started(database_url, first), 60, "the first scheduler's start")
    assert datetime.now(UTC) < fire - timedelta(seconds=1), "the scheduler took too long to start"
    first.proc.send_signal(signal.SIGKILL)  # no cleanup: the lock stays, with its last heartbeat
    first.wait()
    _until(lambda: datetime.now(UTC) > fire + timedelta(seconds=1), 15, "the fire time to pass")
    assert _runs(database_url) == []
    # Restarted within the grace delay: it waits for the dead holder's lock to go stale, takes it over,
    # then runs the missed collection once.
    second = spawn(*args, "--wait")
    _until(lambda: any(r.status != RunStatus.RUNNING for r in _runs(database_url)), 40, "the missed run")
    # The fire is recorded once the job returns, after the run and the plan-cache warm-up that
    # follows it (seconds on a loaded machine).
    engine = make_engine(database_url)
    _until(
        lambda: (r := get_schedule(engine, "collect-all")) is not None and r.last_fire_at is not None, 60, "the fire"
    )
    time.sleep(2)  # nothing else is due: still one run
    runs = _runs(database_url)
    assert [(r.kind, r.status) for r in runs] == [("local", RunStatus.SUCCEEDED)], second.output()
    row = get_schedule(engine, "collect-all")
    assert row is not None and row.last_fire_at == fire and row.next_run_at == fire + timedelta(days=1)
    second.proc.send_signal(signal.SIGTERM)
    assert second.wait() == 0, second.output()
    out = second.output()
    assert "repris" in out and "Collecte manquée du" in out and "verrou libéré" in out, out
    assert read_lock(make_engine(database_url)) is None
    assert len(_runs(database_url)) == 1


def test_a_second_scheduler_refuses_to_start_then_the_lock_is_free_or_taken_over(
    database_url: str, spawn: Callable[..., Scheduler]
) -> None:
    args = ["--cron", "0 2 * * *", *HEARTBEAT]
    first = spawn(*args)
    _until(lambda: _started(database_url, first), 60, "the first scheduler's start")
    second = spawn(*args)
    assert second.wait() == 2
    refused = second.output()
    assert "Un planificateur tourne déjà sur cette base" in refused and first.holder_suffix in refused, refused
    assert "--wait" in refused and "Traceback" not in refused
    # A waiting one takes over as soon as the first stops cleanly.
    waiting = spawn(*args, "--wait")
    _until(lambda: "attente de son arrêt" in waiting.output(), 60, "the waiting message")
    first.proc.send_signal(signal.SIGINT)
    assert first.wait() == 0 and "verrou libéré" in first.output()
    _until(lambda: _started(database_url, waiting), 60, "the waiting scheduler's start")
    waiting.proc.send_signal(signal.SIGTERM)
    assert waiting.wait() == 0
    assert read_lock(make_engine(database_url)) is None
    # A lock whose holder stopped its heartbeat long ago is taken over at once.
    old = datetime.now(UTC) - timedelta(hours=1)
    assert acquire_lock(make_engine(database_url), holder="ailleurs:4242", stale_after_s=3, now=old).acquired
    third = spawn(*args)
    _until(lambda: _started(database_url, third), 60, "the stale lock taken over")
    third.proc.send_signal(signal.SIGTERM)
    assert third.wait() == 0
    assert "Verrou abandonné de ailleurs:4242 repris" in third.output()


def _explode(path: str) -> None:
    Path(path).touch()
    raise RuntimeError("a legacy pickled job was loaded")


class _Explodes:
    """Unpickling this creates ``path`` (the proof) and then raises."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (_explode, (str(self.path),))


def _legacy_jobs(engine_url: str, proof: Path) -> None:
    jobs = Table(
        SCHEDULER_JOBS_TABLE,
        MetaData(),
        Column("id", String(191), primary_key=True),
        Column("next_run_time", Float, index=True),
        Column("job_state", LargeBinary, nullable=False),
    )
    engine = make_engine(engine_url)
    jobs.create(engine, checkfirst=True)
    state = pickle.dumps(_Explodes(proof))
    with engine.begin() as conn:
        conn.execute(insert(jobs), [{"id": "collect-all", "next_run_time": time.time() + 60, "job_state": state}])


def test_list_and_start_never_unpickle_a_legacy_job_store(database_url: str, tmp_path: Path) -> None:
    proof = tmp_path / "unpickled"
    check = tmp_path / "check"
    with pytest.raises(RuntimeError, match="legacy pickled job"):  # the test's pickle really runs code
        pickle.loads(pickle.dumps(_Explodes(check)))
    assert check.exists()
    engine = make_engine(database_url)
    # A database of the previous release: the migration drops the pickled job store without reading it.
    upgrade_database(engine, "0002")
    _legacy_jobs(database_url, proof)
    upgrade_database(engine)
    assert not inspect(engine).has_table(SCHEDULER_JOBS_TABLE) and not proof.exists()
    # A legacy row written after the upgrade (an old scheduler still running) is ignored too.
    _legacy_jobs(database_url, proof)
    env = {"PARCIMONIE_DATABASE_URL": database_url, "PARCIMONIE_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    result = runner.invoke(app, ["schedule", "--list"], env=env)
    assert result.exit_code == 0 and "Aucune tâche planifiée" in result.output, result.output
    scheduler = NightlyScheduler(
        engine, ScheduleConfig(cron="0 3 * * *", timezone="UTC", misfire_grace_s=60, include_local=True)
    )
    scheduler.acquire()
    scheduler.prepare()
    scheduler.close()
    result = runner.invoke(app, ["schedule", "--list"], env=env)
    assert result.exit_code == 0, result.output
    assert "collect-all : « 0 3 * * * » (UTC), sources : toutes, rattrapage 60 s" in result.output
    assert "prochaine exécution" in result.output and "Aucun planificateur actif" in result.output
    assert not proof.exists()
