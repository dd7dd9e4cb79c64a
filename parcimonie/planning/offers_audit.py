"""Offers added to or removed from the catalogue, recorded in the audit trail (CLI and dashboard alike)."""

from sqlmodel import Session

from inventory import list_offers, record_event
from inventory.models import HostModel


def record_offer_added(session: Session, row: HostModel, *, actor: str) -> None:
    """Record that ``actor`` added the offer ``row`` (as stored), with its figures."""
    after = row.model_dump(mode="json", exclude={"id"})
    record_event(session, actor=actor, action="offer.added", object=row.name, after=after)


def record_offer_removed(session: Session, name: str, *, actor: str) -> None:
    """Record that ``actor`` removes the offer ``name`` (its figures as ``before``); nothing when absent.

    Called before the removal, in the same transaction.
    """
    for offer in list_offers(session):
        if offer.name == name.strip():
            before = offer.model_dump(mode="json", exclude={"id"})
            record_event(session, actor=actor, action="offer.removed", object=offer.name, before=before)
