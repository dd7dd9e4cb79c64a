"""RVTools exports built with openpyxl (and as CSV folders), good and malformed."""

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from collectors.imports import import_rvtools
from collectors.runner import run_rvtools
from inventory import Host, InvalidSourceData, RunStatus, VirtualMachine

VINFO = (
    [
        "VM",
        "Powerstate",
        "Template",
        "CPUs",
        "Memory",
        "Provisioned MiB",
        "In Use MiB",
        "Datacenter",
        "Cluster",
        "Host",
        "OS according to the configuration file",
        "OS according to the VMware Tools",
        "VM UUID",
        "VM Instance UUID",
        "VI SDK Server",
        "Custom attr: Owner",
    ],
    [
        [
            "app01",
            "poweredOn",
            False,
            2,
            4096,
            61440,
            30720,
            "DC-HDV",
            "CL-PROD",
            "esx01.ville.local",
            "Microsoft Windows Server 2019 (64-bit)",
            "",
            "4210-aaaa",
            "5010-0001",
            "vc.ville.local",
            "DSI",
        ],
        [
            "db01",
            "poweredOff",
            False,
            4,
            16384,
            204800,
            102400,
            "DC-HDV",
            "CL-PROD",
            "esx02.ville.local",
            "Red Hat Enterprise Linux 8 (64-bit)",
            "Rocky Linux 8",
            "4210-bbbb",
            "5010-0002",
            "vc.ville.local",
            "",
        ],
        [
            "tpl-w2022",
            "poweredOff",
            True,
            2,
            8192,
            81920,
            20480,
            "DC-HDV",
            "CL-PROD",
            "esx01.ville.local",
            "Microsoft Windows Server 2022",
            "",
            "4210-cccc",
            "5010-0003",
            "vc.ville.local",
            "",
        ],
    ],
)
VHOST = (
    [
        "Host ",
        "Datacenter",
        "Cluster",
        "CPU Model",
        "Speed",
        "# CPU",
        "Cores per CPU",
        "# Cores",
        "# Memory",
        "Vendor",
        "Model",
        "Serial number",
        "ESX Version",
        "VI SDK Server",
    ],
    [
        [
            "esx01.ville.local",
            "DC-HDV",
            "CL-PROD",
            "Intel(R) Xeon(R) CPU E5-2650 v4 @ 2.20GHz",
            2200,
            2,
            12,
            24,
            262144,
            "Dell Inc.",
            "PowerEdge R630",
            "7XK2J42",
            "VMware ESXi 7.0.3",
            "vc.ville.local",
        ],
        [
            "esx02.ville.local",
            "DC-HDV",
            "CL-PROD",
            "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
            2100,
            2,
            20,
            40,
            393216,
            "HPE",
            "ProLiant DL380 Gen10",
            "CZJ9430ABC",
            "VMware ESXi 7.0.3",
            "vc.ville.local",
        ],
    ],
)
VCLUSTER = (
    ["Name", "Datacenter", "HA enabled", "Failover Level", "DRS enabled"],
    [["CL-PROD", "DC-HDV", True, 1, True]],
)
VDATASTORE = (["Name", "Type", "Capacity MB", "Free MB"], [["DS-SAN-01", "VMFS", 4194304, 1048576]])


