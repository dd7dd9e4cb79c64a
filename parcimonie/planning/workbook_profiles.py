"""The workbook's "Profils et risque" sheet: P95 and profile answers side by side, and the risk curve.

The plan document's ``profiles`` section (``profile_plan.py``), the same figures as the CLI, the
--json document and the dashboard's *Profils et risque* page (docs/profiles.md). No sheet when the
plan has no section (no stored profile, or a repack in place).
"""

from functools import partial

from openpyxl import Workbook

from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import text
from parcimonie.planning.profile_document import ProfileComparison
from parcimonie.planning.workbook import EUR, SheetWriter, append_row, header_row, set_widths

__all__ = ["SHEET", "profiles_sheet", "profiles_writer"]

SHEET = "Profils et risque"
ANSWER_COLUMNS = (
    "Demande",
    "Hôtes",
    "Borne prouvée",
    "TCO (€ TTC)",
    "Minutes > 100 % / mois (rejeu)",
    "Minutes > plafond / mois (rejeu)",
    "Hôte le plus chargé",
)
CURVE_COLUMNS = (
    "Plafond",
    "Hôtes (profils)",
    "Hôtes (P95)",
    "TCO profils (€ TTC)",
    "TCO P95 (€ TTC)",
    "Minutes > 100 % / mois (profils)",
    "Minutes > 100 % / mois (P95)",
)


def profiles_sheet(book: Workbook, section: ProfileComparison) -> None:
    """Add the sheet to ``book``: title, both answers, what is kept, then the risk curve."""
    sheet = book.create_sheet(SHEET)
    append_row(sheet, [text("profiles.title", offer=section.offer, ceiling=section.ceiling)])
    append_row(sheet, [])
    header_row(sheet, list(ANSWER_COLUMNS))
    for a in section.answers:
        append_row(
            sheet,
            [
                text(f"profiles.{a.demand}"),
                a.n_hosts,
                a.lower_bound,
                a.tco_eur,
                a.overflow_minutes_per_month,
                a.ceiling_minutes_per_month,
                a.worst_host_utilisation,
            ],
        )
        sheet.cell(sheet.max_row, 4).number_format = EUR
        sheet.cell(sheet.max_row, 7).number_format = "0%"
    demand, n_with = f"profiles.{section.demand}", section.n_vms_with_profile
    append_row(sheet, [text("profiles.kept", demand=demand, with_profile=n_with, n=section.n_vms)])
    if section.p95_kept:
        append_row(sheet, [text("profiles.p95_kept")])
    if not section.held_out:
        append_row(sheet, [text("profiles.in_sample")])
    append_row(sheet, [])
    header_row(sheet, list(CURVE_COLUMNS))
    sheet.freeze_panes = "A4"  # the answers' header stays in view
    for p in section.risk_curve:
        append_row(
            sheet,
            [
                p.ceiling,
                p.n_hosts_profile,
                p.n_hosts_p95,
                p.tco_eur_profile,
                p.tco_eur_p95,
                p.overflow_minutes_per_month_profile,
                p.overflow_minutes_per_month_p95,
            ],
        )
        row = sheet.max_row
        sheet.cell(row, 1).number_format = "0%"
        sheet.cell(row, 4).number_format = EUR
        sheet.cell(row, 5).number_format = EUR
    set_widths(sheet, width=18, first=30)


def profiles_writer(document: PlanDocument) -> SheetWriter | None:
    """The sheet as an extra writer for ``write_workbook(..., extra_sheets=...)``; None without a section."""
    if document.profiles is None:
        return None
    return partial(profiles_sheet, section=document.profiles)
