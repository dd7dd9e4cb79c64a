"""`parcimonie dashboard` serves Streamlit as its child, and SIGTERM or SIGINT stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from inventory import make_engine, upgrade_database
from parcimonie.serve import APP_PATH, dashboard_command, stop_process

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_for(condition: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple["subprocess.Popen[bytes]", int]]:
    """`python -m parcimonie dashboard` on an empty migrated SQLite database, answering HTTP."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "PARCIMONIE_DATABASE_URL": url,
        "PARCIMONIE_DATA_DIR": str(tmp_path),
        "PARCIMONIE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path),  # Streamlit's own files stay in the temp folder
    }
    parent = subprocess.Popen(
        [sys.executable, "-m", "parcimonie", "dashboard", "--port", str(port), "--address", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: _answers(port) or parent.poll() is not None, START_TIMEOUT_S)
        assert parent.poll() is None, "the dashboard command ended before serving"
        yield parent, port
    finally:
        if parent.poll() is None:
            for child in psutil.Process(parent.pid).children(recursive=True):
                child.kill()
            parent.kill()
            parent.wait(timeout=STOP_TIMEOUT_S)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_the_dashboard_and_its_child(
    served: tuple["subprocess.Popen[bytes]", int], signum: signal.Signals
) -> None:
    parent, port = served
    children = psutil.Process(parent.pid).children(recursive=True)
    assert children, "the dashboard runs in a child process"
    parent.send_signal(signum)
    assert parent.wait(timeout=STOP_TIMEOUT_S) == 0
    gone, alive = psutil.wait_procs(children, timeout=STOP_TIMEOUT_S)
    assert not alive, f"still running: {[p.pid for p in alive]}"
    assert _wait_for(lambda: not _answers(port), STOP_TIMEOUT_S)


def test_app_path_is_found_without_importing_the_dashboard() -> None:
    code = "import sys; from parcimonie.serve import APP_PATH; print(APP_PATH, 'dashboard' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.split() == [str(APP_PATH), "False"]
    assert APP_PATH.name == "app.py" and APP_PATH.is_file()
    assert str(APP_PATH) in dashboard_command(port=1, address="127.0.0.1")


def test_stop_process_kills_a_child_that_ignores_sigterm() -> None:
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(60)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline()  # the handler is in place
    started = time.monotonic()
    assert stop_process(child, timeout_s=0.5) == -signal.SIGKILL
    assert time.monotonic() - started < 5
