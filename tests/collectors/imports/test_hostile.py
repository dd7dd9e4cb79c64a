"""The reviewer's hostile cases: every bad value refused at the door, naming where it is.

Test names carry the review's case IDs (Z05, R08, C23…).
"""

import csv
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlmodel import Session
from typer.testing import CliRunner

from collectors.imports import ReadOptions, import_rvtools, read_lifecycle, read_vm_list, run_list
from collectors.imports.limits import RANGES, date_bounds
from collectors.imports.tabular import ParseOptions, parse_float, parse_int
from collectors.runner import run_rvtools
from inventory import CollectionRun, Host, InvalidSourceData, RunStatus, VirtualMachine
from inventory.source_counts import count_present
from parcimonie.cli import app
from tests.collectors.imports.test_rvtools import ALL, VCLUSTER, VDATASTORE, VHOST, VINFO, workbook

Tab = tuple[list[Any], list[list[Any]]]


def vinfo_rows(n: int) -> list[list[Any]]:
    template = VINFO[1][0]
    rows = []
    for i in range(n):
        row = list(template)
        row[0], row[12], row[13] = f"vm{i:03d}", f"uuid-{i}", f"inst-{i}"
        rows.append(row)
    return rows


def with_cell(tab: Tab, row: int, header: str, value: Any) -> Tab:
    rows = [list(r) for r in tab[1]]
    index = [h.strip() for h in tab[0]].index(header)
    rows[row][index] = value
    return tab[0], rows


def csv_folder(path: Path, tabs: dict[str, Tab]) -> Path:
    path.mkdir()
    for title, (header, rows) in tabs.items():
        with open(path / f"RVTools_tab{title}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Host)) or 0,
            session.scalar(select(func.count()).select_from(VirtualMachine)) or 0,
            session.scalar(
                select(func.count()).select_from(VirtualMachine).where(VirtualMachine.missing_since.is_not(None))
            )  # type: ignore[union-attr]
            or 0,
        )


def runs(engine: Engine) -> list[CollectionRun]:
    with Session(engine) as session:
        return list(session.scalars(select(CollectionRun).order_by(CollectionRun.id)))  # type: ignore[arg-type]


# -- Z05: a stale <dimension> does not hide rows ----------------------------------------------------


