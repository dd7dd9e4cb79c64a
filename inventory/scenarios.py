"""Saved scenarios: parameters and results of a plan, as JSON, so several can be compared."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from inventory.models import Scenario, utcnow


def save_scenario(
    session: Session,
    *,
    name: str,
    kind: str,
    parameters: dict[str, Any],
    results: dict[str, Any],
    snapshot_at: datetime | None = None,
) -> Scenario:
    """Create the scenario ``name`` or replace its parameters and results."""
    if not name.strip():
        raise ValueError("a scenario needs a name")
    now = utcnow()
    scenario = session.scalars(select(Scenario).where(col(Scenario.name) == name)).one_or_none()
    if scenario is None:
        scenario = Scenario(name=name, kind=kind, created_at=now, updated_at=now)
    scenario.kind = kind
    scenario.parameters = parameters
    scenario.results = results
    scenario.snapshot_at = snapshot_at
    scenario.updated_at = now
    session.add(scenario)
    session.flush()
    return scenario


def list_scenarios(session: Session, *, kind: str | None = None) -> list[Scenario]:
    """Saved scenarios, most recently updated first."""
    statement = select(Scenario).order_by(col(Scenario.updated_at).desc())
    if kind is not None:
        statement = statement.where(col(Scenario.kind) == kind)
    return list(session.scalars(statement))


def get_scenario(session: Session, name: str) -> Scenario | None:
    """The scenario called ``name``, if any."""
    return session.scalars(select(Scenario).where(col(Scenario.name) == name)).one_or_none()


def delete_scenario(session: Session, name: str) -> bool:
    """Delete the scenario ``name``; True if it existed."""
    scenario = get_scenario(session, name)
    if scenario is None:
        return False
    session.delete(scenario)
    return True


def rename_scenario(session: Session, name: str, new_name: str) -> bool:
    """Rename the scenario ``name`` to ``new_name`` (stripped); False if there is no ``name``.

    Raises ``ValueError`` for an empty new name or one another scenario already uses.
    """
    clean = new_name.strip()
    if not clean:
        raise ValueError("a scenario needs a name")
    scenario = get_scenario(session, name)
    if scenario is None:
        return False
    if clean != name and get_scenario(session, clean) is not None:
        raise ValueError(f"a scenario is already called {clean!r}")
    scenario.name = clean
    scenario.updated_at = utcnow()
    session.add(scenario)
    session.flush()
    return True
