"""Cells of the budget workbook: header rows, widths, amounts in euros, and text made inert.

Every sheet writes its rows through ``append_row``: text from collected data (a VM, host or cluster
name) is never read as a formula and never holds a character Excel refuses.
"""

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

EUR = '#,##0 "€"'
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection), tab and
#: carriage return included (a spreadsheet may drop them, then read what follows).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert(value: Any) -> Any:
    """Text from collected data stays text: never a formula, never a character Excel refuses.

    A leading =, +, -, @, tab or carriage return gets a "'" in front (the OWASP way); control
    characters a workbook cannot hold become U+FFFD instead of failing the whole export.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def append_row(sheet: Worksheet, values: list[Any]) -> None:
    """Append a row, every text cell made inert and written as a string (never a formula)."""
    sheet.append([inert(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def header_row(sheet: Worksheet, labels: list[str]) -> None:
    """A bold, wrapped header row, frozen above the data."""
    append_row(sheet, list(labels))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def set_widths(sheet: Worksheet, width: int = 18, first: int = 34) -> None:
    """Every column ``width`` characters wide, the first (labels) ``first``."""
    for col in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(col)].width = first if col == 1 else width


def money_format(sheet: Worksheet, columns: range, start_row: int = 2) -> None:
    """The euro format on every number of ``columns`` from ``start_row`` down."""
    for row in sheet.iter_rows(min_row=start_row, min_col=columns.start, max_col=columns.stop - 1):
        for cell in row:
            if isinstance(cell.value, (int, float)):
                cell.number_format = EUR
