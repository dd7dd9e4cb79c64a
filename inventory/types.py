"""Column types that behave the same on SQLite and PostgreSQL."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone: without this, values written aware come back naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)  # the DateTime impl hands back datetimes


def as_utc(value: datetime) -> datetime:
    """A timestamp as ``UTCDateTime`` reads it: naive ones (SQLite keeps no zone) are UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def plain_timestamp(column: ColumnElement[Any]) -> ColumnElement[datetime]:
    """A ``UTCDateTime`` column read as the driver gives it, naive on SQLite: only for ``spans``."""
    return type_coerce(column, DateTime(timezone=True))


def spans(starts: Sequence[datetime | None], ends: Sequence[datetime | None]) -> list[timedelta | None]:
    """``end - start`` of each pair read through ``plain_timestamp``, as between the values ``UTCDateTime``
    reads; None where either is unknown. Pairs of one kind (naive on SQLite, aware on PostgreSQL)
    are subtracted as they come: 50 000 VMs need no aware copies of their timestamps."""
    return [_span(start, end) for start, end in zip(starts, ends, strict=True)]


def _span(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None or end is None:
        return None
    if (start.tzinfo is None) is (end.tzinfo is None):
        return end - start
    return as_utc(end) - as_utc(start)  # a value written aware beside a naive one
