"""The served dashboard and a headless Debian chromium driving it, for the browser tests and the bench.

``served_dashboard`` starts ``dashboard/app.py`` (through ``parcimonie.serve.dashboard_command``) on
a free loopback port against a database; ``chromium`` opens a headless chromium through chromedriver
at a given window size; ``wait_rendered`` waits until a page shows a text and the app stopped running.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from parcimonie.serve import dashboard_command

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[2]
#: The two screens the browser tests use: a 2012-era laptop and a full-HD monitor.
RESOLUTIONS = ((1366, 768), (1920, 1080))


def missing_browser() -> list[str]:
    """The programs of the browser tests that are not installed (empty when all are)."""
    return [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_dashboard(url: str, folder: Path, *, language: str = "fr", timeout: float = 60) -> Iterator[str]:
    """The dashboard on ``url``'s database, served on loopback; yields its base URL once healthy.

    Raises RuntimeError (with the server's log) when it does not start within ``timeout`` seconds.
    """
    port = _free_port()
    env = dict(os.environ, PARCIMONIE_DATABASE_URL=url, PARCIMONIE_LANGUAGE=language, PYTHONPATH=str(ROOT))
    log_path = folder / f"streamlit-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*dashboard_command(port=port, address="127.0.0.1"), "--server.fileWatcherType", "none"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log_path.read_text()}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


@contextmanager
def chromium(profile: Path, *, size: tuple[int, int] = (1400, 1800), downloads: Path | None = None) -> Iterator[Any]:
    """Headless chromium whose viewport is ``size`` (width, height) CSS pixels, French first."""
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
        "--hide-scrollbars",
        f"--window-size={size[0]},{size[1]}",
        "--lang=fr-FR",
        "--accept-lang=fr-FR",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    prefs: dict[str, Any] = {"intl.accept_languages": "fr-FR,fr"}  # grid numbers in French
    if downloads is not None:
        prefs |= {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        if downloads is not None:
            driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver
    finally:
        driver.quit()


#: Streamlit marks its app element with the script's state: "initial", "running" or "notRunning".
SCRIPT_STATE = """const app = document.querySelector('[data-testid="stApp"]');
return app ? app.getAttribute('data-test-script-state') : null;"""


def app_idle(driver: Any) -> bool:
    """True when the app has run its script and is not running it again."""
    return bool(driver.execute_script(SCRIPT_STATE) == "notRunning")


def wait_rendered(driver: Any, expected: str, *, timeout: float = 90, poll: float = 0.2, absent: str = "") -> str:
    """Wait until the page shows ``expected`` (and not ``absent``) with the app idle; returns the body text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def rendered(d: Any) -> str | bool:
        body = str(d.find_element(By.TAG_NAME, "body").text)
        ready = expected in body and (not absent or absent not in body)
        return body if ready and app_idle(d) else False

    return str(WebDriverWait(driver, timeout, poll_frequency=poll).until(rendered))


def open_page(driver: Any, base: str, path: str, expected: str, *, timeout: float = 90) -> str:
    """Load ``path`` (a new session) and wait until ``expected`` is shown; returns the body text."""
    driver.get(f"{base}/{path}")
    wait_rendered(driver, expected, timeout=timeout)
    time.sleep(0.5)  # let late elements (charts, grids) settle before reading
    return wait_rendered(driver, expected, timeout=timeout)


def click_sidebar(driver: Any, title: str) -> None:
    """Follow the sidebar's link ``title`` (the same session: the session's choices are kept)."""
    from selenium.webdriver.common.by import By

    links = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a')
    target = next((link for link in links if link.text.strip().splitlines()[-1:] == [title]), None)  # after the icon
    if target is None:
        raise AssertionError(f"no sidebar link {title!r} in {[link.text for link in links]}")
    target.click()
