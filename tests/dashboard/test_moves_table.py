"""The consolidation page lists the plan's migrations: the same count as `parcimonie plan --json`
(the page packs with the heuristic, so the CLI is asked for it too)."""

import json

from typer.testing import CliRunner

from parcimonie.cli import app
from parcimonie.formatting import format_number
from tests.dashboard.conftest import RunPage

runner = CliRunner()


def test_repack_migrations_match_the_cli(run_page: RunPage, demo_url: str) -> None:
    env = {"PARCIMONIE_DATABASE_URL": demo_url, "PARCIMONIE_LOG_LEVEL": "WARNING"}
    result = runner.invoke(app, ["plan", "--offer", "existing", "--method", "heuristic", "--json"], env=env)
    assert result.exit_code == 0, result.output
    c = json.loads(result.stdout)["consolidation"]
    assert c["n_migrations"] > 0
    at = run_page("consolidation", demo_url)
    at.radio(key="cons_target").set_value("existing").run()
    assert not at.exception
    label = f"Migrations de VM ({format_number(c['n_migrations'], decimals=0)})"
    (expander,) = [e for e in at.expander if e.label == label]
    assert not expander.dataframe  # closed: no row built nor sent
    at.session_state["cons_moves"] = True  # a person opens it
    at.run()
    (expander,) = [e for e in at.expander if e.label == label]
    table = expander.dataframe[0].value
    assert len(table) == min(c["n_migrations"], 500)
    assert table.iloc[0].tolist() == [c["migrations"][0][k] for k in ("vm", "from_host", "to_host")]
