"""The default catalogue of server offers (HostModel rows) that plans can buy.

Typical 2026 configurations for a French authority buying through a framework contract, EUR TTC.
Power is the vendors' rated idle/maximum for the configuration; embodied carbon is left empty here
and filled when the catalogue is seeded (``fill_missing_footprints``, given Boavizta's figures by
``parcimonie.planning.footprint``).
Every row is editable by the user; nothing here is a quote.
"""

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlmodel import Session, col

from inventory.models import HostModel

logger = logging.getLogger(__name__)

DEFAULT_OFFERS: tuple[HostModel, ...] = (
    HostModel(
        name="2U 2×32c 1 To (Xeon Gold 6430)",
        vendor="Dell Inc.",
        cpu_model="Intel Xeon Gold 6430",
        n_sockets=2,
        n_cores_per_socket=32,
        cpu_mhz=2100,
        memory_mib=1024 * 1024,
        perf_per_core=1.0,
        price_eur=24_000,
        install_eur=1_200,
        power_idle_w=190,
        power_max_w=780,
        embodied_kgco2e=None,
        warranty_years=5,
        rack_units=2,
    ),
    HostModel(
        name="1U 2×20c 512 Go (Xeon Silver 4416+)",
        vendor="HPE",
        cpu_model="Intel Xeon Silver 4416+",
        n_sockets=2,
        n_cores_per_socket=20,
        cpu_mhz=2000,
        memory_mib=512 * 1024,
        perf_per_core=0.92,
        price_eur=13_500,
        install_eur=1_000,
        power_idle_w=140,
        power_max_w=520,
        embodied_kgco2e=None,
        warranty_years=5,
        rack_units=1,
    ),
    HostModel(
        name="2U 1×64c 1,5 To (EPYC 9534)",
        vendor="Lenovo",
        cpu_model="AMD EPYC 9534",
        n_sockets=1,
        n_cores_per_socket=64,
        cpu_mhz=2450,
        memory_mib=1536 * 1024,
        perf_per_core=1.05,
        price_eur=29_000,
        install_eur=1_200,
        power_idle_w=170,
        power_max_w=720,
        embodied_kgco2e=None,
        warranty_years=5,
        rack_units=2,
    ),
)


def ensure_default_catalogue(session: Session) -> int:
    """Add the default offers missing by name; returns how many were added. Never overwrites."""
    known = set(session.scalars(select(col(HostModel.name))))
    added = 0
    for offer in DEFAULT_OFFERS:
        if offer.name not in known:
            session.add(HostModel.model_validate(offer.model_dump(exclude={"id"})))
            added += 1
    return added


def list_offers(session: Session) -> list[HostModel]:
    """All offers in the catalogue, by name."""
    return list(session.scalars(select(HostModel).order_by(col(HostModel.name))))


def fill_missing_footprints(session: Session, *, footprint: Callable[[HostModel], float]) -> int:
    """Set ``embodied_kgco2e`` of the offers that have none to ``footprint(offer)``; returns how many."""
    filled = 0
    for offer in session.scalars(select(HostModel).where(col(HostModel.embodied_kgco2e).is_(None))):
        offer.embodied_kgco2e = footprint(offer)
        session.add(offer)
        filled += 1
        logger.debug("embodied footprint of %s: %.0f kgCO2e", offer.name, offer.embodied_kgco2e)
    return filled
