"""Plans saved as scenarios: the one way the CLI and the dashboard save, list and read them back."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from inventory import get_scenario, list_scenarios, save_scenario
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


def save_plan(
    session: Session, document: PlanDocument, *, name: str, snapshot_at: datetime | None, replace: bool = True
) -> str:
    """Save ``document`` as scenario ``name`` (stripped); returns the name used.

    Raises ``ScenarioNameError`` for an empty name, or a name already used unless ``replace``.
    """
    clean = name.strip()
    if not clean:
        raise ScenarioNameError("empty", clean)
    if not replace and get_scenario(session, clean) is not None:
        raise ScenarioNameError("exists", clean)
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
