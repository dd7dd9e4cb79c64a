"""Cached calls into the planning layer (``parcimonie.planning``): estate cost, plans, scenarios.

The maths lives in ``optimizer`` and the orchestration in ``parcimonie.planning``, the same as the
CLI's ``parcimonie plan``; plans come back as their typed document (``PlanDocument``), the one saved
scenarios hold. This module only caches, keyed on the snapshot and the ``PlanRequest``.

Cache keys stay small: the database URL, the ``SnapshotKey`` (which identifies the inventory's
content) and the request, never the estate's arrays. The optimizer's inputs and the Consolidation
page's plan with its frames are shared, read-only ``st.cache_resource`` (no copy per rerun); the
other plans are ``st.cache_data``.
"""

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from dashboard import consolidation_frames
from dashboard.auth import current_user, require
from dashboard.data import SnapshotKey, database_url, engine_for, load_hosts, load_offers, load_vms, today
from inventory import add_offer as add_catalogue_offer
from inventory import record_event, session_scope
from inventory import remove_offer as remove_catalogue_offer
from inventory.models import HostModel
from inventory.queries import scenarios_version
from optimizer import CAUTIOUS_CEILING, Policy
from parcimonie.access import FINANCE_GROUPS
from parcimonie.access import require as require_user
from parcimonie.planning import EstateInputs, PlanRequest, build_assumptions, load_estate, run_plan
from parcimonie.planning.assumption_info import ASSUMPTION_INFO
from parcimonie.planning.document import PlanDocument
from parcimonie.planning.footprint import fill_offer_footprints
from parcimonie.planning.migrations import migrations as plan_migrations
from parcimonie.planning.offers_audit import record_offer_added, record_offer_removed
from parcimonie.planning.plan_cache import CurrentCost, stored_current_cost
from parcimonie.planning.plan_cache import current_cost as planned_current_cost
from parcimonie.planning.provenance import Provenance, provenance_of, scenario_provenance
from parcimonie.planning.scenarios import SavedPlan, ScenarioNameError, saved_plans
from parcimonie.planning.scenarios import delete_plan as delete_document
from parcimonie.planning.scenarios import rename_plan as rename_document
from parcimonie.planning.scenarios import save_plan as save_document
from parcimonie.planning.service import PlanOutcome
from parcimonie.planning.vm_moves import destination_labels, placement_columns

__all__ = ["CurrentCost", "ScenarioNameError"]
COMPARE_ALL_MAX_VMS = 10_000  # up to this many VMs, Consolidation lets every offer compete by default
CONSOLIDATION_POLICY = Policy()  # the Consolidation page's starting policy
#: The page's one-click cautious preset (its ceiling input in whole percent, as the page reads it).
CAUTIOUS_POLICY = dataclasses.replace(CONSOLIDATION_POLICY, ceiling=float(int(round(CAUTIOUS_CEILING * 100))) / 100)


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
    """Operating cost of the estate kept as it is, first budget year: stored with the recommended plan
    when it was computed ahead (``parcimonie.planning.plan_cache``), computed here otherwise."""
    with Session(engine_for(url)) as session:
        stored = stored_current_cost(session, today=today())
    return stored or planned_current_cost(estate_inputs(url, snapshot), today=today())


def default_assumptions() -> dict[str, Any]:
    """Today's default assumptions, as a plan document echoes them (``assumptions``)."""
    return build_assumptions(PlanRequest(), today=today()).to_dict()


@st.cache_data(show_spinner=False, max_entries=16)
def plan(url: str, snapshot: SnapshotKey, request: PlanRequest) -> PlanDocument:
    """The plan of ``request`` (parcimonie.planning.run_plan → document).

    Raises ``parcimonie.planning.PlanError`` (a ValueError) for a request that cannot be met.
    """
    return run_plan(estate_inputs(url, snapshot), request, today=today()).document()


@st.cache_data(show_spinner=False, max_entries=16)
def plan_summary(url: str, snapshot: SnapshotKey, request: PlanRequest) -> PlanDocument:
    """The plan of ``request`` without its placement list: the overview's figures.

    A rerun (a language change, a visit back) then unpickles no 50 000-item list. Raises
    ``parcimonie.planning.PlanError`` (a ValueError) for a request that cannot be met.
    """
    document = run_plan(estate_inputs(url, snapshot), request, today=today()).document()
    return document.model_copy(update={"consolidation": document.consolidation.model_copy(update={"placement": []})})


