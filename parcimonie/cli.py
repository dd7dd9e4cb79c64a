"""The `parcimonie` command: set-up, demo, inventory figures, dashboard; packages add the rest.

Start-up stays light (`parcimonie --help` imports typer and rich only): every command imports what it
needs when it runs, and the planning commands, whose module imports the optimizer, pandas and
openpyxl, are loaded only when invoked (``ShellGroup``).
"""

import importlib
import json
import logging
import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from parcimonie.collect_cli import collect_app
from parcimonie.console import error_text, escape, make_console
from parcimonie.import_cli import import_app
from parcimonie.offers_cli import offers_app
from parcimonie.schedule_cli import schedule_app

if TYPE_CHECKING:
    from parcimonie.settings import Settings

logger = logging.getLogger(__name__)
console = make_console()
err_console = make_console(stderr=True)

# Commands whose module is heavy to import: name -> (module, function, first line of its docstring).
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "plan": (
        "parcimonie.plan_cli",
        "plan",
        "Consolidation, TCO vs TCA per option and the multi-year replacement plan of the estate.",
    ),
    "report": (
        "parcimonie.plan_cli",
        "report",
        "Write the budget workbook (--xlsx) and/or the committee note (--pdf) of a plan.",
    ),
    "scenarios": ("parcimonie.plan_cli", "scenarios", "Saved scenarios with their headline figures."),
    "capacity": (
        "parcimonie.capacity_cli",
        "capacity",
        "Capacity over time: growth per year, time left before the ceiling, hosts needed each year.",
    ),
    "reclaim": (
        "parcimonie.reclaim_cli",
        "reclaim",
        "Zombie, idle and oversized VMs, ranked by the euros (energy, licences) they free each year.",
    ),
}


class LazyCommand(TyperCommand):
    """Stands for a command in help listings; ``ShellGroup`` swaps in the real one to run it."""

    def __init__(self, name: str, module: str, function: str, help: str) -> None:
        super().__init__(name=name, help=help)
        self.module, self.function = module, function

    def load(self) -> Any:
        """The real command, built by Typer from the function (its module is imported now)."""
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name=self.name)(getattr(importlib.import_module(self.module), self.function))
        return typer.main.get_command(single)


class ShellGroup(TyperGroup):
    """The root group: the commands of ``LAZY_COMMANDS`` are imported only when they run."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, (module, function, help_line) in LAZY_COMMANDS.items():
            self.commands.setdefault(name, LazyCommand(name, module, function, help_line))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """As Typer does, then the real command in place of a ``LazyCommand``."""
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, LazyCommand):
            command = command.load()
        return name, command, rest


app = typer.Typer(
    cls=ShellGroup,
    name="parcimonie",
    help="Parcimonie: inventory, TCO vs TCA, consolidation and replacement plans for a DSI.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def settings_of(ctx: typer.Context) -> "Settings":
    """The settings the root callback built."""
    settings: Settings = ctx.obj
    return settings


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")] = False,
) -> None:
    from parcimonie.logs import configure_logging
    from parcimonie.settings import Settings

    settings = Settings()
    configure_logging("DEBUG" if verbose else settings.log_level)
    ctx.obj = settings


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database or upgrade its schema and its saved plans, and add the default server offers."""
    from inventory import ensure_default_catalogue, session_scope
    from inventory.database import safe_url
    from parcimonie.context import open_engine
    from parcimonie.planning.footprint import fill_offer_footprints
    from parcimonie.planning.upgrade import upgrade_scenarios

    settings = settings_of(ctx)
    engine = open_engine(settings)
    with session_scope(engine) as session:
        added = ensure_default_catalogue(session)
        fill_offer_footprints(session)
        upgraded = upgrade_scenarios(session)
    if upgraded:
        console.print(f"{upgraded} scénario(s) enregistré(s) mis au format de plan actuel")
    console.print(f"Base prête : {escape(safe_url(settings.effective_database_url))} ({added} offres ajoutées)")


