"""The recommended plan computed once per snapshot and assumption set, kept in the inventory.

The dashboard's first screen shows the recommended plan; at 50 000 VMs it takes seconds to compute
and its tornado tens of seconds. So it is computed where the work happens anyway — after a
collection, an import, the demo, the nightly run, and in the background when the dashboard starts —
and stored (``inventory.plan_cache``) with a key made of the snapshot (latest successful run) and a
stable hash of the request, its assumptions and the offer catalogue. Readers never see a plan of
another snapshot. A process finding the plan being computed elsewhere waits for it.
"""

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from inventory import claim_plan, read_plan, release_plan, store_plan, store_tornado
from inventory.estate_rows import latest_success
from parcimonie.planning.document import PLAN_FORMAT, PlanDocument, TornadoBar
from parcimonie.planning.estate_inputs import EstateInputs, load_estate, load_offers, snapshot_key
from parcimonie.planning.sensitivity import saving_without_licences_eur, tornado
from parcimonie.planning.service import (
    PlanError,
    PlanOutcome,
    PlanRequest,
    build_assumptions,
    estate_cost,
    run_plan,
)

#: The first screen's plan: default policy and assumptions, every offer, the fast packing.
RECOMMENDED = PlanRequest(method="heuristic")
WAIT_S = 180.0  # how long a reader waits for a plan another process is computing
POLL_S = 0.5
#: Claims this process holds (snapshot, request): released by ``release_claims`` when it stops.
_HELD: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class CachedPlan:
    """A stored plan (None while another process computes it) and whether its tornado is stored."""

    document: PlanDocument | None
    with_tornado: bool
    computing: bool


@dataclass(frozen=True)
class CurrentCost:
    """What the estate costs to run as it stands, in ``year``, the budget's first (EUR TTC, kWh).

    Operating cost only (energy, support, licences, staff, rack): no purchase, no depreciation.
    """

    opex_eur_per_year: float
    energy_kwh_per_year: float
    year: int


def current_cost(inputs: EstateInputs, *, today: date) -> CurrentCost:
    """The estate kept as it is, first budget year, default assumptions (``estate_cost``)."""
    keep = estate_cost(inputs, PlanRequest(), today=today)
    return CurrentCost(
        opex_eur_per_year=float(keep.opex_eur[0]), energy_kwh_per_year=float(keep.energy_kwh[0]), year=today.year + 1
    )  # planning's default start: next calendar year


def _cost_key(session: Session, *, today: date) -> str:
    return "current-cost:" + request_key(session, PlanRequest(), today=today)[:64]


def stored_current_cost(session: Session, *, today: date) -> CurrentCost | None:
    """The current cost stored for the current snapshot and today's default assumptions, if any."""
    stored = read_plan(session, snapshot_key=snapshot_key(session), request_key=_cost_key(session, today=today))
    if stored is None or stored.summary is None:
        return None
    try:
        return CurrentCost(**stored.summary)
    except TypeError:  # written by another version
        return None


def store_current_cost(session: Session, cost: CurrentCost, *, today: date) -> None:
    """Keep ``cost`` beside the plans of the current snapshot (the overview's first figures)."""
    key = _cost_key(session, today=today)
    store_plan(session, snapshot_key=snapshot_key(session), request_key=key, summary=dataclasses.asdict(cost))
    session.commit()


