"""`parcimonie collect …` and `parcimonie import …`: the collectors' sub-apps (`schedule_cli.py` runs them nightly).

The collectors are libraries; this module is their command line. It imports only typer and rich at
top level: inventory, settings and the collectors' SDKs load in the command that runs.

Exit codes: 0 when every run succeeded; 1 when a source failed at run time (vCenter unreachable,
login refused…); 2 when the input is wrong: a usage or configuration mistake, or an imported file
that is missing, unreadable or invalid (missing columns, bad cells). No traceback for user mistakes.
Numbers are printed the French way: decimal comma, narrow no-break space between thousands.
"""

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from parcimonie.console import error_text, escape, make_console
from parcimonie.rules_cli import import_rules_command

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from collectors.imports import ListReport
    from inventory import CollectionRun
    from parcimonie.settings import Settings

logger = logging.getLogger(__name__)
console = make_console()
err_console = make_console(stderr=True)

collect_app = typer.Typer(help="Collect the inventory from vCenters or this machine.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import RVTools exports, hosts/VMs lists (GLPI, spreadsheets) and placement rules.", no_args_is_help=True
)
import_app.command("rules")(import_rules_command)  # placement rules (parcimonie/rules_cli.py)


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


@import_app.command("rvtools")
def import_rvtools_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="RVTools .xlsx file, or the folder of RVTools_tab*.csv files.")],
    source: Annotated[str | None, typer.Option(help="Source name (default: the 'VI SDK Server' column).")] = None,
    decimal: Annotated[str, typer.Option(help="Decimal separator of CSV numbers: '.' or ','.")] = ".",
    allow_shrink: Annotated[
        bool,
        typer.Option(
            help="Accept an export with empty vInfo/vHost tabs or that marks more than half of the source missing."
        ),
    ] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Date of the export, YYYY-MM-DD (default: the file's date)."
        ),
    ] = None,
) -> None:
    """Import an RVTools export (vInfo, vHost, vCluster, vDatastore)."""

    from collectors.runner import run_rvtools
    from inventory.enums import UsageSource
    from parcimonie.context import open_engine

    if decimal not in (".", ","):
        raise _fail(f"--decimal doit valoir '.' ou ',', pas '{decimal}'.")
    if not path.exists():
        raise _fail(f"{path} : fichier ou dossier introuvable.")
    engine = open_engine(_settings(ctx))
    with console.status(f"Import de {path.name}…"):
        run, result = run_rvtools(
            engine,
            path,
            source=source,
            decimal=decimal,
            allow_shrink=allow_shrink,
            as_of=as_of.date() if as_of else None,
        )
    if result is not None:
        console.print(f"Onglets importés : {', '.join(result.present_tabs)}")
        if result.missing_tabs:
            console.print(
                f"[yellow]Onglets absents : {', '.join(result.missing_tabs)} — import partiel, "
                "rien n'est marqué disparu.[/yellow]"
            )
        counts = result.usage_counts
        console.print(
            f"Usage des VM : {counts[UsageSource.SAMPLE]} relevé(s) ponctuel(s) (vCPU/vMemory), "
            f"{counts[UsageSource.HOST_APPORTIONED]} réparti(s) depuis l'usage de l'hôte (vHost), "
            f"{counts[UsageSource.ESTIMATED]} estimé(s) depuis l'allocation"
        )
        if result.undescribed_hosts:
            n_vms = sum(result.undescribed_hosts.values())
            console.print(
                f"[yellow]{n_vms} VM sur {len(result.undescribed_hosts)} hôte(s) qu'aucune ligne de vHost ne "
                "décrit (capacité inconnue, hors des plans) : "
                f"{_names([f'{h} ({n} VM)' for h, n in result.undescribed_hosts.items()])}[/yellow]"
            )
        if result.unmatched_usage:
            console.print(
                f"[yellow]{len(result.unmatched_usage)} VM des onglets d'usage (vCPU, vMemory, vPartition) "
                f"absente(s) de vInfo, leurs chiffres sont ignorés : {_names(result.unmatched_usage)}[/yellow]"
            )
    # Sources and messages quote the file's cells: print them as text, never as Rich markup.
    _report([run], engine, failure_code=2)


