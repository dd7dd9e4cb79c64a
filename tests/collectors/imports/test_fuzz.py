"""Hostile cells into valid imports: either a clear refusal that writes nothing, or a faithful import.

Hypothesis writes random values — numbers (negative, huge, NaN, infinities, 1e400), texts with
Rich markup, formulas as text and as real formulas, ``+``/``-``/``@`` prefixes, blanks, very long
strings, NUL and other control characters — into cells of a valid VMs list (CSV), of a valid
RVTools CSV folder and of a valid RVTools workbook, then runs the import through the functions
the CLI uses (``run_list``, ``run_rvtools``) on a fresh copy of a database that already holds the
valid import. Either the run fails with a message naming a line and a column and the inventory is
unchanged, or it succeeds and the changed cells are stored as given (texts as written, formulas
as plain text, numbers equal to the number written). Never another exception, never a partial write.
"""

import csv
import math
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, select
from sqlmodel import Session

from collectors.imports import run_list
from collectors.imports.limits import RANGES
from collectors.runner import run_rvtools
from inventory import (
    Cluster,
    CollectionRun,
    Datastore,
    Host,
    RunStatus,
    Site,
    VirtualMachine,
    make_engine,
    upgrade_database,
)
from tests.collectors.imports.test_rvtools import VHOST, VINFO

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@dataclass(frozen=True)
class Formula:
    """A real workbook formula (saved without a computed value), not text that looks like one."""

    text: str


HOSTILE_TEXTS = [
    "[/red]",
    "[bold]esx[/bold]",
    "=1+1",
    '=HYPERLINK("http://example.invalid","clic")',
    "+33 1 23",
    "-5",
    "@SUM(A1)",
    "",
    "   ",
    "x" * 300,
    "a\x00b",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "NaN",
    "1,5",
    "2.0",
    "8 Go",
]
cells = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 2, 4096, 4097, -1, 10**400 // 10**390, 2.0**40]),
    st.builds(Formula, st.sampled_from(["=1+1", '=HYPERLINK("x")', "=A1*2"])),
)


# -- the valid files and the database that already holds them --------------------------------------

LIST_HEADER = ["Nom", "UUID", "vCPU", "Mémoire (Go)", "OS"]
LIST_ROWS: list[list[Any]] = [["web01", "u-1", 2, 4, "Debian 12"], ["db01", "u-2", 4, 16, "Rocky Linux 8"]]
#: column → (field of the VM row, kind, scale to the stored unit)
LIST_COLUMNS = {
    "Nom": ("name", "text", 1.0),
    "UUID": ("external_id", "text", 1.0),
    "vCPU": ("n_vcpus", "int", 1.0),
    "Mémoire (Go)": ("memory_mib", "memory", 1024.0),
    "OS": ("guest_os", "text", 1.0),
}
RV_COLUMNS = {
    "VM": ("name", "text", 1.0),
    "VM Instance UUID": ("external_id", "text", 1.0),
    "CPUs": ("n_vcpus", "int", 1.0),
    "Memory": ("memory_mib", "float", 1.0),
    "Provisioned MiB": ("storage_provisioned_gib", "float", 1 / 1024),
}


