"""Lifecycle rows enrich known hosts without overriding what collectors measure."""

from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import Session

from inventory import Host, HostRecord, RunStatus, Snapshot, session_scope, upsert_observations
from inventory.enrichment import enrich_hosts


def test_lifecycle_fills_gaps_but_keeps_collected_hardware(engine: Engine) -> None:
    with session_scope(engine) as session:
        upsert_observations(
            session=session,
            source="vsphere:vc1",
            snapshot=Snapshot(
                hosts=[
                    HostRecord(
                        external_id="host-1",
                        name="esx1.ville.local",
                        serial_number="ABC 123",
                        n_sockets=2,
                        memory_mib=262144.0,
                    ),
                ]
            ),
        )
    row = HostRecord(
        external_id="glpi-1",
        name="ESX1",
        serial_number="abc123",
        n_sockets=4,
        memory_mib=1024.0,
        cpu_model="Intel Xeon Gold 6130",
        purchase_date=date(2019, 3, 1),
        purchase_price_eur=11_000.0,
    )
    run, report = enrich_hosts(engine, source="csv:hosts", kind="csv", collect=lambda: [row])
    assert run.status == RunStatus.SUCCEEDED and report.matched_by_serial == 1 and not report.unmatched
    with Session(engine) as session:
        (host,) = session.scalars(select(Host)).all()
    assert (host.n_sockets, host.memory_mib) == (2, 262144.0)  # measured by vSphere: kept
    assert host.cpu_model == "Intel Xeon Gold 6130"  # unknown to vSphere here: filled
    assert (host.purchase_date, host.purchase_price_eur) == (date(2019, 3, 1), 11_000.0)
    assert (host.name, host.serial_number) == ("esx1.ville.local", "ABC 123")
