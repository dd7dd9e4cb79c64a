"""Capacité : growth of demand per cluster with its forecast band, and the time left before the ceiling.

Computed by the planning service (``parcimonie.planning.capacity``) from the capacity history every
successful run adds; the same figures as `parcimonie capacity`. See docs/capacity.md.
"""

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlmodel import Session

from dashboard import data
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.i18n import current_language, day, num, pct, plain, t
from optimizer import Policy
from parcimonie.planning.capacity import CapacityReport, GroupCapacity, ResourceOutlook, estate_capacity
from parcimonie.planning.host_profiles import LoadFigures, MeasuredLoad, estate_load

DAYS_PER_YEAR = 365.25


@st.cache_data(show_spinner=False, max_entries=8)
def load_capacity(url: str, snapshot: data.SnapshotKey, ceiling: float, ha_reserve_hosts: int) -> CapacityReport:
    """The capacity report of the stored history (cached until the next run)."""
    with Session(data.engine_for(url)) as session:
        return estate_capacity(session, policy=Policy(ceiling=ceiling, ha_reserve_hosts=ha_reserve_hosts))


@st.cache_data(show_spinner=False, max_entries=8)
def load_measured(url: str, snapshot: data.SnapshotKey) -> MeasuredLoad:
    """The hosts' measured load from their stored profiles (cached until the next run)."""
    with Session(data.engine_for(url)) as session:
        return estate_load(session)


def _group_name(group: GroupCapacity) -> str:
    return t("capacity.estate") if group.cluster is None else group.cluster


def _years(value: float | None) -> str:
    if value is None:
        return t("capacity.never")
    return t("capacity.reached") if value == 0 else t("capacity.years", years=num(value, 1))


def _figure(group: GroupCapacity, resource: str, horizon: int) -> go.Figure:
    """Demand per run, the Theil–Sen trend over the horizon with its P10–P90 band, and the usable capacity."""
    outlook: ResourceOutlook = getattr(group, resource)
    scale = 1000.0 if resource == "cpu" else 1024.0
    column = "cpu_demand_mhz" if resource == "cpu" else "memory_demand_mib"
    history = [(p.as_of, getattr(p, column) / scale) for p in group.history]
    last = group.as_of
    future = [last + timedelta(days=round(k * DAYS_PER_YEAR / 4)) for k in range(4 * horizon + 1)]
    years = [(d - last).days / DAYS_PER_YEAR for d in future]
    low = outlook.growth_low_per_year if outlook.growth_low_per_year is not None else outlook.growth_per_year
    high = outlook.growth_high_per_year if outlook.growth_high_per_year is not None else outlook.growth_per_year
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=future,
            y=[(outlook.level + high * y) / scale for y in years],
            mode="lines",
            line=dict(width=0),
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=future,
            y=[(outlook.level + low * y) / scale for y in years],
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor="rgba(46,125,50,0.18)",
            name=t("capacity.band"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=future,
            y=[(outlook.level + outlook.growth_per_year * y) / scale for y in years],
            mode="lines",
            line=dict(dash="dash", color="#2e7d32"),
            name=t("capacity.trend"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[h[0] for h in history],
            y=[h[1] for h in history],
            mode="markers+lines",
            line=dict(color="#1565c0"),
            name=t("capacity.observed"),
        )
    )
    start: date = history[0][0] if history else last
    fig.add_trace(
        go.Scatter(
            x=[start, future[-1]],
            y=[outlook.usable / scale] * 2,
            mode="lines",
            line=dict(color="#c62828"),
            name=t("capacity.usable"),
        )
    )
    unit = "GHz" if resource == "cpu" else t("capacity.gib")
    fig.update_layout(
        title=t("capacity.chart", group=_group_name(group)),
        yaxis_title=unit,
        height=380,
        margin=dict(l=10, r=10, t=50, b=40),
        separators=",\u202f" if current_language() == "fr" else ".,",
        legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0),
    )
    return fig


