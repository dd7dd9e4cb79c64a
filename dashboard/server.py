"""The dashboard's server process: Streamlit's command line, with the heavy modules imported first.

``parcimonie dashboard`` runs ``python -m dashboard.server run dashboard/app.py …`` rather than
``python -m streamlit run …``: the same server, which imports pandas, plotly and the planning layer
before it answers (about 1,5 s the first browser would otherwise wait for in its first page). The
pages' own modules are left to the runtime's threads: they declare Streamlit caches, which belong to
the runtime the command line starts. The current snapshot's tables and Consolidation's first plans
load in the background (``stored_plans.preload``) once the first page is drawn, or ``IDLE_S`` after
the server is up when nobody has connected by then (a server started before office hours).
"""

import logging
import sys
import threading
import time

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


def main() -> int:
    """Import the heavy modules, start the idle preload, then run Streamlit's command line."""
    import streamlit.web.cli

    import_heavy_modules()
    threading.Thread(target=_preload_quietly, name="dashboard-idle-preload", daemon=True).start()
    streamlit.web.cli.main(prog_name="streamlit")  # exits with the server's own code
    return 0


if __name__ == "__main__":
    sys.exit(main())
