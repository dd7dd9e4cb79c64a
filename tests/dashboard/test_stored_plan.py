"""The overview's recommended plan comes from the inventory's plan cache: read without computing
anything (nor loading the optimizer's tables), and never for another snapshot than the current one."""

import pytest
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import make_engine, record_run
from parcimonie.formatting import format_eur
from parcimonie.planning import PlanError
from parcimonie.planning.plan_cache import RECOMMENDED, cached_plan, warm
from tests.conftest import TODAY
from tests.dashboard.conftest import RunPage

NPV = "Économies actualisées (VAN)"
DRIVERS = "font le plus varier"


def _no_planning(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every way of computing a plan from the dashboard fail, and record each attempt."""
    calls: list[str] = []

    def refuse(*_args: object, **_kwargs: object) -> None:
        calls.append("run_plan")
        raise PlanError("error.empty_inventory")

    monkeypatch.setattr("parcimonie.planning.plan_cache.run_plan", refuse)
    monkeypatch.setattr("dashboard.plans.run_plan", refuse)
    return calls


def test_the_overview_shows_the_stored_plan_without_computing(
    run_page: RunPage, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(demo_url)
    assert warm(engine, today=TODAY)
    with Session(engine) as session:
        stored = cached_plan(session, RECOMMENDED, today=TODAY)
    assert stored is not None and stored.document is not None and stored.document.replacement is not None
    calls = _no_planning(monkeypatch)

    def no_tables(*_args: object) -> None:
        calls.append("load_estate")
        raise AssertionError("the optimizer's tables were loaded")

    monkeypatch.setattr("dashboard.plans.load_estate", no_tables)  # nor the estate's cost: stored too
    preloaded: list[str] = []  # the next pages' tables load in the background, not in the page's run
    monkeypatch.setattr("dashboard.stored_plans.preload", lambda url, _snapshot, _overrides: preloaded.append(url))
    monkeypatch.setattr("dashboard.plans.COMPARE_ALL_MAX_VMS", 100)  # large: the drivers would be on demand
    at = run_page("overview", demo_url)
    assert not at.exception and not calls and preloaded == [demo_url]
    metrics = {m.label: str(m.value) for m in at.metric}
    assert metrics[NPV] == format_eur(stored.document.replacement.totals.npv_savings_eur, language="fr")
    assert any(DRIVERS in md.value for md in at.markdown)  # the stored tornado: no button, no replan
    assert not any(b.key == "overview_drivers" for b in at.button)
    assert not at.warning


def test_a_plan_stored_for_another_snapshot_is_never_shown(
    run_page: RunPage, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(demo_url)
    assert warm(engine, today=TODAY)
    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=150, today=TODAY))
    calls = _no_planning(monkeypatch)
    at = run_page("overview", demo_url)
    assert not at.exception
    assert calls  # the stored plan was not used: the page tried to compute the new snapshot's
    assert NPV not in {m.label for m in at.metric}
    assert any("inventaire est vide" in w.value for w in at.warning)  # the refusal of the patched planner


def test_an_offer_added_meanwhile_is_never_missed(run_page: RunPage, demo_url: str) -> None:
    """The session's cache is keyed on the catalogue too: an offer added elsewhere gives a new plan."""
    from inventory import add_offer, list_offers, session_scope

    engine = make_engine(demo_url)
    assert warm(engine, today=TODAY)
    at = run_page("overview", demo_url)
    before = {m.label: str(m.value) for m in at.metric}[NPV]
    with session_scope(engine) as session:
        offer = list_offers(session)[0]
        add_offer(session, offer.model_copy(update={"id": None, "name": "Bon marché", "price_eur": 2_000.0}))
    at.run()
    assert not at.exception
    with Session(engine) as session:
        stored = cached_plan(session, RECOMMENDED, today=TODAY)  # stored by the page for the new catalogue
    assert stored is not None and stored.document is not None and stored.document.replacement is not None
    shown = {m.label: str(m.value) for m in at.metric}[NPV]
    assert shown == format_eur(stored.document.replacement.totals.npv_savings_eur, language="fr") != before
