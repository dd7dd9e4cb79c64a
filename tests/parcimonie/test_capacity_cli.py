"""`parcimonie capacity`: three dated RVTools exports give the growth `capacity --json` reports."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app
from tests.collectors.imports.test_rvtools import VCLUSTER, VHOST, VINFO, workbook

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}


def _export(path: Path, n_vms: int) -> Path:
    """``n_vms`` powered-on VMs of 4 GiB on CL-PROD (the two hosts of the RVTools tests)."""
    template = VINFO[1][0]
    rows: list[list[Any]] = []
    for k in range(n_vms):
        row = list(template)
        row[0], row[12], row[13] = f"vm{k:02d}", f"4210-{k:04d}", f"5010-{k:04d}"
        rows.append(row)
    return workbook(path, {"vInfo": (VINFO[0], rows), "vHost": VHOST, "vCluster": VCLUSTER})


def test_three_dated_exports_give_the_growth(env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    # 2, 4 then 6 VMs of 4 096 MiB on days 0, 182 and 365
    for n, day in ((2, "2025-01-01"), (4, "2025-07-02"), (6, "2026-01-01")):
        result = runner.invoke(
            app, ["import", "rvtools", str(_export(tmp_path / f"e{n}.xlsx", n)), "--as-of", day], env=env
        )
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["capacity", "--json", "--horizon", "2"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["as_of"] == "2026-01-01" and [g["cluster"] for g in report["groups"]] == ["CL-PROD", None]
    prod = report["groups"][0]
    assert prod["n_runs"] == 3 and [p["as_of"] for p in prod["history"]] == ["2025-01-01", "2025-07-02", "2026-01-01"]
    # pairwise slopes (MiB/year): 8 192 / (182/365.25), 16 384 / (365/365.25), 8 192 / (183/365.25);
    # the median is the middle one, 16 384 x 365.25 / 365 = 16 395.2; band P10-P90 between the others
    memory = prod["memory"]
    assert memory["growth_per_year"] == pytest.approx(16384 * 365.25 / 365, abs=1e-3)
    assert memory["growth_low_per_year"] > 8192 * 365.25 / 183 - 1e-3
    assert memory["growth_high_per_year"] < 8192 * 365.25 / 182 + 1e-3
    assert memory["demand"] == 6 * 4096
    # hosts 256 GiB + 384 GiB: usable 640 GiB x 0.8 - 384 GiB = 128 GiB = 131 072 MiB
    assert memory["usable"] == pytest.approx(655360 * 0.8 - 393216)
    assert memory["years_remaining"] == pytest.approx((131072 - memory["level"]) / memory["growth_per_year"], rel=1e-3)
    assert prod["cpu"]["growth_per_year"] == 0  # RVTools gives no CPU usage
    assert [y["year"] for y in prod["hosts_by_year"]] == [2026, 2027, 2028]
    # 24 576 MiB over the average host's 327 680 MiB x 0.8: 1 host, plus 1 for HA
    assert prod["hosts_by_year"][0]["hosts"] == 2
    text = runner.invoke(app, ["capacity"], env=env)
    assert text.exit_code == 0 and "CL-PROD" in text.output


def test_capacity_without_history(env: dict[str, str]) -> None:
    runner.invoke(app, ["init"], env=env)
    result = runner.invoke(app, ["capacity"], env=env)
    assert result.exit_code == 0 and "Aucun historique" in result.output
    assert json.loads(runner.invoke(app, ["capacity", "--json"], env=env).output)["groups"] == []


def test_plan_grows_with_the_measured_growth(env: dict[str, str], tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    for n, day in ((2, "2025-01-01"), (4, "2025-07-02"), (6, "2026-01-01")):
        path = _export(tmp_path / f"e{n}.xlsx", n)
        assert runner.invoke(app, ["import", "rvtools", str(path), "--as-of", day], env=env).exit_code == 0
    report = json.loads(runner.invoke(app, ["capacity", "--json"], env=env).output)
    estate = report["groups"][-1]
    # memory grows by 16 395 MiB a year over 24 576 MiB today (CPU: 0): 0.6671 a year
    expected = estate["memory"]["growth_per_year"] / estate["memory"]["demand"]
    assert expected == pytest.approx(16384 * 365.25 / 365 / 24576, rel=1e-3)
    result = runner.invoke(app, ["plan", "--growth-from-history", "--method", "heuristic", "--json"], env=env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["assumptions"]["demand_growth_per_year"] == pytest.approx(expected, abs=1e-4)
    assert doc["replacement"]["demand_growth_per_year"] == pytest.approx(expected, abs=1e-4)
    assert "warning.demand_growth" in [w["code"] for w in doc["warnings"]]
    # an explicit value wins over the history
    result = runner.invoke(
        app,
        ["plan", "--growth-from-history", "--set", "demand_growth_per_year=0", "--method", "heuristic", "--json"],
        env=env,
    )
    doc = json.loads(result.stdout)
    assert doc["assumptions"]["demand_growth_per_year"] == 0
    assert "warning.demand_growth" not in [w["code"] for w in doc["warnings"]]
    flat = json.loads(runner.invoke(app, ["plan", "--method", "heuristic", "--json"], env=env).stdout)
    assert flat["assumptions"]["demand_growth_per_year"] == 0


def test_workbook_capacity_sheet_has_the_figures_of_capacity_json(env: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from parcimonie.planning.workbook import CAPACITY_COLUMNS

    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    book_path = tmp_path / "plan.xlsx"
    for n, day in ((2, "2025-01-01"), (4, "2025-07-02"), (6, "2026-01-01")):
        path = _export(tmp_path / f"e{n}.xlsx", n)
        assert runner.invoke(app, ["import", "rvtools", str(path), "--as-of", day], env=env).exit_code == 0
    report = json.loads(runner.invoke(app, ["capacity", "--json"], env=env).output)
    result = runner.invoke(app, ["report", "--xlsx", str(book_path)], env=env)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book_path)["Capacité"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][1:] == [head for head, _ in CAPACITY_COLUMNS]
    groups = report["groups"]
    assert [r[0] for r in rows[1 : 1 + len(groups)]] == ["CL-PROD", "Parc entier"]
    for row, group in zip(rows[1:], groups, strict=False):
        for cell, (_, path) in zip(row[1:], CAPACITY_COLUMNS, strict=True):
            expected: Any = group
            for key in path:
                expected = expected[key]
            assert cell == expected, (path, cell, expected)
    memory_growth = [head for head, _ in CAPACITY_COLUMNS].index("Croissance par an mémoire (Mio)") + 1
    assert rows[1][memory_growth] == pytest.approx(16384 * 365.25 / 365, abs=1e-3)  # by hand, as above
    hosts_header = 1 + len(groups) + 1
    assert rows[hosts_header][1:7] == [y["year"] for y in groups[0]["hosts_by_year"]]
    for row, group in zip(rows[hosts_header + 1 :], groups, strict=False):
        assert row[1:7] == [y["hosts"] for y in group["hosts_by_year"]]


def test_workbook_without_history_has_no_capacity_sheet() -> None:
    from openpyxl import Workbook

    from parcimonie.planning.capacity import capacity_report
    from parcimonie.planning.workbook import _capacity

    book = Workbook()
    _capacity(book, capacity_report([]))
    _capacity(book, None)
    assert "Capacité" not in book.sheetnames


def test_measured_load_of_an_imported_host_profile(env: dict[str, str], tmp_path: Path) -> None:
    """Four 5-minute samples at 50 %, 90 %, 110 % and 20 % of a host's cores x MHz, read back by hand."""
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "20"], env=env).exit_code == 0
    before = json.loads(runner.invoke(app, ["capacity", "--json"], env=env).output)["measured_load"]
    assert before["hosts"] and before["clusters"] and before["day_start"] is not None
    host = before["hosts"][0]
    cap = host["capacity_mhz"]
    rows = "".join(
        f"23/11/2026 10:{m:02d};{host['name']};{share * cap:.3f};host\n"
        for m, share in ((0, 0.5), (5, 0.9), (10, 1.1), (15, 0.2))
    )
    (tmp_path / "h.csv").write_text("horodatage;nom;CPU MHz;type\n" + rows, encoding="utf-8")
    result = runner.invoke(app, ["import", "usage", str(tmp_path / "h.csv")], env=env)
    assert result.exit_code == 0 and "1 hôte(s)" in result.output, result.output
    after = json.loads(runner.invoke(app, ["capacity", "--json"], env=env).output)["measured_load"]
    (load,) = [h["load"] for h in after["hosts"] if h["name"] == host["name"]]
    # The day: peak 110 %; above 80 %: the 90 % and 110 % slots (2 x 5 min); above 100 %: one slot.
    assert load["peak_day"] == pytest.approx(1.1, abs=1e-4)
    assert (load["minutes_over_80_day"], load["minutes_over_100_day"]) == (10.0, 5.0)
    # The week: one 30-minute slot holding the mean, (0,5 + 0,9 + 1,1 + 0,2) / 4 = 67,5 %: no minute above.
    assert load["peak_week"] == pytest.approx(0.675, abs=1e-4) and load["minutes_over_80_week"] == 0.0
    text = runner.invoke(app, ["capacity"], env=env)
    assert text.exit_code == 0 and "Charge CPU mesurée" in text.output and "10 min" in text.output