@app.command()
def demo(
    ctx: typer.Context,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the dashboard after loading.")] = True,
    n_vms: Annotated[int, typer.Option("--vms", min=10, help="Number of VMs in the demo estate.")] = 900,
    seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = 2026,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Dashboard port (1-65535).")] = None,
) -> None:
    """Load the demo estate (a mid-size authority) through the collectors' path, then serve the dashboard."""
    from collectors.demo import DEMO_SOURCE, generate_demo_estate
    from inventory import RunStatus, ensure_default_catalogue, record_run, session_scope
    from inventory.database import safe_url
    from parcimonie.context import open_engine
    from parcimonie.planning.footprint import fill_offer_footprints

    settings = settings_of(ctx)
    engine = open_engine(settings)
    with session_scope(engine) as session:
        ensure_default_catalogue(session)
        fill_offer_footprints(session)
    with console.status("Génération et chargement du parc de démonstration…"):
        run = record_run(
            engine,
            source=DEMO_SOURCE,
            kind="demo",
            collect=lambda: generate_demo_estate(n_vms=n_vms, seed=seed),
        )
    if run.status != RunStatus.SUCCEEDED:
        err_console.print(error_text(f"Échec du chargement : {run.error}"))
        raise typer.Exit(1)
    console.print(
        f"Démo chargée : {run.n_hosts} hôtes, {run.n_vms} VM, {run.n_clusters} clusters "
        f"({run.n_created} créés, {run.n_updated} mis à jour) dans {escape(safe_url(settings.effective_database_url))}"
    )
    from parcimonie.warmup import warm_plan

    with console.status("Calcul du plan recommandé pour le tableau de bord…"):
        warm_plan(engine)
    if serve:
        from parcimonie.serve import serve_dashboard

        raise typer.Exit(serve_dashboard(settings, port=port))


def _fmt(value: float | int | None, suffix: str = "") -> str:
    """A figure in French (integers as they are, others with two decimals), with its unit."""
    from parcimonie.formatting import MISSING, format_number

    if value is None:
        return MISSING
    return format_number(value, decimals=0 if isinstance(value, int) else 2) + suffix


