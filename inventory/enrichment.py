"""Lifecycle data onto hosts a collector already knows: match by serial number, else by name.

A GLPI or spreadsheet export describes hosts that vSphere or RVTools already reported under
their own sources. Creating them again under ``csv:<file>`` would count each server twice. So each
lifecycle record is matched against the present hosts of *every* source:

1. same serial number (case and spaces ignored), else
2. same name (case ignored; a short name also matches an FQDN's first label);

every matched row gets the record's lifecycle fields (a server seen by two collectors is enriched in
both); what a collector measures (hardware, power state, usage) only fills what the host lacks, so
a spreadsheet never overrides what vSphere reports; identity fields (name, serial number) are kept,
except a serial number the host lacked. Rows
that match nothing are upserted into the import's own source (never marked missing). All of it
happens in one transaction, recorded as one ``CollectionRun``.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, update
from sqlmodel import col

from inventory.database import source_write_scope
from inventory.enums import RunStatus
from inventory.limits import check_records, check_source
from inventory.models import CollectionRun, Host, utcnow
from inventory.records import HostRecord, Snapshot
from inventory.repository import upsert_observations
from inventory.runs import recorded_run

logger = logging.getLogger(__name__)

_IDENTITY = {"external_id", "name", "serial_number", "site_external_id", "cluster_external_id"}
#: What collectors measure: a lifecycle row fills these only where the host has no value.
_MEASURED = {
    "vendor",
    "model",
    "cpu_model",
    "n_sockets",
    "n_cores_per_socket",
    "n_threads",
    "cpu_mhz",
    "memory_mib",
    "hypervisor_version",
    "power_state",
    "boot_time",
    "local_storage_gib",
    "cpu_usage_p95_mhz",
    "cpu_usage_mean_mhz",
    "memory_usage_p95_mib",
    "usage_period_start",
    "usage_period_end",
}


def _serial_key(value: str | None) -> str | None:
    return "".join(value.split()).upper() if value else None


def _name_keys(value: str) -> set[str]:
    name = value.strip().lower()
    return {name, name.split(".", 1)[0]}


@dataclass
class EnrichmentReport:
    """How the lifecycle records were applied."""

    matched_by_serial: int = 0
    matched_by_name: int = 0
    hosts_enriched: int = 0
    unmatched: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def enrich_hosts(
    engine: Engine,
    *,
    source: str,
    kind: str,
    collect: Callable[[], Sequence[HostRecord]],
) -> tuple[CollectionRun, EnrichmentReport]:
    """Apply lifecycle host records (see the module docstring), recording one run.

    A ``CollectionError`` from ``collect`` fails the run and writes nothing, like ``record_run``.
    """
    report = EnrichmentReport()
    with recorded_run(engine, source=source, kind=kind) as recorder:
        records = list(collect())
        check_source(source)
        check_records(records, source=source)
        now = utcnow()
        with source_write_scope(engine, source) as session:
            present = session.execute(
                select(
                    col(Host.id), col(Host.name), col(Host.serial_number), *(getattr(Host, f) for f in _MEASURED)
                ).where(
                    col(Host.missing_since).is_(None),
                    col(Host.source) != source,
                )
            ).all()
            by_serial: dict[str, list[tuple[int, str | None]]] = {}
            by_name: dict[str, list[tuple[int, str | None]]] = {}
            current = {row.id: row for row in present}
            for host_id, name, serial, *_ in present:
                key = _serial_key(serial)
                if key:
                    by_serial.setdefault(key, []).append((host_id, serial))
                for name_key in _name_keys(name):
                    by_name.setdefault(name_key, []).append((host_id, serial))
            leftovers: list[HostRecord] = []
            updates: list[dict[str, object]] = []
            for record in records:
                serial = _serial_key(record.serial_number)
                targets = by_serial.get(serial, []) if serial else []
                if targets:
                    report.matched_by_serial += 1
                else:
                    full = record.name.strip().lower()
                    targets = by_name.get(full) or by_name.get(full.split(".", 1)[0], [])
                    if targets:
                        report.matched_by_name += 1
                if not targets:
                    leftovers.append(record)
                    report.unmatched.append(record.name)
                    continue
                values = record.model_dump(include=record.model_fields_set - _IDENTITY - _MEASURED)
                measured = record.model_dump(include=record.model_fields_set & _MEASURED)
                for host_id, host_serial in targets:
                    missing = {k: v for k, v in measured.items() if getattr(current[host_id], k) is None}
                    row = {**values, **missing, "id": host_id}
                    if record.serial_number and not host_serial:
                        row["serial_number"] = record.serial_number
                    updates.append(row)
            # One executemany per set of columns (rows may set different fields).
            groups: dict[frozenset[str], list[dict[str, object]]] = {}
            for row in updates:
                groups.setdefault(frozenset(row), []).append(row)
            for rows in groups.values():
                session.execute(update(Host), rows)
            report.hosts_enriched = len({row["id"] for row in updates})
            sync = upsert_observations(
                session=session, source=source, snapshot=Snapshot(hosts=leftovers, complete=False), now=now
            )
            report.created, report.updated = sync.created, sync.updated
        recorder.counts = dict(
            n_hosts=len(records), n_created=report.created, n_updated=report.updated + report.hosts_enriched
        )
    run = recorder.run
    assert run is not None
    if run.status != RunStatus.SUCCEEDED:
        return run, report
    logger.info(
        "import %s: %d hosts enriched (%d by serial, %d by name), %d unmatched kept in the import's source",
        source,
        report.hosts_enriched,
        report.matched_by_serial,
        report.matched_by_name,
        len(report.unmatched),
    )
    return run, report
