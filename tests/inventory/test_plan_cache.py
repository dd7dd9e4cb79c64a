"""The plan cache: stored and read back per snapshot and request, claims, pruning (SQLite and PostgreSQL)."""

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from inventory import claim_plan, read_plan, release_plan, store_plan, store_tornado, utcnow
from inventory.plan_cache import STALE_CLAIM

SUMMARY = {"format": 2, "snapshot_key": "7@2026-11-30T12:00:00+00:00", "figures": [1.5, 2]}
BARS = [{"name": "pue", "swing_eur": 1234.56}]


def test_round_trip(engine: Engine) -> None:
    with Session(engine) as session:
        assert read_plan(session, snapshot_key="7@a", request_key="r1") is None
        store_plan(session, snapshot_key="7@a", request_key="r1", summary=SUMMARY)
        session.commit()
    with Session(engine) as session:
        stored = read_plan(session, snapshot_key="7@a", request_key="r1")
        assert stored is not None and stored.summary == SUMMARY and stored.tornado is None and not stored.computing
        assert read_plan(session, snapshot_key="7@a", request_key="r2") is None
        assert store_tornado(session, snapshot_key="7@a", request_key="r1", tornado=BARS)
        assert not store_tornado(session, snapshot_key="7@a", request_key="r2", tornado=BARS)
        session.commit()
    with Session(engine) as session:
        stored = read_plan(session, snapshot_key="7@a", request_key="r1")
        assert stored is not None and stored.tornado == BARS


def test_another_snapshot_is_never_read_and_is_pruned(engine: Engine) -> None:
    with Session(engine) as session:
        store_plan(session, snapshot_key="7@a", request_key="r1", summary=SUMMARY)
        session.commit()
        assert read_plan(session, snapshot_key="8@b", request_key="r1") is None
        store_plan(session, snapshot_key="8@b", request_key="r1", summary=SUMMARY, tornado=BARS)
        session.commit()
    with Session(engine) as session:
        assert read_plan(session, snapshot_key="7@a", request_key="r1") is None
        stored = read_plan(session, snapshot_key="8@b", request_key="r1")
        assert stored is not None and stored.tornado == BARS


def test_a_claim_makes_others_wait_until_stored_released_or_stale(engine: Engine) -> None:
    with Session(engine) as session:
        assert claim_plan(session, snapshot_key="7@a", request_key="r1")
    with Session(engine) as session:  # another process
        assert not claim_plan(session, snapshot_key="7@a", request_key="r1")
        stored = read_plan(session, snapshot_key="7@a", request_key="r1")
        assert stored is not None and stored.computing and stored.summary is None
        later = utcnow() + STALE_CLAIM + timedelta(seconds=1)
        assert read_plan(session, snapshot_key="7@a", request_key="r1", now=later) is None
        assert claim_plan(session, snapshot_key="7@a", request_key="r1", now=later)  # its owner died
        release_plan(session, snapshot_key="7@a", request_key="r1")
        session.commit()
        assert read_plan(session, snapshot_key="7@a", request_key="r1") is None
        assert claim_plan(session, snapshot_key="7@a", request_key="r1")
        store_plan(session, snapshot_key="7@a", request_key="r1", summary=SUMMARY)
        session.commit()
        assert not claim_plan(session, snapshot_key="7@a", request_key="r1")
        stored = read_plan(session, snapshot_key="7@a", request_key="r1")
        assert stored is not None and not stored.computing and stored.summary == SUMMARY
