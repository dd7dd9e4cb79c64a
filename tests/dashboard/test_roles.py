"""Each role's allowed and refused changes, at the dashboard's write functions (``dashboard/plans.py``).

The functions run inside Streamlit (AppTest) with a signed-in ``st.user`` carrying the groups claim,
as the served dashboard has after ``st.login``: the check happens where the write happens, whatever
page called it. Allowed changes land in the audit trail under the user's e-mail; refused ones
change nothing.
"""

import json
from typing import Any

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from inventory import audit_events, list_offers, list_scenarios, make_engine

ROLE_MAPPING = {"g-admin": "admin", "g-dsi": "dsi", "g-fin": "finance", "g-read": "reader"}
ACTIONS = ("scenario", "offer_add", "offer_remove", "assumption", "finance_assumption")

#: role → the actions it may do (the others are refused).
ALLOWED = {
    "reader": set(),
    "dsi": {"scenario", "offer_add", "offer_remove", "assumption"},
    "finance": {"scenario", "finance_assumption"},
    "admin": set(ACTIONS),
}
GROUPS = {"reader": "g-read", "dsi": "g-dsi", "finance": "g-fin", "admin": "g-admin"}


def _writes() -> None:
    """Calls every write function once; writes "action:ok" or "action:refused:<message>" per action."""
    import streamlit as st

    from dashboard import plans
    from dashboard.auth import Forbidden, refusal
    from dashboard.components import require_snapshot
    from inventory.models import HostModel
    from parcimonie.planning import PlanRequest

    ctx = require_snapshot()
    offer = HostModel(
        name="Role test offer", n_sockets=2, n_cores_per_socket=16, cpu_mhz=2600, memory_mib=512 * 1024,
        perf_per_core=1.2, price_eur=12000, install_eur=500, power_idle_w=120, power_max_w=450,
        warranty_years=5, rack_units=1, embodied_kgco2e=1200,
    )  # fmt: skip
    calls = {
        "scenario": lambda: plans.save_plan(ctx.url, ctx.snapshot, name="Role test", request=PlanRequest()),
        "offer_add": lambda: plans.add_offer(ctx.url, offer),
        "offer_remove": lambda: plans.remove_offer(ctx.url, "Role test offer"),
        "assumption": lambda: plans.set_override("pue", 1.7),
        "finance_assumption": lambda: plans.set_override("discount_rate", 0.05),
    }
    for action, call in calls.items():
        try:
            call()
        except Forbidden as err:
            st.text(f"{action}:refused:{refusal(err)}")
        else:
            st.text(f"{action}:ok")


def _run_as(role: str, url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", url)
    monkeypatch.setenv("PARCIMONIE_DASHBOARD_SIGN_IN", "1")
    monkeypatch.setenv("PARCIMONIE_AUTH_ROLES_CLAIM", "groups")
    monkeypatch.setenv("PARCIMONIE_AUTH_ROLES", json.dumps(ROLE_MAPPING))
    at = AppTest.from_function(_writes, default_timeout=120)
    at.user = {"is_logged_in": True, "email": f"{role}@mairie.test", "groups": [GROUPS[role], "unmapped"]}
    at.run()
    assert not at.exception, at.exception
    outcomes = {}
    for element in at.text:
        action, _, outcome = str(element.value).partition(":")
        outcomes[action] = outcome
    return outcomes


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_may_do_its_changes_and_no_other(role: str, demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _run_as(role, demo_url, monkeypatch)
    assert set(outcomes) == set(ACTIONS)
    for action in ACTIONS:
        if action in ALLOWED[role]:
            assert outcomes[action] == "ok", (role, action, outcomes[action])
        else:
            assert outcomes[action].startswith("refused:Action refusée : elle demande le rôle"), (role, action)
    engine = make_engine(demo_url)
    with Session(engine) as session:
        events = [(e.action, e.object) for e in audit_events(session) if e.actor == f"{role}@mairie.test"]
        scenarios = {s.name for s in list_scenarios(session)}
        offers = {o.name for o in list_offers(session)}
    engine.dispose()
    expected: list[tuple[str, str]] = []
    if "scenario" in ALLOWED[role]:
        expected.append(("scenario.saved", "Role test"))
    if "offer_add" in ALLOWED[role]:
        expected += [("offer.added", "Role test offer"), ("offer.removed", "Role test offer")]
    if "assumption" in ALLOWED[role]:
        expected.append(("assumption.changed", "pue"))
    if "finance_assumption" in ALLOWED[role]:
        expected.append(("assumption.changed", "discount_rate"))
    assert sorted(events) == sorted(expected)
    assert ("Role test" in scenarios) == ("scenario" in ALLOWED[role])
    assert "Role test offer" not in offers  # added then removed, or never added


def test_refusal_names_the_roles_that_may(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = _run_as("finance", demo_url, monkeypatch)
    assert outcomes["offer_add"] == (
        "refused:Action refusée : elle demande le rôle administrateur ou DSI (vos rôles : finances)."
    )


def test_not_signed_in_changes_nothing(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", demo_url)
    monkeypatch.setenv("PARCIMONIE_DASHBOARD_SIGN_IN", "1")
    at = AppTest.from_function(_writes, default_timeout=120)
    at.user = {"is_logged_in": False}
    at.run()
    assert all(str(e.value).split(":")[1] == "refused" for e in at.text) and len(at.text) == len(ACTIONS)


def test_without_sign_in_the_local_user_is_admin(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCIMONIE_DATABASE_URL", demo_url)
    monkeypatch.delenv("PARCIMONIE_DASHBOARD_SIGN_IN", raising=False)
    at = AppTest.from_function(_writes, default_timeout=120)
    at.run()
    outcomes: dict[str, Any] = dict(str(e.value).split(":", 1) for e in at.text)
    assert outcomes == dict.fromkeys(ACTIONS, "ok")
