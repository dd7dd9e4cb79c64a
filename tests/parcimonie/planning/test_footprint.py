"""Embodied carbon from Boavizta's data, and the catalogue filled with it."""

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from inventory import HostModel, ensure_default_catalogue, session_scope
from inventory.catalogue import fill_missing_footprints
from parcimonie.planning.footprint import embodied_footprint, fill_offer_footprints, offer_footprint


def test_more_memory_and_cores_weigh_more() -> None:
    small = embodied_footprint(n_sockets=2, n_cores_per_socket=12, memory_gib=256)
    large = embodied_footprint(n_sockets=2, n_cores_per_socket=32, memory_gib=1024)
    assert 500 < small.value_kgco2e < 2_000  # Boavizta (docs/assumptions.md): ~0.94 t for a 2×E5-2650 server
    assert large.value_kgco2e > small.value_kgco2e
    assert large.min_kgco2e <= large.value_kgco2e <= large.max_kgco2e


def test_bad_configuration() -> None:
    with pytest.raises(ValueError, match="0 sockets"):
        embodied_footprint(n_sockets=0, n_cores_per_socket=8, memory_gib=64)


def test_catalogue_gets_footprints_once(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
        assert fill_offer_footprints(session) == 3
    with session_scope(sqlite_engine) as session:
        assert fill_offer_footprints(session) == 0
    with Session(sqlite_engine) as session:
        assert all(m.embodied_kgco2e and m.embodied_kgco2e > 500 for m in session.scalars(select(HostModel)))


def test_fill_missing_footprints_keeps_known_values(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        ensure_default_catalogue(session)
        first = session.scalars(select(HostModel).order_by(col(HostModel.name))).first()
        assert first is not None
        first.embodied_kgco2e = 1234.0
        session.add(first)
        session.flush()
        assert fill_missing_footprints(session, footprint=lambda offer: float(offer.n_sockets)) == 2
    with Session(sqlite_engine) as session:
        values = {m.name: m.embodied_kgco2e for m in session.scalars(select(HostModel))}
    assert sorted(values.values()) == [1.0, 2.0, 1234.0]


def test_offer_footprint_is_boaviztas_value() -> None:
    offer = HostModel(name="x", n_sockets=2, n_cores_per_socket=12, memory_mib=256 * 1024)
    expected = embodied_footprint(n_sockets=2, n_cores_per_socket=12, memory_gib=256).value_kgco2e
    assert offer_footprint(offer) == expected
