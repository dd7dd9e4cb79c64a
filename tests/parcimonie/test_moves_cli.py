"""The migrations of a plan read the same in the CLI text, --json, --migrations and the workbook."""

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from parcimonie.cli import app
from parcimonie.moves_view import TOP
from parcimonie.planning.messages import text

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    env["COLUMNS"] = "300"
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "300"], env=env).exit_code == 0
    return env


def test_same_migrations_on_every_surface(env: dict[str, str], tmp_path: Path) -> None:
    args = ["plan", "--offer", "existing", "--method", "heuristic"]
    result = runner.invoke(app, [*args, "--scenario", "Sur place", "--json"], env=env)
    assert result.exit_code == 0, result.output
    c = json.loads(result.stdout)["consolidation"]
    moved = [m for m in c["placement"] if m["from_host"] != m["to_host"]]
    assert c["n_migrations"] == len(c["migrations"]) == len(moved) > TOP  # the demo must move some
    assert sorted(map(json.dumps, c["migrations"])) == sorted(map(json.dumps, moved))
    assert len(c["placement"]) > c["n_migrations"]  # and keep others home

    shown = runner.invoke(app, args, env=env).output
    assert text("moves.count", n=c["n_migrations"]) in shown
    assert text("moves.more", n=c["n_migrations"] - TOP) in shown
    last = c["migrations"][-1]["vm"]
    assert last not in shown
    full = runner.invoke(app, [*args, "--migrations"], env=env).output
    assert last in full and "moves.more" not in full and text("moves.more", n=1)[:10] not in full

    xlsx = tmp_path / "plan.xlsx"
    assert runner.invoke(app, ["report", "--scenario", "Sur place", "--xlsx", str(xlsx)], env=env).exit_code == 0
    rows = list(load_workbook(xlsx)["Migrations"].iter_rows(min_row=2, values_only=True))
    moves = [r for r in rows if r[1] is not None]
    assert [list(r) for r in moves] == [[m["vm"], m["from_host"], m["to_host"]] for m in c["migrations"]]
    assert rows[-1][0] == text("moves.count", n=c["n_migrations"])


def test_new_hosts_move_every_vm_placed(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["plan", "--method", "heuristic", "--json"], env=env)
    c = json.loads(result.stdout)["consolidation"]
    assert c["n_migrations"] == len(c["placement"]) == len(c["migrations"])
    assert all(m["to_host"].startswith("nouveau-") for m in c["migrations"])
