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
from parcimonie.formatting import MISSING, format_date, format_number, format_percent
from parcimonie.planning.capacity import (
    DEFAULT_HORIZON_YEARS,
    CapacityReport,
    GroupCapacity,
    ResourceOutlook,
    estate_capacity,
)
from parcimonie.planning.host_profiles import LoadFigures, MeasuredLoad, estate_load
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


#: Hosts listed in the text report's measured load (the busiest first); `--json` gives them all.
LOAD_HOSTS_SHOWN = 20


def _minutes(value: float | None) -> str:
    """'35 min', '2 h 05', '—' (no sample)."""
    if value is None:
        return MISSING
    minutes = round(value)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d}"


def _load_cells(load: LoadFigures) -> list[str]:
    return [
        format_percent(load.peak_day),
        _minutes(load.minutes_over_80_day),
        _minutes(load.minutes_over_100_day),
        _minutes(load.minutes_over_80_week),
        _minutes(load.minutes_over_100_week),
    ]


def _print_load(load: MeasuredLoad) -> None:
    """The hosts' measured CPU load: each cluster, then the busiest hosts."""
    console = make_console()
    day = format_date(load.day_start.date()) if load.day_start else MISSING
    week = format_date(load.week_start.date()) if load.week_start else MISSING
    table = Table(title=f"Charge CPU mesurée (profils des hôtes : jour depuis le {day}, semaine depuis le {week})")
    for column in ["Cluster / hôte", "Capacité", "Pic du jour", "> 80 % jour", "> 100 % jour"]:
        table.add_column(column)
    table.add_column("> 80 % semaine")
    table.add_column("> 100 % semaine")
    for c in load.clusters:
        ghz = format_number(c.capacity_mhz / 1000, decimals=1)
        table.add_row(f"[b]{escape(c.cluster)}[/b] ({c.n_hosts} hôtes)", f"{ghz} GHz", *_load_cells(c.load))
    busiest = sorted(load.hosts, key=lambda h: -(h.load.peak_day or h.load.peak_week or 0.0))[:LOAD_HOSTS_SHOWN]
    for h in busiest:
        where = f" ({escape(h.cluster)})" if h.cluster else ""
        ghz = format_number(h.capacity_mhz / 1000, decimals=1)
        table.add_row(f"{escape(h.name)}{where}", f"{ghz} GHz", *_load_cells(h.load))
    console.print(table)
    more = len(load.hosts) - len(busiest)
    if more > 0:
        console.print(f"{format_number(more)} autres hôtes, moins chargés : --json pour tous.")
    console.print(
        "Utilisation = CPU mesuré / (cœurs × MHz nominaux) ; un cluster additionne ses hôtes. "
        "Minutes au-dessus d'un seuil : créneaux de 5 min (jour) ou 30 min (semaine)."
    )
    if load.no_capacity:
        console.print(f"Sans capacité connue (non comptés) : {escape(', '.join(load.no_capacity[:20]))}")


def capacity(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    horizon: Annotated[int, typer.Option(min=1, max=15, help="Years of hosts needed.")] = DEFAULT_HORIZON_YEARS,
    ceiling: Annotated[float, typer.Option(min=0.05, max=1.0, help="Utilisation ceiling of the hosts.")] = 0.80,
    ha_reserve_hosts: Annotated[int, typer.Option(min=0, max=10, help="Hosts held for HA per cluster.")] = 1,
) -> None:
    """Capacity over time: growth per year, time left before the ceiling, hosts needed each year.

    With hosts' usage profiles, also their measured CPU load: the day's peak and the minutes above
    80 % and 100 % over the last day and week, per cluster and for the busiest hosts.
    """
    settings: Settings = ctx.obj
    engine = open_engine(settings, must_exist=True)
    policy = Policy(ceiling=ceiling, ha_reserve_hosts=ha_reserve_hosts)
    with Session(engine) as session:
        report = estate_capacity(session, policy=policy, horizon_years=horizon)
        load = estate_load(session)
    if as_json:
        doc = report.to_dict() | {"measured_load": load.to_dict()}
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    console = make_console()
    if report.groups:
        _print_growth(report, ceiling, ha_reserve_hosts)
    else:
        console.print("Aucun historique : chaque collecte ou import réussi en ajoute un point.")
    if load.hosts:
        _print_load(load)


def _print_growth(report: CapacityReport, ceiling: float, ha_reserve_hosts: int) -> None:
    """Growth, time remaining and hosts needed, one row per cluster and the estate."""
    console = make_console()
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
