"""Configuration mistakes in French: a setting or a vCenter source that pydantic refused.

pydantic words its errors in English ("Input should be a valid integer"); a DSI reads
"PARCIMONIE_DASHBOARD_PORT : nombre entier attendu". Values are never quoted (they may be secrets).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["settings_error", "validation_message"]

#: pydantic error type -> French text; ``{…}`` fields come from the error's context.
_FRENCH = {
    "missing": "valeur requise",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (sans décimales)",
    "float_parsing": "nombre attendu (point décimal : 2.5)",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "string_type": "texte attendu",
    "string_too_short": "texte trop court ({min_length} caractères au moins)",
    "string_too_long": "texte trop long ({max_length} caractères au plus)",
    "list_type": "liste JSON attendue ([…])",
    "dict_type": "objet JSON attendu ({…})",
    "model_type": "objet JSON attendu ({…})",
    "model_attributes_type": "objet JSON attendu ({…})",
    "extra_forbidden": "champ inconnu",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "literal_error": "valeurs possibles : {expected}",
    "enum": "valeurs possibles : {expected}",
    "path_type": "chemin de fichier attendu",
}


def _french(item: dict[str, Any]) -> str:
    """One error's text: French when its type is known, pydantic's own words otherwise."""
    template = _FRENCH.get(str(item.get("type")))
    if template is not None:
        try:
            return template.format(**{k: _number(v) for k, v in item.get("ctx", {}).items()})
        except (KeyError, IndexError, ValueError):
            pass
    return str(item["msg"]).removeprefix("Value error, ")


def _number(value: Any) -> Any:
    """A bound of the context in French (0.5 -> 0,5; 0.0 -> 0); other values as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}".replace(".", ",")
    return value


def _where(loc: tuple[Any, ...], title: str) -> str:
    """PARCIMONIE_VSPHERE_SOURCES[0].host for a setting, host for a bare model."""
    parts = [str(p) for p in loc]
    if title != "Settings" or not parts:
        return ".".join(parts) or "?"
    out = f"PARCIMONIE_{parts[0].upper()}"
    for part in parts[1:]:
        out += f"[{part}]" if part.isdigit() else f".{part}"
    return out


def validation_message(err: Any) -> str:
    """A pydantic ``ValidationError`` as ``where : what`` parts in French, never quoting the values."""
    items = err.errors(include_input=False, include_url=False, include_context=True)
    parts = dict.fromkeys(f"{_where(tuple(i['loc']), err.title)} : {_french(i)}" for i in items)
    return " ; ".join(parts)


#: An example of each JSON setting, shown when its value cannot be parsed.
_JSON_EXAMPLES = {
    "PARCIMONIE_VSPHERE_SOURCES": '[{"name": "vc1", "host": "vcenter.example", "user": "lecteur@vsphere.local"}]',
    "PARCIMONIE_AUTH_ROLES": '{"GG-DSI": "dsi", "GG-Finances": "finance", "GG-Admins": "admin"}',
}


def settings_error(err: Exception) -> str:
    """A setting that could not be parsed (invalid JSON in PARCIMONIE_VSPHERE_SOURCES…), value not quoted."""
    match = re.search(r'field "([A-Za-z0-9_]+)"', str(err))
    variable = f"PARCIMONIE_{match.group(1).upper()}" if match else "une variable PARCIMONIE_*"
    cause = err.__cause__
    where = ""
    if isinstance(cause, json.JSONDecodeError):
        where = f" (ligne {cause.lineno}, colonne {cause.colno} : {cause.msg})"
    example = _JSON_EXAMPLES.get(variable)
    return f"Configuration invalide : {variable} n'est pas un JSON valide{where}" + (
        f" ; attendu par ex. {example}" if example else ""
    )
