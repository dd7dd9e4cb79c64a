"""The rolling store of `collect local`: repeated runs build a P95 over days, by hand."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from collectors.local import MachineFacts, map_machine
from collectors.local.samples import record_samples
from inventory.enums import UsageSource

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _facts(at: datetime, cpu_percent: tuple[float, ...], memory_used_gib: float, machine: str = "m1") -> MachineFacts:
    """A 4-core 2 000 MHz machine (8 000 MHz), sampled one second at `at`."""
    return MachineFacts(
        hostname="srv",
        machine_id=machine,
        cpu_model=None,
        n_sockets=1,
        n_cores=4,
        n_threads=8,
        cpu_mhz=2000.0,
        memory_mib=32768.0,
        memory_used_mib=memory_used_gib * 1024,
        vendor=None,
        model=None,
        serial_number=None,
        os_version="Debian 12",
        boot_time=T0 - timedelta(days=30),
        load_1_5_15=(0.0, 0.0, 0.0),
        cpu_percent_samples=cpu_percent,
        sampled_from=at,
        sampled_to=at + timedelta(seconds=1),
    )


def test_runs_accumulate_into_a_p95_over_days(tmp_path: Path) -> None:
    store = tmp_path / "local-usage.json"
    # Day 0: 10 % and 20 % of 8 000 MHz; day 1: 50 %; day 2: 30 % (800, 1 600, 4 000, 2 400 MHz).
    record_samples(store, _facts(T0, (10.0, 20.0), 4.0))
    record_samples(store, _facts(T0 + timedelta(days=1), (50.0,), 6.0))
    history = record_samples(store, _facts(T0 + timedelta(days=2), (30.0,), 5.0))
    assert history.n_runs == 3 and history.days == pytest.approx(2 + 1 / 86_400)
    assert sorted(history.cpu_mhz.tolist()) == [800.0, 1600.0, 2400.0, 4000.0]
    host = map_machine(_facts(T0 + timedelta(days=2), (30.0,), 5.0), history)
    # numpy's P95 of [800, 1600, 2400, 4000]: 2400 + 0.85 x 1600 = 3760; mean 2200.
    assert host.cpu_usage_p95_mhz == pytest.approx(3760.0) and host.cpu_usage_mean_mhz == pytest.approx(2200.0)
    # Memory: P95 of [4, 6, 5] GiB = 5 + 0.9 x 1 = 5.9 GiB.
    assert host.memory_usage_p95_mib == pytest.approx(5.9 * 1024)
    assert host.usage_period_start == T0 and host.usage_source == UsageSource.MEASURED_P95


def test_a_first_run_is_a_sample_and_old_runs_roll_out(tmp_path: Path) -> None:
    store = tmp_path / "local-usage.json"
    first = record_samples(store, _facts(T0, (10.0,), 4.0))
    assert map_machine(_facts(T0, (10.0,), 4.0), first).usage_source == UsageSource.SAMPLE
    later = record_samples(store, _facts(T0 + timedelta(days=40), (20.0,), 4.0), window_days=30)
    assert later.n_runs == 1 and later.cpu_mhz.tolist() == [1600.0]  # the first run is over 30 days old


@pytest.mark.parametrize(
    "content", ["not json", '{"machine_id": "m1", "runs": [{"from": 1}]}', '{"machine_id": "other", "runs": []}']
)
def test_a_damaged_or_foreign_store_starts_afresh(tmp_path: Path, content: str) -> None:
    store = tmp_path / "local-usage.json"
    store.write_text(content, encoding="utf-8")
    history = record_samples(store, _facts(T0, (25.0,), 4.0))
    assert history.n_runs == 1 and history.cpu_mhz.tolist() == [2000.0]
    assert record_samples(store, _facts(T0 + timedelta(hours=1), (25.0,), 4.0)).n_runs == 2  # rewritten whole


def test_a_reinstalled_machine_starts_a_new_history(tmp_path: Path) -> None:
    store = tmp_path / "local-usage.json"
    record_samples(store, _facts(T0, (10.0,), 4.0))
    fresh = record_samples(store, _facts(T0 + timedelta(days=1), (10.0,), 4.0, machine="m2"))
    assert fresh.n_runs == 1


def test_without_a_store_the_figures_are_this_run_s(tmp_path: Path) -> None:
    facts = _facts(T0, (10.0, 30.0), 4.0)
    host = map_machine(facts)
    assert host.cpu_usage_p95_mhz == pytest.approx(float(np.percentile([800.0, 2400.0], 95)))
