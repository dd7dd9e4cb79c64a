"""Read-only views of the inventory for people: hosts and VMs with their names, runs, versions.

Every function takes the ``Session`` keyword-only and returns plain data (pandas frames, tuples):
the dashboard caches them and holds no SQL. Present rows only: not missing, hosts not retired.
pandas is imported by the functions that build frames, so importing the inventory stays light.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import UnaryExpression, func, select
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session, col

from inventory.columns import core_table, fetch_columns
from inventory.enums import LifecycleStatus, RunStatus
from inventory.frames import columns_frame, query_frame
from inventory.models import Cluster, CollectionRun, Host, Scenario, Site, VirtualMachine
from inventory.runs import recent_runs

if TYPE_CHECKING:
    import pandas as pd

VM_COLUMNS = (
    "id", "name", "host_id", "cluster_id", "host", "cluster", "power_state", "is_template",
    "guest_os", "n_vcpus", "memory_mib", "storage_gib", "cpu_p95_mhz", "memory_p95_mib",
)  # fmt: skip
RUN_COLUMNS = (
    "id", "source", "kind", "status", "started_at", "finished_at", "duration_s", "n_hosts",
    "n_vms", "n_clusters", "n_created", "n_updated", "n_marked_missing", "error",
)  # fmt: skip
CLUSTER_COLUMNS = (
    "cluster", "n_hosts", "n_vms", "n_cores", "n_vcpus", "cpu_utilisation", "memory_utilisation",
)  # fmt: skip


@dataclass(frozen=True)
class LatestRun:
    """The latest successful collection run and the number of runs: what identifies the content."""

    run_id: int
    finished_at: datetime | None
    n_runs: int


HOST_COLUMNS = (
    "id", "name", "cluster", "site", "vendor", "model", "cpu_model", "n_sockets", "n_cores_per_socket",
    "cpu_mhz", "memory_mib", "power_state", "status", "purchase_date", "purchase_price_eur", "warranty_end",
    "support_eur_per_year", "host_cpu_p95_mhz", "host_memory_p95_mib", "hypervisor",
)  # fmt: skip


def latest_run(session: Session) -> LatestRun | None:
    """The latest successful run, or None when the inventory was never loaded."""
    row = session.execute(
        select(col(CollectionRun.id), col(CollectionRun.finished_at))
        .where(col(CollectionRun.status) == RunStatus.SUCCEEDED)
        .order_by(col(CollectionRun.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    n_runs = session.scalar(select(func.count()).select_from(CollectionRun)) or 0
    return LatestRun(run_id=row[0], finished_at=row[1], n_runs=n_runs)


def runs_version(session: Session) -> tuple[int, int]:
    """(latest run id, number of runs), whatever their status: changes with every run."""
    row = session.execute(select(func.max(col(CollectionRun.id)), func.count(col(CollectionRun.id)))).one()
    return (row[0] or 0, row[1] or 0)


def scenarios_version(session: Session) -> tuple[int, datetime | None]:
    """(number of saved scenarios, latest update): changes whenever a scenario is saved."""
    row = session.execute(select(func.count(col(Scenario.id)), func.max(col(Scenario.updated_at)))).one()
    return (int(row[0]), row[1])


def vm_frame(session: Session) -> "pd.DataFrame":
    """Present VMs, one row each (by name), with their host and cluster names; memory also in GiB."""

    vm = core_table(VirtualMachine).c
    statement = (
        select(
            vm.id, vm.name, vm.host_id, vm.cluster_id, vm.power_state, vm.is_template, vm.guest_os, vm.n_vcpus,
            vm.memory_mib, vm.storage_provisioned_gib.label("storage_gib"), vm.cpu_usage_p95_mhz.label("cpu_p95_mhz"),
            vm.memory_usage_p95_mib.label("memory_p95_mib"),
        )
        .where(vm.missing_since.is_(None))
        .order_by(vm.name)
    )  # fmt: skip
    columns = fetch_columns(session, statement)
    # Names looked up here rather than joined: SQLite sorts the 50 000 rows faster without them.
    for name, model, key in (("host", Host, "host_id"), ("cluster", Cluster, "cluster_id")):
        names = _names(session, model)
        columns[name] = [names.get(row_id) for row_id in columns[key]]
    frame = columns_frame(columns, VM_COLUMNS)
    frame["power_state"] = frame["power_state"].astype(str)
    frame["is_template"] = frame["is_template"].astype(bool)
    frame["memory_gib"] = frame["memory_mib"].astype(float) / 1024
    frame["memory_p95_gib"] = frame["memory_p95_mib"].astype(float) / 1024
    return frame


def _names(session: Session, model: type[Host] | type[Cluster]) -> dict[int, str]:
    """Id → name of every row of the hosts or clusters table (present or not, as a join would)."""
    table = core_table(model).c
    columns = fetch_columns(session, select(table.id, table.name))
    return dict(zip(columns["id"], columns["name"], strict=True))


def _vm_load_per_host(session: Session) -> "pd.DataFrame":
    """Per host: VMs (templates excluded), their vCPUs and summed P95 demand (None when unknown)."""

    vm = core_table(VirtualMachine).c
    # `+host_id` is host_id, but SQLite no longer walks its index: a row lookup per VM took twice as long
    # as reading the table through.
    host_id = UnaryExpression(vm.host_id, operator=custom_op("+"), type_=vm.host_id.type)
    statement = (
        select(
            host_id.label("id"),
            func.count(vm.id).label("n_vms"),
            func.sum(vm.cpu_usage_p95_mhz).label("vm_cpu_p95_mhz"),
            func.sum(vm.memory_usage_p95_mib).label("vm_memory_p95_mib"),
            func.sum(vm.n_vcpus).label("n_vcpus"),
        )
        .where(vm.missing_since.is_(None), vm.is_template.is_(False), host_id.is_not(None))
        .group_by(host_id)
    )
    frame = query_frame(session, statement, ("id", "n_vms", "vm_cpu_p95_mhz", "vm_memory_p95_mib", "n_vcpus"))
    return frame.astype(
        {
            "id": "int64",
            "n_vms": "float64",
            "vm_cpu_p95_mhz": "float64",
            "vm_memory_p95_mib": "float64",
            "n_vcpus": "float64",
        }
    )


def host_frame(session: Session, *, today: date) -> "pd.DataFrame":
    """Present hosts, one row each (by name), with age, warranty, VM counts and utilisation.

    Utilisation is the host's own P95 when collected, else the sum of its VMs' P95 demand over its
    capacity (cores × MHz; memory in MiB): a descriptive figure, not a sizing. NaN when neither is
    known (no host P95 and no VM with a P95): unknown, never 0.
    """
    import pandas as pd

    host, cluster, site = core_table(Host), core_table(Cluster), core_table(Site)
    statement = (
        select(
            host.c.id, host.c.name, cluster.c.name.label("cluster"), site.c.name.label("site"),
            host.c.vendor, host.c.model, host.c.cpu_model, host.c.n_sockets, host.c.n_cores_per_socket,
            host.c.cpu_mhz, host.c.memory_mib, host.c.power_state, host.c.status, host.c.purchase_date,
            host.c.purchase_price_eur, host.c.warranty_end,
            host.c.support_cost_eur_per_year.label("support_eur_per_year"),
            host.c.cpu_usage_p95_mhz.label("host_cpu_p95_mhz"),
            host.c.memory_usage_p95_mib.label("host_memory_p95_mib"),
            host.c.hypervisor_version.label("hypervisor"),
        )
        .select_from(
            host.outerjoin(cluster, host.c.cluster_id == cluster.c.id).outerjoin(site, host.c.site_id == site.c.id)
        )
        .where(host.c.missing_since.is_(None), host.c.status != LifecycleStatus.RETIRED)
        .order_by(host.c.name)
    )  # fmt: skip
    frame = query_frame(session, statement, HOST_COLUMNS)
    frame["power_state"] = frame["power_state"].astype(str)
    frame["status"] = frame["status"].astype(str)
    frame["n_cores"] = (frame["n_sockets"].fillna(0) * frame["n_cores_per_socket"].fillna(0)).astype(int)
    frame["memory_gib"] = frame["memory_mib"].astype(float) / 1024
    purchase = pd.to_datetime(frame["purchase_date"])
    frame["age_years"] = (pd.Timestamp(today) - purchase).dt.days / 365.25
    frame["purchase_year"] = purchase.dt.year
    warranty = pd.to_datetime(frame["warranty_end"])
    frame["out_of_warranty"] = (warranty < pd.Timestamp(today)).astype(float).where(warranty.notna())
    frame = frame.merge(_vm_load_per_host(session), how="left", on="id")
    frame["n_vms"] = frame["n_vms"].fillna(0).astype(int)
    frame["n_vcpus"] = frame["n_vcpus"].fillna(0).astype(int)
    capacity_mhz = frame["n_cores"] * frame["cpu_mhz"].astype(float)
    # Unknown stays unknown (NaN, shown "—"): a host without its own P95 nor VMs' P95 is not at 0 %.
    cpu_used = frame["host_cpu_p95_mhz"].astype(float).fillna(frame["vm_cpu_p95_mhz"].astype(float))
    memory_used = frame["host_memory_p95_mib"].astype(float).fillna(frame["vm_memory_p95_mib"].astype(float))
    frame["cpu_utilisation"] = (cpu_used / capacity_mhz.where(capacity_mhz > 0)).astype(float)
    frame["memory_utilisation"] = (memory_used / frame["memory_mib"].astype(float)).astype(float)
    return frame


def cluster_frame(hosts: "pd.DataFrame") -> "pd.DataFrame":
    """Per-cluster totals of ``host_frame``'s rows: hosts, VMs, cores, vCPUs, CPU/memory utilisation."""
    import pandas as pd

    if hosts.empty:
        return pd.DataFrame(columns=list(CLUSTER_COLUMNS))
    # Utilisation over the hosts whose usage is known: unknown hosts add neither use nor capacity.
    capacity_mhz = hosts["n_cores"] * hosts["cpu_mhz"].astype(float)
    memory_mib = hosts["memory_mib"].astype(float)
    frame = hosts.assign(
        cluster=hosts["cluster"].fillna("—"),
        capacity_mhz=capacity_mhz.where(hosts["cpu_utilisation"].notna(), 0.0),
        cpu_used=(hosts["cpu_utilisation"] * capacity_mhz).fillna(0.0),
        memory_used=(hosts["memory_utilisation"] * memory_mib).fillna(0.0),
        memory_mib=memory_mib.where(hosts["memory_utilisation"].notna(), 0.0),
    )
    grouped = (
        frame.groupby("cluster")
        .agg(
            n_hosts=("id", "size"),
            n_vms=("n_vms", "sum"),
            n_cores=("n_cores", "sum"),
            n_vcpus=("n_vcpus", "sum"),
            capacity_mhz=("capacity_mhz", "sum"),
            cpu_used=("cpu_used", "sum"),
            memory_mib=("memory_mib", "sum"),
            memory_used=("memory_used", "sum"),
        )
        .reset_index()
    )
    grouped["cpu_utilisation"] = grouped["cpu_used"] / grouped["capacity_mhz"].where(grouped["capacity_mhz"] > 0)
    grouped["memory_utilisation"] = grouped["memory_used"] / grouped["memory_mib"].where(grouped["memory_mib"] > 0)
    return grouped[list(CLUSTER_COLUMNS)]


def run_frame(session: Session, *, limit: int = 50) -> "pd.DataFrame":
    """The latest ``limit`` collection runs, newest first, with their duration in seconds."""
    import pandas as pd

    rows = [
        {
            "id": r.id,
            "source": r.source,
            "kind": r.kind,
            "status": str(r.status),
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "duration_s": (r.finished_at - r.started_at).total_seconds() if r.finished_at and r.started_at else None,
            "n_hosts": r.n_hosts,
            "n_vms": r.n_vms,
            "n_clusters": r.n_clusters,
            "n_created": r.n_created,
            "n_updated": r.n_updated,
            "n_marked_missing": r.n_marked_missing,
            "error": r.error,
        }
        for r in recent_runs(session, limit=limit)
    ]
    return pd.DataFrame(rows, columns=list(RUN_COLUMNS))


def host_names(session: Session, *, source: str) -> dict[str, str]:
    """Name → external id of the present hosts of one source (to attach imported VMs to them)."""
    rows = session.execute(
        select(col(Host.external_id), col(Host.name)).where(
            col(Host.source) == source,
            col(Host.missing_since).is_(None),
        )
    ).all()
    return {name: ext for ext, name in rows}
