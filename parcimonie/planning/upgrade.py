"""Plan documents of older formats, upgraded once, by version, to the current ``PlanDocument``.

Format 1 (first release) was an untyped dict: reasons and warnings as French or English prose, the
policy split between the request and the assumptions, no sensitivity. Each step below turns format
N into N + 1; ``load_document`` runs the steps a document needs, ``upgrade_scenarios`` rewrites the
stored scenarios once (``parcimonie init``).
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from inventory import list_scenarios, save_scenario
from parcimonie.planning.build import plan_warnings
from parcimonie.planning.document import PLAN_FORMAT, Consolidation, PlanDocument, Replacement, RequestEcho
from parcimonie.planning.messages import Message

_POLICY_KEYS = ("scope", "use_memory_p95", "include_powered_off", "include_templates")
#: Format 1 reasons (the optimizer's English, or the planner's French) → message codes.
_V1_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"demand \((?P<cpu_ref_mhz>[\d.]+) ref MHz, (?P<memory_mib>[\d.]+) MiB\)"), "reason.too_large"),
    (re.compile(r"no target host left|plus aucun hôte cible"), "reason.no_capacity_left"),
    (re.compile(r"no capacity left on new hosts"), "reason.no_capacity_on_new_hosts"),
    (re.compile(r"capacity of the new host model"), "reason.too_large_for_new_hosts"),
    (re.compile(r"^template|^modèle"), "reason.template"),
    (re.compile(r"^powered off|éteinte"), "reason.powered_off"),
)
_V1_DRIVERS = {"utilisation": "utilisation", "cpu generation": "cpu_generation", "host size": "host_size"}


class DocumentError(ValueError):
    """A stored plan that cannot be read: ``message`` says why (a ``Message``)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def _v1_reason(text: str) -> dict[str, Any]:
    for pattern, code in _V1_REASONS:
        found = pattern.search(text)
        if found:
            return {"code": code, "params": {k: float(v) for k, v in found.groupdict().items()}}
    return {"code": "reason.unknown", "params": {"text": text}}


def _unplaced_v1(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"vm": row["vm"], "reason": _v1_reason(str(row["reason"]))} for row in rows]


def _v1_to_v2(plan: dict[str, Any]) -> dict[str, Any]:
    request, assumptions = dict(plan["request"]), dict(plan["assumptions"])
    ceiling = assumptions.pop("utilisation_ceiling", None)
    ha = assumptions.pop("ha_reserve_hosts", None)
    asked_ceiling, asked_ha = request.pop("ceiling", None), request.pop("ha_reserve_hosts", None)
    policy = {
        "ceiling": ceiling if asked_ceiling is None else asked_ceiling,
        "ha_reserve_hosts": ha if asked_ha is None else asked_ha,
        **{k: request.pop(k) for k in _POLICY_KEYS if k in request},
    }
    request["policy"] = policy
    request["overrides"] = {
        k: v for k, v in request.get("overrides", {}).items() if k not in ("utilisation_ceiling", "ha_reserve_hosts")
    }
    consolidation = {k: v for k, v in plan["consolidation"].items() if k != "message"}
    consolidation["unplaced"] = _unplaced_v1(consolidation["unplaced"])
    options = [
        {"licence_purchase_eur_ttc": 0.0, **o, "kind": "keep" if i == 0 else "offer"}
        for i, o in enumerate(plan["options"])
    ]
    replacement = plan.get("replacement")
    if replacement:
        replacement = {k: v for k, v in replacement.items() if k != "message"}
        for key in ("budget_scenario", "budget_baseline"):  # plans saved before the licences were split out
            replacement[key] = [{"investissement_licences_eur": 0.0, **row} for row in replacement[key]]
        drivers = {k: v for k, v in replacement["drivers"].items() if k != "explanation"}
        drivers["main_driver"] = _V1_DRIVERS.get(drivers["main_driver"], drivers["main_driver"])
        replacement["drivers"] = drivers
        replacement["unplaced"] = _unplaced_v1(replacement["unplaced"])
    echo, c = RequestEcho.model_validate(request), Consolidation.model_validate(consolidation)
    r = Replacement.model_validate(replacement) if replacement else None
    return {
        **plan,
        "format": 2,
        "request": request,
        "assumptions": assumptions,
        "consolidation": consolidation,
        "options": options,
        "best_option": c.offer if len(options) > 1 else None,
        "sensitivity": [],  # not stored in format 1: recompute the scenario to see it
        "replacement": replacement,
        "warnings": [w.model_dump() for w in plan_warnings(c, r, echo)],
    }


#: format N → the step that makes it N + 1
_STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def upgrade(raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` (a stored plan of any known format) as current-format data."""
    plan = dict(raw)
    version = plan.get("format")
    while version != PLAN_FORMAT:
        step = _STEPS.get(version) if isinstance(version, int) else None
        if step is None:
            raise DocumentError(Message(code="error.unknown_format", params={"format": str(version)}))
        try:
            plan = step(plan)
        except (KeyError, TypeError, ValidationError) as err:
            raise DocumentError(Message(code="error.bad_input", params={"detail": str(err)[:200]})) from err
        version = plan["format"]
    return plan


def load_document(raw: Mapping[str, Any]) -> PlanDocument:
    """A stored plan as a ``PlanDocument``, upgraded first when it is of an older format."""
    try:
        return PlanDocument.model_validate(upgrade(raw))
    except ValidationError as err:
        raise DocumentError(Message(code="error.bad_input", params={"detail": str(err)[:200]})) from err


def upgrade_scenarios(session: Session) -> int:
    """Rewrite every stored plan of an older format in the current one; returns how many changed."""
    changed = 0
    for scenario in list_scenarios(session):
        if scenario.kind != "plan" or scenario.results.get("format") == PLAN_FORMAT:
            continue
        document = load_document(scenario.results)
        save_scenario(
            session,
            name=scenario.name,
            kind=scenario.kind,
            parameters=document.request.model_dump(mode="json"),
            results=document.model_dump(mode="json"),
            snapshot_at=scenario.snapshot_at,
        )
        changed += 1
    return changed
