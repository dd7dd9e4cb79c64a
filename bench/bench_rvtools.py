"""Benchmark of the RVTools import: a generated export with every tab, read and written.

Writes a workbook of ``--vms`` VMs (default 20 000; 40 VMs per host) with the tabs vInfo, vHost,
vCPU, vMemory, vPartition (two partitions per VM), vCluster and vDatastore, then times
``import_rvtools`` (reading and checking every cell) and ``run_rvtools`` (the same plus the write
into a fresh SQLite database). Target: the whole import of 20 000 VMs under 30 s on 2 cores.
``--small``: 500 VMs, for CI. Prints the figures.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from collectors.imports import import_rvtools  # noqa: E402
from collectors.runner import run_rvtools  # noqa: E402
from inventory import RunStatus, make_engine, upgrade_database  # noqa: E402
from inventory.enums import UsageSource  # noqa: E402

VMS_PER_HOST = 40
HOSTS_PER_CLUSTER = 16


def write_export(path: Path, n_vms: int) -> None:
    """An RVTools-like workbook with every tab the import reads (write-only: fast, little memory)."""
    n_hosts = max(1, n_vms // VMS_PER_HOST)
    book = Workbook(write_only=True)
    vinfo = book.create_sheet("vInfo")
    vinfo.append(
        ["VM", "Powerstate", "Template", "CPUs", "Memory", "Provisioned MiB", "In Use MiB", "Datacenter"]
        + ["Cluster", "Host", "OS according to the configuration file", "VM UUID", "VM Instance UUID", "VI SDK Server"]
    )
    vcpu = book.create_sheet("vCPU")
    vcpu.append(["VM", "Powerstate", "CPUs", "Max", "Overall", "Level", "VM UUID", "VM Instance UUID"])
    vmem = book.create_sheet("vMemory")
    vmem.append(["VM", "Size MiB", "Consumed", "Active", "Ballooned", "Swapped", "VM UUID", "VM Instance UUID"])
    vpart = book.create_sheet("vPartition")
    vpart.append(["VM", "Disk", "Capacity MiB", "Consumed MiB", "Free MiB", "VM UUID", "VM Instance UUID"])
    for j in range(n_vms):
        host = j % n_hosts
        name, uuid, instance = f"srv-{j:05d}", f"4210-{j:08x}", f"5010-{j:08x}"
        on = j % 10 != 0
        vcpus, memory = 1 + j % 8, 2048 * (1 + j % 8)
        cluster = f"CL-{host // HOSTS_PER_CLUSTER:02d}"
        vinfo.append(
            [name, "poweredOn" if on else "poweredOff", False, vcpus, memory, 81920, 40960, "DC-HDV"]
            + [cluster, f"esx{host:04d}.ville.local", "Microsoft Windows Server 2019 (64-bit)", uuid, instance]
            + ["vc.ville.local"]
        )
        overall = (j * 37) % (vcpus * 2400) if on else 0
        vcpu.append([name, "poweredOn", vcpus, vcpus * 2400, overall, "normal", uuid, instance])
        vmem.append([name, memory, memory * 0.8, memory * 0.2, 0, 0, uuid, instance])
        for disk, size in (("C:\\", 61440), ("D:\\", 20480)):
            vpart.append([name, disk, size, size / 2, size / 2, uuid, instance])
    vhost = book.create_sheet("vHost")
    vhost.append(
        ["Host", "Datacenter", "Cluster", "CPU Model", "Speed", "# CPU", "Cores per CPU", "# Memory", "Vendor"]
        + ["Model", "Serial number", "ESX Version", "CPU usage %", "Memory usage %", "VI SDK Server"]
    )
    for h in range(n_hosts):
        vhost.append(
            [f"esx{h:04d}", "DC-HDV", f"CL-{h // HOSTS_PER_CLUSTER:02d}", "Intel(R) Xeon(R) Gold 6230", 2100, 2, 20]
            + [786432, "HPE", "ProLiant DL380 Gen10", f"SN{h:06d}", "VMware ESXi 7.0.3", 35, 60, "vc.ville.local"]
        )
    vcluster = book.create_sheet("vCluster")
    vcluster.append(["Name", "Datacenter", "HA enabled", "Failover Level", "DRS enabled"])
    for c in range((n_hosts + HOSTS_PER_CLUSTER - 1) // HOSTS_PER_CLUSTER):
        vcluster.append([f"CL-{c:02d}", "DC-HDV", True, 1, True])
    vds = book.create_sheet("vDatastore")
    vds.append(["Name", "Type", "Capacity MiB", "Free MiB", "Datacenter"])
    for d in range(max(1, n_hosts // 4)):
        vds.append([f"DS-{d:03d}", "VMFS", 8_388_608, 2_097_152, "DC-HDV"])
    book.save(path)


def main() -> int:
    """Generate the export, import it twice (parse only, then parse and write) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="500 VMs (CI)")
    parser.add_argument("--vms", type=int, default=20_000)
    args = parser.parse_args()
    n_vms = 500 if args.small else args.vms
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "RVTools_export.xlsx"
        start = time.perf_counter()
        write_export(path, n_vms)
        written = time.perf_counter() - start
        print(f"export: {n_vms} VMs, {path.stat().st_size / 1e6:.1f} MB written in {written:.1f} s")
        start = time.perf_counter()
        result = import_rvtools(path)
        parsed = time.perf_counter() - start
        counts = result.usage_counts
        print(
            f"import_rvtools: {parsed:.1f} s ({n_vms / parsed:,.0f} VMs/s); tabs {', '.join(result.present_tabs)}; "
            f"usage: {counts[UsageSource.SAMPLE]} sampled, {counts[UsageSource.HOST_APPORTIONED]} host-apportioned, "
            f"{counts[UsageSource.ESTIMATED]} estimated"
        )
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade_database(engine)
        start = time.perf_counter()
        run, _ = run_rvtools(engine, path)
        total = time.perf_counter() - start
        engine.dispose()
        if run.status != RunStatus.SUCCEEDED:
            print(f"import failed: {run.error}", file=sys.stderr)
            return 1
        target = "" if args.small or n_vms != 20_000 else f" (target ≤ 30 s: {'met' if total <= 30 else 'MISSED'})"
        print(f"run_rvtools (read, check, write to SQLite): {total:.1f} s for {n_vms} VMs{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
