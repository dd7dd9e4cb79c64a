"""GLPI and spreadsheet lists: French formats, aliases, enrichment of known hosts, errors."""

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from collectors.imports import ReadOptions, list_source, read_lifecycle, read_vm_list, run_list
from collectors.imports.tabular import parse_float, parse_memory_mib
from collectors.runner import run_rvtools
from inventory import Cluster, Host, InvalidSourceData, RunStatus, VirtualMachine
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
    with pytest.raises(ValueError, match="'douze' n'est pas un nombre"):
        parse_float("douze")


def test_lifecycle_rows_enrich_hosts_known_from_rvtools(engine: Engine, tmp_path: Path) -> None:
    run_rvtools(engine, workbook(tmp_path / "rv.xlsx", ALL))
    run, report = run_list(engine, write(tmp_path / "glpi.csv", GLPI, "cp1252"), kind="hosts")
    assert run.status == RunStatus.SUCCEEDED, run.error
    enrichment = report.enrichment
    assert enrichment is not None
    assert (enrichment.matched_by_serial, enrichment.matched_by_name, enrichment.unmatched) == (1, 1, ["srv-nas"])
    with Session(engine) as session:
        hosts = {h.name: h for h in session.scalars(select(Host))}
    assert len(hosts) == 3  # two enriched, one new: no duplicate
    esx01, esx02 = hosts["esx01.ville.local"], hosts["esx02.ville.local"]
    assert esx01.purchase_price_eur == 8450.50 and esx01.serial_number == "7XK2J42"
    assert esx01.source == "rvtools:vc.ville.local" and esx01.cpu_mhz == 2200
    assert esx02.status == "to_retire" and esx02.warranty_end == date(2023, 2, 1)
    assert hosts["srv-nas"].source == "csv:default"
    # A later RVTools import does not erase the lifecycle data.
    run_rvtools(engine, workbook(tmp_path / "rv.xlsx", ALL))
    with Session(engine) as session:
        assert session.scalar(select(Host.purchase_price_eur).where(Host.name == "esx01.ville.local")) == 8450.50


def test_bad_date_fails_naming_line_and_column_and_writes_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    text = GLPI.replace("29/02/2024", "31/02/2024")
    run, _ = run_list(sqlite_engine, write(tmp_path / "glpi.csv", text, "utf-8"), kind="hosts")
    assert run.status == RunStatus.FAILED
    assert (
        "glpi.csv, ligne 4, colonne 'Informations financières - Date d'achat' : '31/02/2024' n'est pas une date "
        "(JJ/MM/AAAA)" in (run.error or "")
    )
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(Host)) == 0


def test_missing_name_column_and_unknown_status(tmp_path: Path) -> None:
    with pytest.raises(InvalidSourceData, match=r"list\.csv : colonne\(s\) obligatoire\(s\) absente\(s\) : 'Nom'"):
        read_lifecycle(write(tmp_path / "list.csv", "Serial;Prix\nA1;12\n", "utf-8"), kind="hosts")
    with pytest.raises(InvalidSourceData, match=r"s\.csv, ligne 2, colonne 'Statut' : statut inconnu 'Perdu'"):
        read_lifecycle(write(tmp_path / "s.csv", "Nom;Statut\nesx9;Perdu\n", "utf-8"), kind="hosts")


def test_duplicate_row_is_refused(tmp_path: Path) -> None:
    text = "Name,Serial number,Price\nesx1,S1,10\nesx2,S1,12\n"
    with pytest.raises(InvalidSourceData, match=r"d\.csv, ligne 3 : 'S1' figure déjà ligne 2"):
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
    run, _ = run_list(sqlite_engine, path, kind="vms", options=ReadOptions(sheet="Serveurs virtuels"))
    assert run.status == RunStatus.SUCCEEDED and run.n_vms == 2
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(VirtualMachine)) == 2
    with pytest.raises(InvalidSourceData, match="pas d'onglet 'VMs' \\(onglets : Serveurs virtuels\\)"):
        read_lifecycle(path, kind="vms", options=ReadOptions(sheet="VMs"))


VMS = (
    "Nom;UUID;vCPU;Mémoire (Go);Hôte;Cluster\n"
    "etatcivil-app;4210a1b2-0001;2;8;esx01.ville.local;PROD\n"
    "urba-sig;;4;16,5;ESX02;PROD\n"
    "rh-paie;;2;4;esx99;\n"
)


def vm_rows(session: Session) -> list[tuple[str, str, str]]:
    statement = select(VirtualMachine.external_id, VirtualMachine.name, VirtualMachine.source).order_by(
        VirtualMachine.name
    )
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def test_monthly_exports_under_new_file_names_update_the_same_rows(sqlite_engine: Engine, tmp_path: Path) -> None:
    hosts = "Nom;Numéro de série;Valeur\nsrv-a;SA1;1 000\nsrv-b;;2 000\n"
    for month in ("2026-01", "2026-02"):
        run, _ = run_list(sqlite_engine, write(tmp_path / f"vms_{month}.csv", VMS, "utf-8"), kind="vms")
        assert run.status == RunStatus.SUCCEEDED and run.source == "csv:default", run.error
        run, _ = run_list(sqlite_engine, write(tmp_path / f"hosts_{month}.csv", hosts, "utf-8"), kind="hosts")
        assert run.status == RunStatus.SUCCEEDED and run.source == "csv:default", run.error
    with Session(sqlite_engine) as session:
        # UUID when the row has one, else the name: the natural key of the row, not of the file.
        assert vm_rows(session) == [
            ("4210a1b2-0001", "etatcivil-app", "csv:default"),
            ("rh-paie", "rh-paie", "csv:default"),
            ("urba-sig", "urba-sig", "csv:default"),
        ]
        assert session.scalar(select(func.count()).select_from(Host)) == 2


