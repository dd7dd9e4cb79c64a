"""The streaming .xlsx reader reads what openpyxl reads: values, error cells, formulas without value."""

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from collectors.imports.readers import read_xlsx
from collectors.imports.xlsx_fast import read_xlsx_fast


def _book(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "vInfo"
    sheet.append(["VM ", "CPUs", "Memory", "Template", "Note", None, "Far"])
    sheet.append(["app01", 2, 4096.5, True, "=1+1 stored as text", None, "x"])
    sheet.append(["db01", "=2*2", 1e3, False, None, None, None])  # a formula saved without its value
    sheet.append([])  # an empty row, kept with its line number by neither or both
    sheet.append(["é 😀 <&>", 0, -1, None, "#N/A", None, 7])
    sheet.cell(row=2, column=5).data_type = "s"
    error = sheet.cell(row=5, column=5)
    error.data_type = "e"
    sheet.cell(row=8, column=3, value=12)  # a sparse row far below
    book.create_sheet("vHost").append(["Host", "Speed"])
    book.create_sheet("Ignored").append(["nothing"])
    book.save(path)
    return path


def test_fast_reader_reads_what_openpyxl_reads(tmp_path: Path) -> None:
    path = _book(tmp_path / "book.xlsx")
    slow = read_xlsx(path, only=["vInfo", "vHost"])
    fast = read_xlsx_fast(path, only=["vInfo", "vHost"])
    assert set(fast) == set(slow) == {"vInfo", "vHost"}
    for name in slow:
        assert fast[name].headers == slow[name].headers
        assert fast[name].bad_cells == slow[name].bad_cells

        # openpyxl pads rows to the widest one and yields empty rows: compare the cells that hold something.
        def cells(rows: list[tuple[int, list[object]]]) -> set[tuple[int, int, object]]:
            return {(line, i, v) for line, values in rows for i, v in enumerate(values) if v is not None}

        assert cells(fast[name].rows) == cells(slow[name].rows)
    assert fast["vInfo"].bad_cells == {(3, 1): slow["vInfo"].bad_cells[(3, 1)], (5, 4): "cellule en erreur '#N/A'"}
    assert fast["vInfo"].rows[0][1][:4] == ["app01", 2, 4096.5, True]


def test_cell_references_beyond_the_last_column_are_refused() -> None:
    from collectors.imports.xlsx_fast import _column

    assert (_column("A1"), _column("AB12"), _column("XFD7")) == (0, 27, 16_383)
    for bad in ("XFE1", "ZZZZZZZZ1", "1A"):  # past XFD, or no column at all: never padded to
        with pytest.raises(ValueError, match="illisible"):
            _column(bad)


def _with_shared_strings(path: Path, indices: dict[str, str], rows: tuple[list[Any], ...] = ()) -> Path:
    """A vInfo tab (``rows``, or three small ones) whose cells ``indices`` (ref → index text) point
    into a two-string shared table."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "vInfo"
    for row in rows or (["VM", "CPUs"], ["app01", 2], ["db01", 4]):
        sheet.append(row)
    tmp = path.with_suffix(".plain.xlsx")
    book.save(tmp)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for ref, index in indices.items():
                    data = re.sub(
                        rf'<c r="{ref}" t="inlineStr"><is><t>[^<]*</t></is></c>'.encode(),
                        f'<c r="{ref}" t="s"><v>{index}</v></c>'.encode(),
                        data,
                    )
            dst.writestr(item, data)
        dst.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            "<si><t>VM</t></si><si><t>db01</t></si></sst>",
        )
    return path


def test_shared_string_indices_out_of_the_table_are_bad_cells(tmp_path: Path) -> None:
    # -1 would read the last string ("db01") in Python: app01 silently renamed. Named as a bad cell instead.
    path = _with_shared_strings(tmp_path / "sst.xlsx", {"A1": "0", "A2": "-1", "A3": "7"})
    sheet = read_xlsx_fast(path, only=["vInfo"])["vInfo"]
    assert sheet.headers[0] == "VM"
    assert [values[0] for _, values in sheet.rows] == [None, None]
    assert set(sheet.bad_cells) == {(2, 0), (3, 0)}
    assert "chaîne partagée n° -1 absente" in sheet.bad_cells[(2, 0)]


def test_a_bad_shared_string_index_names_the_cell_in_an_import(tmp_path: Path) -> None:
    from collectors.imports import import_rvtools
    from inventory import InvalidSourceData
    from tests.collectors.imports.test_rvtools import VINFO

    path = _with_shared_strings(tmp_path / "sst.xlsx", {"A2": "abc"}, (VINFO[0], *VINFO[1]))
    with pytest.raises(InvalidSourceData, match=r"onglet vInfo, ligne 2, colonne 'VM' : chaîne partagée n° abc"):
        import_rvtools(path)


def _rewritten(source: Path, path: Path, member: str, old: str, new: str) -> Path:
    """``source`` with ``old`` replaced by ``new`` (once) in its archive member ``member``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data.replace(old.encode(), new.encode(), 1) if item.filename == member else data)
    return path


def test_a_cell_past_the_last_column_names_the_tab_and_line_in_french(tmp_path: Path) -> None:
    # Neither reader follows it: the message is the fast reader's (tab, line, reference), not openpyxl's English.
    from collectors.imports import import_rvtools
    from inventory import InvalidSourceData
    from tests.collectors.imports.test_rvtools import ALL, workbook

    good = workbook(tmp_path / "good.xlsx", ALL)
    bad = _rewritten(good, tmp_path / "bad.xlsx", "xl/worksheets/sheet2.xml", 'r="B3"', 'r="ZZZZZZ3"')
    with pytest.raises(InvalidSourceData) as caught:
        import_rvtools(bad)
    assert "onglet vHost, ligne 3 : référence de cellule illisible 'ZZZZZZ3'" in str(caught.value)
    assert "not a valid column" not in str(caught.value)


def test_a_number_that_is_not_one_is_a_bad_cell(tmp_path: Path) -> None:
    path = _with_shared_strings(tmp_path / "n.xlsx", {})
    path = _rewritten(path, tmp_path / "nan.xlsx", "xl/worksheets/sheet1.xml", "<v>2</v>", "<v>nan</v>")
    sheet = read_xlsx_fast(path, only=["vInfo"])["vInfo"]
    assert sheet.bad_cells == {(2, 1): "nombre illisible 'nan'"}
