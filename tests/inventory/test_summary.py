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


def _no_constants(name: str) -> float:
    raise ValueError(f"invalid JSON constant {name}")


def test_summary_of_impossible_stored_values_is_valid_json(engine: Engine) -> None:
    """D03/D04/G10: `inventory --json` printed Infinity and NaN (invalid JSON) over bad stored rows."""
    import json

    from tests.inventory.bad_rows import corrupt

    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=60, today=TODAY))
    with Session(engine) as session:
        before = estate_summary(session, today=TODAY)
    corrupt(engine)
    with Session(engine) as session:
        summary = estate_summary(session, today=TODAY)
    data = json.loads(json.dumps(summary.to_dict()), parse_constant=_no_constants)
    for key in ("total_memory_gib", "total_vm_memory_gib", "total_cores", "total_vcpus"):
        assert data[key] is not None and 0 <= data[key] <= getattr(before, key), key
    assert summary.total_vcpus < before.total_vcpus  # the VM with -4 vCPU counts as unknown, not as -4
    assert summary.total_memory_gib < before.total_memory_gib  # the host with -1 MiB counts as unknown


def test_summary_dict_never_holds_nan() -> None:
    import math

    from inventory import EstateSummary

    summary = EstateSummary(
        n_sites=0,
        n_clusters=0,
        n_hosts=1,
        n_vms=0,
        n_vms_powered_on=0,
        n_templates=0,
        vms_per_host=math.nan,
        average_host_age_years=math.inf,
        n_hosts_with_purchase_date=0,
        share_out_of_warranty=None,
        n_hosts_with_warranty_end=0,
        total_cores=0,
        total_memory_gib=-math.inf,
        total_vcpus=0,
        total_vm_memory_gib=0.0,
        as_of=TODAY,
    )
    data = summary.to_dict()
    assert data["vms_per_host"] is None and data["average_host_age_years"] is None and data["total_memory_gib"] is None
