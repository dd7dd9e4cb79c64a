"""`parcimonie plan`, `parcimonie report` and `parcimonie scenarios`: plans from the command line."""

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from inventory import os_user, session_scope
from optimizer import Policy
from parcimonie.console import make_console
from parcimonie.context import open_engine
from parcimonie.formatting import format_date
from parcimonie.overrides import parse_override
from parcimonie.plan_text import print_plan
from parcimonie.planning import PlanError, PlanRequest, load_estate, run_plan
from parcimonie.planning.capacity import estate_capacity
from parcimonie.planning.messages import euros, render
from parcimonie.planning.note import average_host_age_years, note_pdf
from parcimonie.planning.provenance import provenance_of, scenario_provenance
from parcimonie.planning.scenarios import ScenarioNameError, save_plan, saved_plan, saved_plans, scenario_names
from parcimonie.planning.upgrade import DocumentError
from parcimonie.planning.workbook import write_workbook
from parcimonie.planning.workbook_budget import AUTHORITY_KINDS, Authority
from parcimonie.planning.workbook_profiles import profiles_writer
from parcimonie.planning.workbook_reclaim import plan_reclaim_report, reclaim_writer
from parcimonie.settings import Settings

#: Budget years a plan may start at: last year (a late vote) to ten years ahead.
FIRST_START_YEAR, LAST_START_YEAR = date.today().year - 1, date.today().year + 10


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
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1, help="CP-SAT budget shared by the groups, deterministic seconds (same plan on every run)."
        ),
    ] = 10.0,
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
            help="CPU demand sizing the whole plan: p95, profile (usage profiles) or auto (profile when most VMs "
            "have one)."
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
    caps = _limit_caps(vcpu_ratio, memory_overcommit)
    try:
        policy = Policy(
            ceiling=Policy().ceiling if ceiling is None else ceiling,
            ha_reserve_hosts=Policy().ha_reserve_hosts if ha is None else ha,
            scope=scope,  # type: ignore[arg-type]
            use_memory_p95=memory_p95,
            include_powered_off=not exclude_powered_off,
            include_templates=with_templates,
            vcpu_ratio=caps.get("vcpu_ratio", Policy().vcpu_ratio),
            memory_overcommit=caps.get("memory_overcommit", Policy().memory_overcommit),
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
        overrides=dict(parse_override(s) for s in (set_ or [])),
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
        print_plan(console, document, all_moves=all_migrations)


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