def test_source_names_keep_lists_of_communes_apart(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "vms.csv", VMS, "utf-8")
    for commune in ("mairie-a", "csv:mairie-b"):
        run, report = run_list(sqlite_engine, path, kind="vms", source=commune)
        assert run.status == RunStatus.SUCCEEDED, run.error
    assert report.source == "csv:mairie-b" and list_source() == "csv:default"
    with Session(sqlite_engine) as session:
        assert {row[2] for row in vm_rows(session)} == {"csv:mairie-a", "csv:mairie-b"}
        assert len(vm_rows(session)) == 6


def test_vms_attach_to_hosts_of_the_same_source_and_unknown_hosts_are_reported(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    hosts = "Nom;Numéro de série\nesx01.ville.local;S-01\nesx02.ville.local;S-02\n"
    run, _ = run_list(sqlite_engine, write(tmp_path / "h.csv", hosts, "utf-8"), kind="hosts", source="ville")
    assert run.status == RunStatus.SUCCEEDED, run.error
    run, report = run_list(sqlite_engine, write(tmp_path / "v.csv", VMS, "utf-8"), kind="vms", source="ville")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.n_vms == 3 and run.n_clusters == 1
    assert report.unattached == [("rh-paie", "esx99")]  # imported, unattached, reported: not an error
    with Session(sqlite_engine) as session:
        statement = (
            select(VirtualMachine.name, Host.name, Cluster.name)
            .join(Host, VirtualMachine.host_id == Host.id, isouter=True)  # type: ignore[arg-type]
            .join(Cluster, VirtualMachine.cluster_id == Cluster.id, isouter=True)  # type: ignore[arg-type]
            .order_by(VirtualMachine.name)
        )
        assert [tuple(r) for r in session.execute(statement)] == [
            ("etatcivil-app", "esx01.ville.local", "PROD"),
            ("rh-paie", None, None),
            ("urba-sig", "esx02.ville.local", "PROD"),  # short name, case ignored
        ]


@pytest.mark.parametrize(
    ("header", "cell", "memory_mib"),
    [
        ("Mémoire (Go)", "8", 8192),
        ("Mémoire (Mo)", "4 096", 4096),
        ("RAM (Go)", "1,5", 1536),
        ("RAM", "8 Go", 8192),
        ("Memory", "512 MB", 512),
        ("Mémoire (Mo)", "2 Go", 2048),  # a unit in the cell wins over the header's
    ],
)
def test_vm_size_aliases_and_units(tmp_path: Path, header: str, cell: str, memory_mib: float) -> None:
    for cpu in ("vCPU", "CPU", "Processeurs"):
        path = write(tmp_path / "v.csv", f"VM;{cpu};{header}\nvm1;2;{cell}\n", "utf-8")
        (vm,) = read_vm_list(path)
        assert (vm.record.n_vcpus, vm.record.memory_mib) == (2, memory_mib)


def test_memory_without_a_unit_is_refused() -> None:
    assert parse_memory_mib(4, unit_mib=1024) == 4096
    with pytest.raises(ValueError, match="unité absente"):
        parse_memory_mib("8", unit_mib=None)
    with pytest.raises(ValueError, match="unité inconnue 'Ko'"):
        parse_memory_mib("8 Ko", unit_mib=None)


def test_a_vm_list_without_sizes_is_refused_unless_allowed(sqlite_engine: Engine, tmp_path: Path) -> None:
    names_only = write(tmp_path / "noms.csv", "Nom;Hôte\nvm1;esx1\n", "utf-8")
    with pytest.raises(
        InvalidSourceData, match=r"noms\.csv : colonne\(s\) obligatoire\(s\) absente\(s\) : 'vCPU', 'Mémoire \(Go\)'"
    ):
        read_vm_list(names_only)
    empty = write(tmp_path / "vides.csv", "Nom;vCPU;Mémoire (Go)\nvm1;2;4\nvm2;;4\nvm3;1;\n", "utf-8")
    run, _ = run_list(sqlite_engine, empty, kind="vms")
    assert run.status == RunStatus.FAILED
    assert (run.error or "").startswith("2 cellule(s) invalide(s) :\n")
    assert f"{empty}, ligne 3, colonne 'vCPU' : vide : une VM sans taille" in (run.error or "")
    assert f"{empty}, ligne 4, colonne 'Mémoire (Go)' : vide" in (run.error or "")
    with Session(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(VirtualMachine)) == 0
    allowed = ReadOptions(allow_missing_sizes=True)
    run, report = run_list(sqlite_engine, empty, kind="vms", options=allowed)
    assert run.status == RunStatus.SUCCEEDED and run.n_vms == 3, run.error
    assert report.without_size == ["vm2", "vm3"]
    run, report = run_list(sqlite_engine, names_only, kind="vms", source="noms", options=allowed)
    assert run.status == RunStatus.SUCCEEDED and report.without_size == ["vm1"]
    assert report.unattached == [("vm1", "esx1")]
