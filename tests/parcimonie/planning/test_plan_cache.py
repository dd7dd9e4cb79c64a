"""The recommended plan kept in the inventory: computed once per snapshot and assumption set, read back
identical, never read for another snapshot, recomputed for other assumptions or offers."""

import dataclasses
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from collectors.demo import generate_demo_estate
from inventory import add_offer, ensure_default_catalogue, list_offers, record_run, session_scope
from parcimonie.planning import PlanRequest, load_estate, run_plan
from parcimonie.planning.plan_cache import (
    RECOMMENDED,
    cached_plan,
    compute_plan,
    current_cost,
    request_key,
    stored_current_cost,
    stored_or_computed,
    summary_of,
    warm,
)
from tests.conftest import TODAY


@pytest.fixture
def demo_engine(sqlite_engine: Engine) -> Engine:
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
    record_run(sqlite_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=300, today=TODAY))
    return sqlite_engine


def test_warm_stores_the_plan_and_its_tornado_as_computed(demo_engine: Engine) -> None:
    assert warm(demo_engine, today=TODAY)
    assert not warm(demo_engine, today=TODAY)  # stored: nothing to do
    with Session(demo_engine) as session:
        cached = cached_plan(session, RECOMMENDED, today=TODAY)
        inputs = load_estate(session)
    assert cached is not None and cached.document is not None and cached.with_tornado
    with Session(demo_engine) as session:
        assert stored_current_cost(session, today=TODAY) == current_cost(inputs, today=TODAY)
    expected = run_plan(inputs, dataclasses.replace(RECOMMENDED, with_sensitivity=True), today=TODAY).document()
    assert cached.document.tornado and cached.document.tornado == expected.tornado
    assert cached.document.saving_without_licences_eur == expected.saving_without_licences_eur
    plain = run_plan(inputs, RECOMMENDED, today=TODAY).document()
    assert summary_of(cached.document).model_dump(mode="json") == summary_of(plain).model_dump(mode="json")


def test_a_new_snapshot_is_never_served_the_old_plan(demo_engine: Engine) -> None:
    assert warm(demo_engine, today=TODAY, with_tornado=False)
    record_run(
        demo_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=200, seed=7, today=TODAY)
    )
    with Session(demo_engine) as session:
        assert cached_plan(session, RECOMMENDED, today=TODAY) is None
        inputs = load_estate(session)
    fresh = stored_or_computed(demo_engine, RECOMMENDED, today=TODAY, inputs=lambda: inputs)
    assert fresh.snapshot_key == inputs.snapshot_key and fresh.estate.n_vms == inputs.vms.n_vms


