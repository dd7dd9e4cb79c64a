"""Sign-in through a real OpenID Connect provider, in a real browser, on ``parcimonie dashboard``.

The provider is node ``oidc-provider`` (``tests/support/oidc``); the dashboard is served by the CLI
with sign-in configured from the environment, as in production (secrets file generated at serve
time). A DSI user saves a scenario (recorded in the audit trail under their e-mail); a reader is
refused with the role the action needs.
"""

import json
import os
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from inventory import audit_events, list_scenarios, make_engine
from tests.dashboard.conftest import APP, build_demo_database
from tests.dashboard.test_browser import _page_text, _require_browser, browser
from tests.support.browser import wait_rendered
from tests.support.oidc_provider import ROLE_MAPPING, free_port, node_missing, oidc_provider

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the real-browser fixture of test_browser.py, driving this module's `served`
ROOT = APP.parents[1]
SAVE = "Enregistrer comme scénario"


class Served:
    """The dashboard served with sign-in: its base URL, database URL and private temp folder."""

    def __init__(self, base: str, database_url: str, tmp: Path) -> None:
        self.base, self.database_url, self.tmp = base, database_url, tmp


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`parcimonie dashboard` on a free loopback port, signing in against the test provider."""
    _require_browser()
    if (why := node_missing()) is not None:
        pytest.fail(why) if os.environ.get("CI") else pytest.skip(why)
    folder = tmp_path_factory.mktemp("signin")
    database_url = build_demo_database(folder / "parcimonie.db")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    private_tmp = folder / "tmp"
    private_tmp.mkdir()
    with oidc_provider(redirect_uri=f"{base}/oauth2callback", log=folder / "provider.log") as provider:
        env = dict(
            os.environ,
            PARCIMONIE_DATABASE_URL=database_url,
            PARCIMONIE_LANGUAGE="fr",
            PARCIMONIE_AUTH_ISSUER=provider.issuer,
            PARCIMONIE_AUTH_CLIENT_ID=provider.client_id,
            PARCIMONIE_AUTH_CLIENT_SECRET=provider.client_secret,
            PARCIMONIE_AUTH_SCOPES="openid email groups",
            PARCIMONIE_AUTH_PROMPT="login",  # oidc-provider knows no select_account prompt
            PARCIMONIE_AUTH_ROLES=json.dumps(ROLE_MAPPING),
            PYTHONPATH=str(ROOT),
            TMPDIR=str(private_tmp),
        )
        log = (folder / "dashboard.log").open("w")
        command = [sys.executable, "-m", "parcimonie", "dashboard", "--port", str(port), "--address", "127.0.0.1"]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
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
                    pytest.fail(f"the dashboard did not start: {(folder / 'dashboard.log').read_text()}")
                time.sleep(0.3)
            yield Served(base, database_url, private_tmp)
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.close()
        assert list(private_tmp.iterdir()) == [], "the [auth] secrets were left behind"
        assert provider.client_secret not in (folder / "dashboard.log").read_text()


def _sign_in(driver: object, base: str, login: str) -> str:
    """Sign out of everything (cookies), sign in as ``login`` through the provider; the page's text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base)  # type: ignore[attr-defined]
    driver.delete_all_cookies()  # type: ignore[attr-defined]  # the dashboard's and the provider's (same host)
    _page_text(driver, base, "", "Se connecter")
    driver.find_element(By.XPATH, "//button[contains(., 'Se connecter')]").click()  # type: ignore[attr-defined]
    field = WebDriverWait(driver, 120).until(ec.presence_of_element_located((By.NAME, "login")))
    field.send_keys(login)
    driver.find_element(By.NAME, "password").send_keys("any password")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()  # type: ignore[attr-defined]
    # Wait for the provider's redirect back to the dashboard on this page: loading the dashboard
    # again before the callback lands would cut the sign-in short.
    WebDriverWait(driver, 180).until(lambda d: d.current_url.startswith(base) and "oauth2callback" not in d.current_url)
    return wait_rendered(driver, "Connecté :", timeout=180)


def _save_from_consolidation(driver: object, base: str, expected: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _page_text(driver, base, "consolidation", SAVE)
    driver.find_element(By.XPATH, f"//button[contains(., '{SAVE}')]").click()  # type: ignore[attr-defined]
    body = (By.TAG_NAME, "body")
    WebDriverWait(driver, 240, poll_frequency=0.5).until(lambda d: expected in d.find_element(*body).text)
    return str(driver.find_element(*body).text)  # type: ignore[attr-defined]


def test_sign_in_is_asked_first(served: Served, browser: object) -> None:
    browser.delete_all_cookies()  # type: ignore[attr-defined]
    text = _page_text(browser, served.base, "", "Se connecter")
    assert "Vue d'ensemble du parc" not in text and "Traceback" not in text


def test_secrets_file_is_private(served: Served) -> None:
    (folder,) = served.tmp.iterdir()
    secrets = folder / "secrets.toml"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "[auth]" in secrets.read_text()


def test_dsi_saves_a_scenario_recorded_under_their_name(served: Served, browser: object) -> None:
    text = _sign_in(browser, served.base, "denis")
    assert "denis@mairie.test" in text and "DSI" in text
    _save_from_consolidation(browser, served.base, "» enregistré.")  # the success message itself
    engine = make_engine(served.database_url)
    with Session(engine) as session:
        saved = [e for e in audit_events(session, action="scenario.saved") if e.actor == "denis@mairie.test"]
        names = {s.name for s in list_scenarios(session)}
    engine.dispose()
    assert len(saved) == 1 and saved[0].object in names
    assert saved[0].after is not None and "request" in saved[0].after


def test_reader_is_refused_with_the_role_needed(served: Served, browser: object) -> None:
    text = _sign_in(browser, served.base, "lea")
    assert "lea@mairie.test" in text and "lecteur" in text
    text = _save_from_consolidation(browser, served.base, "Action refusée")
    assert "DSI" in text and "finances" in text and "administrateur" in text  # the roles that may save
    engine = make_engine(served.database_url)
    with Session(engine) as session:
        assert [e for e in audit_events(session) if e.actor == "lea@mairie.test"] == []
    engine.dispose()
