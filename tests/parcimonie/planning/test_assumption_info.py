"""The assumption metadata table covers every field and says what docs/assumptions.md says."""

import dataclasses
import re
from pathlib import Path

from optimizer import Assumptions, Policy
from parcimonie.planning.assumption_info import ASSUMPTION_INFO, GROUPS, POLICY_INFO
from parcimonie.planning.messages import MESSAGES

DOC = (Path(__file__).parents[3] / "docs" / "assumptions.md").read_text(encoding="utf-8")
_ROW = re.compile(r"^\| `(\w+)` \| [^|]* \| ([^|]*) \| [^|]* \| (.*) \|$")


def _doc_rows(policy: bool) -> dict[str, tuple[str, str]]:
    """name → (unit, source) of the tables before (or from, with ``policy``) the sizing policy section."""
    before, _, after = DOC.partition("### Sizing policy")
    rows: dict[str, tuple[str, str]] = {}
    for line in (after if policy else before).splitlines():
        if match := _ROW.match(line):
            rows.setdefault(match.group(1), (match.group(2).strip(), match.group(3).strip()))
    return rows


def test_every_assumption_and_policy_field_has_a_row() -> None:
    assert set(ASSUMPTION_INFO) == {f.name for f in dataclasses.fields(Assumptions)}
    assert set(POLICY_INFO) == {f.name for f in dataclasses.fields(Policy)}
    assert {info.group for info in (*ASSUMPTION_INFO.values(), *POLICY_INFO.values())} <= set(GROUPS)
    assert {info.group for info in ASSUMPTION_INFO.values()} == set(GROUPS)


def test_units_and_sources_agree_with_the_docs() -> None:
    for table, policy in ((ASSUMPTION_INFO, False), (POLICY_INFO, True)):
        rows = _doc_rows(policy)
        for name, info in table.items():
            assert name in rows, f"{name}: no row in docs/assumptions.md"
            assert (info.unit, info.source) == rows[name], name


def test_every_assumption_has_a_label_in_both_languages() -> None:
    missing = [name for name in ASSUMPTION_INFO if f"assumption.{name}" not in MESSAGES]
    assert missing == []
