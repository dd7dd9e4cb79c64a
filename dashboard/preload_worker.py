"""The server's preload process: the estate and Consolidation's first plans, computed beside the server.

``python -m dashboard.preload_worker FOLDER``, started by ``dashboard.server`` before it answers.
Once the first page is drawn (or ``IDLE_S`` after the start when nobody connected), computes, in
the order the pages need them, the optimizer's tables, Consolidation's plan with its
frames (the page's default request) and the plan of its one-click cautious preset, then the VM and
host tables of the inventory pages, and writes each into ``FOLDER`` (``dashboard.preload_store``).
The same loaders as the pages compute them, so a result is exactly what the page would compute.
Failing here costs nothing but the head start: the pages compute what is missing and say why.
"""

import gc
import logging
import os
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)
NICENESS = 10
IDLE_S = 10.0  # start anyway this long after the server when no page was drawn (nobody connected)


def preload(where: Path) -> list[str]:
    """Compute and store the results; the names stored, in order."""
    from dashboard import data, plans, preload_store
    from inventory.database import missing_sqlite_file

    url = data.database_url()
    if missing_sqlite_file(url) is not None:  # never create the database: the pages say it is missing
        return []
    snapshot = data.snapshot_key(url)
    if snapshot is None:
        return []
    inputs_name = preload_store.name_of("estate_inputs", (url, snapshot))
    preload_store.announce(where, [inputs_name])
    deadline = time.monotonic() + IDLE_S
    while not preload_store.released(where) and time.monotonic() < deadline:
        time.sleep(0.02)
    inputs = plans.estate_inputs(url, snapshot)
    offers = data.load_offers(url)
    names = list(offers["name"]) if not offers.empty else []
    chosen = plans.consolidation_offers(names, inputs.vms.n_vms)
    policies = (plans.CONSOLIDATION_POLICY, plans.CAUTIOUS_POLICY) if names else ()
    requests = [plans.consolidation_request(chosen, policy) for policy in policies]
    views = [(preload_store.name_of("consolidation_view", plans.view_key(url, snapshot, r)), r) for r in requests]
    tables = [("vms", (url, snapshot)), ("hosts", (url, snapshot, data.today()))]
    preload_store.announce(where, [name for name, _ in views] + [preload_store.name_of(*t) for t in tables])
    preload_store.store(where, inputs_name, inputs)
    stored = [inputs_name]
    for name, request in views:
        preload_store.store(where, name, plans.consolidation_view(url, snapshot, request))
        stored.append(name)
    for kind, key in tables:
        frame = data.load_vms(url, snapshot) if kind == "vms" else data.load_hosts(url, snapshot, data.today())
        preload_store.store(where, preload_store.name_of(kind, key), frame)
        stored.append(preload_store.name_of(kind, key))
    return stored


def main(argv: list[str]) -> int:
    """Preload into the folder ``argv[0]``; always withdraw the markers left (nothing else to wait for)."""
    from dashboard import preload_store

    where = Path(argv[0])
    os.environ.pop(preload_store.ENV, None)  # this process computes: it never reads a preload
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # "no runtime": the caches are plain memory here, as meant
    gc.disable()  # a short-lived process: its cycles go with it; collecting cost 15 % of its time
    if hasattr(os, "nice"):
        os.nice(NICENESS)  # a head start: the pages and the browser go first, it runs while they wait
    try:
        preload(where)
    except Exception as err:  # noqa: BLE001 - a head start only: the pages compute it and say why
        logger.warning("dashboard preload stopped: %s", err)
    finally:
        preload_store.withdraw(where)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
