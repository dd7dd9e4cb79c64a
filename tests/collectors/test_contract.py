"""The collector contract: every collector's snapshot satisfies the same invariants.

Each case below produces a ``Snapshot`` the way its collector does (vSphere through govmomi's
simulator, this machine through psutil, RVTools workbook and CSV folder, GLPI and spreadsheet
lists, the demo estate) and names the inventory source it is written under. The same checks then
run on every case:

- identity: the source and every ``external_id`` are non-empty;
- uniqueness: an ``external_id`` appears once per kind of record in a snapshot;
- references: every reference (VM → host, VM → cluster, host → cluster/site, cluster → site,
  datastore → site) resolves to a record of the same snapshot or is None; a partial snapshot
  (``complete=False``) may also name an object its source already holds in the inventory;
- sizes: counts, clocks, memory, storage, power and prices are finite and >= 0;
- usage: P95/mean figures are finite and >= 0, a usage period does not end before it starts, a
  datastore's free space does not exceed its capacity, a host's memory P95 does not exceed its
  memory and its CPU P95 does not exceed sockets x cores x nominal MHz (vSphere: by turbo, up to
  twice it, see the test);
- write path: ``record_run`` writes the snapshot twice with the same result (the second run
  creates nothing, updates every record, marks nothing missing, and the rows are unchanged).

A new collector adds one case to ``CASES``.
"""

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from collectors.demo import DEMO_SOURCE, generate_demo_estate
from collectors.imports import import_rvtools, list_source, read_lifecycle, run_list
from collectors.local import collect_local, local_source, probe_machine
from collectors.vsphere.mapping import TURBO_HEADROOM
from inventory import (
    Cluster,
    Datastore,
    Host,
    RunStatus,
    Site,
    Snapshot,
    VirtualMachine,
    record_run,
)
from tests.collectors.imports.test_lifecycle import GLPI, VMS
from tests.collectors.imports.test_rvtools import ALL, VHOST, VINFO, workbook
from tests.conftest import TODAY


@dataclass
class Produced:
    """What a collector produced: the source it writes under, its kind and the snapshot."""

    source: str
    kind: str
    snapshot: Snapshot
    case: str = ""


Producer = Callable[[Engine, Path, pytest.FixtureRequest], Produced]


