"""The rows a plan is computed from: present hosts and VMs, and the latest successful collection.

Columns of plain values, read in one query each (``columns.fetch_columns``); the planning service
turns them into optimizer tables.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from inventory.columns import core_table, fetch_columns
from inventory.enums import LifecycleStatus, RunStatus
from inventory.models import Cluster, CollectionRun, Host, VirtualMachine
from inventory.types import plain_timestamp, spans

#: What a plan reads of each present host.
HOST_COLUMNS = (
    "id", "name", "cluster_id", "n_sockets", "n_cores_per_socket", "cpu_mhz", "memory_mib", "perf_per_core",
    "power_idle_w", "power_max_w", "purchase_date", "purchase_price_eur", "warranty_end",
    "support_cost_eur_per_year", "rack_units", "cpu_usage_mean_mhz", "cpu_usage_p95_mhz",
    "memory_usage_p95_mib", "hypervisor_version", "usage_source",
)  # fmt: skip
#: What a plan reads of each present VM, beside its usage window.
VM_COLUMNS = (
    "id", "name", "host_id", "cluster_id", "n_vcpus", "memory_mib", "cpu_usage_p95_mhz",
    "memory_usage_p95_mib", "power_state", "is_template", "guest_os", "usage_source",
)  # fmt: skip


def latest_success(session: Session) -> tuple[int | None, datetime | None]:
    """Id and end of the latest successful collection run (None, None before any)."""
    row = session.execute(
        select(func.max(CollectionRun.id), func.max(CollectionRun.finished_at)).where(
            col(CollectionRun.status) == RunStatus.SUCCEEDED
        )
    ).one()
    return row[0], row[1]


def present_host_columns(session: Session) -> dict[str, list[Any]]:
    """Hosts still reported and not retired, by id, as columns: sizes, lifecycle, costs, usage, hypervisor."""
    host = core_table(Host).c
    statement = (
        select(*(host[name] for name in HOST_COLUMNS))
        .where(host.missing_since.is_(None), host.status != LifecycleStatus.RETIRED)
        .order_by(host.id)
    )
    return fetch_columns(session, statement)


def present_vm_columns(session: Session) -> dict[str, list[Any]]:
    """VMs still reported, by id, as columns: sizes, usage with its source, power state, template flag,
    guest OS, and ``usage_span``, the window of the usage figures (``timedelta``, None unknown)."""
    vm = core_table(VirtualMachine).c
    statement = (
        select(
            *(vm[name] for name in VM_COLUMNS),
            plain_timestamp(vm.usage_period_start).label("usage_period_start"),
            plain_timestamp(vm.usage_period_end).label("usage_period_end"),
        )
        .where(vm.missing_since.is_(None))
        .order_by(vm.id)
    )
    columns = fetch_columns(session, statement)
    columns["usage_span"] = spans(columns.pop("usage_period_start"), columns.pop("usage_period_end"))
    return columns


def cluster_names(session: Session, ids: list[int]) -> dict[int, str]:
    """Cluster id -> name, for the clusters of `ids` (a plan names its clusters, not their indices)."""
    if not ids:
        return {}
    rows = session.execute(select(col(Cluster.id), col(Cluster.name)).where(col(Cluster.id).in_(ids)))
    return {int(i): str(n) for i, n in rows}
