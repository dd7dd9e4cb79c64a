"""The fast paths of plan building give what the plain ones give: range checks a column at a time,
migration rows built without validation."""

import math
from types import SimpleNamespace

from parcimonie.planning import EstateInputs, run_plan
from parcimonie.planning.document import Move, PlanDocument
from parcimonie.planning.estate_inputs import HOST_FIGURES, VM_FIGURES, impossible_value, impossible_values
from parcimonie.planning.plan_cache import RECOMMENDED
from tests.conftest import TODAY

#: Values of every kind a stored figure may hold: fine, unknown, and impossible in each way.
ODD_VALUES = (None, 0, 4, 2.5, -1, -0.5, math.nan, math.inf, -math.inf, True, False, 10**30, 1e12, "12", 3.0)


def _rows(figures: dict[str, bool]) -> list[SimpleNamespace]:
    names = list(figures)
    rows = []
    for i, value in enumerate(ODD_VALUES):
        for name in names:  # each odd value in each column, the others fine or unknown
            rows.append(SimpleNamespace(**{n: (value if n == name else (None if i % 2 else 1)) for n in names}))
    rows.append(SimpleNamespace(**dict.fromkeys(names, -1)))  # several at once: the first one is named
    return rows


def test_range_checks_a_column_at_a_time_give_each_row_its_own_reason() -> None:
    for figures in (HOST_FIGURES, VM_FIGURES):
        rows = _rows(figures)
        expected = [impossible_value(r, figures) for r in rows]
        assert impossible_values(rows, figures) == expected
        assert any(expected) and not all(expected)


def test_migration_rows_are_the_validated_rows(demo_inputs: EstateInputs) -> None:
    document = run_plan(demo_inputs, RECOMMENDED, today=TODAY).document()
    moves = document.consolidation.migrations
    assert moves and len(moves) == document.consolidation.n_migrations
    assert all(Move.model_validate(m.model_dump()) == m for m in moves)
    assert PlanDocument.model_validate_json(document.model_dump_json()) == document
    order = [(m.from_host is None, m.from_host or "", m.vm) for m in moves]
    assert order == sorted(order)
