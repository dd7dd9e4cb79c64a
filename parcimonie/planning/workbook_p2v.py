"""The workbook's "À virtualiser" sheet: the physical servers a plan virtualises (``plan --p2v``).

One row per server (its size as a VM, where it goes, what retiring its hardware saves a year),
then the total of the servers placed and the note on estimated sizes. The figures are the plan
document's, as on the CLI and the dashboard; server names stay inert.
"""

from openpyxl import Workbook

from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import render, text
from parcimonie.planning.p2v import p2v_summary
from parcimonie.planning.workbook_cells import EUR, append_row, header_row, set_widths

__all__ = ["SHEET", "p2v_sheet"]

SHEET = "À virtualiser"
_COLUMNS = ("p2v.col.server", "p2v.col.cpu", "p2v.col.memory", "p2v.col.to_host", "p2v.col.savings")
_ESTIMATED = "Estimé"
_MONEY = 6  # 1-based column of the savings


def p2v_sheet(book: Workbook, plan: PlanDocument) -> None:
    """Add the sheet to ``book`` when the plan virtualises physical servers."""
    section = plan.p2v
    if section is None:
        return
    sheet = book.create_sheet(SHEET)
    header_row(sheet, [*(text(c) for c in _COLUMNS[:3]), _ESTIMATED, *(text(c) for c in _COLUMNS[3:])])
    for s in section.servers:
        estimated = "oui" if s.cpu_estimated or s.memory_estimated else "non"
        to_host = s.to_host or text("p2v.no_room")
        append_row(sheet, [s.name, s.cpu_ref_mhz, s.memory_mib / 1024, estimated, to_host, s.savings_eur_per_year])
    append_row(sheet, [])
    append_row(sheet, ["Total", None, None, None, f"{section.n_placed} placé(s)", section.savings_eur_per_year])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column == _MONEY and isinstance(cell.value, (int, float)):
                cell.number_format = EUR
    append_row(sheet, [])
    append_row(sheet, [render(p2v_summary(section))])
    append_row(sheet, [text("p2v.estimated")])
    set_widths(sheet, width=18, first=30)
