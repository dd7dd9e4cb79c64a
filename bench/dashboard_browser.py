"""The served dashboard in a real browser: time to the first page drawn and per interaction.

Used by ``bench_dashboard.py``: serves the app on a database (``tests.support.browser``, the browser
tests' own helpers), opens headless chromium at 1366 × 768 and times, from the moment the server
answers its health check, the first page drawn (the overview's recommended plan and key figures on
screen, then the whole page idle with its charts drawn), then each interaction until the page shows its result and the
app is idle: on a large estate the three drivers (stored with the plan computed ahead, else asked
for: sixteen replans, on demand above ``COMPARE_ALL_MAX_VMS``), change the language, open
Consolidation, change the ceiling to the preloaded cautious 40 %, then to 60 % (a plan nobody computed
ahead), open the placement list, back to the overview.
"""

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.browser import chromium, click_sidebar, served_dashboard

FIRST_PAGE_TARGET_S = 3.0
INTERACTION_TARGET_S = 1.0
TIMEOUT_S = 180.0


#: One round trip per poll: the page's text has every string and (when asked) the app is idle with
#: every chart drawn (Plotly draws after the script is over, once its library is loaded).
_SHOWN = """
const [texts, idle] = arguments;
const body = document.body.innerText;
const app = document.querySelector('[data-testid="stApp"]');
const done = app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
const drawn = charts.every(c => c.querySelector('.main-svg') !== null);
return texts.every(t => body.includes(t)) && (!idle || (done && drawn));
"""


class _Steps(list[tuple[str, float, float]]):
    """The steps measured, each printed as it is reached (a step that hangs shows where)."""

    def append(self, step: tuple[str, float, float]) -> None:
        print(f"  {step[0]}: {step[1]:.2f} s", flush=True)
        super().append(step)


def _shown(driver: Any, *texts: str, idle: bool = True) -> bool:
    """The page shows every one of ``texts`` and (``idle``) the app is not running."""
    return bool(driver.execute_script(_SHOWN, list(texts), idle))


def _metrics(driver: Any) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    return {
        m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text: m.find_element(
            By.CSS_SELECTOR, '[data-testid="stMetricValue"]'
        ).text
        for m in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
    }


def _until(driver: Any, done: Callable[[Any], bool], *, poll: float = 0.05) -> float:
    """Seconds until ``done(driver)`` holds (polled every ``poll`` s)."""
    start = time.perf_counter()
    while time.perf_counter() - start < TIMEOUT_S:
        try:
            if done(driver):
                return time.perf_counter() - start
        except Exception:  # noqa: BLE001 - elements redrawn while read: poll again
            pass
        time.sleep(poll)
    from selenium.webdriver.common.by import By

    tail = driver.find_element(By.TAG_NAME, "body").text[-600:].replace("\n", " | ")
    raise TimeoutError(f"the page never showed its result in {TIMEOUT_S:.0f} s; it shows: … {tail}")


def _choose_english(driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.CSS_SELECTOR, ".st-key-language input")  # a searchable selectbox
    field.click()
    field.send_keys("English", Keys.ENTER)


def _set_ceiling(driver: Any, value: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.CSS_SELECTOR, ".st-key-cons_ceiling input")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(value), Keys.ENTER)


def _open_section(driver: Any, start: str) -> None:
    """Click the part of Consolidation's detail whose label starts with ``start``."""
    from selenium.webdriver.common.by import By

    for label in driver.find_elements(By.CSS_SELECTOR, ".st-key-cons_section label"):
        if label.text.startswith(start):
            label.click()
            return
    raise LookupError(f"no part of the detail named {start}…")


def measure(url: str) -> list[tuple[str, float, float]]:
    """(step, seconds, target) for the first page and each interaction, on the database ``url``."""
    from selenium.webdriver.common.by import By

    results = _Steps()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with chromium(work / "profile", size=(1366, 768)) as driver:
            start = time.perf_counter()
            with served_dashboard(url, work, timeout=TIMEOUT_S) as base:
                print(f"server up (health check answered) in {time.perf_counter() - start:.2f} s", flush=True)
                start = time.perf_counter()
                driver.get(base)  # returns once the app's HTML shell is loaded
                loaded = time.perf_counter() - start
                plan = loaded + _until(driver, lambda d: _shown(d, "Hôtes aujourd'hui → fin du plan", idle=False))
                results.append(("first page: recommended plan drawn", plan, FIRST_PAGE_TARGET_S))
                last = "porte une charge que quelques serveurs récents"  # the page's last caption
                whole = _until(driver, lambda d: _shown(d, "Coût de fonctionnement annuel", last))
                results.append(("first page: whole page drawn, app idle", plan + whole, FIRST_PAGE_TARGET_S))
                button = ".st-key-overview_drivers button"  # a large estate: the sensitivity on demand
                drivers = _until(
                    driver,
                    lambda d: _shown(d, "(chacune à", idle=False) or bool(d.find_elements(By.CSS_SELECTOR, button)),
                )
                ask = driver.find_elements(By.CSS_SELECTOR, button)
                if not ask:  # stored with the plan computed ahead: part of the first page
                    results.append(("first page: three drivers drawn", plan + whole + drivers, FIRST_PAGE_TARGET_S))
                else:
                    ask[0].click()
                    step = _until(driver, lambda d: _shown(d, "(chacune à"))
                    results.append(("three drivers on demand (16 replans)", step, INTERACTION_TARGET_S))
                _choose_english(driver)
                english = ("Estate overview", "Yearly operating cost", "(each at")
                step = _until(driver, lambda d: _shown(d, *english))
                results.append(("change language (fr → en)", step, INTERACTION_TARGET_S))
                click_sidebar(driver, "Consolidation")
                step = _until(driver, lambda d: _shown(d, "Utilisation ceiling (%)", "fullest hosts"))
                results.append(("open Consolidation", step, INTERACTION_TARGET_S))
                before = _metrics(driver)
                _set_ceiling(driver, 40)  # the sources' cautious preset: CPU or memory binds again, whatever the caps
                step = _until(driver, lambda d: _metrics(d) != before and _shown(d, "fullest hosts"))
                results.append(("change the ceiling (80 → 40 %)", step, INTERACTION_TARGET_S))
                before = _metrics(driver)
                _set_ceiling(driver, 60)  # a plan nobody preloaded: packing, document and frames
                step = _until(driver, lambda d: _metrics(d) != before and _shown(d, "fullest hosts"))
                results.append(("change the ceiling (40 → 60 %, new plan)", step, INTERACTION_TARGET_S))
                _open_section(driver, "Placement")
                step = _until(driver, lambda d: _shown(d, "VMs 1 to 500 of"))
                results.append(("open the placement list (page 1)", step, INTERACTION_TARGET_S))
                click_sidebar(driver, "Overview")
                step = _until(driver, lambda d: _shown(d, "Yearly operating cost", "(each at"))
                results.append(("back to the overview", step, INTERACTION_TARGET_S))
    return results
