"""The workbook's "Migrations" sheet: the VMs a plan moves, source host → target host.

The rows of the plan document's ``consolidation.migrations`` (so the count matches the CLI, the
JSON and the dashboard), names inert, then the count.
"""

from openpyxl import Workbook

from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import text
from parcimonie.planning.workbook_cells import append_row, header_row, set_widths


def migrations_sheet(book: Workbook, plan: PlanDocument) -> None:
    """Add the "Migrations" sheet: one row per move, then the count (or "no migration")."""
    c = plan.consolidation
    sheet = book.create_sheet(text("moves.title"))
    header_row(sheet, [text("moves.vm"), text("moves.from"), text("moves.to")])
    unknown = text("moves.unknown_host")
    for move in c.migrations:
        append_row(sheet, [move.vm, move.from_host or unknown, move.to_host])
    append_row(sheet, [])
    append_row(sheet, [text("moves.count", n=c.n_migrations) if c.n_migrations else text("moves.none")])
    set_widths(sheet, width=30, first=30)
