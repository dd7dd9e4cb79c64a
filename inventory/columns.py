"""Query results as columns: one list per selected column, for the readers of whole tables.

SQLAlchemy builds a ``Row`` per row and runs each column's result processing row by row; a reader
that wants columns (numpy arrays, DataFrames) of 50 000 VMs pays that for nothing. Here the
driver's rows are fetched as they come and each column's processing, the one SQLAlchemy would run
(booleans and dates on SQLite, ``types.UTCDateTime``), is applied once over its list: the values
are the ones ``session.execute(statement).all()`` gives.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import CursorResult, Select, Table
from sqlmodel import Session, SQLModel


def core_table(model: type[SQLModel]) -> Table:
    """The Core table of a table model: its columns (``.c``) selected give plain rows, not ORM ones."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def fetch_columns(session: Session, statement: Select[Any]) -> dict[str, list[Any]]:
    """The rows of a Core ``statement`` (table columns, not ORM entities) as lists by column key.

    Run through the session, so pending changes are flushed first as for any query.
    """
    names = list(statement.selected_columns.keys())  # distinct: SQLAlchemy suffixes repeated ones
    result = session.execute(statement)
    if not isinstance(result, CursorResult):  # not a plain Core statement: rows the usual way
        return {name: list(values) for name, values in zip(names, _transpose(result.all(), len(names)), strict=True)}
    dialect = result.dialect
    with _collector_paused():
        try:
            rows = result.cursor.fetchall()
            codes = [d[1] for d in result.cursor.description]
        finally:
            result.close()
        transposed = _transpose(rows, len(names))
        del rows  # freed before the collector resumes: it then finds no row tuple to scan
        columns: dict[str, list[Any]] = {}
        for name, column, code in zip(names, statement.selected_columns, codes, strict=True):
            values = transposed.pop(0)
            process = column.type.dialect_impl(dialect).result_processor(dialect, code)
            columns[name] = list(values) if process is None else list(map(process, values))
        return columns


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while rows pile up: every 700 new tuples it would scan the young
    ones, and the whole heap at times (a third of a 50 000-VM read). They hold no cycle to collect."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:  # a thread that found it paused leaves it to the one that paused it
            gc.enable()


def _transpose(rows: Any, width: int) -> list[tuple[Any, ...]]:
    """Columns of ``rows`` (``width`` empty ones when there is no row)."""
    return list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
