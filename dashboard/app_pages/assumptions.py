"""Hypothèses: every assumption by group with its default, unit and source; changes apply to this session.

The values changed here are kept in the session (``dashboard.plans.current_overrides``) and go into the
plans of the Consolidation and Finances pages, and into the scenarios saved from them. The units and
sources come from ``parcimonie.planning.assumption_info``, the labels from the planning layer's
messages. The sizing policy (ceiling, HA reserve…) is set on those pages and only shown here.

The offer catalogue is edited here too, as ``parcimonie offers add`` and ``remove`` do.
"""

from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import data, plans
from dashboard.auth import Forbidden, refusal
from dashboard.components import show_empty_state
from dashboard.i18n import current_language, eur, num, plain, t
from dashboard.messages import plan_error
from inventory import OfferError, is_initialised
from inventory.models import HostModel
from optimizer import Policy
from parcimonie.planning.assumption_info import ASSUMPTION_INFO, GROUPS, POLICY_INFO
from parcimonie.planning.messages import label, value_text

PREFIX = "hyp_"
ERROR_KEY = "hyp_error"
DONE_KEY = "hyp_offer_done"
defaults = plans.default_assumptions()
policy_defaults = Policy().to_dict()
language = current_language()


def _changed(name: str) -> None:
    """A widget's new value becomes the session's override (refused values put the widget back)."""
    value = st.session_state[PREFIX + name]
    try:
        plans.set_override(name, value)
    except ValueError as err:
        st.session_state[ERROR_KEY] = plan_error(err)
        st.session_state[PREFIX + name] = plans.current_overrides().get(name, defaults[name])


def _reset(*names: str) -> None:
    try:
        plans.reset_overrides(*names)
    except Forbidden as err:
        st.session_state[ERROR_KEY] = refusal(err)
        return
    for name in names or tuple(ASSUMPTION_INFO):
        st.session_state.pop(PREFIX + name, None)


def _widget(name: str, value: Any, where: Any) -> None:
    title = label("assumption", name, language)
    default = defaults[name]
    common: dict[str, Any] = {"key": PREFIX + name, "on_change": _changed, "args": (name,)}
    if isinstance(default, bool):
        where.checkbox(title, value=bool(value), **common)
    elif isinstance(default, str):  # a choice: set with `parcimonie plan --set`, shown here
        where.text_input(title, value=str(value), disabled=True, key=PREFIX + name, help=t("hyp.choice_readonly"))
    elif isinstance(default, int):
        where.number_input(title, value=int(value), step=1, min_value=0, **common)
    else:
        share = abs(default) < 1 and default != 0
        where.number_input(
            title, value=float(value), step=0.01 if share else 1.0, format="%.5f" if share else "%.2f", **common
        )


st.title(t("hyp.title"))
st.markdown(t("hyp.intro"))
if message := st.session_state.pop(ERROR_KEY, None):
    st.error(message)
overrides = plans.current_overrides()
if overrides:
    top = st.columns([4, 1])
    top[0].info(t("hyp.changed", n=num(len(overrides))))
    top[1].button(t("hyp.reset_all"), key="hyp_reset_all", on_click=_reset)
else:
    st.caption(t("hyp.none_changed"))

for group in GROUPS:
    names = [name for name, info in ASSUMPTION_INFO.items() if info.group == group]
    changed = sum(name in overrides for name in names)
    title = t(f"hyp.group.{group}") + (f" ({num(changed)} ✎)" if changed else "")
    with st.expander(title, expanded=changed > 0):
        for name in names:
            info = ASSUMPTION_INFO[name]
            row = st.columns([3, 4, 1], vertical_alignment="center")
            _widget(name, overrides.get(name, defaults[name]), row[0])
            row[1].caption(
                t("hyp.meta", default=plain(value_text(defaults[name], language)), unit=plain(info.unit))
                + "  \n"
                + t("hyp.source", source=plain(info.source))
            )
            row[2].button(
                t("hyp.reset"), key=f"hyp_reset_{name}", on_click=_reset, args=(name,), disabled=name not in overrides
            )
        if group == "sizing":
            st.caption(t("hyp.policy"))
            for name, info in POLICY_INFO.items():
                st.caption(
                    f"**{plain(name)}** — "
                    + t("hyp.meta", default=plain(value_text(policy_defaults[name], language)), unit=plain(info.unit))
                    + " — "
                    + t("hyp.source", source=plain(info.source))
                )

# --- the offer catalogue --------------------------------------------------------------------------
st.subheader(t("hyp.catalogue"))
url = data.database_url()
try:
    ready = is_initialised(data.engine_for(url))
