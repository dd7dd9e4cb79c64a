"""Runs of one source at once, and runs whose process died — on both databases."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from inventory import (
    CollectionRun,
    HostRecord,
    RunStatus,
    Site,
    SiteRecord,
    Snapshot,
    VirtualMachine,
    VirtualMachineRecord,
    recent_runs,
    record_run,
    session_scope,
    utcnow,
)
from inventory import database as database_module
from inventory.database import source_write_scope
from inventory.errors import ImportInProgress
from inventory.runs import STALE_AFTER, close_abandoned_runs

ROOT = Path(__file__).parents[2]


def _snapshot(n_vms: int = 50) -> Snapshot:
    return Snapshot(
        sites=[SiteRecord(external_id="dc1", name="Datacenter")],
        hosts=[HostRecord(external_id="h1", name="esx1", site_external_id="dc1", n_sockets=2)],
        vms=[
            VirtualMachineRecord(external_id=f"vm{i}", name=f"vm-{i}", host_external_id="h1", n_vcpus=2)
            for i in range(n_vms)
        ],
    )


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_the_same_source_imported_8_times_at_once(engine: Engine) -> None:
    """C52/G20: the first writes of one source used to clash on uq_site_source_ext; now they queue."""
    n = 8
    barrier = threading.Barrier(n)
    runs: list[CollectionRun] = []
    errors: list[BaseException] = []

    def collect() -> Snapshot:
        barrier.wait(timeout=30)  # every run has started: the writes race
        return _snapshot()

    def one() -> None:
        try:
            runs.append(record_run(engine, source="csv:parc", kind="csv", collect=collect))
        except BaseException as err:  # noqa: BLE001  (reported below)
            errors.append(err)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [r.status for r in runs] == [RunStatus.SUCCEEDED] * n, [r.error for r in runs]
    assert sum(r.n_created for r in runs) == 52  # one site, one host, 50 VMs: created once
    assert _count(engine, Site) == 1 and _count(engine, VirtualMachine) == 50


def test_a_run_that_waits_too_long_fails_cleanly(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database_module, "WRITE_LOCK_WAIT_S", 0.3)
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:
        with source_write_scope(engine, "csv:parc"):
            locked.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=holder)

    def collect() -> Snapshot:
        thread.start()
        assert locked.wait(timeout=30)
        threading.Timer(1.0, release.set).start()  # let go once this run has given up
        return _snapshot()

    with pytest.raises(ImportInProgress, match="une autre importation de cette source est en cours"):
        record_run(engine, source="csv:parc", kind="csv", collect=collect)
    thread.join(timeout=30)
    with Session(engine) as session:
        (run,) = recent_runs(session)
    assert run.status == RunStatus.FAILED
    assert run.error is not None and "une autre importation de cette source est en cours" in run.error
    assert _count(engine, VirtualMachine) == 0


@pytest.mark.postgres
def test_postgres_other_sources_do_not_wait(database_url: str, engine: Engine) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one write lock for the whole database")
    with source_write_scope(engine, "csv:a"):
        started = time.monotonic()
        run = record_run(engine, source="csv:b", kind="csv", collect=_snapshot)
        assert time.monotonic() - started < 10
    assert run.status == RunStatus.SUCCEEDED


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_runs_whose_process_died_are_closed(engine: Engine) -> None:
    from inventory.runs import _hostname

    now = utcnow()
    with session_scope(engine) as session:
        for source, pid, host, age in (
            ("dead-here", _dead_pid(), _hostname(), timedelta(minutes=1)),
            ("alive-here", os.getpid(), _hostname(), timedelta(minutes=1)),
            ("elsewhere-recent", 1, "other-machine", timedelta(hours=1)),
            ("elsewhere-old", 1, "other-machine", STALE_AFTER + timedelta(minutes=1)),
            ("before-pids", None, None, STALE_AFTER + timedelta(hours=1)),
        ):
            session.add(
                CollectionRun(
                    source=source, kind="csv", status=RunStatus.RUNNING, started_at=now - age, pid=pid, hostname=host
                )
            )
    run = record_run(engine, source="csv:parc", kind="csv", collect=_snapshot)
    assert run.status == RunStatus.SUCCEEDED
    with Session(engine) as session:
        runs = {r.source: r for r in recent_runs(session)}
        assert close_abandoned_runs(session) == []  # nothing left to close
    assert {s for s, r in runs.items() if r.status == RunStatus.RUNNING} == {"alive-here", "elsewhere-recent"}
    for source in ("dead-here", "elsewhere-old", "before-pids"):
        assert runs[source].status == RunStatus.FAILED
        assert runs[source].error is not None and runs[source].error.startswith("interrompue")
        assert runs[source].finished_at is not None
    assert "s'est arrêté" in (runs["dead-here"].error or "")
    assert runs["csv:parc"].pid == os.getpid() and runs["csv:parc"].hostname == _hostname()


SLOW_IMPORT = textwrap.dedent(
    """
    import sys, time
    from inventory import Snapshot, make_engine, record_run

    def collect():
        print("started", flush=True)
        time.sleep(600)
        return Snapshot()

    record_run(make_engine(sys.argv[1]), source="csv:parc", kind="csv", collect=collect)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_import_is_closed_by_the_next_run(database_url: str, engine: Engine, sig: signal.Signals) -> None:
    """K02–K07: an import killed mid-run used to stay "running" forever."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, database_url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "started"
    process.send_signal(sig)
    process.wait(timeout=30)
    with Session(engine) as session:
        (killed,) = recent_runs(session)
    assert killed.status == RunStatus.RUNNING  # nothing could record its end
    run = record_run(engine, source="csv:parc", kind="csv", collect=_snapshot)
    assert run.status == RunStatus.SUCCEEDED
    with Session(engine) as session:
        closed = session.get(CollectionRun, killed.id)
    assert closed is not None and closed.status == RunStatus.FAILED
    assert closed.error is not None and f"le processus {process.pid}" in closed.error


CONCURRENT_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from inventory import HostRecord, SiteRecord, Snapshot, VirtualMachineRecord, make_engine, record_run

    def collect():
        while not Path(sys.argv[2]).exists():
            time.sleep(0.01)
        return Snapshot(
            sites=[SiteRecord(external_id="dc1", name="Datacenter")],
            hosts=[HostRecord(external_id="h1", name="esx1", site_external_id="dc1")],
            vms=[VirtualMachineRecord(external_id=f"vm{i}", name=f"vm-{i}", host_external_id="h1") for i in range(50)],
        )

    run = record_run(make_engine(sys.argv[1]), source="csv:parc", kind="csv", collect=collect)
    print(run.status, run.n_created)
    """
)


