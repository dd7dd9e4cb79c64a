"""The demo generator is deterministic, plausible and scales."""

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import Engine

from collectors.demo import generate_demo_estate
from inventory import LifecycleStatus, PowerState, record_run
from tests.conftest import TODAY


def test_same_seed_same_estate() -> None:
    a = generate_demo_estate(n_vms=200, seed=7, today=TODAY)
    b = generate_demo_estate(n_vms=200, seed=7, today=TODAY)
    c = generate_demo_estate(n_vms=200, seed=8, today=TODAY)
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != c.model_dump()


def test_plausible_default_estate() -> None:
    estate = generate_demo_estate(today=TODAY)
    years = {h.purchase_date.year for h in estate.hosts if h.purchase_date}
    assert max(years) - min(years) >= 8  # bought over 9 years
    assert len({h.vendor for h in estate.hosts}) >= 3
    assert any(h.status == LifecycleStatus.TO_RETIRE for h in estate.hosts)
    on = [vm for vm in estate.vms if vm.power_state == PowerState.ON]
    busy = np.array([vm.cpu_usage_p95_mhz / (vm.n_vcpus * 2000) for vm in on])
    assert np.median(busy) < 0.2  # mostly idle
    assert busy.max() > 0.4  # with a heavy tail
    host_ids = {h.external_id for h in estate.hosts}
    assert all(vm.host_external_id in host_ids for vm in estate.vms)
    by_host = {h.external_id: h for h in estate.hosts}
    assert all(by_host[vm.host_external_id].power_state == PowerState.ON for vm in estate.vms)


def test_scales_up() -> None:
    estate = generate_demo_estate(n_vms=20_000, today=TODAY)
    assert len(estate.vms) == 20_000
    assert len(estate.hosts) == pytest.approx(20_000 / 7.5, rel=0.01)
    assert len({vm.external_id for vm in estate.vms}) == 20_000


def test_rejects_tiny_estates() -> None:
    with pytest.raises(ValueError, match="n_vms"):
        generate_demo_estate(n_vms=3)


def test_demo_profiles_are_stored_and_complementary(sqlite_engine: Engine) -> None:
    from sqlmodel import Session

    from collectors.demo.profiles import shape_series
    from inventory.profiles import load_profiles

    snapshot = generate_demo_estate(n_vms=60, today=TODAY)
    on = [v for v in snapshot.vms if v.power_state == PowerState.ON]
    assert len(snapshot.profiles) == 2 * len(on)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: snapshot)
    with Session(sqlite_engine) as session:
        day, week = load_profiles(session, "day"), load_profiles(session, "week")
    assert len(day) == len(week) == len(on)
    assert {p.cpu_mhz.size for p in day.values()} == {288}
    # Office hours and night batches peak at different times: their sum is flatter than their peaks.
    start = datetime(2026, 11, 16, tzinfo=UTC)
    office, night = shape_series("office", start, 1800, 336), shape_series("night", start, 1800, 336)
    assert (office + night).max() < office.max() + night.max() - 0.5


def test_demo_host_profiles_sum_their_vms_plus_overhead(sqlite_engine: Engine) -> None:
    """A hypervisor's profile is its powered-on VMs' profiles summed, plus 5 % of its CPU and memory."""
    from sqlmodel import Session

    from collectors.demo.profiles import demo_host_profiles
    from inventory.host_profiles import load_host_profile_rows

    snapshot = generate_demo_estate(n_vms=60, today=TODAY)
    on = {v.external_id: v.host_external_id for v in snapshot.vms if v.power_state == PowerState.ON}
    hosts = {h.external_id: h for h in snapshot.hosts}
    profiled = {p.host_external_id for p in snapshot.host_profiles}
    assert set(on.values()) <= profiled and all(hosts[h].cluster_external_id for h in profiled)
    assert len(snapshot.host_profiles) == 2 * len(profiled)
    host = next(iter(on.values()))
    h = hosts[host]
    raw_mhz = 2 * (h.n_cores_per_socket or 0) * (h.cpu_mhz or 0)
    vm_day = [p.cpu_mhz for p in snapshot.profiles if p.period == "day" and on.get(p.vm_external_id) == host]
    (host_day,) = [p for p in snapshot.host_profiles if p.period == "day" and p.host_external_id == host]
    expected = np.sum(vm_day, axis=0) + 0.05 * raw_mhz
    assert np.allclose(host_day.cpu_mhz, expected, atol=0.051)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: snapshot)
    with Session(sqlite_engine) as session:
        assert len(load_host_profile_rows(session, "week")) == len(profiled)
    # By hand: two VMs of 100 and 300 MHz (memory 10 and 20 MiB) on a 1 000 MHz, 400 MiB host.
    series = {
        "day": (
            datetime(2026, 11, 29, tzinfo=UTC),
            np.array([[100.0, 0.0], [300.0, 50.0]]),
            np.array([[10.0, 10.0], [20.0, 20.0]]),
        )
    }
    (only,) = demo_host_profiles(series, np.array([0, 0]), ["h"], np.array([1000.0]), np.array([400.0]))
    assert only.cpu_mhz == [450.0, 100.0] and only.memory_mib == [50.0, 50.0]
