"""The README stays true: every setting and every command is documented there."""

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
