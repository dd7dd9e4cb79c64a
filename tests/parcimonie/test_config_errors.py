"""A setting pydantic refuses is named and explained in French, through the real entry point."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = str(Path(__file__).resolve().parents[2])


def _inventory(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": REPO, "PARCIMONIE_DATA_DIR": str(tmp_path), **settings}
    return subprocess.run(
        [sys.executable, "-m", "parcimonie", "inventory"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PARCIMONIE_DASHBOARD_PORT", "abc", "PARCIMONIE_DASHBOARD_PORT : nombre entier attendu"),
        ("PARCIMONIE_DASHBOARD_PORT", "70000", "PARCIMONIE_DASHBOARD_PORT : doit être inférieur ou égal à 65535"),
        (
            "PARCIMONIE_VSPHERE_USAGE_WINDOW_H",
            "-3",
            "PARCIMONIE_VSPHERE_USAGE_WINDOW_H : doit être supérieur ou égal à 0",
        ),
        ("PARCIMONIE_VSPHERE_SOURCES", '[{"host": 1}]', "PARCIMONIE_VSPHERE_SOURCES[0].name : valeur requise"),
        ("PARCIMONIE_VSPHERE_SOURCES", '[{"host": 1}]', "PARCIMONIE_VSPHERE_SOURCES[0].host : texte attendu"),
        ("PARCIMONIE_LANGUAGE", "de", "PARCIMONIE_LANGUAGE : langue 'fr' ou 'en'"),
        ("PARCIMONIE_LOG_LEVEL", "loud", "PARCIMONIE_LOG_LEVEL : niveau DEBUG"),
    ],
)
def test_refused_setting_is_named_in_french(tmp_path: Path, variable: str, value: str, said: str) -> None:
    proc = _inventory(tmp_path, **{variable: value})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert said in proc.stderr.replace("\n", " ")
    assert "Input should" not in proc.stderr and "Field required" not in proc.stderr


def test_log_level_in_lower_case_is_taken(tmp_path: Path) -> None:
    proc = _inventory(tmp_path, PARCIMONIE_LOG_LEVEL="warning")
    assert "Configuration invalide" not in proc.stderr
