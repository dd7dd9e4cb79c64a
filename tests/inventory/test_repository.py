"""Identity across re-loads, missing marking, partial snapshots, bad references — on both databases."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import (
    ClusterRecord,
    Host,
    HostRecord,
    InvalidSourceData,
    PowerState,
    SiteRecord,
    Snapshot,
    VirtualMachine,
    VirtualMachineRecord,
    session_scope,
    upsert_observations,
)
from tests.conftest import TODAY

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def _small_snapshot(n_vms: int = 3) -> Snapshot:
    return Snapshot(
        sites=[SiteRecord(external_id="dc1", name="Datacenter")],
        clusters=[ClusterRecord(external_id="c1", name="CL1", site_external_id="dc1", ha_enabled=True)],
        hosts=[
            HostRecord(
                external_id="h1",
                name="esx1",
                cluster_external_id="c1",
                site_external_id="dc1",
                n_sockets=2,
                n_cores_per_socket=16,
                memory_mib=262144.0,
            ),
            HostRecord(external_id="h2", name="esx2", cluster_external_id="c1", site_external_id="dc1"),
        ],
        vms=[
            VirtualMachineRecord(
                external_id=f"vm{i}",
                name=f"vm-{i}",
                host_external_id="h1",
                cluster_external_id="c1",
                n_vcpus=2,
                memory_mib=4096.0,
                power_state=PowerState.ON,
            )
            for i in range(n_vms)
        ],
    )


def _count(session: Session, table: type) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def test_reload_updates_rows_instead_of_duplicating(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(), now=T0)
    with session_scope(engine) as session:
        second = upsert_observations(
            session=session, source="vc1", snapshot=_small_snapshot(), now=T0 + timedelta(days=1)
        )
    assert first.created == 1 + 1 + 2 + 3 and first.updated == 0
    assert second.created == 0 and second.updated == 7 and second.marked_missing == 0
    with Session(engine) as session:
        assert _count(session, Host) == 2
        assert _count(session, VirtualMachine) == 3
        vm = session.scalars(select(VirtualMachine).where(VirtualMachine.external_id == "vm0")).one()
        assert vm.first_seen_at == T0
        assert vm.last_seen_at == T0 + timedelta(days=1)
        assert vm.host_id is not None and vm.cluster_id is not None


def test_same_external_id_in_two_sources_is_two_objects(engine: Engine) -> None:
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(), now=T0)
        upsert_observations(session=session, source="vc2", snapshot=_small_snapshot(), now=T0)
    with Session(engine) as session:
        assert _count(session, VirtualMachine) == 6


def test_vanished_vm_is_marked_missing_not_deleted_and_comes_back(engine: Engine) -> None:
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(3), now=T0)
    later = T0 + timedelta(days=1)
    with session_scope(engine) as session:
        report = upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(2), now=later)
    assert report.tables["vm"].marked_missing == 1
    with Session(engine) as session:
        gone = session.scalars(select(VirtualMachine).where(VirtualMachine.external_id == "vm2")).one()
        assert gone.missing_since == later
        assert _count(session, VirtualMachine) == 3
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(3), now=later + timedelta(days=1))
    with Session(engine) as session:
        back = session.scalars(select(VirtualMachine).where(VirtualMachine.external_id == "vm2")).one()
        assert back.missing_since is None


def test_fields_not_reported_are_kept(engine: Engine) -> None:
    """A collector that knows no purchase price must not erase the one an import entered."""
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(), now=T0)
        host = session.scalars(select(Host).where(Host.external_id == "h1")).one()
        host.purchase_price_eur = 12_000.0
        host.purchase_date = date(2020, 5, 4)
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(), now=T0 + timedelta(hours=1))
    with Session(engine) as session:
        host = session.scalars(select(Host).where(Host.external_id == "h1")).one()
        assert host.purchase_price_eur == 12_000.0
        assert host.purchase_date == date(2020, 5, 4)
        assert host.n_cores_per_socket == 16


def test_partial_snapshot_marks_nothing_missing(engine: Engine) -> None:
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(), now=T0)
    partial = Snapshot(hosts=[HostRecord(external_id="h2", name="esx2", serial_number="ABC")], complete=False)
    with session_scope(engine) as session:
        report = upsert_observations(session=session, source="vc1", snapshot=partial, now=T0 + timedelta(hours=1))
    assert report.marked_missing == 0 and report.updated == 1
    with Session(engine) as session:
        assert (
            session.scalar(
                select(func.count()).select_from(VirtualMachine).where(VirtualMachine.missing_since.is_not(None))
            )
            == 0
        )


@pytest.mark.parametrize(
    ("snapshot", "message"),
    [
        (
            Snapshot(vms=[VirtualMachineRecord(external_id="v", name="v", host_external_id="nowhere")]),
            "vm 'v' refers to unknown host 'nowhere'",
        ),
        (
            Snapshot(hosts=[HostRecord(external_id="h", name="a"), HostRecord(external_id="h", name="b")]),
            "host 'h' is reported twice",
        ),
    ],
)
def test_bad_snapshot_writes_nothing(engine: Engine, snapshot: Snapshot, message: str) -> None:
    with session_scope(engine) as session:
        upsert_observations(session=session, source="vc1", snapshot=_small_snapshot(), now=T0)
    bad = _small_snapshot()
    bad.hosts = bad.hosts + snapshot.hosts
    bad.vms = bad.vms + snapshot.vms
    with pytest.raises(InvalidSourceData, match=message):
        with session_scope(engine) as session:
            upsert_observations(session=session, source="vc1", snapshot=bad, now=T0 + timedelta(days=1))
    with Session(engine) as session:
        assert _count(session, Host) == 2
        assert {vm.last_seen_at for vm in session.scalars(select(VirtualMachine))} == {T0}


def test_demo_estate_loads_twice_with_stable_identity(engine: Engine) -> None:
    estate = generate_demo_estate(n_vms=300, today=TODAY)
    with session_scope(engine) as session:
        first = upsert_observations(session=session, source="demo", snapshot=estate, now=T0)
    with session_scope(engine) as session:
        second = upsert_observations(
            session=session,
            source="demo",
            snapshot=generate_demo_estate(n_vms=300, today=TODAY),
            now=T0 + timedelta(days=1),
        )
    n_objects = len(estate.sites) + len(estate.clusters) + len(estate.hosts) + len(estate.vms) + len(estate.datastores)
    assert first.created == n_objects
    assert second.created == 0 and second.updated == n_objects and second.marked_missing == 0
