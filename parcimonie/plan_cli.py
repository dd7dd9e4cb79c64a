"""`parcimonie plan`, `parcimonie report` and `parcimonie scenarios`: plans from the command line."""

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from inventory import os_user, session_scope
from optimizer import Policy
from parcimonie.console import make_console
from parcimonie.context import open_engine
from parcimonie.formatting import format_date
from parcimonie.moves_view import print_migrations
from parcimonie.plan_profiles_text import print_profiles
from parcimonie.planning import PlanError, PlanRequest, load_estate, run_plan
from parcimonie.planning.capacity import estate_capacity
from parcimonie.planning.confidence import confidence_line
from parcimonie.planning.document import P2vSection, PlanDocument, Replacement
from parcimonie.planning.fleet_mix import fleet_mix_line
from parcimonie.planning.limits_doc import limits_message
from parcimonie.planning.messages import euros, label, num, render, text
from parcimonie.planning.note import average_host_age_years, note_pdf
from parcimonie.planning.p2v import p2v_summary
from parcimonie.planning.provenance import provenance_of, scenario_provenance
from parcimonie.planning.scenarios import ScenarioNameError, save_plan, saved_plan, saved_plans, scenario_names
from parcimonie.planning.sensitivity import bar_label
from parcimonie.planning.upgrade import DocumentError
from parcimonie.planning.workbook import HOSTS_TARGET, hosts_at_end_label, write_workbook
from parcimonie.planning.workbook_budget import AUTHORITY_KINDS, Authority
from parcimonie.planning.workbook_profiles import profiles_writer
from parcimonie.planning.workbook_reclaim import plan_reclaim_report, reclaim_writer
from parcimonie.settings import Settings

#: Budget years a plan may start at: last year (a late vote) to ten years ahead.
FIRST_START_YEAR, LAST_START_YEAR = date.today().year - 1, date.today().year + 10