@dataclass(frozen=True)
class ConsolidationView:
    """A plan for the consolidation page: its document without the per-VM lists, and its frames.

    The 50 000 placements live once, as ``frames.placement``, built from the optimizer's arrays
    (``vm_moves``); the migrations' rows only when a person opens their list (``migrations``).
    """

    plan: PlanDocument
    frames: consolidation_frames.ConsolidationFrames
    outcome: PlanOutcome | None = None

    @functools.cached_property
    def migrations(self) -> pd.DataFrame:
        """The plan's migrations (vm, from_host, to_host), the document's rows and order; built once."""
        if self.outcome is None:
            rows = self.plan.consolidation.migrations
        else:
            result, inputs = self.outcome.consolidation, self.outcome.inputs
            to_label = destination_labels(result, inputs.hosts.names)
            rows = plan_migrations(result, inputs.vms, inputs.hosts.names, to_label)["migrations"]
        return pd.DataFrame(
            {
                "vm": [m.vm for m in rows],
                "from_host": [m.from_host for m in rows],
                "to_host": [m.to_host for m in rows],
            },
            columns=["vm", "from_host", "to_host"],
        )


def consolidation_offers(offer_names: Sequence[str], n_vms: int) -> list[str]:
    """The offers Consolidation compares by default: all up to ``COMPARE_ALL_MAX_VMS`` VMs, else the first."""
    return list(offer_names) if n_vms <= COMPARE_ALL_MAX_VMS else list(offer_names[:1])


def consolidation_request(
    offers: Sequence[str],
    policy: Policy = CONSOLIDATION_POLICY,
    *,
    overrides: Mapping[str, Any] | None = None,
    p2v: bool = False,
) -> PlanRequest:
    """The Consolidation page's plan request (no replacement part); its defaults are the page's, so the
    plan preloaded for the page (``stored_plans.preload``) is the one it asks for."""
    return PlanRequest(
        offers=tuple(offers),
        policy=policy,
        method="heuristic",
        with_replacement=False,
        overrides=dict(overrides or {}),
        p2v=p2v,
    )


@st.cache_resource(show_spinner=False, max_entries=8)  # live objects: tens of MB each at 50 000 VMs
def consolidation_view(url: str, snapshot: SnapshotKey, request: PlanRequest) -> ConsolidationView:
    """The plan of ``request`` shaped for review, built once per plan (run_plan → document → frames).

    A resource, shared read-only by every session and every rerun: at 50 000 VMs a copy per rerun
    (``st.cache_data`` unpickles its value) cost 0,5–0,8 s. The pages derive new frames from it
    (``assign``, filters) and never change it in place. Raises ``parcimonie.planning.PlanError`` (a
    ValueError) for a request that cannot be met.
    """
    outcome = run_plan(estate_inputs(url, snapshot), request, today=today())
    result = outcome.document(vm_lists=False)  # the page reads the per-VM rows as columns (vm_moves)
    hosts = load_hosts(url, snapshot, today())
    inputs = estate_inputs(url, snapshot)
    clusters = consolidation_frames.cluster_names(inputs, hosts)
    frames = consolidation_frames.consolidation_frames(
        result,
        hosts=hosts,
        clusters=clusters,
        vms=load_vms(url, snapshot),
        hosts_before=consolidation_frames.hosts_per_cluster(inputs, clusters),
        moves=placement_columns(outcome),
    )
    return ConsolidationView(plan=result, frames=frames, outcome=outcome)


def save_plan(url: str, snapshot: SnapshotKey, *, name: str, request: PlanRequest, replace: bool = False) -> None:
    """Save the plan of ``request``, replacement plan included, as scenario ``name`` (kind "plan").

    Exactly what ``parcimonie plan --scenario NAME`` saves. Raises ``ScenarioNameError`` for an empty
    name, or a name already used unless ``replace``; ``PlanError`` for a request that cannot be met.
    """
    user = require("scenario")
    full = dataclasses.replace(request, with_replacement=True)
    document = plan(url, snapshot, full)
    with session_scope(engine_for(url)) as session:
        save_document(session, document, name=name, snapshot_at=snapshot.finished_at, replace=replace, actor=user.name)


def rename_plan(url: str, name: str, new_name: str) -> bool:
    """Rename the saved scenario ``name``; False when there is none. Raises ``ScenarioNameError``."""
    user = require("scenario")
    with session_scope(engine_for(url)) as session:
        return rename_document(session, name, new_name, actor=user.name)


def delete_plan(url: str, name: str) -> bool:
    """Delete the saved scenario ``name``; False when there is none."""
    user = require("scenario")
    with session_scope(engine_for(url)) as session:
        return delete_document(session, name, actor=user.name)


