"""One plan, the same figures everywhere: the CLI's JSON and text, the workbook, Finances and Scénarios.

The plan is the demo estate's, made and saved by ``parcimonie plan --scenario``; each surface must
show the same hosts at the end of the plan, investment and savings, and say which host count is the
consolidation target (every host bought at once) and which the plan's end state.
"""

import json
from pathlib import Path

from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from parcimonie.cli import app
from parcimonie.formatting import format_eur
from parcimonie.planning.workbook import HOSTS_TARGET, hosts_at_end_label
from tests.dashboard.conftest import RunPage

runner = CliRunner()


def _chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


NAME = "Démo budget"


def test_cli_workbook_and_dashboard_agree(run_page: RunPage, demo_url: str, tmp_path: Path) -> None:
    env = {"PARCIMONIE_DATABASE_URL": demo_url, "PARCIMONIE_LOG_LEVEL": "WARNING", "COLUMNS": "400"}
    result = runner.invoke(app, ["plan", "--scenario", NAME, "--json"], env=env)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    r = plan["replacement"]
    last_year = r["years"][-1]
    hosts_end = r["yearly"][-1]["n_hosts_scenario"]
    target = plan["consolidation"]["n_hosts_after"]
    investment = sum(row["investissement_eur"] for row in r["budget_scenario"])
    savings = r["totals"]["savings_eur"]
    assert len(plan["tornado"]) == 5 and plan["saving_without_licences_eur"] is not None  # the CLI asks for it

    text = runner.invoke(app, ["plan"], env=env).output
    assert f"{hosts_at_end_label(last_year)} : {hosts_end}" in text
    assert f"{HOSTS_TARGET.lower()} : {target}" in text
    assert format_eur(investment) in text and format_eur(savings) in text
    assert "Sensibilité des économies du plan" in text

    xlsx = tmp_path / "budget.xlsx"
    assert runner.invoke(app, ["report", "--scenario", NAME, "--xlsx", str(xlsx)], env=env).exit_code == 0
    book = load_workbook(xlsx)
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary[hosts_at_end_label(last_year)] == hosts_end and summary[HOSTS_TARGET] == target
    assert summary["Investissement du plan (TTC)"] == investment
    assert summary["Économies sur l'horizon (TTC)"] == savings
    assert "Sensibilité" in book.sheetnames

    at = run_page("finances", demo_url)
    at.selectbox(key="fin_source").set_value(NAME).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[f"Hôtes en fin de plan {last_year} (réserve HA incluse)"] == str(hosts_end)
    assert metrics["Investissement du plan (TTC)"] == format_eur(investment)
    assert metrics["Économie du plan"] == format_eur(savings)
    assert "Économie du plan, chaque hypothèse à ±20 %" in _chart_titles(at)

    at = run_page("scenarios", demo_url)
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table.iloc[:, 0] == NAME].iloc[0]
    assert row["plan_n_hosts"] == str(hosts_end)
    assert row["plan_investment_eur"] == format_eur(investment)
    assert row["total_savings_eur"] == format_eur(savings)
    assert row["n_hosts_after"] == str(target)


def test_finances_computes_the_tornado_on_demand(run_page: RunPage, demo_url: str) -> None:
    at = run_page("finances", demo_url)
    assert not at.exception
    assert "Économie du plan, chaque hypothèse à ±20 %" not in _chart_titles(at)  # not computed until asked
    at.button(key="fin_tornado").click().run()
    assert not at.exception
    assert "Économie du plan, chaque hypothèse à ±20 %" in _chart_titles(at)
    assert any("hors licences" in c.value for c in at.caption)
