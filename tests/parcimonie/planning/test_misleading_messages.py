"""Messages that say what is wrong: VMs without sizes are not an empty inventory; file: URIs are files."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from inventory import (
    HostRecord,
    Snapshot,
    VirtualMachineRecord,
    ensure_default_catalogue,
    session_scope,
    upsert_observations,
)
from inventory.database import missing_sqlite_file, sqlite_file
from parcimonie.context import MissingDatabase, open_engine
from parcimonie.planning import PlanError, PlanRequest, load_estate, run_plan
from parcimonie.planning.messages import render
from parcimonie.settings import Settings
from tests.conftest import TODAY


def test_vms_without_sizes_are_counted(sqlite_engine: Engine) -> None:
    snapshot = Snapshot(
        hosts=[
            HostRecord(
                external_id="h1", name="esx1", n_sockets=2, n_cores_per_socket=16, cpu_mhz=2400.0, memory_mib=262144.0
            )
        ],
        vms=[VirtualMachineRecord(external_id=f"v{i}", name=f"vm{i}", host_external_id="h1") for i in range(3)],
    )
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
        upsert_observations(session=session, source="csv:default", snapshot=snapshot)
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
    with pytest.raises(PlanError) as caught:
        run_plan(inputs, PlanRequest(), today=TODAY)
    message = caught.value.message
    assert message.code == "error.empty_inventory_unsized" and message.params["n"] == 3
    assert "3 VM sans vCPU ou sans mémoire" in render(message, "fr") and "vm0" in render(message, "fr")
    assert "inventaire est vide" not in render(message, "fr")
    assert "3 VMs lack vCPUs or memory" in render(message, "en")


@pytest.mark.parametrize(
    "database, expected",
    [
        ("file:{dir}/p.db?mode=ro&uri=true", "{dir}/p.db"),
        ("file:{dir}/p.db", "file:{dir}/p.db"),  # without uri=true SQLite reads the name as a plain path
        ("{dir}/p.db", "{dir}/p.db"),
        ("file::memory:?cache=shared&uri=true", None),
        (":memory:", None),
    ],
)
def test_sqlite_file_understands_file_uris(tmp_path: Path, database: str, expected: str | None) -> None:
    url = "sqlite:///" + database.format(dir=tmp_path)
    assert sqlite_file(url) == (None if expected is None else Path(expected.format(dir=tmp_path)))


def test_an_existing_file_uri_is_not_reported_missing(tmp_path: Path) -> None:
    (tmp_path / "p.db").write_bytes(b"")
    assert missing_sqlite_file(f"sqlite:///file:{tmp_path}/p.db?mode=ro&uri=true") is None
    with pytest.raises(MissingDatabase, match="absent.db"):
        open_engine(Settings(database_url=f"sqlite:///file:{tmp_path}/absent.db?mode=ro&uri=true"), must_exist=True)


def test_an_inventory_of_physical_servers_only_says_so(sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    from inventory import HostRecord, Snapshot, record_run
    from parcimonie.planning import PlanError, PlanRequest, load_estate, run_plan

    server = HostRecord(
        external_id="srv-fichiers",
        name="srv-fichiers",
        hypervisor_version="Windows Server 2019",
        n_sockets=1,
        n_cores_per_socket=8,
        cpu_mhz=2100.0,
        memory_mib=65536.0,
    )
    record_run(sqlite_engine, source="csv:parc", kind="csv", collect=lambda: Snapshot(hosts=[server], complete=False))
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
    with pytest.raises(PlanError) as caught:
        run_plan(inputs, PlanRequest())
    assert caught.value.message.code == "error.only_physical"
    assert "1 serveur(s) physique(s)" in str(caught.value) and "srv-fichiers" in str(caught.value)
