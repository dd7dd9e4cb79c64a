"""The `parcimonie` command on a fresh database: init, demo --no-serve, inventory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app

runner = CliRunner()
REPO = str(Path(__file__).resolve().parents[2])  # subprocesses run this checkout's code, whatever is installed


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}


def test_demo_then_inventory_json(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    assert "Démo chargée" in result.output
    result = runner.invoke(app, ["inventory", "--json"], env=env)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert 110 <= figures["n_hosts"] <= 130
    assert figures["vms_per_host"] < 8
    assert 0 < figures["share_out_of_warranty"] < 1


def test_demo_twice_does_not_duplicate(env: dict[str, str]) -> None:
    runner.invoke(app, ["demo", "--no-serve", "--vms", "100"], env=env)
    first = json.loads(runner.invoke(app, ["inventory", "--json"], env=env).output)
    result = runner.invoke(app, ["demo", "--no-serve", "--vms", "100"], env=env)
    assert "0 créés" in result.output
    assert json.loads(runner.invoke(app, ["inventory", "--json"], env=env).output) == first


def test_init_and_empty_inventory(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["init"], env=env)
    assert result.exit_code == 0 and "3 offres ajoutées" in result.output
    result = runner.invoke(app, ["inventory"], env=env)
    assert result.exit_code == 0 and "inventaire est vide" in result.output


def test_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parcimonie", "inventory"],
        env={"PARCIMONIE_DATABASE_URL": "nosuchdb://x", "PATH": "/usr/bin:/bin", "PYTHONPATH": REPO},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "nosuchdb" in proc.stderr


def test_unreachable_postgres_is_a_clear_error_without_password(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parcimonie", "inventory"],
        env={
            "PARCIMONIE_DATABASE_URL": "postgresql+psycopg://dsi:s3cret@127.0.0.1:1/x",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": REPO,
        },
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "s3cret" not in proc.stderr + proc.stdout
    assert "127.0.0.1" in proc.stderr


def test_offers_lists_the_catalogue_with_footprints(env: dict[str, str]) -> None:
    runner.invoke(app, ["init"], env=env)
    result = runner.invoke(app, ["offers"], env=env, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Xeon Gold 6430" in result.output and "kgCO2e" in result.output


def test_read_commands_refuse_a_mistyped_sqlite_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "p.db"
    proc = subprocess.run(
        [sys.executable, "-m", "parcimonie", "inventory"],
        env={"PARCIMONIE_DATABASE_URL": f"sqlite:///{missing}", "PATH": "/usr/bin:/bin", "PYTHONPATH": REPO},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2 and "base introuvable" in proc.stderr
    assert not missing.parent.exists()


def test_help_lists_every_command_without_loading_them() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from parcimonie.cli import app; "
        "out = CliRunner().invoke(app, ['--help'], terminal_width=200).output; "
        "heavy = [m for m in ('sqlalchemy', 'pandas', 'numpy', 'openpyxl', 'optimizer', 'inventory') "
        "if m in sys.modules]; "
        "print(heavy); print(out)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert proc.stdout.splitlines()[0] == "[]"
    names = ("init", "demo", "inventory", "offers", "dashboard", "plan", "report", "scenarios", "collect", "import")
    for name in names:
        assert f" {name} " in proc.stdout


def test_lazy_commands_show_their_own_help_line() -> None:
    import importlib
    import inspect

    from parcimonie.cli import LAZY_COMMANDS

    for module, function, help_line in LAZY_COMMANDS.values():
        doc = inspect.getdoc(getattr(importlib.import_module(module), function)) or ""
        assert doc.splitlines()[0] == help_line
    result = runner.invoke(app, ["plan", "--help"], terminal_width=200)
    assert result.exit_code == 0 and "--ceiling" in result.output
