"""What the inventory accepts: one table of plausible ranges, checked on the one write path.

Every record a collector or an import hands to ``upsert_observations`` (or ``enrich_hosts``) is
checked here before anything is written, field by field, from its column in ``inventory.models``:

- numbers: of the column's type (an integer where the column is an integer), finite (no NaN, no
  infinity) and within ``RANGES`` (field, unit, min, max);
- strings: no NUL byte and no longer than the column (read from the SQLModel tables, so SQLite
  refuses what PostgreSQL would);
- dates: a purchase between 1990 and the end of next year; a warranty end from 1990 to 30 years
  after the purchase (after the end of next year when the purchase is unknown); timestamps
  timezone-aware, between 1990 and the end of next year;
- booleans and enumerations: of their type.

A violation raises ``InvalidRecord`` (a ``ValueError`` and an ``InvalidSourceData``) naming the
record, the field, the value and the allowed range. The same table lets readers (the planning
service, the summary) recognise the impossible values an older version may have stored.
``docs/inventory.md`` shows the table; a test keeps the two in step.
"""

import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Boolean, Date, Float, Integer, String
from sqlalchemy.sql.schema import Column
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

from inventory.errors import InvalidRecord
from inventory.models import Cluster, CollectionRun, Datastore, Host, Site, VirtualMachine
from inventory.records import (
    ClusterRecord,
    DatastoreRecord,
    HostRecord,
    SiteRecord,
    Snapshot,
    VirtualMachineRecord,
)
from inventory.types import UTCDateTime


@dataclass(frozen=True)
class Range:
    """The plausible values of one numeric field, in its unit (bounds included)."""

    field: str
    unit: str
    min: float
    max: float


#: 64 TiB in MiB: the most memory one VM or one host may have.
MAX_MEMORY_MIB = 64 * 1024 * 1024
#: 4096 vCPU at 10 000 MHz, or 64 sockets of 512 cores at 10 000 MHz: more is a unit mistake.
MAX_USAGE_MHZ = 64 * 512 * 10_000
#: About 95 PiB: more than any datastore, disk or VM a local authority runs.
MAX_STORAGE_GIB = 100_000_000
#: 10 M€ TTC: more than any one server or its yearly support.
MAX_EUR = 10_000_000

RANGES: tuple[Range, ...] = (
    Range("n_sockets", "sockets", 0, 64),
    Range("n_cores_per_socket", "cœurs par socket", 0, 512),
    Range("n_threads", "threads", 0, 65_536),
    Range("cpu_mhz", "MHz par cœur", 0, 10_000),
    Range("memory_mib", "MiB", 0, MAX_MEMORY_MIB),
    Range("n_vcpus", "vCPU", 0, 4_096),
    Range("local_storage_gib", "GiB", 0, MAX_STORAGE_GIB),
    Range("storage_provisioned_gib", "GiB", 0, MAX_STORAGE_GIB),
    Range("storage_used_gib", "GiB", 0, MAX_STORAGE_GIB),
    Range("capacity_gib", "GiB", 0, MAX_STORAGE_GIB),
    Range("free_gib", "GiB", 0, MAX_STORAGE_GIB),
    Range("cpu_usage_p95_mhz", "MHz", 0, MAX_USAGE_MHZ),
    Range("cpu_usage_mean_mhz", "MHz", 0, MAX_USAGE_MHZ),
    Range("memory_usage_p95_mib", "MiB", 0, MAX_MEMORY_MIB),
    Range("memory_active_mib", "MiB", 0, MAX_MEMORY_MIB),
    Range("memory_consumed_mib", "MiB", 0, MAX_MEMORY_MIB),
    Range("memory_ballooned_mib", "MiB", 0, MAX_MEMORY_MIB),
    Range("memory_swapped_mib", "MiB", 0, MAX_MEMORY_MIB),
    Range("disk_used_gib", "GiB", 0, MAX_STORAGE_GIB),
    Range("purchase_price_eur", "€ TTC", 0, MAX_EUR),
    Range("support_cost_eur_per_year", "€ TTC par an", 0, MAX_EUR),
    Range("power_idle_w", "W", 0, 20_000),
    Range("power_max_w", "W", 0, 20_000),
    Range("rack_units", "U", 0, 60),
    Range("perf_per_core", "× un cœur de 2024", 0, 20),
    Range("ha_host_failures_tolerated", "hôtes", 0, 128),
)
LIMITS: dict[str, Range] = {r.field: r for r in RANGES}

