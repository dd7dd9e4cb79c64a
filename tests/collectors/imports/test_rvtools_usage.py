"""Usage tabs of RVTools exports (vCPU, vMemory, vPartition, vHost %), as workbooks and CSV folders."""

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from collectors.imports import import_rvtools
from collectors.runner import run_rvtools
from inventory import Host, InvalidSourceData, RunStatus, VirtualMachine
from inventory.enums import UsageSource
from tests.collectors.imports.test_rvtools import ALL, VHOST, VINFO, workbook

# vHost with usage: esx01 2 × 12 cores at 2 200 MHz, 256 GiB; esx02 2 × 20 cores at 2 100 MHz, 384 GiB.
VHOST_USAGE = (
    [*VHOST[0], "CPU usage %", "Memory usage %"],
    [[*VHOST[1][0], 25, 50], [*VHOST[1][1], "12.5", 10]],
)
# app01 is named by its instance UUID, db01 by its VM UUID, tpl-w2022 by name.
VCPU = (
    ["VM", "CPUs", "Max", "Overall", "Ready", "VM UUID", "VM Instance UUID", "Custom"],
    [
        ["app01", 2, 4400, 1320, 1.5, "4210-aaaa", "5010-0001", "x"],
        ["db01", 4, 8400, 0, None, "4210-bbbb", None, "y"],
    ],
)
VMEMORY = (
    ["VM", "Size MiB", "Consumed", "Active", "Ballooned", "Swapped", "VM Instance UUID"],
    [["app01", 4096, 3900, 1200, 256, 0, "5010-0001"]],
)
VPARTITION = (
    ["VM", "Disk", "Capacity MiB", "Consumed MiB", "VM UUID"],
    [
        ["app01", "C:\\", 61440, 30720, "4210-aaaa"],
        ["app01", "D:\\", 20480, 5120, "4210-aaaa"],
        ["tpl-w2022", "C:\\", 81920, 10240, None],
    ],
)
USAGE = {**ALL, "vHost": VHOST_USAGE, "vCPU": VCPU, "vMemory": VMEMORY, "vPartition": VPARTITION}


def _vms(result: Any) -> dict[str, Any]:
    return {vm.name: vm for vm in result.snapshot.vms}


def _check_usage(result: Any) -> None:
    vms = _vms(result)
    app = vms["app01"]
    assert app.cpu_usage_p95_mhz == 1320
    assert (app.memory_consumed_mib, app.memory_active_mib) == (3900, 1200)
    assert (app.memory_ballooned_mib, app.memory_swapped_mib) == (256, 0)
    assert app.memory_usage_p95_mib == 3900  # consumed: what the host backs
    assert app.disk_used_gib == (30720 + 5120) / 1024  # 35 GiB over two partitions
    assert app.usage_source == UsageSource.SAMPLE
    assert vms["db01"].cpu_usage_p95_mhz == 0 and vms["db01"].usage_source == UsageSource.SAMPLE
    tpl = vms["tpl-w2022"]
    assert tpl.disk_used_gib == 10 and tpl.cpu_usage_p95_mhz is None and tpl.usage_source is None
    hosts = {h.name: h for h in result.snapshot.hosts}
    # 25 % of 2 × 12 × 2 200 MHz = 13 200 MHz; 50 % of 262 144 MiB = 131 072 MiB.
    assert hosts["esx01.ville.local"].cpu_usage_p95_mhz == pytest.approx(13_200)
    assert hosts["esx01.ville.local"].memory_usage_p95_mib == pytest.approx(131_072)
    # 12.5 % of 2 × 20 × 2 100 = 10 500 MHz; 10 % of 393 216 MiB.
    assert hosts["esx02.ville.local"].cpu_usage_p95_mhz == pytest.approx(10_500)
    assert hosts["esx02.ville.local"].memory_usage_p95_mib == pytest.approx(39_321.6)
    assert hosts["esx01.ville.local"].usage_source == UsageSource.SAMPLE
    assert result.usage_counts[UsageSource.SAMPLE] == 2
    assert "vCPU" in result.present_tabs and result.missing_tabs == []


def test_workbook_usage_tabs(tmp_path: Path) -> None:
    _check_usage(import_rvtools(workbook(tmp_path / "usage.xlsx", USAGE)))


