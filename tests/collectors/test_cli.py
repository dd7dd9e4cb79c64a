"""`parcimonie collect|import|schedule`: exit codes and messages, no tracebacks."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app
from tests.collectors.imports.test_rvtools import ALL, workbook
from tests.support.vcsim import PASSWORD, Simulator

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}


@pytest.mark.vcsim
def test_collect_vsphere_from_settings(env: dict[str, str], vcsim: Callable[..., Simulator], tmp_path: Path) -> None:
    sim = vcsim(n_hosts=2, n_vms_per_host=2)
    secret = tmp_path / "pwd"
    secret.write_text(PASSWORD, encoding="utf-8")
    sources = [sim.source(name="vc1", password_file=secret).model_dump(mode="json")]
    env = {**env, "PARCIMONIE_VSPHERE_SOURCES": json.dumps(sources), "PARCIMONIE_VSPHERE_USAGE_WINDOW_H": "0"}
    result = runner.invoke(app, ["collect", "vsphere", "--source", "vc1"], env=env)
    assert result.exit_code == 0, result.output
    assert "vsphere:vc1 : 2 hôtes, 4 VM" in result.output
    result = runner.invoke(app, ["collect", "vsphere", "--source", "nope"], env=env)
    assert result.exit_code == 2 and "Source inconnue 'nope' (sources configurées : vc1)" in result.output
    bad = tmp_path / "bad"
    bad.write_text("wrong-password", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "collect",
            "vsphere",
            "--host",
            "127.0.0.1",
            "--port",
            str(sim.port),
            "--user",
            "x",
            "--password-file",
            str(bad),
            "--ca-file",
            str(sim.ca_file),
        ],
        env=env,
    )
    assert result.exit_code == 1 and "login refused" in result.output and "wrong-password" not in result.output


def test_collect_without_configuration_is_a_usage_error(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["collect", "vsphere"], env=env)
    assert result.exit_code == 2 and "PARCIMONIE_VSPHERE_SOURCES" in result.output
    result = runner.invoke(app, ["collect", "all"], env=env)
    assert result.exit_code == 2


def test_imports_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    path = workbook(tmp_path / "rv.xlsx", {k: v for k, v in ALL.items() if k != "vDatastore"})
    result = runner.invoke(app, ["import", "rvtools", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "Onglets absents : vDatastore" in result.output
    glpi = tmp_path / "glpi.csv"
    glpi.write_text("Nom;Numéro de série;Valeur\nesx01;7XK2J42;1 000,00\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "hosts"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 hôtes existants enrichis (1 par numéro de série" in result.output
    glpi.write_text("Nom;Valeur\nesx01;mille\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "hosts"], env=env)
    assert result.exit_code == 1 and "line 2, column 'Valeur': 'mille' is not a number" in result.output
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "servers"], env=env)
    assert result.exit_code == 2 and "--kind" in result.output
    result = runner.invoke(app, ["import", "rvtools", str(tmp_path / "absent.xlsx")], env=env)
    assert result.exit_code == 2 and "introuvable" in result.output


def test_collect_local_and_schedule_list(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["collect", "local", "--sample-s", "0.1"], env=env)
    assert result.exit_code == 0, result.output and "1 hôtes" in result.output
    result = runner.invoke(app, ["schedule", "--list"], env=env)
    assert result.exit_code == 0 and "Aucune tâche planifiée" in result.output
    result = runner.invoke(app, ["schedule", "--cron", "61 2 * * *"], env={**env, "PARCIMONIE_COLLECT_LOCAL": "true"})
    assert result.exit_code == 2 and "invalid cron expression" in result.output
