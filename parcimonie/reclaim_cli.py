"""`parcimonie reclaim`: zombie, idle and oversized VMs, ranked by the euros they free each year.

Loaded only when the command runs (``LAZY_COMMANDS`` in ``parcimonie.cli``). The figures are the
planning service's report (``parcimonie.planning.reclaim``), the same the dashboard and the
workbook show.
"""

from datetime import date
from typing import Annotated, NoReturn

import typer
from rich.table import Table
from sqlmodel import Session

from optimizer import Policy
from parcimonie.console import escape, make_console
from parcimonie.context import open_engine
from parcimonie.formatting import format_date
from parcimonie.overrides import parse_override
from parcimonie.planning import PlanError, PlanRequest, build_assumptions
from parcimonie.planning.messages import euros, num, render, text
from parcimonie.planning.reclaim import ReclaimReport, headline, load_reclaim_inputs, reclaim_report
from parcimonie.settings import Settings


def _fail(message: str) -> NoReturn:
    make_console(stderr=True).print(f"[red]Erreur : {escape(message)}[/red]")
    raise typer.Exit(2)


def _print(report: ReclaimReport, limit: int) -> None:
    console = make_console()
    console.print(f"[bold]Récupération au {format_date(report.as_of)}[/bold] : {escape(headline(report))}")
    if not report.vms:
        return
    for name, t in report.by_category.items():
        if t.n_vms:
            console.print(
                f"  {escape(text('reclaim.category.' + name))} : {t.n_vms} VM, {t.vcpus_freed} vCPU, "
                f"{num(t.memory_mib_freed / 1024, 0)} Gio, {euros(t.eur_per_year)} par an"
            )
    table = Table(title=f"VM à récupérer, par euros libérés (les {min(limit, len(report.vms))} premières)")
    columns = ("VM", "Catégorie", "Motif", "vCPU libérés", "Mémoire libérée (Gio)", "Part d'hôte")
    for column in (*columns, "Énergie / an", "Licences / an", "Total / an", "kgCO2e / an"):
        table.add_column(column, justify="left" if column in ("VM", "Catégorie", "Motif") else "right")
    for vm in report.vms[:limit]:
        table.add_row(
            escape(vm.name),
            escape(text(f"reclaim.category.{vm.category}")),
            escape(render(vm.reason)),
            str(vm.vcpus_freed),
            num(vm.memory_mib_freed / 1024, 0),
            num(vm.host_share * 100, 1) + " %",
            euros(vm.energy_eur),
            euros(vm.licences_eur),
            euros(vm.eur_per_year),
            num(vm.kgco2e_per_year, 0),
        )
    console.print(table)
    for note in report.notes:
        console.print(f"[dim]{escape(render(note))}[/dim]")


def reclaim(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole report as JSON.")] = False,
    ceiling: Annotated[float, typer.Option(min=0.05, max=1.0, help="Utilisation ceiling of the hosts.")] = 0.80,
    exclude_powered_off: Annotated[
        bool, typer.Option("--exclude-powered-off", help="The plan leaves powered-off VMs out.")
    ] = False,
    memory_p95: Annotated[bool, typer.Option("--memory-p95", help="The plan sizes RAM on P95 consumed.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="VMs shown in the table (all in --json).")] = 30,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override an assumption: NAME=VALUE, e.g. reclaim_powered_off_days=60."),
    ] = None,
) -> None:
    """Zombie, idle and oversized VMs, ranked by the euros (energy, licences) they free each year."""
    settings: Settings = ctx.obj
    policy = Policy(ceiling=ceiling, use_memory_p95=memory_p95, include_powered_off=not exclude_powered_off)
    request = PlanRequest(policy=policy, overrides=dict(parse_override(s) for s in (set_ or [])))
    engine = open_engine(settings, must_exist=True)
    with Session(engine) as session:
        try:
            assumptions = build_assumptions(request, today=date.today())
            report = reclaim_report(load_reclaim_inputs(session), assumptions=assumptions, policy=policy)
        except PlanError as err:
            _fail(render(err.message))
    if as_json:
        typer.echo(report.model_dump_json(indent=1))
    else:
        _print(report, limit)
