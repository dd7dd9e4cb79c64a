"""Vue d'ensemble: a failed collection, the recommended plan (nothing saved), the estate's key figures,
its utilisation and the best saved scenario's saving."""

import dataclasses

import streamlit as st

from dashboard import charts, data, plan_frames, plans, stored_plans
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.i18n import current_language, day, eur, num, pct, plain, qty, t
from dashboard.messages import plan_error
from parcimonie.planning.confidence import confidence_line
from parcimonie.planning.demand_choice import demand_line
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import label, render, text, value_text
from parcimonie.planning.plan_cache import RECOMMENDED as DEFAULT_RECOMMENDED
from parcimonie.planning.sensitivity import bar_label

#: The recommended plan: default policy, the fast packing (the Finances page's method), and the
#: assumptions changed on the Hypothèses page in this session (none: the defaults). Read from the
#: inventory's plan cache (computed after each collection and at start), computed here only when absent.
overrides = plans.current_overrides()
RECOMMENDED = dataclasses.replace(DEFAULT_RECOMMENDED, overrides=overrides)

st.title(t("overview.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
as_of = data.today()

runs = data.load_runs(ctx.url, data.runs_key(ctx.url))
for _, run in runs.drop_duplicates("source").iterrows():  # newest first: each source's latest run
    if run["status"] == "failed":
        st.warning(
            t(
                "overview.failed_run",
                source=plain(run["source"]),
                when=day(run["started_at"], with_time=True),
                error=plain(run["error"] or ""),
            )
        )

st.subheader(t("overview.plan"))
recommended: PlanDocument | None
try:
    if stored_plans.is_ready(ctx.url, RECOMMENDED):
        recommended = stored_plans.summary(ctx.url, ctx.snapshot, RECOMMENDED)
    else:
        with st.spinner(t("overview.plan.computing")):
            recommended = stored_plans.summary(ctx.url, ctx.snapshot, RECOMMENDED)
except ValueError as err:
    st.warning(plan_error(err))
    recommended = None
replacement = recommended.replacement if recommended else None
confidence = confidence_line(recommended.confidence) if recommended else None
if confidence is not None and recommended is not None and recommended.confidence is not None:
    # The same line the CLI prints first: a plan built mostly on estimates says so before any figure.
    shown = plain(render(confidence, current_language()))
    if recommended.confidence.mostly_estimated:
        st.warning(shown)
    else:
        st.info(shown)
if recommended is not None:  # what sized CPU: P95 or usage profiles (the CLI's line)
    st.caption(plain(render(demand_line(recommended.consolidation), current_language())))
if recommended is None or replacement is None:
    if recommended is not None:
        st.info(t("overview.plan.none"))
else:
    cheapest = recommended.best_option
    st.caption(
        t(
            "overview.plan.caption_changed" if overrides else "overview.plan.caption",
            n=num(len(overrides)),
            best=t("overview.plan.existing") if cheapest == "existing" else plain(cheapest or "—"),
            offer=plain(replacement.offer),
            first=replacement.years[0],
            last=replacement.years[-1],
        )
    )
    carbon_kg = sum(y.carbon_savings_kgco2e or 0.0 for y in replacement.yearly)
    figures = st.columns(5)
    figures[0].metric(
        t("overview.plan.saving", horizon=num(recommended.horizon_years)), eur(replacement.totals.savings_eur)
    )
    figures[1].metric(
        t("overview.plan.payback"), str(replacement.payback_year or text("value.beyond_horizon", current_language()))
    )
    figures[2].metric(t("overview.plan.npv"), eur(replacement.totals.npv_savings_eur))
    figures[3].metric(
        t("overview.plan.hosts"), f"{num(recommended.consolidation.n_hosts_before)} → {num(recommended.n_hosts_at_end)}"
    )
    figures[4].metric(t("overview.plan.carbon"), qty(carbon_kg / 1000, "tCO2e", 1))
    if carbon_kg < 0:
        st.caption(t("carbon.negative"))
    drivers = st.container()  # filled at the end of the page: the figures below are drawn first
    st.page_link("app_pages/finances.py", label=t("overview.plan.link"), icon=":material/euro:")

st.subheader(t("overview.estate"))
summary = data.load_summary(ctx.url, ctx.snapshot, as_of)
hosts = data.load_hosts(ctx.url, ctx.snapshot, as_of)

row = st.columns(4)
row[0].metric(
    t("kpi.hosts"),
    num(summary.n_hosts),
    help=t("kpi.hosts.help", n_clusters=num(summary.n_clusters), n_sites=num(summary.n_sites)),
)
row[1].metric(
    t("kpi.vms"),
    num(summary.n_vms),
    help=t("kpi.vms.help", n_on=num(summary.n_vms_powered_on), n_templates=num(summary.n_templates)),
)
row[2].metric(t("kpi.vms_per_host"), num(summary.vms_per_host, 1), help=t("kpi.vms_per_host.help"))
row[3].metric(
    t("kpi.age"),
    qty(summary.average_host_age_years, t("unit.years"), 1),
    help=t("kpi.coverage", n=num(summary.n_hosts_with_purchase_date), total=num(summary.n_hosts)),
)
row = st.columns(4)
row[0].metric(
    t("kpi.out_of_warranty"),
    pct(summary.share_out_of_warranty),
    help=t("kpi.coverage", n=num(summary.n_hosts_with_warranty_end), total=num(summary.n_hosts)),
)
row[1].metric(t("kpi.cores"), num(summary.total_cores))
row[2].metric(
    t("kpi.vcpus"),
    num(summary.total_vcpus),
    help=t("kpi.vcpus.help", ratio=num(summary.total_vcpus / summary.total_cores, 1) if summary.total_cores else "—"),
)
known_usage = hosts["cpu_utilisation"].notna()
row[3].metric(
    t("kpi.median_cpu"),
    pct(hosts.loc[known_usage, "cpu_utilisation"].median()),
    help=t("kpi.median_cpu.help", n=num(int(known_usage.sum())), unknown=num(int((~known_usage).sum()))),
)
if recommended is not None:  # the plan's own counts: the optimizer's tables are not loaded for them
    physical, n_planned, n_vms_planned = (
        recommended.estate.physical_hosts,
        recommended.estate.n_hosts,
        recommended.estate.n_vms,
    )
else:
    inputs = plans.estate_inputs(ctx.url, ctx.snapshot)
    physical, n_planned, n_vms_planned = list(inputs.physical_hosts), inputs.hosts.n_hosts, inputs.vms.n_vms
if physical:
    st.caption(t("kpi.hosts.physical", n=num(len(physical)), n_planned=num(n_planned)))

st.subheader(t("overview.cost"))
with st.spinner(t("spinner.tco")):
    current = plans.current_cost(ctx.url, ctx.snapshot)
defaults = plans.default_assumptions()
saved = plans.load_scenarios(ctx.url, plans.scenarios_key(ctx.url))
differing = {
    s.name: plan_frames.assumption_differences(s.document.assumptions, defaults)
    for s in saved
    if s.document.replacement
}
best = plan_frames.best_scenario([s for s in saved if not differing.get(s.name)])
costs = st.columns(3)
costs[0].metric(
    t("kpi.opex_now", year=current.year), eur(current.opex_eur_per_year), help=t("kpi.opex_now.help", year=current.year)
)
costs[1].metric(t("kpi.energy_now"), qty(current.energy_kwh_per_year / 1000, "MWh"), help=t("kpi.energy_now.help"))
if best is None:
    costs[2].metric(t("kpi.best_saving.none"), "—")
    st.caption(t("overview.no_scenario"))
else:
    costs[2].metric(
        t("kpi.best_saving", year=best.year),
        eur(best.saving_eur_per_year),
        delta=pct(best.saving_share, 1) if best.saving_share is not None else None,
        help=t("kpi.best_saving.help", name=plain(best.name), year=best.year),
    )
    st.caption(
        t(
            "overview.best",
            name=plain(best.name),
            hosts_before=num(best.n_hosts_before),
            hosts_after=num(best.n_hosts_after),
            horizon=num(best.horizon_years),
            total=eur(best.saving_eur_horizon),
        )
    )
others = {name: diff for name, diff in differing.items() if diff}
if others:
    language = current_language()
    quote = "« {} »" if language == "fr" else '"{}"'
    st.caption(
        t(
            "overview.other_assumptions",
            details="; ".join(
                quote.format(plain(name))
                + " ("
                + ", ".join(
                    f"{label('assumption', k, language)} = {plain(value_text(v, language))}" for k, v in diff.items()
                )
                + ")"
                for name, diff in others.items()
            ),
        )
    )

st.plotly_chart(
    charts.utilisation_histogram(
        hosts,
        {
            "title": t("chart.utilisation.title"),
            "cpu": t("label.cpu"),
            "memory": t("label.memory"),
            "x": t("chart.utilisation.x"),
            "y": t("label.n_hosts"),
        },
    ),
    width="stretch",
)
st.caption(t("overview.utilisation_note"))

# The sensitivity replans the estate sixteen times: stored with the plan when it was computed ahead,
# otherwise computed last, so the figures above are on screen meanwhile, then written back under the
# plan's figures; on demand above COMPARE_ALL_MAX_VMS VMs.
ASKED = "overview_drivers_asked"  # once asked in this session, kept (the result is cached)
with_drivers = recommended is not None and replacement is not None
bars = stored_plans.stored_tornado(ctx.url, RECOMMENDED) if with_drivers else None
if bars is None and with_drivers and n_vms_planned > plans.COMPARE_ALL_MAX_VMS and not st.session_state.get(ASKED):
    with_drivers = drivers.button(
        t("overview.plan.drivers_ask"),
        key="overview_drivers",
        help=t("overview.plan.drivers_ask.help", n=num(plans.COMPARE_ALL_MAX_VMS)),
    )
    st.session_state[ASKED] = with_drivers
if with_drivers:
    if bars is None:
        with drivers, st.spinner(t("overview.plan.spinner")):
            bars = stored_plans.tornado(ctx.url, ctx.snapshot, RECOMMENDED)
    if bars:
        language = current_language()
        drivers.markdown(
            t(
                "overview.plan.drivers",
                items="; ".join(
                    t(
                        "overview.plan.driver",
                        name=plain(bar_label(bar.name, language)),
                        low=eur(min(bar.savings_low_eur or 0.0, bar.savings_high_eur or 0.0)),
                        high=eur(max(bar.savings_low_eur or 0.0, bar.savings_high_eur or 0.0)),
                    )
                    for bar in bars[:3]
                ),
            )
        )
if recommended is not None:  # the next pages' tables and Consolidation's first plan, loaded while this one is read
    stored_plans.preload(ctx.url, ctx.snapshot, overrides)
