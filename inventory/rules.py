"""Placement rules stored by name (``PlacementRule``): replaced per source, read by the planner.

An import (``parcimonie import rules``) or a vCenter's DRS rules replace every rule of their
source in one transaction: nothing half-written. The planner reads them all and resolves names
against the estate it plans (``parcimonie.planning.rules``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from inventory.models import Host, PlacementRule, VirtualMachine, utcnow

__all__ = ["RULE_KINDS", "RuleRow", "known_names", "load_rules", "replace_rules"]

#: The kinds of rule, as stored.
RULE_KINDS = ("anti_affinity", "together", "pin", "stay")


@dataclass(frozen=True)
class RuleRow:
    """One rule as read from a file or a vCenter (names; ``line`` of the file, if any)."""

    kind: str
    group: str | None = None
    vm: str | None = None
    host: str | None = None
    line: int | None = None


def replace_rules(session: Session, source: str, rows: Sequence[RuleRow]) -> int:
    """Replace the rules of ``source`` with ``rows`` (the caller commits); returns the count."""
    bad = sorted({r.kind for r in rows} - set(RULE_KINDS))
    if bad:
        raise ValueError(f"unknown rule kind(s): {', '.join(bad)}")
    session.exec(delete(PlacementRule).where(col(PlacementRule.source) == source))
    now = utcnow()
    session.add_all(
        PlacementRule(
            kind=r.kind, group_name=r.group, vm_name=r.vm, host_name=r.host, source=source, line=r.line, recorded_at=now
        )
        for r in rows
    )
    session.flush()
    return len(rows)


def load_rules(session: Session) -> list[RuleRow]:
    """Every stored rule, in source then insertion order."""
    found = session.exec(select(PlacementRule).order_by(col(PlacementRule.source), col(PlacementRule.id))).all()
    return [RuleRow(kind=p.kind, group=p.group_name, vm=p.vm_name, host=p.host_name, line=p.line) for p in found]


def known_names(session: Session) -> tuple[set[str], set[str]]:
    """Names of the VMs and of the hosts present in the inventory (not missing)."""
    vms = session.exec(select(VirtualMachine.name).where(col(VirtualMachine.missing_since).is_(None))).all()
    hosts = session.exec(select(Host.name).where(col(Host.missing_since).is_(None))).all()
    return set(vms), set(hosts)
