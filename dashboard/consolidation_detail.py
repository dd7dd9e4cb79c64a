"""The Consolidation page's detail: per cluster, hosts after, placement, freed hosts, unplaced VMs.

One part at a time (a radio, ``SECTION_KEY``): only the part a person opens is computed and sent, so
opening the page at 50 000 VMs sends the summary, the heat strip and the per-cluster table, never
thousands of rows nobody asked for. Every long list is paged (``tables.PAGE_ROWS`` rows) with a search;
a host is chosen among the ``HOST_CHOICES`` first hosts matching a search, never in a list of 1 600.
The frames are shared (``plans.consolidation_view``): derived here, never changed in place.
"""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import limits_view, tables
from dashboard.consolidation_frames import ESTATE_ROW, ConsolidationFrames
from dashboard.i18n import num, plain, t
from dashboard.messages import say

SECTIONS = ("clusters", "after", "placement", "freed", "unplaced")
SECTION_KEY = "cons_section"
HOST_CHOICES = 50  # hosts offered in a host choice: the first ones matching the search
ALL = ""  # the target-host filter's "every host"


def show_detail(view: ConsolidationFrames) -> None:
    """The section chooser (with each part's size) and the part chosen."""
    sizes = {
        "clusters": len(view.clusters),
        "after": len(view.targets),
        "placement": len(view.placement),
        "freed": len(view.freed),
        "unplaced": len(view.unplaced) + len(view.excluded),
    }
    section = st.radio(
        t("consolidation.section"),
        SECTIONS,
        horizontal=True,
        format_func=lambda s: t(f"consolidation.tab.{s}", n=num(sizes[s])),
        key=SECTION_KEY,
        help=t("consolidation.section.help"),
    )
    {
        "clusters": _clusters,
        "after": _hosts_after,
        "placement": _placement,
        "freed": _freed,
        "unplaced": _unplaced,
    }[section](view)


def host_choice(
    names: Sequence[str], *, key: str, search: str, label: str, where: st.delta_generator.DeltaGenerator, every: bool
) -> str | None:
    """A host among the first ``HOST_CHOICES`` of ``names`` containing ``search`` (case-insensitive); with
    ``every``, the first choice is ``ALL`` (no host). A choice no longer offered falls back to the first."""
    needle = search.strip().lower()
    matches = [n for n in names if needle in n.lower()] if needle else list(names)
    options = ([ALL] if every else []) + matches[:HOST_CHOICES]
    if options and st.session_state.get(key) not in options:  # a host of a previous plan or search
        st.session_state[key] = options[0]
    choice = where.selectbox(
        label, options, key=key, format_func=lambda h: h or t("consolidation.to_host.all"), disabled=not options
    )
    if len(matches) > HOST_CHOICES:
        where.caption(t("consolidation.host.shown", shown=num(HOST_CHOICES), n=num(len(matches))))
    elif not matches:
        where.caption(t("consolidation.hosts.none"))
    return choice


def _placement_config() -> dict[str, Any]:
    col = st.column_config
    return {
        "vm": col.TextColumn(t("col.vm")),
        "from_host": col.TextColumn(t("col.from_host")),
        "cluster": col.TextColumn(t("col.cluster")),
        "to_host": col.TextColumn(t("col.to_host")),
        "n_vcpus": col.NumberColumn(t("col.vcpus"), format="%d"),
        "memory_gib": tables.number_column(t("col.memory_gib"), decimals=1),
        "cpu_p95_mhz": tables.number_column(t("col.cpu_p95_mhz")),
    }


def _hosts_after(view: ConsolidationFrames) -> None:
    """Hosts after (paged, searched by host or cluster), then the VMs placed on one of them."""
    col = st.column_config
    kinds = {k: t(f"consolidation.kind.{k}") for k in ("new", "existing", "ha")}
    limit_labels = limits_view.limit_labels()
    filters = st.columns([3, 1])
    search = filters[0].text_input(
        t("consolidation.host.find"), key="cons_host_find", placeholder=t("consolidation.host.find.placeholder")
    )
    shown = tables.filter_frame(view.targets, search=search, search_columns=("host", "cluster"))
    tables.show_page(
        shown,
        key="cons_after_page",
        where=filters[1],
        words=lambda page: page.assign(
            kind=page["kind"].map(kinds),
            cpu_utilisation=page["cpu_utilisation"] * 100,
            memory_utilisation=page["memory_utilisation"] * 100,
            host_limit=page["host_limit"].map(lambda v: limit_labels.get(v, "—")),
        ),
        caption="consolidation.hosts.caption",
        none="consolidation.hosts.none",
        column_config={
            "host": col.TextColumn(t("col.host")),
            "cluster": col.TextColumn(t("col.cluster")),
            "kind": col.TextColumn(t("col.kind")),
            "n_vms": col.NumberColumn(t("col.n_vms"), format="%d"),
            "cpu_utilisation": col.ProgressColumn(
                t("col.cpu_p95"), format=tables.percent_format(), min_value=0, max_value=100
            ),
            "memory_utilisation": col.ProgressColumn(
                t("col.memory_p95"), format=tables.percent_format(), min_value=0, max_value=100
            ),
            "vcpus_per_core": tables.number_column(t("col.vcpus_per_core"), decimals=2),
            "memory_allocated_ratio": tables.number_column(t("col.memory_allocated_ratio"), decimals=2),
            "host_limit": col.TextColumn(t("col.limit")),
        },
    )
    review = host_choice(
        shown["host"].tolist(),
        key="cons_review",
        search="",
        label=t("consolidation.review"),
        where=st.container(),
        every=False,
    )
    on_host = view.placement[view.placement["to_host"] == review] if review else view.placement.iloc[:0]
    st.caption(t("consolidation.review.caption", n=num(len(on_host)), host=plain(review or "—")))
    st.dataframe(on_host, hide_index=True, width="stretch", column_config=_placement_config())


