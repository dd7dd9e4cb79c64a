"""The local collector records this machine, with a stable identity."""

from sqlalchemy import Engine, select
from sqlmodel import Session

from collectors.local import collect_local, local_source, probe_machine
from collectors.runner import run_local
from inventory import Host, RunStatus


def test_this_machine_is_recorded_once(sqlite_engine: Engine) -> None:
    first = run_local(sqlite_engine, sample_s=0.1)
    second = run_local(sqlite_engine, sample_s=0.1)
    assert first.status == second.status == RunStatus.SUCCEEDED
    assert (first.n_created, second.n_created, second.n_updated) == (1, 0, 1)
    with Session(sqlite_engine) as session:
        host = session.scalars(select(Host)).one()
    assert host.source == local_source() and host.missing_since is None
    assert host.n_threads and host.n_threads >= 1 and host.memory_mib and host.memory_mib > 100
    assert host.n_sockets and host.n_cores_per_socket
    assert host.usage_period_start and host.usage_period_end and host.usage_period_start < host.usage_period_end
    assert host.boot_time is not None and host.boot_time < host.usage_period_end
    assert host.local_storage_gib is not None and host.local_storage_gib > 0


def test_facts_are_consistent() -> None:
    facts = probe_machine(sample_s=0.2, n_samples=4)
    assert len(facts.cpu_percent_samples) == 4
    assert all(0 <= p <= 100 for p in facts.cpu_percent_samples)
    assert facts.n_threads >= facts.n_cores >= 1 and facts.disks
    host = collect_local(facts=facts).hosts[0]
    assert host.external_id == facts.machine_id
    if facts.cpu_mhz:
        capacity = facts.cpu_mhz * facts.n_cores
        assert host.cpu_usage_p95_mhz is not None and 0 <= host.cpu_usage_p95_mhz <= capacity
