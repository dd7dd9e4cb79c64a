"""The dashboard's server process: Streamlit's command line, with the heavy modules imported first.

``parcimonie dashboard`` runs ``python -m dashboard.server run dashboard/app.py …`` rather than
``python -m streamlit run …``: the same server, which imports pandas, plotly and the planning layer
before it answers (about 1,5 s the first browser would otherwise wait for in its first page). The
pages' own modules are left to the first session: they declare Streamlit caches, which belong to
the runtime the command line starts. The current snapshot's tables and Consolidation's first plan
load in the background once the first page is drawn (``stored_plans.preload``).
"""

import sys

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


def import_heavy_modules() -> None:
    """Import ``HEAVY_MODULES`` (one thread: concurrent first imports of pandas and plotly are unsafe)."""
    import importlib

    for name in HEAVY_MODULES:
        importlib.import_module(name)


def main() -> int:
    """Import the heavy modules, then run Streamlit's command line with this process's arguments."""
    import streamlit.web.cli

    import_heavy_modules()
    streamlit.web.cli.main(prog_name="streamlit")  # exits with the server's own code
    return 0


if __name__ == "__main__":
    sys.exit(main())