def _parse_override(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise typer.BadParameter(f"'{text}' : attendu NOM=VALEUR, par ex. electricity_eur_per_kwh=0.25")
    key, raw = (part.strip() for part in text.split("=", 1))
    lowered = raw.lower()
    if lowered in {"true", "false", "oui", "non"}:
        return key, lowered in {"true", "oui"}
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return key, raw  # a text assumption (vsphere_model=contract); the plan checks its value
    return key, int(number) if number.is_integer() and "." not in raw and "," not in raw else number


def _count_line(console: Console, names: list[str], what: str, *, warn: bool = False) -> None:
    if names:
        text = f"{len(names)} {what}"
        console.print(
            f"  [yellow]{text}[/yellow] (par ex. {escape(names[0])})"
            if warn
            else f"  {text} (par ex. {escape(names[0])})"
        )


def _print_consolidation(console: Console, doc: PlanDocument, *, all_moves: bool = False) -> None:
    c = doc.consolidation
    target = escape(c.offer) if c.offer else "les hôtes existants"
    gap = (
        f"écart {c.gap_hosts} hôte(s) ({num(c.gap_pct)} %)"
        if c.gap_hosts is not None
        else "capacité insuffisante pour tout placer"
    )
    console.print(
        f"[bold]Consolidation[/bold] sur {target} : {c.n_hosts_before} hôtes aujourd'hui → {c.n_hosts_after} "
        f"en cible de consolidation (tous les hôtes achetés d'un coup, dont {c.n_ha_reserve_hosts} en réserve HA) ; "
        f"borne inférieure prouvée {c.lower_bound}, {gap} ; statut {c.status}, solveur {c.solver} ; "
        f"VM par hôte {num(c.vms_per_host_before)} aujourd'hui → {num(c.vms_per_host_after)} en cible de consolidation"
    )
    limits = limits_message(c, doc.request.policy)
    if limits is not None:
        console.print(f"  {escape(render(limits))}")
    if doc.p2v is not None:
        _print_p2v(console, doc.p2v)
    else:
        _count_line(console, doc.estate.physical_hosts, "serveur(s) physique(s) sans hyperviseur, hors du plan")
    _count_line(
        console, doc.estate.skipped_hosts, "hôte(s) sans capacité connue (cœurs, MHz, mémoire), hors du plan", warn=True
    )
    _count_line(console, doc.estate.unsized_vms, "VM sans taille connue (vCPU, mémoire), hors du plan", warn=True)
    if c.n_excluded_by_policy:
        console.print(f"  {c.n_excluded_by_policy} VM écartées par la politique (modèles, VM éteintes)")
    if c.unplaced:
        first = c.unplaced[0]
        console.print(
            f"  [yellow]{len(c.unplaced)} VM ne tiennent sur aucun hôte[/yellow], par ex. "
            f"{escape(first.vm)} : {escape(render(first.reason))}"
        )
    print_migrations(console, c, show_all=all_moves)
    table = Table(title=f"TCO vs TCA sur {doc.horizon_years} ans (TTC)")
    for column in ("Option", "Hôtes", "TCA", "Fonctionnement", "TCO", "kgCO2e exploitation", "kgCO2e fabrication"):
        table.add_column(column, justify="right" if column != "Option" else "left")
    for o in doc.options:
        table.add_row(
            escape(o.name),
            str(o.n_hosts),
            euros(o.tca_eur_ttc),
            euros(o.opex_eur),
            euros(o.tco_eur),
            num(o.operational_kgco2e, 0),
            num(o.embodied_kgco2e, 0),
        )
    console.print(table)
    if doc.fleet_mix is not None:
        console.print(escape(render(fleet_mix_line(doc.fleet_mix))))
    for warning in doc.warnings:
        console.print(f"[yellow]⚠ {escape(render(warning))}[/yellow]")


def _print_p2v(console: Console, section: P2vSection) -> None:
    """The physical servers virtualised, apart from the VMs ("à virtualiser")."""
    console.print(f"  {escape(render(p2v_summary(section)))}")
    if not section.servers:
        return
    table = Table(title=text("p2v.title"))
    for code in ("p2v.col.server", "p2v.col.cpu", "p2v.col.memory", "p2v.col.to_host", "p2v.col.savings"):
        table.add_column(text(code), justify="left" if code in ("p2v.col.server", "p2v.col.to_host") else "right")
    for s in section.servers:
        table.add_row(
            escape(s.name),
            num(s.cpu_ref_mhz, 0) + (" *" if s.cpu_estimated else ""),
            num(s.memory_mib / 1024, 1) + (" *" if s.memory_estimated else ""),
            escape(s.to_host) if s.to_host else text("p2v.no_room"),
            euros(s.savings_eur_per_year),
        )
    console.print(table)
    if any(s.cpu_estimated or s.memory_estimated for s in section.servers):
        console.print(f"  {escape(text('p2v.estimated'))}")


def _print_replacement(console: Console, r: Replacement) -> None:
    d = r.drivers
    budget = Table(
        title=(
            f"Plan de renouvellement {r.years[0]}–{r.years[-1]} : {d.n_hosts_replaced} hôtes remplacés "
            f"par {d.n_hosts_new} × {escape(r.offer)} (ratio {num(d.ratio)}), réserve HA incluse, "
            "au fil des retraits"
        )
    )
    for column in ("Année", "Hôtes", "Achats", "Investissement", "FCTVA", "Fonctionnement", "Économie", "Cumul"):
        budget.add_column(column, justify="right")
    for row, year in zip(r.budget_scenario, r.yearly, strict=True):
        budget.add_row(
            str(row.year),
            str(year.n_hosts_scenario),
            str(year.new_hosts),
            euros(row.investissement_eur),
            euros(row.fctva_eur),
            euros(row.fonctionnement_eur),
            euros(year.savings_eur),
            euros(year.cumulative_savings_eur),
        )
    console.print(budget)
    split = ", ".join(f"{label('line', k)} {euros(v)}" for k, v in r.savings_by_category_eur.items())
    console.print(f"Économies par poste : {split}")
    beyond = text("value.beyond_horizon")
    console.print(
        f"Retour sur investissement : {r.payback_year or beyond} ; retour carbone : {r.carbon_payback_year or beyond}"
    )
    console.print(f"Ce qui explique le ratio : {escape(render(d.message()))}")
    _print_baselines(console, r)


def _print_baselines(console: Console, r: Replacement) -> None:
    """Savings against each baseline, what stays apart from the cash (residual value, capacity)."""
    names = {"keep": "conserver le parc", "like_for_like": "renouveler à l'identique"}
    beyond = text("value.beyond_horizon")
    for c in r.comparisons:
        console.print(
            f"Face à « {names[c.baseline]} » : économies {euros(c.savings_eur)} "
            f"(actualisées {euros(c.npv_savings_eur)}), retour {c.payback_year or beyond}"
        )
    if r.residual_value is not None:
        counted = "comptée dans les économies" if r.residual_value.counted_in_savings else "hors économies"
        console.print(
            f"Valeur résiduelle du matériel en fin d'horizon : {euros(r.residual_value.scenario_eur)} ({counted})"
        )
    if r.capacity is not None:
        console.print(
            f"Capacité libérée, hors budget sauf choix contraire : {num(r.capacity.staff_hours_freed_total, 0)} heures "
            f"d'exploitation sur l'horizon, {num(r.capacity.rack_u_freed_at_end, 0)} U de baie en fin de plan"
        )


def _print_end_state(console: Console, doc: PlanDocument) -> None:
    """The three figures every surface shows alike: hosts at the end, investment, savings."""
    r = doc.replacement
    if r is None:
        return
    c = doc.consolidation
    console.print(
        f"{hosts_at_end_label(r.years[-1])} : {doc.n_hosts_at_end} ; {HOSTS_TARGET.lower()} : {c.n_hosts_after} ; "
        f"investissement du plan (TTC) : {euros(r.investment_eur)} ; "
        f"économies sur l'horizon (TTC) : {euros(r.totals.savings_eur)}"
    )


def _print_sensitivity(console: Console, doc: PlanDocument) -> None:
    r = doc.replacement
    if not doc.tornado or r is None:
        return
    table = Table(title="Sensibilité des économies du plan (chaque hypothèse à −20 % et +20 %)")
    for column in ("Hypothèse", "Valeur du plan", "Économies à −20 %", "Économies à +20 %", "Écart"):
        table.add_column(column, justify="left" if column == "Hypothèse" else "right")
    for bar in doc.tornado:
        table.add_row(
            escape(bar_label(bar.name)),
            num(bar.base_value, 2),
            euros(bar.savings_low_eur),
            euros(bar.savings_high_eur),
            euros(bar.swing_eur),
        )
    console.print(table)
    console.print(
        f"Économies du plan {euros(r.totals.savings_eur)}, dont hors licences {euros(doc.saving_without_licences_eur)}"
    )


def _print_summary(console: Console, doc: PlanDocument, *, all_moves: bool = False) -> None:
    warn = doc.confidence is not None and doc.confidence.mostly_estimated
    if (line := confidence_line(doc.confidence)) is not None:  # first: how far the figures below hold
        console.print(escape(render(line)), style="bold yellow" if warn else None)
    if doc.reclaimed is not None:
        r = doc.reclaimed
        console.print(
            text(
                "reclaim.applied",
                removed=r.n_vms_removed,
                resized=r.n_vms_resized,
                vcpus=r.vcpus_removed,
                memory_gib=r.memory_mib_removed / 1024,
            )
        )
    _print_consolidation(console, doc, all_moves=all_moves)
    print_profiles(console, doc)
    if doc.replacement:
        _print_replacement(console, doc.replacement)
        _print_end_state(console, doc)
        _print_sensitivity(console, doc)


def _limit_caps(vcpu_ratio: float | None, memory_overcommit: float | None) -> dict[str, float | None]:
    """`--vcpu-ratio` and `--memory-overcommit` as Policy fields: unset keeps the default, 0 lifts the cap."""
    caps: dict[str, float | None] = {}
    for name, value in (("vcpu_ratio", vcpu_ratio), ("memory_overcommit", memory_overcommit)):
        if value is not None:
            caps[name] = value or None
    return caps


def plan(
    ctx: typer.Context,
    scenario: Annotated[str | None, typer.Option(help="Save the plan as this scenario.")] = None,
    offer: Annotated[
        list[str] | None, typer.Option(help="Offer name (repeatable); 'existing' repacks in place.")
    ] = None,
    ceiling: Annotated[
        float | None, typer.Option(min=0.05, max=1.0, help="Utilisation ceiling, e.g. 0.4 (sources' preset) or 0.8.")
    ] = None,
    ha: Annotated[int | None, typer.Option(min=0, max=10, help="HA reserve hosts per cluster (N+1: 1).")] = None,
    scope: Annotated[str, typer.Option(help="cluster (VMs stay in their cluster) or estate.")] = "cluster",
    vcpu_ratio: Annotated[
        float | None,
        typer.Option(min=0.0, max=32.0, help="Most vCPUs per physical core of a host (0: no cap; default 4)."),
    ] = None,
    memory_overcommit: Annotated[
        float | None,
        typer.Option(
            min=0.0, max=10.0, help="Most allocated memory per unit of physical memory (0: no cap, the default)."
        ),
    ] = None,
    horizon: Annotated[int | None, typer.Option(min=1, max=15, help="Horizon in years.")] = None,
    start_year: Annotated[
        int | None,
        typer.Option(min=FIRST_START_YEAR, max=LAST_START_YEAR, help="First budget year (default: next year)."),
    ] = None,
    cap: Annotated[float | None, typer.Option(min=1.0, help="Yearly investment cap, EUR TTC.")] = None,
    memory_p95: Annotated[bool, typer.Option("--memory-p95", help="Size RAM on P95 consumed, not allocated.")] = False,
    exclude_powered_off: Annotated[
        bool, typer.Option("--exclude-powered-off", help="Leave powered-off VMs out.")
    ] = False,
    with_templates: Annotated[bool, typer.Option("--with-templates", help="Count templates too.")] = False,
    method: Annotated[str, typer.Option(help="auto, heuristic or exact (CP-SAT).")] = "auto",
    time_limit: Annotated[float, typer.Option(min=0.1, help="CP-SAT time limit per group, seconds.")] = 10.0,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override an assumption: NAME=VALUE (repeatable).")
    ] = None,
    growth_from_history: Annotated[
        bool,
        typer.Option(
            "--growth-from-history",
            help="Grow demand by the measured growth (parcimonie capacity) unless --set demand_growth_per_year.",
        ),
    ] = False,
    after_reclaim: Annotated[
        bool,
        typer.Option("--after-reclaim", help="Remove zombie and idle VMs, right-size oversized ones first."),
    ] = False,
    p2v: Annotated[
        bool,
        typer.Option("--p2v", help="Virtualise the physical servers: place them like VMs, retire their hardware."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole plan as JSON.")] = False,
    demand: Annotated[
        str,
        typer.Option(
            help="Demand sizing shown first: p95, profile (usage profiles) or auto (profile when most VMs have one)."
        ),
    ] = "auto",
    all_migrations: Annotated[
        bool, typer.Option("--migrations", help="List every VM migration (VM, source host → target host).")
    ] = False,
) -> None:
    """Consolidation, TCO vs TCA per option and the multi-year replacement plan of the estate."""
    settings: Settings = ctx.obj
    if scope not in ("cluster", "estate"):
        raise typer.BadParameter("scope doit valoir cluster ou estate", param_hint="--scope")
    if method not in ("auto", "heuristic", "exact"):
        raise typer.BadParameter("method doit valoir auto, heuristic ou exact", param_hint="--method")
    if demand not in ("auto", "p95", "profile"):
        raise typer.BadParameter("demand doit valoir auto, p95 ou profile", param_hint="--demand")
    try:
        policy = Policy(
            ceiling=Policy().ceiling if ceiling is None else ceiling,
            ha_reserve_hosts=Policy().ha_reserve_hosts if ha is None else ha,
            scope=scope,  # type: ignore[arg-type]
            use_memory_p95=memory_p95,
            include_powered_off=not exclude_powered_off,
            include_templates=with_templates,
            **_limit_caps(vcpu_ratio, memory_overcommit),
        )
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    request = PlanRequest(
        offers=tuple(offer or ()),
        policy=policy,
        horizon_years=horizon,
        start_year=start_year,
        yearly_investment_cap_eur=cap,
        method=method,  # type: ignore[arg-type]
        time_limit_s=time_limit,
        overrides=dict(_parse_override(s) for s in (set_ or [])),
        with_sensitivity=True,
        growth_from_history=growth_from_history,
        after_reclaim=after_reclaim,
        p2v=p2v,
        demand=demand,  # type: ignore[arg-type]
    )
    console = make_console(stderr=as_json)
    engine = open_engine(settings, must_exist=True)
    with console.status("Calcul du plan…"), Session(engine) as session:
        try:
            inputs = load_estate(session)
            document = run_plan(inputs, request, today=date.today()).document()
        except PlanError as err:
            _fail(render(err.message))
    if scenario:
        with session_scope(engine) as session:
            try:
                name = save_plan(session, document, name=scenario, snapshot_at=inputs.snapshot_at, actor=os_user())
            except ScenarioNameError:
                _fail("le nom du scénario est vide")
        console.print(f"Scénario « {escape(name)} » enregistré.")
    if as_json:
        typer.echo(document.model_dump_json(indent=1))
    else:
        _print_summary(console, document, all_moves=all_migrations)


def _fail(message: str) -> NoReturn:
    make_console(stderr=True).print(f"[red]Erreur : {escape(message)}[/red]")
    raise typer.Exit(2)


def report(
    ctx: typer.Context,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Workbook to write (.xlsx).", dir_okay=False)] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Committee note to write (.pdf, French, 2-4 pages).", dir_okay=False)
    ] = None,
    scenario: Annotated[
        str | None, typer.Option(help="A saved scenario (default: a plan with default settings).")
    ] = None,
    authority_type: Annotated[
        str, typer.Option(help="commune, epci, departement or region (decides the compulsory amortisation).")
    ] = "commune",
    population: Annotated[
        int | None,
        typer.Option(min=0, help="Inhabitants: communes and EPCI under 3 500 need not amortise (unknown: amortise)."),
    ] = None,
) -> None:
    """Write the budget workbook (--xlsx) and/or the committee note (--pdf) of a plan.

    The workbook: summary, yearly investissement/fonctionnement with their M57 chapter and account
    (HT, TVA, TTC), the amortisation the authority must record, the AP/CP, the sensitivity of the
    plan's saving, TCO vs TCA, placement. The note: a short French PDF for elected officials.
    """
    settings: Settings = ctx.obj
    if xlsx is None and pdf is None:
        raise typer.BadParameter("indiquez --xlsx FICHIER et/ou --pdf FICHIER", param_hint="--xlsx / --pdf")
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise typer.BadParameter("le classeur doit finir par .xlsx", param_hint="--xlsx")
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        raise typer.BadParameter("la note doit finir par .pdf", param_hint="--pdf")
    if authority_type not in AUTHORITY_KINDS:
        raise typer.BadParameter(f"attendu : {', '.join(AUTHORITY_KINDS)}", param_hint="--authority-type")
    authority = Authority(kind=authority_type, population=population)
    for target, option in ((xlsx, "--xlsx"), (pdf, "--pdf")):
        if target is not None:
            _check_writable_folder(target, option)
    engine = open_engine(settings, must_exist=True)
    with Session(engine) as session:
        try:
            estate = load_estate(session)
        except PlanError as err:
            _fail(render(err.message))
        if scenario:
            try:
                saved = saved_plan(session, scenario)
            except DocumentError as err:
                _fail(render(err.message))
            if saved is None:
                _fail(f"scénario inconnu : {scenario} (enregistrés : {', '.join(scenario_names(session)) or 'aucun'})")
            document, title = saved.document, scenario
            provenance = scenario_provenance(session, saved.name, document)
        else:
            try:
                request = PlanRequest(with_sensitivity=True)
                document = run_plan(estate, request, today=date.today()).document()
            except PlanError as err:
                _fail(render(err.message))
            title = "Plan par défaut"
            provenance = provenance_of(document, author=os_user(), at=datetime.now(UTC))
        capacity = estate_capacity(session) if xlsx is not None else None
        reclaim = plan_reclaim_report(session, estate, document) if xlsx is not None else None
    if xlsx is not None:
        try:
            extra = [reclaim_writer(reclaim)] if reclaim is not None else []
            extra += [w for w in (profiles_writer(document),) if w is not None]
            write_workbook(
                document,
                xlsx,
                title=title,
                authority=authority,
                capacity=capacity,
                extra_sheets=extra,
                provenance=provenance,
            )
        except OSError as err:
            _fail(f"impossible d'écrire le classeur {xlsx} : {err.strerror or err}")
        typer.echo(f"Classeur écrit : {xlsx}")
    if pdf is not None:
        age = average_host_age_years(estate, date.today())
        try:
            note = note_pdf(
                document, title=title, today=date.today(), average_host_age_years=age, provenance=provenance
            )
            pdf.write_bytes(note)
        except OSError as err:
            _fail(f"impossible d'écrire la note {pdf} : {err.strerror or err}")
        typer.echo(f"Note écrite : {pdf}")