def _vsphere(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    from collectors.vsphere import UsageOptions, collect_vsphere

    request.getfixturevalue("vcsim_password")
    sim = request.getfixturevalue("vcsim")(n_datacenters=2, n_clusters=1, n_hosts=2, n_vms_per_host=2)
    source = sim.source()
    return Produced(source.source, "vsphere", collect_vsphere(source, usage=UsageOptions(window_h=1)))


def _local(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    return Produced(local_source(), "local", collect_local(facts=probe_machine(sample_s=0.2, n_samples=4)))


def _rvtools_xlsx(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    result = import_rvtools(workbook(tmp_path / "RVTools_export_all_2026-11-20.xlsx", ALL))
    return Produced(result.source, "rvtools", result.snapshot)


def _rvtools_csv(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    folder = tmp_path / "RVTools_export_all_2026-11-20_10.00.00"
    folder.mkdir()
    for tab, (header, rows) in {"vInfo": VINFO, "vHost": VHOST}.items():
        with open(folder / f"RVTools_tab{tab}.csv", "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    result = import_rvtools(folder)
    return Produced(result.source, "rvtools", result.snapshot)


def _csv_hosts(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    # A hosts list that matches no known host lands in the list's own source as a partial
    # snapshot (inventory.enrichment): that snapshot is what this case checks.
    path = tmp_path / "glpi.csv"
    path.write_bytes(GLPI.encode("cp1252"))
    return Produced(list_source(), "csv", Snapshot(hosts=read_lifecycle(path, kind="hosts"), complete=False))


def _csv_vms(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    # The VMs list names hosts a hosts list left in the same source: they resolve in the inventory.
    hosts = tmp_path / "h.csv"
    hosts.write_text("Nom;Numéro de série\nesx01.ville.local;S-01\nesx02.ville.local;S-02\n", encoding="utf-8")
    run, _ = run_list(engine, hosts, kind="hosts", source="ville")
    assert run.status == RunStatus.SUCCEEDED, run.error
    vms = tmp_path / "v.csv"
    vms.write_text(VMS, encoding="utf-8")
    captured: list[Snapshot] = []
    monkeypatch = request.getfixturevalue("monkeypatch")

    def capture(engine: Engine, *, source: str, kind: str, collect: Callable[[], Snapshot], **kw: Any) -> Any:
        captured.append(collect())
        raise _Captured

    monkeypatch.setattr("collectors.imports.lists.record_run", capture)
    with pytest.raises(_Captured):
        run_list(engine, vms, kind="vms", source="ville")
    monkeypatch.undo()
    return Produced(list_source("ville"), "csv", captured[0])


class _Captured(Exception):
    """Stops ``run_list`` once its snapshot is captured, before anything is written."""


def _demo(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Produced:
    return Produced(DEMO_SOURCE, "demo", generate_demo_estate(n_vms=300, seed=11, today=TODAY))


CASES: dict[str, Producer] = {
    "vsphere": _vsphere,
    "local": _local,
    "rvtools-xlsx": _rvtools_xlsx,
    "rvtools-csv": _rvtools_csv,
    "csv-hosts": _csv_hosts,
    "csv-vms": _csv_vms,
    "demo": _demo,
}
PARAMS = [pytest.param(name, marks=pytest.mark.vcsim) if name == "vsphere" else name for name in CASES]

#: Sizes: finite and >= 0 wherever they are known.
SIZES = {
    "hosts": (
        "n_sockets",
        "n_cores_per_socket",
        "n_threads",
        "cpu_mhz",
        "memory_mib",
        "local_storage_gib",
        "purchase_price_eur",
        "support_cost_eur_per_year",
        "power_idle_w",
        "power_max_w",
        "rack_units",
        "perf_per_core",
    ),
    "vms": ("n_vcpus", "memory_mib", "storage_provisioned_gib", "storage_used_gib"),
    "datastores": ("capacity_gib", "free_gib"),
}
USAGE = ("cpu_usage_p95_mhz", "cpu_usage_mean_mhz", "memory_usage_p95_mib")
#: Reference fields per kind of record: field → kind it points to.
REFERENCES = {
    "clusters": {"site_external_id": "sites"},
    "hosts": {"site_external_id": "sites", "cluster_external_id": "clusters"},
    "vms": {"host_external_id": "hosts", "cluster_external_id": "clusters"},
    "datastores": {"site_external_id": "sites"},
}
TABLES: dict[str, type[SQLModel]] = {
    "sites": Site,
    "clusters": Cluster,
    "hosts": Host,
    "vms": VirtualMachine,
    "datastores": Datastore,
}
KINDS = tuple(TABLES)


@pytest.fixture(params=PARAMS)
def produced(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> Produced:
    produced = CASES[request.param](engine, tmp_path, request)
    produced.case = request.param
    return produced


def _records(snapshot: Snapshot, kind: str) -> list[Any]:
    return list(getattr(snapshot, kind))


def _known_in_inventory(engine: Engine, source: str, kind: str) -> set[str]:
    table = TABLES[kind]
    with Session(engine) as session:
        return set(session.scalars(select(table.external_id).where(table.source == source)))  # type: ignore[attr-defined]


def test_source_and_external_ids_are_non_empty(produced: Produced) -> None:
    assert produced.source.strip()
    assert sum(len(_records(produced.snapshot, kind)) for kind in KINDS) > 0
    for kind in KINDS:
        for record in _records(produced.snapshot, kind):
            assert isinstance(record.external_id, str) and record.external_id.strip(), (kind, record)
            assert record.name.strip(), (kind, record.external_id)


def test_external_ids_are_unique_within_the_snapshot(produced: Produced) -> None:
    for kind in KINDS:
        ids = [r.external_id for r in _records(produced.snapshot, kind)]
        assert len(ids) == len(set(ids)), f"{kind}: repeated ids {sorted({i for i in ids if ids.count(i) > 1})}"


def test_references_resolve(produced: Produced, engine: Engine) -> None:
    snapshot = produced.snapshot
    for kind, fields in REFERENCES.items():
        for field, target in fields.items():
            known = {r.external_id for r in _records(snapshot, target)}
            if not snapshot.complete:
                known |= _known_in_inventory(engine, produced.source, target)
            for record in _records(snapshot, kind):
                ref = getattr(record, field)
                assert ref is None or ref in known, f"{kind} '{record.external_id}': {field} '{ref}' unknown"


def _finite_non_negative(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def test_sizes_are_finite_and_non_negative(produced: Produced) -> None:
    for kind, fields in SIZES.items():
        for record in _records(produced.snapshot, kind):
            for field in fields:
                value = getattr(record, field, None)
                assert value is None or _finite_non_negative(value), f"{kind} '{record.external_id}': {field}={value!r}"


def test_usage_figures_are_finite_and_periods_ordered(produced: Produced) -> None:
    for kind in ("hosts", "vms"):
        for record in _records(produced.snapshot, kind):
            where = f"{kind} '{record.external_id}'"
            for field in USAGE:
                value = getattr(record, field)
                assert value is None or _finite_non_negative(value), f"{where}: {field}={value!r}"
            start, end = record.usage_period_start, record.usage_period_end
            assert start is None or end is None or start <= end, f"{where}: usage period {start} > {end}"


def test_datastore_free_space_within_capacity(produced: Produced) -> None:
    for datastore in produced.snapshot.datastores:
        if datastore.free_gib is not None and datastore.capacity_gib is not None:
            assert datastore.free_gib <= datastore.capacity_gib, datastore.external_id


def test_host_memory_p95_within_its_memory(produced: Produced) -> None:
    """Memory consumed never above the host's memory (vSphere: kept at it, and logged; govmomi's
    simulator reports ~80 GiB consumed on 4 GiB hosts)."""
    for host in produced.snapshot.hosts:
        if host.memory_usage_p95_mib is not None and host.memory_mib is not None:
            assert host.memory_usage_p95_mib <= host.memory_mib, (
                f"host '{host.external_id}': memory P95 {host.memory_usage_p95_mib:.0f} MiB > {host.memory_mib:.0f} MiB"
            )


_VOLATILE = {"id", "first_seen_at", "last_seen_at", "missing_since"}


def _rows(engine: Engine, source: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Rows of this source per table, by external id, without ids and sighting times."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with Session(engine) as session:
        for kind, table in TABLES.items():
            columns = [c for c in table.__table__.columns if c.name not in _VOLATILE]  # type: ignore[attr-defined]
            rows = session.execute(select(*columns).where(table.source == source)).mappings()  # type: ignore[attr-defined]
            out[kind] = {row["external_id"]: dict(row) for row in rows}
    return out


def test_record_run_twice_is_idempotent(produced: Produced, engine: Engine) -> None:
    snapshot = produced.snapshot
    total = sum(len(_records(snapshot, kind)) for kind in KINDS)
    before = _rows(engine, produced.source)
    first = record_run(engine, source=produced.source, kind=produced.kind, collect=lambda: snapshot)
    assert first.status == RunStatus.SUCCEEDED, first.error
    after_first = _rows(engine, produced.source)
    second = record_run(engine, source=produced.source, kind=produced.kind, collect=lambda: snapshot)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert (second.n_created, second.n_updated, second.n_marked_missing) == (0, total, 0)
    assert _rows(engine, produced.source) == after_first
    for kind in KINDS:
        ids = {r.external_id for r in _records(snapshot, kind)}
        rows = after_first[kind]
        assert ids <= set(rows), kind
        # Nothing but the snapshot's records (and, for a partial snapshot, what was there before).
        assert set(rows) == ids | set(before[kind]), kind


def test_host_cpu_p95_within_its_capacity(produced: Produced) -> None:
    """P95 CPU demand <= sockets x cores x nominal MHz, when all are known. vCenter's cpu.usagemhz
    counts turbo, so a measured host may pass its nominal clock, never twice it (govmomi's simulator
    reports ~5.4 GHz on 4.6 GHz hosts; above the headroom the collector drops the counter)."""
    headroom = TURBO_HEADROOM if produced.case == "vsphere" else 1.0
    for host in produced.snapshot.hosts:
        sizes = (host.n_sockets, host.n_cores_per_socket, host.cpu_mhz, host.cpu_usage_p95_mhz)
        if any(v is None for v in sizes):
            continue
        capacity = host.n_sockets * host.n_cores_per_socket * host.cpu_mhz  # type: ignore[operator]
        assert host.cpu_usage_p95_mhz <= capacity * headroom, (  # type: ignore[operator]
            f"host '{host.external_id}': CPU P95 {host.cpu_usage_p95_mhz:.0f} MHz > capacity {capacity:.0f} MHz"
        )
