"""What an imported cell may hold: one table of ranges, one table of text lengths.

Trusted systems refuse what they cannot store faithfully: a value outside its range is refused at
parse time with the value, the range and the cell (file, sheet, line, column), never clamped,
never stored as NULL. The ranges are listed in ``docs/collectors.md`` (a test compares them).

Numbers are checked in the unit the inventory stores (after conversion: RVTools' MiB of disk
become GiB). Dates are checked against today: a purchase at the latest next year, never before
1990. Text cells hold no control character (NUL, line feed, tab…) and fit the column of the
inventory that stores them (``inventory/models.py``).
"""

from dataclasses import dataclass
from datetime import date

#: 64 Tio in MiB: beyond what any vSphere host or VM can hold (24 Tio in vSphere 8).
MAX_MEMORY_MIB = 64 * 1024 * 1024
#: Storage sizes up to 1 Eio in GiB.
MAX_STORAGE_GIB = 1024.0**3
#: Euros: no single server or yearly support contract of a local authority costs more.
MAX_EUR = 10_000_000.0


@dataclass(frozen=True)
class Range:
    """The values a numeric field may take, inclusive, in the unit the inventory stores."""

    field: str
    label: str
    unit: str
    minimum: float
    maximum: float


RANGES: dict[str, Range] = {
    r.field: r
    for r in (
        Range("n_vcpus", "vCPU d'une VM", "vCPU", 1, 4096),
        Range("memory_mib", "mémoire d'une VM ou d'un hôte", "Mio", 0, MAX_MEMORY_MIB),
        Range("n_sockets", "processeurs (sockets) d'un hôte", "sockets", 0, 64),
        Range("n_cores_per_socket", "cœurs par processeur", "cœurs", 0, 1024),
        Range("n_cores", "cœurs d'un hôte", "cœurs", 0, 65536),
        Range("cpu_mhz", "fréquence d'un cœur", "MHz", 0, 10_000),
        Range("storage_provisioned_gib", "stockage provisionné", "Gio", 0, MAX_STORAGE_GIB),
        Range("storage_used_gib", "stockage utilisé", "Gio", 0, MAX_STORAGE_GIB),
        Range("capacity_gib", "capacité d'un datastore", "Gio", 0, MAX_STORAGE_GIB),
        Range("free_gib", "espace libre d'un datastore", "Gio", 0, MAX_STORAGE_GIB),
        Range("ha_failover_level", "pannes d'hôtes tolérées (HA)", "hôtes", 0, 64),
        Range("purchase_price_eur", "prix d'achat", "€", 0, MAX_EUR),
        Range("support_cost_eur_per_year", "coût de maintenance annuel", "€/an", 0, MAX_EUR),
        Range("power_idle_w", "puissance au repos", "W", 0, 100_000),
        Range("power_max_w", "puissance maximale", "W", 0, 100_000),
        Range("rack_units", "hauteur en baie", "U", 0, 100),
        Range("warranty_months", "durée de garantie", "mois", 0, 360),
    )
}

#: Earliest date an imported purchase or warranty may carry.
MIN_DATE = date(1990, 1, 1)
#: Years after today a warranty end may reach (30 years of warranty on a purchase made next year).
WARRANTY_YEARS = 31


def date_bounds(field: str, today: date | None = None) -> tuple[date, date] | None:
    """Inclusive bounds of a date field, None if unbounded: purchases and warranty starts at the
    latest on 31 December of next year, warranty ends up to 30 years later; none before 1990."""
    year = (today or date.today()).year
    if field in ("purchase_date", "warranty_start"):
        return MIN_DATE, date(year + 1, 12, 31)
    if field == "warranty_end":
        return MIN_DATE, date(year + WARRANTY_YEARS, 12, 31)
    return None


#: Longest text a column of the inventory stores (``max_length`` in ``inventory/models.py``).
#: Identities (external ids, and the names that stand for them) fit 200 characters.
DEFAULT_TEXT_LENGTH = 200
NAME_LENGTH = 255
IDENTITY_LENGTH = 200


def text_problem(text: str, max_length: int) -> str | None:
    """Why a text cell cannot be stored faithfully (control character, too long), or None."""
    for char in text:
        if ord(char) < 32 or 127 <= ord(char) < 160:
            return f"caractère de contrôle interdit (U+{ord(char):04X}) dans '{preview(text)}'"
    if len(text) > max_length:
        return f"texte de {len(text)} caractères, {max_length} au plus : '{preview(text)}'"
    return None


def preview(value: object, limit: int = 40) -> str:
    """A cell shown in a message: at most ``limit`` characters, control characters as '?'."""
    text = str(value)
    shown = "".join(c if ord(c) >= 32 and not 127 <= ord(c) < 160 else "?" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")
