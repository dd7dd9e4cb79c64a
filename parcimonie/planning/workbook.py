"""The Excel workbook for the budget file, written from a plan document (a run or a saved scenario).

Sheets: Synthèse, Budget M57 (every line with its chapter and account, HT / TVA / TTC per year,
amortisation; ``workbook_budget``), AP-CP, Sensibilité (when the plan has its tornado), TCO vs TCA
(per option), Placement (VM → host), Hôtes à retirer, Hypothèses. Amounts are numbers with a French
number format, so the finance office can paste them into its budget documents.
"""

from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from parcimonie.formatting import format_date
from parcimonie.planning.capacity import CapacityReport
from parcimonie.planning.confidence import confidence_line
from parcimonie.planning.demand_choice import demand_line
from parcimonie.planning.document import OptionCost, PlanDocument, Replacement
from parcimonie.planning.fleet_mix import fleet_mix_line
from parcimonie.planning.messages import label, render, text, value_text
from parcimonie.planning.provenance import Provenance, changed_text
from parcimonie.planning.sensitivity import bar_label
from parcimonie.planning.workbook_budget import Authority, ap_cp_sheet, budget_sheet
from parcimonie.planning.workbook_cells import EUR, append_row, header_row, money_format, set_widths

#: What each host count counts: the same words in the CLI, the workbook and the dashboard.
HOSTS_TARGET = "Hôtes, cible de consolidation (tous les hôtes achetés d'un coup, réserve HA incluse)"


#: A sheet written after the plan's own (e.g. ``workbook_reclaim.reclaim_writer``).
SheetWriter = Callable[[Workbook], None]


def hosts_at_end_label(year: int) -> str:
    """The plan's end state, named with its year."""
    return f"Hôtes en fin de plan {year} (réserve HA incluse)"


_OPTION_COLUMNS = (
    ("name", "Option"),
    ("n_hosts", "Hôtes"),
    ("tca_eur_ttc", "TCA (TTC, licences incluses)"),
    ("opex_eur", "Fonctionnement sur l'horizon"),
    ("tco_eur", "TCO sur l'horizon"),
    ("energy_eur", "Énergie"),
    ("maintenance_eur", "Maintenance"),
    ("licences_eur", "Licences"),
    ("staff_eur", "Personnel"),
    ("rack_eur", "Hébergement"),
    ("energy_kwh", "Énergie (kWh)"),
    ("operational_kgco2e", "Carbone exploitation (kgCO2e)"),
    ("embodied_kgco2e", "Carbone fabrication (kgCO2e)"),
)


_BASELINES = {"keep": "conserver le parc", "like_for_like": "renouveler à l'identique"}


def _baseline_rows(r: Replacement) -> list[tuple[str, Any]]:
    """Savings against each baseline, and what stays apart from the cash (residual value, capacity)."""
    rows: list[tuple[str, Any]] = []
    for c in r.comparisons:
        name = _BASELINES[c.baseline]
        rows += [
            (f"Économies face à « {name} » (TTC)", c.savings_eur),
            (f"Économies actualisées face à « {name} » (VAN)", c.npv_savings_eur),
        ]
    if r.residual_value is not None:
        rows.append(("Valeur résiduelle du matériel en fin d'horizon (TTC)", r.residual_value.scenario_eur))
    if r.capacity is not None:
        rows += [
            ("Heures d'exploitation libérées sur l'horizon (hors budget)", r.capacity.staff_hours_freed_total),
            ("U de baie libérés en fin de plan (hors budget)", r.capacity.rack_u_freed_at_end),
        ]
    return rows


def _confidence_rows(plan: PlanDocument) -> list[tuple[str, Any]]:
    """The confidence line, as the CLI prints it first, and its level."""
    line = confidence_line(plan.confidence)
    if line is None or plan.confidence is None:
        return []
    return [(text("confidence.label"), f"{plan.confidence.level}/5"), (text("confidence.label"), render(line))]


