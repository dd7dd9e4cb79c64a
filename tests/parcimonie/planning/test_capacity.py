"""The capacity report: one point per day, clusters of the latest run, the estate last; by hand."""

from datetime import date

import pytest

from inventory import CapacityHistory
from optimizer import Policy
from parcimonie.planning.capacity import capacity_report


def _row(run_id: int, day: date, cluster: str | None, cpu: float) -> CapacityHistory:
    # 4 hosts of 32 000 MHz and 256 GiB
    return CapacityHistory(
        run_id=run_id,
        as_of=day,
        source="demo",
        cluster=cluster,
        n_hosts=4,
        cpu_capacity_mhz=128_000,
        memory_mib=4 * 262_144,
        max_host_cpu_mhz=32_000,
        max_host_memory_mib=262_144,
        cpu_p95_mhz=cpu,
        memory_allocated_mib=100_000,
    )


def test_report_by_hand() -> None:
    rows = [
        _row(1, date(2024, 1, 1), None, 40_000),
        _row(1, date(2024, 1, 1), "old", 1),
        _row(2, date(2024, 1, 1), None, 99_999),  # a second run the same day: replaced by the third
        _row(3, date(2024, 1, 1), None, 40_000),
        _row(4, date(2025, 1, 1), None, 50_000),
        _row(4, date(2025, 1, 1), "prod", 50_000),
    ]
    report = capacity_report(rows, policy=Policy(ceiling=0.8, ha_reserve_hosts=1), horizon_years=2)
    assert [g.cluster for g in report.groups] == ["prod", None]  # "old" is gone at the latest run
    estate = report.groups[-1]
    assert estate.n_runs == 2 and [p.run_id for p in estate.history] == [3, 4]
    # +10 000 MHz over 366 days: 10 000 x 365.25 / 366 per year
    slope = 10_000 * 365.25 / 366
    assert estate.cpu.growth_per_year == pytest.approx(slope)
    # usable 128 000 x 0.8 - 32 000 = 70 400; (70 400 - 50 000) / slope years
    assert estate.cpu.usable == pytest.approx(70_400)
    assert estate.cpu.years_remaining == pytest.approx(20_400 / slope)
    assert estate.memory.growth_per_year == 0 and estate.memory.years_remaining is None
    # year 2: 50 000 + 2 x slope = 69 959 MHz on hosts of 25 600 usable: 3 hosts + 1 for HA
    assert [(y.year, y.hosts) for y in estate.hosts_by_year] == [(2025, 2 + 1), (2026, 3 + 1), (2027, 3 + 1)]
    prod = report.groups[0]
    assert prod.n_runs == 1 and prod.cpu.growth_per_year == 0 and prod.cpu.growth_low_per_year is None
    assert report.to_dict()["groups"][1]["as_of"] == "2025-01-01"


def test_no_history() -> None:
    report = capacity_report([])
    assert report.groups == [] and report.as_of is None
