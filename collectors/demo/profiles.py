"""Usage profiles of the demo estate: office hours, night batches, weekday batches, flat services.

Real estates mix VMs that peak at different times: desktops' back ends and business applications
in office hours, backups and ETL at night, payroll and reporting batches on weekday evenings, and
directory or database services almost flat. The demo draws one of these shapes per powered-on VM
and scales it so that the profile's peak slots sit at the VM's P95: packing on the profiles then
finds the complementarity the P95 hides (docs/profiles.md).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from inventory.profiles import PERIODS
from inventory.records import ProfileSeries

__all__ = ["SHAPES", "demo_profiles", "shape_series"]

#: Shape name -> share of powered-on VMs.
SHAPES: dict[str, float] = {"office": 0.45, "night": 0.2, "batch": 0.1, "flat": 0.25}
_FLOOR = {"office": 0.12, "night": 0.1, "batch": 0.15, "flat": 0.7}


def shape_series(shape: str, start: datetime, slot_s: int, n_slots: int) -> NDArray[np.float64]:
    """Load in [0, 1] of a shape at each slot from `start` (hours and weekdays of the slot's start)."""
    stamps = [start + timedelta(seconds=k * slot_s) for k in range(n_slots)]
    hour = np.array([t.hour + t.minute / 60 for t in stamps])
    weekday = np.array([t.weekday() < 5 for t in stamps])
    if shape == "office":
        on = weekday & (hour >= 8) & (hour < 18.5)
        lunch = (hour >= 12) & (hour < 14)
        level = np.where(on, np.where(lunch, 0.7, 1.0), 0.0)
    elif shape == "night":
        level = ((hour >= 22) | (hour < 4.5)).astype(float)
    elif shape == "batch":
        level = (weekday & (hour >= 18.5) & (hour < 21.5)).astype(float)
    else:
        level = 0.8 + 0.2 * np.sin(hour / 24 * 2 * np.pi) ** 2
    floor = _FLOOR[shape]
    return floor + (1 - floor) * level


def demo_profiles(
    external_ids: Sequence[str],
    cpu_p95_mhz: NDArray[np.float64],
    memory_p95_mib: NDArray[np.float64],
    *,
    end: datetime,
    seed: int,
) -> list[ProfileSeries]:
    """Day (the day before `end`) and week (the week before `end`) profiles of the given VMs."""
    rng = np.random.default_rng(seed)
    names = list(SHAPES)
    shares = np.array([SHAPES[n] for n in names])
    kind = rng.choice(len(names), size=len(external_ids), p=shares / shares.sum())
    out: list[ProfileSeries] = []
    for period, n_slots in (("day", 288), ("week", 336)):
        slot_s = PERIODS[period]
        start = end - timedelta(seconds=slot_s * n_slots)
        shapes = np.stack([shape_series(n, start, slot_s, n_slots) for n in names])
        noise = rng.uniform(0.85, 1.0, size=(len(external_ids), n_slots))
        cpu = np.round(shapes[kind] * noise * np.asarray(cpu_p95_mhz)[:, None], 1)
        mem = np.round(np.asarray(memory_p95_mib)[:, None] * (0.9 + 0.1 * shapes[kind]), 1)
        for j, ext in enumerate(external_ids):
            out.append(
                ProfileSeries.model_construct(
                    vm_external_id=ext,
                    period=period,
                    start_at=start,
                    cpu_mhz=cpu[j].tolist(),
                    memory_mib=mem[j].tolist(),
                )
            )
    return out
