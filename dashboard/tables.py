"""Filtering, shaping and paging the loaders' frames into the tables a person reads."""

import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.i18n import current_language, num, pct, t

NO_CLUSTER = "—"
PAGE_ROWS = 500  # rows of a long table sent to the browser per page


def filter_frame(
    frame: pd.DataFrame,
    *,
    search: str = "",
    search_columns: Sequence[str] = ("name",),
    clusters: Sequence[str] = (),
    column_values: dict[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Rows whose ``search_columns`` contain ``search`` (case-insensitive, plain text), in one of
    ``clusters`` (``NO_CLUSTER`` for hosts outside any cluster), and whose columns take the given values.
    Empty filters keep everything."""
    mask = pd.Series(True, index=frame.index)
    needle = search.strip().lower()
    if needle:
        found = pd.Series(False, index=frame.index)
        for column in search_columns:
            found |= frame[column].fillna("").astype(str).str.lower().str.contains(needle, regex=False)
        mask &= found
    if clusters:
        mask &= frame["cluster"].fillna(NO_CLUSTER).isin(list(clusters))
    for column, values in (column_values or {}).items():
        if values:
            mask &= frame[column].astype(str).isin(list(values))
    return frame[mask]


def page_of(frame: pd.DataFrame, *, key: str, where: Any = None) -> tuple[pd.DataFrame, int]:
    """The page of ``frame`` chosen in the page number input ``key`` (drawn in ``where``, ``PAGE_ROWS`` rows a
    page) and the position of its first row; back to page 1 when filters shrank the list below that page."""
    n_pages = max(1, math.ceil(len(frame) / PAGE_ROWS))
    if not 1 <= st.session_state.get(key, 1) <= n_pages:
        st.session_state[key] = 1
    page = (where or st).number_input(
        t("consolidation.page", n=num(n_pages)), min_value=1, max_value=n_pages, step=1, key=key
    )
    first = (int(page) - 1) * PAGE_ROWS
    return frame.iloc[first : first + PAGE_ROWS], first


def page_caption(first: int, n_page: int, n: int, *, caption: str, none: str) -> None:
    """Say which rows the page shows (string ``caption``: first, last, n), or ``none`` when nothing matches."""
    if n:
        st.caption(t(caption, first=num(first + 1), last=num(first + n_page), n=num(n)))
    else:
        st.caption(t(none))


def show_page(
    shown: pd.DataFrame,
    *,
    key: str,
    where: Any,
    column_config: dict[str, Any],
    caption: str,
    none: str,
    words: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> None:
    """``shown`` one page at a time (page number input ``key`` drawn in ``where``), its rows said
    below; ``words`` puts only the page's rows into words (labels, percentages, reasons)."""
    page, first = page_of(shown, key=key, where=where)
    st.dataframe(words(page) if words else page, hide_index=True, width="stretch", column_config=column_config)
    page_caption(first, len(page), len(shown), caption=caption, none=none)


HARDWARE_COLUMNS = ("vendor", "model", "cpu_model", "hardware")  # what the inventory search reads besides names


def hardware(hosts: pd.DataFrame) -> pd.Series:
    """Vendor and model in one text, as the hosts table shows them ("Dell PowerEdge R650")."""
    return (hosts["vendor"].fillna("").astype(str) + " " + hosts["model"].fillna("").astype(str)).str.strip()


def number_column(label: str, *, decimals: int = 0, pinned: bool | None = None) -> Any:
    """A sortable number column in the reader's locale (``1 234,5`` in a French browser).

    Streamlit's ``localized`` format follows the browser's languages; printf formats always print
    a decimal point. Small summary tables use ``as_text`` instead, in the dashboard's language.
    """
    step = 10.0**-decimals if decimals else 1
    return st.column_config.NumberColumn(label, format="localized", step=step, pinned=pinned)


def as_text(frame: pd.DataFrame, formats: dict[str, Callable[[Any], str]]) -> pd.DataFrame:
    """``frame`` with the ``formats`` columns turned into text in the current language (None → "—")."""
    return frame.assign(
        **{
            column: frame[column].map(lambda v, f=f: f(None if v is None or (isinstance(v, float) and v != v) else v))
            for column, f in formats.items()
        }
    )


def show_text_table(frame: pd.DataFrame, columns: dict[str, str], *, pinned: tuple[str, ...] = ()) -> None:
    """Show ``columns`` of ``frame`` (already text, see ``as_text``), in that order, each titled by
    the string ``columns[name]`` of the current language.

    Every row is shown (a summary table never hides its last row behind a scroll); the ``pinned``
    columns stay on the left when the table is wider than the screen (1366 px: the key figures stay
    in view while the others scroll).
    """
    st.dataframe(
        frame[list(columns)],
        hide_index=True,
        width="stretch",
        height="content",
        column_config={
            name: st.column_config.TextColumn(t(key), pinned=name in pinned or None) for name, key in columns.items()
        },
    )


def worst_hosts(targets: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` hosts after consolidation whose limiting resource (the higher of CPU and memory) is
    the most used, as text: host, cluster, VMs, CPU and memory utilisation, the limiting resource."""
    limit = targets[["cpu_utilisation", "memory_utilisation"]].max(axis=1)
    worst = targets.assign(limit=limit).sort_values("limit", ascending=False).head(n)
    memory_bound = worst["memory_utilisation"] > worst["cpu_utilisation"]
    return as_text(
        worst.assign(resource=memory_bound.map({True: t("label.memory"), False: t("label.cpu")})),
        {"n_vms": num, "cpu_utilisation": pct, "memory_utilisation": pct},
    )


def percent_format() -> str:
    """printf-style format of a percentage (values already × 100)."""
    return "%.0f %%" if current_language() == "fr" else "%.0f%%"


def date_format() -> str:
    """Format of dates in ``st.column_config.DateColumn``."""
    return "DD/MM/YYYY" if current_language() == "fr" else "YYYY-MM-DD"


def host_table(hosts: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The hosts table as displayed, and its column configuration."""
    view = pd.DataFrame(
        {
            "name": hosts["name"],
            "cluster": hosts["cluster"].fillna(NO_CLUSTER),
            "site": hosts["site"],
            "model": hardware(hosts),
            "n_cores": hosts["n_cores"],
            "memory_gib": hosts["memory_gib"].round(0),
            "n_vms": hosts["n_vms"],
            "cpu": (hosts["cpu_utilisation"] * 100).round(1),
            "memory": (hosts["memory_utilisation"] * 100).round(1),
            "purchase_date": pd.to_datetime(hosts["purchase_date"]),
            "age": hosts["age_years"].round(1),
            "warranty_end": pd.to_datetime(hosts["warranty_end"]),
            "status": hosts["status"].map(lambda s: t(f"status.{s}")),
            "power": hosts["power_state"].map(lambda s: t(f"power.{s}")),
        }
    )
    col = st.column_config
    # Identity and lifecycle stay in view (pinned on the left) when the table is wider than the screen.
    config: dict[str, object] = {
        "name": col.TextColumn(t("col.host"), pinned=True),
        "cluster": col.TextColumn(t("col.cluster")),
        "site": col.TextColumn(t("col.site")),
        "model": col.TextColumn(t("col.model")),
        "n_cores": col.NumberColumn(t("col.cores"), format="%d"),
        "memory_gib": number_column(t("col.memory_gib")),
        "n_vms": col.NumberColumn(t("col.n_vms"), format="%d"),
        "cpu": col.ProgressColumn(t("col.cpu_p95"), format=percent_format(), min_value=0, max_value=100),
        "memory": col.ProgressColumn(t("col.memory_p95"), format=percent_format(), min_value=0, max_value=100),
        "purchase_date": col.DateColumn(t("col.purchase_date"), format=date_format(), pinned=True),
        "age": number_column(t("col.age"), decimals=1, pinned=True),
        "warranty_end": col.DateColumn(t("col.warranty_end"), format=date_format(), pinned=True),
        "status": col.TextColumn(t("col.status"), pinned=True),
        "power": col.TextColumn(t("col.power")),
    }
    return view, config


def vm_table(vms: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The VMs table as displayed, and its column configuration."""
    view = pd.DataFrame(
        {
            "name": vms["name"],
            "host": vms["host"],
            "cluster": vms["cluster"].fillna(NO_CLUSTER),
            "n_vcpus": vms["n_vcpus"],
            "memory_gib": vms["memory_gib"].round(1),
            "cpu_p95_mhz": vms["cpu_p95_mhz"].astype(float).round(0),
            "memory_p95_gib": vms["memory_p95_gib"].round(1),
            "storage_gib": vms["storage_gib"].astype(float).round(0),
            "guest_os": vms["guest_os"],
            "power": vms["power_state"].map(lambda s: t(f"power.{s}")),
            "template": vms["is_template"],
        }
    )
    col = st.column_config
    config: dict[str, object] = {
        "name": col.TextColumn(t("col.vm")),
        "host": col.TextColumn(t("col.host")),
        "cluster": col.TextColumn(t("col.cluster")),
        "n_vcpus": col.NumberColumn(t("col.vcpus"), format="%d"),
        "memory_gib": number_column(t("col.memory_gib"), decimals=1),
        "cpu_p95_mhz": number_column(t("col.cpu_p95_mhz")),
        "memory_p95_gib": number_column(t("col.memory_p95_gib"), decimals=1),
        "storage_gib": number_column(t("col.storage_gib")),
        "guest_os": col.TextColumn(t("col.guest_os")),
        "power": col.TextColumn(t("col.power")),
        "template": col.CheckboxColumn(t("col.template")),
    }
    return view, config
