"""Every string exists in French and English with the same placeholders; every key used exists."""

import re
import string
from pathlib import Path

import pytest

from dashboard.strings import STRINGS
from inventory import LifecycleStatus, PowerState, RunStatus

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_both_languages_take_the_same_placeholders(key: str) -> None:
    french, english = STRINGS[key]
    assert french.strip() and english.strip()
    assert _fields(french) == _fields(english)


def test_every_key_used_in_the_dashboard_exists() -> None:
    used: set[str] = set()
    for path in DASHBOARD.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""", path.read_text()))
    assert used, "no t(...) call found"
    assert sorted(used - set(STRINGS)) == []


def test_enum_labels_exist() -> None:
    for prefix, enum in (("status", LifecycleStatus), ("power", PowerState), ("run", RunStatus)):
        for member in enum:
            assert f"{prefix}.{member.value}" in STRINGS
