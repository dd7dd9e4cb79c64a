"""Nothing lost, nothing injected: user text prints as it is, user mistakes end with a message, secrets never show."""

import json
import logging
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app
from parcimonie.serve import PortUnavailable, check_port_free

runner = CliRunner()
REPO = str(Path(__file__).resolve().parents[2])
MARKUP = "[/red] [bold]x[/bold]"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("demo")
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{folder / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    result = runner.invoke(app, ["demo", "--no-serve", "--vms", "60"], env=env)
    assert result.exit_code == 0, result.output
    return env


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point (``main``: the last line of defence), in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "parcimonie", *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": REPO, "PARCIMONIE_LOG_LEVEL": "WARNING", **env},
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


# --- 1. Rich markup in user text -----------------------------------------------------------------


def test_markup_in_a_missing_file_name_prints_literally(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / f"liste {MARKUP}.csv"
    result = runner.invoke(app, ["import", "csv", str(missing), "--kind", "hosts"], env=env)
    assert result.exit_code == 2, result.output
    assert MARKUP in result.output


def test_markup_in_an_imported_source_and_names_prints_literally(env: dict[str, str], tmp_path: Path) -> None:
    vms = tmp_path / "vms.csv"
    vms.write_text(f"Nom;Hôte;vCPU;Mémoire (Go)\nvm{MARKUP};esx{MARKUP};2;4\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(vms), "--kind", "vms", "--source", f"s{MARKUP}"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"s{MARKUP}" in result.output
    assert f"vm{MARKUP}" in result.output


def test_markup_in_scenario_and_offer_names_prints_literally(demo_db: dict[str, str], tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "--scenario", f"scénario {MARKUP}", "--offer", "existing"], env=demo_db)
    assert result.exit_code == 0, result.output
    assert f"Scénario « scénario {MARKUP} » enregistré." in result.output
    result = runner.invoke(app, ["scenarios"], env=demo_db)
    assert result.exit_code == 0 and f"scénario {MARKUP}" in result.output
    result = runner.invoke(app, ["plan", "--offer", f"offre {MARKUP}"], env=demo_db)
    assert result.exit_code == 2 and f"offre {MARKUP}" in result.output
    result = runner.invoke(
        app, ["report", "--xlsx", str(tmp_path / "r.xlsx"), "--scenario", f"non {MARKUP}"], env=demo_db
    )
    assert result.exit_code == 2 and f"non {MARKUP}" in result.output


def test_emoji_codes_are_not_expanded() -> None:
    from parcimonie.console import make_console

    console = make_console()
    with console.capture() as captured:
        console.print("vm :thumbs_up: [x]")
    assert ":thumbs_up:" in captured.get()


# --- 2. The last line of defence: user mistakes exit 2 with a message -----------------------------


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("pas une base\n", encoding="utf-8")
    proc = _cli(["inventory"], {"PARCIMONIE_DATABASE_URL": f"sqlite:///{bad}"}, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "n'est pas une base SQLite" in proc.stderr and str(bad) in proc.stderr


def test_a_database_of_a_newer_version(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert _cli(["init"], {"PARCIMONIE_DATABASE_URL": url}, tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "p.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff99999999'")
    proc = _cli(["inventory"], {"PARCIMONIE_DATABASE_URL": url}, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "version plus récente" in proc.stderr


def test_a_missing_driver_names_it_without_the_password(tmp_path: Path) -> None:
    proc = _cli(["inventory"], {"PARCIMONIE_DATABASE_URL": "postgresql+psycopg2://dsi:s3cret@h/x"}, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "psycopg2" in proc.stderr and "s3cret" not in proc.stderr + proc.stdout


def test_a_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("", encoding="utf-8")
    proc = _cli(["init"], {"PARCIMONIE_DATABASE_URL": f"sqlite:///{blocker}/sous/p.db"}, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(blocker) in proc.stderr


def test_invalid_vsphere_sources_json(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_VSPHERE_SOURCES": '[{"name":'}
    proc = _cli(["inventory"], env, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "PARCIMONIE_VSPHERE_SOURCES" in proc.stderr and "JSON" in proc.stderr


@pytest.mark.parametrize("folder", ["absent/sous-dossier", "fichier"])
def test_report_into_a_missing_folder_fails_before_computing(
    demo_db: dict[str, str], tmp_path: Path, folder: str
) -> None:
    (tmp_path / "fichier").write_text("", encoding="utf-8")
    target = tmp_path / folder / "budget.xlsx"
    result = runner.invoke(app, ["report", "--xlsx", str(target)], env=demo_db)
    assert result.exit_code == 2, result.output
    assert str(target.parent) in result.output
    assert not target.exists()


def test_dashboard_port_out_of_range(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["dashboard", "--port", "70000"], env=env)
    assert result.exit_code == 2 and "65535" in result.output
    result = runner.invoke(app, ["demo", "--port", "0"], env=env)
    assert result.exit_code == 2


def test_dashboard_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PortUnavailable, match=str(port)):
            check_port_free("127.0.0.1", port)
        url = f"sqlite:///{tmp_path / 'p.db'}"
        assert _cli(["init"], {"PARCIMONIE_DATABASE_URL": url}, tmp_path).returncode == 0
        proc = _cli(["dashboard", "--port", str(port)], {"PARCIMONIE_DATABASE_URL": url}, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"port {port}" in proc.stderr


# --- 3. Secrets never printed ----------------------------------------------------------------------


def test_inline_password_is_refused_without_echoing_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sources = [{"name": "vc1", "host": "vc.example", "user": "u", "password": "x]hunter2-leak"}]
    env = {
        "PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PARCIMONIE_VSPHERE_SOURCES": json.dumps(sources),
        "PARCIMONIE_LOG_LEVEL": "DEBUG",
    }
    proc = _cli(["--verbose", "collect", "vsphere"], env, tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "password" in proc.stderr
    assert "hunter2" not in proc.stderr + proc.stdout
    with caplog.at_level(logging.DEBUG):
        result = runner.invoke(app, ["collect", "vsphere"], env=env)
    assert result.exit_code != 0
    assert "hunter2" not in result.output + caplog.text + repr(result.exception)


def test_validation_messages_never_quote_values() -> None:
    from pydantic import ValidationError

    from collectors.sources import VSphereSource
    from parcimonie.config_errors import validation_message

    with pytest.raises(ValidationError) as caught:
        VSphereSource.model_validate({"name": "a", "host": "h", "user": "u", "porte": "x]hunter2", "port": "z]hunter2"})
    message = validation_message(caught.value)
    assert "hunter2" not in message and "porte" in message and "port" in message


# --- 4. Figures out of range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, word",
    [
        (["--set", "vat_rate=5"], "TVA"),
        (["--set", "electricity_eur_per_kwh=25"], "5"),
        (["--start-year", "99999"], "--start-year"),
        (["--start-year", "-5"], "--start-year"),
        (["--start-year", "1900"], "--start-year"),
        (["--ha", "1000"], "--ha"),
        (["--cap", "0.5"], "--cap"),
        (["--horizon", "16"], "--horizon"),
    ],
)
def test_plan_refuses_figures_out_of_range(demo_db: dict[str, str], args: list[str], word: str) -> None:
    result = runner.invoke(app, ["plan", *args], env=demo_db)
    assert result.exit_code == 2, result.output
    assert word in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_tiny_investment_cap_gives_a_plan(demo_db: dict[str, str]) -> None:
    result = runner.invoke(app, ["plan", "--cap", "1"], env=demo_db)
    assert result.exit_code == 0, result.output
    assert "Plan de renouvellement" in result.output
