"""Profils et risque: packing on usage profiles against scalar P95, backtest and risk curve.

The plan document's ``profiles`` section (``parcimonie.planning.profile_plan``): the same figures as
`parcimonie plan`'s time-aligned section and its --json (docs/profiles.md).
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import plans
from dashboard.backtest_view import BACKTEST_COLUMNS, backtest_frame
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.consolidation_frames import cluster_names
from dashboard.data import load_hosts, today
from dashboard.i18n import current_language, eur, num, pct, t
from dashboard.tables import as_text, show_text_table
from parcimonie.planning import PlanRequest
from parcimonie.planning.profile_document import PlanBacktest, ProfileComparison
from parcimonie.planning.profile_plan import DemandChoice

COLUMNS = {
    "ceiling": "risk.col.ceiling",
    "hosts_profile": "risk.col.hosts_profile",
    "hosts_p95": "risk.col.hosts_p95",
    "tco_profile": "risk.col.tco_profile",
    "tco_p95": "risk.col.tco_p95",
    "overflow_profile": "risk.col.overflow_profile",
    "overflow_p95": "risk.col.overflow_p95",
}


def curve_frame(section: ProfileComparison) -> pd.DataFrame:
    """The risk curve, one row per ceiling (numbers, not text)."""
    return pd.DataFrame(
        [
            {
                "ceiling": p.ceiling,
                "hosts_profile": p.n_hosts_profile,
                "hosts_p95": p.n_hosts_p95,
                "tco_profile": p.tco_eur_profile,
                "tco_p95": p.tco_eur_p95,
                "overflow_profile": p.overflow_minutes_per_month_profile,
                "overflow_p95": p.overflow_minutes_per_month_p95,
            }
            for p in section.risk_curve
        ]
    )


def risk_chart(frame: pd.DataFrame) -> go.Figure:
    """Hosts (x) against replayed overflow minutes per month (y), one line per demand model."""
    fig = go.Figure()
    for method in ("profile", "p95"):
        fig.add_trace(
            go.Scatter(
                x=frame[f"hosts_{method}"],
                y=frame[f"overflow_{method}"],
                text=[pct(c) for c in frame["ceiling"]],
                mode="lines+markers+text",
                textposition="top center",
                name=t(f"risk.demand.{method}"),
            )
        )
    fig.update_layout(
        title=t("risk.chart.title"),
        xaxis_title=t("risk.chart.x"),
        yaxis_title=t("risk.chart.y"),
        height=380,
        separators=",\u202f" if current_language() == "fr" else ".,",
        legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
    )
    return fig


st.title(t("risk.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
st.caption(t("risk.explain"))
choices: tuple[DemandChoice, ...] = ("auto", "profile", "p95")
demand: DemandChoice = st.radio(
    t("risk.demand"), choices, format_func=lambda c: t(f"risk.demand.{c}"), horizontal=True, key="risk_demand"
)
with st.spinner():
    document = plans.plan(ctx.url, ctx.snapshot, PlanRequest(with_replacement=False, demand=demand))


def show_section(section: ProfileComparison) -> None:
    """Both answers, which one is kept, and the risk curve (chart and table)."""
    cols = st.columns(3)
    for answer in section.answers:
        label = t(f"risk.demand.{answer.demand}")
        cols[0].metric(
            t("risk.metric.hosts", label=label),
            num(answer.n_hosts),
            t("risk.metric.bound", bound=num(answer.lower_bound)),
        )
        cols[1].metric(t("risk.metric.tco", label=label), eur(answer.tco_eur))
        cols[2].metric(t("risk.metric.overflow", label=label), num(answer.overflow_minutes_per_month))
    kept = t(f"risk.demand.{section.demand}")
    st.markdown(t("risk.kept", label=kept, n=num(section.n_vms_with_profile), total=num(section.n_vms)))
    if section.p95_kept:
        st.warning(t("risk.p95_kept"))
    if not section.held_out:
        st.warning(t("risk.in_sample"))
    frame = curve_frame(section)
    st.plotly_chart(risk_chart(frame), use_container_width=True)
    money = {name: eur for name in ("tco_profile", "tco_p95")}
    show_text_table(
        as_text(frame, {"ceiling": pct, "overflow_profile": num, "overflow_p95": num, **money}),
        COLUMNS,
    )


def show_backtest(backtest: PlanBacktest, names: dict[int, str]) -> None:
    """The plan's consolidation and the estate as it runs, replayed per cluster: one table."""
    st.subheader(t("risk.bt.title"))
    st.caption(
        t(
            "risk.bt.explain",
            replay=num(backtest.replay_slots),
            minutes=num(backtest.replay_slot_minutes),
            ceiling=pct(backtest.ceiling),
            with_profile=num(backtest.n_vms_with_profile),
            n=num(backtest.n_vms),
        )
    )
    if not backtest.held_out:
        st.warning(t("risk.bt.in_sample"))
    show_text_table(backtest_frame(backtest, names), BACKTEST_COLUMNS, pinned=("cluster",))


if document.profiles is None:
    st.info(t("risk.none"))
else:
    show_section(document.profiles)
if document.backtest is not None:
    show_backtest(
        document.backtest,
        cluster_names(plans.estate_inputs(ctx.url, ctx.snapshot), load_hosts(ctx.url, ctx.snapshot, today())),
    )
