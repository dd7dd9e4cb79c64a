"""The workbook's "Profils et risque" sheet: P95 and profile answers side by side, the risk curve,
and the plan replayed per cluster.

The plan document's ``profiles`` and ``backtest`` sections (``profile_plan.py``,
``plan_backtest.py``), the same figures as the CLI, the --json document and the dashboard's
*Profils et risque* page (docs/profiles.md). No sheet when the plan has neither (no stored profile).
"""

from functools import partial

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import text
from parcimonie.planning.plan_backtest import backtest_rows, group_label
from parcimonie.planning.profile_document import PlanBacktest, ProfileComparison
from parcimonie.planning.workbook import SheetWriter
from parcimonie.planning.workbook_cells import EUR, append_row, header_row, set_widths

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
BACKTEST_COLUMNS = (
    "Cluster",
    "Avant / après",
    "Hôtes",
    "Minutes > 100 % / mois",
    "Minutes > 100 % / mois, par hôte",
    "Minutes > plafond / mois",
    "Minutes > plafond / mois, par hôte",
    "Hôte le plus chargé",
    "Sa pointe",
)


def profiles_sheet(book: Workbook, section: ProfileComparison | None, backtest: PlanBacktest | None = None) -> None:
    """Add the sheet to ``book``: title, both answers, what is kept, the risk curve, then the backtest."""
    sheet = book.create_sheet(SHEET)
    if section is not None:
        _section(sheet, section)
    if backtest is not None:
        if section is not None:
            append_row(sheet, [])
        _backtest(sheet, backtest)
    set_widths(sheet, width=18, first=30)


def _backtest(sheet: Worksheet, backtest: PlanBacktest) -> None:
    """The plan's consolidation and the estate as it runs, replayed per cluster (``plan_backtest``)."""
    code = "backtest.title" if backtest.held_out else "backtest.title_in_sample"
    append_row(
        sheet,
        [
            text(
                code,
                replay=backtest.replay_slots,
                minutes=backtest.replay_slot_minutes,
                ceiling=backtest.ceiling,
                with_profile=backtest.n_vms_with_profile,
                n=backtest.n_vms,
            )
        ],
    )
    header_row(sheet, list(BACKTEST_COLUMNS))
    for side, g in backtest_rows(backtest):
        append_row(
            sheet,
            [
                group_label(g, names=backtest.cluster_names),
                text(side),
                g.n_hosts,
                g.minutes_above_capacity_total,
                g.minutes_above_capacity_per_host,
                g.minutes_above_ceiling_total,
                g.minutes_above_ceiling_per_host,
                g.worst_host,
                g.worst_utilisation,
            ],
        )
        sheet.cell(sheet.max_row, 9).number_format = "0%"


def _section(sheet: Worksheet, section: ProfileComparison) -> None:
    """Both answers, what is kept, then the risk curve."""
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


def profiles_writer(document: PlanDocument) -> SheetWriter | None:
    """The sheet as an extra writer for ``write_workbook(..., extra_sheets=...)``; None without either section."""
    if document.profiles is None and document.backtest is None:
        return None
    return partial(profiles_sheet, section=document.profiles, backtest=document.backtest)
