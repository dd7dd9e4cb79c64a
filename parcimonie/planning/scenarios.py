"""Plans saved as scenarios: the one way the CLI and the dashboard save, list and read them back."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from inventory import delete_scenario, get_scenario, list_scenarios, record_event, rename_scenario, save_scenario
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.upgrade import DocumentError, load_document

PLAN_KIND = "plan"


class ScenarioNameError(ValueError):
    """A scenario name that cannot be used: ``reason`` is "empty" or "exists"."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(f"scenario name {name!r}: {reason}")
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class SavedPlan:
    """A saved scenario and its plan document."""

    name: str
    created_at: datetime | None
    updated_at: datetime | None
    snapshot_at: datetime | None
    document: PlanDocument


def _summary(request: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail keeps of a saved plan: its request (assumptions changed, policy, offers)."""
    return {"request": request}


def save_plan(
    session: Session,
    document: PlanDocument,
    *,
    name: str,
    snapshot_at: datetime | None,
    actor: str,
    replace: bool = True,
) -> str:
    """Save ``document`` as scenario ``name`` (stripped), recorded in the audit trail as ``actor``'s.

    Returns the name used. Raises ``ScenarioNameError`` for an empty name, or a name already used
    unless ``replace``.
    """
    clean = name.strip()
    if not clean:
        raise ScenarioNameError("empty", clean)
    existing = get_scenario(session, clean)
    if not replace and existing is not None:
        raise ScenarioNameError("exists", clean)
    before = _summary(dict(existing.parameters)) if existing is not None else None
    after = _summary(document.request.model_dump(mode="json"))
    record_event(session, actor=actor, action="scenario.saved", object=clean, before=before, after=after)
    save_scenario(
        session,
        name=clean,
        kind=PLAN_KIND,
        parameters=document.request.model_dump(mode="json"),
        results=document.model_dump(mode="json"),
        snapshot_at=snapshot_at,
    )
    return clean


def saved_plans(session: Session) -> list[SavedPlan]:
    """Saved plans, most recently updated first; unreadable ones (a newer format) are left out."""
    plans = []
    for s in list_scenarios(session, kind=PLAN_KIND):
        try:
            document = load_document(s.results)
        except DocumentError:
            continue
        plans.append(SavedPlan(s.name, s.created_at, s.updated_at, s.snapshot_at, document))
    return plans


def saved_plan(session: Session, name: str) -> SavedPlan | None:
    """The saved plan ``name``, or None; raises ``DocumentError`` if it cannot be read."""
    s = get_scenario(session, name)
    if s is None:
        return None
    return SavedPlan(s.name, s.created_at, s.updated_at, s.snapshot_at, load_document(s.results))


def scenario_names(session: Session) -> list[str]:
    """Names of every saved scenario."""
    return [s.name for s in list_scenarios(session)]


def rename_plan(session: Session, name: str, new_name: str, *, actor: str) -> bool:
    """Rename the saved scenario ``name``, recorded as ``actor``'s; False when there is none.

    Raises ``ScenarioNameError`` for an empty new name or one already used.
    """
    clean = new_name.strip()
    if not clean:
        raise ScenarioNameError("empty", clean)
    if clean != name and get_scenario(session, clean) is not None:
        raise ScenarioNameError("exists", clean)
    if not rename_scenario(session, name, clean):
        return False
    record_event(
        session, actor=actor, action="scenario.renamed", object=clean, before={"name": name}, after={"name": clean}
    )
    return True


def delete_plan(session: Session, name: str, *, actor: str) -> bool:
    """Delete the saved scenario ``name``, recorded as ``actor``'s (with its request); False when there is none."""
    existing = get_scenario(session, name)
    if existing is None:
        return False
    before = _summary(dict(existing.parameters))
    delete_scenario(session, name)
    record_event(session, actor=actor, action="scenario.deleted", object=name, before=before)
    return True
