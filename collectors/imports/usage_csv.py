"""`parcimonie import usage FILE`: usage profiles from a CSV of samples exported by another tool.

One row per sample: timestamp, VM (name or UUID), CPU MHz and, optionally, memory MiB; `;` or `,`
separated. An optional column `type` (vm or host, `hôte` accepted) says what a row names: rows
typed host give host profiles (the host by its id or name, case-insensitive; a name two present
hosts share is refused, naming the line); rows without the column or with an empty cell are VMs.
Decimal commas accepted, timestamps ISO 8601 or DD/MM/YYYY HH:MM[:SS] (UTC when no offset
is given). Samples are averaged into the inventory's two grids, both ending at the file's last
timestamp: the day (288 x 300 s) and the week (336 x 1 800 s); slots without a sample stay empty.
Any unreadable cell names file, line and column, and nothing is written (exit code 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine

from collectors.imports.readers import read_csv
from collectors.imports.tabular import Sheet
from inventory.database import session_scope
from inventory.errors import InvalidSourceData
from inventory.host_profiles import HostProfileRecord, match_hosts, store_host_profiles
from inventory.profiles import PERIODS, ProfileRecord, match_vms, store_profiles

__all__ = [
    "COLUMNS",
    "KINDS",
    "SOURCE",
    "UsageReport",
    "UsageSamples",
    "import_usage",
    "read_usage_csv",
    "to_host_profiles",
    "to_profiles",
]

#: The source profiles imported from a file are stored under.
SOURCE = "csv:usage"

#: Column -> accepted headers (lower case, accents and spaces as written).
COLUMNS: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "horodatage", "date", "time", "datetime"),
    "vm": ("vm", "name", "nom", "uuid", "vm name", "nom vm", "machine"),
    "cpu": ("cpu mhz", "cpu_mhz", "cpu", "cpu usage mhz", "cpu (mhz)"),
    "memory": ("memory mib", "memory_mib", "memory", "mem", "mémoire", "memoire", "mémoire mib", "memoire mib"),
    "kind": ("type", "kind"),
}
#: Values of the `type` column -> what the row names ("" : a VM, as in files without the column).
KINDS: dict[str, str] = {"": "vm", "vm": "vm", "host": "host", "hôte": "host", "hote": "host"}
_SLOTS = {"day": 288, "week": 336}
_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass(frozen=True, eq=False)
class UsageSamples:
    """The file's samples: per VM key, timestamps (s since epoch), CPU MHz and memory MiB (NaN: none).

    Rows typed host are in `hosts` alike, with the first line of each host key in `host_lines`.
    """

    stamps: dict[str, NDArray[np.float64]]
    cpu_mhz: dict[str, NDArray[np.float64]]
    memory_mib: dict[str, NDArray[np.float64]]
    end: datetime
    n_rows: int
    hosts: UsageSamples | None = None
    host_lines: dict[str, int] = field(default_factory=dict)


def _columns(sheet: Sheet) -> dict[str, int]:
    heads = [h.strip().lower() for h in sheet.headers]
    found: dict[str, int] = {}
    for name, accepted in COLUMNS.items():
        for i, head in enumerate(heads):
            if head in accepted:
                found[name] = i
                break
    missing = [n for n in ("timestamp", "vm", "cpu") if n not in found]
    if missing:
        raise InvalidSourceData(
            f"{sheet.file} : colonnes absentes : {', '.join(missing)} "
            "(attendu : horodatage ; VM ; CPU MHz ; mémoire MiB ; type vm ou host)"
        )
    return found


def _stamp(text: str) -> datetime:
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _FORMATS:
            try:
                value = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _number(text: str) -> float:
    value = float(text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))
    if not np.isfinite(value) or value < 0:
        raise ValueError
    return value


def _cell(sheet: Sheet, line: int, cells: list[str], index: int, header: str) -> str:
    if index >= len(cells) or not str(cells[index]).strip():
        raise InvalidSourceData(f"{sheet.where(line, header)} : valeur manquante")
    return str(cells[index])


def _kind(sheet: Sheet, line: int, cells: list[str], cols: dict[str, int]) -> str:
    """'vm' or 'host' for a row, by its `type` cell (no column, empty: 'vm')."""
    if "kind" not in cols:
        return "vm"
    text = str(cells[cols["kind"]]).strip() if cols["kind"] < len(cells) else ""
    kind = KINDS.get(text.lower())
    if kind is None:
        raise InvalidSourceData(
            f"{sheet.where(line, sheet.headers[cols['kind']])} : '{text[:40]}' n'est ni vm ni host (hôte)"
        )
    return kind


def read_usage_csv(path: Path, *, encoding: str = "auto", delimiter: str = "auto") -> UsageSamples:
    """Every sample of the file, checked; raises ``InvalidSourceData`` naming file, line and column."""
    sheet = read_csv(path, encoding=encoding, delimiter=delimiter)
    cols = _columns(sheet)
    stamps: dict[tuple[str, str], list[float]] = defaultdict(list)
    cpu: dict[tuple[str, str], list[float]] = defaultdict(list)
    mem: dict[tuple[str, str], list[float]] = defaultdict(list)
    lines: dict[str, int] = {}
    for line, cells in sheet.rows:
        if not any(str(c).strip() for c in cells):
            continue
        values: dict[str, float] = {}
        for name in ("timestamp", "cpu", "memory"):
            if name not in cols or (
                name == "memory" and not str(cells[cols[name]] if cols[name] < len(cells) else "").strip()
            ):
                continue
            header = sheet.headers[cols[name]]
            text = _cell(sheet, line, cells, cols[name], header)
            try:
                values[name] = _stamp(text).timestamp() if name == "timestamp" else _number(text)
            except ValueError:
                kind = "date et heure" if name == "timestamp" else "nombre >= 0"
                raise InvalidSourceData(
                    f"{sheet.where(line, header)} : '{text[:40]}' n'est pas une {kind} lisible"
                ) from None
        key = (
            _kind(sheet, line, cells, cols),
            _cell(sheet, line, cells, cols["vm"], sheet.headers[cols["vm"]]).strip(),
        )
        if key[0] == "host":
            lines.setdefault(key[1], line)
        stamps[key].append(values["timestamp"])
        cpu[key].append(values["cpu"])
        mem[key].append(values.get("memory", np.nan))
    if not stamps:
        raise InvalidSourceData(f"{sheet.file} : aucun échantillon")
    end = datetime.fromtimestamp(max(max(s) for s in stamps.values()), tz=UTC)

    def of(kind: str) -> UsageSamples:
        keys = [k for k in stamps if k[0] == kind]
        return UsageSamples(
            stamps={k[1]: np.array(stamps[k]) for k in keys},
            cpu_mhz={k[1]: np.array(cpu[k]) for k in keys},
            memory_mib={k[1]: np.array(mem[k]) for k in keys},
            end=end,
            n_rows=sum(len(stamps[k]) for k in keys),
        )

    vms, hosts = of("vm"), of("host")
    return UsageSamples(
        stamps=vms.stamps,
        cpu_mhz=vms.cpu_mhz,
        memory_mib=vms.memory_mib,
        end=end,
        n_rows=vms.n_rows + hosts.n_rows,
        hosts=hosts if hosts.stamps else None,
        host_lines=lines,
    )


def _grid(
    stamps: NDArray[np.float64], values: NDArray[np.float64], start: float, slot_s: int, n: int
) -> NDArray[np.float64]:
    """Mean of the samples falling in each slot (a sample at t stands for its slot [t, t + slot))."""
    slot = np.floor((stamps - start) / slot_s).astype(np.int64)
    ok = (slot >= 0) & (slot < n) & ~np.isnan(values)
    sums = np.bincount(slot[ok], weights=values[ok], minlength=n)
    counts = np.bincount(slot[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _series(
    samples: UsageSamples, ids: dict[str, int]
) -> Iterator[tuple[int, str, datetime, NDArray[np.float64], NDArray[np.float64] | None]]:
    """(id, period, first slot, CPU, memory or None) of each object of `ids` (file key -> id) with samples."""
    end = samples.end.timestamp()
    keys_of: dict[int, list[str]] = defaultdict(list)
    for key, object_id in ids.items():
        keys_of[object_id].append(key)  # an object named by its name on some rows, its id on others
    for period, n in _SLOTS.items():
        slot_s = PERIODS[period]
        start = (end // slot_s - (n - 1)) * slot_s  # the last slot holds the file's last sample
        for object_id, keys in keys_of.items():
            t = np.concatenate([samples.stamps[k] for k in keys])
            cpu = _grid(t, np.concatenate([samples.cpu_mhz[k] for k in keys]), start, slot_s, n)
            if np.isnan(cpu).all():
                continue
            mem = _grid(t, np.concatenate([samples.memory_mib[k] for k in keys]), start, slot_s, n)
            at = datetime.fromtimestamp(start, tz=UTC)
            yield object_id, period, at, cpu, None if np.isnan(mem).all() else mem


def to_profiles(samples: UsageSamples, vm_ids: dict[str, int]) -> list[ProfileRecord]:
    """Day and week profiles of the VMs in `vm_ids` (file key -> VM id), on grids aligned to whole slots."""
    return [
        ProfileRecord(vm_id=i, period=period, start_at=at, cpu_mhz=cpu, memory_mib=mem)
        for i, period, at, cpu, mem in _series(samples, vm_ids)
    ]


def to_host_profiles(samples: UsageSamples, host_ids: dict[str, int]) -> list[HostProfileRecord]:
    """Day and week profiles of the hosts in `host_ids` (file key -> host id), on the VMs' grids."""
    return [
        HostProfileRecord(host_id=i, period=period, start_at=at, cpu_mhz=cpu, memory_mib=mem)
        for i, period, at, cpu, mem in _series(samples, host_ids)
    ]


