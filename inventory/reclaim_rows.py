"""What reclamation reads beyond the plan's rows: how long each present VM has been powered off."""

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from inventory.models import VirtualMachine


def powered_off_spans(session: Session) -> dict[int, tuple[datetime, datetime]]:
    """Present VMs known to be powered off: id → (first seen off, last seen), the span observed off."""
    statement = select(
        col(VirtualMachine.id), col(VirtualMachine.powered_off_since), col(VirtualMachine.last_seen_at)
    ).where(
        col(VirtualMachine.missing_since).is_(None),
        col(VirtualMachine.powered_off_since).is_not(None),
        col(VirtualMachine.last_seen_at).is_not(None),
    )
    return {row_id: (since, seen) for row_id, since, seen in session.execute(statement)}
