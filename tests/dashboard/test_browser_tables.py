"""No key column clipped on Scénarios, Finances and Inventaire, at 1366 × 768 and 1920 × 1080.

Streamlit's tables are data grids drawn on a canvas; the grid keeps an accessible ``<table>`` with
the header cells of the columns it draws (the visible ones, partly visible included). Here a key
column is **clipped** when the grid does not draw it both with its horizontal scroll at the far left
(as the page opens) and at the far right: the reader would have to scroll sideways to find it, or
would lose it while scrolling. A grid that fits draws every column at both ends; a pinned column stays
at both. A table is clipped too when it runs out of the window (its right edge past
``window.innerWidth``) or, for a summary table that must show every row (the net-spending row of
the budget, the last year), when it scrolls vertically.
"""

import time
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from parcimonie.cli import app
from tests.support.browser import open_page

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Table:
    """A table to check: the page, the headers that identify it, its key columns, all rows shown."""

    page: str
    shown_when: str
    marks: tuple[str, ...]
    keys: tuple[str, ...]
    every_row: bool


TABLES = (
    Table(
        "scenarios",
        "Synthèse",
        ("Scénario", "Offre"),
        ("Scénario", "TCO, tout acheter", "Économie du plan", "Retour financier (année)"),
        every_row=False,
    ),
    Table(
        "scenarios",
        "Synthèse",
        ("Scénario", "Carbone évité (kgCO2e)"),
        ("Scénario", "Usage (kgCO2e)", "Fabrication (kgCO2e)", "Carbone évité (kgCO2e)", "Retour carbone (année)"),
        every_row=True,
    ),
    Table(
        "finances",
        "Retour financier",
        ("Option", "TCO"),
        ("Option", "Hôtes", "TCA (TTC)", "TCO", "Carbone (kgCO2e)"),
        every_row=True,
    ),
    Table("finances", "Retour financier", ("Total",), ("Total",), every_row=True),
    Table(
        "finances",
        "Retour financier",
        ("Parc actuel (net)",),
        ("Année", "Parc actuel (net)", "Plan (net)", "Différence (économie)", "Cumul"),
        every_row=True,
    ),
    Table(
        "finances",
        "Retour financier",
        ("Base de comparaison",),
        ("Base de comparaison", "Économie du plan", "Économies actualisées (VAN)", "Retour financier (année)"),
        every_row=True,
    ),
    Table(
        "inventory",
        "hôtes affichés",
        ("Hôte", "Modèle"),
        ("Hôte", "Achat", "Âge (ans)", "Fin de garantie", "Statut"),
        every_row=False,
    ),
)

#: Each visible grid: the headers it draws, its scroll sizes and its right edge.
_GRIDS = """
return [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(el => el.getBoundingClientRect().width > 0 && el.querySelector('.dvn-scroller'))
  .map(el => {
    // A grid may be redrawn between the filter and here (a busy machine): read what is there.
    const scroller = el.querySelector('.dvn-scroller') || {scrollWidth: 0, scrollHeight: 0, clientHeight: 0};
    if (arguments[0] !== null) { scroller.scrollLeft = arguments[0] === 'right' ? scroller.scrollWidth : 0; }
    return {
      heads: [...el.querySelectorAll('[role="columnheader"]')].map(h => h.textContent.trim()),
      columns: Number(el.querySelector('table')?.getAttribute('aria-colcount') ?? 0),
      scrollHeight: scroller.scrollHeight, clientHeight: scroller.clientHeight,
      right: el.getBoundingClientRect().right,
    };
  });
"""


def _grids(driver: Any, scroll: str | None = None) -> list[dict[str, Any]]:
    grids = driver.execute_script(_GRIDS, scroll)
    if scroll is not None:  # the grids redraw their headers after the scroll event
        time.sleep(0.6)
        grids = driver.execute_script(_GRIDS, None)
    return list(grids)


def _find(grids: list[dict[str, Any]], table: Table) -> int:
    found = [i for i, g in enumerate(grids) if set(table.marks) <= set(g["heads"])]
    assert found, f"no table with {table.marks} among {[g['heads'] for g in grids]}"
    return found[0]


@pytest.fixture(scope="module")
def saved_scenario(served: tuple[str, str]) -> str:
    """A scenario saved by the CLI, so that Scénarios has rows to show."""
    name = "Plan de la DSI"
    result = CliRunner().invoke(
        app, ["plan", "--method", "heuristic", "--scenario", name], env={"PARCIMONIE_DATABASE_URL": served[1]}
    )
    assert result.exit_code == 0, result.output
    return name


@pytest.mark.parametrize("page", ["scenarios", "finances", "inventory"])
def test_no_key_column_clipped(served: tuple[str, str], browser: Any, saved_scenario: str, page: str) -> None:
    expected = [table for table in TABLES if table.page == page]
    open_page(browser, served[0], page, expected[0].shown_when)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # grids are drawn after the script's run ends
        grids = _grids(browser)
        if all(any(set(t.marks) <= set(g["heads"]) for g in grids) for t in expected):
            break
        time.sleep(0.3)
    left = _grids(browser, "left")
    right = _grids(browser, "right")
    width = browser.execute_script("return window.innerWidth")
    problems: list[str] = []
    for table in expected:
        i = _find(left, table)
        hidden = [k for k in table.keys if k not in left[i]["heads"] or k not in right[i]["heads"]]
        if hidden:
            problems.append(f"{table.marks}: {hidden} clipped (drawn: {left[i]['heads']} | {right[i]['heads']})")
        if left[i]["right"] > width + 1:
            problems.append(f"{table.marks}: right edge {left[i]['right']} past the window ({width})")
        if table.every_row and left[i]["scrollHeight"] > left[i]["clientHeight"] + 1:
            problems.append(f"{table.marks}: rows hidden ({left[i]['scrollHeight']} > {left[i]['clientHeight']} px)")
    assert not problems, "\n".join(problems)