#: No server in an inventory was bought before this date.
EARLIEST_DATE = date(1990, 1, 1)
#: A warranty (or support contract) ends at most this many years after the purchase.
MAX_WARRANTY_YEARS = 30

#: Record class → (kind used in messages, table its fields are stored in).
RECORD_TABLES: dict[type[SQLModel], tuple[str, type[SQLModel]]] = {
    SiteRecord: ("site", Site),
    ClusterRecord: ("cluster", Cluster),
    HostRecord: ("host", Host),
    VirtualMachineRecord: ("vm", VirtualMachine),
    DatastoreRecord: ("datastore", Datastore),
}


def _number(value: float) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return text.replace(",", " ")


def allowed_range(field: str, *, integer: bool = False) -> str:
    """What a numeric field accepts, in words (for messages)."""
    limit = LIMITS[field]
    what = "entier" if integer else "nombre fini"
    return f"attendu : {what} de {_number(limit.min)} à {_number(limit.max)} {limit.unit}"


def number_problem(field: str, value: object, *, integer: bool = False) -> str | None:
    """Why ``value`` is impossible for the numeric ``field`` (the allowed range), or None when it is fine.

    None values are fine (unknown). Used on records and on rows already stored.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is int or (kind is float and not integer):  # the common case, without ABC checks
        limit = LIMITS.get(field)
        if limit is not None and limit.min <= cast(float, value) <= limit.max:  # False for NaN and infinities
            return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return allowed_range(field, integer=integer)
    if integer and not isinstance(value, numbers.Integral):
        return allowed_range(field, integer=integer)
    number = float(value)
    limit = LIMITS.get(field)
    if not math.isfinite(number) or (limit is not None and not limit.min <= number <= limit.max):
        return allowed_range(field, integer=integer) if limit else "attendu : un nombre fini"
    return None


def latest_date(today: date | None = None) -> date:
    """The last plausible purchase date: the end of next year."""
    return date((today or date.today()).year + 1, 12, 31)


def _years_after(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


Problem = str | None
Check = Callable[[Any, Any, date], Problem]


def _string_check(length: int | None) -> Check:
    def check(value: Any, _record: Any, _today: date) -> Problem:
        if not isinstance(value, str):
            return "attendu : du texte"
        if "\x00" in value:
            return "attendu : du texte sans octet NUL"
        if length is not None and len(value) > length:
            return f"attendu : au plus {length} caractères"
        return None

    return check


def _enum_check(enum: type[Enum], length: int | None) -> Check:
    text = _string_check(length)
    values = {member.value for member in enum}

    def check(value: Any, record: Any, today: date) -> Problem:
        if (problem := text(value, record, today)) is not None:
            return problem
        return None if value in values else "attendu : " + ", ".join(sorted(values))

    return check


def _bool_check(value: Any, _record: Any, _today: date) -> Problem:
    return None if isinstance(value, bool) else "attendu : vrai ou faux"


def _number_check(field: str, integer: bool) -> Check:
    def check(value: Any, _record: Any, _today: date) -> Problem:
        return number_problem(field, value, integer=integer)

    return check


def _timestamp_check(value: Any, _record: Any, today: date) -> Problem:
    if (
        isinstance(value, datetime)
        and value.tzinfo is not None
        and EARLIEST_DATE <= value.date() <= today.replace(year=today.year + 1, month=12, day=31)
    ):
        return None
    return f"attendu : date et heure avec fuseau, de {EARLIEST_DATE:%d/%m/%Y} au {latest_date(today):%d/%m/%Y}"


def _date_check(field: str) -> Check:
    def check(value: Any, record: Any, today: date) -> Problem:
        low, high = EARLIEST_DATE, latest_date(today)
        if field == "warranty_end":
            purchase = getattr(record, "purchase_date", None)
            start = purchase if isinstance(purchase, date) else high
            high = _years_after(start, MAX_WARRANTY_YEARS)
        allowed = f"attendu : une date du {low:%d/%m/%Y} au {high:%d/%m/%Y}"
        if not isinstance(value, date) or isinstance(value, datetime):
            return allowed
        return None if low <= value <= high else allowed

    return check


def _column_check(field: str, column: Column[Any], annotation: Any) -> Check:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _timestamp_check
    if isinstance(kind, TypeDecorator):  # sqlmodel's AutoString: a String underneath
        kind = kind.impl_instance
    if isinstance(kind, Boolean):
        return _bool_check
    if isinstance(kind, Integer):
        return _number_check(field, integer=True)
    if isinstance(kind, Float):
        return _number_check(field, integer=False)
    if isinstance(kind, Date):
        return _date_check(field)
    if isinstance(kind, String):
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return _enum_check(annotation, kind.length)
        return _string_check(kind.length)
    raise TypeError(f"no check for column {column.table.name}.{field} of type {kind!r}")  # a new column type


def _checks(record_type: type[SQLModel], table: type[SQLModel]) -> tuple[tuple[str, Check], ...]:
    """One check per field of ``record_type``, from the column that stores it."""
    columns = table.__table__.c  # type: ignore[attr-defined]
    external_id = _string_check(columns["external_id"].type.length)
    checks: list[tuple[str, Check]] = []
    for name, info in record_type.model_fields.items():
        if name.endswith("external_id"):  # its own id, or another object's id in the same source
            checks.append((name, external_id))
        else:
            checks.append((name, _column_check(name, columns[name], info.annotation)))
    return tuple(checks)


_CHECKS: dict[type[SQLModel], tuple[str, tuple[tuple[str, Check], ...]]] = {
    record_type: (kind, _checks(record_type, table)) for record_type, (kind, table) in RECORD_TABLES.items()
}
SOURCE_LENGTH: int = CollectionRun.__table__.c["source"].type.length  # type: ignore[attr-defined]
KIND_LENGTH: int = CollectionRun.__table__.c["kind"].type.length  # type: ignore[attr-defined]


def check_record(record: SQLModel, *, today: date | None = None) -> None:
    """Raise ``InvalidRecord`` on the first field of ``record`` the inventory would refuse."""
    kind, checks = _CHECKS[type(record)]
    day = today or date.today()
    values = record.__dict__
    for name, check in checks:
        value = values[name]
        if value is None:
            continue
        problem = check(value, record, day)
        if problem is not None:
            raise InvalidRecord(
                kind=kind,
                external_id=_text_or_none(getattr(record, "external_id", None)),
                name=_text_or_none(getattr(record, "name", None)),
                field=name,
                value=value,
                allowed=problem,
            )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def check_records(records: Iterable[SQLModel], *, source: str | None = None, today: date | None = None) -> None:
    """``check_record`` on each record; the error names ``source`` when given."""
    day = today or date.today()
    try:
        for record in records:
            check_record(record, today=day)
    except InvalidRecord as err:
        raise (err.in_source(source) if source else err) from None


def check_source(source: str, *, field: str = "source", length: int = SOURCE_LENGTH) -> None:
    """Raise ``InvalidRecord`` when a run's source (or kind) cannot be stored (NUL byte, too long)."""
    problem = _string_check(length)(source, None, date.today())
    if problem is not None:
        raise InvalidRecord(kind="run", external_id=None, name=None, field=field, value=source, allowed=problem)


def check_snapshot(snapshot: Snapshot, *, source: str, today: date | None = None) -> None:
    """Check the source name and every record of ``snapshot``: raise ``InvalidRecord`` on the first fault."""
    check_source(source)
    check_records(
        (*snapshot.sites, *snapshot.clusters, *snapshot.hosts, *snapshot.datastores, *snapshot.vms),
        source=source,
        today=today,
    )
