"""The first screen, the assumptions, the offers and the committee note in a real browser.

At 1366 × 768 and 1920 × 1080 (fixture ``browser``): the overview's recommended plan shows the
figures of ``parcimonie plan --method heuristic --json`` on the same database, formatted as the
dashboard formats them; an assumption changed on *Hypothèses* changes them and "Tout rétablir" puts
them back (the same browser session, through the sidebar); an offer added from the dashboard competes
in the plans; the committee note downloads as a PDF.
"""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app
from parcimonie.formatting import format_eur, format_number, format_quantity
from tests.support.browser import click_sidebar, open_page, wait_rendered

pytestmark = pytest.mark.browser
PLAN_HEADING = "Plan recommandé"
ESTATE_TEXT = "Coût de fonctionnement annuel"


def _metrics(driver: Any) -> dict[str, str]:
    """Every metric on the page: label → value, as the page holds them (``textContent``: WebDriver's
    ``text`` turns no-break spaces into spaces)."""
    from selenium.webdriver.common.by import By

    shown: dict[str, str] = {}
    for metric in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
        name = metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').get_attribute("textContent")
        value = metric.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').get_attribute("textContent")
        shown[str(name).strip()] = str(value).strip()
    return shown


def _cli_first_screen(url: str) -> dict[str, str]:
    """The first screen's figures from the CLI's plan document, in the dashboard's French formats."""
    result = CliRunner().invoke(
        app, ["plan", "--method", "heuristic", "--json"], env={"PARCIMONIE_DATABASE_URL": url, "COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    replacement = plan["replacement"]
    carbon_kg = sum(year["carbon_savings_kgco2e"] or 0.0 for year in replacement["yearly"])
    before = plan["consolidation"]["n_hosts_before"]
    after = replacement["yearly"][-1]["n_hosts_scenario"]
    horizon = plan["assumptions"]["horizon_years"]
    return {
        f"Économie sur {horizon} ans (trésorerie)": format_eur(replacement["totals"]["savings_eur"]),
        "Retour sur investissement": str(replacement["payback_year"] or "au-delà de l'horizon"),
        "Économies actualisées (VAN)": format_eur(replacement["totals"]["npv_savings_eur"]),
        "Hôtes aujourd'hui → fin du plan": f"{format_number(before)} → {format_number(after)}",
        "Carbone évité sur l'horizon": format_quantity(carbon_kg / 1000, "tCO2e", decimals=1),
    }


def _first_screen(driver: Any, labels: dict[str, str]) -> dict[str, str]:
    shown = _metrics(driver)
    missing = [name for name in labels if name not in shown]
    assert not missing, f"first screen lacks {missing}: {shown}"
    return {name: shown[name] for name in labels}


def _by_key(driver: Any, key: str, inner: str = "") -> Any:
    """The element of the widget whose Streamlit key is ``key`` (``inner``: a CSS selector inside it)."""
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f".st-key-{key} {inner}".strip())


def _set_number(driver: Any, key: str, value: str) -> None:
    from selenium.webdriver.common.keys import Keys

    field = _by_key(driver, key, "input")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(value, Keys.ENTER)


def _open_expander(driver: Any, key: str) -> None:
    """Open the expander holding the widget ``key`` (the assumption groups start closed)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    expander = next(
        e
        for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stExpander"]')
        if e.find_elements(By.CSS_SELECTOR, f".st-key-{key}")
    )
    inputs = expander.find_elements(By.CSS_SELECTOR, f".st-key-{key} input")
    if not inputs or not inputs[0].is_displayed():
        expander.find_element(By.TAG_NAME, "summary").click()
    WebDriverWait(driver, 10).until(
        lambda d: any(i.is_displayed() for i in d.find_elements(By.CSS_SELECTOR, f".st-key-{key} input"))
    )


def test_first_screen_shows_the_cli_figures(served: tuple[str, str], browser: Any) -> None:
    base, url = served
    expected = _cli_first_screen(url)
    text = open_page(browser, base, "", ESTATE_TEXT)
    assert _first_screen(browser, expected) == expected
    negative = expected["Carbone évité sur l'horizon"].startswith("-")
    assert ("Carbone évité négatif : le carbone de fabrication des nouveaux hôtes" in text) == negative


def test_assumption_changed_then_reset(served: tuple[str, str], browser: Any) -> None:
    base, url = served
    expected = _cli_first_screen(url)
    open_page(browser, base, "", ESTATE_TEXT)
    assert _first_screen(browser, expected) == expected

    click_sidebar(browser, "Hypothèses")  # the same session: the change must survive the navigation
    wait_rendered(browser, "Toutes les hypothèses ont leur valeur par défaut.")
    _open_expander(browser, "hyp_electricity_eur_per_kwh")
    _set_number(browser, "hyp_electricity_eur_per_kwh", "0.6")
    wait_rendered(browser, "1 hypothèse(s) modifiée(s)")
    click_sidebar(browser, "Vue d'ensemble")
    wait_rendered(browser, ESTATE_TEXT, absent="Toutes les hypothèses")
    changed = _first_screen(browser, expected)
    saving = next(name for name in expected if name.startswith("Économie sur"))
    assert changed[saving] != expected[saving]  # energy at 0,60 €/kWh: a larger saving
    assert "1 hypothèse(s) modifiée(s) sur la page Hypothèses" in browser.find_element("tag name", "body").text

    click_sidebar(browser, "Hypothèses")
    wait_rendered(browser, "1 hypothèse(s) modifiée(s)")
    _by_key(browser, "hyp_reset_all", "button").click()
    wait_rendered(browser, "Toutes les hypothèses ont leur valeur par défaut.")
    click_sidebar(browser, "Vue d'ensemble")
    wait_rendered(browser, ESTATE_TEXT, absent="Toutes les hypothèses")
    assert _first_screen(browser, expected) == expected


def _grid_text(driver: Any) -> str:
    """The cells of every data grid on the page (drawn on a canvas; read from their accessible table)."""
    return str(
        driver.execute_script(
            "return [...document.querySelectorAll('[data-testid=\"stDataFrame\"] table')]"
            ".map(t => t.textContent).join('\\n')"
        )
    )


def test_offer_added_from_the_dashboard_competes(served: tuple[str, str], browser: Any) -> None:
    base, _ = served
    name = f"Serveur devis {browser.execute_script('return window.innerWidth')}"
    open_page(browser, base, "assumptions", "Ajouter l'offre")
    field = _by_key(browser, "hyp_offer_name", "input")
    field.send_keys(name)
    _by_key(browser, "hyp_offer_price", "input")  # the form is drawn
    _by_key(browser, "hyp_offer_submit", "button").click()
    wait_rendered(browser, f"Offre ajoutée : {name}")
    open_page(browser, base, "finances", "Économie du plan")
    deadline = time.monotonic() + 30
    while name not in _grid_text(browser) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert name in _grid_text(browser)  # a row of the TCO-per-option table


def test_committee_note_downloads_as_pdf(served: tuple[str, str], browser: Any) -> None:
    base, _ = served
    downloads: Path = browser.downloads
    open_page(browser, base, "finances", "Note au comité (PDF)")
    _by_key(browser, "fin_note_prepare", "label").click()
    wait_rendered(browser, "Télécharger la note au comité")
    _by_key(browser, "fin_note_download", "button").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [p for p in downloads.glob("*.pdf") if p.stat().st_size > 0]
        if done:
            break
        time.sleep(0.3)
    assert done, f"no PDF downloaded: {list(downloads.iterdir())}"
    assert done[0].read_bytes().startswith(b"%PDF")