def _check_writable_folder(target: Path, option: str = "--xlsx") -> None:
    """Refuse, before any computation, a workbook whose folder is missing or not writable."""
    folder = target.expanduser().absolute().parent
    if folder.exists() and not folder.is_dir():
        _fail(f"{folder} n'est pas un dossier : choisissez un autre chemin pour {option}")
    if not folder.is_dir():
        _fail(f"le dossier {folder} n'existe pas : créez-le ou choisissez un autre chemin pour {option}")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        _fail(f"impossible d'écrire dans {target} : droits insuffisants (choisissez un autre chemin pour {option})")


def scenarios(ctx: typer.Context) -> None:
    """Saved scenarios with their headline figures."""
    settings: Settings = ctx.obj
    engine = open_engine(settings, must_exist=True)
    console = make_console()
    with Session(engine) as session:
        saved = saved_plans(session)
    if not saved:
        console.print("Aucun scénario : `parcimonie plan --scenario NOM` en enregistre un.")
        return
    table = Table(title="Scénarios enregistrés")
    for column in ("Nom", "Mis à jour", "Hôtes aujourd'hui → fin du plan", "Investissement", "Économies", "Retour"):
        table.add_column(column)
    for s in saved:
        doc, r = s.document, s.document.replacement
        table.add_row(
            escape(s.name),
            format_date(s.updated_at, with_time=True),
            f"{doc.consolidation.n_hosts_before} → {doc.n_hosts_at_end}",
            euros(r.investment_eur if r else None),
            euros(r.totals.savings_eur if r else None),
            str(r.payback_year if r and r.payback_year else "—"),
        )
    console.print(table)
