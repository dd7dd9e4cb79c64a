"""A small rolling store of this machine's usage samples, so repeated `collect local` runs build a
P95 over days as vSphere statistics do for a VM.

Why a file of the machine's own and not the inventory: the samples belong to the machine that
takes them (each physical server runs `collect local` itself, often against a shared PostgreSQL
inventory), the inventory keeps figures per host rather than series (``capacity_history`` is per
cluster and run, so it cannot hold one server's CPU samples), and the write path stays the one
snapshot per run. The store is a JSON file in the data folder: one entry per run (its window, CPU
samples in MHz, memory in use), entries older than `window_days` before the newest dropped, at
most `max_runs` kept. A file that cannot be read (absent, damaged, another machine's after a
reinstall) starts a new history: samples are a convenience, never a reason to fail a collection.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from collectors.local.probe import MachineFacts

__all__ = ["MEASURED_MIN_DAYS", "STORE_NAME", "UsageHistory", "record_samples"]

STORE_NAME = "local-usage.json"  # in the settings' data folder
#: A history spanning at least this many days is a measured P95; a shorter one is a sample.
MEASURED_MIN_DAYS = 1.0


@dataclass(frozen=True, eq=False)
class UsageHistory:
    """Every kept sample: CPU MHz of the cores (all runs' samples), memory in use per run (MiB)."""

    cpu_mhz: NDArray[np.float64]
    memory_mib: NDArray[np.float64]
    first: datetime
    last: datetime
    n_runs: int

    @property
    def days(self) -> float:
        """Span of the history in days."""
        return (self.last - self.first).total_seconds() / 86_400


def _read(path: Path, machine_id: str) -> list[dict[str, Any]]:
    """The stored runs of this machine, [] when the file is absent, damaged or another machine's."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("machine_id") != machine_id:
            return []
        runs: list[dict[str, Any]] = [
            {
                "from": datetime.fromisoformat(r["from"]),
                "to": datetime.fromisoformat(r["to"]),
                "cpu_mhz": [float(v) for v in r["cpu_mhz"]],
                "memory_mib": float(r["memory_mib"]),
            }
            for r in data["runs"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    values = [v for r in runs for v in r["cpu_mhz"]] + [r["memory_mib"] for r in runs]
    ok = all(math.isfinite(v) for v in values)
    return runs if ok else []


def _write(path: Path, machine_id: str, runs: list[dict[str, Any]]) -> None:
    """Write atomically (a temporary file renamed), so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {
            "machine_id": machine_id,
            "runs": [{**r, "from": r["from"].isoformat(), "to": r["to"].isoformat()} for r in runs],
        }
    )
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def record_samples(path: Path, facts: MachineFacts, *, window_days: float = 30.0, max_runs: int = 2000) -> UsageHistory:
    """Add this run's samples to the store at `path` and return the history kept (this run included)."""
    runs = [r for r in _read(path, facts.machine_id) if r["to"] < facts.sampled_from]
    runs.append(
        {
            "from": facts.sampled_from,
            "to": facts.sampled_to,
            "cpu_mhz": facts.cpu_usage_mhz.tolist(),
            "memory_mib": float(facts.memory_used_mib),
        }
    )
    oldest = facts.sampled_to - timedelta(days=window_days)
    runs = [r for r in runs if r["to"] >= oldest][-max_runs:]
    try:
        _write(path, facts.machine_id, runs)
    except OSError:
        pass  # a read-only data folder: this run's figures still stand, without history
    return UsageHistory(
        cpu_mhz=np.asarray([v for r in runs for v in r["cpu_mhz"]], dtype=float),
        memory_mib=np.asarray([r["memory_mib"] for r in runs], dtype=float),
        first=runs[0]["from"],
        last=runs[-1]["to"],
        n_runs=len(runs),
    )
