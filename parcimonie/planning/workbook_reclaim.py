"""The workbook's "Récupération" sheet: the reclamation list of `parcimonie reclaim`, ranked.

One row per VM (most euros freed first) with its category, reason and what it frees each year,
then the totals per category and overall, then the notes. Figures are the report's own numbers
(euros with the workbook's format); text from collected data (VM names) stays inert.
"""

from functools import partial
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session

from optimizer import Assumptions, Policy
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.messages import render, text
from parcimonie.planning.reclaim import ReclaimReport, ReclaimTotals, reclaim_report
from parcimonie.planning.reclaim_inputs import with_missing_vms
from parcimonie.planning.workbook import SheetWriter
from parcimonie.planning.workbook_cells import EUR, append_row, header_row, set_widths

SHEET = "Récupération"
TOTAL_LABEL = "Total"
COLUMNS = (
    "VM",
    "Catégorie",
    "Motif",
    "vCPU libérés",
    "Mémoire libérée (Mio)",
    "Demande CPU libérée (MHz réf.)",
    "Demande mémoire libérée (Mio)",
    "Part d'hôte libérée",
    "Énergie (kWh/an)",
    "Énergie (€/an)",
    "Licences (€/an)",
    "Total (€ TTC/an)",
    "Carbone (kgCO2e/an)",
)
_MONEY = (10, 11, 12)  # 1-based columns holding euros


def _figures(t: Any) -> list[Any]:
    return [
        t.vcpus_freed,
        t.memory_mib_freed,
        t.cpu_mhz_freed,
        t.memory_demand_mib_freed,
        t.host_share,
        t.energy_kwh,
        t.energy_eur,
        t.licences_eur,
        t.eur_per_year,
        t.kgco2e_per_year,
    ]


def _total_row(name: str, t: ReclaimTotals) -> list[Any]:
    return [name, f"{t.n_vms} VM", "", *_figures(t)]


def reclaim_sheet(book: Workbook, report: ReclaimReport) -> None:
    """Add the sheet to ``book``."""
    sheet = book.create_sheet(SHEET)
    header_row(sheet, list(COLUMNS))
    for vm in report.vms:
        category = text(f"reclaim.category.{vm.category}")
        append_row(sheet, [vm.name, category, render(vm.reason), *_figures(vm)])
    append_row(sheet, [])
    for name, t in report.by_category.items():
        append_row(sheet, _total_row(text(f"reclaim.category.{name}"), t))
    append_row(sheet, _total_row(TOTAL_LABEL, report.totals))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in _MONEY and isinstance(cell.value, (int, float)):
                cell.number_format = EUR
            elif cell.column == 8 and isinstance(cell.value, (int, float)):
                cell.number_format = "0.00%"
    append_row(sheet, [])
    for note in report.notes:
        append_row(sheet, [render(note)])
    set_widths(sheet, width=16, first=28)


def reclaim_writer(report: ReclaimReport) -> SheetWriter:
    """The sheet as an extra writer for ``write_workbook(..., extra_sheets=...)``."""
    return partial(reclaim_sheet, report=report)


def plan_reclaim_report(session: Session, inputs: EstateInputs, plan: PlanDocument) -> ReclaimReport:
    """The reclamation report of ``inputs`` (and the VMs missing from their source) under the plan's
    own assumptions and policy (the default plan's are `parcimonie reclaim`'s, so both agree)."""
    p = plan.request.policy
    policy = Policy(
        ceiling=p.ceiling,
        ha_reserve_hosts=p.ha_reserve_hosts,
        scope=p.scope,
        use_memory_p95=p.use_memory_p95,
        include_powered_off=p.include_powered_off,
        include_templates=p.include_templates,
    )
    known = set(Assumptions().to_dict())  # a plan saved before an assumption existed lacks it
    assumptions = Assumptions().with_overrides(**{k: v for k, v in plan.assumptions.items() if k in known})
    return reclaim_report(with_missing_vms(session, inputs), assumptions=assumptions, policy=policy)
