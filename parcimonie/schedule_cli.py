"""`parcimonie schedule`: the nightly collection of every configured source, one scheduler per database.

Imports only typer and rich at top level; APScheduler, the inventory and the collectors load when
the command runs. Exit codes as for the collectors' commands (`collect_cli.py`).
"""

import logging
from typing import TYPE_CHECKING, Annotated

import typer

from parcimonie.collect_cli import _fail, _num, _settings, console
from parcimonie.console import escape

logger = logging.getLogger(__name__)

schedule_app = typer.Typer(help="Run the nightly collection of every configured source.")


if TYPE_CHECKING:  # for `parcimonie schedule` only
    from datetime import datetime

    from sqlalchemy import Engine

    from collectors.schedule import NightlyScheduler
    from inventory.schedule_store import LockState


@schedule_app.callback(invoke_without_command=True)
def schedule_command(
    ctx: typer.Context,
    list_jobs_: Annotated[
        bool,
        typer.Option("--list", help="Show the stored schedule, its next run and the running scheduler, then exit."),
    ] = False,
    cron: Annotated[str | None, typer.Option(help="Crontab line (default: setting schedule_cron).")] = None,
    tz: Annotated[
        str | None, typer.Option("--timezone", help="Time zone (default: setting schedule_timezone).")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Collect only this configured vCenter ('local': this machine); repeatable."),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="If another scheduler runs on this database, wait to take over.")
    ] = False,
    heartbeat_s: Annotated[float, typer.Option("--heartbeat-s", hidden=True, min=0.1)] = 30.0,
) -> None:
    """Register the nightly collection and run the scheduler in the foreground (Ctrl+C stops it)."""
    from collectors.local.samples import STORE_NAME
    from collectors.schedule import NightlyScheduler, ScheduleConfig, SchedulerBusy, parse_cron, sigterm_exits
    from parcimonie.context import open_engine

    settings = _settings(ctx)
    engine = open_engine(settings)
    if list_jobs_:
        _print_schedules(engine)
        return
    chosen_cron, chosen_tz = cron or settings.schedule_cron, tz or settings.schedule_timezone
    try:
        parse_cron(chosen_cron, chosen_tz)
    except ValueError as err:
        raise _fail(str(err)) from None
    vsphere, include_local = list(settings.vsphere_sources), settings.collect_local
    if source:
        known = {s.name: s for s in settings.vsphere_sources}
        unknown = [name for name in source if name != "local" and name not in known]
        if unknown:
            names = ", ".join([*known, "local"])
            raise _fail(f"Source inconnue '{unknown[0]}' (sources possibles : {names}).")
        vsphere, include_local = [known[name] for name in dict.fromkeys(source) if name != "local"], "local" in source
    if not vsphere and not include_local:
        raise _fail("Aucune source configurée : PARCIMONIE_VSPHERE_SOURCES ou PARCIMONIE_COLLECT_LOCAL=true.")
    config = ScheduleConfig(
        cron=chosen_cron,
        timezone=chosen_tz,
        misfire_grace_s=settings.schedule_misfire_grace_s,
        sources=vsphere,
        include_local=include_local,
        source_names=list(dict.fromkeys(source)) if source else "all",
        usage_window_h=settings.vsphere_usage_window_h,
        max_query_metrics=settings.vsphere_max_query_metrics,
        local_samples=settings.data_dir / STORE_NAME,
    )
    from parcimonie.warmup import warm_after_runs

    scheduler = NightlyScheduler(engine, config, heartbeat_s=heartbeat_s, after_run=warm_after_runs)
    with sigterm_exits():  # SIGTERM, like Ctrl+C, ends in close(): the collection is awaited, the lock freed
        try:
            scheduler.acquire(
                wait=wait,
                on_wait=lambda state: console.print(
                    f"Un planificateur tourne déjà sur cette base ({state.holder}) : attente de son arrêt…"
                ),
            )
        except SchedulerBusy as busy:
            raise _fail(_busy_message(busy.state, busy.stale_after_s)) from None
        except (KeyboardInterrupt, SystemExit):
            raise typer.Exit(130) from None
        try:
            _run_scheduler(scheduler, settings.effective_database_url, chosen_tz)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            scheduler.close()
    if scheduler.lock_lost:
        raise _fail("Verrou du planificateur repris par un autre planificateur : arrêt.", 1)
    console.print("Planificateur arrêté, verrou libéré.")


def _run_scheduler(scheduler: "NightlyScheduler", url: str, tz: str) -> None:
    from inventory.database import safe_url

    job = scheduler.prepare()
    if scheduler.taken_over_from:
        console.print(f"[yellow]Verrou abandonné de {scheduler.taken_over_from} repris.[/yellow]")
    console.print(f"Planificateur démarré sur {safe_url(url)} ({scheduler.holder}) : {job.name}. Ctrl+C pour arrêter.")
    if scheduler.catch_up is not None:
        console.print(f"Collecte manquée du {_when(scheduler.catch_up, tz)} : lancée maintenant.")
    scheduler.run()


def _when(moment: "datetime", tz: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S %Z")


def _busy_message(state: "LockState", stale_after_s: float) -> str:
    from inventory import utcnow

    silent = max(0.0, (utcnow() - state.heartbeat_at).total_seconds())
    return (
        f"Un planificateur tourne déjà sur cette base : {state.holder}, démarré le "
        f"{_when(state.acquired_at, 'UTC')}, dernier signe de vie il y a {_num(silent)} s. "
        f"Arrêtez-le d'abord, ou relancez avec --wait pour prendre le relais à son arrêt "
        f"(un verrou sans signe de vie depuis {_num(stale_after_s)} s est repris)."
    )


def _print_schedules(engine: "Engine") -> None:
    """The stored schedules as plain data, and the scheduler that holds the lock (no unpickling)."""
    from inventory import utcnow
    from inventory.schedule_store import list_schedules, read_lock

    schedules = list_schedules(engine)
    if not schedules:
        console.print("Aucune tâche planifiée : lancez `parcimonie schedule`.")
    for row in schedules:
        sources = "toutes" if row.sources == "all" else ", ".join(row.sources)
        last = _when(row.last_fire_at, row.timezone) if row.last_fire_at else "jamais"
        following = _when(row.next_run_at, row.timezone) if row.next_run_at else "non planifiée"
        console.print(
            f"{escape(row.name)} : « {escape(row.cron)} » ({escape(row.timezone)}), sources : {escape(sources)}, "
            "rattrapage "
            f"{_num(row.misfire_grace_s)} s — dernière exécution planifiée {last}, prochaine exécution {following}"
        )
    lock = read_lock(engine)
    if lock is None:
        if schedules:
            console.print("Aucun planificateur actif : les collectes manquées reprendront à son redémarrage.")
        return
    silent = max(0.0, (utcnow() - lock.heartbeat_at).total_seconds())
    console.print(
        f"Planificateur actif : {escape(lock.holder)}, démarré le {_when(lock.acquired_at, 'UTC')}, "
        f"dernier signe de vie il y a {_num(silent)} s."
    )
