"""The consolidation page's table of VM migrations (VM, source host → target host).

The rows are the plan document's migrations (``plans.ConsolidationView.migrations``), the count its
``n_migrations``: the same figures as the CLI, the JSON and the workbook. At most ``tables.PAGE_ROWS`` rows go to the
browser; names are cells of a dataframe (never Markdown).
"""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import tables
from dashboard.i18n import num, t
from parcimonie.planning.document import Consolidation

EXPANDER_KEY = "cons_moves"
OPEN_KEY = "cons_moves_open"  # whether the person opened the list: kept when a new plan renames the expander


def _remember_open() -> None:
    st.session_state[OPEN_KEY] = bool(st.session_state.get(EXPANDER_KEY))


def show_migrations(c: Consolidation, rows: Callable[[], pd.DataFrame]) -> None:
    """An expander with the count and, once opened, the (searchable, capped) table of migrations.

    ``rows()``: the migrations as a frame (vm, from_host, to_host), asked for only once the list is
    open: closed, it builds and sends nothing (50 000 rows at 50 000 VMs); it stays open across plans.
    """
    expander = st.expander(
        t("moves.expander", n=num(c.n_migrations)),
        expanded=bool(st.session_state.get(OPEN_KEY, False)),
        key=EXPANDER_KEY,
        on_change=_remember_open,
    )
    if not expander.open:
        return
    with expander:
        if not c.n_migrations:
            st.caption(t("moves.none"))
            return
        st.caption(t("moves.caption", n=num(c.n_migrations)))
        search = st.text_input(t("moves.search"), key="cons_moves_search")
        frame = tables.filter_frame(rows(), search=search, search_columns=("vm", "from_host", "to_host"))
        col = st.column_config
        st.dataframe(
            frame.head(tables.PAGE_ROWS),
            hide_index=True,
            width="stretch",
            column_config={
                "vm": col.TextColumn(t("col.vm")),
                "from_host": col.TextColumn(t("col.from_host")),
                "to_host": col.TextColumn(t("col.to_host")),
            },
        )
        if len(frame) > tables.PAGE_ROWS:
            st.caption(t("moves.shown", shown=num(tables.PAGE_ROWS), n=num(len(frame))))
