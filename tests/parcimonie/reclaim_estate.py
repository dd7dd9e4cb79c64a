"""A small estate written through the collectors' path in two runs 40 days apart, for reclamation.

One host (2 x 10 cores at 2 000 MHz, perf 1.0, 256 GiB, 100-300 W) and five VMs: ``old-off``
(powered off in both runs: a zombie of 40 days), ``new-off`` (off since the second run: kept),
``idle`` (50 MHz, 300 MiB of 4 GiB), ``big`` (4 vCPUs at 5 000 MHz, 4 000 MiB of 16 GiB: oversized
memory) and ``busy`` (kept). Hand figures under the default assumptions are in EXPECTED.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from inventory import HostRecord, PowerState, Snapshot, VirtualMachineRecord, record_run

T0 = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=40)

# Host at the 0.8 ceiling: 32 000 MHz, 209 715.2 MiB; 260 W -> 4 099.68 kWh -> 819.936 EUR a year;
# vSphere 32 licensed cores x 150 x 1.2 = 5 760 EUR TTC a year.
EXPECTED = {
    # old-off: 4 x 2 000 x 0.5 = 4 000 MHz reserved -> 0.125 of the host: 102.492 + 720
    "old-off": ("zombie", 0.125, 822.49),
    # idle: 4 096 / 209 715.2 = 0.01953125: 16.014 + 112.5
    "idle": ("idle", 0.01953125, 128.51),
    # big: 16 -> ceil(4 000 x 1.3 / 1 024) = 6 GiB, 10 240 MiB freed -> 0.048828125: 40.036 + 281.25
    "big": ("oversized", 0.048828125, 321.29),
}
TOTAL_EUR = 1272.29


def _vm(ext: str, on: bool, vcpus: int, memory: float, cpu: float | None, mem: float | None) -> VirtualMachineRecord:
    return VirtualMachineRecord(
        external_id=ext,
        name=ext,
        host_external_id="h1",
        n_vcpus=vcpus,
        memory_mib=memory,
        power_state=PowerState.ON if on else PowerState.OFF,
        cpu_usage_p95_mhz=cpu,
        memory_usage_p95_mib=mem,
    )


def _snapshot(second: bool) -> Snapshot:
    host = HostRecord(
        external_id="h1",
        name="esx1",
        n_sockets=2,
        n_cores_per_socket=10,
        cpu_mhz=2000.0,
        memory_mib=262144.0,
        perf_per_core=1.0,
        power_idle_w=100.0,
        power_max_w=300.0,
        hypervisor_version="VMware ESXi 7.0",
    )
    return Snapshot(
        hosts=[host],
        vms=[
            _vm("old-off", False, 4, 8192.0, None, None),
            _vm("new-off", not second, 4, 8192.0, None, None),
            _vm("idle", True, 2, 4096.0, 50.0, 300.0),
            _vm("big", True, 4, 16384.0, 5000.0, 4000.0),
            _vm("busy", True, 2, 4096.0, 3000.0, 4000.0),
        ],
    )


def write_reclaim_estate(engine: Engine) -> None:
    """The two runs, 40 days apart."""
    for at, second in ((T0, False), (T1, True)):
        record_run(engine, source="vsphere:vc1", kind="vsphere", collect=lambda s=second: _snapshot(s), now=at)


def write_run_without(engine: Engine, name: str) -> None:
    """A third run (a day after the second) in which the source no longer reports VM ``name``."""
    snapshot = _snapshot(True)
    snapshot.vms = [vm for vm in snapshot.vms if vm.external_id != name]
    record_run(engine, source="vsphere:vc1", kind="vsphere", collect=lambda: snapshot, now=T1 + timedelta(days=1))
