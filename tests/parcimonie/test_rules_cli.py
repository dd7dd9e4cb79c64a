"""`parcimonie import rules`: rules stored, plans respect them; a bad file writes nothing (exit 2)."""

import json
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app

runner = CliRunner()
PLAN = ["plan", "--offer", "existing", "--method", "heuristic", "--ha", "0", "--json"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "200"], env=env).exit_code == 0
    return env


def _placement(env: dict[str, str]) -> dict[str, dict[str, str | None]]:
    result = runner.invoke(app, PLAN, env=env)
    assert result.exit_code == 0, result.output
    c = json.loads(result.stdout)["consolidation"]
    return {m["vm"]: m for m in c["placement"]}


def test_rules_are_imported_and_respected(env: dict[str, str], tmp_path: Path) -> None:
    before = _placement(env)
    by_target: dict[str, list[str]] = defaultdict(list)
    for vm, m in before.items():
        by_target[str(m["to_host"])].append(vm)
    host, crowd = max(by_target.items(), key=lambda kv: len(kv[1]))  # VMs the plain plan puts together
    a, b, c = crowd[:3]
    moving = next(vm for vm, m in before.items() if m["from_host"] != m["to_host"])
    stays_on = str(before[moving]["from_host"])
    rules = tmp_path / "regles.csv"
    rules.write_text(
        f"type;groupe;vm;hote\nanti-affinité;DC;{a};\nanti-affinité;DC;{b};\nfixe;;{moving};\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["import", "rules", str(rules)], env=env)
    assert result.exit_code == 0, result.output
    assert "3 règle(s) de placement importée(s)" in result.output
    after = _placement(env)
    assert after[a]["to_host"] != after[b]["to_host"]
    assert after[moving]["to_host"] == stays_on == after[moving]["from_host"]
    assert c in after  # the others are still placed


def test_bad_rules_file_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "ok.csv"
    vm = next(iter(_placement(env)))
    good.write_text(f"type;groupe;vm;hote\nfixe;;{vm};\n", encoding="utf-8")
    assert runner.invoke(app, ["import", "rules", str(good)], env=env).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(f"type;groupe;vm;hote\nfixe;;{vm};\nanti-affinité;DC;vm-inconnue-[red];\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "rules", str(bad)], env=env)
    assert result.exit_code == 2
    assert "ligne 3" in result.output and "vm-inconnue-[red]" in result.output  # named, printed as text
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["import", "rules", str(tmp_path / "absent.csv")], env=env)
    assert missing.exit_code == 2 and "introuvable" in missing.output
    # The good file's rule is still there: the bad one replaced nothing.
    from sqlmodel import Session

    from inventory import make_engine
    from inventory.rules import load_rules

    engine = make_engine(env["PARCIMONIE_DATABASE_URL"])
    with Session(engine) as session:
        assert [(r.kind, r.vm) for r in load_rules(session)] == [("stay", vm)]
    engine.dispose()