def _fleet_mix_rows(plan: PlanDocument) -> list[tuple[str, Any]]:
    """The cheapest mix of offers: its hosts, TCO, the bound, and the sentence the CLI prints."""
    mix = plan.fleet_mix
    if mix is None:
        return []
    return [
        ("Flotte mixte la moins chère", mix.name),
        ("TCO de la flotte mixte (TTC)", mix.tco_eur),
        ("Borne inférieure prouvée du TCO (TTC)", mix.lower_bound_eur),
        ("Flotte mixte", render(fleet_mix_line(mix))),
    ]


def _summary(book: Workbook, plan: PlanDocument, title: str) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = "Synthèse"
    c = plan.consolidation
    rows: list[tuple[str, Any]] = [
        ("Scénario", title),
        *_confidence_rows(plan),
        ("Première année budgétaire", plan.start_year),
        ("Hôtes aujourd'hui", c.n_hosts_before),
        (HOSTS_TARGET, c.n_hosts_after),
        ("Borne inférieure prouvée", c.lower_bound),
        ("Écart à la borne (hôtes)", c.gap_hosts),
        ("Offre retenue", c.offer or "hôtes existants"),
        ("Option la moins chère sur l'horizon", _best_option(plan)),
        *_fleet_mix_rows(plan),
        ("Périmètre de la consolidation", "par cluster" if plan.request.policy.scope == "cluster" else "parc entier"),
        ("Demande dimensionnée", render(demand_line(c))),
        ("VM par hôte aujourd'hui", c.vms_per_host_before),
        ("VM par hôte, cible de consolidation", c.vms_per_host_after),
        ("VM non placées", len(c.unplaced)),
    ]
    r = plan.replacement
    if r:
        beyond = text("value.beyond_horizon")
        rows += [
            (
                "Plan de renouvellement",
                "hôtes remplacés au fil de leur âge, par de nouveaux hôtes du même périmètre et avec la même "
                "réserve HA que la consolidation (le placement détaillé est celui de la consolidation)",
            ),
            (hosts_at_end_label(r.years[-1]), plan.n_hosts_at_end),
            (f"VM par hôte, fin du plan {r.years[-1]}", r.drivers.vms_per_host_after),
            ("Investissement du plan (TTC)", r.investment_eur),
            ("Coût cumulé, parc conservé (TTC)", r.totals.baseline_eur),
            ("Coût cumulé, plan de renouvellement (TTC)", r.totals.scenario_eur),
            ("Économies sur l'horizon (TTC)", r.totals.savings_eur),
            ("Économies actualisées (VAN)", r.totals.npv_savings_eur),
            ("Année de retour sur investissement", r.payback_year or beyond),
            ("Année de retour carbone", r.carbon_payback_year or beyond),
        ]
        rows += [(f"Économies : {label('line', k)}", v) for k, v in r.savings_by_category_eur.items()]
        if plan.saving_without_licences_eur is not None:
            rows.append(("Économies hors licences (TTC)", plan.saving_without_licences_eur))
        rows += _baseline_rows(r)
        rows.append(("Ce qui explique le ratio", render(r.drivers.message())))
    rows += [("Avertissement", render(w)) for w in plan.warnings]
    header_row(sheet, ["Indicateur", "Valeur"])
    for name, value in rows:
        append_row(sheet, [name, value])
        if isinstance(value, (int, float)) and ("TTC" in name or "Économies" in name or "VAN" in name):
            sheet.cell(row=sheet.max_row, column=2).number_format = EUR
    set_widths(sheet, width=40, first=48)


