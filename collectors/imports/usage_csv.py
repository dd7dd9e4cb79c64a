"""`parcimonie import usage FILE`: usage profiles from a CSV of samples exported by another tool.

One row per sample: timestamp, VM (name or UUID), CPU MHz and, optionally, memory MiB; `;` or `,`
separated, decimal commas accepted, timestamps ISO 8601 or DD/MM/YYYY HH:MM[:SS] (UTC when no offset
is given). Samples are averaged into the inventory's two grids, both ending at the file's last
timestamp: the day (288 x 300 s) and the week (336 x 1 800 s); slots without a sample stay empty.
Any unreadable cell names file, line and column, and nothing is written (exit code 2).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine

from collectors.imports.readers import read_csv
from collectors.imports.tabular import Sheet
from inventory.database import session_scope
from inventory.errors import InvalidSourceData
from inventory.profiles import PERIODS, ProfileRecord, match_vms, store_profiles

__all__ = ["COLUMNS", "SOURCE", "UsageReport", "UsageSamples", "import_usage", "read_usage_csv", "to_profiles"]

#: The source profiles imported from a file are stored under.
SOURCE = "csv:usage"

#: Column -> accepted headers (lower case, accents and spaces as written).
COLUMNS: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "horodatage", "date", "time", "datetime"),
    "vm": ("vm", "name", "nom", "uuid", "vm name", "nom vm", "machine"),
    "cpu": ("cpu mhz", "cpu_mhz", "cpu", "cpu usage mhz", "cpu (mhz)"),
    "memory": ("memory mib", "memory_mib", "memory", "mem", "mémoire", "memoire", "mémoire mib", "memoire mib"),
}
_SLOTS = {"day": 288, "week": 336}
_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


@dataclass(frozen=True, eq=False)
class UsageSamples:
    """The file's samples: per VM key, timestamps (s since epoch), CPU MHz and memory MiB (NaN: none)."""

    stamps: dict[str, NDArray[np.float64]]
    cpu_mhz: dict[str, NDArray[np.float64]]
    memory_mib: dict[str, NDArray[np.float64]]
    end: datetime
    n_rows: int


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
            "(attendu : horodatage ; VM ; CPU MHz ; mémoire MiB)"
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


def read_usage_csv(path: Path, *, encoding: str = "auto", delimiter: str = "auto") -> UsageSamples:
    """Every sample of the file, checked; raises ``InvalidSourceData`` naming file, line and column."""
    sheet = read_csv(path, encoding=encoding, delimiter=delimiter)
    cols = _columns(sheet)
    stamps: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    mem: dict[str, list[float]] = defaultdict(list)
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
        key = _cell(sheet, line, cells, cols["vm"], sheet.headers[cols["vm"]]).strip()
        stamps[key].append(values["timestamp"])
        cpu[key].append(values["cpu"])
        mem[key].append(values.get("memory", np.nan))
    if not stamps:
        raise InvalidSourceData(f"{sheet.file} : aucun échantillon")
    end = max(max(s) for s in stamps.values())
    return UsageSamples(
        stamps={k: np.array(v) for k, v in stamps.items()},
        cpu_mhz={k: np.array(v) for k, v in cpu.items()},
        memory_mib={k: np.array(v) for k, v in mem.items()},
        end=datetime.fromtimestamp(end, tz=UTC),
        n_rows=sum(len(v) for v in stamps.values()),
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


def to_profiles(samples: UsageSamples, vm_ids: dict[str, int]) -> list[ProfileRecord]:
    """Day and week profiles of the VMs in `vm_ids` (file key -> VM id), on grids aligned to whole slots."""
    out: list[ProfileRecord] = []
    end = samples.end.timestamp()
    for period, n in _SLOTS.items():
        slot_s = PERIODS[period]
        start = (end // slot_s - (n - 1)) * slot_s  # the last slot holds the file's last sample
        keys_of: dict[int, list[str]] = defaultdict(list)
        for key, vm_id in vm_ids.items():
            keys_of[vm_id].append(key)  # a VM named by its name on some rows, its UUID on others
        for vm_id, keys in keys_of.items():
            t = np.concatenate([samples.stamps[k] for k in keys])
            cpu = _grid(t, np.concatenate([samples.cpu_mhz[k] for k in keys]), start, slot_s, n)
            if np.isnan(cpu).all():
                continue
            mem = _grid(t, np.concatenate([samples.memory_mib[k] for k in keys]), start, slot_s, n)
            out.append(
                ProfileRecord(
                    vm_id=vm_id,
                    period=period,
                    start_at=datetime.fromtimestamp(start, tz=UTC),
                    cpu_mhz=cpu,
                    memory_mib=None if np.isnan(mem).all() else mem,
                )
            )
    return out


@dataclass(frozen=True)
class UsageReport:
    """What an import wrote: rows read, VMs matched, profiles written, keys of unknown VMs."""

    n_rows: int
    n_vms: int
    n_profiles: int
    unknown: list[str]


def import_usage(engine: Engine, path: Path, *, encoding: str = "auto", delimiter: str = "auto") -> UsageReport:
    """Read the file, match its VMs (UUID or name) and store their profiles in one transaction."""
    samples = read_usage_csv(path, encoding=encoding, delimiter=delimiter)
    with session_scope(engine) as session:
        matched = match_vms(session, samples.stamps)
        records = to_profiles(samples, matched)
        written = store_profiles(session, records, source=SOURCE)
    unknown = sorted(k for k in samples.stamps if k not in matched)
    return UsageReport(n_rows=samples.n_rows, n_vms=len(matched), n_profiles=written, unknown=unknown)