def workbook(path: Path, tabs: dict[str, tuple[list[Any], list[list[Any]]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in tabs.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


ALL = {"vInfo": VINFO, "vHost": VHOST, "vCluster": VCLUSTER, "vDatastore": VDATASTORE}


def test_full_workbook_imports_and_reimports(engine: Engine, tmp_path: Path) -> None:
    path = workbook(tmp_path / "RVTools_export_all_2026-11-20.xlsx", ALL)
    run, result = run_rvtools(engine, path)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert result is not None and result.source == "rvtools:vc.ville.local" and result.missing_tabs == []
    assert (run.n_sites, run.n_clusters, run.n_hosts, run.n_vms, run.n_datastores) == (1, 1, 2, 3, 1)
    with Session(engine) as session:
        esx01 = session.scalars(select(Host).where(Host.name == "esx01.ville.local")).one()
        app01 = session.scalars(select(VirtualMachine).where(VirtualMachine.name == "app01")).one()
        db01 = session.scalars(select(VirtualMachine).where(VirtualMachine.name == "db01")).one()
        template = session.scalars(select(VirtualMachine).where(VirtualMachine.name == "tpl-w2022")).one()
    assert (esx01.n_sockets, esx01.n_cores_per_socket, esx01.cpu_mhz, esx01.memory_mib) == (2, 12, 2200, 262144)
    assert esx01.serial_number == "7XK2J42" and esx01.vendor == "Dell Inc." and esx01.cluster_id is not None
    assert app01.external_id == "5010-0001" and app01.n_vcpus == 2 and app01.memory_mib == 4096
    assert app01.storage_provisioned_gib == 60 and app01.storage_used_gib == 30
    assert app01.guest_os == "Microsoft Windows Server 2019 (64-bit)" and app01.power_state == "on"
    assert db01.guest_os == "Rocky Linux 8" and db01.power_state == "off"
    assert template.is_template is True and app01.host_id == esx01.id
    again, _ = run_rvtools(engine, path)
    assert again.n_created == 0 and again.n_marked_missing == 0


def test_partial_workbook_says_which_tabs_are_missing(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = workbook(tmp_path / "partial.xlsx", {"vInfo": VINFO, "vHost": VHOST, "vNetwork": (["VM"], [])})
    result = import_rvtools(path)
    assert result.present_tabs == ["vInfo", "vHost"] and result.missing_tabs == ["vCluster", "vDatastore"]
    assert result.snapshot.complete is False
    assert [c.name for c in result.snapshot.clusters] == ["CL-PROD"]


def test_old_export_with_mb_headers(tmp_path: Path) -> None:
    header = [h.replace("MiB", "MB") for h in VINFO[0]]
    result = import_rvtools(workbook(tmp_path / "old.xlsx", {"vInfo": (header, VINFO[1])}), source="vc-old")
    assert result.source == "rvtools:vc-old"
    assert result.snapshot.vms[0].storage_provisioned_gib == 60


def test_missing_required_column_is_named(sqlite_engine: Engine, tmp_path: Path) -> None:
    header = ["Name" if h == "VM" else h for h in VINFO[0]]
    path = workbook(tmp_path / "bad.xlsx", {"vInfo": (header, VINFO[1])})
    run, result = run_rvtools(sqlite_engine, path)
    assert result is None and run.status == RunStatus.FAILED
    assert run.error == (
        f"{path}, onglet vInfo : colonne(s) obligatoire(s) absente(s) : 'VM' "
        "(noms acceptés pour 'VM' : 'VM', 'VM Name')"
    )
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(VirtualMachine)) == 0


def test_bad_cell_names_file_sheet_line_and_column(tmp_path: Path) -> None:
    rows = [list(r) for r in VHOST[1]]
    rows[1][5] = "deux"
    path = workbook(tmp_path / "cells.xlsx", {"vHost": (VHOST[0], rows)})
    with pytest.raises(
        InvalidSourceData,
        match=r"1 cellule\(s\) invalide\(s\) :\n.*cells\.xlsx, onglet vHost, ligne 3, colonne '# CPU' : "
        r"'deux' n'est pas un nombre",
    ):
        import_rvtools(path)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidSourceData, match="broken.xlsx : classeur .xlsx illisible"):
        import_rvtools(path)


def test_csv_folder_export(tmp_path: Path) -> None:
    folder = tmp_path / "RVTools_export_all_2026-11-20_10.00.00"
    folder.mkdir()
    for tab, (header, rows) in {"vInfo": VINFO, "vHost": VHOST}.items():
        with open(folder / f"RVTools_tab{tab}.csv", "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    result = import_rvtools(folder)
    assert result.present_tabs == ["vInfo", "vHost"]
    assert len(result.snapshot.vms) == 3 and len(result.snapshot.hosts) == 2
    assert result.snapshot.hosts[0].memory_mib == 262144


def test_hosts_named_differently_across_tabs_are_one_host(tmp_path: Path) -> None:
    """vInfo names hosts by FQDN or in another case, vHost by short name: one host each, no stub.
    A host no vHost row describes is kept (capacity unknown) and counted with its VMs."""
    vhost_rows = [[("ESX01" if row[0] == "esx01.ville.local" else row[0]), *row[1:]] for row in VHOST[1]]
    vinfo_rows = [list(row) for row in VINFO[1]]
    vinfo_rows[1][9] = "ESX02.VILLE.LOCAL"  # the other case
    vinfo_rows.append(
        [*vinfo_rows[0][:9], "esx99.ville.local", *vinfo_rows[0][10:12], "4210-dddd", "5010-0004", *vinfo_rows[0][14:]]
    )
    vinfo_rows[-1][0] = "orphan01"
    path = workbook(tmp_path / "names.xlsx", {"vInfo": (VINFO[0], vinfo_rows), "vHost": (VHOST[0], vhost_rows)})
    result = import_rvtools(path, source="vc")
    hosts = {h.external_id: h for h in result.snapshot.hosts}
    assert set(hosts) == {"ESX01", "esx02.ville.local", "esx99.ville.local"}  # no stub for the two known hosts
    on = {vm.name: vm.host_external_id for vm in result.snapshot.vms}
    assert on["app01"] == "ESX01" and on["tpl-w2022"] == "ESX01"  # FQDN in vInfo, short name in vHost
    assert on["db01"] == "esx02.ville.local"  # another case
    assert result.undescribed_hosts == {"esx99.ville.local": 1}
    assert hosts["esx99.ville.local"].cpu_mhz is None


def test_an_ambiguous_short_name_is_never_guessed(tmp_path: Path) -> None:
    rows = [list(VHOST[1][0]), list(VHOST[1][0])]
    rows[1][0], rows[1][11] = "esx01.autre.local", "OTHER-SN"
    vinfo = [list(VINFO[1][0])]
    vinfo[0][9] = "esx01"  # which one?
    path = workbook(tmp_path / "ambiguous.xlsx", {"vInfo": (VINFO[0], vinfo), "vHost": (VHOST[0], rows)})
    result = import_rvtools(path, source="vc")
    assert result.snapshot.vms[0].host_external_id == "esx01"
    assert result.undescribed_hosts == {"esx01": 1}
