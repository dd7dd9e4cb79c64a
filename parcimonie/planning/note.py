"""The committee note: a short French PDF for elected officials, made from a plan document.

Context (the estate), the proposal (the recommended option, hosts before → after), the savings by
budget year and against both baselines, carbon, risks and the assumptions that move the saving most,
with two charts. Typeset by Typst (the ``typst`` package, offline) from ``templates/note.typ``.

No collected text is ever read as markup: every figure and name reaches the template as a string in
one JSON document (``sys.inputs.data``), which Typst shows as text. Names of hosts, VMs, offers or
scenarios such as ``#eval("x")`` or ``*bold*`` print as typed. The charts are SVG built here, their
text escaped for XML.
"""

import json
import math
from collections.abc import Sequence
from datetime import date
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import typst

from parcimonie.formatting import format_date, format_number
from parcimonie.planning.document import PlanDocument, Replacement
from parcimonie.planning.estate_inputs import EstateInputs
from parcimonie.planning.messages import euros, num, render, text
from parcimonie.planning.provenance import Provenance, provenance_line
from parcimonie.planning.sensitivity import bar_label

TEMPLATE = "note.typ"
BASELINE_NAMES = {"keep": "Conserver le parc actuel", "like_for_like": "Renouveler à l'identique"}
#: How the consolidation's solver is named in French ("heuristic", or CP-SAT's status per group).
SOLVER_NAMES = {
    "heuristic": "heuristique",
    "OPTIMAL": "CP-SAT (optimal)",
    "FEASIBLE": "CP-SAT (réalisable)",
    "none": "aucun",
}


#: A consolidation's status in French words (the document keeps the codes).
STATUS_NAMES = {
    "OPTIMAL": "optimal (borne atteinte)",
    "FEASIBLE": "réalisable (au-dessus de la borne)",
    "PARTIAL": "partiel (des VM sans place)",
}


def status_name(status: str, language: str = "fr") -> str:
    """``OPTIMAL`` → ``optimal (borne atteinte)`` in French; the code itself in English."""
    return STATUS_NAMES.get(status, status) if language == "fr" else status


def solver_name(solver: str, language: str = "fr") -> str:
    """The solver(s) of a consolidation in words: ``heuristic, OPTIMAL`` → ``heuristique, CP-SAT (optimal)``."""
    if language != "fr":
        return solver
    return ", ".join(SOLVER_NAMES.get(part.strip(), part.strip()) for part in solver.split(","))


def average_host_age_years(inputs: EstateInputs, today: date) -> float | None:
    """Mean age of the planned hosts whose purchase date is known, in years (None when none is)."""
    bought = inputs.hosts.purchase_year
    known = bought[np.isfinite(bought)]
    if known.size == 0:
        return None
    now = today.year + (today.timetuple().tm_yday - 1) / 365.25
    return float(np.mean(now - known))


def _year(value: int | None) -> str:
    return str(value) if value else text("value.beyond_horizon")


def _tonnes(kg: float | None) -> str:
    return "—" if kg is None else f"{num(kg / 1000, 1)}\u00a0tCO2e"


# --- charts (hand-built SVG: no plotting library, no network) -----------------------------------

_W, _H, _LEFT, _BOTTOM, _TOP = 640, 260, 90, 30, 20
_BLUE, _GREEN, _GREY, _RED = "#1f4e79", "#2e7d32", "#9e9e9e", "#c62828"


def _svg(body: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" '
        'font-family="Libertinus Serif" font-size="11">' + "".join(body) + "</svg>"
    )


def _label(x: float, y: float, value: str, anchor: str = "middle", colour: str = "#333") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}">{xml_escape(value)}</text>'


