"""Dashboard fixtures: demo databases built once, an AppTest runner per page, fresh caches."""

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from collectors.demo import generate_demo_estate
from inventory import ensure_default_catalogue, make_engine, record_run, session_scope, upgrade_database
from tests.conftest import TODAY

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = (
    "overview",
    "inventory",
    "consolidation",
    "scenarios",
    "finances",
    "collection",
    "assumptions",
    "capacity",
    "reclaim",
    "risk",
)
DEMO_VMS = 300


def build_demo_database(path: Path, *, n_vms: int = DEMO_VMS) -> str:
    """A SQLite file holding the demo estate (one successful run) and the default catalogue."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        ensure_default_catalogue(session)
    record_run(engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=n_vms, today=TODAY))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database file, built once per session; tests copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "parcimonie.db"
    build_demo_database(path)
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    """A private copy of the demo database (tests may save scenarios into it)."""
    target = tmp_path / "parcimonie.db"
    shutil.copy(demo_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    """A database file that does not exist yet (never initialised)."""
    return f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Streamlit caches outlive AppTest instances: start every test from empty caches."""
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.delenv("PARCIMONIE_LANGUAGE", raising=False)
    monkeypatch.setattr("dashboard.data.today", lambda: TODAY)
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


RunPage = Callable[..., AppTest]


@pytest.fixture
def run_page(monkeypatch: pytest.MonkeyPatch) -> RunPage:
    """Run the app on ``url`` and open ``page``; returns the AppTest after the page rendered."""

    def run(page: str, url: str, *, language: str | None = None, timeout: float = 60) -> AppTest:
        monkeypatch.setenv("PARCIMONIE_DATABASE_URL", url)
        if language:
            monkeypatch.setenv("PARCIMONIE_LANGUAGE", language)
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py")
            at.run()
        return at

    return run


def unescape_markdown(text: str) -> str:
    """Markdown source as a person reads it: backslash escapes of punctuation removed (CommonMark)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def texts(at: AppTest) -> str:
    """Every text a person reads on the page, joined (markdown, captions, alerts, metrics, titles)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts.extend(unescape_markdown(str(el.value)) for el in getattr(at, kind))
    parts.extend(str(el.value) for el in at.code)
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)
