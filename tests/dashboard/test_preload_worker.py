"""The server's preload process (``dashboard.preload_worker``) and its results read back
(``dashboard.preload_store``): the pages draw what the process computed, never a result for another
question, and wait for a result announced rather than computing it twice."""

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import preload_store
from parcimonie.planning import PlanError
from tests.dashboard.conftest import RunPage

REPO = Path(__file__).resolve().parents[2]
HOSTS_AFTER = "Hôtes, cible de consolidation"


def _run_worker(url: str, where: Path) -> None:
    """The worker as the server starts it: its own process, on the database ``url``."""
    env = dict(os.environ, PARCIMONIE_DATABASE_URL=url, PYTHONPATH=str(REPO))
    env.pop(preload_store.ENV, None)
    (where / preload_store.GO).touch()  # the first page drawn: compute at once
    subprocess.run([sys.executable, "-m", "dashboard.preload_worker", str(where)], env=env, cwd=REPO, check=True)


def test_the_worker_stores_what_the_pages_would_compute(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import data

    monkeypatch.setattr("dashboard.data.today", date.today)

    _run_worker(demo_url, tmp_path)
    assert not list(tmp_path.glob("*.pending")) and not list(tmp_path.glob("*.part"))
    snapshot = data.snapshot_key(demo_url)
    assert snapshot is not None
    names = {p.stem.split("-")[0] for p in tmp_path.glob("*.pickle")}
    assert names == {"estate_inputs", "consolidation_view", "vms", "hosts"}
    assert len(list(tmp_path.glob("consolidation_view-*.pickle"))) == 2  # the page's default and its cautious preset
    os.environ[preload_store.ENV] = str(tmp_path)
    try:
        stored = preload_store.fetch("vms", (demo_url, snapshot))
    finally:
        del os.environ[preload_store.ENV]
    assert isinstance(stored, pd.DataFrame)
    pd.testing.assert_frame_equal(stored, data.load_vms(demo_url, snapshot))


def test_consolidation_draws_the_worker_s_plans_without_computing(
    run_page: RunPage, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dashboard.data.today", date.today)  # the worker's reference date, as on a server
    _run_worker(demo_url, tmp_path)
    at_fresh = run_page("consolidation", demo_url)  # computed here: the figures to match
    expected = str(next(m.value for m in at_fresh.metric if m.label == HOSTS_AFTER))
    at_fresh.button(key="cons_preset").click().run()
    cautious = str(next(m.value for m in at_fresh.metric if m.label == HOSTS_AFTER))
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    calls: list[str] = []

    def refuse(*_args: object, **_kwargs: object) -> None:
        calls.append("run_plan")
        raise PlanError("error.empty_inventory")

    monkeypatch.setattr("dashboard.plans.run_plan", refuse)
    monkeypatch.setattr("dashboard.plans.load_estate", refuse)
    monkeypatch.setenv(preload_store.ENV, str(tmp_path))
    at = run_page("consolidation", demo_url)
    assert not at.exception and not at.error and not calls
    assert str(next(m.value for m in at.metric if m.label == HOSTS_AFTER)) == expected
    at.button(key="cons_preset").click().run()
    assert not at.exception and not at.error and not calls
    assert str(next(m.value for m in at.metric if m.label == HOSTS_AFTER)) == cautious
    at.number_input(key="cons_ceiling").set_value(60).run()  # never preloaded: a plan for another question
    assert calls == ["run_plan"] and at.error


def test_a_result_announced_is_awaited_and_one_never_announced_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(preload_store.ENV, str(tmp_path))
    key = ("sqlite:///x.db", 3)
    assert preload_store.fetch("vms", key) is None  # not announced: no wait
    name = preload_store.name_of("vms", key)
    preload_store.announce(tmp_path, [name])
    frame = pd.DataFrame({"vm": ["a", "b"]})
    writer = threading.Timer(0.3, preload_store.store, args=(tmp_path, name, frame))
    writer.start()
    start = time.monotonic()
    fetched = preload_store.fetch("vms", key)
    assert isinstance(fetched, pd.DataFrame)
    pd.testing.assert_frame_equal(fetched, frame)
    assert time.monotonic() - start >= 0.25  # it waited for the result rather than answering None
    assert preload_store.fetch("vms", ("sqlite:///x.db", 4)) is None  # another snapshot: not this result
    other = preload_store.name_of("hosts", key)
    preload_store.announce(tmp_path, [other])
    threading.Timer(0.2, preload_store.withdraw, args=(tmp_path,)).start()
    assert preload_store.fetch("hosts", key) is None  # the worker stopped without it: compute it
    assert preload_store.fetch("vms", key, wait_s=0) is not None


def test_a_catalogue_change_forgets_the_preload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(preload_store.ENV, str(tmp_path))
    preload_store.store(tmp_path, preload_store.name_of("vms", ("u",)), pd.DataFrame({"vm": ["a"]}))
    assert preload_store.fetch("vms", ("u",)) is not None
    preload_store.forget()
    assert preload_store.fetch("vms", ("u",)) is None


def test_a_worker_on_a_missing_database_creates_nothing(empty_url: str, tmp_path: Path) -> None:
    where = tmp_path / "preload"
    where.mkdir()
    _run_worker(empty_url, where)
    assert list(where.iterdir()) == [where / preload_store.GO] and not (tmp_path / "empty.db").exists()


def test_the_server_starts_the_worker_and_cleans_up(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.server import start_preload_process

    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", demo_url)
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.delenv(preload_store.ENV, raising=False)
    started = start_preload_process()
    try:
        preload_store.release()  # what the app does once its first page is drawn
        assert os.environ[preload_store.ENV] == str(started.folder)
        assert started.folder.stat().st_mode & 0o077 == 0  # only the server's user may read it
        assert started.process.wait(timeout=120) == 0
        assert len(list(started.folder.glob("*.pickle"))) == 5
    finally:
        started.stop()
        monkeypatch.delenv(preload_store.ENV, raising=False)
    assert not started.folder.exists()


def test_the_worker_waits_for_the_first_page_unless_a_page_waits_for_it(
    demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import data
    from parcimonie.planning import EstateInputs

    env = dict(os.environ, PARCIMONIE_DATABASE_URL=demo_url, PYTHONPATH=str(REPO))
    env.pop(preload_store.ENV, None)
    worker = subprocess.Popen([sys.executable, "-m", "dashboard.preload_worker", str(tmp_path)], env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("estate_inputs-*.pending")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        assert not list(tmp_path.glob("*.pickle"))  # announced, not computed: the first page has the CPU
        monkeypatch.setenv(preload_store.ENV, str(tmp_path))
        monkeypatch.setattr("dashboard.data.today", date.today)
        snapshot = data.snapshot_key(demo_url)
        inputs = preload_store.fetch("estate_inputs", (demo_url, snapshot))  # a page waits: it lets it compute
        assert isinstance(inputs, EstateInputs) and inputs.vms.n_vms > 0
        assert (tmp_path / preload_store.GO).exists()
        assert worker.wait(timeout=120) == 0
    finally:
        worker.kill()


def test_a_folder_others_may_write_into_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "preload"
    where.mkdir(mode=0o700)
    monkeypatch.setenv(preload_store.ENV, str(where))
    preload_store.store(where, preload_store.name_of("vms", ("u",)), pd.DataFrame({"vm": ["a"]}))
    assert preload_store.fetch("vms", ("u",)) is not None
    where.chmod(0o777)
    assert preload_store.fetch("vms", ("u",)) is None  # results are unpickled: a shared folder is refused
    monkeypatch.setenv(preload_store.ENV, str(tmp_path / "absent"))
    assert preload_store.fetch("vms", ("u",)) is None
