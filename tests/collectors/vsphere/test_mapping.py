"""Usage a machine cannot have is corrected or dropped by the vSphere mapping, and said."""

import logging
from datetime import UTC, datetime

import pytest

from collectors.vsphere.mapping import Usage, map_host, map_vm

START, END = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)
HOST = {
    "name": "esx-07",
    "summary.hardware.numCpuPkgs": 2,
    "summary.hardware.numCpuCores": 8,
    "summary.hardware.cpuMhz": 2000,
    "summary.hardware.memorySize": 4 * 1024**3,
}


def _usage(cpu: float, memory: float) -> Usage:
    return Usage(cpu_p95_mhz=cpu, cpu_mean_mhz=cpu / 2, memory_p95_mib=memory, period_start=START, period_end=END)


def test_turbo_kept_broken_counter_dropped(caplog: pytest.LogCaptureFixture) -> None:
    # 2 sockets x 4 cores x 2 000 MHz = 16 000 MHz nominal; turbo up to 2 x = 32 000 MHz.
    turbo = map_host("host-1", HOST, site=None, cluster=None, usage=_usage(20_000, 1_000))
    assert turbo.cpu_usage_p95_mhz == 20_000 and turbo.cpu_usage_mean_mhz == 10_000
    with caplog.at_level(logging.WARNING):
        broken = map_host("host-1", HOST, site=None, cluster=None, usage=_usage(40_000, 1_000))
    assert broken.cpu_usage_p95_mhz is None and broken.cpu_usage_mean_mhz is None
    assert broken.memory_usage_p95_mib == 1_000  # the memory figure is still measured
    assert "esx-07" in caplog.text and "40000 MHz" in caplog.text


def test_memory_above_the_machine_kept_at_its_memory(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        host = map_host("host-1", HOST, site=None, cluster=None, usage=_usage(1_000, 80 * 1024))
    assert host.memory_usage_p95_mib == 4096
    assert "esx-07" in caplog.text and "81920 MiB" in caplog.text
    vm_props = {"name": "web-01", "config.hardware.numCPU": 2, "config.hardware.memoryMB": 2048}
    vm = map_vm("vm-1", vm_props, host=None, cluster=None, usage=_usage(500, 3_000))
    assert vm.memory_usage_p95_mib == 2048 and vm.cpu_usage_p95_mhz == 500
    assert "web-01" in caplog.text
