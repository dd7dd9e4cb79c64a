"""Capacity history: one compact row per successful run and cluster, plus the whole estate.

``record_capacity`` is called by ``record_run`` in the transaction that writes the snapshot, so the
history holds the inventory as it stood after each successful run of any source (vSphere, RVTools,
CSV, demo). ``capacity_history`` reads it back, oldest first.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from inventory.enums import LifecycleStatus
from inventory.limits import LIMITS
from inventory.models import CapacityHistory, Cluster, Host, VirtualMachine

__all__ = ["HostTotals", "VmTotals", "capacity_history", "record_capacity"]


def _ok(column: Any, field: str) -> Any:
    """``column`` where it lies within ``inventory.limits`` (NaN and infinities do not), else 0."""
    limit = LIMITS[field]
    return case((col(column).between(limit.min, limit.max), column), else_=0)


def _sum(expression: Any) -> Any:
    return func.coalesce(func.sum(expression), 0)


@dataclass(frozen=True)
class HostTotals:
    """Capacity of a group of present hosts."""

    n_hosts: int = 0
    n_cores: int = 0
    cpu_capacity_mhz: float = 0.0
    memory_mib: float = 0.0
    max_host_cpu_mhz: float = 0.0
    max_host_memory_mib: float = 0.0


@dataclass(frozen=True)
class VmTotals:
    """Allocation and demand of a group of present VMs (templates excluded)."""

    n_vms: int = 0
    n_vcpus: int = 0
    memory_allocated_mib: float = 0.0
    cpu_p95_mhz: float = 0.0
    memory_p95_mib: float = 0.0
    storage_used_gib: float = 0.0


def _host_totals(session: Session) -> dict[int | None, HostTotals]:
    """Host totals per cluster id; key None is the whole estate (clustered or not)."""
    cores = _ok(Host.n_sockets, "n_sockets") * _ok(Host.n_cores_per_socket, "n_cores_per_socket")
    mhz = cores * _ok(Host.cpu_mhz, "cpu_mhz")
    memory = _ok(Host.memory_mib, "memory_mib")
    columns = (
        func.count(),
        _sum(cores),
        _sum(mhz),
        _sum(memory),
        func.coalesce(func.max(mhz), 0),
        func.coalesce(func.max(memory), 0),
    )
    present = (col(Host.missing_since).is_(None), col(Host.status) != LifecycleStatus.RETIRED)
    totals: dict[int | None, HostTotals] = {}
    grouped = select(col(Host.cluster_id), *columns).where(*present, col(Host.cluster_id).is_not(None))
    for cluster_id, *values in session.execute(grouped.group_by(col(Host.cluster_id))).all():
        totals[cluster_id] = _hosts(values)
    totals[None] = _hosts(list(session.execute(select(*columns).where(*present)).one()))
    return totals


def _hosts(values: list[Any]) -> HostTotals:
    n, cores, mhz, memory, max_mhz, max_memory = values
    return HostTotals(int(n), int(cores), float(mhz), float(memory), float(max_mhz), float(max_memory))


def _vm_totals(session: Session) -> dict[int | None, VmTotals]:
    """VM totals per cluster id; key None is the whole estate."""
    columns = (
        func.count(),
        _sum(_ok(VirtualMachine.n_vcpus, "n_vcpus")),
        _sum(_ok(VirtualMachine.memory_mib, "memory_mib")),
        _sum(_ok(VirtualMachine.cpu_usage_p95_mhz, "cpu_usage_p95_mhz")),
        _sum(_ok(VirtualMachine.memory_usage_p95_mib, "memory_usage_p95_mib")),
        _sum(_ok(VirtualMachine.storage_used_gib, "storage_used_gib")),
    )
    present = (col(VirtualMachine.missing_since).is_(None), col(VirtualMachine.is_template).is_(False))
    totals: dict[int | None, VmTotals] = {}
    grouped = select(col(VirtualMachine.cluster_id), *columns).where(
        *present, col(VirtualMachine.cluster_id).is_not(None)
    )
    for cluster_id, *values in session.execute(grouped.group_by(col(VirtualMachine.cluster_id))).all():
        totals[cluster_id] = _vms(values)
    totals[None] = _vms(list(session.execute(select(*columns).where(*present)).one()))
    return totals


def _vms(values: list[Any]) -> VmTotals:
    n, vcpus, memory, cpu_p95, memory_p95, storage = values
    return VmTotals(int(n), int(vcpus), float(memory), float(cpu_p95), float(memory_p95), float(storage))


def record_capacity(session: Session, *, run_id: int, source: str, as_of: date) -> int:
    """Add the history rows of run ``run_id`` from the inventory as it stands; how many were added."""
    session.flush()
    hosts, vms = _host_totals(session), _vm_totals(session)
    clusters = session.execute(
        select(col(Cluster.id), col(Cluster.name)).where(col(Cluster.missing_since).is_(None)).order_by(col(Cluster.id))
    ).all()
    groups: list[tuple[int | None, str | None]] = [(None, None), *((cid, name) for cid, name in clusters)]
    for cluster_id, name in groups:
        h, v = hosts.get(cluster_id, HostTotals()), vms.get(cluster_id, VmTotals())
        session.add(
            CapacityHistory(
                run_id=run_id,
                as_of=as_of,
                source=source,
                cluster=name,
                n_hosts=h.n_hosts,
                n_cores=h.n_cores,
                cpu_capacity_mhz=h.cpu_capacity_mhz,
                memory_mib=h.memory_mib,
                max_host_cpu_mhz=h.max_host_cpu_mhz,
                max_host_memory_mib=h.max_host_memory_mib,
                n_vms=v.n_vms,
                n_vcpus=v.n_vcpus,
                memory_allocated_mib=v.memory_allocated_mib,
                cpu_p95_mhz=v.cpu_p95_mhz,
                memory_p95_mib=v.memory_p95_mib,
                storage_used_gib=v.storage_used_gib,
            )
        )
    session.flush()
    return len(groups)


def capacity_history(session: Session) -> list[CapacityHistory]:
    """Every history row, oldest first (by day, then run), detached from the session."""
    statement = select(CapacityHistory).order_by(
        col(CapacityHistory.as_of), col(CapacityHistory.run_id), col(CapacityHistory.id)
    )
    rows = list(session.scalars(statement))
    for row in rows:
        session.expunge(row)
    return rows