def write_list(path: Path, rows: list[list[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(LIST_HEADER)
        writer.writerows([[_text(c) for c in row] for row in rows])
    return path


def write_rv_folder(path: Path, vinfo: list[list[Any]]) -> Path:
    path.mkdir()
    for tab, header, rows in (("vInfo", VINFO[0], vinfo), ("vHost", VHOST[0], VHOST[1])):
        with open(path / f"RVTools_tab{tab}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[_text(c) for c in row] for row in rows])
    return path


def write_rv_xlsx(path: Path, vinfo: list[list[Any]]) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for tab, header, rows in (("vInfo", VINFO[0], vinfo), ("vHost", VHOST[0], VHOST[1])):
        sheet = book.create_sheet(tab)
        sheet.append(header)
        for line, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                if isinstance(value, Formula):
                    sheet.cell(line, column, value.text)
                elif isinstance(value, str):
                    cell = sheet.cell(line, column, value)
                    cell.data_type = "s"  # text that looks like a formula stays text
                elif value is not None:
                    sheet.cell(line, column, value)
    book.save(path)
    return path


def _text(value: Any) -> str:
    return value.text if isinstance(value, Formula) else str(value)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the valid VMs list and the valid RVTools export (copied per example)."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    run, _ = run_list(engine, write_list(folder / "vms.csv", LIST_ROWS), kind="vms")
    assert run.status == RunStatus.SUCCEEDED, run.error
    run, _ = run_rvtools(engine, write_rv_xlsx(folder / "rv.xlsx", [*map(list, VINFO[1])]))
    assert run.status == RunStatus.SUCCEEDED, run.error
    engine.dispose()
    return path


@pytest.fixture
def fresh(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A factory of fresh copies of the template database, one per example."""
    folder = tmp_path_factory.mktemp("examples")
    engines: list[Engine] = []

    def make() -> tuple[Engine, Path]:
        work = folder / uuid.uuid4().hex
        work.mkdir()
        shutil.copy(template, work / "p.db")
        engine = make_engine(f"sqlite:///{work / 'p.db'}")
        engines.append(engine)
        return engine, work

    yield make
    for engine in engines:
        engine.dispose()


# -- the oracle -----------------------------------------------------------------------------------


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every data row of the inventory (not the runs), to compare before and after."""
    with Session(engine) as session:
        return {
            table.__name__: [tuple(row.model_dump(warnings=False).items()) for row in session.scalars(select(table))]  # type: ignore[call-overload]
            for table in (Site, Cluster, Host, Datastore, VirtualMachine)
        }


def last_run(engine: Engine) -> CollectionRun:
    with Session(engine) as session:
        run = session.scalars(select(CollectionRun).order_by(CollectionRun.id.desc())).first()  # type: ignore[union-attr]
        assert run is not None
        return run


def _python_number(value: Any) -> float | None:
    """The number a cell says in Python's own syntax, None if it is not one."""
    if isinstance(value, bool) or isinstance(value, Formula):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def check(
    engine: Engine,
    before: dict[str, list[tuple[Any, ...]]],
    runs_before: int,
    source: str,
    changed: dict[str, Any],
    columns: dict[str, tuple[str, str, float]],
    identity: str,
) -> None:
    run = last_run(engine)
    assert run.id == runs_before + 1, "one run recorded per import"
    if run.status == RunStatus.FAILED:
        assert run.error is not None and re.search(r"ligne \d+", run.error), run.error
        assert re.search(r"colonne|lignes \d+ et \d+|figure déjà ligne \d+", run.error), run.error
        assert dump(engine) == before, "a refused import wrote nothing"
        return
    assert run.status == RunStatus.SUCCEEDED, run.error
    with Session(engine) as session:
        vm = session.scalars(
            select(VirtualMachine).where(VirtualMachine.source == source, VirtualMachine.external_id == identity)
        ).one()
    for column, value in changed.items():
        name, kind, scale = columns[column]
        stored = getattr(vm, name)
        assert not isinstance(value, Formula), f"a formula without value was imported in {column}"
        if value is None or not str(value).strip():
            # A blank cell says nothing: the identity falls back to the name, other fields are not written.
            assert name != "external_id" or stored == identity, (column, value, stored)
            continue
        if kind == "text":
            assert stored == str(value).strip(), (column, value, stored)
            continue
        assert isinstance(stored, (int, float)) and math.isfinite(stored), (column, value, stored)
        bounds = RANGES[name]
        assert bounds.minimum <= stored <= bounds.maximum, (column, value, stored)
        number = _python_number(value)
        if number is not None:
            assert stored == pytest.approx(number * scale, rel=1e-12), (column, value, stored)


def mutate(base: list[list[Any]], header: list[str], changes: dict[str, Any]) -> list[list[Any]]:
    rows = [list(r) for r in base]
    for column, value in changes.items():
        rows[1][[h.strip() for h in header].index(column)] = value
    return rows


def identity_of(row: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = row.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _workbook_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and value.is_integer() and "e" not in repr(value):
        return int(value)
    return value


def plain(changes: dict[str, Any]) -> dict[str, Any]:
    """In a CSV file a formula is only text."""
    return {k: v.text if isinstance(v, Formula) else v for k, v in changes.items()}


# -- the three imports ----------------------------------------------------------------------------


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(list(LIST_COLUMNS)), cells, min_size=1, max_size=3))
def test_fuzz_vm_list_csv(fresh: Any, changes: dict[str, Any]) -> None:
    changes = plain(changes)
    engine, work = fresh()
    before, runs_before = dump(engine), last_run(engine).id or 0
    rows = mutate(LIST_ROWS, LIST_HEADER, changes)
    run_list(engine, write_list(work / "vms.csv", rows), kind="vms")
    row = dict(zip(LIST_HEADER, rows[1], strict=True))
    check(engine, before, runs_before, "csv:default", changes, LIST_COLUMNS, identity_of(row, ("UUID", "Nom")))


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(list(RV_COLUMNS)), cells, min_size=1, max_size=3))
def test_fuzz_rvtools_csv_folder(fresh: Any, changes: dict[str, Any]) -> None:
    changes = plain(changes)
    engine, work = fresh()
    before, runs_before = dump(engine), last_run(engine).id or 0
    rows = mutate([list(r) for r in VINFO[1]], VINFO[0], changes)
    run_rvtools(engine, write_rv_folder(work / "export", rows))
    row = dict(zip(VINFO[0], rows[1], strict=True))
    ident = identity_of(row, ("VM Instance UUID", "VM UUID", "VM"))
    check(engine, before, runs_before, "rvtools:vc.ville.local", changes, RV_COLUMNS, ident)


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(list(RV_COLUMNS)), cells, min_size=1, max_size=3))
def test_fuzz_rvtools_xlsx(fresh: Any, changes: dict[str, Any]) -> None:
    # A workbook cannot hold control characters (openpyxl refuses them before saving): drop them.
    # It has one number type: 2.0 is saved as 2 and read back as 2 (so a name cell says "2").
    changes = {k: _workbook_value(v) for k, v in changes.items()}
    engine, work = fresh()
    before, runs_before = dump(engine), last_run(engine).id or 0
    rows = mutate([list(r) for r in VINFO[1]], VINFO[0], changes)
    path = write_rv_xlsx(work / "rv.xlsx", rows)
    # The oracle compares with what the workbook holds (openpyxl may round a float when saving).
    sheet = load_workbook(path)["vInfo"]
    for column, value in changes.items():
        if not isinstance(value, Formula):
            changes[column] = rows[1][VINFO[0].index(column)] = sheet.cell(3, VINFO[0].index(column) + 1).value
    run_rvtools(engine, path)
    row = dict(zip(VINFO[0], rows[1], strict=True))
    ident = identity_of(row, ("VM Instance UUID", "VM UUID", "VM"))
    check(engine, before, runs_before, "rvtools:vc.ville.local", changes, RV_COLUMNS, ident)
