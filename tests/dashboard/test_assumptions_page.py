"""Hypothèses page: every assumption shown with default, unit and source; changes reach Finances; reset."""

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from inventory import list_offers, make_engine
from parcimonie.planning.assumption_info import ASSUMPTION_INFO
from tests.dashboard.conftest import RunPage, texts


def _finances(at: AppTest) -> list[tuple[str, str]]:
    at.switch_page("app_pages/finances.py").run()
    assert not at.exception, at.exception
    return [(m.label, m.value) for m in at.metric]


def _assumptions(at: AppTest) -> AppTest:
    at.switch_page("app_pages/assumptions.py").run()
    assert not at.exception, at.exception
    return at


def test_every_assumption_is_shown_with_its_source(run_page: RunPage, demo_url: str) -> None:
    at = run_page("assumptions", demo_url)
    assert not at.exception
    keys = {w.key for w in (*at.number_input, *at.checkbox, *at.text_input)}
    assert {f"hyp_{name}" for name in ASSUMPTION_INFO} <= keys
    shown = texts(at)
    assert "Quinet 2013" in shown and "Défaut : 0,045" in shown
    assert [e.label for e in at.expander] == [
        "Énergie et carbone",
        "Matériel et support",
        "Licences",
        "Personnel et espace",
        "Finances publiques",
        "Transition",
        "Dimensionnement",
    ]


def test_a_changed_assumption_changes_finances_and_reset_restores_them(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    before = _finances(at)
    _assumptions(at).number_input(key="hyp_vsphere_eur_per_core_per_year").set_value(400.0).run()
    assert at.session_state["assumption_overrides"] == {"vsphere_eur_per_core_per_year": 400.0}
    assert "1 hypothèse(s) modifiée(s)" in texts(at)
    changed = _finances(at)
    assert changed != before
    _assumptions(at).button(key="hyp_reset_vsphere_eur_per_core_per_year").click().run()
    assert at.session_state["assumption_overrides"] == {}
    assert _finances(at) == before


def test_a_refused_value_is_a_message_and_changes_nothing(run_page: RunPage, demo_url: str) -> None:
    at = run_page("assumptions", demo_url)
    at.number_input(key="hyp_vat_rate").set_value(20.0).run()
    assert not at.exception
    assert at.error  # refused by the optimizer's range check, the widget back to the default
    assert at.number_input(key="hyp_vat_rate").value == 0.2


def test_add_and_remove_an_offer(run_page: RunPage, demo_url: str) -> None:
    at = run_page("assumptions", demo_url)
    at.text_input(key="hyp_offer_name").set_value("Devis C")
    at.number_input(key="hyp_offer_price").set_value(12_000.0)
    at.button(key="hyp_offer_submit").click().run()
    assert not at.exception and "Offre ajoutée" in texts(at)
    engine = make_engine(demo_url)
    with Session(engine) as session:
        added = {o.name: o for o in list_offers(session)}["Devis C"]
    assert added.price_eur == 12_000 and added.embodied_kgco2e
    at.selectbox(key="hyp_offer_remove_pick").set_value("Devis C")
    at.button(key="hyp_offer_remove").click().run()
    with Session(engine) as session:
        assert "Devis C" not in {o.name for o in list_offers(session)}
    engine.dispose()
    at.text_input(key="hyp_offer_name").set_value("Trop chère")
    at.number_input(key="hyp_offer_price").set_value(20_000_000.0)
    at.button(key="hyp_offer_submit").click().run()
    assert at.error and "price_eur" in texts(at)
