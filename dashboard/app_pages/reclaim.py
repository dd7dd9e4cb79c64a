"""Récupération : zombie, idle and oversized VMs, ranked by the euros they free each year.

Computed by the planning service (``parcimonie.planning.reclaim``) on the plan's inputs: the same
figures as `parcimonie reclaim` and the workbook's "Récupération" sheet.
"""

from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from dashboard import data, plans
from dashboard.components import require_snapshot, snapshot_caption
from dashboard.i18n import current_language, eur, num, pct, plain, t
from dashboard.messages import plan_error, say
from dashboard.tables import as_text, show_text_table
from optimizer import Policy
from parcimonie.planning import PlanRequest, build_assumptions
from parcimonie.planning.reclaim import ReclaimReport, headline, load_reclaim_inputs, reclaim_report


@st.cache_data(show_spinner=False, max_entries=8)
def load_reclaim(
    url: str, snapshot: data.SnapshotKey, ceiling: float, include_powered_off: bool, overrides: dict[str, Any]
) -> ReclaimReport:
    """The reclamation report of the inventory under the session's assumptions (cached until the next run)."""
    policy = Policy(ceiling=ceiling, include_powered_off=include_powered_off)
    assumptions = build_assumptions(PlanRequest(policy=policy, overrides=overrides), today=data.today())
    with Session(data.engine_for(url)) as session:
        return reclaim_report(load_reclaim_inputs(session), assumptions=assumptions, policy=policy)


def _frame(report: ReclaimReport) -> pd.DataFrame:
    rows = [
        {
            "name": vm.name,
            "category": t(f"reclaim.category.{vm.category}"),
            "reason": say(vm.reason),
            "vcpus": vm.vcpus_freed,
            "memory": vm.memory_mib_freed / 1024,
            "share": vm.host_share,
            "energy": vm.energy_eur,
            "licences": vm.licences_eur,
            "eur": vm.eur_per_year,
            "kgco2e": vm.kgco2e_per_year,
        }
        for vm in report.vms
    ]
    frame = pd.DataFrame(rows)
    money = {name: eur for name in ("energy", "licences", "eur")}
    return as_text(
        frame,
        {
            "vcpus": num,
            "memory": num,
            "share": lambda v: pct(v, 1),
            "kgco2e": num,
            **money,
        },
    )


COLUMNS = {
    "name": "reclaim.col.vm",
    "category": "reclaim.col.category",
    "reason": "reclaim.col.reason",
    "vcpus": "reclaim.col.vcpus",
    "memory": "reclaim.col.memory",
    "share": "reclaim.col.share",
    "energy": "reclaim.col.energy",
    "licences": "reclaim.col.licences",
    "eur": "reclaim.col.eur",
    "kgco2e": "reclaim.col.kgco2e",
}

st.title(t("reclaim.title"))
ctx = require_snapshot()
snapshot_caption(ctx)
left, right = st.columns(2)
ceiling = left.slider(t("reclaim.ceiling"), 0.3, 1.0, 0.8, 0.05, key="reclaim_ceiling")
powered_off = right.toggle(t("reclaim.include_powered_off"), value=True, key="reclaim_powered_off")
report = load_reclaim(ctx.url, ctx.snapshot, float(ceiling), bool(powered_off), plans.current_overrides())
st.caption(t("reclaim.explain"))
st.markdown(plain(headline(report, current_language())))
if not report.vms:
    st.stop()
totals = report.totals
cols = st.columns(4)
cols[0].metric(t("reclaim.metric.vms"), num(totals.n_vms))
cols[1].metric(t("reclaim.metric.vcpus"), num(totals.vcpus_freed))
cols[2].metric(t("reclaim.metric.eur"), eur(totals.eur_per_year))
cols[3].metric(t("reclaim.metric.kgco2e"), num(totals.kgco2e_per_year))
for name, sub in report.by_category.items():
    if sub.n_vms:
        st.markdown(
            t(
                "reclaim.category_line",
                category=t(f"reclaim.category.{name}"),
                n=num(sub.n_vms),
                vcpus=num(sub.vcpus_freed),
                eur=eur(sub.eur_per_year),
            )
        )
show_text_table(_frame(report), COLUMNS)
for note in report.notes:
    st.caption(plain(say(note)))

# The plan after reclamation, beside the plan as the estate stands (`parcimonie plan --after-reclaim`).
if st.toggle(t("reclaim.compare"), value=False, key="reclaim_compare", help=t("reclaim.compare.help")):
    policy = Policy(ceiling=float(ceiling), include_powered_off=bool(powered_off))
    try:
        with st.spinner(t("spinner.consolidation")):
            before, after = (
                plans.plan(
                    ctx.url,
                    ctx.snapshot,
                    PlanRequest(
                        policy=policy,
                        method="heuristic",
                        with_replacement=False,
                        after_reclaim=applied,
                        overrides=plans.current_overrides(),
                    ),
                )
                for applied in (False, True)
            )
    except ValueError as err:
        st.error(plan_error(err))
        st.stop()
    shown = st.columns(3)
    hosts = before.consolidation.n_hosts_after, after.consolidation.n_hosts_after
    shown[0].metric(t("reclaim.compare.hosts"), num(hosts[1]), delta=num(hosts[1] - hosts[0]), delta_color="inverse")
    best = [doc.target_option for doc in (before, after)]
    if best[0] is not None and best[1] is not None:
        shown[1].metric(
            t("reclaim.compare.tco", option=plain(best[1].name)),
            eur(best[1].tco_eur),
            delta=eur((best[1].tco_eur or 0) - (best[0].tco_eur or 0)),
            delta_color="inverse",
        )
    if after.reclaimed is not None:
        shown[2].metric(t("reclaim.compare.removed"), num(after.reclaimed.n_vms_removed))
    st.caption(t("reclaim.compare.note", before=num(hosts[0]), after=num(hosts[1])))