def test_the_key_follows_assumptions_offers_and_year(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        key = request_key(session, RECOMMENDED, today=TODAY)
        assert key == request_key(session, dataclasses.replace(RECOMMENDED, with_sensitivity=True), today=TODAY)
        assert key != request_key(session, dataclasses.replace(RECOMMENDED, overrides={"pue": 1.4}), today=TODAY)
        assert key != request_key(session, RECOMMENDED, today=date(TODAY.year + 1, 1, 5))
        offer = list_offers(session)[0]
        add_offer(session, offer.model_copy(update={"id": None, "name": "Copie", "price_eur_ttc": 1.0}))
        session.commit()
        assert key != request_key(session, RECOMMENDED, today=TODAY)


def test_nothing_to_warm_on_an_empty_inventory(sqlite_engine: Engine) -> None:
    assert not warm(sqlite_engine, today=TODAY)
    with Session(sqlite_engine) as session:
        assert cached_plan(session, PlanRequest(), today=TODAY) is None


def test_a_reader_waits_for_the_plan_another_process_computes(demo_engine: Engine) -> None:
    """While the warm-up computes, the dashboard waits for its plan ("calcul en cours"), computing nothing."""
    import threading

    from inventory import claim_plan
    from parcimonie.planning.estate_inputs import snapshot_key

    with Session(demo_engine) as session:
        key = request_key(session, RECOMMENDED, today=TODAY)
        assert claim_plan(session, snapshot_key=snapshot_key(session), request_key=key)
    with Session(demo_engine) as session:
        inputs = load_estate(session)
    worker = threading.Timer(
        1.0, lambda: compute_plan(demo_engine, RECOMMENDED, today=TODAY, inputs=inputs, with_tornado=False)
    )
    worker.start()  # the process holding the claim stores the plan a second later

    def no_inputs() -> None:
        raise AssertionError("the reader computed the plan itself")

    document = stored_or_computed(demo_engine, RECOMMENDED, today=TODAY, inputs=no_inputs, wait_s=60)  # type: ignore[arg-type]
    worker.join()
    assert document.replacement is not None


def test_a_stopping_process_releases_its_unfinished_claim(demo_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`parcimonie dashboard` stopping mid warm-up: readers then compute the plan rather than wait."""
    from parcimonie.planning import PlanError
    from parcimonie.planning.plan_cache import release_claims

    seen: list[bool] = []

    def stopped_meanwhile(*_args: object, **_kwargs: object) -> None:
        with Session(demo_engine) as session:
            seen.append(cached_plan(session, RECOMMENDED, today=TODAY) is not None)  # claimed: "calcul en cours"
        assert release_claims(demo_engine) == 1
        with Session(demo_engine) as session:
            seen.append(cached_plan(session, RECOMMENDED, today=TODAY) is not None)
        raise PlanError("error.empty_inventory")

    monkeypatch.setattr("parcimonie.planning.plan_cache.run_plan", stopped_meanwhile)
    assert not warm(demo_engine, today=TODAY)
    assert seen == [True, False]
    assert release_claims(demo_engine) == 0


def test_tables_read_before_a_collection_are_never_stored_as_its_plan(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        old_inputs = load_estate(session)
    record_run(
        demo_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=200, seed=7, today=TODAY)
    )
    document = compute_plan(demo_engine, RECOMMENDED, today=TODAY, inputs=old_inputs, with_tornado=True)
    assert document.snapshot_key == old_inputs.snapshot_key  # computed for the caller, on what it read
    with Session(demo_engine) as session:
        assert cached_plan(session, RECOMMENDED, today=TODAY) is None  # but not kept for the new snapshot


def test_the_quick_reads_agree_with_the_stored_plan(demo_engine: Engine) -> None:
    """``plan_is_stored`` and ``stored_bars`` (no validation of the plan) say what ``cached_plan`` says."""
    from parcimonie.planning.plan_cache import plan_is_stored, stored_bars

    def reads() -> tuple[bool, object, object]:
        with Session(demo_engine) as session:
            cached = cached_plan(session, RECOMMENDED, today=TODAY)
            stored = plan_is_stored(session, RECOMMENDED, today=TODAY)
            bars = stored_bars(session, RECOMMENDED, today=TODAY)
        assert stored == (cached is not None and cached.document is not None)
        return stored, bars, cached

    assert reads()[:2] == (False, None)
    assert warm(demo_engine, today=TODAY, with_tornado=False)
    assert reads()[:2] == (True, None)  # stored without its tornado
    assert warm(demo_engine, today=TODAY)
    stored, bars, cached = reads()
    assert stored and bars and bars == cached.document.tornado  # type: ignore[union-attr]
    record_run(
        demo_engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=200, seed=7, today=TODAY)
    )
    assert reads()[:2] == (False, None)  # never another snapshot's


def test_the_stored_summary_leaves_the_migration_list_out_but_counts_it(demo_engine: Engine) -> None:
    assert warm(demo_engine, today=TODAY, with_tornado=False)
    with Session(demo_engine) as session:
        cached = cached_plan(session, RECOMMENDED, today=TODAY)
        inputs = load_estate(session)
    full = run_plan(inputs, RECOMMENDED, today=TODAY).document()
    assert cached is not None and cached.document is not None
    assert full.consolidation.migrations and cached.document.consolidation.migrations == []
    assert cached.document.consolidation.n_migrations == full.consolidation.n_migrations > 0
