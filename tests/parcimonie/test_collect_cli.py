"""`parcimonie collect|import|schedule`: exit codes and messages, no tracebacks."""

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectors.sources import DEFAULT_PASSWORD_ENV
from parcimonie.cli import app
from parcimonie.collect_cli import PASSWORD_ENV
from tests.collectors.imports.test_rvtools import ALL, workbook
from tests.support.vcsim import PASSWORD, Simulator

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "PARCIMONIE_LOG_LEVEL": "WARNING",
        "PARCIMONIE_DATA_DIR": str(tmp_path / "data"),  # the local collector's rolling samples go here
    }


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


def test_help_names_the_collectors_password_variable() -> None:
    assert PASSWORD_ENV == DEFAULT_PASSWORD_ENV
    result = runner.invoke(app, ["collect", "vsphere", "--help"])
    assert result.exit_code == 0 and DEFAULT_PASSWORD_ENV in result.output


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
    ghost = workbook(tmp_path / "ghost.xlsx", {**ALL, "vCPU": (["VM", "Overall"], [["[bold]ghost01", 50]])})
    result = runner.invoke(app, ["import", "rvtools", str(ghost)], env=env, terminal_width=300)
    assert result.exit_code == 0, result.output
    assert "1 VM des onglets d'usage (vCPU, vMemory, vPartition) absente(s) de vInfo" in result.output
    assert "[bold]ghost01" in result.output  # named as written, never read as markup
    glpi = tmp_path / "glpi.csv"
    glpi.write_text("Nom;Numéro de série;Valeur\nesx01;7XK2J42;1 000,00\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "hosts"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 hôtes existants enrichis (1 par numéro de série" in result.output
    assert "gardées dans la source csv:default" in result.output


def test_wrong_input_files_exit_2_in_french(env: dict[str, str], tmp_path: Path) -> None:
    glpi = tmp_path / "glpi.csv"
    glpi.write_text("Nom;Valeur\nesx01;mille\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "hosts"], env=env)
    assert result.exit_code == 2, result.output
    assert "1 cellule(s) invalide(s) :" in result.output
    assert "ligne 2, colonne 'Valeur' : 'mille' n'est pas un nombre" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "vms"], env=env)
    assert result.exit_code == 2 and "colonne(s) obligatoire(s) absente(s) : 'vCPU', 'Mémoire (Go)'" in result.output
    result = runner.invoke(app, ["import", "csv", str(glpi), "--kind", "servers"], env=env)
    assert result.exit_code == 2 and "--kind" in result.output
    result = runner.invoke(app, ["import", "csv", str(tmp_path / "absent.csv"), "--kind", "vms"], env=env)
    assert result.exit_code == 2 and "introuvable" in result.output
    result = runner.invoke(app, ["import", "rvtools", str(tmp_path / "absent.xlsx")], env=env)
    assert result.exit_code == 2 and "introuvable" in result.output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(app, ["import", "rvtools", str(broken)], env=env)
    assert result.exit_code == 2 and "classeur .xlsx illisible" in result.output


def test_import_vms_with_source_and_missing_sizes(env: dict[str, str], tmp_path: Path) -> None:
    hosts = tmp_path / "hotes.csv"
    hosts.write_text("Nom;Numéro de série\nesx01;S1\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "csv", str(hosts), "--kind", "hosts", "--source", "mairie-a"], env=env)
    assert result.exit_code == 0 and "source csv:mairie-a" in result.output, result.output
    vms = tmp_path / "vms_2026-01.csv"
    vms.write_text("Nom;vCPU;Mémoire (Go);Serveur hôte\napp1;2;8;esx01\napp2;;4;esx07\n", encoding="utf-8")
    args = ["import", "csv", str(vms), "--kind", "vms", "--source", "mairie-a"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2 and "ligne 3, colonne 'vCPU' : vide" in result.output, result.output
    result = runner.invoke(app, [*args, "--allow-missing-sizes"], env=env)
    assert result.exit_code == 0, result.output
    assert "csv:mairie-a : 0 hôtes, 2 VM" in result.output
    assert "1 VM importées sans hôte (hôte absent de la source csv:mairie-a) : app2 (esx07)" in result.output
    assert "1 VM sans vCPU ou sans mémoire, signalées par le planificateur : app2" in result.output
    result = runner.invoke(app, ["import", "csv", str(vms), "--kind", "vms", "--source", " "], env=env)
    assert result.exit_code == 2 and "--source demande un nom" in result.output


def test_collect_local_and_schedule_list(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["collect", "local", "--sample-s", "0.1"], env=env)
    assert result.exit_code == 0, result.output
    assert "1 hôtes" in result.output
    assert re.search(r", \d+,\d Gio, démarré le .* UTC, charge \d+,\d\d", result.output), result.output
    assert runner.invoke(app, ["collect", "local", "--sample-s", "0.1"], env=env).exit_code == 0
    store = json.loads((Path(env["PARCIMONIE_DATA_DIR"]) / "local-usage.json").read_text(encoding="utf-8"))
    assert len(store["runs"]) == 2  # each run adds its samples: the P95 builds over days
    result = runner.invoke(app, ["schedule", "--list"], env=env)
    assert result.exit_code == 0 and "Aucune tâche planifiée" in result.output
    result = runner.invoke(app, ["schedule", "--cron", "61 2 * * *"], env={**env, "PARCIMONIE_COLLECT_LOCAL": "true"})
    assert result.exit_code == 2 and "invalid cron expression" in result.output