def test_csv_folder_usage_tabs(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for tab, (header, rows) in USAGE.items():
        with (folder / f"RVTools_tab{tab}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([["" if c is None else c for c in row] for row in rows])
    _check_usage(import_rvtools(folder))


def test_internal_header_names_and_trailing_spaces(tmp_path: Path) -> None:
    vinfo = (["vInfoVMName", *VINFO[0][1:]], VINFO[1])
    vcpu = (["vCPUVM ", "vCPUOverall", "vCPUVMInstanceUUID"], [["app01", 900, "5010-0001"]])
    vmem = (["VM", "Consumed MB ", "Active MB"], [["app01", 2048, 512]])
    result = import_rvtools(workbook(tmp_path / "internal.xlsx", {"vInfo": vinfo, "vCPU": vcpu, "vMemory": vmem}))
    app = _vms(result)["app01"]
    assert (app.cpu_usage_p95_mhz, app.memory_consumed_mib, app.memory_active_mib) == (900, 2048, 512)


def test_only_vinfo_and_vhost_counts_host_apportioned_vms(tmp_path: Path) -> None:
    result = import_rvtools(workbook(tmp_path / "lean.xlsx", {"vInfo": VINFO, "vHost": VHOST_USAGE}))
    assert all(vm.usage_source is None for vm in result.snapshot.vms)
    counts = result.usage_counts
    assert counts[UsageSource.HOST_APPORTIONED] == 3 and counts[UsageSource.ESTIMATED] == 0


def test_a_name_borne_by_two_vms_never_matches_a_usage_row(tmp_path: Path) -> None:
    rows = [list(r) for r in VINFO[1]]
    rows[1][0] = "app01"  # db01 renamed app01: two VMs share the name
    vcpu = (["VM", "Overall"], [["app01", 700]])
    result = import_rvtools(workbook(tmp_path / "twice.xlsx", {"vInfo": (VINFO[0], rows), "vCPU": vcpu}))
    assert all(vm.cpu_usage_p95_mhz is None for vm in result.snapshot.vms)


def test_usage_rows_of_vms_absent_from_vinfo_are_named(tmp_path: Path) -> None:
    # ghost01 has a vCPU row and a vMemory row but no vInfo row; the shared name app01 (two VMs)
    # matches no VM either: both are named once, their figures used nowhere.
    rows = [list(r) for r in VINFO[1]]
    rows[1][0] = "app01"
    vcpu = (["VM", "Overall"], [["app01", 700], ["ghost01", 50]])
    vmemory = (["VM", "Consumed"], [["ghost01", 512]])
    result = import_rvtools(
        workbook(tmp_path / "ghost.xlsx", {"vInfo": (VINFO[0], rows), "vCPU": vcpu, "vMemory": vmemory})
    )
    assert result.unmatched_usage == ["app01", "ghost01"]
    full = import_rvtools(workbook(tmp_path / "all.xlsx", USAGE))
    assert full.unmatched_usage == []


@pytest.mark.parametrize(
    ("tab", "content", "where"),
    [
        ("vCPU", (["VM", "Overall"], [["app01", "beaucoup"]]), "onglet vCPU, ligne 2, colonne 'Overall'"),
        ("vHost", VHOST_USAGE[:1] + ([[*VHOST[1][0], 140, 10]],), "onglet vHost, ligne 2, colonne 'CPU usage %'"),
        ("vMemory", (["VM", "Ballooned"], [["app01", -5]]), "onglet vMemory, ligne 2, colonne 'Ballooned'"),
    ],
)
def test_bad_usage_cell_names_sheet_line_and_column(tmp_path: Path, tab: str, content: Any, where: str) -> None:
    tabs = {"vInfo": VINFO, tab: content}
    with pytest.raises(InvalidSourceData, match=where):
        import_rvtools(workbook(tmp_path / "bad.xlsx", tabs))


def test_usage_and_its_source_are_stored(engine: Engine, tmp_path: Path) -> None:
    run, result = run_rvtools(engine, workbook(tmp_path / "usage.xlsx", USAGE))
    assert result is not None and run.status == RunStatus.SUCCEEDED
    with Session(engine) as session:
        app = session.exec(select(VirtualMachine).where(VirtualMachine.name == "app01")).one()
        host = session.exec(select(Host).where(Host.name == "esx01.ville.local")).one()
    assert (app.usage_source, app.memory_ballooned_mib, app.disk_used_gib) == (UsageSource.SAMPLE, 256, 35)
    assert (host.usage_source, host.cpu_usage_p95_mhz) == (UsageSource.SAMPLE, pytest.approx(13_200))


@pytest.mark.parametrize(
    ("tab", "content"),
    [
        ("vCPU", (["VM", "Overall", "VM Instance UUID"], [["app01", 100, "5010-0001"], ["app01", 9000, "5010-0001"]])),
        ("vMemory", (["VM", "Consumed"], [["db01", 100], ["db01", 9000]])),
    ],
)
def test_a_vm_twice_in_a_usage_tab_names_both_lines(tmp_path: Path, tab: str, content: Any) -> None:
    # One row per VM in vCPU and vMemory: a second one is refused, never "the last one wins".
    with pytest.raises(InvalidSourceData, match=rf"onglet {tab}, ligne 3, .* figure deux fois, lignes 2 et 3"):
        import_rvtools(workbook(tmp_path / "twice.xlsx", {**USAGE, tab: content}))


def test_partitions_summing_past_the_stored_range_name_the_line(tmp_path: Path) -> None:
    # Each partition is in range, their sum is not: the vPartition line that crosses it is named.
    rows = [["app01", f"P{i}", 1, 60_000_000_000, "4210-aaaa"] for i in range(3)]
    with pytest.raises(InvalidSourceData, match=r"onglet vPartition, ligne 3, colonne 'Consumed MiB' : .*app01"):
        import_rvtools(workbook(tmp_path / "parts.xlsx", {**USAGE, "vPartition": (VPARTITION[0], rows)}))
