"""Embodied (manufacturing) carbon of servers from Boavizta's open reference data (boaviztapi, offline).

Boavizta matches CPU names poorly (docs/assumptions.md), so the configuration is passed as counts: sockets,
cores per socket, memory. Its figures have no PUE and cover manufacturing only (no end of life).
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlmodel import Session

from inventory import HostModel

logger = logging.getLogger(__name__)

ARCHETYPE = "platform_compute_medium"
_RAM_MODULE_GIB = 64


@dataclass(frozen=True)
class EmbodiedFootprint:
    """Manufacturing footprint in kgCO2e, with Boavizta's uncertainty range."""

    value_kgco2e: float
    min_kgco2e: float
    max_kgco2e: float


@lru_cache(maxsize=256)
def embodied_footprint(*, n_sockets: int, n_cores_per_socket: int, memory_gib: float) -> EmbodiedFootprint:
    """Boavizta's embodied GWP of a rack server of this configuration."""
    if n_sockets <= 0 or n_cores_per_socket <= 0 or memory_gib <= 0:
        raise ValueError(
            f"server configuration must be positive: {n_sockets} sockets, "
            f"{n_cores_per_socket} cores per socket, {memory_gib} GiB"
        )
    # Imported here: boaviztapi loads its reference tables at import (about 2 s).
    from boaviztapi.data.archetype import get_server_archetype
    from boaviztapi.dto.device.device import Server, mapper_server
    from boaviztapi.service.impacts_computation import compute_impacts

    modules = max(1, round(memory_gib / _RAM_MODULE_GIB))
    server = Server(
        configuration={
            "cpu": {"units": n_sockets, "core_units": n_cores_per_socket},
            "ram": [{"units": modules, "capacity": _RAM_MODULE_GIB}],
        }
    )
    device = mapper_server(server, archetype=get_server_archetype(ARCHETYPE))
    impacts = compute_impacts(model=device, selected_criteria=["gwp"], duration=device.usage.hours_life_time.value)
    embedded = impacts["gwp"]["embedded"]
    return EmbodiedFootprint(
        value_kgco2e=float(embedded["value"]), min_kgco2e=float(embedded["min"]), max_kgco2e=float(embedded["max"])
    )


def fill_offer_footprints(session: Session) -> int:
    """Set the embodied carbon of catalogue offers that have none; returns how many were filled."""
    filled = 0
    for offer in session.scalars(select(HostModel).where(HostModel.embodied_kgco2e.is_(None))):  # type: ignore[union-attr]
        footprint = embodied_footprint(
            n_sockets=offer.n_sockets,
            n_cores_per_socket=offer.n_cores_per_socket,
            memory_gib=offer.memory_mib / 1024,
        )
        offer.embodied_kgco2e = footprint.value_kgco2e
        session.add(offer)
        filled += 1
        logger.debug("embodied footprint of %s: %.0f kgCO2e (Boavizta)", offer.name, footprint.value_kgco2e)
    return filled