@import_app.command("csv")
def import_csv_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV or .xlsx file (GLPI export, spreadsheet).")],
    kind: Annotated[str, typer.Option("--kind", help="What the rows are: hosts or vms.")],
    source: Annotated[
        str | None,
        typer.Option(help="List name: rows go to source csv:NAME (default: csv:default), whatever the file name."),
    ] = None,
    allow_missing_sizes: Annotated[
        bool, typer.Option(help="With --kind vms: accept VMs without vCPU or memory (the planner reports them).")
    ] = False,
    encoding: Annotated[str, typer.Option(help="auto, utf-8, utf-8-sig, utf-16 or cp1252.")] = "auto",
    delimiter: Annotated[str, typer.Option(help="auto, ';', ',' or 'tab' (one character).")] = "auto",
    decimal: Annotated[str, typer.Option(help="auto, ',' or '.'.")] = "auto",
    date_format: Annotated[str, typer.Option(help="dmy (DD/MM/YYYY), iso or mdy.")] = "dmy",
    sheet: Annotated[str | None, typer.Option(help="Tab of a workbook (default: the first).")] = None,
) -> None:
    """Import a hosts list (enriches known hosts by serial number, else name) or a VMs list."""
    import codecs

    from collectors.imports import ReadOptions, list_source, run_list
    from inventory import InvalidSourceData, RunStatus
    from parcimonie.context import open_engine

    if kind not in ("hosts", "vms"):
        raise _fail(f"--kind doit valoir hosts ou vms, pas '{kind}'.")
    if decimal not in ("auto", ",", "."):
        raise _fail(f"--decimal doit valoir auto, ',' ou '.', pas '{decimal}'.")
    if date_format not in ("dmy", "iso", "mdy"):
        raise _fail(f"--date-format doit valoir dmy, iso ou mdy, pas '{date_format}'.")
    delimiter = "\t" if delimiter == "tab" else delimiter
    if delimiter != "auto" and (len(delimiter) != 1 or delimiter in '"\r\n '):
        raise _fail(f"--delimiter demande un seul caractère (';', ',' ou tab), pas '{delimiter}'.")
    if encoding != "auto":
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise _fail(f"--encoding : encodage inconnu '{encoding}'.") from None
    if source is not None and not source.strip().removeprefix("csv:").strip():
        raise _fail("--source demande un nom (par exemple --source mairie-a).")
    try:
        list_source(source)
    except InvalidSourceData as err:
        raise _fail(f"--source : {err}.") from None
    if not path.is_file():
        raise _fail(f"{path} : fichier introuvable.")
    options = ReadOptions(
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        date_format=date_format,
        sheet=sheet,
        allow_missing_sizes=allow_missing_sizes,
    )
    engine = open_engine(_settings(ctx))
    with console.status(f"Import de {path.name}…"):
        run, report = run_list(engine, path, kind=kind, source=source, options=options)  # type: ignore[arg-type]
    if run.status == RunStatus.SUCCEEDED:
        _print_list_report(report)
    # Sources and messages quote the file's cells: print them as text, never as Rich markup.
    _report([run], engine, failure_code=2)


USAGE_FILE_HELP = (
    "CSV of samples: timestamp; VM name or UUID; CPU MHz[; memory MiB][; type]. Column type: vm (default, "
    "also when empty) or host (hôte): the row names a host by id or name."
)


@import_app.command("usage")
def import_usage_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=USAGE_FILE_HELP)],
    encoding: Annotated[str, typer.Option(help="auto, utf-8, utf-8-sig, utf-16 or cp1252.")] = "auto",
    delimiter: Annotated[str, typer.Option(help="auto, ';' or ','.")] = "auto",
) -> None:
    """Import usage profiles (day and week) of known VMs and hosts (rows typed host; a host name
    several hosts share is refused, naming its line) from another tool's samples."""
    from collectors.imports.usage_csv import import_usage
    from inventory import InvalidSourceData
    from parcimonie.context import open_engine

    if delimiter not in ("auto", ";", ","):
        raise _fail(f"--delimiter doit valoir auto, ';' ou ',', pas '{escape(delimiter)}'.")
    if not path.is_file():
        raise _fail(f"{escape(str(path))} : fichier introuvable.")
    engine = open_engine(_settings(ctx))
    try:
        report = import_usage(engine, path, encoding=encoding, delimiter=delimiter)
    except (InvalidSourceData, ValueError) as err:
        console.print(error_text(str(err)))
        raise typer.Exit(2) from None
    hosts = f" et {_num(report.n_hosts)} hôte(s)" if report.n_hosts or report.unknown_hosts else ""
    console.print(
        f"{_num(report.n_rows)} échantillons lus : {_num(report.n_profiles)} profils écrits pour "
        f"{_num(report.n_vms)} VM{hosts}."
    )
    for unknown, what in ((report.unknown, "VM inconnues"), (report.unknown_hosts, "hôte(s) inconnu(s)")):
        if unknown:
            console.print(f"[yellow]{_num(len(unknown))} {what} de l'inventaire :[/] {_names(unknown)}")


def _names(items: list[str], limit: int = 20) -> str:
    from rich.markup import escape

    more = f" … (+{_num(len(items) - limit)})" if len(items) > limit else ""
    return escape(", ".join(items[:limit])) + more


def _print_list_report(report: "ListReport") -> None:
    from rich.markup import escape

    enrichment = report.enrichment
    if enrichment is not None:
        console.print(
            f"{_num(enrichment.hosts_enriched)} hôtes existants enrichis ({_num(enrichment.matched_by_serial)} "
            f"par numéro de série, {_num(enrichment.matched_by_name)} par nom), "
            f"{_num(len(enrichment.unmatched))} lignes sans correspondance gardées dans la source "
            f"{escape(report.source)}"
        )
    if report.unattached:
        console.print(
            f"[yellow]{_num(len(report.unattached))} VM importées sans hôte (hôte absent de la source "
            f"{escape(report.source)}) : {_names([f'{vm} ({host})' for vm, host in report.unattached])}[/yellow]"
        )
    if report.without_size:
        console.print(
            f"[yellow]{_num(len(report.without_size))} VM sans vCPU ou sans mémoire, signalées par le "
            f"planificateur : {_names(report.without_size)}[/yellow]"
        )
