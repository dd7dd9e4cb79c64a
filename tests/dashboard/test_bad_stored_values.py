"""DSH2/DSH3: every page survives impossible values an older version stored (no uncaught exception)."""

import pytest

from inventory import make_engine
from tests.dashboard.conftest import RunPage
from tests.inventory.bad_rows import corrupt


@pytest.mark.parametrize("page", ["overview", "inventory", "consolidation", "finances", "scenarios", "collection"])
def test_pages_survive_impossible_stored_values(run_page: RunPage, demo_url: str, page: str) -> None:
    engine = make_engine(demo_url)
    corrupt(engine)
    engine.dispose()
    at = run_page(page, demo_url)
    assert not at.exception, [e.value for e in at.exception]
