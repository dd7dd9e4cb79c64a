"""Consolidation: choose offers, ceiling, HA reserve and scope; review the proposal host by host.

Every offer competes by default on an estate of up to ``plans.COMPARE_ALL_MAX_VMS`` VMs, as the CLI
and Finances do; above, the first of the catalogue alone so a recompute stays quick, the others on
demand. The plan comes from ``parcimonie.planning`` without its replacement
part; saving computes the full plan, as ``parcimonie plan --scenario`` does. The detail below the summary
(``consolidation_detail``) draws one part at a time, every long list paged (``tables.PAGE_ROWS``): 50 000
rows are never sent to the browser.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, consolidation_detail, data, limits_view, plans, tables
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.i18n import current_language, eur, num, pct, plain, t
from dashboard.messages import plan_error, say
from dashboard.moves_table import show_migrations
from dashboard.p2v_view import show_p2v
from optimizer import CAUTIOUS_CEILING, Policy
from optimizer.policy import SCOPES
from parcimonie.planning import EXISTING
from parcimonie.planning.demand_choice import demand_line
from parcimonie.planning.limits_doc import limits_message
from parcimonie.planning.note import solver_name

DEFAULTS = plans.CONSOLIDATION_POLICY
st.title(t("consolidation.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
offers = data.load_offers(ctx.url)
offer_names = list(offers["name"]) if not offers.empty else []
with st.spinner(t("spinner.consolidation")):  # loading the estate's tables (or waiting for their preload)
    n_vms = plans.estate_inputs(ctx.url, ctx.snapshot).vms.n_vms
default_offers = plans.consolidation_offers(offer_names, n_vms)

st.session_state.setdefault("cons_ceiling", int(round(DEFAULTS.ceiling * 100)))


def _cautious_preset() -> None:
    st.session_state["cons_ceiling"] = int(round(CAUTIOUS_CEILING * 100))


def _compare_all() -> None:
    st.session_state["cons_offers"] = offer_names


with st.container(border=True):
    left, middle, right = st.columns([3, 2, 2])
    target = left.radio(
        t("consolidation.target"),
        ["new", "existing"],
        horizontal=True,
        format_func=lambda v: t(f"consolidation.target.{v}"),
        key="cons_target",
    )
    chosen = left.multiselect(
        t("consolidation.offers"),
        offer_names,
        default=default_offers,
        key="cons_offers",
        disabled=target == "existing",
        placeholder=t("filter.offers.placeholder"),
        help=t("consolidation.offers.help"),
    )
    left.button(
        t("consolidation.compare_all"),
        on_click=_compare_all,
        key="cons_all",
        disabled=target == "existing" or len(offer_names) < 2,
        help=t("consolidation.compare_all.help"),
    )
    ceiling_pct = middle.number_input(
        t("consolidation.ceiling"),
        min_value=5,
        max_value=100,
        step=5,
        key="cons_ceiling",
        help=t("consolidation.ceiling.help"),
    )
    middle.button(
        t("consolidation.preset", value=pct(CAUTIOUS_CEILING)),
        on_click=_cautious_preset,
        key="cons_preset",
        help=t("consolidation.preset.help"),
    )
    caps = limits_view.cap_inputs(middle, vcpu_ratio=DEFAULTS.vcpu_ratio, memory_overcommit=DEFAULTS.memory_overcommit)
    ha = right.number_input(
        t("consolidation.ha"),
        min_value=0,
        max_value=10,
        value=DEFAULTS.ha_reserve_hosts,
        step=1,
        key="cons_ha",
        help=t("consolidation.ha.help"),
    )
    scope = right.radio(
        t("consolidation.scope"),
        SCOPES,
        horizontal=True,
        format_func=lambda v: t(f"consolidation.scope.{v}"),
        key="cons_scope",
    )
    memory_p95 = right.checkbox(
        t("consolidation.memory_p95"), value=False, key="cons_mem_p95", help=t("consolidation.memory_p95.help")
    )
    p2v = right.checkbox(t("consolidation.p2v"), value=False, key="cons_p2v", help=t("consolidation.p2v.help"))

if target == "new" and not chosen:
    st.warning(t("consolidation.no_offer"))
    st.stop()
request = plans.consolidation_request(
    tuple(o for o in offer_names if o in chosen) if target == "new" else (EXISTING,),
    Policy(
        ceiling=float(ceiling_pct) / 100,
        ha_reserve_hosts=int(ha),
        scope=scope,
        use_memory_p95=bool(memory_p95),
        vcpu_ratio=caps["vcpu_ratio"],
        memory_overcommit=caps["memory_overcommit"],
    ),
    overrides=plans.current_overrides(),
    p2v=bool(p2v),
)
try:
    with st.spinner(t("spinner.consolidation")):
        reviewed = plans.consolidation_view(ctx.url, ctx.snapshot, request)
except ValueError as err:
    st.error(plan_error(err))
    st.stop()
result, view = reviewed.plan, reviewed.frames
c = result.consolidation

row = st.columns(5)
row[0].metric(t("consolidation.hosts_before"), num(c.n_hosts_before))
row[1].metric(
    t("consolidation.hosts_after"),
    num(c.n_hosts_after),
    delta=num(c.n_hosts_after - c.n_hosts_before),
    delta_color="inverse",
    help=t("consolidation.hosts_after.help", ha=num(c.n_ha_reserve_hosts)),
)
row[2].metric(t("consolidation.lower_bound"), num(c.lower_bound), help=t("consolidation.lower_bound.help"))
row[3].metric(
    t("consolidation.gap"),
    num(c.gap_hosts),
    help=t("consolidation.gap.help", share=pct(c.gap_pct / 100, 1))
    if c.gap_pct is not None and c.gap_hosts is not None
    else t("consolidation.gap.help.none"),
)
row[4].metric(t("consolidation.vms_per_host"), f"{num(c.vms_per_host_before, 1)} → {num(c.vms_per_host_after, 1)}")
tco_by_offer = c.tco_by_offer_eur
if c.offer:
    st.markdown(
        t(
            "consolidation.offer_chosen" if len(tco_by_offer) > 1 else "consolidation.offer_studied",
            offer=plain(c.offer),
            tco=eur(tco_by_offer.get(c.offer)),
            n=num(len(tco_by_offer)),
            horizon=num(result.horizon_years),
        )
    )
else:
    st.markdown(t("consolidation.repack", n=num(len(view.freed))))
if c.n_excluded_by_policy:
    by_reason = view.excluded["reason"].map(lambda m: m.code == "reason.template").value_counts()
    parts = [
        t(key, n=num(int(by_reason.get(is_template, 0))))
        for is_template, key in (
            (True, "consolidation.excluded.templates"),
            (False, "consolidation.excluded.powered_off"),
        )
        if by_reason.get(is_template, 0)
    ]
    st.caption(t("consolidation.excluded", n=num(c.n_excluded_by_policy), parts=", ".join(parts) or "—"))
if c.status == "PARTIAL" or len(view.unplaced):
    st.warning(t("consolidation.partial", n=num(len(view.unplaced))))
    if view.n_kept_by_unplaced:
        st.caption(t("consolidation.freed_kept", n=num(view.n_kept_by_unplaced)))
elif c.status == "OPTIMAL":
    st.success(t("consolidation.optimal"))
else:
    st.info(t("consolidation.feasible", gap=num(c.gap_hosts)))
if len(tco_by_offer) > 1:
    by_offer = pd.DataFrame({"offer": list(tco_by_offer), "tco": list(tco_by_offer.values())}).sort_values("tco")
    st.dataframe(
        tables.as_text(by_offer, {"tco": eur}),
        hide_index=True,
        column_config={
            "offer": st.column_config.TextColumn(t("col.offer")),
            "tco": st.column_config.TextColumn(t("col.tco_horizon")),
        },
    )

st.plotly_chart(
    charts.host_utilisation_strip(
        view.targets,
        ceiling=float(ceiling_pct) / 100,
        labels={
            "title": t("chart.after.title"),
            "cpu": t("label.cpu"),
            "memory": t("label.memory"),
            "x": t("chart.after.x"),
            "y": t("col.limit"),
        },
    ),
    width="stretch",
)
st.markdown(f"**{t('consolidation.worst', n=num(min(charts.WORST_HOSTS, len(view.targets))))}**")
tables.show_text_table(
    tables.worst_hosts(view.targets, charts.WORST_HOSTS),
    {
        "host": "col.host",
        "cluster": "col.cluster",
        "n_vms": "col.n_vms",
        "cpu_utilisation": "col.cpu_after",
        "memory_utilisation": "col.memory_after",
        "resource": "col.limit",
    },
)

consolidation_detail.show_detail(view)  # one part at a time: the long lists only on demand
show_migrations(c, lambda: reviewed.migrations)
st.caption(
    t(
        "consolidation.echo",
        solver=solver_name(c.solver, current_language()),
        n_vms=num(len(view.placement)),
        n_hosts=num(c.n_hosts_after),
        bound=num(c.lower_bound),
        gap=num(c.gap_hosts),
    )
)
st.caption(say(demand_line(c)))  # what sized CPU: P95 or usage profiles (the CLI's line)
limits_line = limits_message(c, result.request.policy)
if limits_line is not None:
    st.caption(say(limits_line))
if result.p2v is not None:
    show_p2v(result.p2v)

st.subheader(t("consolidation.save"))
st.caption(t("consolidation.save.help"))
left, right = st.columns([3, 1])
default_name = t(
    "consolidation.save.default",
    offer=c.offer or t("consolidation.target.existing"),
    ceiling=num(ceiling_pct),
    ha=num(ha),
)
name = left.text_input(t("consolidation.save.name"), key=f"cons_name_{abs(hash(default_name))}", value=default_name)
replace = left.checkbox(t("consolidation.save.replace"), value=False, key="cons_replace")
right.write("")
if right.button(t("consolidation.save"), key="cons_save", type="primary"):
    try:
        with st.spinner(t("spinner.plan")):
            plans.save_plan(ctx.url, ctx.snapshot, name=name, request=request, replace=replace)
    except plans.ScenarioNameError as err:
        st.error(t(f"consolidation.save.{err.reason}", name=plain(err.name)))
    except ValueError as err:
        st.error(plan_error(err))
    else:
        st.success(t("consolidation.saved", name=plain(name.strip())))
