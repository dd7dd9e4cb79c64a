"""Inventaire: searchable, filterable hosts and VMs; age pyramid; warranty timeline; clusters."""

import streamlit as st

from dashboard import charts, data, tables
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.i18n import num, t

st.title(t("inventory.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
as_of = data.today()
hosts = data.load_hosts(ctx.url, ctx.snapshot, as_of)
vms = data.load_vms(ctx.url, ctx.snapshot)

cluster_options = sorted(hosts["cluster"].fillna(tables.NO_CLUSTER).unique())
filters = st.columns([2, 2, 1])
search = filters[0].text_input(
    t("filter.search"), key="inv_search", placeholder=t("inventory.search.placeholder"), help=t("inventory.search.help")
)
clusters = filters[1].multiselect(
    t("filter.clusters"), cluster_options, key="inv_clusters", placeholder=t("filter.clusters.placeholder")
)
statuses = filters[2].multiselect(
    t("filter.status"),
    sorted(hosts["status"].unique()),
    format_func=lambda s: t(f"status.{s}"),
    key="inv_status",
    placeholder=t("filter.status.placeholder"),
)

searchable = hosts.assign(hardware=tables.hardware(hosts))  # "Dell PowerEdge R650" matches as shown
shown_hosts = tables.filter_frame(
    searchable,
    search=search,
    search_columns=("name", *tables.HARDWARE_COLUMNS),
    clusters=clusters,
    column_values={"status": statuses},
)
# A VM matches by its own name, host or system, or when its host's vendor, model or CPU matches.
by_hardware = tables.filter_frame(searchable, search=search, search_columns=tables.HARDWARE_COLUMNS)
shown_vms = tables.filter_frame(vms, clusters=clusters)
if search.strip():
    own = tables.filter_frame(shown_vms, search=search, search_columns=("name", "host", "guest_os"))
    shown_vms = shown_vms[shown_vms.index.isin(own.index) | shown_vms["host_id"].isin(by_hardware["id"])]
if statuses:
    shown_vms = shown_vms[shown_vms["host_id"].isin(shown_hosts["id"])]
# The toggle sits in the VM tab, drawn after the tab labels: its state (this run's value) sets the count.
with_templates = bool(st.session_state.get("inv_templates", False))
total_vms = len(vms) if with_templates else int((~vms["is_template"]).sum())
if not with_templates:
    shown_vms = shown_vms[~shown_vms["is_template"]]

tab_hosts, tab_vms, tab_ages, tab_clusters = st.tabs(
    [
        t("inventory.tab.hosts", n=num(len(shown_hosts))),
        t("inventory.tab.vms", n=num(len(shown_vms))),
        t("inventory.tab.ages"),
        t("inventory.tab.clusters"),
    ]
)
with tab_hosts:
    view, config = tables.host_table(shown_hosts)
    st.dataframe(view, column_config=config, hide_index=True, width="stretch")
    st.caption(t("inventory.hosts.caption", n=num(len(shown_hosts)), total=num(len(hosts))))
    n_unknown = int((shown_hosts["cpu_utilisation"].isna() | shown_hosts["memory_utilisation"].isna()).sum())
    if n_unknown:
        st.caption(t("inventory.unknown_usage", n=num(n_unknown)))
with tab_vms:
    st.toggle(t("filter.templates"), value=False, key="inv_templates")
    view, config = tables.vm_table(shown_vms)
    st.dataframe(view, column_config=config, hide_index=True, width="stretch")
    st.caption(t("inventory.vms.caption", n=num(len(shown_vms)), total=num(total_vms)))
with tab_ages:
    left, right = st.columns(2)
    left.plotly_chart(
        charts.age_pyramid(
            shown_hosts,
            {
                "title": t("chart.pyramid.title"),
                "under": t("label.under_warranty"),
                "out": t("label.out_of_warranty"),
                "unknown": t("label.unknown"),
                "x": t("label.n_hosts"),
                "y": t("chart.pyramid.y"),
            },
        ),
        width="stretch",
    )
    right.plotly_chart(
        charts.warranty_timeline(
            shown_hosts,
            as_of_year=as_of.year,
            labels={"title": t("chart.warranty.title"), "x": t("chart.warranty.x"), "y": t("label.n_hosts")},
        ),
        width="stretch",
    )
    n_expired = int((shown_hosts["out_of_warranty"] == 1).sum())
    st.caption(t("inventory.warranty.caption", n=num(n_expired), total=num(len(shown_hosts))))
with tab_clusters:
    per_cluster = data.load_cluster_utilisation(ctx.url, ctx.snapshot, as_of)
    if clusters:
        per_cluster = per_cluster[per_cluster["cluster"].isin(clusters)]
    st.plotly_chart(
        charts.cluster_utilisation(
            per_cluster,
            {
                "title": t("chart.clusters.title"),
                "cpu": t("label.cpu"),
                "memory": t("label.memory"),
                "x": t("col.cluster"),
                "y": t("chart.utilisation.x"),
            },
        ),
        width="stretch",
    )
    col = st.column_config
    st.dataframe(
        per_cluster.assign(
            cpu_utilisation=per_cluster["cpu_utilisation"] * 100,
            memory_utilisation=per_cluster["memory_utilisation"] * 100,
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "cluster": col.TextColumn(t("col.cluster")),
            "n_hosts": col.NumberColumn(t("col.n_hosts"), format="%d"),
            "n_vms": col.NumberColumn(t("col.n_vms"), format="%d"),
            "n_cores": col.NumberColumn(t("col.cores"), format="%d"),
            "n_vcpus": col.NumberColumn(t("col.vcpus"), format="%d"),
            "cpu_utilisation": col.ProgressColumn(
                t("col.cpu_p95"), format=tables.percent_format(), min_value=0, max_value=100
            ),
            "memory_utilisation": col.ProgressColumn(
                t("col.memory_p95"), format=tables.percent_format(), min_value=0, max_value=100
            ),
        },
    )