@app.command()
def inventory(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Key figures of the estate: hosts, VMs, clusters, host age, warranty, VMs per host."""
    from rich.table import Table
    from sqlmodel import Session

    from inventory.summary import estate_summary
    from parcimonie.context import open_engine

    engine = open_engine(settings_of(ctx), must_exist=True)
    with Session(engine) as session:
        summary = estate_summary(session, today=date.today())
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
        return
    if summary.n_hosts == 0 and summary.n_vms == 0:
        console.print(
            "L'inventaire est vide : lancez `parcimonie demo`, `parcimonie collect …` ou `parcimonie import …`."
        )
        return
    table = Table(title="Parc informatique", show_header=False)
    share = summary.share_out_of_warranty
    rows = [
        ("Sites", _fmt(summary.n_sites)),
        ("Clusters", _fmt(summary.n_clusters)),
        ("Hôtes", _fmt(summary.n_hosts)),
        ("VM (hors modèles)", _fmt(summary.n_vms)),
        ("VM allumées", _fmt(summary.n_vms_powered_on)),
        ("VM par hôte", _fmt(summary.vms_per_host)),
        ("Âge moyen des hôtes", _fmt(summary.average_host_age_years, " ans")),
        ("Hôtes hors garantie", _fmt(None if share is None else share * 100, " %")),
        ("Cœurs physiques", _fmt(summary.total_cores)),
        ("vCPU alloués", _fmt(summary.total_vcpus)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)


@app.command()
def dashboard(
    ctx: typer.Context,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on (1-65535).")] = None,
    address: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth", help="Serve without sign-in even beyond this machine (everyone reaching it is admin)."
        ),
    ] = False,
) -> None:
    """Serve the dashboard on the configured database (sign-in required beyond this machine)."""
    from parcimonie.context import open_engine
    from parcimonie.serve import serve_dashboard
    from parcimonie.serve_auth import check_sign_in

    settings = settings_of(ctx)
    check_sign_in(settings, address=address or settings.dashboard_address, no_auth=no_auth)  # before the database
    open_engine(settings, must_exist=True)
    raise typer.Exit(serve_dashboard(settings, port=port, address=address, no_auth=no_auth))


app.add_typer(offers_app, name="offers")
app.add_typer(collect_app, name="collect")
app.add_typer(import_app, name="import")
app.add_typer(schedule_app, name="schedule")


def _configured_url() -> str | None:
    """The configured database URL, or None when the settings themselves are wrong."""
    try:
        from parcimonie.settings import Settings

        return Settings().effective_database_url
    except Exception:  # noqa: BLE001  (a broken configuration has its own message)
        return None


def _scrub(message: str) -> str:
    """The message with the configured database password, if any, masked."""
    try:
        from sqlalchemy.engine import make_url

        url = _configured_url()
        password = make_url(url).password if url else None
    except Exception:  # noqa: BLE001  (an unparsable URL has no password to hide)
        return message
    return message.replace(str(password), "***") if password else message


def _shown_url() -> str:
    """The configured database URL with its password masked, for messages."""
    try:
        from inventory.database import safe_url

        url = _configured_url()
        return safe_url(url) if url else "?"
    except Exception:  # noqa: BLE001  (an unparsable URL: say so without quoting it)
        return "(URL illisible)"


def _first_line(err: BaseException) -> str:
    lines = _scrub(str(err)).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def _database_error(err: Exception) -> str | None:
    """The message of a database that cannot be used (not a database, newer schema…), or None."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

    url = _shown_url()
    if isinstance(err, ArgumentError | NoSuchModuleError):
        return f"URL de base de données invalide : {_scrub(str(err))} (PARCIMONIE_DATABASE_URL)"
    if isinstance(err, OperationalError):
        return f"Base de données injoignable ({url}) : {_first_line(err.orig or err)}"
    if isinstance(err, DatabaseError):
        return (
            f"Base de données inutilisable ({url}) : {_first_line(err.orig or err)} ; "
            "vérifiez PARCIMONIE_DATABASE_URL (ce fichier est-il bien une base Parcimonie ?)"
        )
    try:
        from alembic.util.exc import CommandError
    except ImportError:  # pragma: no cover  (alembic is a dependency)
        return None
    if isinstance(err, CommandError):
        return (
            f"Schéma de la base {url} inconnu de cette version de Parcimonie ({_first_line(err)}) : "
            "base créée par une version plus récente ? Mettez Parcimonie à jour."
        )
    return None


#: Models whose validation errors are configuration mistakes (settings, vCenter sources).
_CONFIGURATION_MODELS = frozenset({"Settings", "VSphereSource"})


def _user_error(err: Exception) -> str | None:
    """The one-line message of a user mistake or an unreachable service, or None for a bug.

    The exception classes are imported here, once an error happened: start-up does not pay for them.
    """
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from inventory.errors import CollectionError, DatabaseUnusable
    from parcimonie.config_errors import settings_error, validation_message
    from parcimonie.context import MissingDatabase
    from parcimonie.serve import PortUnavailable
    from parcimonie.serve_auth import SignInMissing

    if isinstance(err, CollectionError | DatabaseUnusable | MissingDatabase | PortUnavailable | SignInMissing):
        return f"Erreur : {_scrub(str(err))}"
    if isinstance(err, ValidationError) and err.title in _CONFIGURATION_MODELS:  # others are bugs: traceback
        return f"Configuration invalide : {validation_message(err)}"
    if isinstance(err, SettingsError):
        return settings_error(err)
    if (message := _database_error(err)) is not None:
        return message
    if isinstance(err, OSError):
        where = f"{err.filename} : " if err.filename else ""
        return f"Erreur d'accès au disque ou au réseau : {where}{_scrub(err.strerror or str(err))}"
    return None


def main() -> None:
    """Console-script entry point: user mistakes and unreachable services end with a message, not a traceback."""
    try:
        app()
    except Exception as err:
        message = _user_error(err)
        if message is None:
            raise
        err_console.print(error_text(message))
        sys.exit(2)
