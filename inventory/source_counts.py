"""What one source currently holds: its present hosts and VMs (to refuse an import that would
mark most of them missing)."""

from sqlalchemy import select
from sqlmodel import Session, col

from inventory.models import Host, VirtualMachine


def present_external_ids(session: Session, source: str) -> tuple[set[str], set[str]]:
    """External ids of the source's present (not missing) hosts and VMs: ``(hosts, vms)``."""
    hosts = session.scalars(
        select(col(Host.external_id)).where(col(Host.source) == source, col(Host.missing_since).is_(None))
    ).all()
    vms = session.scalars(
        select(col(VirtualMachine.external_id)).where(
            col(VirtualMachine.source) == source, col(VirtualMachine.missing_since).is_(None)
        )
    ).all()
    return set(hosts), set(vms)


def count_present(session: Session, source: str) -> tuple[int, int]:
    """How many hosts and VMs of the source are present (not missing): ``(hosts, vms)``."""
    hosts, vms = present_external_ids(session, source)
    return len(hosts), len(vms)
