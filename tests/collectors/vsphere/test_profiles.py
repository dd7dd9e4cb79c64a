"""Day and week usage profiles from the simulator's PerformanceManager, stored with the run."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from collectors.runner import run_vsphere
from collectors.vsphere.profiles import on_grid
from inventory import Host, RunStatus, VirtualMachine
from inventory.host_profiles import load_host_profile_rows
from inventory.profiles import load_profiles
from tests.support.vcsim import Simulator


def test_samples_land_in_their_slot_by_timestamp() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Stamped at the end of their interval: +300 s is slot 0, +900 s slot 2; -1 (no data) is dropped.
    stamps = [start + timedelta(seconds=900), start + timedelta(seconds=300), start + timedelta(seconds=600)]
    grid = on_grid(stamps, np.array([30.0, 10.0, -1.0]), start=start, slot_s=300, n_slots=4)
    assert grid[0] == 10.0 and grid[2] == 30.0
    assert np.isnan(grid[1]) and np.isnan(grid[3])


@pytest.mark.vcsim
def test_profiles_stored_with_the_run(engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str) -> None:
    sim = vcsim()
    run = run_vsphere(engine, sim.source(), usage_window_h=1)
    assert run.status == RunStatus.SUCCEEDED
    with Session(engine) as session:
        n_vms = len(session.exec(select(VirtualMachine)).all())
        day = load_profiles(session, "day")
        week = load_profiles(session, "week")
    assert n_vms > 0 and len(day) == n_vms and len(week) == n_vms
    assert {p.cpu_mhz.size for p in day.values()} == {288}
    assert {p.cpu_mhz.size for p in week.values()} == {336}
    assert {p.slot_seconds for p in week.values()} == {1800}
    some = next(iter(day.values()))
    assert np.nanmax(some.cpu_mhz) > 0 and some.memory_mib is not None


@pytest.mark.vcsim
def test_host_profiles_collected_with_the_vms(
    engine: Engine, vcsim: Callable[..., Simulator], vcsim_password: str
) -> None:
    """Every simulated host gets a day and a week, on the same grids as its VMs, in the same run."""
    sim = vcsim()
    run = run_vsphere(engine, sim.source(), usage_window_h=1)
    assert run.status == RunStatus.SUCCEEDED
    with Session(engine) as session:
        host_ids = set(session.exec(select(Host.id)).all())
        day = load_host_profile_rows(session, "day")
        week = load_host_profile_rows(session, "week")
        vm_day = load_profiles(session, "day")
    assert host_ids and set(day) == host_ids and set(week) == host_ids
    assert {p.cpu_mhz.size for p in day.values()} == {288}
    assert {p.slot_seconds for p in week.values()} == {1800} and {p.cpu_mhz.size for p in week.values()} == {336}
    assert {p.start_at for p in day.values()} == {p.start_at for p in vm_day.values()}
    some = next(iter(day.values()))
    assert np.nanmax(some.cpu_mhz) > 0 and some.memory_mib is not None and np.nanmax(some.memory_mib) > 0