def savings_chart(replacement: Replacement) -> str:
    """Yearly saving (bars, green above zero, red below) and cumulative saving (line), EUR TTC."""
    years = replacement.yearly
    yearly = [y.savings_eur or 0.0 for y in years]
    cumulative = [y.cumulative_savings_eur or 0.0 for y in years]
    low, high = min(0.0, *yearly, *cumulative), max(0.0, *yearly, *cumulative)
    span = (high - low) or 1.0
    plot_h = _H - _BOTTOM - _TOP

    def y_of(value: float) -> float:
        return _TOP + (high - value) / span * plot_h

    step = (_W - _LEFT - 10) / max(len(years), 1)
    body = [f'<line x1="{_LEFT}" x2="{_W - 10}" y1="{y_of(0):.1f}" y2="{y_of(0):.1f}" stroke="#555"/>']
    for tick in sorted({low, 0.0, high}):
        body.append(_label(_LEFT - 6, y_of(tick) + 4, euros(tick), anchor="end"))
    points = []
    for i, (row, value) in enumerate(zip(years, yearly, strict=True)):
        x = _LEFT + i * step + step * 0.2
        top, bottom = sorted((y_of(value), y_of(0)))
        colour = _GREEN if value >= 0 else _RED
        body.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{step * 0.6:.1f}" height="{max(bottom - top, 0.5):.1f}" '
            f'fill="{colour}"/>'
        )
        body.append(_label(x + step * 0.3, _H - 10, str(row.year)))
        points.append(f"{x + step * 0.3:.1f},{y_of(cumulative[i]):.1f}")
    body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{_BLUE}" stroke-width="2"/>')
    body.append(_label(_W - 12, _TOP - 6, "barres : économie de l'année ; ligne : cumul", anchor="end"))
    return _svg(body)


def hosts_chart(replacement: Replacement) -> str:
    """Hosts running each year: keeping the estate (grey) and the plan (blue)."""
    years = replacement.yearly
    high = max([1, *(y.n_hosts_baseline for y in years), *(y.n_hosts_scenario for y in years)])
    plot_h = _H - _BOTTOM - _TOP
    step = (_W - _LEFT - 10) / max(len(years), 1)
    body = [f'<line x1="{_LEFT}" x2="{_W - 10}" y1="{_H - _BOTTOM}" y2="{_H - _BOTTOM}" stroke="#555"/>']
    body.append(_label(_LEFT - 6, _TOP + 4, format_number(high), anchor="end"))
    body.append(_label(_LEFT - 6, _H - _BOTTOM + 4, "0", anchor="end"))
    for i, row in enumerate(years):
        for j, (count, colour) in enumerate(((row.n_hosts_baseline, _GREY), (row.n_hosts_scenario, _BLUE))):
            height = count / high * plot_h
            x = _LEFT + i * step + step * (0.15 + 0.35 * j)
            body.append(
                f'<rect x="{x:.1f}" y="{_H - _BOTTOM - height:.1f}" width="{step * 0.33:.1f}" '
                f'height="{height:.1f}" fill="{colour}"/>'
            )
        body.append(_label(_LEFT + i * step + step * 0.5, _H - 10, str(row.year)))
    body.append(_label(_W - 12, _TOP - 6, "gris : parc conservé ; bleu : plan proposé", anchor="end"))
    return _svg(body)


# --- the note's content, as strings -----------------------------------------------------------


def _context(doc: PlanDocument, average_host_age_years: float | None) -> dict[str, Any]:
    flags = doc.replacement.keep_flags if doc.replacement else None
    return {
        "hosts": format_number(doc.estate.n_hosts),
        "vms": format_number(doc.estate.n_vms),
        "age": "—" if average_host_age_years is None else f"{num(average_host_age_years, 1)}\u00a0ans",
        "out_of_warranty": "—" if flags is None else format_number(len(flags.out_of_warranty_first_year)),
        "out_of_warranty_end": "—" if flags is None else format_number(len(flags.out_of_warranty_by_last_year)),
        "first_year": str(flags.first_year) if flags else str(doc.start_year),
        "last_year": str(flags.last_year) if flags else str(doc.start_year + doc.horizon_years - 1),
        "physical": format_number(len(doc.estate.physical_hosts)),
    }


