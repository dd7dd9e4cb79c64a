"""The workbook's "Récupération" sheet, read back: the same figures as `parcimonie reclaim --json`."""

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from inventory import make_engine, upgrade_database
from optimizer import Assumptions, Policy
from parcimonie.cli import app
from parcimonie.planning import load_estate
from parcimonie.planning.reclaim import reclaim_report
from parcimonie.planning.workbook_reclaim import COLUMNS, SHEET, TOTAL_LABEL, reclaim_sheet
from tests.parcimonie.reclaim_estate import EXPECTED, TOTAL_EUR, write_reclaim_estate

runner = CliRunner()


def test_report_xlsx_has_the_sheet_with_the_cli_total(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    engine = make_engine(env["PARCIMONIE_DATABASE_URL"])
    write_reclaim_estate(engine)
    engine.dispose()
    target = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["report", "--xlsx", str(target)], env=env)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target)[SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(rows[0]) == COLUMNS
    listed = {r[0]: r for r in rows[1:4]}
    assert set(listed) == set(EXPECTED)
    total_col = COLUMNS.index("Total (€ TTC/an)")
    for name, (_, share, eur) in EXPECTED.items():
        assert listed[name][total_col] == pytest.approx(eur, abs=0.005)
        assert listed[name][COLUMNS.index("Part d'hôte libérée")] == pytest.approx(share, abs=1e-6)
    total = next(r for r in rows if r[0] == TOTAL_LABEL)
    assert total[total_col] == pytest.approx(TOTAL_EUR, abs=0.005)
    cli = json.loads(runner.invoke(app, ["reclaim", "--json"], env=env).output)
    assert total[total_col] == cli["totals"]["eur_per_year"]  # the same figure, to the cent


def test_names_stay_inert(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade_database(engine)
    write_reclaim_estate(engine)
    with Session(engine) as session:
        report = reclaim_report(load_estate(session), assumptions=Assumptions(), policy=Policy())
    renamed = report.model_copy(update={"vms": [v.model_copy(update={"name": "=1+1"}) for v in report.vms]})
    book = Workbook()
    reclaim_sheet(book, renamed)
    cell = book[SHEET]["A2"]
    assert cell.value == "'=1+1" and cell.data_type == "s"