def test_the_same_source_imported_by_6_processes_at_once(database_url: str, engine: Engine, tmp_path: Path) -> None:
    """C52/G20 with processes, as `parcimonie import` started 6 times from a script."""
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_IMPORT, database_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    deadline = time.monotonic() + 60
    while _count(engine, CollectionRun) < len(processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()  # every run has started: the writes race
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), [err for _, err in outputs]
    assert all("Traceback" not in err for _, err in outputs)
    results = [out.split() for out, _ in outputs]
    assert [status for status, _ in results] == ["succeeded"] * len(processes)
    assert sum(int(created) for _, created in results) == 52
    assert _count(engine, Site) == 1 and _count(engine, VirtualMachine) == 50


def test_a_live_run_closed_by_mistake_ends_with_its_real_outcome(engine: Engine) -> None:
    from inventory import recorded_run

    with recorded_run(engine, source="csv:parc", kind="csv") as recorder:
        with session_scope(engine) as session:  # another process's clock thinks it is 7 h later
            assert close_abandoned_runs(session, now=utcnow() + STALE_AFTER + timedelta(hours=1)) == [recorder.run_id]
    assert recorder.run is not None
    assert recorder.run.status == RunStatus.SUCCEEDED and recorder.run.error is None


CONCURRENT_INIT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from inventory import make_engine, upgrade_database

    while not Path(sys.argv[2]).exists():
        time.sleep(0.005)
    upgrade_database(make_engine(sys.argv[1]))
    print("ok")
    """
)


def test_commands_started_together_on_a_new_database(database_url: str, tmp_path: Path) -> None:
    """The first commands on a new database all migrated it: `table … already exists`."""
    from inventory import make_engine
    from inventory.database import schema_is_current

    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_INIT, database_url, str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    time.sleep(2)  # every process is waiting
    go.touch()
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0] * len(processes), [err[-500:] for _, err in outputs]
    engine = make_engine(database_url)
    assert schema_is_current(engine)
    engine.dispose()
