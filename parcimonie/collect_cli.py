"""`parcimonie collect …`: the collectors' sub-app (`schedule_cli.py` runs them nightly; imports: `import_cli.py`).

The collectors are libraries; this module is their command line. It imports only typer and rich at
top level: inventory, settings and the collectors' SDKs load in the command that runs.

Exit codes: 0 when every run succeeded; 1 when a source failed at run time (vCenter unreachable,
login refused…); 2 when the input is wrong: a usage or configuration mistake, or an imported file
that is missing, unreadable or invalid (missing columns, bad cells). No traceback for user mistakes.
Numbers are printed the French way: decimal comma, narrow no-break space between thousands.
"""

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from parcimonie.console import error_text, escape, make_console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from inventory import CollectionRun
    from parcimonie.settings import Settings

logger = logging.getLogger(__name__)
console = make_console()
err_console = make_console(stderr=True)

collect_app = typer.Typer(help="Collect the inventory from vCenters or this machine.", no_args_is_help=True)


# collectors.sources.DEFAULT_PASSWORD_ENV, spelled out so that `--help` imports no collector
# (tests/parcimonie/test_collect_cli.py checks they agree).
PASSWORD_ENV = "PARCIMONIE_VSPHERE_PASSWORD"


def _settings(ctx: typer.Context) -> "Settings":
    from parcimonie.settings import Settings

    settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
    return settings


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(error_text(message))
    return typer.Exit(code)


def _num(value: float, digits: int = 0) -> str:
    """12 345,6: decimal comma, narrow no-break space (U+202F) between thousands."""
    from parcimonie.formatting import format_number

    return format_number(value, decimals=digits)


def _report(runs: list["CollectionRun"], engine: "Engine", *, failure_code: int = 1) -> None:
    """Record the runs in the audit trail, compute the dashboard's plan ahead after a success, print one
    line per run; exit ``failure_code`` if any failed.

    Exit codes: 1 when a source failed, 2 when a file is wrong.
    """
    from inventory import RunStatus, os_user, record_runs, session_scope

    with session_scope(engine) as session:
        record_runs(session, runs, actor=os_user())
    if any(run.status == RunStatus.SUCCEEDED for run in runs):
        from parcimonie.warmup import warm_after_runs

        with console.status("Calcul du plan recommandé pour le tableau de bord…"):
            warm_after_runs(engine, runs)

    for run in runs:
        if run.status == RunStatus.SUCCEEDED:
            console.print(
                f"[green]✔[/green] {escape(run.source)} : {_num(run.n_hosts)} hôtes, {_num(run.n_vms)} VM, "
                f"{_num(run.n_datastores)} datastores ({_num(run.n_created)} créés, "
                f"{_num(run.n_updated)} mis à jour, {_num(run.n_marked_missing)} disparus)"
            )
        else:
            err_console.print(error_text(f"✘ {run.source} : {run.error}"))
    if any(run.status != RunStatus.SUCCEEDED for run in runs):
        raise typer.Exit(failure_code)


