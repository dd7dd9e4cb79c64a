"""The docs stay true.

The README documents every setting and every command; docs/assumptions.md documents every default
with its source; no tracked file refers to anything outside the repository.
"""

import dataclasses
import importlib
import importlib.util
import math
import re
import subprocess
from pathlib import Path

from typer.main import get_command

from parcimonie.cli import app
from parcimonie.settings import Settings

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = [
        f"PARCIMONIE_{name.upper()}" for name in Settings.model_fields if f"PARCIMONIE_{name.upper()}" not in README
    ]
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    group = get_command(app)
    names = list(group.commands)  # type: ignore[attr-defined]
    missing = [name for name in names if f"parcimonie {name}" not in README]
    assert missing == []


# --- docs/assumptions.md: every default and its source ----------------------------------------

ROOT = Path(__file__).parents[2]
ASSUMPTIONS_DOC = ROOT / "docs" / "assumptions.md"


def _table_defaults() -> dict[str, list[str]]:
    """Name (first cell, backticks removed) → the default cells (second cell) of every table row."""
    rows: dict[str, list[str]] = {}
    for line in ASSUMPTIONS_DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2:
            rows.setdefault(cells[0].strip("`"), []).append(cells[1])
    return rows


def _same_default(cell: str, value: object) -> bool:
    """The default as written in the table equals the value in the code (numbers compared as numbers)."""
    text = cell.strip("`").strip()
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            return math.isclose(float(text.replace("\u202f", "").replace(" ", "")), float(value), rel_tol=1e-12)
        except ValueError:
            return False
    return text.strip("'\"") == str(value)


def _documented_dataclasses() -> list[type]:
    from optimizer import Assumptions

    classes: list[type] = [Assumptions]
    if importlib.util.find_spec("optimizer.policy") is not None:
        policy = importlib.import_module("optimizer.policy")
        if hasattr(policy, "Policy"):
            classes.append(policy.Policy)
    return classes


def test_every_assumption_is_documented_with_its_default() -> None:
    rows = _table_defaults()
    problems = []
    for cls in _documented_dataclasses():
        for field in dataclasses.fields(cls):
            default = field.default if field.default is not dataclasses.MISSING else field.default_factory()  # type: ignore[misc]
            cells = rows.get(field.name)
            if not cells:
                problems.append(f"{cls.__name__}.{field.name}: no row in docs/assumptions.md")
            elif not any(_same_default(cell, default) for cell in cells):
                problems.append(f"{cls.__name__}.{field.name}: default {default!r} in the code, {cells} in the docs")
    assert problems == []


def test_cautious_ceiling_is_documented() -> None:
    module = importlib.import_module("optimizer.assumptions")
    if importlib.util.find_spec("optimizer.policy") is not None:
        module = importlib.import_module("optimizer.policy")
    value = getattr(module, "CAUTIOUS_CEILING", None) or importlib.import_module("optimizer").CAUTIOUS_CEILING
    assert any(_same_default(cell, value) for cell in _table_defaults().get("CAUTIOUS_CEILING", []))


# --- the repository stands alone ----------------------------------------------------------------

#: Notes outside the repository, its parent folder, a machine path ("[k]": the pattern must not match itself).
FORBIDDEN = re.compile(r"DOMAIN\.md|\.\./shared|/wor[k]/", re.IGNORECASE)


def test_no_tracked_file_refers_outside_the_repository() -> None:
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode("utf-8")
        .split("\0")
    )
    offenders = []
    for name in filter(None, files):
        path = ROOT / name
        if name == "LICENSE" or not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
            if FORBIDDEN.search(line):
                offenders.append(f"{name}:{number}")
    assert offenders == []