def provenance(url: str, scenario: str | None, document: PlanDocument) -> Provenance | None:
    """Who prepared ``document``: whoever saved ``scenario`` last, or this session's user for a plan made here."""
    if scenario:
        with Session(engine_for(url)) as session:
            return scenario_provenance(session, scenario, document)
    return provenance_of(document, author=current_user().name, at=datetime.now(UTC))


def scenarios_key(url: str) -> tuple[int, datetime | None]:
    """(number of saved scenarios, latest update): the cache key of scenario loaders."""
    with Session(engine_for(url)) as session:
        return scenarios_version(session)


@st.cache_data(show_spinner=False, max_entries=4)
def load_scenarios(url: str, key: tuple[int, datetime | None]) -> list[SavedPlan]:
    """Saved plans, most recently updated first (documents of older formats upgraded on the way)."""
    if key[0] == 0:
        return []
    with Session(engine_for(url)) as session:
        return saved_plans(session)


# --- the session's assumptions (page Hypothèses) and the offer catalogue -----------------------

#: Session-state key of the assumptions the user changed: name → value (never a widget's key, so the
#: values survive a visit to other pages).
OVERRIDES_KEY = "assumption_overrides"


def current_overrides() -> dict[str, Any]:
    """The assumptions changed on the Hypothèses page in this session (name → value), for ``PlanRequest``."""
    value = st.session_state.get(OVERRIDES_KEY)
    return dict(value) if isinstance(value, dict) else {}


def set_override(name: str, value: Any) -> None:
    """Use ``value`` for assumption ``name`` in this session's plans (back to the default: forgotten).

    Raises ``parcimonie.planning.PlanError`` (a ValueError) for a value the optimizer refuses; nothing
    changes then.
    """
    user = require(_assumption_permission(name))
    overrides = current_overrides()
    defaults = default_assumptions()
    before = overrides.get(name, defaults[name])
    if value == defaults[name]:
        overrides.pop(name, None)
    else:
        overrides[name] = value
    build_assumptions(PlanRequest(overrides=overrides), today=today())  # refuses bad values
    st.session_state[OVERRIDES_KEY] = overrides
    if value != before:
        _record_assumption(user.name, name, before, value)


def reset_overrides(*names: str) -> None:
    """Back to the defaults: ``names``, or every assumption when none is given.

    Raises ``Forbidden`` (nothing reset) when one of the changed assumptions is not the user's to change.
    """
    overrides = current_overrides()
    doomed = [name for name in names or tuple(overrides) if name in overrides]
    user = current_user()
    for name in doomed:
        require_user(user, _assumption_permission(name))
    defaults = default_assumptions()
    for name in doomed:
        _record_assumption(user.name, name, overrides.pop(name), defaults[name])
    st.session_state[OVERRIDES_KEY] = overrides


def _assumption_permission(name: str) -> str:
    """Finance assumptions are the finance role's; the others, the DSI's (admin may change all)."""
    info = ASSUMPTION_INFO.get(name)
    return "assumption.finance" if info is not None and info.group in FINANCE_GROUPS else "assumption"


def _record_assumption(actor: str, name: str, before: Any, after: Any) -> None:
    """Record in the audit trail that ``actor`` changed assumption ``name`` for their plans."""
    with session_scope(engine_for(database_url())) as session:
        record_event(
            session,
            actor=actor,
            action="assumption.changed",
            object=name,
            before={"value": before},
            after={"value": after},
        )


def _catalogue_changed() -> None:
    """Forget what was read from the catalogue: the offers, the optimizer's inputs, the plans."""
    load_offers.clear()
    estate_inputs.clear()
    plan.clear()
    plan_summary.clear()
    consolidation_view.clear()


def add_offer(url: str, offer: HostModel) -> None:
    """Add ``offer`` to the catalogue with its embodied footprint (Boavizta), as ``parcimonie offers add``.

    Raises ``inventory.OfferError`` (a ValueError naming the field) for an offer refused.
    """
    user = require("offer")
    with session_scope(engine_for(url)) as session:
        record_offer_added(session, add_catalogue_offer(session, offer), actor=user.name)
        fill_offer_footprints(session)
    _catalogue_changed()


def remove_offer(url: str, name: str) -> bool:
    """Remove the offer ``name`` from the catalogue, as ``parcimonie offers remove``; False when absent."""
    user = require("offer")
    with session_scope(engine_for(url)) as session:
        record_offer_removed(session, name, actor=user.name)
        removed = remove_catalogue_offer(session, name)
    _catalogue_changed()
    return removed