def _table(report: CapacityReport) -> pd.DataFrame:
    rows = []
    for g in report.groups:
        end = g.hosts_by_year[-1] if g.hosts_by_year else None
        rows.append(
            {
                t("capacity.col.group"): _group_name(g),
                t("capacity.col.runs"): g.n_runs,
                t("capacity.col.hosts"): g.n_hosts,
                t("capacity.col.cpu_growth"): f"{num(g.cpu.growth_per_year / 1000, 1)} GHz",
                t("capacity.col.cpu_left"): _years(g.cpu.years_remaining),
                t("capacity.col.memory_growth"): f"{num(g.memory.growth_per_year / 1024, 0)} {t('capacity.gib')}",
                t("capacity.col.memory_left"): _years(g.memory.years_remaining),
                t("capacity.col.hosts_end", year=end.year if end else "—"): "—"
                if end is None or end.hosts is None
                else end.hosts,
            }
        )
    return pd.DataFrame(rows)


def _load_columns(load: LoadFigures) -> dict[str, object]:
    """The load figures of one row: the day's peak as a percentage, minutes as whole numbers."""

    def minutes(value: float | None) -> int | None:
        return None if value is None else round(value)

    return {
        t("load.col.peak_day"): pct(load.peak_day),
        t("load.col.over80_day"): minutes(load.minutes_over_80_day),
        t("load.col.over100_day"): minutes(load.minutes_over_100_day),
        t("load.col.over80_week"): minutes(load.minutes_over_80_week),
        t("load.col.over100_week"): minutes(load.minutes_over_100_week),
    }


def _measured_load(load: MeasuredLoad) -> None:
    """Per cluster and per host: the day's peak CPU and the minutes above 80 % and 100 % (day, week)."""
    st.subheader(t("load.title"))
    if not load.hosts:
        st.info(t("load.none"))
        return
    when = {"day": day(load.day_start), "week": day(load.week_start)}
    st.caption(t("load.explain", **when))
    clusters = [
        {
            t("load.col.cluster"): c.cluster,
            t("load.col.hosts"): c.n_hosts,
            t("load.col.capacity"): num(c.capacity_mhz / 1000, 1),
            **_load_columns(c.load),
        }
        for c in load.clusters
    ]
    hosts = [
        {
            t("load.col.host"): h.name,
            t("load.col.cluster"): h.cluster or "—",
            t("load.col.capacity"): num(h.capacity_mhz / 1000, 1),
            **_load_columns(h.load),
        }
        for h in load.hosts
    ]
    if clusters:
        st.markdown(f"**{t('load.clusters')}**")
        st.dataframe(pd.DataFrame(clusters), hide_index=True, width="stretch")
    st.markdown(f"**{t('load.hosts')}**")
    st.dataframe(pd.DataFrame(hosts), hide_index=True, width="stretch")
    if load.no_capacity:
        st.caption(t("load.no_capacity", names=plain(", ".join(load.no_capacity[:20]))))


st.title(t("capacity.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
left, right = st.columns(2)
ceiling = left.slider(t("capacity.ceiling"), 0.3, 1.0, 0.8, 0.05, key="capacity_ceiling")
ha = right.number_input(t("capacity.ha"), min_value=0, max_value=5, value=1, step=1, key="capacity_ha")
report = load_capacity(ctx.url, ctx.snapshot, float(ceiling), int(ha))
if not report.groups:
    st.info(t("capacity.no_history"))
    st.stop()
st.caption(t("capacity.explain"))
if all(g.n_runs < 2 for g in report.groups):
    st.info(t("capacity.single_run", when=day(report.as_of)))
st.subheader(t("capacity.remaining"))
st.dataframe(_table(report), hide_index=True, width="stretch")
names = {_group_name(g): g for g in report.groups}
chosen = st.selectbox(t("capacity.col.group"), list(names), key="capacity_group")
kind = st.radio(
    t("capacity.resource"),
    ["cpu", "memory"],
    format_func=lambda r: t(f"capacity.{r}"),
    horizontal=True,
    key="capacity_resource",
)
st.plotly_chart(_figure(names[chosen], kind, report.horizon_years), width="stretch")
_measured_load(load_measured(ctx.url, ctx.snapshot))
