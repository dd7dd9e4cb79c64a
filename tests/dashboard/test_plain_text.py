"""User text on the dashboard is plain text: a name never becomes a Markdown image, link or style."""

import re

from sqlmodel import Session

from dashboard.i18n import plain
from inventory import make_engine, session_scope
from tests.dashboard.conftest import RunPage, texts, unescape_markdown

NAME = "![t](http://x/t.png) [c](javascript:x) **gras** $x$"
#: Markdown that would load an image or make a link, when not escaped (the pages' own strings use bold).
ACTIVE = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(")


def _markdown_bodies(at) -> list[str]:  # type: ignore[no-untyped-def]
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
    bodies = [str(el.value) for kind in kinds for el in getattr(at, kind)]
    bodies += [str(el.value) for el in at.sidebar.caption]
    bodies += [str(m.help or "") for m in at.metric]
    return bodies


def test_plain_escapes_markdown() -> None:
    assert not ACTIVE.search(plain(NAME))
    assert "\\*\\*gras\\*\\*" in plain(NAME) and "\\$x\\$" in plain(NAME)
    assert unescape_markdown(plain(NAME)) == NAME
    assert plain("- liste") == "\\- liste"
    assert "\n" not in plain("a\n# titre")


def test_a_scenario_name_in_markdown_is_shown_as_typed(run_page: RunPage, demo_url: str) -> None:
    from parcimonie.planning import PlanRequest, load_estate, run_plan
    from parcimonie.planning.scenarios import save_plan
    from tests.conftest import TODAY

    engine = make_engine(demo_url)
    with Session(engine) as session:
        document = run_plan(load_estate(session), PlanRequest(method="heuristic"), today=TODAY).document()
    with session_scope(engine) as session:
        save_plan(session, document, name=NAME, snapshot_at=None, actor="test")
    at = run_page("overview", demo_url)
    assert not at.exception
    assert NAME in texts(at)
    at.switch_page("app_pages/finances.py").run()
    at.selectbox(key="fin_source").set_value(NAME).run()
    assert not at.exception
    assert NAME in texts(at)
    for page in ("overview", "finances", "scenarios"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception
        for body in _markdown_bodies(at):
            assert not ACTIVE.search(body), body


def test_a_refused_name_is_shown_as_typed(run_page: RunPage, demo_url: str) -> None:
    at = run_page("consolidation", demo_url)
    for _ in range(2):  # saved, then refused: the name is already used
        name_input = next(w for w in at.text_input if str(w.key).startswith("cons_name_"))
        name_input.set_value(NAME).run()
        at.button(key="cons_save").click().run()
    assert at.error and at.success is not None
    assert not at.exception
    for body in _markdown_bodies(at):
        assert not ACTIVE.search(body), body
    assert NAME in texts(at)
