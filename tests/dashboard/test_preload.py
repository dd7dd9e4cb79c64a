"""Consolidation's first plan loaded ahead (``stored_plans.preload``) and the server's warm start:
the page draws the preloaded plan without computing (so it is the request the page asks for), and
the frames every session shares are never changed by a page."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session

from dashboard.consolidation_detail import SECTIONS
from inventory import make_engine
from optimizer import Policy
from parcimonie.planning import PlanError, load_estate, run_plan
from tests.conftest import TODAY
from tests.dashboard.conftest import RunPage, open_section

REPO = Path(__file__).resolve().parents[2]
HOSTS_AFTER = "Hôtes, cible de consolidation"


def _preloaded(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import data, stored_plans

    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", url)
    snapshot = data.snapshot_key(url)
    assert snapshot is not None
    thread = stored_plans.preload(url, snapshot)
    assert thread is not None
    thread.join(timeout=120)
    assert stored_plans.preload(url, snapshot) is None  # once per snapshot and assumption set


def test_consolidation_draws_the_preloaded_plan_without_computing(
    run_page: RunPage, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import plans

    _preloaded(demo_url, monkeypatch)
    calls: list[str] = []

    def refuse(*_args: object, **_kwargs: object) -> None:
        calls.append("run_plan")
        raise PlanError("error.empty_inventory")

    expected = {
        policy.ceiling: _hosts_after(demo_url, policy) for policy in (plans.CONSOLIDATION_POLICY, plans.CAUTIOUS_POLICY)
    }
    monkeypatch.setattr("dashboard.plans.run_plan", refuse)
    at = run_page("consolidation", demo_url)
    assert not at.exception and not at.error and not calls
    assert int(_metric(at, HOSTS_AFTER)) == expected[0.8]  # the plan recomputed gives the same figure
    at.button(key="cons_preset").click().run()  # the one-click cautious preset: preloaded too
    assert not at.exception and not at.error and not calls
    assert at.number_input(key="cons_ceiling").value == 40
    assert int(_metric(at, HOSTS_AFTER)) == expected[0.4]


def _hosts_after(url: str, policy: Policy) -> int:
    """The Consolidation page's default plan with ``policy``, recomputed from the inventory."""
    from dashboard import data, plans

    with Session(make_engine(url)) as session:
        inputs = load_estate(session)
    offers = plans.consolidation_offers(list(data.load_offers(url)["name"]), inputs.vms.n_vms)
    document = run_plan(inputs, plans.consolidation_request(offers, policy), today=TODAY).document()
    return document.consolidation.n_hosts_after


def _metric(at, label: str) -> str:  # type: ignore[no-untyped-def]
    return str(next(m.value for m in at.metric if m.label == label))


def test_pages_never_change_the_shared_frames(
    run_page: RunPage, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import data, plans

    _preloaded(demo_url, monkeypatch)
    offers = list(data.load_offers(demo_url)["name"])
    snapshot = data.snapshot_key(demo_url)
    assert snapshot is not None
    n_vms = plans.estate_inputs(demo_url, snapshot).vms.n_vms
    request = plans.consolidation_request(plans.consolidation_offers(offers, n_vms))
    view = plans.consolidation_view(demo_url, snapshot, request)
    frames = {
        name: getattr(view.frames, name).copy(deep=True)
        for name in ("targets", "placement", "freed", "unplaced", "excluded", "clusters")
    }
    at = run_page("consolidation", demo_url)
    for section in SECTIONS:  # every part of the detail drawn from the shared frames
        open_section(at, section)
    open_section(at, "after")
    at.text_input(key="cons_host_find").input("a").run()
    at.selectbox(key="cons_review").set_value(at.selectbox(key="cons_review").options[-1]).run()
    open_section(at, "placement")
    at.selectbox(key="cons_to_host").set_value(at.selectbox(key="cons_to_host").options[1]).run()
    at.text_input(key="cons_search").input("a").run()
    open_section(at, "freed")
    at.text_input(key="cons_freed_search").input("a").run()
    open_section(at, "unplaced")
    at.text_input(key="cons_unplaced_search").input("a").run()
    assert not at.exception
    assert plans.consolidation_view(demo_url, snapshot, request) is view  # shared, not copied
    for name, before in frames.items():
        pd.testing.assert_frame_equal(getattr(view.frames, name), before)


def test_the_server_imports_its_heavy_modules_without_streamlit() -> None:
    """Imported before Streamlit's runtime exists: none of them may declare a Streamlit cache."""
    code = (
        "import sys; from dashboard.server import HEAVY_MODULES, import_heavy_modules; import_heavy_modules(); "
        "print(all(m in sys.modules for m in HEAVY_MODULES), 'streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.split() == ["True", "False"]


def test_a_server_preloads_by_itself_once(
    demo_url: str, empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from dashboard import data, plans, stored_plans
    from dashboard.server import preload_now

    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", empty_url)
    assert not preload_now()
    assert not (tmp_path / "empty.db").exists()  # a missing database is never created
    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", demo_url)
    assert preload_now()
    for thread in threading.enumerate():
        if thread.name == "dashboard-preload":
            thread.join(timeout=120)
    snapshot = data.snapshot_key(demo_url)
    assert snapshot is not None and stored_plans.preload(demo_url, snapshot) is None  # a first page: nothing again
    assert not preload_now()
    assert plans.estate_inputs(demo_url, snapshot).vms.n_vms > 0
