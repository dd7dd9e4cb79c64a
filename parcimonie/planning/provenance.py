"""Who prepared a plan, when, and which assumptions they changed: the line of the workbook and the note.

"Établi par …, le …, hypothèses modifiées : …". For a saved scenario, the author is whoever saved it
last (the audit trail's latest "scenario.saved" event); for a plan made on the spot, the user making
it. The changed assumptions are the plan request's overrides, labelled and formatted like the rest.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from inventory import latest_event
from parcimonie.formatting import format_date
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import label, text, value_text


@dataclass(frozen=True)
class Provenance:
    """Who prepared a plan, when, and the assumptions changed from their defaults (name → value)."""

    author: str
    at: datetime
    changed: tuple[tuple[str, Any], ...] = ()


def provenance_of(document: PlanDocument, *, author: str, at: datetime) -> Provenance:
    """The provenance of ``document`` prepared by ``author`` at ``at`` (its request's overrides)."""
    return Provenance(author=author, at=at, changed=tuple(sorted(document.request.overrides.items())))


def scenario_provenance(session: Session, name: str, document: PlanDocument) -> Provenance | None:
    """Who saved the scenario ``name`` last and when (audit trail), or None when it was saved before the trail."""
    event = latest_event(session, action="scenario.saved", object=name)
    return None if event is None else provenance_of(document, author=event.actor, at=event.at)


def changed_text(provenance: Provenance, language: str = "fr") -> str:
    """The changed assumptions, "label value" separated by semicolons, or "aucune"."""
    parts = [
        f"{label('assumption', name, language)} {value_text(value, language)}" for name, value in provenance.changed
    ]
    return " ; ".join(parts) if parts else text("provenance.none", language)


def provenance_line(provenance: Provenance, language: str = "fr") -> str:
    """ "Établi par …, le …, hypothèses modifiées : …" in ``language``."""
    when = format_date(provenance.at, language=language, with_time=True)
    changed = changed_text(provenance, language)
    return text("provenance.line", language, author=provenance.author, when=when, changed=changed)