def test_z05_stale_dimension_reads_every_row(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = workbook(tmp_path / "big.xlsx", {**ALL, "vInfo": (VINFO[0], vinfo_rows(40))})
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<dimension" in data
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:P4"/>', data)
                assert b'ref="A1:P4"' in data
            target.writestr(item, data)
    result = import_rvtools(stale)
    assert len(result.snapshot.vms) == 40 and result.rows["vInfo"] == 40
    run, _ = run_rvtools(sqlite_engine, stale)
    assert run.status == RunStatus.SUCCEEDED and run.n_vms == 40 and run.n_marked_missing == 0


# -- R25/R36: an export cut short does not empty the source --------------------------------------


def test_r25_header_only_export_is_refused_unless_allowed(sqlite_engine: Engine, tmp_path: Path) -> None:
    run, _ = run_rvtools(sqlite_engine, workbook(tmp_path / "full.xlsx", ALL))
    assert run.status == RunStatus.SUCCEEDED
    empty = workbook(tmp_path / "empty.xlsx", {tab: (header, []) for tab, (header, _) in ALL.items()})
    run, result = run_rvtools(sqlite_engine, empty)
    assert run.status == RunStatus.FAILED and result is None
    assert run.error is not None and "onglet(s) vInfo, vHost sans aucune ligne" in run.error
    assert "--allow-shrink" in run.error
    assert counts(sqlite_engine) == (2, 3, 0)
    # Without a row, the export cannot even say its vCenter: the source is named.
    run, _ = run_rvtools(sqlite_engine, empty, source="vc.ville.local", allow_shrink=True)
    assert run.status == RunStatus.SUCCEEDED and run.n_marked_missing == 2 + 3 + 1 + 1 + 1  # and site
    assert counts(sqlite_engine) == (2, 3, 3)


def test_r25_header_only_export_on_an_empty_inventory_is_refused_too(sqlite_engine: Engine, tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "export", {"vInfo": (VINFO[0], []), "vHost": VHOST})
    run, _ = run_rvtools(sqlite_engine, folder)
    assert run.status == RunStatus.FAILED and run.error is not None and "onglet(s) vInfo sans aucune ligne" in run.error


def test_r36_export_that_marks_most_of_the_source_missing_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    run_rvtools(sqlite_engine, workbook(tmp_path / "full.xlsx", ALL))
    with Session(sqlite_engine) as session:
        assert count_present(session, "rvtools:vc.ville.local") == (2, 3)
    shrunk = workbook(tmp_path / "shrunk.xlsx", {**ALL, "vInfo": (VINFO[0], VINFO[1][:1])})
    run, _ = run_rvtools(sqlite_engine, shrunk)
    assert run.status == RunStatus.FAILED
    assert run.error == (
        "rvtools:vc.ville.local : cet import marquerait disparus 2 VM sur 3 et 0 hôte(s) sur 2 (plus de 50 % "
        "de la source) : export incomplet ? Rien n'est importé ; si c'est voulu, relancez avec --allow-shrink."
    )
    assert counts(sqlite_engine) == (2, 3, 0)
    run, _ = run_rvtools(sqlite_engine, shrunk, allow_shrink=True)
    assert run.status == RunStatus.SUCCEEDED and counts(sqlite_engine) == (2, 3, 2)
    # Losing one VM of three is an ordinary month.
    run_rvtools(sqlite_engine, workbook(tmp_path / "full.xlsx", ALL))
    run, _ = run_rvtools(sqlite_engine, workbook(tmp_path / "minus1.xlsx", {**ALL, "vInfo": (VINFO[0], VINFO[1][:2])}))
    assert run.status == RunStatus.SUCCEEDED and run.n_marked_missing == 1


def test_r36_cli_allow_shrink(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    assert runner.invoke(app, ["import", "rvtools", str(workbook(tmp_path / "a.xlsx", ALL))], env=env).exit_code == 0
    empty = workbook(tmp_path / "empty.xlsx", {tab: (header, []) for tab, (header, _) in ALL.items()})
    result = runner.invoke(app, ["import", "rvtools", str(empty)], env=env)
    assert result.exit_code == 2 and "--allow-shrink" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["import", "rvtools", str(empty), "--allow-shrink"], env=env)
    assert result.exit_code == 0, result.output


# -- R17/G06, R16/R18/C17: NaN, infinities and overflows -----------------------------------------


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400"])
def test_r17_g06_non_finite_numbers_are_refused(tmp_path: Path, cell: str) -> None:
    folder = csv_folder(tmp_path / "export", {"vInfo": with_cell(VINFO, 1, "Memory", cell)})
    with pytest.raises(InvalidSourceData) as caught:
        import_rvtools(folder)
    message = str(caught.value)
    assert "RVTools_tabvInfo.csv, onglet vInfo, ligne 3, colonne 'Memory'" in message
    assert f"'{cell}' n'est pas un nombre" in message


def test_r17_parsers_never_return_nan_or_inf() -> None:
    for cell in ("nan", "inf", "1e400", float("nan"), float("inf"), 10**400):
        with pytest.raises(ValueError, match="n'est pas un nombre"):
            parse_float(cell)
        with pytest.raises(ValueError, match="n'est pas un nombre"):
            parse_int(cell)


@pytest.mark.parametrize("cell", ["inf", "1e400"])
def test_r16_r18_infinite_integer_cells_record_a_failed_run(sqlite_engine: Engine, tmp_path: Path, cell: str) -> None:
    folder = csv_folder(tmp_path / "export", {"vInfo": with_cell(VINFO, 0, "CPUs", cell), "vHost": VHOST})
    run, result = run_rvtools(sqlite_engine, folder)
    assert result is None and run.status == RunStatus.FAILED
    assert run.error is not None and "ligne 2, colonne 'CPUs' :" in run.error and "n'est pas un nombre" in run.error
    assert counts(sqlite_engine) == (0, 0, 0)


def test_c17_infinite_vcpus_in_a_vm_list_record_a_failed_run(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "vms.csv"
    path.write_text("Nom;vCPU;Mémoire (Go)\nvm1;1e400;4\nvm2;inf;4\n", encoding="utf-8")
    run, _ = run_list(sqlite_engine, path, kind="vms")
    assert run.status == RunStatus.FAILED and run.error is not None
    assert "ligne 2, colonne 'vCPU' : '1e400' n'est pas un nombre fini" in run.error
    assert "ligne 3, colonne 'vCPU' : 'inf' n'est pas un nombre" in run.error


# -- R21, R19/R20: one object, two rows -----------------------------------------------------------


def test_r21_duplicate_host_rows_name_both_lines(sqlite_engine: Engine, tmp_path: Path) -> None:
    hosts = (VHOST[0], [VHOST[1][0], VHOST[1][1], with_cell(VHOST, 0, "CPU Model", "autre")[1][0]])
    path = workbook(tmp_path / "dup.xlsx", {**ALL, "vHost": hosts})
    run, _ = run_rvtools(sqlite_engine, path)
    assert run.status == RunStatus.FAILED
    assert run.error == (
        f"{path}, onglet vHost, ligne 4, colonne 'Host' : l'hôte 'esx01.ville.local' figure deux fois, lignes 2 et 4"
    )
    assert counts(sqlite_engine) == (0, 0, 0)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_r19_r20_duplicate_vm_rows_name_both_lines(tmp_path: Path, fmt: str) -> None:
    rows = [*VINFO[1], with_cell(VINFO, 0, "Memory", 8192)[1][0]]
    tabs = {"vInfo": (VINFO[0], rows)}
    path = workbook(tmp_path / "dup.xlsx", tabs) if fmt == "xlsx" else csv_folder(tmp_path / "dup", tabs)
    with pytest.raises(
        InvalidSourceData,
        match=r"onglet vInfo, ligne 5, colonne 'VM Instance UUID' : la VM '5010-0001' figure deux fois, lignes 2 et 5$",
    ):
        import_rvtools(path)


def test_r20_duplicate_datastores_and_clusters(tmp_path: Path) -> None:
    stores = (VDATASTORE[0], VDATASTORE[1] * 2)
    with pytest.raises(InvalidSourceData, match="onglet vDatastore, ligne 3.*figure deux fois, lignes 2 et 3"):
        import_rvtools(workbook(tmp_path / "ds.xlsx", {"vDatastore": stores}))
    clusters = (VCLUSTER[0], VCLUSTER[1] * 2)
    with pytest.raises(InvalidSourceData, match="onglet vCluster, ligne 3.*figure deux fois, lignes 2 et 3"):
        import_rvtools(workbook(tmp_path / "cl.xlsx", {"vCluster": clusters}))


def test_r21_a_header_twice_is_refused(tmp_path: Path) -> None:
    header = [*VINFO[0], "CPUs"]
    rows = [[*r, 64] for r in VINFO[1]]
    with pytest.raises(InvalidSourceData, match=r"la colonne 'CPUs' figure 2 fois \(colonnes 4 et 17\)"):
        import_rvtools(workbook(tmp_path / "twice.xlsx", {"vInfo": (header, rows)}))


# -- R08/R08f, R12: size columns renamed, formulas without value ---------------------------------


def test_r08_renamed_vinfo_size_columns_are_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    header = [{"CPUs": "Num vCPU", "Memory": "Mem"}.get(h, h) for h in VINFO[0]]
    path = workbook(tmp_path / "renamed.xlsx", {**ALL, "vInfo": (header, VINFO[1])})
    run, _ = run_rvtools(sqlite_engine, path)
    assert run.status == RunStatus.FAILED
    assert run.error == (
        f"{path}, onglet vInfo : colonne(s) obligatoire(s) absente(s) : 'CPUs', 'Memory' (noms acceptés pour "
        "'CPUs' : 'CPUs', 'Num CPU' ; pour 'Memory' : 'Memory', 'Memory MiB', 'Memory MB')"
    )


def test_r08f_vhost_without_sizes_or_cores_is_refused(tmp_path: Path) -> None:
    header = [{"# Memory": "RAM", "Speed": "Clock"}.get(h, h) for h in VHOST[0]]
    with pytest.raises(InvalidSourceData, match=r"onglet vHost : .*absente\(s\) : 'Speed', '# Memory' \(noms acceptés"):
        import_rvtools(workbook(tmp_path / "h.xlsx", {"vHost": (header, VHOST[1])}))
    keep = [i for i, h in enumerate(VHOST[0]) if h not in ("Cores per CPU", "# Cores")]
    no_cores = ([VHOST[0][i] for i in keep], [[r[i] for i in keep] for r in VHOST[1]])
    with pytest.raises(InvalidSourceData, match=r"onglet vHost : .*'Cores per CPU' ou '# Cores'"):
        import_rvtools(workbook(tmp_path / "c.xlsx", {"vHost": no_cores}))


def test_r08f_cores_that_do_not_divide_are_refused(tmp_path: Path) -> None:
    keep = [i for i, h in enumerate(VHOST[0]) if h != "Cores per CPU"]
    hosts = ([VHOST[0][i] for i in keep], [[r[i] for i in keep] for r in VHOST[1]])
    assert import_rvtools(workbook(tmp_path / "ok.xlsx", {"vHost": hosts})).snapshot.hosts[0].n_cores_per_socket == 12
    odd = with_cell(hosts, 0, "# Cores", 25)
    with pytest.raises(InvalidSourceData, match="ligne 2, colonne '# Cores' : 25 cœurs ne se répartissent pas sur 2"):
        import_rvtools(workbook(tmp_path / "odd.xlsx", {"vHost": odd}))


def test_r12_formula_without_cached_value_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "formula.xlsx", {"vInfo": with_cell(VINFO, 1, "CPUs", "=2*2")})
    with pytest.raises(InvalidSourceData) as caught:
        import_rvtools(path)
    assert (
        "onglet vInfo, ligne 3, colonne 'CPUs' : formule sans valeur calculée : enregistrez le classeur dans "
        "Excel/LibreOffice" in str(caught.value)
    )
    # in an optional column too: a formula never becomes an empty value
    path = workbook(tmp_path / "formula2.xlsx", {"vInfo": with_cell(VINFO, 0, "Cluster", '=HYPERLINK("x")')})
    with pytest.raises(InvalidSourceData, match="ligne 2, colonne 'Cluster' : formule sans valeur calculée"):
        import_rvtools(path)


def test_r12_formula_text_stored_as_text_is_data(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "vInfo"
    sheet.append(VINFO[0])
    for row in VINFO[1]:
        sheet.append(row)
    cell = sheet.cell(row=2, column=1, value="=1+1")
    cell.data_type = "s"
    book.save(tmp_path / "text.xlsx")
    assert import_rvtools(tmp_path / "text.xlsx").snapshot.vms[0].name == "=1+1"


def test_r12_error_cells_are_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "vInfo"
    sheet.append(VINFO[0])
    for row in VINFO[1]:
        sheet.append(row)
    cell = sheet.cell(row=3, column=5, value="#N/A")
    cell.data_type = "e"
    book.save(tmp_path / "err.xlsx")
    with pytest.raises(InvalidSourceData, match="ligne 3, colonne 'Memory' : cellule en erreur '#N/A'"):
        import_rvtools(tmp_path / "err.xlsx")


# -- R23: lengths and control characters ---------------------------------------------------------


def test_r23_long_vm_name_is_refused_with_its_line_and_a_failed_run(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = workbook(tmp_path / "long.xlsx", {**ALL, "vInfo": with_cell(VINFO, 2, "VM", "v" * 300)})
    run, _ = run_rvtools(sqlite_engine, path)
    assert run.status == RunStatus.FAILED and run.error is not None
    assert "onglet vInfo, ligne 4, colonne 'VM' : texte de 300 caractères, 255 au plus : 'vvvv" in run.error
    assert counts(sqlite_engine) == (0, 0, 0)
    assert [r.status for r in runs(sqlite_engine)] == [RunStatus.FAILED]


def test_r23_names_up_to_255_are_kept_but_identities_fit_200(tmp_path: Path) -> None:
    name = "n" * 255
    result = import_rvtools(workbook(tmp_path / "ok.xlsx", {"vInfo": with_cell(VINFO, 0, "VM", name)}))
    assert result.snapshot.vms[0].name == name
    header = [h for h in VINFO[0] if h not in ("VM UUID", "VM Instance UUID")]
    keep = [VINFO[0].index(h) for h in header]
    rows = [[r[i] for i in keep] for r in VINFO[1]]
    rows[0][0] = "n" * 201
    with pytest.raises(InvalidSourceData, match="ligne 2, colonne 'VM' : identifiant de 201 caractères, 200 au plus"):
        import_rvtools(workbook(tmp_path / "id.xlsx", {"vInfo": (header, rows)}))


@pytest.mark.parametrize("text", ["app\x0001", "app\n01", "db\x1b[31m", "x\x7f"])
def test_r23_control_characters_are_refused(tmp_path: Path, text: str) -> None:
    folder = csv_folder(tmp_path / "export", {"vInfo": with_cell(VINFO, 1, "OS according to the VMware Tools", text)})
    with pytest.raises(
        InvalidSourceData,
        match=r"onglet vInfo, ligne 3, colonne 'OS according to the VMware Tools' : caractère de contrôle interdit",
    ):
        import_rvtools(folder)


def test_r23_long_name_in_a_vm_list_records_a_failed_run(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "vms.csv"
    path.write_text(f"Nom;vCPU;Mémoire (Go)\nvm1;2;4\n{'x' * 300};2;4\n", encoding="utf-8")
    run, _ = run_list(sqlite_engine, path, kind="vms")
    assert run.status == RunStatus.FAILED and run.error is not None
    assert "vms.csv, ligne 3, colonne 'Nom' : texte de 300 caractères, 255 au plus" in run.error


# -- C23, C26, C31, C04, R33: files and options that used to crash -------------------------------


def test_c23_a_huge_csv_field_is_named_not_a_traceback(sqlite_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text(f"Nom;Modèle\nesx01;R630\nesx02;{'x' * 200_000}\n", encoding="utf-8")
    run, _ = run_list(sqlite_engine, path, kind="hosts")
    assert run.status == RunStatus.FAILED
    assert (
        run.error == f"{path}, ligne 3 : un champ dépasse 131\u202f072 caractères (aucune colonne n'en stocke autant)"
    )


def test_c23_line_numbers_follow_multiline_cells(tmp_path: Path) -> None:
    path = tmp_path / "vms.csv"
    path.write_text('Nom;vCPU;Mémoire (Go);OS\nvm1;2;4;"Linux\nRocky"\nvm2;deux;4;Linux\n', encoding="utf-8")
    with pytest.raises(InvalidSourceData) as caught:
        read_vm_list(path)
    assert "ligne 2, colonne 'OS' : caractère de contrôle interdit (U+000A)" in str(caught.value)
    assert "ligne 4, colonne 'vCPU' : 'deux' n'est pas un nombre" in str(caught.value)


def test_c26_absurd_warranty_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text("Nom;Date d'achat;Durée de garantie (mois)\nesx01;01/01/2020;999999999\n", encoding="utf-8")
    with pytest.raises(
        InvalidSourceData,
        match=r"ligne 2, colonne 'Durée de garantie \(mois\)' : 999\u202f999\u202f999 mois hors de la plage admise "
        r"pour durée de garantie : de 0 à 360 mois",
    ):
        read_lifecycle(path, kind="hosts")


def test_c31_r33_options_are_validated(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    runner = CliRunner()
    path = tmp_path / "vms.csv"
    path.write_text("Nom;vCPU;Mémoire (Go)\nvm1;2;4\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(path), "--kind", "vms", "--delimiter", "::"], env=env)
    assert result.exit_code == 2 and "--delimiter demande un seul caractère" in result.output
    result = runner.invoke(app, ["import", "csv", str(path), "--kind", "vms", "--encoding", "klingon"], env=env)
    assert result.exit_code == 2 and "encodage inconnu 'klingon'" in result.output
    result = runner.invoke(
        app, ["import", "rvtools", str(workbook(tmp_path / "a.xlsx", ALL)), "--decimal", "x"], env=env
    )
    assert result.exit_code == 2 and "--decimal doit valoir '.' ou ','" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(InvalidSourceData, match="séparateur '::' invalide"):
        read_vm_list(path, options=ReadOptions(delimiter="::"))
    with pytest.raises(InvalidSourceData, match="séparateur décimal 'x' inconnu"):
        import_rvtools(workbook(tmp_path / "b.xlsx", ALL), options=ParseOptions(decimal="x"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_c04_utf16_and_utf32_files_with_a_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "vms.csv"
    text = "Nom;vCPU;Mémoire (Go)\r\nvm1;2;4\r\n"
    bom = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    assert [(vm.record.name, vm.record.n_vcpus) for vm in read_vm_list(path)] == [("vm1", 2)]


def test_c04_utf16_without_bom_is_named(tmp_path: Path) -> None:
    path = tmp_path / "vms.csv"
    path.write_bytes("Nom;vCPU;Mémoire (Go)\r\nvm1;2;4\r\n".encode("utf-16-le"))
    with pytest.raises(InvalidSourceData, match="octets nuls : fichier UTF-16 ou UTF-32 sans BOM"):
        read_vm_list(path)


def test_markup_in_cells_is_printed_as_text(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    path = tmp_path / "vms.csv"
    path.write_text("Nom;vCPU;Mémoire (Go);Hôte\n[/red]vm1;2;4;[bold]esx\nvm2;[/red];4;esx\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "csv", str(path), "--kind", "vms"], env=env)
    assert result.exit_code == 2 and "'[/red]' n'est pas un nombre" in result.output, result.output
    path.write_text("Nom;vCPU;Mémoire (Go);Hôte\n[/red]vm1;2;4;[bold]esx\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "csv", str(path), "--kind", "vms"], env=env)
    assert result.exit_code == 0 and "[/red]vm1 ([bold]esx)" in result.output, result.output


# -- 8: ranges ------------------------------------------------------------------------------------

HOSTS_HEADER = "Nom;Sockets;Fréquence (MHz);Mémoire (Go);Date d'achat;Prix;Fin de garantie"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("-1;2000;256;01/01/2020;1000;", "Sockets", "-1 sockets hors de la plage admise"),
        ("2;-2000;256;01/01/2020;1000;", "Fréquence (MHz)", "-2\u202f000 MHz hors de la plage admise"),
        ("2;2000;-1;01/01/2020;1000;", "Mémoire (Go)", "-1\u202f024 Mio hors de la plage admise"),
        (
            "2;2000;65 To;01/01/2020;1000;",
            "Mémoire (Go)",
            "68\u202f157\u202f440 Mio hors de la plage admise pour mémoire",
        ),
        ("2;2000;256;01/01/2090;1000;", "Date d'achat", "date 01/01/2090 hors de la plage admise : du 01/01/1990"),
        ("2;2000;256;31/12/1985;1000;", "Date d'achat", "date 31/12/1985 hors de la plage admise"),
        (
            "2;2000;256;01/01/2020;-1;",
            "Prix",
            "-1 € hors de la plage admise pour prix d'achat : de 0 à 10\u202f000\u202f000 €",
        ),
        ("2;2000;256;01/01/2020;20 000 000;", "Prix", "20\u202f000\u202f000 € hors de la plage admise"),
        ("2;2000;256;01/01/2020;1000;01/01/2019", "Fin de garantie", "garantie finie le 01/01/2019, avant l'achat"),
    ],
)
def test_values_out_of_range_are_refused_naming_value_and_range(
    tmp_path: Path, cells: str, column: str, message: str
) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text(f"{HOSTS_HEADER}\nesx01;{cells}\n", encoding="utf-8")
    with pytest.raises(InvalidSourceData) as caught:
        read_lifecycle(path, kind="hosts")
    assert f"hosts.csv, ligne 2, colonne '{column}' : {message}" in str(caught.value)


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("CPUs", -2, "-2 vCPU hors de la plage admise pour vCPU d'une VM : de 1 à 4\u202f096 vCPU"),
        ("CPUs", 5000, "5\u202f000 vCPU hors de la plage admise"),
        ("Memory", 2.0**40, "1\u202f099\u202f511\u202f627\u202f776 Mio hors de la plage admise pour mémoire d'une VM"),
        ("Provisioned MiB", -1024, "-1 Gio hors de la plage admise pour stockage provisionné"),
    ],
)
def test_rvtools_sizes_out_of_range(tmp_path: Path, header: str, cell: Any, message: str) -> None:
    with pytest.raises(InvalidSourceData, match=f"ligne 2, colonne '{header}' : {re.escape(message)}"):
        import_rvtools(workbook(tmp_path / "r.xlsx", {"vInfo": with_cell(VINFO, 0, header, cell)}))


def test_date_bounds_follow_today() -> None:
    assert date_bounds("purchase_date", date(2026, 5, 1)) == (date(1990, 1, 1), date(2027, 12, 31))
    assert date_bounds("warranty_end", date(2026, 5, 1)) == (date(1990, 1, 1), date(2057, 12, 31))


def test_docs_list_every_range() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "collectors.md").read_text(encoding="utf-8")
    for bounds in RANGES.values():
        assert f"| `{bounds.field}` |" in docs, bounds.field
