"""Plans saved by the first release (format 1) read as current documents, with the same words."""

import json
from pathlib import Path

import pytest
from sqlmodel import Session

from inventory import get_scenario, save_scenario, session_scope
from parcimonie.planning.document import PLAN_FORMAT, PlanDocument
from parcimonie.planning.messages import render
from parcimonie.planning.upgrade import DocumentError, load_document, upgrade_scenarios

DATA = Path(__file__).parent / "data"


def _v1(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_partial_plan_keeps_its_reasons_and_warnings_word_for_word() -> None:
    raw = _v1("plan_v1_partial.json")
    doc = load_document(raw)
    assert doc.format == PLAN_FORMAT
    first = doc.consolidation.unplaced[0]
    assert first.vm == "srv-paie-00053"
    assert first.reason.code == "reason.too_large"
    assert first.reason.params == {"cpu_ref_mhz": 19608.0, "memory_mib": 32768.0}
    assert render(first.reason) == (
        "sa demande (19\u202f608 MHz de référence, 32\u202f768 Mio) dépasse la capacité utilisable de tous les "
        "hôtes cibles"
    )
    assert render(first.reason, "en") == (
        "its demand (19,608 reference MHz, 32,768 MiB) exceeds the usable capacity of every target host"
    )
    # The warnings are derived again from the figures: the sentences the first release printed, and
    # those of rules added since (a year with more hosts than today, not only the last one).
    assert {_plain(w) for w in raw["warnings"]} <= {_plain(render(w)) for w in doc.warnings}


def test_policy_moves_from_assumptions_and_request_to_one_place() -> None:
    raw = _v1("plan_v1_partial.json")
    doc = load_document(raw)
    assert doc.request.policy.ceiling == 0.05 == raw["request"]["ceiling"]
    assert doc.request.policy.ha_reserve_hosts == 0
    assert "utilisation_ceiling" not in doc.assumptions and "ha_reserve_hosts" not in doc.assumptions
    defaults = load_document(_v1("plan_v1.json"))  # asked nothing: the assumptions' values are the policy
    assert defaults.request.policy.ceiling == _v1("plan_v1.json")["assumptions"]["utilisation_ceiling"]


def test_figures_are_kept_to_the_cent() -> None:
    raw = _v1("plan_v1.json")
    doc = load_document(raw)
    assert doc.replacement is not None
    assert doc.replacement.totals.savings_eur == raw["replacement"]["totals"]["savings_eur"]
    assert [o.tco_eur for o in doc.options] == [o["tco_eur"] for o in raw["options"]]
    assert doc.replacement.drivers.main_driver == "utilisation"
    assert doc.sensitivity == []  # not stored by format 1


def test_repack_plan_upgrades() -> None:
    doc = load_document(_v1("plan_v1_existing.json"))
    assert doc.replacement is None and doc.best_option is None and doc.consolidation.offer is None


def test_unknown_format_is_refused_with_a_code() -> None:
    with pytest.raises(DocumentError) as err:
        load_document({"format": 99})
    assert err.value.message.code == "error.unknown_format"
    with pytest.raises(DocumentError):
        load_document({"format": 1, "request": {}})


def test_stored_scenarios_are_rewritten_once(engine) -> None:
    raw = _v1("plan_v1.json")
    with session_scope(engine) as session:
        save_scenario(session, name="ancien", kind="plan", parameters=raw["request"], results=raw)
    with session_scope(engine) as session:
        assert upgrade_scenarios(session) == 1
    with session_scope(engine) as session:
        assert upgrade_scenarios(session) == 0
    with Session(engine) as session:
        stored = get_scenario(session, "ancien")
        assert stored is not None and stored.results["format"] == PLAN_FORMAT
        PlanDocument.model_validate(stored.results)


def test_init_upgrades_saved_plans_and_the_workbook_reads_them(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from inventory import make_engine
    from parcimonie.cli import app

    runner = CliRunner()
    env = {"PARCIMONIE_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PARCIMONIE_LOG_LEVEL": "WARNING"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    raw = _v1("plan_v1_partial.json")
    with session_scope(make_engine(env["PARCIMONIE_DATABASE_URL"])) as session:
        save_scenario(session, name="=ancien", kind="plan", parameters=raw["request"], results=raw)
    result = runner.invoke(app, ["init"], env=env)
    assert result.exit_code == 0 and "1 scénario(s)" in result.output
    xlsx = tmp_path / "b.xlsx"
    result = runner.invoke(app, ["report", "--xlsx", str(xlsx), "--scenario", "=ancien"], env=env)
    assert result.exit_code == 0, result.output
    book = load_workbook(xlsx)
    assert book["Synthèse"]["B2"].value == "'=ancien"  # a name is text, never a formula
    placement = [row for row in book["Placement"].iter_rows(min_row=2, values_only=True) if row[1] is None]
    assert placement[0][2].startswith("non placée : sa demande (19\u202f608 MHz de référence")