def _placement(view: ConsolidationFrames) -> None:
    """Every VM's move, filtered by target host and a search, one page at a time."""
    filters = st.columns([2, 2, 1])
    find = filters[0].text_input(
        t("consolidation.host.find"), key="cons_to_host_find", placeholder=t("consolidation.host.find.placeholder")
    )
    to_host = host_choice(
        view.targets["host"].tolist(),
        key="cons_to_host",
        search=find,
        label=t("consolidation.to_host"),
        where=filters[0],
        every=True,
    )
    search = filters[1].text_input(
        t("filter.search"), key="cons_search", placeholder=t("consolidation.search.placeholder")
    )
    shown = view.placement if not to_host else view.placement[view.placement["to_host"] == to_host]
    shown = tables.filter_frame(shown, search=search, search_columns=("vm", "from_host", "to_host"))
    tables.show_page(
        shown,
        key="cons_page",
        where=filters[2],
        column_config=_placement_config(),
        caption="consolidation.page.caption",
        none="consolidation.page.none",
    )


def _freed(view: ConsolidationFrames) -> None:
    """The hosts no longer needed, searched by host or cluster, one page at a time."""
    col = st.column_config
    filters = st.columns([4, 1])
    search = filters[0].text_input(
        t("filter.search"), key="cons_freed_search", placeholder=t("consolidation.freed.search.placeholder")
    )
    shown = tables.filter_frame(view.freed, search=search, search_columns=("host", "cluster"))
    tables.show_page(
        shown,
        key="cons_freed_page",
        where=filters[1],
        caption="consolidation.hosts.caption",
        none="consolidation.hosts.none",
        column_config={
            "host": col.TextColumn(t("col.host")),
            "cluster": col.TextColumn(t("col.cluster")),
            "n_cores": col.NumberColumn(t("col.cores"), format="%d"),
            "memory_gib": tables.number_column(t("col.memory_gib")),
            "purchase_year": col.NumberColumn(t("col.purchase_year"), format="%d"),
            "n_vms_before": col.NumberColumn(t("col.n_vms_before"), format="%d"),
        },
    )


def _unplaced(view: ConsolidationFrames) -> None:
    """The VMs placed nowhere, then those the policy left out, searched by VM or host, one page at a time."""
    col = st.column_config
    filters = st.columns([4, 1])
    search = filters[0].text_input(
        t("filter.search"), key="cons_unplaced_search", placeholder=t("consolidation.search.placeholder")
    )
    both = pd.concat([view.unplaced, view.excluded], ignore_index=True)
    shown = tables.filter_frame(both, search=search, search_columns=("vm", "host"))
    tables.show_page(
        shown,
        key="cons_unplaced_page",
        where=filters[1],
        words=lambda page: page.assign(reason=page["reason"].map(say)),
        caption="consolidation.unplaced.caption",
        none="consolidation.page.none",
        column_config={
            "vm": col.TextColumn(t("col.vm")),
            "host": col.TextColumn(t("col.host")),
            "reason": col.TextColumn(t("col.reason")),
        },
    )


def _clusters(view: ConsolidationFrames) -> None:
    """Per cluster before and after (one row for the whole estate when the plan pools it)."""
    col = st.column_config
    limit_labels = limits_view.limit_labels()
    st.dataframe(
        view.clusters.assign(
            cluster=view.clusters["cluster"].replace({ESTATE_ROW: t("consolidation.clusters.estate")}),
            cpu_utilisation=view.clusters["cpu_utilisation"] * 100,
            memory_utilisation=view.clusters["memory_utilisation"] * 100,
            limit=view.clusters["limit"].map(lambda v: limit_labels.get(v, "—")),
        ),
        hide_index=True,
        width="stretch",
        key="cons_clusters",
        column_config={
            "cluster": col.TextColumn(t("col.cluster")),
            "n_hosts_before": col.NumberColumn(t("consolidation.hosts_before"), format="%d"),
            "n_hosts_after": col.NumberColumn(t("col.hosts_after"), format="%d"),
            "n_vms": col.NumberColumn(t("col.n_vms"), format="%d"),
            "cpu_utilisation": col.ProgressColumn(
                t("col.cpu_after"), format=tables.percent_format(), min_value=0, max_value=100
            ),
            "memory_utilisation": col.ProgressColumn(
                t("col.memory_after"), format=tables.percent_format(), min_value=0, max_value=100
            ),
            "limit": col.TextColumn(t("col.limit")),
        },
    )
    st.caption(t("consolidation.clusters.caption"))
