"""Saving, renaming and deleting a scenario: each recorded with its before and after, names checked."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import audit_events, ensure_default_catalogue, get_scenario, record_run, session_scope
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.provenance import provenance_line, scenario_provenance
from parcimonie.planning.scenarios import ScenarioNameError, delete_plan, rename_plan, save_plan
from tests.conftest import TODAY


@pytest.fixture
def document(sqlite_engine: Engine) -> PlanDocument:
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=60, today=TODAY))
    with Session(sqlite_engine) as session:
        request = PlanRequest(method="heuristic", overrides={"pue": 1.7})
        return run_plan(load_estate(session), request, today=TODAY).document()


def test_save_rename_delete_are_recorded(sqlite_engine: Engine, document: PlanDocument) -> None:
    with session_scope(sqlite_engine) as session:
        save_plan(session, document, name=" Plan A ", snapshot_at=None, actor="ada")
        save_plan(session, document, name="Plan A", snapshot_at=None, actor="bob")  # replaced
        save_plan(session, document, name="Plan B", snapshot_at=None, actor="ada")
    with session_scope(sqlite_engine) as session, pytest.raises(ScenarioNameError) as taken:
        rename_plan(session, "Plan A", "Plan B", actor="ada")
    assert taken.value.reason == "exists"
    with session_scope(sqlite_engine) as session:
        with pytest.raises(ScenarioNameError):
            rename_plan(session, "Plan A", "  ", actor="ada")
        assert rename_plan(session, "Plan A", "Plan C", actor="ada")
        assert not rename_plan(session, "absent", "Plan D", actor="ada")
        assert delete_plan(session, "Plan B", actor="fanny")
        assert not delete_plan(session, "Plan B", actor="fanny")
    with Session(sqlite_engine) as session:
        events = list(reversed(audit_events(session)))
        assert get_scenario(session, "Plan C") is not None and get_scenario(session, "Plan A") is None
        provenance = scenario_provenance(session, "Plan A", document)
    assert [(e.action, e.object, e.actor) for e in events] == [
        ("scenario.saved", "Plan A", "ada"),
        ("scenario.saved", "Plan A", "bob"),
        ("scenario.saved", "Plan B", "ada"),
        ("scenario.renamed", "Plan C", "ada"),
        ("scenario.deleted", "Plan B", "fanny"),
    ]
    first, replaced = events[0], events[1]
    assert first.before is None and first.after is not None
    assert first.after["request"]["overrides"] == {"pue": 1.7}
    assert replaced.before == first.after  # the replaced scenario's request
    assert events[3].before == {"name": "Plan A"} and events[3].after == {"name": "Plan C"}
    assert events[4].before is not None and events[4].after is None
    assert provenance is not None and provenance.author == "bob"
    line = provenance_line(provenance)
    assert line.startswith("Établi par bob, le ") and line.endswith("hypothèses modifiées : PUE de la salle 1,7.")
    assert provenance_line(provenance, "en").startswith("Prepared by bob on ")