except SQLAlchemyError as err:
    st.error(t("error.database", url=plain(data.display_url(url)), kind=type(err).__name__))
    st.stop()
if not ready:
    show_empty_state(url)
    st.stop()
offers = data.load_offers(url)
if done := st.session_state.pop(DONE_KEY, None):
    st.success(done)
if not offers.empty:
    st.dataframe(
        offers.assign(
            cores=offers["n_sockets"] * offers["n_cores_per_socket"],
            memory=(offers["memory_mib"] / 1024).map(num),
            price=offers["price_eur"].map(eur),
        )[["name", "cores", "memory", "price", "power_idle_w", "power_max_w", "embodied_kgco2e"]],
        hide_index=True,
        width="stretch",
        column_config={
            "name": t("hyp.offer.name"),
            "cores": t("hyp.offer.cores"),
            "memory": t("hyp.offer.memory"),
            "price": t("hyp.offer.price"),
            "power_idle_w": t("hyp.offer.idle"),
            "power_max_w": t("hyp.offer.max"),
            "embodied_kgco2e": t("col.embodied"),
        },
    )
with st.form("hyp_offer_add", clear_on_submit=False, enter_to_submit=False):
    st.markdown(t("hyp.offer.add_title"))
    cols = st.columns(4)
    name = cols[0].text_input(t("hyp.offer.name"), key="hyp_offer_name", max_chars=200)
    sockets = cols[1].number_input(t("hyp.offer.sockets"), min_value=1, max_value=64, value=2, key="hyp_offer_sockets")
    cores = cols[2].number_input(
        t("hyp.offer.cores_per_socket"), min_value=1, max_value=512, value=16, key="hyp_offer_cps"
    )
    mhz = cols[3].number_input(t("hyp.offer.mhz"), min_value=1, max_value=10_000, value=2400, key="hyp_offer_mhz")
    cols = st.columns(4)
    memory = cols[0].number_input(t("hyp.offer.memory"), min_value=1, value=512, key="hyp_offer_memory")
    price = cols[1].number_input(t("hyp.offer.price"), min_value=0.0, value=15_000.0, step=100.0, key="hyp_offer_price")
    install = cols[2].number_input(
        t("hyp.offer.install"), min_value=0.0, value=1_000.0, step=100.0, key="hyp_offer_install"
    )
    perf = cols[3].number_input(t("hyp.offer.perf"), min_value=0.01, max_value=20.0, value=1.0, key="hyp_offer_perf")
    cols = st.columns(4)
    idle = cols[0].number_input(t("hyp.offer.idle"), min_value=0, max_value=20_000, value=300, key="hyp_offer_idle")
    peak = cols[1].number_input(t("hyp.offer.max"), min_value=0, max_value=20_000, value=900, key="hyp_offer_max")
    warranty = cols[2].number_input(
        t("hyp.offer.warranty"), min_value=0, max_value=30, value=5, key="hyp_offer_warranty"
    )
    units = cols[3].number_input(t("hyp.offer.rack_units"), min_value=1, max_value=60, value=1, key="hyp_offer_units")
    submitted = st.form_submit_button(t("hyp.offer.add"), key="hyp_offer_submit")
if submitted:
    offer = HostModel(
        name=name,
        n_sockets=int(sockets),
        n_cores_per_socket=int(cores),
        cpu_mhz=float(mhz),
        memory_mib=float(memory) * 1024,
        price_eur=float(price),
        install_eur=float(install),
        perf_per_core=float(perf),
        power_idle_w=float(idle),
        power_max_w=float(peak),
        warranty_years=int(warranty),
        rack_units=int(units),
    )
    try:
        plans.add_offer(url, offer)
    except Forbidden as err:
        st.error(refusal(err))
    except OfferError as err:
        st.error(t("hyp.offer.refused", message=plain(err)))
    else:
        st.session_state[DONE_KEY] = t("hyp.offer.added", name=plain(name.strip()))
        st.rerun()
if not offers.empty:
    pick, act = st.columns([3, 1], vertical_alignment="bottom")
    doomed = pick.selectbox(t("hyp.offer.remove_pick"), list(offers["name"]), key="hyp_offer_remove_pick")
    if act.button(t("hyp.offer.remove"), key="hyp_offer_remove") and doomed:
        try:
            plans.remove_offer(url, doomed)
        except Forbidden as err:
            st.error(refusal(err))
        else:
            st.session_state[DONE_KEY] = t("hyp.offer.removed", name=plain(doomed))
            st.rerun()
