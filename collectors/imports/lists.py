"""Importing a hosts or VMs list into its source, one recorded run per import.

The source is ``csv:<name>`` (``csv:default`` unless ``--source NAME``), never the file name: the
same list exported every month updates its rows instead of adding a copy. Several lists kept apart
(one per commune of a syndicate) take one name each; a hosts list and a VMs list of the same estate
share the name, so that the VMs can be attached to the hosts that list left in the source.

- Hosts enrich the hosts every other source already knows (``inventory.enrichment``); the rows
  matching none are kept in the list's source.
- VMs are keyed by their UUID column, else their name. A "Hôte" cell names a host of the same
  source (by name, case ignored; ``esx01`` matches ``esx01.ville.local``): a host the source does
  not hold leaves the VM unattached and is reported, not an error. A "Cluster" cell creates or
  updates that cluster in the source, as RVTools' vInfo does.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from collectors.imports.lifecycle import Kind, ReadOptions, list_source, read_lifecycle, read_vm_list
from inventory import CollectionRun, Snapshot, host_names, record_run
from inventory.enrichment import EnrichmentReport, enrich_hosts
from inventory.records import ClusterRecord, HostRecord, VirtualMachineRecord

logger = logging.getLogger(__name__)


@dataclass
class ListReport:
    """What a list import did beyond the run's counts.

    ``enrichment``: how host rows matched known hosts (hosts lists only). ``unattached``: VMs whose
    host the source does not hold, as (VM, host) pairs. ``without_size``: VMs imported with no vCPU
    or no memory (only with ``allow_missing_sizes``); the planner reports them.
    """

    source: str
    enrichment: EnrichmentReport | None = None
    unattached: list[tuple[str, str]] = field(default_factory=list)
    without_size: list[str] = field(default_factory=list)


def _host_ids(engine: Engine, source: str) -> dict[str, str | None]:
    """Host name keys (full and short, lower case) → external id of the source's present hosts.

    A short name shared by two hosts maps to None (ambiguous: the VM stays unattached).
    """
    with Session(engine) as session:
        names = host_names(session, source=source)
    full = {name.strip().lower(): ext for name, ext in names.items()}
    keys: dict[str, str | None] = {}
    for name, ext in full.items():
        short = name.split(".", 1)[0]
        keys[short] = ext if keys.get(short, ext) == ext else None
    keys.update(full)
    return keys


def _find(keys: dict[str, str | None], name: str) -> str | None:
    key = name.strip().lower()
    return keys.get(key) or keys.get(key.split(".", 1)[0])


def run_list(
    engine: Engine,
    path: Path,
    *,
    kind: Kind,
    source: str | None = None,
    options: ReadOptions | None = None,
) -> tuple[CollectionRun, ListReport]:
    """Import a hosts or VMs list into ``csv:<source>`` (see the module docstring).

    A list that cannot be read (missing columns, bad cells, sizes missing) fails the run, which
    names file, sheet, line and column, and writes nothing.
    """
    options = options or ReadOptions()
    report = ListReport(source=list_source(source))
    if kind == "hosts":

        def hosts() -> list[HostRecord]:
            return read_lifecycle(path, kind="hosts", options=options)  # type: ignore[return-value]

        run, report.enrichment = enrich_hosts(engine, source=report.source, kind="csv", collect=hosts)
        return run, report

    def collect() -> Snapshot:
        rows = read_vm_list(path, options=options)
        keys = _host_ids(engine, report.source) if any(row.host for row in rows) else {}
        clusters: dict[str, ClusterRecord] = {}
        vms: list[VirtualMachineRecord] = []
        for row in rows:
            links: dict[str, str | None] = {}
            if row.host:
                links["host_external_id"] = _find(keys, row.host)
                if links["host_external_id"] is None:
                    report.unattached.append((row.record.name, row.host))
            if row.cluster:
                clusters.setdefault(row.cluster, ClusterRecord(external_id=row.cluster, name=row.cluster))
                links["cluster_external_id"] = row.cluster
            record = row.record.model_copy(update=links) if links else row.record
            # model_copy does not mark updated fields as set: set them so they are written.
            record.model_fields_set.update(links)
            vms.append(record)
            if record.n_vcpus is None or record.memory_mib is None:
                report.without_size.append(record.name)
        return Snapshot(clusters=list(clusters.values()), vms=vms, complete=False)

    run = record_run(engine, source=report.source, kind="csv", collect=collect)
    if report.unattached:
        logger.warning(
            "import %s: %d VMs left unattached, host unknown in this source: %s",
            report.source,
            len(report.unattached),
            ", ".join(f"{vm} ({host})" for vm, host in report.unattached[:20]),
        )
    return run, report