def _sensitivity(book: Workbook, plan: PlanDocument) -> None:
    """The tornado as a table: each assumption ±20 % and the plan's saving at each end."""
    if not plan.tornado or not plan.replacement:
        return
    sheet = book.create_sheet("Sensibilité")
    header_row(
        sheet,
        [
            "Hypothèse",
            "Valeur du plan",
            "Valeur basse (−20 %)",
            "Valeur haute (+20 %)",
            "Économies à −20 % (TTC)",
            "Économies à +20 % (TTC)",
            "Écart (TTC)",
        ],
    )
    for bar in plan.tornado:
        append_row(
            sheet,
            [
                bar_label(bar.name),
                bar.base_value,
                bar.low_value,
                bar.high_value,
                bar.savings_low_eur,
                bar.savings_high_eur,
                bar.swing_eur,
            ],
        )
    money_format(sheet, range(5, 8))
    append_row(sheet, [])
    append_row(sheet, ["Économies du plan sur l'horizon (TTC)", plan.replacement.totals.savings_eur])
    append_row(sheet, ["Économies hors licences (TTC)", plan.saving_without_licences_eur])
    for row in sheet.iter_rows(min_row=sheet.max_row - 1, max_col=2):
        row[1].number_format = EUR
    set_widths(sheet, width=20, first=48)


def _option_row(option: OptionCost) -> list[Any]:
    return [getattr(option, k) for k, _ in _OPTION_COLUMNS]


def _options(book: Workbook, plan: PlanDocument) -> None:
    sheet = book.create_sheet("TCO vs TCA")
    header_row(sheet, [lbl for _, lbl in _OPTION_COLUMNS])
    for option in plan.options:
        append_row(sheet, _option_row(option))
    money_format(sheet, range(3, 11))
    set_widths(sheet)


def _placement(book: Workbook, plan: PlanDocument) -> None:
    sheet = book.create_sheet("Placement")
    header_row(sheet, ["VM", "Hôte actuel", "Hôte cible"])
    for move in plan.consolidation.placement:
        append_row(sheet, [move.vm, move.from_host, move.to_host])
    for row in plan.consolidation.unplaced:
        append_row(sheet, [row.vm, None, f"non placée : {render(row.reason)}"])
    set_widths(sheet, width=30, first=30)


def _retirements(book: Workbook, plan: PlanDocument) -> None:
    sheet = book.create_sheet("Hôtes à retirer")
    header_row(sheet, ["Hôte", "Année de retrait", "Priorité", "Année d'achat"])
    r = plan.replacement
    for row in r.retirements if r else []:
        year = row.purchase_year
        append_row(sheet, [row.host, row.year, row.priority, int(year) if year else None])
    if not r:
        for host in plan.consolidation.hosts_freed:
            append_row(sheet, [host, plan.start_year, None, None])
    set_widths(sheet)


def _best_option(plan: PlanDocument) -> str:
    if plan.best_option is None:
        return "—"
    if plan.best_option == "existing":
        return next((o.name for o in plan.options if o.kind == "repack"), "hôtes existants")
    return plan.best_option


