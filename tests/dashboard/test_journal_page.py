"""The Journal page: the audit trail, newest first, filtered by who and what; values shown as typed."""

from streamlit.testing.v1 import AppTest

from inventory import make_engine, record_event, session_scope
from tests.dashboard.conftest import RunPage, texts


def _record(url: str) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        record_event(session, actor="ada@mairie.test", action="scenario.saved", object="Plan **gras**", after={"n": 1})
        record_event(
            session, actor="bob", action="assumption.changed", object="pue", before={"value": 1.5}, after={"value": 1.7}
        )
    engine.dispose()


def _rows(at: AppTest) -> list[dict[str, str]]:
    (table,) = at.dataframe
    return list(table.value.to_dict("records"))


def test_journal_lists_and_filters_the_trail(demo_url: str, run_page: RunPage) -> None:
    _record(demo_url)
    at = run_page("journal", demo_url)
    assert not at.exception
    assert "Journal des modifications" in texts(at)
    rows = _rows(at)
    assert [r["action"] for r in rows] == ["hypothèse modifiée", "scénario enregistré"]
    assert rows[0]["before"] == '{"value": 1.5}' and rows[0]["after"] == '{"value": 1.7}'
    assert rows[1]["object"] == "Plan **gras**" and rows[1]["before"] == "—"  # a cell: shown as typed
    at.selectbox[0].select("ada@mairie.test").run()
    assert [r["actor"] for r in _rows(at)] == ["ada@mairie.test"]
    at.selectbox[0].select(None).run()
    at.selectbox[1].select("offer.added").run()
    assert "Aucune modification enregistrée pour ces filtres." in texts(at)


def test_journal_in_english(demo_url: str, run_page: RunPage) -> None:
    _record(demo_url)
    at = run_page("journal", demo_url, language="en")
    assert "Audit trail" in texts(at) and [r["action"] for r in _rows(at)] == ["assumption changed", "scenario saved"]
