"""The dashboard's server process: Streamlit's command line, with the heavy modules imported first.

``parcimonie dashboard`` runs ``python -m dashboard.server run dashboard/app.py …`` rather than
``python -m streamlit run …``: the same server, which imports pandas, plotly and the planning layer
before it answers (about 1,5 s the first browser would otherwise wait for in its first page). The
pages' own modules are left to the runtime's threads: they declare Streamlit caches, which belong to
the runtime the command line starts. First of all it starts the preload process
(``dashboard.preload_worker``): the estate's tables and Consolidation's first plans, computed on
another core once the first page is drawn, read back by the pages
(``dashboard.preload_store``). What it did not compute (a later snapshot, changed assumptions) loads
in a background thread (``stored_plans.preload``) once the first page is drawn, or ``IDLE_S`` after
the server is up when nobody has connected by then.
"""

import atexit
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger(__name__)

#: Imported before the server answers, in this order (no Streamlit cache declared in any of them).
HEAVY_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "sqlmodel",
    "inventory",
    "optimizer",
    "parcimonie.planning",
    "parcimonie.planning.plan_cache",
)
IDLE_S = 10.0  # the preload starts this long after the server is up unless a first page started it
RUNTIME_WAIT_S = 120.0


def import_heavy_modules() -> None:
    """Import ``HEAVY_MODULES`` (one thread: concurrent first imports of pandas and plotly are unsafe)."""
    import importlib

    for name in HEAVY_MODULES:
        importlib.import_module(name)


def preload_when_idle(idle_s: float = IDLE_S) -> bool:
    """Once Streamlit's runtime is up and ``idle_s`` have passed, preload the current snapshot's tables and
    Consolidation's first plans (a no-op when a first page already did); True when a preload started."""
    from streamlit import runtime

    deadline = time.monotonic() + RUNTIME_WAIT_S
    while not runtime.exists():  # the caches belong to the runtime: wait for it
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    time.sleep(idle_s)
    return preload_now()


def preload_now() -> bool:
    """Preload the current snapshot's tables and Consolidation's first plans unless a page already did;
    True when a preload started (never on a missing database: that file is not created)."""
    from dashboard import data, stored_plans
    from inventory.database import missing_sqlite_file

    url = data.database_url()
    if missing_sqlite_file(url) is not None:  # never create the database: the pages say it is missing
        return False
    snapshot = data.snapshot_key(url)
    return snapshot is not None and stored_plans.preload(url, snapshot) is not None


def _preload_quietly() -> None:
    try:
        preload_when_idle()
    except Exception as err:  # noqa: BLE001 - a head start only: the pages load what they need
        logger.warning("dashboard preload not started: %s", err)


class PreloadProcess(NamedTuple):
    """The preload process, its folder, and what stops it and removes the folder (run at exit)."""

    process: subprocess.Popen[bytes]
    folder: Path
    stop: Callable[[], None]


def start_preload_process() -> PreloadProcess:
    """Start ``dashboard.preload_worker`` on a private folder that the pages read (``PARCIMONIE_PRELOAD_DIR``);
    the process is stopped and the folder removed when the server exits."""
    from dashboard.preload_store import ENV

    where = Path(tempfile.mkdtemp(prefix="parcimonie-preload-"))  # owner-only rights
    process = subprocess.Popen([sys.executable, "-m", "dashboard.preload_worker", str(where)], env=dict(os.environ))
    os.environ[ENV] = str(where)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(where, ignore_errors=True)

    atexit.register(stop)
    return PreloadProcess(process, where, stop)


def main() -> int:
    """Start the preload process, import the heavy modules, start the idle preload, then run Streamlit's
    command line."""
    import streamlit.web.cli

    start_preload_process()
    import_heavy_modules()
    threading.Thread(target=_preload_quietly, name="dashboard-idle-preload", daemon=True).start()
    streamlit.web.cli.main(prog_name="streamlit")  # exits with the server's own code
    return 0


if __name__ == "__main__":
    sys.exit(main())
