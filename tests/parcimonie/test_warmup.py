"""The dashboard's recommended plan is computed ahead: after `parcimonie import`, `collect`, `demo` and
each scheduled run; a warm-up never fails the command it follows nor creates a database."""

from datetime import date
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from collectors.schedule import collect_job
from inventory import CollectionRun, make_engine, upgrade_database
from parcimonie.cli import app
from parcimonie.planning.plan_cache import RECOMMENDED, cached_plan
from parcimonie.warmup import warm_url
from tests.collectors.imports.test_rvtools import ALL, workbook

runner = CliRunner()


def _stored(url: str) -> bool:
    with Session(make_engine(url)) as session:
        cached = cached_plan(session, RECOMMENDED, today=date.today())
    return cached is not None and cached.document is not None and cached.with_tornado


def test_an_import_stores_the_recommended_plan(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    env = {"PARCIMONIE_DATABASE_URL": url, "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0  # the catalogue: offers to plan with
    assert not _stored(url)
    result = runner.invoke(app, ["import", "rvtools", str(workbook(tmp_path / "rv.xlsx", ALL))], env=env)
    assert result.exit_code == 0, result.output
    assert _stored(url)


def test_demo_and_collect_store_it_or_say_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    env = {"PARCIMONIE_DATABASE_URL": url, "PARCIMONIE_LOG_LEVEL": "WARNING"}
    result = runner.invoke(app, ["demo", "--no-serve", "--vms", "60"], env=env)
    assert result.exit_code == 0, result.output
    assert _stored(url)
    # This machine alone: a host and no VM, a plan refused; the collection still succeeds.
    local = f"sqlite:///{tmp_path / 'local.db'}"
    local_env = {**env, "PARCIMONIE_DATABASE_URL": local}
    result = runner.invoke(app, ["collect", "local", "--sample-s", "0.1"], env=local_env)
    assert result.exit_code == 0, result.output
    assert not _stored(local)


def test_the_scheduled_run_calls_the_shells_hook(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade_database(engine)
    seen: list[list[CollectionRun]] = []
    runs = collect_job(
        engine,
        sources=[],
        include_local=True,
        usage_window_h=1.0,
        max_query_metrics=8,
        after_run=lambda _engine, done: seen.append(done),
    )
    assert seen == [runs] and len(runs) == 1


def test_no_database_is_created_to_warm(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    assert not warm_url(f"sqlite:///{path}")
    assert not path.exists()
