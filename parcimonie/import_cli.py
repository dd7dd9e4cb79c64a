"""`parcimonie import …`: RVTools exports, host/VM lists, usage profiles and placement rules.

Like `collect_cli.py` (whose helpers and exit codes it shares), only typer and rich load at top
level: the importers, the inventory and the settings load in the command that runs.
"""

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parcimonie.collect_cli import _fail, _num, _report, _settings, console
from parcimonie.console import error_text, escape
from parcimonie.rules_cli import import_rules_command

if TYPE_CHECKING:
    from collectors.imports import ListReport

import_app = typer.Typer(
    help="Import RVTools exports, hosts/VMs lists (GLPI, spreadsheets) and placement rules.", no_args_is_help=True
)
import_app.command("rules")(import_rules_command)  # placement rules (parcimonie/rules_cli.py)


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