@dataclass(frozen=True)
class UsageReport:
    """What an import wrote: rows read, VMs and hosts matched, profiles written, keys of unknown objects."""

    n_rows: int
    n_vms: int
    n_profiles: int
    unknown: list[str]
    n_hosts: int = 0
    unknown_hosts: list[str] = field(default_factory=list)


def import_usage(engine: Engine, path: Path, *, encoding: str = "auto", delimiter: str = "auto") -> UsageReport:
    """Read the file, match its VMs (UUID or name) and hosts (id or name), store their profiles in one transaction.

    A host name shared by several present hosts raises ``InvalidSourceData`` naming the file's
    first line with it, before anything is written.
    """
    samples = read_usage_csv(path, encoding=encoding, delimiter=delimiter)
    hosts = samples.hosts
    with session_scope(engine) as session:
        matched_hosts: dict[str, int] = {}
        if hosts is not None:
            matched_hosts, ambiguous = match_hosts(session, hosts.stamps)
            if ambiguous:
                key = min(ambiguous, key=lambda k: samples.host_lines[k])
                raise InvalidSourceData(
                    f"{path.name}, ligne {samples.host_lines[key]} : l'hôte '{key}' désigne plusieurs hôtes "
                    "présents de l'inventaire ; le nommer par son identifiant"
                )
        matched = match_vms(session, samples.stamps)
        written = store_profiles(session, to_profiles(samples, matched), source=SOURCE)
        if hosts is not None:
            written += store_host_profiles(session, to_host_profiles(hosts, matched_hosts), source=SOURCE)
    unknown = sorted(k for k in samples.stamps if k not in matched)
    unknown_hosts = sorted(k for k in (hosts.stamps if hosts else {}) if k not in matched_hosts)
    return UsageReport(
        n_rows=samples.n_rows,
        n_vms=len(matched),
        n_profiles=written,
        unknown=unknown,
        n_hosts=len(matched_hosts),
        unknown_hosts=unknown_hosts,
    )
