"""Every bad value is refused at the door: nothing lost, nothing injected — on both databases."""

import math
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Float, Integer, func, select
from sqlmodel import Session

from inventory import (
    ClusterRecord,
    DatastoreRecord,
    Host,
    HostRecord,
    RunStatus,
    SiteRecord,
    Snapshot,
    VirtualMachine,
    VirtualMachineRecord,
    recent_runs,
    record_run,
)
from inventory.enrichment import enrich_hosts
from inventory.errors import InvalidRecord, InvalidSourceData
from inventory.limits import LIMITS, MAX_MEMORY_MIB, RANGES, RECORD_TABLES, check_record

NEXT_YEAR = date.today().year + 1


def _snapshot(**vm: Any) -> Snapshot:
    values: dict[str, Any] = {"n_vcpus": 2, "memory_mib": 4096.0} | vm
    return Snapshot(
        sites=[SiteRecord(external_id="dc1", name="Datacenter")],
        hosts=[HostRecord(external_id="h1", name="esx1", site_external_id="dc1", n_sockets=2, memory_mib=262144.0)],
        vms=[VirtualMachineRecord(external_id="vm1", name="web01", host_external_id="h1", **values)],
    )


def _vm_memory(engine: Engine) -> list[float | None]:
    with Session(engine) as session:
        return list(session.scalars(select(VirtualMachine.memory_mib)))


def test_nan_never_overwrites_a_known_value(engine: Engine) -> None:
    """A NaN memory used to become NULL (SQLite) or NaN (PostgreSQL) over a known 4096 MiB."""
    assert record_run(engine, source="csv:x", kind="csv", collect=_snapshot).status == RunStatus.SUCCEEDED
    run = record_run(engine, source="csv:x", kind="csv", collect=lambda: _snapshot(memory_mib=float("nan")))
    assert run.status == RunStatus.FAILED
    assert run.error is not None and "memory_mib = nan" in run.error and "web01" in run.error
    assert "csv:x" in run.error and "67 108 864 MiB" in run.error
    assert _vm_memory(engine) == [4096.0]


BAD_VMS: list[tuple[str, Any]] = [
    ("n_vcpus", -1),
    ("n_vcpus", 5000),
    ("memory_mib", -1.0),
    ("memory_mib", math.inf),
    ("memory_mib", MAX_MEMORY_MIB + 1.0),
    ("cpu_usage_p95_mhz", -5.0),
    ("cpu_usage_p95_mhz", math.nan),
    ("memory_usage_p95_mib", math.inf),
    ("storage_used_gib", -0.5),
    ("name", "web\x0001"),
    ("name", "w" * 256),
    ("guest_os", "x" * 300),
    ("external_id", "v" * 201),
    ("usage_period_start", datetime(2026, 1, 1)),  # naive
    ("usage_period_end", datetime(1970, 1, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("field", "value"), BAD_VMS, ids=[f"{f}={str(v)[:12]!r}" for f, v in BAD_VMS])
def test_bad_vm_values_fail_the_run_and_write_nothing(engine: Engine, field: str, value: Any) -> None:
    def collect() -> Snapshot:
        snapshot = _snapshot()
        setattr(snapshot.vms[0], field, value)  # after construction: the write path checks anyway
        return snapshot

    run = record_run(engine, source="csv:x", kind="csv", collect=collect)
    assert run.status == RunStatus.FAILED
    assert run.error is not None and f"{field} = " in run.error and "refusé" in run.error
    assert "\x00" not in run.error
    assert run.n_created == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Host)) == 0


BAD_HOSTS: list[tuple[str, Any]] = [
    ("n_sockets", -2),
    ("n_sockets", 2.5),
    ("n_cores_per_socket", 100_000),
    ("cpu_mhz", 30_000.0),
    ("cpu_mhz", math.nan),
    ("memory_mib", 1e12),
    ("purchase_price_eur", -1.0),
    ("purchase_price_eur", 20_000_000.0),
    ("support_cost_eur_per_year", math.inf),
    ("purchase_date", date(1985, 6, 1)),
    ("purchase_date", date(NEXT_YEAR + 1, 1, 1)),
    ("warranty_end", date(2061, 1, 1)),  # purchase 2020 + 30 years is the limit
    ("power_max_w", -10.0),
    ("rack_units", 200),
    ("serial_number", "S" * 201),
    ("vendor", "Dell\x00"),
    ("power_state", "exploded"),
    ("boot_time", datetime(2026, 1, 1)),  # naive
]


