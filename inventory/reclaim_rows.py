"""What reclamation reads beyond the plan's rows: how long present VMs have been off, and the VMs
missing from their source (never in a plan, listed as zombies to clean up)."""

from datetime import timedelta
from typing import Any

from sqlalchemy import Row, select
from sqlmodel import Session, col

from inventory.columns import core_table, fetch_columns
from inventory.models import VirtualMachine
from inventory.types import plain_timestamp, spans


def powered_off_spans(session: Session) -> dict[int, timedelta]:
    """Present VMs known to be powered off: id → span observed off (last seen - first seen off)."""
    vm = core_table(VirtualMachine).c
    statement = select(
        vm.id, plain_timestamp(vm.powered_off_since).label("since"), plain_timestamp(vm.last_seen_at).label("seen")
    ).where(vm.missing_since.is_(None), vm.powered_off_since.is_not(None), vm.last_seen_at.is_not(None))
    columns = fetch_columns(session, statement)
    return dict(zip(columns["id"], spans(columns["since"], columns["seen"]), strict=True))


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
