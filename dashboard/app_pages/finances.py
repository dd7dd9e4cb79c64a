"""Finances: TCO vs TCA per option, the yearly investissement / fonctionnement budget, energy price.

Reads a plan's JSON (parcimonie.planning.document): either computed here from the parameters (every offer
competes, replacement plan included) or a saved scenario, the CLI's included.

The parameters (electricity price included: it is an assumption of the plan) sit in a form: the plan
is recomputed once, when the user applies them, never on each keystroke. The sensitivity to the
electricity price is derived from the plan's kWh (energy is linear in the price) and recomputes
nothing.
"""

import dataclasses

import pandas as pd
import streamlit as st

from dashboard import charts, data, plan_frames, plans, tables
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.i18n import current_language, eur, num, pct, plain, t
from dashboard.messages import plan_error, say
from optimizer import Assumptions, Policy
from optimizer.policy import SCOPES
from parcimonie.planning import EXISTING, PlanRequest
from parcimonie.planning.fleet_mix import fleet_mix_line
from parcimonie.planning.note import note_pdf
from parcimonie.planning.sensitivity import bar_label
from parcimonie.planning.workbook import workbook_bytes
from parcimonie.planning.workbook_budget import AUTHORITY_KINDS, Authority

DEFAULTS = Assumptions()
POLICY = Policy()
PARAMETERS = ""  # the source "plan from the parameters below"
st.title(t("finances.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
saved = {s.name: s for s in plans.load_scenarios(ctx.url, plans.scenarios_key(ctx.url))}

with st.container(border=True):
    source = st.selectbox(
        t("finances.source"),
        [PARAMETERS, *saved],
        key="fin_source",
        format_func=lambda v: v or t("finances.source.parameters"),
    )
    fixed = source != PARAMETERS
# A saved scenario shows its own parameters (read-only widgets under their own keys, so the form's
# values survive a look at a scenario); otherwise the form, applied on demand.
saved_plan = saved[source].document if fixed else None
shown_policy = saved_plan.request.policy if saved_plan else POLICY
shown_assumptions = saved_plan.assumptions if saved_plan else plans.current_overrides()
prefix = f"fin_saved_{abs(hash(source))}_" if fixed else "fin_"
with st.form("fin_parameters", border=True, enter_to_submit=False):
    cols = st.columns(4)
    price_cents = cols[0].number_input(
        t("finances.price"),
        min_value=1,
        max_value=200,
        step=1,
        format="%d",
        value=int(
            round(100 * float(shown_assumptions.get("electricity_eur_per_kwh", DEFAULTS.electricity_eur_per_kwh)))
        ),
        key=f"{prefix}price",
        help=t("finances.price.help"),
        disabled=fixed,
    )
    ceiling_pct = cols[1].number_input(
        t("consolidation.ceiling"),
        min_value=5,
        max_value=100,
        step=5,
        value=int(round(100 * shown_policy.ceiling)),
        key=f"{prefix}ceiling",
        disabled=fixed,
    )
    ha = cols[2].number_input(
        t("consolidation.ha"),
        min_value=0,
        max_value=10,
        step=1,
        value=shown_policy.ha_reserve_hosts,
        key=f"{prefix}ha",
        disabled=fixed,
    )
    scopes = list(SCOPES)
    scope = cols[3].radio(
        t("consolidation.scope"),
        scopes,
        horizontal=True,
        index=scopes.index(shown_policy.scope),
        format_func=lambda v: t(f"consolidation.scope.{v}"),
        key=f"{prefix}scope",
        disabled=fixed,
    )
    st.form_submit_button(
        t("finances.apply"), key="fin_apply", type="primary", disabled=fixed, help=t("finances.apply.help")
    )
price = price_cents / 100
if fixed:
    assert saved_plan is not None
    plan = saved_plan
    cap = saved_plan.request.yearly_investment_cap_eur
    st.caption(
        t(
            "finances.saved_applied",
            name=plain(source),
            price=num(price, 2),
            ceiling=pct(ceiling_pct / 100),
            ha=num(ha),
            scope=t(f"consolidation.scope.{scope}").lower(),
            offers=", ".join(
                t("consolidation.target.existing") if o == EXISTING else plain(o) for o in saved_plan.request.offers
            )
            or t("finances.all_offers"),
            cap=eur(cap) if cap else "—",
        )
    )
else:
    request = PlanRequest(
        policy=Policy(ceiling=float(ceiling_pct) / 100, ha_reserve_hosts=int(ha), scope=scope),
        method="heuristic",
        overrides={**plans.current_overrides(), "electricity_eur_per_kwh": float(price)},
    )
    try:
        with st.spinner(t("spinner.finance")):
            plan = plans.plan(ctx.url, ctx.snapshot, request)
    except ValueError as err:
        st.error(plan_error(err))
        st.stop()
    st.caption(t("finances.applied", price=num(price, 2), ceiling=pct(ceiling_pct / 100), ha=num(ha)))
    # Save the plan shown, as Consolidation does (plans.save_plan: the same cached plan, no recompute).
    with st.container(border=True):
        left, right = st.columns([3, 1])
        default_name = t("finances.save.default", price=num(price, 2), ceiling=num(ceiling_pct), ha=num(ha))
        name = left.text_input(
            t("consolidation.save.name"),
            value=default_name,
            key=f"fin_save_name_{abs(hash(default_name))}",
            help=t("finances.save.help"),
        )
        right.write("")
        if right.button(t("consolidation.save"), key="fin_save"):
            try:
                with st.spinner(t("spinner.plan")):
                    plans.save_plan(ctx.url, ctx.snapshot, name=name, request=request)
            except plans.ScenarioNameError as err:
                st.error(t(f"finances.save.{err.reason}", name=plain(err.name)))
            except ValueError as err:
                st.error(plan_error(err))
            else:  # rerun so the page's list of plans shows the new scenario; the message survives it
                st.session_state["fin_saved"] = name.strip()
                st.rerun()
        if saved_name := st.session_state.pop("fin_saved", None):
            st.success(t("consolidation.saved", name=plain(saved_name)))
unplaced = plan.consolidation.unplaced
if plan.consolidation.status == "PARTIAL" or unplaced:
    st.warning(t("finances.partial", n=num(len(unplaced))))

options = plan_frames.options_frame(plan)
_KIND_LABELS = {"keep": "finances.keep", "repack": "finances.repack"}
options["label"] = [
    t(_KIND_LABELS[kind]) if kind in _KIND_LABELS else name
    for kind, name in zip(options["kind"], options["name"], strict=True)
]
horizon = plan.horizon_years
st.subheader(t("finances.tco_vs_tca", horizon=num(horizon)))
shown = tables.as_text(
    options,
    {
        "tca_eur_ttc": eur,
        "licence_purchase_eur_ttc": eur,
        "opex_eur": eur,
        "tco_eur": eur,
        "tco_gap_eur": eur,
        "carbon_kgco2e": num,
        "n_hosts": num,
    },
)
tables.show_text_table(
    shown,
    {
        "label": "col.option",
        "n_hosts": "col.n_hosts",
        "tca_eur_ttc": "col.tca",
        "licence_purchase_eur_ttc": "col.licence_purchase",
        "opex_eur": "col.opex",
        "tco_eur": "col.tco",
        "tco_gap_eur": "col.tco_gap",
        "carbon_kgco2e": "col.carbon_t",
    },
    pinned=("label", "n_hosts", "tca_eur_ttc", "tco_eur", "carbon_kgco2e"),
)
st.caption(t("finances.tco_note"))
if plan.fleet_mix is not None:
    st.info(plain(say(fleet_mix_line(plan.fleet_mix))), icon=":material/join:")
st.plotly_chart(
    charts.stacked_bars(
        options.assign(tca=options["tca_eur_ttc"]),
        x="label",
        parts={
            "tca": t("col.tca"),
            "energy_eur": t("line.energy"),
            "maintenance_eur": t("line.maintenance"),
            "licences_eur": t("line.licences"),
            "staff_eur": t("line.staff"),
            "rack_eur": t("line.rack"),
        },
        labels={"title": t("chart.tco.title"), "x": t("col.option"), "y": t("chart.eur")},
    ),
    width="stretch",
)

st.subheader(t("finances.budget"))
replacement = plan.replacement
detailed = plan  # the plan with its tornado, once computed (the workbook then has its Sensibilité sheet)
if not replacement:
    st.info(t("finances.no_replacement"))
else:
    drivers = replacement.drivers
    st.markdown(
        t(
            "finances.replacement",
            offer=plain(replacement.offer),
            n_old=num(drivers.n_hosts_replaced),
            n_new=num(drivers.n_hosts_new),
            first=replacement.years[0],
            last=replacement.years[-1],
        )
    )
    offer_name = replacement.offer
    budgets: list[str] = ["scenario", "baseline"]
    which = st.selectbox(
        t("col.option"),
        budgets,
        key="fin_option",
        format_func=lambda v: t("finances.keep") if v == "baseline" else t("finances.plan", offer=offer_name),
    )
    budget = plan_frames.budget_frame(plan, which=which or "scenario")
    budget.index = [t(f"line.{line.removesuffix('_eur')}") for line in budget.index]
    budget = budget.rename(columns={"total": t("col.total")})
    st.dataframe(budget.map(eur), width="stretch", height="content")  # the net-spending row in view
    st.caption(t("finances.budget_note"))
    st.markdown(f"**{t('finances.years')}**")
    yearly = plan_frames.yearly_comparison(plan)
    st.dataframe(
        pd.DataFrame(
            {
                t("col.year"): [str(y) for y in yearly["year"]],
                t("col.current_estate"): [eur(v) for v in yearly["baseline_eur"]],
                t("col.scenario_net"): [eur(v) for v in yearly["scenario_eur"]],
                t("col.difference"): [eur(v) for v in yearly["difference_eur"]],
                t("col.cumulative"): [eur(v) for v in yearly["cumulative_eur"]],
            }
        ),
        hide_index=True,
        width="stretch",
        key="fin_years",
    )
    st.caption(t("finances.years.note"))
    ends = st.columns(3)
    ends[0].metric(
        t("finances.hosts_end", year=replacement.years[-1]),
        num(plan.n_hosts_at_end),
        help=t("finances.hosts_end.help", target=num(plan.consolidation.n_hosts_after)),
    )
    ends[1].metric(t("col.plan_investment"), eur(replacement.investment_eur))
    ends[2].metric(t("col.plan_savings"), eur(replacement.totals.savings_eur))
    figures = st.columns(4)
    figures[0].metric(t("col.payback"), str(replacement.payback_year or "—"))
    figures[1].metric(t("finances.npv"), eur(replacement.totals.npv_savings_eur))
    figures[2].metric(t("finances.carbon_payback"), str(replacement.carbon_payback_year or "—"))
    if replacement.residual_value is not None:
        figures[3].metric(
            t("finances.residual"), eur(replacement.residual_value.scenario_eur), help=t("finances.residual.help")
        )
    if replacement.comparisons:
        st.dataframe(
            pd.DataFrame(
                {
                    t("finances.baseline"): [t(f"finances.baseline.{c.baseline}") for c in replacement.comparisons],
                    t("col.plan_savings"): [eur(c.savings_eur) for c in replacement.comparisons],
                    t("finances.npv"): [eur(c.npv_savings_eur) for c in replacement.comparisons],
                    t("col.payback"): [str(c.payback_year or "—") for c in replacement.comparisons],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if replacement.capacity is not None:
        st.caption(
            t(
                "finances.capacity",
                hours=num(replacement.capacity.staff_hours_freed_total),
                units=num(replacement.capacity.rack_u_freed_at_end),
            )
        )

    st.subheader(t("finances.tornado"))
    if not plan.tornado and not fixed:
        if st.button(t("finances.tornado.compute"), key="fin_tornado", help=t("finances.tornado.help")):
            st.session_state["fin_tornado_for"] = request
        if st.session_state.get("fin_tornado_for") == request:
            with st.spinner(t("finances.tornado.spinner")):
                detailed = plans.plan(ctx.url, ctx.snapshot, dataclasses.replace(request, with_sensitivity=True))
    if detailed.tornado:
        bars = pd.DataFrame([bar.model_dump() for bar in detailed.tornado])
        bars["label"] = [bar_label(name, current_language()) for name in bars["name"]]
        st.plotly_chart(
            charts.tornado(
                bars,
                base_eur=float(replacement.totals.savings_eur or 0.0),
                labels={
                    "title": t("chart.tornado.title"),
                    "x": t("col.plan_savings"),
                    "low": t("chart.tornado.low"),
                    "high": t("chart.tornado.high"),
                },
            ),
            width="stretch",
        )
        st.caption(
            t(
                "finances.tornado.note",
                saving=eur(replacement.totals.savings_eur),
                without=eur(detailed.saving_without_licences_eur),
            )
        )
    elif fixed:
        st.info(t("finances.tornado.missing"))

st.subheader(t("finances.sensitivity"))
wide = plan_frames.sensitivity_frame(plan)
labels = dict(zip(options["name"], options["label"], strict=True))
if wide.empty:  # a scenario saved before sensitivities were part of the plan
    st.info(t("finances.sensitivity_missing"))
else:
    st.plotly_chart(
        charts.line_chart(
            wide,
            x="price",
            lines=labels,
            money_y=True,
            labels={"title": t("chart.sensitivity.title"), "x": t("finances.price_eur"), "y": t("col.tco")},
        ),
        width="stretch",
    )
    st.caption(t("finances.sensitivity_note"))

st.subheader(t("finances.download"))
who = st.columns(2)
kind = who[0].selectbox(
    t("finances.authority"),
    AUTHORITY_KINDS,
    key="fin_authority",
    format_func=lambda v: t(f"finances.authority.{v}"),
)
population = who[1].number_input(
    t("finances.population"),
    min_value=0,
    max_value=20_000_000,
    value=10_000,
    step=500,
    key="fin_population",
    help=t("finances.population.help"),
)
if st.toggle(t("finances.prepare"), key="fin_prepare", help=t("finances.prepare.help")):
    st.download_button(
        t("finances.download"),
        data=workbook_bytes(
            detailed,
            title=source or "Parcimonie",
            authority=Authority(kind=kind, population=int(population)),
            provenance=plans.provenance(ctx.url, source, detailed),
        ),
        file_name="parcimonie-budget.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="fin_download",
    )
st.subheader(t("finances.note"))
if st.toggle(t("finances.note.prepare"), key="fin_note_prepare"):
    age = data.load_summary(ctx.url, ctx.snapshot, data.today()).average_host_age_years
    st.download_button(
        t("finances.note.download"),
        data=note_pdf(
            detailed,
            title=source or "Plan par défaut",
            today=data.today(),
            average_host_age_years=age,
            provenance=plans.provenance(ctx.url, source, detailed),
        ),
        file_name="parcimonie-note-comite.pdf",
        mime="application/pdf",
        key="fin_note_download",
    )
