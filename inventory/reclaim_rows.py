"""What reclamation reads beyond the plan's rows: how long present VMs have been off, and the VMs
missing from their source (never in a plan, listed as zombies to clean up)."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
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


def missing_vm_rows(session: Session) -> list[Row[Any]]:
    """VMs their source no longer reports, with their allocation: id, name, vCPUs, memory, guest OS."""
    columns = [
        VirtualMachine.id,
        VirtualMachine.name,
        VirtualMachine.n_vcpus,
        VirtualMachine.memory_mib,
        VirtualMachine.guest_os,
    ]
    statement = (
        select(*[col(c) for c in columns])
        .where(col(VirtualMachine.missing_since).is_not(None), col(VirtualMachine.is_template).is_(False))
        .order_by(col(VirtualMachine.id))
    )
    return list(session.execute(statement).all())


def memory_signal_rows(session: Session) -> dict[int, tuple[float | None, float | None, float | None]]:
    """Present VMs with a memory signal: id → (active, ballooned, swapped MiB), None where unknown."""
    statement = select(
        col(VirtualMachine.id),
        col(VirtualMachine.memory_active_mib),
        col(VirtualMachine.memory_ballooned_mib),
        col(VirtualMachine.memory_swapped_mib),
    ).where(
        col(VirtualMachine.missing_since).is_(None),
        col(VirtualMachine.memory_active_mib).is_not(None)
        | col(VirtualMachine.memory_ballooned_mib).is_not(None)
        | col(VirtualMachine.memory_swapped_mib).is_not(None),
    )
    return {row_id: (active, ballooned, swapped) for row_id, active, ballooned, swapped in session.execute(statement)}
