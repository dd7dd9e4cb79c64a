"""The served dashboard in a real browser: Debian chromium (headless) driven by selenium.

Serves ``dashboard/app.py`` on loopback against a demo database and reads the text a person reads on
the overview and consolidation pages. In CI (env ``CI`` set) a missing chromium is a failure.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from parcimonie.serve import dashboard_command
from tests.dashboard.conftest import APP, build_demo_database

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("PARCIMONIE_SCREENSHOTS", "/tmp"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        message = f"missing {', '.join(missing)} (make system-deps installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served on a free loopback port; yields its base URL."""
    _require_browser()
    folder = tmp_path_factory.mktemp("served")
    url = build_demo_database(folder / "parcimonie.db")
    port = _free_port()
    env = dict(os.environ, PARCIMONIE_DATABASE_URL=url, PARCIMONIE_LANGUAGE="fr", PYTHONPATH=str(APP.parents[1]))
    log = (folder / "streamlit.log").open("w")
    process = subprocess.Popen(
        [*dashboard_command(port=port, address="127.0.0.1"), "--server.fileWatcherType", "none"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(APP.parents[1]),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {(folder / 'streamlit.log').read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(served: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Debian chromium through chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1800",
        "--lang=fr-FR",
        "--accept-lang=fr-FR",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})  # grid numbers in French
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _page_text(driver: object, base: str, path: str, expected: str, timeout: float = 90) -> str:
    """Open ``path`` and wait until the app has rendered ``expected`` and stopped running."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/{path}")  # type: ignore[attr-defined]

    def rendered(d: object) -> str | bool:
        body = d.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
        running = d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')  # type: ignore[attr-defined]
        return body if expected in body and not any(r.is_displayed() for r in running) else False

    WebDriverWait(driver, timeout, poll_frequency=0.5).until(rendered)
    time.sleep(1.0)  # let charts settle before reading and screenshots
    return str(driver.find_element(By.TAG_NAME, "body").text)  # type: ignore[attr-defined]


def test_overview_reads_right(served: str, browser: object) -> None:
    text = _page_text(browser, served, "", "Coût de fonctionnement annuel")
    assert "Vue d'ensemble du parc" in text
    for label in ("Hôtes", "VM par hôte", "Âge moyen des hôtes", "Hôtes hors garantie"):
        assert label in text
    assert "40" in text and "€" in text  # 40 hosts in the 300-VM demo; amounts in euros
    assert "Traceback" not in text and "Error" not in text
    assert "Deploy" not in text  # served with --client.toolbarMode minimal
    assert "\u202f" in text or "\u00a0" in text  # French separators reach the page
    browser.save_screenshot(str(SCREENSHOTS / "parcimonie-overview.png"))  # type: ignore[attr-defined]


def test_consolidation_reads_right(served: str, browser: object) -> None:
    text = _page_text(browser, served, "consolidation", "Hôtes, cible de consolidation")
    assert "Consolidation" in text
    for label in ("Hôtes avant", "Hôtes, cible de consolidation", "Borne inférieure", "Plafond d'utilisation"):
        assert label in text
    assert "Traceback" not in text
    browser.save_screenshot(str(SCREENSHOTS / "parcimonie-consolidation.png"))  # type: ignore[attr-defined]


def test_inventory_and_scenarios_read_right(served: str, browser: object) -> None:
    text = _page_text(browser, served, "inventory", "hôtes affichés")
    assert "Traceback" not in text
    browser.save_screenshot(str(SCREENSHOTS / "parcimonie-inventory.png"))  # type: ignore[attr-defined]
    text = _page_text(browser, served, "scenarios", "Scénarios")
    assert "Traceback" not in text
    browser.save_screenshot(str(SCREENSHOTS / "parcimonie-scenarios.png"))  # type: ignore[attr-defined]


def test_overview_url_opens_the_overview(served: str, browser: object) -> None:
    text = _page_text(browser, served, "overview", "Coût de fonctionnement annuel")
    assert "Vue d'ensemble du parc" in text
    assert "Page not found" not in text and "You have requested page" not in text