def request_key(session: Session, request: PlanRequest, *, today: date) -> str:
    """A stable hash of what decides a plan besides the inventory: request, assumptions, offers, format.

    Raises ``PlanError`` for assumptions the optimizer refuses.
    """
    payload = {
        "format": PLAN_FORMAT,
        "request": dataclasses.asdict(dataclasses.replace(request, with_sensitivity=False)),
        "assumptions": build_assumptions(request, today=today).to_dict(),
        "offers": [dataclasses.asdict(offer) for offer in load_offers(session)],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def summary_of(document: PlanDocument) -> PlanDocument:
    """``document`` without its placement list, its migration list nor its tornado: what the first
    screen reads (``n_migrations`` stays; the two lists are 4,5 of the 6 MB of a 50 000-VM plan)."""
    consolidation = document.consolidation.model_copy(update={"placement": [], "migrations": []})
    return document.model_copy(
        update={"consolidation": consolidation, "tornado": [], "saving_without_licences_eur": None}
    )


def with_bars(document: PlanDocument, bars: list[TornadoBar]) -> PlanDocument:
    """``document`` with its tornado and its saving without licences (as ``with_sensitivity`` sets them)."""
    if document.replacement is None:
        return document
    return document.model_copy(
        update={"tornado": bars, "saving_without_licences_eur": saving_without_licences_eur(document.replacement)}
    )


def cached_plan(session: Session, request: PlanRequest, *, today: date) -> CachedPlan | None:
    """The stored plan of ``request`` on the current snapshot; None when there is none to read or wait for."""
    current = snapshot_key(session)
    stored = read_plan(session, snapshot_key=current, request_key=request_key(session, request, today=today))
    if stored is None:
        return None
    if stored.summary is None:
        return CachedPlan(document=None, with_tornado=False, computing=True)
    try:
        document = PlanDocument.model_validate(stored.summary)
        bars = [TornadoBar.model_validate(bar) for bar in stored.tornado or []]
    except ValidationError:  # written by another version: computed again
        return None
    if document.snapshot_key != current:
        return None
    if stored.tornado is not None:
        document = with_bars(document, bars)
    return CachedPlan(document=document, with_tornado=stored.tornado is not None, computing=False)


def plan_is_stored(session: Session, request: PlanRequest, *, today: date) -> bool:
    """Whether the plan of ``request`` is stored for the current snapshot, read but not validated.

    A quick check for a page deciding whether to show "calcul en cours": the document itself is
    validated once, by ``cached_plan``, when it is read (a row of another format has another key).
    """
    current = snapshot_key(session)
    stored = read_plan(session, snapshot_key=current, request_key=request_key(session, request, today=today))
    return stored is not None and stored.summary is not None and stored.summary.get("snapshot_key") == current


def stored_bars(session: Session, request: PlanRequest, *, today: date) -> list[TornadoBar] | None:
    """The tornado stored with the plan of ``request`` on the current snapshot, without reading the plan
    itself; None when there is none (or it was written by another version)."""
    current = snapshot_key(session)
    stored = read_plan(session, snapshot_key=current, request_key=request_key(session, request, today=today))
    if stored is None or stored.summary is None or stored.tornado is None:
        return None
    if stored.summary.get("snapshot_key") != current:
        return None
    if stored.summary.get("replacement") is None:  # as ``with_bars``: no replacement plan, no bars
        return []
    try:
        return [TornadoBar.model_validate(bar) for bar in stored.tornado]
    except ValidationError:
        return None


def _rerun(outcome: PlanOutcome) -> Callable[[EstateInputs, PlanRequest], PlanOutcome]:
    """The tornado's reruns, on the year the plan was computed for (as ``PlanOutcome.document``)."""
    day = date(outcome.assumptions.reference_year, 1, 1)
    return lambda inputs, request: run_plan(inputs, request, today=day)


def compute_plan(
    engine: Engine, request: PlanRequest, *, today: date, inputs: EstateInputs, with_tornado: bool
) -> PlanDocument:
    """Compute the plan of ``request`` and store its summary (then its tornado when asked); returns it.

    The summary is committed before the tornado is computed, so readers get the figures first.
    Raises ``PlanError`` for a request that cannot be met (nothing stored then).
    """
    with Session(engine) as session:
        current, key = snapshot_key(session), request_key(session, request, today=today)
        inputs = dataclasses.replace(inputs, offers=load_offers(session))  # the catalogue the key says
        if inputs.snapshot_key != current:  # a collection landed since the tables were read: not stored
            return summary_of(run_plan(inputs, request, today=today).document())
        claimed = claim_plan(session, snapshot_key=current, request_key=key)
        if claimed:
            _HELD.add((current, key))
        try:
            outcome = run_plan(inputs, request, today=today)
            summary = summary_of(outcome.document())
            store_plan(session, snapshot_key=current, request_key=key, summary=summary.model_dump(mode="json"))
            session.commit()
        except BaseException:
            session.rollback()
            if claimed:
                release_plan(session, snapshot_key=current, request_key=key)
                session.commit()
            raise
        finally:
            _HELD.discard((current, key))
        if not with_tornado:
            return summary
        bars = tornado(outcome, _rerun(outcome))
        store_tornado(session, snapshot_key=current, request_key=key, tornado=[b.model_dump(mode="json") for b in bars])
        session.commit()
        return with_bars(summary, bars)


def release_claims(engine: Engine) -> int:
    """Give up the computations this process claimed and has not finished (it is stopping): readers
    then compute the plan themselves rather than wait for it. Returns how many were released."""
    held = list(_HELD)
    with Session(engine) as session:
        for current, key in held:
            release_plan(session, snapshot_key=current, request_key=key)
        session.commit()
    return len(held)


def compute_tornado(engine: Engine, request: PlanRequest, *, today: date, inputs: EstateInputs) -> list[TornadoBar]:
    """The tornado of ``request``'s plan, stored beside its summary when that is stored."""
    with Session(engine) as session:
        current, key = snapshot_key(session), request_key(session, request, today=today)
        inputs = dataclasses.replace(inputs, offers=load_offers(session))  # the catalogue the key says
        outcome = run_plan(inputs, request, today=today)
        bars = tornado(outcome, _rerun(outcome))
        if inputs.snapshot_key != current:  # a collection landed since the tables were read: not stored
            return bars
        store_tornado(session, snapshot_key=current, request_key=key, tornado=[b.model_dump(mode="json") for b in bars])
        session.commit()
    return bars


def stored_or_computed(
    engine: Engine,
    request: PlanRequest,
    *,
    today: date,
    inputs: Callable[[], EstateInputs],
    wait_s: float = WAIT_S,
) -> PlanDocument:
    """The stored plan of ``request``; waits while another process computes it; else computes and stores it.

    Raises ``PlanError`` for a request that cannot be met.
    """
    deadline = time.monotonic() + wait_s
    while True:
        with Session(engine) as session:
            cached = cached_plan(session, request, today=today)
        if cached is not None and cached.document is not None:
            return cached.document
        if cached is None or time.monotonic() > deadline:
            return compute_plan(engine, request, today=today, inputs=inputs(), with_tornado=False)
        time.sleep(POLL_S)


def warm(engine: Engine, *, today: date | None = None, with_tornado: bool = True) -> bool:
    """Compute and store the recommended plan (and its tornado) unless it is stored or being computed.

    True when it computed something; False when there was nothing to do, no inventory, or the plan is refused
    (an empty estate: the first screen says why itself).
    """
    day = today or date.today()
    with Session(engine) as session:
        if latest_success(session)[0] is None:
            return False
        cached = cached_plan(session, RECOMMENDED, today=day)
        if cached is not None and (cached.computing or cached.with_tornado or not with_tornado):
            return False
        inputs = load_estate(session)
        if stored_current_cost(session, today=day) is None:
            try:
                store_current_cost(session, current_cost(inputs, today=day), today=day)
            except PlanError:
                pass  # nothing to cost: the plan below is refused too
    try:
        if cached is None:
            compute_plan(engine, RECOMMENDED, today=day, inputs=inputs, with_tornado=with_tornado)
        else:  # stored by a reader that did not wait for the tornado
            compute_tornado(engine, RECOMMENDED, today=day, inputs=inputs)
    except PlanError:
        return False
    return True
