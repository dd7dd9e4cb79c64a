"""Spreadsheet files as ``Sheet`` objects: CSV files (encoding and delimiter detected) and .xlsx
workbooks (values, not formulas; error cells and uncomputed formulas flagged).

Split from ``collectors.imports.tabular`` (which parses the sheets' cells) so each module keeps one job.
"""

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from collectors.imports.limits import preview
from collectors.imports.tabular import MAX_CSV_FIELD, UNCOMPUTED, Sheet, format_number
from inventory.errors import InvalidSourceData

logger = logging.getLogger(__name__)


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes, *, encoding: str = "auto") -> str:
    """Text of a CSV file: the encoding its BOM names (UTF-8, UTF-16, UTF-32), else UTF-8 if it
    decodes, else cp1252 (Excel FR). A file made a quarter of NUL bytes without a BOM (UTF-16 or
    UTF-32 without BOM) is refused; a stray NUL is left for the cell checks to name."""
    if encoding != "auto":
        return data.decode(encoding)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name)
    sample = data[:4096]
    if sample.count(0) > len(sample) // 4:
        raise ValueError("octets nuls : fichier UTF-16 ou UTF-32 sans BOM ? Enregistrez-le en UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def check_delimiter(delimiter: str) -> None:
    """'auto' or one character other than a quote, a line break or a space (``InvalidSourceData``)."""
    if delimiter != "auto" and (len(delimiter) != 1 or delimiter in '"\r\n '):
        raise InvalidSourceData(
            f"séparateur '{preview(delimiter)}' invalide : un seul caractère (';', ',', tabulation) ou auto"
        )


def read_csv(path: Path, *, encoding: str = "auto", delimiter: str = "auto", name: str | None = None) -> Sheet:
    """A CSV file as a sheet; the delimiter (';', ',', tab) is detected from the header line.

    Line numbers are the file's (a quoted cell may span lines); a field longer than
    ``MAX_CSV_FIELD`` characters or a malformed line is refused naming the line.
    """
    check_delimiter(delimiter)
    try:
        text = decode(path.read_bytes(), encoding=encoding)
    except OSError as err:
        raise InvalidSourceData(f"{path} : lecture impossible : {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise InvalidSourceData(f"{path} : impossible de décoder en {encoding} : {err}") from None
    except LookupError:
        raise InvalidSourceData(f"{path} : encodage inconnu '{preview(encoding)}'") from None
    except ValueError as err:
        raise InvalidSourceData(f"{path} : {err}") from None
    first = text.split("\n", 1)[0]
    if delimiter == "auto":
        delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        where = Sheet(str(path), name, [], []).where(start)
        if "field larger than field limit" in str(err):
            raise InvalidSourceData(
                f"{where} : un champ dépasse {format_number(MAX_CSV_FIELD)} caractères "
                "(aucune colonne n'en stocke autant)"
            ) from None
        raise InvalidSourceData(f"{where} : ligne CSV mal formée ({err})") from None
    if not rows:
        raise InvalidSourceData(f"{path} : fichier vide")
    return Sheet(str(path), name, [h.strip() for h in rows[0][1]], rows[1:])


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (a quick scan of its XML)."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(1 << 20):
                        if _FORMULA.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False


def _formula_cells(path: Path, wanted: set[str] | None) -> dict[str, set[tuple[int, int]]]:
    """(line, column index) of the formula cells of each tab (read without their values)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        found: dict[str, set[tuple[int, int]]] = {}
        for tab in workbook.worksheets:
            if wanted is not None and tab.title not in wanted:
                continue
            tab.reset_dimensions()
            found[tab.title] = {
                (line, index)
                for line, row in enumerate(tab.iter_rows(), start=1)
                for index, cell in enumerate(row)
                if getattr(cell, "data_type", None) == "f"
            }
        return found
    finally:
        workbook.close()


def read_xlsx(path: Path, *, only: Iterable[str] | None = None) -> dict[str, Sheet]:
    """The tabs of a workbook as sheets (values, not formulas), by tab name.

    The dimension a tab declares is not trusted (a stale ``A1:P4`` would hide rows): every row the
    tab holds is read. Error cells (``#N/A``…) and formulas saved without their computed value are
    flagged in ``Sheet.bad_cells``: a cell read from them fails the import.
    """
    from openpyxl import load_workbook

    wanted = set(only) if only is not None else None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        formulas = _formula_cells(path, wanted) if _has_formulas(path) else {}
    except FileNotFoundError:
        raise InvalidSourceData(f"{path} : fichier introuvable") from None
    except Exception as err:  # noqa: BLE001  (openpyxl raises many types for a corrupt file)
        raise InvalidSourceData(f"{path} : classeur .xlsx illisible ({type(err).__name__} : {err})") from None
    sheets: dict[str, Sheet] = {}
    try:
        for tab in workbook.worksheets:
            if wanted is not None and tab.title not in wanted:
                continue
            declared = tab.max_row
            tab.reset_dimensions()
            sheet = Sheet(str(path), tab.title, [], [])
            uncomputed = formulas.get(tab.title, set())
            for line, cells in enumerate(tab.iter_rows(), start=1):
                values = [getattr(cell, "value", None) for cell in cells]
                for index, cell in enumerate(cells):
                    if getattr(cell, "data_type", None) == "e":
                        sheet.bad_cells[(line, index)] = f"cellule en erreur '{preview(cell.value)}'"
                    elif values[index] is None and (line, index) in uncomputed:
                        sheet.bad_cells[(line, index)] = UNCOMPUTED
                if line == 1:
                    sheet.headers = [str(h if h is not None else "").strip() for h in values]
                else:
                    sheet.rows.append((line, values))
            if declared is not None and len(sheet.rows) + 1 > declared:
                logger.info(
                    "%s, onglet %s : dimension déclarée périmée (%d lignes lues)", path, tab.title, len(sheet.rows) + 1
                )
            sheets[tab.title] = sheet
    except Exception as err:  # noqa: BLE001  (a corrupt sheet fails while it is read)
        raise InvalidSourceData(f"{path} : classeur .xlsx illisible ({type(err).__name__} : {err})") from None
    finally:
        workbook.close()
    return sheets
