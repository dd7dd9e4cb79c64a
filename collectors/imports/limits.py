"""What an imported cell may hold: one table of ranges, one table of text lengths.

Trusted systems refuse what they cannot store faithfully: a value outside its range is refused at
parse time with the value, the range and the cell (file, sheet, line, column), never clamped,
never stored as NULL. The ranges of stored fields are the inventory's own (``inventory.limits``), so
an import refuses exactly what the write path would, but names the cell. They are listed in
``docs/collectors.md`` (a test compares them).

Numbers are checked in the unit the inventory stores (after conversion: RVTools' MiB of disk
become GiB). Dates are checked against today: a purchase at the latest next year, never before
1990. Text cells hold no control character (NUL, line feed, tab…) and fit the column of the
inventory that stores them (``inventory/models.py``).
"""

from dataclasses import dataclass
from datetime import date

from inventory.limits import LIMITS as STORED


@dataclass(frozen=True)
class Range:
    """The values a numeric field may take, inclusive, in the unit the inventory stores."""

    field: str
    label: str
    unit: str
    minimum: float
    maximum: float


def _stored(field: str, label: str, unit: str, *, minimum: float | None = None) -> Range:
    """The inventory's own range for ``field`` (``inventory.limits``): the import refuses what the
    write path would, but names the cell; ``minimum`` only ever narrows it."""
    stored = STORED[field]
    return Range(field, label, unit, stored.min if minimum is None else max(minimum, stored.min), stored.max)


RANGES: dict[str, Range] = {
    r.field: r
    for r in (
        _stored("n_vcpus", "vCPU d'une VM", "vCPU", minimum=1),  # a VM has at least one vCPU
        _stored("memory_mib", "mémoire d'une VM ou d'un hôte", "Mio"),
        _stored("n_sockets", "processeurs (sockets) d'un hôte", "sockets"),
        _stored("n_cores_per_socket", "cœurs par processeur", "cœurs"),
        # Import-only: vHost's "# Cores" is split into sockets × cores per socket before it is stored.
        Range("n_cores", "cœurs d'un hôte", "cœurs", 0, STORED["n_sockets"].max * STORED["n_cores_per_socket"].max),
        _stored("cpu_mhz", "fréquence d'un cœur", "MHz"),
        _stored("storage_provisioned_gib", "stockage provisionné", "Gio"),
        _stored("storage_used_gib", "stockage utilisé", "Gio"),
        _stored("capacity_gib", "capacité d'un datastore", "Gio"),
        _stored("free_gib", "espace libre d'un datastore", "Gio"),
        Range(
            "ha_failover_level", "pannes d'hôtes tolérées (HA)", "hôtes", 0, STORED["ha_host_failures_tolerated"].max
        ),
        _stored("purchase_price_eur", "prix d'achat", "€"),
        _stored("support_cost_eur_per_year", "coût de maintenance annuel", "€/an"),
        _stored("power_idle_w", "puissance au repos", "W"),
        _stored("power_max_w", "puissance maximale", "W"),
        _stored("rack_units", "hauteur en baie", "U"),
        # Usage of an RVTools export (vCPU, vMemory, vPartition, vHost): see collectors.imports.rvtools_usage.
        Range("cpu_overall_mhz", "CPU utilisé d'une VM", "MHz", 0, STORED["cpu_usage_p95_mhz"].max),
        Range("cpu_max_mhz", "CPU maximal d'une VM", "MHz", 0, STORED["cpu_usage_p95_mhz"].max),
        Range("cpu_ready_percent", "CPU ready", "%", 0, 100),
        Range("cpu_costop_percent", "co-stop", "%", 0, 100),
        _stored("memory_consumed_mib", "mémoire consommée", "Mio"),
        _stored("memory_active_mib", "mémoire active", "Mio"),
        _stored("memory_ballooned_mib", "mémoire reprise par ballooning", "Mio"),
        _stored("memory_swapped_mib", "mémoire swappée", "Mio"),
        Range("disk_used_mib", "espace utilisé d'une partition", "Mio", 0, STORED["disk_used_gib"].max * 1024),
        Range("cpu_usage_percent", "usage CPU d'un hôte", "%", 0, 100),
        Range("memory_usage_percent", "usage mémoire d'un hôte", "%", 0, 100),
        # Import-only: a warranty in months becomes a warranty end date (30 years at most).
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
