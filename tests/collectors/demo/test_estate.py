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
