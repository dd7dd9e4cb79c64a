"""The CLI's changes land in the audit trail under the operating-system user (``getpass.getuser``)."""

import getpass
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from inventory import AuditEvent, audit_events, make_engine
from parcimonie.cli import app
from tests.collectors.imports.test_rvtools import ALL, workbook

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}


def _events(env: dict[str, str]) -> list[AuditEvent]:
    engine = make_engine(env["PARCIMONIE_DATABASE_URL"])
    with Session(engine) as session:
        events = audit_events(session)
    engine.dispose()
    return list(reversed(events))  # oldest first


def test_imports_are_recorded_with_the_os_user(env: dict[str, str], tmp_path: Path) -> None:
    path = workbook(tmp_path / "rv.xlsx", ALL)
    assert runner.invoke(app, ["import", "rvtools", str(path)], env=env).exit_code == 0
    glpi = tmp_path / "glpi.csv"
    glpi.write_text("Nom;Numéro de série\nesx01;7XK2J42\n", encoding="utf-8")
    assert runner.invoke(app, ["import", "csv", str(glpi), "--kind", "hosts"], env=env).exit_code == 0
    events = _events(env)
    assert [(e.action, e.actor) for e in events] == [("import.run", getpass.getuser())] * 2
    assert events[1].object == "csv:default"
    assert events[0].after is not None and events[0].after["kind"] == "rvtools"
    assert events[0].after["status"] == "succeeded" and events[0].after["n_hosts"] > 0


def test_a_failed_import_is_recorded_too(env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    assert runner.invoke(app, ["import", "rvtools", str(broken)], env=env).exit_code == 2
    (event,) = _events(env)
    assert event.action == "import.run" and event.after is not None and event.after["status"] == "failed"


def test_collection_scenario_and_offers_are_recorded(env: dict[str, str]) -> None:
    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "60"], env=env).exit_code == 0
    assert runner.invoke(app, ["collect", "local", "--sample-s", "0.1"], env=env).exit_code == 0
    assert runner.invoke(app, ["plan", "--scenario", "Plan A"], env=env).exit_code == 0
    args = ["offers", "add", "Devis B", "--sockets", "2", "--cores-per-socket", "16", "--mhz", "2400"]
    assert runner.invoke(app, [*args, "--memory-gib", "256", "--price-eur-ttc", "9000"], env=env).exit_code == 0
    assert runner.invoke(app, ["offers", "remove", "Devis B"], env=env).exit_code == 0
    events = _events(env)
    assert [e.action for e in events] == ["collection.run", "scenario.saved", "offer.added", "offer.removed"]
    assert {e.actor for e in events} == {getpass.getuser()}
    saved, added, removed = events[1:]
    assert saved.object == "Plan A" and saved.before is None and saved.after is not None
    assert added.after is not None and added.after["price_eur"] == 9000
    assert removed.before == added.after | {"embodied_kgco2e": removed.before["embodied_kgco2e"]}  # type: ignore[index]


def test_workbook_and_note_say_who_prepared_the_plan(env: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    assert runner.invoke(app, ["demo", "--no-serve", "--vms", "60"], env=env).exit_code == 0
    args = ["plan", "--scenario", "Plan PUE", "--set", "pue=1.7"]
    assert runner.invoke(app, args, env=env).exit_code == 0
    xlsx, pdf = tmp_path / "plan.xlsx", tmp_path / "note.pdf"
    result = runner.invoke(app, ["report", "--scenario", "Plan PUE", "--xlsx", str(xlsx), "--pdf", str(pdf)], env=env)
    assert result.exit_code == 0, result.output
    sheet = load_workbook(xlsx)["Traçabilité"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert rows["Établi par"] == getpass.getuser()
    assert "PUE" in str(rows["Hypothèses modifiées"]) and "1,7" in str(rows["Hypothèses modifiées"])
    note = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert f"Établi par {getpass.getuser()}, le " in note and "hypothèses modifiées : " in note and "1,7" in note
    default = tmp_path / "default.xlsx"
    assert runner.invoke(app, ["report", "--xlsx", str(default)], env=env).exit_code == 0
    rows = {row[0]: row[1] for row in load_workbook(default)["Traçabilité"].iter_rows(values_only=True)}
    assert rows["Établi par"] == getpass.getuser() and rows["Hypothèses modifiées"] == "aucune"
