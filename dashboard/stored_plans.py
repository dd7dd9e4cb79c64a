"""The overview's recommended plan, read from the inventory's plan cache before anything is computed.

``parcimonie.planning.plan_cache`` keeps the plan per snapshot and assumption set in the database,
computed by ``parcimonie dashboard`` at start, after each collection, import and the demo: the first
browser to connect then reads it rather than waiting for it. When it is still being computed
elsewhere the page waits for it (the caller shows "calcul en cours"); when nothing computes it, the
page computes it here and stores it for everyone.
"""

import threading

import streamlit as st
from sqlmodel import Session

from dashboard import plans
from dashboard.data import SnapshotKey, engine_for, load_vms, today
from parcimonie.planning import PlanRequest
from parcimonie.planning.document import PlanDocument, TornadoBar
from parcimonie.planning.plan_cache import cached_plan, compute_tornado, request_key, stored_or_computed


def is_ready(url: str, request: PlanRequest) -> bool:
    """Whether the plan of ``request`` is stored for the current snapshot (no wait, no computation)."""
    with Session(engine_for(url)) as session:
        cached = cached_plan(session, request, today=today())
    return cached is not None and cached.document is not None


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


@st.cache_data(show_spinner=False, max_entries=16)
def _summary(url: str, snapshot: SnapshotKey, request: PlanRequest, plan_key: str) -> PlanDocument:
    """``summary``, cached in this process on ``plan_key`` (Streamlit hashes it with the other arguments)."""
    document = stored_or_computed(
        engine_for(url), request, today=today(), inputs=lambda: plans.estate_inputs(url, snapshot)
    )
    return document.model_copy(update={"tornado": [], "saving_without_licences_eur": None})


def stored_tornado(url: str, request: PlanRequest) -> list[TornadoBar] | None:
    """The tornado stored with the plan of ``request`` on the current snapshot; None when not computed yet.

    Not cached: a small read, so bars a background warm-up stores show up on the next rerun.
    """
    with Session(engine_for(url)) as session:
        cached = cached_plan(session, request, today=today())
    if cached is None or cached.document is None or not cached.with_tornado:
        return None
    return list(cached.document.tornado)


def tornado(url: str, snapshot: SnapshotKey, request: PlanRequest) -> list[TornadoBar]:
    """The tornado of ``request``'s plan, computed here (sixteen costings) and stored for everyone."""
    return _tornado(url, snapshot, request, _key(url, request))


@st.cache_data(show_spinner=False, max_entries=16)
def _tornado(url: str, snapshot: SnapshotKey, request: PlanRequest, plan_key: str) -> list[TornadoBar]:
    """``tornado``, cached in this process on ``plan_key``."""
    return compute_tornado(engine_for(url), request, today=today(), inputs=plans.estate_inputs(url, snapshot))


_PRELOADED: set[tuple[str, SnapshotKey]] = set()
_PRELOAD_LOCK = threading.Lock()


def preload(url: str, snapshot: SnapshotKey) -> None:
    """Load what Consolidation and Finances need (the optimizer's tables, the VMs) on a background
    thread, once per snapshot: the first screen does not wait for them, the next page finds them cached."""
    with _PRELOAD_LOCK:
        if (url, snapshot) in _PRELOADED:
            return
        _PRELOADED.add((url, snapshot))

    def load() -> None:
        plans.estate_inputs(url, snapshot)
        load_vms(url, snapshot)

    threading.Thread(target=load, name="dashboard-preload", daemon=True).start()
