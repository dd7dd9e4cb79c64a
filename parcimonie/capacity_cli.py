"""`parcimonie capacity`: growth, time remaining and hosts needed, per cluster and for the estate.

Loaded only when the command runs (``LAZY_COMMANDS`` in ``parcimonie.cli``): it imports the
optimizer through the planning service.
"""

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session

from optimizer import Policy
from parcimonie.console import escape, make_console
from parcimonie.context import open_engine
from parcimonie.formatting import MISSING, format_date, format_number
from parcimonie.planning.capacity import DEFAULT_HORIZON_YEARS, GroupCapacity, ResourceOutlook, estate_capacity
from parcimonie.settings import Settings


def _years(value: float | None) -> str:
    if value is None:
        return "jamais (à ce rythme)"
    return "déjà atteint" if value == 0 else f"{format_number(value, decimals=1)} an(s)"


def _growth(outlook: ResourceOutlook, unit: str, scale: float) -> str:
    low, high = outlook.growth_low_per_year, outlook.growth_high_per_year
    main = f"{format_number(outlook.growth_per_year / scale, decimals=1)} {unit}/an"
    if low is None or high is None:
        return f"{main} (une seule date)"
    return f"{main} [{format_number(low / scale, decimals=1)} ; {format_number(high / scale, decimals=1)}]"


def _row(group: GroupCapacity) -> list[str]:
    cpu, mem = group.cpu, group.memory
    hosts = " · ".join(f"{y.year} : {MISSING if y.hosts is None else y.hosts}" for y in group.hosts_by_year)
    return [
        escape(group.cluster) if group.cluster is not None else "[b]Parc entier[/b]",
        str(group.n_runs),
        f"{format_number(cpu.demand / 1000, decimals=1)} / {format_number(cpu.usable / 1000, decimals=1)} GHz",
        _growth(cpu, "GHz", 1000),
        _years(cpu.years_remaining),
        f"{format_number(mem.demand / 1024, decimals=0)} / {format_number(mem.usable / 1024, decimals=0)} Gio",
        _growth(mem, "Gio", 1024),
        _years(mem.years_remaining),
        hosts,
    ]


def capacity(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    horizon: Annotated[int, typer.Option(min=1, max=15, help="Years of hosts needed.")] = DEFAULT_HORIZON_YEARS,
    ceiling: Annotated[float, typer.Option(min=0.05, max=1.0, help="Utilisation ceiling of the hosts.")] = 0.80,
    ha_reserve_hosts: Annotated[int, typer.Option(min=0, max=10, help="Hosts held for HA per cluster.")] = 1,
) -> None:
    """Capacity over time: growth per year, time left before the ceiling, hosts needed each year."""
    settings: Settings = ctx.obj
    engine = open_engine(settings, must_exist=True)
    policy = Policy(ceiling=ceiling, ha_reserve_hosts=ha_reserve_hosts)
    with Session(engine) as session:
        report = estate_capacity(session, policy=policy, horizon_years=horizon)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    console = make_console()
    if not report.groups:
        console.print("Aucun historique : chaque collecte ou import réussi en ajoute un point.")
        return
    table = Table(
        title=f"Capacité au {format_date(report.as_of)} (plafond {format_number(ceiling * 100)} %, "
        f"réserve HA {ha_reserve_hosts} hôte(s))"
    )
    columns = ["Groupe", "Dates", "CPU P95 / utile", "Croissance CPU [P10 ; P90]", "CPU : temps restant"]
    columns += ["Mémoire / utile", "Croissance mémoire", "Mémoire : temps restant", "Hôtes nécessaires"]
    for column in columns:
        table.add_column(column)
    for group in report.groups:
        table.add_row(*_row(group))
    console.print(table)
    console.print("Croissance : pente de Theil–Sen (médiane des pentes entre runs), fourchette P10–P90.")
