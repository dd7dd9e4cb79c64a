"""The rows a plan is computed from: present hosts and VMs, and the latest successful collection.

Plain rows, read in one query each; the planning service turns them into optimizer tables.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlmodel import Session, col

from inventory.enums import LifecycleStatus, RunStatus
from inventory.models import Cluster, CollectionRun, Host, VirtualMachine


def latest_success(session: Session) -> tuple[int | None, datetime | None]:
    """Id and end of the latest successful collection run (None, None before any)."""
    row = session.execute(
        select(func.max(CollectionRun.id), func.max(CollectionRun.finished_at)).where(
            col(CollectionRun.status) == RunStatus.SUCCEEDED
        )
    ).one()
    return row[0], row[1]


def present_host_rows(session: Session) -> list[Row[Any]]:
    """Hosts still reported and not retired, by id: sizes, lifecycle, costs, usage, hypervisor."""
    columns = [
        Host.id,
        Host.name,
        Host.cluster_id,
        Host.n_sockets,
        Host.n_cores_per_socket,
        Host.cpu_mhz,
        Host.memory_mib,
        Host.perf_per_core,
        Host.power_idle_w,
        Host.power_max_w,
        Host.purchase_date,
        Host.purchase_price_eur,
        Host.warranty_end,
        Host.support_cost_eur_per_year,
        Host.rack_units,
        Host.cpu_usage_mean_mhz,
        Host.cpu_usage_p95_mhz,
        Host.memory_usage_p95_mib,
        Host.external_id,
        Host.hypervisor_version,
        Host.usage_source,
    ]
    statement = (
        select(*[col(c) for c in columns])
        .where(col(Host.missing_since).is_(None), col(Host.status) != LifecycleStatus.RETIRED)
        .order_by(col(Host.id))
    )
    return list(session.execute(statement).all())


def host_ids_carrying_vms(session: Session) -> set[int]:
    """Ids of the hosts at least one present VM runs on."""
    statement = select(col(VirtualMachine.host_id)).where(col(VirtualMachine.missing_since).is_(None)).distinct()
    return {host_id for host_id in session.scalars(statement) if host_id is not None}


def present_vm_rows(session: Session) -> list[Row[Any]]:
    """VMs still reported, by id: sizes, usage with its source and window, power state, template flag, guest OS."""
    columns = [
        VirtualMachine.id,
        VirtualMachine.name,
        VirtualMachine.host_id,
        VirtualMachine.cluster_id,
        VirtualMachine.n_vcpus,
        VirtualMachine.memory_mib,
        VirtualMachine.cpu_usage_p95_mhz,
        VirtualMachine.memory_usage_p95_mib,
        VirtualMachine.power_state,
        VirtualMachine.is_template,
        VirtualMachine.guest_os,
        VirtualMachine.usage_source,
        VirtualMachine.usage_period_start,
        VirtualMachine.usage_period_end,
    ]
    statement = (
        select(*[col(c) for c in columns])
        .where(col(VirtualMachine.missing_since).is_(None))
        .order_by(col(VirtualMachine.id))
    )
    return list(session.execute(statement).all())


def cluster_names(session: Session, ids: list[int]) -> dict[int, str]:
    """Cluster id -> name, for the clusters of `ids` (a plan names its clusters, not their indices)."""
    if not ids:
        return {}
    rows = session.execute(select(col(Cluster.id), col(Cluster.name)).where(col(Cluster.id).in_(ids)))
    return {int(i): str(n) for i, n in rows}
