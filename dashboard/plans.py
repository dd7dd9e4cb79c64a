"""Cached calls into the planning layer (``parcimonie.planning``): estate cost, plans, scenarios.

The maths lives in ``optimizer`` and the orchestration in ``parcimonie.planning``, the same as the
CLI's ``parcimonie plan``; plans come back as their JSON (``PlanOutcome.to_dict()``), the format
saved scenarios hold. This module only caches, keyed on the snapshot and the ``PlanRequest``.

Cache keys stay small: the database URL, the ``SnapshotKey`` (which identifies the inventory's
content) and the request, never the estate's arrays. The optimizer's inputs are a shared, read-only
``st.cache_resource`` (no copy per rerun); a plan's JSON and its frames are ``st.cache_data``.
"""

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st
from sqlmodel import Session

from dashboard import plan_frames
from dashboard.data import SnapshotKey, engine_for, load_hosts, load_vms, today
from inventory import get_scenario, list_scenarios, save_scenario, session_scope
from inventory.queries import scenarios_version
from parcimonie.planning import PlanRequest, build_assumptions, estate_cost, run_plan
from parcimonie.planning.estate_inputs import EstateInputs, load_estate

PLAN_FORMAT = 1  # parcimonie.planning.document's "format": the scenarios the pages can read
COMPARE_ALL_MAX_VMS = 10_000  # up to this many VMs, Consolidation lets every offer compete by default


@dataclass(frozen=True)
class CurrentCost:
    """What the estate costs to run as it stands, in ``year``, the budget's first (EUR TTC, kWh).

    Operating cost only (energy, support, licences, staff, rack): no purchase, no depreciation.
    """

    opex_eur_per_year: float
    energy_kwh_per_year: float
    year: int


class ScenarioNameError(ValueError):
    """A scenario name that cannot be used: ``reason`` is "empty" or "exists"."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(f"scenario name {name!r}: {reason}")
        self.reason = reason
        self.name = name


@st.cache_resource(show_spinner=False, max_entries=2)
def estate_inputs(url: str, snapshot: SnapshotKey) -> EstateInputs:
    """The inventory as optimizer tables (parcimonie.planning.estate_inputs.load_estate).

    A resource, not data: shared read-only by every session and never copied (the frozen tables of
    50 000 VMs would otherwise be unpickled at each call).
    """
    with Session(engine_for(url)) as session:
        return load_estate(session)


@st.cache_data(show_spinner=False, max_entries=4)
def current_cost(url: str, snapshot: SnapshotKey) -> CurrentCost:
    """Operating cost of the estate kept as it is, first budget year (parcimonie.planning.estate_cost)."""
    keep = estate_cost(estate_inputs(url, snapshot), PlanRequest(), today=today())
    return CurrentCost(opex_eur_per_year=float(keep.opex_eur[0]), energy_kwh_per_year=float(keep.energy_kwh[0]),
                       year=today().year + 1)  # planning's default start: next calendar year


def default_assumptions() -> dict[str, Any]:
    """Today's default assumptions, as a plan's JSON echoes them (``assumptions``)."""
    return build_assumptions(PlanRequest(), today=today()).to_dict()


@st.cache_data(show_spinner=False, max_entries=16)
def plan(url: str, snapshot: SnapshotKey, request: PlanRequest) -> dict[str, Any]:
    """The plan of ``request`` as JSON (parcimonie.planning.run_plan → to_dict).

    Raises ``parcimonie.planning.PlanError`` (a ValueError) for a request that cannot be met.
    """
    return run_plan(estate_inputs(url, snapshot), request, today=today()).to_dict()


@dataclass(frozen=True)
class ConsolidationView:
    """A plan for the consolidation page: its JSON without the placement list, and its frames.

    The 50 000 placements live once, as ``frames.placement``: the cache neither pickles nor copies
    them twice.
    """

    plan: dict[str, Any]
    frames: plan_frames.ConsolidationFrames


@st.cache_data(show_spinner=False, max_entries=16)
def consolidation_view(url: str, snapshot: SnapshotKey, request: PlanRequest) -> ConsolidationView:
    """The plan of ``request`` shaped for review, built once per plan (run_plan → to_dict → frames).

    Raises ``parcimonie.planning.PlanError`` (a ValueError) for a request that cannot be met.
    """
    result = run_plan(estate_inputs(url, snapshot), request, today=today()).to_dict()
    hosts = load_hosts(url, snapshot, today())
    frames = plan_frames.consolidation_frames(
        result, hosts=hosts, clusters=plan_frames.cluster_names(estate_inputs(url, snapshot), hosts),
        vms=load_vms(url, snapshot))
    summary = {k: v for k, v in result["consolidation"].items() if k != "placement"}
    return ConsolidationView(plan={**result, "consolidation": summary}, frames=frames)


def save_plan(url: str, snapshot: SnapshotKey, *, name: str, request: PlanRequest, replace: bool = False) -> None:
    """Save the plan of ``request``, replacement plan included, as scenario ``name`` (kind "plan").

    Exactly what ``parcimonie plan --scenario NAME`` saves. Raises ``ScenarioNameError`` for an empty
    name, or a name already used unless ``replace``; ``PlanError`` for a request that cannot be met.
    """
    clean = name.strip()
    if not clean:
        raise ScenarioNameError("empty", clean)
    full = dataclasses.replace(request, with_replacement=True)
    results = plan(url, snapshot, full)
    with session_scope(engine_for(url)) as session:
        if not replace and get_scenario(session, clean) is not None:
            raise ScenarioNameError("exists", clean)
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

    Scenarios in another format than ``parcimonie.planning.document``'s are left out.
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
