"""Capacity history: every successful run adds one row per cluster and one for the whole estate."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from inventory import (
    ClusterRecord,
    HostRecord,
    Snapshot,
    SourceUnavailable,
    VirtualMachineRecord,
    capacity_history,
    record_run,
)


def _estate(n_vms: int) -> Snapshot:
    """Two clusters: prod (2 hosts of 2x8 cores at 2 000 MHz, 256 GiB), dev (1 smaller host)."""
    hosts = [
        HostRecord(
            external_id=f"h{i}",
            name=f"esx{i}",
            cluster_external_id="prod",
            n_sockets=2,
            n_cores_per_socket=8,
            cpu_mhz=2000,
            memory_mib=262144,
        )
        for i in (1, 2)
    ]
    hosts.append(
        HostRecord(
            external_id="h3",
            name="esx3",
            cluster_external_id="dev",
            n_sockets=1,
            n_cores_per_socket=8,
            cpu_mhz=2500,
            memory_mib=131072,
        )
    )
    vms = [
        VirtualMachineRecord(
            external_id=f"vm{i}",
            name=f"vm{i}",
            cluster_external_id="prod",
            host_external_id="h1",
            n_vcpus=2,
            memory_mib=4096,
            cpu_usage_p95_mhz=500 if i % 2 == 0 else None,  # half the VMs without usage
            memory_usage_p95_mib=2048,
            storage_used_gib=40,
        )
        for i in range(n_vms)
    ]
    vms.append(VirtualMachineRecord(external_id="tpl", name="tpl", is_template=True, n_vcpus=8, memory_mib=8192))
    clusters = [ClusterRecord(external_id="prod", name="Prod"), ClusterRecord(external_id="dev", name="Dev")]
    return Snapshot(clusters=clusters, hosts=hosts, vms=vms)


def test_each_successful_run_adds_cluster_and_estate_rows(engine: Engine) -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    first = record_run(engine, source="csv:x", kind="csv", collect=lambda: _estate(4), now=now)
    record_run(engine, source="csv:x", kind="csv", collect=lambda: _estate(6), as_of=date(2026, 12, 1))

    def dropped() -> Snapshot:
        raise SourceUnavailable("gone")

    record_run(engine, source="csv:x", kind="csv", collect=dropped)
    with Session(engine) as session:
        rows = capacity_history(session)
    assert len(rows) == 6  # two runs x (estate, Prod, Dev); the failed run adds nothing
    by_name = {r.cluster: r for r in rows[:3]}
    estate, prod, dev = by_name[None], by_name["Prod"], by_name["Dev"]
    assert {r.run_id for r in rows[:3]} == {first.id} and estate.as_of == date(2026, 11, 23)
    assert (prod.n_hosts, prod.n_cores, prod.cpu_capacity_mhz, prod.memory_mib) == (2, 32, 64000.0, 524288.0)
    assert (prod.max_host_cpu_mhz, prod.max_host_memory_mib) == (32000.0, 262144.0)
    # 4 VMs: 8 vCPUs, 16 GiB; CPU P95 known for vm0 and vm2 only: 1 000 MHz; memory 4 x 2 048
    assert (prod.n_vms, prod.n_vcpus, prod.memory_allocated_mib) == (4, 8, 16384.0)
    assert (prod.cpu_p95_mhz, prod.memory_p95_mib, prod.storage_used_gib) == (1000.0, 8192.0, 160.0)
    assert (dev.n_hosts, dev.n_cores, dev.cpu_capacity_mhz, dev.n_vms) == (1, 8, 20000.0, 0)
    # the estate: every host, every VM but the template
    assert (estate.n_hosts, estate.n_cores, estate.cpu_capacity_mhz, estate.n_vms) == (3, 40, 84000.0, 4)
    assert estate.max_host_cpu_mhz == 32000.0 and estate.source == "csv:x"
    later = {r.cluster: r for r in rows[3:]}
    assert later[None].as_of == date(2026, 12, 1) and later["Prod"].n_vms == 6 and later["Prod"].cpu_p95_mhz == 1500.0
