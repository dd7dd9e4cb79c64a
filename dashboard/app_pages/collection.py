"""Collecte: the latest run of each source, the run history with errors, the next scheduled run."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data, tables
from dashboard.components import require_runs_key, show_empty_state
from dashboard.i18n import day, num, plain, t

st.title(t("collection.title"))
url = data.database_url()
runs = data.load_runs(url, require_runs_key(url))
if runs.empty:
    show_empty_state(url)
    st.stop()


def _status(value: str) -> str:
    return t(f"run.{value}")


latest = runs.sort_values("id", ascending=False).drop_duplicates("source")
st.subheader(t("collection.sources"))
run: Any  # a row of the runs frame
for run in latest.itertuples():
    box = st.container(border=True)
    head = box.columns([3, 2, 2, 2])
    head[0].markdown(f"**{plain(run.source)}** · {plain(run.kind)}")
    head[1].markdown(f"{t('col.status')} : **{_status(run.status)}**")
    head[2].markdown(t("collection.when", when=day(run.started_at, with_time=True)))
    head[3].markdown(t("collection.counts", hosts=num(run.n_hosts), vms=num(run.n_vms)))
    if run.status == "failed":
        box.error(t("collection.error", error=plain(run.error or "—")))
    last_ok = runs[(runs["source"] == run.source) & (runs["status"] == "succeeded")]
    if run.status != "succeeded" and not last_ok.empty:
        box.caption(t("collection.last_ok", when=day(last_ok.iloc[0]["finished_at"], with_time=True)))

st.subheader(t("collection.schedule"))
try:
    jobs = data.scheduled_runs(url)
except Exception as err:  # the schedule is informative: a broken job store must not hide the runs
    st.warning(t("collection.schedule_error", kind=type(err).__name__))
    jobs = None
if not jobs:
    st.info(t("collection.no_schedule"))
else:
    for job in jobs:
        st.markdown(t("collection.next_run", name=plain(job.name), when=day(job.next_run_at, with_time=True)))

st.subheader(t("collection.history"))
status_filter = st.multiselect(
    t("filter.status"),
    ["succeeded", "failed", "running"],
    format_func=_status,
    key="runs_status",
    placeholder=t("filter.status.placeholder"),
)
shown = runs[runs["status"].isin(status_filter)] if status_filter else runs
view = tables.as_text(
    shown,
    {
        "duration_s": lambda v: num(v, 1),
        **{name: num for name in ("n_hosts", "n_vms", "n_created", "n_updated", "n_marked_missing")},
    },
).assign(
    status=shown["status"].map(_status),
    started_at=pd.to_datetime(shown["started_at"], utc=True).dt.tz_convert("Europe/Paris"),
    error=shown["error"].fillna("—").replace("", "—"),
)
col = st.column_config
st.dataframe(
    view[
        [
            "id",
            "source",
            "kind",
            "status",
            "started_at",
            "duration_s",
            "n_hosts",
            "n_vms",
            "n_created",
            "n_updated",
            "n_marked_missing",
            "error",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "id": col.NumberColumn(t("col.run"), format="%d"),
        "source": col.TextColumn(t("col.source")),
        "kind": col.TextColumn(t("col.kind")),
        "status": col.TextColumn(t("col.status")),
        "started_at": col.DatetimeColumn(t("col.started_at"), format=tables.date_format() + " HH:mm"),
        # small table (≤ 50 runs): figures pre-formatted in the dashboard's language
        "duration_s": col.TextColumn(t("col.duration_s")),
        "n_hosts": col.TextColumn(t("col.n_hosts")),
        "n_vms": col.TextColumn(t("col.n_vms")),
        "n_created": col.TextColumn(t("col.created")),
        "n_updated": col.TextColumn(t("col.updated")),
        "n_marked_missing": col.TextColumn(t("col.missing")),
        "error": col.TextColumn(t("col.error")),
    },
)
