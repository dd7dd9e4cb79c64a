"""Placement rules are stored by name and replaced per source."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from inventory.rules import RuleRow, load_rules, replace_rules


def test_replace_per_source_and_load(sqlite_engine: Engine) -> None:
    first = [RuleRow("anti_affinity", "DC", "dc01", None, 2), RuleRow("anti_affinity", "DC", "dc02", None, 3)]
    with Session(sqlite_engine) as session:
        assert replace_rules(session, "import", first) == 2
        replace_rules(session, "vc1", [RuleRow("together", "app", "web", None, None)])
        session.commit()
    with Session(sqlite_engine) as session:
        assert load_rules(session) == [*first, RuleRow("together", "app", "web", None, None)]
        replace_rules(session, "import", [RuleRow("stay", None, None, "esx1", 2)])  # a new file replaces
        session.commit()
        assert load_rules(session) == [RuleRow("stay", None, None, "esx1", 2), RuleRow("together", "app", "web")]


def test_unknown_kind_is_refused(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session, pytest.raises(ValueError, match="magic"):
        replace_rules(session, "import", [RuleRow("magic")])
