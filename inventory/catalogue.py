"""The default catalogue of server offers (HostModel rows) that plans can buy.

Typical 2026 configurations for a French authority buying through a framework contract, EUR TTC.
Power is the vendors' rated idle/maximum for the configuration; embodied carbon is left empty here
and filled when the catalogue is seeded (``fill_missing_footprints``, given Boavizta's figures by
``parcimonie.planning.footprint``).
Every row is editable by the user; nothing here is a quote.
"""

import logging
import math
import numbers
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from inventory.limits import LIMITS, MAX_EUR, MAX_WARRANTY_YEARS, Range
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


class OfferError(ValueError):
    """An offer refused: ``field`` names the offending field (a ``HostModel`` column)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} : {message}")
        self.field = field


#: What an offer accepts, field by field (bounds included), from the inventory's ranges; sizes
#: (sockets, cores, MHz, memory, performance, rack units) must be above zero for a server one buys.
OFFER_RANGES: dict[str, Range] = {
    "n_sockets": LIMITS["n_sockets"],
    "n_cores_per_socket": LIMITS["n_cores_per_socket"],
    "cpu_mhz": LIMITS["cpu_mhz"],
    "memory_mib": LIMITS["memory_mib"],
    "perf_per_core": LIMITS["perf_per_core"],
    "price_eur": Range("price_eur", "€ TTC", 0, MAX_EUR),
    "install_eur": Range("install_eur", "€ TTC", 0, MAX_EUR),
    "power_idle_w": LIMITS["power_idle_w"],
    "power_max_w": LIMITS["power_max_w"],
    "embodied_kgco2e": Range("embodied_kgco2e", "kgCO2e", 0, 100_000),
    "warranty_years": Range("warranty_years", "ans", 0, MAX_WARRANTY_YEARS),
    "maintenance_eur_per_year": Range("maintenance_eur_per_year", "€ TTC par an", 0, MAX_EUR),
    "rack_units": LIMITS["rack_units"],
}
_POSITIVE = frozenset({"n_sockets", "n_cores_per_socket", "cpu_mhz", "memory_mib", "perf_per_core", "rack_units"})
_INTEGERS = frozenset({"n_sockets", "n_cores_per_socket", "warranty_years", "rack_units"})
_NAME_LENGTH = 200


def _bound(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ") if float(value).is_integer() else f"{value:g}"


def _number_problem(field: str, value: Any) -> str | None:
    if value is None:
        return None if field in ("embodied_kgco2e", "maintenance_eur_per_year") else "valeur requise"
    limit = OFFER_RANGES[field]
    low = "plus de 0" if field in _POSITIVE else f"de {_bound(limit.min)}"
    kind = "entier" if field in _INTEGERS else "nombre"
    expected = f"attendu : {kind} {low} à {_bound(limit.max)} {limit.unit}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return f"{value!r} : {expected}"
    number = float(value)
    if not math.isfinite(number) or not limit.min <= number <= limit.max:
        return f"{value:g} : {expected}"
    if field in _POSITIVE and number <= 0:
        return f"{value:g} : {expected}"
    if field in _INTEGERS and not number.is_integer():
        return f"{value:g} : {expected}"
    return None


def _control_character(text: str) -> str | None:
    """The first control character of ``text`` (C0, DEL, C1: escape sequences, line feeds…) as U+XXXX, or None."""
    found = next((c for c in text if ord(c) < 32 or 127 <= ord(c) < 160), None)
    return None if found is None else f"U+{ord(found):04X}"


def check_offer(offer: HostModel) -> None:
    """Refuse an impossible offer (``OfferError`` naming the first bad field): name, sizes, money, power."""
    name = (offer.name or "").strip()
    if not name or len(name) > _NAME_LENGTH:
        raise OfferError("name", f"nom vide, trop long (plus de {_NAME_LENGTH} caractères) ou invalide")
    for text_field in ("name", "vendor", "cpu_model"):
        value = getattr(offer, text_field)
        if value is not None and (char := _control_character(value)) is not None:
            raise OfferError(text_field, f"caractère de contrôle interdit ({char})")
        if value is not None and len(value) > _NAME_LENGTH:
            raise OfferError(text_field, f"texte trop long (plus de {_NAME_LENGTH} caractères) ou invalide")
    for field in OFFER_RANGES:
        problem = _number_problem(field, getattr(offer, field))
        if problem:
            raise OfferError(field, problem)
    if offer.power_max_w < offer.power_idle_w:
        raise OfferError(
            "power_max_w",
            f"puissance maximale ({offer.power_max_w:g} W) inférieure à la puissance au repos "
            f"({offer.power_idle_w:g} W)",
        )


def add_offer(session: Session, offer: HostModel, *, replace: bool = False) -> HostModel:
    """Add ``offer`` to the catalogue (checked by ``check_offer``); returns the stored row.

    A name already in the catalogue is refused (``OfferError`` on ``name``) unless ``replace``: the
    existing row then takes the new figures (its embodied footprint too, None to estimate it again).
    """
    check_offer(offer)
    name = offer.name.strip()
    existing = session.scalars(select(HostModel).where(col(HostModel.name) == name)).first()
    if existing is None:
        row = HostModel.model_validate(offer.model_dump(exclude={"id"}) | {"name": name})
    elif replace:
        row = existing
        for field, value in offer.model_dump(exclude={"id", "name"}).items():
            setattr(row, field, value)
    else:
        raise OfferError("name", f"l'offre « {name} » existe déjà dans le catalogue")
    session.add(row)
    session.flush()
    return row


def remove_offer(session: Session, name: str) -> bool:
    """Remove the offer ``name`` from the catalogue; False when there is none of that name.

    Saved scenarios keep their plans (they store the offer's name and figures, not a reference).
    """
    result = session.execute(delete(HostModel).where(col(HostModel.name) == name.strip()))
    return bool(getattr(result, "rowcount", 0))


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
