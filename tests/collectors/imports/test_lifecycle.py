"""GLPI and spreadsheet lists: French formats, aliases, enrichment of known hosts, errors."""

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from collectors.imports import ReadOptions, read_lifecycle
from collectors.imports.tabular import parse_float
from collectors.runner import run_lifecycle, run_rvtools
from inventory import Host, InvalidSourceData, RunStatus, VirtualMachine
from tests.collectors.imports.test_rvtools import ALL, workbook

GLPI = (
    "Nom;Entité;Statut;Fabricant;Modèle;Numéro de série;"
    "Informations financières - Date d'achat;Informations financières - Valeur;"
    "Durée de garantie (mois);Coût de maintenance annuel\r\n"
    "ESX01;Ville;En service;Dell Inc.;PowerEdge R630;7xk2 j42;15/03/2017;8 450,50;60;1 200,00\r\n"
    "esx02;Ville;À réformer;HPE;DL380 Gen10;;01/02/2020;12 000;36;\r\n"
    "srv-nas;Ville;En service;Synology;RS3621;NAS-001;29/02/2024;3 999,99;24;150\r\n"
)


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_glpi_export_in_any_usual_encoding(tmp_path: Path, encoding: str) -> None:
    hosts = read_lifecycle(write(tmp_path / "glpi.csv", GLPI, encoding), kind="hosts")
    esx01, esx02, nas = hosts
    assert esx01.name == "ESX01" and esx01.serial_number == "7xk2 j42"
    assert esx01.purchase_date == date(2017, 3, 15) and esx01.purchase_price_eur == 8450.50
    assert esx01.warranty_end == date(2022, 3, 15) and esx01.support_cost_eur_per_year == 1200
    assert esx02.status == "to_retire" and esx02.warranty_end == date(2023, 2, 1)
    assert nas.warranty_end == date(2026, 2, 28)
    assert "support_cost_eur_per_year" not in esx02.model_fields_set


def test_numbers_in_french_and_english() -> None:
    assert parse_float("1 234,56") == 1234.56
    assert parse_float("1\u202f234,5 €") == 1234.5
    assert parse_float("1.234,56") == 1234.56
    assert parse_float("1,234.56") == 1234.56
    assert parse_float("1,5", decimal=".") == 15.0
    with pytest.raises(ValueError, match="not a number"):
        parse_float("douze")


def test_lifecycle_rows_enrich_hosts_known_from_rvtools(engine: Engine, tmp_path: Path) -> None:
    run_rvtools(engine, workbook(tmp_path / "rv.xlsx", ALL))
    run, report = run_lifecycle(engine, write(tmp_path / "glpi.csv", GLPI, "cp1252"), kind="hosts")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert report is not None
    assert (report.matched_by_serial, report.matched_by_name, report.unmatched) == (1, 1, ["srv-nas"])
    with Session(engine) as session:
        hosts = {h.name: h for h in session.scalars(select(Host))}
    assert len(hosts) == 3  # two enriched, one new: no duplicate
    esx01, esx02 = hosts["esx01.ville.local"], hosts["esx02.ville.local"]
    assert esx01.purchase_price_eur == 8450.50 and esx01.serial_number == "7XK2J42"
    assert esx01.source == "rvtools:vc.ville.local" and esx01.cpu_mhz == 2200
    assert esx02.status == "to_retire" and esx02.warranty_end == date(2023, 2, 1)
    assert hosts["srv-nas"].source == "csv:glpi.csv"
    # A later RVTools import does not erase the lifecycle data.
    run_rvtools(engine, workbook(tmp_path / "rv.xlsx", ALL))
    with Session(engine) as session:
        assert session.scalar(select(Host.purchase_price_eur).where(Host.name == "esx01.ville.local")) == 8450.50


def test_bad_date_fails_naming_line_and_column_and_writes_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    text = GLPI.replace("29/02/2024", "31/02/2024")
    run, _ = run_lifecycle(sqlite_engine, write(tmp_path / "glpi.csv", text, "utf-8"), kind="hosts")
    assert run.status == RunStatus.FAILED
    assert (
        "glpi.csv, line 4, column 'Informations financières - Date d'achat': '31/02/2024' is not a date (DD/MM/YYYY)"
        in (run.error or "")
    )
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(Host)) == 0


def test_missing_name_column_and_unknown_status(tmp_path: Path) -> None:
    with pytest.raises(InvalidSourceData, match=r"list\.csv: missing required column\(s\) 'Nom'"):
        read_lifecycle(write(tmp_path / "list.csv", "Serial;Prix\nA1;12\n", "utf-8"), kind="hosts")
    with pytest.raises(InvalidSourceData, match=r"s\.csv, line 2, column 'Statut': unknown status 'Perdu'"):
        read_lifecycle(write(tmp_path / "s.csv", "Nom;Statut\nesx9;Perdu\n", "utf-8"), kind="hosts")


def test_duplicate_row_is_refused(tmp_path: Path) -> None:
    text = "Name,Serial number,Price\nesx1,S1,10\nesx2,S1,12\n"
    with pytest.raises(InvalidSourceData, match=r"d\.csv, line 3: 'S1' already on line 2"):
        read_lifecycle(write(tmp_path / "d.csv", text, "utf-8"), kind="hosts")


def test_vms_from_an_xlsx_sheet_with_forced_options(sqlite_engine: Engine, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Serveurs virtuels"
    sheet.append(["Nom", "vCPU", "Mémoire (Gio)", "Système d'exploitation", "État", "Commentaire"])
    sheet.append(["etatcivil-app", 2, 8, "Windows Server 2019", "Allumée", "x"])
    sheet.append(["urba-sig", 4, "16,5", "Debian 12", "Éteinte", None])
    path = tmp_path / "vms.xlsx"
    book.save(path)
    vms = read_lifecycle(path, kind="vms", options=ReadOptions(sheet="Serveurs virtuels"))
    assert [(v.name, v.n_vcpus, v.memory_mib, v.power_state) for v in vms] == [
        ("etatcivil-app", 2, 8192, "on"),
        ("urba-sig", 4, 16896, "off"),
    ]
    run, _ = run_lifecycle(sqlite_engine, path, kind="vms", options=ReadOptions(sheet="Serveurs virtuels"))
    assert run.status == RunStatus.SUCCEEDED and run.n_vms == 2
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(VirtualMachine)) == 2
    with pytest.raises(InvalidSourceData, match="no sheet 'VMs'"):
        read_lifecycle(path, kind="vms", options=ReadOptions(sheet="VMs"))