@pytest.mark.parametrize(("field", "value"), BAD_HOSTS, ids=[f"{f}={str(v)[:12]!r}" for f, v in BAD_HOSTS])
def test_bad_host_values_are_refused(field: str, value: Any) -> None:
    record = HostRecord(external_id="h1", name="esx1", purchase_date=date(2020, 3, 1))
    setattr(record, field, value)
    with pytest.raises(InvalidRecord) as caught:
        check_record(record)
    err = caught.value
    assert isinstance(err, ValueError) and isinstance(err, InvalidSourceData)
    assert (err.kind, err.external_id, err.name, err.field) == ("host", "h1", "esx1", field)
    assert err.value == value or (isinstance(value, float) and math.isnan(value))
    assert err.allowed.startswith("attendu")


def test_message_names_record_field_value_and_range() -> None:
    record = VirtualMachineRecord(external_id="vm-42", name="sql01", n_vcpus=9000)
    with pytest.raises(InvalidRecord) as caught:
        check_record(record)
    assert str(caught.value) == "vm 'sql01' (id 'vm-42') : n_vcpus = 9000 refusé (attendu : entier de 0 à 4 096 vCPU)"
    assert str(caught.value.in_source("rvtools:ville")).startswith("rvtools:ville : vm 'sql01'")


def test_limits_and_plausible_values_are_accepted(engine: Engine) -> None:
    """The bounds themselves are stored, and strings exactly at the column length fit PostgreSQL too."""
    snapshot = Snapshot(
        sites=[SiteRecord(external_id="s" * 200, name="n" * 200, organisation="o" * 200)],
        clusters=[ClusterRecord(external_id="c1", name="c" * 200, ha_host_failures_tolerated=1)],
        hosts=[
            HostRecord(
                external_id="h" * 200,
                name="e" * 255,
                n_sockets=64,
                n_cores_per_socket=512,
                cpu_mhz=10_000.0,
                memory_mib=float(MAX_MEMORY_MIB),
                purchase_date=date(1990, 1, 1),
                warranty_end=date(2020, 1, 1),
                purchase_price_eur=10_000_000.0,
                boot_time=datetime(2026, 11, 1, tzinfo=UTC),
                cpu_model="Intel® Xeon® Gold 6338 — 2,0 GHz",
            )
        ],
        vms=[VirtualMachineRecord(external_id="v" * 200, name="é" * 255, n_vcpus=4096, memory_mib=0.0)],
        datastores=[DatastoreRecord(external_id="d1", name="ds", kind="k" * 50, capacity_gib=1e8, free_gib=0.0)],
    )
    run = record_run(engine, source="s" * 200, kind="csv", collect=lambda: snapshot)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert _vm_memory(engine) == [0.0]


def test_a_source_name_that_cannot_be_stored_is_refused_before_the_run(engine: Engine) -> None:
    for source in ("s" * 201, "csv:\x00"):
        with pytest.raises(InvalidRecord, match="source"):
            record_run(engine, source=source, kind="csv", collect=_snapshot)
    with Session(engine) as session:
        assert recent_runs(session) == []


def test_enrichment_refuses_bad_values(engine: Engine) -> None:
    record_run(engine, source="vsphere:vc1", kind="vsphere", collect=_snapshot)

    def lifecycle() -> list[HostRecord]:
        return [HostRecord(external_id="esx1", name="esx1", purchase_price_eur=math.nan)]

    run, _ = enrich_hosts(engine, source="csv:glpi", kind="csv", collect=lifecycle)
    assert run.status == RunStatus.FAILED and run.error is not None and "purchase_price_eur = nan" in run.error
    with Session(engine) as session:
        assert session.scalars(select(Host.purchase_price_eur)).all() == [None]


def test_every_numeric_field_of_a_record_has_a_range() -> None:
    for record_type, (_kind, table) in RECORD_TABLES.items():
        columns = table.__table__.c  # type: ignore[attr-defined]
        for name in record_type.model_fields:
            if name in columns and isinstance(columns[name].type, Integer | Float):
                assert name in LIMITS, f"{record_type.__name__}.{name} has no range in inventory.limits.RANGES"


def test_ranges_are_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "inventory.md").read_text(encoding="utf-8")
    rows = {m[0]: m[1:] for m in re.findall(r"^\| `(\w+)` \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|", text, re.M)}
    for limit in RANGES:
        assert limit.field in rows, f"{limit.field} missing from docs/inventory.md"
        unit, low, high = rows[limit.field]
        assert unit == limit.unit
        assert float(low.replace(" ", "")) == limit.min and float(high.replace(" ", "")) == limit.max
