"""The overview's recommended plan, read from the inventory's plan cache before anything is computed.

``parcimonie.planning.plan_cache`` keeps the plan per snapshot and assumption set in the database,
computed by ``parcimonie dashboard`` at start, after each collection, import and the demo: the first
browser to connect then reads it rather than waiting for it. When it is still being computed
elsewhere the page waits for it (the caller shows "calcul en cours"); when nothing computes it, the
page computes it here and stores it for everyone.
"""

import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

import streamlit as st
from sqlmodel import Session

from dashboard import plans
from dashboard.data import SnapshotKey, engine_for, load_hosts, load_offers, load_vms, today
from parcimonie.planning import PlanRequest
from parcimonie.planning.document import PlanDocument, TornadoBar
from parcimonie.planning.plan_cache import (
    compute_tornado,
    plan_is_stored,
    request_key,
    stored_bars,
    stored_or_computed,
)

logger = logging.getLogger(__name__)


def is_ready(url: str, request: PlanRequest) -> bool:
    """Whether the plan of ``request`` is stored for the current snapshot (no wait, no computation)."""
    with Session(engine_for(url)) as session:
        return plan_is_stored(session, request, today=today())


def _key(url: str, request: PlanRequest) -> str:
    """The plan cache's key of ``request`` (its assumptions and the offer catalogue included): the
    in-process caches below are keyed on it too, so an offer added elsewhere is never missed."""
    with Session(engine_for(url)) as session:
        return request_key(session, request, today=today())


def summary(url: str, snapshot: SnapshotKey, request: PlanRequest) -> PlanDocument:
    """The plan of ``request`` without placements nor tornado: stored, awaited, or computed and stored.

    Raises ``parcimonie.planning.PlanError`` (a ValueError) for a request that cannot be met.
    """
    return _summary(url, snapshot, request, _key(url, request))


@st.cache_resource(show_spinner=False, max_entries=16)
def _summary(url: str, snapshot: SnapshotKey, request: PlanRequest, plan_key: str) -> PlanDocument:
    """``summary``, cached in this process on ``plan_key`` (Streamlit hashes it with the other arguments).

    A resource: the (frozen) document is shared, not unpickled at each rerun (≈ 1 s at 50 000 VMs).
    """
    document = stored_or_computed(
        engine_for(url), request, today=today(), inputs=lambda: plans.estate_inputs(url, snapshot)
    )
    return document.model_copy(update={"tornado": [], "saving_without_licences_eur": None})


def stored_tornado(url: str, request: PlanRequest) -> list[TornadoBar] | None:
    """The tornado stored with the plan of ``request`` on the current snapshot; None when not computed yet.

    Not cached: a small read, so bars a background warm-up stores show up on the next rerun.
    """
    with Session(engine_for(url)) as session:
        return stored_bars(session, request, today=today())


def tornado(url: str, snapshot: SnapshotKey, request: PlanRequest) -> list[TornadoBar]:
    """The tornado of ``request``'s plan, computed here (sixteen costings) and stored for everyone."""
    return _tornado(url, snapshot, request, _key(url, request))


@st.cache_data(show_spinner=False, max_entries=16)
def _tornado(url: str, snapshot: SnapshotKey, request: PlanRequest, plan_key: str) -> list[TornadoBar]:
    """``tornado``, cached in this process on ``plan_key``."""
    return compute_tornado(engine_for(url), request, today=today(), inputs=plans.estate_inputs(url, snapshot))


_PRELOADED: set[tuple[str, SnapshotKey, str]] = set()
_PRELOAD_LOCK = threading.Lock()


def preload(url: str, snapshot: SnapshotKey, overrides: Mapping[str, Any] | None = None) -> threading.Thread | None:
    """Load what Consolidation and Finances need on a background thread, once per snapshot and assumption
    set: the optimizer's tables, the VMs, then the Consolidation page's first plan with its frames (its
    default request with ``overrides``) and the plan of its one-click cautious preset. The first screen
    does not wait for them; the next pages find them cached (a page asking for a plan still being
    computed here waits for it rather than computing it twice). Returns the thread, None when already
    started."""
    overrides = dict(overrides or {})
    with _PRELOAD_LOCK:
        key = (url, snapshot, json.dumps(overrides, sort_keys=True, default=str))
        if key in _PRELOADED:
            return None
        _PRELOADED.add(key)

    def load() -> None:
        try:
            n_vms = plans.estate_inputs(url, snapshot).vms.n_vms
            load_vms(url, snapshot)
            load_hosts(url, snapshot, today())
            offers = load_offers(url)
            names = list(offers["name"]) if not offers.empty else []
            chosen = plans.consolidation_offers(names, n_vms)
            for policy in (plans.CONSOLIDATION_POLICY, plans.CAUTIOUS_POLICY) if names else ():
                plans.consolidation_view(
                    url, snapshot, plans.consolidation_request(chosen, policy, overrides=overrides)
                )
        except Exception as err:  # noqa: BLE001 - a head start only: the page computes it and says why
            logger.info("dashboard preload stopped: %s", err)

    thread = threading.Thread(target=load, name="dashboard-preload", daemon=True)
    thread.start()
    return thread