def _figure(value: object) -> object:
    """A number stays a number (a finance office computes with it); the rest reads as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return value_text(value)


def _assumptions(book: Workbook, plan: PlanDocument) -> None:
    sheet = book.create_sheet("Hypothèses")
    header_row(sheet, ["Hypothèse", "Valeur"])
    for key, value in plan.assumptions.items():
        append_row(sheet, [label("assumption", key), _figure(value)])
    for key, value in plan.request.policy.model_dump().items():
        append_row(sheet, [label("policy", key), _figure(value)])
    request = plan.request.model_dump(exclude={"policy"})
    for key, value in request.items():
        append_row(sheet, [f"demande : {key}", value_text(value)])
    set_widths(sheet, width=30, first=40)


#: The "Capacité" sheet's columns: (header, path in ``CapacityReport.to_dict()``'s group).
CAPACITY_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Date du dernier relevé", ("as_of",)),
    ("Relevés (jours)", ("n_runs",)),
    ("Hôtes", ("n_hosts",)),
    *(
        (f"{head} {name}", (resource, key))
        for resource, name in (("cpu", "CPU (MHz)"), ("memory", "mémoire (Mio)"))
        for head, key in (
            ("Demande actuelle", "demand"),
            ("Capacité utile", "usable"),
            ("Croissance par an", "growth_per_year"),
            ("Croissance par an, bas de la fourchette (P10)", "growth_low_per_year"),
            ("Croissance par an, haut de la fourchette (P90)", "growth_high_per_year"),
            ("Années restantes", "years_remaining"),
            ("Années restantes au plus tôt", "years_soonest"),
            ("Années restantes au plus tard", "years_latest"),
        )
    ),
)


def _capacity_value(group: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = group
    for key in path:
        value = value[key]
    return value


def _capacity(book: Workbook, capacity: CapacityReport | None) -> None:
    """The figures of `parcimonie capacity` per cluster and for the estate (docs/capacity.md):
    demand, usable capacity, growth and its band, years remaining, then the hosts needed per year.
    Written only when the history has a row; empty cells: no band, or never at this trend."""
    if capacity is None or not capacity.groups:
        return
    data = capacity.to_dict()
    sheet = book.create_sheet("Capacité")
    header_row(sheet, ["Cluster", *(head for head, _ in CAPACITY_COLUMNS)])
    for group in data["groups"]:
        name = group["cluster"] if group["cluster"] is not None else "Parc entier"
        append_row(sheet, [name, *(_capacity_value(group, path) for _, path in CAPACITY_COLUMNS)])
    append_row(sheet, [])
    years = [y["year"] for y in data["groups"][0]["hosts_by_year"]]
    header_row(sheet, ["Hôtes nécessaires par an", *years])
    sheet.freeze_panes = "B2"
    for group in data["groups"]:
        name = group["cluster"] if group["cluster"] is not None else "Parc entier"
        append_row(sheet, [name, *(y["hosts"] for y in group["hosts_by_year"])])
    append_row(sheet, [])
    append_row(
        sheet,
        [
            f"Plafond d'utilisation {data['ceiling']}, réserve HA {data['ha_reserve_hosts']} hôte(s), "
            f"mémoire {data['memory_basis']} ; voir docs/capacity.md"
        ],
    )
    set_widths(sheet, width=16, first=28)


def write_workbook(
    plan: PlanDocument,
    target: Path | BytesIO,
    *,
    title: str = "Plan",
    authority: Authority | None = None,
    capacity: CapacityReport | None = None,
    extra_sheets: Sequence[SheetWriter] = (),
    provenance: Provenance | None = None,
) -> None:
    """Write the budget workbook of ``plan`` to a path or a buffer (amortisation per ``authority``),
    with the "Capacité" sheet when ``capacity`` (``parcimonie capacity``'s report) has a group,
    then ``extra_sheets`` (each adds its sheet, e.g. "Récupération"), and the "Traçabilité" sheet
    (who prepared it, when, assumptions changed) with ``provenance``."""
    from parcimonie.planning.workbook_p2v import p2v_sheet  # it builds on this module's helpers

    book = Workbook()
    _summary(book, plan, title)
    budget_sheet(book, plan, authority or Authority())
    ap_cp_sheet(book, plan)
    _sensitivity(book, plan)
    _options(book, plan)
    _placement(book, plan)
    from parcimonie.planning.workbook_moves import migrations_sheet  # it builds on this module's helpers

    migrations_sheet(book, plan)
    _retirements(book, plan)
    _assumptions(book, plan)
    _capacity(book, capacity)
    p2v_sheet(book, plan)
    for write in extra_sheets:
        write(book)
    if provenance is not None:
        _provenance(book, provenance)
    book.save(target)


def _provenance(book: Workbook, provenance: Provenance) -> None:
    """Who prepared the plan, when, and the assumptions changed (``provenance_line`` as a sheet)."""
    sheet = book.create_sheet(text("provenance.sheet"))
    append_row(sheet, [text("provenance.author"), provenance.author])
    append_row(sheet, [text("provenance.when"), format_date(provenance.at, with_time=True)])
    append_row(sheet, [text("provenance.changed"), changed_text(provenance)])
    set_widths(sheet, width=80, first=24)


def workbook_bytes(
    plan: PlanDocument, *, title: str = "Plan", authority: Authority | None = None, provenance: Provenance | None = None
) -> bytes:
    """The workbook as bytes (for a download button)."""
    buffer = BytesIO()
    write_workbook(plan, buffer, title=title, authority=authority, provenance=provenance)
    return buffer.getvalue()
