"""Embodied (manufacturing) carbon of servers from Boavizta's open reference data (boaviztapi, offline).

Boavizta matches CPU names poorly (docs/assumptions.md), so the configuration is passed as counts: sockets,
cores per socket, memory. Its figures have no PUE and cover manufacturing only (no end of life).
The SQL that stores them is inventory's (``inventory.catalogue.fill_missing_footprints``).
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session

    from inventory.models import HostModel

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


def offer_footprint(offer: "HostModel") -> float:
    """Boavizta's embodied kgCO2e of a catalogue offer, from its sockets, cores and memory."""
    return embodied_footprint(
        n_sockets=offer.n_sockets, n_cores_per_socket=offer.n_cores_per_socket, memory_gib=offer.memory_mib / 1024
    ).value_kgco2e


def fill_offer_footprints(session: "Session") -> int:
    """Set the embodied carbon of catalogue offers that have none (Boavizta); returns how many were filled."""
    from inventory.catalogue import fill_missing_footprints

    return fill_missing_footprints(session, footprint=offer_footprint)
