"""Dashboard fixtures: demo databases built once, an AppTest runner per page, fresh caches."""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from collectors.demo import generate_demo_estate
from inventory import ensure_default_catalogue, make_engine, record_run, session_scope, upgrade_database
from tests.conftest import TODAY
from tests.support import browser as browser_support

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


# --- real browser (``-m browser``): the app served on loopback, chromium at two screen sizes -------


def open_section(at: AppTest, section: str) -> AppTest:
    """Open a part of Consolidation's detail ("clusters", "after", "placement", "freed", "unplaced"), as a
    person clicks it; the page draws only the part open."""
    return at.radio(key="cons_section").set_value(section).run()


def section_label(at: AppTest, start: str) -> str:
    """The label (with its count) of the part of Consolidation's detail whose label starts with ``start``."""
    return next(label for label in at.radio(key="cons_section").options if label.startswith(start))


def require_browser() -> None:
    """Skip (fail in CI, env ``CI`` set) when chromium or chromedriver is missing."""
    missing = browser_support.missing_browser()
    if missing:
        message = f"missing {', '.join(missing)} (make system-deps installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The dashboard served on a private demo database; yields (base URL, database URL)."""
    require_browser()
    folder = tmp_path_factory.mktemp("served")
    url = build_demo_database(folder / "parcimonie.db")
    try:
        with browser_support.served_dashboard(url, folder) as base:
            yield base, url
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(
    scope="module", params=browser_support.RESOLUTIONS, ids=[f"{w}x{h}" for w, h in browser_support.RESOLUTIONS]
)
def browser(request: pytest.FixtureRequest, served: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Headless chromium at 1366 × 768, then 1920 × 1080 (every browser test runs at both)."""
    downloads = tmp_path_factory.mktemp("downloads")
    with browser_support.chromium(tmp_path_factory.mktemp("chromium"), size=request.param, downloads=downloads) as d:
        d.downloads = downloads
        yield d
