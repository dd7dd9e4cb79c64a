"""Scénarios: saved plans side by side — cumulative cost, savings by line, carbon, payback.

Reads the planning layer's JSON, so plans saved here and by `parcimonie plan --scenario` look alike.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, plan_frames, plans, tables
from dashboard.auth import Forbidden, refusal
from dashboard.components import require_snapshot
from dashboard.i18n import current_language, day, eur, num, plain, t
from parcimonie.planning.messages import label, value_text


def _year(value: float | None) -> str:
    return "—" if value is None else str(int(value))


st.title(t("scenarios.title"))
ctx = require_snapshot()
saved = plans.load_scenarios(ctx.url, plans.scenarios_key(ctx.url))
if not saved:
    st.info(t("scenarios.none"))
    st.stop()

names = [s.name for s in saved]
with st.expander(t("scenarios.manage")):
    target = st.selectbox(t("scenarios.manage.pick"), names, key="scen_manage")
    new_name = st.text_input(t("scenarios.manage.new_name"), value=target, key=f"scen_new_{abs(hash(target))}")
    rename_col, delete_col = st.columns(2)
    sure = delete_col.checkbox(
        t("scenarios.manage.sure", name=plain(target)), key=f"scen_sure_{abs(hash(target))}", value=False
    )
    try:
        if rename_col.button(t("scenarios.manage.rename"), key="scen_rename") and new_name.strip() != target:
            plans.rename_plan(ctx.url, target, new_name)
            st.session_state.pop("scen_pick", None)  # the old name may be picked
            st.session_state["scen_done"] = t(
                "scenarios.manage.renamed", name=plain(target), new=plain(new_name.strip())
            )
            st.rerun()
        if delete_col.button(t("scenarios.manage.delete"), key="scen_delete", disabled=not sure):
            plans.delete_plan(ctx.url, target)
            st.session_state.pop("scen_pick", None)  # the old name may be picked
            st.session_state["scen_done"] = t("scenarios.manage.deleted", name=plain(target))
            st.rerun()
    except Forbidden as err:
        st.error(refusal(err))
    except plans.ScenarioNameError as err:
        st.error(t(f"consolidation.save.{err.reason}", name=plain(err.name)))
    if done := st.session_state.pop("scen_done", None):
        st.success(done)
picked = st.multiselect(
    t("scenarios.pick"), names, default=names[:4], key="scen_pick", placeholder=t("filter.scenarios.placeholder")
)
chosen = [s for s in saved if s.name in picked]
if not chosen:
    st.info(t("scenarios.pick"))
    st.stop()
summary = plan_frames.scenario_summary(chosen)
curves = plan_frames.cumulative_costs(chosen)
split = plan_frames.savings_split(chosen)

st.subheader(t("scenarios.summary"))
summary = summary.assign(offer=summary["offer"].map(lambda o: o or t("consolidation.target.existing")))
shown = tables.as_text(
    summary,
    {
        "n_hosts_before": num,
        "n_hosts_after": num,
        "n_hosts_freed": num,
        "tca_eur_ttc": eur,
        "tco_eur": eur,
        "plan_n_hosts": num,
        "plan_investment_eur": eur,
        "total_savings_eur": eur,
        "payback_year": _year,
        "updated_at": day,
    },
)
tables.show_text_table(
    shown,
    {
        "scenario": "col.scenario",
        "offer": "col.offer",
        "n_hosts_before": "consolidation.hosts_before",
        "n_hosts_after": "col.hosts_after_now",
        "n_hosts_freed": "col.hosts_freed",
        "tca_eur_ttc": "col.tca_now",
        "tco_eur": "col.tco_now",
        "plan_n_hosts": "col.plan_hosts",
        "plan_investment_eur": "col.plan_investment",
        "total_savings_eur": "col.plan_savings",
        "payback_year": "col.payback",
        "updated_at": "col.updated_at",
    },
    pinned=("scenario", "tco_eur", "total_savings_eur", "payback_year"),
)
st.caption(t("scenarios.summary_note"))
if split.empty:
    st.info(t("scenarios.no_replacement"))
    st.stop()
n_baselines = curves.loc[curves["is_baseline"], "scenario"].nunique()
curves = curves.assign(
    scenario=[
        (t("scenarios.baseline") if n_baselines == 1 else t("scenarios.baseline_of", names=name)) if baseline else name
        for name, baseline in zip(curves["scenario"], curves["is_baseline"], strict=True)
    ]
)
st.plotly_chart(
    charts.cumulative_costs(curves, {"title": t("scenarios.cumulative"), "x": t("col.year"), "y": t("chart.eur")}),
    width="stretch",
)
if n_baselines > 1:
    st.caption(t("scenarios.baselines_note"))
st.plotly_chart(
    charts.stacked_bars(
        split,
        x="scenario",
        horizontal=True,
        parts={
            "energy_eur": t("line.energy"),
            "licences_eur": t("line.licences"),
            "maintenance_eur": t("line.maintenance"),
            "staff_eur": t("line.staff"),
            "rack_eur": t("line.rack"),
            "investissement_materiel_eur": t("saving.investissement_materiel"),
            "investissement_licences_eur": t("saving.investissement_licences"),
            "fctva_eur": t("line.fctva"),
        },
        labels={"title": t("scenarios.split"), "x": t("chart.eur"), "y": t("col.scenario")},
    ),
    width="stretch",
)

st.subheader(t("scenarios.compare"))
planned = [s.name for s in saved if s.document.replacement is not None]
if len(planned) < 2:
    st.info(t("scenarios.compare.too_few"))
else:
    pair = st.columns(2)
    first = pair[0].selectbox(t("scenarios.compare.first"), planned, index=0, key="scen_first")
    second = pair[1].selectbox(t("scenarios.compare.second"), planned, index=1, key="scen_second")
    if first == second:
        st.info(t("scenarios.compare.same"))
    else:
        by_name = {s.name: s for s in saved}
        both = plan_frames.pair_comparison(by_name[first], by_name[second])
        net_first, net_second = t("scenarios.compare.net", name=first), t("scenarios.compare.net", name=second)
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.year"): [str(y) for y in both["year"]],
                    net_first: [eur(v) for v in both["first_eur"]],
                    net_second: [eur(v) for v in both["second_eur"]],
                    t("scenarios.compare.difference", first=first, second=second): [
                        eur(v) for v in both["difference_eur"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(t("scenarios.compare.note", first=plain(first), second=plain(second)))
        st.plotly_chart(
            charts.line_chart(
                both.assign(first_eur=both["first_eur"].astype(float), second_eur=both["second_eur"].astype(float)),
                x="year",
                lines={"first_eur": first, "second_eur": second},
                money_y=True,
                labels={"title": t("scenarios.compare.chart"), "x": t("col.year"), "y": t("chart.eur")},
            ),
            width="stretch",
        )

st.subheader(t("scenarios.carbon"))
carbon = tables.as_text(
    summary,
    {
        "operational_kgco2e": num,
        "embodied_kgco2e": num,
        "carbon_saved_kgco2e": num,
        "carbon_payback_year": _year,
        "payback_year": _year,
    },
)
tables.show_text_table(
    carbon,
    {
        "scenario": "col.scenario",
        "operational_kgco2e": "col.operational",
        "embodied_kgco2e": "col.embodied",
        "carbon_saved_kgco2e": "col.carbon_saved",
        "carbon_payback_year": "col.carbon_payback",
        "payback_year": "col.payback",
    },
)
if (summary["carbon_saved_kgco2e"].dropna() < 0).any():
    st.caption(t("carbon.negative"))

st.subheader(t("scenarios.overrides"))
defaults = plans.default_assumptions()
for s in chosen:
    changed = [
        t(
            "scenarios.overrides.row",
            name=label("assumption", name, current_language()),
            value=value_text(value, current_language()),
            default=value_text(defaults.get(name), current_language()),
        )
        for name, value in sorted(s.document.request.overrides.items())
        if name != "reference_year" and value != defaults.get(name)
    ]
    st.markdown(f"**{plain(s.name)}** — " + (plain("; ".join(changed)) if changed else t("scenarios.overrides.none")))
