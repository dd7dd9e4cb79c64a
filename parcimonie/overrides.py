"""`--set NAME=VALUE` as the CLI reads it: booleans (true/false, oui/non), numbers with a point or a
decimal comma, else text (the plan checks the value against its assumption)."""

from typing import Any

import typer

__all__ = ["parse_override"]


def parse_override(text: str) -> tuple[str, Any]:
    """(name, value) of one `--set NAME=VALUE`; a text without "=" is a bad parameter."""
    if "=" not in text:
        raise typer.BadParameter(f"'{text}' : attendu NOM=VALEUR, par ex. electricity_eur_per_kwh=0.25")
    key, raw = (part.strip() for part in text.split("=", 1))
    lowered = raw.lower()
    if lowered in {"true", "false", "oui", "non"}:
        return key, lowered in {"true", "oui"}
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return key, raw  # a text assumption (vsphere_model=contract); the plan checks its value
    return key, int(number) if number.is_integer() and "." not in raw and "," not in raw else number