@collect_app.command("vsphere")
def collect_vsphere_command(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--source", help="Name of a configured source (default: all).")] = None,
    host: Annotated[str | None, typer.Option(help="vCenter to collect without configuring it.")] = None,
    port: Annotated[int, typer.Option(help="With --host: HTTPS port.")] = 443,
    user: Annotated[str | None, typer.Option(help="With --host: user name.")] = None,
    password_file: Annotated[
        Path | None, typer.Option(help=f"With --host: password file (else ${PASSWORD_ENV}).")
    ] = None,
    ca_file: Annotated[
        Path | None, typer.Option(help="With --host: PEM file of the CA that signed vCenter's certificate.")
    ] = None,
    insecure: Annotated[bool, typer.Option(help="With --host: skip TLS verification (labs only).")] = False,
    name: Annotated[str | None, typer.Option(help="With --host: source name (default: the host).")] = None,
    usage_hours: Annotated[float | None, typer.Option(help="Hours of statistics (0: none; default: setting).")] = None,
) -> None:
    """Collect configured vCenters (or one given by --host) into the inventory."""
    from collectors.runner import run_vsphere
    from collectors.sources import VSphereSource
    from parcimonie.context import open_engine

    settings = _settings(ctx)
    if host is not None:
        if user is None:
            raise _fail("--host demande aussi --user.")
        sources = [
            VSphereSource(
                name=name or host,
                host=host,
                port=port,
                user=user,
                password_file=password_file,
                ca_file=ca_file,
                insecure=insecure,
            )
        ]
    else:
        sources = list(settings.vsphere_sources)
        if not sources:
            raise _fail(
                "Aucun vCenter configuré : définissez PARCIMONIE_VSPHERE_SOURCES (liste JSON) "
                "ou passez --host et --user."
            )
        if source is not None:
            sources = [s for s in sources if s.name == source]
            if not sources:
                names = ", ".join(s.name for s in settings.vsphere_sources)
                raise _fail(f"Source inconnue '{source}' (sources configurées : {names}).")
    engine = open_engine(settings)
    window = settings.vsphere_usage_window_h if usage_hours is None else usage_hours
    runs = []
    with console.status("Collecte vSphere…") as status:
        for item in sources:
            runs.append(
                run_vsphere(
                    engine,
                    item,
                    usage_window_h=window,
                    max_query_metrics=settings.vsphere_max_query_metrics,
                    progress=lambda message: status.update(Text(message)),
                )
            )
    _report(runs, engine)


@collect_app.command("local")
def collect_local_command(
    ctx: typer.Context,
    sample_s: Annotated[float, typer.Option(help="Seconds of CPU sampling.", min=0.1)] = 1.0,
) -> None:
    """Record this machine (CPU, memory, disks, load) as a host."""
    from collectors.local import local_source, map_machine, probe_machine
    from collectors.local.samples import STORE_NAME, record_samples
    from inventory import Snapshot, record_run
    from parcimonie.context import open_engine

    settings = _settings(ctx)
    engine = open_engine(settings)
    with console.status("Observation de la machine…"):
        facts = probe_machine(sample_s=sample_s)
        # Each run adds its samples to a rolling store, so the P95 covers days, not one moment.
        history = record_samples(settings.data_dir / STORE_NAME, facts)
        run = record_run(
            engine,
            source=local_source(),
            kind="local",
            collect=lambda: Snapshot(hosts=[map_machine(facts, history)], complete=True),
        )
    console.print(
        f"{escape(facts.hostname)} : {escape(facts.cpu_model or 'CPU inconnu')}, {facts.n_cores} cœurs / "
        f"{facts.n_threads} threads, {_num(facts.memory_mib / 1024, 1)} Gio, démarré le "
        f"{facts.boot_time:%d/%m/%Y %H:%M} UTC, charge {_num(facts.load_1_5_15[0], 2)}, "
        + ", ".join(f"{escape(d.mountpoint)} {_num(d.used_gib)}/{_num(d.total_gib)} Gio" for d in facts.disks)
    )
    _report([run], engine)


@collect_app.command("all")
def collect_all_command(ctx: typer.Context) -> None:
    """Collect every configured source (vCenters, and this machine if collect_local is set)."""
    from collectors.local.samples import STORE_NAME
    from collectors.runner import run_all
    from parcimonie.context import open_engine

    settings = _settings(ctx)
    if not settings.vsphere_sources and not settings.collect_local:
        raise _fail("Aucune source configurée : PARCIMONIE_VSPHERE_SOURCES ou PARCIMONIE_COLLECT_LOCAL=true.")
    engine = open_engine(settings)
    with console.status("Collecte de toutes les sources…") as status:
        runs = run_all(
            engine,
            sources=settings.vsphere_sources,
            include_local=settings.collect_local,
            local_samples=settings.data_dir / STORE_NAME,
            usage_window_h=settings.vsphere_usage_window_h,
            max_query_metrics=settings.vsphere_max_query_metrics,
            progress=lambda message: status.update(Text(message)),
        )
    _report(runs, engine)
