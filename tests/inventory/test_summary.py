"""Estate figures over present assets."""

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import (
    HostRecord,
    LifecycleStatus,
    Snapshot,
    VirtualMachineRecord,
    estate_summary,
    record_run,
    session_scope,
    upsert_observations,
)
from tests.conftest import TODAY


def test_empty_estate(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        summary = estate_summary(session, today=TODAY)
    assert summary.n_hosts == 0 and summary.vms_per_host is None and summary.average_host_age_years is None


def test_figures_by_hand(sqlite_engine: Engine) -> None:
    snapshot = Snapshot(
        hosts=[
            HostRecord(
                external_id="a",
                name="a",
                purchase_date=date(2020, 1, 1),
                warranty_end=date(2025, 1, 1),
                n_sockets=2,
                n_cores_per_socket=10,
                memory_mib=1024.0 * 256,
            ),
            HostRecord(
                external_id="b",
                name="b",
                purchase_date=date(2024, 1, 1),
                warranty_end=date(2029, 1, 1),
                n_sockets=1,
                n_cores_per_socket=8,
                memory_mib=1024.0 * 128,
            ),
            HostRecord(external_id="c", name="c", status=LifecycleStatus.RETIRED),
        ],
        vms=[VirtualMachineRecord(external_id=str(i), name=str(i), host_external_id="a", n_vcpus=2) for i in range(5)]
        + [VirtualMachineRecord(external_id="t", name="t", is_template=True)],
    )
    with session_scope(sqlite_engine) as session:
        upsert_observations(session=session, source="s", snapshot=snapshot, now=datetime(2026, 1, 1, tzinfo=UTC))
    with Session(sqlite_engine) as session:
        summary = estate_summary(session, today=date(2026, 1, 1))
    assert summary.n_hosts == 2
    assert summary.n_vms == 5 and summary.n_templates == 1
    assert summary.vms_per_host == 2.5
    assert summary.share_out_of_warranty == 0.5
    assert summary.total_cores == 28
    assert summary.total_vcpus == 10
    assert abs(summary.average_host_age_years - 4.0) < 0.01  # (6 + 2) / 2 years


def test_demo_estate_matches_the_sources(sqlite_engine: Engine) -> None:
    """About 120 hosts over 9 years, about 900 VMs, fewer than 8 VMs per host, some out of warranty."""
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(today=TODAY))
    with Session(sqlite_engine) as session:
        summary = estate_summary(session, today=TODAY)
    assert 110 <= summary.n_hosts <= 130
    assert 850 <= summary.n_vms + summary.n_templates <= 950
    assert summary.vms_per_host < 8
    assert 0.2 < (summary.share_out_of_warranty or 0) < 0.8
    assert 3 < (summary.average_host_age_years or 0) < 6
