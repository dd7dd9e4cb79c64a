"""Messages from the layers below, in the dashboard's language.

The planning layer (``parcimonie.planning.PlanError``) words its refusals in French, the optimizer
its reasons in English. The known ones are recognised here and shown through ``strings.py``; an
unknown one is shown as it came, under the page's translated prefix.
"""

import re

from dashboard.i18n import t

# (pattern of the original message, string key; the pattern's named groups fill the placeholders)
_PLAN_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^l'inventaire est vide\b"), "plan_error.empty_inventory"),
    (re.compile(r"^le catalogue d'offres est vide\b"), "plan_error.empty_catalogue"),
    (re.compile(r"^offre\(s\) inconnue\(s\) : (?P<unknown>.*) ; connues : (?P<known>.*)$"),
     "plan_error.unknown_offers"),
    (re.compile(r"^hypothèses invalides : (?P<detail>.*)$", re.DOTALL), "plan_error.bad_assumptions"),
)
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^no target host left with enough free capacity$"), "reason.no_capacity_left"),
    (re.compile(r"^demand \((?P<mhz>[\d.]+) ref MHz, (?P<mib>[\d.]+) MiB\) exceeds the usable capacity"),
     "reason.too_large"),
    (re.compile(r"^template excluded by policy"), "reason.template"),
    (re.compile(r"^powered off, excluded by policy"), "reason.powered_off"),
)


def _translate(message: str, table: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, key in table:
        found = pattern.search(message)
        if found:
            return t(key, **found.groupdict())
    return message


def plan_error(err: Exception) -> str:
    """A refused plan request, in the current language, under the "Parameters refused" prefix."""
    return t("consolidation.bad_parameters", message=_translate(str(err), _PLAN_ERRORS))


def unplaced_reason(reason: str) -> str:
    """Why a VM was not placed (the optimizer's reason), in the current language when known."""
    return _translate(reason, _REASONS)
