"""Cached calls into the planning layer (``parcimonie.planning``): estate cost, plans, scenarios.

The maths lives in ``optimizer`` and the orchestration in ``parcimonie.planning``, the same as the
CLI's ``parcimonie plan``; plans come back as their JSON (``PlanOutcome.to_dict()``), the format
saved scenarios hold. This module only caches, keyed on the snapshot and the ``PlanRequest``.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st
from sqlmodel import Session

from dashboard.data import SnapshotKey, engine_for, today
from inventory import get_scenario, list_scenarios, save_scenario, session_scope
from inventory.queries import scenarios_version
from parcimonie.estate_inputs import EstateInputs, load_estate
from parcimonie.planning import PlanRequest, estate_cost, run_plan

PLAN_FORMAT = 1  # parcimonie.plan_json's "format": the scenarios the pages can read


@dataclass(frozen=True)
class CurrentCost:
    """What the estate costs as it stands, first year of the horizon (EUR TTC, kWh)."""

    tco_eur_per_year: float
    energy_kwh_per_year: float


@st.cache_data(show_spinner=False, max_entries=2)
def estate_inputs(url: str, snapshot: SnapshotKey) -> EstateInputs:
    """The inventory as optimizer tables (parcimonie.estate_inputs.load_estate)."""
    with Session(engine_for(url)) as session:
        return load_estate(session)


@st.cache_data(show_spinner=False, max_entries=4)
def current_cost(url: str, snapshot: SnapshotKey) -> CurrentCost:
    """Yearly running cost of the estate kept as it is (parcimonie.planning.estate_cost)."""
    keep = estate_cost(estate_inputs(url, snapshot), PlanRequest(), today=today())
    return CurrentCost(tco_eur_per_year=float(keep.opex_eur[0]), energy_kwh_per_year=float(keep.energy_kwh[0]))


@st.cache_data(show_spinner=False, max_entries=16)
def plan(url: str, snapshot: SnapshotKey, request: PlanRequest) -> dict[str, Any]:
    """The plan of ``request`` as JSON (parcimonie.planning.run_plan → to_dict).

    Raises ``parcimonie.planning.PlanError`` (a ValueError) for a request that cannot be met.
    """
    return run_plan(estate_inputs(url, snapshot), request, today=today()).to_dict()


def save_plan(url: str, snapshot: SnapshotKey, *, name: str, request: PlanRequest, replace: bool = False) -> None:
    """Save the plan of ``request``, replacement plan included, as scenario ``name`` (kind "plan").

    Exactly what ``parcimonie plan --scenario NAME`` saves. Raises ``ValueError`` for an empty name,
    or a name already used unless ``replace``.
    """
    clean = name.strip()
    if not clean:
        raise ValueError("the scenario needs a name")
    full = dataclasses.replace(request, with_replacement=True)
    results = plan(url, snapshot, full)
    with session_scope(engine_for(url)) as session:
        if not replace and get_scenario(session, clean) is not None:
            raise ValueError(f"a scenario named {clean!r} already exists")
        save_scenario(
            session,
            name=clean,
            kind="plan",
            parameters=full.to_dict(),
            results=results,
            snapshot_at=snapshot.finished_at,
        )


def scenarios_key(url: str) -> tuple[int, datetime | None]:
    """(number of saved scenarios, latest update): the cache key of scenario loaders."""
    with Session(engine_for(url)) as session:
        return scenarios_version(session)


@st.cache_data(show_spinner=False, max_entries=4)
def load_scenarios(url: str, key: tuple[int, datetime | None]) -> list[dict[str, Any]]:
    """Saved plans, most recently updated first: name, kind, created_at, updated_at, parameters, results.

    Scenarios in another format than ``parcimonie.plan_json``'s are left out.
    """
    if key[0] == 0:
        return []
    with Session(engine_for(url)) as session:
        return [
            {
                "name": s.name,
                "kind": s.kind,
                "created_at": s.created_at,
                "updated_at": s.updated_at,
                "parameters": dict(s.parameters),
                "results": dict(s.results),
            }
            for s in list_scenarios(session)
            if s.results.get("format") == PLAN_FORMAT
        ]