def _proposal(doc: PlanDocument) -> dict[str, Any]:
    c, r = doc.consolidation, doc.replacement
    best = doc.best_option
    return {
        "best": "les hôtes existants, reconditionnés" if best == "existing" else (best or "—"),
        "hosts_before": format_number(c.n_hosts_before),
        "hosts_target": format_number(c.n_hosts_after),
        "hosts_end": format_number(doc.n_hosts_at_end),
        "ha": format_number(c.n_ha_reserve_hosts),
        "offer": r.offer if r else (c.offer or "—"),
        "first": str(r.years[0]) if r else "—",
        "last": str(r.years[-1]) if r else "—",
        "investment": euros(r.investment_eur) if r else "—",
        "savings": euros(r.totals.savings_eur) if r else "—",
        "npv": euros(r.totals.npv_savings_eur) if r else "—",
        "payback": _year(r.payback_year) if r else "—",
        "solver": solver_name(c.solver),
        "drivers": render(r.drivers.message()) if r else "",
        "retired": _retired(r) if r else "",
    }


def _retired(r: Replacement, shown: int = 40) -> str:
    names = [f"{x.host} ({x.year})" for x in sorted(r.retirements, key=lambda x: (x.year, x.host))]
    more = len(names) - shown
    return " ; ".join(names[:shown]) + (f" et {format_number(more)} autre(s)" if more > 0 else "")


def _years(r: Replacement) -> list[list[str]]:
    rows = []
    for year, scenario, baseline in zip(r.yearly, r.budget_scenario, r.budget_baseline, strict=True):
        rows.append(
            [
                str(year.year),
                format_number(year.n_hosts_scenario),
                euros(baseline.net_eur),
                euros(scenario.net_eur),
                euros(year.savings_eur),
                euros(year.cumulative_savings_eur),
            ]
        )
    return rows


def _carbon(doc: PlanDocument) -> dict[str, str]:
    r = doc.replacement
    if r is None:
        return {}
    operational = sum((y.operational_kgco2e_baseline or 0.0) - (y.operational_kgco2e_scenario or 0.0) for y in r.yearly)
    embodied = sum(y.embodied_kgco2e_purchased or 0.0 for y in r.yearly)
    avoided = sum(y.carbon_savings_kgco2e or 0.0 for y in r.yearly)
    return {
        "operational": _tonnes(operational),
        "embodied": _tonnes(embodied),
        "avoided": _tonnes(avoided),
        "negative": "oui" if avoided < 0 else "",
        "payback": _year(r.carbon_payback_year),
    }


def note_data(
    doc: PlanDocument,
    *,
    title: str,
    today: date,
    average_host_age_years: float | None = None,
    provenance: Provenance | None = None,
) -> dict[str, Any]:
    """Everything the template shows, as strings formatted for a French reader."""
    r = doc.replacement
    age = average_host_age_years
    finite_age = age if age is not None and math.isfinite(age) else None
    return {
        "title": title,
        "date": format_date(today),
        "provenance": provenance_line(provenance) if provenance is not None else "",
        "horizon": format_number(doc.horizon_years),
        "context": _context(doc, finite_age),
        "proposal": _proposal(doc),
        "has_plan": r is not None,
        "years": _years(r) if r else [],
        "baselines": [
            [BASELINE_NAMES[c.baseline], euros(c.savings_eur), euros(c.npv_savings_eur), _year(c.payback_year)]
            for c in (r.comparisons if r else [])
        ],
        "carbon": _carbon(doc),
        "warnings": [render(w) for w in doc.warnings],
        "tornado": [
            [bar_label(b.name), num(b.base_value, 2), euros(b.savings_low_eur), euros(b.savings_high_eur)]
            for b in doc.tornado
        ],
        "without_licences": euros(doc.saving_without_licences_eur),
        "unplaced": format_number(len(doc.consolidation.unplaced)),
        "charts": {"savings": savings_chart(r), "hosts": hosts_chart(r)} if r else {},
    }


def note_pdf(
    doc: PlanDocument,
    *,
    title: str,
    today: date,
    average_host_age_years: float | None = None,
    provenance: Provenance | None = None,
) -> bytes:
    """The committee note of ``doc`` as PDF bytes (Typst, offline, embedded fonts), with the
    "Établi par …" line under the title when ``provenance`` is given."""
    data = note_data(
        doc, title=title, today=today, average_host_age_years=average_host_age_years, provenance=provenance
    )
    template = resources.files("parcimonie.planning").joinpath("templates", TEMPLATE).read_bytes()
    pdf = typst.compile(
        template, format="pdf", sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, ignore_system_fonts=True
    )
    assert isinstance(pdf, bytes)
    return pdf
