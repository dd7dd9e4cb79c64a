"""The served dashboard in a real browser: Debian chromium (headless) driven by selenium.

Serves ``dashboard/app.py`` on loopback against a demo database (fixture ``served`` in
``conftest.py``) and reads the text a person reads on the overview and consolidation pages, in one
chromium at 1366 × 768 (``browser`` here; the figure, table and offer checks run at both screen sizes
in ``test_browser_plan.py`` and ``test_browser_tables.py``). In CI (env ``CI`` set) a missing chromium
is a failure.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import require_browser
from tests.support.browser import RESOLUTIONS, chromium, open_page, wait_rendered

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("PARCIMONIE_SCREENSHOTS", "/tmp"))
#: Other browser tests (sign-in) open pages and check chromium with these, and use ``browser``.
_page_text = open_page
_require_browser = require_browser


@pytest.fixture(scope="module")
def browser(served: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless chromium at 1366 × 768 for the module (after ``served``: a missing chromium skips)."""
    with chromium(tmp_path_factory.mktemp("chromium"), size=RESOLUTIONS[0]) as driver:
        yield driver


def _shot(driver: Any, name: str) -> None:
    width = driver.execute_script("return window.innerWidth")
    driver.save_screenshot(str(SCREENSHOTS / f"parcimonie-{name}-{width}.png"))


def test_overview_reads_right(served: tuple[str, str], browser: Any) -> None:
    text = open_page(browser, served[0], "", "Coût de fonctionnement annuel")
    assert "Vue d'ensemble du parc" in text
    for label in ("Hôtes", "VM par hôte", "Âge moyen des hôtes", "Hôtes hors garantie"):
        assert label in text
    assert "40" in text and "€" in text  # 40 hosts in the 300-VM demo; amounts in euros
    assert "Traceback" not in text and "Error" not in text
    assert "Deploy" not in text  # served with --client.toolbarMode minimal
    assert "\u202f" in text or "\u00a0" in text  # French separators reach the page
    _shot(browser, "overview")


def test_consolidation_reads_right(served: tuple[str, str], browser: Any) -> None:
    text = open_page(browser, served[0], "consolidation", "Hôtes, cible de consolidation")
    assert "Consolidation" in text
    for label in ("Hôtes avant", "Hôtes, cible de consolidation", "Borne inférieure", "Plafond d'utilisation"):
        assert label in text
    assert "Traceback" not in text
    _shot(browser, "consolidation")


def test_consolidation_detail_opens_one_part_at_a_time(served: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    text = open_page(browser, served[0], "consolidation", "Détail du plan")
    assert "Par cluster (" in text and "Placement (" in text and "Hôtes libérés (" in text  # every part named
    assert "Hôtes avant : ceux que le plan reprend" in text  # the per-cluster part, open first
    assert "VM 1 à" not in text and "Examiner un hôte" not in text  # the long lists wait to be asked for
    labels = browser.find_elements(By.CSS_SELECTOR, ".st-key-cons_section label")
    next(label for label in labels if label.text.startswith("Placement (")).click()
    text = wait_rendered(browser, "VM 1 à", absent="Hôtes avant : ceux que le plan reprend")
    assert "Hôte cible" in text and "Chercher un hôte" in text
    labels = browser.find_elements(By.CSS_SELECTOR, ".st-key-cons_section label")
    next(label for label in labels if label.text.startswith("Hôtes après (")).click()
    text = wait_rendered(browser, "Examiner un hôte", absent="VM 1 à")
    assert "VM placées sur" in text and "Traceback" not in text
    _shot(browser, "consolidation-hosts-after")


def test_inventory_and_scenarios_read_right(served: tuple[str, str], browser: Any) -> None:
    text = open_page(browser, served[0], "inventory", "hôtes affichés")
    assert "Traceback" not in text
    _shot(browser, "inventory")
    text = open_page(browser, served[0], "scenarios", "Scénarios")
    assert "Traceback" not in text
    _shot(browser, "scenarios")


def test_overview_url_opens_the_overview(served: tuple[str, str], browser: Any) -> None:
    text = open_page(browser, served[0], "overview", "Coût de fonctionnement annuel")
    assert "Vue d'ensemble du parc" in text
    assert "Page not found" not in text and "You have requested page" not in text
