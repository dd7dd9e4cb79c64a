"""Data confidence of plans made from RVTools exports: host-apportioned usage, samples, estimates."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from collectors.runner import run_rvtools
from inventory import ensure_default_catalogue, session_scope
from parcimonie.cli import app
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.confidence import confidence_line
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.messages import render
from parcimonie.planning.workbook import workbook_bytes
from tests.conftest import TODAY

runner = CliRunner()

# esx01: 2 sockets × 10 cores at 2 000 MHz, 256 GiB; "CPU usage %" 10 → 4 000 MHz in use.
VHOST = ["Host", "Cluster", "Speed", "# CPU", "Cores per CPU", "# Memory", "ESX Version"]
HOST_ROW = ["esx01", "CL", 2000, 2, 10, 262144, "VMware ESXi 7.0.3"]
VINFO = (
    ["VM", "Powerstate", "CPUs", "Memory", "Cluster", "Host", "VM Instance UUID"],
    [
        ["web1", "poweredOn", 4, 8192, "CL", "esx01.ville.local", "u-1"],  # FQDN in vInfo, short name in vHost
        ["web2", "poweredOn", 6, 8192, "CL", "esx01.ville.local", "u-2"],
        ["old1", "poweredOn", 2, 4096, "CL", "esx09.ville.local", "u-3"],  # a host no vHost row describes
    ],
)


def _export(path: Path, tabs: dict[str, tuple[list[Any], list[list[Any]]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in tabs.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _lean(path: Path, *, with_usage: bool = True) -> Path:
    """An export with only vInfo and vHost (with or without the host's usage percentages)."""
    vhost = (VHOST + ["CPU usage %", "Memory usage %"], [HOST_ROW + [10, 50]]) if with_usage else (VHOST, [HOST_ROW])
    return _export(path, {"vInfo": VINFO, "vHost": vhost})


def test_only_vinfo_and_vhost_gives_host_apportioned_usage(sqlite_engine: Engine, tmp_path: Path) -> None:
    run, result = run_rvtools(sqlite_engine, _lean(tmp_path / "lean.xlsx"))
    assert result is not None and result.undescribed_hosts == {"esx09.ville.local": 1}
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
    with Session(sqlite_engine) as session:
        inputs = load_estate(session)
    plan = run_plan(inputs, PlanRequest(method="heuristic"), today=TODAY).document()
    c = plan.confidence
    assert c is not None
    # 4 000 MHz over 10 vCPUs: web1 1 600, web2 2 400, × 1.5 (sample_safety_factor) → 2 400 and 3 600;
    # old1 (host unknown: median host, 2 000 MHz) estimated 2 × 2 000 × 0.5 = 2 000. Same core score p
    # for all three, so shares are 6 000 / 8 000 and 2 000 / 8 000.
    assert (c.share_host_apportioned, c.share_estimated) == pytest.approx((0.75, 0.25))
    assert (c.n_vms_host_apportioned, c.n_vms_estimated, c.n_vms_unknown_host) == (2, 1, 1)
    # Score 0.75 × 0.25 = 0.1875, not above 20 % → level 1, but not mostly estimated.
    assert c.score == pytest.approx(0.1875) and c.level == 1 and not c.mostly_estimated
    assert any(w.code == "warning.vms_on_unknown_hosts" and w.params["n"] == 1 for w in plan.warnings)
    line = confidence_line(c)
    assert line is not None and render(line).startswith("Confiance dans les données : 1/5")
    assert "75\u202f% répartie" in render(line) and "Data confidence: 1/5" in render(line, "en")


def test_plan_on_estimates_says_so_first_on_every_surface(tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    imported = runner.invoke(app, ["import", "rvtools", str(_lean(tmp_path / "bare.xlsx", with_usage=False))], env=env)
    assert imported.exit_code == 0, imported.output
    assert "3 estimé(s) depuis l'allocation" in imported.output
    result = runner.invoke(app, ["plan", "--method", "heuristic"], env=env)
    assert result.exit_code == 0, result.output
    first = result.output.strip().splitlines()[0]
    assert first.startswith("Plan fondé surtout sur des estimations : 100\u202f% de la demande CPU"), first
    document = json.loads(runner.invoke(app, ["plan", "--method", "heuristic", "--json"], env=env).stdout)
    assert document["confidence"]["level"] == 1 and document["confidence"]["mostly_estimated"] is True
    assert document["confidence"]["share_estimated"] == 1.0

    sheet = load_workbook(io.BytesIO(workbook_bytes(PlanDocument.model_validate(document))))["Synthèse"]
    values = [row[1] for row in sheet.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert values[1] == "1/5" and str(values[2]).startswith("Plan fondé surtout sur des estimations")
